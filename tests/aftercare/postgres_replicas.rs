//! Two `aftercare serve` replicas on one PostgreSQL database: a check-in begun on one goes
//! on, with the same cookie, on the other after the first is killed, and reaches the clinic
//! inbox, where a nurse's session works on either replica.
//!
//! Runs when `AFTERCARE_TEST_POSTGRES` names a server (`eval "$(bash
//! tests/postgres/start.sh)"`), in a database of its own; otherwise it passes saying it was
//! skipped, except in CI, where a test fails instead.

use std::io::Write;
use std::process::Stdio;
use std::str::FromStr;

use crate::serve::{Reply, Server};
use crate::support::{aftercare_process, binary};

const VARIABLE: &str = "AFTERCARE_TEST_POSTGRES";

fn server_url() -> Option<String> {
    std::env::var(VARIABLE).ok().filter(|url| !url.is_empty())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

#[test]
fn ci_runs_the_replica_test_rather_than_skip_it() {
    assert!(
        !in_ci() || server_url().is_some(),
        "CI is set but {VARIABLE} is not: the replica test would pass without running"
    );
}

/// Runs `sql` on the test server's own database, or queries `db`'s, on a runtime of its own.
fn on_database<T: Send + 'static>(
    url: String,
    work: impl AsyncFnOnce(tokio_postgres::Client) -> T + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let config = tokio_postgres::Config::from_str(&url).unwrap();
            let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            work(client).await
        })
    })
    .join()
    .expect("the database work finished")
}

/// A new database on the test server, dropped with its connections at the end.
struct Database {
    server: String,
    name: String,
    url: String,
}

impl Database {
    fn create(server: String) -> Database {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).unwrap();
        let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("aftercare_replicas_{suffix}");
        let sql = format!("CREATE DATABASE {name}");
        on_database(server.clone(), async move |c| {
            c.batch_execute(&sql).await.unwrap()
        });
        let (base, _) = server.rsplit_once('/').expect("a URL with a database");
        let url = format!("{base}/{name}");
        Database { server, name, url }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        on_database(self.server.clone(), async move |c| {
            c.batch_execute(&sql).await.unwrap()
        });
    }
}

fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply
        .headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A browser's cookie, carried from one replica to the other.
struct Visit {
    cookie: String,
}

impl Visit {
    fn start(server: &Server) -> Visit {
        let r = server.request("POST", "/check/start", &[("origin", "http://test")], b"");
        assert_eq!(r.status, 303, "{}", r.text());
        let set = header(&r, "set-cookie").expect("a check-in cookie");
        Visit {
            cookie: set.split(';').next().unwrap().to_string(),
        }
    }

    fn get(&self, server: &Server, path: &str) -> Reply {
        server.request("GET", path, &[("cookie", &self.cookie)], b"")
    }

    /// Posts a form's answers; where it leads next.
    fn answer(&self, server: &Server, path: &str, form: &str) -> String {
        let r = server.request(
            "POST",
            path,
            &[
                ("cookie", &self.cookie),
                ("content-type", "application/x-www-form-urlencoded"),
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://test"),
            ],
            form.as_bytes(),
        );
        assert_eq!(r.status, 303, "{path} {form}: {}", r.text());
        header(&r, "location").unwrap().to_string()
    }
}

fn serve(url: &str) -> Server {
    Server::start_with(aftercare_process(), &["--store", url])
}

#[test]
fn a_checkin_begun_on_one_replica_is_sent_on_the_other_and_reaches_the_inbox() {
    let Some(server_url) = server_url() else {
        eprintln!("skipped: {VARIABLE} is not set (eval \"$(bash tests/postgres/start.sh)\")");
        return;
    };
    let db = Database::create(server_url);
    let url = db.url.clone();

    // The nurse's account, made by the command line on the shared database.
    let password = "correct horse battery staple";
    let mut add = std::process::Command::new(binary())
        .args(["user", "add", "Nora", "--store", &url])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{password}").unwrap();
    let added = add.wait_with_output().unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    // Two replicas start at once on the same (already migrated) database.
    let first = serve(&url);
    let second = serve(&url);

    // A few pages answered on the first.
    let v = Visit::start(&first);
    assert_eq!(
        v.answer(&first, "/check/emergency", "signs=none"),
        "/check/urgent"
    );
    assert_eq!(
        v.answer(&first, "/check/urgent", "signs=none"),
        "/check/when"
    );
    let treated = (chrono::DateTime::parse_from_rfc3339(crate::support::NOW).unwrap()
        - chrono::Duration::days(3))
    .format("%Y-%m-%d");
    assert_eq!(
        v.answer(
            &first,
            "/check/when",
            &format!("treated_on={treated}&treated_time=")
        ),
        "/check/same-day"
    );

    // The first replica goes away (killed, not stopped); the same browser goes on with the
    // second, which finds the answers so far in the database.
    drop(first);
    assert_eq!(
        v.answer(&second, "/check/same-day", "signs=fever"),
        "/check/symptoms"
    );
    let mut next = v.answer(&second, "/check/symptoms", "symptoms=none");
    if next == "/check/about-you" {
        next = v.answer(&second, &next, "risk_factors=none");
    }
    assert_eq!(next, "/check/repeat");
    assert_eq!(
        v.answer(&second, "/check/repeat", "repeat_contact=no"),
        "/check/answers"
    );
    assert_eq!(v.answer(&second, "/check/answers", ""), "/check/result");
    assert_eq!(
        v.answer(
            &second,
            "/check/send",
            "name=Ann+Smith&phone=07700+900123&consent=yes"
        ),
        "/check/result"
    );
    let page = v.get(&second, "/check/result").text();
    assert!(page.contains("Sent to the clinic"), "{page}");

    // In the database: the check-in and its "sent" audit row.
    let (id, disposition, name, consent, sent) = on_database(url.clone(), async move |c| {
        let row = c
            .query_one(
                "SELECT id, disposition, patient_name, consent_to_call FROM checkins",
                &[],
            )
            .await
            .unwrap();
        let sent: i64 = c
            .query_one("SELECT count(*) FROM audit WHERE action = 'sent'", &[])
            .await
            .unwrap()
            .get(0);
        (
            row.get::<_, String>(0),
            row.get::<_, String>(1),
            row.get::<_, String>(2),
            row.get::<_, bool>(3),
            sent,
        )
    });
    assert_eq!(
        (disposition.as_str(), name.as_str(), consent, sent),
        ("see_today", "Ann Smith", true, 1)
    );

    // The nurse signs in on the second replica; a third one, started since, knows her
    // session too, and both list the check-in.
    let r = second.request(
        "POST",
        "/login",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", "http://test"),
        ],
        format!("username=nora&password={}", password.replace(' ', "+")).as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(header(&r, "location"), Some("/inbox"));
    let set = header(&r, "set-cookie").expect("a session cookie");
    assert!(set.starts_with("aftercare_nurse="), "{set}");
    let nurse = set.split(';').next().unwrap().to_string();

    let third = serve(&url);
    for replica in [&second, &third] {
        let inbox = replica.request("GET", "/inbox", &[("cookie", &nurse)], b"");
        assert_eq!(inbox.status, 200, "{}", inbox.text());
        let page = inbox.text();
        assert!(
            page.contains(&format!("data-checkin=\"{id}\"")),
            "the check-in is listed: {page}"
        );
        assert!(page.contains("Ann Smith"), "{page}");
    }
    let views: i64 = on_database(url, async move |c| {
        c.query_one(
            r#"SELECT count(*) FROM audit WHERE action = 'view_inbox' AND "user" = 'Nora'"#,
            &[],
        )
        .await
        .unwrap()
        .get(0)
    });
    assert_eq!(views, 2);
    drop((second, third));
    drop(db);
}
