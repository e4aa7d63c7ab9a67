//! The durable store behind the web check-in: drafts being filled in, sent check-ins, and an
//! append-only audit trail. One SQLite file now; [`Store`] is an enum so that a PostgreSQL
//! store can come later behind the same methods, and the pages need not change.
//!
//! The store keeps JSON text and plain fields. It knows nothing of the questionnaire or the
//! pages: what a check-in means is decided above it, and a change of the pages needs no
//! change of the schema.

pub mod sqlite;

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

/// Where check-ins are kept, from `--store`: `sqlite:PATH`, or a bare path; the default is
/// `aftercare.sqlite3` in the working directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// A SQLite file, created with its schema on first use.
    Sqlite(PathBuf),
}

/// What the messages tell a person to write instead of a store this build cannot use.
const SQLITE_HINT: &str = "use sqlite:PATH";

impl StoreSpec {
    /// Reads a `--store` value: `sqlite:PATH`, or a bare path. A URL (`scheme://…`) is
    /// refused by name rather than taken as a strange file name: `postgres://…` would
    /// otherwise quietly become a SQLite file called `postgres:`, in a folder of that name.
    pub fn parse(text: &str) -> Result<StoreSpec, String> {
        if text.is_empty() {
            return Err(format!("the store is empty; {SQLITE_HINT}"));
        }
        if let Some((scheme, _)) = text.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            return Err(match scheme.as_str() {
                "postgres" | "postgresql" => format!(
                    "PostgreSQL stores (postgres://…) are not available in this build; \
                     {SQLITE_HINT}"
                ),
                // sqlite:PATH has no `//`: `sqlite:///var/x` would mean `//var/x` as written
                // here, and `sqlite://x` would mean `//x`; neither is likely what was meant.
                "sqlite" => "a sqlite store is written sqlite:PATH, without //".to_string(),
                _ => format!("stores of kind {scheme}:// are not known; {SQLITE_HINT}"),
            });
        }
        let path = match text.strip_prefix("sqlite:") {
            Some("") => return Err(format!("sqlite: needs a path; {SQLITE_HINT}")),
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

impl fmt::Display for StoreSpec {
    /// The form [`StoreSpec::parse`] reads back: `sqlite:PATH`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreSpec::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
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
    /// A time the fixed-width text form cannot hold (see [`sqlite`]).
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

/// A stored check-in: its id and every field of [`NewCheckin`]. Times come back to the
/// microsecond, the precision the store keeps.
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
}

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// The clinic user; `None` for the person checking in, who has no account.
    pub user: Option<String>,
    /// What was done, as "sent".
    pub action: String,
    /// The check-in it was done to, if any.
    pub checkin: Option<String>,
}

/// An open store. Cheap to clone (the connection is shared behind an `Arc`): each request
/// handler takes its own copy.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
}

impl Store {
    /// Opens the store: creates it with its schema on first use (a SQLite file with mode
    /// 0600 on Unix, since it holds names and phone numbers), and applies pending migrations.
    pub fn open(spec: &StoreSpec) -> Result<Store, StoreError> {
        match spec {
            StoreSpec::Sqlite(path) => sqlite::SqliteStore::open(path).map(Store::Sqlite),
        }
    }

    /// A trivial query, for `/readyz`: the store answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.ping().await,
        }
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
        match self {
            Store::Sqlite(s) => s.save_draft(id, data, now, expires_at).await,
        }
    }

    /// The data of a draft; `None` when it is missing or has expired (`expires_at <= now`).
    pub async fn draft(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        match self {
            Store::Sqlite(s) => s.draft(id, now).await,
        }
    }

    /// Deletes a draft; deleting one that is not there is not an error.
    pub async fn delete_draft(&self, id: &str) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.delete_draft(id).await,
        }
    }

    /// Deletes the drafts expired at `now`, and says how many.
    pub async fn purge_drafts(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(s) => s.purge_drafts(now).await,
        }
    }

    /// Stores a sent check-in durably (committed, synchronous=FULL) with an audit row
    /// (action "sent", user NULL, checkin = the new id) in ONE transaction, and deletes the
    /// draft `draft_id` in the same transaction. Returns the new check-in id (random_id()).
    ///
    /// The draft need not exist: one that expired while the last page was open must not lose
    /// the check-in. The audit row's time is `sent_at`.
    pub async fn send_checkin(
        &self,
        draft_id: &str,
        checkin: NewCheckin,
    ) -> Result<String, StoreError> {
        match self {
            Store::Sqlite(s) => s.send_checkin(draft_id, checkin).await,
        }
    }

    /// A stored check-in by id; `None` if there is none.
    pub async fn checkin(&self, id: &str) -> Result<Option<StoredCheckin>, StoreError> {
        match self {
            Store::Sqlite(s) => s.checkin(id).await,
        }
    }

    /// The whole audit trail, in the order it was written.
    pub async fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        match self {
            Store::Sqlite(s) => s.audit_entries().await,
        }
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
    fn postgres_is_refused_in_this_build_with_what_to_write_instead() {
        for text in [
            "postgres://clinic@db/aftercare",
            "postgresql://db/aftercare",
            "POSTGRES://db/aftercare",
        ] {
            assert_eq!(
                StoreSpec::parse(text),
                Err(
                    "PostgreSQL stores (postgres://…) are not available in this build; \
                     use sqlite:PATH"
                        .to_string()
                ),
                "{text}"
            );
        }
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
