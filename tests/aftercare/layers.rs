//! The layers run one way: model and rules at the bottom, the evaluation above them, output
//! formats above that, the front doors above, `app` on top. This reads `src/**/*.rs`, builds
//! the graph of top-level modules from their `crate::` paths, and fails on an import from a
//! lower layer into a higher one, or on any cycle, except the known ones listed below.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every top-level module and its layer (0 is the bottom). A new module must be placed here.
const LAYERS: &[(&str, u8)] = &[
    // Model and rules: the case as read, times, the protocol, the errors they raise.
    ("model", 0),
    ("input", 0),
    ("when", 0),
    ("pretty_case", 0),
    ("rules", 0),
    ("error", 0),
    ("unsafe_chars", 0),
    ("io_text", 0),
    // The evaluation: a case against the rules.
    ("resolve", 1),
    ("evaluate", 1),
    ("examples", 1),
    ("follow_up", 1),
    ("refusal", 1),
    // Output formats and the reports about a rule file, which run the evaluation.
    ("output", 2),
    ("lint", 2),
    ("trace", 2),
    // The front doors and what they need to read and write.
    ("questionnaire", 3),
    ("batch", 3),
    ("stream_contract", 3),
    ("fuzz_contract", 3),
    ("advice", 3),
    ("web", 3),
    ("admin", 3),
    ("serve", 3),
    ("cli", 3),
    ("shell", 3),
    ("atomic", 3),
    ("whole_records", 3),
    // The durable store behind the web check-in: JSON text and plain fields, no pages.
    ("store", 3),
    // Loading, printing, records and exit codes for all of them.
    ("app", 4),
];

/// Imports known to break the layering, each with the reason it is still here. The test fails
/// on any other; remove an entry when its import goes (a stale entry fails too).
const KNOWN_EXCEPTIONS: &[(&str, &str, &str)] = &[];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
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
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(is_name_char) {
            continue; // `aftercrate::`, not a path of this crate
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
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Names the crate root re-exports (`pub use error::{io_reason, Error}`), by the module they
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

/// Every import between top-level modules: (from file, from module, to module).
fn imports() -> Vec<(String, String, String)> {
    let src = src_dir();
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let reexports = root_reexports(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let relative = path.strip_prefix(&src).expect("under src/");
        let Some(from) = module_of(relative) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("a source file");
        for name in crate_paths(&code_of(&text)) {
            let to = reexports.get(&name).cloned().unwrap_or(name);
            if to != from {
                let file = Path::new("src").join(relative).display().to_string();
                out.push((file, from.clone(), to));
            }
        }
    }
    out
}

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(m, _)| *m == module)
        .map(|&(_, l)| l)
        .unwrap_or_else(|| {
            panic!(
                "module `{module}` has no layer: place it in LAYERS in tests/aftercare/layers.rs"
            )
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

#[test]
fn the_layers_run_one_way_and_the_modules_form_no_cycle() {
    let imports = imports();
    let mut wrong_way = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, from, to) in &imports {
        if is_known_exception(file, to) {
            continue;
        }
        if layer(from) < layer(to) {
            wrong_way.push(format!(
                "{file}: `{from}` (layer {}) imports `{to}` (layer {})",
                layer(from),
                layer(to)
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

#[test]
fn every_known_exception_is_still_there() {
    let imports = imports();
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
        "use crate::{lint, model::{Case, Disposition}};\n// crate::app in a comment\nlet x = crate::io_reason(e);",
    ));
    assert_eq!(
        found,
        ["io_reason", "lint", "model"].map(String::from).into()
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
