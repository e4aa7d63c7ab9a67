//! The questionnaire run on the terminal: what is refused before the first question, the
//! questions asked (line by line or drawn) with every answer written down against a closed
//! terminal, the result printed and kept, and the exit code.

use super::answers::FromCheckin;
use super::outcome::Outcome;
use super::saving::{keep, stopped_words, Options};
#[cfg(feature = "terminal")]
use super::terminal;
use super::words::cancel_safety_net;
use super::{hangup, lines, nurse, patient, prompt, record};
use crate::error::{Error, ExitCode};
use aftercare_core::rules::RuleSet;

/// Runs the questionnaire on the terminal: the questions on standard error, the result (or
/// the nurse's note) on standard output, the record first. Without a terminal it refuses at
/// once rather than wait for answers that cannot come. `app` brings the rules (`load`, after
/// the terminal and the record's target are checked) and the printing (`print`, which
/// returns the exit code of a write).
pub fn run_on_terminal(
    config: &crate::cli::Config,
    opts: &Options,
    load: &dyn Fn() -> Result<RuleSet, Error>,
    print: &dyn Fn(&str) -> Result<ExitCode, Error>,
) -> Result<ExitCode, Error> {
    run_on_terminal_from(config, opts, None, load, print)
}

/// As [`run_on_terminal`], the nurse's call started from a sent check-in when `from` is
/// given (see [`nurse::run_from`]); a check-in starts a nurse's call only.
pub fn run_on_terminal_from(
    config: &crate::cli::Config,
    opts: &Options,
    from: Option<&FromCheckin>,
    load: &dyn Fn() -> Result<RuleSet, Error>,
    print: &dyn Fn(&str) -> Result<ExitCode, Error>,
) -> Result<ExitCode, Error> {
    check_before_the_questions(config, opts, from)?;
    let rules = load()?;
    // A terminal that cannot move its cursor, or a person who asks for it (a screen reader
    // reads each line once), gets the questions line by line: no colour, no redrawing.
    // A build without the terminal feature asks line by line too.
    let dumb = opts.lines
        || std::env::var("TERM").is_ok_and(|t| t == "dumb")
        || cfg!(not(feature = "terminal"));
    let (asked, watch) = ask_on_terminal(config, opts, from, &rules, dumb);
    let outcome = asked.map_err(|e| with_safety_net(e, &rules, config.width))?;
    crate::output::diagnostics::say("");
    let style = crate::output::text::Style {
        color: config.color && !dumb,
        width: config.width,
    };
    let done = keep(opts, &outcome, &rules, style, config.width);
    let code = print(&done.text);
    for said in &done.said {
        crate::output::diagnostics::say(said);
    }
    if let Some(message) = done.failed {
        return Err(Error::Io(message));
    }
    let code = code?;
    Ok(exit_code_once_kept(
        opts,
        &outcome,
        &watch,
        code,
        config.width,
    ))
}

/// What is refused before the first question: a check-in without the nurse's call, no
/// terminal, and a record or a saved result that could not be written. Answers are never
/// asked for a file that cannot be written.
fn check_before_the_questions(
    config: &crate::cli::Config,
    opts: &Options,
    from: Option<&FromCheckin>,
) -> Result<(), Error> {
    if from.is_some() && !opts.nurse {
        return Err(Error::Usage(
            "a sent check-in starts the nurse's call only (--nurse)".into(),
        ));
    }
    if !(config.stdin_is_terminal && config.stderr_is_terminal) {
        return Err(Error::Usage(
            "the questionnaire needs a terminal (standard input and standard error); to check a case without one, give it as JSON with --input FILE (or --input - for standard input)"
                .into(),
        ));
    }
    if let Some(path) = &opts.record {
        record::check_target(path)?;
    }
    // Checked before the first question, as the record is.
    if let Some(path) = &opts.save {
        if opts.record.as_ref() == Some(path) {
            return Err(Error::Usage(
                "--save and --record need two different files".into(),
            ));
        }
        record::check_new_file(path, "--save", "a saved result")?;
    }
    Ok(())
}

/// Asks the patient's questions or the nurse's call on the terminal (line by line when
/// `dumb`), with every answer written down for the thread that waits for a closed terminal
/// or a SIGTERM; returns the answers' outcome and that watch, its questions over.
fn ask_on_terminal(
    config: &crate::cli::Config,
    opts: &Options,
    from: Option<&FromCheckin>,
    rules: &RuleSet,
    dumb: bool,
) -> (Result<Outcome, Error>, hangup::Watch) {
    #[cfg(feature = "terminal")]
    let mut terminal = terminal::TerminalPrompter {
        color: config.color && !dumb,
        columns: config.width,
        rows: config.rows,
        searched: None,
        started: std::time::Instant::now(),
    };
    let mut lines = lines::LinePrompter {
        columns: config.width,
        started: std::time::Instant::now(),
    };
    #[cfg(feature = "terminal")]
    let prompter: &mut dyn prompt::Prompter = if dumb { &mut lines } else { &mut terminal };
    // Without the terminal feature every question is asked line by line.
    #[cfg(not(feature = "terminal"))]
    let prompter: &mut dyn prompt::Prompter = {
        let _ = dumb;
        &mut lines
    };
    // A terminal closed or a SIGTERM keeps what Esc would (see `hangup`): every answer is
    // written down as it is given, for the thread that waits for those signals.
    let watch = hangup::watch(hangup::Context {
        rules: rules.clone(),
        now: config.now,
        opts: opts.clone(),
        from: from.cloned(),
        columns: config.width,
        prompt_width: prompter.width(),
        started: std::time::Instant::now(),
    });
    let mut recording = watch.recording(prompter);
    let prompter: &mut dyn prompt::Prompter = &mut recording;
    let asked = if opts.nurse {
        nurse::run_from(
            prompter,
            rules,
            config.now,
            opts.nurse_name.as_deref(),
            from,
        )
    } else {
        patient::run(prompter, rules, config.now)
    };
    // From here the answers are saved by this thread (or, when a signal came first, by the
    // one that took it, which ends the process: `finish` does not return then).
    watch.finish();
    (asked, watch)
}

/// A cancelled questionnaire gives no answer, so it leaves the one thing no one should
/// leave without: when to call emergency services (the exit code stays 5 or 130).
fn with_safety_net(e: Error, rules: &RuleSet, width: usize) -> Error {
    if matches!(e, Error::Cancelled | Error::Interrupted) {
        let line = cancel_safety_net(rules);
        crate::output::diagnostics::say(&format!(
            "\n{}",
            crate::output::text::wrap(&line, width, "", "").trim_end()
        ));
    }
    e
}

/// The exit code once the outcome is printed and kept (`printed`, the code of the
/// printing): a call stopped and kept says so and how, a signal after the questions gives
/// its own code, and `--disposition-exit-code` the disposition's.
fn exit_code_once_kept(
    opts: &Options,
    outcome: &Outcome,
    watch: &hangup::Watch,
    printed: ExitCode,
    width: usize,
) -> ExitCode {
    // A call stopped and kept: its note and record are above, and the exit code still
    // says it was stopped.
    if let Some(call) = outcome.call.as_ref().filter(|c| c.stopped.is_some()) {
        let how = call.stopped.as_deref().unwrap_or_default();
        let said = stopped_words(how, call, opts.record.is_some());
        // Wrapped by words: the terminal's own wrapping cuts them.
        crate::output::diagnostics::say(crate::output::text::wrap(&said, width, "", "").trim_end());
        return if how == "interrupted" {
            ExitCode::Interrupted
        } else {
            ExitCode::Cancelled
        };
    }
    // A signal once the questions were over: all is saved, and the code says it came.
    if let Some(code) = watch.late_signal() {
        return code;
    }
    if opts.disposition_exit_code {
        return ExitCode::Disposition(outcome.disposition());
    }
    printed
}
