//! `aftercare serve`: the real binary on a free port of 127.0.0.1, driven over plain TCP by
//! a small HTTP/1.1 client, so that the tests see exactly the bytes a portal would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{aftercare_process, check, repo_path, test_cases};

/// A running server; killed when dropped if the test did not stop it.
pub(crate) struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub(crate) fn start(args: &[&str]) -> Server {
        Self::try_start(args)
            .unwrap_or_else(|(code, log)| panic!("the server did not start (exit {code:?}): {log}"))
    }

    /// Starts `aftercare serve` on port 0 with `args`; the address is read from its first
    /// line. An error holds the exit code and standard error of a server that stopped.
    fn try_start(args: &[&str]) -> Result<Server, (Option<i32>, String)> {
        Self::spawn(aftercare_process(), args)
    }

    /// Starts a server from `cmd` (a working directory of its own, say).
    pub(crate) fn start_with(cmd: std::process::Command, args: &[&str]) -> Server {
        Self::spawn(cmd, args)
            .unwrap_or_else(|(code, log)| panic!("the server did not start (exit {code:?}): {log}"))
    }

    fn spawn(
        mut cmd: std::process::Command,
        args: &[&str],
    ) -> Result<Server, (Option<i32>, String)> {
        let mut child = cmd
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("aftercare serve starts");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.strip_prefix("aftercare: listening on http://") {
                    let addr = at.split(' ').next().unwrap_or("").to_string();
                    let _ = tx.send(addr);
                }
                lines.lock().unwrap().push(line);
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => Ok(Server { child, addr, log }),
            Err(_) => {
                let code = child.wait().ok().and_then(|s| s.code());
                std::thread::sleep(Duration::from_millis(50));
                Err((code, log.lock().unwrap().join("\n")))
            }
        }
    }

    pub(crate) fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).expect("the server accepts");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s
    }

    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut s = self.connect();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        // A server may answer (413) before the whole body is sent and close.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        Reply::parse(&raw)
    }

    pub(crate) fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        self.request("POST", path, &[("content-type", content_type)], body)
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    pub(crate) fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// SIGTERM, then the exit code.
    fn terminate(&mut self) -> Option<i32> {
        // SAFETY: a plain kill(2) of the child this test started.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        self.wait()
    }

    fn wait(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(50));
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the server did not stop")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = raw[end + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        if chunked {
            let mut reader = BufReader::new(&body[..]);
            let mut whole = Vec::new();
            while let Some(chunk) = read_chunk(&mut reader) {
                whole.extend(chunk);
            }
            body = whole;
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("the body is UTF-8")
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text()))
    }
}

/// One chunk of a chunked body; `None` at its end.
fn read_chunk<R: BufRead>(r: &mut R) -> Option<Vec<u8>> {
    let mut size_line = String::new();
    if r.read_line(&mut size_line).ok()? == 0 {
        return None;
    }
    let size = usize::from_str_radix(size_line.trim(), 16).ok()?;
    if size == 0 {
        return None;
    }
    let mut data = vec![0; size + 2];
    r.read_exact(&mut data).ok()?;
    data.truncate(size);
    Some(data)
}

/// Reads a chunked response to its last chunk. Panics if the connection ends first: a
/// response cut short is not a response that ended.
fn read_to_last_chunk<R: BufRead>(r: &mut R) {
    loop {
        let mut size_line = String::new();
        let read = r.read_line(&mut size_line).expect("the response goes on");
        assert!(read > 0, "the connection ended before the last chunk");
        let size = usize::from_str_radix(size_line.trim(), 16).expect("a chunk size");
        if size == 0 {
            r.read_line(&mut String::new())
                .expect("the end of the response");
            return;
        }
        r.read_exact(&mut vec![0; size + 2]).expect("a whole chunk");
    }
}

/// Reads response chunks until a whole line has come; returns the line.
pub(crate) fn read_answer_line<R: BufRead>(r: &mut R, pending: &mut Vec<u8>) -> String {
    loop {
        if let Some(i) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=i).collect();
            return String::from_utf8(line).unwrap().trim_end().to_string();
        }
        let chunk = read_chunk(r).expect("another answer comes");
        pending.extend(chunk);
    }
}

/// Reads a response's head from a stream; returns the status.
pub(crate) fn read_head<R: BufRead>(r: &mut R) -> u16 {
    let mut status = 0;
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        if status == 0 {
            status = line.split(' ').nth(1).unwrap().parse().unwrap();
        } else if line.trim().is_empty() {
            return status;
        }
    }
}

pub(crate) fn send_chunk(s: &mut TcpStream, data: &[u8]) {
    s.write_all(format!("{:x}\r\n", data.len()).as_bytes())
        .unwrap();
    s.write_all(data).unwrap();
    s.write_all(b"\r\n").unwrap();
    s.flush().unwrap();
}

const FEVER: &str = r#"{"id":"caller-a","days_since_treatment":2,"symptoms":[{"id":"fever"}]}"#;
const FAINTING: &str =
    r#"{"id":"caller-b","days_since_treatment":1,"symptoms":[{"id":"fainting"}]}"#;
const JSON: &str = "application/json";
const NDJSON: &str = "application/x-ndjson";

#[test]
fn one_case_gives_the_same_bytes_as_check_in_both_formats() {
    let server = Server::start(&[]);
    for (query, format) in [
        ("", "json"),
        ("?format=json", "json"),
        ("?format=compact", "compact"),
        ("?format=fhir", "fhir"),
    ] {
        let reply = server.post(&format!("/v1/check{query}"), JSON, FEVER.as_bytes());
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.header("content-type"), Some(JSON));
        assert_eq!(reply.text(), check(format, FEVER).stdout, "{format}");
    }
    // A pretty-printed case is one case too.
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(FEVER).unwrap())
            .unwrap();
    let reply = server.post(
        "/v1/check",
        "application/json; charset=utf-8",
        pretty.as_bytes(),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), check("json", FEVER).stdout);
}

#[test]
fn every_public_case_over_http_equals_check() {
    let server = Server::start(&[]);
    // Every case file there is, so that a new one is covered too.
    let mut files: Vec<String> = std::fs::read_dir(repo_path("tests/cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jsonl"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let cases: Vec<serde_json::Value> = files
        .iter()
        .flat_map(|f| test_cases(&format!("tests/cases/{f}")))
        .collect();
    assert!(cases.len() >= 40);
    let inputs: Vec<String> = cases.iter().map(|c| c["input"].to_string()).collect();
    let stream: String = inputs.iter().map(|i| format!("{i}\n")).collect();
    for format in ["json", "compact"] {
        let from_check = check(format, stream.as_bytes());
        assert_eq!(from_check.code, 0, "{}", from_check.stderr);
        let expected: Vec<&str> = from_check.stdout.lines().collect();
        assert_eq!(expected.len(), inputs.len());
        // One request a case...
        for (input, want) in inputs.iter().zip(&expected) {
            let reply = server.post(
                &format!("/v1/check?format={format}"),
                JSON,
                input.as_bytes(),
            );
            assert_eq!(reply.status, 200, "{input}: {}", reply.text());
            assert_eq!(reply.text(), format!("{want}\n"), "{input}");
        }
        // ...and all of them as one stream.
        let reply = server.post(
            &format!("/v1/check?format={format}"),
            NDJSON,
            stream.as_bytes(),
        );
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-type"), Some(NDJSON));
        assert_eq!(reply.text(), from_check.stdout);
    }
}

#[test]
fn refusals_have_their_status_and_the_same_error_record_as_check() {
    let server = Server::start(&["--log-dispositions"]);
    // Not a valid case: 422 and check's error record.
    let bad = r#"{"id":"x","days_since_treatment":2,"symptons":[]}"#;
    let reply = server.post("/v1/check", JSON, bad.as_bytes());
    assert_eq!(reply.status, 422);
    assert_eq!(reply.text(), check("json", bad).stdout);
    assert_eq!(reply.json()["error"]["field"], "symptons");
    // A refused case that names an emergency sign: 422 with at_least, and the log says so.
    let sign = r#"{"days_since_treatment":"two","symptoms":[{"id":"stroke_signs"}]}"#;
    let reply = server.post("/v1/check", JSON, sign.as_bytes());
    assert_eq!(reply.status, 422);
    assert_eq!(reply.text(), check("json", sign).stdout);
    assert_eq!(reply.json()["at_least"], "call_emergency_now");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server
        .log()
        .iter()
        .any(|l| l.contains("422 refused at_least=call_emergency_now"))
    {
        assert!(Instant::now() < deadline, "{:?}", server.log());
        std::thread::sleep(Duration::from_millis(10));
    }
    // Not JSON at all: 400, with the record all the same.
    let broken = r#"{"days_since_treatment": 2, "symp"#;
    let reply = server.post("/v1/check", JSON, broken.as_bytes());
    assert_eq!(reply.status, 400);
    assert_eq!(reply.text(), check("json", broken).stdout);
    assert_eq!(server.post("/v1/check", JSON, b"").status, 400);
    // Another content type, or none: 415.
    let reply = server.post("/v1/check", "text/plain", FEVER.as_bytes());
    assert_eq!(reply.status, 415);
    assert!(reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("application/x-ndjson"));
    assert_eq!(
        server
            .request("POST", "/v1/check", &[], FEVER.as_bytes())
            .status,
        415
    );
    // A format that does not exist here, or a mistyped parameter: 400 naming the formats.
    for query in ["format=disposition", "format=text", "fromat=compact"] {
        let reply = server.post(&format!("/v1/check?{query}"), JSON, FEVER.as_bytes());
        assert_eq!(reply.status, 400, "{query}");
        assert!(reply.text().contains("json"), "{query}: {}", reply.text());
    }
    // Over 1 MiB: 413.
    let mut big = FEVER.to_string();
    big.push_str(&" ".repeat(1024 * 1024));
    assert_eq!(server.post("/v1/check", JSON, big.as_bytes()).status, 413);
    // No such route, or the wrong method: 404, 405.
    assert_eq!(server.get("/v2/check").status, 404);
    assert_eq!(server.get("/v2/check").json()["error"]["kind"], "request");
    let reply = server.get("/v1/check");
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));
    assert_eq!(server.post("/v1/rules", JSON, b"{}").status, 405);
}

#[test]
fn a_stream_answers_each_line_and_an_error_record_for_a_bad_one() {
    let server = Server::start(&["--log-dispositions"]);
    let body = format!("{FEVER}\r\n\nnot json\n{FAINTING}");
    let reply = server.post("/v1/check", NDJSON, body.as_bytes());
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), check("json", body.as_bytes()).stdout);
    let lines: Vec<serde_json::Value> = reply
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[2]["disposition"], "call_emergency_now");
    // A line over the limit is refused alone, and the stream goes on.
    let long = format!("{}\n{FEVER}\n", "x".repeat(1024 * 1024 + 10));
    let reply = server.post("/v1/check?format=compact", NDJSON, long.as_bytes());
    let text = reply.text();
    assert_eq!(text.lines().count(), 2, "{text}");
    let mut it = text.lines();
    assert!(it.next().unwrap().contains("bytes long"));
    assert!(it.next().unwrap().contains("see_today"));
    // An empty stream is said to be empty, as check says it.
    let reply = server.post("/v1/check", NDJSON, b"");
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("empty input"));
}

#[test]
fn a_stream_is_answered_line_by_line_while_the_client_is_still_sending() {
    let server = Server::start(&["--log-dispositions"]);
    let mut s = server.connect();
    s.write_all(b"POST /v1/check?format=compact HTTP/1.1\r\nhost: test\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut pending = Vec::new();
    // The first case, in two pieces; its answer comes before anything more is sent.
    let (a, b) = FEVER.split_at(20);
    send_chunk(&mut s, a.as_bytes());
    send_chunk(&mut s, format!("{b}\n").as_bytes());
    assert_eq!(read_head(&mut reader), 200);
    let first = read_answer_line(&mut reader, &mut pending);
    assert!(
        first.contains("\"caller-a\"") && first.contains("see_today"),
        "{first}"
    );
    send_chunk(&mut s, b"{broken\n");
    let second = read_answer_line(&mut reader, &mut pending);
    assert!(second.contains("\"line\":2"), "{second}");
    send_chunk(&mut s, format!("{FAINTING}\n").as_bytes());
    let third = read_answer_line(&mut reader, &mut pending);
    assert!(third.contains("call_emergency_now"), "{third}");
    s.write_all(b"0\r\n\r\n").unwrap();
    assert!(
        read_chunk(&mut reader).is_none(),
        "the stream ends with the input"
    );
    // The log says what the stream found, never a case id.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.log().iter().any(|l| l.contains("POST /v1/check")) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let log = server.log();
    let line = log
        .iter()
        .find(|l| l.contains("POST /v1/check"))
        .expect("a log line");
    assert!(
        line.contains("call_emergency_now cases=2 refused=1"),
        "{line}"
    );
    assert!(
        log.iter()
            .all(|l| !l.contains("caller") && !l.contains("fever")),
        "{log:?}"
    );
}

#[test]
fn the_token_is_required_when_set_and_the_health_routes_stay_open() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "s3cret-clinic-token\n").unwrap();
    // Readable by its owner alone, as the server asks.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let server = Server::start(&["--token-file", file.to_str().unwrap()]);
    let reply = server.post("/v1/check", JSON, FEVER.as_bytes());
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    for wrong in [
        "Bearer s3cret-clinic-toke",
        "Bearer s3cret-clinic-token2",
        "s3cret-clinic-token",
        "Basic s3cret-clinic-token",
    ] {
        let reply = server.request("GET", "/v1/rules", &[("authorization", wrong)], b"");
        assert_eq!(reply.status, 401, "{wrong}");
    }
    let right = [
        ("authorization", "Bearer s3cret-clinic-token"),
        ("content-type", JSON),
    ];
    assert_eq!(
        server
            .request("POST", "/v1/check", &right, FEVER.as_bytes())
            .status,
        200
    );
    assert_eq!(
        server.request("GET", "/v1/rules", &right[..1], b"").status,
        200
    );
    // The scheme's name is case-insensitive (RFC 7235).
    assert_eq!(
        server
            .request(
                "GET",
                "/v1/rules",
                &[("authorization", "bearer s3cret-clinic-token")],
                b""
            )
            .status,
        200
    );
    assert_eq!(server.get("/healthz").status, 200);
    assert_eq!(server.get("/readyz").status, 200);
    assert!(server.log().iter().all(|l| !l.contains("s3cret")));
    // A token file that holds no token stops the start as a usage error.
    std::fs::write(&file, "\n").unwrap();
    let err = Server::try_start(&["--token-file", file.to_str().unwrap()])
        .err()
        .unwrap();
    assert_eq!(err.0, Some(2), "{}", err.1);
    assert!(err.1.contains("--token-file"), "{}", err.1);
}

#[test]
fn advice_rules_and_health() {
    let server = Server::start(&[]);
    let reply = server.post("/v1/advice", JSON, br#"{"day": 2, "topic": "sun"}"#);
    assert_eq!(reply.status, 200);
    let cli = crate::support::run(
        &["advice", "--day", "2", "--topic", "sun", "--format", "json"],
        "",
    );
    assert_eq!(reply.text(), cli.stdout);
    let reply = server.post("/v1/advice", JSON, br#"{"treated": "2026-11-18 14:30"}"#);
    assert_eq!(reply.status, 200);
    let cli = crate::support::run(
        &[
            "advice",
            "--treated",
            "2026-11-18 14:30",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(reply.text(), cli.stdout);
    for (body, field) in [
        (r#"{"day": 2, "topic": "karaoke"}"#, "topic"),
        (r#"{"day": -1}"#, "day"),
        (r#"{"treated": "someday"}"#, "treated"),
        (r#"{"dya": 2}"#, "dya"),
        (r#"{"day": 2, "treated": "yesterday"}"#, ""),
    ] {
        let reply = server.post("/v1/advice", JSON, body.as_bytes());
        assert_eq!(reply.status, 422, "{body}: {}", reply.text());
        assert_eq!(
            reply.json()["error"]["field"].as_str().unwrap_or(""),
            field,
            "{body}"
        );
    }
    assert_eq!(server.post("/v1/advice", JSON, b"day=2").status, 400);
    assert_eq!(server.post("/v1/advice", "text/plain", b"{}").status, 415);

    let rules = server.get("/v1/rules").json();
    assert_eq!(rules["name"], "micro-needling-default");
    assert!(rules["version"].is_string() && rules["title"].is_string());
    assert!(rules["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "S000" && s["kind"] == "clinic_sheet"));
    // The schemas are the committed ones, which are what `aftercare schema` prints.
    for which in ["case", "result", "error", "record", "rules"] {
        let reply = server.get(&format!("/v1/schema/{which}"));
        assert_eq!(reply.status, 200, "{which}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/schema+json")
        );
        let committed = std::fs::read_to_string(crate::support::repo_path(&format!(
            "schemas/{which}.schema.json"
        )))
        .unwrap();
        assert_eq!(reply.text(), committed, "{which}");
    }
    assert_eq!(server.get("/v1/schema/cases").status, 404);
    assert_eq!(server.get("/healthz").status, 200);
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["rule_set"]["name"], "micro-needling-default");
}

#[test]
fn a_rule_file_with_failing_examples_stops_the_start_with_4() {
    let text = std::fs::read_to_string(repo_path("rules/default.toml")).unwrap();
    // An example that expects the opposite of what its rules say.
    let broken = text.replacen(
        "expect = \"call_emergency_now\"",
        "expect = \"home_care\"",
        1,
    );
    assert_ne!(broken, text, "the built-in file has an emergency example");
    let (_dir, path) = crate::support::clinic_file(broken);
    let err = Server::try_start(&["--rules", path.to_str().unwrap()])
        .err()
        .unwrap();
    assert_eq!(err.0, Some(4), "{}", err.1);
    let (_dir, path) = crate::support::clinic_file("not = [toml");
    let err = Server::try_start(&["--rules", path.to_str().unwrap()])
        .err()
        .unwrap();
    assert_eq!(err.0, Some(4), "{}", err.1);
}

#[test]
fn a_client_sending_a_byte_at_a_time_is_cut_off() {
    let server = Server::start(&["--body-timeout", "0.4"]);
    // One case, dripped: 408 when the whole body has not come in time, although each byte
    // came well within it.
    let mut s = server.connect();
    s.write_all(format!("POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", FEVER.len()).as_bytes()).unwrap();
    let started = Instant::now();
    let mut raw = Vec::new();
    for b in FEVER.bytes() {
        if s.write_all(&[b]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        s.set_nonblocking(true).unwrap();
        let mut buf = [0; 4096];
        if let Ok(n) = s.read(&mut buf) {
            raw.extend_from_slice(&buf[..n]);
        }
        s.set_nonblocking(false).unwrap();
        if !raw.is_empty() {
            break;
        }
    }
    let _ = s.read_to_end(&mut raw);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(Reply::parse(&raw).status, 408);

    // A stream whose line does not come whole in time: the line gets its error record and
    // the stream ends.
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
    send_chunk(&mut s, format!("{FEVER}\n").as_bytes());
    let mut reader = BufReader::new(s.try_clone().unwrap());
    assert_eq!(read_head(&mut reader), 200);
    let mut pending = Vec::new();
    assert!(read_answer_line(&mut reader, &mut pending).contains("see_today"));
    for b in FAINTING.bytes().take(8) {
        // Cut off while dripping: the writes then fail, as they should.
        let _ = s.write_all(format!("1\r\n{}\r\n", b as char).as_bytes());
        std::thread::sleep(Duration::from_millis(100));
    }
    let cut = read_answer_line(&mut reader, &mut pending);
    assert!(
        cut.contains("\"line\":2") && cut.contains("did not arrive"),
        "{cut}"
    );

    // Headers that never end: the connection is closed.
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\n")
        .unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(started.elapsed() < Duration::from_secs(3));
    // The server still answers others.
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn a_request_not_answered_within_the_request_timeout_gets_503() {
    let server = Server::start(&["--request-timeout", "0.3", "--body-timeout", "20"]);
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{").unwrap();
    let started = Instant::now();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(Reply::parse(&raw).status, 503);
}

#[test]
fn requests_beyond_the_bound_are_turned_away_at_once() {
    let server = Server::start(&["--max-in-flight", "1"]);
    // A stream held open takes the one place.
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
    send_chunk(&mut s, format!("{FEVER}\n").as_bytes());
    let mut reader = BufReader::new(s.try_clone().unwrap());
    assert_eq!(read_head(&mut reader), 200);
    let reply = server.post("/v1/check", JSON, FEVER.as_bytes());
    assert_eq!(reply.status, 503);
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(server.get("/healthz").status, 200);
    s.write_all(b"0\r\n\r\n").unwrap();
    // The place is given back when the response ends, not when its connection closes: the
    // connection is kept alive for another request (until the body timeout, 10 s).
    read_to_last_chunk(&mut reader);
    assert_eq!(server.post("/v1/check", JSON, FEVER.as_bytes()).status, 200);
}

#[test]
fn sigterm_finishes_the_request_in_flight_and_exits_0() {
    let mut server = Server::start(&["--drain", "0.2"]);
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
    send_chunk(&mut s, format!("{FEVER}\n").as_bytes());
    let mut reader = BufReader::new(s.try_clone().unwrap());
    assert_eq!(read_head(&mut reader), 200);
    let mut pending = Vec::new();
    assert!(read_answer_line(&mut reader, &mut pending).contains("see_today"));
    // SAFETY: a plain kill(2) of the child this test started.
    unsafe {
        libc::kill(server.child.id() as libc::pid_t, libc::SIGTERM);
    }
    // The server stops accepting...
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&server.addr).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    // ...and the request in flight goes on to its end.
    send_chunk(&mut s, format!("{FAINTING}\n").as_bytes());
    assert!(read_answer_line(&mut reader, &mut pending).contains("call_emergency_now"));
    s.write_all(b"0\r\n\r\n").unwrap();
    assert!(read_chunk(&mut reader).is_none());
    assert_eq!(server.wait(), Some(0));
    let log = server.log();
    assert!(log.iter().any(|l| l.contains("stopped")), "{log:?}");

    // SIGINT too, with nothing in flight.
    let mut server = Server::start(&["--drain", "0"]);
    assert_eq!(server.get("/healthz").status, 200);
    unsafe {
        libc::kill(server.child.id() as libc::pid_t, libc::SIGINT);
    }
    assert_eq!(server.wait(), Some(0));
    // And SIGTERM with nothing in flight.
    let mut server = Server::start(&["--drain", "0"]);
    assert_eq!(server.terminate(), Some(0));
}

/// Issue N6's probe, bounded in time: SIGTERM while 8 clients send cases back to back on
/// their keep-alive connections. Every request written is answered; a connection ends only
/// after an answer that says `Connection: close` (the drain), never with a request unanswered.
#[test]
fn sigterm_under_load_answers_every_request_sent() {
    let mut server = Server::start(&["--drain", "1"]);
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let mut s = server.connect();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(s.try_clone().unwrap());
                let request = format!(
                    "POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{FEVER}",
                    FEVER.len()
                );
                let (mut sent, mut answered) = (0u32, 0u32);
                let started = Instant::now();
                while started.elapsed() < Duration::from_secs(15) {
                    if s.write_all(request.as_bytes()).is_err() {
                        break;
                    }
                    sent += 1;
                    let Some((status, close)) = read_whole_reply(&mut reader) else {
                        break;
                    };
                    assert_eq!(status, 200);
                    answered += 1;
                    if close {
                        return (sent, answered, true);
                    }
                }
                (sent, answered, false)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: a plain kill(2) of the child this test started.
    unsafe {
        libc::kill(server.child.id() as libc::pid_t, libc::SIGTERM);
    }
    let mut total = 0;
    for c in clients {
        let (sent, answered, told) = c.join().unwrap();
        assert_eq!(sent, answered, "a request written was not answered");
        assert!(told, "the connection ended without `Connection: close`");
        total += answered;
    }
    assert_eq!(server.wait(), Some(0));
    eprintln!("SIGTERM under load: {total} requests sent, {total} answered");
    assert!(total >= 8, "{total}");
}

/// One reply read whole: its status and whether it says `Connection: close`; `None` when the
/// connection ended first.
fn read_whole_reply(reader: &mut BufReader<TcpStream>) -> Option<(u16, bool)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|&n| n > 0)?;
    let status: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
    let (mut length, mut close) = (0usize, false);
    loop {
        line.clear();
        reader.read_line(&mut line).ok().filter(|&n| n > 0)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "connection" => close |= value.trim().eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((status, close))
}

#[test]
fn after_sigterm_the_server_says_stopping_and_still_answers_for_the_drain() {
    let mut server = Server::start(&["--drain", "1.5"]);
    assert_eq!(server.get("/readyz").status, 200);
    // SAFETY: a plain kill(2) of the child this test started.
    unsafe {
        libc::kill(server.child.id() as libc::pid_t, libc::SIGTERM);
    }
    std::thread::sleep(Duration::from_millis(200));
    // A new connection is still answered: not ready, and closed after the answer, so that a
    // load balancer moves on and a client sent here before it noticed gets its answer.
    let r = server.get("/readyz");
    assert_eq!(r.status, 503);
    assert!(r.text().contains("stopping"), "{}", r.text());
    assert_eq!(r.header("connection"), Some("close"));
    let r = server.post("/v1/check", "application/json", FEVER.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(server.wait(), Some(0));
}

#[test]
fn silent_connections_are_closed_after_the_first_byte_time() {
    let server = Server::start(&["--max-connections", "4"]);
    // Every place taken by a connection that says nothing...
    let silent: Vec<TcpStream> = (0..4).map(|_| server.connect()).collect();
    std::thread::sleep(Duration::from_millis(100));
    // ...is given back within the first-byte time (2 s), not the header time (10 s).
    let started = Instant::now();
    let r = server.get("/healthz");
    assert_eq!(r.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        started.elapsed()
    );
    drop(silent);
}

/// A kept-alive connection is used for the next request sent in time, and closed, quietly,
/// once it has been idle for the body timeout (the time a request's headers have to come).
#[test]
fn an_idle_kept_alive_connection_is_closed_after_the_body_timeout() {
    let server = Server::start(&["--body-timeout", "1"]);
    let mut s = server.connect();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let request = format!(
        "POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{FEVER}",
        FEVER.len()
    );
    for _ in 0..2 {
        s.write_all(request.as_bytes()).unwrap();
        assert_eq!(read_whole_reply(&mut reader), Some((200, false)));
    }
    let idle = Instant::now();
    let mut rest = Vec::new();
    reader
        .read_to_end(&mut rest)
        .expect("the server closes the connection (the read timeout is 20 s)");
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    assert!(
        idle.elapsed() < Duration::from_secs(5),
        "closed after {:?}",
        idle.elapsed()
    );
}

#[test]
fn the_clock_is_read_for_each_request_without_now() {
    // Without --now, a case without assessed_at is assessed at the request's own time.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_aftercare"));
    cmd.env("NO_COLOR", "1");
    let server = Server::spawn(cmd, &[]).expect("the server starts");
    let treated = chrono::Utc::now() - chrono::Duration::hours(30);
    let case = format!(
        r#"{{"treated_at":"{}","symptoms":[]}}"#,
        treated.to_rfc3339()
    );
    let reply = server.post("/v1/check", JSON, case.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.text());
    let days = reply.json()["days_since_treatment"].as_f64().unwrap();
    assert!((days - 1.25).abs() < 0.01, "{days}");
}

/// The decoded body of a chunked response read to its end (or to the connection's end), and
/// whether it ended with the last chunk.
fn dechunk(raw: &[u8]) -> (Vec<u8>, bool) {
    let mut r = BufReader::new(raw);
    read_head(&mut r);
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        if r.read_line(&mut size_line).unwrap_or(0) == 0 {
            return (body, false);
        }
        let Ok(size) = usize::from_str_radix(size_line.trim(), 16) else {
            return (body, false);
        };
        if size == 0 {
            return (body, true);
        }
        let mut data = vec![0; size + 2];
        if r.read_exact(&mut data).is_err() {
            return (body, false);
        }
        body.extend_from_slice(&data[..size]);
    }
}

#[test]
fn a_stream_whose_client_stops_reading_is_cut_off_visibly_and_logged() {
    // Issue N2: a portal that stops reading for longer than the body timeout must not get a
    // complete-looking response with records missing.
    let server = Server::start(&["--body-timeout", "0.5", "--log-dispositions"]);
    let lines = 10_000;
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
    let mut writer = s.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let batch = format!("{FEVER}\n").repeat(100);
        for _ in 0..lines / 100 {
            let head = format!("{:x}\r\n", batch.len());
            let sent = writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(batch.as_bytes()))
                .and_then(|()| writer.write_all(b"\r\n"));
            if sent.is_err() {
                return;
            }
        }
        let _ = writer.write_all(b"0\r\n\r\n");
    });
    // Not reading: the answers back up and, a body timeout later, the server gives up and
    // writes the request's log line. Only then is anything read.
    let line = log_line_of(&server, "POST /v1/check", 1);
    // What it had sent, then the end of the connection.
    let started = Instant::now();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(started.elapsed() < Duration::from_secs(15));
    sender.join().unwrap();
    let (body, ended) = dechunk(&raw);
    let records = body.iter().filter(|&&b| b == b'\n').count();
    assert!(
        !ended,
        "a cut response ended with its last chunk ({records} records)"
    );
    assert!(records < lines, "{records} records");
    // The log line says it was cut off, with the counts answered until then.
    assert!(line.contains(" 200 see_today cases="), "{line}");
    assert!(line.contains(" refused=0 cut_off "), "{line}");
    // A client that reads gets the whole stream, ended, and no cut_off in the log.
    let reply = server.post(
        "/v1/check",
        NDJSON,
        format!("{FEVER}\n").repeat(50).as_bytes(),
    );
    assert_eq!(reply.text().lines().count(), 50);
    let whole = log_line_of(&server, "POST /v1/check", 2);
    assert!(whole.contains("see_today cases=50 refused=0 "), "{whole}");
    assert!(!whole.contains("cut_off"), "{whole}");
}

/// The `nth` log line (from 1) that holds `text`, once the server has written it.
fn log_line_of(server: &Server, text: &str, nth: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let log = server.log();
        if let Some(line) = log.iter().filter(|l| l.contains(text)).nth(nth - 1) {
            return line.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no log line {nth} of {text:?}: {log:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The most memory the process `pid` has held resident, in bytes (Linux: VmHWM).
fn peak_resident(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kb * 1024)
}

#[test]
fn clients_that_never_read_hold_little_memory() {
    // Issue N3: 16 streams whose clients send and never read. The answers waiting for them
    // are bounded (in bytes, across streams) and their bodies are not read meanwhile, so the
    // server's peak resident memory stays small however much they send.
    let server = Server::start(&["--body-timeout", "6"]);
    let Some(before) = peak_resident(server.child.id()) else {
        return; // no /proc: nothing to measure
    };
    let clients = 16;
    let batch = format!("{FEVER}\n").repeat(2_000);
    let mut held = Vec::new();
    let mut senders = Vec::new();
    for _ in 0..clients {
        let mut s = server.connect();
        s.write_all(b"POST /v1/check?format=fhir HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
        let mut writer = s.try_clone().unwrap();
        let batch = batch.clone();
        // About 2.8 MB of cases each, sent in 140 kB chunks until the server stops taking them.
        senders.push(std::thread::spawn(move || {
            for _ in 0..20 {
                let sent = writer
                    .write_all(format!("{:x}\r\n", batch.len()).as_bytes())
                    .and_then(|()| writer.write_all(batch.as_bytes()))
                    .and_then(|()| writer.write_all(b"\r\n"));
                if sent.is_err() {
                    return;
                }
            }
            let _ = writer.write_all(b"0\r\n\r\n");
        }));
        held.push(s);
    }
    // Long enough for every stream to fill what it may, short of the body timeout.
    std::thread::sleep(Duration::from_secs(3));
    let peak = peak_resident(server.child.id()).unwrap();
    eprintln!(
        "{clients} clients that never read: peak resident {} MiB (at start {} MiB)",
        peak >> 20,
        before >> 20
    );
    drop(held);
    for s in senders {
        s.join().unwrap();
    }
    assert!(
        peak < before + 48 * 1024 * 1024,
        "peak resident {} MiB, {} MiB at start",
        peak >> 20,
        before >> 20
    );
    // The server answers others afterwards.
    assert_eq!(server.post("/v1/check", JSON, FEVER.as_bytes()).status, 200);
}

/// Opens a stream, sends one case and reads its answer: the stream then holds its place.
fn open_stream(server: &Server) -> (TcpStream, BufReader<TcpStream>, Vec<u8>) {
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
    send_chunk(&mut s, format!("{FEVER}\n").as_bytes());
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut pending = Vec::new();
    assert_eq!(read_head(&mut reader), 200, "a stream is taken");
    assert!(read_answer_line(&mut reader, &mut pending).contains("see_today"));
    (s, reader, pending)
}

#[test]
fn streams_leave_places_for_single_cases_and_readyz_is_always_answered() {
    // Issue N4: 4 places, of which streams may take 3.
    let server = Server::start(&["--max-in-flight", "4"]);
    let streams: Vec<_> = (0..3).map(|_| open_stream(&server)).collect();
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    assert_eq!(read_head(&mut reader), 503, "a fourth stream");
    assert_eq!(server.get("/readyz").status, 200);
    assert_eq!(
        server.post("/v1/check", JSON, FAINTING.as_bytes()).status,
        200
    );
    for (mut s, mut reader, _) in streams {
        s.write_all(b"0\r\n\r\n").unwrap();
        read_to_last_chunk(&mut reader);
    }
    // Their places are back once their responses have ended: three streams again.
    let again: Vec<_> = (0..3).map(|_| open_stream(&server)).collect();
    drop(again);
    // With every place taken, the readiness check still answers.
    let server = Server::start(&["--max-in-flight", "1"]);
    let _held = open_stream(&server);
    assert_eq!(server.post("/v1/check", JSON, FEVER.as_bytes()).status, 503);
    assert_eq!(server.get("/readyz").status, 200);
}

/// Issue N4's probe, bounded in time: many streams that send only blank lines. Each is cut
/// at its body timeout (a blank line is not progress), and meanwhile `/readyz` and a single
/// case are always answered.
#[test]
fn many_streams_of_blank_lines_leave_readiness_and_single_cases_answered() {
    let server = Server::start(&["--body-timeout", "1", "--max-in-flight", "8"]);
    let senders: Vec<_> = (0..16)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
            std::thread::spawn(move || {
                // A blank line every 100 ms, for at most 3 s, until the server stops reading.
                for _ in 0..30 {
                    if s.write_all(b"1\r\n\n\r\n").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        })
        .collect();
    let until = Instant::now() + Duration::from_millis(2500);
    let mut asked = 0;
    while Instant::now() < until {
        assert_eq!(server.get("/readyz").status, 200, "after {asked} rounds");
        let r = server.post("/v1/check", JSON, FEVER.as_bytes());
        assert_eq!(r.status, 200, "after {asked} rounds: {}", r.text());
        asked += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(asked >= 5, "{asked} rounds");
    for s in senders {
        s.join().unwrap();
    }
}

#[test]
fn blank_lines_do_not_keep_a_stream_open() {
    let server = Server::start(&["--body-timeout", "0.5"]);
    let (s, mut reader, mut pending) = open_stream(&server);
    let started = Instant::now();
    let mut writer = s.try_clone().unwrap();
    let blanks = std::thread::spawn(move || {
        // A blank line every 100 ms, for at most 3 s.
        for _ in 0..30 {
            if writer.write_all(b"1\r\n\n\r\n").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let cut = read_answer_line(&mut reader, &mut pending);
    assert!(cut.contains("did not arrive whole"), "{cut}");
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    let _ = s.shutdown(std::net::Shutdown::Both);
    blanks.join().unwrap();
}

#[test]
fn a_stream_ends_at_its_longest_time_whole() {
    let server = Server::start(&["--max-stream-time", "1", "--body-timeout", "5"]);
    let (s, mut reader, mut pending) = open_stream(&server);
    let started = Instant::now();
    let mut writer = s.try_clone().unwrap();
    let cases = std::thread::spawn(move || {
        // A case every 100 ms, steadily, for at most 4 s.
        for _ in 0..40 {
            if send_chunk_checked(&mut writer, format!("{FEVER}\n").as_bytes()).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let last = loop {
        let line = read_answer_line(&mut reader, &mut pending);
        if !line.contains("see_today") {
            break line;
        }
        assert!(started.elapsed() < Duration::from_secs(4));
    };
    assert!(last.contains("lasted longer than 1 s"), "{last}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // The response ends with its last chunk: the error record says where it ended.
    assert!(read_chunk(&mut reader).is_none());
    drop(s);
    cases.join().unwrap();
}

fn send_chunk_checked(s: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    s.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
    s.write_all(data)?;
    s.write_all(b"\r\n")
}

/// An address other machines can reach needs a token, or the explicit word that a proxy in
/// front of the server authenticates every request; either way the plain HTTP is said.
#[test]
fn a_reachable_address_without_a_token_is_refused_unless_said_explicitly() {
    let out = crate::support::aftercare()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no --token-file is given"), "{err}");
}

/// A pretty-printed case followed by a flat one is two cases over HTTP, as it is through
/// `check --input`: both front doors read lines into cases with the same framer.
#[test]
fn a_pretty_printed_case_then_a_flat_one_is_two_answers_as_in_check() {
    let body = "{\n  \"id\": \"pretty\",\n  \"days_since_treatment\": 2,\n  \"symptoms\": [\n    {\"id\": \"fever\"}\n  ]\n}\n{\"id\":\"flat\",\"days_since_treatment\":1,\"symptoms\":[]}\n";
    let server = Server::start(&[]);
    let reply = server.post("/v1/check?format=compact", NDJSON, body.as_bytes());
    assert_eq!(reply.status, 200);
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    let over_http: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let through_check = crate::support::check("compact", body);
    let in_check: Vec<serde_json::Value> = through_check
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(over_http.len(), 2, "{text}");
    assert_eq!(in_check.len(), 2, "{}", through_check.stdout);
    for (h, c) in over_http.iter().zip(&in_check) {
        assert_eq!(h["id"], c["id"]);
        assert_eq!(h["disposition"], c["disposition"]);
    }
    assert_eq!(over_http[0]["id"], "pretty");
    assert_eq!(over_http[0]["disposition"], "see_today");
}

/// A Content-Length past the limit is answered 413 at once, without waiting for the body.
#[test]
fn a_body_announced_too_large_is_refused_at_once() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    s.write_all(b"POST /v1/check HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: 99999999999999\r\n\r\n").unwrap();
    let started = Instant::now();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    assert_eq!(read_head(&mut reader), 413);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_log_holds_no_disposition_unless_asked() {
    let server = Server::start(&[]);
    let reply = server.post("/v1/check", "application/json", FEVER.as_bytes());
    assert_eq!(reply.status, 200);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.log().iter().any(|l| l.contains("POST /v1/check")) {
        assert!(Instant::now() < deadline, "{:?}", server.log());
        std::thread::sleep(Duration::from_millis(10));
    }
    let log = server.log();
    let line = log.iter().find(|l| l.contains("POST /v1/check")).unwrap();
    assert!(line.contains(" 200 answered "), "{line}");
    for code in ["see_today", "home_care", "call_emergency_now"] {
        assert!(!line.contains(code), "{line}");
    }
}

#[test]
fn a_query_parameter_a_route_does_not_take_is_refused() {
    let server = Server::start(&[]);
    for path in [
        "/v1/rules?format=compact",
        "/v1/schema/case?draft=7",
        "/healthz?x=1",
        "/readyz?verbose",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 400, "{path}");
        assert_eq!(
            reply.json()["error"]["message"],
            "this route takes no parameters"
        );
    }
    assert_eq!(server.get("/v1/rules").status, 200);
    let reply = server.post("/v1/check?formt=compact", JSON, FEVER.as_bytes());
    assert_eq!(reply.status, 400, "a misspelt parameter of /v1/check");
}

/// A single case whose body stops short (`Content-Length` promised more): what arrived is
/// read as a line cut off is, and a warning sign in it is answered with its `at_least`.
#[test]
fn a_case_cut_off_on_the_way_still_says_the_emergency_it_holds() {
    let server = Server::start(&["--body-timeout", "2"]);
    let body = br#"{"days_since_treatment": 2, "symptoms": [{"id": "difficulty_breathing"}"#;
    let send = |half_close: bool| {
        let mut s = server.connect();
        let head = format!(
            "POST /v1/check HTTP/1.1\r\nhost: test\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len() + 100
        );
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        if half_close {
            s.shutdown(std::net::Shutdown::Write).unwrap();
        }
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        Reply::parse(&raw)
    };
    // The client closes its side: cut off.
    let r = send(true);
    assert_eq!(r.status, 400, "{}", r.text());
    let v: serde_json::Value = serde_json::from_str(r.text().trim()).unwrap();
    assert_eq!(v["format"], "aftercare-error-1", "{v}");
    assert_eq!(v["at_least"], "call_emergency_now", "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("cut off"),
        "{v}"
    );
    // The client stops sending: the body's time runs out.
    let r = send(false);
    assert_eq!(r.status, 408, "{}", r.text());
    let v: serde_json::Value = serde_json::from_str(r.text().trim()).unwrap();
    assert_eq!(v["at_least"], "call_emergency_now", "{v}");
    // A format given twice does not say which: refused, not one of them dropped.
    let r = server.request(
        "POST",
        "/v1/check?format=json&format=compact",
        &[("content-type", "application/json")],
        b"{}",
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("more than once"), "{}", r.text());
}
