//! The nurse's note for the chart, in SBAR form (Situation, Background, Assessment,
//! Recommendation): plain text, no colour, ready to paste.

use super::nurse::risk_factor_name;
use super::{label, Outcome, SignState, Started, TrendAnswer};
use crate::output::text::{capitalise, wrap};
use aftercare_core::day_words::{self, day_number};
use aftercare_core::model::{Disposition, FindingKind};
use aftercare_core::rules::RuleSet;

/// "Call from 09:00:00 to 09:04:12 +00:00.": the times as recorded, the end with its date
/// when the call ran past midnight. `None` for a call without times (an older record).
fn call_times(call: &super::nurse::CallDetails) -> Option<String> {
    let start = chrono::DateTime::parse_from_rfc3339(&call.started_at).ok()?;
    let end = chrono::DateTime::parse_from_rfc3339(&call.ended_at).ok()?;
    let end_words = if end.date_naive() == start.date_naive() {
        end.format("%H:%M:%S %:z")
    } else {
        end.format("%Y-%m-%d %H:%M:%S %:z")
    };
    Some(format!(
        "Call from {} to {end_words}.",
        start.format("%H:%M:%S")
    ))
}

/// The note for a finished call, wrapped at `width` columns.
pub fn render(o: &Outcome, rules: &RuleSet, width: usize) -> String {
    let width = width.max(40);
    let a = &o.answers;
    let day = o.case.days_since_treatment;
    let mut out = String::new();
    let line = |out: &mut String, text: &str| out.push_str(&wrap(text, width, "   ", "     "));

    out.push_str(&wrap(
        &format!(
            "SBAR: call about micro-needling aftercare, {}",
            o.assessed_at.format("%Y-%m-%d %H:%M %:z")
        ),
        width,
        "",
        "  ",
    ));
    let call = o.call.clone().unwrap_or_default();
    if let Some(times) = call_times(&call) {
        out.push_str(&wrap(&times, width, "", "  "));
    }
    if !call.nurse.is_empty() {
        out.push_str(&wrap(&format!("Nurse: {}.", call.nurse), width, "", "  "));
    }
    if let Some(how) = &call.stopped {
        out.push_str(&wrap(
            &if call.before_instruction {
                format!(
                    "CALL STOPPED ({how}) before any disposition was given: only what was \
                     asked before the stop is below, and the caller was told none."
                )
            } else {
                format!(
                    "CALL STOPPED ({how}) after the instruction was given: only what was \
                     asked before the stop is below."
                )
            },
            width,
            "",
            "  ",
        ));
    }

    // Situation: who called, the day, what the caller reports, and the outcome.
    out.push_str("\nS  Situation\n");
    if let Some(id) = &call.from_checkin {
        let sent = call
            .checkin_sent_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            // On the call's clock, as the note's other times are.
            .map(|t| t.with_timezone(o.assessed_at.offset()))
            .map_or(String::new(), |t| {
                format!(", sent {}", t.format("%Y-%m-%d %H:%M %:z"))
            });
        let gave = call.checkin_disposition.map_or(String::new(), |d| {
            format!(
                ", which gave {} ({})",
                rules.disposition_text(d).label.to_lowercase(),
                d.code()
            )
        });
        line(
            &mut out,
            &format!("Callback on web check-in {id}{sent}{gave}."),
        );
    }
    if !call.caller_name.is_empty() {
        let mut who = format!("Caller: {}", call.caller_name);
        if call.caller == "someone else" {
            who.push_str(" (calling for the patient)");
        } else if !call.caller.is_empty() {
            who.push_str(&format!(" ({})", call.caller));
        }
        if !call.callback.is_empty() {
            who.push_str(&format!(", callback {}", call.callback));
        }
        who.push('.');
        line(&mut out, &who);
    }
    if !call.patient_name.is_empty() || !call.patient_birth_date.is_empty() {
        let name = match (call.patient_name.as_str(), call.caller.as_str()) {
            ("", "patient") => "the caller",
            ("", _) => "name not given",
            (name, _) => name,
        };
        let born = if call.patient_birth_date.is_empty() {
            String::new()
        } else {
            format!(", born {}", call.patient_birth_date)
        };
        line(&mut out, &format!("Patient: {name}{born}."));
    }
    if !call.complaint.is_empty() {
        line(
            &mut out,
            &format!("In the caller's words: \"{}\".", call.complaint),
        );
    }
    line(
        &mut out,
        &match &a.treatment {
            Some(t) if t.time_given => format!(
                "Day {} after micro-needling ({}; treatment {}).",
                day_number(day.floor()),
                day_words::since_the_treatment(day),
                t.at.format("%Y-%m-%d %H:%M")
            ),
            // Hours counted from the start of the day would be more than the answer says.
            Some(t) => format!(
                "Day {} after micro-needling (treatment {}, time not given).",
                day_number(day.floor()),
                t.at.format("%Y-%m-%d")
            ),
            None => "Micro-needling; treatment date not asked.".to_string(),
        },
    );
    let mut reports: Vec<String> = a.positive_signs().map(|id| label(rules, id)).collect();
    for s in &a.symptoms {
        let name = match &s.description {
            Some(d) => format!("{} (\"{d}\")", label(rules, &s.id)),
            None => label(rules, &s.id),
        };
        reports.push(format!(
            "{name}: {}, {}, {}",
            s.severity.code(),
            trend_words(s.trend),
            started_words(s.started)
        ));
    }
    line(
        &mut out,
        &if reports.is_empty() {
            "Reports: no symptoms.".to_string()
        } else {
            format!("Reports: {}.", reports.join("; "))
        },
    );
    if !call.checkin_details_kept.is_empty() {
        let names: Vec<String> = call
            .checkin_details_kept
            .iter()
            .map(|id| label(rules, id).to_lowercase())
            .collect();
        line(
            &mut out,
            &format!(
                "Details as sent in the check-in, confirmed as still right: {}.",
                names.join(", ")
            ),
        );
    }
    if let Some(stop) = &o.stopped_at {
        line(
            &mut out,
            &format!(
                "Danger sign positive: {}. Questions stopped at the first positive.",
                label(rules, stop)
            ),
        );
    }

    // Background: what the record holds about the person and the treatment.
    out.push_str("\nB  Background\n");
    match &a.background {
        Some(b) => {
            let list = |v: &[String]| {
                if v.is_empty() {
                    "not recorded".to_string()
                } else {
                    v.join(", ")
                }
            };
            line(
                &mut out,
                &format!(
                    "Treated areas: {}. Products: {}. Numbing products: {}. Session: {}. Allergies: {}.",
                    list(&b.treated_areas),
                    list(&b.products),
                    b.numbing_products,
                    b.session,
                    b.allergies
                ),
            );
        }
        None if o.stopped_at.is_some() => line(
            &mut out,
            "Not taken: the call went straight to the disposition after a danger sign.",
        ),
        None => line(&mut out, "Not taken: the call stopped first."),
    }
    // Each risk factor once, with the one answer it was given: the note cannot both name
    // one and deny it.
    if !a.risk_factors.is_empty() {
        let of = |state: SignState| -> Vec<String> {
            a.risk_factors
                .iter()
                .filter(|r| r.answer == state)
                .map(|r| risk_factor_name(rules, &r.id))
                .collect()
        };
        let mut parts = vec![{
            let yes = of(SignState::Yes);
            if yes.is_empty() {
                "none".to_string()
            } else {
                yes.join(", ")
            }
        }];
        for (state, words) in [
            (SignState::No, "denies"),
            (SignState::NotKnown, "not known"),
        ] {
            let these = of(state);
            if !these.is_empty() {
                parts.push(format!("{words}: {}", these.join(", ")));
            }
        }
        line(&mut out, &format!("Risk factors: {}.", parts.join("; ")));
    }
    if let Some(r) = a.repeat_contact {
        line(
            &mut out,
            &format!(
                "Repeat call or very worried: {}.",
                if r { "yes" } else { "no" }
            ),
        );
    }

    // Assessment: each finding against its window, then every sign asked with its answer.
    out.push_str("\nA  Assessment\n");
    if o.assessment.findings.is_empty() {
        line(
            &mut out,
            "No symptoms: nothing to assess against the windows.",
        );
    }
    for f in &o.assessment.findings {
        let what = match (f.kind, &f.symptom) {
            (FindingKind::ExpectedReaction, Some(id)) => {
                let r = rules.reaction(id);
                let window = r.map_or(String::new(), |r| {
                    let place = if day <= r.normal_until {
                        "in window"
                    } else if day <= r.ok_if_improving_until {
                        "past the usual window, within the improving window"
                    } else {
                        "out of window"
                    };
                    let improving = if r.ok_if_improving_until > r.normal_until {
                        format!(
                            ", normal if improving {}",
                            day_words::until_for_nurse(r.ok_if_improving_until)
                        )
                    } else {
                        String::new()
                    };
                    format!(
                        " {place} (normal {}{improving})",
                        day_words::until_for_nurse(r.normal_until)
                    )
                });
                format!("{}:{window}", label(rules, id))
            }
            (FindingKind::WarningSign, Some(id)) => format!("{}: warning sign", label(rules, id)),
            (FindingKind::Other, Some(_)) => {
                "Something else, in the person's own words (not interpreted)".to_string()
            }
            (FindingKind::Cluster, Some(ids)) => format!(
                "{}: several strong reactions at once",
                ids.split('+')
                    .map(|s| label(rules, s))
                    .collect::<Vec<_>>()
                    .join(" with ")
            ),
            (FindingKind::Combination, Some(ids)) => format!(
                "{}: combination",
                ids.split('+')
                    .map(|s| label(rules, s))
                    .collect::<Vec<_>>()
                    .join(" with ")
            ),
            _ => "Repeat contact".to_string(),
        };
        out.push_str(&wrap(
            &format!(
                "{what}: {}. {} [{}].",
                rules.disposition_text(f.disposition).label.to_lowercase(),
                capitalise(&f.reason),
                f.rule
            ),
            width,
            "   - ",
            "     ",
        ));
    }
    // Every sign asked, with its answer: the positives, the pertinent negatives, and those
    // left unasked because the questions stopped at a danger sign, or because the nurse
    // stopped the call before them (then they are not in the answers at all).
    let stopped_first = call.stopped.is_some() && o.stopped_at.is_none();
    for (title, danger) in [("Danger signs", true), ("Same-day signs", false)] {
        let group: Vec<_> = a
            .signs
            .iter()
            .filter(|s| {
                rules
                    .warning_sign(&s.id)
                    .is_some_and(|w| (w.disposition >= Disposition::GoToEdNow) == danger)
            })
            .collect();
        if group.is_empty() {
            if stopped_first {
                line(
                    &mut out,
                    &format!("{title}: not asked (the call stopped first)."),
                );
            }
            continue;
        }
        let names = |state: SignState| -> Vec<String> {
            group
                .iter()
                .filter(|s| s.answer == state)
                .map(|s| label(rules, &s.id).to_lowercase())
                .collect()
        };
        let (yes, no, not_asked) = (
            names(SignState::Yes),
            names(SignState::No),
            names(SignState::NotAsked),
        );
        let mut parts = vec![format!(
            "positive: {}",
            if yes.is_empty() {
                "none".to_string()
            } else {
                yes.join(", ")
            }
        )];
        if !no.is_empty() {
            parts.push(format!("denies: {}", no.join(", ")));
        }
        if !not_asked.is_empty() {
            parts.push(format!(
                "not asked (stopped at the first positive): {}",
                not_asked.join(", ")
            ));
        }
        if stopped_first && danger {
            let never: Vec<String> = rules
                .warning_signs
                .iter()
                .filter(|w| w.disposition >= Disposition::GoToEdNow)
                .filter(|w| !a.signs.iter().any(|s| s.id == w.id))
                .map(|w| label(rules, &w.id).to_lowercase())
                .collect();
            if !never.is_empty() {
                parts.push(format!(
                    "not asked (the call stopped first): {}",
                    never.join(", ")
                ));
            }
        }
        line(&mut out, &format!("{title} asked: {}.", parts.join("; ")));
    }
    if !a.symptoms_asked {
        line(
            &mut out,
            if o.stopped_at.is_some() {
                "Other symptoms: not asked (stopped at a danger sign)."
            } else {
                "Other symptoms: not asked (the call stopped first)."
            },
        );
    }

    // Recommendation: the disposition in force, the override and its reason, the rules.
    out.push_str("\nR  Recommendation\n");
    let d = o.disposition();
    if call.before_instruction {
        // Not a recommendation: the questions that could have changed it were not asked.
        line(
            &mut out,
            &format!(
                "None given: the call stopped first. The answers so far alone give {} \
                 ({}); the questions not asked could make it more urgent.",
                rules.disposition_text(d).label.to_lowercase(),
                d.code()
            ),
        );
    } else {
        line(
            &mut out,
            &format!(
                "{} ({}). {}",
                rules.disposition_text(d).label,
                d.code(),
                rules.disposition_text(d).action
            ),
        );
    }
    match &o.nurse_override {
        Some(ov) => line(
            &mut out,
            &format!(
                "Nurse override: computed {} changed to {} ({}). Reason: {}.{}",
                ov.from.code(),
                ov.to.code(),
                if ov.to < ov.from {
                    "less urgent"
                } else {
                    "more urgent"
                },
                ov.reason.as_deref().unwrap_or("none given"),
                if ov.confirmed == Some(true) {
                    " Lowering confirmed by the nurse."
                } else {
                    ""
                }
            ),
        ),
        // Nothing was computed for the caller when the call stopped before the questions
        // reached a disposition: said above.
        None if call.before_instruction => {}
        None => line(
            &mut out,
            &format!(
                "Disposition as computed by the rules ({}).",
                o.assessment.disposition.code()
            ),
        ),
    }
    // Reminders for the nurse from the rule set (PRP equipment, late lumps).
    for note in rules.nurse_notes_for(&o.case) {
        line(&mut out, &format!("For the nurse: {}", note.text));
    }
    // Only what the nurse confirmed saying is written as said.
    let call_back = &rules.disposition_text(d).call_back;
    if call.safety_net_given && !call_back.trim().is_empty() {
        line(&mut out, &format!("Safety net given: {call_back}"));
    } else if d < Disposition::CallEmergencyNow && o.call.is_some() {
        line(&mut out, "Safety net: not confirmed as given.");
    }
    if !call.advice_given.is_empty() {
        line(
            &mut out,
            &format!(
                "Advice given: {}.",
                call.advice_given
                    .iter()
                    .map(|a| a.trim_end_matches('.'))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
    }
    match call.understood {
        Some(true) => line(&mut out, "Caller understood and agrees."),
        Some(false) => line(
            &mut out,
            "Caller did NOT confirm understanding or agreement.",
        ),
        None => {}
    }
    if !call.notes.is_empty() {
        line(&mut out, &format!("Notes: {}", call.notes));
    }
    line(
        &mut out,
        &format!(
            "Rule set: {} {}.",
            o.assessment.rule_set.name, o.assessment.rule_set.version
        ),
    );
    // What the nurse typed (a reason, allergies) is shown and pasted as it was, but never
    // as a control or bidi character that could act on a terminal or a chart.
    aftercare_core::escape::visible_lines(&out).into_owned()
}

fn trend_words(t: TrendAnswer) -> &'static str {
    match t {
        TrendAnswer::Improving => "improving",
        TrendAnswer::Stable => "stable",
        TrendAnswer::Worsening => "worsening",
        TrendAnswer::NotSure => "trend not known (counted as stable)",
    }
}

fn started_words(s: Started) -> String {
    match s {
        Started::Day(d) => day_words::since_start_day(d),
        Started::LaterOnTreatmentDay => "since later on day 0".to_string(),
        Started::NotSure => "start not known (counted as today)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::nurse;
    use crate::questionnaire::scripted::{Scripted, ScriptedPrompter};

    fn now() -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00+00:00").unwrap()
    }

    fn all_danger_no(rules: &RuleSet) -> ScriptedPrompter {
        let mut s = ScriptedPrompter::new().text("call.caller_name", "");
        for w in rules
            .warning_signs
            .iter()
            .filter(|w| w.disposition >= Disposition::GoToEdNow)
        {
            s = s.then(&format!("danger.{}", w.id), Scripted::No);
        }
        s
    }

    #[test]
    fn a_full_call_with_a_less_urgent_override() {
        let rules = RuleSet::built_in();
        let mut p = all_danger_no(&rules)
            .text("treatment", "3 days ago")
            .picks("same_day", &["none"])
            .picks("symptoms", &["redness", "itching"])
            .pick("symptom.redness.severity", "moderate")
            .pick("symptom.redness.trend", "worsening")
            .pick("symptom.redness.started", "day:0")
            .pick("symptom.itching.severity", "mild")
            .pick("symptom.itching.trend", "not_sure")
            .pick("symptom.itching.started", "not_sure")
            .then("repeat_contact", Scripted::No)
            .risk_factors(
                &rules,
                &[
                    ("radio_frequency", "yes"),
                    ("cold_sores", "yes"),
                    ("eczema", "no"),
                    ("prp", "yes"),
                ],
            )
            .picks("background.areas", &["face", "neck"])
            .picks("background.products", &["vitamin C serum"])
            .text(
                "background.numbing",
                "lidocaine cream on the whole face at home",
            )
            .text("background.allergies", "none")
            .text("background.session", "2")
            .pick("override", "see_within_3_days")
            .text(
                "override.reason",
                "redness fading at the edges on the photo sent; review booked for tomorrow",
            )
            .picks(
                "call.advice_given",
                &["disposition", "safety_net", "advice:avoid_sun"],
            )
            .then("call.understood", Scripted::Yes)
            .text("call.notes", "sent the aftercare sheet again by e-mail");
        let o = nurse::run(&mut p, &rules, now(), Some("JB")).unwrap();
        let note = render(&o, &rules, 72);
        insta::assert_snapshot!(note);
        assert!(note.lines().all(|l| l.chars().count() <= 72), "{note}");
        assert!(note.contains("Safety net given"), "{note}");
    }

    #[test]
    fn typed_text_cannot_put_a_control_character_in_the_note() {
        let rules = RuleSet::built_in();
        let mut p = all_danger_no(&rules)
            .text("treatment", "2026-11-20")
            .picks("same_day", &["none"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::No)
            .risk_factors(&rules, &[])
            .picks("background.areas", &[])
            .picks("background.products", &[])
            .text("background.numbing", "")
            .text("background.allergies", "latex\u{1b}]52;c;aGk=\u{7}")
            .text("background.session", "")
            .pick("override", "see_within_2_weeks")
            .text("override.reason", "\u{202e}seen\u{1b}[2J")
            .picks("call.advice_given", &["disposition"])
            .then("call.understood", Scripted::Yes)
            .text("call.notes", "called back at 5");
        let o = nurse::run(&mut p, &rules, now(), Some("J\u{9b}B")).unwrap();
        let note = render(&o, &rules, 200);
        assert!(
            !note
                .chars()
                .any(|c| c != '\n' && aftercare_core::escape::is_unsafe(c)),
            "{note:?}"
        );
        assert!(note.contains("latex\\u{1b}]52;c;aGk=\\u{7}"), "{note}");
    }

    #[test]
    fn an_emergency_stop_with_its_pertinent_negatives() {
        let rules = RuleSet::built_in();
        let mut p = ScriptedPrompter::new()
            .text("call.caller_name", "R. Patel")
            .pick("call.caller", "someone else")
            .text("call.patient_name", "A. Patel")
            .text("call.patient_birth_date", "1980-04-23")
            .text("call.callback", "07700 900123")
            .text(
                "call.complaint",
                "her lips are swelling up and she sounds hoarse",
            )
            .then("danger.difficulty_breathing", Scripted::No)
            .then("danger.throat_swelling", Scripted::Yes)
            .text("treatment", "yesterday 14:30")
            .pick("override", "keep")
            .picks("call.advice_given", &["disposition"])
            .then("call.understood", Scripted::Yes)
            .text("call.notes", "")
            .text("call.nurse", "JB");
        let o = nurse::run(&mut p, &rules, now(), None).unwrap();
        let note = render(&o, &rules, 72);
        insta::assert_snapshot!(note);
        assert!(note.contains("callback 07700 900123"), "{note}");
    }

    #[test]
    fn no_symptoms_and_a_more_urgent_override_at_40_columns() {
        let rules = RuleSet::built_in();
        let mut p = all_danger_no(&rules)
            .text("treatment", "2026-11-20")
            .picks("same_day", &["none"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::Yes)
            .risk_factors(&rules, &[])
            .picks("background.areas", &[])
            .picks("background.products", &[])
            .text("background.numbing", "")
            .text("background.allergies", "")
            .text("background.session", "")
            .pick("override", "go_to_ed_now")
            .text("override.reason", "")
            .picks("call.advice_given", &["disposition"])
            .then("call.understood", Scripted::No)
            .text("call.notes", "caller unsure; will go with her partner");
        let o = nurse::run(&mut p, &rules, now(), Some("JB")).unwrap();
        let note = render(&o, &rules, 40);
        insta::assert_snapshot!(note);
        // The safety net was not ticked: the note does not claim it.
        assert!(!note.contains("Safety net given"), "{note}");
        assert!(note.lines().all(|l| l.chars().count() <= 40), "{note}");
    }
}
