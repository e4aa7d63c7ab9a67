//! The patient's questionnaire: the danger signs first (a danger sign ends it at once, before
//! any other question: a person with trouble breathing is not made to type a date), then
//! when the treatment was, the symptoms with their details, a review that is the way back,
//! and the result.

use chrono::{DateTime, FixedOffset};

use super::prompt::{Choice, Prompter, SelectOne, Stop, YesNo};
use super::*;
use crate::error::Error;
use crate::model::Disposition;
use crate::rules::RuleSet;

const DANGER_HELP: &str = "Space to tick, Enter when done. 'None of these' if none apply.";

/// Runs the patient's questionnaire to its end (or to an emergency stop).
pub fn run(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Result<Outcome, Error> {
    let now = whole_seconds(now);
    'start: loop {
        let mut answers = Answers::new(None);
        if let Some(stop) = ask_danger(p, rules, &mut answers)? {
            return evaluate(Mode::Patient, answers, rules, now, Some(stop));
        }
        answers.treatment = Some(ask_treatment(p, Mode::Patient, now)?);
        let elapsed = answers.elapsed(now);
        let ids = checklist_ids(rules, Disposition::SeeToday);
        answers.symptoms = ask_symptoms(p, rules, Mode::Patient, &ids, elapsed, &[])?;
        answers.symptoms_asked = true;
        answers.repeat_contact = Some(ask_repeat_contact(p)?);

        // The review is the way back: prompts cannot go back, so any answer can be changed
        // here, as often as needed, before the result.
        loop {
            p.say(&summary(rules, &answers, now));
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
            let i = p.select(&SelectOne {
                id: "review",
                message: "Are these answers right?",
                help: Some("↑↓ to move, Enter to choose"),
                choices: &choices,
                start: 0,
            })?;
            let key = choices[i].key.as_str();
            match key {
                "done" => return evaluate(Mode::Patient, answers, rules, now, None),
                "restart" => continue 'start,
                "treatment" => {
                    answers.treatment = Some(ask_treatment(p, Mode::Patient, now)?);
                    // A start day later than the new time since treatment is impossible:
                    // ask that symptom again.
                    let elapsed = answers.elapsed(now);
                    let today = elapsed.days.floor().max(0.0) as u32;
                    for s in answers.symptoms.iter_mut() {
                        if matches!(s.started, Started::Day(d) if d > today) {
                            p.say(&format!(
                                "{} began after the new treatment day: please answer again.",
                                label(rules, &s.id)
                            ));
                            *s = ask_details(p, rules, Mode::Patient, &s.id.clone(), elapsed)?;
                        }
                    }
                }
                "danger" => {
                    answers.signs.clear();
                    if let Some(stop) = ask_danger(p, rules, &mut answers)? {
                        // A danger sign now: the symptom answers no longer matter.
                        answers.symptoms.clear();
                        answers.symptoms_asked = false;
                        answers.repeat_contact = None;
                        return evaluate(Mode::Patient, answers, rules, now, Some(stop));
                    }
                }
                "symptoms" => {
                    let elapsed = answers.elapsed(now);
                    let previous = std::mem::take(&mut answers.symptoms);
                    answers.symptoms =
                        ask_symptoms(p, rules, Mode::Patient, &ids, elapsed, &previous)?;
                }
                "repeat" => answers.repeat_contact = Some(ask_repeat_contact(p)?),
                other => {
                    let id = other.trim_start_matches("symptom:").to_string();
                    let elapsed = answers.elapsed(now);
                    if let Some(s) = answers.symptoms.iter_mut().find(|s| s.id == id) {
                        *s = ask_details(p, rules, Mode::Patient, &id, elapsed)?;
                    }
                }
            }
        }
    }
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
        signs_of(rules, d)
            .into_iter()
            .map(|id| (id.to_string(), sign_words(rules, id)))
            .collect()
    };
    let lists = [
        (
            "danger.emergency",
            "First, the danger signs. Do you have any of these right now?",
            Disposition::CallEmergencyNow,
        ),
        ("danger.ed", "And any of these?", Disposition::GoToEdNow),
    ];
    for (id, message, d) in lists {
        let items = items(d);
        if items.is_empty() {
            continue;
        }
        let picked = ask_checklist(p, id, message, DANGER_HELP, &items, &[])?;
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
/// in combination.
fn ask_escalation(p: &mut dyn Prompter, rules: &RuleSet, answers: &mut Answers) -> Answer<()> {
    ask_follow_ups(p, rules, &mut answers.signs, |p, more| {
        let items: Vec<(String, String)> = more
            .iter()
            .map(|id| (id.clone(), sign_words(rules, id)))
            .collect();
        let picked = ask_checklist(
            p,
            "danger.more",
            "One more question before you go: do you also have any of these?",
            DANGER_HELP,
            &items,
            &[],
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
            id: id.clone(),
            answer: picked.contains(id).into(),
        });
    }
}

fn ask_repeat_contact(p: &mut dyn Prompter) -> Answer<bool> {
    p.confirm(&YesNo {
        id: "repeat_contact",
        message: "Have you already asked the clinic about this, or are you very worried?",
        help: Some("Type y for yes or n for no"),
        default: None,
    })
}

/// The answers as the person will check them.
pub fn summary(rules: &RuleSet, a: &Answers, now: DateTime<FixedOffset>) -> String {
    let days = a.days(now);
    let mut out = String::from("\nYour answers:\n");
    let positive: Vec<String> = a.positive_signs().map(|id| label(rules, id)).collect();
    out.push_str(&format!(
        "  Danger signs: {}\n",
        if positive.is_empty() {
            "none of them".to_string()
        } else {
            positive.join(", ")
        }
    ));
    if let Some(t) = &a.treatment {
        out.push_str(&format!(
            "  Treatment: {} ({}): today is day {} after it\n",
            t.as_given,
            t.when_words(),
            fmt_day(days.floor())
        ));
    }
    if a.symptoms.is_empty() {
        out.push_str("  Symptoms: none of them\n");
    } else {
        out.push_str("  Symptoms:\n");
        for s in &a.symptoms {
            out.push_str(&format!("    - {}\n", symptom_line(rules, s)));
        }
    }
    if let Some(r) = a.repeat_contact {
        out.push_str(&format!(
            "  Asked the clinic before, or very worried: {}\n",
            if r { "yes" } else { "no" }
        ));
    }
    out
}

/// The patient's result: after a danger sign, one short instruction; otherwise the report
/// (disposition first, findings with reasons, aftercare, what to expect, when to call back)
/// and the timeline.
pub fn result_text(o: &Outcome, rules: &RuleSet, style: crate::output::text::Style) -> String {
    use crate::output::text::{heading, wrap};
    let d = o.assessment.disposition;
    if o.stopped_at.is_some() {
        let text = rules.disposition_text(d);
        let mut out = heading(d, &text.label, style.color);
        out.push('\n');
        out.push_str(&wrap(&text.action, style.width, "", ""));
        let signs: Vec<String> = o
            .answers
            .positive_signs()
            .map(|id| sign_words(rules, id).to_lowercase())
            .collect();
        out.push_str(&wrap(
            &format!("Because you have: {}.", signs.join("; ")),
            style.width,
            "",
            "",
        ));
        return out;
    }
    let mut out = crate::output::text::report_styled(&o.assessment, rules, style);
    out.push_str(&crate::output::timeline::render(&o.case, rules, style));
    out
}
