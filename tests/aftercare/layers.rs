//! What the compiler cannot see about the layers. The core (`crates/aftercare-core`) is a
//! crate of its own, so nothing in it can reach the application: the compiler sees to that.
//! What is left is checked here, by reading the sources:
//!
//! - the core depends only on the crates the evaluation needs;
//! - inside each crate the top-level modules run one way (the core: the case and the rules,
//!   then the evaluation, then the reports about a rule file; the application: its errors,
//!   the output formats, the front doors, `app` on top), with no cycle;
//! - inside every folder, the files form no cycle (an interface and its implementation, a
//!   router and its error vocabulary, each in a file of its own).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates the core may depend on: the case is JSON, the rule files TOML, times chrono's.
const CORE_DEPENDENCIES: &[&str] = &[
    "chrono",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "strsim",
    "toml",
];

/// The core's top-level modules and their layers (0 is the bottom). A new module must be
/// placed here.
const CORE_LAYERS: &[(&str, u8)] = &[
    // The case as read, times, the protocol, safe text.
    ("model", 0),
    ("input", 0),
    ("when", 0),
    ("day_words", 0),
    ("pretty_case", 0),
    ("rules", 0),
    ("unsafe_chars", 0),
    ("escape", 0),
    ("io_words", 0),
    // The evaluation: a case against the rules.
    ("resolve", 1),
    ("evaluate", 1),
    ("examples", 1),
    ("follow_up", 1),
    ("refusal", 1),
    // The reports about a rule file, which run the evaluation.
    ("lint", 2),
    ("trace", 2),
];

/// The application's top-level modules and their layers.
const APP_LAYERS: &[(&str, u8)] = &[
    // Its errors and exit codes, and the state of standard output.
    ("error", 0),
    ("io_text", 0),
    // The questions the tool words itself, and the order each side is asked them.
    ("conversation", 0),
    // Output formats.
    ("output", 1),
    // The front doors and what they need to read and write.
    ("questionnaire", 2),
    ("batch", 2),
    ("stream_contract", 2),
    ("fuzz_contract", 2),
    ("advice", 2),
    ("web", 2),
    ("admin", 2),
    ("serve", 2),
    ("cli", 2),
    ("shell", 2),
    ("atomic", 2),
    ("whole_records", 2),
    // The durable store behind the web check-in: JSON text and plain fields, no pages.
    ("store", 2),
    // Loading, printing, records and exit codes for all of them.
    ("app", 3),
];

/// Imports known to break the layering, each with the reason it is still here: (file,
/// module imported, why). The test fails on any other; remove an entry when its import goes
/// (a stale entry fails too).
const KNOWN_EXCEPTIONS: &[(&str, &str, &str)] = &[];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The two crates: where their sources are and their layers.
fn crates() -> [(PathBuf, &'static [(&'static str, u8)]); 2] {
    [
        (root().join("crates/aftercare-core/src"), CORE_LAYERS),
        (root().join("src"), APP_LAYERS),
    ]
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/output/text.rs` is in `output`); `None` for
/// the crate root and `main.rs`.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    match first.strip_suffix(".rs") {
        Some("lib" | "main") => None,
        Some(stem) => Some(stem.to_string()),
        None => Some(first.to_string()),
    }
}

/// The code of a file without comments and without its unit tests (kept last by convention,
/// after `#[cfg(test)]`): a test may reach up a layer to check what it needs.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first segments named by `crate::` paths: `crate::rules::RuleSet` gives `rules`,
/// `use crate::{lint, model::Case}` gives `lint` and `model`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    paths_after(code, "crate::")
}

/// The first segments of the paths that start with `prefix` (`super::`, `crate::serve::`).
fn paths_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix).map(|at| from + at) {
        let before = code[..at].chars().next_back();
        from = at + prefix.len();
        let rest = &code[from..];
        if before.is_some_and(is_name_char) || before == Some(':') {
            continue; // `aftercrate::`, or `super::super::`: not a path of this kind
        }
        if rest.starts_with(prefix) {
            continue; // `super::super::web` names the grandparent's module, not a sibling
        }
        if let Some(group) = rest.strip_prefix('{') {
            // A use group: its first segment at every depth-0 item.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && is_name_char(c) => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|&c| is_name_char(c))
                            .collect();
                        out.insert(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_name_char(c)).collect();
            if !name.is_empty() && name != "super" {
                out.insert(name);
            }
        }
    }
    out
}

/// Names a crate root re-exports (`pub use error::{io_reason, Error}`), by the module they
/// come from, so that `crate::io_reason` counts as an import of `error`.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        for name in names
            .trim_end_matches(';')
            .trim_matches(['{', '}'])
            .split(',')
        {
            let name = name.trim();
            if !name.is_empty() {
                out.insert(name.to_string(), module.to_string());
            }
        }
    }
    out
}

/// Every import between top-level modules of the crate at `src`: (from file, from module,
/// to module).
fn imports(src: &Path) -> Vec<(String, String, String)> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("the crate's lib.rs");
    let reexports = root_reexports(&lib);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let relative = path.strip_prefix(src).expect("under src/");
        let Some(from) = module_of(relative) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("a source file");
        for name in crate_paths(&code_of(&text)) {
            let to = reexports.get(&name).cloned().unwrap_or(name);
            if to != from {
                let file = path
                    .strip_prefix(root())
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                out.push((file, from.clone(), to));
            }
        }
    }
    out
}

fn layer(layers: &[(&str, u8)], module: &str) -> u8 {
    layers
        .iter()
        .find(|(m, _)| *m == module)
        .map(|&(_, l)| l)
        .unwrap_or_else(|| {
            panic!("module `{module}` has no layer: place it in tests/aftercare/layers.rs")
        })
}

fn is_known_exception(file: &str, to: &str) -> bool {
    KNOWN_EXCEPTIONS
        .iter()
        .any(|&(f, t, _)| f == file && t == to)
}

/// A cycle of the graph, as the modules along it, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = path.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, edges, state, path) {
                        return Some(c);
                    }
                }
            }
        }
        path.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if !state.contains_key(node) {
            if let Some(c) = visit(node, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// Every folder of modules under `dir` (`src/serve`, `src/web`, ...), itself included.
fn folders(dir: &Path, out: &mut Vec<PathBuf>) {
    out.push(dir.to_path_buf());
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for path in entries {
        folders(&path, out);
    }
}

/// The files of one folder as a graph: which sibling each names through `super::` (or, from
/// a folder's own `mod.rs`, directly) or through its full `crate::` path. The folder's
/// `mod.rs` declares the others, so its edges to them are not counted.
fn sibling_imports(crate_src: &Path, folder: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut siblings = BTreeSet::new();
    for entry in std::fs::read_dir(folder).expect("a readable folder") {
        let path = entry.expect("a directory entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let is_module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
        if is_module && !matches!(stem, "mod" | "lib" | "main") {
            siblings.insert(stem.to_string());
        }
    }
    let module_path: Vec<String> = folder
        .strip_prefix(crate_src)
        .expect("inside the crate")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let full_prefix = if module_path.is_empty() {
        None
    } else {
        Some(format!("crate::{}::", module_path.join("::")))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for from in &siblings {
        let file = folder.join(format!("{from}.rs"));
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue; // a folder of its own: its files are checked as their folder
        };
        let code = code_of(&text);
        let mut named = paths_after(&code, "super::");
        if let Some(prefix) = &full_prefix {
            named.extend(paths_after(&code, prefix));
        } else {
            named.extend(crate_paths(&code));
        }
        for to in named {
            if siblings.contains(&to) && &to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    edges
}

#[test]
fn the_core_depends_only_on_what_the_evaluation_needs() {
    let manifest = std::fs::read_to_string(root().join("crates/aftercare-core/Cargo.toml"))
        .expect("the core's manifest");
    let mut in_dependencies = false;
    let mut found = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies && !line.is_empty() && !line.starts_with('#') {
            let name = line
                .split(['=', ' ', '.'])
                .next()
                .unwrap_or("")
                .replace('-', "_");
            found.push(name);
        }
    }
    assert!(
        !found.is_empty(),
        "no [dependencies] read from the core's manifest"
    );
    for name in &found {
        assert!(
            CORE_DEPENDENCIES.contains(&name.as_str()),
            "the core depends on `{name}`: it may use only {CORE_DEPENDENCIES:?}"
        );
    }
}

#[test]
fn the_layers_run_one_way_and_the_modules_form_no_cycle() {
    for (src, layers) in crates() {
        let imports = imports(&src);
        let mut wrong_way = Vec::new();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (file, from, to) in &imports {
            if is_known_exception(file, to) {
                continue;
            }
            if layer(layers, from) < layer(layers, to) {
                wrong_way.push(format!(
                    "{file}: `{from}` (layer {}) imports `{to}` (layer {})",
                    layer(layers, from),
                    layer(layers, to)
                ));
            }
            edges.entry(from.clone()).or_default().insert(to.clone());
        }
        assert!(
            wrong_way.is_empty(),
            "imports against the layers:\n{}",
            wrong_way.join("\n")
        );
        if let Some(cycle) = find_cycle(&edges) {
            panic!("an import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_files_of_a_folder_form_no_cycle() {
    let mut checked = 0;
    for (src, _) in crates() {
        let mut all = Vec::new();
        folders(&src, &mut all);
        for folder in all.iter().filter(|f| **f != src) {
            let edges = sibling_imports(&src, folder);
            checked += 1;
            if let Some(cycle) = find_cycle(&edges) {
                panic!(
                    "files of {} import each other: {}",
                    folder.strip_prefix(root()).unwrap_or(folder).display(),
                    cycle.join(" -> ")
                );
            }
        }
    }
    assert!(checked >= 5, "only {checked} folders found");
}

#[test]
fn every_known_exception_is_still_there() {
    let imports: Vec<_> = crates().iter().flat_map(|(src, _)| imports(src)).collect();
    for &(file, to, why) in KNOWN_EXCEPTIONS {
        assert!(
            imports.iter().any(|(f, _, t)| f == file && t == to),
            "{file} no longer imports `{to}` ({why}): remove it from KNOWN_EXCEPTIONS"
        );
    }
}

#[test]
fn the_check_sees_grouped_paths_root_reexports_and_cycles() {
    let found = crate_paths(&code_of(
        "use crate::{lint, model::{Case, Disposition}};\n// crate::app in a comment\nlet x = crate::io_text::io_reason(e);",
    ));
    assert_eq!(found, ["io_text", "lint", "model"].map(String::from).into());
    let found = paths_after(
        "use super::{auth, logging::Outcome, Shared};\nuse super::super::web;",
        "super::",
    );
    assert_eq!(
        found,
        ["Shared", "auth", "logging"].map(String::from).into()
    );
    let reexports = root_reexports("pub use error::{io_reason, Error};\npub use rules::RuleSet;");
    assert_eq!(reexports["io_reason"], "error");
    assert_eq!(reexports["RuleSet"], "rules");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges
        .entry("rules".into())
        .or_default()
        .insert("input".into());
    assert_eq!(find_cycle(&edges), None);
    edges
        .entry("input".into())
        .or_default()
        .insert("rules".into());
    assert!(find_cycle(&edges).is_some());
}
