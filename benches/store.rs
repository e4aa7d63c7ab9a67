//! The store benchmark: `cargo bench --bench store`.
//!
//! Figures, not a timed test (nothing here fails on a slow run), for each store that can be
//! had here: SQLite always (a file in a temporary folder, with the store's own settings: WAL,
//! synchronous=FULL), PostgreSQL when `AFTERCARE_TEST_POSTGRES` names a server (a database of
//! its own, dropped at the end; `eval "$(bash tests/postgres/start.sh)"` starts one):
//!
//! - check-ins stored per second by `send_checkin`, one after another and from 8 tasks at
//!   once; each is committed durably with its audit row before the call returns;
//! - the clinic inbox's time, `Store::inbox` with a limit of 500 (its read and its audit
//!   row), p50 and p99 over 200 calls, with 100,000 check-ins stored as a year of a busy
//!   clinic leaves them: all but the last 200 claimed and with their outcome.
//!
//! The machine is shared with other work: compare figures of one run, not of two.

use std::str::FromStr;
use std::time::{Duration, Instant};

use aftercare::store::{NewCheckin, Store, StoreSpec};
use chrono::{DateTime, TimeZone, Utc};

/// Check-ins sent in each throughput round, at most; a round also stops after `ROUND_TIME`.
const SENDS: usize = 2_000;
const ROUND_TIME: Duration = Duration::from_secs(5);
const TASKS: usize = 8;
const STORED: u64 = 100_000;
/// Of the stored check-ins, the last this many are still open (no outcome).
const OPEN: u64 = 200;
const INBOX_LIMIT: usize = 500;
const INBOX_CALLS: usize = 200;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    println!("aftercare store benchmark (a shared machine: other work on it moves these figures)");
    println!(
        "check-ins stored per second (send_checkin, durable commit with its audit row); \
         inbox of {INBOX_LIMIT} among {STORED} stored, {OPEN} open, over {INBOX_CALLS} calls\n"
    );

    let dir = tempfile::tempdir().expect("a temporary folder");
    runtime.block_on(async {
        let sends = StoreSpec::Sqlite(dir.path().join("sends.sqlite3"));
        let inbox_path = dir.path().join("inbox.sqlite3");
        let inbox = StoreSpec::Sqlite(inbox_path.clone());
        bench(
            "SQLite (WAL, synchronous=FULL)",
            &sends,
            &inbox,
            async || load_sqlite(&inbox_path),
        )
        .await;
    });

    match std::env::var("AFTERCARE_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            let sends = Database::create(&runtime, &server, "sends");
            let inbox = Database::create(&runtime, &server, "inbox");
            runtime.block_on(async {
                let version = query_text(&server, "SHOW server_version").await;
                let commit = query_text(&server, "SHOW synchronous_commit").await;
                let fsync = query_text(&server, "SHOW fsync").await;
                bench(
                    &format!(
                        "PostgreSQL {version} (synchronous_commit={commit}, fsync={fsync}, \
                         on this machine over 127.0.0.1)"
                    ),
                    &StoreSpec::Postgres(sends.url.clone()),
                    &StoreSpec::Postgres(inbox.url.clone()),
                    async || load_postgres(&inbox.url).await,
                )
                .await;
            });
            sends.drop_now(&runtime);
            inbox.drop_now(&runtime);
        }
        _ => println!(
            "PostgreSQL: not measured (AFTERCARE_TEST_POSTGRES is not set; \
             eval \"$(bash tests/postgres/start.sh)\" sets it)"
        ),
    }
}

/// The figures of one kind of store: sends on a store opened from `sends`, the inbox on one
/// opened from `inbox` after `load` has filled it.
async fn bench(name: &str, sends: &StoreSpec, inbox: &StoreSpec, load: impl AsyncFnOnce()) {
    println!("{name}");
    let store = Store::connect(sends).await.expect("the store opens");
    // A few first, so that connections and statements are ready.
    send_one_after_another(&store, 20).await;
    let (n, took) = send_one_after_another(&store, SENDS).await;
    println!(
        "  send_checkin, one after another: {:>8.0} check-ins/s ({n} in {:.2} s)",
        n as f64 / took.as_secs_f64(),
        took.as_secs_f64()
    );
    let (n, took) = send_from_tasks(&store, SENDS).await;
    println!(
        "  send_checkin, {TASKS} tasks at once:   {:>8.0} check-ins/s ({n} in {:.2} s)",
        n as f64 / took.as_secs_f64(),
        took.as_secs_f64()
    );
    drop(store);

    let store = Store::connect(inbox).await.expect("the store opens");
    let loading = Instant::now();
    load().await;
    let loaded = loading.elapsed();
    let mut times = Vec::with_capacity(INBOX_CALLS);
    // Two calls first, as a page reloaded: the figures are of a store in use.
    for _ in 0..2 {
        store.inbox("bench", Utc::now(), INBOX_LIMIT).await.unwrap();
    }
    for _ in 0..INBOX_CALLS {
        let started = Instant::now();
        let rows = store.inbox("bench", Utc::now(), INBOX_LIMIT).await.unwrap();
        times.push(started.elapsed());
        assert_eq!(rows.len(), INBOX_LIMIT);
    }
    times.sort();
    println!(
        "  inbox ({INBOX_LIMIT} rows of {STORED}): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
         ({STORED} loaded in {:.1} s)\n",
        ms(percentile(&times, 50)),
        ms(percentile(&times, 99)),
        ms(*times.last().unwrap()),
        loaded.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The nearest-rank percentile of sorted times.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// A check-in as the web check-in sends one: answers and result of a usual size.
fn checkin(n: usize) -> NewCheckin {
    let sent_at: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap()
        + chrono::Duration::milliseconds(n as i64);
    let answers = format!(
        r#"{{"emergency":["none"],"urgent":["none"],"treated_on":"2026-11-18","same_day":["fever"],"symptoms":[{{"id":"redness","severity":"mild","trend":"same"}},{{"id":"swelling","severity":"moderate","trend":"better"}}],"risk_factors":["none"],"repeat_contact":"no","n":{n}}}"#
    );
    let result = r#"{"disposition":"see_today","urgency":4,"reasons":["fever in the first days after a treatment"],"advice":["Take your temperature again this evening.","Keep the treated skin clean and dry."],"rule_set":{"name":"default","version":"1.2"}}"#;
    NewCheckin {
        answers,
        result: result.to_string(),
        disposition: "see_today".into(),
        urgency: u8::try_from(n % 7).unwrap(),
        rule_set_name: "default".into(),
        rule_set_version: "1.2".into(),
        patient_name: format!("Patient {n}"),
        phone: "07700 900123".into(),
        consent_to_call: true,
        started_at: sent_at - chrono::Duration::minutes(6),
        sent_at,
    }
}

/// Sends up to `n` check-ins one after another (stopping after [`ROUND_TIME`]); how many,
/// and how long they took.
async fn send_one_after_another(store: &Store, n: usize) -> (usize, Duration) {
    let started = Instant::now();
    let mut sent = 0;
    while sent < n && started.elapsed() < ROUND_TIME {
        store.send_checkin("none", checkin(sent)).await.unwrap();
        sent += 1;
    }
    (sent, started.elapsed())
}

/// As [`send_one_after_another`], from [`TASKS`] tasks at once, each sending its share.
async fn send_from_tasks(store: &Store, n: usize) -> (usize, Duration) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut sent = 0;
                while sent < n / TASKS && started.elapsed() < ROUND_TIME {
                    store
                        .send_checkin("none", checkin(task * n + sent))
                        .await
                        .unwrap();
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    let mut sent = 0;
    for task in tasks {
        sent += task.await.unwrap();
    }
    (sent, started.elapsed())
}

/// Fills the SQLite file with [`STORED`] check-ins as sending, claiming and recording them
/// would leave them, written directly in one transaction.
fn load_sqlite(path: &std::path::Path) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO checkins
         SELECT printf('%032x', i), '{}', '{}', 'see_today', i % 7, 'default', '1.2',
             'Patient ' || i, '07700 900123', 1, '2025-01-01T00:00:00.000000Z',
             strftime('%Y-%m-%dT%H:%M:%S.000000Z', '2025-01-01', '+' || (i * 5) || ' minutes')
         FROM n",
        [STORED],
    )
    .unwrap();
    tx.execute_batch(&format!(
        "INSERT INTO claims SELECT id, 'nurse', sent_at FROM checkins WHERE rowid <= {done};
         INSERT INTO outcomes SELECT id, 'nurse', sent_at, 1, 'self_care', '' FROM checkins
             WHERE rowid <= {done};
         INSERT INTO open_checkins SELECT id, urgency, sent_at, 0 FROM checkins
             WHERE rowid > {done};
         INSERT INTO audit (at, user, action, checkin)
             SELECT sent_at, NULL, 'sent', id FROM checkins;",
        done = STORED - OPEN,
    ))
    .unwrap();
    tx.commit().unwrap();
}

/// As [`load_sqlite`], in the PostgreSQL database at `url`; then ANALYZE, as autovacuum
/// would have done in a database in use.
async fn load_postgres(url: &str) {
    let client = connect(url).await;
    client
        .batch_execute(&format!(
            "INSERT INTO checkins
             SELECT lpad(to_hex(i), 32, '0'), '{{}}', '{{}}', 'see_today', i % 7, 'default',
                 '1.2', 'Patient ' || i, '07700 900123', TRUE, '2025-01-01T00:00:00Z',
                 timestamptz '2025-01-01T00:00:00Z' + i * interval '5 minutes'
             FROM generate_series(1, {STORED}) AS i;
             INSERT INTO claims SELECT id, 'nurse', sent_at FROM checkins
                 WHERE id <= lpad(to_hex({done}), 32, '0');
             INSERT INTO outcomes SELECT id, 'nurse', sent_at, TRUE, 'self_care', ''
                 FROM checkins WHERE id <= lpad(to_hex({done}), 32, '0');
             INSERT INTO open_checkins SELECT id, urgency, sent_at, FALSE FROM checkins
                 WHERE id > lpad(to_hex({done}), 32, '0');
             INSERT INTO audit (at, \"user\", action, checkin)
                 SELECT sent_at, NULL, 'sent', id FROM checkins;
             ANALYZE;",
            done = STORED - OPEN,
        ))
        .await
        .unwrap();
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let config = tokio_postgres::Config::from_str(url).unwrap();
    let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

async fn query_text(url: &str, sql: &str) -> String {
    connect(url).await.query_one(sql, &[]).await.unwrap().get(0)
}

/// A database of this benchmark's own on the test server.
struct Database {
    server: String,
    name: String,
    url: String,
}

impl Database {
    fn create(runtime: &tokio::runtime::Runtime, server: &str, what: &str) -> Database {
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).unwrap();
        let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("aftercare_bench_{what}_{suffix}");
        runtime.block_on(async {
            connect(server)
                .await
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
        });
        let (base, _) = server.rsplit_once('/').expect("a URL with a database");
        Database {
            server: server.to_string(),
            url: format!("{base}/{name}"),
            name,
        }
    }

    fn drop_now(self, runtime: &tokio::runtime::Runtime) {
        runtime.block_on(async {
            connect(&self.server)
                .await
                .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
                .await
                .unwrap();
        });
    }
}
