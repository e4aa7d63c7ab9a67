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
