//! The PostgreSQL store: the same tables and the same semantics as the SQLite store, in a
//! database that several replicas of the service share, each through a small pool of
//! connections.
//!
//! The connection is made without TLS: the database is expected on a private network or a
//! local socket (`postgres://aftercare@%2Frun%2Fpostgresql/aftercare`), never across one
//! that others can read. A URL asking for TLS (`sslmode=require`) is refused when it is read.
//!
//! What SQLite gets from one writer at a time, PostgreSQL gets here from its locks:
//!
//! - Migrations are applied under a transaction-scoped advisory lock, so that replicas
//!   starting at once apply each one once; a database with a newer schema is refused.
//! - Every audited change is one transaction with its audit row, as in SQLite; each
//!   conditional change is one statement (`INSERT … ON CONFLICT DO NOTHING RETURNING`,
//!   `UPDATE … RETURNING`) whose answer says whether it happened.
//! - `claim_next` takes the first unclaimed row of `open_checkins` with `FOR UPDATE SKIP
//!   LOCKED`: concurrent callers each get a different check-in, most urgent first.
//! - Whatever changes a check-in's claim, outcome or existence locks its `open_checkins` row
//!   first (if it has one), then the other tables: one order for every such transaction, so
//!   that two of them never wait for each other (a deadlock PostgreSQL would end by failing
//!   one).
//! - The inbox reads both of its parts in one snapshot (REPEATABLE READ).
//!
//! Times are `timestamptz`, cut to the microsecond as SQLite's text keeps them, and only
//! years 0000 to 9999 are taken, as there: a store can move between the two unchanged.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, SubsecRound, Utc};
use deadpool_postgres::{
    GenericClient, Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, NoTls, Row};

use super::{
    attempted_name_cut, name_key, random_id, AuditEntry, CallbackOutcome, Claim, ClaimResult,
    InboxRow, NewCheckin, OutcomeResult, RecordedOutcome, StoreError, StoredCheckin, User,
};

/// The schema's migrations, oldest first: (version, name, SQL), with the numbers and names
/// of SQLite's. Each is applied once, in its own transaction with its row in
/// `schema_migrations`; an applied one is never edited, since clinics' databases hold it.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "inbox",
        include_str!("migrations/postgres/0002_inbox.sql"),
    ),
];

/// Where the record of applied migrations is kept; made (under the migration lock) before
/// the first migration, which it records.
const SCHEMA_MIGRATIONS: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
)";

/// The advisory lock that migrations are applied under ("aftercar" in ASCII): one database's
/// replicas apply them one at a time. Advisory locks are per database.
const MIGRATION_LOCK: i64 = 0x6166_7465_7263_6172;

/// Connections per replica. A clinic's pages make a few statements each; 16 leaves room for
/// bursts, and several replicas still fit PostgreSQL's default of 100 connections.
const POOL_SIZE: usize = 16;

/// How long a connection may take to be made, unless the URL says (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a request waits for a free connection of the pool before it fails.
const WAIT_TIMEOUT: Duration = Duration::from_secs(10);

/// An open PostgreSQL store. Cheap to clone: the pool is shared.
#[derive(Clone)]
pub struct PostgresStore {
    /// The URL as shown: without its password.
    shown: Arc<str>,
    pool: Pool,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

/// Reads a `--store` PostgreSQL URL as [`super::StoreSpec::parse`] does: the text to keep
/// (the scheme lower-cased), or a one-line message that never repeats the password.
pub(super) fn checked_url(text: &str) -> Result<String, String> {
    const FORM: &str = "write postgres://USER[:PASSWORD]@HOST:PORT/DB";
    let (scheme, rest) = text.split_once("://").unwrap_or(("postgres", text));
    let url = format!("{}://{rest}", scheme.to_ascii_lowercase());
    let config = tokio_postgres::Config::from_str(&url).map_err(|e| {
        format!(
            "not a PostgreSQL URL ({}); {FORM}",
            one_line(&source_text(&e))
        )
    })?;
    let mut missing = Vec::new();
    if config.get_user().is_none_or(str::is_empty) {
        missing.push("a user");
    }
    if config.get_hosts().is_empty() {
        missing.push("a host");
    }
    if config.get_dbname().is_none_or(str::is_empty) {
        missing.push("a database");
    }
    if !missing.is_empty() {
        return Err(format!(
            "the PostgreSQL URL lacks {}; {FORM}",
            missing.join(" and ")
        ));
    }
    if config.get_ssl_mode() == SslMode::Require {
        return Err(
            "sslmode=require: this build connects to PostgreSQL without TLS (a database on a \
             private network or a local socket); leave sslmode out"
                .to_string(),
        );
    }
    Ok(url)
}

/// A PostgreSQL URL as shown to people and in logs: `postgres://USER@HOST:PORT/DB`, with no
/// password and none of the URL's other settings (which may hold one too). A socket folder
/// as host is shown %-encoded, as it is written in a URL.
pub(super) fn shown_url(url: &str) -> String {
    let Ok(config) = tokio_postgres::Config::from_str(url) else {
        return "postgres://(a URL that cannot be read)".to_string();
    };
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let host = match host {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
                Host::Tcp(name) => encoded(name),
                #[cfg(unix)]
                Host::Unix(path) => encoded(&path.to_string_lossy()),
            };
            // One port for every host, or one each; 5432 when none is given.
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            format!("{host}:{port}")
        })
        .collect();
    format!(
        "postgres://{}@{}/{}",
        encoded(config.get_user().unwrap_or("")),
        hosts.join(","),
        encoded(config.get_dbname().unwrap_or(""))
    )
}

/// Text %-encoded but for the characters a URL's parts keep as they are.
fn encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a piece of work failed: a statement or the pool, said with what the store was doing,
/// or an error already whole.
enum Fail {
    Pg(tokio_postgres::Error),
    Pool(PoolError),
    Data(String),
    Store(StoreError),
}

impl From<tokio_postgres::Error> for Fail {
    fn from(e: tokio_postgres::Error) -> Fail {
        Fail::Pg(e)
    }
}

impl From<PoolError> for Fail {
    fn from(e: PoolError) -> Fail {
        Fail::Pool(e)
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Fail {
        Fail::Store(e)
    }
}

/// The outcome of a piece of work, its failure said with what the store was `doing`.
fn done<T>(doing: &'static str, result: Result<T, Fail>) -> Result<T, StoreError> {
    result.map_err(|fail| match fail {
        Fail::Pg(e) => StoreError::Query {
            doing,
            reason: pg_reason(&e),
        },
        Fail::Pool(e) => StoreError::Query {
            doing,
            reason: pool_reason(&e),
        },
        Fail::Data(reason) => StoreError::Query { doing, reason },
        Fail::Store(e) => e,
    })
}

/// A database error in one line: the server's message with its detail and hint, or the
/// client's error with its cause.
fn pg_reason(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut reason = db.message().to_string();
        if let Some(detail) = db.detail() {
            reason.push_str(&format!(" ({detail})"));
        }
        if let Some(hint) = db.hint() {
            reason.push_str(&format!("; {hint}"));
        }
        return one_line(&reason);
    }
    one_line(&source_text(e))
}

fn pool_reason(e: &PoolError) -> String {
    match e {
        PoolError::Backend(e) => pg_reason(e),
        PoolError::Timeout(_) => "no connection to the database came free in time".to_string(),
        other => one_line(&other.to_string()),
    }
}

/// An error with its causes, "error connecting to server: Connection refused (os error 111)".
fn source_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let next = c.to_string();
        if !text.contains(&next) {
            text.push_str(&format!(": {next}"));
        }
        cause = c.source();
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A time as the store keeps it: to the microsecond (finer parts dropped, as SQLite's text
/// drops them), years 0000 to 9999 only.
fn pg_time(t: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
    if !(0..=9999).contains(&t.year()) {
        return Err(StoreError::TimeOutOfRange(t));
    }
    Ok(t.trunc_subsecs(6))
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Runs a statement, prepared once per connection.
async fn exec(c: &impl GenericClient, sql: &str, params: Params<'_>) -> Result<u64, Fail> {
    let statement = c.prepare_cached(sql).await?;
    Ok(c.execute(&statement, params).await?)
}

async fn query(c: &impl GenericClient, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Fail> {
    let statement = c.prepare_cached(sql).await?;
    Ok(c.query(&statement, params).await?)
}

async fn query_opt(
    c: &impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<Row>, Fail> {
    let statement = c.prepare_cached(sql).await?;
    Ok(c.query_opt(&statement, params).await?)
}

/// Adds a row to the audit trail: references only, never what a check-in says.
async fn audit(
    c: &impl GenericClient,
    at: &DateTime<Utc>,
    user: Option<&str>,
    action: &str,
    checkin: Option<&str>,
) -> Result<(), Fail> {
    exec(
        c,
        r#"INSERT INTO audit (at, "user", action, checkin) VALUES ($1, $2, $3, $4)"#,
        &[at, &user, &action, &checkin],
    )
    .await?;
    Ok(())
}

/// Locks check-in `id`'s row of `open_checkins`, if it has one: the first lock of every
/// transaction that changes a check-in's claim, outcome or existence (see the module
/// comment).
async fn lock_open(c: &impl GenericClient, id: &str) -> Result<(), Fail> {
    query(
        c,
        "SELECT 1 FROM open_checkins WHERE checkin = $1 FOR UPDATE",
        &[&id],
    )
    .await?;
    Ok(())
}

fn urgency_at(row: &Row, index: usize) -> Result<u8, Fail> {
    let urgency: i16 = row.try_get(index)?;
    u8::try_from(urgency).map_err(|_| Fail::Data(format!("an urgency of {urgency} is stored")))
}

/// The claim in columns `index` (user) and `index + 1` (at), NULL when there is none.
fn claim_at(row: &Row, index: usize) -> Result<Option<Claim>, Fail> {
    match row.try_get::<_, Option<String>>(index)? {
        None => Ok(None),
        Some(user) => Ok(Some(Claim {
            user,
            at: row.try_get(index + 1)?,
        })),
    }
}

fn user_from(row: &Row) -> Result<User, Fail> {
    Ok(User {
        name: row.try_get(0)?,
        password_hash: row.try_get(1)?,
        disabled: row.try_get(2)?,
        created_at: row.try_get(3)?,
    })
}

fn inbox_row_from(row: &Row) -> Result<InboxRow, Fail> {
    Ok(InboxRow {
        id: row.try_get(0)?,
        disposition: row.try_get(1)?,
        urgency: urgency_at(row, 2)?,
        patient_name: row.try_get(3)?,
        sent_at: row.try_get(4)?,
        claim: claim_at(row, 5)?,
        outcome_recorded: row.try_get(7)?,
    })
}

/// A check-in with its claim and outcome, if there is one with that id.
async fn read_checkin(c: &impl GenericClient, id: &str) -> Result<Option<StoredCheckin>, Fail> {
    let Some(row) = query_opt(
        c,
        r#"SELECT c.id, c.answers, c.result, c.disposition, c.urgency, c.rule_set_name,
               c.rule_set_version, c.patient_name, c.phone, c.consent_to_call,
               c.started_at, c.sent_at,
               l."user", l.at,
               o."user", o.at, o.reached, o.disposition_after, o.note
           FROM checkins c
           LEFT JOIN claims l ON l.checkin = c.id
           LEFT JOIN outcomes o ON o.checkin = c.id
           WHERE c.id = $1"#,
        &[&id],
    )
    .await?
    else {
        return Ok(None);
    };
    let outcome = match row.try_get::<_, Option<String>>(14)? {
        None => None,
        Some(user) => Some(RecordedOutcome {
            user,
            at: row.try_get(15)?,
            outcome: CallbackOutcome {
                reached: row.try_get(16)?,
                disposition_after: row.try_get(17)?,
                note: row.try_get(18)?,
            },
        }),
    };
    Ok(Some(StoredCheckin {
        id: row.try_get(0)?,
        answers: row.try_get(1)?,
        result: row.try_get(2)?,
        disposition: row.try_get(3)?,
        urgency: urgency_at(&row, 4)?,
        rule_set_name: row.try_get(5)?,
        rule_set_version: row.try_get(6)?,
        patient_name: row.try_get(7)?,
        phone: row.try_get(8)?,
        consent_to_call: row.try_get(9)?,
        started_at: row.try_get(10)?,
        sent_at: row.try_get(11)?,
        claim: claim_at(&row, 12)?,
        outcome,
    }))
}

async fn read_claim(c: &impl GenericClient, id: &str) -> Result<Option<Claim>, Fail> {
    match query_opt(
        c,
        r#"SELECT "user", at FROM claims WHERE checkin = $1"#,
        &[&id],
    )
    .await?
    {
        Some(row) => claim_at(&row, 0),
        None => Ok(None),
    }
}

/// The inbox's open check-ins, up to `$1`, in the order of their table's index: the rows
/// [`inbox_row_from`] reads (`c` the check-in, `l` its claim).
const INBOX_OPEN: &str = r#"SELECT c.id, c.disposition, c.urgency, c.patient_name, c.sent_at,
        l."user", l.at, o.checkin IS NOT NULL
    FROM open_checkins q
    JOIN checkins c ON c.id = q.checkin
    LEFT JOIN claims l ON l.checkin = q.checkin
    LEFT JOIN outcomes o ON o.checkin = q.checkin
    ORDER BY q.urgency DESC, q.sent_at, q.checkin
    LIMIT $1"#;

/// The inbox's check-ins with an outcome (the others), up to `$1`, in the order of the
/// check-ins' index; the same columns as [`INBOX_OPEN`]. Whether there is an outcome is a
/// join, not an `EXISTS`: PostgreSQL may answer an `EXISTS` in the list by hashing the whole
/// of `outcomes` first, which reads every row.
const INBOX_DONE: &str = r#"SELECT c.id, c.disposition, c.urgency, c.patient_name, c.sent_at,
        l."user", l.at, o.checkin IS NOT NULL
    FROM checkins c
    LEFT JOIN claims l ON l.checkin = c.id
    LEFT JOIN outcomes o ON o.checkin = c.id
    WHERE NOT EXISTS (SELECT 1 FROM open_checkins q WHERE q.checkin = c.id)
    ORDER BY c.urgency DESC, c.sent_at, c.id
    LIMIT $1"#;

/// The first unclaimed check-in in the inbox's order that no other transaction is claiming,
/// locked until this one ends; from the partial index.
const NEXT_UNCLAIMED: &str = "SELECT checkin FROM open_checkins WHERE NOT claimed
    ORDER BY urgency DESC, sent_at, checkin
    LIMIT 1
    FOR UPDATE SKIP LOCKED";

impl PostgresStore {
    /// Connects to the database at `url` (as [`checked_url`] keeps it), makes its tables on
    /// first use and applies pending migrations, once however many replicas start at the
    /// same time.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let shown = shown_url(url);
        let failed = |reason: String| StoreError::Connect {
            store: shown.clone(),
            reason,
        };
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|e| failed(one_line(&source_text(&e))))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("aftercare");
        }
        // No TLS: see the module comment.
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(WAIT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| failed(one_line(&e.to_string())))?;
        let mut client = pool.get().await.map_err(|e| failed(pool_reason(&e)))?;
        migrate(&mut client, &shown).await?;
        Ok(PostgresStore {
            shown: Arc::from(shown),
            pool,
        })
    }

    async fn client(&self) -> Result<Object, Fail> {
        Ok(self.pool.get().await?)
    }

    /// Reads from the database (not a constant), so that a store whose tables went fails.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let result = async {
            let c = self.client().await?;
            query(&c, "SELECT max(version) FROM schema_migrations", &[]).await?;
            Ok(())
        };
        done("checking that it answers", result.await)
    }

    /// See [`super::Store::save_draft`].
    pub async fn save_draft(
        &self,
        id: &str,
        data: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (now, expires_at) = (pg_time(now)?, pg_time(expires_at)?);
        let result = async {
            let c = self.client().await?;
            // The right-hand sides read the row as it was: an expired draft is gone as far
            // as `draft` is concerned, so its replacement starts afresh.
            exec(
                &c,
                "INSERT INTO drafts (id, data, created_at, updated_at, expires_at)
                 VALUES ($1, $2, $3, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET
                     data = excluded.data,
                     created_at = CASE WHEN drafts.expires_at <= excluded.updated_at
                                       THEN excluded.created_at
                                       ELSE drafts.created_at END,
                     updated_at = excluded.updated_at,
                     expires_at = excluded.expires_at",
                &[&id, &data, &now, &expires_at],
            )
            .await?;
            Ok(())
        };
        done("saving a draft", result.await)
    }

    /// See [`super::Store::draft`].
    pub async fn draft(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let c = self.client().await?;
            // Expired drafts stay until the purge; they are never handed out meanwhile.
            match query_opt(
                &c,
                "SELECT data FROM drafts WHERE id = $1 AND expires_at > $2",
                &[&id, &now],
            )
            .await?
            {
                Some(row) => Ok(Some(row.try_get(0)?)),
                None => Ok(None),
            }
        };
        done("reading a draft", result.await)
    }

    /// See [`super::Store::delete_draft`].
    pub async fn delete_draft(&self, id: &str) -> Result<(), StoreError> {
        let result = async {
            let c = self.client().await?;
            exec(&c, "DELETE FROM drafts WHERE id = $1", &[&id]).await?;
            Ok(())
        };
        done("deleting a draft", result.await)
    }

    /// See [`super::Store::purge_drafts`].
    pub async fn purge_drafts(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let c = self.client().await?;
            exec(&c, "DELETE FROM drafts WHERE expires_at <= $1", &[&now]).await
        };
        done("removing expired drafts", result.await)
    }

    /// See [`super::Store::send_checkin`].
    pub async fn send_checkin(
        &self,
        draft_id: &str,
        checkin: NewCheckin,
    ) -> Result<String, StoreError> {
        let started_at = pg_time(checkin.started_at)?;
        let sent_at = pg_time(checkin.sent_at)?;
        let id = random_id()?;
        let urgency = i16::from(checkin.urgency);
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            exec(
                &tx,
                "INSERT INTO checkins (id, answers, result, disposition, urgency,
                     rule_set_name, rule_set_version, patient_name, phone, consent_to_call,
                     started_at, sent_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                &[
                    &id,
                    &checkin.answers,
                    &checkin.result,
                    &checkin.disposition,
                    &urgency,
                    &checkin.rule_set_name,
                    &checkin.rule_set_version,
                    &checkin.patient_name,
                    &checkin.phone,
                    &checkin.consent_to_call,
                    &started_at,
                    &sent_at,
                ],
            )
            .await?;
            // Open and unclaimed: the inbox's work, until its outcome is recorded.
            exec(
                &tx,
                "INSERT INTO open_checkins (checkin, urgency, sent_at, claimed)
                 VALUES ($1, $2, $3, FALSE)",
                &[&id, &urgency, &sent_at],
            )
            .await?;
            audit(&tx, &sent_at, None, "sent", Some(&id)).await?;
            exec(&tx, "DELETE FROM drafts WHERE id = $1", &[&draft_id]).await?;
            // The commit returns once the server has the transaction on disk (with the
            // default synchronous_commit = on): "sent" is only said of a check-in that
            // survives a power cut.
            tx.commit().await?;
            Ok(id)
        };
        done("saving a sent check-in", result.await)
    }

    /// See [`super::Store::checkin`].
    pub async fn checkin(&self, id: &str) -> Result<Option<StoredCheckin>, StoreError> {
        let result = async {
            let c = self.client().await?;
            read_checkin(&c, id).await
        };
        done("reading a check-in", result.await)
    }

    /// See [`super::Store::audit_entries`].
    pub async fn audit_entries(
        &self,
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let since = since.map(pg_time).transpose()?;
        let until = until.map(pg_time).transpose()?;
        let result = async {
            let c = self.client().await?;
            let mut sql =
                String::from(r#"SELECT at, "user", action, checkin FROM audit WHERE TRUE"#);
            let mut bounds: Vec<&(dyn ToSql + Sync)> = Vec::new();
            if let Some(since) = &since {
                bounds.push(since);
                sql.push_str(&format!(" AND at >= ${}", bounds.len()));
            }
            if let Some(until) = &until {
                bounds.push(until);
                sql.push_str(&format!(" AND at < ${}", bounds.len()));
            }
            sql.push_str(" ORDER BY seq");
            let rows = query(&c, &sql, &bounds).await?;
            rows.iter()
                .map(|row| {
                    Ok(AuditEntry {
                        at: row.try_get(0)?,
                        user: row.try_get(1)?,
                        action: row.try_get(2)?,
                        checkin: row.try_get(3)?,
                    })
                })
                .collect()
        };
        done("reading the audit trail", result.await)
    }

    /// See [`super::Store::add_user`].
    pub async fn add_user(
        &self,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = pg_time(now)?;
        let key = name_key(name);
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            // A second adder of the same name waits for the first, then adds nothing.
            let added = exec(
                &tx,
                "INSERT INTO users (key, name, password_hash, disabled, created_at)
                 VALUES ($1, $2, $3, FALSE, $4)
                 ON CONFLICT (key) DO NOTHING",
                &[&key, &name, &password_hash, &now],
            )
            .await?;
            if added == 0 {
                return Err(StoreError::Exists {
                    what: "user",
                    id: name.to_owned(),
                }
                .into());
            }
            audit(&tx, &now, Some(name), "add_user", None).await?;
            tx.commit().await?;
            Ok(())
        };
        done("adding a user", result.await)
    }

    /// See [`super::Store::user`].
    pub async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let key = name_key(name);
        let result = async {
            let c = self.client().await?;
            match query_opt(
                &c,
                "SELECT name, password_hash, disabled, created_at FROM users WHERE key = $1",
                &[&key],
            )
            .await?
            {
                Some(row) => Ok(Some(user_from(&row)?)),
                None => Ok(None),
            }
        };
        done("reading a user", result.await)
    }

    /// See [`super::Store::users`].
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let result = async {
            let c = self.client().await?;
            // Byte by byte, as Rust (and SQLite) compare strings, whatever the database's
            // collation.
            let rows = query(
                &c,
                r#"SELECT name, password_hash, disabled, created_at FROM users
                   ORDER BY key COLLATE "C""#,
                &[],
            )
            .await?;
            rows.iter().map(user_from).collect()
        };
        done("reading the users", result.await)
    }

    /// See [`super::Store::disable_user`].
    pub async fn disable_user(&self, name: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let now = pg_time(now)?;
        let key = name_key(name);
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            // The row stays locked to the end: a sign-in waits, then finds the user disabled.
            let Some(row) = query_opt(
                &tx,
                "UPDATE users SET disabled = TRUE WHERE key = $1 RETURNING name",
                &[&key],
            )
            .await?
            else {
                return Ok(false);
            };
            let name: String = row.try_get(0)?;
            exec(&tx, r#"DELETE FROM sessions WHERE "user" = $1"#, &[&key]).await?;
            audit(&tx, &now, Some(&name), "disable_user", None).await?;
            tx.commit().await?;
            Ok(true)
        };
        done("disabling a user", result.await)
    }

    /// See [`super::Store::sign_in`].
    pub async fn sign_in(
        &self,
        key: &str,
        user: &str,
        now: DateTime<Utc>,
        idle_until: DateTime<Utc>,
        absolute_until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let idle_until = pg_time(idle_until.min(absolute_until))?;
        let (now, absolute_until) = (pg_time(now)?, pg_time(absolute_until)?);
        let user_key = name_key(user);
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            // FOR SHARE: a concurrent disabling waits for this sign-in, and then ends its
            // session too; or it came first, and the user is not found enabled.
            let Some(row) = query_opt(
                &tx,
                "SELECT name FROM users WHERE key = $1 AND NOT disabled FOR SHARE",
                &[&user_key],
            )
            .await?
            else {
                return Err(StoreError::NotFound {
                    what: "enabled user",
                    id: user.to_owned(),
                }
                .into());
            };
            let name: String = row.try_get(0)?;
            let added = exec(
                &tx,
                r#"INSERT INTO sessions (key, "user", created_at, idle_until, absolute_until)
                   VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (key) DO NOTHING"#,
                &[&key, &user_key, &now, &idle_until, &absolute_until],
            )
            .await?;
            if added == 0 {
                return Err(StoreError::Exists {
                    what: "session",
                    id: key.to_owned(),
                }
                .into());
            }
            audit(&tx, &now, Some(&name), "sign_in", None).await?;
            tx.commit().await?;
            Ok(())
        };
        done("signing in", result.await)
    }

    /// See [`super::Store::session`].
    pub async fn session(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let c = self.client().await?;
            match query_opt(
                &c,
                r#"SELECT u.name FROM sessions s JOIN users u ON u.key = s."user"
                   WHERE s.key = $1 AND s.idle_until > $2 AND s.absolute_until > $2
                       AND NOT u.disabled"#,
                &[&key, &now],
            )
            .await?
            {
                Some(row) => Ok(Some(row.try_get(0)?)),
                None => Ok(None),
            }
        };
        done("reading a session", result.await)
    }

    /// See [`super::Store::touch_session`].
    pub async fn touch_session(
        &self,
        key: &str,
        idle_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let idle_until = pg_time(idle_until)?;
        let result = async {
            let c = self.client().await?;
            let changed = exec(
                &c,
                "UPDATE sessions SET idle_until = LEAST($2, absolute_until) WHERE key = $1",
                &[&key, &idle_until],
            )
            .await?;
            Ok(changed > 0)
        };
        done("keeping a session", result.await)
    }

    /// See [`super::Store::sign_out`].
    pub async fn sign_out(
        &self,
        key: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            if exec(&tx, "DELETE FROM sessions WHERE key = $1", &[&key]).await? == 0 {
                return Ok(false);
            }
            audit(&tx, &now, Some(user), "sign_out", None).await?;
            tx.commit().await?;
            Ok(true)
        };
        done("signing out", result.await)
    }

    /// See [`super::Store::sign_in_failed`].
    pub async fn sign_in_failed(
        &self,
        attempted_name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (name, now) = (attempted_name_cut(attempted_name), pg_time(now)?);
        let result = async {
            let c = self.client().await?;
            audit(&c, &now, Some(&name), "sign_in_failed", None).await
        };
        done("recording a failed sign-in", result.await)
    }

    /// See [`super::Store::failed_sign_ins_since`].
    pub async fn failed_sign_ins_since(
        &self,
        attempted_name: &str,
        since: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let key = name_key(&attempted_name_cut(attempted_name));
        let since = pg_time(since)?;
        let result = async {
            let c = self.client().await?;
            // The names are compared here rather than in SQL, as in SQLite; the rows are the
            // period's failures, which the partial index finds.
            let rows = query(
                &c,
                r#"SELECT "user" FROM audit WHERE action = 'sign_in_failed' AND at >= $1"#,
                &[&since],
            )
            .await?;
            let mut count: u32 = 0;
            for row in &rows {
                let user: Option<String> = row.try_get(0)?;
                if user.is_some_and(|user| name_key(&user) == key) {
                    count = count.saturating_add(1);
                }
            }
            Ok(count)
        };
        done("counting failed sign-ins", result.await)
    }

    /// See [`super::Store::purge_sessions`].
    pub async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let c = self.client().await?;
            // idle_until <= absolute_until (a CHECK of the table): a session has ended
            // exactly when its idle deadline has passed.
            exec(&c, "DELETE FROM sessions WHERE idle_until <= $1", &[&now]).await
        };
        done("removing ended sessions", result.await)
    }

    /// See [`super::Store::inbox`].
    pub async fn inbox(
        &self,
        user: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<InboxRow>, StoreError> {
        let now = pg_time(now)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let result = async {
            let mut c = self.client().await?;
            // One snapshot for both parts: a check-in whose outcome is recorded meanwhile is
            // listed once, in one part or the other.
            let tx = c
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .start()
                .await?;
            let mut rows = Vec::new();
            for row in query(&tx, INBOX_OPEN, &[&limit]).await? {
                rows.push(inbox_row_from(&row)?);
            }
            let room = limit - i64::try_from(rows.len()).unwrap_or(i64::MAX);
            if room > 0 {
                for row in query(&tx, INBOX_DONE, &[&room]).await? {
                    rows.push(inbox_row_from(&row)?);
                }
            }
            audit(&tx, &now, Some(user), "view_inbox", None).await?;
            tx.commit().await?;
            Ok(rows)
        };
        done("reading the inbox", result.await)
    }

    /// See [`super::Store::view_checkin`].
    pub async fn view_checkin(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredCheckin>, StoreError> {
        self.read_audited(id, user, now, "view", "showing a check-in")
            .await
    }

    /// See [`super::Store::export_checkin`].
    pub async fn export_checkin(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredCheckin>, StoreError> {
        self.read_audited(id, user, now, "export", "exporting a check-in")
            .await
    }

    /// A check-in read with an audit row of `action` when found, in one transaction.
    async fn read_audited(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
        action: &'static str,
        doing: &'static str,
    ) -> Result<Option<StoredCheckin>, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            let found = read_checkin(&tx, id).await?;
            if found.is_some() {
                audit(&tx, &now, Some(user), action, Some(id)).await?;
                tx.commit().await?;
            }
            Ok(found)
        };
        done(doing, result.await)
    }

    /// See [`super::Store::claim`].
    pub async fn claim(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimResult, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            lock_open(&tx, id).await?;
            // One conditional statement: of two claims, the second waits for the first's
            // row, then inserts nothing.
            let claimed = query_opt(
                &tx,
                r#"INSERT INTO claims (checkin, "user", at)
                   SELECT id, $2, $3 FROM checkins WHERE id = $1
                   ON CONFLICT (checkin) DO NOTHING
                   RETURNING checkin"#,
                &[&id, &user, &now],
            )
            .await?;
            if claimed.is_none() {
                return Ok(match read_claim(&tx, id).await? {
                    Some(claim) => ClaimResult::AlreadyClaimed(claim),
                    None => ClaimResult::NotFound,
                });
            }
            exec(
                &tx,
                "UPDATE open_checkins SET claimed = TRUE WHERE checkin = $1",
                &[&id],
            )
            .await?;
            audit(&tx, &now, Some(user), "claim", Some(id)).await?;
            tx.commit().await?;
            Ok(ClaimResult::Claimed)
        };
        done("claiming a check-in", result.await)
    }

    /// See [`super::Store::claim_next`].
    pub async fn claim_next(
        &self,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            // The choice is locked until the claim commits; other callers pass over it to
            // the next one.
            let Some(row) = query_opt(&tx, NEXT_UNCLAIMED, &[]).await? else {
                return Ok(None);
            };
            let id: String = row.try_get(0)?;
            // The primary key refuses a second claim, should the two tables ever disagree.
            exec(
                &tx,
                r#"INSERT INTO claims (checkin, "user", at) VALUES ($1, $2, $3)"#,
                &[&id, &user, &now],
            )
            .await?;
            exec(
                &tx,
                "UPDATE open_checkins SET claimed = TRUE WHERE checkin = $1",
                &[&id],
            )
            .await?;
            audit(&tx, &now, Some(user), "claim", Some(&id)).await?;
            tx.commit().await?;
            Ok(Some(id))
        };
        done("claiming the next check-in", result.await)
    }

    /// See [`super::Store::record_outcome`].
    pub async fn record_outcome(
        &self,
        id: &str,
        user: &str,
        outcome: CallbackOutcome,
        now: DateTime<Utc>,
    ) -> Result<OutcomeResult, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            lock_open(&tx, id).await?;
            let Some(row) = query_opt(
                &tx,
                r#"SELECT l."user", l.at FROM checkins c
                   LEFT JOIN claims l ON l.checkin = c.id
                   WHERE c.id = $1"#,
                &[&id],
            )
            .await?
            else {
                return Ok(OutcomeResult::NotFound);
            };
            let claim = claim_at(&row, 0)?;
            let claimed_by_user = claim
                .as_ref()
                .is_some_and(|claim| name_key(&claim.user) == name_key(user));
            if !claimed_by_user {
                return Ok(OutcomeResult::NotClaimedByYou(claim));
            }
            exec(
                &tx,
                r#"INSERT INTO outcomes (checkin, "user", at, reached, disposition_after, note)
                   VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (checkin) DO UPDATE SET
                       "user" = excluded."user",
                       at = excluded.at,
                       reached = excluded.reached,
                       disposition_after = excluded.disposition_after,
                       note = excluded.note"#,
                &[
                    &id,
                    &user,
                    &now,
                    &outcome.reached,
                    &outcome.disposition_after,
                    &outcome.note,
                ],
            )
            .await?;
            exec(&tx, "DELETE FROM open_checkins WHERE checkin = $1", &[&id]).await?;
            audit(&tx, &now, Some(user), "outcome", Some(id)).await?;
            tx.commit().await?;
            Ok(OutcomeResult::Recorded)
        };
        done("recording an outcome", result.await)
    }

    /// See [`super::Store::erase_checkin`].
    pub async fn erase_checkin(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = pg_time(now)?;
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            lock_open(&tx, id).await?;
            // Its claim, outcome and open_checkins row go with it (ON DELETE CASCADE).
            if exec(&tx, "DELETE FROM checkins WHERE id = $1", &[&id]).await? == 0 {
                return Ok(false);
            }
            audit(&tx, &now, Some(user), "erase", Some(id)).await?;
            tx.commit().await?;
            Ok(true)
        };
        done("erasing a check-in", result.await)
    }

    /// See [`super::Store::purge_checkins`].
    pub async fn purge_checkins(
        &self,
        sent_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let (before, now) = (pg_time(sent_before)?, pg_time(now)?);
        let result = async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            // Their open rows first, in one order, as every other change of a check-in.
            query(
                &tx,
                "SELECT 1 FROM open_checkins WHERE sent_at < $1 ORDER BY checkin FOR UPDATE",
                &[&before],
            )
            .await?;
            // The rows deleted are the rows audited, whatever is sent meanwhile: one
            // statement. Their claims, outcomes and open_checkins rows go with them (ON
            // DELETE CASCADE).
            let removed = exec(
                &tx,
                r#"WITH gone AS (
                       DELETE FROM checkins WHERE sent_at < $1 RETURNING id, sent_at
                   )
                   INSERT INTO audit (at, "user", action, checkin)
                   SELECT $2, 'retention', 'erase', id FROM gone ORDER BY sent_at, id"#,
                &[&before, &now],
            )
            .await?;
            tx.commit().await?;
            Ok(removed)
        };
        done("removing old check-ins", result.await)
    }

    /// See [`super::Store::raw_execute`].
    #[cfg(test)]
    pub(crate) async fn raw_execute(&self, sql: &str) -> Result<u64, StoreError> {
        let result = async {
            let c = self.client().await?;
            Ok(c.execute(sql, &[]).await?)
        };
        done("running a test's statement", result.await)
    }

    /// See [`super::Store::raw_number`].
    #[cfg(test)]
    pub(crate) async fn raw_number(&self, sql: &str) -> Result<i64, StoreError> {
        let result = async {
            let c = self.client().await?;
            Ok(c.query_one(sql, &[]).await?.try_get(0)?)
        };
        done("running a test's query", result.await)
    }
}

/// The newest schema version this build knows.
fn newest_known() -> i64 {
    MIGRATIONS.iter().map(|&(v, _, _)| v).max().unwrap_or(0)
}

/// Applies the migrations the database has not had, each in its own transaction with its
/// row, under the migration lock; refuses a database made by a newer aftercare, whose schema
/// this build could damage.
async fn migrate(client: &mut Object, shown: &str) -> Result<(), StoreError> {
    let failed = |doing: String, e: tokio_postgres::Error| StoreError::Connect {
        store: shown.to_owned(),
        reason: format!("{doing}: {}", pg_reason(&e)),
    };
    let known = newest_known();
    for &(version, name, sql) in MIGRATIONS {
        let doing = || format!("applying migration {version} ({name})");
        let tx = client.transaction().await.map_err(|e| failed(doing(), e))?;
        // Held to the end of this transaction: a second replica waits here, then finds the
        // migration applied. The table is made under the lock too, since two `CREATE TABLE
        // IF NOT EXISTS` at once can both try to make it.
        tx.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({MIGRATION_LOCK}); {SCHEMA_MIGRATIONS}"
        ))
        .await
        .map_err(|e| failed("recording the schema version".into(), e))?;
        let row = tx
            .query_one(
                "SELECT max(version), coalesce(bool_or(version = $1), FALSE)
                 FROM schema_migrations",
                &[&version],
            )
            .await
            .map_err(|e| failed("reading the schema version".into(), e))?;
        let newest: Option<i64> = row
            .try_get(0)
            .map_err(|e| failed("reading the schema version".into(), e))?;
        let applied: bool = row
            .try_get(1)
            .map_err(|e| failed("reading the schema version".into(), e))?;
        if let Some(found) = newest.filter(|&found| found > known) {
            return Err(StoreError::NewerDatabase {
                store: shown.to_owned(),
                found,
                known,
            });
        }
        if applied {
            tx.commit().await.map_err(|e| failed(doing(), e))?;
            continue;
        }
        tx.batch_execute(sql)
            .await
            .map_err(|e| failed(doing(), e))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())",
            &[&version, &name],
        )
        .await
        .map_err(|e| failed(doing(), e))?;
        tx.commit().await.map_err(|e| failed(doing(), e))?;
    }
    Ok(())
}

/// For tests: a database of their own on the server that `AFTERCARE_TEST_POSTGRES` names
/// (`tests/postgres/start.sh` starts one), made for each test and dropped after it.
#[cfg(test)]
pub(crate) mod testing {
    use std::str::FromStr;

    /// The variable that names the test server, as `postgres://USER:PASSWORD@HOST:PORT/DB`;
    /// the role needs CREATEDB.
    pub(crate) const VARIABLE: &str = "AFTERCARE_TEST_POSTGRES";

    /// The server's URL, if the variable names one.
    pub(crate) fn server_url() -> Option<String> {
        std::env::var(VARIABLE).ok().filter(|url| !url.is_empty())
    }

    /// Whether the tests on PostgreSQL can run; when not, says why on standard error (a
    /// test that passes without running is not to be taken for one that ran).
    pub(crate) fn available() -> bool {
        if server_url().is_some() {
            return true;
        }
        eprintln!(
            "skipped: {VARIABLE} is not set (eval \"$(bash tests/postgres/start.sh)\" sets it)"
        );
        false
    }

    /// Whether the environment says this is CI, where no test may be skipped.
    pub(crate) fn in_ci() -> bool {
        std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
    }

    /// `url` with its database replaced by `name`.
    pub(crate) fn with_database(url: &str, name: &str) -> String {
        let (base, query) = match url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (url, String::new()),
        };
        let after_scheme = base.find("://").map_or(0, |at| at + 3);
        let base = match base[after_scheme..].find('/') {
            Some(slash) => &base[..after_scheme + slash],
            None => base,
        };
        format!("{base}/{name}{query}")
    }

    /// Runs `sql` on the server's own database (the variable's), on a connection of its
    /// own, from any thread: a runtime of its own on a thread of its own, so that it works
    /// in a `Drop` too.
    pub(crate) fn on_server(sql: String) {
        let url = server_url().expect("the server is named");
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let config = tokio_postgres::Config::from_str(&url).unwrap();
                let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
                let connection = tokio::spawn(connection);
                client.batch_execute(&sql).await.unwrap();
                drop(client);
                let _ = connection.await;
            });
        })
        .join()
        .expect("the statement ran on the test server");
    }

    /// A new, empty database on the test server, dropped (its connections ended) when this
    /// is dropped.
    pub(crate) struct TestDatabase {
        name: String,
        /// Its URL, with the server's user and password.
        pub(crate) url: String,
    }

    impl TestDatabase {
        pub(crate) fn create() -> TestDatabase {
            let url = server_url().expect("the server is named");
            let name = format!("aftercare_test_{}", crate::store::random_id().unwrap());
            on_server(format!("CREATE DATABASE {name}"));
            TestDatabase {
                url: with_database(&url, &name),
                name,
            }
        }
    }

    impl Drop for TestDatabase {
        fn drop(&mut self) {
            on_server(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The store conformance suite, on a new PostgreSQL database for each check; each passes at
/// once, saying so, when no server is named.
#[cfg(test)]
mod conformance {
    use super::testing::{available, TestDatabase};
    use crate::store::{Store, StoreSpec};

    async fn open() -> (Store, TestDatabase) {
        let db = TestDatabase::create();
        let store = Store::connect(&StoreSpec::Postgres(db.url.clone()))
            .await
            .unwrap();
        (store, db)
    }

    crate::store::suite::conformance_tests!(open, if available);
}

#[cfg(test)]
mod tests {
    use super::testing::{available, in_ci, server_url, with_database, TestDatabase, VARIABLE};
    use super::*;
    use crate::store::{Store, StoreSpec};
    use chrono::TimeZone;

    async fn open(db: &TestDatabase) -> Result<Store, StoreError> {
        Store::connect(&StoreSpec::Postgres(db.url.clone())).await
    }

    /// A connection of its own to `db`, beside the store's pool.
    async fn raw(db: &TestDatabase) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&db.url, NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    async fn migrations_recorded(db: &TestDatabase) -> Vec<(i64, String)> {
        raw(db)
            .await
            .query(
                "SELECT version, name FROM schema_migrations ORDER BY version",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect()
    }

    fn a_checkin(sent_at: DateTime<Utc>) -> NewCheckin {
        NewCheckin {
            answers: "{}".into(),
            result: "{}".into(),
            disposition: "see_today".into(),
            urgency: 3,
            rule_set_name: "default".into(),
            rule_set_version: "2025-01".into(),
            patient_name: "Ana Pérez".into(),
            phone: "+34 600 000 000".into(),
            consent_to_call: true,
            started_at: sent_at - chrono::Duration::minutes(10),
            sent_at,
        }
    }

    #[test]
    fn ci_runs_the_postgres_tests_rather_than_skip_them() {
        assert!(
            !in_ci() || server_url().is_some(),
            "CI is set but {VARIABLE} is not: the PostgreSQL store's tests would pass without \
             running; start a server first (eval \"$(bash tests/postgres/start.sh)\")"
        );
    }

    #[test]
    fn the_migrations_have_sqlites_numbers_and_names() {
        let names = |list: &[(i64, &'static str, &str)]| -> Vec<(i64, &'static str)> {
            list.iter().map(|&(v, n, _)| (v, n)).collect()
        };
        assert_eq!(names(MIGRATIONS), names(crate::store::sqlite::MIGRATIONS));
        let expected: Vec<i64> = (1..=MIGRATIONS.len() as i64).collect();
        let versions: Vec<i64> = MIGRATIONS.iter().map(|&(v, _, _)| v).collect();
        assert_eq!(versions, expected);
        assert_eq!(newest_known(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_test_database_url_keeps_everything_but_the_database() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5/aftercare", "t1"),
            "postgres://u:p@127.0.0.1:5/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?connect_timeout=3", "t2"),
            "postgres://u@h/t2?connect_timeout=3"
        );
    }

    #[tokio::test]
    async fn an_unreachable_server_is_said_in_one_line_without_the_password() {
        // Port 1 of the loopback: nothing listens there.
        let url = "postgres://clinic:hunter2-secret@127.0.0.1:1/aftercare?connect_timeout=5";
        let spec = StoreSpec::parse(url).unwrap();
        let err = Store::connect(&spec).await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, StoreError::Connect { .. }), "{text}");
        assert!(
            text.starts_with("cannot open the store postgres://clinic@127.0.0.1:1/aftercare: "),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains('\n'), "{text}");
        // Nor does the synchronous open, which cannot open it, show it.
        let err = Store::open(&spec).unwrap_err().to_string();
        assert!(
            err.contains("Store::connect") && !err.contains("hunter2"),
            "{err}"
        );
        assert!(!format!("{spec}").contains("hunter2"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_new_database_gets_every_migration_once_however_many_replicas_start() {
        if !available() {
            return;
        }
        let db = TestDatabase::create();
        // Four replicas starting at once on an empty database.
        let opened = futures_join_all((0..4).map(|_| open(&db))).await;
        for store in &opened {
            store.as_ref().unwrap().ping().await.unwrap();
        }
        let all = vec![(1, "initial".to_string()), (2, "inbox".to_string())];
        assert_eq!(migrations_recorded(&db).await, all);
        let client = raw(&db).await;
        for table in [
            "drafts",
            "checkins",
            "audit",
            "users",
            "sessions",
            "claims",
            "outcomes",
            "open_checkins",
        ] {
            let n: i64 = client
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .await
                .unwrap()
                .get(0);
            assert_eq!(n, 0, "{table}");
        }
        drop(opened);
        // Opened again: nothing applied again.
        for _ in 0..2 {
            open(&db).await.unwrap();
        }
        assert_eq!(migrations_recorded(&db).await, all);
    }

    /// Runs the futures at once on the runtime, and waits for them all, in order.
    async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
    where
        F: std::future::Future,
    {
        let futures: Vec<_> = futures.map(Box::pin).collect();
        let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
        let mut futures: Vec<_> = futures.into_iter().map(Some).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (slot, output) in futures.iter_mut().zip(outputs.iter_mut()) {
                if let Some(future) = slot {
                    match future.as_mut().poll(cx) {
                        std::task::Poll::Ready(out) => {
                            *output = Some(out);
                            *slot = None;
                        }
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        outputs.into_iter().map(Option::unwrap).collect()
    }

    #[tokio::test]
    async fn a_database_made_by_a_newer_aftercare_is_refused_and_left_alone() {
        if !available() {
            return;
        }
        let db = TestDatabase::create();
        drop(open(&db).await.unwrap());
        let future = newest_known() + 1;
        raw(&db)
            .await
            .execute(
                "INSERT INTO schema_migrations VALUES ($1, 'from the future', now())",
                &[&future],
            )
            .await
            .unwrap();
        let err = open(&db).await.unwrap_err();
        match &err {
            StoreError::NewerDatabase { found, known, .. } => {
                assert_eq!((*found, *known), (future, newest_known()));
            }
            other => panic!("not refused as newer: {other}"),
        }
        let text = err.to_string();
        assert!(text.contains("made by a newer aftercare"), "{text}");
        assert!(text.starts_with("postgres://"), "{text}");
        // The test server's password is not shown.
        let config = tokio_postgres::Config::from_str(&db.url).unwrap();
        if let Some(password) = config.get_password() {
            assert!(
                !text.contains(&*String::from_utf8_lossy(password)),
                "{text}"
            );
        }
        assert_eq!(migrations_recorded(&db).await.len() as i64, future);
    }

    #[tokio::test]
    async fn the_audit_trail_refuses_update_delete_and_truncate_even_of_no_row() {
        if !available() {
            return;
        }
        let db = TestDatabase::create();
        let store = open(&db).await.unwrap();
        let client = raw(&db).await;
        // An empty trail too: the trigger is on the statement, not on the rows.
        for statement in [
            "DELETE FROM audit",
            "TRUNCATE audit",
            "UPDATE audit SET action = 'x'",
        ] {
            let err = client.batch_execute(statement).await.unwrap_err();
            let reason = pg_reason(&err);
            assert_eq!(reason, "the audit trail is append-only", "{statement}");
        }
        let id = store
            .send_checkin("none", a_checkin(Utc::now()))
            .await
            .unwrap();
        for statement in [
            "TRUNCATE audit".to_string(),
            "TRUNCATE audit CASCADE".to_string(),
            format!("DELETE FROM audit WHERE checkin = '{id}'"),
            r#"UPDATE audit SET "user" = 'someone'"#.to_string(),
        ] {
            let err = store.raw_execute(&statement).await.unwrap_err();
            assert!(
                err.to_string().contains("the audit trail is append-only"),
                "{statement}: {err}"
            );
        }
        assert_eq!(store.audit_entries(None, None).await.unwrap().len(), 1);
        // No role is given the rights by default.
        let granted: i64 = client
            .query_one(
                "SELECT count(*) FROM information_schema.role_table_grants
                 WHERE table_name = 'audit' AND grantee = 'PUBLIC'
                     AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(granted, 0);
    }

    #[tokio::test]
    async fn times_are_kept_to_the_microsecond_as_sqlite_keeps_them() {
        if !available() {
            return;
        }
        let db = TestDatabase::create();
        let store = open(&db).await.unwrap();
        let sqlite_dir = tempfile::tempdir().unwrap();
        let sqlite = Store::open(&StoreSpec::Sqlite(sqlite_dir.path().join("a.sqlite3"))).unwrap();
        // Nanoseconds are dropped the same way by both, before and after 2000 (PostgreSQL's
        // own epoch), and the years 0000 and 9999 are kept.
        for sent_at in [
            Utc.with_ymd_and_hms(2025, 3, 1, 9, 31, 7).unwrap()
                + chrono::Duration::nanoseconds(123_456_789),
            Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap()
                + chrono::Duration::nanoseconds(999_999_999),
            Utc.with_ymd_and_hms(0, 1, 1, 1, 0, 0).unwrap() + chrono::Duration::nanoseconds(1),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()
                + chrono::Duration::nanoseconds(999_999_999),
        ] {
            let in_pg = store.send_checkin("d", a_checkin(sent_at)).await.unwrap();
            let in_sqlite = sqlite.send_checkin("d", a_checkin(sent_at)).await.unwrap();
            let pg = store.checkin(&in_pg).await.unwrap().unwrap();
            let lite = sqlite.checkin(&in_sqlite).await.unwrap().unwrap();
            assert_eq!(pg.sent_at, lite.sent_at, "{sent_at}");
            assert_eq!(pg.sent_at, sent_at.trunc_subsecs(6), "{sent_at}");
            assert_eq!(pg.started_at, lite.started_at, "{sent_at}");
        }
        let now = Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap();
        let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        let err = store.save_draft("d", "x", now, far).await.unwrap_err();
        assert!(matches!(err, StoreError::TimeOutOfRange(_)), "{err}");
        assert_eq!(store.draft("d", now).await.unwrap(), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_inbox_and_the_next_claim_are_served_by_indexes_among_100000_checkins() {
        if !available() {
            return;
        }
        let db = TestDatabase::create();
        let store = open(&db).await.unwrap();
        let client = raw(&db).await;
        // As in SQLite's test: every check-in but the last 50 is claimed and has its
        // outcome; of those 50, 30 are claimed.
        let n = 100_000;
        client
            .batch_execute(&format!(
                "INSERT INTO checkins
                 SELECT lpad(to_hex(i), 32, '0'), '{{}}', '{{}}', 'd', i % 7, 'p', 'v', 'name',
                     'phone', TRUE, '2025-01-01T00:00:00Z',
                     timestamptz '2025-01-01T00:00:00Z' + i * interval '1 minute'
                 FROM generate_series(1, {n}) AS i;
                 INSERT INTO claims SELECT id, 'nurse', sent_at FROM checkins
                     WHERE id <= lpad(to_hex({done}), 32, '0') OR id > lpad(to_hex({unclaimed}), 32, '0');
                 INSERT INTO outcomes SELECT id, 'nurse', sent_at, TRUE, 'd', '' FROM checkins
                     WHERE id <= lpad(to_hex({done}), 32, '0');
                 INSERT INTO open_checkins SELECT id, urgency, sent_at,
                         id > lpad(to_hex({unclaimed}), 32, '0')
                     FROM checkins WHERE id > lpad(to_hex({done}), 32, '0');
                 ANALYZE;",
                done = n - 50,
                unclaimed = n - 30,
            ))
            .await
            .unwrap();
        // Reading a few hundred rows, not the 100,000: the plan's own count of the rows
        // each step read (EXPLAIN ANALYZE), at most `most` in any step.
        let most = 2_000;
        for (sql, limit) in [
            (INBOX_OPEN, Some(500i64)),
            (INBOX_DONE, Some(450)),
            (NEXT_UNCLAIMED, None),
        ] {
            let explain = format!("EXPLAIN (ANALYZE, TIMING OFF) {sql}");
            let rows = match limit {
                Some(limit) => client.query(&explain, &[&limit]).await.unwrap(),
                None => client.query(&explain, &[]).await.unwrap(),
            };
            let plan: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
            let read = plan.iter().map(|line| rows_read(line)).max().unwrap_or(0);
            let plan = plan.join("\n");
            assert!(read <= most, "{read} rows read by a step of\n{sql}\n{plan}");
        }
        let listed = store.inbox("alice", Utc::now(), 100).await.unwrap();
        assert_eq!(listed.len(), 100);
        assert_eq!(listed.iter().filter(|r| !r.outcome_recorded).count(), 50);
        let mut claimed = 0;
        while store
            .claim_next("alice", Utc::now())
            .await
            .unwrap()
            .is_some()
        {
            claimed += 1;
        }
        assert_eq!(claimed, 20);
    }

    /// The rows a step of an EXPLAIN ANALYZE plan gave, times its loops: from "(actual
    /// rows=40 loops=1)".
    fn rows_read(line: &str) -> u64 {
        let Some(at) = line.find("(actual ") else {
            return 0;
        };
        let number = |name: &str| -> u64 {
            line[at..]
                .split_once(name)
                .and_then(|(_, rest)| rest.split([' ', ')']).next())
                .and_then(|n| n.parse::<f64>().ok())
                .map_or(0, |n| n as u64)
        };
        number("rows=") * number("loops=").max(1)
    }
}
