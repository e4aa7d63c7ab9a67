//! What must hold for any input to the three text entry points other than the stream (a JSON
//! case, a rule file, a typed or sent date), written once: the fuzz targets in `fuzz/` and the
//! property tests in `tests/aftercare/fuzz_props.rs` both call these, so that the two cannot
//! drift apart. The stream's own promise is in [`crate::stream_contract`].
//!
//! Each returns `Err` with what was broken rather than panicking, so that a caller can say
//! which input broke it; a panic inside the tool itself still fails the caller.

use chrono::{DateTime, FixedOffset};

use crate::output::rules_table;
use crate::output::text::{report_styled, Style};
use aftercare_core::evaluate::assess;
use aftercare_core::examples::run_examples;
use aftercare_core::input::parse_json_case;
use aftercare_core::refusal::readable_floor;
use aftercare_core::rules::RuleSet;
use aftercare_core::when::{days_between, parse_timestamp, parse_typed};
use aftercare_core::{lint, trace};

fn holds(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what())
    }
}

/// One JSON case: parsed, resolved against `rules` with `now`, triaged and written. A refusal
/// says what is wrong and has a floor ([`aftercare_core::refusal`]); an answer is the most urgent
/// finding, never below a reported warning sign or a repeat contact, equal to the floor of
/// its text (all of it could be read), and writes as JSON and as text.
pub fn check_case_text(
    text: &str,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Result<(), String> {
    let floor = readable_floor(text.as_bytes(), rules, now).unwrap_or_default();
    let input = match parse_json_case(text) {
        Ok(input) => input,
        Err(e) => {
            return holds(!e.message.is_empty(), || {
                "an input error says nothing".into()
            })
        }
    };
    let case = match input.resolve(rules, now) {
        Ok(case) => case,
        Err(e) => return holds(!e.message.is_empty(), || "a case error says nothing".into()),
    };
    let a = assess(&case, rules);
    holds(floor == a.disposition, || {
        format!(
            "the floor {floor} of a case that reads whole is not its answer {}",
            a.disposition
        )
    })?;
    let most = a
        .findings
        .iter()
        .map(|f| f.disposition)
        .max()
        .unwrap_or_default();
    holds(a.disposition == most, || {
        format!(
            "the answer {} is not the most urgent finding {most}",
            a.disposition
        )
    })?;
    for s in &case.symptoms {
        if let Some(w) = rules.warning_sign(&s.id) {
            holds(a.disposition >= w.disposition, || {
                format!(
                    "{} under-triaged: {} below {}",
                    s.id, a.disposition, w.disposition
                )
            })?;
        }
    }
    if case.repeat_contact {
        holds(a.disposition >= rules.repeat_contact.disposition, || {
            format!("a repeat contact under-triaged: {}", a.disposition)
        })?;
    }
    let json =
        serde_json::to_string(&a).map_err(|e| format!("the answer does not serialize: {e}"))?;
    serde_json::from_str::<serde_json::Value>(&json)
        .map_err(|e| format!("the answer's JSON does not read back: {e}"))?;
    let _ = report_styled(&a, rules, Style::plain());
    Ok(())
}

/// Rule-file text, named `origin`: refused with errors that each name the file on one line
/// (unless the message itself quotes a line end), or loaded, its examples run, linted against
/// `reference`, traced and listed.
pub fn check_rule_text(text: &str, origin: &str, reference: &RuleSet) -> Result<(), String> {
    match RuleSet::parse(text, origin) {
        Err(errors) => {
            holds(!errors.0.is_empty(), || "refused without an error".into())?;
            for e in &errors.0 {
                let line = e.to_string();
                holds(line.starts_with(origin), || {
                    format!("an error does not name the file: {line}")
                })?;
                holds(!line.contains('\n') || e.message.contains('\n'), || {
                    format!("an error is not one line: {line}")
                })?;
            }
            Ok(())
        }
        Ok(rules) => {
            let report = run_examples(&rules);
            holds(report.run == rules.examples.len(), || {
                format!("{} of {} examples run", report.run, rules.examples.len())
            })?;
            let _ = lint::lint(&rules, Some(reference), Some(&report));
            let t = trace::trace(&rules, &report, &[]);
            holds(t.rules.len() == rules.rules().len(), || {
                format!(
                    "the trace has {} of {} rules",
                    t.rules.len(),
                    rules.rules().len()
                )
            })?;
            let _ = rules_table::render(&rules, Style::plain());
            Ok(())
        }
    }
}

/// A date as a script sends it or as a person types it, against `now`: a timestamp gives a
/// finite time since; a typed date is never after now, or is refused with a reason.
pub fn check_date_text(text: &str, now: DateTime<FixedOffset>) -> Result<(), String> {
    if let Ok(t) = parse_timestamp(text, now.offset()) {
        holds(days_between(t, now).is_finite(), || {
            format!("{text:?} gives no finite time since")
        })?;
    }
    match parse_typed(text, now) {
        Ok(t) => {
            holds(t <= now, || format!("{text:?} gave {t}, after now {now}"))?;
            holds(days_between(t, now) >= 0.0, || {
                format!("{text:?} gave a negative time since")
            })
        }
        Err(message) => holds(!message.is_empty(), || {
            format!("{text:?} was refused without a reason")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T09:00:00+01:00").unwrap()
    }

    #[test]
    fn a_sound_case_a_refused_case_and_a_refused_rule_file_all_keep_the_contract() {
        let rules = crate::built_in_rules_for_tests();
        let case = r#"{"days_since_treatment": 2, "symptoms": [{"id": "fever"}]}"#;
        assert_eq!(check_case_text(case, rules, now()), Ok(()));
        assert_eq!(check_case_text("{", rules, now()), Ok(()));
        assert_eq!(check_rule_text("not toml [", "x.toml", rules), Ok(()));
        assert_eq!(check_date_text("3 days ago", now()), Ok(()));
        assert_eq!(check_date_text("tomorrow", now()), Ok(()));
    }
}
