//! Shell conventions: completion scripts, the manual page and the version line, all generated
//! from the one command-line definition so that they cannot drift from it.

use std::io::Write;

use clap::CommandFactory;
use clap_mangen::roff::{bold, roman, Roff};

use crate::cli::{Cli, Shell};
use crate::error::ExitCode;

/// `--version`: the program and the protocol built into it, since a result depends on both.
pub fn version_line() -> String {
    let rules = aftercare_core::rules::built_in_header();
    format!(
        "aftercare {} (built-in rules: {} {})\n",
        env!("CARGO_PKG_VERSION"),
        rules.name,
        rules.version
    )
}

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "aftercare", &mut out);
    out
}

/// The manual page: clap's sections, then the examples and every documented exit code.
pub fn man_page() -> Result<Vec<u8>, std::io::Error> {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone())
        .section("1")
        .manual("aftercare manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;

    let mut roff = Roff::default();
    if let Some(examples) = cmd.get_after_long_help() {
        roff.control("SH", ["EXAMPLES"]);
        let text = examples.to_string();
        let body = text.strip_prefix("Examples:\n").unwrap_or(&text);
        roff.control("nf", [] as [&str; 0]);
        for line in body.lines() {
            roff.text([roman(line)]);
            roff.control("br", [] as [&str; 0]);
        }
        roff.control("fi", [] as [&str; 0]);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for code in ExitCode::DOCUMENTED {
        roff.control("TP", [] as [&str; 0]);
        roff.text([bold(code.code().to_string())]);
        roff.text([roman(code.meaning())]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in [
        (
            "NO_COLOR",
            "when set and not empty, no colour (as --plain or --color never)",
        ),
        (
            "TERM",
            "dumb: no colour and no styled prompts, unless --color always",
        ),
        ("COLUMNS", "the width to wrap text reports at (20 to 100)"),
    ] {
        roff.control("TP", [] as [&str; 0]);
        roff.text([bold(name)]);
        roff.text([roman(meaning)]);
    }
    roff.control("SH", ["VERSION"]);
    roff.text([roman(version_line().trim_end())]);
    roff.to_writer(&mut out)?;
    out.flush()?;
    Ok(one_preamble(&out))
}

/// Each section rendered alone starts with roff's quote-character preamble; the page needs
/// it once, at the top.
fn one_preamble(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut seen = std::collections::HashSet::new();
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let preamble = line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq");
        if preamble && !seen.insert(line.to_string()) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}
