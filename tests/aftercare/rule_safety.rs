//! The rule-file gates of CI through the real binary: the default rules pass the lint with
//! `--strict`, a weakened copy does not, and every rule of the default set is exercised by
//! an example or a named test case (the traceability gate).

use std::collections::BTreeSet;

use crate::support::*;

const TABLES: [&str; 4] = [
    "tests/cases/public.jsonl",
    "tests/cases/public-1.1.jsonl",
    "tests/cases/public-1.2.jsonl",
    "tests/cases/safety.jsonl",
];

fn trace_json(extra: &[&str]) -> (serde_json::Value, i32, String) {
    let mut cmd = aftercare();
    cmd.current_dir(repo_path(""))
        .args(["rules", "trace", "--format", "json"]);
    for t in TABLES {
        cmd.args(["--tests", t]);
    }
    let out = cmd.args(extra).output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        v,
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_default_rule_is_exercised_and_traced_to_a_source() {
    let (t, code, err) = trace_json(&[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(t["unexercised"], serde_json::json!([]), "{err}");
    assert_eq!(t["failing"], serde_json::json!([]));
    let rules = crate::support::rules();
    let listed: Vec<&str> = t["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    let ids: Vec<String> = rules.rules().into_iter().map(|r| r.id.code()).collect();
    assert_eq!(listed, ids, "every rule, in file order");
    for r in t["rules"].as_array().unwrap() {
        let sources = r["sources"].as_array().unwrap();
        assert!(!sources.is_empty(), "{}: no source", r["rule"]);
        for s in sources {
            let kind = s["kind"].as_str().unwrap();
            assert!(["clinic_sheet", "published", "proposed"].contains(&kind));
            assert!(!s["title"].as_str().unwrap().is_empty());
        }
    }
    // The acceptance cases are traced by name.
    let redness = &t["rules"][0];
    assert_eq!(redness["rule"], "redness.window");
    let tests: BTreeSet<String> = redness["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{} {}",
                x["table"].as_str().unwrap(),
                x["id"].as_str().unwrap()
            )
        })
        .collect();
    assert!(tests.contains("tests/cases/public.jsonl P-01"), "{tests:?}");
}

#[test]
fn a_rule_no_case_exercises_fails_the_trace() {
    // A copy of the default rules with one more warning sign and no example for it.
    let text = std::fs::read_to_string(repo_path("rules/default.toml")).unwrap().replacen(
        "[[warning_sign]]\n",
        "[[warning_sign]]\nid = \"jaw_pain\"\nlabel = \"Jaw pain\"\ndescription = \"pain in the jaw\"\ndisposition = \"see_today\"\nlikely_cause = \"nerve\"\nsources = [\"proposed\"]\nsource_note = \"p\"\n\n[[warning_sign]]\n",
        1,
    );
    let (_dir, path) = clinic_file(text);
    let (t, code, err) = trace_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 4);
    assert_eq!(t["unexercised"], serde_json::json!(["jaw_pain"]));
    assert!(
        err.contains("no example or test case makes these rules fire: jaw_pain"),
        "{err}"
    );
}

#[test]
fn the_default_rules_pass_the_strict_lint_and_a_weakened_copy_does_not() {
    let out = aftercare()
        .args(["rules", "check", "--strict"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 warnings"));

    // Fever mapped to home care: its examples now fail, and the lint objects too.
    let text = std::fs::read_to_string(repo_path("rules/default.toml")).unwrap();
    let text = text.replacen(
        "disposition = \"see_today\"\nlikely_cause = \"infection\"",
        "disposition = \"home_care\"\nlikely_cause = \"infection\"",
        1,
    );
    let (_dir, path) = clinic_file(text);
    let out = aftercare()
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let file = path.display();
    assert!(
        err.contains(&format!(
            "aftercare: warning: {file}: warning_sign \"fever\": disposition: is home_care"
        )),
        "{err}"
    );
    assert!(err.contains(&format!(
        "aftercare: warning: {file}: warning_sign \"fever\": disposition: home_care is less urgent than in the default set (see_today)"
    )));
    // Its own examples now fail too (they expect see_today): errors, exit 4.
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn warnings_alone_pass_without_strict_and_fail_with_it() {
    // A later redness window whose examples still pass: only the lint objects.
    let text = std::fs::read_to_string(repo_path("rules/default.toml"))
        .unwrap()
        .replacen(
            "ok_if_improving_until = 7\npast_window = \"see_within_3_days\"\nworse_after = [",
            "ok_if_improving_until = 7.1\npast_window = \"see_within_3_days\"\nworse_after = [",
            1,
        )
        // A clinic's own version, as a clinic gives it: the rules differ from the built-in.
        .replacen("version = \"1.2.0\"", "version = \"1.2.0-clinic\"", 1);
    let (_dir, path) = clinic_file(text);
    let out = aftercare()
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("expected_reaction \"redness\": ok_if_improving_until: 7.1 is later than in the default set (7)"), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 warning;")
            || String::from_utf8_lossy(&out.stdout).ends_with("1 warning\n")
    );
    let out = aftercare()
        .args(["rules", "check", "--strict"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 warning, and --strict fails on any"));
}

#[test]
fn rules_check_lists_every_problem_of_an_invalid_file() {
    let text = std::fs::read_to_string(repo_path("rules/default.toml"))
        .unwrap()
        .replacen("normal_until = 3\n", "normal_until = -3\n", 1)
        .replacen(
            "disposition = \"go_to_ed_now\"\nlikely_cause = \"lymphangitis\"",
            "disposition = \"go_ed\"\nlikely_cause = \"lymphangitis\"",
            1,
        );
    let (_dir, path) = clinic_file(text);
    let out = aftercare()
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    let file = path.display();
    assert!(err.contains(&format!("aftercare: error: {file}: expected_reaction \"redness\": normal_until: -3 is not a day")), "{err}");
    assert!(err.contains(&format!("aftercare: error: {file}: warning_sign \"red_streaks\": disposition: unknown disposition \"go_ed\"")), "{err}");
    assert!(!err.contains("and 1 more"), "{err}");
}

/// A clinic file that weakens safety is said to weaken it whenever it is used, not only by
/// `rules check`: here fever mapped to home care and repeat contact lowered.
#[test]
fn a_weakened_rule_file_is_flagged_every_time_it_is_used() {
    let text = std::fs::read_to_string(repo_path("rules/default.toml")).unwrap();
    let text = text
        .replacen(
            "disposition = \"see_today\"\nlikely_cause = \"infection\"",
            "disposition = \"home_care\"\nlikely_cause = \"infection\"",
            1,
        )
        .replacen(
            "[repeat_contact]\nid = \"repeat_contact\"\ndisposition = \"see_today\"",
            "[repeat_contact]\nid = \"repeat_contact\"\ndisposition = \"home_care\"",
            1,
        );
    // Without its examples (they would now fail), as a clinic might write it.
    let text = &text[..text.find("[[example]]").unwrap()];
    let (_dir, path) = clinic_file(text);
    let out = aftercare()
        .arg("--rules")
        .arg(&path)
        .args(["check", "--input", "-", "--format", "disposition"])
        .write_stdin(r#"{"days_since_treatment": 10, "symptoms": [{"id": "fever"}], "repeat_contact": true}"#)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    for needle in [
        "warning_sign \"fever\": disposition: is home_care",
        "repeat_contact \"repeat_contact\": disposition: home_care is below see_today",
        "keep its name and version",
    ] {
        assert!(err.contains(needle), "{needle:?} in {err}");
    }
    assert!(
        err.lines().all(|l| l.starts_with("aftercare: warning: ")),
        "{err}"
    );
}

/// What comes from a test file (its name, a case id) reaches the terminal with anything that
/// could act on it made visible.
#[test]
fn trace_shows_test_ids_and_file_names_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odd\u{1b}[2Jname.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"x\\u001b[31mred\", \"input\": {\"days_since_treatment\": 1, \"symptoms\": [{\"id\": \"fever\"}]}, \"expect\": \"home_care\"}\n",
    )
    .unwrap();
    let out = aftercare()
        .current_dir(repo_path(""))
        .args(["rules", "trace", "--tests"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("red"), "{text}");
}
