//! The durable store behind the web check-in: drafts being filled in, sent check-ins, and an
//! append-only audit trail; and behind the clinic inbox: clinic users and their sign-in
//! sessions, claims of check-ins to call back, the outcomes of those calls, erasure and
//! retention. One SQLite file ([`sqlite`]), or a PostgreSQL database that several replicas
//! of the service share ([`postgres`]): [`Store`] is an enum with the same methods over both,
//! so the pages need not know which.
//!
//! A store is opened with [`Store::connect`], which works for both kinds; [`Store::open`], the
//! synchronous form, opens SQLite only.
//!
//! Every method that records something a person did writes its audit row in the same
//! transaction as the change (or, for a look at check-ins, as the read): both or neither.
//! Audit rows hold references only (who, what, which check-in), never what a check-in says.
//! The `suite` module (tests only) checks these semantics against any store.
//!
//! The store keeps JSON text and plain fields. It knows nothing of the questionnaire or the
//! pages: what a check-in means is decided above it, and a change of the pages needs no
//! change of the schema.

pub mod postgres;
pub mod sqlite;
#[cfg(test)]
pub(crate) mod suite;

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// Where check-ins are kept, from `--store`: `sqlite:PATH`, a bare path, or
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`; the default is `aftercare.sqlite3` in the
/// working directory.
///
/// Neither `Display`, which goes into messages, logs and pages, nor `Debug` shows a
/// PostgreSQL URL's password.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// A SQLite file, created with its schema on first use.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its URL as given (`postgres://` or `postgresql://`): its
    /// tables are created on first use. It is reached without TLS (see [`postgres`]).
    Postgres(String),
}

/// What the messages tell a person to write instead of a store this build cannot use.
const STORE_HINT: &str = "use sqlite:PATH or postgres://USER[:PASSWORD]@HOST:PORT/DB";

impl StoreSpec {
    /// Reads a `--store` value: `sqlite:PATH`, a bare path, or a PostgreSQL URL, checked
    /// here (a URL that cannot be read, or that lacks a user, a host or a database, is
    /// refused now rather than at the first check-in). Another URL (`scheme://…`) is refused
    /// by name rather than taken as a strange file name. Messages never repeat a password.
    pub fn parse(text: &str) -> Result<StoreSpec, String> {
        if text.is_empty() {
            return Err(format!("the store is empty; {STORE_HINT}"));
        }
        if let Some((scheme, _)) = text.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            return match scheme.as_str() {
                "postgres" | "postgresql" => Ok(StoreSpec::Postgres(postgres::checked_url(text)?)),
                // sqlite:PATH has no `//`: `sqlite:///var/x` would mean `//var/x` as written
                // here, and `sqlite://x` would mean `//x`; neither is likely what was meant.
                "sqlite" => Err("a sqlite store is written sqlite:PATH, without //".to_string()),
                _ => Err(format!(
                    "stores of kind {scheme}:// are not known; {STORE_HINT}"
                )),
            };
        }
        let path = match text.strip_prefix("sqlite:") {
            Some("") => return Err("sqlite: needs a path; use sqlite:PATH".to_string()),
            Some(path) => path,
            None => text,
        };
        Ok(StoreSpec::Sqlite(PathBuf::from(path)))
    }

    /// `aftercare.sqlite3` in the working directory: a first run needs no setting.
    pub fn default_spec() -> StoreSpec {
        StoreSpec::Sqlite(PathBuf::from("aftercare.sqlite3"))
    }
}

impl fmt::Debug for StoreSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreSpec::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            StoreSpec::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&postgres::shown_url(url))
                .finish(),
        }
    }
}

impl fmt::Display for StoreSpec {
    /// For people and logs: `sqlite:PATH`, which [`StoreSpec::parse`] reads back; or
    /// `postgres://USER@HOST:PORT/DB`, without the password or the URL's other settings
    /// (which may hold a password too).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreSpec::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreSpec::Postgres(url) => f.write_str(&postgres::shown_url(url)),
        }
    }
}

/// What went wrong in the store, in one line a clinic's administrator can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be opened or made ready: a missing folder, no permission, a file
    /// that is not a SQLite database.
    #[error("cannot open the store {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    /// A PostgreSQL store could not be reached or made ready; `store` is its URL as shown,
    /// without the password.
    #[error("cannot open the store {store}: {reason}")]
    Connect { store: String, reason: String },
    /// The database records a schema this build does not know: opening it could damage it.
    #[error(
        "{store} was made by a newer aftercare (database version {found} > known {known}); \
         use that aftercare or another database"
    )]
    NewerDatabase {
        store: String,
        found: i64,
        known: i64,
    },
    /// The file records a schema this build does not know: opening it could damage it.
    #[error(
        "{} was made by a newer aftercare (file version {found} > known {known}); \
         use that aftercare or another file",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// A statement failed; `doing` says what the store was about, as "saving a draft".
    #[error("the store failed while {doing}: {reason}")]
    Query { doing: &'static str, reason: String },
    /// Something asked for by id is not there, for callers that need it to be.
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    /// Something to be added is there already, as a user of that name.
    #[error("there is already a {what} with id {id}")]
    Exists { what: &'static str, id: String },
    /// A time the fixed-width text form cannot hold (see [`sqlite`]); PostgreSQL refuses
    /// the same times, so that a store can move between the two.
    #[error("the time {0} cannot be stored: only years 0000 to 9999 can")]
    TimeOutOfRange(DateTime<Utc>),
    /// The operating system gave no random bytes for an id.
    #[error("cannot get random bytes for an id from the operating system: {0}")]
    Random(String),
    /// An earlier store call panicked while it held the connection.
    #[error("the store's connection was left unusable by an earlier failure; restart the service")]
    Poisoned,
    /// The blocking task doing the work was cancelled or panicked.
    #[error("the store's work did not finish while {doing}: {reason}")]
    Task { doing: &'static str, reason: String },
}

/// A 128-bit random id from the operating system, as 32 lowercase hex characters. Ids are
/// put in links and cookies: they must not be guessable, nor tell how many came before.
pub fn random_id() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// How a person's name is compared: without regard to case, as Rust folds it (SQL's lower()
/// folds only ASCII in SQLite, and by the database's locale in PostgreSQL).
fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// How long a name typed at a failed sign-in is kept, in characters: enough for any real
/// name, not a place to store a pasted page.
const ATTEMPTED_NAME_CHARS: usize = 100;

fn attempted_name_cut(name: &str) -> String {
    name.chars().take(ATTEMPTED_NAME_CHARS).collect()
}

/// A check-in as sent, to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckin {
    /// JSON text of the answers.
    pub answers: String,
    /// JSON text of the result (the assessment).
    pub result: String,
    /// Disposition code, e.g. "see_today".
    pub disposition: String,
    /// Higher is more urgent (0..=6): the inbox sorts on it.
    pub urgency: u8,
    pub rule_set_name: String,
    pub rule_set_version: String,
    pub patient_name: String,
    pub phone: String,
    /// Whether the person agreed to be called back.
    pub consent_to_call: bool,
    /// When the draft began.
    pub started_at: DateTime<Utc>,
    pub sent_at: DateTime<Utc>,
}

/// A stored check-in: its id, every field of [`NewCheckin`], and what the clinic has done with
/// it since. Times come back to the microsecond, the precision the store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckin {
    pub id: String,
    pub answers: String,
    pub result: String,
    pub disposition: String,
    pub urgency: u8,
    pub rule_set_name: String,
    pub rule_set_version: String,
    pub patient_name: String,
    pub phone: String,
    pub consent_to_call: bool,
    pub started_at: DateTime<Utc>,
    pub sent_at: DateTime<Utc>,
    /// Who claimed it to call back, if anyone has.
    pub claim: Option<Claim>,
    /// The outcome of the callback, once recorded (the latest recording).
    pub outcome: Option<RecordedOutcome>,
}

/// A clinic user's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The name as it was given when the account was added; names are unique without regard
    /// to case.
    pub name: String,
    /// The password's hash, in whatever self-describing text form the caller uses.
    pub password_hash: String,
    /// A disabled user cannot sign in, and has no sessions.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// The outcome of a callback, recorded by the nurse who claimed the check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackOutcome {
    /// Whether the person was reached.
    pub reached: bool,
    /// The disposition code the nurse settled on, e.g. "self_care".
    pub disposition_after: String,
    /// Free text for the clinic; health data, so never copied into the audit trail.
    pub note: String,
}

/// Who claimed a check-in, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The user name as the claiming call gave it.
    pub user: String,
    pub at: DateTime<Utc>,
}

/// An outcome as recorded: by whom, when, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedOutcome {
    pub user: String,
    pub at: DateTime<Utc>,
    pub outcome: CallbackOutcome,
}

/// One row of the inbox list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    pub id: String,
    pub disposition: String,
    pub urgency: u8,
    pub patient_name: String,
    pub sent_at: DateTime<Utc>,
    pub claim: Option<Claim>,
    pub outcome_recorded: bool,
}

/// What became of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimResult {
    /// The check-in is now claimed by the caller.
    Claimed,
    /// Someone (perhaps the caller) claimed it before: who, and when.
    AlreadyClaimed(Claim),
    /// There is no check-in with that id.
    NotFound,
}

/// What became of an outcome to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutcomeResult {
    /// Recorded, in place of any earlier outcome.
    Recorded,
    /// The caller did not claim the check-in: the claim there is, if any.
    NotClaimedByYou(Option<Claim>),
    /// There is no check-in with that id.
    NotFound,
}

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who: a clinic user's name; whoever asked for an erasure ("cli:alice"), or "retention";
    /// the name as typed at a failed sign-in; `None` for the person checking in, who has no
    /// account.
    pub user: Option<String>,
    /// What was done: "sent", "add_user", "disable_user", "sign_in", "sign_in_failed",
    /// "sign_out", "view_inbox", "view", "export", "claim", "outcome", "erase".
    pub action: String,
    /// The check-in it was done to, if any.
    pub checkin: Option<String>,
}

/// An open store. Cheap to clone (the connection or the pool is shared behind an `Arc`):
/// each request handler takes its own copy.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PostgresStore),
}

/// The same call on whichever store this is: both have the same methods, and the
/// conformance suite holds them to the same behaviour.
macro_rules! dispatch {
    ($store:expr, $s:ident => $call:expr) => {
        match $store {
            Store::Sqlite($s) => $call,
            Store::Postgres($s) => $call,
        }
    };
}

impl Store {
    /// Opens the store, either kind: creates it with its schema on first use (a SQLite file
    /// with mode 0600 on Unix, since it holds names and phone numbers; PostgreSQL tables in
    /// an existing database), and applies pending migrations. SQLite's file work is done on
    /// a blocking thread; PostgreSQL's migrations are applied once however many replicas
    /// start at the same time.
    pub async fn connect(spec: &StoreSpec) -> Result<Store, StoreError> {
        match spec {
            StoreSpec::Sqlite(path) => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || sqlite::SqliteStore::open(&path))
                    .await
                    .map_err(|e| StoreError::Task {
                        doing: "opening the store",
                        reason: e.to_string(),
                    })?
                    .map(Store::Sqlite)
            }
            StoreSpec::Postgres(url) => postgres::PostgresStore::connect(url)
                .await
                .map(Store::Postgres),
        }
    }

    /// Opens a SQLite store as [`Store::connect`] does, on the calling thread, outside any
    /// async runtime. A PostgreSQL store cannot be opened this way (its migrations are
    /// async work): it is refused with [`StoreError::Connect`], saying to use `connect`.
    /// For tests, which open a store before any runtime; the server uses `connect`.
    #[cfg(test)]
    pub fn open(spec: &StoreSpec) -> Result<Store, StoreError> {
        match spec {
            StoreSpec::Sqlite(path) => sqlite::SqliteStore::open(path).map(Store::Sqlite),
            StoreSpec::Postgres(_) => Err(StoreError::Connect {
                store: spec.to_string(),
                reason: "a PostgreSQL store is opened with Store::connect, not Store::open"
                    .to_string(),
            }),
        }
    }

    /// A trivial query, for `/readyz`: the store answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, s => s.ping().await)
    }

    /// Saves a draft, in place of any with the same id. An existing draft keeps its
    /// `created_at` (one that has expired counts as gone, and starts again).
    pub async fn save_draft(
        &self,
        id: &str,
        data: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.save_draft(id, data, now, expires_at).await)
    }

    /// The data of a draft; `None` when it is missing or has expired (`expires_at <= now`).
    pub async fn draft(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        dispatch!(self, s => s.draft(id, now).await)
    }

    /// Deletes a draft; deleting one that is not there is not an error.
    pub async fn delete_draft(&self, id: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.delete_draft(id).await)
    }

    /// Deletes the drafts expired at `now`, and says how many.
    pub async fn purge_drafts(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        dispatch!(self, s => s.purge_drafts(now).await)
    }

    /// Stores a sent check-in durably (committed, synchronous=FULL) with an audit row
    /// (action "sent", user NULL, checkin = the new id) in ONE transaction, and deletes the
    /// draft `draft_id` in the same transaction. Returns the new check-in id (random_id()).
    /// The new check-in is unclaimed and has no outcome: it is in the inbox's first group.
    ///
    /// The draft need not exist: one that expired while the last page was open must not lose
    /// the check-in. The audit row's time is `sent_at`.
    pub async fn send_checkin(
        &self,
        draft_id: &str,
        checkin: NewCheckin,
    ) -> Result<String, StoreError> {
        dispatch!(self, s => s.send_checkin(draft_id, checkin).await)
    }

    /// A stored check-in by id, with its claim and outcome; `None` if there is none. Not
    /// audited: for the service's own use. A person's look at a check-in goes through
    /// [`Store::view_checkin`] or [`Store::export_checkin`].
    pub async fn checkin(&self, id: &str) -> Result<Option<StoredCheckin>, StoreError> {
        dispatch!(self, s => s.checkin(id).await)
    }

    /// The audit trail's rows with `since <= at < until` (either bound left out when `None`),
    /// in the order they were written: not necessarily the order of their times, since a
    /// sent check-in's row carries its `sent_at`.
    pub async fn audit_entries(
        &self,
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        dispatch!(self, s => s.audit_entries(since, until).await)
    }

    // Accounts. A name is compared without regard to case: the store keeps a key, the name
    // lower-cased by Rust's `str::to_lowercase`, beside the name as given. A name is not
    // trimmed or otherwise changed; that is the caller's to decide.

    /// Adds an enabled user, with an audit row (action "add_user", user = `name`, checkin
    /// NULL, at `now`) in the same transaction. A name taken already, in any case, is
    /// [`StoreError::Exists`] (`what` = "user", `id` = `name`), and nothing is written.
    pub async fn add_user(
        &self,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.add_user(name, password_hash, now).await)
    }

    /// The user whose name is `name` without regard to case, disabled or not.
    pub async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        dispatch!(self, s => s.user(name).await)
    }

    /// Every user, disabled ones too, ordered by their lower-cased names (compared byte by
    /// byte, as Rust compares strings).
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        dispatch!(self, s => s.users().await)
    }

    /// Disables the user `name` (without regard to case) and deletes all their sessions,
    /// with an audit row (action "disable_user", user = the account's name as stored,
    /// checkin NULL, at `now`), all in one transaction. `false`, with nothing written, when
    /// there is no such user; a user disabled already is disabled again, and audited again.
    pub async fn disable_user(&self, name: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        dispatch!(self, s => s.disable_user(name, now).await)
    }

    // Sessions. The store keeps them server-side under a key the caller makes (a SHA-256
    // hex of the cookie); it never sees the cookie. A session has ended at `now` when
    // `now >= idle_until` or `now >= absolute_until`; `idle_until` is never kept past
    // `absolute_until`.

    /// Creates the session `key` for the enabled user `user` (without regard to case), with
    /// an audit row (action "sign_in", user = the account's name as stored, checkin NULL, at
    /// `now`) in the same transaction. An `idle_until` later than `absolute_until` is kept
    /// as `absolute_until`. A user who is missing or disabled is [`StoreError::NotFound`]
    /// (`what` = "enabled user"); a key in use already is [`StoreError::Exists`] (`what` =
    /// "session"); in both cases nothing is written. The caller checks the password.
    pub async fn sign_in(
        &self,
        key: &str,
        user: &str,
        now: DateTime<Utc>,
        idle_until: DateTime<Utc>,
        absolute_until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.sign_in(key, user, now, idle_until, absolute_until).await)
    }

    /// The name (as stored) of the user signed in with session `key`; `None` when there is
    /// no such session, when it has ended at `now` (see above), or when its user is
    /// disabled. Not audited, and changes nothing.
    pub async fn session(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        dispatch!(self, s => s.session(key, now).await)
    }

    /// Sets session `key`'s idle deadline to `idle_until`, or to its absolute deadline if
    /// that comes first; `false` when there is no session with that key. It does not check
    /// whether the session has ended: call it only for a key [`Store::session`] has just
    /// answered, or it would bring back a session that ended but was not yet purged.
    pub async fn touch_session(
        &self,
        key: &str,
        idle_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.touch_session(key, idle_until).await)
    }

    /// Deletes session `key`, with an audit row (action "sign_out", user = `user`, checkin
    /// NULL, at `now`) in the same transaction; `false`, with nothing written, when there
    /// was no session with that key (an ended one not yet purged is there, and is deleted).
    pub async fn sign_out(
        &self,
        key: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.sign_out(key, user, now).await)
    }

    /// Writes an audit row for a refused sign-in: action "sign_in_failed", user = the name
    /// as typed, cut to its first 100 characters (chars, not bytes), checkin NULL, at `now`.
    pub async fn sign_in_failed(
        &self,
        attempted_name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.sign_in_failed(attempted_name, now).await)
    }

    /// How many "sign_in_failed" rows with `at >= since` name `attempted_name`, comparing
    /// both cut to 100 characters and lower-cased as account names are.
    pub async fn failed_sign_ins_since(
        &self,
        attempted_name: &str,
        since: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        dispatch!(self, s => s.failed_sign_ins_since(attempted_name, since).await)
    }

    /// Deletes the sessions that have ended at `now`, and says how many. Not audited.
    pub async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        dispatch!(self, s => s.purge_sessions(now).await)
    }

    // The inbox. `user` is the name a person acts under, as [`Store::session`] answered it;
    // it is written as given into claims, outcomes and audit rows. The inbox's order, used
    // by `inbox` and `claim_next`: urgency descending, then sent_at ascending, then id
    // ascending (ids are lowercase hex).

    /// Up to `limit` sent check-ins: those without an outcome first, each group in the
    /// inbox's order; with an audit row (action "view_inbox", user = `user`, checkin NULL,
    /// at `now`) written in the same transaction as the read. Reads only the rows it lists
    /// (and, for the second group, the open ones it passes over): it stays fast however many
    /// check-ins there are.
    pub async fn inbox(
        &self,
        user: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<InboxRow>, StoreError> {
        dispatch!(self, s => s.inbox(user, now, limit).await)
    }

    /// A check-in as [`Store::checkin`] reads it, for a person to look at: when found, an
    /// audit row (action "view", user = `user`, checkin = `id`, at `now`) is written in the
    /// same transaction as the read; nothing is written when it is not.
    pub async fn view_checkin(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredCheckin>, StoreError> {
        dispatch!(self, s => s.view_checkin(id, user, now).await)
    }

    /// As [`Store::view_checkin`], for a copy taken out of the service (a download, a
    /// print): the audit row's action is "export".
    pub async fn export_checkin(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredCheckin>, StoreError> {
        dispatch!(self, s => s.export_checkin(id, user, now).await)
    }

    /// Claims check-in `id` for `user` to call back. A check-in is claimed once, ever: a
    /// second claim, by anyone (the same user too), is `AlreadyClaimed` with the first
    /// claim's user and time, even after the outcome is recorded. On `Claimed` an audit row
    /// (action "claim", user = `user`, checkin = `id`, at `now`) is written in the same
    /// transaction; a refused claim writes nothing. Safe with concurrent callers: of two
    /// claims at once, one is `Claimed` and the other `AlreadyClaimed`.
    pub async fn claim(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<ClaimResult, StoreError> {
        dispatch!(self, s => s.claim(id, user, now).await)
    }

    /// Claims for `user` the first unclaimed check-in in the inbox's order (the most urgent,
    /// then the longest waiting), as [`Store::claim`] would, audit row included, and returns
    /// its id; `None`, with nothing written, when every check-in is claimed. Concurrent
    /// callers never get the same check-in.
    pub async fn claim_next(
        &self,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        dispatch!(self, s => s.claim_next(user, now).await)
    }

    /// Records the outcome of the callback on check-in `id`, by `user`, who must be the user
    /// who claimed it (compared without regard to case); recorded again, it replaces the
    /// outcome there was (user, time and all). On `Recorded` an audit row (action "outcome",
    /// user = `user`, checkin = `id`, at `now`) is written in the same transaction, each
    /// time; otherwise nothing is written.
    pub async fn record_outcome(
        &self,
        id: &str,
        user: &str,
        outcome: CallbackOutcome,
        now: DateTime<Utc>,
    ) -> Result<OutcomeResult, StoreError> {
        dispatch!(self, s => s.record_outcome(id, user, outcome, now).await)
    }

    // Erasure and retention: a check-in goes with its claim and outcome. The audit trail
    // keeps its rows about it, which hold its id only.

    /// Deletes check-in `id` with its claim and outcome, at the request of `user` (as
    /// "cli:alice"), with an audit row (action "erase", user = `user`, checkin = `id`, at
    /// `now`) in the same transaction. `false`, with nothing written, when there is no such
    /// check-in.
    pub async fn erase_checkin(
        &self,
        id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.erase_checkin(id, user, now).await)
    }

    /// Retention: deletes every check-in with `sent_at < sent_before`, with its claim and
    /// outcome, and writes one audit row per check-in deleted (action "erase", user
    /// "retention", checkin = its id, at `now`; in order of sent_at, then id), all in one
    /// transaction. Returns how many were deleted.
    pub async fn purge_checkins(
        &self,
        sent_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        dispatch!(self, s => s.purge_checkins(sent_before, now).await)
    }
}

/// For tests only: statements run as written on the store's own database, outside its
/// methods, to show what the database itself refuses or holds.
#[cfg(test)]
impl Store {
    /// Runs one statement; the number of rows it changed.
    pub(crate) async fn raw_execute(&self, sql: &str) -> Result<u64, StoreError> {
        dispatch!(self, s => s.raw_execute(sql).await)
    }

    /// Runs a query whose first row's first column is an integer, as `SELECT count(*) …`.
    pub(crate) async fn raw_number(&self, sql: &str) -> Result<i64, StoreError> {
        dispatch!(self, s => s.raw_number(sql).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_store_is_named_with_or_without_its_prefix() {
        assert_eq!(
            StoreSpec::parse("sqlite:/var/lib/aftercare/a.db"),
            Ok(StoreSpec::Sqlite(PathBuf::from("/var/lib/aftercare/a.db")))
        );
        assert_eq!(
            StoreSpec::parse("sqlite:relative.db"),
            Ok(StoreSpec::Sqlite(PathBuf::from("relative.db")))
        );
        assert_eq!(
            StoreSpec::parse("data/checkins.sqlite3"),
            Ok(StoreSpec::Sqlite(PathBuf::from("data/checkins.sqlite3")))
        );
        assert_eq!(
            StoreSpec::default_spec(),
            StoreSpec::Sqlite(PathBuf::from("aftercare.sqlite3"))
        );
    }

    #[test]
    fn a_store_spec_reads_back_what_it_shows() {
        for text in ["sqlite:/srv/a.sqlite3", "sqlite:a b.db"] {
            let spec = StoreSpec::parse(text).unwrap();
            assert_eq!(spec.to_string(), text);
            assert_eq!(StoreSpec::parse(&spec.to_string()), Ok(spec));
        }
        assert_eq!(
            StoreSpec::default_spec().to_string(),
            "sqlite:aftercare.sqlite3"
        );
    }

    #[test]
    fn a_postgres_store_is_named_by_its_url_and_kept_as_given() {
        for (text, kept) in [
            (
                "postgres://clinic:s3cret@db.internal:5433/aftercare",
                "postgres://clinic:s3cret@db.internal:5433/aftercare",
            ),
            (
                "postgresql://clinic@10.0.0.5/aftercare",
                "postgresql://clinic@10.0.0.5/aftercare",
            ),
            (
                "POSTGRES://clinic@db/aftercare?connect_timeout=5",
                "postgres://clinic@db/aftercare?connect_timeout=5",
            ),
            (
                "postgres://aftercare@%2Frun%2Fpostgresql/aftercare",
                "postgres://aftercare@%2Frun%2Fpostgresql/aftercare",
            ),
        ] {
            assert_eq!(
                StoreSpec::parse(text),
                Ok(StoreSpec::Postgres(kept.to_string())),
                "{text}"
            );
        }
    }

    #[test]
    fn a_postgres_store_is_shown_without_its_password() {
        for (text, shown) in [
            (
                "postgres://clinic:s3cret@db.internal:5433/aftercare",
                "postgres://clinic@db.internal:5433/aftercare",
            ),
            // The default port is shown; the URL's settings are not (one may be a password).
            (
                "postgresql://clinic@db/aftercare?password=s3cret&application_name=x",
                "postgres://clinic@db:5432/aftercare",
            ),
            (
                "postgres://clinic:s3cret@[::1]:6000/aftercare",
                "postgres://clinic@[::1]:6000/aftercare",
            ),
            (
                "postgres://clinic:s3cret@a:5001,b:5002/aftercare",
                "postgres://clinic@a:5001,b:5002/aftercare",
            ),
            (
                "postgres://aftercare@%2Frun%2Fpostgresql/aftercare",
                "postgres://aftercare@%2Frun%2Fpostgresql:5432/aftercare",
            ),
            (
                "postgres://cl%40inic:p%3Ass@db:5432/after%20care",
                "postgres://cl%40inic@db:5432/after%20care",
            ),
        ] {
            let spec = StoreSpec::parse(text).unwrap();
            assert_eq!(spec.to_string(), shown, "{text}");
            assert!(!spec.to_string().contains("s3cret"), "{spec}");
            assert!(!format!("{spec:?}").contains("s3cret"), "{spec:?}");
            assert!(!spec.to_string().contains("p:ss"), "{spec}");
            // What is shown is still a URL that names the same database.
            assert!(StoreSpec::parse(shown).is_ok(), "{shown}");
        }
    }

    #[test]
    fn a_postgres_url_that_cannot_be_used_is_refused_in_one_line_without_its_password() {
        for (text, expected) in [
            (
                "postgres://clinic:s3cret@db:notaport/aftercare",
                "not a PostgreSQL URL",
            ),
            ("postgres://clinic:s3cret@db:5432", "lacks a database"),
            ("postgres://clinic:s3cret@db:5432/", "lacks a database"),
            ("postgres://db:5432/aftercare", "lacks a user"),
            ("postgres://clinic:s3cret@/aftercare", "lacks a host"),
            (
                "postgres://clinic:s3cret@db/aftercare?sslmode=require",
                "without TLS",
            ),
            (
                "postgres://clinic:s3cret@db/aftercare?nonsense=1",
                "not a PostgreSQL URL",
            ),
        ] {
            let err = StoreSpec::parse(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
            assert!(!err.contains("s3cret"), "{text}: {err}");
            assert!(!err.contains('\n'), "{text}: {err}");
        }
        let err = StoreSpec::parse("postgres://db:5432").unwrap_err();
        assert!(err.contains("lacks a user and a database"), "{err}");
        assert!(
            err.contains("postgres://USER[:PASSWORD]@HOST:PORT/DB"),
            "{err}"
        );
    }

    #[test]
    fn another_url_is_refused_by_its_scheme_not_taken_as_a_file_name() {
        let err = StoreSpec::parse("mysql://db/aftercare").unwrap_err();
        assert!(err.contains("mysql://"), "{err}");
        assert!(err.contains("sqlite:PATH"), "{err}");
        let err = StoreSpec::parse("sqlite:///var/a.db").unwrap_err();
        assert!(err.contains("sqlite:PATH"), "{err}");
        assert!(StoreSpec::parse("").is_err());
        assert!(StoreSpec::parse("sqlite:").is_err());
    }

    #[test]
    fn random_ids_are_32_lowercase_hex_characters_and_differ() {
        let a = random_id().unwrap();
        let b = random_id().unwrap();
        for id in [&a, &b] {
            assert_eq!(id.len(), 32, "{id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
                "{id}"
            );
        }
        assert_ne!(a, b);
    }

    #[test]
    fn each_error_is_one_line_that_says_what_and_where() {
        let newer = StoreError::Newer {
            path: PathBuf::from("/srv/a.sqlite3"),
            found: 3,
            known: 1,
        };
        assert_eq!(
            newer.to_string(),
            "/srv/a.sqlite3 was made by a newer aftercare (file version 3 > known 1); \
             use that aftercare or another file"
        );
        let open = StoreError::Open {
            path: PathBuf::from("/nope/a.sqlite3"),
            reason: "No such file or directory".into(),
        };
        assert_eq!(
            open.to_string(),
            "cannot open the store /nope/a.sqlite3: No such file or directory"
        );
        for e in [newer, open, StoreError::Poisoned] {
            assert!(!e.to_string().contains('\n'), "{e}");
        }
    }
}
