//! Runs a `Config`: loads the rules, reads the input, writes the output, and returns the
//! exit code. Everything outside (clock, terminal, environment) is already in the config.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::batch::{self, BatchOptions};
use crate::cli::{Action, Config, SchemaKind};
use crate::error::{Error, ExitCode};
use crate::output::{self, diagnostics, text::Style};
use crate::whole_records::WholeRecords;
use crate::{advice, io_reason};
use aftercare_core::examples::run_examples;
use aftercare_core::model::Disposition;
use aftercare_core::rules::{Diagnostic, RuleFileErrors, RuleSet};
use aftercare_core::{lint, trace};

/// Parses the command line and runs it; returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::Parser;
    let cli = match crate::cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayVersion => {
            // The version names the built-in protocol too; a result depends on both.
            return print_out(&crate::shell::version_line()).unwrap_or(ExitCode::Failure);
        }
        Err(e) => {
            // clap prints help and version to stdout with 0, and usage errors with 2.
            let _ = e.print();
            return if e.exit_code() == 0 {
                ExitCode::Success
            } else {
                ExitCode::Usage
            };
        }
    };
    let result = crate::cli::Config::from_cli(cli).and_then(|config| run(&config));
    match result {
        Ok(code) => code,
        // Already said where it was found.
        Err(Error::Reported(code)) => code,
        Err(e) => {
            diagnostics::error(&e.to_string());
            e.exit()
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
            // A file whose own examples fail does not do what it says: it is not used.
            let failures = run_examples(&rules).failures;
            if !failures.is_empty() {
                return Err(Error::Rules(RuleFileErrors(
                    failures
                        .iter()
                        .map(|f| f.diagnostic(&rules.origin))
                        .collect(),
                )));
            }
            let (errors, warnings): (Vec<_>, Vec<_>) =
                lint::lint(&rules, Some(&RuleSet::built_in_without_examples()), None)
                    .into_iter()
                    .partition(Diagnostic::is_error);
            // Words that contradict their disposition stop the file, as failing examples do.
            if !errors.is_empty() {
                return Err(Error::Rules(RuleFileErrors(errors)));
            }
            for w in &warnings {
                diagnostics::rule_file(w);
            }
            Ok(rules)
        }
        None => Ok(RuleSet::built_in_without_examples()),
    }
}

pub fn run(config: &Config) -> Result<ExitCode, Error> {
    colored::control::set_override(config.color);
    answers_can_be_written(config)?;
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
            save,
            nurse_name,
            note_width,
            disposition_exit_code,
            lines,
            #[cfg(feature = "server")]
            from_inbox,
        } => {
            let opts = crate::questionnaire::Options {
                nurse: *nurse,
                record: record.clone(),
                save: save.clone(),
                nurse_name: nurse_name.clone(),
                note_width: *note_width,
                disposition_exit_code: *disposition_exit_code,
                lines: *lines,
            };
            check_nurse_name(nurse_name.as_deref())?;
            // A closed terminal or a SIGTERM is taken by a thread of its own once the
            // questions start (see `questionnaire::hangup`): blocked before any other thread
            // starts (the check-in's store may start some), so that none of them takes it.
            if config.stdin_is_terminal && config.stderr_is_terminal {
                crate::questionnaire::hangup::block();
            }
            #[cfg(feature = "server")]
            let from = checkin_for_call(config, from_inbox.as_ref())?;
            #[cfg(not(feature = "server"))]
            let from = None;
            crate::questionnaire::run_on_terminal_from(
                config,
                &opts,
                from.as_ref(),
                &|| load_rules(config),
                &print_out,
            )
        }
        Action::RecordShow { file, format } => print_out(&crate::questionnaire::record::show(
            file,
            *format,
            &|| load_rules(config),
            config.now,
            style,
        )?),
        Action::RulesCheck { file, strict } => rules_check(config, file.as_deref(), *strict),
        Action::RulesTrace { file, tests, json } => {
            rules_trace(config, file.as_deref(), tests, *json)
        }
        Action::RulesList => {
            let rules = load_rules(config)?;
            print_out(&output::rules_table::render(&rules, style))
        }
        Action::Schema { kind, draft7 } => {
            let rules = load_rules(config)?;
            print_out(&output::schema::to_text(&schema_for(
                &rules, *kind, *draft7,
            )))
        }
        Action::FhirQuestionnaire { nurse } => {
            let rules = load_rules(config)?;
            let mode = if *nurse {
                crate::conversation::Mode::Nurse
            } else {
                crate::conversation::Mode::Patient
            };
            print_json(&output::fhir::questionnaire(&rules, mode))
        }
        Action::RecordFhir { file } => {
            let rules = load_rules(config)?;
            let bundle = crate::questionnaire::record::read_as_fhir(file, &rules)?;
            print_json(&bundle)
        }
        Action::Completions(shell) => print_bytes(&crate::shell::completions(*shell)),
        Action::Man => print_bytes(
            &crate::shell::man_page().map_err(|e| Error::Io(format!("the manual page: {e}")))?,
        ),
        #[cfg(feature = "server")]
        Action::Serve { args, pinned_now } => serve(config, args, *pinned_now),
        #[cfg(feature = "server")]
        Action::User(c) => admin_output(|out| crate::admin::user(c, out)),
        #[cfg(feature = "server")]
        Action::Audit(a) => admin_output(|out| crate::admin::audit(a, out)),
        #[cfg(feature = "server")]
        Action::Checkin(c) => admin_output(|out| crate::admin::checkin(c, out)),
    }
}

/// Answers written nowhere must not end in a success: a closed standard output is said,
/// with exit 1, before anything is asked or read.
fn answers_can_be_written(config: &Config) -> Result<(), Error> {
    if matches!(
        config.command,
        Action::Check { .. } | Action::Advice { .. } | Action::Questionnaire { .. }
    ) && crate::io_text::stdout_was_closed()
    {
        return Err(Error::Io(
            "standard output is closed: the answers would be lost (write them to a file or a pipe)"
                .into(),
        ));
    }
    Ok(())
}

/// `--nurse-name`, checked as every other input: the name goes into the note and the record.
fn check_nurse_name(name: Option<&str>) -> Result<(), Error> {
    match name.and_then(|n| n.chars().find(|&c| aftercare_core::unsafe_chars::is_unsafe(c))) {
        Some(c) => Err(Error::Usage(format!(
            "--nurse-name: holds a control character or an invisible one (U+{:04X}); give the name as it is written",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// The check-in a nurse's call starts from (`--from-inbox`), read (and its reading audited)
/// only when the call can go on.
#[cfg(feature = "server")]
fn checkin_for_call(
    config: &Config,
    from_inbox: Option<&(String, crate::store::StoreSpec)>,
) -> Result<Option<crate::questionnaire::FromCheckin>, Error> {
    match from_inbox {
        Some((id, store)) if config.stdin_is_terminal && config.stderr_is_terminal => {
            Ok(Some(crate::admin::checkin_for_call(id, store)?))
        }
        Some(_) => Err(Error::Usage(
            "--from-inbox starts the nurse's call, which needs a terminal (standard input and standard error)".into(),
        )),
        None => Ok(None),
    }
}

/// What an administration command printed, written out as any output is.
#[cfg(feature = "server")]
fn admin_output(
    work: impl FnOnce(&mut dyn Write) -> Result<ExitCode, Error>,
) -> Result<ExitCode, Error> {
    let mut text = Vec::new();
    work(&mut text)?;
    print_bytes(&text)
}

/// The schema `aftercare schema KIND` prints, for the loaded rule set.
pub fn schema_for(rules: &RuleSet, kind: SchemaKind, draft7: bool) -> serde_json::Value {
    match kind {
        SchemaKind::Case => output::schema::case(rules),
        SchemaKind::Result => output::schema::result(rules),
        SchemaKind::Error => output::schema::error(rules),
        SchemaKind::Rules => output::schema::rules_file(rules, draft7),
        SchemaKind::Record => output::schema::record(rules, crate::questionnaire::record::FORMAT),
        SchemaKind::Openapi => output::openapi::document(rules),
    }
}

/// `serve`: the rule file checked once, as `rules check` does (errors or failing examples
/// stop the start with exit 4; the lint is shown), then the server until SIGTERM or SIGINT.
#[cfg(feature = "server")]
fn serve(
    config: &Config,
    args: &crate::cli::ServeArgs,
    pinned_now: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Result<ExitCode, Error> {
    // The token first: a usage error is said before any rule file is read.
    let token = match &args.token_file {
        Some(path) => {
            let name = path.display();
            let text = crate::serve::Token::read_file(path)
                .map_err(|m| Error::Usage(format!("--token-file: {name}: {m}")))?;
            let token = crate::serve::Token::from_file_text(&text)
                .map_err(|m| Error::Usage(format!("--token-file: {name}: {m}")))?;
            Some(token)
        }
        None => None,
    };
    // Answers are health data: an address other machines can reach needs a token, or the
    // explicit word that a proxy in front of it authenticates every request.
    if !args.listen.ip().is_loopback() {
        if token.is_none() && !args.insecure_listen {
            return Err(Error::Usage(format!(
                "--listen {}: other machines can reach this address and no --token-file is given; give one, or --insecure-listen if a proxy in front of it authenticates every request",
                args.listen
            )));
        }
        diagnostics::warning(&format!(
            "--listen {}: other machines can reach this address; the server speaks plain HTTP, so put a TLS proxy in front of it",
            args.listen
        ));
    }
    let rules = rules_to_examine(config, None)?;
    if !examine(&rules).usable {
        return Err(Error::Reported(ExitCode::Rules));
    }
    let settings = crate::serve::Settings {
        listen: args.listen,
        token,
        request_timeout: args.request_timeout,
        body_timeout: args.body_timeout,
        max_in_flight: args.max_in_flight as usize,
        max_connections: args.max_connections as usize,
        max_stream_time: args.max_stream_time,
        drain: args.drain,
        log_dispositions: args.log_dispositions,
        pinned_now,
        store: args
            .store
            .clone()
            .unwrap_or_else(crate::store::StoreSpec::default_spec),
        store_named: args.store.is_some(),
        keep_checkins: chrono::Duration::days(i64::from(args.keep_days)),
        draft_lifetime: chrono::Duration::minutes(i64::from(args.draft_minutes)),
    };
    crate::serve::run(rules, settings)
}

/// `check --input`: every case of the input, one answer each.
fn check(
    config: &Config,
    style: Style,
    input: Option<&Path>,
    format: output::Format,
    disposition_exit_code: bool,
) -> Result<ExitCode, Error> {
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
        clock: (!config.now_is_fixed).then_some(crate::cli::system_now as fn() -> _),
        input_name,
        style,
    };
    // Each record whole under SIGTERM/SIGINT; each bad line's message said as it is read.
    let mut out = WholeRecords::new(BufWriter::with_capacity(64 * 1024, io::stdout().lock()));
    let summary = match batch::run_reporting(
        &mut reader,
        &mut out,
        &mut diagnostics::Stderr,
        &rules,
        &opts,
    ) {
        Ok(s) => s,
        Err(e) => {
            return write_failure(
                e,
                &format!("reading {} or writing the results", opts.input_name),
            )
        }
    };
    let most_urgent = summary.most_urgent.unwrap_or_default();
    // A refused case counts as the least its readable part needs (its `at_least`), as that
    // disposition would (clinical reference section 6). One of which nothing could be read
    // is a case not known, so its 3 outranks any milder answer; but it must not hide an
    // emergency found in the same run.
    let emergency = most_urgent >= Disposition::GoToEdNow;
    if disposition_exit_code && (summary.unknown == 0 || emergency) {
        Ok(ExitCode::Disposition(most_urgent))
    } else if summary.errors > 0 {
        // Each bad line was said as it was read.
        Err(Error::Reported(ExitCode::Input))
    } else {
        Ok(ExitCode::Success)
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
) -> Result<ExitCode, Error> {
    let rules = load_rules(config)?;
    let when = match (day, treated) {
        (Some(d), _) => advice::AdviceWhen::Day(d),
        (None, Some(text)) => advice::AdviceWhen::Treated(text),
        (None, None) => return Err(Error::Usage("give --day N or --treated WHEN".into())),
    };
    let a = advice::advice_for(&rules, when, asked, config.now)
        .map_err(|e| Error::Usage(format!("--{}: {}", e.field, e.message)))?;
    let text = if json {
        output::json::to_string(&a).map_err(|e| Error::Io(e.to_string()))? + "\n"
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
fn rules_check(config: &Config, file: Option<&Path>, strict: bool) -> Result<ExitCode, Error> {
    let rules = match rules_to_examine(config, file) {
        Ok(rules) => rules,
        // Every problem, one a line: this is the command the short message points to.
        Err(errors) => {
            for e in &errors.0 {
                diagnostics::rule_file(e);
            }
            return Err(Error::Reported(ExitCode::Rules));
        }
    };
    let Examined {
        usable,
        examples_run,
        warnings,
    } = examine(&rules);
    if !usable {
        return Err(Error::Reported(ExitCode::Rules));
    }
    let count = match warnings {
        1 => "1 warning".to_string(),
        n => format!("{n} warnings"),
    };
    if strict && warnings > 0 {
        diagnostics::rule_file(&Diagnostic::error(
            &rules.origin,
            format!("{count}, and --strict fails on any"),
        ));
        return Err(Error::Reported(ExitCode::Rules));
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
        examples_run,
    ))
}

/// What [`examine`] found.
struct Examined {
    /// No example fails and no finding of the lint stops the file.
    usable: bool,
    examples_run: usize,
    warnings: usize,
}

/// The file's own examples run and the lint against the built-in set, every problem said on
/// standard error: what `rules check` and `serve` look at before anything else.
fn examine(rules: &RuleSet) -> Examined {
    let report = run_examples(rules);
    let mut problems: Vec<Diagnostic> = report
        .failures
        .iter()
        .map(|f| f.diagnostic(&rules.origin))
        .collect();
    problems.extend(lint::lint(rules, Some(&RuleSet::built_in()), Some(&report)));
    for p in &problems {
        diagnostics::rule_file(p);
    }
    Examined {
        usable: !Diagnostic::any_error(&problems),
        examples_run: report.run,
        warnings: problems.iter().filter(|p| !p.is_error()).count(),
    }
}

/// `rules trace`: every rule with its sources and what makes it fire.
fn rules_trace(
    config: &Config,
    file: Option<&Path>,
    tests: &[PathBuf],
    json: bool,
) -> Result<ExitCode, Error> {
    let rules = rules_to_examine(config, file)?;
    let mut cases = Vec::new();
    for t in tests {
        let name = t.display().to_string();
        let text = read_test_table(t, &name)?;
        cases.extend(trace::read_test_cases(&text, &name).map_err(Error::Input)?);
    }
    let outcomes = trace::run_test_cases(&rules, &cases, config.now);
    let t = trace::trace(&rules, &run_examples(&rules), &outcomes);
    let text = if json {
        output::json::to_string(&t).map_err(|e| Error::Io(e.to_string()))? + "\n"
    } else {
        trace::render_text(&t)
    };
    let code = print_out(&text)?;
    if !t.complete() {
        for f in &t.failing {
            diagnostics::error(&format!("{}: {:?}: {}", f.table, f.id, f.message));
        }
        if !t.unexercised.is_empty() {
            diagnostics::error(&format!(
                "{}: no example or test case makes these rules fire: {}",
                rules.origin,
                t.unexercised.join(", ")
            ));
        }
        return Err(Error::Reported(ExitCode::Rules));
    }
    Ok(code)
}

/// A table of test cases for `rules trace --tests`, read within the limits of every input:
/// no more than a rule file's size (`/dev/zero` or a huge file fails, unread beyond it), and
/// each line within the line limit of a stream.
fn read_test_table(path: &Path, name: &str) -> Result<String, Error> {
    use std::io::Read;
    let cannot = |e: io::Error| {
        Error::Input(format!(
            "{name}: cannot read the test cases: {}",
            io_reason(&e)
        ))
    };
    // The same bound as the rule file they go with.
    let most = aftercare_core::rules::MAX_RULE_FILE_BYTES;
    let file = File::open(path).map_err(cannot)?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::Input(format!("{name}: is a folder, not a file")));
    }
    let mut bytes = Vec::new();
    file.take(most as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > most {
        return Err(Error::Input(format!(
            "{name}: the test cases are larger than {most} bytes, the most accepted"
        )));
    }
    if let Some((i, line)) = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .find(|(_, l)| l.len() > batch::MAX_LINE_BYTES)
    {
        return Err(Error::Input(format!(
            "{name}: line {}: the line is {} bytes long; the most is {}",
            i + 1,
            line.len(),
            batch::MAX_LINE_BYTES
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        Error::Input(format!(
            "{name}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Writes to standard output; one that cannot take it (closed, full) is exit 1.
pub fn print_out(text: &str) -> Result<ExitCode, Error> {
    print_bytes(text.as_bytes())
}

/// A JSON document for people and programs alike: pretty, with a final newline.
fn print_json(value: &serde_json::Value) -> Result<ExitCode, Error> {
    let mut text = output::json::to_string_pretty(value).map_err(|e| Error::Io(e.to_string()))?;
    text.push('\n');
    print_out(&text)
}

fn print_bytes(bytes: &[u8]) -> Result<ExitCode, Error> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::Success),
        Err(e) => write_failure(e, "standard output"),
    }
}

/// The results could not all be written: said, and exit 1, also when the reader closed the
/// pipe, since the answers it did not get are lost.
fn write_failure(e: io::Error, what: &str) -> Result<ExitCode, Error> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Err(Error::Io(format!(
            "{what}: standard output was closed; the results could not all be written"
        )));
    }
    Err(Error::Io(format!("{what}: {}", io_reason(&e))))
}
