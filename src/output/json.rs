//! JSON results: the full form, the compact form for large batches, and error records.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use aftercare_core::evaluate::{subject_name, Subject, Triage};
use aftercare_core::input::InputError;
use aftercare_core::model::{
    Assessment, Case, Disposition, RuleSetId, ERROR_FORMAT, RESULT_FORMAT,
};
use aftercare_core::rules::RuleSet;

pub fn write_assessment<W: Write>(out: &mut W, a: &Assessment) -> io::Result<()> {
    serde_json::to_writer(&mut *out, a)?;
    out.write_all(b"\n")
}

/// `{"id":..,"disposition":..,"findings":[{"symptom":..,"disposition":..,"rule":..}],"rule_set":..}`
/// written by hand: in a batch of millions this is the hot path, and it needs no reasons.
pub fn write_compact<W: Write>(
    out: &mut W,
    case: &Case,
    t: &Triage,
    rules: &RuleSet,
    scratch: &mut String,
) -> io::Result<()> {
    scratch.clear();
    let s = scratch;
    s.push('{');
    if let Some(id) = &case.id {
        s.push_str("\"id\":");
        push_json_str(s, id);
        s.push(',');
    }
    s.push_str("\"format\":\"");
    s.push_str(RESULT_FORMAT);
    s.push_str("\",");
    if let Some(at) = case.assessed_at {
        s.push_str("\"assessed_at\":\"");
        // RFC 3339 is digits, signs, ':', '.', 'T' and 'Z': nothing to escape.
        let _ = write!(s, "{}", at.to_rfc3339());
        s.push_str("\",");
    }
    s.push_str("\"disposition\":\"");
    s.push_str(t.disposition.code());
    s.push_str("\",\"findings\":[");
    for (i, f) in t.findings.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('{');
        match f.subject {
            Subject::Symptom(idx) => {
                s.push_str("\"symptom\":");
                push_json_str(s, &case.symptoms[idx].id);
                s.push(',');
                // The person's own words go wherever a clinician reads the result.
                if let Some(words) = &case.symptoms[idx].description {
                    s.push_str("\"description\":");
                    push_json_str(s, words);
                    s.push(',');
                }
            }
            // As in the full form: the combination's symptoms joined by "+".
            Subject::Combination(_) | Subject::Cluster(_) => {
                if let Some(name) = subject_name(f.subject, case, rules) {
                    s.push_str("\"symptom\":");
                    push_json_str(s, &name);
                    s.push(',');
                }
            }
            Subject::RepeatContact => {}
        }
        s.push_str("\"disposition\":\"");
        s.push_str(f.hit.disposition.code());
        s.push_str("\",\"rule\":\"");
        // Rule ids are validated to [a-z0-9_.], so they need no escaping.
        let _ = f.hit.rule.write_id(rules, s);
        s.push_str("\"}");
    }
    s.push_str("],\"rule_set\":{\"name\":");
    push_json_str(s, &rules.name);
    s.push_str(",\"version\":");
    push_json_str(s, &rules.version);
    s.push_str("}}\n");
    out.write_all(s.as_bytes())
}

fn push_json_str(s: &mut String, value: &str) {
    if value
        .bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b < 0x7f)
    {
        s.push('"');
        s.push_str(value);
        s.push('"');
    } else {
        // serde_json's escaping for anything unusual; writing to a String cannot fail.
        let _ = write!(s, "{}", serde_json::Value::from(value));
    }
}

#[derive(Serialize)]
struct ErrorRecord<'a> {
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    assessed_at: String,
    error: ErrorBody<'a>,
    /// The least the parts that could be read need ([`aftercare_core::refusal`]): a refusal never
    /// hides an emergency.
    #[serde(skip_serializing_if = "Option::is_none")]
    at_least: Option<Disposition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
    rule_set: RuleSetId,
}

/// A case that could not be answered: where it was, what was wrong, and what its readable
/// parts still say.
pub struct Refusal<'a> {
    pub line: Option<usize>,
    pub id: Option<&'a str>,
    pub error: &'a InputError,
    pub at_least: Option<Disposition>,
    /// The assessment time the case would have been answered at.
    pub assessed_at: chrono::DateTime<chrono::FixedOffset>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    field: &'a str,
    message: &'a str,
}

/// An error record in place of a result: `{"format":"aftercare-error-1","line":3,
/// "assessed_at":..,"error":{"kind":"input","field":..,"message":..},"at_least":..,"action":..}`.
pub fn write_error<W: Write>(out: &mut W, r: &Refusal<'_>, rules: &RuleSet) -> io::Result<()> {
    let record = ErrorRecord {
        format: ERROR_FORMAT,
        line: r.line,
        id: r.id,
        assessed_at: r.assessed_at.to_rfc3339(),
        error: ErrorBody {
            kind: "input",
            field: &r.error.field,
            message: &r.error.message,
        },
        at_least: r.at_least,
        action: r
            .at_least
            .map(|d| rules.disposition_text(d).action.as_str()),
        rule_set: rules.id(),
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}
