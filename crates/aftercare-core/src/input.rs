//! A case as scripts send it (JSON) or rule-file examples carry it (TOML), and its checks.
//!
//! Nothing here guesses: an unknown field, a `null`, a wrong type or an unknown symptom id is
//! an error naming the field and the value, because a silent default could make the answer
//! milder than it should be.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::error::Category;

use crate::model::{Severity, Trend};

/// Longest time since treatment accepted: a century. Beyond it the input is a mistake.
pub const MAX_DAYS: f64 = 36_525.0;
/// Most symptoms one case may list; the protocol knows fewer than fifty.
pub const MAX_SYMPTOMS: usize = 256;
/// Longest symptom or case id kept.
pub const MAX_ID_LEN: usize = 256;
/// Longest description of `other`, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Most risk factors one case may list.
pub const MAX_RISK_FACTORS: usize = 64;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub days_since_treatment: Option<f64>,
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub treated_at: Option<String>,
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub assessed_at: Option<String>,
    /// Required, even when empty: a missing list means "not asked", not "none".
    pub symptoms: Vec<SymptomInput>,
    /// Ids of the rule set's risk factors (protocol 1.1).
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub risk_factors: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub repeat_contact: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SymptomInput {
    pub id: String,
    #[serde(
        default,
        deserialize_with = "not_null_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub severity: Option<Severity>,
    #[serde(
        default,
        deserialize_with = "not_null_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub trend: Option<Trend>,
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub started_day: Option<f64>,
    /// A start known only as a whole day ("it began on day 2"), read in the careful
    /// direction: `min(d + 1, time since treatment)`.
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub started_on_day: Option<f64>,
    /// The person's own words: required for `other`, optional (and never interpreted) for
    /// any other symptom.
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
}

impl SymptomInput {
    /// A symptom with only its id; everything else takes the protocol's defaults.
    pub fn new(id: impl Into<String>) -> Self {
        SymptomInput {
            id: id.into(),
            severity: None,
            trend: None,
            started_day: None,
            started_on_day: None,
            description: None,
        }
    }
}

/// An optional field that, when present, must hold a value: `null` is an error rather than
/// a quiet "not given", since a script that sends null may mean something it failed to fill.
pub fn not_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<T>::deserialize(d)? {
        Some(v) => Ok(Some(v)),
        None => Err(serde::de::Error::custom(
            "null is not a value here: leave the field out when it is not known",
        )),
    }
}

/// A code from a fixed list (`severity`, `trend`), read as text first: serde_json reads an
/// enum from a number or `true` with the bare message "expected value", which names neither
/// the value nor what was wanted.
fn not_null_code<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(not_null::<D, CodeText<T>>(d)?.map(|code| code.0))
}

/// A code read from text that is borrowed from the input where it can be, so that reading
/// one costs no allocation: a stream reads two for every symptom.
struct CodeText<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for CodeText<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Text<T> {
            type Value = CodeText<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                let code: serde::de::value::StrDeserializer<serde::de::value::Error> =
                    text.into_deserializer();
                T::deserialize(code).map(CodeText).map_err(E::custom)
            }
        }
        d.deserialize_str(Text(std::marker::PhantomData))
    }
}

/// A problem with one case: the field (a path such as `symptoms[1].severity`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// Where, as a path into the case; empty when the problem is the whole input.
    pub field: String,
    pub message: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for InputError {}

/// Reads one case from JSON text, naming the field of any error.
pub fn parse_json_case(text: &str) -> Result<CaseInput, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::new(
            "",
            "empty input: expected a JSON case object",
        ));
    }
    if !text.trim_start().starts_with('{') {
        return Err(InputError::new(
            "",
            "expected a case: a JSON object such as {\"days_since_treatment\": 2, \"symptoms\": []}",
        ));
    }
    // Tracking the path costs as much as the parse itself (an allocation per key), and only
    // an error needs it: read directly, and read again with the path only to name the field.
    if let Ok(case) = serde_json::from_str::<CaseInput>(text) {
        return Ok(case);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let case: CaseInput = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(|e| {
        InputError::new(
            "",
            format!(
                "unexpected text after the case at line {} column {}",
                e.line(),
                e.column()
            ),
        )
    })?;
    Ok(case)
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> InputError {
    let path = path_text(e.path());
    let inner = e.into_inner();
    let mut message = clean_serde_message(&inner.to_string());
    // A number too large for its field is a "syntax" error to serde_json, but has a field.
    let out_of_range = message == "number out of range";
    if !out_of_range && matches!(inner.classify(), Category::Syntax | Category::Eof) {
        // Not JSON: where in the text it broke helps; the field too, when serde got as far
        // as a field's value (`"days_since_treatment": NaN`), but not a "?" it never reached.
        let at = if inner.line() > 1 {
            format!("line {} column {}", inner.line(), inner.column())
        } else {
            format!("column {}", inner.column())
        };
        let field = if path == "." || path.contains('?') {
            String::new()
        } else {
            path
        };
        return InputError::new(field, format!("not valid JSON: {message} at {at}"));
    }
    let mut field = if path == "." { String::new() } else { path };
    // A saved call or questionnaire (`--record`) given as a case: say what it is and where
    // its case is, rather than only that "format" is not a field of a case.
    if field == "format" && message.starts_with("unknown field \"format\"") {
        return InputError::new(
            field,
            "this is a saved record (or a result), not a case: `aftercare record show FILE` \
             prints a record again, and its \"case\" is the case to check",
        );
    }
    // serde names a missing field in the message only; put it where the field goes.
    if let Some(name) = message
        .strip_prefix("missing field \"")
        .and_then(|m| m.strip_suffix('"'))
    {
        let name = name.to_string();
        field = if field.is_empty() {
            name.clone()
        } else {
            format!("{field}.{name}")
        };
        message = if name == "symptoms" {
            "missing: give \"symptoms\": [] when there are none".to_string()
        } else {
            "missing".to_string()
        };
    }
    InputError::new(field, message)
}

/// A field path as serde_path_to_error writes it (`symptoms[0].severity`), each name in it
/// cut as a message quotes a name ([`crate::escape::excerpt`]).
pub fn path_text(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    if path.iter().next().is_none() {
        return ".".to_string();
    }
    let mut text = String::new();
    for (i, segment) in path.iter().enumerate() {
        if i > 0 && !matches!(segment, Segment::Seq { .. }) {
            text.push('.');
        }
        match segment {
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                text.push_str(&crate::escape::excerpt(key))
            }
            _ => text.push('?'),
        }
    }
    text
}

/// serde's messages end with " at line 1 column 42"; one case is one line, so the field path
/// says more than the column does. Backticks become quotes, as people write them. The names
/// and values from the input that serde quotes are cut ([`crate::escape::excerpt`]).
pub fn clean_serde_message(msg: &str) -> String {
    let msg = match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(" column ") => &msg[..i],
        _ => msg,
    };
    cut_quoted(msg)
        .replace('`', "\"")
        .replace("f64", "a number")
        // Type names mean nothing to a script author; say what is expected in JSON terms.
        .replace(
            "struct SymptomInput",
            "a symptom object such as {\"id\": \"redness\"}",
        )
        .replace("struct CaseInput", "a case object")
}

/// A serde message with the names and values it quotes from the input cut: a name in
/// backticks, which serde does not escape, ends where serde's own words go on ("`, expected
/// ..."); a string value is written escaped, in double quotes.
fn cut_quoted(msg: &str) -> String {
    for prefix in ["unknown field `", "unknown variant `", "duplicate field `"] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let end = ["`, expected", "`, there are no"]
                .iter()
                .filter_map(|tail| rest.rfind(tail))
                .max()
                .or_else(|| rest.rfind('`'))
                .unwrap_or(rest.len());
            return format!(
                "{prefix}{}{}",
                crate::escape::excerpt(&rest[..end]),
                &rest[end..]
            );
        }
    }
    let mut out = String::with_capacity(msg.len().min(1024));
    let mut rest = msg;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        // The closing quote: the first not escaped by a backslash.
        let mut escaped = false;
        let close = rest.char_indices().find_map(|(i, c)| match c {
            '\\' => {
                escaped = !escaped;
                None
            }
            '"' if !escaped => Some(i),
            _ => {
                escaped = false;
                None
            }
        });
        let Some(close) = close else {
            out.push_str(&crate::escape::excerpt(rest));
            return out;
        };
        match crate::escape::excerpt(&rest[..close]) {
            std::borrow::Cow::Borrowed(whole) => out.push_str(whole),
            std::borrow::Cow::Owned(cut) => {
                // An escape cut in two (a lone `\`) would escape the closing quote.
                out.push_str(cut.trim_end_matches('…').trim_end_matches('\\'));
                out.push('…');
            }
        }
        out.push('"');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(json: &str) -> InputError {
        parse_json_case(json).expect_err(json)
    }

    #[test]
    fn broken_json_says_so_and_where_without_a_made_up_field() {
        let e = error(r#"{"days_since_treatment": 1, "symptoms": [],}"#);
        assert_eq!(e.field, "");
        assert_eq!(e.message, "not valid JSON: trailing comma at column 44");
        // Broken inside a field's value: that field is where it broke.
        let e = error(r#"{"days_since_treatment": 1, "symptoms": ["#);
        assert_eq!(e.field, "symptoms");
        assert!(
            e.message.starts_with("not valid JSON: EOF while parsing"),
            "{e}"
        );
        let e = error("{\n  \"days_since_treatment\": 1,\n  \"symptoms\": [}\n");
        assert_eq!(
            e.to_string(),
            "symptoms[0]: not valid JSON: expected value at line 3 column 16"
        );
        let e = error(r#"{"days_since_treatment": 1, "symptoms": [{"id": "pus",}]}"#);
        assert_eq!(e.field, "");
        assert!(
            e.message.starts_with("not valid JSON: trailing comma"),
            "{e}"
        );
        let e = error(r#"{"days_since_treatment": 1e400, "symptoms": []}"#);
        assert_eq!(e.field, "days_since_treatment");
    }

    #[test]
    fn a_severity_or_trend_of_the_wrong_type_is_named_with_its_value() {
        let case =
            |symptom: &str| format!(r#"{{"days_since_treatment": 1, "symptoms": [{symptom}]}}"#);
        let e = error(&case(r#"{"id": "redness", "severity": 2}"#));
        assert_eq!(e.field, "symptoms[0].severity");
        assert_eq!(e.message, "invalid type: integer \"2\", expected a string");
        let e = error(&case(r#"{"id": "redness", "trend": true}"#));
        assert_eq!(e.field, "symptoms[0].trend");
        assert!(e.message.contains("boolean \"true\""), "{e}");
        let e = error(&case(r#"{"id": "redness", "trend": {"improving": null}}"#));
        assert_eq!(e.field, "symptoms[0].trend");
        assert!(e.message.contains("map"), "{e}");
        // The codes themselves, and the message for an unknown one, are as before.
        let e = error(&case(r#"{"id": "redness", "severity": "bad"}"#));
        assert_eq!(
            e.message,
            "unknown variant \"bad\", expected one of \"mild\", \"moderate\", \"severe\""
        );
        let ok = parse_json_case(&case(
            r#"{"id": "redness", "severity": "severe", "trend": "worsening"}"#,
        ))
        .unwrap();
        assert_eq!(ok.symptoms[0].severity, Some(Severity::Severe));
        assert_eq!(ok.symptoms[0].trend, Some(Trend::Worsening));
        let e = error(&case(r#"{"id": "redness", "severity": null}"#));
        assert!(e.message.starts_with("null is not a value here"), "{e}");
    }

    #[test]
    fn names_and_values_quoted_from_the_input_are_cut() {
        let long = "a\\\"b".repeat(100);
        // A value with escaped quotes is cut inside its quotes, never leaving one open.
        let e = error(&format!(
            r#"{{"days_since_treatment": "{long}", "symptoms": []}}"#
        ));
        assert_eq!(e.field, "days_since_treatment");
        assert!(
            e.message.starts_with("invalid type: string \"a\\\"b"),
            "{e}"
        );
        assert!(e.message.ends_with("…\", expected a number"), "{e}");
        assert!(e.message.len() < 200, "{e}");
        // A name with backticks and quotes in it is cut as a whole.
        let name = "`, expected `x`".repeat(50);
        let e = error(&format!(
            r#"{{"days_since_treatment": 1, "symptoms": [], "{name}": 1}}"#
        ));
        assert!(
            e.field.ends_with('…') && e.field.chars().count() == 80,
            "{e}"
        );
        assert!(e.message.starts_with("unknown field \""), "{e}");
        assert!(e.message.contains("…\", expected one of"), "{e}");
        assert!(e.message.len() < 400, "{e}");
        // What fits is quoted whole.
        let e = error(r#"{"days_since_treatment": 1, "symptoms": [], "colour": 1}"#);
        assert_eq!(e.field, "colour");
        assert!(
            e.message.starts_with("unknown field \"colour\", expected"),
            "{e}"
        );
    }
}
