//! Hostile input: every one gets a clear error (or the right answer), in bounded memory and
//! time, and never a panic. The limits are in docs/json-interface.md: a line (or one
//! document) of at most 1 MiB, at most 256 symptoms a case, a rule file of at most 4 MiB.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use aftercare_core::input::{parse_json_case, MAX_SYMPTOMS};
use chrono::DateTime;

use crate::support::*;

/// Exit codes of docs/json-interface.md.
const INPUT: i32 = 3;
const RULES: i32 = 4;
const USAGE: i32 = 2;

fn check_stdin(input: impl Into<Vec<u8>>) -> Output {
    aftercare()
        .args(["check", "--input", "-", "--format", "json"])
        .write_stdin(input.into())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .expect("stdout is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// Asserts one clear error line on stderr (no panic, no backtrace) containing `needle`.
fn assert_clear_error(out: &Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.lines().all(|l| l.starts_with("aftercare: ")), "{err}");
}

fn valid_case() -> &'static str {
    r#"{"id":"ok","days_since_treatment":1,"symptoms":[{"id":"redness","trend":"improving"}]}"#
}

// --- Deep nesting, huge numbers, NaN-like values, duplicate keys -------------------------

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let depth = 400_000;
    for doc in [
        format!(
            "{{\"days_since_treatment\":1,\"symptoms\":{}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        format!("{}1{}", "{\"a\":".repeat(depth / 5), "}".repeat(depth / 5)),
    ] {
        let out = check_stdin(doc + "\n" + valid_case() + "\n");
        assert_clear_error(&out, INPUT, "line 1:");
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 2, "the next case is still answered");
        assert_eq!(lines[1]["disposition"], "home_care");
    }
    // Unfinished nesting over many lines takes the multi-line path: still an error.
    let doc = "{\"symptoms\":\n".to_string() + &"[\n".repeat(200_000);
    let out = check_stdin(doc);
    assert_clear_error(&out, INPUT, "line 1:");
}

#[test]
fn huge_and_not_a_number_values_are_refused_with_the_field() {
    for (case, field, says) in [
        (
            r#"{"days_since_treatment":1e308,"symptoms":[]}"#,
            "days_since_treatment",
            "more than a century",
        ),
        (
            r#"{"days_since_treatment":1e309,"symptoms":[]}"#,
            "days_since_treatment",
            "number out of range",
        ),
        (
            r#"{"days_since_treatment":-1e308,"symptoms":[]}"#,
            "days_since_treatment",
            "must be 0 or more",
        ),
        (
            r#"{"days_since_treatment":"NaN","symptoms":[]}"#,
            "days_since_treatment",
            "invalid type: string",
        ),
        (
            r#"{"days_since_treatment":"Infinity","symptoms":[]}"#,
            "days_since_treatment",
            "invalid type: string",
        ),
        (
            r#"{"days_since_treatment":NaN,"symptoms":[]}"#,
            "days_since_treatment",
            "expected value",
        ),
        (
            r#"{"days_since_treatment":2,"symptoms":[{"id":"redness","started_day":1e308}]}"#,
            "symptoms[0].started_day",
            "later than the time since treatment",
        ),
        (
            r#"{"days_since_treatment":2,"symptoms":[{"id":"redness","started_day":-0.5}]}"#,
            "symptoms[0].started_day",
            "must be 0 or more",
        ),
        (
            r#"{"treated_at":"NaN","assessed_at":"2026-11-21","symptoms":[]}"#,
            "treated_at",
            "not a date",
        ),
        (
            r#"{"treated_at":"+275760-09-13T00:00:00Z","symptoms":[]}"#,
            "treated_at",
            "not a date",
        ),
        (
            r#"{"days_since_treatment":1,"symptoms":[{"id":"redness","severity":1e308}]}"#,
            "symptoms[0].severity",
            // A number where a word is expected: the value and what was expected are named.
            "invalid type: floating point",
        ),
    ] {
        let (v, code, err) = check_json(case);
        assert_eq!(code, INPUT, "{case}: {err}");
        assert_eq!(
            v["error"]["field"].as_str().unwrap_or(""),
            field,
            "{case}: {v}"
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains(says),
            "{case}: {v}"
        );
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn duplicate_keys_are_refused() {
    for (case, field) in [
        (
            r#"{"days_since_treatment":1,"days_since_treatment":9,"symptoms":[]}"#,
            "",
        ),
        (
            r#"{"days_since_treatment":9,"symptoms":[{"id":"redness","id":"fever"}]}"#,
            "symptoms[0]",
        ),
        (
            r#"{"days_since_treatment":9,"symptoms":[],"symptoms":[{"id":"fever"}]}"#,
            "",
        ),
    ] {
        let (v, code, _) = check_json(case);
        assert_eq!(code, INPUT, "{case}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("duplicate field"), "{case}: {v}");
        // A duplicate at the top level has no field path; one inside a symptom names it.
        assert_eq!(v["error"]["field"].as_str().unwrap_or(""), field, "{v}");
    }
}

// --- Size limits --------------------------------------------------------------------------

/// The peak resident memory of a running process, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `check --input -` and streams `total` bytes made by `chunk` into it, then `tail`.
/// Returns the output, the peak memory measured while the process still waits for the end
/// of its input (after it has read everything else), and the time taken.
fn stream_into_check(
    head: &[u8],
    chunk: &[u8],
    total: usize,
    tail: &[u8],
) -> (Output, Option<u64>, Duration) {
    let started = Instant::now();
    let mut child = process_at(NOW)
        .args(["check", "--input", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        stdout.read_to_end(&mut v).map(|_| v)
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        stderr.read_to_end(&mut v).map(|_| v)
    });
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(head).unwrap();
    let mut written = 0;
    while written < total {
        let n = chunk.len().min(total - written);
        stdin.write_all(&chunk[..n]).unwrap();
        written += n;
    }
    stdin.write_all(tail).unwrap();
    stdin.flush().unwrap();
    // Everything but the pipe's own buffer has been read by now; the process is alive.
    std::thread::sleep(Duration::from_millis(200));
    let peak = peak_rss_kib(child.id());
    drop(stdin);
    let status = child.wait().unwrap();
    let out = Output {
        status,
        stdout: out_reader.join().unwrap().unwrap(),
        stderr: err_reader.join().unwrap().unwrap(),
    };
    (out, peak, started.elapsed())
}

/// Far below the 100 MB fed in, far above what the program needs (about 10 MB).
const PEAK_LIMIT_KIB: u64 = 48 * 1024;
const HUNDRED_MB: usize = 100 * 1024 * 1024;

#[test]
fn a_100_mb_line_is_refused_in_bounded_memory_and_the_next_line_is_answered() {
    let head = b"{\"days_since_treatment\":1,\"symptoms\":[],\"id\":\"";
    let (out, peak, took) = stream_into_check(
        head,
        &[b'x'; 64 * 1024],
        HUNDRED_MB,
        format!("\"}}\n{}\n", valid_case()).as_bytes(),
    );
    let line_len = head.len() + HUNDRED_MB + 2;
    assert_clear_error(
        &out,
        INPUT,
        &format!("standard input: line 1: the line is {line_len} bytes long; the most is 1048576"),
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[1]["disposition"], "home_care");
    if let Some(kib) = peak {
        assert!(
            kib < PEAK_LIMIT_KIB,
            "peak memory {kib} KiB for a 100 MB line"
        );
        eprintln!("100 MB line: peak memory {kib} KiB, {took:?}");
    }
    assert!(took < Duration::from_secs(60), "{took:?}");
}

#[test]
fn a_100_mb_document_over_many_lines_is_refused_in_bounded_memory() {
    // The first line opens a case that goes on: the multi-line (pretty-printed) path.
    // Whole lines only (a line cut off part-way would break the case, rightly).
    let chunk = b"{\"id\": \"redness\"},\n".repeat(4096);
    let (out, peak, took) = stream_into_check(
        b"{\n\"symptoms\": [\n",
        &chunk,
        HUNDRED_MB / chunk.len() * chunk.len(),
        b"{\"id\": \"redness\"}],\n\"days_since_treatment\": 1\n}\n",
    );
    assert_clear_error(&out, INPUT, "the case is longer than 1048576 bytes");
    assert_eq!(json_lines(&out).len(), 1);
    if let Some(kib) = peak {
        assert!(
            kib < PEAK_LIMIT_KIB,
            "peak memory {kib} KiB for a 100 MB document"
        );
        eprintln!("100 MB document: peak memory {kib} KiB, {took:?}");
    }
    assert!(took < Duration::from_secs(60), "{took:?}");
}

#[test]
fn a_million_symptoms_are_refused_with_a_clear_error() {
    let symptoms = vec![r#"{"id":"redness"}"#; 1_000_000].join(",");
    let case = format!(r#"{{"days_since_treatment":1,"symptoms":[{symptoms}]}}"#);
    // Through the program: one line of 17 MB, refused by the line limit unread.
    let out = check_stdin(case.clone() + "\n");
    assert_clear_error(&out, INPUT, "bytes long; the most is 1048576");
    // Through the library (a caller with the text already in memory): the symptom limit.
    let now = DateTime::parse_from_rfc3339(NOW).unwrap();
    let e = parse_json_case(&case)
        .unwrap()
        .resolve(crate::support::rules(), now)
        .unwrap_err();
    assert_eq!(e.field, "symptoms");
    assert_eq!(
        e.message,
        "1000000 symptoms listed; the most one case may list is 256"
    );
}

#[test]
fn the_symptom_limit_is_exact() {
    let case = |n: usize| {
        let symptoms = vec![r#"{"id":"peeling","trend":"improving"}"#; n].join(",");
        format!(r#"{{"days_since_treatment":1,"symptoms":[{symptoms}]}}"#)
    };
    let (v, code, _) = check_json(&case(MAX_SYMPTOMS));
    assert_eq!(code, 0);
    assert_eq!(v["disposition"], "home_care");
    let (v, code, _) = check_json(&case(MAX_SYMPTOMS + 1));
    assert_eq!(code, INPUT);
    assert_eq!(v["error"]["field"], "symptoms");
}

#[test]
fn an_input_with_no_case_gives_one_error_record_in_each_json_format() {
    // Regression (found by fuzzing the stream): the compact format wrote no record for an
    // empty input, while a bad line gets one.
    for input in ["", "\u{feff}", "\n\r\n  \n"] {
        for format in ["json", "compact"] {
            let out = aftercare()
                .args(["check", "--input", "-", "--format", format])
                .write_stdin(input)
                .output()
                .unwrap();
            assert_clear_error(
                &out,
                INPUT,
                "standard input: empty input: expected a JSON case",
            );
            let lines = json_lines(&out);
            assert_eq!(lines.len(), 1, "{format} {input:?}");
            assert_eq!(
                lines[0]["error"]["message"],
                "empty input: expected a JSON case"
            );
        }
    }
}

#[test]
fn a_line_of_other_blank_characters_fails_alone() {
    // A vertical tab or a no-break space is not an empty line: it is a line without a case
    // (found by the stream fuzzer, which checks one answer or error per line).
    for blank in ["\u{b}", "\u{a0}", "\u{2028}"] {
        let out = check_stdin(format!("{blank}\n{}\n", valid_case()));
        assert_clear_error(&out, INPUT, "standard input: line 1: empty input");
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["disposition"], "home_care");
    }
}

// --- Encodings and line ends ----------------------------------------------------------------

#[test]
fn byte_order_marks_and_crlf_line_ends_are_read() {
    let stream = format!(
        "\u{feff}{}\r\n\r\n{}\r\n",
        valid_case(),
        r#"{"days_since_treatment":2,"symptoms":[{"id":"fever"}]}"#
    );
    let out = check_stdin(stream);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["disposition"], "see_today");
    // One pretty-printed case with a BOM and CRLF line ends.
    let pretty = "\u{feff}{\r\n  \"days_since_treatment\": 2,\r\n  \"symptoms\": [\r\n    {\"id\": \"blisters\"}\r\n  ]\r\n}\r\n";
    let out = check_stdin(pretty);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_lines(&out)[0]["disposition"], "see_today");
}

#[test]
fn invalid_utf8_fails_its_line_alone() {
    let mut stream = valid_case().as_bytes().to_vec();
    stream.extend_from_slice(
        b"\n{\"id\":\"bad\xff\xfe\",\"days_since_treatment\":1,\"symptoms\":[]}\n",
    );
    stream.extend_from_slice(b"\xc3\x28\n");
    stream.extend_from_slice(valid_case().as_bytes());
    stream.push(b'\n');
    let out = check_stdin(stream);
    assert_clear_error(
        &out,
        INPUT,
        "line 2: not UTF-8 text (invalid byte at column 11)",
    );
    assert!(stderr(&out).contains("line 3: not UTF-8"));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["disposition"], "home_care");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[3]["disposition"], "home_care");
}

// --- Case files: symlinks, folders, unreadable -------------------------------------------------

fn check_file(path: &Path) -> Output {
    aftercare()
        .args(["check", "--format", "json", "--input"])
        .arg(path)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

#[test]
fn a_symlink_to_a_case_file_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("case.json");
    std::fs::write(&real, valid_case()).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = check_file(&link);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_lines(&out)[0]["disposition"], "home_care");
}

#[test]
fn a_case_file_that_cannot_be_read_is_an_input_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink(dir.path().join("gone.json"), &dangling).unwrap();
    let out = check_file(&dangling);
    assert_clear_error(
        &out,
        INPUT,
        &format!("{}: cannot read the input", dangling.display()),
    );

    let looped = dir.path().join("loop.json");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let out = check_file(&looped);
    assert_clear_error(
        &out,
        INPUT,
        &format!("{}: cannot read the input", looped.display()),
    );

    let folder = dir.path().join("cases");
    std::fs::create_dir(&folder).unwrap();
    let out = check_file(&folder);
    assert_clear_error(
        &out,
        INPUT,
        &format!("{}: is a folder, not a file", folder.display()),
    );

    // A file without read permission. A privileged user (root, as in many CI containers)
    // reads it anyway; then the test can only say so, and the cases above carry the check.
    let locked = dir.path().join("locked.json");
    std::fs::write(&locked, valid_case()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_err() {
        let out = check_file(&locked);
        assert_clear_error(
            &out,
            INPUT,
            &format!(
                "{}: cannot read the input: Permission denied",
                locked.display()
            ),
        );
    } else {
        eprintln!("running with privileges: a file without read permission is still readable here");
    }
}

// --- Rule files ---------------------------------------------------------------------------------

fn rules_check(path: &Path) -> Output {
    aftercare()
        .args(["rules", "check"])
        .arg(path)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

#[test]
fn a_rule_file_that_is_not_a_readable_file_is_a_rule_error() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("rules.toml");
    std::fs::create_dir(&folder).unwrap();
    let dangling = dir.path().join("dangling.toml");
    std::os::unix::fs::symlink(dir.path().join("gone.toml"), &dangling).unwrap();
    // There is no include mechanism; a file that "refers to itself" is a symlink loop.
    let looped = dir.path().join("self.toml");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    for (path, says) in [
        (&folder, "cannot read the rule file: Is a directory"),
        (
            &dangling,
            "cannot read the rule file: No such file or directory",
        ),
        (
            &looped,
            "cannot read the rule file: Too many levels of symbolic links",
        ),
    ] {
        let out = rules_check(path);
        assert_clear_error(&out, RULES, &format!("{}: {says}", path.display()));
        // The same through --rules on any command.
        let out = aftercare()
            .arg("--rules")
            .arg(path)
            .args(["check", "--input", "-"])
            .write_stdin(valid_case())
            .output()
            .unwrap();
        assert_clear_error(&out, RULES, &path.display().to_string());
    }
}

#[test]
fn an_empty_or_blank_rule_file_is_a_rule_error() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("empty.toml", ""),
        ("blank.toml", " \n\t\r\n"),
        ("bom.toml", "\u{feff}"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = rules_check(&path);
        assert_clear_error(
            &out,
            RULES,
            &format!("{}: the rule file is empty", path.display()),
        );
    }
}

#[test]
fn a_rule_file_that_never_ends_or_is_too_large_is_refused_unread() {
    // Regression: the whole file used to be read before its size was checked, so
    // `--rules /dev/zero` filled the memory.
    let started = Instant::now();
    let out = rules_check(Path::new("/dev/zero"));
    assert_clear_error(
        &out,
        RULES,
        "/dev/zero: the rule file is larger than 4194304 bytes",
    );
    assert!(started.elapsed() < Duration::from_secs(20));

    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let mut text = default_rules_text();
    text.push_str(&"# padding\n".repeat(500_000));
    std::fs::write(&big, text).unwrap();
    let out = rules_check(&big);
    assert_clear_error(&out, RULES, "the rule file is larger than 4194304 bytes");
}

fn default_rules_text() -> String {
    std::fs::read_to_string(repo_path("rules/default.toml")).unwrap()
}

#[test]
fn a_rule_file_with_crlf_and_a_bom_loads_and_invalid_utf8_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = dir.path().join("crlf.toml");
    let text = format!("\u{feff}{}", default_rules_text().replace('\n', "\r\n"));
    std::fs::write(&crlf, text).unwrap();
    let out = rules_check(&crlf);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let bad = dir.path().join("bad.toml");
    let mut bytes = default_rules_text().into_bytes();
    bytes.splice(10..10, [0xff, 0xfe]);
    std::fs::write(&bad, bytes).unwrap();
    let out = rules_check(&bad);
    assert_clear_error(
        &out,
        RULES,
        "the rule file is not UTF-8 text (invalid byte at offset 10)",
    );
}

#[test]
fn deeply_nested_toml_and_nan_days_are_rule_errors() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.toml");
    std::fs::write(
        &deep,
        format!("a = {}{}\n", "[".repeat(200_000), "]".repeat(200_000)),
    )
    .unwrap();
    let out = rules_check(&deep);
    assert_clear_error(&out, RULES, "deep.toml:1: ");

    let nan = dir.path().join("nan.toml");
    let text = default_rules_text().replacen("normal_until = 3\n", "normal_until = nan\n", 1);
    std::fs::write(&nan, text).unwrap();
    let out = rules_check(&nan);
    assert_clear_error(
        &out,
        RULES,
        "nan.toml: expected_reaction \"redness\": normal_until: NaN is not a day",
    );

    let inf = dir.path().join("inf.toml");
    let text = default_rules_text().replacen("after_day = 90\n", "after_day = inf\n", 1);
    std::fs::write(&inf, text).unwrap();
    let out = rules_check(&inf);
    assert_clear_error(
        &out,
        RULES,
        "late_presentation \"after_day_90\": after_day: inf is not a day",
    );
}

#[test]
fn duplicate_keys_in_a_rule_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dup = dir.path().join("dup.toml");
    let text = default_rules_text().replacen(
        "normal_until = 3\n",
        "normal_until = 3\nnormal_until = 30\n",
        1,
    );
    std::fs::write(&dup, text).unwrap();
    let out = rules_check(&dup);
    assert_clear_error(&out, RULES, "dup.toml:");
    assert!(stderr(&out).contains("duplicate key"), "{}", stderr(&out));
}

// --- Dates typed on the command line ------------------------------------------------------------

#[test]
fn a_treatment_date_in_the_future_is_a_usage_error() {
    // Regression (found by fuzzing): a written-out date skipped the future check and the
    // advice was for a negative day.
    for when in ["2026-12-01", "2026-11-21T10:00:00Z", "tomorrow"] {
        let out = aftercare()
            .args(["advice", "--treated", when])
            .output()
            .unwrap();
        assert_clear_error(&out, USAGE, "--treated: ");
    }
    let out = aftercare()
        .args(["advice", "--treated", "2026-11-18T14:30:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// --- The named safety cases ---------------------------------------------------------------------

#[test]
fn the_safety_cases_give_their_answers_and_fire_their_rules() {
    let cases = test_cases("tests/cases/safety.jsonl");
    assert!(cases.len() >= 20);
    let stream: String = cases
        .iter()
        .map(|c| c["input"].to_string() + "\n")
        .collect();
    let out = check_stdin(stream);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results = json_lines(&out);
    assert_eq!(results.len(), cases.len());
    for (c, r) in cases.iter().zip(&results) {
        assert_eq!(r["disposition"], c["expect"], "{}: {}", c["id"], c["title"]);
        let fired: Vec<&str> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| {
                std::iter::once(&f["rule"]).chain(
                    f["also"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|a| &a["rule"]),
                )
            })
            .filter_map(|r| r.as_str())
            .collect();
        for rule in c["expect_rules"].as_array().unwrap() {
            assert!(
                fired.contains(&rule.as_str().unwrap()),
                "{}: {rule} did not fire ({fired:?})",
                c["id"]
            );
        }
    }
}

/// `check >&-`: the answers would go nowhere, so the command fails (exit 1) and says why,
/// rather than exiting 0; `> /dev/null` is a choice and is left alone.
#[test]
fn a_closed_standard_output_is_a_failure_not_a_silent_success() {
    let bin = env!("CARGO_BIN_EXE_aftercare");
    let run = |redirect: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "echo '{{\"days_since_treatment\": 1, \"symptoms\": []}}' | \"$0\" check --input - --format json {redirect}"
            ))
            .arg(bin)
            .output()
            .unwrap()
    };
    let closed = run(">&-");
    assert_eq!(closed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&closed.stderr).contains("standard output is closed"));
    let null = run("> /dev/null");
    assert_eq!(
        null.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&null.stderr)
    );
}

// --- N13: one predicate for unsafe characters ----------------------------------------------

/// C1 controls, bidi controls and the invisible characters (zero-width, BOM, soft hyphen,
/// line and paragraph separators), one of each kind.
const UNSAFE: &str = "\u{85}\u{9b}\u{202e}\u{2066}\u{200b}\u{feff}\u{ad}\u{2028}\u{2029}";

/// N13: a case id holding C1, bidi and invisible characters is written `\u`-escaped in
/// every JSON form (serde_json itself escapes only C0) and shown visibly as text: the raw
/// characters never reach a terminal or a log viewer, and the id reads back the same.
#[test]
fn c1_bidi_and_invisible_characters_in_json_results_are_u_escaped() {
    let id = format!("case{UNSAFE}end");
    let case = format!(
        r#"{{"id":{},"days_since_treatment":1,"symptoms":[]}}"#,
        serde_json::json!(id)
    );
    for format in ["json", "compact", "fhir"] {
        let out = aftercare()
            .args(["check", "--input", "-", "--format", format])
            .write_stdin(case.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        let raw: Vec<char> = text
            .chars()
            .filter(|&c| aftercare_core::unsafe_chars::is_unsafe(c) && c != '\n')
            .collect();
        assert!(raw.is_empty(), "{format}: raw {raw:?} in {text}");
        if format != "fhir" {
            assert!(
                text.contains(r"\u0085\u009b\u202e\u2066\u200b\ufeff\u00ad\u2028\u2029"),
                "{text}"
            );
            assert_eq!(json_lines(&out)[0]["id"], id.as_str(), "{format}");
        }
    }
    let out = aftercare()
        .args(["check", "--input", "-", "--format", "text"])
        .write_stdin(case)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text
            .chars()
            .any(|c| c != '\n' && aftercare_core::unsafe_chars::is_unsafe(c)),
        "{text}"
    );
    assert!(text.contains(r"case\u{85}\u{9b}\u{202e}"), "{text}");
}

/// N13: the person's own words with a zero-width character, a BOM, a soft hyphen or a line
/// separator are refused as a control character is, naming the field.
#[test]
fn invisible_characters_in_a_description_are_refused_like_controls() {
    for c in [
        '\u{200b}', '\u{feff}', '\u{ad}', '\u{2028}', '\u{2029}', '\u{2060}',
    ] {
        let case = format!(
            r#"{{"days_since_treatment":1,"symptoms":[{{"id":"other","description":{}}}]}}"#,
            serde_json::json!(format!("my{c}cheek"))
        );
        let out = check_stdin(case);
        assert_clear_error(&out, INPUT, "symptoms[0].description");
        assert!(
            stderr(&out).contains("control character or an invisible one"),
            "{}",
            stderr(&out)
        );
    }
}

/// N13: `--nurse-name` is input like any other: a bidi override or a zero-width character
/// in it is a usage error, said in one line, before anything else.
#[test]
fn a_nurse_name_with_a_bidi_or_invisible_character_is_a_usage_error() {
    for name in ["J\u{202e}B", "J\u{200b}B", "J\u{1b}[2JB"] {
        let out = aftercare()
            .args(["check", "--nurse", "--nurse-name", name])
            .output()
            .unwrap();
        assert_clear_error(&out, USAGE, "--nurse-name");
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
}
