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

/// serde_json's formatting (`F`), with every unsafe character of a string
/// ([`aftercare_core::unsafe_chars::is_unsafe`]: C1 controls, DEL, bidi controls, invisible ones)
/// written as `\uXXXX` too: serde_json escapes only C0 and the quote and backslash. The
/// JSON means the same; a terminal or a log viewer that shows it raw cannot be turned.
pub struct Safe<F>(pub F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Almost every byte is printable ASCII, which holds no unsafe character (serde_json
        // escapes the C0 controls before a fragment gets here): only DEL and the characters
        // beyond ASCII are decoded and asked about.
        let bytes = fragment.as_bytes();
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            if bytes[i] < 0x7f {
                i += 1;
                continue;
            }
            let Some(c) = fragment[i..].chars().next() else {
                break;
            };
            let end = i + c.len_utf8();
            if aftercare_core::unsafe_chars::is_unsafe(c) {
                w.write_all(&bytes[start..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(w, "\\u{unit:04x}")?;
                }
                start = end;
            }
            i = end;
        }
        w.write_all(&bytes[start..])
    }
    // The layout is `F`'s (pretty or compact): every method that lays out, handed on.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// As `serde_json::to_writer`, with [`Safe`] strings.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(w: W, value: &T) -> serde_json::Result<()> {
    let mut ser =
        serde_json::Serializer::with_formatter(w, Safe(serde_json::ser::CompactFormatter));
    value.serialize(&mut ser)
}

/// As `serde_json::to_vec`, with [`Safe`] strings.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    to_writer(&mut out, value)?;
    Ok(out)
}

/// As `serde_json::to_string`, with [`Safe`] strings.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    // Only UTF-8 is written (escapes are ASCII).
    to_vec(value).map(|v| String::from_utf8(v).unwrap_or_default())
}

/// As `serde_json::to_vec_pretty`, with [`Safe`] strings.
pub fn to_vec_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        Safe(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser)?;
    Ok(out)
}

/// As `serde_json::to_string_pretty`, with [`Safe`] strings.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    to_vec_pretty(value).map(|v| String::from_utf8(v).unwrap_or_default())
}

pub fn write_assessment<W: Write>(out: &mut W, a: &Assessment) -> io::Result<()> {
    to_writer(&mut *out, a)?;
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
        // The escaping of every other JSON written, for anything unusual.
        s.push_str(&to_string(value).unwrap_or_default());
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
    to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaped form of `c` as JSON writes it: serde_json's own escape for `"`, `\` and
    /// the C0 controls, `\u` units for the other unsafe characters, `c` itself otherwise.
    fn expected(c: char) -> String {
        if c == '"' || c == '\\' || u32::from(c) < 0x20 {
            return serde_json::to_string(&c.to_string()).unwrap_or_default();
        }
        if aftercare_core::unsafe_chars::is_unsafe(c) {
            let mut units = [0u16; 2];
            let escaped: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("\\u{u:04x}"))
                .collect();
            return format!("\"{escaped}\"");
        }
        format!("\"{c}\"")
    }

    #[test]
    fn every_unsafe_character_is_escaped_wherever_it_stands_and_no_other() {
        let planes = (0..0x3100)
            .chain(0xfe00..0x1_0000)
            .chain(0x1_f300..0x1_f400);
        for c in planes.filter_map(char::from_u32) {
            let one = expected(c);
            let inner = &one[1..one.len() - 1];
            // Alone, after plain ASCII, and after text beyond ASCII.
            for (before, after) in [("", ""), ("Call now ", " x"), ("— é ", "発")] {
                let text = format!("{before}{c}{after}");
                assert_eq!(
                    to_string(&text).unwrap(),
                    format!("\"{before}{inner}{after}\""),
                    "U+{:04X}",
                    u32::from(c)
                );
            }
        }
    }
}
