//! The SQLite store: one file, one connection shared behind a mutex. A clinic's check-ins
//! are a few a minute at most; one connection keeps every write in order without a pool,
//! and WAL lets a backup or `sqlite3` read the file while the service writes.
//!
//! Times are kept as RFC 3339 UTC text of one fixed width, `2025-03-01T09:30:00.000000Z`
//! ([`TIME_FORMAT`]): comparing the text compares the times, so `expires_at <= now` and an
//! index on `sent_at` need no conversion, and the file stays readable with any tool. Six
//! digits of the second, since PostgreSQL keeps microseconds: a later move between the two
//! changes no time. Finer parts are dropped.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Datelike, Timelike, Utc};
use rusqlite::types::Type;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior};

use super::{
    attempted_name_cut, name_key, random_id, AuditEntry, CallbackOutcome, Claim, ClaimResult,
    InboxRow, NewCheckin, OutcomeResult, RecordedOutcome, StoreError, StoredCheckin, User,
};

/// The schema's migrations, oldest first: (version, name, SQL). Each is applied once, in its
/// own transaction with its row in `schema_migrations`. A change of the schema is a new
/// entry here and a new file; an applied one is never edited, since clinics' files hold it.
/// PostgreSQL's have the same numbers and names (see [`super::postgres`]).
pub(super) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("migrations/sqlite/0001_initial.sql"),
    ),
    (2, "inbox", include_str!("migrations/sqlite/0002_inbox.sql")),
];

/// How long a statement waits for another connection's write (a backup, a second process)
/// before it fails: long enough for any write of this store, short enough for a page.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How times are written: fixed width, so that text order is time order (see the module
/// comment). Only years 0000 to 9999 fit the width; others are refused.
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// Where the record of applied migrations is kept; made before the first migration, which it
/// records.
const SCHEMA_MIGRATIONS: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// An open SQLite store. Cheap to clone: the connections are shared.
#[derive(Clone)]
pub struct SqliteStore {
    path: Arc<Path>,
    conn: Arc<Mutex<Connection>>,
    /// A second, read-only connection for the drafts every page reads ([`Self::draft`]);
    /// only when the file is in WAL mode, where a read never waits for the writer's commit.
    reader: Option<Arc<Mutex<Connection>>>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Why a piece of blocking work failed: a statement, said with what the store was doing when
/// the work is run, or an error already whole.
enum Fail {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Fail {
        Fail::Sql(e)
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Fail {
        Fail::Store(e)
    }
}

impl SqliteStore {
    /// Opens the file at `path`, creating it (mode 0600 on Unix: it holds names and phone
    /// numbers) with its schema on first use, and applies pending migrations.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let failed = |reason: String| StoreError::Open {
            path: path.to_path_buf(),
            reason,
        };
        create_private(path).map_err(|e| failed(crate::io_reason(&e)))?;
        // No SQLITE_OPEN_URI: a file whose name begins with `file:` is a file.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|e| failed(e.to_string()))?;
        let wal = configure(&conn).map_err(|e| failed(e.to_string()))?;
        migrate(&mut conn, path)?;
        let reader = if wal {
            Some(Arc::new(Mutex::new(
                open_reader(path).map_err(|e| failed(e.to_string()))?,
            )))
        } else {
            None
        };
        Ok(SqliteStore {
            path: Arc::from(path),
            conn: Arc::new(Mutex::new(conn)),
            reader,
        })
    }

    /// Runs `work` on the connection in a blocking thread: SQLite waits on the disk (and on
    /// the busy timeout), which must not stall the server's other requests.
    async fn run<T, F>(&self, doing: &'static str, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Fail> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let task = tokio::task::spawn_blocking(move || {
            // A panic while the lock was held leaves the mutex poisoned; an open transaction
            // was rolled back as it unwound, but the store says so rather than go on.
            let mut conn = conn.lock().map_err(|_| StoreError::Poisoned)?;
            work(&mut conn).map_err(|fail| match fail {
                Fail::Sql(e) => StoreError::Query {
                    doing,
                    reason: e.to_string(),
                },
                Fail::Store(e) => e,
            })
        });
        task.await.map_err(|e| StoreError::Task {
            doing,
            reason: e.to_string(),
        })?
    }

    /// Reads from the file (not a constant), so that a store whose file went bad fails it.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.run("checking that it answers", |conn| {
            conn.query_row("SELECT max(version) FROM schema_migrations", [], |row| {
                row.get::<_, Option<i64>>(0)
            })?;
            Ok(())
        })
        .await
    }

    /// See [`super::Store::save_draft`].
    pub async fn save_draft(
        &self,
        id: &str,
        data: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (id, data) = (id.to_owned(), data.to_owned());
        let (now, expires_at) = (time_text(now)?, time_text(expires_at)?);
        self.run("saving a draft", move |conn| {
            // On a replace the right-hand sides read the row as it was: an expired draft is
            // gone as far as `draft` is concerned, so its replacement starts afresh.
            conn.execute(
                "INSERT INTO drafts (id, data, created_at, updated_at, expires_at)
                 VALUES (?1, ?2, ?3, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET
                     data = excluded.data,
                     created_at = CASE WHEN drafts.expires_at <= excluded.updated_at
                                       THEN excluded.created_at
                                       ELSE drafts.created_at END,
                     updated_at = excluded.updated_at,
                     expires_at = excluded.expires_at",
                params![id, data, now, expires_at],
            )?;
            Ok(())
        })
        .await
    }

    /// See [`super::Store::draft`].
    pub async fn draft(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        let (id, now) = (id.to_owned(), time_text(now)?);
        if let Some(reader) = &self.reader {
            // Every page reads its draft. In WAL mode that read never waits for the writer
            // (a check-in's commit waits for the disk), so it is done here, on the request's
            // own thread, without a hop to the blocking pool and back.
            let conn = reader.lock().map_err(|_| StoreError::Poisoned)?;
            return read_draft(&conn, &id, &now).map_err(|e| StoreError::Query {
                doing: "reading a draft",
                reason: e.to_string(),
            });
        }
        self.run("reading a draft", move |conn| {
            Ok(read_draft(conn, &id, &now)?)
        })
        .await
    }

    /// See [`super::Store::delete_draft`].
    pub async fn delete_draft(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.run("deleting a draft", move |conn| {
            conn.execute("DELETE FROM drafts WHERE id = ?1", [id])?;
            Ok(())
        })
        .await
    }

    /// See [`super::Store::purge_drafts`].
    pub async fn purge_drafts(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let now = time_text(now)?;
        self.run("removing expired drafts", move |conn| {
            let removed = conn.execute("DELETE FROM drafts WHERE expires_at <= ?1", [now])?;
            Ok(u64::try_from(removed).unwrap_or(u64::MAX))
        })
        .await
    }

    /// See [`super::Store::send_checkin`].
    pub async fn send_checkin(
        &self,
        draft_id: &str,
        checkin: NewCheckin,
    ) -> Result<String, StoreError> {
        let draft_id = draft_id.to_owned();
        let started_at = time_text(checkin.started_at)?;
        let sent_at = time_text(checkin.sent_at)?;
        let id = random_id()?;
        self.run("saving a sent check-in", move |conn| {
            // IMMEDIATE takes the write lock at BEGIN, where the busy timeout applies; a
            // deferred transaction that must upgrade from reading to writing fails at once
            // when another connection writes.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO checkins (id, answers, result, disposition, urgency,
                     rule_set_name, rule_set_version, patient_name, phone, consent_to_call,
                     started_at, sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    id,
                    checkin.answers,
                    checkin.result,
                    checkin.disposition,
                    checkin.urgency,
                    checkin.rule_set_name,
                    checkin.rule_set_version,
                    checkin.patient_name,
                    checkin.phone,
                    checkin.consent_to_call,
                    started_at,
                    sent_at,
                ],
            )?;
            // Open and unclaimed: the inbox's work, until its outcome is recorded.
            tx.execute(
                "INSERT INTO open_checkins (checkin, urgency, sent_at, claimed)
                 VALUES (?1, ?2, ?3, 0)",
                params![id, checkin.urgency, sent_at],
            )?;
            audit(&tx, &sent_at, None, "sent", Some(&id))?;
            tx.execute("DELETE FROM drafts WHERE id = ?1", [draft_id])?;
            // With synchronous=FULL the commit returns once the WAL is on disk: "sent" is
            // only said of a check-in that survives a power cut.
            tx.commit()?;
            Ok(id)
        })
        .await
    }

    /// See [`super::Store::checkin`].
    pub async fn checkin(&self, id: &str) -> Result<Option<StoredCheckin>, StoreError> {
        let id = id.to_owned();
        self.run("reading a check-in", move |conn| {
            Ok(read_checkin(conn, &id)?)
        })
        .await
    }

    /// See [`super::Store::audit_entries`].
    pub async fn audit_entries(
        &self,
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let since = since.map(time_text).transpose()?;
        let until = until.map(time_text).transpose()?;
        self.run("reading the audit trail", move |conn| {
            let mut sql = String::from("SELECT at, user, action, checkin FROM audit WHERE 1 = 1");
            let mut bounds = Vec::new();
            if let Some(since) = since {
                bounds.push(since);
                sql.push_str(&format!(" AND at >= ?{}", bounds.len()));
            }
            if let Some(until) = until {
                bounds.push(until);
                sql.push_str(&format!(" AND at < ?{}", bounds.len()));
            }
            sql.push_str(" ORDER BY seq");
            let mut statement = conn.prepare(&sql)?;
            let rows = statement.query_map(rusqlite::params_from_iter(bounds), |row| {
                Ok(AuditEntry {
                    at: time_at(row, 0)?,
                    user: row.get(1)?,
                    action: row.get(2)?,
                    checkin: row.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// See [`super::Store::add_user`].
    pub async fn add_user(
        &self,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (name, password_hash, now) =
            (name.to_owned(), password_hash.to_owned(), time_text(now)?);
        self.run("adding a user", move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let added = tx.execute(
                "INSERT INTO users (key, name, password_hash, disabled, created_at)
                 VALUES (?1, ?2, ?3, 0, ?4)
                 ON CONFLICT (key) DO NOTHING",
                params![name_key(&name), name, password_hash, now],
            )?;
            if added == 0 {
                return Err(StoreError::Exists {
                    what: "user",
                    id: name,
                }
                .into());
            }
            audit(&tx, &now, Some(&name), "add_user", None)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// See [`super::Store::user`].
    pub async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let key = name_key(name);
        self.run("reading a user", move |conn| {
            Ok(conn
                .query_row(
                    "SELECT name, password_hash, disabled, created_at FROM users WHERE key = ?1",
                    [key],
                    user_from,
                )
                .optional()?)
        })
        .await
    }

    /// See [`super::Store::users`].
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.run("reading the users", |conn| {
            // SQLite compares text byte by byte, as Rust does.
            let mut statement = conn.prepare(
                "SELECT name, password_hash, disabled, created_at FROM users ORDER BY key",
            )?;
            let rows = statement.query_map([], user_from)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// See [`super::Store::disable_user`].
    pub async fn disable_user(&self, name: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let (key, now) = (name_key(name), time_text(now)?);
        self.run("disabling a user", move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let name: Option<String> = tx
                .query_row("SELECT name FROM users WHERE key = ?1", [&key], |row| {
                    row.get(0)
                })
                .optional()?;
            let Some(name) = name else {
                return Ok(false);
            };
            tx.execute("UPDATE users SET disabled = 1 WHERE key = ?1", [&key])?;
            tx.execute("DELETE FROM sessions WHERE user = ?1", [&key])?;
            audit(&tx, &now, Some(&name), "disable_user", None)?;
            tx.commit()?;
            Ok(true)
        })
        .await
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
        let (key, user) = (key.to_owned(), user.to_owned());
        let idle_until = time_text(idle_until.min(absolute_until))?;
        let (now, absolute_until) = (time_text(now)?, time_text(absolute_until)?);
        self.run("signing in", move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let user_key = name_key(&user);
            let name: Option<String> = tx
                .query_row(
                    "SELECT name FROM users WHERE key = ?1 AND disabled = 0",
                    [&user_key],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(name) = name else {
                return Err(StoreError::NotFound {
                    what: "enabled user",
                    id: user,
                }
                .into());
            };
            let added = tx.execute(
                "INSERT INTO sessions (key, user, created_at, idle_until, absolute_until)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (key) DO NOTHING",
                params![key, user_key, now, idle_until, absolute_until],
            )?;
            if added == 0 {
                return Err(StoreError::Exists {
                    what: "session",
                    id: key,
                }
                .into());
            }
            audit(&tx, &now, Some(&name), "sign_in", None)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// See [`super::Store::session`].
    pub async fn session(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let (key, now) = (key.to_owned(), time_text(now)?);
        self.run("reading a session", move |conn| {
            Ok(conn
                .query_row(
                    "SELECT u.name FROM sessions s JOIN users u ON u.key = s.user
                     WHERE s.key = ?1 AND s.idle_until > ?2 AND s.absolute_until > ?2
                         AND u.disabled = 0",
                    params![key, now],
                    |row| row.get(0),
                )
                .optional()?)
        })
        .await
    }

    /// See [`super::Store::touch_session`].
    pub async fn touch_session(
        &self,
        key: &str,
        idle_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (key, idle_until) = (key.to_owned(), time_text(idle_until)?);
        self.run("keeping a session", move |conn| {
            let changed = conn.execute(
                "UPDATE sessions
                 SET idle_until = CASE WHEN ?2 < absolute_until THEN ?2 ELSE absolute_until END
                 WHERE key = ?1",
                params![key, idle_until],
            )?;
            Ok(changed > 0)
        })
        .await
    }

    /// See [`super::Store::sign_out`].
    pub async fn sign_out(
        &self,
        key: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (key, user, now) = (key.to_owned(), user.to_owned(), time_text(now)?);
        self.run("signing out", move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if tx.execute("DELETE FROM sessions WHERE key = ?1", [&key])? == 0 {
                return Ok(false);
            }
            audit(&tx, &now, Some(&user), "sign_out", None)?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    /// See [`super::Store::sign_in_failed`].
    pub async fn sign_in_failed(
        &self,
        attempted_name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (name, now) = (attempted_name_cut(attempted_name), time_text(now)?);
        self.run("recording a failed sign-in", move |conn| {
            audit(conn, &now, Some(&name), "sign_in_failed", None)?;
            Ok(())
        })
        .await
    }

    /// See [`super::Store::failed_sign_ins_since`].
    pub async fn failed_sign_ins_since(
        &self,
        attempted_name: &str,
        since: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let (key, since) = (
            name_key(&attempted_name_cut(attempted_name)),
            time_text(since)?,
        );
        self.run("counting failed sign-ins", move |conn| {
            // The names are compared here rather than in SQL, whose lower() folds only ASCII;
            // the rows are the period's failures, which the partial index finds.
            let mut statement = conn
                .prepare("SELECT user FROM audit WHERE action = 'sign_in_failed' AND at >= ?1")?;
            let mut rows = statement.query([since])?;
            let mut count: u32 = 0;
            while let Some(row) = rows.next()? {
                let user: Option<String> = row.get(0)?;
                if user.is_some_and(|user| name_key(&user) == key) {
                    count = count.saturating_add(1);
                }
            }
            Ok(count)
        })
        .await
    }

    /// See [`super::Store::purge_sessions`].
    pub async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let now = time_text(now)?;
        self.run("removing ended sessions", move |conn| {
            // idle_until <= absolute_until (a CHECK of the table): a session has ended exactly
            // when its idle deadline has passed.
            let removed = conn.execute("DELETE FROM sessions WHERE idle_until <= ?1", [now])?;
            Ok(u64::try_from(removed).unwrap_or(u64::MAX))
        })
        .await
    }

    /// See [`super::Store::inbox`].
    pub async fn inbox(
        &self,
        user: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<InboxRow>, StoreError> {
        let (user, now) = (user.to_owned(), time_text(now)?);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run("reading the inbox", move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // The open check-ins, from their own table in its index's order; then, if there
            // is room, those with an outcome, from the check-ins' index, passing over the
            // open ones (fewer than `limit`, or the first part would have filled the list).
            let mut rows = Vec::new();
            {
                let mut open = tx.prepare(INBOX_OPEN)?;
                for row in open.query_map([limit], inbox_row_from)? {
                    rows.push(row?);
                }
            }
            let room = limit - i64::try_from(rows.len()).unwrap_or(i64::MAX);
            if room > 0 {
                let mut done = tx.prepare(INBOX_DONE)?;
                for row in done.query_map([room], inbox_row_from)? {
                    rows.push(row?);
                }
            }
            audit(&tx, &now, Some(&user), "view_inbox", None)?;
            tx.commit()?;
            Ok(rows)
        })
        .await
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
        let (id, user, now) = (id.to_owned(), user.to_owned(), time_text(now)?);
        self.run(doing, move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found = read_checkin(&tx, &id)?;
            if found.is_some() {
                audit(&tx, &now, Some(&user), action, Some(&id))?;
                tx.commit()?;
            }
            Ok(found)
        })
        .await
    }

    /// See [`super::Store::claim`].
    pub async fn claim(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimResult, StoreError> {
        let (id, user, now) = (id.to_owned(), user.to_owned(), time_text(now)?);
        self.run("claiming a check-in", move |conn| {
            // One conditional statement, under the write lock IMMEDIATE takes at BEGIN: of two
            // claims, the second finds the first's row and inserts nothing.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let claimed = tx.execute(
                "INSERT INTO claims (checkin, user, at)
                 SELECT id, ?2, ?3 FROM checkins WHERE id = ?1
                 ON CONFLICT (checkin) DO NOTHING",
                params![id, user, now],
            )?;
            if claimed == 0 {
                return Ok(match read_claim(&tx, &id)? {
                    Some(claim) => ClaimResult::AlreadyClaimed(claim),
                    None => ClaimResult::NotFound,
                });
            }
            tx.execute(
                "UPDATE open_checkins SET claimed = 1 WHERE checkin = ?1",
                [&id],
            )?;
            audit(&tx, &now, Some(&user), "claim", Some(&id))?;
            tx.commit()?;
            Ok(ClaimResult::Claimed)
        })
        .await
    }

    /// See [`super::Store::claim_next`].
    pub async fn claim_next(
        &self,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let (user, now) = (user.to_owned(), time_text(now)?);
        self.run("claiming the next check-in", move |conn| {
            // The choice and the claim under one write lock: no other claim comes between.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let next: Option<String> = tx
                .query_row(NEXT_UNCLAIMED, [], |row| row.get(0))
                .optional()?;
            let Some(id) = next else {
                return Ok(None);
            };
            // The primary key refuses a second claim, should the two tables ever disagree.
            tx.execute(
                "INSERT INTO claims (checkin, user, at) VALUES (?1, ?2, ?3)",
                params![id, user, now],
            )?;
            tx.execute(
                "UPDATE open_checkins SET claimed = 1 WHERE checkin = ?1",
                [&id],
            )?;
            audit(&tx, &now, Some(&user), "claim", Some(&id))?;
            tx.commit()?;
            Ok(Some(id))
        })
        .await
    }

    /// See [`super::Store::record_outcome`].
    pub async fn record_outcome(
        &self,
        id: &str,
        user: &str,
        outcome: CallbackOutcome,
        now: DateTime<Utc>,
    ) -> Result<OutcomeResult, StoreError> {
        let (id, user, now) = (id.to_owned(), user.to_owned(), time_text(now)?);
        self.run("recording an outcome", move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if !checkin_exists(&tx, &id)? {
                return Ok(OutcomeResult::NotFound);
            }
            let claim = read_claim(&tx, &id)?;
            let claimed_by_user = claim
                .as_ref()
                .is_some_and(|claim| name_key(&claim.user) == name_key(&user));
            if !claimed_by_user {
                return Ok(OutcomeResult::NotClaimedByYou(claim));
            }
            tx.execute(
                "INSERT INTO outcomes (checkin, user, at, reached, disposition_after, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (checkin) DO UPDATE SET
                     user = excluded.user,
                     at = excluded.at,
                     reached = excluded.reached,
                     disposition_after = excluded.disposition_after,
                     note = excluded.note",
                params![
                    id,
                    user,
                    now,
                    outcome.reached,
                    outcome.disposition_after,
                    outcome.note
                ],
            )?;
            tx.execute("DELETE FROM open_checkins WHERE checkin = ?1", [&id])?;
            audit(&tx, &now, Some(&user), "outcome", Some(&id))?;
            tx.commit()?;
            Ok(OutcomeResult::Recorded)
        })
        .await
    }

    /// See [`super::Store::erase_checkin`].
    pub async fn erase_checkin(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (id, user, now) = (id.to_owned(), user.to_owned(), time_text(now)?);
        self.run("erasing a check-in", move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Its claim, outcome and open_checkins row go with it (ON DELETE CASCADE).
            if tx.execute("DELETE FROM checkins WHERE id = ?1", [&id])? == 0 {
                return Ok(false);
            }
            audit(&tx, &now, Some(&user), "erase", Some(&id))?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    /// See [`super::Store::purge_checkins`].
    pub async fn purge_checkins(
        &self,
        sent_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let (before, now) = (time_text(sent_before)?, time_text(now)?);
        self.run("removing old check-ins", move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let audited = tx.execute(
                "INSERT INTO audit (at, user, action, checkin)
                 SELECT ?2, 'retention', 'erase', id FROM checkins WHERE sent_at < ?1
                 ORDER BY sent_at, id",
                params![before, now],
            )?;
            // Their claims, outcomes and open_checkins rows go with them (ON DELETE CASCADE).
            let removed = tx.execute("DELETE FROM checkins WHERE sent_at < ?1", [&before])?;
            debug_assert_eq!(audited, removed);
            tx.commit()?;
            Ok(u64::try_from(removed).unwrap_or(u64::MAX))
        })
        .await
    }

    /// See [`super::Store::raw_execute`].
    #[cfg(test)]
    pub(crate) async fn raw_execute(&self, sql: &str) -> Result<u64, StoreError> {
        let sql = sql.to_owned();
        self.run("running a test's statement", move |conn| {
            Ok(u64::try_from(conn.execute(&sql, [])?).unwrap_or(u64::MAX))
        })
        .await
    }

    /// See [`super::Store::raw_number`].
    #[cfg(test)]
    pub(crate) async fn raw_number(&self, sql: &str) -> Result<i64, StoreError> {
        let sql = sql.to_owned();
        self.run("running a test's query", move |conn| {
            Ok(conn.query_row(&sql, [], |row| row.get(0))?)
        })
        .await
    }
}

/// The inbox's open check-ins, up to `?1`, in the order of their table's index: the rows
/// [`inbox_row_from`] reads (`c` the check-in, `l` its claim).
const INBOX_OPEN: &str = "SELECT c.id, c.disposition, c.urgency, c.patient_name, c.sent_at,
        l.user, l.at, EXISTS (SELECT 1 FROM outcomes o WHERE o.checkin = c.id)
    FROM open_checkins q
    JOIN checkins c ON c.id = q.checkin
    LEFT JOIN claims l ON l.checkin = q.checkin
    ORDER BY q.urgency DESC, q.sent_at, q.checkin
    LIMIT ?1";

/// The inbox's check-ins with an outcome (the others), up to `?1`, in the order of the
/// check-ins' index; the same columns as [`INBOX_OPEN`].
const INBOX_DONE: &str = "SELECT c.id, c.disposition, c.urgency, c.patient_name, c.sent_at,
        l.user, l.at, EXISTS (SELECT 1 FROM outcomes o WHERE o.checkin = c.id)
    FROM checkins c
    LEFT JOIN claims l ON l.checkin = c.id
    WHERE NOT EXISTS (SELECT 1 FROM open_checkins q WHERE q.checkin = c.id)
    ORDER BY c.urgency DESC, c.sent_at, c.id
    LIMIT ?1";

/// The id of the first unclaimed check-in in the inbox's order, from its partial index.
const NEXT_UNCLAIMED: &str = "SELECT checkin FROM open_checkins WHERE claimed = 0
    ORDER BY urgency DESC, sent_at, checkin
    LIMIT 1";

fn inbox_row_from(row: &Row<'_>) -> rusqlite::Result<InboxRow> {
    Ok(InboxRow {
        id: row.get(0)?,
        disposition: row.get(1)?,
        urgency: row.get(2)?,
        patient_name: row.get(3)?,
        sent_at: time_at(row, 4)?,
        claim: claim_at(row, 5)?,
        outcome_recorded: row.get(7)?,
    })
}

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        name: row.get(0)?,
        password_hash: row.get(1)?,
        disabled: row.get(2)?,
        created_at: time_at(row, 3)?,
    })
}

/// A check-in with its claim and outcome, if there is one with that id.
fn read_checkin(conn: &Connection, id: &str) -> rusqlite::Result<Option<StoredCheckin>> {
    conn.query_row(
        "SELECT c.id, c.answers, c.result, c.disposition, c.urgency, c.rule_set_name,
             c.rule_set_version, c.patient_name, c.phone, c.consent_to_call,
             c.started_at, c.sent_at,
             l.user, l.at,
             o.user, o.at, o.reached, o.disposition_after, o.note
         FROM checkins c
         LEFT JOIN claims l ON l.checkin = c.id
         LEFT JOIN outcomes o ON o.checkin = c.id
         WHERE c.id = ?1",
        [id],
        |row| {
            let outcome = match row.get::<_, Option<String>>(14)? {
                None => None,
                Some(user) => Some(RecordedOutcome {
                    user,
                    at: time_at(row, 15)?,
                    outcome: CallbackOutcome {
                        reached: row.get(16)?,
                        disposition_after: row.get(17)?,
                        note: row.get(18)?,
                    },
                }),
            };
            Ok(StoredCheckin {
                id: row.get(0)?,
                answers: row.get(1)?,
                result: row.get(2)?,
                disposition: row.get(3)?,
                urgency: row.get(4)?,
                rule_set_name: row.get(5)?,
                rule_set_version: row.get(6)?,
                patient_name: row.get(7)?,
                phone: row.get(8)?,
                consent_to_call: row.get(9)?,
                started_at: time_at(row, 10)?,
                sent_at: time_at(row, 11)?,
                claim: claim_at(row, 12)?,
                outcome,
            })
        },
    )
    .optional()
}

/// The claim in columns `index` (user) and `index + 1` (at), NULL when there is none.
fn claim_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Claim>> {
    match row.get::<_, Option<String>>(index)? {
        None => Ok(None),
        Some(user) => Ok(Some(Claim {
            user,
            at: time_at(row, index + 1)?,
        })),
    }
}

fn read_claim(conn: &Connection, id: &str) -> rusqlite::Result<Option<Claim>> {
    conn.query_row(
        "SELECT user, at FROM claims WHERE checkin = ?1",
        [id],
        |row| claim_at(row, 0),
    )
    .optional()
    .map(Option::flatten)
}

fn checkin_exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM checkins WHERE id = ?1)",
        [id],
        |row| row.get(0),
    )
}

/// Adds a row to the audit trail: references only, never what a check-in says.
fn audit(
    conn: &Connection,
    at: &str,
    user: Option<&str>,
    action: &str,
    checkin: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit (at, user, action, checkin) VALUES (?1, ?2, ?3, ?4)",
        params![at, user, action, checkin],
    )?;
    Ok(())
}

/// Creates the file with mode 0600 if it is not there, before SQLite would create it with
/// the usual 0644: names and phone numbers are for the service's user only. SQLite gives its
/// `-wal` and `-shm` files the mode of the database.
#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        // An empty file is an empty SQLite database.
        Ok(_) => Ok(()),
        // Made before, or a moment ago by another process: SQLite opens it as it is.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Elsewhere the file's access is the folder's, as SQLite creates it.
#[cfg(not(unix))]
fn create_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The settings every connection needs; SQLite keeps them per connection, not in the file
/// (but for the journal mode).
/// Sets the writer's connection up; says whether the file is in WAL mode.
fn configure(conn: &Connection) -> rusqlite::Result<bool> {
    // First, so that the pragmas below wait for another process rather than fail.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Readers (a backup, an inbox page) do not block the writer, nor it them. A file system
    // without WAL support answers with the mode it kept; the store works in that mode too.
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    // Each commit waits until it is on disk: a sent check-in must not be lost.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Off by default in SQLite; on, so that any reference a later migration adds is kept.
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(mode.eq_ignore_ascii_case("wal"))
}

/// The drafts' reader: read-only, so that no mistake can write through it.
fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(conn)
}

/// A draft's answers, if it has not expired. Expired drafts stay until the purge; they are
/// never handed out meanwhile.
fn read_draft(conn: &Connection, id: &str, now: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT data FROM drafts WHERE id = ?1 AND expires_at > ?2")?
        .query_row(params![id, now], |row| row.get(0))
        .optional()
}

/// The newest schema version this build knows.
fn newest_known() -> i64 {
    MIGRATIONS.iter().map(|&(v, _, _)| v).max().unwrap_or(0)
}

/// Applies the migrations the file has not had, each in its own transaction with its row;
/// refuses a file made by a newer aftercare, whose schema this build could damage.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let failed = |doing: String, e: rusqlite::Error| StoreError::Open {
        path: path.to_path_buf(),
        reason: format!("{doing}: {e}"),
    };
    conn.execute_batch(SCHEMA_MIGRATIONS)
        .map_err(|e| failed("recording the schema version".into(), e))?;
    let known = newest_known();
    for &(version, name, sql) in MIGRATIONS {
        let doing = || format!("applying migration {version} ({name})");
        // IMMEDIATE: two processes opening a new file at once apply each migration once;
        // the second waits, then sees it applied.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| failed(doing(), e))?;
        let (newest, applied): (Option<i64>, bool) = tx
            .query_row(
                "SELECT max(version), coalesce(sum(version = ?1), 0) > 0 FROM schema_migrations",
                [version],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|e| failed("reading the schema version".into(), e))?;
        if let Some(found) = newest.filter(|&found| found > known) {
            return Err(StoreError::Newer {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        if applied {
            continue;
        }
        let applied_at = time_text(Utc::now())?;
        tx.execute_batch(sql).map_err(|e| failed(doing(), e))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![version, name, applied_at],
        )
        .map_err(|e| failed(doing(), e))?;
        tx.commit().map_err(|e| failed(doing(), e))?;
    }
    Ok(())
}

/// A time as the store writes it; see [`TIME_FORMAT`].
///
/// Written digit by digit rather than through `format(TIME_FORMAT)`: every page reads its
/// draft with the time as a bound parameter, and chrono reads its pattern again on each
/// call, about a microsecond a page. A test holds the two equal, as does every call in a
/// debug build.
fn time_text(t: DateTime<Utc>) -> Result<String, StoreError> {
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return Err(StoreError::TimeOutOfRange(t));
    }
    // chrono keeps a leap second as a nanosecond count past one second; `%S` writes it as
    // second 60 and `%.6f` the fraction past it.
    let nanos = t.nanosecond();
    let (second, nanos) = if nanos >= 1_000_000_000 {
        (t.second() + 1, nanos - 1_000_000_000)
    } else {
        (t.second(), nanos)
    };
    let mut text = [0u8; 27];
    let mut put = |at: usize, width: usize, mut value: u32| {
        for place in (at..at + width).rev() {
            text[place] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year as u32);
    put(5, 2, t.month());
    put(8, 2, t.day());
    put(11, 2, t.hour());
    put(14, 2, t.minute());
    put(17, 2, second);
    put(20, 6, nanos / 1_000);
    for (place, mark) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
        (26, b'Z'),
    ] {
        text[place] = mark;
    }
    let text: String = text.iter().copied().map(char::from).collect();
    debug_assert_eq!(text, t.format(TIME_FORMAT).to_string());
    Ok(text)
}

/// The time in column `index` of `row`; a text that is not a time is a conversion error
/// naming the column, as a wrong type would be.
fn time_at(row: &Row<'_>, index: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(index)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreSpec};
    use chrono::TimeZone;

    /// A time to the microsecond, as the store keeps it.
    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, micros: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
            + chrono::Duration::microseconds(i64::from(micros))
    }

    fn open_in(dir: &tempfile::TempDir) -> (SqliteStore, std::path::PathBuf) {
        let path = dir.path().join("aftercare.sqlite3");
        (SqliteStore::open(&path).unwrap(), path)
    }

    /// A direct look at the file, beside the store's own connection.
    fn raw(path: &Path) -> Connection {
        Connection::open(path).unwrap()
    }

    fn migrations_recorded(path: &Path) -> Vec<(i64, String)> {
        let conn = raw(path);
        let mut statement = conn
            .prepare("SELECT version, name FROM schema_migrations ORDER BY version")
            .unwrap();
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    }

    fn count(path: &Path, table: &str) -> i64 {
        raw(path)
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                row.get(0)
            })
            .unwrap()
    }

    fn created_and_updated(store: &SqliteStore, id: &str) -> (String, String) {
        let conn = store.conn.lock().unwrap();
        conn.query_row(
            "SELECT created_at, updated_at FROM drafts WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap()
    }

    fn a_checkin() -> NewCheckin {
        NewCheckin {
            answers: r#"{"symptoms":[{"id":"redness","severity":"mild"}]}"#.into(),
            result: r#"{"disposition":"see_today"}"#.into(),
            disposition: "see_today".into(),
            urgency: 3,
            rule_set_name: "default".into(),
            rule_set_version: "2025-01".into(),
            patient_name: "Ana Pérez".into(),
            phone: "+34 600 000 000".into(),
            consent_to_call: true,
            started_at: at(2025, 3, 1, 9, 20, 0, 125_000),
            sent_at: at(2025, 3, 1, 9, 31, 7, 5),
        }
    }

    #[test]
    fn the_migrations_are_numbered_one_up_in_order() {
        let versions: Vec<i64> = MIGRATIONS.iter().map(|&(v, _, _)| v).collect();
        let expected: Vec<i64> = (1..=MIGRATIONS.len() as i64).collect();
        assert_eq!(versions, expected);
        assert_eq!(newest_known(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_new_file_gets_every_migration_and_a_reopen_applies_none_again() {
        let dir = tempfile::tempdir().unwrap();
        let (store, path) = open_in(&dir);
        let all = vec![(1, "initial".to_string()), (2, "inbox".to_string())];
        assert_eq!(migrations_recorded(&path), all);
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
            assert_eq!(count(&path, table), 0, "{table}");
        }
        drop(store);
        for _ in 0..2 {
            SqliteStore::open(&path).unwrap();
        }
        assert_eq!(migrations_recorded(&path), all);
    }

    #[test]
    fn each_connection_is_set_for_durability_and_wal() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let conn = store.conn.lock().unwrap();
        let pragma = |name: &str| -> String {
            conn.query_row(&format!("PRAGMA {name}"), [], |row| {
                row.get::<_, rusqlite::types::Value>(0)
            })
            .map(|v| match v {
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
            .unwrap()
        };
        assert_eq!(pragma("journal_mode"), "wal");
        assert_eq!(pragma("synchronous"), "2", "FULL");
        assert_eq!(pragma("foreign_keys"), "1");
        assert_eq!(pragma("busy_timeout"), "5000");
    }

    #[test]
    fn a_file_made_by_a_newer_aftercare_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (store, path) = open_in(&dir);
        drop(store);
        let future = newest_known() + 1;
        raw(&path)
            .execute(
                "INSERT INTO schema_migrations VALUES (?1, 'from the future', 'x')",
                [future],
            )
            .unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        match &err {
            StoreError::Newer { found, known, .. } => {
                assert_eq!((*found, *known), (future, newest_known()));
            }
            other => panic!("not refused as newer: {other}"),
        }
        assert!(
            err.to_string().contains("made by a newer aftercare"),
            "{err}"
        );
        assert_eq!(migrations_recorded(&path).len() as i64, future);
    }

    #[test]
    fn a_file_that_is_not_a_database_or_a_missing_folder_is_said_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(
            &path,
            "these are not the check-ins you are looking for\n".repeat(50),
        )
        .unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Open { .. }), "{err}");
        assert!(err.to_string().contains("notes.txt"), "{err}");

        let missing = dir.path().join("no such folder").join("a.sqlite3");
        let err = Store::open(&StoreSpec::Sqlite(missing)).unwrap_err();
        assert!(err.to_string().contains("no such folder"), "{err}");
        assert!(!err.to_string().contains("os error"), "{err}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_file_and_its_wal_are_for_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (store, path) = open_in(&dir);
        let now = at(2025, 3, 1, 9, 0, 0, 0);
        store
            .save_draft("d", "{}", now, now + chrono::Duration::hours(1))
            .await
            .unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        let wal = dir.path().join("aftercare.sqlite3-wal");
        assert!(wal.exists(), "WAL mode writes a -wal file");
        assert_eq!(mode(&wal), 0o600);
    }

    #[tokio::test]
    async fn a_draft_is_read_back_as_saved_and_only_by_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let now = at(2025, 3, 1, 9, 0, 0, 0);
        let later = now + chrono::Duration::hours(12);
        let data = r#"{"page":2,"answers":{"pain":"mild","note":"ça pique"}}"#;
        store.save_draft("d1", data, now, later).await.unwrap();
        assert_eq!(store.draft("d1", now).await.unwrap().as_deref(), Some(data));
        assert_eq!(store.draft("d2", now).await.unwrap(), None);
        store.delete_draft("d1").await.unwrap();
        assert_eq!(store.draft("d1", now).await.unwrap(), None);
        // Deleting what is not there is no error.
        store.delete_draft("d1").await.unwrap();
    }

    #[tokio::test]
    async fn a_replaced_draft_keeps_when_it_was_begun() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let t0 = at(2025, 3, 1, 9, 0, 0, 0);
        let t1 = at(2025, 3, 1, 9, 5, 30, 250);
        let ttl = chrono::Duration::hours(12);
        store.save_draft("d", "first", t0, t0 + ttl).await.unwrap();
        store.save_draft("d", "second", t1, t1 + ttl).await.unwrap();
        assert_eq!(
            store.draft("d", t1).await.unwrap().as_deref(),
            Some("second")
        );
        assert_eq!(
            created_and_updated(&store, "d"),
            (
                "2025-03-01T09:00:00.000000Z".to_string(),
                "2025-03-01T09:05:30.000250Z".to_string()
            )
        );
        // Saved again after it expired: a new draft under the same id, begun now.
        let t2 = t1 + ttl + chrono::Duration::minutes(1);
        store.save_draft("d", "third", t2, t2 + ttl).await.unwrap();
        assert_eq!(created_and_updated(&store, "d").0, time_text(t2).unwrap());
    }

    #[tokio::test]
    async fn an_expired_draft_is_not_handed_out() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let now = at(2025, 3, 1, 9, 0, 0, 0);
        let expires = now + chrono::Duration::minutes(30);
        store.save_draft("d", "x", now, expires).await.unwrap();
        let just_before = expires - chrono::Duration::microseconds(1);
        assert!(store.draft("d", just_before).await.unwrap().is_some());
        assert_eq!(store.draft("d", expires).await.unwrap(), None);
        assert_eq!(
            store
                .draft("d", expires + chrono::Duration::days(1))
                .await
                .unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn the_purge_removes_the_expired_drafts_and_counts_them() {
        let dir = tempfile::tempdir().unwrap();
        let (store, path) = open_in(&dir);
        let now = at(2025, 3, 1, 12, 0, 0, 0);
        let hour = chrono::Duration::hours(1);
        store
            .save_draft("old", "a", now - hour * 3, now - hour)
            .await
            .unwrap();
        store
            .save_draft("edge", "b", now - hour * 2, now)
            .await
            .unwrap();
        store
            .save_draft("live", "c", now - hour, now + hour)
            .await
            .unwrap();
        assert_eq!(store.purge_drafts(now).await.unwrap(), 2);
        assert_eq!(store.purge_drafts(now).await.unwrap(), 0);
        assert_eq!(count(&path, "drafts"), 1);
        assert_eq!(
            store.draft("live", now).await.unwrap().as_deref(),
            Some("c")
        );
    }

    #[tokio::test]
    async fn a_sent_checkin_is_kept_with_its_audit_row_and_its_draft_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aftercare.sqlite3");
        let spec = StoreSpec::Sqlite(path.clone());
        let store = Store::open(&spec).unwrap();
        let checkin = a_checkin();
        let started = checkin.started_at;
        store
            .save_draft(
                "draft-1",
                "{}",
                started,
                started + chrono::Duration::hours(12),
            )
            .await
            .unwrap();
        store
            .save_draft(
                "draft-2",
                "{}",
                started,
                started + chrono::Duration::hours(12),
            )
            .await
            .unwrap();
        let id = store
            .send_checkin("draft-1", checkin.clone())
            .await
            .unwrap();
        assert_eq!(id.len(), 32, "{id}");
        assert_eq!(store.draft("draft-1", started).await.unwrap(), None);
        assert!(store.draft("draft-2", started).await.unwrap().is_some());

        let expected = StoredCheckin {
            id: id.clone(),
            answers: checkin.answers,
            result: checkin.result,
            disposition: checkin.disposition,
            urgency: checkin.urgency,
            rule_set_name: checkin.rule_set_name,
            rule_set_version: checkin.rule_set_version,
            patient_name: checkin.patient_name,
            phone: checkin.phone,
            consent_to_call: checkin.consent_to_call,
            started_at: checkin.started_at,
            sent_at: checkin.sent_at,
            claim: None,
            outcome: None,
        };
        let audit = vec![AuditEntry {
            at: checkin.sent_at,
            user: None,
            action: "sent".into(),
            checkin: Some(id.clone()),
        }];
        assert_eq!(store.checkin(&id).await.unwrap(), Some(expected.clone()));
        assert_eq!(store.audit_entries(None, None).await.unwrap(), audit);
        assert_eq!(store.checkin("0123").await.unwrap(), None);

        // Committed: another process sees it, and so does the store opened again.
        assert_eq!(count(&path, "checkins"), 1);
        drop(store);
        let store = Store::open(&spec).unwrap();
        assert_eq!(store.checkin(&id).await.unwrap(), Some(expected));
        assert_eq!(store.audit_entries(None, None).await.unwrap(), audit);
        store.ping().await.unwrap();
    }

    #[tokio::test]
    async fn a_checkin_whose_audit_row_fails_is_not_kept_and_its_draft_stays() {
        let dir = tempfile::tempdir().unwrap();
        let (store, path) = open_in(&dir);
        let checkin = a_checkin();
        let started = checkin.started_at;
        store
            .save_draft(
                "draft-1",
                "{}",
                started,
                started + chrono::Duration::hours(12),
            )
            .await
            .unwrap();
        // The audit row is the third statement of the four; make it fail.
        raw(&path)
            .execute_batch(
                "CREATE TRIGGER audit_refused BEFORE INSERT ON audit
                 BEGIN SELECT RAISE(ABORT, 'no audit today'); END;",
            )
            .unwrap();
        let err = store.send_checkin("draft-1", checkin).await.unwrap_err();
        assert!(matches!(err, StoreError::Query { .. }), "{err}");
        assert!(err.to_string().contains("no audit today"), "{err}");
        assert_eq!(count(&path, "checkins"), 0);
        assert_eq!(count(&path, "audit"), 0);
        assert!(store.draft("draft-1", started).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn the_audit_trail_cannot_be_changed_or_cut() {
        let dir = tempfile::tempdir().unwrap();
        let (store, path) = open_in(&dir);
        let id = store.send_checkin("none", a_checkin()).await.unwrap();
        let conn = raw(&path);
        for statement in [
            "UPDATE audit SET action = 'viewed'",
            "UPDATE audit SET user = 'someone' WHERE seq = 1",
            "DELETE FROM audit",
            "DELETE FROM audit WHERE seq = 1",
        ] {
            let err = conn.execute(statement, []).unwrap_err();
            assert!(
                err.to_string().contains("the audit trail is append-only"),
                "{statement}: {err}"
            );
        }
        let entries = store.audit_entries(None, None).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].action, "sent");
        assert_eq!(entries[0].user, None);
        assert_eq!(entries[0].checkin.as_deref(), Some(id.as_str()));
    }

    #[tokio::test]
    async fn audit_entries_come_in_the_order_they_were_written() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let mut ids = Vec::new();
        // Sent "earlier" later: the order is the writing, not the times given.
        for minutes in [30, 10, 20] {
            let mut checkin = a_checkin();
            checkin.sent_at = at(2025, 3, 1, 10, minutes, 0, 0);
            ids.push(store.send_checkin("none", checkin).await.unwrap());
        }
        let listed: Vec<String> = store
            .audit_entries(None, None)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|e| e.checkin)
            .collect();
        assert_eq!(listed, ids);
    }

    /// The steps of SQLite's query plan for `sql`, as EXPLAIN QUERY PLAN writes them.
    fn plan(conn: &Connection, sql: &str) -> Vec<String> {
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        // Parameters left unbound are NULL: the plan does not depend on their values.
        let mut rows = statement.raw_query();
        let mut steps = Vec::new();
        while let Some(row) = rows.next().unwrap() {
            steps.push(row.get::<_, String>(3).unwrap());
        }
        steps
    }

    /// Fails unless `sql` is read through `index`, and in its order (no sort of its own).
    fn assert_served_by(conn: &Connection, sql: &str, index: &str) {
        let plan = plan(conn, sql);
        assert!(
            plan.iter().any(|step| step.contains(index)),
            "{index} not used: {plan:?}\n{sql}"
        );
        assert!(
            !plan.iter().any(|step| step.contains("TEMP B-TREE")),
            "sorted apart from the index: {plan:?}\n{sql}"
        );
    }

    #[tokio::test]
    async fn every_query_that_grows_with_the_store_is_served_by_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let conn = store.conn.lock().unwrap();
        assert_served_by(&conn, INBOX_OPEN, "open_checkins_inbox");
        assert_served_by(&conn, INBOX_DONE, "checkins_inbox");
        assert_served_by(&conn, NEXT_UNCLAIMED, "open_checkins_unclaimed");
        // As purge_checkins, purge_sessions, disable_user, failed_sign_ins_since and
        // audit_entries find their rows.
        assert_served_by(
            &conn,
            "SELECT id FROM checkins WHERE sent_at < ?1 ORDER BY sent_at, id",
            "checkins_sent_at",
        );
        assert_served_by(
            &conn,
            "DELETE FROM checkins WHERE sent_at < ?1",
            "checkins_sent_at",
        );
        assert_served_by(
            &conn,
            "DELETE FROM sessions WHERE idle_until <= ?1",
            "sessions_idle_until",
        );
        assert_served_by(
            &conn,
            "DELETE FROM sessions WHERE user = ?1",
            "sessions_user",
        );
        assert_served_by(
            &conn,
            "SELECT user FROM audit WHERE action = 'sign_in_failed' AND at >= ?1",
            "audit_sign_in_failed",
        );
        let plan = plan(
            &conn,
            "SELECT at FROM audit WHERE 1 = 1 AND at >= ?1 AND at < ?2 ORDER BY seq",
        );
        assert!(plan.iter().any(|s| s.contains("audit_at")), "{plan:?}");
    }

    /// How many virtual machine steps SQLite takes to run `sql` with `limit` to the end: a
    /// measure of the rows it reads that does not depend on the machine's speed.
    fn steps(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> (usize, i32) {
        let mut statement = conn.prepare(sql).unwrap();
        let mut rows = statement.query(params).unwrap();
        let mut n = 0;
        while rows.next().unwrap().is_some() {
            n += 1;
        }
        drop(rows);
        (n, statement.get_status(rusqlite::StatementStatus::VmStep))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_inbox_and_the_next_claim_read_few_rows_among_100000_checkins() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let n = 100_000;
        {
            // A year of a busy clinic, nearly all done: every check-in but the last 50 is
            // claimed and has its outcome; of those 50, 30 are claimed. Written directly, as
            // send_checkin, claim and record_outcome would leave them.
            let mut conn = store.conn.lock().unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO checkins
                 SELECT printf('%032x', i), '{}', '{}', 'd', i % 7, 'p', 'v', 'name', 'phone',
                     1, '2025-01-01T00:00:00.000000Z',
                     strftime('%Y-%m-%dT%H:%M:%S.000000Z', '2025-01-01', '+' || i || ' minutes')
                 FROM n",
                [n],
            )
            .unwrap();
            tx.execute_batch(&format!(
                "INSERT INTO claims SELECT id, 'nurse', sent_at FROM checkins
                     WHERE rowid <= {done} OR rowid > {unclaimed};
                 INSERT INTO outcomes SELECT id, 'nurse', sent_at, 1, 'd', '' FROM checkins
                     WHERE rowid <= {done};
                 INSERT INTO open_checkins
                     SELECT id, urgency, sent_at, rowid > {unclaimed} FROM checkins
                     WHERE rowid > {done};",
                done = n - 50,
                unclaimed = n - 30,
            ))
            .unwrap();
            tx.commit().unwrap();

            // Reading a row costs tens of steps; reading every check-in, millions.
            let most = 20_000;
            let (listed, open_steps) = steps(&conn, INBOX_OPEN, [40]);
            assert_eq!(listed, 40);
            assert!(open_steps < most, "{open_steps} steps for the open ones");
            let (listed, open_steps) = steps(&conn, INBOX_OPEN, [100]);
            assert_eq!(listed, 50);
            assert!(
                open_steps < most,
                "{open_steps} steps for all the open ones"
            );
            let (listed, done_steps) = steps(&conn, INBOX_DONE, [50]);
            assert_eq!(listed, 50);
            assert!(done_steps < most, "{done_steps} steps for the done ones");
            let (found, next_steps) = steps(&conn, NEXT_UNCLAIMED, []);
            assert_eq!(found, 1);
            assert!(next_steps < most, "{next_steps} steps for the next claim");
        }

        let started = std::time::Instant::now();
        let listed = store
            .inbox("alice", at(2026, 1, 1, 0, 0, 0, 0), 100)
            .await
            .unwrap();
        assert_eq!(listed.len(), 100);
        assert_eq!(listed.iter().filter(|r| !r.outcome_recorded).count(), 50);
        let mut claimed = 0;
        while store
            .claim_next("alice", at(2026, 1, 1, 0, 0, 0, 0))
            .await
            .unwrap()
            .is_some()
        {
            claimed += 1;
        }
        assert_eq!(claimed, 20);
        eprintln!(
            "the inbox and 21 claims among {n} check-ins: {:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn checkins_sent_before_the_inbox_came_are_open_and_unclaimed_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aftercare.sqlite3");
        {
            // A file as the first version left it, with two check-ins.
            let conn = raw(&path);
            conn.execute_batch(SCHEMA_MIGRATIONS).unwrap();
            conn.execute_batch(MIGRATIONS[0].2).unwrap();
            conn.execute_batch(
                "INSERT INTO schema_migrations VALUES (1, 'initial', '2025-01-01T00:00:00.000000Z');
                 INSERT INTO checkins VALUES ('aa', '{}', '{}', 'd', 1, 'p', 'v', 'n', 'ph', 1,
                     '2025-03-01T09:00:00.000000Z', '2025-03-01T09:05:00.000000Z');
                 INSERT INTO checkins VALUES ('bb', '{}', '{}', 'd', 5, 'p', 'v', 'n', 'ph', 1,
                     '2025-03-01T09:00:00.000000Z', '2025-03-01T09:10:00.000000Z');",
            )
            .unwrap();
        }
        let store = Store::open(&StoreSpec::Sqlite(path.clone())).unwrap();
        assert_eq!(migrations_recorded(&path).len(), 2);
        let now = at(2025, 3, 1, 10, 0, 0, 0);
        let listed: Vec<(String, bool, bool)> = store
            .inbox("alice", now, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.claim.is_some(), r.outcome_recorded))
            .collect();
        assert_eq!(
            listed,
            [("bb".into(), false, false), ("aa".into(), false, false)]
        );
        assert_eq!(
            store.claim_next("alice", now).await.unwrap().as_deref(),
            Some("bb")
        );
    }

    #[test]
    fn stored_times_are_one_width_so_their_text_sorts_as_they_do() {
        let times = [
            at(999, 1, 1, 0, 0, 0, 0),
            at(2025, 3, 1, 9, 5, 0, 0),
            at(2025, 3, 1, 9, 5, 0, 1),
            at(2025, 3, 1, 9, 5, 0, 999_999),
            at(2025, 11, 30, 23, 59, 59, 0),
            at(9999, 12, 31, 23, 59, 59, 999_999),
        ];
        let texts: Vec<String> = times.iter().map(|&t| time_text(t).unwrap()).collect();
        assert_eq!(texts[1], "2025-03-01T09:05:00.000000Z");
        assert_eq!(texts[0], "0999-01-01T00:00:00.000000Z");
        for text in &texts {
            assert_eq!(text.len(), texts[1].len(), "{text}");
        }
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(sorted, texts);
        for (&t, text) in times.iter().zip(&texts) {
            let back = DateTime::parse_from_rfc3339(text).unwrap();
            assert_eq!(back.with_timezone(&Utc), t, "{text}");
        }
    }

    #[test]
    fn stored_times_are_written_as_their_pattern_says() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut times = vec![
            at(0, 1, 1, 0, 0, 0, 0),
            at(9999, 12, 31, 23, 59, 59, 999_999),
            // A leap second, as chrono keeps one: second 59 with a second's nanoseconds more.
            Utc.from_utc_datetime(
                &chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
                    .unwrap()
                    .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
                    .unwrap(),
            ),
        ];
        for _ in 0..10_000 {
            let secs = (next() % 253_402_300_800) as i64 - 62_167_219_200;
            let nanos = (next() % 1_000_000_000) as u32;
            times.push(DateTime::from_timestamp(secs, nanos).unwrap());
        }
        for t in times {
            assert_eq!(
                time_text(t).unwrap(),
                t.format(TIME_FORMAT).to_string(),
                "{t:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_time_past_year_9999_is_refused_not_stored_out_of_order() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let now = at(2025, 3, 1, 9, 0, 0, 0);
        let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        let err = store.save_draft("d", "x", now, far).await.unwrap_err();
        assert!(matches!(err, StoreError::TimeOutOfRange(_)), "{err}");
        assert_eq!(store.draft("d", now).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_poisoned_connection_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let conn = Arc::clone(&store.conn);
        let _ = std::thread::spawn(move || {
            let _held = conn.lock().unwrap();
            panic!("a failure while the connection is held");
        })
        .join();
        let err = store.ping().await.unwrap_err();
        assert!(matches!(err, StoreError::Poisoned), "{err}");
    }

    #[tokio::test]
    async fn a_page_reads_its_draft_while_a_write_is_under_way() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = open_in(&dir);
        let now = Utc::now();
        store
            .save_draft("d", "{\"a\":1}", now, now + chrono::Duration::hours(1))
            .await
            .unwrap();
        assert!(store.reader.is_some(), "the file is in WAL mode");
        // A write holds the writer's connection, inside a transaction that has written but
        // not committed (a check-in waiting for the disk): the page's read neither waits for
        // it nor sees its half.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, wait_started) = std::sync::mpsc::channel::<()>();
        let conn = Arc::clone(&store.conn);
        let writer = std::thread::spawn(move || {
            let mut conn = conn.lock().unwrap();
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            tx.execute("UPDATE drafts SET data = '{\"a\":2}' WHERE id = 'd'", [])
                .unwrap();
            started.send(()).unwrap();
            let _ = held.recv();
        });
        wait_started.recv().unwrap();
        let read = tokio::time::timeout(std::time::Duration::from_secs(2), store.draft("d", now))
            .await
            .expect("the read does not wait for the writer")
            .unwrap();
        assert_eq!(read.as_deref(), Some("{\"a\":1}"));
        release.send(()).unwrap();
        writer.join().unwrap();
    }
}

/// The store conformance suite, on a new SQLite file for each check.
#[cfg(test)]
mod conformance {
    use crate::store::{Store, StoreSpec};

    async fn open() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aftercare.sqlite3");
        (Store::open(&StoreSpec::Sqlite(path)).unwrap(), dir)
    }

    crate::store::suite::conformance_tests!(open);
}
