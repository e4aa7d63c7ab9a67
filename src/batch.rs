//! `aftercare check --input`: one case, or a JSON Lines stream of cases, in one process.
//!
//! The input is read line by line with a bounded buffer, never whole, so memory stays flat
//! however many cases come. A line that cannot be read gives an error record for that line
//! and the rest go on.

use std::io::{self, BufRead, Write};

use chrono::{DateTime, FixedOffset};

use crate::evaluate::{explain, triage};
use crate::input::{parse_json_case, InputError};
use crate::model::Disposition;
use crate::output::{self, Format};
use crate::rules::RuleSet;

/// The longest line (or single document) read, in bytes. Longer ones are an input error.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

pub struct BatchOptions {
    pub format: Format,
    /// Stands in for a case's missing `assessed_at`.
    pub now: DateTime<FixedOffset>,
    /// Names the input in messages ("cases.jsonl", "standard input").
    pub input_name: String,
    pub color: bool,
}

/// What a run did, for the exit code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSummary {
    pub cases: usize,
    pub errors: usize,
    /// The most urgent disposition of all cases answered.
    pub most_urgent: Option<Disposition>,
    /// A one-line message for each bad line, for standard error.
    pub messages: Vec<String>,
}

/// A line read by [`read_line_bounded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRead {
    /// The full length of the line, which is more than was kept when it was too long.
    pub len: usize,
    /// Whether the line used up all the reader had buffered, so that the next read may wait
    /// for more input.
    pub drained: bool,
}

/// Reads one line into `buf` (without its end), keeping at most `max` bytes. Returns
/// `None` at the end of input; `len` is more than `buf.len()` when the line was too long and
/// its tail was skipped.
pub fn read_line_bounded<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<LineRead>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    let mut drained = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        let room = max.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        total += chunk.len();
        let used = done.unwrap_or(chunk.len());
        drained = used == available.len();
        reader.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') && total <= max {
        buf.pop();
        total -= 1;
    }
    Ok(Some(LineRead {
        len: total,
        drained,
    }))
}

/// Runs every case of `reader`, writing one result per case to `out`.
pub fn run<R: BufRead, W: Write>(
    reader: &mut R,
    out: &mut W,
    rules: &RuleSet,
    opts: &BatchOptions,
) -> io::Result<BatchSummary> {
    let mut summary = BatchSummary::default();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut first = true;
    let mut scratch = String::new();
    let mut drained = false;
    loop {
        // Answer what has been read before the next read can wait for more input, so that a
        // program feeding one case at a time gets each answer at once; in a batch the buffer
        // runs dry once in many cases.
        if drained {
            out.flush()?;
        }
        let Some(LineRead { len, drained: dry }) =
            read_line_bounded(reader, &mut buf, MAX_LINE_BYTES)?
        else {
            break;
        };
        drained = dry;
        line_no += 1;
        if first && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        if len <= MAX_LINE_BYTES && buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if first {
            first = false;
            // One case spread over several lines (pretty-printed JSON): read it as one document.
            if len <= MAX_LINE_BYTES && starts_incomplete_document(&buf) {
                let start_line = line_no;
                let (text, lines) = read_rest_of_document(reader, &mut buf)?;
                line_no += lines;
                let result = match text {
                    Ok(text) => parse_json_case(&text),
                    Err(e) => Err(e),
                };
                answer(
                    result,
                    start_line,
                    None,
                    out,
                    rules,
                    opts,
                    &mut summary,
                    &mut scratch,
                )?;
                continue;
            }
        }
        let result = if len > MAX_LINE_BYTES {
            Err(InputError::new(
                "",
                format!("the line is {len} bytes long; the most is {MAX_LINE_BYTES}"),
            ))
        } else {
            match std::str::from_utf8(&buf) {
                Ok(text) => parse_json_case(text),
                Err(e) => Err(InputError::new(
                    "",
                    format!(
                        "not UTF-8 text (invalid byte at column {})",
                        e.valid_up_to() + 1
                    ),
                )),
            }
        };
        let raw = (result.is_err() && len <= MAX_LINE_BYTES).then_some(&buf[..]);
        answer(
            result,
            line_no,
            raw,
            out,
            rules,
            opts,
            &mut summary,
            &mut scratch,
        )?;
    }
    if summary.cases == 0 && summary.errors == 0 {
        let message = format!("{}: empty input: expected a JSON case", opts.input_name);
        summary.errors = 1;
        if matches!(opts.format, Format::Json | Format::Compact) {
            output::json::write_error(
                out,
                None,
                None,
                &InputError::new("", "empty input: expected a JSON case"),
                rules,
            )?;
        }
        summary.messages.push(message);
    }
    out.flush()?;
    Ok(summary)
}

/// Whether the first line opens a JSON value that goes on past the line.
fn starts_incomplete_document(line: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(line).is_err_and(|e| e.is_eof())
}

/// Reads the remaining lines of a multi-line document (bounded), after the first in `buf`.
fn read_rest_of_document<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> io::Result<(Result<String, InputError>, usize)> {
    let mut doc = std::mem::take(buf);
    doc.push(b'\n');
    let mut lines = 0;
    let mut too_long = false;
    loop {
        let room = MAX_LINE_BYTES.saturating_sub(doc.len()).max(1);
        let Some(LineRead { len, .. }) = read_line_bounded(reader, buf, room)? else {
            break;
        };
        lines += 1;
        if len > room || doc.len() + len > MAX_LINE_BYTES {
            too_long = true;
            continue;
        }
        doc.extend_from_slice(buf);
        doc.push(b'\n');
    }
    if too_long {
        return Ok((
            Err(InputError::new(
                "",
                format!("the case is longer than {MAX_LINE_BYTES} bytes"),
            )),
            lines,
        ));
    }
    Ok((
        String::from_utf8(doc).map_err(|e| {
            InputError::new(
                "",
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        }),
        lines,
    ))
}

/// The case id of a line that failed, if it can be read at all, so the error record can be
/// matched to its case.
fn salvage_id(raw: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: Option<String>,
    }
    serde_json::from_slice::<IdOnly>(raw)
        .ok()
        .and_then(|c| c.id)
        .filter(|id| id.len() <= crate::input::MAX_ID_LEN)
}

#[allow(clippy::too_many_arguments)]
fn answer<W: Write>(
    parsed: Result<crate::input::CaseInput, InputError>,
    line: usize,
    raw: Option<&[u8]>,
    out: &mut W,
    rules: &RuleSet,
    opts: &BatchOptions,
    summary: &mut BatchSummary,
    scratch: &mut String,
) -> io::Result<()> {
    // A case that reads but does not resolve (an unknown symptom id) still has its id. The
    // rest of the input moves into the case rather than being copied.
    let (resolved, case_id) = match parsed {
        Ok(input) => {
            let id = input.id.clone();
            match input.into_case(rules, opts.now) {
                Ok(case) => (Ok(case), None),
                Err(e) => (Err(e), id.filter(|id| id.len() <= crate::input::MAX_ID_LEN)),
            }
        }
        Err(e) => (Err(e), None),
    };
    match resolved {
        Ok(case) => {
            let t = triage(&case, rules);
            summary.cases += 1;
            summary.most_urgent = summary.most_urgent.max(Some(t.disposition));
            match opts.format {
                Format::Json => output::json::write_assessment(out, &explain(&case, &t, rules))?,
                Format::Compact => output::json::write_compact(out, &case, &t, rules, scratch)?,
                Format::Text => {
                    if summary.cases + summary.errors > 1 {
                        writeln!(out)?;
                    }
                    out.write_all(
                        output::text::report(&explain(&case, &t, rules), rules, opts.color)
                            .as_bytes(),
                    )?
                }
                Format::Disposition => writeln!(out, "{}", t.disposition)?,
            }
        }
        Err(e) => {
            summary.errors += 1;
            let id = case_id.or_else(|| raw.and_then(salvage_id));
            summary
                .messages
                .push(format!("{}: line {line}: {e}", opts.input_name));
            match opts.format {
                Format::Json | Format::Compact => {
                    output::json::write_error(out, Some(line), id.as_deref(), &e, rules)?
                }
                // Keep one line out per line in: a script reading codes can still count.
                Format::Disposition => writeln!(out, "error")?,
                Format::Text => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_json(input: &str) -> Vec<serde_json::Value> {
        let rules = RuleSet::built_in();
        let opts = BatchOptions {
            format: Format::Json,
            now: DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap(),
            input_name: "test".into(),
            color: false,
        };
        let mut out = Vec::new();
        run(&mut input.as_bytes(), &mut out, &rules, &opts).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn an_error_record_keeps_the_case_id_whatever_the_error() {
        let out = run_json(concat!(
            r#"{"id": "a", "days_since_treatment": 1, "symptoms": [{"id": "rednes"}]}"#,
            "\n",
            r#"{"id": "b", "days_since_treatment": -1, "symptoms": []}"#,
            "\n",
            r#"{"id": "c", "days_since_treatment": 1, "symptons": []}"#,
            "\n",
        ));
        let ids: Vec<&serde_json::Value> = out.iter().map(|r| &r["id"]).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(out[0]["error"]["field"], "symptoms[0].id");
        assert_eq!(out[1]["line"], 2);
    }
}
