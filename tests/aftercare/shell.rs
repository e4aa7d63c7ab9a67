//! Shell conventions: completions, the manual page, the version line, colour and the examples
//! in the help.

use crate::support::run;

/// Every subcommand name, from the command-line definition itself, so that a new one is
/// checked without editing this test.
fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    let cmd = aftercare::cli::Cli::command();
    let mut names = Vec::new();
    for sub in cmd.get_subcommands() {
        names.push(sub.get_name().to_string());
        for inner in sub.get_subcommands() {
            names.push(inner.get_name().to_string());
        }
    }
    names.retain(|n| n != "help");
    assert!(names.len() >= 6, "subcommands found: {names:?}");
    names
}

#[test]
fn every_completion_script_names_every_subcommand() {
    let names = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = run(&["completions", shell], "");
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.len() > 500, "{shell}: a script, not a stub");
        for name in &names {
            assert!(
                r.stdout.contains(name.as_str()),
                "{shell} completions do not mention {name:?}"
            );
        }
        // Options and their values complete too.
        assert!(r.stdout.contains("disposition-exit-code"), "{shell}");
        assert!(r.stdout.contains("always"), "{shell}: --color values");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let r = run(&["completions", "tcsh"], "");
    assert_eq!(r.code, 2);
}

#[test]
fn the_manual_page_has_every_subcommand_and_every_exit_code() {
    let r = run(&["man"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = &r.stdout;
    assert!(
        page.contains("\n.TH aftercare 1"),
        "roff: {}",
        &page[..page.len().min(80)]
    );
    for section in ["NAME", "SYNOPSIS", "OPTIONS", "EXAMPLES", "\"EXIT STATUS\""] {
        assert!(
            page.contains(&format!(".SH {section}")),
            "{section} missing"
        );
    }
    for name in subcommands() {
        assert!(
            page.contains(&name),
            "the man page does not mention {name:?}"
        );
    }
    let exit_status = &page[page.find(".SH \"EXIT STATUS\"").unwrap()..];
    for code in [
        "0", "1", "2", "3", "4", "5", "130", "10", "11", "12", "13", "14", "15",
    ] {
        assert!(
            exit_status.contains(&format!("\\fB{code}\\fR")),
            "exit code {code} is not in EXIT STATUS"
        );
    }
}

#[test]
fn the_version_names_the_built_in_rule_set() {
    let rules = crate::support::rules();
    for flag in ["--version", "-V"] {
        let r = run(&[flag], "");
        assert_eq!(r.code, 0);
        assert_eq!(
            r.stdout,
            format!(
                "aftercare {} (built-in rules: {} {})\n",
                env!("CARGO_PKG_VERSION"),
                rules.name,
                rules.version
            )
        );
    }
}

#[test]
fn the_long_help_has_examples_for_each_kind_of_user() {
    let r = run(&["--help"], "");
    assert_eq!(r.code, 0);
    for example in [
        "--input - --format json",
        "--input cases.jsonl",
        "check --nurse",
        "rules check",
    ] {
        assert!(r.stdout.contains(example), "--help lacks {example:?}");
    }
    // The short help stays short.
    let short = run(&["-h"], "");
    assert!(!short.stdout.contains("Examples:"));
}

#[test]
fn colour_always_colours_a_pipe_and_plain_refuses_it() {
    let case = r#"{"days_since_treatment": 1, "symptoms": [{"id": "fever"}]}"#;
    let coloured = run(
        &[
            "--color", "always", "check", "--input", "-", "--format", "text",
        ],
        case,
    );
    assert_eq!(coloured.code, 0, "{}", coloured.stderr);
    assert!(coloured.stdout.contains('\u{1b}'), "--color always colours");
    let never = run(
        &[
            "--color", "never", "check", "--input", "-", "--format", "text",
        ],
        case,
    );
    assert!(!never.stdout.contains('\u{1b}'));
    assert_eq!(
        never.stdout,
        strip(&coloured.stdout),
        "colour only decorates"
    );
    let both = run(
        &["--plain", "--color", "always", "advice", "--day", "1"],
        "",
    );
    assert_eq!(both.code, 2, "--plain and --color always contradict");
}

fn strip(text: &str) -> String {
    String::from_utf8(strip_ansi_escapes::strip(text)).unwrap()
}
