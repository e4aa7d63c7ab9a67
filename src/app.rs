//! Runs a `Config`: loads the rules, reads the input, writes the output, and returns the
//! exit code. Everything outside (clock, terminal, environment) is already in the config.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::batch::{self, BatchOptions};
use crate::cli::{Action, Config};
use crate::error::{exit, Error};
use crate::examples::run_examples;
use crate::input::MAX_DAYS;
use crate::model::Disposition;
use crate::output::{self, text::Style};
use crate::rules::{lint, trace, RuleFileErrors, RuleSet};
use crate::{advice, io_reason, when};

/// Parses the command line and runs it; returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::Parser;
    let cli = match crate::cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with 0, and usage errors with 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    let result = crate::cli::Config::from_cli(cli).and_then(|config| run(&config));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("aftercare: error: {e}");
            e.exit_code()
        }
    }
}

/// The rules a run uses. A clinic's own file is also linted against the built-in set, and
/// what could weaken safety is said on standard error every time it is used, not only when
/// someone runs `rules check`.
pub fn load_rules(config: &Config) -> Result<RuleSet, Error> {
    match &config.rules_path {
        Some(path) => {
            let rules = RuleSet::load(path)?;
            for w in lint::lint(&rules, Some(&RuleSet::built_in_without_examples()), None) {
                eprintln!("aftercare: warning: {w}");
            }
            Ok(rules)
        }
        None => Ok(RuleSet::built_in_without_examples()),
    }
}

pub fn run(config: &Config) -> Result<i32, Error> {
    colored::control::set_override(config.color);
    let style = Style {
        color: config.color,
        width: config.width,
    };
    match &config.command {
        Action::Check {
            input,
            format,
            disposition_exit_code,
        } => check(
            config,
            style,
            input.as_deref(),
            *format,
            *disposition_exit_code,
        ),
        Action::Advice {
            day,
            treated,
            topic,
            json,
        } => day_advice(config, style, *day, treated.as_deref(), topic, *json),
        Action::Questionnaire {
            nurse,
            record,
            nurse_name,
            note_width,
            disposition_exit_code,
        } => {
            let opts = crate::questionnaire::Options {
                nurse: *nurse,
                record: record.clone(),
                nurse_name: nurse_name.clone(),
                note_width: *note_width,
                disposition_exit_code: *disposition_exit_code,
            };
            crate::questionnaire::run_on_terminal(config, &opts)
        }
        Action::RecordShow { file, format } => {
            crate::questionnaire::record::show(config, style, file, *format)
        }
        Action::RulesCheck { file, strict } => rules_check(config, file.as_deref(), *strict),
        Action::RulesTrace { file, tests, json } => {
            rules_trace(config, file.as_deref(), tests, *json)
        }
        Action::RulesList => {
            let rules = load_rules(config)?;
            print_out(&output::rules_table::render(&rules, style))
        }
    }
}

/// `check --input`: every case of the input, one answer each.
fn check(
    config: &Config,
    style: Style,
    input: Option<&Path>,
    format: output::Format,
    disposition_exit_code: bool,
) -> Result<i32, Error> {
    // A usage error is said as such, before any rule file is read.
    let Some(input) = input else {
        return Err(Error::Usage(
            "no input: give the cases with --input FILE (or --input - for standard input)".into(),
        ));
    };
    let rules = load_rules(config)?;
    let (mut reader, input_name): (Box<dyn BufRead>, String) = if input.as_os_str() == "-" {
        (
            Box::new(BufReader::with_capacity(64 * 1024, io::stdin().lock())),
            "standard input".into(),
        )
    } else {
        let name = input.display().to_string();
        let file = File::open(input).map_err(|e| {
            Error::Input(format!("{name}: cannot read the input: {}", io_reason(&e)))
        })?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(Error::Input(format!("{name}: is a folder, not a file")));
        }
        (Box::new(BufReader::with_capacity(64 * 1024, file)), name)
    };
    let opts = BatchOptions {
        format,
        now: config.now,
        input_name,
        style,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let summary = match batch::run(&mut reader, &mut out, &rules, &opts) {
        Ok(s) => s,
        Err(e) => {
            return write_failure(
                e,
                &format!("reading {} or writing the results", opts.input_name),
            )
        }
    };
    for m in &summary.messages {
        eprintln!("aftercare: error: {m}");
    }
    let most_urgent = summary.most_urgent.unwrap_or_default();
    // A bad line is a case not known, so its 3 outranks any milder answer; but it must not
    // hide an emergency found in the same run.
    let emergency = most_urgent >= Disposition::GoToEdNow;
    if disposition_exit_code && (summary.errors == 0 || emergency) {
        Ok(exit::DISPOSITION_BASE + i32::from(most_urgent.urgency()))
    } else if summary.errors > 0 {
        Ok(exit::INPUT)
    } else {
        Ok(exit::SUCCESS)
    }
}

/// `advice`: the aftercare for a day given as a number or as the time of the treatment.
fn day_advice(
    config: &Config,
    style: Style,
    day: Option<f64>,
    treated: Option<&str>,
    asked: &[String],
    json: bool,
) -> Result<i32, Error> {
    let rules = load_rules(config)?;
    let mut topics: Vec<String> = Vec::new();
    for t in asked {
        let found = advice::topics_for(&rules, t);
        if found.is_empty() {
            return Err(Error::Usage(format!(
                "--topic: nothing in the aftercare about {:?} (try: {})",
                t.chars().filter(|c| !c.is_control()).collect::<String>(),
                advice::topics(&rules).join(", ")
            )));
        }
        for f in found {
            if !topics.contains(&f) {
                topics.push(f);
            }
        }
    }
    let topic = &topics[..];
    let a = match (day, treated) {
        (Some(d), _) => {
            if !d.is_finite() || !(0.0..=MAX_DAYS).contains(&d) {
                return Err(Error::Usage(format!(
                    "--day: {d} is not a number of days since the treatment (0 to {MAX_DAYS})"
                )));
            }
            advice::day_advice(&rules, d, topic)
        }
        (None, Some(text)) => {
            let span = when::parse_typed_span(text, config.now)
                .map_err(|m| Error::Usage(format!("--treated: {m}: {text:?}")))?;
            advice::advice_since(&rules, span, config.now, topic)
        }
        (None, None) => return Err(Error::Usage("give --day N or --treated WHEN".into())),
    };
    let text = if json {
        serde_json::to_string(&a).map_err(|e| Error::Io(e.to_string()))? + "\n"
    } else {
        advice::render_text(&a, style)
    };
    print_out(&text)
}

/// The rule file a `rules` command looks at: the one named, else `--rules`, else the
/// built-in one with its examples.
fn rules_to_examine(config: &Config, file: Option<&Path>) -> Result<RuleSet, RuleFileErrors> {
    match file.or(config.rules_path.as_deref()) {
        Some(path) => RuleSet::load(path),
        None => Ok(RuleSet::built_in()),
    }
}

/// `rules check`: validation, the file's own examples, and the lint.
fn rules_check(config: &Config, file: Option<&Path>, strict: bool) -> Result<i32, Error> {
    let rules = match rules_to_examine(config, file) {
        Ok(rules) => rules,
        // Every problem, one a line: this is the command the short message points to.
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("aftercare: error: {e}");
            }
            return Ok(exit::RULES);
        }
    };
    let report = run_examples(&rules);
    for f in &report.failures {
        eprintln!(
            "aftercare: error: {}: example {:?}: {}",
            rules.origin, f.example, f.message
        );
    }
    let warnings = lint::lint(&rules, Some(&RuleSet::built_in()), Some(&report));
    for w in &warnings {
        eprintln!("aftercare: warning: {w}");
    }
    if !report.failures.is_empty() {
        return Ok(exit::RULES);
    }
    let count = match warnings.len() {
        1 => "1 warning".to_string(),
        n => format!("{n} warnings"),
    };
    if strict && !warnings.is_empty() {
        eprintln!(
            "aftercare: error: {}: {count}, and --strict fails on any",
            rules.origin
        );
        return Ok(exit::RULES);
    }
    print_out(&format!(
        "ok: {}: {} {}: {} expected reactions, {} warning signs, {} combinations, {} advice entries; {} examples pass; {count}\n",
        rules.origin,
        rules.name,
        rules.version,
        rules.reactions.len(),
        rules.warning_signs.len(),
        rules.combinations.len(),
        rules.advice.len(),
        report.run,
    ))
}

/// `rules trace`: every rule with its sources and what makes it fire.
fn rules_trace(
    config: &Config,
    file: Option<&Path>,
    tests: &[PathBuf],
    json: bool,
) -> Result<i32, Error> {
    let rules = rules_to_examine(config, file)?;
    let mut cases = Vec::new();
    for t in tests {
        let name = t.display().to_string();
        let text = std::fs::read_to_string(t).map_err(|e| {
            Error::Input(format!(
                "{name}: cannot read the test cases: {}",
                io_reason(&e)
            ))
        })?;
        cases.extend(trace::read_test_cases(&text, &name).map_err(Error::Input)?);
    }
    let outcomes = trace::run_test_cases(&rules, &cases, config.now);
    let t = trace::trace(&rules, &run_examples(&rules), &outcomes);
    let text = if json {
        serde_json::to_string(&t).map_err(|e| Error::Io(e.to_string()))? + "\n"
    } else {
        trace::render_text(&t)
    };
    let code = print_out(&text)?;
    if !t.complete() {
        for f in &t.failing {
            eprintln!("aftercare: error: {}: {:?}: {}", f.table, f.id, f.message);
        }
        if !t.unexercised.is_empty() {
            eprintln!(
                "aftercare: error: {}: no example or test case makes these rules fire: {}",
                rules.origin,
                t.unexercised.join(", ")
            );
        }
        return Ok(exit::RULES);
    }
    Ok(code)
}

/// Writes to standard output; a reader that went away (`| head`) is not an error.
pub fn print_out(text: &str) -> Result<i32, Error> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(exit::SUCCESS),
        Err(e) => write_failure(e, "standard output"),
    }
}

fn write_failure(e: io::Error, what: &str) -> Result<i32, Error> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Ok(exit::SUCCESS);
    }
    Err(Error::Io(format!("{what}: {}", io_reason(&e))))
}
