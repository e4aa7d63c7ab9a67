//! The nurse's note for the chart, in SBAR form (Situation, Background, Assessment,
//! Recommendation): plain text, no colour, ready to paste.

use crate::model::{fmt_day, Disposition, FindingKind};
use crate::output::text::{capitalise, day_words, wrap};
use crate::questionnaire::{label, Outcome, SignState, Started, TrendAnswer};
use crate::rules::RuleSet;

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

    // Situation: the day, what the caller reports, and the outcome in one line.
    out.push_str("\nS  Situation\n");
    line(
        &mut out,
        &match &a.treatment {
            Some(t) if t.time_given => format!(
                "Day {} after micro-needling ({}; treatment {}).",
                fmt_day(day.floor()),
                day_words(day),
                t.at.format("%Y-%m-%d %H:%M")
            ),
            // Hours counted from the start of the day would be more than the answer says.
            Some(t) => format!(
                "Day {} after micro-needling (treatment {}, time not given).",
                fmt_day(day.floor()),
                t.at.format("%Y-%m-%d")
            ),
            None => "Micro-needling; treatment date not asked.".to_string(),
        },
    );
    let mut reports: Vec<String> = a.positive_signs().map(|id| label(rules, id)).collect();
    for s in &a.symptoms {
        reports.push(format!(
            "{}: {}, {}, {}",
            label(rules, &s.id),
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
                    "Device: {}. Treated areas: {}. Products: {}. Session: {}.",
                    b.device,
                    list(&b.treated_areas),
                    list(&b.products),
                    b.session
                ),
            );
            line(
                &mut out,
                &format!(
                    "Cold-sore history: {}. Eczema: {}. Blood thinners: {}. Allergies: {}.",
                    b.cold_sores, b.eczema, b.blood_thinners, b.allergies
                ),
            );
        }
        None => line(
            &mut out,
            "Not taken: the call went straight to the disposition after a danger sign.",
        ),
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
                            ", normal if improving until day {}",
                            fmt_day(r.ok_if_improving_until)
                        )
                    } else {
                        String::new()
                    };
                    format!(
                        " {place} (normal until day {}{improving})",
                        fmt_day(r.normal_until)
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
                "{what} -> {} [{}]. {}.",
                f.disposition.code(),
                f.rule,
                capitalise(&f.reason)
            ),
            width,
            "   - ",
            "     ",
        ));
    }
    // Every sign asked, with its answer: the positives, the pertinent negatives, and those
    // left unasked because the questions stopped at a danger sign.
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
        line(&mut out, &format!("{title} asked: {}.", parts.join("; ")));
    }
    if !a.symptoms_asked {
        line(
            &mut out,
            "Other symptoms: not asked (stopped at a danger sign).",
        );
    }

    // Recommendation: the disposition in force, the override and its reason, the rules.
    out.push_str("\nR  Recommendation\n");
    let d = o.disposition();
    line(
        &mut out,
        &format!(
            "{} ({}). {}",
            rules.disposition_text(d).label,
            d.code(),
            rules.disposition_text(d).action
        ),
    );
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
        None => line(
            &mut out,
            &format!(
                "Disposition as computed by the rules ({}).",
                o.assessment.disposition.code()
            ),
        ),
    }
    if d < Disposition::CallEmergencyNow {
        let call_back = &rules.disposition_text(d).call_back;
        if !call_back.trim().is_empty() {
            line(&mut out, &format!("Safety net given: {call_back}"));
        }
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
    super::escape::visible_lines(&out).into_owned()
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
        Started::Day(d) => format!("since day {d}"),
        Started::NotSure => "start not known (counted as today)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::nurse;
    use crate::questionnaire::prompt::{Scripted, ScriptedPrompter};

    fn now() -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00+00:00").unwrap()
    }

    fn all_danger_no(rules: &RuleSet) -> ScriptedPrompter {
        let mut s = ScriptedPrompter::new();
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
            .pick("background.device", "radio-frequency micro-needling")
            .picks("background.areas", &["face", "neck"])
            .picks("background.products", &["vitamin C serum"])
            .pick("background.cold_sores", "yes")
            .pick("background.eczema", "no")
            .pick("background.blood_thinners", "not known")
            .text("background.allergies", "none")
            .text("background.session", "2")
            .pick("override", "see_within_3_days")
            .text(
                "override.reason",
                "redness fading at the edges on the photo sent; review booked for tomorrow",
            );
        let o = nurse::run(&mut p, &rules, now()).unwrap();
        let note = render(&o, &rules, 80);
        insta::assert_snapshot!(note);
        assert!(note.lines().all(|l| l.chars().count() <= 80), "{note}");
    }

    #[test]
    fn typed_text_cannot_put_a_control_character_in_the_note() {
        let rules = RuleSet::built_in();
        let mut p = all_danger_no(&rules)
            .text("treatment", "2026-11-20")
            .picks("same_day", &["none"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::No)
            .pick("background.device", "not known")
            .picks("background.areas", &[])
            .picks("background.products", &[])
            .pick("background.cold_sores", "not known")
            .pick("background.eczema", "not known")
            .pick("background.blood_thinners", "not known")
            .text("background.allergies", "latex\u{1b}]52;c;aGk=\u{7}")
            .text("background.session", "")
            .pick("override", "see_within_2_weeks")
            .text("override.reason", "\u{202e}seen\u{1b}[2J");
        let o = nurse::run(&mut p, &rules, now()).unwrap();
        let note = render(&o, &rules, 80);
        assert!(
            !note
                .chars()
                .any(|c| c != '\n' && crate::output::escape::is_unsafe(c)),
            "{note:?}"
        );
        assert!(note.contains("latex\\u{1b}]52;c;aGk=\\u{7}"), "{note}");
    }

    #[test]
    fn an_emergency_stop_with_its_pertinent_negatives() {
        let rules = RuleSet::built_in();
        let mut p = ScriptedPrompter::new()
            .then("danger.difficulty_breathing", Scripted::No)
            .then("danger.throat_swelling", Scripted::Yes)
            .text("treatment", "yesterday 14:30")
            .pick("override", "keep");
        let o = nurse::run(&mut p, &rules, now()).unwrap();
        insta::assert_snapshot!(render(&o, &rules, 80));
    }

    #[test]
    fn no_symptoms_and_a_more_urgent_override_at_40_columns() {
        let rules = RuleSet::built_in();
        let mut p = all_danger_no(&rules)
            .text("treatment", "2026-11-20")
            .picks("same_day", &["none"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::Yes)
            .pick("background.device", "not known")
            .picks("background.areas", &[])
            .picks("background.products", &[])
            .pick("background.cold_sores", "not known")
            .pick("background.eczema", "not known")
            .pick("background.blood_thinners", "not known")
            .text("background.allergies", "")
            .text("background.session", "")
            .pick("override", "go_to_ed_now")
            .text("override.reason", "");
        let o = nurse::run(&mut p, &rules, now()).unwrap();
        let note = render(&o, &rules, 40);
        insta::assert_snapshot!(note);
        assert!(note.lines().all(|l| l.chars().count() <= 40), "{note}");
    }
}
