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
    /// Colour and width for `--format text`.
    pub style: output::text::Style,
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
    let mut answers = Answers::new(out, rules, opts);
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut first = true;
    let mut drained = false;
    loop {
        // Answer what has been read before the next read can wait for more input, so that a
        // program feeding one case at a time gets each answer at once; in a batch the buffer
        // runs dry once in many cases.
        if drained {
            answers.out.flush()?;
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
        if len <= MAX_LINE_BYTES && is_blank(&buf) {
            continue;
        }
        if first {
            first = false;
            // One case spread over several lines (pretty-printed JSON)?
            if len <= MAX_LINE_BYTES && starts_incomplete_document(&buf) {
                let first_line = std::mem::take(&mut buf);
                line_no = answer_document(reader, first_line, line_no, &mut answers)?;
                continue;
            }
        }
        answers.line(&buf, len, line_no)?;
    }
    let Answers {
        out, mut summary, ..
    } = answers;
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

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Whether the first line opens a JSON value that goes on past the line.
fn starts_incomplete_document(line: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(line).is_err_and(|e| e.is_eof())
}

/// The first line opens a JSON value that goes on: reads on, keeping the lines (at most
/// `MAX_LINE_BYTES` in all). If the input ends and the lines make one JSON value, that is
/// one case. Otherwise (a broken first line of a stream, a pretty-printed case followed by
/// more, a document too long) every line kept is answered on its own, as in any stream, so
/// that no case after a bad line is lost. Returns the number of the last line read.
fn answer_document<R: BufRead, W: Write>(
    reader: &mut R,
    first_line: Vec<u8>,
    first_no: usize,
    answers: &mut Answers<'_, W>,
) -> io::Result<usize> {
    let mut lines: Vec<(usize, Vec<u8>)> = vec![(first_no, first_line)];
    let mut kept = lines[0].1.len();
    let mut line_no = first_no;
    let mut overflow: Option<(Vec<u8>, usize)> = None;
    let mut buf = Vec::new();
    while let Some(LineRead { len, .. }) = read_line_bounded(reader, &mut buf, MAX_LINE_BYTES)? {
        line_no += 1;
        if kept + len + 1 > MAX_LINE_BYTES {
            // Too long for one case: what is kept and this line go line by line; the rest
            // of the input follows in the caller's loop.
            overflow = Some((std::mem::take(&mut buf), len));
            break;
        }
        kept += len + 1;
        lines.push((line_no, std::mem::take(&mut buf)));
    }
    if overflow.is_none() {
        let joined = lines
            .iter()
            .map(|(_, l)| l.as_slice())
            .collect::<Vec<_>>()
            .join(&b'\n');
        if serde_json::from_slice::<serde::de::IgnoredAny>(&joined).is_ok() {
            let parsed = std::str::from_utf8(&joined)
                .map_err(|e| {
                    InputError::new(
                        "",
                        format!(
                            "not UTF-8 text (invalid byte at offset {})",
                            e.valid_up_to()
                        ),
                    )
                })
                .and_then(parse_json_case);
            return answers.case(parsed, first_no, None).map(|()| line_no);
        }
    }
    // Too long to be one case: a stream whose first line is broken has whole cases on later
    // lines; a document that is only too long has none, and stays one error to the end.
    let has_whole_cases = lines[1..].iter().any(|(_, l)| {
        l.trim_ascii_start().starts_with(b"{")
            && serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok()
    });
    if overflow.is_some() && !has_whole_cases {
        while read_line_bounded(reader, &mut buf, 0)?.is_some() {
            line_no += 1;
        }
        let e = InputError::new(
            "",
            format!("the case is longer than {MAX_LINE_BYTES} bytes"),
        );
        return answers.case(Err(e), first_no, None).map(|()| line_no);
    }
    for (no, line) in &lines {
        if !is_blank(line) {
            answers.line(line, line.len(), *no)?;
        }
    }
    if let Some((line, len)) = overflow {
        if len > MAX_LINE_BYTES || !is_blank(&line) {
            answers.line(&line, len, line_no)?;
        }
    }
    Ok(line_no)
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

/// Where the answers go, and what the run has seen so far: the per-case path of `check`,
/// which every front door that answers JSON cases (a stream here, `serve` over HTTP) calls.
pub struct Answers<'a, W: Write> {
    out: &'a mut W,
    rules: &'a RuleSet,
    opts: &'a BatchOptions,
    summary: BatchSummary,
    /// Reused for every compact line.
    scratch: String,
}

impl<'a, W: Write> Answers<'a, W> {
    pub fn new(out: &'a mut W, rules: &'a RuleSet, opts: &'a BatchOptions) -> Self {
        Answers {
            out,
            rules,
            opts,
            summary: BatchSummary::default(),
            scratch: String::new(),
        }
    }

    /// What has been answered so far.
    pub fn summary(&self) -> &BatchSummary {
        &self.summary
    }

    /// Where the answers are written, for a caller that sends them on as they come.
    pub fn output(&mut self) -> &mut W {
        self.out
    }

    /// Answers one line of a stream (`len` is its full length, which may exceed `line`).
    pub fn line(&mut self, line: &[u8], len: usize, no: usize) -> io::Result<()> {
        let parsed = if len > MAX_LINE_BYTES {
            Err(InputError::new(
                "",
                format!("the line is {len} bytes long; the most is {MAX_LINE_BYTES}"),
            ))
        } else {
            match std::str::from_utf8(line) {
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
        let raw = (parsed.is_err() && len <= MAX_LINE_BYTES).then_some(line);
        self.case(parsed, no, raw)
    }

    /// Answers one case read from line `no` (or starting there).
    fn case(
        &mut self,
        parsed: Result<crate::input::CaseInput, InputError>,
        no: usize,
        raw: Option<&[u8]>,
    ) -> io::Result<()> {
        let (rules, opts) = (self.rules, self.opts);
        // A case that reads but does not resolve (an unknown symptom id) still has its id.
        // The rest of the input moves into the case rather than being copied.
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
        let out = &mut *self.out;
        let summary = &mut self.summary;
        match resolved {
            Ok(case) => {
                let t = triage(&case, rules);
                summary.cases += 1;
                summary.most_urgent = summary.most_urgent.max(Some(t.disposition));
                match opts.format {
                    Format::Json => {
                        output::json::write_assessment(out, &explain(&case, &t, rules))?
                    }
                    Format::Compact => {
                        output::json::write_compact(out, &case, &t, rules, &mut self.scratch)?
                    }
                    Format::Text => {
                        if summary.cases + summary.errors > 1 {
                            writeln!(out)?;
                        }
                        let report = output::text::report_styled(
                            &explain(&case, &t, rules),
                            rules,
                            opts.style,
                        );
                        out.write_all(report.as_bytes())?
                    }
                    Format::Disposition => writeln!(out, "{}", t.disposition)?,
                }
            }
            Err(e) => {
                summary.errors += 1;
                let id = case_id.or_else(|| raw.and_then(salvage_id));
                summary
                    .messages
                    .push(format!("{}: line {no}: {e}", opts.input_name));
                match opts.format {
                    Format::Json | Format::Compact => {
                        output::json::write_error(out, Some(no), id.as_deref(), &e, rules)?
                    }
                    // Keep one line out per case in: a script reading codes can still count.
                    Format::Disposition => writeln!(out, "error")?,
                    Format::Text => {}
                }
            }
        }
        Ok(())
    }
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
            style: output::text::Style::plain(),
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
    fn a_broken_first_line_fails_alone() {
        // An unfinished first line must not swallow the stream behind it (found in review:
        // it was read as the start of one pretty-printed case, to the end of the input).
        let mut input = String::from(r#"{"id": "a", "days_since_treatment": 1,"#);
        input.push('\n');
        for id in ["b", "c"] {
            input.push_str(&format!(
                r#"{{"id": "{id}", "days_since_treatment": 1, "symptoms": [{{"id": "fainting"}}]}}"#
            ));
            input.push('\n');
        }
        let out = run_json(&input);
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0]["line"], 1);
        assert!(out[0]["error"].is_object());
        for (r, id) in out[1..].iter().zip(["b", "c"]) {
            assert_eq!(r["id"], id);
            assert_eq!(r["disposition"], "call_emergency_now");
        }
    }

    #[test]
    fn a_broken_first_line_before_more_than_a_mebibyte_of_cases_loses_none() {
        let mut input = String::from(r#"{"id":"a","days_since_treatment":1,"symptoms":["#);
        input.push('\n');
        let case = r#"{"id":"x","days_since_treatment":1,"symptoms":[{"id":"fainting"}]}"#;
        for _ in 0..20_000 {
            input.push_str(case);
            input.push('\n');
        }
        assert!(input.len() > MAX_LINE_BYTES);
        let out = run_json(&input);
        assert_eq!(out.len(), 20_001);
        assert!(out[0]["error"].is_object());
        assert!(out[1..]
            .iter()
            .all(|r| r["disposition"] == "call_emergency_now"));
    }

    #[test]
    fn a_pretty_printed_case_is_one_case_and_one_followed_by_more_is_not_lost() {
        let pretty = "{\n  \"id\": \"p\",\n  \"days_since_treatment\": 1,\n  \"symptoms\": []\n}\n";
        let out = run_json(pretty);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0]["disposition"], "home_care");
        // Followed by a one-line case: not one JSON value, so each line answers alone and
        // the last case is still answered.
        let input = format!(
            "{pretty}{}\n",
            r#"{"id": "q", "days_since_treatment": 1, "symptoms": [{"id": "fever"}]}"#
        );
        let out = run_json(&input);
        let last = out.last().unwrap();
        assert_eq!(last["id"], "q");
        assert_eq!(last["disposition"], "see_today");
        assert!(out[..out.len() - 1].iter().all(|r| r["error"].is_object()));
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
