//! Errors of the whole tool, each with its documented exit code.

use crate::rules::RuleFileErrors;

/// Exit codes, documented in the README. Scripts branch on them.
pub mod exit {
    pub const SUCCESS: i32 = 0;
    /// Something outside the input went wrong: an output that cannot be written.
    pub const FAILURE: i32 = 1;
    /// The command line is wrong, or an interactive run was asked for without a terminal.
    pub const USAGE: i32 = 2;
    /// A case (or a line of a stream) could not be read or is not valid.
    pub const INPUT: i32 = 3;
    /// A rule file could not be read or is not valid.
    pub const RULES: i32 = 4;
    /// With `--disposition-exit-code`: 10 + the urgency of the disposition (10 home care
    /// up to 15 call emergency services now).
    pub const DISPOSITION_BASE: i32 = 10;
    /// The person cancelled a questionnaire (Esc).
    pub const CANCELLED: i32 = 5;
    /// Interrupted by Ctrl-C, as shells report SIGINT.
    pub const INTERRUPTED: i32 = 130;

    /// Every exit code the tool documents, with its meaning, for the manual page.
    pub const DOCUMENTED: [(&str, &str); 13] = [
        ("0", "success"),
        ("1", "failure: the results could not be written"),
        ("2", "usage error: a wrong option, or a questionnaire without a terminal"),
        ("3", "input data error: a case (or any line of a stream) could not be read or is invalid; the input file cannot be read"),
        ("4", "rule file error: the rule file cannot be read, is invalid, or its examples fail"),
        ("5", "the questionnaire was cancelled (Esc); nothing was saved"),
        ("130", "interrupted (Ctrl-C); nothing was saved"),
        ("10", "with --disposition-exit-code: home_care"),
        ("11", "with --disposition-exit-code: see_within_2_weeks"),
        ("12", "with --disposition-exit-code: see_within_3_days"),
        ("13", "with --disposition-exit-code: see_today"),
        ("14", "with --disposition-exit-code: go_to_ed_now"),
        ("15", "with --disposition-exit-code: call_emergency_now. For a stream, the most urgent case; a bad line (3) outranks a milder answer, since the case it held is not known, but never 14 or 15"),
    ];
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    /// An input problem, already phrased with where it is ("case.json: symptoms[0].id: ...").
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Rules(#[from] RuleFileErrors),
    #[error("{0}")]
    Io(String),
    #[error("cancelled: nothing was saved")]
    Cancelled,
    #[error("interrupted: nothing was saved")]
    Interrupted,
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => exit::USAGE,
            Error::Input(_) => exit::INPUT,
            Error::Rules(_) => exit::RULES,
            Error::Io(_) => exit::FAILURE,
            Error::Cancelled => exit::CANCELLED,
            Error::Interrupted => exit::INTERRUPTED,
        }
    }
}

/// An I/O error's reason without the "(os error 2)" noise.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
