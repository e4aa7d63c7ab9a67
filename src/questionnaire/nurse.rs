//! The nurse's telephone protocol: questions in order of acuity (danger signs one by one,
//! stopping at the first positive; the same-day signs; the symptoms), background for the
//! record, then the disposition, which the nurse may change, and an SBAR note.

use chrono::{DateTime, FixedOffset};

use super::prompt::{Choice, Prompter, SelectOne, Stop, TextLine, YesNo};
use super::*;
use crate::error::Error;
use crate::model::Disposition;
use crate::rules::RuleSet;

/// Runs the nurse's protocol up to the override step (included).
pub fn run(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Result<Outcome, Error> {
    let now = whole_seconds(now);
    let (signs, stopped_at) = ask_danger(p, rules)?;
    let treatment = ask_treatment(p, Mode::Nurse, now)?;
    let mut answers = Answers::new(Some(treatment));
    answers.signs = signs;

    if stopped_at.is_none() {
        let same_day = signs_of(rules, Disposition::SeeToday);
        if !same_day.is_empty() {
            let items: Vec<(String, String)> = same_day
                .iter()
                .map(|id| (id.to_string(), symptom_words(rules, id, p.width())))
                .collect();
            let picked = ask_checklist(
                p,
                "same_day",
                "Same-day signs?",
                "Space to tick, Enter when done; 'None of these' if none",
                &items,
                &[],
            )?;
            for (id, _) in &items {
                answers.signs.push(SignAnswer {
                    id: id.clone(),
                    answer: picked.contains(id).into(),
                });
            }
        }
        let elapsed = answers.elapsed(now);
        // The same-day signs were asked on their own; the symptom list holds the rest.
        let ids: Vec<&str> = checklist_ids(rules, Disposition::SeeToday)
            .into_iter()
            .filter(|id| !same_day.contains(id))
            .collect();
        answers.symptoms = ask_symptoms(p, rules, Mode::Nurse, &ids, elapsed, &[])?;
        answers.symptoms_asked = true;
        answers.repeat_contact = Some(p.confirm(&YesNo {
            id: "repeat_contact",
            message: "Repeat call about this problem, or caller very worried?",
            help: Some("y/n"),
            default: None,
        })?);
        answers.background = Some(ask_background(p)?);
    }

    let mut outcome = evaluate(Mode::Nurse, answers, rules, now, stopped_at)?;
    p.say(&computed(rules, &outcome));
    outcome.nurse_override = ask_override(p, rules, outcome.assessment.disposition)?;
    Ok(outcome)
}

/// The danger signs one by one, most acute first, each needing y or n (no default: Enter
/// alone is not "no"). The first "yes" stops them; the rest are recorded as not asked.
/// After a go-to-ED sign, the signs that could make it an emergency in combination are
/// still asked.
fn ask_danger(
    p: &mut dyn Prompter,
    rules: &RuleSet,
) -> Result<(Vec<SignAnswer>, Option<String>), Stop> {
    let order: Vec<&str> = signs_of(rules, Disposition::CallEmergencyNow)
        .into_iter()
        .chain(signs_of(rules, Disposition::GoToEdNow))
        .collect();
    let total = order.len();
    let mut signs: Vec<SignAnswer> = Vec::new();
    let mut stopped_at = None;
    for (n, id) in order.iter().enumerate() {
        if stopped_at.is_some() {
            signs.push(SignAnswer {
                id: id.to_string(),
                answer: SignState::NotAsked,
            });
            continue;
        }
        let yes = ask_sign(
            p,
            rules,
            "danger",
            id,
            &format!("danger sign {} of {total}", n + 1),
        )?;
        signs.push(SignAnswer {
            id: id.to_string(),
            answer: yes.into(),
        });
        if yes {
            stopped_at = Some(id.to_string());
            // The instruction first, before any other question: the caller can act on it
            // while the rest is asked for the record.
            let d = rules
                .warning_sign(id)
                .map_or(Disposition::CallEmergencyNow, |w| w.disposition);
            p.say(&instruction(rules, d));
        }
    }
    if stopped_at.is_some() {
        let before = most_urgent(rules, &signs);
        ask_follow_ups(p, rules, &mut signs, |p, more| {
            let id = &more[0];
            let yes = ask_sign(p, rules, "more", id, "asked because of the positive sign")?;
            Ok(vec![(id.clone(), yes)])
        })?;
        // A combination found by the follow-ups can make it more urgent: say so at once.
        let after = most_urgent(rules, &signs);
        if after > before {
            p.say(&instruction(rules, after));
        }
    }
    Ok((signs, stopped_at))
}

/// The disposition of the positive signs alone, with their combinations.
fn most_urgent(rules: &RuleSet, signs: &[SignAnswer]) -> Disposition {
    let present: Vec<&str> = signs
        .iter()
        .filter(|s| s.answer == SignState::Yes)
        .map(|s| s.id.as_str())
        .collect();
    crate::follow_up::most_urgent_of_signs(rules, &present)
}

/// The instruction to give the caller now: the disposition and its action.
fn instruction(rules: &RuleSet, d: Disposition) -> String {
    let text = rules.disposition_text(d);
    format!(
        "\n>>> {} ({}): {}\n",
        text.label.to_uppercase(),
        d.code(),
        text.action
    )
}

fn ask_sign(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    group: &str,
    id: &str,
    help: &str,
) -> Answer<bool> {
    let q_id = format!("{group}.{id}");
    let message = format!("{}?", sign_words(rules, id));
    let help = format!("{help}; y/n");
    p.confirm(&YesNo {
        id: &q_id,
        message: &message,
        help: Some(&help),
        default: None,
    })
}

/// Background for the record. Nothing here changes the disposition, so the cursor starts on
/// "not known": an answer skipped with Enter says so, rather than a "no" nobody heard.
fn ask_background(p: &mut dyn Prompter) -> Answer<Background> {
    let pick =
        |p: &mut dyn Prompter, id: &str, message: &str, options: &[&str]| -> Answer<String> {
            let choices: Vec<Choice> = options.iter().map(|o| Choice::new(*o, *o)).collect();
            let i = p.select(&SelectOne {
                id,
                message,
                help: None,
                choices: &choices,
                start: choices.len() - 1,
            })?;
            Ok(options[i].to_string())
        };
    let many =
        |p: &mut dyn Prompter, id: &str, message: &str, options: &[&str]| -> Answer<Vec<String>> {
            let choices: Vec<Choice> = options.iter().map(|o| Choice::new(*o, *o)).collect();
            let picked = p.select_many(&super::prompt::SelectMany {
                id,
                message,
                help: Some("Space to tick, Enter when done (none ticked: not recorded)"),
                choices: &choices,
                ticked: Vec::new(),
                check: None,
            })?;
            Ok(picked.into_iter().map(|i| options[i].to_string()).collect())
        };
    let yes_no = ["no", "yes", "not known"];
    let device = pick(
        p,
        "background.device",
        "Device?",
        &[
            "standard pen or roller",
            "radio-frequency micro-needling",
            "not known",
        ],
    )?;
    let treated_areas = many(
        p,
        "background.areas",
        "Treated areas?",
        &[
            "face",
            "around the eyes",
            "lips",
            "neck",
            "chest",
            "scalp",
            "hands",
            "other body area",
        ],
    )?;
    let products = many(
        p,
        "background.products",
        "Products applied on or after the day?",
        &[
            "none",
            "hyaluronic acid serum",
            "vitamin C serum",
            "PRP (platelet-rich plasma)",
            "growth factors or exosomes",
            "other serum or product",
        ],
    )?;
    let cold_sores = pick(p, "background.cold_sores", "Cold-sore history?", &yes_no)?;
    let eczema = pick(p, "background.eczema", "Eczema?", &yes_no)?;
    let blood_thinners = pick(p, "background.blood_thinners", "Blood thinners?", &yes_no)?;
    let allergies = p.text(&TextLine {
        id: "background.allergies",
        message: "Allergies?",
        help: Some("e.g. lidocaine; 'none' if none known; Enter: not recorded"),
        check: None,
    })?;
    let session_check: super::prompt::Check<String> = std::sync::Arc::new(|t: &String| {
        let t = t.trim();
        if t.is_empty() || t.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n)) {
            Ok(())
        } else {
            Err("a session number (1, 2, 3...) or Enter".into())
        }
    });
    let session = p.text(&TextLine {
        id: "background.session",
        message: "Which session of the series?",
        help: Some("a number; Enter: not known"),
        check: Some(session_check),
    })?;
    let or_not = |s: String, empty: &str| {
        let s = s.trim().to_string();
        if s.is_empty() {
            empty.to_string()
        } else {
            s
        }
    };
    Ok(Background {
        device,
        treated_areas,
        products,
        cold_sores,
        eczema,
        blood_thinners,
        allergies: or_not(allergies, "not recorded"),
        session: or_not(session, "not known"),
    })
}

/// What the rules concluded, for the nurse before the override step.
fn computed(rules: &RuleSet, o: &Outcome) -> String {
    let d = o.assessment.disposition;
    let mut out = format!(
        "\nComputed disposition: {} ({})\n",
        rules.disposition_text(d).label.to_uppercase(),
        d.code()
    );
    for f in &o.assessment.findings {
        out.push_str(&format!(
            "  - {} [{}]: {}\n",
            f.symptom.as_deref().unwrap_or("repeat contact"),
            f.disposition.code(),
            f.rule
        ));
    }
    out
}

/// Keep or change the disposition. Less urgent needs a reason; a large lowering (see
/// [`Override::needs_confirmation`]) also an explicit yes; more urgent may have a reason.
///
/// Esc here keeps the computed disposition instead of cancelling: by this step the call has
/// happened and the instruction has been given, so cancelling would lose the note and the
/// record of advice the caller already has. Keeping is what the nurse did not change.
/// Ctrl-C still interrupts.
fn ask_override(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    computed: Disposition,
) -> Answer<Option<Override>> {
    match change_disposition(p, rules, computed) {
        Err(Stop::Cancel) => {
            p.say(&format!(
                "Kept the computed disposition: {}.",
                computed.code()
            ));
            Ok(None)
        }
        other => other,
    }
}

fn change_disposition(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    computed: Disposition,
) -> Answer<Option<Override>> {
    let mut choices = vec![Choice::new(
        "keep",
        format!(
            "Keep {} ({})",
            computed.code(),
            rules.disposition_text(computed).label
        ),
    )];
    for d in Disposition::ALL.into_iter().filter(|d| *d != computed) {
        choices.push(Choice::new(
            d.code(),
            format!(
                "Change to {} ({}), {}",
                d.code(),
                rules.disposition_text(d).label,
                if d < computed {
                    "less urgent"
                } else {
                    "more urgent"
                }
            ),
        ));
    }
    let i = p.select(&SelectOne {
        id: "override",
        message: "Disposition?",
        help: Some("Enter or Esc keeps it; a less urgent one needs a reason"),
        choices: &choices,
        start: 0,
    })?;
    if i == 0 {
        return Ok(None);
    }
    let to: Disposition = choices[i]
        .key
        .parse()
        .map_err(|_| Stop::Terminal(format!("no disposition {:?}", choices[i].key)))?;
    let reason = if to < computed {
        let check: super::prompt::Check<String> = std::sync::Arc::new(|t: &String| {
            if t.trim().is_empty() {
                Err("A reason is needed for a less urgent disposition".into())
            } else {
                Ok(())
            }
        });
        Some(
            p.text(&TextLine {
                id: "override.reason",
                message: "Reason for the less urgent disposition?",
                help: Some("required; it goes into the note and the record"),
                check: Some(check),
            })?
            .trim()
            .to_string(),
        )
    } else {
        let r = p.text(&TextLine {
            id: "override.reason",
            message: "Reason? (optional)",
            help: Some("Enter to leave it out"),
            check: None,
        })?;
        Some(r.trim().to_string()).filter(|r| !r.is_empty())
    };
    let confirmed = if Override::needs_confirmation(computed, to) {
        let message = format!(
            "Confirm lowering {} to {}: the caller will be told {}?",
            computed.code(),
            to.code(),
            rules.disposition_text(to).label.to_lowercase()
        );
        let yes = p.confirm(&YesNo {
            id: "override.confirm",
            message: &message,
            help: Some("y to lower it, n to keep the computed disposition"),
            default: None,
        })?;
        if !yes {
            p.say(&format!(
                "Not lowered: the disposition stays {}.",
                computed.code()
            ));
            return Ok(None);
        }
        Some(true)
    } else {
        None
    };
    Ok(Some(Override {
        from: computed,
        to,
        reason,
        confirmed,
    }))
}
