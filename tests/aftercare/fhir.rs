//! FHIR R4: the questionnaires generated from the rule set, a bundle per case, and a saved
//! call as a bundle. Their validation against the FHIR specification runs in CI
//! (`contracts/fhir/validate.sh`); these tests check what no validator there checks.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::support::{repo_path, rules, run};

fn questionnaire(nurse: bool) -> Value {
    let args: &[&str] = if nurse {
        &["fhir", "questionnaire", "--nurse"]
    } else {
        &["fhir", "questionnaire"]
    };
    let r = run(args, "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// Every item, depth first, in the order a form shows them.
fn items(q: &Value) -> Vec<&Value> {
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        for i in v["item"].as_array().into_iter().flatten() {
            out.push(i);
            walk(i, out);
        }
    }
    let mut out = Vec::new();
    walk(q, &mut out);
    out
}

/// que-2: linkIds are unique; and every enableWhen asks about a question that comes before.
#[test]
fn link_ids_are_unique_and_enable_when_looks_back() {
    for nurse in [false, true] {
        let q = questionnaire(nurse);
        let mut seen = HashSet::new();
        for item in items(&q) {
            let id = item["linkId"].as_str().expect("every item has a linkId");
            for w in item["enableWhen"].as_array().into_iter().flatten() {
                let on = w["question"].as_str().unwrap();
                assert!(
                    seen.contains(on),
                    "{id} depends on {on}, not asked before it"
                );
            }
            assert!(seen.insert(id.to_string()), "linkId {id:?} twice (que-2)");
        }
        assert!(seen.len() > 40, "{} items", seen.len());
    }
}

#[test]
fn the_danger_sign_lists_are_the_rule_sets_with_an_exclusive_none() {
    let q = questionnaire(false);
    let rules = rules();
    assert_eq!(
        q["url"],
        "http://aftercare.invalid/fhir/micro-needling-default/Questionnaire/patient"
    );
    assert_eq!(q["version"], rules.version.as_str());
    let all = items(&q);
    let find = |id: &str| *all.iter().find(|i| i["linkId"] == id).unwrap();
    for (link, d) in [
        (
            "danger.emergency",
            aftercare_core::Disposition::CallEmergencyNow,
        ),
        ("danger.ed", aftercare_core::Disposition::GoToEdNow),
    ] {
        let item = find(link);
        assert_eq!(item["type"], "choice");
        assert_eq!(item["repeats"], true);
        assert_eq!(item["required"], true);
        let options = item["answerOption"].as_array().unwrap();
        let codes: Vec<&str> = options
            .iter()
            .map(|o| o["valueCoding"]["code"].as_str().unwrap())
            .collect();
        let mut expected: Vec<&str> = rules
            .warning_signs
            .iter()
            .filter(|w| w.disposition == d)
            .map(|w| w.id.as_str())
            .collect();
        expected.push("none");
        assert_eq!(codes, expected, "{link}");
        let none = options.last().unwrap();
        assert_eq!(
            none["extension"],
            json!([{ "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive", "valueBoolean": true }])
        );
        assert!(options[..options.len() - 1]
            .iter()
            .all(|o| o.get("extension").is_none()));
        for o in options {
            assert_eq!(
                o["valueCoding"]["system"],
                "http://aftercare.invalid/fhir/micro-needling-default/CodeSystem/symptom"
            );
        }
    }
    // ED signs only when no emergency sign; a symptom's details only when it is ticked.
    assert_eq!(
        find("danger.ed")["enableWhen"][0]["question"],
        "danger.emergency"
    );
    assert_eq!(
        find("danger.ed")["enableWhen"][0]["answerCoding"]["code"],
        "none"
    );
    let redness = find("symptom.redness");
    assert_eq!(redness["enableWhen"][0]["question"], "symptoms");
    assert_eq!(redness["enableWhen"][0]["answerCoding"]["code"], "redness");
}

#[test]
fn the_nurse_asks_the_danger_signs_one_by_one_and_stops_at_a_yes() {
    let q = questionnaire(true);
    let all = items(&q);
    let danger: Vec<&&Value> = all
        .iter()
        .filter(|i| i["linkId"].as_str().unwrap().starts_with("danger."))
        .collect();
    let expected = rules()
        .warning_signs
        .iter()
        .filter(|w| w.disposition >= aftercare_core::Disposition::GoToEdNow)
        .count();
    assert_eq!(danger.len(), expected);
    for pair in danger.windows(2) {
        assert_eq!(pair[1]["type"], "boolean");
        assert_eq!(pair[1]["enableWhen"][0]["question"], pair[0]["linkId"]);
        assert_eq!(pair[1]["enableWhen"][0]["answerBoolean"], true);
        assert_eq!(pair[1]["enableWhen"][0]["operator"], "!=");
    }
    assert!(all.iter().any(|i| i["linkId"] == "background.session"));
}

#[test]
fn a_clinics_rule_set_gives_its_own_urls() {
    let text = aftercare_core::rules::DEFAULT_RULES.replacen(
        "name = \"micro-needling-default\"",
        "name = \"clinic-north\"",
        1,
    );
    let (_dir, path) = crate::support::clinic_file(text);
    let r = run(
        &[
            "--rules",
            path.to_str().unwrap(),
            "fhir",
            "questionnaire",
            "--nurse",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let q: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        q["url"],
        "http://aftercare.invalid/fhir/clinic-north/Questionnaire/nurse"
    );
    assert!(!r.stdout.contains("micro-needling-default/"));
}

fn check_fhir(stream: &str) -> crate::support::Run {
    run(&["check", "--input", "-", "--format", "fhir"], stream)
}

#[test]
fn a_case_is_a_bundle_of_its_answers_and_the_risk_assessment() {
    let r = check_fhir(
        r#"{"id": "caller-17", "treated_at": "2026-11-18T14:30:00Z", "assessed_at": "2026-11-21T09:00:00Z", "symptoms": [{"id": "redness", "severity": "moderate", "trend": "worsening"}, {"id": "pus"}]}"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = r.json();
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let entries = b["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let (qr, ra) = (&entries[0]["resource"], &entries[1]["resource"]);
    assert_eq!(qr["resourceType"], "QuestionnaireResponse");
    assert_eq!(qr["status"], "completed");
    assert_eq!(qr["authored"], "2026-11-21T09:00:00+00:00");
    let answers = qr["item"].as_array().unwrap();
    let item = |id: &str| {
        answers
            .iter()
            .find(|i| i["linkId"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(
        item("danger.emergency")["answer"][0]["valueCoding"]["code"],
        "none"
    );
    assert_eq!(
        item("treatment")["answer"][0]["valueDateTime"],
        "2026-11-18T14:30:00+00:00"
    );
    let ticked: Vec<&str> = item("symptoms")["answer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["valueCoding"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(ticked, ["redness", "pus"]);
    // Only what was given: the details of pus were not, so it has none.
    assert_eq!(item("symptom.redness")["item"].as_array().unwrap().len(), 2);
    assert!(answers.iter().all(|i| i["linkId"] != "symptom.pus"));

    assert_eq!(ra["resourceType"], "RiskAssessment");
    assert_eq!(ra["status"], "final");
    assert_eq!(ra["subject"]["display"], "case caller-17");
    assert_eq!(ra["occurrenceDateTime"], "2026-11-21T09:00:00+00:00");
    assert_eq!(ra["basis"][0]["reference"], entries[0]["fullUrl"]);
    assert_eq!(ra["method"]["coding"][0]["code"], "micro-needling-default");
    assert_eq!(
        ra["method"]["coding"][0]["version"],
        rules().version.as_str()
    );
    let p = &ra["prediction"][0];
    assert_eq!(p["outcome"]["coding"][0]["code"], "see_today");
    assert!(p.get("probabilityDecimal").is_none() && p.get("qualitativeRisk").is_none());
    let rationale = p["rationale"].as_str().unwrap();
    assert!(
        rationale.contains("[redness.worse_after]") && rationale.contains("[pus]"),
        "{rationale}"
    );
    let mitigation = ra["mitigation"].as_str().unwrap();
    assert!(
        mitigation.starts_with("Contact the clinic now") && mitigation.contains("Safety net:"),
        "{mitigation}"
    );
    // Full URLs are unique, and the same input gives the same bundle.
    assert_ne!(entries[0]["fullUrl"], entries[1]["fullUrl"]);
}

#[test]
fn an_emergency_answer_stops_the_response_as_the_questions_stop() {
    let r = check_fhir(
        r#"{"days_since_treatment": 0.2, "symptoms": [{"id": "difficulty_breathing"}, {"id": "hives"}]}"#,
    );
    let b = r.json();
    let qr = &b["entry"][0]["resource"];
    assert_eq!(qr["item"].as_array().unwrap().len(), 1, "{qr}");
    assert_eq!(
        qr["item"][0]["answer"][0]["valueCoding"]["code"],
        "difficulty_breathing"
    );
    assert_eq!(
        qr["subject"]["display"],
        "the person assessed (not identified)"
    );
    let ra = &b["entry"][1]["resource"];
    assert_eq!(
        ra["prediction"][0]["outcome"]["coding"][0]["code"],
        "call_emergency_now"
    );
    // Nothing is lost: every finding that decided is in the rationale.
    assert!(ra["prediction"][0]["rationale"]
        .as_str()
        .unwrap()
        .contains("[difficulty_breathing]"));
}

#[test]
fn a_stream_gives_a_bundle_a_line_and_an_operation_outcome_for_a_bad_one() {
    let r = check_fhir(
        "{\"days_since_treatment\": 1, \"symptoms\": []}\n{\"days_since_treatment\": 1, \"symptoms\": [{\"id\": \"rednes\"}]}\n{\"days_since_treatment\": 2, \"symptoms\": []}\n",
    );
    assert_eq!(r.code, 3);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["resourceType"], "Bundle");
    assert_eq!(lines[1]["resourceType"], "OperationOutcome");
    let d = lines[1]["issue"][0]["diagnostics"].as_str().unwrap();
    assert!(
        d.starts_with("line 2: symptoms[0].id: unknown symptom id"),
        "{d}"
    );
    assert_eq!(lines[2]["resourceType"], "Bundle");
    assert_ne!(
        lines[0]["id"], lines[2]["id"],
        "bundles of one stream differ"
    );
}

/// The recorded calls that `contracts/fhir/validate.sh` validates, kept equal to what the
/// questionnaire writes (set AFTERCARE_UPDATE_RECORDS=1 to rewrite them).
#[test]
fn the_recorded_calls_for_validation_are_current() {
    let rules = crate::support::rules();
    let update = std::env::var_os("AFTERCARE_UPDATE_RECORDS").is_some();
    for (name, o) in crate::schema::sample_outcomes() {
        let note = (o.mode == aftercare::questionnaire::Mode::Nurse)
            .then(|| aftercare::questionnaire::sbar::render(&o, rules, 80));
        let record = aftercare::questionnaire::record::Record::new(&o, note.as_deref());
        let text = serde_json::to_string_pretty(&record).unwrap() + "\n";
        let file = repo_path(&format!(
            "contracts/fhir/records/{}.json",
            name.replace(' ', "-")
        ));
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&file).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (AFTERCARE_UPDATE_RECORDS=1 writes it)",
                file.display()
            )
        });
        assert!(
            committed == text,
            "{} is out of date (AFTERCARE_UPDATE_RECORDS=1)",
            file.display()
        );
    }
}

fn record_bundle(name: &str) -> Value {
    let file = repo_path(&format!("contracts/fhir/records/{name}.json"));
    let r = run(&["record", "fhir", file.to_str().unwrap()], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn a_recorded_call_is_the_same_bundle_with_the_nurse_as_author() {
    let b = record_bundle("nurse-call-with-an-override");
    let qr = &b["entry"][0]["resource"];
    let ra = &b["entry"][1]["resource"];
    assert_eq!(qr["status"], "completed");
    assert_eq!(
        qr["author"]["display"],
        "the clinic's nurse (telephone triage)"
    );
    assert!(qr["questionnaire"]
        .as_str()
        .unwrap()
        .contains("/Questionnaire/nurse|"));
    let links: Vec<&str> = qr["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["linkId"].as_str().unwrap())
        .collect();
    assert!(
        links.contains(&"danger.difficulty_breathing")
            && links.contains(&"same_day")
            && links.contains(&"background"),
        "{links:?}"
    );
    assert_eq!(
        ra["prediction"][0]["outcome"]["coding"][0]["code"],
        "see_within_3_days"
    );
    let note = ra["note"][0]["text"].as_str().unwrap();
    assert!(
        note.contains("computed see_today changed to see_within_3_days"),
        "{note}"
    );
    assert!(
        note.contains("38.1 once, now 37.2; photo review booked"),
        "{note}"
    );

    let stopped = record_bundle("nurse-call-stopped-at-a-danger-sign");
    let qr = &stopped["entry"][0]["resource"];
    assert_eq!(qr["status"], "stopped");
    let links: Vec<&str> = qr["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["linkId"].as_str().unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "danger.difficulty_breathing",
            "danger.throat_swelling",
            "treatment"
        ]
    );
    assert_eq!(qr["item"][1]["answer"][0]["valueBoolean"], true);
    assert_eq!(
        stopped["entry"][1]["resource"]["prediction"][0]["outcome"]["coding"][0]["code"],
        "call_emergency_now"
    );

    let patient = record_bundle("patient-questionnaire");
    assert_eq!(
        patient["entry"][0]["resource"]["author"]["display"],
        "the person treated (self-reported)"
    );
}

#[test]
fn a_file_that_is_not_a_record_is_an_input_error() {
    let (_dir, path) =
        crate::support::clinic_file(r#"{"days_since_treatment": 1, "symptoms": []}"#);
    let r = run(&["record", "fhir", path.to_str().unwrap()], "");
    assert_eq!(r.code, 3);
    assert!(
        r.error_line().contains("not an aftercare record"),
        "{}",
        r.stderr
    );
    let r = run(&["record", "fhir", "/nonexistent/call.json"], "");
    assert_eq!(r.code, 3);
}

/// A committed record, edited by `edit`, written to a file of its own; `record fhir` on it.
fn record_fhir_edited(name: &str, edit: impl FnOnce(&mut Value)) -> (crate::support::Run, String) {
    let file = repo_path(&format!("contracts/fhir/records/{name}.json"));
    let mut record: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    edit(&mut record);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited-call.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
    let shown = path.to_str().unwrap().to_string();
    (run(&["record", "fhir", &shown], ""), shown)
}

#[test]
fn an_edited_record_with_a_milder_disposition_is_refused_for_fhir() {
    let stopped = "nurse-call-stopped-at-a-danger-sign";
    // Both dispositions made milder: the case (throat swelling) still gives an emergency.
    let (r, file) = record_fhir_edited(stopped, |rec| {
        rec["computed_disposition"] = json!("home_care");
        rec["disposition"] = json!("home_care");
    });
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "nothing exported: {}", r.stdout);
    let line = r.error_line();
    assert!(
        line.contains(&file) && line.contains("home_care") && line.contains("call_emergency_now"),
        "{line}"
    );
    // Only the disposition in force, with no nurse's change recorded.
    let (r, _) = record_fhir_edited(stopped, |rec| rec["disposition"] = json!("see_today"));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.error_line().contains("see_today") && r.error_line().contains("call_emergency_now"),
        "{}",
        r.stderr
    );
    // A nurse's change added by hand, without the confirmation a lowering from an
    // emergency needs.
    let (r, _) = record_fhir_edited(stopped, |rec| {
        rec["override"] =
            json!({"from": "call_emergency_now", "to": "home_care", "reason": "fine"});
        rec["disposition"] = json!("home_care");
    });
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.error_line().contains("home_care"), "{}", r.stderr);
}

#[test]
fn an_edited_record_whose_case_no_longer_gives_its_disposition_is_refused_for_fhir() {
    // The case made milder under an unchanged disposition: a differing answer either way.
    let (r, file) = record_fhir_edited("nurse-call-stopped-at-a-danger-sign", |rec| {
        rec["case"]["symptoms"] = json!([]);
    });
    assert_eq!(r.code, 3, "{}", r.stderr);
    let line = r.error_line();
    assert!(
        line.contains(&file) && line.contains("call_emergency_now") && line.contains("home_care"),
        "{line}"
    );
    // The nurse's change is from what the rules computed, or the record is refused.
    let (r, _) = record_fhir_edited("nurse-call-with-an-override", |rec| {
        rec["override"]["from"] = json!("see_within_2_weeks");
    });
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.error_line().contains("override.from"), "{}", r.stderr);
    // Unedited, a recorded change with its reason is exported as it was made.
    let (r, _) = record_fhir_edited("nurse-call-with-an-override", |_| {});
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_record_over_16_mib_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge-call.json");
    // A sparse file: its size is looked at, its bytes are never read.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(16 * 1024 * 1024 + 1)
        .unwrap();
    let shown = path.to_str().unwrap();
    let mut endless: Vec<&str> = vec![shown];
    // A device with no size and no end is read no further than the cap.
    if cfg!(unix) {
        endless.push("/dev/zero");
    }
    for file in endless {
        for command in [
            &["record", "fhir", file][..],
            &["record", "show", file, "--format", "json"][..],
        ] {
            let r = run(command, "");
            assert_eq!(r.code, 3, "{command:?}: {}", r.stderr);
            let line = r.error_line();
            assert!(
                line.contains(file) && line.contains("larger than 16 MiB"),
                "{command:?}: {line}"
            );
        }
    }
}

#[test]
fn other_its_words_a_whole_start_day_and_risk_factors_are_answers_too() {
    let q = questionnaire(false);
    let all = items(&q);
    let find = |id: &str| all.iter().find(|i| i["linkId"] == id).copied();
    let description = find("symptom.other.description").expect("other asks for its words");
    assert_eq!(description["type"], "string");
    assert_eq!(description["required"], true);
    assert_eq!(description["maxLength"], 500);
    // A risk factor is asked when a symptom it combines with is ticked.
    let eczema = find("risk.eczema").expect("eczema is asked");
    let on: Vec<&str> = eczema["enableWhen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["answerCoding"]["code"].as_str().unwrap())
        .collect();
    assert!(
        on.contains(&"grouped_blisters") || on.contains(&"weeping"),
        "{on:?}"
    );

    let r = check_fhir(
        r#"{"id": "c-9", "days_since_treatment": 3, "risk_factors": ["eczema"], "symptoms": [{"id": "weeping"}, {"id": "other", "description": "a headache since this morning"}, {"id": "redness", "started_on_day": 2}]}"#,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = r.json();
    let qr = &b["entry"][0]["resource"];
    let answers = qr["item"].as_array().unwrap();
    let item = |id: &str| {
        answers
            .iter()
            .find(|i| i["linkId"] == id)
            .unwrap_or_else(|| panic!("{id}: {qr}"))
    };
    assert_eq!(
        item("symptom.other")["item"][0]["answer"][0]["valueString"],
        "a headache since this morning"
    );
    assert_eq!(
        item("symptom.redness")["item"][0]["answer"][0]["valueInteger"],
        2
    );
    assert_eq!(item("risk.eczema")["answer"][0]["valueBoolean"], true);
}
