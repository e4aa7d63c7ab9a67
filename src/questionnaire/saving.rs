//! What the command line asked of the questionnaire, and where an outcome is kept: the
//! record first, then the result (or the nurse's note) to take along. The same after the
//! last question, after Esc, and after a closed terminal or a SIGTERM.

use super::outcome::Outcome;
use super::{nurse, patient, record};
use aftercare_core::model::Disposition;
use aftercare_core::rules::RuleSet;

/// What the command line asked of the questionnaire.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub nurse: bool,
    pub record: Option<std::path::PathBuf>,
    /// The result (or the note) as plain text, to take along (`--save`).
    pub save: Option<std::path::PathBuf>,
    pub nurse_name: Option<String>,
    /// The SBAR note's width (a chart's, not the terminal's).
    pub note_width: usize,
    pub disposition_exit_code: bool,
    /// The questions as numbered lines (`--lines`), as on a terminal with `TERM=dumb`.
    pub lines: bool,
}

/// What a questionnaire's outcome leaves: the text for standard output (the result, or the
/// nurse's note), what to say of where it was saved, and what could not be saved.
pub(crate) struct Kept {
    pub text: String,
    pub said: Vec<String>,
    pub failed: Option<String>,
}

/// Saves an outcome where the command line asked: the record first (when standard output
/// fails, the call is still on file), then the result to take along (`--save`). The same
/// after the last question, after Esc, and after a closed terminal or a SIGTERM.
pub(crate) fn keep(
    opts: &Options,
    outcome: &Outcome,
    rules: &RuleSet,
    style: crate::output::text::Style,
    columns: usize,
) -> Kept {
    let note = opts
        .nurse
        .then(|| crate::questionnaire::sbar::render(outcome, rules, opts.note_width));
    let text = match &note {
        Some(note) => note.clone(),
        None => patient::result_text(outcome, rules, style),
    };
    let saved = opts.record.as_ref().map(|path| {
        record::write(path, &record::Record::new(outcome, note.as_deref())).map(|used| {
            if used == *path {
                format!("Saved the record to {}.", used.display())
            } else {
                format!(
                    "Saved the record to {} ({} was saved by someone else meanwhile).",
                    used.display(),
                    path.display()
                )
            }
        })
    });
    // The result to take along: plain text, as wide as a page, with anything typed shown
    // visibly (a file read later with `cat` is a terminal too). Saved beside the name given
    // when that name was taken meanwhile, never in its place.
    let kept = opts.save.as_ref().map(|path| {
        let plain = match &note {
            Some(note) => note.clone(),
            None => patient::result_text(outcome, rules, crate::output::text::Style::plain()),
        };
        let plain = aftercare_core::escape::visible_lines(&plain).into_owned();
        crate::atomic::write_new_or_beside(path, plain.as_bytes(), 100).map(|used| {
            format!(
                "Saved this {} to {}.",
                if opts.nurse { "note" } else { "result" },
                used.display()
            )
        })
    });
    let what = if opts.nurse { "note" } else { "result" };
    // Wrapped by words: the terminal's own wrapping cuts them (a path is one word).
    let wrapped = |said: &str| {
        crate::output::text::wrap(said, columns, "", "")
            .trim_end()
            .to_string()
    };
    // Where the record and the result went is said whether or not the other failed: a
    // record on disk that nobody is told of is as good as lost.
    let mut said = Vec::new();
    let mut failed: Option<String> = None;
    match saved {
        Some(Ok(s)) => said.push(wrapped(&s)),
        Some(Err(e)) => failed = Some(format!("{e} (the {what} above was not saved)")),
        None => {}
    }
    match kept {
        Some(Ok(s)) => said.push(wrapped(&s)),
        Some(Err(e)) => {
            let message = format!("{e} (the {what} above was not saved to a file)");
            match &failed {
                Some(_) => crate::output::diagnostics::error(&message),
                None => failed = Some(message),
            }
        }
        // "Take this result with you" needs a way to: said where it is asked.
        None if !opts.nurse && outcome.disposition() == Disposition::GoToEdNow => said.push(wrapped(
            "To take this result with you, take a photo of this screen. (Started with --save FILE, the questions keep the result as a file.)",
        )),
        None => {}
    }
    Kept { text, said, failed }
}

/// What is said of a call stopped (`how`) and kept.
pub(crate) fn stopped_words(how: &str, call: &nurse::CallDetails, recorded: bool) -> String {
    format!(
        "{how}: the call stopped {}; {}",
        if call.before_instruction {
            "before any instruction"
        } else {
            "after its instruction"
        },
        if recorded {
            "the record above is marked stopped"
        } else {
            "the note above says what was asked"
        }
    )
}
