//! The JSON Schemas: committed copies equal what the binary prints, and an independent
//! validator (the `jsonschema` crate) agrees with the tool on what it takes and what it gives.

use serde_json::{json, Value};

use crate::support::{repo_path, rules, run, test_cases};

/// Every schema the binary prints, with its committed file.
const SCHEMAS: [(&[&str], &str); 7] = [
    (&["schema", "case"], "schemas/case.schema.json"),
    (&["schema", "result"], "schemas/result.schema.json"),
    (&["schema", "error"], "schemas/error.schema.json"),
    (&["schema", "record"], "schemas/record.schema.json"),
    (&["schema", "rules"], "schemas/rules.schema.json"),
    (
        &["schema", "rules", "--draft", "7"],
        "schemas/rules.draft-07.schema.json",
    ),
    (&["schema", "openapi"], "schemas/openapi.json"),
];

/// Every `$ref` of the OpenAPI document points at a component it has, and its schemas are
/// the binary's own: each public case is valid against `Case`, and its result against
/// `Result`.
#[test]
fn the_openapi_document_resolves_and_describes_what_the_service_takes_and_gives() {
    let doc = schema("openapi");
    assert_eq!(doc["openapi"], "3.1.0");
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|c| refs(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 10);
    for r in &all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the components: {r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} points nowhere"
        );
    }
    // The components as one schema document, so that a validator resolves the references.
    let component = |name: &str| {
        let mut s = doc["components"]["schemas"][name].clone();
        let text = serde_json::to_string(&doc["components"]["schemas"]).unwrap();
        let defs: Value =
            serde_json::from_str(&text.replace("#/components/schemas/", "#/$defs/")).unwrap();
        let body: Value = serde_json::from_str(
            &serde_json::to_string(&s)
                .unwrap()
                .replace("#/components/schemas/", "#/$defs/"),
        )
        .unwrap();
        s = body;
        s["$defs"] = defs;
        s["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        validator(&s)
    };
    let (case, result) = (component("Case"), component("Result"));
    for line in test_cases("tests/cases/public.jsonl").into_iter().take(60) {
        let file = "public.jsonl";
        let input = &line["input"];
        assert_valid(&case, input, &format!("{file}: a case"));
        let r = run(
            &["check", "--input", "-", "--format", "json"],
            input.to_string(),
        );
        if r.code == 0 || r.code >= 10 {
            let out: Value = serde_json::from_str(&r.stdout).unwrap();
            assert_valid(&result, &out, &format!("{file}: its result"));
        }
    }
}

fn schema(kind: &str) -> Value {
    let r = run(&["schema", kind], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::meta::validate(schema).expect("the schema is valid against its meta-schema");
    jsonschema::validator_for(schema).expect("the schema compiles")
}

#[track_caller]
fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    let shown: String = instance.to_string().chars().take(400).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}\n{shown}");
}

#[test]
fn the_committed_schemas_are_what_the_binary_prints() {
    for (args, file) in SCHEMAS {
        let r = run(args, "");
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let committed = std::fs::read_to_string(repo_path(file))
            .unwrap_or_else(|e| panic!("{file}: {e}: run `aftercare {} > {file}`", args.join(" ")));
        assert!(
            committed == r.stdout,
            "{file} differs from `aftercare {}`: regenerate it",
            args.join(" ")
        );
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        validator(&v);
    }
}

/// The named case tables of `tests/cases/`.
fn all_cases() -> Vec<Value> {
    let mut cases = test_cases("tests/cases/public.jsonl");
    cases.extend(test_cases("tests/cases/public-1.1.jsonl"));
    cases.extend(test_cases("tests/cases/public-1.2.jsonl"));
    cases.extend(test_cases("tests/cases/safety.jsonl"));
    assert!(cases.len() >= 40);
    cases
}

#[test]
fn every_test_case_and_its_result_match_the_schemas() {
    let case = validator(&schema("case"));
    let result = validator(&schema("result"));
    let cases = all_cases();
    let mut stream = String::new();
    for c in &cases {
        assert_valid(&case, &c["input"], &format!("case {}", c["id"]));
        stream.push_str(&c["input"].to_string());
        stream.push('\n');
    }
    let r = run(&["check", "--input", "-", "--format", "json"], stream);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let results = r.json_lines();
    assert_eq!(results.len(), cases.len());
    for (c, out) in cases.iter().zip(&results) {
        assert_valid(&result, out, &format!("result of {}", c["id"]));
    }
}

#[test]
fn every_error_record_matches_the_schema() {
    let error = validator(&schema("error"));
    let broken = [
        "{not json",
        "{}",
        r#"{"days_since_treatment": null, "symptoms": []}"#,
        r#"{"id": "c-1", "days_since_treatment": 1, "symptoms": [{"id": "rednes"}]}"#,
        r#"{"days_since_treatment": 1, "treated_at": "2026-11-18", "symptoms": []}"#,
        "[1, 2]",
    ];
    let mut stream: String = all_cases()
        .iter()
        .map(|c| c["input"].to_string() + "\n")
        .collect();
    for b in broken {
        stream.push_str(b);
        stream.push('\n');
    }
    let r = run(&["check", "--input", "-", "--format", "json"], stream);
    assert_eq!(r.code, 3);
    let records: Vec<Value> = r
        .json_lines()
        .into_iter()
        .filter(|v| v.get("error").is_some())
        .collect();
    assert_eq!(records.len(), broken.len(), "{}", r.stdout);
    for e in &records {
        assert_valid(&error, e, "error record");
    }
    // The fields of interface 1.1: a refusal that still names the emergency it could read.
    let mut e11 = records[0].clone();
    e11["format"] = json!("aftercare-error-1");
    e11["assessed_at"] = json!("2026-11-21T09:00:00Z");
    e11["at_least"] = json!("call_emergency_now");
    e11["action"] = json!("Call emergency services now.");
    assert_valid(&error, &e11, "an interface 1.1 error record");
    e11.as_object_mut().unwrap().remove("action");
    assert!(!error.is_valid(&e11), "at_least goes with its action");
    // A single case's error record, without a line number.
    let single = run(&["check", "--input", "-", "--format", "json"], "{}");
    assert_valid(&error, &single.json(), "single error record");
}

/// The ```json blocks of the JSON interface's document, each checked against the schema its
/// shape names.
#[test]
fn the_documented_examples_match_the_schemas() {
    let readme = std::fs::read_to_string(repo_path("docs/json-interface.md")).unwrap();
    let case = validator(&schema("case"));
    let result = validator(&schema("result"));
    let error = validator(&schema("error"));
    let mut checked = 0;
    for block in readme.split("```json\n").skip(1) {
        let text = &block[..block.find("```").unwrap()];
        for doc in json_documents(text) {
            let (v, what) = if doc.get("error").is_some() {
                (&error, "error record")
            } else if doc.get("disposition").is_some() {
                (&result, "result")
            } else if doc.get("symptoms").is_some() {
                (&case, "case")
            } else if doc.get("$schema").is_some() || doc.get("resourceType").is_some() {
                continue;
            } else {
                panic!("a documented JSON example of no known shape: {doc}");
            };
            assert_valid(v, &doc, &format!("docs/json-interface.md {what}"));
            checked += 1;
        }
    }
    assert!(checked >= 3, "documented examples checked: {checked}");
}

/// One JSON document, or one a line (a stream).
fn json_documents(text: &str) -> Vec<Value> {
    match serde_json::from_str(text) {
        Ok(v) => vec![v],
        Err(_) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect(),
    }
}

/// What the tool refuses, the schema refuses too; what it takes, the schema takes.
#[test]
fn the_case_schema_refuses_what_the_tool_refuses() {
    let case = validator(&schema("case"));
    let long_id = "x".repeat(257);
    let refused = [
        json!({"days_since_treatment": null, "symptoms": []}),
        json!({"id": null, "days_since_treatment": 1, "symptoms": []}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "redness", "trend": null}]}),
        json!({"days_since_treatment": 1}),
        json!({"symptoms": []}),
        json!({"days_since_treatment": 1, "treated_at": "2026-11-18", "symptoms": []}),
        json!({"days_since_treatment": 1, "assessed_at": "2026-11-21T09:00:00Z", "symptoms": []}),
        json!({"days_since_treatment": -1, "symptoms": []}),
        json!({"days_since_treatment": 36526, "symptoms": []}),
        json!({"days_since_treatment": 1, "symptons": []}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "rednes"}]}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "redness", "severity": "awful"}]}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "redness", "started_day": -1}]}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "redness", "colour": "red"}]}),
        json!({"treated_at": "2026-11-18T14:30", "symptoms": []}),
        json!({"id": long_id, "days_since_treatment": 1, "symptoms": []}),
        json!({"days_since_treatment": 1, "symptoms": vec![json!({"id": "redness"}); 257]}),
        json!({"days_since_treatment": 1, "repeat_contact": "yes", "symptoms": []}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "other"}]}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "other", "description": "   "}]}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "other", "description": "a\u{1b}[2Jb"}]}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "other", "description": "x".repeat(501)}]}),
        json!({"days_since_treatment": 3, "symptoms": [{"id": "redness", "started_day": 1, "started_on_day": 1}]}),
        json!({"days_since_treatment": 3, "symptoms": [{"id": "redness", "started_on_day": 1.5}]}),
        json!({"days_since_treatment": 3, "symptoms": [{"id": "redness", "started_on_day": null}]}),
        json!({"days_since_treatment": 1, "risk_factors": ["eczma"], "symptoms": []}),
        json!({"days_since_treatment": 1, "risk_factors": null, "symptoms": []}),
        json!({"days_since_treatment": 1, "risk_factors": vec!["eczema"; 65], "symptoms": []}),
    ];
    for c in &refused {
        assert!(
            !case.is_valid(c),
            "the schema takes what the tool refuses: {c}"
        );
        let r = run(
            &["check", "--input", "-", "--format", "json"],
            c.to_string(),
        );
        assert_eq!(r.code, 3, "the tool takes {c}: {}", r.stdout);
    }
    let taken = [
        json!({"days_since_treatment": 0, "symptoms": []}),
        json!({"days_since_treatment": 1, "symptoms": [{"id": "redness", "description": "sore"}]}),
        json!({"treated_at": "2026-11-18", "symptoms": []}),
        json!({"treated_at": "2026-11-18T14:30:00+01:00", "assessed_at": "2026-11-21", "symptoms": []}),
        json!({"days_since_treatment": 2.5, "repeat_contact": true, "symptoms": [{"id": "fever", "severity": "mild", "trend": "worsening", "started_day": 1.5}]}),
        json!({"days_since_treatment": 3, "risk_factors": ["eczema", "eczema"], "symptoms": [{"id": "other", "description": "a headache since this morning", "severity": "mild"}, {"id": "redness", "started_on_day": 2}]}),
    ];
    for c in &taken {
        assert_valid(&case, c, "a case the tool takes");
        let r = run(
            &["check", "--input", "-", "--format", "json"],
            c.to_string(),
        );
        assert_eq!(r.code, 0, "{c}: {}", r.stdout);
    }
}

/// A time the case schema admits is one the reader reads: no year 0, no month 13, no day
/// a month has not, no hour 24. (The one gap left: 29 February of a common year.)
#[test]
fn the_case_schema_admits_only_times_the_reader_reads() {
    let case = validator(&schema("case"));
    let check = |c: &Value| {
        run(
            &["check", "--input", "-", "--format", "json"],
            c.to_string(),
        )
    };
    let refused = [
        "0000-00-00",
        "0000-01-01",
        "2026-13-01",
        "2026-00-10",
        "2026-11-00",
        "2026-11-31",
        "2026-02-30",
        "2026-11-32",
        "2026-11-18T24:00:00Z",
        "2026-11-18T14:60:00Z",
        "2026-11-18T14:30:60Z",
        "2026-11-18T14:30:00+24:00",
        "2026-13-01T14:30:00Z",
    ];
    for t in refused {
        for c in [
            json!({"treated_at": t, "assessed_at": "2026-11-21T09:00:00Z", "symptoms": []}),
            json!({"treated_at": "2026-11-18", "assessed_at": t, "symptoms": []}),
        ] {
            assert!(!case.is_valid(&c), "the schema takes {c}");
            assert_eq!(check(&c).code, 3, "the tool takes {c}");
        }
    }
    let taken = [
        "2026-11-18",
        "2024-02-29",
        "2026-11-18T14:30:00Z",
        "2026-11-18t14:30:00z",
        "2026-11-18 14:30:00.5+01:00",
        "2026-11-18T23:59:59.123456789-12:00",
        "2026-11-18T00:00:00+23:59",
        "2026-10-31T09:00:00Z",
    ];
    for t in taken {
        let c = json!({"treated_at": t, "assessed_at": "2026-11-21T09:00:00Z", "symptoms": []});
        assert_valid(&case, &c, "a time the reader reads");
        let r = check(&c);
        assert_eq!(r.code, 0, "{c}: {}", r.stdout);
    }
}

#[test]
fn the_ids_are_the_loaded_rule_sets() {
    let s = schema("case");
    let ids = &s["$defs"]["symptom"]["properties"]["id"]["enum"];
    let mut expected: Vec<&str> = rules().symptom_ids().collect();
    expected.push(
        &rules()
            .other
            .as_ref()
            .expect("the built-in set has other")
            .id,
    );
    assert_eq!(ids, &json!(expected));
    // A clinic's file with a symptom of its own: its schema names it.
    let text = aftercare_core::rules::DEFAULT_RULES.replacen(
        "[[warning_sign]]",
        "[[warning_sign]]\nid = \"clinic_only_sign\"\nlabel = \"A sign of the clinic's own\"\ndescription = \"Something only this clinic asks about.\"\ndisposition = \"see_today\"\nlikely_cause = \"The clinic's own reasons.\"\nsources = [\"S000\"]\n\n[[warning_sign]]",
        1,
    );
    let (_dir, path) = crate::support::clinic_file(text);
    let r = run(&["--rules", path.to_str().unwrap(), "schema", "case"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"clinic_only_sign\""));
}

#[test]
fn the_rule_file_schema_takes_the_built_in_file_in_both_drafts() {
    let file: Value = toml::from_str::<toml::Value>(aftercare_core::rules::DEFAULT_RULES)
        .map_or_else(|e| panic!("{e}"), |t| serde_json::to_value(t).unwrap());
    for args in [
        &["schema", "rules"][..],
        &["schema", "rules", "--draft", "7"],
    ] {
        let r = run(args, "");
        let s: Value = serde_json::from_str(&r.stdout).unwrap();
        let v = validator(&s);
        assert_valid(&v, &file, "rules/default.toml");
        let mut typo = file.clone();
        typo["expected_reaction"][0]["worse_afer"] = json!({"day": 2, "disposition": "see_today"});
        assert!(!v.is_valid(&typo), "a misspelt field is refused");
        let mut bad = file.clone();
        bad["warning_sign"][0]["disposition"] = json!("see_soon");
        assert!(!v.is_valid(&bad), "an unknown disposition is refused");
    }
    let r = run(&["schema", "case", "--draft", "7"], "");
    assert_eq!(r.code, 2);
}

/// Saved calls and questionnaires of each kind, for the record's schema and its FHIR form:
/// a full nurse's call with a less urgent override, a nurse's call stopped at a danger sign,
/// a patient's questionnaire, and a patient stopped at an emergency sign.
pub(crate) fn sample_outcomes() -> Vec<(&'static str, aftercare::questionnaire::Outcome)> {
    use aftercare::questionnaire::scripted::{Scripted, ScriptedPrompter};
    use aftercare::questionnaire::{nurse, patient};
    use aftercare_core::Disposition;
    let rules = crate::support::rules();
    let now = chrono::DateTime::parse_from_rfc3339(crate::support::NOW).unwrap();
    // The call details at the start are skipped with Enter; the end of a call confirms the
    // advice listed.
    let end_of_call = |s: ScriptedPrompter| {
        s.then("call.advice_given", Scripted::All)
            .then("call.understood", Scripted::Yes)
            .text("call.notes", "")
    };
    let mut denies = ScriptedPrompter::new().text("call.caller_name", "");
    for w in rules
        .warning_signs
        .iter()
        .filter(|w| w.disposition >= Disposition::GoToEdNow)
    {
        denies = denies.then(&format!("danger.{}", w.id), Scripted::No);
    }
    let full_call = denies
        .text("treatment", "2 days ago")
        .picks("same_day", &["fever"])
        .picks("symptoms", &["redness"])
        .pick("symptom.redness.severity", "moderate")
        .pick("symptom.redness.trend", "stable")
        .pick("symptom.redness.started", "day:0")
        .then("repeat_contact", Scripted::No)
        .risk_factors(
            rules,
            &[
                ("radio_frequency", "yes"),
                ("cold_sores", "yes"),
                ("eczema", "no"),
            ],
        )
        .picks("background.treated_areas", &["face", "neck"])
        .picks("background.products", &["vitamin C serum"])
        .text("background.numbing_products", "")
        .text("background.allergies", "")
        .text("background.session", "2")
        .pick("override", "see_within_3_days")
        .text(
            "override.reason",
            "38.1 once, now 37.2; photo review booked",
        );
    let full_call = end_of_call(full_call);
    let stopped_call = end_of_call(
        ScriptedPrompter::new()
            .text("call.caller_name", "")
            .then("danger.difficulty_breathing", Scripted::No)
            .then("danger.throat_swelling", Scripted::Yes)
            .text("treatment", "1 day ago")
            .pick("override", "keep"),
    );
    let patient_normal = ScriptedPrompter::new()
        .picks("danger.emergency", &["none"])
        .picks("danger.ed", &["none"])
        .text("treatment", "2 days ago")
        .picks("symptoms", &["redness", "peeling"])
        .pick("symptom.redness.severity", "moderate")
        .pick("symptom.redness.trend", "improving")
        .pick("symptom.redness.started", "day:0")
        .pick("symptom.peeling.severity", "mild")
        .pick("symptom.peeling.trend", "not_sure")
        .pick("symptom.peeling.started", "not_sure")
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let patient_stopped = ScriptedPrompter::new().picks("danger.emergency", &["throat_swelling"]);
    let mut out = Vec::new();
    for (name, mut script, is_nurse) in [
        ("nurse call with an override", full_call, true),
        ("nurse call stopped at a danger sign", stopped_call, true),
        ("patient questionnaire", patient_normal, false),
        (
            "patient stopped at an emergency sign",
            patient_stopped,
            false,
        ),
    ] {
        let o = if is_nurse {
            nurse::run(&mut script, rules, now, Some("JB"))
        } else {
            patient::run(&mut script, rules, now)
        };
        let o = o.unwrap_or_else(|e| panic!("{name}: {e}\n{}", script.transcript.join("\n")));
        assert!(
            script.remaining().is_empty(),
            "{name}: unused steps {:?}\n{}",
            script.remaining(),
            script.transcript.join("\n")
        );
        out.push((name, o));
    }
    out
}

#[test]
fn every_kind_of_record_matches_the_schema() {
    let record = validator(&schema("record"));
    let rules = crate::support::rules();
    for (name, o) in sample_outcomes() {
        let note = (o.mode == aftercare::questionnaire::Mode::Nurse)
            .then(|| aftercare::questionnaire::sbar::render(&o, rules, 80));
        let r = serde_json::to_value(aftercare::questionnaire::record::Record::new(
            &o,
            note.as_deref(),
        ))
        .unwrap();
        assert_valid(&record, &r, name);
        // A stop reached through a symptom's answers, with no danger sign, names the
        // symptom.
        if name == "patient questionnaire" {
            let mut by_a_symptom = r.clone();
            by_a_symptom["stopped_at"] = serde_json::json!("redness");
            assert_valid(&record, &by_a_symptom, "patient stopped by a symptom");
        }
    }
}
