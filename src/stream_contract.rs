//! What a stream promises, stated once so that the fuzz target and the property tests check
//! the same thing: every non-blank input line gets exactly one record, in order, whatever
//! came before it (a line too long counts, even when blank; a case pretty-printed over
//! several lines counts once, at its first line). An input with no line to answer gets one
//! error record.
//!
//! This is a plain restatement over the whole input held in memory, not the streaming reader
//! itself: it splits the input at every newline and follows the same rules.

use crate::batch::MAX_LINE_BYTES;
use aftercare_core::pretty_case::{PrettyCase, Step};

/// The line number each record names, in order: one per non-blank line, a pretty-printed
/// case once at its first line.
pub fn expected_records(input: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut seen_case = false;
    let mut open: Option<PrettyCase> = None;
    let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    for (i, raw) in lines.into_iter().enumerate() {
        let no = i + 1;
        let mut line = raw;
        if line.len() <= MAX_LINE_BYTES {
            line = line.strip_suffix(b"\r").unwrap_or(line);
        }
        let too_long = line.len() > MAX_LINE_BYTES;
        if !seen_case {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if let Some(case) = &mut open {
            let step = if too_long {
                Step::Broken
            } else {
                case.feed(line)
            };
            match step {
                Step::Open => continue,
                Step::Closed => {
                    open = None;
                    continue;
                }
                Step::Broken => open = None,
            }
        }
        if !too_long && line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        seen_case = true;
        starts.push(no);
        if !too_long && PrettyCase::opens(line) {
            open = Some(PrettyCase::new());
        }
    }
    starts
}

/// Checks JSON Lines output (`--format json` or `compact`) against the input: one record per
/// expected line, in order, each an answer or an error record naming its line.
pub fn check_json_records(input: &[u8], output: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(output).map_err(|e| format!("output is not UTF-8: {e}"))?;
    let expected = expected_records(input);
    let records: Vec<serde_json::Value> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| format!("output line {} is not JSON: {e}", i + 1))
        })
        .collect::<Result<_, _>>()?;
    if expected.is_empty() {
        let only_error = records.len() == 1
            && records[0].get("error").is_some()
            && records[0].get("line").is_none();
        return if only_error {
            Ok(())
        } else {
            Err(format!(
                "an input with no case gives one error record, not {}",
                records.len()
            ))
        };
    }
    if records.len() != expected.len() {
        return Err(format!(
            "{} records for {} lines to answer",
            records.len(),
            expected.len()
        ));
    }
    for (r, &no) in records.iter().zip(&expected) {
        if r.get("error").is_some() {
            if r.get("line").and_then(serde_json::Value::as_u64) != Some(no as u64) {
                return Err(format!("error record {r} is in the place of line {no}"));
            }
        } else if r.get("disposition").is_none() {
            return Err(format!("record {r} is neither an answer nor an error"));
        }
    }
    Ok(())
}

/// Checks `--format disposition` output: one line per expected line (none for an input with
/// no case), each a disposition code or `error`.
pub fn check_disposition_lines(input: &[u8], output: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(output).map_err(|e| format!("output is not UTF-8: {e}"))?;
    let expected = expected_records(input).len();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() != expected {
        return Err(format!(
            "{} lines for {expected} lines to answer",
            lines.len()
        ));
    }
    match lines
        .iter()
        .find(|l| **l != "error" && l.parse::<aftercare_core::Disposition>().is_err())
    {
        Some(l) => Err(format!("{l:?} is not a disposition")),
        None => Ok(()),
    }
}

/// Checks `--format fhir` output: one resource per expected line, in order, a `Bundle` for an
/// answer and an `OperationOutcome` for a line not read (one for an input with no case).
pub fn check_fhir_records(input: &[u8], output: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(output).map_err(|e| format!("output is not UTF-8: {e}"))?;
    let expected = expected_records(input).len().max(1);
    let mut count = 0;
    for (i, l) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(l)
            .map_err(|e| format!("output line {} is not JSON: {e}", i + 1))?;
        if v["resourceType"] != "Bundle" && v["resourceType"] != "OperationOutcome" {
            return Err(format!(
                "output line {} is neither a Bundle nor an OperationOutcome",
                i + 1
            ));
        }
        count += 1;
    }
    if count != expected {
        return Err(format!("{count} resources for {expected} lines to answer"));
    }
    Ok(())
}

/// Runs `input` as a stream with `rules` and `opts` and checks everything the stream
/// promises: the records above for the format, one message line per bad line (none of them
/// holding a control character), and an answer or an error for any input.
pub fn check_run(
    input: &[u8],
    rules: &aftercare_core::RuleSet,
    opts: &crate::batch::BatchOptions,
) -> Result<crate::batch::BatchSummary, String> {
    use crate::output::Format;
    let mut out = Vec::new();
    let mut messages = Vec::new();
    let summary =
        crate::batch::run_reporting(&mut &input[..], &mut out, &mut messages, rules, opts)
            .map_err(|e| format!("memory I/O failed: {e}"))?;
    if summary.cases + summary.errors == 0 {
        return Err("no answer and no error".into());
    }
    // Every refusal is counted once: by its at_least, or as a case not known.
    if summary.unknown > summary.errors {
        return Err(format!(
            "{} cases not known among {} errors",
            summary.unknown, summary.errors
        ));
    }
    let messages = String::from_utf8(messages).map_err(|e| format!("messages: {e}"))?;
    if messages.lines().count() != summary.errors {
        return Err(format!(
            "{} message lines for {} errors",
            messages.lines().count(),
            summary.errors
        ));
    }
    if let Some(c) = messages
        .chars()
        .find(|&c| c != '\n' && aftercare_core::escape::is_unsafe(c))
    {
        return Err(format!("a message holds the raw character {c:?}"));
    }
    match opts.format {
        Format::Json | Format::Compact => check_json_records(input, &out)?,
        Format::Disposition => check_disposition_lines(input, &out)?,
        Format::Fhir => check_fhir_records(input, &out)?,
        Format::Text => {
            std::str::from_utf8(&out).map_err(|e| format!("output is not UTF-8: {e}"))?;
        }
    }
    Ok(summary)
}
