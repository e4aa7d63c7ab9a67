//! The patient's questionnaire: the danger signs first (a danger sign ends it at once, before
//! any other question: a person with trouble breathing is not made to type a date), then
//! when the treatment was, the symptoms with their details, a review that is the way back,
//! and the result.

use chrono::{DateTime, FixedOffset};

use super::prompt::{Answer, Choice, Prompter, SelectOne, Stop, YesNo};
use super::*;
use crate::conversation::{
    Part, DANGER_ED, DANGER_EMERGENCY, DANGER_MORE, REPEAT_CONTACT, SYMPTOMS, TREATMENT,
};
use crate::error::Error;
use aftercare_core::day_words::day_number;
use aftercare_core::model::Disposition;
use aftercare_core::rules::RuleSet;

const DANGER_HELP: &str = "Space to tick, Enter when done. Enter on 'None of these' if none apply.";

/// The opening screen: what this is and is not, what to do in an emergency, the keys, and
/// about how long it takes.
pub fn opening(rules: &RuleSet, keys: &str) -> String {
    let emergency = rules
        .disposition_text(Disposition::CallEmergencyNow)
        .label
        .to_lowercase();
    format!(
        "Micro-needling aftercare check\n\
         \n\
         This compares what you notice with what is expected while the skin heals, and \
         tells you what to do: care at home, see the clinic, or get help now. It is not a \
         diagnosis.\n\
         \n\
         In an emergency, do not use this: {emergency}.\n\
         \n\
         Keys: {keys}. About 2 minutes.\n"
    )
}

/// Runs the patient's questionnaire to its end (or to an emergency stop).
pub fn run(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Result<Outcome, Error> {
    let now = whole_seconds(now);
    p.begin(&opening(rules, p.keys()))?;
    loop {
        let ids = rules.checklist_ids(Disposition::SeeToday);
        let mut answers = Answers::new(None);
        if let InTurn::Stopped(stop) = ask_in_turn(p, rules, now, &ids, &mut answers)? {
            return evaluate(Mode::Patient, answers, rules, now, stop);
        }
        // "Start over" at the review asks everything again, from the first question.
        if let Some(outcome) = review(p, rules, now, &ids, answers)? {
            return Ok(outcome);
        }
    }
}

/// How the questions in turn end.
enum InTurn {
    /// Every one answered: on to the review.
    Answered,
    /// At a stop (a danger sign, or answers that reach the emergency department), with the
    /// sign to stop at: the result, at once.
    Stopped(Option<String>),
}

/// The questions in turn: the danger signs, the treatment, the symptoms with their details,
/// and the repeat contact. Esc after the first answer offers the way back (to the question,
/// or one question back) or to stop: a slip of a key does not lose every answer. Esc before
/// any answer stops at once, as it always did.
fn ask_in_turn(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    ids: &[&str],
    answers: &mut Answers,
) -> Result<InTurn, Error> {
    let danger = |id: &str| {
        rules
            .warning_sign(id)
            .is_some_and(|w| w.disposition >= Disposition::GoToEdNow)
    };
    let parts = Mode::Patient.parts();
    let mut step = 0;
    let mut answered = false;
    while step < parts.len() {
        let asked = match parts[step] {
            Part::DangerSigns => {
                // Asked again after going back: the lists of danger signs only.
                answers.signs.retain(|s| !danger(&s.id));
                ask_danger(p, rules, answers)
            }
            Part::Treatment => ask_treatment(p, Mode::Patient, now).map(|t| {
                answers.treatment = Some(t);
                None
            }),
            Part::Symptoms => ask_symptom_list(p, rules, ids, answers, now),
            Part::RepeatContact => ask_repeat_contact(p).map(|yes| {
                answers.repeat_contact = Some(yes);
                None
            }),
            other => Err(Stop::Terminal(format!(
                "{other:?} is not one of the patient's questions"
            ))),
        };
        match asked {
            Ok(Some(stop)) => return Ok(InTurn::Stopped(Some(stop))),
            Err(Stop::Cancel) if stop_reached(answers, rules, now).is_some() => {
                return Ok(InTurn::Stopped(stop_reached(answers, rules, now)));
            }
            Ok(None) => {
                step += 1;
                answered = true;
            }
            Err(Stop::Cancel) if answered => match after_esc(p, step > 0)? {
                AfterEsc::Again => {}
                AfterEsc::Back => step -= 1,
            },
            Err(other) => return Err(other.into()),
        }
    }
    Ok(InTurn::Answered)
}

/// The review, which is the way back: prompts cannot go back, so any answer can be changed
/// here, as often as needed, before the result. What is not changed is kept. The result
/// once the answers are right (or a change reaches a stop); `None` for "Start over".
fn review(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    ids: &[&str],
    mut answers: Answers,
) -> Result<Option<Outcome>, Error> {
    loop {
        p.say(&summary(rules, &answers, now));
        let choices = review_choices(rules, &answers);
        let i = match p.select(&SelectOne {
            id: "review",
            message: "Are these answers right?",
            help: Some("↑↓ to move, Enter to choose"),
            choices: &choices,
            start: 0,
        }) {
            Ok(i) => i,
            Err(Stop::Cancel) => {
                // One question back from the review is the last question asked.
                if after_esc(p, true)? == AfterEsc::Back {
                    answers.repeat_contact = Some(ask_repeat_contact(p)?);
                }
                continue;
            }
            Err(other) => return Err(other.into()),
        };
        let key = choices[i].key.as_str();
        match key {
            "done" => return evaluate(Mode::Patient, answers, rules, now, None).map(Some),
            "restart" => return Ok(None),
            _ => {
                // A change left with Esc changes nothing: the answers before it stand.
                let before = answers.clone();
                match change(p, rules, key, &mut answers, ids, now) {
                    Ok(Some(stop)) => {
                        return evaluate(Mode::Patient, answers, rules, now, Some(stop)).map(Some)
                    }
                    Ok(None) => {}
                    Err(Stop::Cancel) if stop_reached(&answers, rules, now).is_some() => {
                        let stop = stop_reached(&answers, rules, now);
                        return evaluate(Mode::Patient, answers, rules, now, stop).map(Some);
                    }
                    Err(Stop::Cancel) => {
                        answers = before;
                        p.say("Not changed: the answers before are kept.");
                        continue;
                    }
                    Err(other) => return Err(other.into()),
                }
            }
        }
        // A changed answer can reach the emergency department or an emergency (a
        // treatment day that makes a start late): then the instruction, at once.
        if disposition_so_far(&answers, rules, now) >= Disposition::GoToEdNow {
            let stop = answers
                .positive_signs()
                .next()
                .map(str::to_string)
                .or_else(|| answers.symptoms.first().map(|s| s.id.clone()));
            if disposition_so_far(&answers, rules, now) < Disposition::CallEmergencyNow {
                ask_escalation(p, rules, &mut answers)?;
            }
            return evaluate(Mode::Patient, answers, rules, now, stop).map(Some);
        }
    }
}

/// What the review offers: the answers are right, a change of each part (and of each
/// symptom's details), or to start over.
fn review_choices(rules: &RuleSet, answers: &Answers) -> Vec<Choice> {
    let mut choices = vec![
        Choice::new("done", "These are right: show my result"),
        Choice::new("danger", "Change the answers about danger signs"),
        Choice::new("treatment", "Change when the treatment was"),
        Choice::new("symptoms", "Change which symptoms I have"),
    ];
    for s in &answers.symptoms {
        choices.push(Choice::new(
            format!("symptom:{}", s.id),
            format!("Change the details of: {}", label(rules, &s.id)),
        ));
    }
    choices.push(Choice::new(
        "repeat",
        "Change: asked the clinic before, or very worried",
    ));
    choices.push(Choice::new("restart", "Start over"));
    choices
}

/// One change chosen at the review ("treatment", "danger", "symptoms", "repeat", or
/// "symptom:ID"); `Some` with the sign when an answer reaches a stop.
fn change(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    key: &str,
    answers: &mut Answers,
    ids: &[&str],
    now: DateTime<FixedOffset>,
) -> Answer<Option<String>> {
    match key {
        "treatment" => {
            let before = answers.treatment.as_ref().map(|_| answers.days(now));
            answers.treatment = Some(ask_treatment(p, Mode::Patient, now)?);
            // A start day counts from the treatment: one the new date makes impossible, or
            // moves, or a start not asked before and needed now, is asked again.
            let elapsed = answers.elapsed(now);
            for s in answers.symptoms.iter_mut() {
                if super::asked_again_after_the_date_changed(rules, s, before, elapsed.days) {
                    p.say(&format!(
                        "{}: with the new treatment date, please say again when it began.",
                        label(rules, &s.id)
                    ));
                    let was = s.clone();
                    *s = ask_details(p, rules, Mode::Patient, &was.id, elapsed, Some(&was))?;
                }
            }
        }
        "danger" => {
            // Only the lists of danger signs are asked again: the signs ticked in
            // the symptom list stay as they were.
            let danger = |id: &str| {
                rules
                    .warning_sign(id)
                    .is_some_and(|w| w.disposition >= Disposition::GoToEdNow)
            };
            answers.signs.retain(|s| !danger(&s.id));
            if let Some(stop) = ask_danger(p, rules, answers)? {
                return Ok(Some(stop));
            }
        }
        "symptoms" => {
            if let Some(stop) = ask_symptom_list(p, rules, ids, answers, now)? {
                return Ok(Some(stop));
            }
        }
        "repeat" => answers.repeat_contact = Some(ask_repeat_contact(p)?),
        other => {
            let id = other.trim_start_matches("symptom:").to_string();
            let elapsed = answers.elapsed(now);
            if let Some(s) = answers.symptoms.iter_mut().find(|s| s.id == id) {
                let was = s.clone();
                *s = ask_details(p, rules, Mode::Patient, &id, elapsed, Some(&was))?;
            }
        }
    }
    Ok(None)
}

/// A danger sign answered "yes" (or answers that reach the emergency department) is not
/// undone by an Esc at the questions after it: the instruction comes at once, as it would
/// have after them. Returns the sign to stop at.
fn stop_reached(answers: &Answers, rules: &RuleSet, now: DateTime<FixedOffset>) -> Option<String> {
    if disposition_so_far(answers, rules, now) < Disposition::GoToEdNow {
        return None;
    }
    answers.stopped_at()
}

/// What to do after Esc, once something was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterEsc {
    /// Back to the question that was left.
    Again,
    /// One question back.
    Back,
}

/// Esc once something was answered: back to the question, one question back, or stop
/// (nothing is kept; the safety net is said). Esc here again is back to the question: a
/// second slip does not stop either.
fn after_esc(p: &mut dyn Prompter, can_go_back: bool) -> Answer<AfterEsc> {
    let mut choices = vec![Choice::new("again", "Back to the question")];
    if can_go_back {
        choices.push(Choice::new("back", "Go back one question"));
    }
    choices.push(Choice::new("stop", "Stop here (your answers are not kept)"));
    match p.select(&SelectOne {
        id: "stop",
        message: "Stop the questions?",
        help: Some("Enter or Esc: back to the question"),
        choices: &choices,
        start: 0,
    }) {
        Ok(i) => match choices[i].key.as_str() {
            "back" => Ok(AfterEsc::Back),
            "stop" => Err(Stop::Cancel),
            _ => Ok(AfterEsc::Again),
        },
        Err(Stop::Cancel) => Ok(AfterEsc::Again),
        Err(other) => Err(other),
    }
}

/// The symptom list; at an emergency or ED answer, the follow-up signs that could make it
/// more urgent in combination, then the stop.
fn ask_symptom_list(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    ids: &[&str],
    answers: &mut Answers,
    now: DateTime<FixedOffset>,
) -> Answer<Option<String>> {
    let mut stop = ask_symptoms(p, rules, Mode::Patient, ids, answers, now)?;
    if stop.is_none() {
        // Questions about the person only where a "yes" could change the result.
        let open = risk_factors_to_ask(answers, rules, now);
        ask_risk_factors(p, rules, &open, answers)?;
        if disposition_so_far(answers, rules, now) >= Disposition::GoToEdNow {
            stop = answers
                .positive_signs()
                .next()
                .map(str::to_string)
                .or_else(|| answers.symptoms.first().map(|s| s.id.clone()));
        }
    }
    if stop.is_some() && disposition_so_far(answers, rules, now) < Disposition::CallEmergencyNow {
        ask_escalation(p, rules, answers)?;
    }
    Ok(stop)
}

/// The emergency signs, then the go-to-ED signs, each a checklist with "None of these".
/// Returns the sign that stops the questionnaire, if any. After a go-to-ED sign, the signs
/// that could make it an emergency in combination are asked before stopping.
fn ask_danger(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    answers: &mut Answers,
) -> Result<Option<String>, Stop> {
    let items = |d: Disposition| -> Vec<(String, String)> {
        rules
            .signs_of(d)
            .into_iter()
            .map(|id| (id.to_string(), sign_words(rules, id)))
            .collect()
    };
    let lists = [
        (DANGER_EMERGENCY, Disposition::CallEmergencyNow),
        (DANGER_ED, Disposition::GoToEdNow),
    ];
    for (q, d) in lists {
        let items = items(d);
        if items.is_empty() {
            continue;
        }
        let message = q.asked(Mode::Patient);
        let picked = ask_sign_checklist(p, rules, q.id, message, DANGER_HELP, &items)?;
        record(answers, &items, &picked);
        if let Some(first) = picked.first() {
            if d < Disposition::CallEmergencyNow {
                ask_escalation(p, rules, answers)?;
            }
            return Ok(Some(first.clone()));
        }
    }
    Ok(None)
}

/// Asks, as one checklist a round, the signs that could make the present ones more urgent
/// in combination; then the risk factors that could (`injected` with an eye sign), which
/// "about you" would have asked had the questions not stopped.
fn ask_escalation(p: &mut dyn Prompter, rules: &RuleSet, answers: &mut Answers) -> Answer<()> {
    ask_escalation_signs(p, rules, answers)?;
    let risks = super::escalation_risk_factors(rules, answers);
    super::ask_risk_factors(p, rules, &risks, answers)
}

fn ask_escalation_signs(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    answers: &mut Answers,
) -> Answer<()> {
    ask_follow_ups(p, rules, &mut answers.signs, |p, more| {
        let items: Vec<(String, String)> = more
            .iter()
            .map(|id| (id.clone(), sign_words(rules, id)))
            .collect();
        let picked = ask_sign_checklist(
            p,
            rules,
            DANGER_MORE.id,
            DANGER_MORE.asked(Mode::Patient),
            DANGER_HELP,
            &items,
        )?;
        Ok(more
            .iter()
            .map(|id| (id.clone(), picked.contains(id)))
            .collect())
    })
}

fn record(answers: &mut Answers, items: &[(String, String)], picked: &[String]) {
    for (id, _) in items {
        answers.signs.push(SignAnswer {
            id: id.as_str().into(),
            answer: picked.contains(id).into(),
        });
    }
}

fn ask_repeat_contact(p: &mut dyn Prompter) -> Answer<bool> {
    p.confirm(&YesNo {
        id: REPEAT_CONTACT.id,
        message: REPEAT_CONTACT.asked(Mode::Patient),
        help: Some("Type y for yes or n for no"),
        default: None,
    })
}

/// The answers as the person will check them.
pub fn summary(rules: &RuleSet, a: &Answers, now: DateTime<FixedOffset>) -> String {
    let days = a.days(now);
    let mut out = String::from("\nYour answers:\n");
    // The danger signs are those of the danger lists; a warning sign ticked in the symptom
    // list (fever) is one of the symptoms the person gave, and is listed with them.
    let is_danger = |id: &&str| {
        rules
            .warning_sign(id)
            .is_some_and(|w| w.disposition >= Disposition::GoToEdNow)
    };
    let positive: Vec<String> = a
        .positive_signs()
        .filter(is_danger)
        .map(|id| label(rules, id))
        .collect();
    let ticked_signs: Vec<String> = a
        .positive_signs()
        .filter(|id| !is_danger(id))
        .map(|id| format!("{}: a warning sign", label(rules, id)))
        .collect();
    out.push_str(&format!(
        "  {}: {}\n",
        DANGER_EMERGENCY.named(Mode::Patient),
        if positive.is_empty() {
            "none of them".to_string()
        } else {
            positive.join(", ")
        }
    ));
    if let Some(t) = &a.treatment {
        // A number alone was days ago: said so, not as a bare "2". With a time of day the
        // day number counts full 24 hours, which can be less than the calendar days.
        let given = if t.as_given.chars().all(|c| c.is_ascii_digit()) {
            format!("{} days ago", t.as_given)
        } else {
            t.as_given.clone()
        };
        let day = if t.time_given {
            format!(
                "{} ago, day {} in full 24 hours",
                aftercare_core::day_words::time_since(days),
                day_number(days.floor())
            )
        } else {
            format!("today is day {} after it", day_number(days.floor()))
        };
        out.push_str(&format!(
            "  {}: {given} ({}): {day}\n",
            TREATMENT.named(Mode::Patient),
            t.when_words(),
        ));
    }
    let symptoms = SYMPTOMS.named(Mode::Patient);
    if a.symptoms.is_empty() && ticked_signs.is_empty() {
        out.push_str(&format!("  {symptoms}: none of them\n"));
    } else {
        out.push_str(&format!("  {symptoms}:\n"));
        for s in &ticked_signs {
            out.push_str(&format!("    - {s}\n"));
        }
        for s in &a.symptoms {
            out.push_str(&format!("    - {}\n", symptom_line(rules, s)));
        }
    }
    if let Some(r) = a.repeat_contact {
        out.push_str(&format!(
            "  {}: {}\n",
            REPEAT_CONTACT.named(Mode::Patient),
            if r { "yes" } else { "no" }
        ));
    }
    out
}

/// The patient's result, built so that what to do is what stays on the screen.
///
/// An emergency is the instruction alone, then what to tell the operator. Every other result
/// ends with its disposition and action as the last lines: the reasons, the timeline (only
/// for expected reactions, with the person's warning signs beside it), the aftercare and the
/// safety net come first. No decimal days, no rule ids: those stay in the JSON, the record
/// and the one-line footer.
pub fn result_text(o: &Outcome, rules: &RuleSet, style: crate::output::text::Style) -> String {
    match o.assessment.disposition {
        Disposition::CallEmergencyNow => emergency_result(o, rules, style),
        Disposition::GoToEdNow => emergency_department_result(o, rules, style),
        _ => result_with_aftercare(o, rules, style),
    }
}

/// The disposition and its action: the last lines of every result.
fn what_to_do(o: &Outcome, rules: &RuleSet, style: crate::output::text::Style) -> String {
    use crate::output::text::{heading, wrap};
    let d = o.assessment.disposition;
    let text = rules.disposition_text(d);
    let mut out = String::new();
    out.push_str(&heading(d, &text.label, style.color));
    out.push('\n');
    out.push_str(&wrap(&o.assessment.action, style.width, "", ""));
    out
}

/// An emergency: the instruction, what to tell the operator, and the instruction again.
fn emergency_result(o: &Outcome, rules: &RuleSet, style: crate::output::text::Style) -> String {
    let mut out = what_to_do(o, rules, style);
    out.push('\n');
    out.push_str(&crate::output::text::wrap(
        &format!("Tell the operator: {}", operator_words(o, rules)),
        style.width,
        "",
        "",
    ));
    // The instruction again, so that it is the last thing on the screen.
    out.push('\n');
    out.push_str(&what_to_do(o, rules, style));
    out
}

/// The emergency department: why (the signs, or else the findings), then the instruction.
fn emergency_department_result(
    o: &Outcome,
    rules: &RuleSet,
    style: crate::output::text::Style,
) -> String {
    let signs: Vec<String> = o
        .answers
        .positive_signs()
        .map(|id| sign_words(rules, id))
        .collect();
    let mut why: Vec<String> = signs.clone();
    why.extend(
        findings_in_words(o, rules)
            .into_iter()
            .filter(|_| signs.is_empty()),
    );
    let mut out = String::new();
    section(&mut out, "Why", &why, style.width);
    out.push('\n');
    out.push_str(&what_to_do(o, rules, style));
    out
}

/// Any other result: the day and the timeline, what was found, the aftercare and when to
/// get help, the rule set, and last what to do.
fn result_with_aftercare(
    o: &Outcome,
    rules: &RuleSet,
    style: crate::output::text::Style,
) -> String {
    let w = style.width;
    let mut out = day_and_timeline(o, rules, style);
    section(&mut out, "What we found", &findings_in_words(o, rules), w);
    aftercare_and_safety_net(&mut out, o, rules, w);
    out.push_str(&crate::output::text::wrap(
        &format!(
            "(Checked with {} {}.)",
            o.assessment.rule_set.name, o.assessment.rule_set.version
        ),
        w,
        "\n",
        "",
    ));
    out.push('\n');
    out.push_str(&what_to_do(o, rules, style));
    out
}

/// The day after the treatment, then the timeline of the person's expected reactions with
/// their warning signs named beside it.
fn day_and_timeline(o: &Outcome, rules: &RuleSet, style: crate::output::text::Style) -> String {
    use crate::output::text::wrap;
    let w = style.width;
    let mut out = String::new();
    let day = o.assessment.days_since_treatment.floor().max(0.0) as u64;
    out.push_str(&wrap(
        &if day == 0 {
            "Today is day 0, the day of your treatment.".to_string()
        } else {
            format!("Today is day {day} after your treatment.")
        },
        w,
        "",
        "",
    ));
    // The timeline shows expected reactions against their windows: it helps only when the
    // person has some. A warning sign is never on it, so the signs are named beside it.
    let has_reactions = o
        .case
        .symptoms
        .iter()
        .any(|s| rules.reaction(&s.id).is_some());
    if has_reactions {
        out.push('\n');
        out.push_str(&crate::output::timeline::render(&o.case, rules, style));
        let warning: Vec<String> = o
            .case
            .symptoms
            .iter()
            .filter(|s| rules.warning_sign(&s.id).is_some())
            .map(|s| label(rules, &s.id))
            .collect();
        if !warning.is_empty() {
            out.push_str(&wrap(
                &format!(
                    "Not on the timeline, because never part of normal healing: {}.",
                    warning.join(", ")
                ),
                w,
                "",
                "",
            ));
        }
    }
    out
}

/// The day's aftercare as a person reads it: each item with how long it lasts, when it
/// ends ("… (until day 3)"). The terminal's result and the web's care card say it so.
pub fn advice_in_words(a: &aftercare_core::model::Assessment) -> Vec<String> {
    a.advice
        .iter()
        .map(|item| match item.until_day {
            Some(until) => format!(
                "{} ({})",
                item.text,
                aftercare_core::day_words::until(until)
            ),
            None => item.text.clone(),
        })
        .collect()
}

/// The aftercare for today, what to expect next, when to call, and when to get help
/// sooner.
fn aftercare_and_safety_net(out: &mut String, o: &Outcome, rules: &RuleSet, w: usize) {
    section(out, "Aftercare today", &advice_in_words(&o.assessment), w);
    section(out, "What to expect next", &o.assessment.expect_next, w);
    // Aftercare read on its own must still say when to call (clinical reference 1.2).
    if !o.assessment.advice.is_empty() {
        section(
            out,
            crate::output::text::SAFETY_NET_TITLE,
            &aftercare_core::rules::advice_words::safety_net(rules),
            w,
        );
    }
    section(out, "When to get help sooner", &o.assessment.call_back, w);
}

/// What to tell the emergency operator: "you had a micro-needling skin treatment yesterday
/// at 14:30, and you have trouble breathing." The terminal and the web check-in say the
/// same sentence.
pub fn operator_words(o: &Outcome, rules: &RuleSet) -> String {
    // The operator hears the signs by their names, in a sentence.
    let named: Vec<String> = o
        .answers
        .positive_signs()
        .map(|id| aftercare_core::evaluate::in_sentence(&label(rules, id)))
        .collect();
    let mut tell = String::from("you had a micro-needling skin treatment");
    if let Some(t) = &o.answers.treatment {
        tell.push_str(&format!(
            " {}",
            aftercare_core::day_words::treatment_for_operator(t.at, t.time_given, o.assessed_at)
        ));
    }
    if !named.is_empty() {
        tell.push_str(&format!(
            ", and you have {}",
            aftercare_core::evaluate::and_list(&named)
        ));
    }
    tell.push('.');
    tell
}

/// A titled list, each item wrapped with its continuation lines under its first word (the
/// result's titles are plain: its heading alone is coloured).
fn section(out: &mut String, title: &str, items: &[String], width: usize) {
    let style = crate::output::text::Style {
        color: false,
        width,
    };
    crate::output::text::titled_list(out, title, items, style, false);
}

/// Each finding in the person's words (see [`crate::output::text::findings_in_words`]),
/// with "something else" in the words the person typed.
pub fn findings_in_words(o: &Outcome, rules: &RuleSet) -> Vec<String> {
    let words = o
        .case
        .symptoms
        .iter()
        .find_map(|s| s.description.clone())
        .unwrap_or_default();
    crate::output::text::findings_in_words(&o.assessment, rules, Some(&words), false)
}
