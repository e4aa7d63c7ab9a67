//! Every public acceptance case through the real binary, one process per case and all of
//! them again as one stream.

use crate::support::*;

#[test]
fn every_public_case_gives_its_expected_disposition() {
    let cases = public_cases();
    assert!(
        cases.len() >= 25,
        "the acceptance files have all their cases"
    );
    for c in &cases {
        let input = c["input"].to_string();
        let (result, code, stderr) = check_json(&input);
        assert_eq!(code, 0, "{}: exit code; stderr: {stderr}", c["id"]);
        assert_eq!(
            result["disposition"], c["expect"],
            "{} ({}): {result}",
            c["id"], c["title"]
        );
        assert_eq!(result["rule_set"]["name"], "micro-needling-default");
    }
}

#[test]
fn the_public_cases_as_one_stream_answer_in_order() {
    let cases = public_cases();
    let stream: String = cases
        .iter()
        .map(|c| c["input"].to_string() + "\n")
        .collect();
    let out = aftercare()
        .args(["check", "--input", "-", "--format", "json"])
        .write_stdin(stream)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len());
    for (c, r) in cases.iter().zip(&lines) {
        assert_eq!(r["disposition"], c["expect"], "{}", c["id"]);
    }
}

/// Cases typed by hand from each [1.1] change of the clinical reference (every changed
/// threshold just on and just after, the cluster, each combination and qualifier, each risk
/// factor, `other`, `started_on_day`, the new warning signs), with the expectations that
/// [1.2] changed (the treatment day in "after 0", the cluster of two, weeping eczema, itch to
/// day 5), apart from the rule file's own examples: a second reading of the reference, run as
/// one stream.
#[test]
fn every_reference_case_of_the_protocol_gives_its_expected_disposition() {
    let cases = test_cases("tests/cases/reference-1.2.jsonl");
    assert!(cases.len() >= 70, "the reference file has all its cases");
    let stream: String = cases
        .iter()
        .map(|c| c["input"].to_string() + "\n")
        .collect();
    let r = check("json", stream);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let results: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), cases.len());
    for (c, result) in cases.iter().zip(&results) {
        assert_eq!(
            result["disposition"], c["expect"],
            "{} ({}): {result}",
            c["id"], c["title"]
        );
    }
}
