//! Errors of the whole tool, each with its documented exit code.

pub use aftercare_core::io_words::io_reason;
use aftercare_core::model::Disposition;
use aftercare_core::rules::RuleFileErrors;

/// How a run ends, as the process exit code. Every code the tool documents (README, manual
/// page) is a variant here and nowhere else; scripts branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success,
    /// Something outside the input went wrong: an output that cannot be written.
    Failure,
    /// The command line is wrong, or an interactive run was asked for without a terminal.
    Usage,
    /// A case (or a line of a stream) could not be read or is not valid.
    Input,
    /// A rule file could not be read or is not valid, or its examples fail.
    Rules,
    /// The person cancelled a questionnaire (Esc).
    Cancelled,
    /// Interrupted by Ctrl-C, as shells report SIGINT.
    Interrupted,
    /// The terminal of a questionnaire was closed (SIGHUP), as shells report it.
    HungUp,
    /// A stream ended by SIGTERM, as shells report it (every record written is whole); a
    /// questionnaire too.
    Terminated,
    /// With `--disposition-exit-code`: 10 + the urgency of the disposition (10 home care up
    /// to 15 call emergency services now).
    Disposition(Disposition),
}

impl ExitCode {
    /// Every documented code, in the order the manual lists them.
    pub const DOCUMENTED: [ExitCode; 15] = [
        ExitCode::Success,
        ExitCode::Failure,
        ExitCode::Usage,
        ExitCode::Input,
        ExitCode::Rules,
        ExitCode::Cancelled,
        ExitCode::Interrupted,
        ExitCode::HungUp,
        ExitCode::Terminated,
        ExitCode::Disposition(Disposition::HomeCare),
        ExitCode::Disposition(Disposition::SeeWithin2Weeks),
        ExitCode::Disposition(Disposition::SeeWithin3Days),
        ExitCode::Disposition(Disposition::SeeToday),
        ExitCode::Disposition(Disposition::GoToEdNow),
        ExitCode::Disposition(Disposition::CallEmergencyNow),
    ];

    /// The number the process exits with.
    pub const fn code(self) -> i32 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Failure => 1,
            ExitCode::Usage => 2,
            ExitCode::Input => 3,
            ExitCode::Rules => 4,
            ExitCode::Cancelled => 5,
            ExitCode::Interrupted => Self::after_signal(2),
            ExitCode::HungUp => Self::after_signal(1),
            ExitCode::Terminated => Self::after_signal(15),
            ExitCode::Disposition(d) => 10 + d as i32,
        }
    }

    /// The code of a run ended by signal `sig`: 128 + the signal, as shells report it.
    pub const fn after_signal(sig: i32) -> i32 {
        128 + sig
    }

    /// How a run ends when signal `sig` ended it: Ctrl-C, a closed terminal or SIGTERM
    /// (the only ones the tool waits for).
    pub const fn for_signal(sig: i32) -> ExitCode {
        match sig {
            1 => ExitCode::HungUp,
            2 => ExitCode::Interrupted,
            _ => ExitCode::Terminated,
        }
    }

    /// The exit codes as one line for `--help`, from the same table as the manual page.
    pub fn summary() -> String {
        let codes: Vec<String> = Self::DOCUMENTED
            .iter()
            .filter(|c| !matches!(c, ExitCode::Disposition(_)))
            .map(|c| format!("{} {}", c.code(), c.short()))
            .collect();
        let first = ExitCode::Disposition(Disposition::HomeCare);
        let last = ExitCode::Disposition(Disposition::CallEmergencyNow);
        format!(
            "Exit codes: {}; with --disposition-exit-code, {} (home care) to {} (call emergency services now).",
            codes.join(", "),
            first.code(),
            last.code()
        )
    }

    /// A few words for the code, for `--help`.
    fn short(self) -> &'static str {
        match self {
            ExitCode::Success => "success",
            ExitCode::Failure => "failure (output)",
            ExitCode::Usage => "usage",
            ExitCode::Input => "input data error",
            ExitCode::Rules => "rule file error",
            ExitCode::Cancelled => "cancelled",
            ExitCode::Interrupted => "interrupted",
            ExitCode::HungUp => "terminal closed",
            ExitCode::Terminated => "terminated",
            ExitCode::Disposition(_) => "a disposition",
        }
    }

    /// What the code means, as the manual page says it.
    pub fn meaning(self) -> String {
        match self {
            ExitCode::Success => "success".into(),
            ExitCode::Failure => "failure: the results could not be written".into(),
            ExitCode::Usage => {
                "usage error: a wrong option, or a questionnaire without a terminal".into()
            }
            ExitCode::Input => "input data error: a case (or any line of a stream) could not be read or is invalid; the input file cannot be read".into(),
            ExitCode::Rules => "rule file error: the rule file cannot be read, is invalid, or its examples fail".into(),
            ExitCode::Cancelled => "the questionnaire was cancelled (Esc); nothing was saved".into(),
            ExitCode::Interrupted => "interrupted (Ctrl-C); nothing was saved".into(),
            ExitCode::HungUp => "the terminal of a questionnaire was closed (SIGHUP); what Esc keeps was saved".into(),
            ExitCode::Terminated => {
                "a stream ended by SIGTERM (every record written is whole); a questionnaire ended by SIGTERM (what Esc keeps was saved)".into()
            }
            ExitCode::Disposition(d @ Disposition::CallEmergencyNow) => format!(
                "with --disposition-exit-code: {d}. For a stream, the most urgent case; a refused case counts as its at_least; one of which nothing could be read (3) outranks a milder answer, since the case it held is not known, but never 14 or 15"
            ),
            ExitCode::Disposition(d) => format!("with --disposition-exit-code: {d}"),
        }
    }
}

impl From<ExitCode> for i32 {
    fn from(code: ExitCode) -> i32 {
        code.code()
    }
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
    /// A failure whose problems were already said, one a line, where they were found (`rules
    /// check` lists every problem; a stream reports each bad line as it reads it): only its
    /// exit code is left to give.
    #[error("the problems above")]
    Reported(ExitCode),
}

impl Error {
    pub fn exit(&self) -> ExitCode {
        match self {
            Error::Usage(_) => ExitCode::Usage,
            Error::Input(_) => ExitCode::Input,
            Error::Rules(_) => ExitCode::Rules,
            Error::Io(_) => ExitCode::Failure,
            Error::Cancelled => ExitCode::Cancelled,
            Error::Interrupted => ExitCode::Interrupted,
            Error::Reported(code) => *code,
        }
    }

    pub fn exit_code(&self) -> i32 {
        self.exit().code()
    }
}

/// The process's exit status: returned from `main`, so that standard output is flushed
/// and every destructor runs, as `std::process::exit` would not.
impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        // Every documented code is below 256 (the largest is 143).
        std::process::ExitCode::from(u8::try_from(code.code()).unwrap_or(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_line_names_every_exit_code() {
        let line = ExitCode::summary();
        // The dispositions are given as their range, 10 to 15.
        let named: Vec<i32> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        for code in ExitCode::DOCUMENTED {
            let n = code.code();
            let in_range = matches!(code, ExitCode::Disposition(_))
                && named
                    .windows(2)
                    .any(|w| w[0] <= n && n <= w[1] && w[0] >= 10);
            assert!(
                named.contains(&n) || in_range,
                "--help's exit codes miss {code:?}: {line}"
            );
        }
    }

    #[test]
    fn every_documented_exit_code_is_its_own_number() {
        let codes: std::collections::HashSet<i32> =
            ExitCode::DOCUMENTED.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), ExitCode::DOCUMENTED.len());
        assert_eq!(ExitCode::Interrupted.code(), 128 + libc::SIGINT);
        assert_eq!(ExitCode::Terminated.code(), 128 + libc::SIGTERM);
        assert_eq!(ExitCode::HungUp.code(), 128 + libc::SIGHUP);
        assert_eq!(ExitCode::Disposition(Disposition::HomeCare).code(), 10);
        assert_eq!(
            ExitCode::Disposition(Disposition::CallEmergencyNow).code(),
            15
        );
    }

    #[test]
    fn the_exit_code_table_lists_every_exit_code() {
        let readme = include_str!("../docs/json-interface.md");
        for code in ExitCode::DOCUMENTED {
            let n = code.code();
            let listed = readme.contains(&format!("| {n} |"));
            assert!(
                listed,
                "docs/json-interface.md has no row for exit code {n}"
            );
        }
    }

    #[test]
    fn a_failure_already_said_keeps_its_code() {
        assert_eq!(Error::Reported(ExitCode::Rules).exit_code(), 4);
        assert_eq!(Error::Reported(ExitCode::Input).exit_code(), 3);
    }
}
