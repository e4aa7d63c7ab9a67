//! FHIR R4 (4.0.1): the questionnaire as a `Questionnaire` generated from the rule set, and
//! an answered case or a saved call as a `Bundle` (collection) of a `QuestionnaireResponse`
//! and a `RiskAssessment`, for a clinic's record system to import.
//!
//! Codes come from CodeSystems whose urls derive from the rule set's name, so that two
//! protocols never share a code by accident. The RiskAssessment carries no probability: the
//! rules give a disposition, not a likelihood, and an invented number would be read as one.

use serde_json::{json, Value};

use crate::conversation::{self, Mode, Part};
use aftercare_core::model::{Disposition, Finding, RuleSetId, Severity, Trend};
use aftercare_core::rules::RuleSet;

/// The R4 extension that makes "None of these" exclude every other option.
const OPTION_EXCLUSIVE: &str =
    "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive";

/// The code of the "None of these" answer in the symptom CodeSystem.
pub const NONE_CODE: &str = "none";

/// Where this rule set's FHIR artefacts live. `.invalid` is reserved (RFC 2606): the url
/// names the protocol without pretending to resolve anywhere.
pub fn base_url(rule_set_name: &str) -> String {
    format!("http://aftercare.invalid/fhir/{rule_set_name}")
}

fn code_system(rule_set_name: &str, what: &str) -> String {
    format!("{}/CodeSystem/{what}", base_url(rule_set_name))
}

pub fn questionnaire_url(rule_set_name: &str, mode: Mode) -> String {
    format!("{}/Questionnaire/{}", base_url(rule_set_name), mode.key())
}

fn symptom_coding(rules: &RuleSet, name: &str, id: &str) -> Value {
    let display = if id == NONE_CODE {
        "None of these".to_string()
    } else if let Some((_, f)) = rules.risk_factor(id) {
        f.label.clone()
    } else {
        rules
            .symptom_text(id)
            .map_or_else(|| id.to_string(), |t| t.label.to_string())
    };
    json!({ "system": code_system(name, "symptom"), "code": id, "display": display })
}

/// The danger signs the nurse asks one by one, most urgent first.
fn danger_signs(rules: &RuleSet) -> Vec<&str> {
    let mut ids = rules.signs_of(Disposition::CallEmergencyNow);
    ids.extend(rules.signs_of(Disposition::GoToEdNow));
    ids
}

/// The symptoms list of a protocol: the nurse asks the same-day signs on their own; `other`,
/// for anything the lists do not name, comes last.
fn symptom_list(rules: &RuleSet, mode: Mode) -> Vec<&str> {
    let same_day = rules.signs_of(Disposition::SeeToday);
    rules
        .checklist_ids(Disposition::SeeToday)
        .into_iter()
        .filter(|id| mode == Mode::Patient || !same_day.contains(id))
        .chain(rules.other.as_ref().map(|o| o.id.as_str()))
        .collect()
}

/// Which checklist asks about `id` in a protocol, when one does after the danger signs.
fn checklist_of(rules: &RuleSet, mode: Mode, id: &str) -> Option<&'static str> {
    if mode == Mode::Nurse && rules.signs_of(Disposition::SeeToday).contains(&id) {
        Some("same_day")
    } else if symptom_list(rules, mode).contains(&id) {
        Some("symptoms")
    } else {
        None
    }
}

/// The risk-factor questions. The patient is asked each only when a symptom it combines
/// with is ticked, since that is when it can change the answer (one in no combination is
/// asked for the record); the nurse asks every one in the background.
fn risk_factor_items(rules: &RuleSet, mode: Mode, after_danger: &Value) -> Vec<Value> {
    let mut items = Vec::new();
    for f in &rules.risk_factors {
        if mode == Mode::Nurse {
            let mut item = json!({
                "linkId": format!("risk.{}", f.id),
                "code": [symptom_coding(rules, &rules.name, &f.id)],
                "text": f.question,
                "type": "boolean"
            });
            set_enable_when(&mut item, after_danger);
            items.push(item);
            continue;
        }
        let mut partners: Vec<Value> = Vec::new();
        let mut combined = false;
        for c in &rules.combinations {
            if !c.members.iter().any(|m| m.any_of.contains(&f.id)) {
                continue;
            }
            combined = true;
            for m in c.members.iter().filter(|m| !m.any_of.contains(&f.id)) {
                for id in &m.any_of {
                    if let Some(link) = checklist_of(rules, mode, id) {
                        let w = when_coding(rules, link, id);
                        if !partners.contains(&w) {
                            partners.push(w);
                        }
                    }
                }
            }
        }
        if combined && partners.is_empty() {
            // Its combinations are of danger signs only, where the questions stop.
            continue;
        }
        let mut item = json!({
            "linkId": format!("risk.{}", f.id),
            "code": [symptom_coding(rules, &rules.name, &f.id)],
            "text": f.question,
            "type": "boolean"
        });
        if partners.is_empty() {
            set_enable_when(&mut item, after_danger);
        } else {
            if partners.len() > 1 {
                item["enableBehavior"] = json!("any");
            }
            item["enableWhen"] = Value::Array(partners);
        }
        items.push(item);
    }
    items
}

/// A checklist question: choice, repeats, required, with "None of these" exclusive.
fn checklist_item(rules: &RuleSet, link_id: &str, text: &str, ids: &[&str]) -> Value {
    let name = &rules.name;
    let mut options: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "valueCoding": symptom_coding(rules, name, id) }))
        .collect();
    options.push(json!({
        "extension": [{ "url": OPTION_EXCLUSIVE, "valueBoolean": true }],
        "valueCoding": symptom_coding(rules, name, NONE_CODE)
    }));
    json!({
        "linkId": link_id,
        "text": text,
        "type": "choice",
        "required": true,
        "repeats": true,
        "answerOption": options
    })
}

fn when_coding(rules: &RuleSet, question: &str, code: &str) -> Value {
    json!({
        "question": question,
        "operator": "=",
        "answerCoding": { "system": code_system(&rules.name, "symptom"), "code": code }
    })
}

/// "When the question was answered no", said as "not yes": the question is required, so the
/// two agree, and FHIR.js takes an `answerBoolean` of `false` for a missing value.
fn when_no(question: &str) -> Value {
    json!({ "question": question, "operator": "!=", "answerBoolean": true })
}

/// A ticked symptom's details, asked only when it is ticked, in the words of the
/// conversation (the terminal puts the symptom's name before each question, as here).
fn details_item(rules: &RuleSet, mode: Mode, symptoms_link: &str, id: &str) -> Value {
    use conversation::{OTHER_WORDS, SEVERITY, STARTED, TREND};
    let name = &rules.name;
    let coded = |what: &str, codes: &[&str]| -> Vec<Value> {
        codes
            .iter()
            .map(|c| json!({ "valueCoding": { "system": code_system(name, what), "code": c, "display": c.replace('_', " ") } }))
            .collect()
    };
    let label = match &rules.other {
        Some(o) if o.id == id => o.label.as_str(),
        _ => rules.symptom_text(id).map_or(id, |t| t.label),
    };
    let link = |question: &str| format!("symptom.{id}.{question}");
    let mut item = json!({
        "linkId": format!("symptom.{id}"),
        "text": label,
        "type": "group",
        "enableWhen": [when_coding(rules, symptoms_link, id)],
        "item": [
            {
                "linkId": link(SEVERITY.id),
                "text": format!("{label}: {}", SEVERITY.asked(mode)),
                "type": "choice",
                "answerOption": coded("severity", &Severity::ALL.map(Severity::code))
            },
            {
                "linkId": link(TREND.id),
                "text": format!("{label}: {}", TREND.asked(mode)),
                "type": "choice",
                "answerOption": coded("trend", &["improving", "stable", "worsening", "not_sure"])
            },
            {
                "linkId": link("started_on_day"),
                "text": format!("{label}: {} (0 = the treatment day)", STARTED.asked(mode)),
                "type": "integer"
            },
            {
                // No one is asked this: a JSON case may give the start exactly, and its
                // response keeps it here.
                "linkId": link("started_day"),
                "text": format!("{label}: when did it start, in days since the treatment (0.5 = 12 hours), if known exactly?"),
                "type": "decimal"
            }
        ]
    });
    if rules.other.as_ref().is_some_and(|o| o.id == id) {
        // Free text, recorded and shown, never interpreted.
        let description = json!({
            "linkId": link(OTHER_WORDS.id),
            "text": OTHER_WORDS.asked(mode),
            "type": "string",
            "required": true,
            "maxLength": aftercare_core::input::MAX_DESCRIPTION_CHARS
        });
        if let Some(details) = item["item"].as_array_mut() {
            details.insert(0, description);
        }
    }
    item
}

/// `aftercare fhir questionnaire [--nurse]`: the questions as the tool asks them, in the
/// order and the words of the conversation ([`crate::conversation`]).
pub fn questionnaire(rules: &RuleSet, mode: Mode) -> Value {
    let (title, name) = match mode {
        Mode::Patient => (
            "Micro-needling aftercare: is this normal?",
            "AftercarePatientQuestionnaire",
        ),
        Mode::Nurse => (
            "Micro-needling aftercare: nurse's telephone protocol",
            "AftercareNurseProtocol",
        ),
    };
    json!({
        "resourceType": "Questionnaire",
        "id": format!("aftercare-{}", mode.key()),
        "url": questionnaire_url(&rules.name, mode),
        "version": rules.version,
        "name": name,
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": format!("Generated from the rule set {} {} ({}). Danger signs first; a positive one ends the questions.", rules.name, rules.version, rules.title),
        "item": questionnaire_items(rules, mode)
    })
}

/// The items, part by part of the conversation.
fn questionnaire_items(rules: &RuleSet, mode: Mode) -> Vec<Value> {
    use conversation::{BACKGROUND, BACKGROUND_GROUP, REPEAT_CONTACT, SAME_DAY, TREATMENT};
    let mut items = Vec::new();
    // Every question after the danger signs is asked only when none of them was positive.
    let mut after_danger = json!([]);
    for part in mode.parts() {
        match part {
            Part::DangerSigns => {
                let (danger, condition) = match mode {
                    Mode::Patient => patient_danger_items(rules),
                    Mode::Nurse => nurse_danger_items(rules),
                };
                items.extend(danger);
                after_danger = condition;
            }
            Part::Treatment => {
                let mut item = json!({
                    "linkId": TREATMENT.id,
                    "text": TREATMENT.asked(mode),
                    "type": "dateTime",
                    "required": true
                });
                // The nurse asks the date even after a positive sign: the record needs it.
                if mode == Mode::Patient {
                    set_enable_when(&mut item, &after_danger);
                }
                items.push(item);
            }
            Part::SameDaySigns => {
                let mut same_day = checklist_item(
                    rules,
                    SAME_DAY.id,
                    SAME_DAY.asked(mode),
                    &rules.signs_of(Disposition::SeeToday),
                );
                set_enable_when(&mut same_day, &after_danger);
                items.push(same_day);
            }
            Part::Symptoms => {
                let symptom_ids = symptom_list(rules, mode);
                let mut symptoms = checklist_item(
                    rules,
                    "symptoms",
                    conversation::SYMPTOMS.asked(mode),
                    &symptom_ids,
                );
                set_enable_when(&mut symptoms, &after_danger);
                items.push(symptoms);
                for id in &symptom_ids {
                    items.push(details_item(rules, mode, "symptoms", id));
                }
                // The patient's risk factors follow the symptoms they combine with.
                if mode == Mode::Patient {
                    items.extend(risk_factor_items(rules, mode, &after_danger));
                }
            }
            Part::RepeatContact => {
                let mut repeat = json!({
                    "linkId": REPEAT_CONTACT.id,
                    "text": REPEAT_CONTACT.asked(mode),
                    "type": "boolean",
                    "required": true
                });
                set_enable_when(&mut repeat, &after_danger);
                items.push(repeat);
            }
            Part::RiskFactors => items.extend(risk_factor_items(rules, mode, &after_danger)),
            Part::Background => {
                let mut background = json!({
                    "linkId": BACKGROUND_GROUP.id,
                    "text": BACKGROUND_GROUP.asked(mode),
                    "type": "group",
                    "item": BACKGROUND.iter().map(|b| json!({
                        "linkId": format!("{}.{}", BACKGROUND_GROUP.id, b.question.id),
                        "text": b.question.asked(mode),
                        "type": "string",
                        "repeats": matches!(b.answer, conversation::RecordAnswer::Ticked(_))
                    })).collect::<Vec<_>>()
                });
                set_enable_when(&mut background, &after_danger);
                items.push(background);
            }
            // The call's own details and what is said rather than asked: in the record,
            // not questions of the form.
            Part::CallDetails | Part::Disposition | Part::EndOfCall => {}
        }
    }
    items
}

/// The patient's first questions: the emergency signs, then those of the emergency
/// department; with the condition of every later question (no danger sign).
fn patient_danger_items(rules: &RuleSet) -> (Vec<Value>, Value) {
    use conversation::{DANGER_ED, DANGER_EMERGENCY};
    let mut items = vec![checklist_item(
        rules,
        DANGER_EMERGENCY.id,
        DANGER_EMERGENCY.asked(Mode::Patient),
        &rules.signs_of(Disposition::CallEmergencyNow),
    )];
    let mut ed = checklist_item(
        rules,
        DANGER_ED.id,
        DANGER_ED.asked(Mode::Patient),
        &rules.signs_of(Disposition::GoToEdNow),
    );
    ed["enableWhen"] = json!([when_coding(rules, DANGER_EMERGENCY.id, NONE_CODE)]);
    items.push(ed);
    (items, json!([when_coding(rules, DANGER_ED.id, NONE_CODE)]))
}

/// The nurse's danger signs one by one, stopping at the first positive; with the condition
/// of every later question (no danger sign).
fn nurse_danger_items(rules: &RuleSet) -> (Vec<Value>, Value) {
    let mut items = Vec::new();
    let signs = danger_signs(rules);
    for (i, id) in signs.iter().enumerate() {
        let w = rules.warning_sign(id).expect("a warning sign of the set");
        let mut item = json!({
            "linkId": format!("danger.{id}"),
            "code": [symptom_coding(rules, &rules.name, id)],
            "text": format!("{}? ({})", w.label, w.description),
            "type": "boolean",
            "required": true
        });
        // One by one, stopping at the first positive.
        if i > 0 {
            item["enableWhen"] = json!([when_no(&format!("danger.{}", signs[i - 1]))]);
        }
        items.push(item);
    }
    let after_danger = match signs.last() {
        Some(last) => json!([when_no(&format!("danger.{last}"))]),
        None => json!([]),
    };
    (items, after_danger)
}

fn set_enable_when(item: &mut Value, when: &Value) {
    if when.as_array().is_some_and(|w| !w.is_empty()) {
        item["enableWhen"] = when.clone();
    }
}

/// One symptom as answered: only what was given (the tool's defaults are its own reading,
/// not an answer).
#[derive(Debug, Clone, PartialEq)]
pub struct SymptomAnswer {
    pub id: String,
    pub severity: Option<Severity>,
    /// A trend code, `not_sure` included.
    pub trend: Option<String>,
    pub started_day: Option<f64>,
    /// A whole day ("day 2").
    pub started_on_day: Option<u32>,
    /// The person's words, for `other`.
    pub description: Option<String>,
}

/// The answers a response holds, whichever front door gathered them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Answers {
    /// Danger and same-day signs asked, with yes (true) or no; those not asked are absent.
    pub signs: Vec<(String, bool)>,
    /// Whether the checklists were answered as lists (patient, a JSON case): every sign not
    /// listed is a "no".
    pub signs_as_lists: bool,
    /// The treatment as a FHIR dateTime (a date alone, or a time with its offset).
    pub treated_at: Option<String>,
    /// `None` when the symptoms were not asked.
    pub symptoms: Option<Vec<SymptomAnswer>>,
    pub repeat_contact: Option<bool>,
    /// Risk factors known to apply; one not listed is not known, so it is not answered.
    pub risk_factors: Vec<String>,
    /// The nurse's background answers, by key.
    pub background: Vec<(String, Vec<String>)>,
}

/// Everything a bundle says about one assessment.
#[derive(Debug, Clone)]
pub struct Assessed<'a> {
    pub mode: Mode,
    pub answers: Answers,
    /// The assessment time, as a FHIR dateTime (a date alone when the case gave one).
    pub assessed_at: String,
    /// The instant the triage counted to (RFC 3339), for the bundle's timestamp.
    pub instant: String,
    /// The case id, when the case has one: the subject is known by it.
    pub case_id: Option<&'a str>,
    pub findings: &'a [Finding],
    pub computed: Disposition,
    pub disposition: Disposition,
    /// The nurse's change and its reason, in words.
    pub override_note: Option<String>,
    /// Who answered: the nurse on the line, or the person themself.
    pub author: Option<&'a str>,
    /// The questions stopped at a danger sign.
    pub stopped: bool,
    pub rule_set: &'a RuleSetId,
    /// Distinguishes bundles made from the same input in one run (a stream's line number).
    pub seed: u64,
}

/// A name-based UUID (version 5) of what the resource says, so that the same input gives
/// the same bundle on every build, and different inputs different ids. The parts are
/// length-prefixed, so that no two lists of parts give the same name.
fn uuid(parts: &[&str], seed: u64) -> String {
    let mut name = seed.to_be_bytes().to_vec();
    for part in parts {
        name.extend_from_slice(&(part.len() as u64).to_be_bytes());
        name.extend_from_slice(part.as_bytes());
    }
    uuid::Uuid::new_v5(&ID_NAMESPACE, &name)
        .hyphenated()
        .to_string()
}

/// The namespace of this tool's FHIR ids: the version 5 UUID of the URL
/// `urn:aftercare:fhir` in the URL namespace (a test checks it).
const ID_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0xc40e2eaf_b1ab_53cd_914f_5e0c8225522a);

fn answer_coding(rules: &RuleSet, id: &str) -> Value {
    json!({ "valueCoding": symptom_coding(rules, &rules.name, id) })
}

/// A checklist's answers: the ticked ids, or "None of these".
fn checklist_answer(rules: &RuleSet, link_id: &str, ticked: &[&str]) -> Value {
    let answers: Vec<Value> = if ticked.is_empty() {
        vec![answer_coding(rules, NONE_CODE)]
    } else {
        ticked.iter().map(|id| answer_coding(rules, id)).collect()
    };
    json!({ "linkId": link_id, "answer": answers })
}

/// The answers of a response in the questionnaire's order (the conversation's parts), as
/// far as its questions went: after a positive danger sign, nothing more is answered but
/// the nurse's treatment date.
fn response_items(rules: &RuleSet, a: &Assessed<'_>) -> Vec<Value> {
    let ans = &a.answers;
    let mut items = Vec::new();
    let mut go_on = true;
    for part in a.mode.parts() {
        match part {
            Part::DangerSigns => {
                go_on = match a.mode {
                    Mode::Patient => patient_danger_answers(rules, ans, &mut items),
                    Mode::Nurse => nurse_danger_answers(rules, ans, &mut items),
                }
            }
            Part::Treatment if go_on || a.mode == Mode::Nurse => {
                if let Some(t) = &ans.treated_at {
                    items.push(json!({ "linkId": conversation::TREATMENT.id, "answer": [{ "valueDateTime": t }] }));
                }
            }
            Part::SameDaySigns if go_on => items.extend(same_day_answers(rules, ans)),
            Part::Symptoms if go_on => {
                if let Some(symptoms) = &ans.symptoms {
                    items.extend(symptom_answers(rules, a.mode, symptoms));
                }
                if a.mode == Mode::Patient {
                    items.extend(risk_factor_answers(rules, a.mode, ans));
                }
            }
            Part::RepeatContact if go_on => {
                if let Some(r) = ans.repeat_contact {
                    items.push(json!({ "linkId": conversation::REPEAT_CONTACT.id, "answer": [{ "valueBoolean": r }] }));
                }
            }
            Part::RiskFactors if go_on => items.extend(risk_factor_answers(rules, a.mode, ans)),
            Part::Background if go_on => items.extend(background_answers(ans)),
            _ => {}
        }
    }
    items
}

/// The patient's two lists of danger signs; whether the questions go on (no danger sign
/// ticked, and both lists asked).
fn patient_danger_answers(rules: &RuleSet, ans: &Answers, items: &mut Vec<Value>) -> bool {
    use conversation::{DANGER_ED, DANGER_EMERGENCY};
    let yes = |id: &str| ans.signs.iter().any(|(s, y)| s == id && *y);
    for (link, d) in [
        (DANGER_EMERGENCY.id, Disposition::CallEmergencyNow),
        (DANGER_ED.id, Disposition::GoToEdNow),
    ] {
        let ids = rules.signs_of(d);
        let asked =
            ans.signs_as_lists || ids.iter().any(|id| ans.signs.iter().any(|(s, _)| s == id));
        if !asked {
            return false;
        }
        let ticked: Vec<&str> = ids.iter().copied().filter(|id| yes(id)).collect();
        items.push(checklist_answer(rules, link, &ticked));
        if !ticked.is_empty() {
            return false;
        }
    }
    true
}

/// The nurse's danger signs one by one to the first positive; whether the questions go
/// on (no danger sign).
fn nurse_danger_answers(rules: &RuleSet, ans: &Answers, items: &mut Vec<Value>) -> bool {
    for id in danger_signs(rules) {
        let Some((_, answer)) = ans.signs.iter().find(|(s, _)| s == id) else {
            return false;
        };
        items.push(
            json!({ "linkId": format!("danger.{id}"), "answer": [{ "valueBoolean": answer }] }),
        );
        if *answer {
            return false;
        }
    }
    true
}

/// The nurse's same-day signs, when they were asked.
fn same_day_answers(rules: &RuleSet, ans: &Answers) -> Option<Value> {
    let yes = |id: &str| ans.signs.iter().any(|(s, y)| s == id && *y);
    let same_day = rules.signs_of(Disposition::SeeToday);
    let asked = same_day
        .iter()
        .any(|id| ans.signs.iter().any(|(s, _)| s == id));
    asked.then(|| {
        let ticked: Vec<&str> = same_day.iter().copied().filter(|id| yes(id)).collect();
        checklist_answer(rules, conversation::SAME_DAY.id, &ticked)
    })
}

/// The symptom list as ticked (each listed symptom once), then each report's details.
fn symptom_answers(rules: &RuleSet, mode: Mode, symptoms: &[SymptomAnswer]) -> Vec<Value> {
    let listed = symptom_list(rules, mode);
    let mut ticked: Vec<&str> = Vec::new();
    for s in symptoms {
        if listed.contains(&s.id.as_str()) && !ticked.contains(&s.id.as_str()) {
            ticked.push(&s.id);
        }
    }
    let mut items = vec![checklist_answer(rules, "symptoms", &ticked)];
    for id in &ticked {
        // A symptom reported twice keeps both reports; the worse one counts.
        for s in symptoms.iter().filter(|s| s.id == *id) {
            let details = symptom_details(rules, id, s);
            if !details.is_empty() {
                items.push(json!({ "linkId": format!("symptom.{id}"), "item": details }));
            }
        }
    }
    items
}

/// One report's details: the person's words first, then severity, trend and start.
fn symptom_details(rules: &RuleSet, id: &str, s: &SymptomAnswer) -> Vec<Value> {
    let mut details = Vec::new();
    if let Some(sev) = s.severity {
        details.push(json!({ "linkId": format!("symptom.{id}.severity"), "answer": [{ "valueCoding": { "system": code_system(&rules.name, "severity"), "code": sev.code(), "display": sev.code() } }] }));
    }
    if let Some(trend) = &s.trend {
        details.push(json!({ "linkId": format!("symptom.{id}.trend"), "answer": [{ "valueCoding": { "system": code_system(&rules.name, "trend"), "code": trend, "display": trend.replace('_', " ") } }] }));
    }
    if let Some(day) = s.started_on_day {
        details.push(json!({ "linkId": format!("symptom.{id}.started_on_day"), "answer": [{ "valueInteger": day }] }));
    }
    if let Some(day) = s.started_day {
        details.push(json!({ "linkId": format!("symptom.{id}.started_day"), "answer": [{ "valueDecimal": day }] }));
    }
    if let Some(words) = &s.description {
        details.insert(0, json!({ "linkId": format!("symptom.{id}.description"), "answer": [{ "valueString": words }] }));
    }
    details
}

/// The risk factors known to apply, only those the questionnaire would have asked, as it
/// would have asked them.
fn risk_factor_answers(rules: &RuleSet, mode: Mode, ans: &Answers) -> Vec<Value> {
    let asked: Vec<String> = risk_factor_items(rules, mode, &json!([]))
        .iter()
        .filter(|item| {
            item["enableWhen"].as_array().is_none_or(|when| {
                when.iter().any(|w| {
                    let code = w["answerCoding"]["code"].as_str().unwrap_or("");
                    ans.symptoms.iter().flatten().any(|s| s.id == code)
                        || ans.signs.iter().any(|(id, yes)| *yes && id == code)
                })
            })
        })
        .filter_map(|item| item["linkId"].as_str().map(str::to_string))
        .collect();
    ans.risk_factors
        .iter()
        .map(|f| format!("risk.{f}"))
        .filter(|link| asked.contains(link))
        .map(|link| json!({ "linkId": link, "answer": [{ "valueBoolean": true }] }))
        .collect()
}

/// The nurse's background, as a group of the answers given (none when nothing was).
fn background_answers(ans: &Answers) -> Option<Value> {
    let background: Vec<Value> = ans
        .background
        .iter()
        .filter(|(_, values)| values.iter().any(|v| !v.trim().is_empty()))
        .map(|(key, values)| {
            json!({
                "linkId": format!("{}.{key}", conversation::BACKGROUND_GROUP.id),
                "answer": values.iter().filter(|v| !v.trim().is_empty()).map(|v| json!({ "valueString": v })).collect::<Vec<_>>()
            })
        })
        .collect();
    (!background.is_empty())
        .then(|| json!({ "linkId": conversation::BACKGROUND_GROUP.id, "item": background }))
}

/// The bundle for one assessment: a QuestionnaireResponse and the RiskAssessment based on it.
pub fn bundle(rules: &RuleSet, a: &Assessed<'_>) -> Value {
    let subject_words = match a.case_id {
        Some(id) => format!("case {id}"),
        None => "the person assessed (not identified)".to_string(),
    };
    let seed_parts = [
        a.assessed_at.as_str(),
        a.case_id.unwrap_or(""),
        a.disposition.code(),
    ];
    let response_id = uuid(&[&seed_parts[..], &["response"]].concat(), a.seed);
    let assessment_id = uuid(&[&seed_parts[..], &["assessment"]].concat(), a.seed);
    let bundle_id = uuid(&[&seed_parts[..], &["bundle"]].concat(), a.seed);
    let mut response = json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": format!("{}|{}", questionnaire_url(&a.rule_set.name, a.mode), a.rule_set.version),
        "status": if a.stopped { "stopped" } else { "completed" },
        "subject": { "display": subject_words },
        "authored": a.assessed_at,
        "item": response_items(rules, a)
    });
    if let Some(id) = a.case_id {
        response["identifier"] =
            json!({ "system": format!("{}/case-id", base_url(&a.rule_set.name)), "value": id });
    }
    if let Some(author) = a.author {
        response["author"] = json!({ "display": author });
    }
    if response["item"].as_array().is_some_and(Vec::is_empty) {
        response.as_object_mut().map(|o| o.remove("item"));
    }
    let text = rules.disposition_text(a.disposition);
    let rationale: Vec<String> = a
        .findings
        .iter()
        .filter(|f| f.disposition == a.computed)
        .map(|f| format!("{} [{}]: {}", f.disposition, f.rule, f.reason))
        .collect();
    let mut mitigation = text.action.clone();
    if !text.call_back.is_empty() {
        mitigation.push_str(" Safety net: ");
        mitigation.push_str(&text.call_back);
    }
    let mut assessment = json!({
        "resourceType": "RiskAssessment",
        "status": "final",
        "method": {
            "coding": [{ "system": code_system(&a.rule_set.name, "rule-set"), "version": a.rule_set.version, "code": a.rule_set.name, "display": format!("{} {}", a.rule_set.name, a.rule_set.version) }],
            "text": format!("aftercare rule set {} {}", a.rule_set.name, a.rule_set.version)
        },
        "subject": { "display": subject_words },
        "occurrenceDateTime": a.assessed_at,
        "basis": [{ "reference": format!("urn:uuid:{response_id}") }],
        "prediction": [{
            "outcome": {
                "coding": [{ "system": code_system(&a.rule_set.name, "disposition"), "code": a.disposition.code(), "display": text.label }],
                "text": text.action
            },
            "rationale": if rationale.is_empty() {
                format!("{}: no finding above it", a.computed)
            } else {
                rationale.join("; ")
            }
        }],
        "mitigation": mitigation
    });
    let mut notes = Vec::new();
    if let Some(o) = &a.override_note {
        notes.push(json!({ "text": o }));
    }
    if a.stopped {
        notes.push(
            json!({ "text": "The questions stopped at a danger sign: the rest was not asked." }),
        );
    }
    if let Some(author) = a.author {
        assessment["performer"] = json!({ "display": author });
    }
    if !notes.is_empty() {
        assessment["note"] = Value::Array(notes);
    }
    json!({
        "resourceType": "Bundle",
        "id": bundle_id,
        "type": "collection",
        "timestamp": a.instant,
        "entry": [
            { "fullUrl": format!("urn:uuid:{response_id}"), "resource": response },
            { "fullUrl": format!("urn:uuid:{assessment_id}"), "resource": assessment }
        ]
    })
}

/// A FHIR dateTime from a case's time text: a date alone stays a date; a time becomes RFC
/// 3339 with its offset. `None` when it does not read (the tool refused such a case).
pub fn date_time(text: &str) -> Option<String> {
    let t = text.trim();
    if chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok() {
        return Some(t.to_string());
    }
    chrono::DateTime::parse_from_rfc3339(t)
        .or_else(|_| chrono::DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%:z"))
        .ok()
        .map(|d| d.to_rfc3339())
}

/// The answers of a JSON case: what it lists, and "None of these" for a list with none of
/// it (a case's symptom list is everything the person reports).
pub fn case_answers(
    input: &aftercare_core::input::CaseInput,
    assessed_at: chrono::DateTime<chrono::FixedOffset>,
) -> Answers {
    let treated_at = match (&input.treated_at, input.days_since_treatment) {
        (Some(t), _) => date_time(t),
        (None, Some(days)) => {
            let secs = (days * 86_400.0).round() as i64;
            Some((assessed_at - chrono::Duration::seconds(secs)).to_rfc3339())
        }
        (None, None) => None,
    };
    Answers {
        signs: input
            .symptoms
            .iter()
            .map(|s| (s.id.clone(), true))
            .collect(),
        signs_as_lists: true,
        treated_at,
        symptoms: Some(
            input
                .symptoms
                .iter()
                .map(|s| SymptomAnswer {
                    id: s.id.clone(),
                    severity: s.severity,
                    trend: s.trend.map(|t: Trend| t.code().to_string()),
                    started_day: s.started_day,
                    started_on_day: s.started_on_day.map(|d| d as u32),
                    description: s.description.clone(),
                })
                .collect(),
        ),
        repeat_contact: input.repeat_contact,
        risk_factors: input.risk_factors.clone().unwrap_or_default(),
        background: Vec::new(),
    }
}

/// In place of a bundle, for a case that cannot be read: an OperationOutcome. When what
/// could be read still needs more than home care (`at_least`, clinical reference section
/// 6), a second issue says so, coded as the RiskAssessment codes a disposition and with its
/// action as the text: a record system that shows only the outcome still shows the floor.
pub fn operation_outcome(
    line: Option<usize>,
    field: &str,
    message: &str,
    at_least: Option<Disposition>,
    rules: &RuleSet,
) -> Value {
    let mut diagnostics = String::new();
    if let Some(n) = line {
        diagnostics.push_str(&format!("line {n}: "));
    }
    if !field.is_empty() {
        diagnostics.push_str(field);
        diagnostics.push_str(": ");
    }
    diagnostics.push_str(message);
    let mut issues =
        vec![json!({ "severity": "error", "code": "invalid", "diagnostics": diagnostics })];
    if let Some(d) = at_least {
        let text = rules.disposition_text(d);
        // `warning`, not `information`: a reader filtering out information must still see
        // it. `informational` is the issue type for a message that is not about processing.
        issues.push(json!({
            "severity": "warning",
            "code": "informational",
            "details": {
                "coding": [{ "system": code_system(&rules.name, "disposition"), "code": d.code(), "display": text.label }],
                "text": text.action
            },
            "diagnostics": format!(
                "at_least={}: what could be read of the case needs at least this",
                d.code()
            )
        }));
    }
    json!({ "resourceType": "OperationOutcome", "issue": issues })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_5_uuids_of_what_the_resource_says() {
        assert_eq!(
            ID_NAMESPACE,
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"urn:aftercare:fhir")
        );
        let a = uuid(&["case-1", "bundle"], 1);
        assert_eq!(a, uuid(&["case-1", "bundle"], 1));
        assert_ne!(a, uuid(&["case-1", "bundle"], 2));
        assert_ne!(uuid(&["ab", "c"], 1), uuid(&["a", "bc"], 1));
        assert_eq!(a.as_bytes()[14], b'5', "version 5: {a}");
    }
}
