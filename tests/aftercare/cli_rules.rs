//! A clinic's own rule file (`--rules FILE`), `rules check` and `rules list`. Clinic files are
//! written from rules/default.toml with one edit each, as a clinic manager would make them.

use crate::support::*;

fn default_rules() -> String {
    std::fs::read_to_string(repo_path("rules/default.toml")).unwrap()
}

/// The default rule file with `from` replaced by `to` (once; `from` must be there).
fn edited(from: &str, to: &str) -> String {
    let text = default_rules();
    assert!(text.contains(from), "rules/default.toml contains {from:?}");
    text.replacen(from, to, 1)
}

/// Writes `content` as `clinic.toml` in a new temporary folder.
const REDNESS: &str = "id = \"redness\"\nlabel = \"Redness\"\ndescription = \"redness, like a sunburn\"\nnormal_until = 3\nok_if_improving_until = 7\n";

fn check_with(path: &std::path::Path, case: &str) -> Run {
    run(
        &[
            "--rules",
            path.to_str().unwrap(),
            "check",
            "--input",
            "-",
            "--format",
            "json",
        ],
        case,
    )
}

const DAY_4_REDNESS: &str =
    r#"{"days_since_treatment": 4, "symptoms": [{"id": "redness", "trend": "stable"}]}"#;

#[test]
fn a_clinic_file_changes_the_result_and_names_itself() {
    let text = edited(
        REDNESS,
        &REDNESS.replace("normal_until = 3", "normal_until = 5"),
    )
    .replacen(
        "name = \"micro-needling-default\"\nversion = \"1.2.0\"",
        "name = \"clinic-north\"\nversion = \"2.1.0\"",
        1,
    );
    let (_dir, path) = clinic_file(without_examples(&text));
    let default = check("json", DAY_4_REDNESS).json();
    assert_eq!(default["disposition"], "see_within_3_days");
    let r = check_with(&path, DAY_4_REDNESS);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["disposition"], "home_care");
    assert_eq!(v["findings"][0]["rule"], "redness.window");
    assert!(v["findings"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("up to day 5"));
    assert_eq!(v["rule_set"]["name"], "clinic-north");
    assert_eq!(v["rule_set"]["version"], "2.1.0");
}

/// Loads a broken clinic file with `check --rules`; asserts exit 4 and one line naming the
/// file, and each of `words`.
fn assert_refused(content: impl AsRef<[u8]>, words: &[&str]) -> String {
    let (_dir, path) = clinic_file(content);
    let r = check_with(&path, DAY_4_REDNESS);
    assert_eq!(r.code, 4, "exit 4 for a bad rule file: {}", r.stderr);
    assert_eq!(r.stdout, "", "no result from a bad rule file");
    let line = r.error_line().to_string();
    assert!(
        line.starts_with(&format!("aftercare: error: {}", path.display())),
        "names the file: {line}"
    );
    for w in words {
        assert!(line.contains(w), "{line:?} mentions {w:?}");
    }
    line
}

#[test]
fn an_unknown_disposition_is_refused_naming_rule_and_field() {
    assert_refused(
        edited(
            "ok_if_improving_until = 7\npast_window = \"see_within_3_days\"",
            "ok_if_improving_until = 7\npast_window = \"see_in_3_days\"",
        ),
        &[
            "expected_reaction \"redness\"",
            "past_window",
            "unknown disposition \"see_in_3_days\"",
        ],
    );
    assert_refused(
        edited(
            "worse_after = { day = 2, disposition = \"see_today\" }",
            "worse_after = { day = 2, disposition = \"soon\" }",
        ),
        &[
            "expected_reaction \"swelling\"",
            "worse_after.disposition",
            "\"soon\"",
        ],
    );
    assert_refused(
        edited(
            "disposition = \"call_emergency_now\"\nlikely_cause = \"anaphylaxis\"",
            "disposition = \"call_999\"\nlikely_cause = \"anaphylaxis\"",
        ),
        &[
            "warning_sign \"difficulty_breathing\"",
            "disposition",
            "\"call_999\"",
        ],
    );
}

#[test]
fn windows_out_of_order_are_refused() {
    assert_refused(
        edited(
            REDNESS,
            &REDNESS.replace("normal_until = 3", "normal_until = 8"),
        ),
        &[
            "expected_reaction \"redness\"",
            "normal_until",
            "8",
            "ok_if_improving_until",
        ],
    );
    assert_refused(
        edited(
            REDNESS,
            &REDNESS.replace("normal_until = 3", "normal_until = -1"),
        ),
        &["expected_reaction \"redness\"", "normal_until", "-1"],
    );
}

#[test]
fn duplicate_ids_are_refused() {
    assert_refused(
        edited("id = \"swelling\"", "id = \"redness\""),
        &["\"redness\"", "id", "already used"],
    );
    // Rule ids share one name space: a warning sign cannot reuse a reaction's id.
    assert_refused(
        edited("id = \"fever\"", "id = \"pain\""),
        &[
            "warning_sign \"pain\"",
            "id",
            "already used by expected_reaction \"pain\"",
        ],
    );
}

#[test]
fn every_rule_must_cite_declared_sources() {
    assert_refused(
        edited(
            "sources = [\"S000\", \"S002\", \"S003\", \"S004\", \"chu2021\", \"gowda2021\", \"proposed\"]\n",
            "",
        ),
        &["expected_reaction \"redness\"", "sources", "missing"],
    );
    assert_refused(
        edited(
            "sources = [\"S000\", \"S002\", \"S003\", \"S004\", \"chu2021\", \"gowda2021\", \"proposed\"]",
            "sources = [\"S000\", \"S009\"]",
        ),
        &[
            "expected_reaction \"redness\"",
            "sources",
            "\"S009\"",
            "not declared",
        ],
    );
}

#[test]
fn a_combination_naming_an_unknown_symptom_is_refused() {
    assert_refused(
        edited(
            "members = [{ any_of = [\"fever\", \"chills\"] }, { any_of = [\"purple_spots\"] }]",
            "members = [{ any_of = [\"fever\", \"chills\"] }, { any_of = [\"purple_spot\"] }]",
        ),
        &[
            "combination \"fever_with_purple_spots\"",
            "members[1]",
            "\"purple_spot\"",
        ],
    );
    assert_refused(
        edited(
            "\"red_streaks\", \"rapidly_spreading_swelling\"]",
            "\"red_streak\", \"rapidly_spreading_swelling\"]",
        ),
        &[
            "combination \"fever_with_spreading_infection\"",
            "members[1]",
            "\"red_streak\"",
        ],
    );
}

#[test]
fn a_misspelt_field_is_refused_with_its_line() {
    let line = assert_refused(
        edited("worse_after = { day = 2", "worse_afer = { day = 2"),
        &[
            "expected_reaction \"swelling\"",
            "worse_afer",
            "unknown field",
        ],
    );
    // The line of the misspelt field in the file.
    let expected_line = default_rules()
        .lines()
        .position(|l| l.starts_with("worse_after = { day = 2"))
        .unwrap()
        + 1;
    assert!(
        line.contains(&format!("clinic.toml:{expected_line}:")),
        "{line}"
    );
}

#[test]
fn a_toml_syntax_error_gives_its_line() {
    let text = edited(
        REDNESS,
        &REDNESS.replace("normal_until = 3", "normal_until = = 3"),
    );
    let expected_line = text
        .lines()
        .position(|l| l.starts_with("normal_until = = 3"))
        .unwrap()
        + 1;
    assert_refused(text, &[&format!("clinic.toml:{expected_line}:")]);
    assert_refused("[rule_set\nname = \"x\"\n", &["clinic.toml:1:"]);
}

#[test]
fn an_empty_or_unreadable_rule_file_is_refused() {
    assert_refused("", &["empty"]);
    assert_refused("\n# only a comment\n\n", &[]);
    assert_refused(b"[rule_set]\nname = \"caf\xe9\"\n", &["not UTF-8"]);
    let r = run(
        &[
            "--rules",
            "/no/such/clinic.toml",
            "check",
            "--input",
            "-",
            "--format",
            "json",
        ],
        DAY_4_REDNESS,
    );
    assert_eq!(r.code, 4);
    assert!(
        r.error_line().contains("/no/such/clinic.toml"),
        "{}",
        r.stderr
    );
    // A part that may not be left out.
    let text = default_rules();
    let start = text.find("[repeat_contact]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    assert_refused(
        format!("{}{}", &text[..start], &text[end..]),
        &["repeat_contact", "missing"],
    );
}

#[test]
fn rules_check_says_ok_for_the_built_in_and_for_a_sound_clinic_file() {
    let r = run(&["rules", "check"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1);
    assert!(r.stdout.starts_with("ok: "), "{}", r.stdout);
    assert!(r.stdout.contains("micro-needling-default"));
    assert!(r.stdout.contains("examples pass"));

    let (_dir, path) = clinic_file(edited("version = \"1.2.0\"", "version = \"1.2.1\""));
    for args in [
        vec!["rules", "check", path.to_str().unwrap()],
        vec!["--rules", path.to_str().unwrap(), "rules", "check"],
    ] {
        let r = run(&args, "");
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout.contains(&path.display().to_string()),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("1.2.1"));
    }
}

#[test]
fn rules_check_names_a_failing_example() {
    let example = r#"
[[example]]
id = "clinic-redness-day-4"
title = "redness not fading on day 4"
expect = "see_within_3_days"
case = { days_since_treatment = 4, symptoms = [{ id = "redness", trend = "stable" }] }
"#;
    let sound = default_rules() + example;
    let (_dir, path) = clinic_file(&sound);
    let r = run(&["rules", "check", path.to_str().unwrap()], "");
    assert_eq!(
        r.code, 0,
        "the example passes on the default windows: {}",
        r.stderr
    );

    // The clinic widens the redness window; its own example catches the change.
    let widened = sound.replacen(
        REDNESS,
        &REDNESS.replace("normal_until = 3", "normal_until = 5"),
        1,
    );
    let (_dir, path) = clinic_file(&widened);
    let r = run(&["rules", "check", path.to_str().unwrap()], "");
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("example \"clinic-redness-day-4\""))
        .unwrap_or_else(|| panic!("names the example: {}", r.stderr));
    assert!(line.contains(&path.display().to_string()), "{line}");
    assert!(
        line.contains("expected see_within_3_days but got home_care"),
        "{line}"
    );
    // One problem a line: errors, and the lint's warnings about the widened window.
    for l in r.stderr.lines() {
        assert!(
            l.starts_with("aftercare: error: ") || l.starts_with("aftercare: warning: "),
            "one problem a line: {l}"
        );
    }
}

#[test]
fn rules_check_lists_every_problem_one_a_line() {
    let text = edited(
        REDNESS,
        &REDNESS.replace("normal_until = 3", "normal_until = 8"),
    )
    .replacen("id = \"swelling\"", "id = \"redness\"", 1);
    let (_dir, path) = clinic_file(text);
    let r = run(&["rules", "check", path.to_str().unwrap()], "");
    assert_eq!(r.code, 4);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(lines.len() >= 2, "{}", r.stderr);
    assert!(lines.iter().any(|l| l.contains("normal_until")));
    assert!(lines.iter().any(|l| l.contains("already used")));
}

#[test]
fn rules_list_shows_the_windows_as_a_table() {
    let r = run(&["rules", "list"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row = |id: &str| -> Vec<String> {
        r.stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("a row for {id}"))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        row("redness"),
        [
            "redness", "3", "7", "3D", "1", "3D;", "2", "TODAY", "2", "TODAY", "1", "TODAY", "2",
            "3D"
        ]
    );
    assert_eq!(
        row("pinpoint_bleeding"),
        [
            "pinpoint_bleeding",
            "0.5",
            "1",
            "TODAY",
            "0",
            "TODAY",
            "0",
            "TODAY",
            "-",
            "0.5",
            "TODAY"
        ]
    );
    assert_eq!(
        row("milia"),
        ["milia", "14", "14", "2W", "-", "-", "-", "-"]
    );
    assert!(r.stdout.contains("micro-needling-default"));
    assert!(r.stdout.contains("fever_with_purple_spots"));
    // A clinic file's table shows its own windows.
    let (_dir, path) = clinic_file(without_examples(&edited(
        REDNESS,
        &REDNESS.replace("normal_until = 3", "normal_until = 5"),
    )));
    let r = run(&["--rules", path.to_str().unwrap(), "rules", "list"], "");
    assert_eq!(r.code, 0);
    assert!(r
        .stdout
        .lines()
        .any(|l| l.split_whitespace().take(3).eq(["redness", "5", "7"])));
}
