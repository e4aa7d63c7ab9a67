//! The web check-in over HTTP, as a browser would send it (the journeys in a real browser
//! are `tests/browser/`): the session cookie, the order of the pages, refusals, sending to
//! the clinic into the store, and the headers every page carries.

use crate::serve::{Reply, Server};

struct Visit<'a> {
    server: &'a Server,
    cookie: String,
}

impl Reply {
    fn find(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<'a> Visit<'a> {
    fn start(server: &'a Server) -> Visit<'a> {
        let r = server.request("POST", "/check/start", &[("origin", "http://test")], b"");
        assert_eq!(r.status, 303, "{}", r.text());
        let set = r.find("set-cookie").expect("a session cookie").to_string();
        for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set.contains(flag), "{set}");
        }
        assert!(!set.contains("Secure"), "no Secure flag without TLS: {set}");
        let cookie = set.split(';').next().unwrap().to_string();
        let id = cookie.split('=').nth(1).unwrap();
        assert_eq!(id.len(), 32, "128 bits as hex: {id}");
        Visit { server, cookie }
    }

    fn get(&self, path: &str) -> Reply {
        self.server
            .request("GET", path, &[("cookie", &self.cookie)], b"")
    }

    /// Posts a form; returns where it leads (a 303's Location) or the page with its status.
    fn post(&self, path: &str, form: &str) -> Reply {
        self.server.request(
            "POST",
            path,
            &[
                ("cookie", &self.cookie),
                ("content-type", "application/x-www-form-urlencoded"),
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://test"),
            ],
            form.as_bytes(),
        )
    }

    fn answer(&self, path: &str, form: &str) -> String {
        let r = self.post(path, form);
        assert_eq!(r.status, 303, "{path} {form}: {}", r.text());
        let to = r.find("location").unwrap().to_string();
        // No answer is ever in an address: only the neutral step names.
        assert!(
            to == "/" || to.starts_with("/check/"),
            "{to} after {path} {form}"
        );
        assert!(!to.contains('?') && !to.contains("redness") && !to.contains("fever"));
        to
    }
}

/// A date `days` before the server's pinned clock.
fn date_days_ago(days: i64) -> String {
    let now = chrono::DateTime::parse_from_rfc3339(crate::support::NOW).unwrap();
    (now - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn disposition_of(page: &str) -> Option<String> {
    let at = page.find("data-disposition=\"")? + "data-disposition=\"".len();
    Some(page[at..].split('"').next()?.to_string())
}

#[test]
fn an_emergency_sign_gives_the_instruction_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    let server = Server::start(&["--store", &store]);
    let v = Visit::start(&server);
    let to = v.answer("/check/emergency", "signs=difficulty_breathing");
    assert_eq!(to, "/check/result");
    let page = v.get(&to).text();
    assert_eq!(disposition_of(&page).as_deref(), Some("call_emergency_now"));
    assert!(page.contains("href=\"tel:"), "a tel: link");
    assert!(
        page.contains("trouble breathing"),
        "what to tell the operator"
    );
    assert!(
        !page.contains("Aftercare today"),
        "no aftercare under an emergency"
    );
}

/// After an emergency-department sign the questions stop, before "about you": a risk
/// factor that would make it an emergency is offered below the instruction, with the signs.
#[test]
fn an_injection_with_blurred_vision_is_an_emergency_from_below_the_instruction() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    let server = Server::start(&["--store", &store]);
    let v = Visit::start(&server);
    v.answer("/check/emergency", "signs=none");
    assert_eq!(
        v.answer("/check/urgent", "signs=vision_change"),
        "/check/result"
    );
    let page = v.get("/check/result").text();
    assert_eq!(disposition_of(&page).as_deref(), Some("go_to_ed_now"));
    assert!(
        page.contains(r#"name="risk_factors" value="injected""#),
        "{page}"
    );
    // A value the page did not offer is refused, and changes nothing.
    assert_eq!(v.post("/check/more", "risk_factors=eczema").status, 422);
    assert_eq!(
        v.answer("/check/more", "risk_factors=injected"),
        "/check/result"
    );
    let page = v.get("/check/result").text();
    assert_eq!(
        disposition_of(&page).as_deref(),
        Some("call_emergency_now"),
        "{page}"
    );
    // The form's address opened again (a reload, the history): back to the result.
    for form in ["/check/more", "/check/send"] {
        let r = v.get(form);
        assert_eq!(r.status, 303, "{form}");
        assert_eq!(r.header("location"), Some("/check/result"), "{form}");
    }
}

#[test]
fn a_fever_on_day_3_is_sent_to_the_clinic_and_stored_before_it_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let store = format!("sqlite:{}", path.display());
    let server = Server::start(&["--store", &store]);
    let v = Visit::start(&server);
    // Pages further on cannot be opened early.
    let r = v.get("/check/result");
    assert_eq!(r.status, 303);
    assert_eq!(r.find("location"), Some("/check/emergency"));

    assert_eq!(v.answer("/check/emergency", "signs=none"), "/check/urgent");
    assert_eq!(v.answer("/check/urgent", "signs=none"), "/check/when");
    let when = format!("treated_on={}&treated_time=", date_days_ago(3));
    assert_eq!(v.answer("/check/when", &when), "/check/same-day");
    assert_eq!(
        v.answer("/check/same-day", "signs=fever"),
        "/check/symptoms"
    );
    let mut next = v.answer("/check/symptoms", "symptoms=none");
    if next == "/check/about-you" {
        next = v.answer(&next, "risk_factors=none");
    }
    assert_eq!(next, "/check/repeat");
    assert_eq!(
        v.answer("/check/repeat", "repeat_contact=no"),
        "/check/answers"
    );
    let answers = v.get("/check/answers").text();
    assert!(
        answers.contains("href=\"/check/same-day\""),
        "a change link"
    );
    assert_eq!(v.answer("/check/answers", ""), "/check/result");
    let page = v.get("/check/result").text();
    assert_eq!(disposition_of(&page).as_deref(), Some("see_today"));
    assert!(page.contains("name=\"phone\""), "the offer to send");
    assert!(page.contains("not an emergency service"));

    // Name and phone are both needed to send; the result stays either way.
    let r = v.post("/check/send", "name=&phone=12");
    assert_eq!(r.status, 422);
    assert!(r.text().contains("Enter your name"));
    assert_eq!(disposition_of(&r.text()).as_deref(), Some("see_today"));

    assert_eq!(
        v.answer(
            "/check/send",
            "name=Ann+Smith&phone=07700+900123&consent=yes"
        ),
        "/check/result"
    );
    let page = v.get("/check/result").text();
    assert!(page.contains("Sent to the clinic"), "{page}");
    let db = rusqlite::Connection::open(&path).unwrap();
    let (disposition, name, consent): (String, String, i64) = db
        .query_row(
            "SELECT disposition, patient_name, consent_to_call FROM checkins",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (disposition.as_str(), name.as_str(), consent),
        ("see_today", "Ann Smith", 1)
    );
    let sent: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'sent'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sent, 1);
}

#[test]
fn a_form_from_another_site_is_refused_with_403() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    let server = Server::start(&["--store", &store]);
    let v = Visit::start(&server);
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("origin", "https://elsewhere.example")],
        vec![("origin", "null")],
    ] {
        let mut h = vec![("cookie", v.cookie.as_str())];
        h.extend(headers.iter().copied());
        let r = server.request("POST", "/check/emergency", &h, b"signs=none");
        assert_eq!(r.status, 403, "{headers:?}");
        let r = server.request("POST", "/check/start", &headers, b"");
        assert_eq!(r.status, 403, "{headers:?}");
    }
    // Nothing was recorded: the first question is still open.
    let r = v.get("/check/urgent");
    assert_eq!(r.find("location"), Some("/check/emergency"));
}

#[test]
fn pages_carry_their_headers_and_the_stylesheet_is_cached_by_its_tag() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    let token = dir.path().join("token");
    std::fs::write(&token, "0123456789abcdef0123456789abcdef\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let server = Server::start(&["--store", &store, "--token-file", token.to_str().unwrap()]);
    // The token guards /v1, not the patient's pages.
    let r = server.request("GET", "/", &[], b"");
    assert_eq!(r.status, 200);
    let page = r.text();
    assert!(page.contains("<html lang=\"en\">"));
    assert_eq!(page.matches("<h1").count(), 1);
    assert_eq!(r.find("cache-control"), Some("no-store"));
    assert!(r
        .find("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
    assert_eq!(r.find("x-frame-options"), Some("DENY"));
    let css = page
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(css.starts_with("/static/style.css?v="), "{css}");
    let r = server.request("GET", css, &[], b"");
    assert_eq!(r.status, 200);
    assert!(r
        .find("cache-control")
        .unwrap()
        .contains("max-age=31536000"));
    let tag = r.find("etag").unwrap().to_string();
    let r = server.request("GET", css, &[("if-none-match", &tag)], b"");
    assert_eq!(r.status, 304);
    // Without a session, a question page leads to the start.
    let r = server.request("GET", "/check/symptoms", &[], b"");
    assert_eq!((r.status, r.find("location")), (303, Some("/")));
    assert_eq!(server.request("GET", "/v1/rules", &[], b"").status, 401);
}

#[test]
fn the_default_store_is_created_on_first_use_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = crate::support::aftercare_process();
    cmd.current_dir(dir.path());
    let server = Server::start_with(cmd, &[]);
    let file = dir.path().join("aftercare.sqlite3");
    assert_eq!(server.request("GET", "/healthz", &[], b"").status, 200);
    assert!(
        !file.exists(),
        "a server that only answered /healthz made no store"
    );
    Visit::start(&server);
    assert!(file.exists(), "the check-in made the default store");
}

/// A check-in of `see_today` (a fever on day 3) sent by a patient on `server`.
fn send_fever(server: &Server, name: &str) {
    let v = Visit::start(server);
    v.answer("/check/emergency", "signs=none");
    v.answer("/check/urgent", "signs=none");
    v.answer("/check/when", &format!("treated_on={}", date_days_ago(3)));
    v.answer("/check/same-day", "signs=fever");
    let mut next = v.answer("/check/symptoms", "symptoms=none");
    if next == "/check/about-you" {
        next = v.answer(&next, "risk_factors=none");
    }
    v.answer(&next, "repeat_contact=no");
    v.answer("/check/answers", "");
    v.answer(
        "/check/send",
        &format!("name={name}&phone=07700+900123&consent=yes"),
    );
}

/// A nurse signed in on `server`: the session cookie.
fn sign_in(server: &Server, name: &str, password: &str) -> String {
    let form = format!("username={name}&password={}", password.replace(' ', "+"));
    let r = server.request(
        "POST",
        "/login",
        &[
            ("origin", "http://test"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        form.as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let set = r.find("set-cookie").expect("a session cookie").to_string();
    for flag in ["HttpOnly", "SameSite=Strict"] {
        assert!(set.contains(flag), "{set}");
    }
    set.split(';').next().unwrap().to_string()
}

fn nurse_post(server: &Server, cookie: &str, path: &str, form: &str) -> Reply {
    server.request(
        "POST",
        path,
        &[
            ("cookie", cookie),
            ("origin", "http://test"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        form.as_bytes(),
    )
}

#[test]
fn nurses_sign_in_see_the_inbox_and_claim_a_check_in_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    for (name, password) in [
        ("kim", "correct horse battery"),
        ("lee", "another long password"),
    ] {
        let r = crate::support::run(
            &["user", "add", name, "--store", &store],
            format!("{password}\n"),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let server = Server::start(&["--store", &store]);
    send_fever(&server, "Ann+Smith");

    // Nothing under /inbox without a sign-in.
    for path in ["/inbox", "/inbox/list", "/inbox/0123"] {
        let r = server.request("GET", path, &[], b"");
        assert_eq!(
            (r.status, r.find("location")),
            (303, Some("/login")),
            "{path}"
        );
    }
    // A wrong password and an unknown name get the same answer.
    let wrong = |name: &str| {
        nurse_post(
            &server,
            "",
            "/login",
            &format!("username={name}&password=not+the+one+at+all"),
        )
    };
    let (a, b) = (wrong("kim"), wrong("nobody"));
    assert_eq!((a.status, b.status), (401, 401));
    assert!(a.text().contains("The name or password is not right"));
    assert!(b.text().contains("The name or password is not right"));

    let kim = sign_in(&server, "KIM", "correct horse battery");
    let page = server
        .request("GET", "/inbox", &[("cookie", &kim)], b"")
        .text();
    let id = page
        .split("data-checkin=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a check-in row")
        .to_string();
    assert!(page.contains("data-disposition=\"see_today\""));
    let one = server
        .request("GET", &format!("/inbox/{id}"), &[("cookie", &kim)], b"")
        .text();
    assert!(
        one.contains("Ann Smith") && one.contains("tel:07700900123"),
        "{one}"
    );
    assert!(one.contains("micro-needling-default"), "the rule set named");

    let r = nurse_post(&server, &kim, &format!("/inbox/{id}/claim"), "");
    assert_eq!(r.status, 303);
    let lee = sign_in(&server, "lee", "another long password");
    let r = nurse_post(&server, &lee, &format!("/inbox/{id}/claim"), "");
    assert_eq!(r.status, 409);
    assert!(r.text().contains("already claimed by kim"), "{}", r.text());
    let r = nurse_post(
        &server,
        &lee,
        &format!("/inbox/{id}/outcome"),
        "reached=yes&disposition_after=see_today",
    );
    assert_eq!(r.status, 409, "only the claimer records the outcome");
    let r = nurse_post(
        &server,
        &kim,
        &format!("/inbox/{id}/outcome"),
        "reached=maybe&disposition_after=see_today",
    );
    assert_eq!(r.status, 422);
    let r = nurse_post(
        &server,
        &kim,
        &format!("/inbox/{id}/outcome"),
        "reached=yes&disposition_after=see_today&note=Seen+at+4pm",
    );
    assert_eq!(r.status, 303);
    let r = server.request(
        "GET",
        &format!("/inbox/{id}/export"),
        &[("cookie", &kim)],
        b"",
    );
    let json: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(json["format"], "aftercare-checkin-1");
    assert_eq!(json["outcome"]["note"], "Seen at 4pm");
    assert_eq!(json["claim"]["user"], "kim");

    // A form from another site is refused, signed in or not.
    let r = server.request(
        "POST",
        &format!("/inbox/{id}/claim"),
        &[("cookie", &lee), ("sec-fetch-site", "cross-site")],
        b"",
    );
    assert_eq!(r.status, 403);
    let r = server.request(
        "POST",
        "/login",
        &[("origin", "https://evil.example")],
        b"username=kim&password=x",
    );
    assert_eq!(r.status, 403);

    let r = nurse_post(&server, &kim, "/logout", "");
    assert_eq!(r.status, 200);
    let r = server.request("GET", "/inbox", &[("cookie", &kim)], b"");
    assert_eq!(r.status, 303, "the session ended");

    // The audit trail: who did what to which check-in, and no health data.
    let r = crate::support::run(&["audit", "--store", &store], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let has = |user: Option<&str>, action: &str| {
        lines
            .iter()
            .any(|l| l["action"] == action && l["user"].as_str() == user)
    };
    for (user, action) in [
        (None, "sent"),
        (Some("kim"), "sign_in_failed"),
        (Some("nobody"), "sign_in_failed"),
        (Some("kim"), "sign_in"),
        (Some("kim"), "view_inbox"),
        (Some("kim"), "view"),
        (Some("kim"), "claim"),
        (Some("kim"), "outcome"),
        (Some("kim"), "export"),
        (Some("kim"), "sign_out"),
        (Some("lee"), "sign_in"),
    ] {
        assert!(has(user, action), "{user:?} {action}: {}", r.stdout);
    }
    assert!(!has(Some("lee"), "claim"), "a refused claim is not a claim");
    for secret in ["Ann", "07700", "4pm"] {
        assert!(!r.stdout.contains(secret), "health data in the audit trail");
    }
    for l in &lines {
        let keys: Vec<&String> = l.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["action", "at", "checkin", "user"]);
    }
}

#[test]
fn accounts_are_checked_and_a_disabled_nurse_cannot_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    let add = |name: &str, password: &str| {
        crate::support::run(
            &["user", "add", name, "--store", &store],
            format!("{password}\n"),
        )
    };
    let r = add("kim", "short");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("at least 12"), "{}", r.stderr);
    let r = add("kim lee", "long enough password");
    assert_eq!(r.code, 2);
    assert_eq!(add("kim", "long enough password").code, 0);
    let r = add("Kim", "long enough password");
    assert_eq!(r.code, 2, "names are compared without case: {}", r.stderr);
    let r = crate::support::run(&["user", "list", "--store", &store], "");
    assert!(r.stdout.starts_with("kim\tcreated "), "{}", r.stdout);

    let server = Server::start(&["--store", &store]);
    let kim = sign_in(&server, "kim", "long enough password");
    let r = crate::support::run(&["user", "disable", "kim", "--store", &store], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = server.request("GET", "/inbox", &[("cookie", &kim)], b"");
    assert_eq!(r.status, 303, "the disabled nurse's session ended");
    let r = nurse_post(
        &server,
        "",
        "/login",
        "username=kim&password=long+enough+password",
    );
    assert_eq!(r.status, 401);
    let r = crate::support::run(&["user", "disable", "nobody", "--store", &store], "");
    assert_eq!(r.code, 2);
}

#[test]
fn a_check_in_is_erased_on_request_and_the_audit_keeps_only_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let store = format!("sqlite:{}", path.display());
    let server = Server::start(&["--store", &store]);
    send_fever(&server, "Ann+Smith");
    send_fever(&server, "Bob+Jones");
    drop(server);
    let db = rusqlite::Connection::open(&path).unwrap();
    let id: String = db
        .query_row(
            "SELECT id FROM checkins WHERE patient_name = 'Ann Smith'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let r = crate::support::run(&["checkin", "erase", &id, "--store", &store], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = crate::support::run(&["checkin", "erase", &id, "--store", &store], "");
    assert_eq!(r.code, 2, "erased already: {}", r.stderr);
    let left: i64 = db
        .query_row("SELECT count(*) FROM checkins", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 1);
    // Kept for 30 days: nothing is old enough yet.
    let r = crate::support::run(
        &["checkin", "purge", "--keep-days", "30", "--store", &store],
        "",
    );
    assert!(r.stdout.contains("deleted 0 check-ins"), "{}", r.stdout);
    let r = crate::support::run(&["audit", "--store", &store], "");
    let erase: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("\"erase\""))
        .collect();
    assert_eq!(erase.len(), 1, "{}", r.stdout);
    assert!(
        erase[0].contains(&id) && erase[0].contains("\"cli:"),
        "{}",
        erase[0]
    );
    let r = crate::support::run(&["audit", "--store", &store, "--since", "2999-01-01"], "");
    assert_eq!(r.stdout, "", "the time filter");
    let r = crate::support::run(&["audit", "--store", &store, "--since", "yesterday"], "");
    assert_eq!(r.code, 2);
}

#[test]
fn repeated_failed_sign_ins_slow_the_next_tries() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    let server = Server::start(&["--store", &store]);
    let try_once = || {
        let started = std::time::Instant::now();
        let r = nurse_post(
            &server,
            "",
            "/login",
            "username=kim&password=guess+number+one",
        );
        assert_eq!(r.status, 401);
        started.elapsed()
    };
    for _ in 0..5 {
        try_once();
    }
    let slowed = try_once();
    assert!(
        slowed >= std::time::Duration::from_millis(900),
        "the sixth failure within minutes waits: {slowed:?}"
    );
}

/// A treatment picked on the calendar before a change of the clocks is read at that day's
/// offset, as a typed date is: 12:30 on 23 October 2026 in London is 11:30 UTC (summer time),
/// so at 12:00 UTC on 26 October, after the change, it is day 3 (read at today's offset it
/// would be 12:30 UTC, day 2).
#[test]
fn a_date_before_a_change_of_the_clocks_is_read_at_its_own_offset() {
    use assert_cmd::cargo::CommandCargoExt;
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    let mut cmd = std::process::Command::cargo_bin("aftercare").unwrap();
    cmd.env("TZ", "Europe/London")
        .env("NO_COLOR", "1")
        .args(["--now", "2026-10-26T12:00:00Z"]);
    let server = Server::start_with(cmd, &["--store", &store]);
    let v = Visit::start(&server);
    v.answer("/check/emergency", "signs=none");
    v.answer("/check/urgent", "signs=none");
    v.answer("/check/when", "treated_on=2026-10-23&treated_time=12:30");
    v.answer("/check/same-day", "signs=none");
    let mut next = v.answer("/check/symptoms", "symptoms=none");
    if next == "/check/about-you" {
        next = v.answer(&next, "risk_factors=none");
    }
    assert_eq!(v.answer(&next, "repeat_contact=no"), "/check/answers");
    v.answer("/check/answers", "");
    let page = v.get("/check/result").text();
    assert!(
        page.contains("Today is day 3 after your treatment."),
        "{page}"
    );
}

/// A server with its clock pinned, in time zone `tz`.
fn pinned_server(tz: &str, now: &str, dir: &tempfile::TempDir) -> Server {
    use assert_cmd::cargo::CommandCargoExt;
    let store = format!("sqlite:{}", dir.path().join("s.sqlite3").display());
    let mut cmd = std::process::Command::cargo_bin("aftercare").unwrap();
    cmd.env("TZ", tz).env("NO_COLOR", "1").args(["--now", now]);
    Server::start_with(cmd, &["--store", &store])
}

/// The pages up to the symptoms, with no danger sign, treated at `time` on `date`: the
/// address the symptoms page leads to (the first symptom's details).
fn to_details(v: &Visit, date: &str, time: &str, symptom: &str) -> String {
    v.answer("/check/emergency", "signs=none");
    v.answer("/check/urgent", "signs=none");
    assert_eq!(
        v.answer(
            "/check/when",
            &format!("treated_on={date}&treated_time={time}")
        ),
        "/check/same-day"
    );
    v.answer("/check/same-day", "signs=none");
    v.answer("/check/symptoms", &format!("symptoms={symptom}"))
}

/// From `next` to "Check your answers": "about you" answered "none" when it is asked, and
/// no repeat contact.
fn to_answers(v: &Visit, next: &str) {
    let mut next = next.to_string();
    if next == "/check/about-you" {
        next = v.answer(&next, "risk_factors=none");
    }
    assert_eq!(v.answer(&next, "repeat_contact=no"), "/check/answers");
}

/// The check-in of one symptom treated at `time` on `date`: its result page.
fn result_of(server: &Server, date: &str, time: &str, symptom: &str, details: &str) -> String {
    let v = Visit::start(server);
    let to = to_details(&v, date, time, symptom);
    to_answers(&v, &v.answer(&to, details));
    v.answer("/check/answers", "");
    let reply = v.get("/check/result");
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.text()
}

/// On the treatment day a symptom's start is "now", which must not come out later than the
/// case's own time since treatment (rounded to the micro-day: 8 hours is 0.333333 days).
#[test]
fn the_treatment_day_gives_a_result_at_any_hour() {
    let dir = tempfile::tempdir().unwrap();
    let server = pinned_server("UTC", "2026-12-06T15:00:00Z", &dir);
    for time in ["01:00", "07:00", "09:00", "13:00", "14:59"] {
        let page = result_of(
            &server,
            "2026-12-06",
            time,
            "redness",
            "severity-redness=mild&trend-redness=stable",
        );
        assert_eq!(
            disposition_of(&page).as_deref(),
            Some("home_care"),
            "{time}: {page}"
        );
    }
}

/// A pinned clock is read in the server's time zone, as the clock is: at 23:00 UTC it is
/// already 7 December at 13:00 in Kiritimati (UTC+14), and 08:00 that morning is day 0.
#[test]
fn a_pinned_clock_reads_dates_in_the_local_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let server = pinned_server("Pacific/Kiritimati", "2026-12-06T23:00:00Z", &dir);
    let page = result_of(
        &server,
        "2026-12-07",
        "08:00",
        "redness",
        "severity-redness=mild&trend-redness=stable",
    );
    assert!(
        page.contains("Today is day 0, the day of your treatment."),
        "{page}"
    );
}

/// On day 0 a symptom's start is asked only when the hour can change the answer: pinpoint
/// bleeding that starts more than 12 hours after the treatment is new bleeding. Not asked,
/// it is "since the treatment", as "Check your answers" says.
#[test]
fn on_the_treatment_day_the_start_is_asked_only_when_it_matters() {
    let dir = tempfile::tempdir().unwrap();
    let server = pinned_server("UTC", "2026-12-06T15:00:00Z", &dir);
    let details = |symptom: &str| {
        let v = Visit::start(&server);
        let to = to_details(&v, "2026-12-06", "00:30", symptom);
        v.get(&to).text()
    };
    assert!(details("pinpoint_bleeding").contains(r#"name="started-pinpoint_bleeding""#));
    assert!(!details("redness").contains(r#"name="started-redness""#));
    // Since the treatment: no late start, as `check` gives for started_day 0.
    let page = result_of(
        &server,
        "2026-12-06",
        "00:30",
        "pinpoint_bleeding",
        "severity-pinpoint_bleeding=mild&trend-pinpoint_bleeding=improving&started-pinpoint_bleeding=treatment",
    );
    let (json, _, _) = crate::support::check_json(
        r#"{"treated_at": "2026-12-06T00:30:00Z", "assessed_at": "2026-12-06T15:00:00Z", "symptoms": [{"id": "pinpoint_bleeding", "severity": "mild", "trend": "improving", "started_day": 0}]}"#,
    );
    assert_eq!(
        disposition_of(&page).as_deref(),
        json["disposition"].as_str(),
        "{page}"
    );
}

/// A form far over the limit gets a page in the words of the others, not a line of text.
#[test]
fn a_form_far_too_long_is_refused_with_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let server = pinned_server("UTC", "2026-12-06T15:00:00Z", &dir);
    let v = Visit::start(&server);
    let r = v.post(
        "/check/other",
        &format!("other_description={}", "a".repeat(200_000)),
    );
    assert_eq!(r.status, 413);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r.text().contains("<h1>"), "{}", r.text());
    assert!(
        r.text().contains("your earlier answers are kept"),
        "{}",
        r.text()
    );
}

/// A start not asked on day 0 ("since the treatment", as the hour could not change the
/// answer) is asked once the date moves to an earlier day, where it can; and a day number
/// counted from the old date is asked again, as it now names another day.
#[test]
fn a_date_moved_back_asks_again_the_starts_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let server = pinned_server("UTC", "2026-12-06T15:00:00Z", &dir);
    let v = Visit::start(&server);
    let details = to_details(&v, "2026-12-06", "10:00", "swelling");
    let page = v.get(&details).text();
    assert!(
        !page.contains(r#"name="started-swelling""#),
        "day 0: {page}"
    );
    to_answers(
        &v,
        &v.answer(&details, "severity-swelling=mild&trend-swelling=improving"),
    );
    // Three days back: when it began is asked, not taken as "since the treatment".
    assert_eq!(
        v.answer("/check/when", "treated_on=2026-12-03&treated_time=10:00"),
        "/check/details/1"
    );
    let page = v.get("/check/details/1").text();
    assert!(page.contains(r#"name="started-swelling""#), "{page}");
    let mut next = v.answer(
        "/check/details/1",
        "severity-swelling=mild&trend-swelling=improving&started-swelling=3",
    );
    if next == "/check/about-you" {
        next = v.answer(&next, "risk_factors=none");
    }
    assert_eq!(next, "/check/answers");
    // A day back again: "day 3" counted from the 3rd is another date from the 2nd.
    assert_eq!(
        v.answer("/check/when", "treated_on=2026-12-02&treated_time=10:00"),
        "/check/details/1"
    );
}

/// Answers that give no result (only a fault of the tool can make them: here a draft
/// changed in the store) get the clinic today and the emergency signs, never a store error
/// or a silence.
#[test]
fn answers_that_give_no_result_say_where_to_get_help() {
    let dir = tempfile::tempdir().unwrap();
    let server = pinned_server("UTC", "2026-12-06T15:00:00Z", &dir);
    let v = Visit::start(&server);
    let details = to_details(&v, "2026-12-04", "10:00", "redness");
    to_answers(
        &v,
        &v.answer(
            &details,
            "severity-redness=mild&trend-redness=stable&started-redness=treatment",
        ),
    );
    v.answer("/check/answers", "");
    assert_eq!(v.get("/check/result").status, 200);
    let db = rusqlite::Connection::open(dir.path().join("s.sqlite3")).unwrap();
    let data: String = db
        .query_row("SELECT data FROM drafts", [], |r| r.get(0))
        .unwrap();
    let changed = data.replace("\"redness\"", "\"zzz\"");
    assert_ne!(changed, data);
    db.execute("UPDATE drafts SET data = ?1", [&changed])
        .unwrap();
    drop(db);
    let reply = v.get("/check/result");
    assert_eq!(reply.status, 500);
    let page = reply.text();
    assert!(page.contains("Contact the clinic today"), "{page}");
    assert!(page.contains("call emergency services"), "{page}");
    assert!(disposition_of(&page).is_none(), "{page}");
}
