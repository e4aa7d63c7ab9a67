//! Rule-file words: text that could act on a terminal is refused at validation, words that
//! weaken safety are flagged by the lint, and a file whose own examples fail is not used.

use crate::support::{clinic_file, repo_path, run};

fn default_rules() -> String {
    std::fs::read_to_string(repo_path("rules/default.toml")).unwrap()
}

#[test]
fn rule_file_text_with_control_or_bidi_characters_is_refused_naming_rule_and_field() {
    let cases = [
        // An escape sequence in a label (as TOML writes it), a bidi override in an action.
        (
            "label = \"Home care\"",
            "label = \"Home care\\u001b[2J\"",
            "disposition \"home_care\": label: holds \\u{1b}",
        ),
        (
            "action = \"Book a routine review",
            "action = \"\u{202e}Book a routine review",
            "disposition \"see_within_2_weeks\": action: holds \\u{202e}",
        ),
        // A TOML key with a title-setting sequence: unknown, and named safely.
        (
            "[rule_set]\n",
            "[rule_set]\n\"\\u001b]0;x\\u0007\" = 1\n",
            "[rule_set]: \\u{1b}]0;x\\u{7}: unknown field",
        ),
        (
            "name = \"micro-needling-default\"",
            "name = \"micro-needling-default\\u009b\"",
            "[rule_set]: name: holds \\u{9b}",
        ),
    ];
    for (from, to, expected) in cases {
        let text = default_rules().replacen(from, to, 1);
        assert_ne!(text, default_rules(), "{from}");
        let (_dir, path) = clinic_file(text);
        let r = run(&["rules", "check", path.to_str().unwrap()], "");
        assert_eq!(r.code, 4, "{}", r.stderr);
        let line = r
            .stderr
            .lines()
            .find(|l| l.contains(expected))
            .unwrap_or_else(|| panic!("{expected}: {}", r.stderr));
        assert!(
            line.starts_with(&format!("aftercare: error: {}", path.display())),
            "{line}"
        );
        assert!(!r.stderr.contains('\u{1b}') && !r.stderr.contains('\u{202e}'));
        // Nor is it used to answer anything.
        let r = run(
            &["--rules", path.to_str().unwrap(), "check", "--input", "-"],
            r#"{"days_since_treatment": 1, "symptoms": []}"#,
        );
        assert_eq!(r.code, 4, "{}", r.stderr);
        assert_eq!(r.stdout, "");
    }
}

#[test]
fn a_rule_file_whose_own_examples_fail_is_not_used() {
    // A wider redness window: the file's own examples for day 4 now fail.
    let text = default_rules().replacen("normal_until = 3", "normal_until = 5", 1);
    let (_dir, path) = clinic_file(text);
    let r = run(
        &[
            "--rules",
            path.to_str().unwrap(),
            "check",
            "--input",
            "-",
            "--format",
            "json",
        ],
        r#"{"days_since_treatment": 4, "symptoms": [{"id": "redness", "trend": "stable"}]}"#,
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let line = r.error_line();
    assert!(
        line.starts_with(&format!("aftercare: error: {}: example ", path.display())),
        "{line}"
    );
    assert!(
        line.contains("run `aftercare rules check` for all"),
        "{line}"
    );
    // The same for every command that uses the rules.
    for args in [&["advice", "--day", "2"][..], &["rules", "list"][..]] {
        let mut all = vec!["--rules", path.to_str().unwrap()];
        all.extend_from_slice(args);
        assert_eq!(run(&all, "").code, 4, "{args:?}");
    }
}

#[test]
fn rules_check_strict_fails_on_words_that_weaken_safety() {
    let edits = [
        // The emergency disposition in the words of home care.
        (
            "label = \"Call emergency services now\"\naction = \"Call {emergency} now. Do not drive yourself.\"",
            "label = \"Home care\"\naction = \"This is expected healing for this day. Follow the aftercare advice.\"",
            "disposition \"call_emergency_now\": label: \"Home care\" is the default set's label for home_care",
        ),
        // The trouble-breathing question turned into something harmless.
        (
            "description = \"trouble breathing, wheezing, noisy breathing\"",
            "description = \"a slightly blocked nose\"",
            "warning_sign \"difficulty_breathing\": description: \"a slightly blocked nose\" differs",
        ),
        // A restriction lifted after 12 hours.
        (
            "until_day = 1\ntext = \"No makeup for the first 24 hours.\"",
            "until_day = 0.5\ntext = \"No makeup for the first 24 hours.\"",
            "advice \"no_makeup\": until_day: ends on day 0.5 where the default set ends it on day 1",
        ),
        // A "don't" made a "do": "Makeup: yes" on the treatment day.
        (
            "topic = \"makeup\"\nkind = \"dont\"",
            "topic = \"makeup\"\nkind = \"do\"",
            "advice \"no_makeup\": kind: \"do\" where the default set has \"dont\"",
        ),
    ];
    for (from, to, expected) in edits {
        let text = default_rules();
        assert!(text.contains(from), "{from}");
        let (_dir, path) = clinic_file(text.replacen(from, to, 1));
        let r = run(&["rules", "check", "--strict", path.to_str().unwrap()], "");
        assert_eq!(r.code, 4, "{expected}: {}", r.stderr);
        assert!(
            r.stderr
                .lines()
                // Words that tell a person to do less than the disposition needs are an
                // error: the file is not used as it is.
                .any(|l| (l.starts_with("aftercare: warning: ")
                    || l.starts_with("aftercare: error: "))
                    && l.contains(expected)),
            "{expected}: {}",
            r.stderr
        );
        // Refused before --strict is even reached, or by it.
        assert!(
            r.stderr.contains("--strict fails on any")
                || r.stderr
                    .contains("the file is not used until this is mended"),
            "{}",
            r.stderr
        );
    }
}

/// A file that says an emergency in the words of home care is not used at all: `check`
/// refuses it with exit 4 and answers nothing, as it refuses a file whose examples fail.
#[test]
fn emergency_words_said_as_home_care_stop_the_file_for_use() {
    let text = default_rules().replacen(
        "label = \"Call emergency services now\"\naction = \"Call {emergency} now. Do not drive yourself.\"",
        "label = \"Home care\"\naction = \"This is expected healing for this day. Follow the aftercare advice.\"",
        1,
    );
    let (_dir, path) = clinic_file(text);
    let r = run(
        &[
            "--rules",
            path.to_str().unwrap(),
            "check",
            "--input",
            "-",
            "--format",
            "json",
        ],
        r#"{"days_since_treatment": 1, "symptoms": [{"id": "difficulty_breathing"}]}"#,
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("less urgent than call_emergency_now"),
        "{}",
        r.stderr
    );
}

/// The person's report names a warning sign's likely cause in the rule file's words for the
/// person (`cause_in_words`), never the clinician's term; a file without them names none.
#[test]
fn the_persons_report_names_the_cause_in_the_rule_files_words_for_people() {
    let case = r#"{"days_since_treatment":3,"symptoms":[{"id":"red_streaks"}]}"#;
    // The report is wrapped to the terminal's width: its words, one space apart.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let built_in = run(&["check", "--input", "-", "--format", "text"], case);
    assert!(
        words(&built_in.stdout).contains("a sign of a spreading skin infection"),
        "{}",
        built_in.stdout
    );
    assert!(
        !built_in.stdout.contains("lymphangitis"),
        "{}",
        built_in.stdout
    );

    let from = "likely_cause = \"lymphangitis\"\ncause_in_words = \"a spreading skin infection\"";
    assert!(default_rules().contains(from));
    let reworded = default_rules().replacen(
        from,
        "likely_cause = \"lymphangitis\"\ncause_in_words = \"an infection spreading along the skin\"",
        1,
    );
    let (_dir, path) = clinic_file(reworded);
    let r = run(
        &[
            "check",
            "--rules",
            path.to_str().unwrap(),
            "--input",
            "-",
            "--format",
            "text",
        ],
        case,
    );
    assert!(
        words(&r.stdout).contains("a sign of an infection spreading along the skin"),
        "{}",
        r.stdout
    );

    let without = default_rules().replacen(from, "likely_cause = \"lymphangitis\"", 1);
    let (_dir, path) = clinic_file(without);
    let r = run(
        &[
            "check",
            "--rules",
            path.to_str().unwrap(),
            "--input",
            "-",
            "--format",
            "text",
        ],
        case,
    );
    assert!(
        words(&r.stdout).contains("Red streaks: not part of normal healing."),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("lymphangitis"), "{}", r.stdout);
}
