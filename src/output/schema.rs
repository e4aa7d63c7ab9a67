//! JSON Schemas of the contract: a case, a result, an error record, a saved record and the
//! rule file, generated from the loaded rule set and the input limits.
//!
//! Written out rather than derived: a derive makes every optional field nullable, while the
//! tool refuses `null` everywhere; it cannot say "exactly one of two time forms"; and the
//! symptom ids are data, known only once the rules are loaded.

use serde_json::{json, Map, Value};

use aftercare_core::input::{
    MAX_DAYS, MAX_DESCRIPTION_CHARS, MAX_ID_LEN, MAX_RISK_FACTORS, MAX_SYMPTOMS,
};
use aftercare_core::model::{Disposition, Severity, Trend};
use aftercare_core::rules::RuleSet;

const DRAFT_2020: &str = "https://json-schema.org/draft/2020-12/schema";
const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

/// Longest date or time text the tool reads (see `when::parse_timestamp`).
pub const MAX_TIME_LEN: u64 = 64;

/// A case time: a date alone (the whole day) or an RFC 3339 time with its offset, as
/// `when::parse_case_time` reads them: year 0001 to 9999, month 01 to 12, a day the month
/// can have (29 February in any year: the one gap, which the reader refuses in a common
/// year), hours 00 to 23, no leap second (the reader takes only the real ones).
const TIME_PATTERN: &str = concat!(
    "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-",
    "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-9]))",
    "([Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$"
);

/// The rule file's ids: lower-case letters, digits and `_`, starting with a letter.
const ID_PATTERN: &str = "^[a-z][a-z0-9_]*$";
/// The characters of `unsafe_chars::is_unsafe`, as the ranges of a regex class (written as
/// themselves: see the description's pattern). A test keeps the two equal.
const UNSAFE_RANGES: [(char, char); 9] = [
    ('\u{0}', '\u{1f}'),
    ('\u{7f}', '\u{9f}'),
    ('\u{ad}', '\u{ad}'),
    ('\u{61c}', '\u{61c}'),
    ('\u{200b}', '\u{200f}'),
    ('\u{2028}', '\u{202e}'),
    ('\u{2060}', '\u{2060}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{feff}', '\u{feff}'),
];

/// [`UNSAFE_RANGES`] as the inside of a regex class.
fn unsafe_class() -> String {
    UNSAFE_RANGES
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect()
}

fn schema_id(rules: &RuleSet, what: &str) -> String {
    format!(
        "urn:aftercare:schema:{what}:{}:{}",
        rules.name, rules.version
    )
}

fn header(rules: &RuleSet, what: &str, title: &str, description: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("$schema".into(), DRAFT_2020.into());
    m.insert("$id".into(), schema_id(rules, what).into());
    m.insert("title".into(), title.into());
    m.insert(
        "description".into(),
        format!("{description} Rule set: {} {}.", rules.name, rules.version).into(),
    );
    m
}

fn dispositions() -> Value {
    json!({ "enum": Disposition::ALL.iter().rev().map(|d| d.code()).collect::<Vec<_>>() })
}

fn rule_set_id() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "version"],
        "properties": {
            "name": { "type": "string" },
            "version": { "type": "string" }
        }
    })
}

/// An advice item's kind: what to do, or what not to do (yet).
fn advice_kind() -> Value {
    json!({
        "enum": aftercare_core::rules::AdviceKind::CODES,
        "description": "\"do\": what to do (a short answer says \"yes\"); \"dont\": what not to do (\"not yet\" until it ends)."
    })
}

fn days(description: &str) -> Value {
    json!({
        "type": "number",
        "minimum": 0,
        "maximum": MAX_DAYS,
        "description": description
    })
}

fn time(description: &str) -> Value {
    json!({
        "type": "string",
        "maxLength": MAX_TIME_LEN,
        "pattern": TIME_PATTERN,
        "description": description
    })
}

/// Every id a case's symptom may carry: the reactions, the warning signs and `other`.
fn symptom_ids(rules: &RuleSet) -> Vec<&str> {
    rules
        .symptom_ids()
        .chain(rules.other.as_ref().map(|o| o.id.as_str()))
        .collect()
}

fn warning_sign_ids(rules: &RuleSet) -> Vec<&str> {
    rules.warning_signs.iter().map(|w| w.id.as_str()).collect()
}

fn risk_factor_ids(rules: &RuleSet) -> Vec<&str> {
    rules.risk_factors.iter().map(|f| f.id.as_str()).collect()
}

/// A symptom of a case: `other` with its description (a listed symptom may carry one too; it
/// is kept and never read, so free text cannot turn an answer into a refusal); one of the two
/// start forms at most.
fn symptom_schema(rules: &RuleSet) -> Value {
    let mut s = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["id"],
        "properties": {
            "id": { "enum": symptom_ids(rules), "description": "A symptom id of the rule set (aftercare rules list)." },
            "severity": { "enum": Severity::ALL.map(Severity::code), "description": "Default: moderate." },
            "trend": { "enum": Trend::ALL.map(Trend::code), "description": "Default: stable (unknown never counts as improving)." },
            "started_day": days("The day it began (default 0); never later than the time since treatment."),
            "started_on_day": {
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_DAYS,
                "description": "A whole day (it began on day 2), read as min(d + 1, time since treatment); never later than the time since treatment. Not with started_day."
            },
            "description": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_DESCRIPTION_CHARS,
                // No unsafe character (`unsafe_chars::is_unsafe`: controls, bidi, invisible
                // ones), and one character that is not a space. They are written as
                // themselves (JSON escapes them): every regex dialect reads a literal
                // character in a class alike.
                "pattern": format!("^[^{u}]*[^{u}\\s][^{u}]*$", u = unsafe_class()),
                "description": format!("Required for other (on a listed symptom it is kept, never read): the person's own words, at most {MAX_DESCRIPTION_CHARS} characters, no control, bidi or invisible characters (zero-width, soft hyphen, line and paragraph separators). Recorded and shown, never interpreted.")
            }
        },
        "not": { "required": ["started_day", "started_on_day"] }
    });
    if let Some(other) = &rules.other {
        s["allOf"] = json!([{
            "if": { "properties": { "id": { "const": other.id } } },
            "then": { "required": ["description"] }
        }]);
    } else {
        s["properties"]
            .as_object_mut()
            .map(|p| p.remove("description"));
    }
    s
}

/// The case definitions shared by the case and record schemas (under `$defs`).
fn case_defs(rules: &RuleSet) -> Value {
    json!({
        "case": {
            "type": "object",
            "additionalProperties": false,
            "required": ["symptoms"],
            "properties": {
                "id": {
                    "type": "string",
                    "maxLength": MAX_ID_LEN,
                    "description": format!("Echoed in the result. At most {MAX_ID_LEN} bytes of UTF-8 (the schema can only count characters).")
                },
                "days_since_treatment": days("Days since the treatment (0 = the treatment day; 0.5 = 12 hours). Exactly one of this and treated_at."),
                "treated_at": time("When the treatment was: RFC 3339 with its offset, or a date alone (the whole day, in the offset of assessed_at)."),
                "assessed_at": time("The assessment time, only with treated_at (default: --now, or the clock)."),
                "symptoms": {
                    "type": "array",
                    "maxItems": MAX_SYMPTOMS,
                    "items": { "$ref": "#/$defs/symptom" },
                    "description": "Required, [] when there are none: a missing list means not asked, not none."
                },
                "risk_factors": {
                    "type": "array",
                    "maxItems": MAX_RISK_FACTORS,
                    "items": { "enum": risk_factor_ids(rules) },
                    "description": "Risk factors of the rule set that apply (a repeated id counts once); one not listed is not known, never a no."
                },
                "repeat_contact": {
                    "type": "boolean",
                    "description": "A second contact about the same problem, or a very worried person."
                }
            },
            "oneOf": [
                {
                    "required": ["days_since_treatment"],
                    "not": { "anyOf": [{ "required": ["treated_at"] }, { "required": ["assessed_at"] }] }
                },
                {
                    "required": ["treated_at"],
                    "not": { "required": ["days_since_treatment"] }
                }
            ]
        },
        "symptom": symptom_schema(rules)
    })
}

/// `aftercare schema case`.
pub fn case(rules: &RuleSet) -> Value {
    let mut m = header(
        rules,
        "case",
        "aftercare case",
        "One case as `aftercare check --input` reads it. null is refused everywhere: leave a field out when it is not known.",
    );
    m.insert("$ref".into(), "#/$defs/case".into());
    m.insert("$defs".into(), case_defs(rules));
    Value::Object(m)
}

fn finding(rules: &RuleSet) -> Value {
    let rule_ids: Vec<String> = rules.rules().into_iter().map(|r| r.id.code()).collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["kind", "disposition", "rule", "reason"],
        "properties": {
            "kind": { "enum": ["expected_reaction", "warning_sign", "other", "combination", "cluster", "repeat_contact"] },
            "symptom": {
                "description": "The symptom id; for a combination, its symptoms joined by +; absent for a repeat contact.",
                "anyOf": [
                    { "enum": symptom_ids(rules) },
                    { "type": "string", "pattern": "^[a-z][a-z0-9_]*(\\+[a-z][a-z0-9_]*)+$" }
                ]
            },
            "disposition": { "$ref": "#/$defs/disposition" },
            "rule": { "enum": rule_ids, "description": "The rule that decided the finding." },
            "reason": { "type": "string" },
            "description": { "type": "string", "minLength": 1, "maxLength": 500, "description": "The person's own words about this symptom, when the case gave them: recorded and shown, never interpreted." },
            "also": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["rule", "disposition", "reason"],
                    "properties": {
                        "rule": { "enum": rule_ids },
                        "disposition": { "$ref": "#/$defs/disposition" },
                        "reason": { "type": "string" }
                    }
                }
            }
        }
    })
}

/// `aftercare schema result`: the full result of `check --format json`.
pub fn result(rules: &RuleSet) -> Value {
    let mut m = header(
        rules,
        "result",
        "aftercare result",
        "One result of `aftercare check --format json`: the disposition, the findings with their rules, the advice and the safety net.",
    );
    m.insert("type".into(), "object".into());
    m.insert("additionalProperties".into(), false.into());
    m.insert(
        "required".into(),
        json!([
            "format",
            "assessed_at",
            "disposition",
            "action",
            "days_since_treatment",
            "findings",
            "advice",
            "expect_next",
            "call_back",
            "rule_set"
        ]),
    );
    m.insert(
        "properties".into(),
        json!({
            "format": { "const": "aftercare-result-1", "description": "This layout and its version." },
            "assessed_at": { "type": "string", "format": "date-time", "description": "The assessment time used, RFC 3339." },
            "id": { "type": "string", "maxLength": MAX_ID_LEN },
            "disposition": { "$ref": "#/$defs/disposition" },
            "action": { "type": "string", "minLength": 1 },
            "days_since_treatment": days("The longest time since treatment the case allows; the triage counts from it."),
            "shortest_days_since_treatment": days("Only when a date alone left the time of day open: the shortest time it allows, from which the advice counts."),
            "findings": { "type": "array", "items": { "$ref": "#/$defs/finding" } },
            "advice": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "topic", "kind", "text"],
                    "properties": {
                        "id": { "type": "string" },
                        "topic": { "type": "string" },
                        "kind": advice_kind(),
                        "text": { "type": "string" },
                        "until_day": days("When it ends: it applies before this day, not at it."),
                        "then": { "type": "string" }
                    }
                }
            },
            "expect_next": { "type": "array", "items": { "type": "string" } },
            "call_back": { "type": "array", "items": { "type": "string" } },
            "tell_operator": { "type": "string", "minLength": 1, "description": "For call_emergency_now: what to tell the emergency operator, in the person's own voice." },
            "rule_set": { "$ref": "#/$defs/rule_set" }
        }),
    );
    m.insert(
        "$defs".into(),
        json!({
            "disposition": dispositions(),
            "finding": finding(rules),
            "rule_set": rule_set_id()
        }),
    );
    Value::Object(m)
}

/// `aftercare schema error`: the record in place of a result for a case that cannot be read.
pub fn error(rules: &RuleSet) -> Value {
    let mut m = header(
        rules,
        "error",
        "aftercare error record",
        "In place of a result, for a case or stream line that cannot be read.",
    );
    m.insert("type".into(), "object".into());
    m.insert("additionalProperties".into(), false.into());
    m.insert(
        "required".into(),
        json!(["format", "assessed_at", "error", "rule_set"]),
    );
    m.insert(
        "properties".into(),
        json!({
            "format": { "const": "aftercare-error-1", "description": "This layout and its version." },
            "assessed_at": { "type": "string", "format": "date-time", "description": "The assessment time used, RFC 3339." },
            "at_least": { "$ref": "#/$defs/disposition", "description": "When what could be read of the case needs more than home care: the least it needs (the triage of every part that could be read)." },
            "action": { "type": "string", "minLength": 1, "description": "What to do for at_least." },
            "line": { "type": "integer", "minimum": 1, "description": "The line of the input (a single case is line 1; a case pretty-printed over several lines, its first line); absent when no line is meant: an empty input, or a body refused over HTTP as a whole." },
            "id": { "type": "string", "description": "The case id, when it could be read." },
            "error": {
                "type": "object",
                "additionalProperties": false,
                "required": ["kind", "message"],
                "properties": {
                    "kind": { "const": "input" },
                    "field": { "type": "string", "minLength": 1, "description": "Where, as a path into the case (symptoms[1].severity); absent when the problem is the whole input." },
                    "message": { "type": "string", "minLength": 1 }
                }
            },
            "rule_set": { "$ref": "#/$defs/rule_set" }
        }),
    );
    m.insert(
        "dependentRequired".into(),
        json!({ "at_least": ["action"], "action": ["at_least"] }),
    );
    m.insert(
        "$defs".into(),
        json!({ "rule_set": rule_set_id(), "disposition": dispositions() }),
    );
    Value::Object(m)
}

/// `aftercare schema record`: a saved questionnaire or call (`--record FILE`).
pub fn record(rules: &RuleSet, record_format: &str) -> Value {
    let mut m = header(
        rules,
        "record",
        "aftercare questionnaire or call record",
        "A saved questionnaire (patient) or telephone call (nurse), written by --record FILE.",
    );
    m.insert("type".into(), "object".into());
    m.insert("additionalProperties".into(), false.into());
    m.insert(
        "required".into(),
        json!([
            "format",
            "mode",
            "assessed_at",
            "answers",
            "case",
            "findings",
            "computed_disposition",
            "disposition",
            "rule_set"
        ]),
    );
    m.insert(
        "properties".into(),
        json!({
            "format": { "const": record_format },
            "mode": { "enum": ["patient", "nurse"] },
            "assessed_at": { "type": "string", "format": "date-time" },
            "answers": record_answers(rules),
            "case": { "$ref": "#/$defs/case" },
            "stopped_at": { "enum": symptom_ids(rules), "description": "Where the questions stopped: the danger sign answered yes, or else the symptom whose answers (its details, or the protocol's defaults while they were still to be asked) reached the emergency department." },
            "findings": { "type": "array", "items": { "$ref": "#/$defs/finding" } },
            "computed_disposition": { "$ref": "#/$defs/disposition" },
            "override": {
                "type": "object",
                "additionalProperties": false,
                "required": ["from", "to"],
                "properties": {
                    "from": { "$ref": "#/$defs/disposition" },
                    "to": { "$ref": "#/$defs/disposition" },
                    "reason": { "type": "string", "minLength": 1 },
                    "confirmed": { "type": "boolean" }
                }
            },
            "disposition": { "$ref": "#/$defs/disposition" },
            "rule_set": { "$ref": "#/$defs/rule_set" },
            "call": record_call(rules),
            "note": { "type": "string", "description": "The SBAR note as printed (nurse)." }
        }),
    );
    let mut defs = match case_defs(rules) {
        Value::Object(d) => d,
        _ => unreachable!("case_defs is an object"),
    };
    defs.insert("disposition".into(), dispositions());
    defs.insert("finding".into(), finding(rules));
    defs.insert("rule_set".into(), rule_set_id());
    m.insert("$defs".into(), Value::Object(defs));
    Value::Object(m)
}

/// A list of texts (the treated areas, the advice given...).
fn text_list() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

/// A record's answers: everything asked and answered, in the questionnaire's own terms.
fn record_answers(rules: &RuleSet) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["treatment", "signs", "symptoms_asked", "symptoms", "repeat_contact"],
        "properties": {
            "treatment": {
                "description": "null when the questions stopped at a danger sign before the date was asked.",
                "oneOf": [
                    { "type": "null" },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["at", "time_given", "as_given"],
                        "properties": {
                            "at": { "type": "string", "format": "date-time" },
                            "time_given": { "type": "boolean" },
                            "as_given": { "type": "string" }
                        }
                    }
                ]
            },
            "signs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "answer"],
                    "properties": {
                        "id": { "enum": warning_sign_ids(rules) },
                        "answer": { "enum": ["yes", "no", "not_asked"] }
                    }
                }
            },
            "symptoms_asked": { "type": "boolean" },
            "pending": {
                "description": "Symptoms ticked whose details were not asked (the answers had already reached an emergency or the emergency department); in the case with the protocol's defaults.",
                "type": "array",
                "items": { "enum": symptom_ids(rules) }
            },
            "risk_factors": {
                "description": "Risk factors asked, with their answers (the patient: only those that could change the result; the nurse: all, once, in the background). not_known: the caller did not know; not counted as present.",
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "answer"],
                    "properties": {
                        "id": { "enum": risk_factor_ids(rules) },
                        "answer": { "enum": ["yes", "no", "not_asked", "not_known"] }
                    }
                }
            },
            "symptoms": { "type": "array", "items": record_symptom_answer(rules) },
            "repeat_contact": {
                "description": "null when the questions stopped before it.",
                "type": ["boolean", "null"]
            },
            "background": record_background()
        }
    })
}

/// One symptom as answered: its severity, trend and start in the questionnaire's words.
fn record_symptom_answer(rules: &RuleSet) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "severity", "trend", "started"],
        "properties": {
            "id": { "enum": symptom_ids(rules) },
            "severity": { "enum": Severity::ALL.map(Severity::code) },
            "trend": { "enum": ["improving", "stable", "worsening", "not_sure"] },
            "description": { "type": "string", "minLength": 1, "maxLength": MAX_DESCRIPTION_CHARS },
            "started": {
                "oneOf": [
                    { "const": "not_sure" },
                    { "const": "later_on_treatment_day" },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["day"],
                        "properties": { "day": { "type": "integer", "minimum": 0 } }
                    }
                ]
            }
        }
    })
}

/// The nurse's background for the record ([`conversation::BACKGROUND`]), with the fields
/// older records still carry.
fn record_background() -> Value {
    use crate::conversation::{self, RecordAnswer};
    let mut properties = Map::new();
    let mut required = Vec::new();
    for q in &conversation::BACKGROUND {
        let mut p = match q.answer {
            RecordAnswer::Ticked(_) => text_list(),
            RecordAnswer::Text { .. } | RecordAnswer::SessionNumber { .. } => {
                json!({ "type": "string" })
            }
        };
        let question = q.question.asked(conversation::Mode::Nurse);
        p["description"] = if q.in_every_record {
            json!(question)
        } else {
            json!(format!("{question} (absent in older records)"))
        };
        if q.in_every_record {
            required.push(q.question.id);
        }
        properties.insert(q.question.id.to_string(), p);
    }
    for (field, description) in [
        ("device", "Records written before the device became the radio_frequency risk factor (in risk_factors)."),
        ("cold_sores", "Older records; now the cold_sores risk factor."),
        ("eczema", "Older records; now the eczema risk factor."),
        ("blood_thinners", "Older records; now the blood_thinners risk factor."),
    ] {
        properties.insert(field.into(), json!({ "type": "string", "description": description }));
    }
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties
    })
}

/// The call details and the end of the call (nurse), each field asked by its question of
/// the conversation ([`crate::conversation::CALL`]) described by it when it says no more.
fn record_call(rules: &RuleSet) -> Value {
    let mut call = record_call_fields(rules);
    for q in &crate::conversation::CALL {
        let field = &mut call["properties"][q.id];
        if field.get("description").is_none() {
            field["description"] = json!(q.asked(crate::conversation::Mode::Nurse));
        }
    }
    call
}

fn record_call_fields(rules: &RuleSet) -> Value {
    json!({
        "description": "The call details and the end of the call (nurse).",
        "type": "object",
        "additionalProperties": false,
        "required": ["advice_given", "safety_net_given"],
        "properties": {
            "caller": { "enum": ["patient", "someone else"] },
            "caller_name": { "type": "string", "minLength": 1 },
            "patient_name": { "type": "string", "minLength": 1, "description": "The patient, when someone else calls for them." },
            "patient_birth_date": { "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "The patient's date of birth." },
            "callback": { "type": "string", "minLength": 1 },
            "complaint": { "type": "string", "minLength": 1 },
            "advice_given": text_list(),
            "safety_net_given": { "type": "boolean" },
            "understood": { "type": "boolean" },
            "notes": { "type": "string", "minLength": 1 },
            "nurse": { "type": "string", "minLength": 1 },
            "stopped": { "enum": ["cancelled", "interrupted", "hangup", "terminated"], "description": "The call was stopped and kept: after its instruction was given, or before one by the nurse's choice (Esc: cancelled; Ctrl-C: interrupted); or by its terminal closed (hangup) or a SIGTERM (terminated), keeping what Esc would." },
            "before_instruction": { "const": true, "description": "The call was stopped before any disposition was given to the caller: the computed disposition is of the answers so far, and was not said." },
            "started_at": { "type": "string", "format": "date-time", "description": "When the call began. Records saved before call times were kept have none." },
            "ended_at": { "type": "string", "format": "date-time", "description": "When the call ended: the start plus the time the questions took." },
            "from_checkin": { "type": "string", "minLength": 1, "description": "The web check-in the call was started from (a callback on it), by its id." },
            "checkin_sent_at": { "type": "string", "format": "date-time", "description": "When that check-in was sent." },
            "checkin_disposition": { "$ref": "#/$defs/disposition", "description": "The disposition the check-in gave." },
            "checkin_details_kept": {
                "description": "Symptoms whose details (severity, trend, start) are the check-in's, as sent: still ticked in the call, and confirmed by the nurse as still right rather than asked again.",
                "type": "array",
                "items": { "enum": symptom_ids(rules) }
            }
        }
    })
}

/// `aftercare schema rules [--draft 7]`: the rule file, as the JSON its TOML maps to. The
/// ids here are the file's own (a clinic adds symptoms), so they are patterns, not a list.
pub fn rules_file(rules: &RuleSet, draft7: bool) -> Value {
    let parts = RuleFileParts::new(draft7);
    let r = |name: &str| parts.r(name);
    let list = |name: &str| json!({ "type": "array", "items": r(name) });
    let mut m = Map::new();
    m.insert(
        "$schema".into(),
        if draft7 { DRAFT_07 } else { DRAFT_2020 }.into(),
    );
    m.insert(
        "$id".into(),
        schema_id(rules, if draft7 { "rules-draft-07" } else { "rules" }).into(),
    );
    m.insert("title".into(), "aftercare rule file".into());
    m.insert(
        "description".into(),
        "A clinic's rule file (TOML). The schema checks its shape; `aftercare rules check` also checks windows in order, cited sources, known symptom ids and the file's examples.".into(),
    );
    m.insert("type".into(), "object".into());
    m.insert("additionalProperties".into(), false.into());
    m.insert(
        "required".into(),
        json!(["rule_set", "repeat_contact", "late_presentation"]),
    );
    m.insert(
        "properties".into(),
        json!({
            "rule_set": r("rule_set"),
            "source": list("source"),
            "disposition": list("disposition_text"),
            "expected_reaction": list("expected_reaction"),
            "warning_sign": list("warning_sign"),
            "combination": list("combination"),
            "cluster": list("cluster"),
            "other": r("other"),
            "risk_factor": list("risk_factor"),
            "clinic": r("clinic"),
            "repeat_contact": r("situation"),
            "late_presentation": r("late_presentation"),
            "advice": list("advice"),
            "nurse_note": list("nurse_note"),
            "example": list("example")
        }),
    );
    let mut defs = Map::new();
    for group in [
        rule_file_frame_defs(&parts),
        rule_file_symptom_defs(&parts),
        rule_file_combination_defs(&parts),
        rule_file_situation_and_advice_defs(&parts),
    ] {
        defs.extend(as_object(group));
    }
    m.insert(parts.defs_key.into(), Value::Object(defs));
    Value::Object(m)
}

/// The types the rule file's definitions are made of, and where the definitions live
/// (`$defs`, or `definitions` in draft 7).
struct RuleFileParts {
    defs_key: &'static str,
    /// A text that is not blank.
    text: Value,
    id: Value,
    ids: Value,
    aliases: Value,
    day: Value,
    sources: Value,
}

impl RuleFileParts {
    fn new(draft7: bool) -> Self {
        RuleFileParts {
            defs_key: if draft7 { "definitions" } else { "$defs" },
            text: json!({ "type": "string", "minLength": 1, "pattern": "\\S" }),
            id: json!({ "type": "string", "pattern": ID_PATTERN }),
            ids: json!({ "type": "array", "items": { "type": "string", "pattern": ID_PATTERN } }),
            aliases: json!({ "type": "array", "items": { "type": "string", "minLength": 1 } }),
            day: days("A day since the treatment (day 0), fractional allowed."),
            sources: json!({ "type": "array", "items": { "type": "string", "minLength": 1 } }),
        }
    }

    /// A reference to one of the file's definitions.
    fn r(&self, name: &str) -> Value {
        json!({ "$ref": format!("#/{}/{name}", self.defs_key) })
    }

    /// An entry's properties, with the sources it cites and a note on them.
    fn cited(&self, props: Value) -> Value {
        let mut props = as_object(props);
        props.insert("sources".into(), self.sources.clone());
        props.insert("source_note".into(), json!({ "type": "string" }));
        Value::Object(props)
    }
}

/// An object with these required properties and no others.
fn closed_object(required: &[&str], props: Value) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props
    })
}

fn as_object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("properties are an object"),
    }
}

/// The file's frame: its name and version, its sources, the dispositions' words and
/// threshold steps, the clinic, and the worked examples.
fn rule_file_frame_defs(p: &RuleFileParts) -> Value {
    let r = |name: &str| p.r(name);
    let (obj, text) = (closed_object, &p.text);
    let threshold = obj(
        &["day", "disposition"],
        json!({ "day": p.day, "disposition": r("disposition") }),
    );
    json!({
        "disposition": dispositions(),
        "threshold": threshold,
        "steps": {
            "description": "A threshold column: one step, or a list of steps in order of their days, each applying after its own day (day 0: at any time, the treatment day included); the most urgent step that applies counts.",
            "oneOf": [r("threshold"), { "type": "array", "minItems": 1, "items": r("threshold") }]
        },
        "rule_set": obj(&["name", "version"], json!({ "name": text, "version": text, "title": { "type": "string" } })),
        "source": obj(&["id", "kind", "title"], json!({ "id": { "type": "string", "minLength": 1 }, "kind": { "enum": ["clinic_sheet", "published", "proposed"] }, "title": text })),
        "disposition_text": obj(&["code", "label", "action"], json!({ "code": r("disposition"), "label": text, "action": text, "call_back": { "type": "string" }, "photo_review": { "type": "string", "minLength": 1, "description": "Added to the action unless the result rests on something in the person's own words." } })),
        "clinic": obj(&[], json!({
            "name": { "type": "string" },
            "phone": { "type": "string" },
            "out_of_hours_phone": { "type": "string" },
            "emergency_number": { "type": "string" }
        })),
        "example": obj(&["id", "case", "expect"], json!({
            "id": { "type": "string", "minLength": 1 }, "title": { "type": "string" },
            "case": { "type": "object", "description": "A case as the JSON interface takes it (aftercare schema case)." },
            "expect": r("disposition"),
            "expect_rules": { "type": "array", "items": { "type": "string" } }
        }))
    })
}

/// What a person may report: the expected reactions, the warning signs, something else,
/// and the risk factors.
fn rule_file_symptom_defs(p: &RuleFileParts) -> Value {
    let r = |name: &str| p.r(name);
    let obj = closed_object;
    let (id, text, day, aliases) = (&p.id, &p.text, &p.day, &p.aliases);
    json!({
        "expected_reaction": obj(&["id", "label", "description", "normal_until", "ok_if_improving_until", "past_window"], p.cited(json!({
            "id": id, "label": text, "description": text,
            "normal_until": day, "ok_if_improving_until": day,
            "past_window": r("disposition"),
            "worse_after": r("steps"), "severe_after": r("steps"),
            "severe_and_worse_after": r("steps"), "starts_after": r("steps"),
            "aliases": aliases,
            "course": { "type": "string" }
        }))),
        "warning_sign": obj(&["id", "label", "description", "disposition", "likely_cause"], p.cited(json!({
            "id": id, "label": text, "description": text, "disposition": r("disposition"), "likely_cause": text, "cause_in_words": text,
            "also_do": { "type": "string", "minLength": 1, "description": "Added to the action when this sign is present." },
            "aliases": aliases
        }))),
        "other": obj(&["id", "label", "description", "disposition", "severe_or_worsening"], p.cited(json!({
            "id": id, "label": text, "description": text,
            "disposition": r("disposition"), "severe_or_worsening": r("disposition"),
            "severe_and_worsening_early": obj(&["until_day", "disposition"], json!({ "until_day": day, "disposition": r("disposition") })),
            "aliases": aliases
        }))),
        "risk_factor": obj(&["id", "label", "description", "question"], p.cited(json!({
            "id": id, "label": text, "description": text, "question": text, "aliases": aliases
        })))
    })
}

/// Symptoms that count together: the combinations with their members, and the clusters of
/// strong reactions.
fn rule_file_combination_defs(p: &RuleFileParts) -> Value {
    let r = |name: &str| p.r(name);
    let obj = closed_object;
    let (id, ids, text) = (&p.id, &p.ids, &p.text);
    json!({
        "combination": {
            "type": "object",
            "additionalProperties": false,
            "required": ["id", "disposition", "reason"],
            "anyOf": [{ "required": ["members"] }, { "required": ["all_of"] }],
            "description": "Fires when each member is present: members (the general form), or all_of with an optional any_of (the short form of 1.0).",
            "properties": p.cited(json!({
                "id": id,
                "all_of": ids,
                "any_of": ids,
                "members": { "type": "array", "minItems": 1, "items": r("member") },
                "until_day": { "type": "number", "minimum": 0, "description": "The combination holds only while the time since treatment is at most this day." },
                "tells_the_cause": { "type": "boolean", "description": "No more urgent than its members: there for the cause its reason names." },
                "disposition": r("disposition"),
                "reason": text
            }))
        },
        "member": obj(&["any_of"], json!({
            "any_of": { "type": "array", "minItems": 1, "items": { "type": "string", "pattern": ID_PATTERN }, "description": "Symptom, sign or risk-factor ids: any one of them counts." },
            "outside_window": { "type": "boolean", "description": "The symptom's own finding is above home care (an expected reaction only)." },
            "worsening": { "type": "boolean", "description": "The symptom is reported as worsening." },
            "severe_or_worsening": { "type": "boolean", "description": "The symptom is reported as severe, or as worsening." }
        })),
        "cluster": obj(&["id", "among", "count", "severity", "trend", "disposition", "reason"], p.cited(json!({
            "id": id,
            "among": { "type": "array", "minItems": 1, "items": { "type": "string", "pattern": ID_PATTERN } },
            "count": { "type": "integer", "minimum": 1 },
            "severity": { "enum": Severity::ALL.map(Severity::code) },
            "trend": { "enum": Trend::ALL.map(Trend::code) },
            "disposition": r("disposition"),
            "reason": text
        })))
    })
}

/// The person's situation (a repeat contact, a late presentation), the advice by day, and
/// the reminders for the nurse.
fn rule_file_situation_and_advice_defs(p: &RuleFileParts) -> Value {
    let r = |name: &str| p.r(name);
    let obj = closed_object;
    let (id, ids, text, day) = (&p.id, &p.ids, &p.text, &p.day);
    json!({
        "situation": obj(&["id", "disposition", "reason"], p.cited(json!({
            "id": id, "disposition": r("disposition"), "reason": text
        }))),
        "late_presentation": obj(&["id", "after_day", "disposition", "reason"], p.cited(json!({
            "id": id, "after_day": day, "disposition": r("disposition"), "reason": text
        }))),
        "advice": obj(&["id", "topic", "kind", "text"], p.cited(json!({
            "id": id, "topic": text, "kind": advice_kind(), "from_day": day,
            "until_day": days("When it ends: it applies before this day, not at it."),
            "text": text, "then": { "type": "string" }
        }))),
        "nurse_note": obj(&["id", "text"], p.cited(json!({
            "id": id,
            "risk_factors": ids,
            "symptoms": ids,
            "from_day": day,
            "text": text
        })))
    })
}

/// The schema as printed and committed: pretty, with a final newline.
pub fn to_text(schema: &Value) -> String {
    let mut s = serde_json::to_string_pretty(schema).expect("a JSON value serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemas_unsafe_characters_are_those_the_reader_refuses() {
        let in_class = |c: char| UNSAFE_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c));
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(
                in_class(c),
                aftercare_core::unsafe_chars::is_unsafe(c),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }
}
