//! What every store must do, whatever database is behind it: checks that each take a freshly
//! opened, empty [`Store`] and say, by panicking, where it differs from the documented
//! semantics of its methods.
//!
//! A store's test module runs them all, each as its own test, with one line:
//!
//! ```ignore
//! async fn open() -> (Store, Guard) { /* a new, empty store; Guard is kept until the end */ }
//! crate::store::suite::conformance_tests!(open);
//! ```
//!
//! A store that needs a server the machine may not have runs them only when it is there:
//! `conformance_tests!(open, if available)`, where `available()` says so (and, when it says
//! no, prints why each test passes without running).
//!
//! The checks use the store's methods, plus [`Store::raw_execute`] and [`Store::raw_number`]
//! where only the database itself can say (the audit trail refuses changes; erased rows are
//! gone). That SQL names the tables and columns of the schema, which every store shares, and
//! quotes the columns named `user` (a reserved word in PostgreSQL).

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{
    AuditEntry, CallbackOutcome, Claim, ClaimResult, InboxRow, NewCheckin, OutcomeResult,
    RecordedOutcome, Store, StoreError, StoredCheckin, User,
};

/// Runs every check of this module as a test of its own (a multi-threaded runtime with 4
/// workers, since some checks race tasks against each other), each on a store from `$open`:
/// an async fn with no arguments returning `(Store, G)`, where `G` (a temporary folder, a
/// database to drop) is kept until the test ends. With `if $available`, a fn returning
/// whether the store can be had here, each test returns at once when it cannot.
macro_rules! conformance_tests {
    ($open:path) => {
        $crate::store::suite::conformance_tests!($open, if $crate::store::suite::always);
    };
    ($open:path, if $available:path) => {
        $crate::store::suite::conformance_tests!(
            @each $open, $available;
            a_new_store_is_migrated_and_empty,
            a_sent_checkin_reads_back_whole_with_its_audit_row,
            accounts_are_unique_whatever_the_case_of_their_names,
            a_disabled_user_cannot_sign_in_and_their_sessions_are_gone,
            a_session_ends_when_idle_or_at_its_absolute_deadline,
            signing_out_deletes_the_session_with_an_audit_row,
            failed_sign_ins_are_audited_as_typed_and_counted_without_regard_to_case,
            a_checkin_is_claimed_once_and_a_second_claim_says_by_whom,
            claim_next_from_eight_tasks_claims_every_checkin_once_in_urgency_order,
            only_the_claimer_records_an_outcome_and_recording_again_replaces_it,
            the_inbox_lists_open_checkins_first_then_most_urgent_then_longest_waiting,
            looking_at_a_checkin_is_audited_with_who_and_which,
            the_audit_trail_refuses_changes_at_the_database_level,
            erasing_a_checkin_takes_its_claim_and_outcome_and_leaves_its_id_in_the_audit,
            retention_purges_checkins_sent_before_a_time_with_an_audit_row_each,
            audit_entries_are_read_in_written_order_between_two_times,
        );
    };
    (@each $open:path, $available:path; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                if !$available() {
                    return;
                }
                let (store, _keep) = $open().await;
                $crate::store::suite::$check(&store).await;
            }
        )+

        /// The list above names every check of the suite, so that none is left unrun.
        #[test]
        fn the_conformance_tests_run_every_check() {
            $crate::store::suite::assert_every_check_listed(&[$(stringify!($check)),+]);
        }
    };
}
pub(crate) use conformance_tests;

/// Every store that needs nothing but the machine: always there.
pub fn always() -> bool {
    true
}

/// Fails unless `listed` names exactly the checks (the `pub async fn`s) of this file.
pub fn assert_every_check_listed(listed: &[&str]) {
    let mut defined: Vec<&str> = include_str!("suite.rs")
        .lines()
        .filter_map(|line| line.strip_prefix("pub async fn "))
        .filter_map(|rest| rest.split('(').next())
        .collect();
    let mut listed = listed.to_vec();
    defined.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, defined, "conformance_tests! must list every check");
}

/// `minutes` after 2025-03-01 09:00 UTC.
fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap() + Duration::minutes(minutes)
}

const MICRO: Duration = Duration::microseconds(1);

/// A check-in to send. Its patient name is health-related data that must never reach the
/// audit trail.
fn new_checkin(urgency: u8, sent_at: DateTime<Utc>) -> NewCheckin {
    NewCheckin {
        answers: r#"{"symptoms":[{"id":"swelling","severity":"moderate"}]}"#.into(),
        result: r#"{"disposition":"call_clinic"}"#.into(),
        disposition: format!("disposition_{urgency}"),
        urgency,
        rule_set_name: "default".into(),
        rule_set_version: "2025-01".into(),
        patient_name: format!("Patient {urgency} {}", sent_at.format("%H%M%S%6f")),
        phone: "+34 600 000 000".into(),
        consent_to_call: true,
        started_at: sent_at - Duration::minutes(7),
        sent_at,
    }
}

async fn send(store: &Store, urgency: u8, sent_at: DateTime<Utc>) -> String {
    store
        .send_checkin("no draft", new_checkin(urgency, sent_at))
        .await
        .unwrap()
}

async fn audit(store: &Store) -> Vec<AuditEntry> {
    store.audit_entries(None, None).await.unwrap()
}

/// The audit rows after the first `skip`.
async fn audit_after(store: &Store, skip: usize) -> Vec<AuditEntry> {
    audit(store).await.into_iter().skip(skip).collect()
}

fn entry(at: DateTime<Utc>, user: &str, action: &str, checkin: Option<&str>) -> AuditEntry {
    AuditEntry {
        at,
        user: Some(user.to_owned()),
        action: action.to_owned(),
        checkin: checkin.map(str::to_owned),
    }
}

async fn count(store: &Store, sql: &str) -> i64 {
    store.raw_number(sql).await.unwrap()
}

fn outcome(reached: bool, disposition_after: &str, note: &str) -> CallbackOutcome {
    CallbackOutcome {
        reached,
        disposition_after: disposition_after.to_owned(),
        note: note.to_owned(),
    }
}

/// The inbox's order within each group: most urgent, longest waiting, id.
type InboxKey = (Reverse<u8>, DateTime<Utc>, String);

fn inbox_key(urgency: u8, sent_at: DateTime<Utc>, id: &str) -> InboxKey {
    (Reverse(urgency), sent_at, id.to_owned())
}

/// The migrations have made every table, and there is nothing in them; reading writes
/// nothing.
pub async fn a_new_store_is_migrated_and_empty(store: &Store) {
    store.ping().await.unwrap();
    assert!(count(store, "SELECT count(*) FROM schema_migrations").await >= 1);
    for table in [
        "drafts", "checkins", "audit", "users", "sessions", "claims", "outcomes",
    ] {
        assert_eq!(
            count(store, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(store.users().await.unwrap(), vec![]);
    assert_eq!(store.user("alice").await.unwrap(), None);
    assert_eq!(store.checkin("0123").await.unwrap(), None);
    assert_eq!(store.session("k", t(0)).await.unwrap(), None);
    assert_eq!(store.claim_next("alice", t(0)).await.unwrap(), None);
    assert_eq!(store.purge_sessions(t(0)).await.unwrap(), 0);
    assert_eq!(store.purge_checkins(t(0), t(0)).await.unwrap(), 0);
    assert_eq!(
        store.failed_sign_ins_since("alice", t(-60)).await.unwrap(),
        0
    );
    assert_eq!(audit(store).await, vec![]);
}

/// A sent check-in comes back field for field, unclaimed and without an outcome; its draft
/// is gone; the audit row names no user.
pub async fn a_sent_checkin_reads_back_whole_with_its_audit_row(store: &Store) {
    let checkin = new_checkin(4, t(0) + Duration::microseconds(123_456));
    let hour = Duration::hours(1);
    store
        .save_draft("d1", "{}", t(-10), t(-10) + hour)
        .await
        .unwrap();
    store
        .save_draft("d2", "{}", t(-10), t(-10) + hour)
        .await
        .unwrap();
    let id = store.send_checkin("d1", checkin.clone()).await.unwrap();
    assert_eq!(id.len(), 32, "{id}");
    assert_eq!(store.draft("d1", t(0)).await.unwrap(), None);
    assert!(store.draft("d2", t(0)).await.unwrap().is_some());
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
    assert_eq!(store.checkin(&id).await.unwrap(), Some(expected));
    assert_eq!(
        audit(store).await,
        vec![AuditEntry {
            at: checkin.sent_at,
            user: None,
            action: "sent".into(),
            checkin: Some(id),
        }]
    );
}

/// One account per name without regard to case (Unicode too); the name is kept as given.
pub async fn accounts_are_unique_whatever_the_case_of_their_names(store: &Store) {
    store.add_user("Alice", "hash-a", t(0)).await.unwrap();
    for (taken, minute) in [("alice", 1), ("ALICE", 2), ("aLiCe", 3)] {
        match store.add_user(taken, "other", t(minute)).await {
            Err(StoreError::Exists { what, id }) => {
                assert_eq!((what, id.as_str()), ("user", taken))
            }
            other => panic!("{taken} was not refused as taken: {other:?}"),
        }
    }
    store.add_user("Élodie", "hash-e", t(4)).await.unwrap();
    assert!(matches!(
        store.add_user("éLODIE", "x", t(5)).await,
        Err(StoreError::Exists { .. })
    ));
    store.add_user("zed", "hash-z", t(6)).await.unwrap();
    store.add_user("bob", "hash-b", t(7)).await.unwrap();

    let alice = User {
        name: "Alice".into(),
        password_hash: "hash-a".into(),
        disabled: false,
        created_at: t(0),
    };
    for asked in ["Alice", "alice", "ALICE"] {
        assert_eq!(
            store.user(asked).await.unwrap(),
            Some(alice.clone()),
            "{asked}"
        );
    }
    assert_eq!(
        store.user("ÉLODIE").await.unwrap().map(|u| u.name),
        Some("Élodie".to_string())
    );
    assert_eq!(store.user("carol").await.unwrap(), None);
    // By lower-cased name, byte by byte: "é" comes after every ASCII letter.
    let names: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Alice", "bob", "zed", "Élodie"]);
    assert_eq!(store.users().await.unwrap()[0], alice);
    // Each account added is audited under its name; the refused ones are not.
    assert_eq!(
        audit(store).await,
        vec![
            entry(t(0), "Alice", "add_user", None),
            entry(t(4), "Élodie", "add_user", None),
            entry(t(6), "zed", "add_user", None),
            entry(t(7), "bob", "add_user", None),
        ]
    );
}

/// Disabling a user deletes their sessions at once, refuses their next sign-in, and is
/// audited; a session whose user is disabled answers nothing even while it is there.
pub async fn a_disabled_user_cannot_sign_in_and_their_sessions_are_gone(store: &Store) {
    store.add_user("Alice", "h", t(0)).await.unwrap();
    store.add_user("bob", "h", t(0)).await.unwrap();
    store.add_user("carol", "h", t(0)).await.unwrap();
    let (idle, end) = (t(30), t(480));
    store.sign_in("k1", "alice", t(1), idle, end).await.unwrap();
    store.sign_in("k2", "ALICE", t(2), idle, end).await.unwrap();
    store.sign_in("k3", "bob", t(3), idle, end).await.unwrap();
    store.sign_in("k4", "carol", t(3), idle, end).await.unwrap();
    // The session names the account as stored, however the name was typed.
    assert_eq!(
        store.session("k2", t(4)).await.unwrap().as_deref(),
        Some("Alice")
    );
    assert!(matches!(
        store.sign_in("k3", "carol", t(4), idle, end).await,
        Err(StoreError::Exists {
            what: "session",
            ..
        })
    ));
    let skip = audit(store).await.len();

    assert!(store.disable_user("ALICE", t(5)).await.unwrap());
    assert_eq!(store.session("k1", t(6)).await.unwrap(), None);
    assert_eq!(store.session("k2", t(6)).await.unwrap(), None);
    assert_eq!(
        store.session("k3", t(6)).await.unwrap().as_deref(),
        Some("bob")
    );
    // Deleted, not only hidden.
    assert_eq!(count(store, "SELECT count(*) FROM sessions").await, 2);
    assert!(store.user("alice").await.unwrap().unwrap().disabled);
    for who in ["Alice", "nobody"] {
        match store.sign_in("k5", who, t(7), idle, end).await {
            Err(StoreError::NotFound { id, .. }) => assert_eq!(id, who),
            other => panic!("{who} signed in: {other:?}"),
        }
    }
    assert_eq!(store.session("k5", t(7)).await.unwrap(), None);
    assert!(!store.disable_user("nobody", t(8)).await.unwrap());

    // A user disabled behind the store's back still has their session row: it answers
    // nothing.
    store
        .raw_execute("UPDATE users SET disabled = TRUE WHERE key = 'carol'")
        .await
        .unwrap();
    assert_eq!(store.session("k4", t(9)).await.unwrap(), None);

    assert_eq!(
        audit_after(store, skip).await,
        vec![entry(t(5), "Alice", "disable_user", None)]
    );
    let sign_ins: Vec<(Option<String>, DateTime<Utc>)> = audit(store)
        .await
        .into_iter()
        .filter(|e| e.action == "sign_in")
        .map(|e| (e.user, e.at))
        .collect();
    assert_eq!(
        sign_ins,
        vec![
            (Some("Alice".into()), t(1)),
            (Some("Alice".into()), t(2)),
            (Some("bob".into()), t(3)),
            (Some("carol".into()), t(3)),
        ]
    );
}

/// A session ends at `now >= idle_until` or `now >= absolute_until`; touching moves the
/// idle deadline but never past the absolute one; the purge deletes exactly the ended ones.
pub async fn a_session_ends_when_idle_or_at_its_absolute_deadline(store: &Store) {
    store.add_user("alice", "h", t(0)).await.unwrap();
    let alice = Some("alice".to_string());
    store
        .sign_in("s", "alice", t(0), t(30), t(480))
        .await
        .unwrap();
    assert_eq!(store.session("s", t(0)).await.unwrap(), alice);
    assert_eq!(store.session("s", t(30) - MICRO).await.unwrap(), alice);
    assert_eq!(store.session("s", t(30)).await.unwrap(), None);

    assert!(store.touch_session("s", t(60)).await.unwrap());
    assert_eq!(store.session("s", t(59)).await.unwrap(), alice);
    assert_eq!(store.session("s", t(60)).await.unwrap(), None);
    // Past the absolute deadline: kept at it.
    assert!(store.touch_session("s", t(600)).await.unwrap());
    assert_eq!(store.session("s", t(480) - MICRO).await.unwrap(), alice);
    assert_eq!(store.session("s", t(480)).await.unwrap(), None);
    assert_eq!(store.session("s", t(540)).await.unwrap(), None);
    assert!(!store.touch_session("nope", t(60)).await.unwrap());

    // Signed in with an idle deadline past the absolute one: it ends at the absolute one.
    store
        .sign_in("long", "alice", t(0), t(600), t(90))
        .await
        .unwrap();
    assert_eq!(store.session("long", t(90) - MICRO).await.unwrap(), alice);
    assert_eq!(store.session("long", t(90)).await.unwrap(), None);

    // At t(120): "s" lives to t(480); "long" ended at t(90); "idle" ended at t(100) though
    // its absolute deadline is later; "edge" ends at t(120) exactly; "live" lives.
    store
        .sign_in("idle", "alice", t(50), t(100), t(480))
        .await
        .unwrap();
    store
        .sign_in("edge", "alice", t(60), t(120), t(480))
        .await
        .unwrap();
    store
        .sign_in("live", "alice", t(70), t(121), t(480))
        .await
        .unwrap();
    assert_eq!(store.purge_sessions(t(120)).await.unwrap(), 3);
    assert_eq!(store.purge_sessions(t(120)).await.unwrap(), 0);
    assert_eq!(count(store, "SELECT count(*) FROM sessions").await, 2);
    assert_eq!(store.session("s", t(120)).await.unwrap(), alice);
    assert_eq!(store.session("live", t(120)).await.unwrap(), alice);

    // Reading, touching and purging sessions is not audited; signing in is.
    let actions: Vec<String> = audit(store).await.into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        ["add_user", "sign_in", "sign_in", "sign_in", "sign_in", "sign_in"]
    );
}

/// Signing out deletes the session and is audited; a second sign-out finds nothing.
pub async fn signing_out_deletes_the_session_with_an_audit_row(store: &Store) {
    store.add_user("alice", "h", t(0)).await.unwrap();
    store
        .sign_in("k", "alice", t(1), t(31), t(481))
        .await
        .unwrap();
    store
        .sign_in("other", "alice", t(1), t(31), t(481))
        .await
        .unwrap();
    assert!(store.sign_out("k", "alice", t(2)).await.unwrap());
    assert_eq!(store.session("k", t(3)).await.unwrap(), None);
    assert!(store.session("other", t(3)).await.unwrap().is_some());
    assert!(!store.sign_out("k", "alice", t(4)).await.unwrap());
    assert_eq!(
        audit(store).await,
        vec![
            entry(t(0), "alice", "add_user", None),
            entry(t(1), "alice", "sign_in", None),
            entry(t(1), "alice", "sign_in", None),
            entry(t(2), "alice", "sign_out", None),
        ]
    );
}

/// A failed sign-in is audited under the name as typed (cut to 100 characters); they are
/// counted by name without regard to case, from a time on, and only they.
pub async fn failed_sign_ins_are_audited_as_typed_and_counted_without_regard_to_case(
    store: &Store,
) {
    store.sign_in_failed("Mallory", t(0)).await.unwrap();
    store.sign_in_failed("mallory", t(1)).await.unwrap();
    store.sign_in_failed("someone", t(1)).await.unwrap();
    store.sign_in_failed("MALLORY", t(2)).await.unwrap();
    // Other rows naming her are not failed sign-ins.
    store.add_user("mallory", "h", t(2)).await.unwrap();
    store
        .sign_in("k", "mallory", t(2), t(30), t(60))
        .await
        .unwrap();

    let count_since = |name: &'static str, since| async move {
        store.failed_sign_ins_since(name, since).await.unwrap()
    };
    assert_eq!(count_since("mallory", t(0)).await, 3);
    assert_eq!(count_since("MaLLoRy", t(-60)).await, 3);
    assert_eq!(count_since("mallory", t(1)).await, 2);
    assert_eq!(count_since("mallory", t(2)).await, 1);
    assert_eq!(count_since("mallory", t(2) + MICRO).await, 0);
    assert_eq!(count_since("SOMEONE", t(0)).await, 1);
    assert_eq!(count_since("nobody", t(0)).await, 0);

    // A pasted page for a name: its first 100 characters are kept, and counted.
    let long = "é".repeat(150);
    store.sign_in_failed(&long, t(3)).await.unwrap();
    let kept = audit(store).await.last().unwrap().user.clone().unwrap();
    assert_eq!(kept, "é".repeat(100));
    assert_eq!(
        store
            .failed_sign_ins_since(&"É".repeat(120), t(0))
            .await
            .unwrap(),
        1
    );

    let failed: Vec<AuditEntry> = audit(store)
        .await
        .into_iter()
        .filter(|e| e.action == "sign_in_failed")
        .collect();
    assert_eq!(
        failed,
        vec![
            entry(t(0), "Mallory", "sign_in_failed", None),
            entry(t(1), "mallory", "sign_in_failed", None),
            entry(t(1), "someone", "sign_in_failed", None),
            entry(t(2), "MALLORY", "sign_in_failed", None),
            entry(t(3), &kept, "sign_in_failed", None),
        ]
    );
}

/// A check-in is claimed once, ever: a second claim, by anyone, is refused naming the first
/// claim, and writes nothing; of eight claims at once, one wins.
pub async fn a_checkin_is_claimed_once_and_a_second_claim_says_by_whom(store: &Store) {
    let id = send(store, 3, t(0)).await;
    let skip = audit(store).await.len();
    assert_eq!(
        store.claim(&id, "alice", t(1)).await.unwrap(),
        ClaimResult::Claimed
    );
    let first = Claim {
        user: "alice".into(),
        at: t(1),
    };
    for (who, minute) in [("bob", 2), ("alice", 3)] {
        assert_eq!(
            store.claim(&id, who, t(minute)).await.unwrap(),
            ClaimResult::AlreadyClaimed(first.clone()),
            "{who}"
        );
    }
    assert_eq!(
        store.claim("missing", "alice", t(4)).await.unwrap(),
        ClaimResult::NotFound
    );
    assert_eq!(
        store.checkin(&id).await.unwrap().unwrap().claim,
        Some(first.clone())
    );
    // Still claimed once its outcome is in.
    let done = outcome(true, "self_care", "ok");
    assert_eq!(
        store
            .record_outcome(&id, "alice", done, t(5))
            .await
            .unwrap(),
        OutcomeResult::Recorded
    );
    assert_eq!(
        store.claim(&id, "bob", t(6)).await.unwrap(),
        ClaimResult::AlreadyClaimed(first)
    );
    assert_eq!(
        audit_after(store, skip).await,
        vec![
            entry(t(1), "alice", "claim", Some(&id)),
            entry(t(5), "alice", "outcome", Some(&id)),
        ]
    );

    // Eight nurses claim the same check-in at once: one gets it, the others are told who.
    let contested = send(store, 5, t(10)).await;
    let skip = audit(store).await.len();
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let (store, id) = (store.clone(), contested.clone());
            tokio::spawn(async move {
                let user = format!("nurse{n}");
                (user.clone(), store.claim(&id, &user, t(11)).await.unwrap())
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    let winners: Vec<&String> = results
        .iter()
        .filter(|(_, r)| *r == ClaimResult::Claimed)
        .map(|(user, _)| user)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let winner = Claim {
        user: winners[0].clone(),
        at: t(11),
    };
    for (_, result) in &results {
        if *result != ClaimResult::Claimed {
            assert_eq!(*result, ClaimResult::AlreadyClaimed(winner.clone()));
        }
    }
    assert_eq!(
        audit_after(store, skip).await,
        vec![entry(t(11), &winner.user, "claim", Some(&contested))]
    );
}

/// Eight tasks calling `claim_next` at once claim each of 40 check-ins exactly once; each
/// task gets its check-ins in the inbox's order; one claimed beforehand is not handed out.
pub async fn claim_next_from_eight_tasks_claims_every_checkin_once_in_urgency_order(store: &Store) {
    let mut keys = HashMap::new();
    for i in 0..40i64 {
        // Mixed urgencies, with times out of step with them, and some times shared.
        let urgency = u8::try_from((i * 5) % 7).unwrap();
        let sent_at = t((i * 13) % 17);
        let id = send(store, urgency, sent_at).await;
        keys.insert(id, inbox_key(urgency, sent_at, ""));
    }
    for (id, key) in keys.iter_mut() {
        key.2 = id.clone();
    }
    let mut order: Vec<&String> = keys.keys().collect();
    order.sort_by_key(|id| &keys[*id]);
    let taken_before = order[0].clone();
    assert_eq!(
        store.claim(&taken_before, "alice", t(30)).await.unwrap(),
        ClaimResult::Claimed
    );
    let skip = audit(store).await.len();

    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let user = format!("nurse{n}");
                let mut got = Vec::new();
                while let Some(id) = store.claim_next(&user, t(31)).await.unwrap() {
                    got.push(id);
                }
                (user, got)
            })
        })
        .collect();
    let mut by_task = Vec::new();
    for task in tasks {
        by_task.push(task.await.unwrap());
    }

    let mut claimed: Vec<&String> = by_task.iter().flat_map(|(_, got)| got).collect();
    let distinct: HashSet<&String> = claimed.iter().copied().collect();
    assert_eq!(distinct.len(), claimed.len(), "claimed twice: {by_task:?}");
    claimed.sort_by_key(|id| &keys[*id]);
    assert_eq!(claimed, order[1..].to_vec());
    for (user, got) in &by_task {
        let urgencies: Vec<u8> = got.iter().map(|id| keys[id].0 .0).collect();
        assert!(
            got.windows(2).all(|w| keys[&w[0]] < keys[&w[1]]),
            "{user} got them out of order: urgencies {urgencies:?}"
        );
        for id in got {
            let claim = store.checkin(id).await.unwrap().unwrap().claim.unwrap();
            assert_eq!((claim.user.as_str(), claim.at), (user.as_str(), t(31)));
        }
    }
    assert_eq!(store.claim_next("bob", t(32)).await.unwrap(), None);

    // One "claim" row per check-in claimed, under the user who got it; none for the end.
    let mut rows: Vec<(String, String)> = audit_after(store, skip)
        .await
        .into_iter()
        .map(|e| {
            assert_eq!((e.action.as_str(), e.at), ("claim", t(31)), "{e:?}");
            (e.user.unwrap(), e.checkin.unwrap())
        })
        .collect();
    let mut expected: Vec<(String, String)> = by_task
        .iter()
        .flat_map(|(user, got)| got.iter().map(|id| (user.clone(), id.clone())))
        .collect();
    rows.sort();
    expected.sort();
    assert_eq!(rows, expected);
}

/// Only the user who claimed a check-in records its outcome (their name in any case);
/// recording again replaces it; each recording is audited, and refusals are not.
pub async fn only_the_claimer_records_an_outcome_and_recording_again_replaces_it(store: &Store) {
    let id = send(store, 2, t(0)).await;
    let first = outcome(false, "call_again", "no answer; voicemail left");
    let second = outcome(true, "see_today", "booked for 15:00 with Dr. Ruiz");
    let skip = audit(store).await.len();
    assert_eq!(
        store
            .record_outcome(&id, "alice", first.clone(), t(1))
            .await
            .unwrap(),
        OutcomeResult::NotClaimedByYou(None)
    );
    assert_eq!(
        store.claim(&id, "Alice", t(2)).await.unwrap(),
        ClaimResult::Claimed
    );
    let claim = Claim {
        user: "Alice".into(),
        at: t(2),
    };
    assert_eq!(
        store
            .record_outcome(&id, "bob", first.clone(), t(3))
            .await
            .unwrap(),
        OutcomeResult::NotClaimedByYou(Some(claim.clone()))
    );
    assert_eq!(store.checkin(&id).await.unwrap().unwrap().outcome, None);
    assert_eq!(
        store
            .record_outcome("missing", "alice", first.clone(), t(3))
            .await
            .unwrap(),
        OutcomeResult::NotFound
    );

    assert_eq!(
        store
            .record_outcome(&id, "alice", first.clone(), t(4))
            .await
            .unwrap(),
        OutcomeResult::Recorded
    );
    let stored = store.checkin(&id).await.unwrap().unwrap();
    assert_eq!(stored.claim, Some(claim.clone()));
    assert_eq!(
        stored.outcome,
        Some(RecordedOutcome {
            user: "alice".into(),
            at: t(4),
            outcome: first,
        })
    );
    assert_eq!(
        store
            .record_outcome(&id, "Alice", second.clone(), t(5))
            .await
            .unwrap(),
        OutcomeResult::Recorded
    );
    let stored = store.checkin(&id).await.unwrap().unwrap();
    assert_eq!(
        stored.outcome,
        Some(RecordedOutcome {
            user: "Alice".into(),
            at: t(5),
            outcome: second,
        })
    );
    assert_eq!(stored.claim, Some(claim));
    assert_eq!(
        count(store, "SELECT count(*) FROM outcomes").await,
        1,
        "replaced, not added"
    );

    let rows = audit_after(store, skip).await;
    assert_eq!(
        rows,
        vec![
            entry(t(2), "Alice", "claim", Some(&id)),
            entry(t(4), "alice", "outcome", Some(&id)),
            entry(t(5), "Alice", "outcome", Some(&id)),
        ]
    );
    // References only: nothing of what the person or the nurse said. A check-in is named by
    // its random id alone (whose hex digits may spell "600" by chance, so it is checked by
    // its shape, not searched for words).
    for row in audit(store).await {
        let text = format!("{:?} {}", row.user, row.action);
        for secret in ["voicemail", "Ruiz", "Patient", "see_today", "600"] {
            assert!(!text.contains(secret), "{row:?}");
        }
        assert!(
            row.checkin
                .as_deref()
                .is_none_or(|c| c.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')),
            "{row:?}"
        );
    }
}

/// The inbox: check-ins without an outcome first, then the others; within each, the most
/// urgent, then the longest waiting, then by id; each row as stored; cut at `limit`; every
/// look audited.
pub async fn the_inbox_lists_open_checkins_first_then_most_urgent_then_longest_waiting(
    store: &Store,
) {
    // (urgency, sent at minute, claimed, outcome recorded)
    let plan = [
        (2, 5, false, false),
        (6, 30, false, false),
        (6, 10, true, false),
        (2, 5, false, false), // the same urgency and time as the first: the id decides
        (6, 1, true, true),   // the most urgent and longest waiting, but done
        (0, 0, false, false),
        (4, 20, true, true),
        (4, 20, true, false),
        (0, 0, true, true),
        (6, 30, false, false),
    ];
    let mut expected: Vec<(bool, InboxKey, InboxRow)> = Vec::new();
    for (n, &(urgency, minute, claimed, done)) in plan.iter().enumerate() {
        let sent_at = t(minute);
        let checkin = new_checkin(urgency, sent_at);
        let id = store.send_checkin("none", checkin.clone()).await.unwrap();
        let claim_at = t(60 + i64::try_from(n).unwrap());
        let nurse = format!("nurse{n}");
        if claimed {
            assert_eq!(
                store.claim(&id, &nurse, claim_at).await.unwrap(),
                ClaimResult::Claimed
            );
        }
        if done {
            let recorded = store
                .record_outcome(&id, &nurse, outcome(true, "self_care", ""), claim_at)
                .await
                .unwrap();
            assert_eq!(recorded, OutcomeResult::Recorded);
        }
        let row = InboxRow {
            id: id.clone(),
            disposition: checkin.disposition,
            urgency,
            patient_name: checkin.patient_name,
            sent_at,
            claim: claimed.then_some(Claim {
                user: nurse,
                at: claim_at,
            }),
            outcome_recorded: done,
        };
        expected.push((done, inbox_key(urgency, sent_at, &id), row));
    }
    expected.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let expected: Vec<InboxRow> = expected.into_iter().map(|(_, _, row)| row).collect();
    let open = expected.iter().filter(|r| !r.outcome_recorded).count();
    assert_eq!(open, 7);

    let skip = audit(store).await.len();
    let now = t(120);
    assert_eq!(store.inbox("alice", now, 100).await.unwrap(), expected);
    for limit in [0, 1, 3, open, open + 1, expected.len()] {
        assert_eq!(
            store.inbox("alice", now, limit).await.unwrap(),
            expected[..limit].to_vec(),
            "limit {limit}"
        );
    }
    assert_eq!(store.inbox("bob", now, usize::MAX).await.unwrap(), expected);
    let mut rows = vec![entry(now, "alice", "view_inbox", None); 7];
    rows.push(entry(now, "bob", "view_inbox", None));
    assert_eq!(audit_after(store, skip).await, rows);

    // Erased ones are not listed; the next claim is the first unclaimed one listed.
    store
        .erase_checkin(&expected[0].id, "cli:admin", now)
        .await
        .unwrap();
    let listed = store.inbox("alice", now, 100).await.unwrap();
    assert_eq!(listed, expected[1..].to_vec());
    let next = listed.iter().find(|r| r.claim.is_none()).unwrap();
    assert_eq!(
        store.claim_next("alice", now).await.unwrap().as_ref(),
        Some(&next.id)
    );
}

/// Viewing and exporting a check-in are audited with who and which, in the same call; a
/// check-in that is not there is not; the plain read is not audited.
pub async fn looking_at_a_checkin_is_audited_with_who_and_which(store: &Store) {
    let id = send(store, 1, t(0)).await;
    let stored = store.checkin(&id).await.unwrap().unwrap();
    let skip = audit(store).await.len();
    assert_eq!(
        store.view_checkin(&id, "alice", t(1)).await.unwrap(),
        Some(stored.clone())
    );
    assert_eq!(
        store.export_checkin(&id, "bob", t(2)).await.unwrap(),
        Some(stored.clone())
    );
    assert_eq!(
        store.view_checkin("missing", "alice", t(3)).await.unwrap(),
        None
    );
    assert_eq!(
        store.export_checkin("missing", "bob", t(3)).await.unwrap(),
        None
    );
    assert_eq!(store.checkin(&id).await.unwrap(), Some(stored));
    assert_eq!(
        audit_after(store, skip).await,
        vec![
            entry(t(1), "alice", "view", Some(&id)),
            entry(t(2), "bob", "export", Some(&id)),
        ]
    );
}

/// The database itself refuses to change or delete audit rows, however it is asked.
pub async fn the_audit_trail_refuses_changes_at_the_database_level(store: &Store) {
    let id = send(store, 1, t(0)).await;
    store.sign_in_failed("mallory", t(1)).await.unwrap();
    let before = audit(store).await;
    for statement in [
        "UPDATE audit SET action = 'viewed'".to_string(),
        r#"UPDATE audit SET "user" = 'someone' WHERE "user" IS NULL"#.to_string(),
        format!("UPDATE audit SET checkin = NULL WHERE checkin = '{id}'"),
        "DELETE FROM audit".to_string(),
        r#"DELETE FROM audit WHERE "user" = 'mallory'"#.to_string(),
    ] {
        let err = store.raw_execute(&statement).await.unwrap_err();
        assert!(
            err.to_string().contains("the audit trail is append-only"),
            "{statement}: {err}"
        );
    }
    assert_eq!(audit(store).await, before);
}

/// Erasing a check-in deletes it with its claim and outcome; the audit trail keeps every
/// row about it, with only its id, and adds one naming who asked.
pub async fn erasing_a_checkin_takes_its_claim_and_outcome_and_leaves_its_id_in_the_audit(
    store: &Store,
) {
    let gone = send(store, 5, t(0)).await;
    let kept = send(store, 5, t(1)).await;
    for id in [&gone, &kept] {
        store.claim(id, "alice", t(2)).await.unwrap();
        store
            .record_outcome(id, "alice", outcome(true, "self_care", "fine"), t(3))
            .await
            .unwrap();
    }
    store
        .view_checkin(&gone, "alice", t(4))
        .await
        .unwrap()
        .unwrap();
    let before = audit(store).await;

    assert!(store.erase_checkin(&gone, "cli:alice", t(5)).await.unwrap());
    assert_eq!(store.checkin(&gone).await.unwrap(), None);
    assert_eq!(
        store.view_checkin(&gone, "alice", t(6)).await.unwrap(),
        None
    );
    for table in [
        "checkins WHERE id",
        "claims WHERE checkin",
        "outcomes WHERE checkin",
    ] {
        let sql = format!("SELECT count(*) FROM {table} = '{gone}'");
        assert_eq!(count(store, &sql).await, 0, "{sql}");
    }
    let other = store.checkin(&kept).await.unwrap().unwrap();
    assert!(other.claim.is_some() && other.outcome.is_some());
    assert_eq!(
        store.claim(&gone, "bob", t(6)).await.unwrap(),
        ClaimResult::NotFound
    );
    let late = outcome(false, "x", "");
    assert_eq!(
        store
            .record_outcome(&gone, "alice", late, t(6))
            .await
            .unwrap(),
        OutcomeResult::NotFound
    );
    assert!(!store.erase_checkin(&gone, "cli:alice", t(7)).await.unwrap());
    assert!(!store
        .erase_checkin("missing", "cli:alice", t(7))
        .await
        .unwrap());
    let listed: Vec<String> = store
        .inbox("alice", t(8), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, [kept]);

    let mut expected = before;
    expected.push(entry(t(5), "cli:alice", "erase", Some(&gone)));
    expected.push(entry(t(8), "alice", "view_inbox", None));
    assert_eq!(audit(store).await, expected);
    assert_eq!(
        audit(store)
            .await
            .iter()
            .filter(|e| e.checkin.as_deref() == Some(gone.as_str()))
            .count(),
        5,
        "sent, claim, outcome, view, erase"
    );
}

/// Retention deletes the check-ins sent before a time, with their claims and outcomes, and
/// writes one "erase" row per check-in under the user "retention".
pub async fn retention_purges_checkins_sent_before_a_time_with_an_audit_row_each(store: &Store) {
    let mut ids = Vec::new();
    for minute in [30, 0, 20, 10, 40] {
        ids.push((minute, send(store, 3, t(minute)).await));
    }
    ids.sort();
    let ids: Vec<String> = ids.into_iter().map(|(_, id)| id).collect();
    // The oldest is done: its claim and outcome go too.
    store.claim(&ids[0], "alice", t(50)).await.unwrap();
    store
        .record_outcome(&ids[0], "alice", outcome(true, "self_care", ""), t(51))
        .await
        .unwrap();
    store.claim(&ids[3], "alice", t(52)).await.unwrap();
    let before = audit(store).await;

    // Sent at 0, 10 and 20 go; the one sent at 30 exactly stays.
    let now = t(60 * 24 * 365);
    assert_eq!(store.purge_checkins(t(30), now).await.unwrap(), 3);
    for id in &ids[..3] {
        assert_eq!(store.checkin(id).await.unwrap(), None);
    }
    for id in &ids[3..] {
        assert!(store.checkin(id).await.unwrap().is_some());
    }
    assert_eq!(count(store, "SELECT count(*) FROM checkins").await, 2);
    assert_eq!(count(store, "SELECT count(*) FROM claims").await, 1);
    assert_eq!(count(store, "SELECT count(*) FROM outcomes").await, 0);

    let mut expected = before;
    for id in &ids[..3] {
        expected.push(entry(now, "retention", "erase", Some(id)));
    }
    assert_eq!(audit(store).await, expected);
    assert_eq!(store.purge_checkins(t(30), now).await.unwrap(), 0);
    assert_eq!(audit(store).await, expected);
    let listed: Vec<String> = store
        .inbox("alice", now, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, ids[3..].to_vec());
}

/// `audit_entries(since, until)`: the rows with `since <= at < until`, in the order they
/// were written, whatever their times.
pub async fn audit_entries_are_read_in_written_order_between_two_times(store: &Store) {
    for (name, minute) in [("a", 2), ("b", 0), ("c", 1), ("d", 3)] {
        store.sign_in_failed(name, t(minute)).await.unwrap();
    }
    let users = |since: Option<i64>, until: Option<i64>| async move {
        store
            .audit_entries(since.map(t), until.map(t))
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.user.unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(users(None, None).await, ["a", "b", "c", "d"]);
    assert_eq!(users(Some(1), None).await, ["a", "c", "d"]);
    assert_eq!(users(None, Some(2)).await, ["b", "c"]);
    assert_eq!(users(Some(1), Some(2)).await, ["c"]);
    assert_eq!(users(Some(2), Some(2)).await, Vec::<String>::new());
    assert_eq!(users(Some(3), Some(4)).await, ["d"]);
}
