//! What a refused case still says (clinical reference section 6): the one reading of "could
//! be read" that every error record uses, in a stream, a single case and over HTTP.
//!
//! A case is refused whole when any part of it is wrong, because a guess could make the
//! answer milder. But a refusal must not hide an emergency, so its record carries
//! `at_least`: the triage of every part that could be read, leaving out only what failed.
//! Leaving a part out never raises the answer, so this is a floor of the whole case.
//!
//! - A warning sign counts when its id reads, whatever else in its entry is wrong.
//! - A risk factor counts when it is a known id in the `risk_factors` list.
//! - A reaction (or `other`) counts when its whole entry reads as `check` reads it; it is
//!   judged against its window only when the time reads, and otherwise only through the
//!   combinations that need no window and the cluster ([`triage_without_time`]).
//! - `repeat_contact` counts when it is a boolean.
//! - A string that is exactly a warning-sign id counts wherever the case's structure does
//!   not say what it is: in a field the case does not have (`"symptons"`, a portal's own
//!   list), in a symptom entry in place of its object, and anywhere in text that is not JSON
//!   (cut off, a trailing comma, `1e400`, nested too deep), where `"difficulty_breathing"`
//!   with its quotes is searched for. Only signs are read this way: a bare word such as
//!   `"eczema"` in broken text is not known to describe the person, so a risk factor counts
//!   only from a `risk_factors` list that reads. The person's own words (`description`) are
//!   never searched: the tool does not interpret them. Where the structure reads, the
//!   case's own id is not taken for a symptom (in broken text it cannot be told apart).
//! - Damage inside a string (a byte that is not UTF-8, a lone surrogate escape) does not
//!   make the rest unreadable; only the damaged value fails.
//! - A key given twice in one object (`"symptoms": [..], "symptoms": []`) does not say
//!   which of its values is the case's, so none is read as that field; each of its values is
//!   searched for warning-sign ids as an unknown field's would be. A reader that kept only
//!   the last value would let an empty list hide the sign before it.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::evaluate::{triage, triage_without_time};
use crate::input::{CaseInput, SymptomInput, MAX_DAYS};
use crate::model::{Case, Disposition, ReportedSymptom, Severity, Trend};
use crate::rules::{RuleSet, SymptomRef};

/// The fields of a case, as [`CaseInput`] names them; anything else is an unknown field,
/// whose strings are searched for warning-sign ids.
const CASE_FIELDS: [&str; 7] = [
    "id",
    "days_since_treatment",
    "treated_at",
    "assessed_at",
    "symptoms",
    "risk_factors",
    "repeat_contact",
];

/// Where an object's keys given more than once are put, each with all its values in order:
/// not a field of a case or of a symptom, so they are searched as an unknown field's.
const REPEATED: &str = "\u{0}repeated";

/// The fields of a reported symptom, as [`SymptomInput`] names them.
const SYMPTOM_FIELDS: [&str; 6] = [
    "id",
    "severity",
    "trend",
    "started_day",
    "started_on_day",
    "description",
];

/// The least a refused case needs, from what of `text` could be read: `None` when that is
/// nothing above home care. `now` stands in for a missing `assessed_at`, as in `check`.
pub fn readable_floor(
    text: &[u8],
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Option<Disposition> {
    let readable = readable_case(text, rules, now);
    let t = if readable.time_known {
        triage(&readable.case, rules)
    } else {
        triage_without_time(&readable.case, rules)
    };
    (t.disposition > Disposition::HomeCare).then_some(t.disposition)
}

/// The parts of a case that could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Readable {
    /// The parts as a case; its time is 0 when `time_known` is false (and is then not read).
    pub case: Case,
    /// Whether the time since treatment could be read.
    pub time_known: bool,
}

/// Reads what can be read of a case (see the module's notes).
pub fn readable_case(text: &[u8], rules: &RuleSet, now: DateTime<FixedOffset>) -> Readable {
    let mut parts = Parts::default();
    read_text(text, rules, now, &mut parts, true);
    let (days, shortest) = parts.time.unwrap_or((0.0, 0.0));
    Readable {
        time_known: parts.time.is_some(),
        case: Case {
            id: None,
            days_since_treatment: days,
            shortest_days_since_treatment: shortest,
            symptoms: parts.symptoms,
            risk_factors: parts.risk_factors,
            repeat_contact: parts.repeat_contact,
            assessed_at: None,
        },
    }
}

#[derive(Default)]
struct Parts {
    /// The longest and shortest time since treatment, when it reads.
    time: Option<(f64, f64)>,
    symptoms: Vec<ReportedSymptom>,
    risk_factors: Vec<String>,
    repeat_contact: bool,
}

impl Parts {
    /// A warning sign found as a bare id: nothing else of it is known, so it is taken at its
    /// mildest severity and trend (the sign itself needs neither).
    fn add_sign(&mut self, id: &str) {
        if !self.symptoms.iter().any(|s| s.id == id) {
            self.symptoms.push(bare_sign(id));
        }
    }
}

fn bare_sign(id: &str) -> ReportedSymptom {
    ReportedSymptom {
        id: id.to_string(),
        severity: Severity::Mild,
        trend: Trend::Improving,
        started_day: crate::model::ASSUMED_STARTED_DAY,
        description: None,
    }
}

/// `outer` is false for the text of a case sent as a JSON string, which is read once more
/// but no deeper.
fn read_text(
    text: &[u8],
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    parts: &mut Parts,
    outer: bool,
) {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    match parse_mended(text) {
        Some(Value::Object(case)) => read_case(&case, rules, now, parts),
        // A case sent as a JSON string (encoded twice by a portal): its text is the case.
        // A string that is a sign's id alone (`"difficulty_breathing"`) is that sign.
        Some(Value::String(inner)) if outer => {
            sign_in_string(&inner, rules, parts);
            read_text(inner.as_bytes(), rules, now, parts, false)
        }
        Some(other) => signs_in_value(&other, rules, parts),
        None => signs_in_text(text, rules, parts),
    }
}

/// The JSON of `text`, read after mending what damage inside a string cannot change the
/// structure around it: a byte that is not UTF-8 (a Latin-1 "é" from an old portal) and a
/// lone UTF-16 surrogate escape (an emoji cut in half) become U+FFFD. Quotes, brackets and
/// commas are ASCII and are never touched, so every value keeps its place; a damaged id or
/// code then simply fails to read. Anything else that breaks the JSON (cut off, a trailing
/// comma, a number out of range, nesting too deep) leaves it unread.
fn parse_mended(text: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(text);
    let text = mend_lone_surrogates(&text);
    // Checked first without building anything: a line cut off near the 1 MiB limit would
    // otherwise build a tree of every entry before its end turns out to be missing.
    serde_json::from_str::<serde::de::IgnoredAny>(&text).ok()?;
    serde_json::from_str::<KeptRepeats>(&text).ok().map(|v| v.0)
}

/// A JSON value read as `serde_json::Value` is, except that a key given more than once in
/// an object keeps every value: they go under [`REPEATED`], as `{key: [values..]}`.
struct KeptRepeats(Value);

impl<'de> Deserialize<'de> for KeptRepeats {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeptRepeatsVisitor).map(KeptRepeats)
    }
}

struct KeptRepeatsVisitor;

impl<'de> serde::de::Visitor<'de> for KeptRepeatsVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json reads only finite numbers; `from` makes anything else null, as it would.
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        KeptRepeats::deserialize(d).map(|v| v.0)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(KeptRepeats(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut fields = Map::new();
        let mut repeated = Map::new();
        while let Some((key, KeptRepeats(value))) = map.next_entry::<String, KeptRepeats>()? {
            if let Some(Value::Array(values)) = repeated.get_mut(&key) {
                values.push(value);
            } else if let Some(first) = fields.remove(&key) {
                repeated.insert(key, Value::Array(vec![first, value]));
            } else {
                fields.insert(key, value);
            }
        }
        if !repeated.is_empty() {
            // A key named like the place itself is one more repeated key's values.
            if let Some(own) = fields.remove(REPEATED) {
                repeated.insert(REPEATED.to_string(), own);
            }
            fields.insert(REPEATED.to_string(), Value::Object(repeated));
        }
        Ok(Value::Object(fields))
    }
}

/// Replaces each `\uD800`–`\uDFFF` escape that is not half of a pair with `\uFFFD`.
fn mend_lone_surrogates(text: &str) -> Cow<'_, str> {
    if !text.contains("\\u") {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let escape_at = |i: usize| -> Option<u16> {
        let hex = b.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match escape_at(i) {
            Some(0xD800..=0xDBFF)
                if escape_at(i + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
            {
                out.extend_from_slice(&b[i..i + 12]);
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(b"\\ufffd");
                i += 6;
            }
            // Any other escape, `\\` included, is kept as a pair so that its second
            // character is never read as the start of another escape.
            _ => {
                let end = (i + 2).min(b.len());
                out.extend_from_slice(&b[i..end]);
                i = end;
            }
        }
    }
    // Only ASCII was replaced by ASCII, so the text is still UTF-8.
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

fn read_case(
    case: &Map<String, Value>,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    parts: &mut Parts,
) {
    parts.time = read_time(case, now);
    match case.get("symptoms") {
        Some(Value::Array(list)) => {
            for (i, entry) in list.iter().enumerate() {
                read_symptom(entry, i, rules, parts);
            }
        }
        Some(other) => signs_in_value(other, rules, parts),
        None => {}
    }
    if let Some(Value::Array(ids)) = case.get("risk_factors") {
        for id in ids.iter().filter_map(Value::as_str) {
            if rules.risk_factor(id).is_some() && !parts.risk_factors.iter().any(|r| r == id) {
                parts.risk_factors.push(id.to_string());
            }
        }
    }
    parts.repeat_contact = case
        .get("repeat_contact")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // A field the case does not have (`"symptons"`, a portal's own list): its strings that
    // are exactly a warning-sign id still count.
    for (key, value) in case {
        if key == REPEATED {
            // The case's own id, even given twice, is still not a symptom.
            if let Value::Object(repeats) = value {
                for (key, values) in repeats.iter().filter(|(key, _)| *key != "id") {
                    sign_in_string(key, rules, parts);
                    signs_in_value(values, rules, parts);
                }
            }
        } else if !CASE_FIELDS.contains(&key.as_str()) {
            sign_in_string(key, rules, parts);
            signs_in_value(value, rules, parts);
        }
    }
}

/// The time since treatment as `check` reads it, when every time field reads.
fn read_time(case: &Map<String, Value>, now: DateTime<FixedOffset>) -> Option<(f64, f64)> {
    // A field that is there but not of its type is a time that failed, not one left out.
    fn field<T>(
        case: &Map<String, Value>,
        key: &str,
        read: fn(&Value) -> Option<T>,
    ) -> Option<Option<T>> {
        match case.get(key) {
            None => Some(None),
            Some(v) => read(v).map(Some),
        }
    }
    let probe = CaseInput {
        id: None,
        days_since_treatment: field(case, "days_since_treatment", Value::as_f64)?,
        treated_at: field(case, "treated_at", |v| v.as_str().map(str::to_string))?,
        assessed_at: field(case, "assessed_at", |v| v.as_str().map(str::to_string))?,
        symptoms: Vec::new(),
        risk_factors: None,
        repeat_contact: None,
    };
    probe
        .days_since_treatment(now)
        .ok()
        .map(|(days, shortest, _)| (days, shortest))
}

/// One entry of `symptoms`: the whole entry when it reads as `check` reads it (against the
/// time when known, else against any time), else its id alone when that is a warning sign.
fn read_symptom(entry: &Value, index: usize, rules: &RuleSet, parts: &mut Parts) {
    let fields = match entry {
        Value::Object(fields) => fields,
        // `"symptoms": ["difficulty_breathing"]`: the id without its object.
        Value::String(id) => return sign_in_string(id, rules, parts),
        other => return signs_in_value(other, rules, parts),
    };
    let days = parts.time.map_or(MAX_DAYS, |(days, _)| days);
    let whole = SymptomInput::deserialize(entry)
        .ok()
        .and_then(|s| s.resolve(rules, days, index).ok());
    match whole {
        Some(symptom) => parts.symptoms.push(symptom),
        None => {
            // An id given twice: each of them that is a sign counts, with the codes that read.
            let ids = match (fields.get("id"), repeated(fields, "id")) {
                (Some(id), _) => std::slice::from_ref(id),
                (None, Some(ids)) => ids,
                (None, None) => &[],
            };
            for id in ids {
                match id {
                    Value::String(id) if rules.warning_sign(id).is_some() => {
                        if !parts.symptoms.iter().any(|s| s.id == *id) {
                            parts.symptoms.push(sign_with_its_codes(id, fields));
                        }
                    }
                    Value::String(_) => {}
                    other => signs_in_value(other, rules, parts),
                }
            }
        }
    }
    for (key, value) in fields {
        if !SYMPTOM_FIELDS.contains(&key.as_str()) {
            sign_in_string(key, rules, parts);
            signs_in_value(value, rules, parts);
        }
    }
}

/// The values of `key` when the object gave it more than once.
fn repeated<'a>(fields: &'a Map<String, Value>, key: &str) -> Option<&'a [Value]> {
    match fields.get(REPEATED)?.get(key)? {
        Value::Array(values) => Some(values),
        _ => None,
    }
}

/// A warning sign whose entry failed elsewhere: the severity and trend that read are kept
/// (a combination may ask for a worsening sign); one that fails is taken at its mildest.
fn sign_with_its_codes(id: &str, fields: &Map<String, Value>) -> ReportedSymptom {
    fn code<T: for<'de> Deserialize<'de>>(
        fields: &Map<String, Value>,
        key: &str,
    ) -> Result<Option<T>, ()> {
        match fields.get(key) {
            // Given twice, it does not say which: failed, not left out.
            None if repeated(fields, key).is_some() => Err(()),
            None => Ok(None),
            Some(v) => T::deserialize(v).map(Some).map_err(|_| ()),
        }
    }
    let mut sign = bare_sign(id);
    sign.severity = match code::<Severity>(fields, "severity") {
        Ok(s) => s.unwrap_or(Severity::ASSUMED),
        Err(()) => Severity::Mild,
    };
    sign.trend = match code::<Trend>(fields, "trend") {
        Ok(t) => t.unwrap_or(Trend::ASSUMED),
        Err(()) => Trend::Improving,
    };
    sign
}

fn sign_in_string(text: &str, rules: &RuleSet, parts: &mut Parts) {
    if let Some(SymptomRef::WarningSign(_)) = rules.lookup(text) {
        parts.add_sign(text);
    }
}

/// Every string of `value` (keys too) that is exactly a warning-sign id, except the
/// person's own words.
fn signs_in_value(value: &Value, rules: &RuleSet, parts: &mut Parts) {
    match value {
        Value::String(s) => sign_in_string(s, rules, parts),
        Value::Array(items) => {
            for v in items {
                signs_in_value(v, rules, parts);
            }
        }
        Value::Object(fields) => {
            for (key, v) in fields {
                if key == "description" {
                    continue;
                }
                sign_in_string(key, rules, parts);
                signs_in_value(v, rules, parts);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Every JSON string in text that is not JSON (cut off, broken) that is exactly a
/// warning-sign id: `"difficulty_breathing"` with its quotes, or `\"difficulty_breathing\"`
/// in a case encoded twice. Each stretch between two quotes is tried, so that a stray quote
/// earlier in the line cannot hide a sign. Not a `description`: the person's words are
/// never read.
fn signs_in_text(text: &[u8], rules: &RuleSet, parts: &mut Parts) {
    let quotes: Vec<usize> = (0..text.len()).filter(|&i| text[i] == b'"').collect();
    for pair in quotes.windows(2) {
        let (open, close) = (pair[0], pair[1]);
        let inside = &text[open + 1..close];
        let inside = inside.strip_suffix(b"\\").unwrap_or(inside);
        let Ok(id) = std::str::from_utf8(inside) else {
            continue;
        };
        if rules.warning_sign(id).is_none() || is_a_description(&text[..open]) {
            continue;
        }
        parts.add_sign(id);
    }
}

/// Whether a string that starts right after `before` is the value of a `description`.
fn is_a_description(before: &[u8]) -> bool {
    let before = before.strip_suffix(b"\\").unwrap_or(before);
    let before = before.trim_ascii_end();
    let Some(before) = before.strip_suffix(b":") else {
        return false;
    };
    let before = before.trim_ascii_end();
    before.ends_with(b"\"description\"") || before.ends_with(b"\\\"description\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static RuleSet {
        crate::rules::built_in_for_tests()
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap()
    }

    fn floor(text: &str) -> Option<Disposition> {
        readable_floor(text.as_bytes(), rules(), now())
    }

    #[test]
    fn the_fields_named_here_are_the_fields_of_a_case() {
        let full = CaseInput {
            id: Some("a".into()),
            days_since_treatment: Some(1.0),
            treated_at: Some("x".into()),
            assessed_at: Some("x".into()),
            symptoms: vec![SymptomInput {
                id: "redness".into(),
                severity: Some(Severity::Mild),
                trend: Some(Trend::Stable),
                started_day: Some(0.0),
                started_on_day: Some(0.0),
                description: Some("x".into()),
            }],
            risk_factors: Some(vec![]),
            repeat_contact: Some(false),
        };
        let v = serde_json::to_value(&full).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = CASE_FIELDS.to_vec();
        let mut keys = keys;
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected);
        let s: Vec<&str> = v["symptoms"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut s = s;
        let mut expected = SYMPTOM_FIELDS.to_vec();
        s.sort_unstable();
        expected.sort_unstable();
        assert_eq!(s, expected);
    }

    #[test]
    fn a_risk_factor_and_a_sign_make_their_combination_in_a_refused_case() {
        // immunosuppressed + fever, the case refused for an unknown field.
        let text = r#"{"days_since_treatment": 2, "risk_factors": ["immunosuppressed"], "symptoms": [{"id": "fever"}], "x": 1}"#;
        assert_eq!(floor(text), Some(Disposition::GoToEdNow));
        // An unknown risk factor beside it is left out, the known one still counts.
        let text = r#"{"days_since_treatment": 2, "risk_factors": ["immunosupressed", "immunosuppressed"], "symptoms": [{"id": "fever"}]}"#;
        assert_eq!(floor(text), Some(Disposition::GoToEdNow));
    }

    #[test]
    fn a_reaction_counts_only_when_its_own_fields_read() {
        let case = |s: &str| format!(r#"{{"days_since_treatment": 2, "symptoms": [{s}], "x": 1}}"#);
        // Severe swelling on day 2: see today, as the whole case says.
        assert_eq!(
            floor(&case(r#"{"id": "swelling", "severity": "severe"}"#)),
            Some(Disposition::SeeToday)
        );
        // Its severity fails: nothing is known of it.
        assert_eq!(
            floor(&case(r#"{"id": "swelling", "severity": "sevre"}"#)),
            None
        );
        // A misspelled field in its entry: an improving trend could be hidden there.
        let day_5 =
            r#"{"days_since_treatment": 5, "symptoms": [{"id": "redness", "trned": "improving"}]}"#;
        assert_eq!(floor(day_5), None);
        // A start later than the time: that entry fails.
        assert_eq!(
            floor(&case(
                r#"{"id": "swelling", "severity": "severe", "started_day": 3}"#
            )),
            None
        );
    }

    #[test]
    fn without_a_time_reactions_count_only_through_what_needs_no_window() {
        let text = r#"{"days_since_treatment": "two", "symptoms": [{"id": "hives"}, {"id": "swelling", "trend": "worsening"}]}"#;
        assert_eq!(floor(text), Some(Disposition::GoToEdNow));
        // Severe swelling alone needs a day to be judged.
        let text = r#"{"days_since_treatment": "two", "symptoms": [{"id": "swelling", "severity": "severe"}]}"#;
        assert_eq!(floor(text), None);
        // Spreading petechiae with fever need the petechiae's window: only the fever counts.
        let text =
            r#"{"days_since_treatment": -1, "symptoms": [{"id": "fever"}, {"id": "petechiae"}]}"#;
        assert_eq!(floor(text), Some(Disposition::SeeToday));
        let triaged = readable_case(text.as_bytes(), rules(), now());
        assert!(!triaged.time_known);
        assert_eq!(triaged.case.symptoms.len(), 2);
    }

    #[test]
    fn the_triage_without_a_time_reads_no_day() {
        // Redness long after every window, and past the late-presentation day: without a
        // time neither can be judged, so nothing is said of it.
        let mut case = Case::on_day(200.0, vec![crate::model::ReportedSymptom::new("redness")]);
        assert!(triage(&case, rules()).disposition > Disposition::HomeCare);
        assert_eq!(
            triage_without_time(&case, rules()).disposition,
            Disposition::HomeCare
        );
        // A warning sign needs no day.
        case.symptoms
            .push(crate::model::ReportedSymptom::new("fever"));
        assert_eq!(
            triage_without_time(&case, rules()).disposition,
            Disposition::SeeToday
        );
    }

    #[test]
    fn a_line_that_is_not_json_is_searched_for_warning_sign_ids() {
        assert_eq!(
            floor(r#"{"days_since_treatment": 2, "symptoms": [{"id": "difficulty_breathing"}"#),
            Some(Disposition::CallEmergencyNow)
        );
        // A sign-only combination: fever with purple spots.
        assert_eq!(
            floor(r#"{"symptoms": [{"id": "fever"}, {"id": "purple_spots"},]}"#),
            Some(Disposition::CallEmergencyNow)
        );
        // Part of a longer word, or the person's own words: not a sign.
        assert_eq!(
            floor(r#"{"symptoms": [{"id": "fevers"}, {"id": "x_fever""#),
            None
        );
        assert_eq!(
            floor(r#"{"symptoms": [{"id": "other", "description" : "fever"}"#),
            None
        );
        // A risk factor in broken text is not known to be the person's.
        assert_eq!(
            floor(r#"{"risk_factors": ["immunosuppressed"], "symptoms": [{"id": "fever"}"#),
            Some(Disposition::SeeToday)
        );
    }

    #[test]
    fn damage_inside_a_string_leaves_the_rest_readable() {
        // A Latin-1 byte in the person's words: eczema with blisters still reads.
        let text = b"{\"days_since_treatment\": 2, \"risk_factors\": [\"eczema\"], \"symptoms\": [{\"id\": \"blisters\"}, {\"id\": \"other\", \"description\": \"caf\xe9\"}]}";
        assert_eq!(
            readable_floor(text, rules(), now()),
            Some(Disposition::GoToEdNow)
        );
        // A lone surrogate: the same.
        let text = r#"{"days_since_treatment": 2, "risk_factors": ["eczema"], "symptoms": [{"id": "blisters", "description": "\ud83d"}]}"#;
        assert_eq!(floor(text), Some(Disposition::GoToEdNow));
        // A pair is kept as it is; an escaped backslash is not an escape.
        assert_eq!(mend_lone_surrogates(r#"\ud83d\ude00"#), r#"\ud83d\ude00"#);
        assert_eq!(
            mend_lone_surrogates(r#"\\ud83d \udc00"#),
            r#"\\ud83d \ufffd"#
        );
    }

    #[test]
    fn a_key_given_twice_hides_no_sign() {
        // The list with the sign, then an empty one: a reader keeping the last value would
        // see no symptom at all.
        let text = r#"{"days_since_treatment": 1, "symptoms": [{"id": "difficulty_breathing"}], "symptoms": []}"#;
        assert_eq!(floor(text), Some(Disposition::CallEmergencyNow));
        // The same, in the other order, and three times.
        let text = r#"{"days_since_treatment": 1, "symptoms": [], "symptoms": [{"id": "fever"}], "symptoms": [{"id": "x"}]}"#;
        assert_eq!(floor(text), Some(Disposition::SeeToday));
        // A sign's id given twice in its entry: the sign counts, with the codes that read.
        let text = r#"{"days_since_treatment": 1, "symptoms": [{"id": "difficulty_breathing", "id": "zzz"}]}"#;
        assert_eq!(floor(text), Some(Disposition::CallEmergencyNow));
        let text = r#"{"days_since_treatment": 1, "symptoms": [{"id": "zzz", "id": "fever", "trend": "worsening"}]}"#;
        let read = readable_case(text.as_bytes(), rules(), now());
        assert_eq!(read.case.symptoms.len(), 1);
        assert_eq!(read.case.symptoms[0].id, "fever");
        assert_eq!(read.case.symptoms[0].trend, Trend::Worsening);
        // A code given twice does not say which: taken at its mildest.
        let text = r#"{"days_since_treatment": 1, "symptoms": [{"id": "fever", "trend": "worsening", "trend": "improving"}]}"#;
        let read = readable_case(text.as_bytes(), rules(), now());
        assert_eq!(read.case.symptoms[0].trend, Trend::Improving);
        // A reaction whose entry repeats a key does not read; a time given twice does not
        // say which day it is.
        let text = r#"{"days_since_treatment": 1, "symptoms": [{"id": "swelling", "severity": "severe", "severity": "severe"}]}"#;
        assert_eq!(floor(text), None);
        let text = r#"{"days_since_treatment": 1, "days_since_treatment": 2, "symptoms": [{"id": "swelling", "severity": "severe"}]}"#;
        let read = readable_case(text.as_bytes(), rules(), now());
        assert!(!read.time_known);
        // The person's words given twice are still not read, nor the case's own id.
        let text = r#"{"days_since_treatment": 1, "symptoms": [{"id": "other", "description": "fever", "description": "pus"}]}"#;
        assert_eq!(floor(text), None);
        let text = r#"{"id": "fever", "id": "pus", "days_since_treatment": 1, "symptoms": []}"#;
        assert_eq!(floor(text), None);
        // A case that is only a sign's id, quoted.
        assert_eq!(
            floor(r#""difficulty_breathing""#),
            Some(Disposition::CallEmergencyNow)
        );
    }

    #[test]
    fn signs_under_a_misspelled_key_count_with_the_rest_that_reads() {
        let text = r#"{"days_since_treatment": 2, "risk_factors": ["immunosuppressed"], "symptons": [{"id": "fever"}]}"#;
        assert_eq!(floor(text), Some(Disposition::GoToEdNow));
        // The case's own id is not a symptom.
        let text = r#"{"id": "fever", "days_since_treatment": 2, "symptoms": {}}"#;
        assert_eq!(floor(text), None);
        // A case encoded twice is read as the case it holds.
        let inner = r#"{"days_since_treatment": 2, "risk_factors": ["eczema"], "symptoms": [{"id": "blisters"}], "x": 1}"#;
        let twice = serde_json::to_string(inner).unwrap();
        assert_eq!(floor(&twice), Some(Disposition::GoToEdNow));
    }
}
