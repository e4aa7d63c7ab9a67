//! The questionnaire's logic with scripted answers: every path, and the promise that it
//! gives the same disposition as the JSON interface for the same answers.

use aftercare::questionnaire::scripted::{Scripted, ScriptedPrompter};
use aftercare::questionnaire::{nurse, patient, Outcome, SignState, Started, TrendAnswer};
use aftercare::Error;
use aftercare_core::{Disposition, RuleSet};
use chrono::{DateTime, FixedOffset, NaiveDate};
use proptest::prelude::*;

use crate::support::{aftercare, NOW};
use aftercare::output::text::Style;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(NOW).unwrap()
}

fn run_patient(script: ScriptedPrompter) -> (Result<Outcome, Error>, ScriptedPrompter) {
    let mut p = script;
    let out = patient::run(&mut p, crate::support::rules(), now());
    (out, p)
}

/// Runs a nurse's call: `script` from the first danger sign to the override; the call
/// details are skipped and the end of the call confirms what is offered.
fn run_nurse(script: ScriptedPrompter) -> (Result<Outcome, Error>, ScriptedPrompter) {
    let mut p = end_of_call(script.before("call.caller_name", Scripted::Text(String::new())));
    let out = nurse::run(&mut p, crate::support::rules(), now(), Some("JB"));
    (out, p)
}

/// The end of a call: the advice listed is confirmed, understood, no notes.
fn end_of_call(s: ScriptedPrompter) -> ScriptedPrompter {
    s.then("call.advice_given", Scripted::All)
        .then("call.understood", Scripted::Yes)
        .text("call.notes", "")
}

/// The first answers of a patient with no danger signs.
fn no_danger(when: &str) -> ScriptedPrompter {
    ScriptedPrompter::new()
        .picks("danger.emergency", &["none"])
        .picks("danger.ed", &["none"])
        .text("treatment", when)
}

fn details(
    s: ScriptedPrompter,
    id: &str,
    severity: &str,
    trend: &str,
    started: &str,
) -> ScriptedPrompter {
    s.pick(&format!("symptom.{id}.severity"), severity)
        .pick(&format!("symptom.{id}.trend"), trend)
        .pick(&format!("symptom.{id}.started"), started)
}

fn done(p: &ScriptedPrompter) {
    assert!(
        p.remaining().is_empty(),
        "script steps left unused: {:?}\n{}",
        p.remaining(),
        p.transcript.join("\n")
    );
}

#[test]
fn an_emergency_sign_ends_the_questionnaire_at_once() {
    let script = ScriptedPrompter::new().picks("danger.emergency", &["throat_swelling"]);
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.assessment.disposition, Disposition::CallEmergencyNow);
    assert_eq!(o.stopped_at.as_deref(), Some("throat_swelling"));
    // The danger signs come first, and nothing after them was asked: not even the date.
    assert_eq!(p.asked(), ["danger.emergency"]);
    assert!(o.answers.treatment.is_none());
    // The case stands on its own through the JSON interface.
    let json = serde_json::to_string(&o.input).unwrap();
    let (result, code, _) = crate::support::check_json(&json);
    assert_eq!(code, 0);
    assert_eq!(result["disposition"], "call_emergency_now");
    let text = patient::result_text(
        &o,
        &RuleSet::built_in(),
        aftercare::output::text::Style::plain(),
    );
    assert!(text.starts_with("CALL EMERGENCY SERVICES NOW\n"), "{text}");
    // The instruction, what to tell the operator, and the instruction again as the last
    // lines.
    assert!(text.lines().count() <= 9, "one short instruction:\n{text}");
    assert!(
        text.trim_end().ends_with("now. Do not drive yourself."),
        "{text}"
    );
    assert!(
        text.contains("swelling of the lips, tongue or throat"),
        "{text}"
    );
}

#[test]
fn an_empty_danger_checklist_is_refused_not_taken_as_none() {
    let script = ScriptedPrompter::new()
        .picks("danger.emergency", &[])
        .picks("danger.emergency", &["none", "fainting"])
        .then("danger.emergency", Scripted::Esc);
    let (out, p) = run_patient(script);
    assert!(matches!(out, Err(Error::Cancelled)), "{out:?}");
    done(&p);
    let refusals: Vec<&String> = p
        .transcript
        .iter()
        .filter(|l| l.starts_with("! "))
        .collect();
    assert_eq!(refusals.len(), 2, "{:?}", p.transcript);
    assert!(
        refusals[0].contains("Space") && refusals[0].contains("Enter on 'None of these'"),
        "{refusals:?}"
    );
    assert!(
        refusals[1].contains("cannot go with other answers"),
        "{refusals:?}"
    );
}

#[test]
fn esc_after_an_answer_offers_the_question_again_one_back_or_stop() {
    // Esc at the symptom list, then "go back one question": the treatment is asked again
    // and the danger signs are kept; Esc at the review, then back to the review.
    let script = no_danger("3 days ago")
        .then("symptoms", Scripted::Esc)
        .pick("stop", "back")
        .text("treatment", "2")
        .then("symptoms", Scripted::Esc)
        .pick("stop", "again")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .then("review", Scripted::Esc)
        .then("stop", Scripted::Esc)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.answers.treatment.as_ref().unwrap().as_given, "2");
    assert_eq!(o.assessment.disposition, Disposition::HomeCare);
    assert_eq!(
        p.asked()
            .iter()
            .filter(|id| id.starts_with("danger."))
            .count(),
        2,
        "the danger signs are not asked again: {:?}",
        p.asked()
    );

    // Going back to the first question asks the danger signs again, once each.
    let script = no_danger("2")
        .then("symptoms", Scripted::Esc)
        .pick("stop", "back")
        .then("treatment", Scripted::Esc)
        .pick("stop", "back")
        .picks("danger.emergency", &["none"])
        .picks("danger.ed", &["none"])
        .text("treatment", "2")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    let mut ids: Vec<&str> = o.answers.signs.iter().map(|s| s.id.as_str()).collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "each sign once: {:?}", o.answers.signs);

    // "Stop" stops: nothing is kept, exit 5 as Esc always was.
    let script = no_danger("2")
        .then("symptoms", Scripted::Esc)
        .pick("stop", "stop");
    let (out, p) = run_patient(script);
    done(&p);
    assert!(matches!(out, Err(Error::Cancelled)), "{out:?}");
}

#[test]
fn esc_after_a_danger_sign_gives_its_instruction_and_a_change_left_with_esc_changes_nothing() {
    // Eye pain, then Esc at the follow-up question: the instruction, not a stop.
    let script = ScriptedPrompter::new()
        .picks("danger.emergency", &["none"])
        .picks("danger.ed", &["eye_pain"])
        .then("danger.more", Scripted::Esc);
    let (out, p) = run_patient(script);
    done(&p);
    let o = out.unwrap();
    assert_eq!(o.assessment.disposition, Disposition::GoToEdNow);
    assert_eq!(o.stopped_at.as_deref(), Some("eye_pain"));

    // At the review, a change of the treatment left with Esc keeps the answer before it.
    let script = no_danger("2")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "treatment")
        .then("treatment", Scripted::Esc)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    done(&p);
    let o = out.unwrap();
    assert_eq!(o.answers.treatment.as_ref().unwrap().as_given, "2");
    assert!(p
        .said()
        .contains("Not changed: the answers before are kept."));
}

#[test]
fn esc_cancels_and_ctrl_c_interrupts_with_their_exit_codes() {
    let (out, _) = run_patient(ScriptedPrompter::new().then("danger.emergency", Scripted::Esc));
    let e = out.unwrap_err();
    assert!(matches!(e, Error::Cancelled));
    assert_eq!(e.exit_code(), 5);

    let script = details(
        no_danger("1 day ago").picks("symptoms", &["redness"]),
        "redness",
        "mild",
        "improving",
        "day:0",
    )
    .then("repeat_contact", Scripted::CtrlC);
    let (out, p) = run_patient(script);
    let e = out.unwrap_err();
    assert!(matches!(e, Error::Interrupted));
    assert_eq!(e.exit_code(), 130);
    done(&p);
}

#[test]
fn a_normal_day_is_home_care() {
    let script = details(
        no_danger("yesterday").picks("symptoms", &["redness", "peeling"]),
        "redness",
        "mild",
        "improving",
        "day:0",
    );
    let script = details(script, "peeling", "mild", "stable", "day:1")
        .then("repeat_contact", Scripted::Enter)
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.assessment.disposition, Disposition::HomeCare);
    assert!(o.stopped_at.is_none());
    // Enter alone on a yes/no question is refused, never read as "no".
    assert!(
        p.transcript.iter().any(|l| l.starts_with("! Type y")),
        "{:?}",
        p.transcript
    );
    assert!(p.said().contains("today is day 1"), "{}", p.said());
    assert!(
        p.said()
            .contains("Redness: mild, getting better, since the treatment"),
        "{}",
        p.said()
    );
    let text = patient::result_text(
        &o,
        &RuleSet::built_in(),
        aftercare::output::text::Style::plain(),
    );
    // What to do is the last thing on the screen.
    let last = text.trim_end().rsplit("\n\n").next().unwrap();
    assert!(last.starts_with("HOME CARE\n"), "{text}");
    for part in [
        "What we found",
        "Aftercare today",
        "What to expect next",
        "When to get help sooner",
        "Your healing timeline",
    ] {
        assert!(text.contains(part), "{part} missing:\n{text}");
    }
}

#[test]
fn an_overdue_symptom_needs_a_review() {
    let script = details(
        no_danger("9 days ago").picks("symptoms", &["redness"]),
        "redness",
        "moderate",
        "stable",
        "day:0",
    )
    .then("repeat_contact", Scripted::No)
    .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.assessment.disposition, Disposition::SeeWithin3Days);
    assert_eq!(o.assessment.findings[0].rule, "redness.past_window");
}

#[test]
fn not_sure_never_makes_the_answer_milder() {
    // Day 5, redness improving: from day 0 it is within its improving window (home care);
    // an unknown start counts as today, a late onset, which needs a review.
    let answer = |started: &str, trend: &str| {
        let script = details(
            no_danger("5 days ago").picks("symptoms", &["redness"]),
            "redness",
            "mild",
            trend,
            started,
        )
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
        let (out, p) = run_patient(script);
        done(&p);
        out.unwrap()
    };
    assert_eq!(
        answer("day:0", "improving").assessment.disposition,
        Disposition::HomeCare
    );
    let unsure_start = answer("not_sure", "improving");
    assert_eq!(unsure_start.answers.symptoms[0].started, Started::NotSure);
    assert_eq!(
        unsure_start.assessment.disposition,
        Disposition::SeeWithin3Days
    );
    assert_eq!(
        unsure_start.input.symptoms[0].started_day,
        Some(5.0 + 9.0 / 24.0),
        "an unknown start is the latest possible: now"
    );
    let unsure_trend = answer("day:0", "not_sure");
    assert_eq!(unsure_trend.answers.symptoms[0].trend, TrendAnswer::NotSure);
    assert_eq!(
        unsure_trend.input.symptoms[0].trend,
        Some(aftercare_core::Trend::Stable)
    );
    assert_eq!(
        unsure_trend.assessment.disposition,
        Disposition::SeeWithin3Days
    );
}

#[test]
fn the_start_day_choices_end_today() {
    let script = details(
        no_danger("2 days ago").picks("symptoms", &["redness"]),
        "redness",
        "mild",
        "stable",
        "day:2",
    )
    .then("repeat_contact", Scripted::No)
    .pick("review", "done");
    let (out, p) = run_patient(script);
    out.unwrap();
    done(&p);
    let offered = p
        .transcript
        .iter()
        .find(|l| l.starts_with("? symptom.redness.started "))
        .unwrap();
    assert!(
        offered.contains("[day:2, day:1, day:0:later, day:0, not_sure]"),
        "{offered}"
    );
}

#[test]
fn the_review_changes_one_answer_and_keeps_the_others() {
    let script = details(
        no_danger("5 days ago").picks("symptoms", &["redness"]),
        "redness",
        "mild",
        "stable",
        "day:0",
    )
    .then("repeat_contact", Scripted::No)
    // Redness not improving on day 5: a review in 3 days. Changing its trend to improving
    // makes it home care; adding itching keeps the redness details without asking again.
    .pick("review", "symptom:redness");
    let script = details(script, "redness", "mild", "improving", "day:0")
        .pick("review", "symptoms")
        .picks("symptoms", &["redness", "peeling"]);
    let script = details(script, "peeling", "mild", "stable", "day:2")
        .pick("review", "repeat")
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.answers.symptoms.len(), 2);
    assert_eq!(o.answers.symptoms[0].trend, TrendAnswer::Improving);
    assert_eq!(o.assessment.disposition, Disposition::HomeCare);
    // The review was shown each time, with the changed answer.
    assert_eq!(p.said().matches("Your answers:").count(), 4);
    assert!(p
        .said()
        .contains("Redness: mild, getting better, since the treatment"));
}

#[test]
fn changing_the_treatment_day_asks_again_for_a_start_now_impossible() {
    let script = details(
        no_danger("6 days ago").picks("symptoms", &["bruising"]),
        "bruising",
        "mild",
        "stable",
        "day:5",
    )
    .then("repeat_contact", Scripted::No)
    .pick("review", "treatment")
    .text("treatment", "2 days ago");
    let script = details(script, "bruising", "mild", "stable", "day:1").pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.answers.symptoms[0].started, Started::Day(1));
    assert!(
        p.said().contains("please say again when it began"),
        "{}",
        p.said()
    );
}

#[test]
fn the_review_can_start_over_and_reach_a_danger_sign() {
    let script = details(
        no_danger("3 days ago").picks("symptoms", &["pain"]),
        "pain",
        "severe",
        "worsening",
        "day:0",
    )
    .then("repeat_contact", Scripted::Yes)
    .pick("review", "restart")
    .picks("danger.emergency", &["none"])
    .picks("danger.ed", &["none"])
    .text("treatment", "3 days ago")
    .picks("symptoms", &["none"])
    .then("repeat_contact", Scripted::No)
    .pick("review", "danger")
    .picks("danger.emergency", &["none"])
    // Fever and purple spots were answered "no" in the symptom list: no follow-up sign.
    // An injection was not asked: with blurred vision it would be an emergency.
    .picks("danger.ed", &["vision_change"])
    .then("risk_factors", Scripted::EnterOn("none".into()));
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.stopped_at.as_deref(), Some("vision_change"));
    assert_eq!(o.assessment.disposition, Disposition::GoToEdNow);
    assert!(o.answers.symptoms.is_empty());
}

#[test]
fn a_go_to_ed_sign_still_asks_what_would_make_it_an_emergency() {
    let script = ScriptedPrompter::new()
        .picks("danger.emergency", &["none"])
        .picks("danger.ed", &["red_streaks"])
        .picks("danger.more", &["fever", "purple_spots"]);
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.assessment.disposition, Disposition::CallEmergencyNow);
    assert!(o
        .assessment
        .findings
        .iter()
        .any(|f| f.rule == "fever_with_purple_spots"));
}

#[test]
fn typed_dates_are_checked_and_the_calendar_takes_a_time() {
    let script = ScriptedPrompter::new()
        .picks("danger.emergency", &["none"])
        .picks("danger.ed", &["none"])
        .text("treatment", "tomorrow")
        .text("treatment", "")
        .then(
            "treatment.calendar",
            Scripted::Date(NaiveDate::from_ymd_opt(2026, 11, 19).unwrap()),
        )
        .text("treatment.time", "9.30")
        .text("treatment.time", "21:00")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(
        o.answers.treatment.as_ref().unwrap().at.to_rfc3339(),
        "2026-11-19T21:00:00+00:00"
    );
    assert_eq!(o.case.days_since_treatment, 1.5);
    assert_eq!(o.assessment.disposition, Disposition::HomeCare);
    let refusals = p.transcript.iter().filter(|l| l.starts_with("! ")).count();
    assert_eq!(refusals, 2, "{:?}", p.transcript);
}

#[test]
fn a_date_that_may_be_a_slip_is_checked_and_no_asks_again() {
    // NOW is 21 Nov 2026: "1 Dec" without a year is still to come, so it would be last
    // year's, 355 days ago. "No" asks again; a number alone is days ago.
    let script = no_danger("1 Dec")
        .then("treatment.check", Scripted::No)
        .text("treatment", "2")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.answers.treatment.as_ref().unwrap().as_given, "2");
    assert!(
        p.transcript.iter().any(|l| l.contains(
            "1 Dec this year is still to come, so this reads as last year (Mon 1 Dec 2025, 355 days ago): is that right?"
        )),
        "{:?}",
        p.transcript
    );
    assert!(
        p.said().contains(
            "your treatment was 2 days ago, on Thu 19 Nov 2026, time not given, so today is day 2."
        ),
        "{}",
        p.said()
    );

    // "Yes" keeps it: a date far back can be right.
    let script = no_danger("100 days ago")
        .then("treatment.check", Scripted::Yes)
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert!(o.case.days_since_treatment >= 100.0);
}

#[test]
fn yesterday_with_a_time_keeps_the_calendar_day_and_counts_in_hours() {
    // NOW is 09:00 on 21 Nov: yesterday at 14:00 is 19 hours ago, day 0 of the rules'
    // windows, said without "today is day 0" set against "yesterday".
    let script = no_danger("yesterday 2pm")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    let said = p.said();
    assert!(
        said.contains("your treatment was yesterday (Fri 20 Nov 2026 at 14:00), 19 hours ago. Days are counted in full 24 hours from then, so this is day 0."),
        "{said}"
    );
    assert!(
        said.contains("Treatment: yesterday 2pm (Fri 20 Nov 2026, 14:00): 19 hours ago, day 0 in full 24 hours"),
        "{said}"
    );
    assert!(!said.contains("today is day 0"), "{said}");
    assert_eq!(o.case.days_since_treatment, 0.791667);
}

/// A nurse's script that answers "no" to every danger sign at least as urgent as `level`.
fn nurse_denies(level: Disposition) -> ScriptedPrompter {
    let rules = RuleSet::built_in();
    let mut s = ScriptedPrompter::new();
    for w in rules
        .warning_signs
        .iter()
        .filter(|w| w.disposition >= level)
    {
        s = s.then(&format!("danger.{}", w.id), Scripted::No);
    }
    s
}

/// The nurse's first answers: every danger sign "no", the treatment, the same-day signs.
fn nurse_no_danger(when: &str, same_day: &[&str]) -> ScriptedPrompter {
    nurse_denies(Disposition::GoToEdNow)
        .text("treatment", when)
        .picks("same_day", same_day)
}

/// The nurse's background: a radio-frequency device, cold sores before, no eczema, the
/// other risk factors not known.
fn nurse_background(s: ScriptedPrompter) -> ScriptedPrompter {
    s.risk_factors(
        crate::support::rules(),
        &[
            ("radio_frequency", "yes"),
            ("cold_sores", "yes"),
            ("eczema", "no"),
        ],
    )
    .picks("background.treated_areas", &["face", "neck"])
    .picks("background.products", &["vitamin C serum"])
    .text("background.numbing_products", "")
    .text("background.allergies", "")
    .text("background.session", "2")
}

#[test]
fn the_nurse_keeps_the_disposition() {
    let script = details(
        nurse_no_danger("3 days ago", &["none"]).picks("symptoms", &["redness"]),
        "redness",
        "moderate",
        "worsening",
        "day:0",
    )
    .then("repeat_contact", Scripted::No);
    let script = nurse_background(script).pick("override", "keep");
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.disposition(), Disposition::SeeToday);
    assert!(o.nurse_override.is_none());
    let b = o.answers.background.as_ref().unwrap();
    assert_eq!(b.allergies, "not recorded");
    assert_eq!(b.session, "2");
    let rules = RuleSet::built_in();
    let asked = rules.warning_signs.len();
    assert_eq!(
        o.answers.signs.len(),
        asked,
        "every sign has an answer, those in the symptom list too"
    );
    assert!(o.answers.signs.iter().all(|s| s.answer == SignState::No));
    assert!(
        p.said().contains("Computed disposition: SEE TODAY"),
        "{}",
        p.said()
    );
}

#[test]
fn a_less_urgent_override_needs_a_reason() {
    let script = nurse_background(
        nurse_no_danger("2 days ago", &["fever"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::No),
    )
    .pick("override", "see_within_3_days")
    .text("override.reason", "   ")
    .text(
        "override.reason",
        "38.1 once, now 37.2; photo review booked",
    );
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    let ov = o.nurse_override.as_ref().unwrap();
    assert_eq!(
        (ov.from, ov.to),
        (Disposition::SeeToday, Disposition::SeeWithin3Days)
    );
    assert_eq!(
        ov.reason.as_deref(),
        Some("38.1 once, now 37.2; photo review booked")
    );
    assert_eq!(o.disposition(), Disposition::SeeWithin3Days);
    assert!(
        p.transcript
            .iter()
            .any(|l| l.contains("A reason is needed")),
        "{:?}",
        p.transcript
    );
}

#[test]
fn a_more_urgent_override_needs_no_reason() {
    let script = nurse_background(
        nurse_no_danger("2 days ago", &["none"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::No),
    )
    .pick("override", "see_today")
    .text("override.reason", "");
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    let ov = o.nurse_override.as_ref().unwrap();
    assert_eq!(
        (ov.from, ov.to),
        (Disposition::HomeCare, Disposition::SeeToday)
    );
    assert_eq!(ov.reason, None);
}

#[test]
fn the_nurse_stops_at_the_first_positive_danger_sign() {
    let script = ScriptedPrompter::new()
        .then("danger.difficulty_breathing", Scripted::No)
        .then("danger.throat_swelling", Scripted::Enter)
        .then("danger.throat_swelling", Scripted::Yes)
        .text("treatment", "1 day ago")
        .pick("override", "keep");
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.disposition(), Disposition::CallEmergencyNow);
    assert_eq!(o.stopped_at.as_deref(), Some("throat_swelling"));
    assert!(o.answers.background.is_none());
    assert!(!o.answers.symptoms_asked);
    let states: Vec<SignState> = o.answers.signs.iter().map(|s| s.answer).collect();
    assert_eq!(
        &states[..3],
        [SignState::No, SignState::Yes, SignState::NotAsked]
    );
    assert!(states[2..].iter().all(|s| *s == SignState::NotAsked));
}

#[test]
fn a_nurse_go_to_ed_stop_asks_the_combination_signs() {
    let s = nurse_denies(Disposition::CallEmergencyNow);
    let script = s
        .then("danger.red_streaks", Scripted::Yes)
        .then("more.fever", Scripted::Yes)
        .then("more.purple_spots", Scripted::No)
        // Protocol 1.1: fever with a stiff neck is an emergency too.
        .then("more.stiff_neck", Scripted::No)
        // Protocol 1.2: blurred sight or eye pain after an injection, hives with vomiting.
        .then("more.vision_change", Scripted::No)
        .then("more.eye_pain", Scripted::No)
        .then("more.hives", Scripted::No)
        .then("more.widespread_rash", Scripted::No)
        .text("treatment", "1 day ago")
        .pick("override", "keep");
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.disposition(), Disposition::GoToEdNow);
    let fever = o.answers.signs.iter().find(|s| s.id == "fever").unwrap();
    assert_eq!(fever.answer, SignState::Yes);
    assert!(o
        .assessment
        .findings
        .iter()
        .any(|f| f.rule == "fever_with_spreading_infection"));
}

// The same answers through the questionnaire and through the JSON interface.

#[derive(Debug, Clone)]
struct Symptom {
    id: &'static str,
    severity: &'static str,
    trend: &'static str,
    /// None: "not sure".
    started: Option<u32>,
}

#[derive(Debug, Clone)]
struct AnswerSet {
    days_ago: u32,
    emergency: Option<&'static str>,
    ed: Option<&'static str>,
    symptoms: Vec<Symptom>,
    repeat: bool,
}

fn answer_sets() -> impl Strategy<Value = AnswerSet> {
    let rules = RuleSet::built_in();
    let leak = |v: Vec<&str>| -> Vec<&'static str> {
        v.into_iter()
            .map(|s| &*Box::leak(s.to_string().into_boxed_str()))
            .collect()
    };
    let emergency = leak(rules.signs_of(Disposition::CallEmergencyNow));
    let ed = leak(rules.signs_of(Disposition::GoToEdNow));
    let checklist = leak(rules.checklist_ids(Disposition::SeeToday));
    let order = checklist.clone();
    (0u32..40).prop_flat_map(move |days_ago| {
        let checklist = order.clone();
        let sort_order = order.clone();
        let symptom = (
            proptest::sample::select(checklist.clone()),
            proptest::sample::select(vec!["mild", "moderate", "severe"]),
            proptest::sample::select(vec!["improving", "stable", "worsening", "not_sure"]),
            proptest::option::weighted(0.8, 0..=days_ago),
        )
            .prop_map(|(id, severity, trend, started)| Symptom {
                id,
                severity,
                trend,
                started,
            });
        (
            Just(days_ago),
            proptest::option::weighted(0.1, proptest::sample::select(emergency.clone())),
            proptest::option::weighted(0.1, proptest::sample::select(ed.clone())),
            proptest::collection::vec(symptom, 0..5),
            any::<bool>(),
        )
            .prop_map(move |(days_ago, emergency, ed, symptoms, repeat)| {
                let mut seen = Vec::new();
                // The questionnaire asks the details in the checklist's order.
                let mut symptoms: Vec<Symptom> = symptoms
                    .into_iter()
                    .filter(|s| {
                        let new = !seen.contains(&s.id);
                        seen.push(s.id);
                        new
                    })
                    .collect();
                symptoms.sort_by_key(|s| sort_order.iter().position(|c| *c == s.id));
                AnswerSet {
                    days_ago,
                    emergency,
                    ed,
                    symptoms,
                    repeat,
                }
            })
    })
}

fn is_sign(id: &str) -> bool {
    crate::support::rules().warning_sign(id).is_some()
}

/// The patient's answers as a script and as the JSON case a script would send for them,
/// built side by side from the interface's documentation: a trend not known is left out
/// (the default is stable); a start today or not known is the time since treatment, day 0
/// "since the treatment" is 0, another day is `started_on_day`; a sign ticked in the list
/// has no details. The questions stop as soon as the answers reach the emergency
/// department: the symptoms not detailed yet keep the defaults, started "not sure"; risk
/// factors are asked ("none") only when one could still change the result.
fn plan(a: &AnswerSet) -> (ScriptedPrompter, serde_json::Value) {
    let rules = crate::support::rules();
    let treated =
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap() - chrono::Duration::days(a.days_ago.into());
    let days = f64::from(a.days_ago) + 9.0 / 24.0;
    let case = |symptoms: &[serde_json::Value]| {
        serde_json::json!({
            "treated_at": format!("{treated}T00:00:00Z"),
            "assessed_at": NOW,
            "symptoms": symptoms,
        })
    };
    let assess = |case: &serde_json::Value| {
        let input = aftercare_core::input::parse_json_case(&case.to_string()).unwrap();
        aftercare_core::assess_input(&input, rules, now())
            .unwrap()
            .disposition
    };
    let mut s = ScriptedPrompter::new();
    if let Some(sign) = a.emergency {
        s = s.picks("danger.emergency", &[sign]);
        return (s, case(&[serde_json::json!({"id": sign})]));
    }
    s = s.picks("danger.emergency", &["none"]);
    if let Some(sign) = a.ed {
        // Nothing more: the combination question is answered "none".
        s = s
            .picks("danger.ed", &[sign])
            .picks("danger.more", &["none"]);
        // A risk factor that would make the sign an emergency (an injection with an eye
        // sign) is asked after it, and answered "none" too.
        let mut so_far = aftercare::questionnaire::Answers::new(None);
        so_far.signs = vec![aftercare::questionnaire::SignAnswer {
            id: sign.into(),
            answer: true.into(),
        }];
        if !aftercare::questionnaire::escalation_risk_factors(rules, &so_far).is_empty() {
            s = s.then("risk_factors", Scripted::EnterOn("none".into()));
            let mut json = case(&[serde_json::json!({"id": sign})]);
            json["risk_factors"] = serde_json::json!([]);
            return (s, json);
        }
        return (s, case(&[serde_json::json!({"id": sign})]));
    }
    s = s
        .picks("danger.ed", &["none"])
        .text("treatment", &format!("{} days ago", a.days_ago));
    if a.symptoms.is_empty() {
        s = s.then("symptoms", Scripted::EnterOn("none".into()));
    } else {
        let ids: Vec<&str> = a.symptoms.iter().map(|x| x.id).collect();
        s = s.picks("symptoms", &ids);
    }
    let signs: Vec<serde_json::Value> = a
        .symptoms
        .iter()
        .filter(|x| is_sign(x.id))
        .map(|x| serde_json::json!({"id": x.id}))
        .collect();
    let reactions: Vec<&Symptom> = a.symptoms.iter().filter(|x| !is_sign(x.id)).collect();
    let detailed = |x: &Symptom| {
        let mut j = serde_json::json!({"id": x.id, "severity": x.severity});
        if x.trend != "not_sure" {
            j["trend"] = x.trend.into();
        }
        match x.started {
            Some(0) if a.days_ago > 0 => j["started_day"] = 0.into(),
            Some(d) if d < a.days_ago => j["started_on_day"] = d.into(),
            _ => j["started_day"] = days.into(),
        }
        j
    };
    let with = |n: usize| -> serde_json::Value {
        let mut all = signs.clone();
        all.extend(reactions[..n].iter().map(|x| detailed(x)));
        all.extend(
            reactions[n..]
                .iter()
                .map(|x| serde_json::json!({"id": x.id, "started_day": days})),
        );
        case(&all)
    };
    for n in 0..=reactions.len() {
        if assess(&with(n)) >= Disposition::GoToEdNow {
            return (s, with(n));
        }
        if let Some(x) = reactions.get(n) {
            s = s
                .pick(&format!("symptom.{}.severity", x.id), x.severity)
                .pick(&format!("symptom.{}.trend", x.id), x.trend);
            if a.days_ago > 0 {
                let started = match x.started {
                    Some(d) => format!("day:{d}"),
                    None => "not_sure".to_string(),
                };
                s = s.pick(&format!("symptom.{}.started", x.id), &started);
            }
        }
    }
    let mut json = with(reactions.len());
    let answered: Vec<String> = rules
        .warning_signs
        .iter()
        .map(|w| w.id.clone())
        .chain(rules.reactions.iter().map(|r| r.id.clone()))
        .collect();
    let resolved = aftercare_core::input::parse_json_case(&json.to_string())
        .unwrap()
        .resolve(rules, now())
        .unwrap();
    if aftercare_core::follow_up::could_still_raise(&resolved, rules, &answered)
        .iter()
        .any(|q| q.kind == aftercare_core::follow_up::OpenKind::RiskFactor)
    {
        s = s.then("risk_factors", Scripted::EnterOn("none".into()));
        json["risk_factors"] = serde_json::json!([]);
    }
    json["repeat_contact"] = a.repeat.into();
    s = s
        .then(
            "repeat_contact",
            if a.repeat {
                Scripted::Yes
            } else {
                Scripted::No
            },
        )
        .pick("review", "done");
    (s, json)
}

fn script_for(a: &AnswerSet) -> ScriptedPrompter {
    plan(a).0
}

fn json_for(a: &AnswerSet) -> serde_json::Value {
    plan(a).1
}

fn questionnaire_disposition(a: &AnswerSet) -> Disposition {
    let (out, p) = run_patient(script_for(a));
    done(&p);
    out.unwrap().assessment.disposition
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_questionnaire_and_the_json_interface_agree(a in answer_sets()) {
        let rules = crate::support::rules();
        let input = aftercare_core::input::parse_json_case(&json_for(&a).to_string()).unwrap();
        let json = aftercare_core::assess_input(&input, rules, now()).unwrap();
        prop_assert_eq!(questionnaire_disposition(&a), json.disposition, "{:?}", a);
    }
}

#[test]
fn the_questionnaire_and_check_input_agree_on_a_batch() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let sets: Vec<AnswerSet> = (0..64)
        .map(|_| answer_sets().new_tree(&mut runner).unwrap().current())
        .collect();
    let lines: String = sets.iter().map(|a| format!("{}\n", json_for(a))).collect();
    let out = aftercare()
        .args(["check", "--input", "-", "--format", "disposition"])
        .write_stdin(lines)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let codes: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(codes.len(), sets.len());
    for (a, code) in sets.iter().zip(&codes) {
        assert_eq!(questionnaire_disposition(a).code(), code, "{a:?}");
    }
}

#[test]
fn the_follow_up_signs_come_from_the_combination_rule_itself() {
    use aftercare::questionnaire::escalation_ids;
    let rules = RuleSet::built_in();
    let ids = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
    // Red streaks: fever or chills with purple spots or a stiff neck would make it an
    // emergency (protocol 1.1: chills counts as fever does).
    assert_eq!(
        escalation_ids(&rules, &ids(&["red_streaks"]), &ids(&["red_streaks"])),
        // Protocol 1.2: blurred sight or eye pain after an injection, and hives or a rash
        // with vomiting, are emergencies too.
        ids(&[
            "fever",
            "chills",
            "purple_spots",
            "stiff_neck",
            "vision_change",
            "eye_pain",
            "hives",
            "widespread_rash",
            "vomiting"
        ])
    );
    // The emergencies of 1.2 that need no fever, answered, so that what follows is about
    // fever and its partners alone.
    let and_answered = |v: &[&str]| -> Vec<String> {
        let mut all = ids(v);
        all.extend(ids(&[
            "vision_change",
            "eye_pain",
            "hives",
            "widespread_rash",
            "vomiting",
        ]));
        all
    };
    // Fever already present: only the missing partners are asked, not chills.
    assert_eq!(
        escalation_ids(
            &rules,
            &ids(&["red_streaks", "fever"]),
            &and_answered(&["red_streaks", "fever"])
        ),
        ids(&["purple_spots", "stiff_neck"])
    );
    // No fever and no chills: the combinations can no longer fire, so nothing more is asked.
    assert!(escalation_ids(
        &rules,
        &ids(&["red_streaks"]),
        &and_answered(&["red_streaks", "fever", "chills"])
    )
    .is_empty());
    // No fever but chills not yet asked: chills is still worth asking.
    assert_eq!(
        escalation_ids(
            &rules,
            &ids(&["red_streaks"]),
            &and_answered(&["red_streaks", "fever"])
        ),
        ids(&["chills", "purple_spots", "stiff_neck"])
    );
    // Already an emergency: nothing can make it more urgent.
    assert!(escalation_ids(
        &rules,
        &ids(&["throat_swelling"]),
        &ids(&["throat_swelling"])
    )
    .is_empty());
}

#[test]
fn a_nurse_no_to_fever_spares_the_question_it_made_pointless() {
    let s = nurse_denies(Disposition::CallEmergencyNow);
    // Without fever, purple spots cannot make red streaks an emergency: not asked.
    let script = s
        .then("danger.red_streaks", Scripted::Yes)
        .then("more.fever", Scripted::No)
        .then("more.chills", Scripted::No)
        // Protocol 1.2: the emergencies that do not need fever are still asked.
        .then("more.vision_change", Scripted::No)
        .then("more.eye_pain", Scripted::No)
        .then("more.hives", Scripted::No)
        .then("more.widespread_rash", Scripted::No)
        .text("treatment", "1 day ago")
        .pick("override", "keep");
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.disposition(), Disposition::GoToEdNow);
    let purple = o.answers.signs.iter().find(|s| s.id == "purple_spots");
    assert!(
        purple.is_none_or(|s| s.answer == SignState::NotAsked),
        "{purple:?}"
    );
}

#[test]
fn choices_are_read_by_key() {
    // Each severity and trend key gives its own answer, whatever the order on screen.
    for (severity, trend) in [
        ("severe", "worsening"),
        ("mild", "improving"),
        ("moderate", "not_sure"),
    ] {
        let script = details(
            no_danger("2 days ago").picks("symptoms", &["redness"]),
            "redness",
            severity,
            trend,
            "day:0",
        )
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
        let (out, p) = run_patient(script);
        done(&p);
        let s = &out.unwrap().answers.symptoms[0];
        assert_eq!(s.severity.code(), severity);
        assert_eq!(s.trend.key(), trend);
    }
}

#[test]
fn the_danger_signs_come_before_the_date_and_the_review_changes_both() {
    let script = no_danger("2 days ago")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "treatment")
        .text("treatment", "5 days ago")
        .pick("review", "danger")
        .picks("danger.emergency", &["none"])
        .picks("danger.ed", &["none"])
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(
        &p.asked()[..3],
        ["danger.emergency", "danger.ed", "treatment"]
    );
    assert_eq!(o.answers.treatment.as_ref().unwrap().as_given, "5 days ago");
    assert_eq!(o.assessment.disposition, Disposition::HomeCare);
    // The review after the danger answers were changed still shows the new date.
    assert!(p.said().contains("Treatment: 5 days ago"), "{}", p.said());
}

#[test]
fn a_day_without_a_time_is_the_whole_day_not_its_midnight() {
    // Treated "yesterday", now 09:00: the triage counts from the start of yesterday, the
    // aftercare from its end, so the 24 hours without makeup may not be over yet.
    let script = no_danger("yesterday")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.input.treated_at.as_deref(), Some("2026-11-20"));
    // The time of the answers is kept, so that the case read again later is the same.
    assert_eq!(o.input.assessed_at.as_deref(), Some(NOW_RFC3339));
    assert_eq!(o.case.days_since_treatment, 1.0 + 9.0 / 24.0);
    assert!(o.case.shortest_days_since_treatment < 0.5);
    assert!(
        o.assessment.advice.iter().any(|a| a.id == "no_makeup"),
        "{:?}",
        o.assessment.advice
    );
    assert!(p.said().contains("time not given"), "{}", p.said());
    assert!(!p.said().contains("00:00"), "{}", p.said());

    // With a time of day, the instant with its offset.
    let script = no_danger("yesterday 14:30")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(
        o.input.treated_at.as_deref(),
        Some("2026-11-20T14:30:00+00:00")
    );
    assert_eq!(o.input.assessed_at.as_deref(), Some(NOW_RFC3339));
    assert_eq!(
        o.case.days_since_treatment,
        o.case.shortest_days_since_treatment
    );

    // A calendar day without a time is the date alone too.
    let script = ScriptedPrompter::new()
        .picks("danger.emergency", &["none"])
        .picks("danger.ed", &["none"])
        .text("treatment", "")
        .then(
            "treatment.calendar",
            Scripted::Date(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
        )
        .text("treatment.time", "")
        .picks("symptoms", &["none"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.input.treated_at.as_deref(), Some("2026-11-20"));
    assert!(o.assessment.advice.iter().any(|a| a.id == "no_makeup"));
}

const NOW_RFC3339: &str = "2026-11-21T09:00:00+00:00";

#[test]
fn a_start_today_is_now_not_the_start_of_the_day_number() {
    // Treated at 11:24 yesterday, now 09:00: 0.9 days, still day 0. Pinpoint bleeding that
    // began "today" is a late start, as JSON started_day 0.85 or later says: see today.
    // On day 0 the start is asked when the hour can change the answer (pinpoint bleeding
    // past 12 hours); not known, it is read as now, the careful end.
    let since = |start: &str| {
        no_danger("yesterday 11:24")
            .picks("symptoms", &["pinpoint_bleeding"])
            .pick("symptom.pinpoint_bleeding.severity", "mild")
            .pick("symptom.pinpoint_bleeding.trend", "stable")
            .pick("symptom.pinpoint_bleeding.started", start)
            .then("repeat_contact", Scripted::No)
            .pick("review", "done")
    };
    // "Since the treatment": what the person said, no late start.
    let (out, p) = run_patient(since("day:0"));
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.input.symptoms[0].started_day, Some(0.0));
    // "Not sure": the latest it can have begun, now.
    let (out, p) = run_patient(since("not_sure"));
    let o = out.unwrap();
    done(&p);
    assert!((o.case.days_since_treatment - 0.9).abs() < 1e-9);
    assert_eq!(
        o.input.symptoms[0].started_day,
        Some(o.case.days_since_treatment)
    );
    let (json, code, _) = crate::support::check_json(
        r#"{"days_since_treatment": 0.9, "symptoms": [{"id": "pinpoint_bleeding", "severity": "mild", "trend": "stable", "started_day": 0.85}]}"#,
    );
    assert_eq!(code, 0);
    assert_eq!(json["disposition"], "see_today");
    assert_eq!(o.assessment.disposition, Disposition::SeeToday);
    // Day 0 runs from yesterday 11:24 to now: not called "today, the treatment day".
    use aftercare::questionnaire::{start_day_words, Elapsed};
    let words = start_day_words(0, o.answers.elapsed(now()));
    assert!(!words.contains("treatment day"), "{words}");
    assert!(!words.contains("today"), "{words}");
    let same_day = Elapsed {
        days: 0.3,
        treated_today: true,
    };
    assert_eq!(start_day_words(0, same_day), "Since the treatment, today");
    let day_two = Elapsed {
        days: 2.5,
        treated_today: false,
    };
    let words: Vec<String> = (0..=2).map(|d| start_day_words(d, day_two)).collect();
    assert_eq!(
        words,
        [
            "Since the treatment (day 0)",
            "Day 1: yesterday",
            "Day 2: today"
        ]
    );
}

#[test]
fn the_cancel_safety_net_is_built_from_the_emergency_signs() {
    let rules = RuleSet::built_in();
    let line = aftercare::questionnaire::cancel_safety_net(&rules);
    assert!(
        line.starts_with("If you have trouble breathing, "),
        "{line}"
    );
    assert!(line.ends_with(", call emergency services now."), "{line}");
    for w in rules
        .warning_signs
        .iter()
        .filter(|w| w.disposition == Disposition::CallEmergencyNow)
    {
        assert!(
            line.contains(&w.label.to_lowercase()),
            "{} missing: {line}",
            w.id
        );
    }
    // Only the emergency signs: a go-to-ED sign is not in it.
    assert!(!line.contains("red streaks"), "{line}");
}

#[test]
fn the_nurse_hears_the_instruction_at_the_first_positive_sign() {
    let script = ScriptedPrompter::new()
        .then("danger.difficulty_breathing", Scripted::Yes)
        .text("treatment", "1 day ago")
        .pick("override", "keep");
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.disposition(), Disposition::CallEmergencyNow);
    let said = p
        .transcript
        .iter()
        .position(|l| l.starts_with("say: ") && l.contains("CALL EMERGENCY SERVICES NOW"))
        .expect("the instruction is said");
    let date = p
        .transcript
        .iter()
        .position(|l| l.starts_with("? treatment "))
        .unwrap();
    assert!(said < date, "{:?}", p.transcript);

    // A follow-up that makes it an emergency is said at once too.
    let s = nurse_denies(Disposition::CallEmergencyNow);
    let script = s
        .then("danger.red_streaks", Scripted::Yes)
        .then("more.fever", Scripted::Yes)
        .then("more.purple_spots", Scripted::Yes)
        .text("treatment", "1 day ago")
        .pick("override", "keep");
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.disposition(), Disposition::CallEmergencyNow);
    let lines: Vec<&String> = p
        .transcript
        .iter()
        .filter(|l| l.starts_with("say: >>>"))
        .collect();
    assert!(lines[0].contains("go_to_ed_now"), "{lines:?}");
    assert!(lines[1].contains("call_emergency_now"), "{lines:?}");
}

#[test]
fn esc_at_the_override_keeps_the_computed_disposition() {
    let script = nurse_background(
        nurse_no_danger("2 days ago", &["fever"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::No),
    )
    .then("override", Scripted::Esc);
    let (out, p) = run_nurse(script);
    let o = out.expect("Esc at the override is not a cancel");
    done(&p);
    assert_eq!(o.disposition(), Disposition::SeeToday);
    assert!(o.nurse_override.is_none());
    let note = aftercare::questionnaire::sbar::render(&o, &RuleSet::built_in(), 80);
    assert!(
        note.contains("Disposition as computed by the rules (see_today)"),
        "{note}"
    );
}

#[test]
fn a_large_lowering_needs_a_reason_and_an_explicit_yes() {
    let emergency = || {
        ScriptedPrompter::new()
            .then("danger.difficulty_breathing", Scripted::Yes)
            .text("treatment", "1 day ago")
            .pick("override", "see_today")
            .text(
                "override.reason",
                "wheeze known asthma, settled with own inhaler",
            )
    };
    // Enter alone is not an answer; y confirms, and both are recorded.
    let script = emergency()
        .then("override.confirm", Scripted::Enter)
        .then("override.confirm", Scripted::Yes);
    let (out, p) = run_nurse(script);
    let o = out.unwrap();
    done(&p);
    let ov = o.nurse_override.as_ref().unwrap();
    assert_eq!(ov.to, Disposition::SeeToday);
    assert_eq!(ov.confirmed, Some(true));
    assert!(ov.reason.is_some());
    let note = aftercare::questionnaire::sbar::render(&o, &RuleSet::built_in(), 400);
    assert!(note.contains("Lowering confirmed by the nurse."), "{note}");
    let record =
        serde_json::to_value(aftercare::questionnaire::record::Record::new(&o, None)).unwrap();
    assert_eq!(record["override"]["confirmed"], true);
    assert_eq!(
        record["override"]["reason"],
        "wheeze known asthma, settled with own inhaler"
    );

    // n keeps the computed disposition.
    let (out, p) = run_nurse(emergency().then("override.confirm", Scripted::No));
    let o = out.unwrap();
    done(&p);
    assert!(o.nurse_override.is_none());
    assert_eq!(o.disposition(), Disposition::CallEmergencyNow);

    // Which lowerings ask.
    use aftercare::questionnaire::Override;
    use Disposition::*;
    assert!(Override::needs_confirmation(GoToEdNow, SeeToday));
    assert!(Override::needs_confirmation(SeeToday, SeeWithin2Weeks));
    assert!(!Override::needs_confirmation(SeeToday, SeeWithin3Days));
    assert!(!Override::needs_confirmation(SeeToday, CallEmergencyNow));
}

#[test]
fn something_else_is_asked_in_words_and_never_read_as_normal() {
    let script = no_danger("3 days ago")
        .picks("symptoms", &["other"])
        // Control characters and an empty answer are refused; the words are kept.
        .text("symptom.other.description", "")
        .text("symptom.other.description", "a rash\u{7} on the neck")
        .text("symptom.other.description", "a rash on the neck")
        .pick("symptom.other.severity", "mild")
        .pick("symptom.other.trend", "stable")
        .pick("symptom.other.started", "day:2")
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(
        p.transcript.iter().filter(|l| l.starts_with("! ")).count(),
        2
    );
    assert!(o.assessment.disposition >= Disposition::SeeWithin3Days);
    assert_eq!(
        o.input.symptoms[0].description.as_deref(),
        Some("a rash on the neck")
    );
    // A start answered as a day is that whole day.
    assert_eq!(o.input.symptoms[0].started_on_day, Some(2.0));
    assert!(p.said().contains("Something else (\"a rash on the neck\")"));
    let text = patient::result_text(&o, crate::support::rules(), Style::plain());
    assert!(text.contains("a rash on the neck"), "{text}");
}

#[test]
fn the_start_since_the_treatment_differs_from_later_that_day() {
    let run = |start: &str| {
        let script = details(
            no_danger("3 days ago").picks("symptoms", &["redness"]),
            "redness",
            "mild",
            "improving",
            start,
        )
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
        let (out, p) = run_patient(script);
        done(&p);
        out.unwrap().input.symptoms[0].clone()
    };
    let since = run("day:0");
    assert_eq!((since.started_day, since.started_on_day), (Some(0.0), None));
    let later = run("day:0:later");
    assert_eq!((later.started_day, later.started_on_day), (None, Some(0.0)));
    let day1 = run("day:1");
    assert_eq!((day1.started_day, day1.started_on_day), (None, Some(1.0)));
}

#[test]
fn a_risk_factor_is_asked_only_when_it_can_change_the_result() {
    // Blisters with eczema would be the emergency department: asked, with "None of these".
    let script = no_danger("3 days ago")
        .picks("symptoms", &["blisters"])
        .picks("risk_factors", &["eczema"]);
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.assessment.disposition, Disposition::GoToEdNow);
    assert_eq!(o.input.risk_factors, Some(vec!["eczema".to_string()]));
    let text = patient::result_text(&o, crate::support::rules(), Style::plain());
    let last = text.trim_end().rsplit("\n\n").next().unwrap();
    assert!(
        last.starts_with("GO TO AN EMERGENCY DEPARTMENT NOW"),
        "{text}"
    );

    // Mild redness: no risk factor can change it, none is asked.
    let script = details(
        no_danger("3 days ago").picks("symptoms", &["redness"]),
        "redness",
        "mild",
        "improving",
        "day:0",
    )
    .then("repeat_contact", Scripted::No)
    .pick("review", "done");
    let (out, p) = run_patient(script);
    done(&p);
    assert!(!p.asked().contains(&"risk_factors".to_string()));
    assert_eq!(out.unwrap().input.risk_factors, None);
}

#[test]
fn none_of_these_is_one_enter_and_enter_elsewhere_explains_space() {
    let script = ScriptedPrompter::new()
        .then("danger.emergency", Scripted::EnterOn("fainting".into()))
        .then("danger.emergency", Scripted::EnterOn("none".into()))
        .then("danger.ed", Scripted::EnterOn("none".into()))
        .text("treatment", "today")
        .then("symptoms", Scripted::EnterOn("none".into()))
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    let refusal = p.transcript.iter().find(|l| l.starts_with("! ")).unwrap();
    assert!(refusal.contains("Space"), "{refusal}");
    assert_eq!(o.assessment.disposition, Disposition::HomeCare);
    // On day 0 the opening screen said what this is, and no start was asked.
    assert!(p.said().contains("not a diagnosis"));
}

#[test]
fn a_nurse_call_asks_before_discarding_and_keeps_a_stopped_call() {
    let rules = crate::support::rules();
    // Esc before any answer: cancelled, nothing kept.
    let mut p = ScriptedPrompter::new().then("call.caller_name", Scripted::Esc);
    assert!(matches!(
        nurse::run(&mut p, rules, now(), None),
        Err(Error::Cancelled)
    ));
    // After the instruction: "Stop the call?", back goes back, keep stops and keeps it;
    // discarding is not offered.
    let mut p = ScriptedPrompter::new()
        .text("call.caller_name", "")
        .then("danger.difficulty_breathing", Scripted::Yes)
        .then("treatment", Scripted::Esc)
        .pick("call.stop", "back")
        .then("treatment", Scripted::CtrlC)
        .pick("call.stop", "keep");
    let o = nurse::run(&mut p, rules, now(), Some("JB")).unwrap();
    done(&p);
    let call = o.call.as_ref().unwrap();
    assert_eq!(call.stopped.as_deref(), Some("interrupted"));
    assert_eq!(o.disposition(), Disposition::CallEmergencyNow);
    let note = aftercare::questionnaire::sbar::render(&o, rules, 72);
    assert!(note.contains("CALL STOPPED (interrupted)"), "{note}");
    let record = serde_json::to_value(aftercare::questionnaire::record::Record::new(
        &o,
        Some(&note),
    ))
    .unwrap();
    assert_eq!(record["call"]["stopped"], "interrupted");
    assert!(record["call"].get("before_instruction").is_none());
    let offered = p
        .transcript
        .iter()
        .find(|l| l.starts_with("? call.stop"))
        .unwrap();
    assert!(offered.contains("[back, keep]"), "{offered}");
}

/// C3: stopped before any instruction, the call is kept or discarded as the nurse chooses;
/// kept, it holds the call details and says that no disposition was given.
#[test]
fn a_call_stopped_before_any_instruction_is_kept_or_discarded_as_chosen() {
    let rules = crate::support::rules();
    let start = || {
        ScriptedPrompter::new()
            .text("call.caller_name", "Ann Example")
            .pick("call.caller", "someone else")
            // A right-to-left override in a name is refused as a control character is
            // (N13: one predicate for every input), and the name asked again.
            .text("call.patient_name", "Bea Example\u{202e}")
            .text("call.patient_name", "Bea Example")
            .text("call.patient_birth_date", "31 Feb 1980")
            .text("call.patient_birth_date", "2030-01-01")
            .text("call.patient_birth_date", "23 april 1980")
            .text("call.callback", "07700 900123")
            .text("call.complaint", "her cheek is swollen")
            .then("danger.difficulty_breathing", Scripted::No)
            .then("danger.throat_swelling", Scripted::Esc)
    };
    let mut p = start()
        .pick("call.stop", "back")
        .then("danger.throat_swelling", Scripted::Esc)
        .pick("call.stop", "keep");
    let o = nurse::run(&mut p, rules, now(), Some("JB")).unwrap();
    done(&p);
    let call = o.call.as_ref().unwrap();
    assert_eq!(call.stopped.as_deref(), Some("cancelled"));
    assert!(call.before_instruction);
    assert_eq!(
        (
            call.caller_name.as_str(),
            call.caller.as_str(),
            call.callback.as_str(),
            call.complaint.as_str()
        ),
        (
            "Ann Example",
            "someone else",
            "07700 900123",
            "her cheek is swollen"
        )
    );
    assert!(o.answers.treatment.is_none());
    let note = aftercare::questionnaire::sbar::render(&o, rules, 72);
    let words = note.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("CALL STOPPED (cancelled) before any disposition was given"),
        "{note}"
    );
    assert!(
        words.contains("None given: the call stopped first."),
        "{note}"
    );
    assert!(words.contains("treatment date not asked"), "{note}");
    // What was not asked says why: the call stopped, not a positive sign.
    assert!(
        words.contains("Not taken: the call stopped first."),
        "{note}"
    );
    assert!(
        words.contains(
            "denies: trouble breathing; not asked (the call stopped first): swelling of the lips"
        ),
        "{note}"
    );
    assert!(
        words.contains("Same-day signs: not asked (the call stopped first)."),
        "{note}"
    );
    assert!(!words.contains("after a danger sign"), "{note}");
    assert!(!words.contains("stopped at a danger sign"), "{note}");
    assert!(!words.contains("Disposition as computed"), "{note}");
    let record = serde_json::to_value(aftercare::questionnaire::record::Record::new(
        &o,
        Some(&note),
    ))
    .unwrap();
    assert_eq!(record["call"]["before_instruction"], true);
    assert_eq!(record["call"]["callback"], "07700 900123");
    // The patient, apart from the caller, and when the call began and ended.
    assert_eq!(record["call"]["patient_name"], "Bea Example");
    assert_eq!(record["call"]["patient_birth_date"], "1980-04-23");
    assert_eq!(record["call"]["started_at"], "2026-11-21T09:00:00+00:00");
    assert_eq!(record["call"]["ended_at"], "2026-11-21T09:00:00+00:00");
    assert!(
        words.contains("Patient: Bea Example, born 1980-04-23."),
        "{note}"
    );
    assert!(
        words.contains("Call from 09:00:00 to 09:00:00 +00:00."),
        "{note}"
    );
    // A date that cannot be a birth date is asked again, never kept; so is a name with a
    // bidi override.
    let refusals = p.transcript.iter().filter(|l| l.starts_with("! ")).count();
    assert_eq!(refusals, 3, "{:?}", p.transcript);
    // Discarded: nothing comes back.
    let mut p = start().pick("call.stop", "discard");
    assert!(matches!(
        nurse::run(&mut p, rules, now(), None),
        Err(Error::Cancelled)
    ));
}

#[test]
fn a_call_stopped_during_the_follow_ups_of_a_positive_sign_is_kept() {
    let rules = crate::support::rules();
    // The instruction is given when it is printed: Esc at the follow-up that comes after
    // it stops a call that gave an instruction, and the record keeps it.
    let mut p = nurse_denies(Disposition::CallEmergencyNow)
        .before("call.caller_name", Scripted::Text(String::new()))
        .then("danger.red_streaks", Scripted::Yes)
        .then("more.fever", Scripted::Esc)
        .pick("call.stop", "keep");
    let o = nurse::run(&mut p, rules, now(), Some("JB")).unwrap();
    done(&p);
    assert_eq!(
        o.call.as_ref().unwrap().stopped.as_deref(),
        Some("cancelled")
    );
    assert_eq!(o.disposition(), Disposition::GoToEdNow);
    assert_eq!(o.stopped_at.as_deref(), Some("red_streaks"));
    assert!(p.said().contains("GO TO AN EMERGENCY DEPARTMENT NOW"));
}

#[test]
fn a_search_that_matches_nothing_is_something_else_in_its_words() {
    let script = details(
        no_danger("2 days ago").then("symptoms", Scripted::Search("jaw ache".into())),
        "other",
        "moderate",
        "stable",
        "day:0",
    )
    .then("repeat_contact", Scripted::No)
    .pick("review", "done");
    let (out, p) = run_patient(script);
    let o = out.unwrap();
    done(&p);
    let other = o.answers.symptoms.iter().find(|s| s.id == "other").unwrap();
    assert_eq!(other.description.as_deref(), Some("jaw ache"));
    assert!(!p.asked().contains(&"symptom.other.description".to_string()));
    assert!(o.assessment.disposition >= Disposition::SeeWithin3Days);
}

/// B1: each risk factor is asked once, in the background, by the rule file's question; a
/// "yes" there is the case's risk factor at once, and one not known whose "yes" would make
/// the disposition more urgent is said to the nurse.
#[test]
fn the_background_risk_factors_are_the_cases_and_asked_once() {
    let rules = crate::support::rules();
    let burning = |rf: &str| {
        let s = details(
            nurse_no_danger("2 days ago", &["none"]).picks("symptoms", &["burning"]),
            "burning",
            "moderate",
            "stable",
            "day:0",
        )
        .then("repeat_contact", Scripted::No)
        .risk_factors(rules, &[("radio_frequency", rf)])
        .picks("background.treated_areas", &[])
        .picks("background.products", &[])
        .text("background.numbing_products", "")
        .text("background.allergies", "")
        .text("background.session", "");
        s.pick("override", "keep")
    };
    let (out, p) = run_nurse(burning("yes"));
    let o = out.unwrap();
    done(&p);
    assert_eq!(
        o.input.risk_factors,
        Some(vec!["radio_frequency".to_string()])
    );
    assert_eq!(o.assessment.disposition, Disposition::SeeToday);
    let asked: Vec<String> = p.asked();
    for r in &rules.risk_factors {
        let id = format!("background.{}", r.id);
        assert_eq!(asked.iter().filter(|a| **a == id).count(), 1, "{id}");
        assert!(
            p.transcript.iter().any(|l| l.contains(&r.question)),
            "{}",
            r.question
        );
    }
    assert!(!asked
        .iter()
        .any(|a| a == "background.risk_factors" || a == "risk_factors"));
    // Not known: not in the case, never "denies", and said as what would raise it.
    let (out, p) = run_nurse(burning("not_known"));
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.assessment.disposition, Disposition::SeeWithin3Days);
    assert!(
        p.said().contains("Not known, and would make it more urgent if yes: radio-frequency micro-needling (see_today)"),
        "{}",
        p.said()
    );
    let note = aftercare::questionnaire::sbar::render(&o, rules, 200);
    assert!(
        note.contains("not known: radio-frequency micro-needling"),
        "{note}"
    );
    assert!(!note.contains("denies: radio-frequency"), "{note}");
}

/// A warning sign ticked in the symptom list is one of the person's symptoms in the
/// review, not a danger sign beside "Symptoms: none of them".
#[test]
fn a_sign_ticked_in_the_symptom_list_is_reviewed_among_the_symptoms() {
    let script = no_danger("2 days ago")
        .picks("symptoms", &["numbness"])
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    out.unwrap();
    done(&p);
    let said = p.said();
    assert!(said.contains("Danger signs: none of them"), "{said}");
    assert!(said.contains("- Numbness: a warning sign"), "{said}");
    assert!(!said.contains("Symptoms: none of them"), "{said}");
}

/// C10: the advice list opens with nothing ticked; an item is recorded as given only when
/// the nurse ticks it.
#[test]
fn the_advice_given_is_only_what_the_nurse_ticks() {
    let rules = crate::support::rules();
    let mut p = nurse_background(
        nurse_no_danger("2 days ago", &["fever"])
            .before("call.caller_name", Scripted::Text(String::new()))
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::No),
    )
    .pick("override", "keep")
    // Enter alone: nothing was ticked when the list opened, so it is refused.
    .then("call.advice_given", Scripted::Enter)
    .picks("call.advice_given", &["disposition"])
    .then("call.understood", Scripted::Yes)
    .text("call.notes", "");
    let o = nurse::run(&mut p, rules, now(), Some("JB")).unwrap();
    done(&p);
    assert!(p
        .transcript
        .iter()
        .any(|l| l.starts_with("! Nothing is ticked")));
    let call = o.call.as_ref().unwrap();
    assert_eq!(call.advice_given.len(), 1, "{:?}", call.advice_given);
    assert!(!call.safety_net_given);
    let note = aftercare::questionnaire::sbar::render(&o, rules, 72);
    assert!(
        note.contains("Safety net: not confirmed as given."),
        "{note}"
    );
}

/// On day 0 there is no "last day" yet: the trend is asked since the treatment.
#[test]
fn on_day_0_the_trend_is_asked_since_the_treatment() {
    let script = no_danger("today")
        .picks("symptoms", &["redness"])
        .pick("symptom.redness.severity", "mild")
        .pick("symptom.redness.trend", "stable")
        .then("repeat_contact", Scripted::No)
        .pick("review", "done");
    let (out, p) = run_patient(script);
    out.unwrap();
    done(&p);
    let asked = p
        .transcript
        .iter()
        .find(|l| l.starts_with("? symptom.redness.trend"))
        .unwrap();
    assert!(asked.contains("since the treatment"), "{asked}");
    assert!(!asked.contains("last day"), "{asked}");
}

#[test]
fn the_nurse_sees_the_disposition_before_the_background() {
    let script = nurse_background(
        nurse_no_danger("2 days ago", &["fever"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::No),
    )
    .pick("override", "keep");
    let (out, p) = run_nurse(script);
    out.unwrap();
    let said = p
        .transcript
        .iter()
        .position(|l| l.contains("Computed disposition: SEE TODAY"))
        .unwrap();
    let device = p
        .transcript
        .iter()
        .position(|l| l.starts_with("? background.radio_frequency"))
        .unwrap();
    assert!(said < device, "{:#?}", p.transcript);
}

#[test]
fn record_show_prints_the_call_again_and_its_case_gives_the_same_disposition() {
    let dir = tempfile::tempdir().unwrap();
    let rules = crate::support::rules();
    let script = end_of_call(
        nurse_background(
            nurse_no_danger("yesterday", &["fever"])
                .picks("symptoms", &["none"])
                .then("repeat_contact", Scripted::No),
        )
        .pick("override", "keep")
        .before("call.caller_name", Scripted::Text(String::new())),
    );
    let mut p = script;
    let o = nurse::run(&mut p, rules, now(), Some("JB")).unwrap();
    let note = aftercare::questionnaire::sbar::render(&o, rules, 72);
    let path = dir.path().join("call.json");
    aftercare::questionnaire::record::write(
        &path,
        &aftercare::questionnaire::record::Record::new(&o, Some(&note)),
    )
    .unwrap();
    let file = path.to_str().unwrap();
    // Later, with another clock: the note as printed, the report of the same case.
    let later = "2026-12-01T12:00:00Z";
    let shown = crate::support::run_at(later, &["record", "show", file], "");
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert_eq!(shown.stdout, note);
    let text = crate::support::run_at(later, &["record", "show", file, "--format", "text"], "");
    assert!(text.stdout.starts_with("SEE TODAY"), "{}", text.stdout);
    let json = crate::support::run_at(later, &["record", "show", file, "--format", "json"], "");
    let saved: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let check = crate::support::run_at(
        later,
        &["check", "--input", "-", "--format", "disposition"],
        saved["case"].to_string(),
    );
    assert_eq!(check.stdout.trim(), "see_today");
    // Not a record: one line naming the file.
    std::fs::write(dir.path().join("x.json"), "{}").unwrap();
    let bad = crate::support::run(
        &[
            "record",
            "show",
            dir.path().join("x.json").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(bad.code, 3);
    assert!(bad.stderr.contains("not a record"), "{}", bad.stderr);
}

/// The patient's result screens, at 80 and 40 columns: what to do is always the last thing.
#[test]
fn the_patient_result_at_both_widths() {
    let rules = crate::support::rules();
    let normal = || {
        details(
            no_danger("3 days ago").picks("symptoms", &["redness", "fever"]),
            "redness",
            "moderate",
            "improving",
            "day:0",
        )
        .then("risk_factors", Scripted::EnterOn("none".into()))
        .then("repeat_contact", Scripted::No)
        .pick("review", "done")
    };
    let emergency = || ScriptedPrompter::new().picks("danger.emergency", &["difficulty_breathing"]);
    for (name, script) in [("see_today", normal()), ("emergency", emergency())] {
        let (out, p) = run_patient(script);
        let o = out.unwrap();
        done(&p);
        for width in [80, 40] {
            let text = patient::result_text(
                &o,
                rules,
                Style {
                    color: false,
                    width,
                },
            );
            assert!(text.lines().all(|l| l.chars().count() <= width), "{text}");
            assert!(
                !text.contains(".38") && !text.contains("[redness"),
                "{text}"
            );
            insta::assert_snapshot!(format!("patient_result_{name}_{width}"), text);
        }
    }
}

// --- The nurse's call started from a sent web check-in -------------------------------------

/// A check-in sent at 07:00, two hours before the call: the danger signs denied, treatment
/// on 18 Nov (no time), redness moderate and getting worse since the treatment, mild itching
/// since day 1, a fever (with the redness: the emergency department); no eczema; not a
/// repeat contact. Read back from the JSON the web check-in stores.
fn sent_checkin() -> aftercare::questionnaire::FromCheckin {
    use aftercare::questionnaire::{
        checkin_answers, treatment_on, Answers, FromCheckin, SignAnswer, SymptomAnswer,
    };
    let rules = crate::support::rules();
    let sent_at = DateTime::parse_from_rfc3339("2026-11-21T07:00:00Z").unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
    let mut a = Answers::new(Some(treatment_on(day, None, sent_at).unwrap()));
    for w in rules
        .warning_signs
        .iter()
        .filter(|w| w.disposition >= Disposition::GoToEdNow)
    {
        a.signs.push(SignAnswer {
            id: w.id.as_str().into(),
            answer: SignState::No,
        });
    }
    a.signs.push(SignAnswer {
        id: "fever".into(),
        answer: SignState::Yes,
    });
    a.symptoms_asked = true;
    a.symptoms.push(SymptomAnswer {
        id: "redness".into(),
        severity: aftercare_core::Severity::Moderate,
        trend: TrendAnswer::Worsening,
        started: Started::Day(0),
        description: None,
    });
    a.symptoms.push(SymptomAnswer {
        id: "itching".into(),
        severity: aftercare_core::Severity::Mild,
        trend: TrendAnswer::Stable,
        started: Started::Day(1),
        description: None,
    });
    a.risk_factors.push(SignAnswer {
        id: "eczema".into(),
        answer: SignState::No,
    });
    a.repeat_contact = Some(false);
    // As the web check-in stores them: the answers with their case.
    let stored = serde_json::json!({ "answers": a, "case": a.case_input(sent_at) }).to_string();
    let answers = checkin_answers(&stored).unwrap();
    assert_eq!(answers, a);
    assert_eq!(
        checkin_answers(&serde_json::to_string(&a).unwrap()).unwrap(),
        a
    );
    FromCheckin {
        checkin: "ci-7f3a".into(),
        patient_name: "Ana Lima".into(),
        phone: "07700 900123".into(),
        answers,
        sent_at,
        disposition: Disposition::GoToEdNow,
    }
}

/// Runs a nurse's call from `from`; the end of the call confirms what is offered.
fn run_nurse_from(
    script: ScriptedPrompter,
    from: &aftercare::questionnaire::FromCheckin,
) -> (Result<Outcome, Error>, ScriptedPrompter) {
    let mut p = end_of_call(script);
    let out = nurse::run_from(
        &mut p,
        crate::support::rules(),
        now(),
        Some("JB"),
        Some(from),
    );
    (out, p)
}

/// The call details from a check-in: its name and number confirmed, the patient calling,
/// no date of birth, the complaint left to name the check-in.
fn checkin_details_confirmed() -> ScriptedPrompter {
    ScriptedPrompter::new()
        .then("call.from_checkin", Scripted::Yes)
        .pick("call.caller", "patient")
        .text("call.patient_birth_date", "")
        .text("call.complaint", "")
}

fn danger_sign_ids() -> Vec<String> {
    let rules = crate::support::rules();
    rules
        .signs_of(Disposition::CallEmergencyNow)
        .into_iter()
        .chain(rules.signs_of(Disposition::GoToEdNow))
        .map(|id| format!("danger.{id}"))
        .collect()
}

#[test]
fn a_call_from_a_checkin_asks_the_danger_signs_again_and_keeps_what_still_holds() {
    let from = sent_checkin();
    let mut script = checkin_details_confirmed();
    for id in danger_sign_ids() {
        script = script.then(&id, Scripted::No);
    }
    let script = script
        .then("treatment.from_checkin", Scripted::Yes)
        // Nothing ticked from the check-in: Enter alone submits an empty list, refused.
        .then("same_day", Scripted::Enter)
        .picks("same_day", &["fever"])
        // Enter keeps what is ticked: the check-in's redness and itching.
        .then("symptoms", Scripted::Enter)
        .then("symptoms.checkin_details", Scripted::EnterOn("none".into()))
        // Redness getting worse with a fever: the emergency department, at once.
        .pick("override", "keep");
    let (out, p) = run_nurse_from(script, &from);
    let o = out.unwrap();
    done(&p);

    // Every danger sign asked again, and nothing the check-in settled asked twice.
    let asked = p.asked();
    for id in danger_sign_ids() {
        assert!(asked.contains(&id), "{id} not asked: {asked:?}");
    }
    for not in [
        "call.caller_name",
        "call.callback",
        "treatment",
        "symptom.redness.severity",
        "symptom.redness.trend",
        "symptom.redness.started",
    ] {
        assert!(!asked.iter().any(|a| a == not), "{not} asked: {asked:?}");
    }
    assert!(
        p.transcript
            .iter()
            .any(|l| l.starts_with("! Nothing is ticked")),
        "the same-day signs were ticked from the check-in:\n{}",
        p.transcript.join("\n")
    );
    let said = p.said();
    assert!(said.contains("Callback on web check-in ci-7f3a, sent today at 07:00, 2 hours ago, which gave GO TO AN EMERGENCY DEPARTMENT NOW (go_to_ed_now)."), "{said}");
    assert!(
        said.contains("The check-in reported: fever. Asked again"),
        "{said}"
    );
    assert!(
        said.contains("Ticked from the check-in: redness, itching."),
        "{said}"
    );
    assert!(
        p.transcript.iter().any(|l| l.contains(
            "? symptoms.checkin_details Details from the check-in sent today at 07:00, 2 hours ago: check each is still right"
        )),
        "{}",
        p.transcript.join("\n")
    );

    // The same case as the same answers given in a call without the check-in.
    let script = details(
        nurse_no_danger("2026-11-18", &["fever"]).picks("symptoms", &["redness", "itching"]),
        "redness",
        "moderate",
        "worsening",
        "day:0",
    );
    let (plain, q) = run_nurse(script.pick("override", "keep"));
    let plain = plain.unwrap();
    done(&q);
    assert_eq!(o.input, plain.input);
    assert_eq!(o.case, plain.case);
    assert_eq!(o.assessment.disposition, plain.assessment.disposition);
    assert_eq!(o.stopped_at, plain.stopped_at);
    assert_eq!(o.disposition(), Disposition::GoToEdNow);
    // The redness decided it: the itching's details, confirmed, were not needed (the
    // stop leaves it ticked with the protocol's defaults, as in the call without them).
    assert_eq!(o.answers.symptoms, from.answers.symptoms[..1]);
    assert_eq!(o.answers.pending, ["itching"]);
    assert!(
        said.contains(">>> GO TO AN EMERGENCY DEPARTMENT NOW"),
        "{said}"
    );

    // The call, the note and the record name the check-in.
    let call = o.call.as_ref().unwrap();
    assert_eq!(call.from_checkin.as_deref(), Some("ci-7f3a"));
    assert_eq!(call.caller_name, "Ana Lima");
    assert_eq!(call.callback, "07700 900123");
    assert_eq!(
        call.complaint,
        "Check-in ci-7f3a (go to an emergency department now)"
    );
    assert_eq!(call.checkin_details_kept, ["redness"]);
    let rules = crate::support::rules();
    let note = aftercare::questionnaire::sbar::render(&o, rules, 200);
    assert!(
        note.contains("Callback on web check-in ci-7f3a, sent 2026-11-21 07:00 +00:00, which gave go to an emergency department now (go_to_ed_now)."),
        "{note}"
    );
    assert!(
        note.contains("Details as sent in the check-in, confirmed as still right: redness."),
        "{note}"
    );
    let record = serde_json::to_value(aftercare::questionnaire::record::Record::new(
        &o,
        Some(&note),
    ))
    .unwrap();
    assert_eq!(record["call"]["from_checkin"], "ci-7f3a");
    assert_eq!(record["call"]["checkin_disposition"], "go_to_ed_now");

    // A call without a check-in says nothing of one.
    let plain_record =
        serde_json::to_value(aftercare::questionnaire::record::Record::new(&plain, None)).unwrap();
    assert!(plain_record["call"].get("from_checkin").is_none());
    assert!(plain_record["call"].get("checkin_details_kept").is_none());
}

#[test]
fn a_checkin_whose_patient_now_has_a_danger_sign_stops_with_the_instruction() {
    let from = sent_checkin();
    let script = checkin_details_confirmed()
        .then("danger.difficulty_breathing", Scripted::No)
        .then("danger.throat_swelling", Scripted::Yes)
        .then("treatment.from_checkin", Scripted::Yes)
        .pick("override", "keep");
    let (out, p) = run_nurse_from(script, &from);
    let o = out.unwrap();
    done(&p);
    assert_eq!(o.disposition(), Disposition::CallEmergencyNow);
    assert_eq!(o.stopped_at.as_deref(), Some("throat_swelling"));
    let said = p.said();
    let instruction = said.find(">>> CALL EMERGENCY SERVICES NOW").expect(&said);
    // The instruction at once, before the treatment is confirmed.
    let treatment = p
        .transcript
        .iter()
        .position(|l| l.starts_with("? treatment.from_checkin"))
        .unwrap();
    let said_at = p
        .transcript
        .iter()
        .position(|l| l.contains(">>> CALL EMERGENCY SERVICES NOW"))
        .unwrap();
    assert!(said_at < treatment, "{}", p.transcript.join("\n"));
    assert!(instruction > 0);
    // Nothing from the check-in's symptom list stands in for questions not asked.
    assert!(!o.answers.symptoms_asked);
    assert!(o.answers.symptoms.is_empty());
    assert!(!p.asked().iter().any(|a| a == "symptoms" || a == "same_day"));
    let call = o.call.as_ref().unwrap();
    assert!(call.checkin_details_kept.is_empty());
    let note = aftercare::questionnaire::sbar::render(&o, crate::support::rules(), 200);
    assert!(note.contains("Callback on web check-in ci-7f3a"), "{note}");
    assert!(!note.contains("Details as sent in the check-in"), "{note}");
}

#[test]
fn a_checkin_treatment_the_nurse_corrects_has_every_detail_asked_again() {
    let from = sent_checkin();
    let script = ScriptedPrompter::new()
        .then("call.from_checkin", Scripted::No)
        .text("call.caller_name", "Rui Lima")
        .pick("call.caller", "someone else")
        .text("call.patient_name", "Ana Lima")
        .text("call.patient_birth_date", "")
        .text("call.callback", "07700 900999")
        .text("call.complaint", "her face is hot and red");
    let mut script = script;
    for id in danger_sign_ids() {
        script = script.then(&id, Scripted::No);
    }
    // The start days counted from the check-in's treatment would be wrong from another.
    let script = details(
        script
            .then("treatment.from_checkin", Scripted::No)
            .text("treatment", "2 days ago")
            .picks("same_day", &["none"])
            .then("symptoms", Scripted::Enter),
        "redness",
        "moderate",
        "stable",
        "day:0",
    );
    let script =
        details(script, "itching", "mild", "stable", "day:2").then("repeat_contact", Scripted::No);
    let script = nurse_background(script).pick("override", "keep");
    let (out, p) = run_nurse_from(script, &from);
    let o = out.unwrap();
    done(&p);
    assert!(!p.asked().iter().any(|a| a == "symptoms.checkin_details"));
    let call = o.call.as_ref().unwrap();
    assert_eq!(call.caller_name, "Rui Lima");
    assert_eq!(call.patient_name, "Ana Lima");
    assert_eq!(call.callback, "07700 900999");
    assert_eq!(call.complaint, "her face is hot and red");
    assert!(call.checkin_details_kept.is_empty());
    assert_eq!(o.answers.symptoms[0].trend, TrendAnswer::Stable);
    assert!(
        p.said().contains("Their details are asked again."),
        "{}",
        p.said()
    );
}

#[test]
fn a_detail_changed_since_the_checkin_is_asked_again() {
    let from = sent_checkin();
    let mut script = checkin_details_confirmed();
    for id in danger_sign_ids() {
        script = script.then(&id, Scripted::No);
    }
    let script = details(
        script
            .then("treatment.from_checkin", Scripted::Yes)
            .picks("same_day", &["none"])
            .then("symptoms", Scripted::Enter)
            .picks("symptoms.checkin_details", &["redness"]),
        "redness",
        "mild",
        "improving",
        "day:0",
    )
    .then("repeat_contact", Scripted::No);
    let script = nurse_background(script).pick("override", "keep");
    let (out, p) = run_nurse_from(script, &from);
    let o = out.unwrap();
    done(&p);
    let redness = &o.answers.symptoms[0];
    assert_eq!(
        (redness.severity, redness.trend),
        (aftercare_core::Severity::Mild, TrendAnswer::Improving)
    );
    assert_eq!(o.answers.symptoms[1], from.answers.symptoms[1]);
    assert!(!p.asked().iter().any(|a| a.starts_with("symptom.itching")));
    let call = o.call.as_ref().unwrap();
    assert_eq!(call.checkin_details_kept, ["itching"]);
    let note = aftercare::questionnaire::sbar::render(&o, crate::support::rules(), 200);
    assert!(
        note.contains("Details as sent in the check-in, confirmed as still right: itching."),
        "{note}"
    );
    // The record of a call from a check-in is a record as the schema describes it.
    let record = serde_json::to_value(aftercare::questionnaire::record::Record::new(
        &o,
        Some(&note),
    ))
    .unwrap();
    assert_eq!(
        record["call"]["checkin_details_kept"],
        serde_json::json!(["itching"])
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::support::repo_path("schemas/record.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&record)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn what_a_checkin_says_cannot_act_on_the_nurses_terminal() {
    let mut from = sent_checkin();
    from.patient_name = "Ana\u{1b}]0;owned\u{7} Lima".into();
    from.checkin = "ci\u{1b}[2J".into();
    let script = ScriptedPrompter::new()
        .then("call.from_checkin", Scripted::Yes)
        .pick("call.caller", "patient")
        .text("call.patient_birth_date", "")
        .text("call.complaint", "")
        .then("danger.difficulty_breathing", Scripted::Yes)
        .then("treatment.from_checkin", Scripted::Yes)
        .pick("override", "keep");
    let (out, p) = run_nurse_from(script, &from);
    let o = out.unwrap();
    done(&p);
    assert!(
        !p.transcript.iter().any(|l| l.contains('\u{1b}')),
        "{}",
        p.transcript.join("\n")
    );
    let call = o.call.as_ref().unwrap();
    assert_eq!(call.caller_name, "Ana\\u{1b}]0;owned\\u{7} Lima");
    assert_eq!(call.from_checkin.as_deref(), Some("ci\\u{1b}[2J"));
}

/// The questions of the conversation as a flow asked them: each question's id with the
/// message it was put in, from a scripted run's transcript ("? id message [keys] -> answer").
fn put(p: &ScriptedPrompter) -> Vec<(String, String)> {
    p.transcript
        .iter()
        .filter_map(|l| l.strip_prefix("? "))
        .filter_map(|l| {
            let (id, rest) = l.split_once(' ')?;
            let message = rest.rsplit_once(" -> ")?.0;
            // The keys of a list's choices, after the message.
            let message = match message.rsplit_once(" [") {
                Some((m, keys)) if keys.ends_with(']') => m,
                _ => message,
            };
            Some((id.to_string(), message.to_string()))
        })
        .collect()
}

/// The part of the conversation a prompt's id belongs to; `None` for the patient's review,
/// which says the answers back rather than asking a question of its own.
fn part_of(id: &str) -> Option<aftercare::conversation::Part> {
    use aftercare::conversation::{Part, BACKGROUND};
    let rules = crate::support::rules();
    Some(match id.split('.').next().unwrap_or("") {
        "review" => return None,
        "danger" => Part::DangerSigns,
        "treatment" => Part::Treatment,
        "same_day" => Part::SameDaySigns,
        "symptoms" | "symptom" | "risk_factors" => Part::Symptoms,
        "repeat_contact" => Part::RepeatContact,
        "background" => {
            let rest = &id["background.".len()..];
            if BACKGROUND.iter().any(|q| q.question.id == rest) {
                Part::Background
            } else {
                assert!(rules.risk_factor(rest).is_some(), "{id}");
                Part::RiskFactors
            }
        }
        "call" if id == "call.caller_name" => Part::CallDetails,
        "call" | "override" => Part::EndOfCall,
        _ => panic!("{id}: a question of no part of the conversation"),
    })
}

/// The patient's questionnaire and the nurse's call are the conversation, in its order
/// and its words: every question the tool words itself is put as `conversation` states it
/// (a symptom's details after its name), and the parts come in the side's order.
#[test]
fn the_flows_ask_the_conversation_in_its_order_and_words() {
    use aftercare::conversation::{self as c, Mode};
    let patient_script = details(
        no_danger("yesterday").picks("symptoms", &["redness"]),
        "redness",
        "mild",
        "improving",
        "day:0",
    )
    .then("repeat_contact", Scripted::No)
    .pick("review", "done");
    let (out, patient) = run_patient(patient_script);
    out.unwrap();
    done(&patient);
    let nurse_script = details(
        nurse_no_danger("3 days ago", &["none"]).picks("symptoms", &["redness"]),
        "redness",
        "moderate",
        "worsening",
        "day:0",
    )
    .then("repeat_contact", Scripted::No);
    let (out, nurse) = run_nurse(nurse_background(nurse_script).pick("override", "keep"));
    out.unwrap();
    done(&nurse);

    for (mode, p) in [(Mode::Patient, &patient), (Mode::Nurse, &nurse)] {
        let asked = put(p);
        let mut questions = vec![
            c::DANGER_EMERGENCY,
            c::DANGER_ED,
            c::SAME_DAY,
            c::SYMPTOMS,
            c::REPEAT_CONTACT,
        ];
        questions.extend(c::BACKGROUND.iter().map(|b| c::Question {
            id: Box::leak(format!("background.{}", b.question.id).into_boxed_str()),
            ..b.question
        }));
        questions.extend(c::CALL.iter().map(|q| c::Question {
            id: Box::leak(format!("call.{}", q.id).into_boxed_str()),
            ..*q
        }));
        questions.push(c::OVERRIDE);
        let mut checked = 0;
        for q in questions.iter().filter(|q| !q.asked(mode).is_empty()) {
            if let Some((_, message)) = asked.iter().find(|(id, _)| id == q.id) {
                assert_eq!(message, q.asked(mode), "{} for the {mode:?}", q.id);
                checked += 1;
            }
        }
        let treatment = asked.iter().find(|(id, _)| id == c::TREATMENT.id).unwrap();
        assert!(
            treatment.1.starts_with(c::TREATMENT.asked(mode)),
            "{treatment:?}"
        );
        for q in [c::SEVERITY, c::STARTED] {
            let id = format!("symptom.redness.{}", q.id);
            let (_, message) = asked.iter().find(|(i, _)| *i == id).unwrap();
            assert_eq!(message, &format!("Redness: {}", q.asked(mode)));
        }
        let least = match mode {
            Mode::Patient => 4,
            // With the background, the call's questions asked and the override.
            Mode::Nurse => 13,
        };
        assert!(checked >= least, "{mode:?}: {checked} checked of {asked:?}");

        // The parts, in the order asked, are the side's order.
        let mut parts: Vec<c::Part> = Vec::new();
        for (id, _) in &asked {
            let Some(part) = part_of(id) else { continue };
            if parts.last() != Some(&part) {
                assert!(!parts.contains(&part), "{part:?} again at {id}: {asked:?}");
                parts.push(part);
            }
        }
        let order: Vec<c::Part> = mode
            .parts()
            .iter()
            .copied()
            .filter(|p| parts.contains(p))
            .collect();
        assert_eq!(parts, order, "{mode:?}");
    }
}

/// The FHIR Questionnaire is the same conversation: a question the tool words itself has
/// the words the flows put it in, for each side.
#[test]
fn the_fhir_questionnaire_words_its_questions_as_the_flows_do() {
    use aftercare::conversation::{self as c, Mode};
    let rules = crate::support::rules();
    for mode in [Mode::Patient, Mode::Nurse] {
        let q = aftercare::output::fhir::questionnaire(rules, mode);
        let mut texts = std::collections::BTreeMap::new();
        fn walk(items: &serde_json::Value, out: &mut std::collections::BTreeMap<String, String>) {
            for item in items.as_array().into_iter().flatten() {
                if let (Some(link), Some(text)) = (item["linkId"].as_str(), item["text"].as_str()) {
                    out.insert(link.to_string(), text.to_string());
                }
                walk(&item["item"], out);
            }
        }
        walk(&q["item"], &mut texts);
        let mut expected = vec![(c::TREATMENT.id.to_string(), c::TREATMENT.asked(mode))];
        for question in [
            c::DANGER_EMERGENCY,
            c::DANGER_ED,
            c::SAME_DAY,
            c::SYMPTOMS,
            c::REPEAT_CONTACT,
            c::BACKGROUND_GROUP,
        ] {
            if !question.asked(mode).is_empty() {
                expected.push((question.id.to_string(), question.asked(mode)));
            }
        }
        if mode == Mode::Nurse {
            for b in &c::BACKGROUND {
                expected.push((
                    format!("background.{}", b.question.id),
                    b.question.asked(mode),
                ));
            }
        }
        for (link, words) in expected {
            assert_eq!(
                texts.get(&link).map(String::as_str),
                Some(words),
                "{link} for the {mode:?}"
            );
        }
        for q in [c::SEVERITY, c::TREND] {
            assert_eq!(
                texts[&format!("symptom.redness.{}", q.id)],
                format!("Redness: {}", q.asked(mode))
            );
        }
        assert_eq!(
            texts["symptom.other.description"],
            c::OTHER_WORDS.asked(mode)
        );
    }
}
