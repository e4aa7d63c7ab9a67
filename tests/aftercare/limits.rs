//! The same limits for every input: test-case tables for `rules trace`, typed treatment
//! times, and times with a leap second.

use crate::support::run;

#[test]
fn rules_trace_reads_its_test_cases_within_the_limits_of_every_input() {
    // An endless file is refused after the size limit, not read to the end of memory.
    let r = run(&["rules", "trace", "--tests", "/dev/zero"], "");
    assert_eq!(r.code, 3);
    assert_eq!(
        r.error_line(),
        "aftercare: error: /dev/zero: the test cases are larger than 4194304 bytes, the most accepted"
    );
    // A line longer than a stream's line limit, and a folder.
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.jsonl");
    std::fs::write(&long, format!("\n{}\n", "x".repeat(1024 * 1024 + 1))).unwrap();
    let r = run(&["rules", "trace", "--tests", long.to_str().unwrap()], "");
    assert_eq!(r.code, 3);
    assert!(
        r.error_line()
            .ends_with("long.jsonl: line 2: the line is 1048577 bytes long; the most is 1048576"),
        "{}",
        r.stderr
    );
    let r = run(
        &["rules", "trace", "--tests", dir.path().to_str().unwrap()],
        "",
    );
    assert_eq!(r.code, 3);
    assert!(
        r.error_line().ends_with("is a folder, not a file"),
        "{}",
        r.stderr
    );
}

#[test]
fn advice_for_a_treatment_time_obeys_the_century_limit_of_day() {
    let r = run(&["advice", "--treated", "5219 weeks ago"], "");
    assert_eq!(r.code, 2);
    assert_eq!(
        r.error_line(),
        "aftercare: error: --treated: that is more than a century (36525 days) ago; check the date: \"5219 weeks ago\""
    );
    assert_eq!(run(&["advice", "--day", "36533"], "").code, 2);
    assert_eq!(run(&["advice", "--treated", "100 weeks ago"], "").code, 0);
}

#[test]
fn a_leap_second_is_read_only_where_one_can_exist() {
    let case = |at: &str| {
        format!(
            r#"{{"treated_at": "{at}", "assessed_at": "2026-11-21T09:00:00Z", "symptoms": []}}"#
        )
    };
    let r = crate::support::check("json", case("2026-11-18T14:59:60Z"));
    assert_eq!(r.code, 3);
    let v = r.json();
    assert_eq!(v["error"]["field"], "treated_at");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("a leap second (:60) is only 23:59:60 UTC"));
    let r = crate::support::check("json", case("2016-12-31T23:59:60Z"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["advice", "--treated", "2026-11-18T14:59:60Z"], "");
    assert_eq!(r.code, 2, "{}", r.stdout);
}
