//! Streams that cannot lose an answer: every non-blank line gets its record in order,
//! whatever came before it; answers come as soon as a case is whole; messages are written as
//! they happen in flat memory; records stay whole under SIGTERM/SIGINT; a closed standard
//! output is exit 1 and an unwritable standard error never stops the answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use aftercare::batch::{self, BatchOptions};
use aftercare::output::Format;
use aftercare::stream_contract::{check_run, expected_records};
use proptest::prelude::*;

use crate::support::{check, clinic_file, process_at, rules, NOW};

const EMERGENCY: &str = r#"{"id":"e","days_since_treatment":1,"symptoms":[{"id":"fainting"}]}"#;
const MILD: &str = r#"{"id":"m","days_since_treatment":1,"symptoms":[{"id":"redness"}]}"#;

fn spawn_check(format: &str, extra: &[&str]) -> Child {
    process_at(NOW)
        .args(extra)
        .args(["check", "--input", "-", "--format", format])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads lines from `from` on a thread; each arrives on the channel as it is read.
fn lines_of(from: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn a_cut_off_first_line_before_a_mebibyte_of_input_hides_no_emergency() {
    let mut input = String::from("{\"id\":\"a\",\"days_since_treatment\":1,\"symptoms\":[\n");
    while input.len() < 1024 * 1024 + 4096 {
        input.push_str(MILD);
        input.push('\n');
    }
    let filler = input.lines().count() - 1;
    for _ in 0..3 {
        input.push_str(EMERGENCY);
        input.push('\n');
    }
    let r = check("json", input.clone());
    let records = r.json_lines();
    assert_eq!(records.len(), 1 + filler + 3);
    assert_eq!(records[0]["line"], 1);
    assert!(records[records.len() - 3..]
        .iter()
        .all(|v| v["disposition"] == "call_emergency_now"));
    let r = check("disposition", input.clone());
    assert_eq!(r.stdout.lines().count(), 1 + filler + 3);
    assert_eq!(r.stdout.lines().next(), Some("error"));
    let r = crate::support::run(
        &[
            "check",
            "--input",
            "-",
            "--format",
            "disposition",
            "--disposition-exit-code",
        ],
        input,
    );
    assert_eq!(r.code, 15, "{}", r.stderr);
}

#[test]
fn a_whole_case_is_answered_without_waiting_for_more_input() {
    // After a cut-off line, and after a cut-off `{` alone: each whole case is answered while
    // the input stays open.
    for broken in ["{\"id\":\"a\",\"days_since_treatment\":1,", "{"] {
        let mut child = spawn_check("json", &[]);
        let out = lines_of(child.stdout.take().unwrap());
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{broken}\n{EMERGENCY}").unwrap();
        stdin.flush().unwrap();
        let wait = Duration::from_secs(20);
        let first = out
            .recv_timeout(wait)
            .expect("the broken line's record comes");
        assert!(first.contains("\"error\""), "{first}");
        let second = out
            .recv_timeout(wait)
            .expect("the whole case is answered at once");
        assert!(second.contains("call_emergency_now"), "{second}");
        drop(stdin);
        assert_eq!(child.wait().unwrap().code(), Some(3));
    }
}

#[test]
fn each_bad_line_is_said_as_it_is_read_in_flat_memory() {
    let mut child = spawn_check("disposition", &[]);
    let err = lines_of(child.stderr.take().unwrap());
    let out = lines_of(child.stdout.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "not a case").unwrap();
    stdin.flush().unwrap();
    let message = err
        .recv_timeout(Duration::from_secs(20))
        .expect("the message comes before the input ends");
    assert_eq!(
        message,
        "aftercare: error: standard input: line 1: expected a case: a JSON object such as {\"days_since_treatment\": 2, \"symptoms\": []}"
    );
    // 64 lines, each with an unknown key of 1 MB: nothing of them is kept.
    let key = "k".repeat(1_000_000 - 64);
    let line = format!("{{\"days_since_treatment\":1,\"symptoms\":[],\"{key}\":1}}\n");
    for _ in 0..64 {
        stdin.write_all(line.as_bytes()).unwrap();
    }
    stdin.flush().unwrap();
    for _ in 0..64 {
        err.recv_timeout(Duration::from_secs(60))
            .expect("a message per line");
    }
    let peak = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        });
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(3));
    assert_eq!(out.iter().count(), 65);
    if let Some(kib) = peak {
        assert!(
            kib < 48 * 1024,
            "peak memory {kib} KiB for 64 MB of bad lines"
        );
    }
}

#[test]
fn sigterm_and_sigint_leave_only_whole_records() {
    let mut input = String::new();
    for i in 0..200_000 {
        input.push_str(&format!(
            "{{\"id\":\"case-{i}\",\"days_since_treatment\":1,\"symptoms\":[{{\"id\":\"redness\"}}]}}\n"
        ));
    }
    let input = std::sync::Arc::new(input);
    for (round, signal) in [
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGTERM,
        libc::SIGTERM,
    ]
    .into_iter()
    .enumerate()
    {
        let mut child = spawn_check("json", &[]);
        let mut stdin = child.stdin.take().unwrap();
        let feed = std::sync::Arc::clone(&input);
        std::thread::spawn(move || {
            let _ = stdin.write_all(feed.as_bytes());
        });
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut all = Vec::new();
            let _ = stdout.read_to_end(&mut all);
            all
        });
        std::thread::sleep(Duration::from_millis(150 + 70 * round as u64));
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        let out = reader.join().unwrap();
        assert!(
            out.is_empty() || out.ends_with(b"\n"),
            "a half line at the end"
        );
        for line in String::from_utf8(out).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("each record whole");
            assert_eq!(v["disposition"], "home_care");
        }
        if let Some(code) = status.code() {
            // It may have finished before the signal came.
            assert!(code == 0 || code == 128 + signal, "exit {code}");
        }
    }
}

#[test]
fn a_closed_standard_output_is_exit_1() {
    let mut child = spawn_check("json", &[]);
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let _ = writeln!(stdin, "{EMERGENCY}");
    drop(stdin);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1), "{err}");
    assert!(err.contains("could not all be written"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unwritable_standard_error_never_stops_the_answers() {
    // A clinic file with warnings (said before any case), a bad line, and answers after it.
    let text = crate::support::repo_path("rules/default.toml");
    let text = crate::support::without_examples(&std::fs::read_to_string(text).unwrap()).replacen(
        "disposition = \"call_emergency_now\"",
        "disposition = \"go_to_ed_now\"",
        1,
    );
    let (_dir, path) = clinic_file(text);
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        let _ = writeln!(std::io::stderr(), "SKIPPED: no /dev/full here");
        return;
    };
    let out = process_at(NOW)
        .args(["--rules", path.to_str().unwrap()])
        .args(["check", "--input", "-", "--format", "disposition"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(full))
        .spawn()
        .and_then(|mut c| {
            let mut stdin = c.stdin.take().unwrap();
            writeln!(stdin, "bad\n{EMERGENCY}\n{MILD}")?;
            drop(stdin);
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "error\ncall_emergency_now\nhome_care\n"
    );
}

// --- The invariant on generated multi-megabyte streams -------------------------------------

/// A line of a generated stream.
#[derive(Debug, Clone)]
enum Piece {
    Case,
    /// A case cut off after so many bytes.
    CutOff(usize),
    /// A line longer than the limit.
    TooLong,
    Blank,
    /// `{` alone: the start of a pretty-printed case that may never come.
    Brace,
    /// An object on an indented line, as a symptom inside a pretty-printed case.
    Indented,
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        (1..60usize).prop_map(Piece::CutOff),
        Just(Piece::TooLong),
        Just(Piece::Blank),
        Just(Piece::Brace),
        Just(Piece::Indented),
    ]
}

/// Cases in a stream: far more than one read of the input holds (about 80 bytes each).
const LINES: usize = 8_000;

/// About 650 KB of cases with damaged lines at random places.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((0..LINES, piece()), 1..12).prop_map(|mut defects| {
        defects.sort_by_key(|d| d.0);
        let mut pieces = vec![Piece::Case; LINES];
        for (at, p) in defects {
            pieces.insert(at, p);
        }
        let mut out = Vec::new();
        for (i, p) in pieces.iter().enumerate() {
            let case = format!(
                r#"{{"id":"line-{}","days_since_treatment":1,"symptoms":[{{"id":"fever"}}]}}"#,
                i + 1
            );
            match p {
                Piece::Case => out.extend_from_slice(case.as_bytes()),
                Piece::CutOff(n) => out.extend_from_slice(&case.as_bytes()[..*n]),
                Piece::TooLong => out.extend(std::iter::repeat_n(b'x', batch::MAX_LINE_BYTES + 7)),
                Piece::Blank => {}
                Piece::Brace => out.push(b'{'),
                Piece::Indented => out.extend_from_slice(b"  {\"id\": \"fever\"}"),
            }
            out.push(b'\n');
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn every_non_blank_line_of_a_long_damaged_stream_gets_its_record_in_order(
        input in stream(),
    ) {
        // The compact form: the framing is the same for every format, and the full one would
        // make the test's time depend on a coin flip.
        let opts = BatchOptions {
            format: Format::Compact,
            now: chrono::DateTime::parse_from_rfc3339(NOW).unwrap(),
            clock: None,
            input_name: "generated".into(),
            style: aftercare::output::text::Style::plain(),
        };
        if let Err(e) = check_run(&input, rules(), &opts) {
            panic!("{e}");
        }
        // And each answer is the case of the line it stands for.
        let mut out = Vec::new();
        batch::run(&mut &input[..], &mut out, rules(), &opts).unwrap();
        let starts = expected_records(&input);
        let answers = String::from_utf8(out).unwrap();
        for (line, no) in answers.lines().zip(&starts) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if v.get("disposition").is_some() {
                prop_assert_eq!(v["id"].as_str().unwrap(), format!("line-{no}"));
            }
        }
        // The same stream sent to the HTTP service is framed by the same framer: the same
        // records, byte for byte, and they keep the stream's promises.
        let server = crate::serve::Server::start(&[]);
        let reply = server.post("/v1/check?format=compact", "application/x-ndjson", &input);
        prop_assert_eq!(reply.status, 200);
        let over_http = reply.text();
        if let Err(e) = aftercare::stream_contract::check_json_records(&input, over_http.as_bytes()) {
            panic!("over HTTP: {e}");
        }
        prop_assert!(over_http == answers, "the HTTP stream differs from check --input");
    }
}
