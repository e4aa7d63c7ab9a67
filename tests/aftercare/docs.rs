//! The documents stay true: the README stays short, every relative link and anchor resolves,
//! and the tables that restate the code (exit codes, input limits, the HTTP service's
//! defaults) list exactly what the code defines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use aftercare::error::ExitCode;
use aftercare_core::Disposition;
use clap::CommandFactory;

use crate::support::repo_path;

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// README.md, CONTRIBUTING.md, CHANGELOG.md and every docs/*.md, as paths from the root.
fn documents() -> Vec<String> {
    let mut docs: Vec<String> = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"]
        .map(String::from)
        .to_vec();
    let mut under: Vec<String> = std::fs::read_dir(repo_path("docs"))
        .expect("docs/ exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    under.sort();
    docs.extend(under);
    docs
}

/// The lines of a document outside fenced code blocks, with their line numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push((i + 1, line));
        }
    }
    out
}

/// The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens,
/// a repeated heading numbered from -1.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for (_, line) in prose_lines(text) {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let slug: String = title
            .trim()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => {
                    Some(c.to_lowercase().next().unwrap())
                }
                _ => None,
            })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        out.insert(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// The targets of the inline links `[text](target)` of a document, with their line numbers.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in prose_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            out.push((n, rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    out
}

/// Problems with the relative links of `doc` (a path from the root), one a line.
fn broken_links(doc: &str) -> Vec<String> {
    let text = read(doc);
    let dir: PathBuf = Path::new(doc).parent().unwrap().to_path_buf();
    let mut problems = Vec::new();
    for (line, target) in links(&text) {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, anchor) = match target.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (target.as_str(), None),
        };
        let rel = if file.is_empty() {
            PathBuf::from(doc)
        } else {
            dir.join(file)
        };
        let path = repo_path(rel.to_str().unwrap());
        if !path.exists() {
            problems.push(format!("{doc}:{line}: {target}: no such file"));
            continue;
        }
        if let Some(anchor) = anchor {
            let heads = anchors(&std::fs::read_to_string(&path).unwrap_or_default());
            if !heads.contains(anchor) {
                problems.push(format!(
                    "{doc}:{line}: {target}: no heading with this anchor"
                ));
            }
        }
    }
    problems
}

/// The rows of the first table after the line that starts with `heading`: the cells of
/// each row, trimmed, header and rule left out.
fn table_after(text: &str, heading: &str) -> Vec<Vec<String>> {
    let start = text
        .lines()
        .position(|l| l.starts_with(heading))
        .unwrap_or_else(|| panic!("no line starting with {heading:?}"));
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(start + 1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert!(rows.len() > 2, "no table after {heading:?}");
    rows[2..].to_vec()
}

/// 1048576 as "1,048,576".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size in whole MiB: "4 MiB".
fn mib(bytes: usize) -> String {
    assert_eq!(bytes % (1024 * 1024), 0, "{bytes} is not whole MiB");
    format!("{} MiB", bytes / 1024 / 1024)
}

#[test]
fn the_readme_is_under_200_lines() {
    let lines = read("README.md").lines().count();
    assert!(
        lines < 200,
        "README.md has {lines} lines; move the detail into docs/"
    );
}

#[test]
fn the_readme_keeps_the_two_set_up_commands() {
    // CI (.ci/run) and newcomers run exactly these.
    let readme = read("README.md");
    assert!(readme.contains("\n    cargo run --release -- advice --day 2\n"));
    assert!(readme.contains("\n    cargo test\n"));
    assert!(read(".ci/run").contains("\ncargo test --locked\n"));
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut problems = Vec::new();
    let mut count = 0;
    for doc in documents() {
        count += links(&read(&doc)).len();
        problems.extend(broken_links(&doc));
    }
    assert!(count > 30, "links found: {count}");
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_link_check_finds_a_missing_file_and_a_missing_anchor() {
    let text = "# Top\n\n## The `exit` codes, again\n\n[a](#the-exit-codes-again) [b](#nothing) \
                [c](no-such-file.md) [d](https://example.invalid/x)\n```\n[e](not-read.md)\n```\n";
    let found: Vec<String> = links(text).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        found,
        [
            "#the-exit-codes-again",
            "#nothing",
            "no-such-file.md",
            "https://example.invalid/x"
        ]
    );
    let heads = anchors(text);
    assert!(heads.contains("the-exit-codes-again"), "{heads:?}");
    assert!(!heads.contains("nothing"));
}

#[test]
fn every_document_under_docs_is_linked_from_the_readme() {
    let readme = read("README.md");
    for doc in documents().iter().filter(|d| d.starts_with("docs/")) {
        assert!(
            readme.contains(&format!("]({doc})")),
            "README.md does not link to {doc}"
        );
    }
}

#[test]
fn the_exit_code_table_lists_exactly_the_codes_of_the_code() {
    let text = read("docs/json-interface.md");
    let rows = table_after(&text, "## Exit codes");
    let listed: Vec<i32> = rows
        .iter()
        .map(|r| {
            r[0].parse()
                .unwrap_or_else(|_| panic!("not one code a row: {r:?}"))
        })
        .collect();
    let mut defined: Vec<i32> = ExitCode::DOCUMENTED.iter().map(|c| c.code()).collect();
    defined.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(sorted, defined, "the exit-code table and ExitCode differ");
    assert_eq!(listed, sorted, "the table is in the order of the numbers");
    for d in Disposition::ALL {
        let n = ExitCode::Disposition(d).code();
        let row = rows.iter().find(|r| r[0] == n.to_string()).unwrap();
        assert!(
            row[1].contains(&format!("`{d}`")),
            "exit code {n} is {d}: {row:?}"
        );
    }
}

#[test]
fn the_limits_table_matches_the_constants() {
    use aftercare::batch::MAX_LINE_BYTES;
    use aftercare::output::schema::MAX_TIME_LEN;
    use aftercare_core::input::{
        MAX_DAYS, MAX_DESCRIPTION_CHARS, MAX_ID_LEN, MAX_RISK_FACTORS, MAX_SYMPTOMS,
    };
    use aftercare_core::rules::MAX_RULE_FILE_BYTES;

    assert_eq!(MAX_DAYS.fract(), 0.0);
    let expected: Vec<(&str, String)> = vec![
        (
            "one line of a JSON Lines stream, or one (pretty-printed) case",
            format!(
                "{} ({} bytes)",
                mib(MAX_LINE_BYTES),
                thousands(MAX_LINE_BYTES as u64)
            ),
        ),
        ("symptoms in one case", MAX_SYMPTOMS.to_string()),
        ("risk factors in one case", MAX_RISK_FACTORS.to_string()),
        (
            "the `description` of `other`",
            format!("{MAX_DESCRIPTION_CHARS} characters"),
        ),
        ("a case or symptom id", format!("{MAX_ID_LEN} bytes")),
        (
            "time since treatment, a `started_day`, a day in a rule file, a typed treatment time (`--treated`, the questionnaire)",
            format!("{} days (a century)", thousands(MAX_DAYS as u64)),
        ),
        ("a typed or written date", format!("{MAX_TIME_LEN} characters")),
        (
            "a rule file",
            format!(
                "{} ({} bytes)",
                mib(MAX_RULE_FILE_BYTES),
                thousands(MAX_RULE_FILE_BYTES as u64)
            ),
        ),
        (
            "a table of test cases (`rules trace --tests`)",
            format!(
                "{}, each line {}",
                mib(MAX_RULE_FILE_BYTES),
                mib(MAX_LINE_BYTES)
            ),
        ),
    ];
    let rows = table_after(&read("docs/json-interface.md"), "## Limits");
    let listed: Vec<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(w, v)| (w.to_string(), v))
        .collect();
    assert_eq!(
        listed, expected,
        "the limits table and the constants differ"
    );

    // The HTTP service takes the same limit for one case.
    let http = read("docs/http-service.md");
    assert!(http.contains(&format!(
        "| 413 | a body over {}, the limit of one case in `check` |",
        mib(MAX_LINE_BYTES)
    )));
}

#[test]
fn the_http_service_defaults_match_the_command_line() {
    let cli = aftercare::cli::Cli::command();
    let serve = cli
        .find_subcommand("serve")
        .expect("a serve command")
        .clone();
    let mut defined = BTreeMap::new();
    for arg in serve.get_arguments() {
        let (Some(long), [default]) = (arg.get_long(), arg.get_default_values()) else {
            continue;
        };
        defined.insert(long.to_string(), default.to_string_lossy().into_owned());
    }
    let http = read("docs/http-service.md");
    let listen = defined.remove("listen").expect("--listen has a default");
    assert!(
        http.contains(&format!("http://{listen}")),
        "the default address {listen}"
    );
    let rows = table_after(&http, "Options, for the limits below");
    let listed: BTreeMap<String, String> = rows
        .iter()
        .map(|r| {
            let option = r[0].trim_matches('`');
            let name = option.trim_start_matches("--");
            let name = name.split(' ').next().unwrap();
            (name.to_string(), r[1].clone())
        })
        .collect();
    assert_eq!(
        listed, defined,
        "the HTTP service's option table and `serve`'s defaults differ"
    );
}

/// The command lines shown in the documents' examples (`aftercare ...`, `cargo run ... --
/// ...`), as words: a comment, a redirection or a pipe after them left out, quotes removed.
/// A synopsis with `[...]` is not an example and is left out.
fn example_commands(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (n, line) in prose_lines(text) {
        if !line.starts_with("    ") {
            continue;
        }
        let line = line.trim();
        let rest = if let Some(at) = line.find("| aftercare ") {
            &line[at + 2..]
        } else if line == "aftercare" || line.starts_with("aftercare ") {
            line
        } else if line.starts_with("cargo run") && line.contains(" -- ") {
            &line[line.find(" -- ").unwrap() + 4..]
        } else {
            continue;
        };
        let mut words = vec!["aftercare".to_string()];
        let rest = rest.strip_prefix("aftercare").unwrap_or(rest);
        let mut word = String::new();
        let mut quote = None;
        let mut started = false;
        for c in rest.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '"' | '\'') => {
                    quote = Some(c);
                    started = true;
                }
                (None, ' ') => {
                    if started || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                (None, '#' | '>' | '|' | '\\') if word.is_empty() && !started => break,
                (None, c) => word.push(c),
            }
        }
        if started || !word.is_empty() {
            words.push(word);
        }
        if words.iter().any(|w| w.starts_with('[')) {
            continue;
        }
        out.push((n, words));
    }
    out
}

#[test]
fn every_example_command_line_is_accepted() {
    use clap::Parser;
    let mut problems = Vec::new();
    let mut count = 0;
    for doc in documents() {
        for (line, words) in example_commands(&read(&doc)) {
            count += 1;
            if let Err(e) = aftercare::cli::Cli::try_parse_from(&words) {
                let first = e.to_string();
                let first = first.lines().next().unwrap_or_default().to_string();
                problems.push(format!("{doc}:{line}: {}: {first}", words.join(" ")));
            }
        }
    }
    assert!(count > 40, "example command lines found: {count}");
    assert!(
        problems.is_empty(),
        "command lines the tool refuses:\n{}",
        problems.join("\n")
    );
}

#[test]
fn an_example_command_line_is_read_as_a_shell_would() {
    let text = "    aftercare advice --treated \"3 days ago\" --topic makeup  # a comment\n\
                \x20   aftercare man | man -l -\n\
                \x20     | aftercare check --input - --format json\n\
                \x20   cargo run --release -- advice --day 2\n\
                \x20   aftercare serve [--listen ADDR]\n";
    let found: Vec<String> = example_commands(text)
        .into_iter()
        .map(|(_, w)| w.join("/"))
        .collect();
    assert_eq!(
        found,
        [
            "aftercare/advice/--treated/3 days ago/--topic/makeup",
            "aftercare/man",
            "aftercare/check/--input/-/--format/json",
            "aftercare/advice/--day/2",
        ]
    );
}

#[test]
fn the_six_answers_are_the_dispositions_from_most_urgent() {
    let rows = table_after(&read("README.md"), "## The six answers");
    let listed: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    let mut defined: Vec<Disposition> = Disposition::ALL.to_vec();
    defined.sort_by_key(|d| std::cmp::Reverse(d.urgency()));
    let defined: Vec<String> = defined.iter().map(|d| format!("`{d}`")).collect();
    assert_eq!(listed, defined);
}

#[test]
fn the_readme_emergency_example_is_what_the_tool_prints() {
    let r = crate::support::check(
        "text",
        r#"{"days_since_treatment": 2, "symptoms": [{"id": "difficulty_breathing"}]}"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown: String = r
        .stdout
        .trim_end()
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect();
    assert!(
        read("README.md").contains(&shown),
        "the README's emergency example is not the output:\n{shown}"
    );
}

#[test]
fn the_changelog_names_every_format_and_the_built_in_protocol() {
    let changelog = read("CHANGELOG.md");
    let rows = table_after(&changelog, "## Formats");
    let listed: BTreeSet<String> = rows.iter().map(|r| r[0].clone()).collect();
    let defined: BTreeSet<String> = [
        aftercare_core::model::RESULT_FORMAT,
        aftercare_core::model::ERROR_FORMAT,
        aftercare::questionnaire::record::FORMAT,
    ]
    .iter()
    .map(|f| format!("`{f}`"))
    .collect();
    assert_eq!(
        listed, defined,
        "the formats of the changelog and the code differ"
    );

    let rules = aftercare_core::rules::built_in_header();
    let (major_minor, _) = rules.version.rsplit_once('.').unwrap();
    let heading = format!(
        "## Protocol {major_minor} (rule set `{}` {})",
        rules.name, rules.version
    );
    assert!(
        changelog.lines().any(|l| l == heading),
        "CHANGELOG.md has no heading {heading:?} for the built-in rules"
    );
}
