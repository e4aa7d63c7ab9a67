//! The command line, and the one place where its options, the environment, the terminal and
//! the clock become a plain `Config`.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Local};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::output::Format;

#[derive(Debug, Parser)]
#[command(
    name = "aftercare",
    version,
    about = "Is this normal after micro-needling? Symptom triage for the days and weeks after a treatment.",
    long_about = None,
    after_help = "Without a command, `aftercare` runs `check`: a questionnaire on a terminal, or the cases of --input.\n\nExit codes: 0 success, 1 failure (output), 2 usage, 3 input data error, 4 rule file error, 5 cancelled, 130 interrupted; with --disposition-exit-code, 10 (home care) to 15 (call emergency services now)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// A clinic's own rule file instead of the built-in protocol
    #[arg(long, global = true, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The assessment time, for reproducible runs [default: now] (e.g. 2026-11-21T09:00:00Z)
    #[arg(long, global = true, value_name = "TIME")]
    pub now: Option<String>,
    /// Plain text: no colour (as does the NO_COLOR environment variable)
    #[arg(long, global = true)]
    pub plain: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Triage cases: a questionnaire on a terminal, or JSON cases with --input
    Check(CheckArgs),
    /// The aftercare for a day: what you can and cannot do yet, and what to expect
    Advice(AdviceArgs),
    /// Check, list or trace a rule file
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Saved questionnaire and call records (--record)
    #[command(subcommand)]
    Record(RecordCommand),
}

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// Print a saved record again: the nurse's note, a text report, or the JSON
    Show {
        /// The record file
        file: PathBuf,
        /// What to print [default: the note of a call, the text report of a questionnaire]
        #[arg(short, long, value_enum)]
        format: Option<RecordFormat>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    /// The SBAR note as it was printed at the end of the call
    Note,
    /// The report of the recorded case, assessed again with the rules in use
    Text,
    /// The record itself
    Json,
}

#[derive(Debug, Args, Default, PartialEq, Eq)]
pub struct CheckArgs {
    /// Read JSON cases from FILE (- for standard input): one case, or one case a line
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Output format [default: text on a terminal, json otherwise]
    #[arg(short, long, value_enum)]
    pub format: Option<FormatArg>,
    /// Exit with 10 + the urgency of the (most urgent) disposition: 10 home care ... 15 emergency
    #[arg(long)]
    pub disposition_exit_code: bool,
    /// The nurse's telephone protocol instead of the patient's questionnaire; ends with an
    /// SBAR note
    #[arg(long, conflicts_with_all = ["input", "format"])]
    pub nurse: bool,
    /// Write the whole questionnaire or call as JSON to FILE (whole or not at all)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["input", "format"])]
    pub record: Option<PathBuf>,
    /// The nurse's name or initials, for the note and the record (asked at the end if not given)
    #[arg(long, value_name = "NAME", requires = "nurse")]
    pub nurse_name: Option<String>,
    /// The width of the SBAR note, in columns: a chart's width, not the terminal's [default: 72]
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(40..=200))]
    pub note_width: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// The full result, one JSON object per case
    Json,
    /// A short JSON object per case: disposition, findings with rule ids, rule set
    Compact,
    /// A report to read
    Text,
    /// Only the disposition code, one line per case
    Disposition,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("when").required(true).args(["day", "treated"])))]
pub struct AdviceArgs {
    /// Days since the treatment (0 = the treatment day; 0.5 = 12 hours)
    #[arg(long, value_name = "N")]
    pub day: Option<f64>,
    /// When the treatment was: 2026-11-18, "2026-11-18 14:30", "3 days ago", "yesterday"
    #[arg(long, value_name = "WHEN")]
    pub treated: Option<String>,
    /// Only this topic, in your own words (makeup, retinol, vitamin C, gym, sun, sunscreen,
    /// swimming, sauna, ...); repeatable
    #[arg(long, value_name = "TOPIC")]
    pub topic: Vec<String>,
    /// Output format
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: AdviceFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AdviceFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate a rule file (default: the built-in one), run its examples and lint it
    Check {
        /// The rule file [default: --rules, or the built-in protocol]
        file: Option<PathBuf>,
        /// Fail (exit 4) on warnings too, not only on errors
        #[arg(long)]
        strict: bool,
    },
    /// For every rule: its sources, the examples and the test cases that make it fire
    Trace {
        /// The rule file [default: --rules, or the built-in protocol]
        file: Option<PathBuf>,
        /// A table of named test cases (JSON Lines, like tests/cases/public.jsonl); repeatable
        #[arg(long, value_name = "CASES")]
        tests: Vec<PathBuf>,
        /// Output format
        #[arg(short, long, value_enum, default_value = "text")]
        format: AdviceFormat,
    },
    /// Show the symptoms, windows and warning signs as tables
    List,
}

/// Everything a run needs, decided once at the edge.
#[derive(Debug, Clone)]
pub struct Config {
    pub rules_path: Option<PathBuf>,
    pub now: DateTime<FixedOffset>,
    pub color: bool,
    /// Columns to wrap text at.
    pub width: usize,
    /// Lines of the terminal, to size the questionnaire's lists.
    pub rows: usize,
    pub stdin_is_terminal: bool,
    pub stderr_is_terminal: bool,
    pub command: Action,
}

#[derive(Debug, Clone)]
pub enum Action {
    Check {
        input: Option<PathBuf>,
        format: Format,
        disposition_exit_code: bool,
    },
    Advice {
        day: Option<f64>,
        treated: Option<String>,
        topic: Vec<String>,
        json: bool,
    },
    /// The patient's questionnaire, or with `nurse` the nurse's protocol (no --input given).
    Questionnaire {
        nurse: bool,
        record: Option<PathBuf>,
        nurse_name: Option<String>,
        note_width: usize,
        disposition_exit_code: bool,
    },
    RulesCheck {
        file: Option<PathBuf>,
        strict: bool,
    },
    RulesTrace {
        file: Option<PathBuf>,
        tests: Vec<PathBuf>,
        json: bool,
    },
    RulesList,
    RecordShow {
        file: PathBuf,
        format: Option<RecordFormat>,
    },
}

impl Config {
    /// Turns the parsed command line into a `Config`, reading the clock, the terminal and
    /// NO_COLOR here and nowhere else.
    pub fn from_cli(cli: Cli) -> Result<Config, Error> {
        let now = match &cli.global.now {
            Some(text) => {
                let local = Local::now().fixed_offset();
                crate::when::parse_timestamp(text, local.offset())
                    .map_err(|m| Error::Usage(format!("--now: {m}: {text:?}")))?
            }
            None => Local::now().fixed_offset(),
        };
        let stdout_is_terminal = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = !cli.global.plain && !no_color && stdout_is_terminal;
        let stdin_is_terminal = std::io::stdin().is_terminal();
        let stderr_is_terminal = std::io::stderr().is_terminal();
        // The terminal's own size, asked only when there is one to ask.
        let terminal = if stdout_is_terminal || stderr_is_terminal {
            crossterm::terminal::size()
                .ok()
                .filter(|(cols, rows)| *cols >= 20 && *rows >= 5)
        } else {
            None
        };
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<usize>().ok())
            .filter(|w| *w >= 20)
            .or(terminal.map(|(cols, _)| usize::from(cols)))
            .unwrap_or(80)
            .min(100);
        let rows = terminal.map_or(24, |(_, rows)| usize::from(rows));
        let to_format = |f: Option<FormatArg>| match f {
            Some(FormatArg::Json) => Format::Json,
            Some(FormatArg::Compact) => Format::Compact,
            Some(FormatArg::Text) => Format::Text,
            Some(FormatArg::Disposition) => Format::Disposition,
            None if stdout_is_terminal => Format::Text,
            None => Format::Json,
        };
        let command = match cli.command {
            None => check_action(cli.check, to_format),
            Some(Command::Check(args)) => {
                // Any check option given before `check` would be silently dropped; compared as
                // a whole so that a new option cannot be missed.
                if cli.check != CheckArgs::default() {
                    return Err(Error::Usage(
                        "put the options after `check` (aftercare check --input FILE)".into(),
                    ));
                }
                check_action(args, to_format)
            }
            Some(Command::Advice(a)) => Action::Advice {
                day: a.day,
                treated: a.treated,
                topic: a.topic,
                json: a.format == AdviceFormat::Json,
            },
            Some(Command::Rules(RulesCommand::Check { file, strict })) => {
                Action::RulesCheck { file, strict }
            }
            Some(Command::Rules(RulesCommand::Trace {
                file,
                tests,
                format,
            })) => Action::RulesTrace {
                file,
                tests,
                json: format == AdviceFormat::Json,
            },
            Some(Command::Rules(RulesCommand::List)) => Action::RulesList,
            Some(Command::Record(RecordCommand::Show { file, format })) => {
                Action::RecordShow { file, format }
            }
        };
        Ok(Config {
            rules_path: cli.global.rules,
            now,
            color,
            width,
            rows,
            stdin_is_terminal,
            stderr_is_terminal,
            command,
        })
    }
}

fn check_action(args: CheckArgs, to_format: impl Fn(Option<FormatArg>) -> Format) -> Action {
    if args.input.is_none() && args.format.is_none() {
        return Action::Questionnaire {
            nurse: args.nurse,
            record: args.record,
            nurse_name: args.nurse_name,
            note_width: usize::from(args.note_width.unwrap_or(72)),
            disposition_exit_code: args.disposition_exit_code,
        };
    }
    Action::Check {
        input: args.input,
        format: to_format(args.format),
        disposition_exit_code: args.disposition_exit_code,
    }
}
