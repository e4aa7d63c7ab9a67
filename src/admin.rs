//! The clinic's administration of the store, at the command line: nurse accounts, the audit
//! trail, retention and erasure. Each opens the store named by `--store` (as `serve` does),
//! does one thing, and says what it did.

use std::io::{BufRead, IsTerminal, Write};

use chrono::{DateTime, NaiveDate, Utc};

use crate::cli::{AuditArgs, CheckinCommand, StoreArg, UserCommand};
use crate::error::{Error, ExitCode};
use crate::store::{Store, StoreError};
use crate::web::accounts;

/// A store call, run to its end on a runtime of its own (these commands do one thing).
fn run<T>(
    store: &StoreArg,
    work: impl AsyncFnOnce(Store) -> Result<T, StoreError>,
) -> Result<T, Error> {
    let spec = store.spec();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Io(format!("cannot start: {}", crate::io_reason(&e))))?;
    let opened = runtime
        .block_on(Store::connect(&spec))
        .map_err(|e| Error::Io(format!("--store {spec}: {e}")))?;
    runtime
        .block_on(work(opened))
        .map_err(|e| Error::Io(format!("--store {spec}: {e}")))
}

/// Who did it, for the audit trail: the operating system's user, marked as the command line.
fn operator() -> String {
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        .take(64)
        .collect();
    format!("cli:{name}")
}

/// The password, one line of standard input; asked without echo on a terminal.
fn read_password(input: &mut dyn BufRead, terminal: bool) -> Result<String, Error> {
    let password = if terminal {
        hidden_password()?
    } else {
        let mut line = String::new();
        input
            .read_line(&mut line)
            .map_err(|e| Error::Io(format!("standard input: {}", crate::io_reason(&e))))?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    accounts::check_password(&password).map_err(|m| Error::Usage(format!("password: {m}")))?;
    Ok(password)
}

/// A password typed on the terminal, not shown.
#[cfg(feature = "terminal")]
fn hidden_password() -> Result<String, Error> {
    inquire::Password::new("Password:")
        .with_display_mode(inquire::PasswordDisplayMode::Hidden)
        .prompt()
        .map_err(|e| Error::Usage(format!("no password was given: {e}")))
}

/// A build without the terminal feature cannot hide what is typed, so it does not ask.
#[cfg(not(feature = "terminal"))]
fn hidden_password() -> Result<String, Error> {
    Err(Error::Usage(
        "this build cannot hide a typed password: give it on standard input (a pipe)".into(),
    ))
}

/// A sent check-in, read for the nurse's call (`check --nurse --from-inbox ID`): its reading
/// is audited as a view by the command line's user.
pub fn checkin_for_call(
    id: &str,
    store: &crate::store::StoreSpec,
) -> Result<crate::questionnaire::FromCheckin, Error> {
    let arg = StoreArg {
        store: Some(store.clone()),
    };
    let who = operator();
    let wanted = id.to_string();
    let stored = run(&arg, async move |s| {
        s.view_checkin(&wanted, &who, Utc::now()).await
    })?
    .ok_or_else(|| {
        Error::Usage(format!(
            "--from-inbox: no check-in with id {id:?} in {store}"
        ))
    })?;
    let answers = crate::questionnaire::checkin_answers(&stored.answers)?;
    let disposition = aftercare_core::model::Disposition::ALL
        .into_iter()
        .find(|d| d.code() == stored.disposition)
        .ok_or_else(|| {
            Error::Input(format!(
                "check-in {id}: an unknown disposition {:?}",
                stored.disposition
            ))
        })?;
    Ok(crate::questionnaire::FromCheckin {
        checkin: stored.id,
        patient_name: stored.patient_name,
        phone: stored.phone,
        answers,
        sent_at: stored.sent_at.with_timezone(&chrono::Local).fixed_offset(),
        disposition,
    })
}

pub fn user(command: &UserCommand, out: &mut dyn Write) -> Result<ExitCode, Error> {
    match command {
        UserCommand::Add { name, store } => {
            accounts::check_name(name).map_err(|m| Error::Usage(format!("{name:?}: {m}")))?;
            let stdin = std::io::stdin();
            let terminal = stdin.is_terminal();
            let password = read_password(&mut stdin.lock(), terminal)?;
            let hash = accounts::hash_password(&password).map_err(Error::Io)?;
            let name = name.clone();
            let added = name.clone();
            run(store, async move |s| {
                s.add_user(&name, &hash, Utc::now()).await
            })
            .map_err(|e| match e {
                Error::Io(m) if m.contains("already") => Error::Usage(m),
                other => other,
            })?;
            writeln!(out, "added {added}").map_err(write_error)?;
        }
        UserCommand::List { store } => {
            for u in run(store, async |s| s.users().await)? {
                writeln!(
                    out,
                    "{}\tcreated {}{}",
                    u.name,
                    u.created_at.format("%Y-%m-%d"),
                    if u.disabled { "\tdisabled" } else { "" }
                )
                .map_err(write_error)?;
            }
        }
        UserCommand::Disable { name, store } => {
            let who = name.clone();
            if !run(store, async move |s| s.disable_user(&who, Utc::now()).await)? {
                return Err(Error::Usage(format!("no account named {name:?}")));
            }
            writeln!(out, "disabled {name}; its sessions are ended").map_err(write_error)?;
        }
    }
    Ok(ExitCode::Success)
}

/// A time for `--since`/`--until`: RFC 3339, or a date (its start, UTC).
fn read_time(option: &str, text: &str) -> Result<DateTime<Utc>, Error> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            Error::Usage(format!(
                "{option} {text:?}: give a time as 2026-12-06T09:00:00Z or a date as 2026-12-06"
            ))
        })
}

pub fn audit(args: &AuditArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let since = args
        .since
        .as_deref()
        .map(|t| read_time("--since", t))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|t| read_time("--until", t))
        .transpose()?;
    for e in run(&args.store, async move |s| {
        s.audit_entries(since, until).await
    })? {
        let line = serde_json::json!({
            "at": e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "user": e.user,
            "action": e.action,
            "checkin": e.checkin,
        });
        writeln!(out, "{line}").map_err(write_error)?;
    }
    Ok(ExitCode::Success)
}

pub fn checkin(command: &CheckinCommand, out: &mut dyn Write) -> Result<ExitCode, Error> {
    match command {
        CheckinCommand::Purge { keep_days, store } => {
            let now = Utc::now();
            let before = now - chrono::Duration::days(i64::from(*keep_days));
            let n = run(store, async move |s| s.purge_checkins(before, now).await)?;
            writeln!(
                out,
                "deleted {n} check-in{} sent before {}",
                if n == 1 { "" } else { "s" },
                before.format("%Y-%m-%d %H:%M UTC")
            )
            .map_err(write_error)?;
        }
        CheckinCommand::Erase { id, store } => {
            let who = operator();
            let erased = id.clone();
            if !run(store, async move |s| {
                s.erase_checkin(&erased, &who, Utc::now()).await
            })? {
                return Err(Error::Usage(format!("no check-in with id {id:?}")));
            }
            writeln!(out, "erased check-in {id}").map_err(write_error)?;
        }
    }
    Ok(ExitCode::Success)
}

fn write_error(e: std::io::Error) -> Error {
    Error::Io(format!("standard output: {}", crate::io_reason(&e)))
}
