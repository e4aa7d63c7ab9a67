//! The command line, and the one place where its options, the environment, the terminal and
//! the clock become a plain `Config`.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Local};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::output::Format;

/// `--help`'s closing words; the exit codes come from [`ExitCode`], as the manual page's do.
fn after_help() -> String {
    format!(
        "Without a command, `aftercare` runs `check`: a questionnaire on a terminal, or the cases of --input.\n\n{}",
        crate::error::ExitCode::summary()
    )
}

#[derive(Debug, Parser)]
#[command(
    name = "aftercare",
    version,
    about = "Is this normal after micro-needling? Symptom triage for the days and weeks after a treatment.",
    long_about = None,
    after_help = after_help(),
    after_long_help = EXAMPLES
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
    /// Plain text: no colour (as does the NO_COLOR environment variable); the same as
    /// --color never
    #[arg(long, global = true, conflicts_with = "color")]
    pub plain: bool,
    /// Colour: auto (on a terminal, unless NO_COLOR is set or TERM is dumb), always, never
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Examples for `--help`: what a script, a shell user, a nurse and a clinic manager type.
const EXAMPLES: &str = "\
Examples:
  A JSON case, answered as JSON:
    echo '{\"days_since_treatment\": 2, \"symptoms\": [{\"id\": \"redness\", \"trend\": \"improving\"}]}' \\
      | aftercare check --input - --format json

  A stream, one case a line, one result a line; the exit code says the most urgent
  case (10 home care ... 15 call emergency services now):
    aftercare check --input cases.jsonl --format compact --disposition-exit-code

  The nurse's telephone protocol, the call saved for the chart:
    aftercare check --nurse --record call.json

  Checking a clinic's rule file, then using it:
    aftercare rules check --strict clinic.toml
    aftercare check --rules clinic.toml --input cases.jsonl

  The clinic inbox: a nurse account (password on standard input), the audit trail,
  check-ins past their time, one erased on request:
    aftercare user add kim --store sqlite:aftercare.sqlite3
    aftercare user list --store sqlite:aftercare.sqlite3
    aftercare user disable kim --store sqlite:aftercare.sqlite3
    aftercare audit --store sqlite:aftercare.sqlite3 --since 2026-12-01
    aftercare checkin purge --keep-days 30 --store sqlite:aftercare.sqlite3
    aftercare checkin erase ID --store sqlite:aftercare.sqlite3

  Contracts for portals and shells:
    aftercare schema case > case.schema.json
    aftercare fhir questionnaire --nurse
    aftercare record fhir call.json
    aftercare completions bash > ~/.local/share/bash-completion/completions/aftercare
    aftercare man > aftercare.1

Exit codes: see EXIT STATUS in `aftercare man`, or the README.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Triage cases: a questionnaire on a terminal, or JSON cases with --input
    Check(CheckArgs),
    /// The aftercare for a day: what you can do, what not yet, and when to get help
    Advice(AdviceArgs),
    /// Check, list or trace a rule file
    #[command(subcommand)]
    Rules(RulesCommand),
    /// A JSON Schema (2020-12) for a case, a result, an error record, a rule file or a
    /// record; or the HTTP service's OpenAPI 3.1 document
    Schema(SchemaArgs),
    /// FHIR R4 resources: the questionnaire, generated from the rule set
    #[command(subcommand)]
    Fhir(FhirCommand),
    /// Saved questionnaire and call records (--record FILE): show one again, or as FHIR
    #[command(subcommand)]
    Record(RecordCommand),
    /// A completion script for a shell, to source or install
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: Shell,
    },
    /// The manual page (roff), for `man -l -` or a man folder
    Man,
    /// The same triage over HTTP, for patient portals and the clinic's intranet (no TLS:
    /// run it behind a reverse proxy)
    #[cfg(feature = "server")]
    Serve(ServeArgs),
    /// Nurse accounts of the clinic inbox, in the store
    #[command(subcommand)]
    #[cfg(feature = "server")]
    User(UserCommand),
    /// The audit trail of the clinic inbox, as JSON Lines (at, user, action, checkin)
    #[cfg(feature = "server")]
    Audit(AuditArgs),
    /// Sent check-ins in the store: delete those past their time, or erase one on request
    #[command(subcommand)]
    #[cfg(feature = "server")]
    Checkin(CheckinCommand),
}

/// The store, as `serve --store` names it.
#[cfg(feature = "server")]
#[derive(Debug, Clone, Args)]
pub struct StoreArg {
    /// The store: sqlite:PATH or postgres://USER[:PASSWORD]@HOST:PORT/DB [default:
    /// sqlite:aftercare.sqlite3]
    #[arg(long, value_name = "STORE", value_parser = parse_store)]
    pub store: Option<crate::store::StoreSpec>,
}

#[cfg(feature = "server")]
impl StoreArg {
    pub fn spec(&self) -> crate::store::StoreSpec {
        self.store
            .clone()
            .unwrap_or_else(crate::store::StoreSpec::default_spec)
    }
}

#[cfg(feature = "server")]
#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Add a nurse account; the password is read from standard input (one line)
    Add {
        /// The name to sign in with: letters, digits, '.', '_', '-' or '@'
        name: String,
        #[command(flatten)]
        store: StoreArg,
    },
    /// List the accounts, one a line: name, created, and whether disabled
    List {
        #[command(flatten)]
        store: StoreArg,
    },
    /// Disable an account: it can no longer sign in, and its sessions end
    Disable {
        name: String,
        #[command(flatten)]
        store: StoreArg,
    },
}

#[cfg(feature = "server")]
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Only entries at or after TIME (RFC 3339, or a date)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only entries before TIME (RFC 3339, or a date)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

#[cfg(feature = "server")]
#[derive(Debug, Clone, Subcommand)]
pub enum CheckinCommand {
    /// Delete sent check-ins older than --keep-days (each deletion audited)
    Purge {
        /// Days a sent check-in is kept
        #[arg(long, value_name = "DAYS", default_value = "30", value_parser = clap::value_parser!(u32).range(1..=36500))]
        keep_days: u32,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Erase one check-in on request (audited; the audit trail keeps only its id)
    Erase {
        /// The check-in's id, as the inbox shows it
        id: String,
        #[command(flatten)]
        store: StoreArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// What the schema describes
    #[arg(value_enum)]
    pub what: SchemaKind,
    /// The JSON Schema dialect: 2020 (2020-12) or 7 (draft-07, for editors' TOML plugins;
    /// only for `rules`)
    #[arg(long, value_name = "DRAFT", default_value = "2020", value_parser = ["2020", "7"])]
    pub draft: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A case, as `check --input` takes it
    Case,
    /// A result of `check --format json`
    Result,
    /// An error record in place of a result
    Error,
    /// A rule file (TOML, described as the JSON it maps to)
    Rules,
    /// A saved questionnaire or call (`--record FILE`)
    Record,
    /// The HTTP service as an OpenAPI 3.1 document (as `GET /v1/openapi.json`)
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum FhirCommand {
    /// The questionnaire as a FHIR R4 Questionnaire
    Questionnaire {
        /// The nurse's protocol (adds the background and the repeat-contact questions)
        #[arg(long)]
        nurse: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// A saved questionnaire or call as a FHIR R4 Bundle (QuestionnaireResponse and
    /// RiskAssessment)
    Fhir {
        /// The record (written by --record FILE)
        file: PathBuf,
    },
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

#[cfg(feature = "server")]
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The address and port to listen on (port 0: any free port, printed at start)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// A file holding the bearer token every /v1 request must carry
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Listen on an address other machines can reach without a token (only behind a proxy
    /// that authenticates every request and speaks TLS)
    #[arg(long)]
    pub insecure_listen: bool,
    /// Seconds to answer a request once its headers are read
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_seconds)]
    pub request_timeout: std::time::Duration,
    /// Seconds for a request's headers, a whole case, or each line of a stream to arrive;
    /// also how long an idle connection is kept
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds)]
    pub body_timeout: std::time::Duration,
    /// Most requests answered at once; more are turned away with 503
    #[arg(long, value_name = "N", default_value = "64", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_in_flight: u32,
    /// Most connections open at once; more wait to be accepted
    #[arg(long, value_name = "N", default_value = "1024", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a stream may last in all; it then ends with an error record
    #[arg(long, value_name = "SECS", default_value = "600", value_parser = parse_seconds)]
    pub max_stream_time: std::time::Duration,
    /// Seconds after SIGTERM during which the server is not ready but still answers (each
    /// answer closing its connection), before it finishes the requests in flight
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_drain)]
    pub drain: std::time::Duration,
    /// Say in each log line the disposition a request found (the log then holds health
    /// data: keep it as the clinic's records)
    #[arg(long)]
    pub log_dispositions: bool,
    /// Where the web check-in keeps answers and sent check-ins: sqlite:PATH, or
    /// postgres://USER[:PASSWORD]@HOST:PORT/DB for several replicas [default:
    /// sqlite:aftercare.sqlite3, created on first use]
    #[arg(long, value_name = "STORE", value_parser = parse_store)]
    pub store: Option<crate::store::StoreSpec>,
    /// Minutes the web check-in keeps unsent answers after the last page answered
    #[arg(long, value_name = "MINUTES", default_value = "120", value_parser = clap::value_parser!(u32).range(1..=10080))]
    pub draft_minutes: u32,
    /// Days a sent check-in is kept; older ones are deleted at start and every ten minutes
    #[arg(long, value_name = "DAYS", default_value = "30", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub keep_days: u32,
}

#[cfg(feature = "server")]
fn parse_store(text: &str) -> Result<crate::store::StoreSpec, String> {
    crate::store::StoreSpec::parse(text)
}

/// The drain: as [`parse_seconds`], but 0 (no drain) allowed.
#[cfg(feature = "server")]
fn parse_drain(text: &str) -> Result<std::time::Duration, String> {
    if text.trim() == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    parse_seconds(text)
}

/// A number of seconds, fractions allowed ("0.5"), more than zero and at most a day.
#[cfg(feature = "server")]
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(format!("{text} is not between 0 and 86400 seconds"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
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
    /// Save the result (the nurse's note with --nurse) as plain text to FILE, to take with
    /// you; a new file, never in place of one
    #[arg(long, value_name = "FILE", conflicts_with_all = ["input", "format"])]
    pub save: Option<PathBuf>,
    /// The nurse's name or initials, for the note and the record (asked at the end if not given)
    #[arg(long, value_name = "NAME", requires = "nurse")]
    pub nurse_name: Option<String>,
    /// The width of the SBAR note, in columns: a chart's width, not the terminal's [default: 72]
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(40..=200))]
    pub note_width: Option<u16>,
    /// Ask the questions as numbered lines, answered by typing: no cursor movement, no
    /// colour (for screen readers and plain terminals; TERM=dumb does the same)
    #[arg(long, conflicts_with_all = ["input", "format"])]
    pub lines: bool,
    /// Start the nurse's call from a check-in sent to the clinic inbox: the danger signs
    /// asked again, the patient's answers filled in (the id as the inbox shows it)
    #[arg(long, value_name = "ID", requires = "nurse")]
    #[cfg(feature = "server")]
    pub from_inbox: Option<String>,
    /// The store the check-in is in (with --from-inbox), as `serve --store`
    #[arg(long, value_name = "STORE", value_parser = parse_store, requires = "from_inbox")]
    #[cfg(feature = "server")]
    pub store: Option<crate::store::StoreSpec>,
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
    /// A FHIR R4 Bundle per case (QuestionnaireResponse and RiskAssessment), one a line
    Fhir,
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
    /// Only this topic, in your own words (makeup, washing, retinol, vitamin C, gym, sun,
    /// sunscreen, swimming, sauna, painkillers, ...); repeatable. Each gets a short answer:
    /// "yes", "not yet, until ..." or "no"
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
    /// Whether `now` was given (`--now`): then every case of a stream uses it; otherwise
    /// the clock is read for each case.
    pub now_is_fixed: bool,
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
        /// The result as plain text (`--save`).
        save: Option<PathBuf>,
        nurse_name: Option<String>,
        note_width: usize,
        disposition_exit_code: bool,
        /// The numbered line mode (`--lines`).
        lines: bool,
        /// `--from-inbox ID` and its store.
        #[cfg(feature = "server")]
        from_inbox: Option<(String, crate::store::StoreSpec)>,
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
    Schema {
        kind: SchemaKind,
        draft7: bool,
    },
    FhirQuestionnaire {
        nurse: bool,
    },
    RecordFhir {
        file: PathBuf,
    },
    Completions(Shell),
    Man,
    #[cfg(feature = "server")]
    Serve {
        args: ServeArgs,
        /// `--now`, which then holds for every request (for tests and replays); without it
        /// the clock is read for each request.
        pinned_now: Option<DateTime<FixedOffset>>,
    },
    RecordShow {
        file: PathBuf,
        format: Option<RecordFormat>,
    },
    #[cfg(feature = "server")]
    User(UserCommand),
    #[cfg(feature = "server")]
    Audit(AuditArgs),
    #[cfg(feature = "server")]
    Checkin(CheckinCommand),
}

/// The machine's clock, in its local offset: read at the edge, passed into a stream.
pub fn system_now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

impl Config {
    /// Turns the parsed command line into a `Config`, reading the clock, the terminal and
    /// NO_COLOR here and nowhere else.
    pub fn from_cli(cli: Cli) -> Result<Config, Error> {
        let now = match &cli.global.now {
            Some(text) => {
                let local = Local::now().fixed_offset();
                aftercare_core::when::parse_timestamp(text, local.offset())
                    .map_err(|m| Error::Usage(format!("--now: {m}: {text:?}")))?
            }
            None => Local::now().fixed_offset(),
        };
        let stdout_is_terminal = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb_terminal = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let color = decide_color(
            cli.global.plain,
            cli.global.color,
            no_color,
            dumb_terminal,
            stdout_is_terminal,
        );
        let stdin_is_terminal = std::io::stdin().is_terminal();
        let stderr_is_terminal = std::io::stderr().is_terminal();
        // The terminal's own size, asked only when there is one to ask.
        let terminal = if stdout_is_terminal || stderr_is_terminal {
            terminal_size()
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
            Some(FormatArg::Fhir) => Format::Fhir,
            None if stdout_is_terminal => Format::Text,
            None => Format::Json,
        };
        let pinned_now = cli.global.now.is_some().then_some(now);
        let command = action(cli.command, cli.check, to_format, pinned_now)?;
        Ok(Config {
            now_is_fixed: cli.global.now.is_some(),
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

/// The action the command line asks for: a check (a questionnaire, or JSON cases) when no
/// command is given, else the command's. Check options given before `check`, and a draft 7
/// schema of anything but the rule file, are refused.
fn action(
    command: Option<Command>,
    check: CheckArgs,
    to_format: impl Fn(Option<FormatArg>) -> Format,
    pinned_now: Option<DateTime<FixedOffset>>,
) -> Result<Action, Error> {
    #[cfg(not(feature = "server"))]
    let _ = pinned_now;
    Ok(match command {
        None => check_action(check, to_format),
        Some(Command::Check(args)) => {
            // Any check option given before `check` would be silently dropped; compared as
            // a whole so that a new option cannot be missed.
            if check != CheckArgs::default() {
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
        Some(Command::Schema(a)) => {
            let draft7 = a.draft == "7";
            if draft7 && a.what != SchemaKind::Rules {
                return Err(Error::Usage(
                    "--draft 7 is for the rule file's schema only (aftercare schema rules --draft 7)"
                        .into(),
                ));
            }
            Action::Schema {
                kind: a.what,
                draft7,
            }
        }
        Some(Command::Fhir(FhirCommand::Questionnaire { nurse })) => {
            Action::FhirQuestionnaire { nurse }
        }
        Some(Command::Record(RecordCommand::Fhir { file })) => Action::RecordFhir { file },
        Some(Command::Completions { shell }) => Action::Completions(shell),
        Some(Command::Man) => Action::Man,
        #[cfg(feature = "server")]
        Some(Command::Serve(args)) => Action::Serve { args, pinned_now },
        Some(Command::Record(RecordCommand::Show { file, format })) => {
            Action::RecordShow { file, format }
        }
        #[cfg(feature = "server")]
        Some(Command::User(c)) => Action::User(c),
        #[cfg(feature = "server")]
        Some(Command::Audit(a)) => Action::Audit(a),
        #[cfg(feature = "server")]
        Some(Command::Checkin(c)) => Action::Checkin(c),
    })
}

/// The terminal's columns and rows, when it says (a build without the terminal
/// questionnaire goes by `COLUMNS` and `LINES` alone).
fn terminal_size() -> Option<(u16, u16)> {
    #[cfg(feature = "terminal")]
    let size = crossterm::terminal::size().ok();
    #[cfg(not(feature = "terminal"))]
    let size = None;
    size.filter(|(cols, rows)| *cols >= 20 && *rows >= 5)
}

/// Whether to colour: `--plain` never; `--color always|never` as said, over NO_COLOR and TERM;
/// otherwise only on a terminal, and not when NO_COLOR is set or the terminal says it is
/// dumb (one that cannot do more than print text gets no colour and no styled prompts).
fn decide_color(
    plain: bool,
    choice: Option<ColorChoice>,
    no_color: bool,
    dumb_terminal: bool,
    stdout_is_terminal: bool,
) -> bool {
    match choice {
        _ if plain => false,
        Some(ColorChoice::Always) => true,
        Some(ColorChoice::Never) => false,
        Some(ColorChoice::Auto) | None => !no_color && !dumb_terminal && stdout_is_terminal,
    }
}

fn check_action(args: CheckArgs, to_format: impl Fn(Option<FormatArg>) -> Format) -> Action {
    if args.input.is_none() && args.format.is_none() {
        return Action::Questionnaire {
            nurse: args.nurse,
            record: args.record,
            save: args.save,
            nurse_name: args.nurse_name,
            note_width: usize::from(args.note_width.unwrap_or(72)),
            disposition_exit_code: args.disposition_exit_code,
            lines: args.lines,
            #[cfg(feature = "server")]
            from_inbox: args.from_inbox.map(|id| {
                let store = args
                    .store
                    .unwrap_or_else(crate::store::StoreSpec::default_spec);
                (id, store)
            }),
        };
    }
    Action::Check {
        input: args.input,
        format: to_format(args.format),
        disposition_exit_code: args.disposition_exit_code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_then_the_environment_then_the_terminal() {
        use ColorChoice::*;
        // (plain, --color, NO_COLOR, TERM=dumb, terminal) -> colour
        let table = [
            ((false, None, false, false, true), true),
            ((false, None, false, false, false), false),
            ((false, None, true, false, true), false),
            ((false, None, false, true, true), false),
            ((false, Some(Auto), false, true, true), false),
            ((false, Some(Auto), false, false, true), true),
            ((false, Some(Always), true, true, false), true),
            ((false, Some(Never), false, false, true), false),
            ((true, None, false, false, true), false),
        ];
        for ((plain, choice, no_color, dumb, tty), want) in table {
            assert_eq!(
                decide_color(plain, choice, no_color, dumb, tty),
                want,
                "plain {plain}, --color {choice:?}, NO_COLOR {no_color}, dumb {dumb}, terminal {tty}"
            );
        }
    }
}
