//! The questions the patient's questionnaire and the nurse's call share: checklists with an
//! explicit "None of these", the symptom list with the details of each symptom ticked, the
//! follow-up signs that could make a combination more urgent, the risk factors, and
//! "something else" in the person's own words.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use super::answers::{Answers, Mode, SignAnswer, SignState, SymptomAnswer};
use super::outcome::{disposition_so_far, escalation_ids};
use super::prompt::{Answer, Check, Choice, Prompter, SelectMany, Stop, TextLine};
use super::symptom_details::ask_details;
use super::words::symptom_words;
use crate::conversation::{OTHER_WORDS, RISK_FACTORS, SYMPTOMS};
use crate::output::text::capitalise;
use aftercare_core::model::Disposition;
use aftercare_core::rules::RuleSet;

pub const NONE_KEY: &str = "none";

/// A checklist with an explicit "None of these", first in the list: Enter on it with
/// nothing ticked chooses it (one key for the commonest answer); an empty submit anywhere
/// else is refused with how to tick (it may be a slip of Enter without Space), and so is
/// "None of these" ticked with something else.
pub fn ask_checklist(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    id: &str,
    message: &str,
    help: &str,
    items: &[(String, String)],
    ticked: &[String],
) -> Answer<Vec<String>> {
    checklist(p, rules, id, message, help, items, ticked, false, None)
}

/// A checklist of warning signs: as [`ask_checklist`], but "None of these" is taken only
/// once every sign has been on the screen. On a small terminal the first screen can hide
/// signs below it, and one Enter would deny them unread.
pub fn ask_sign_checklist(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    id: &str,
    message: &str,
    help: &str,
    items: &[(String, String)],
) -> Answer<Vec<String>> {
    checklist(p, rules, id, message, help, items, &[], true, None)
}

/// The one checklist behind the others; `other` is the key of the "Something else" that a
/// search matching nothing offers (see [`SelectMany::other`]).
#[allow(clippy::too_many_arguments)]
fn checklist(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    id: &str,
    message: &str,
    help: &str,
    items: &[(String, String)],
    ticked: &[String],
    read_all: bool,
    other: Option<&str>,
) -> Answer<Vec<String>> {
    let mut choices = vec![Choice::new(NONE_KEY, "None of these")];
    // A search finds an entry by its plain-words aliases too ("numb lips", "can't see").
    choices.extend(
        items
            .iter()
            .map(|(k, l)| Choice::new(k, l).found_by(rules.aliases_of(k))),
    );
    let none = 0;
    let check: Check<Vec<usize>> = Arc::new(move |picked: &Vec<usize>| {
        if picked.is_empty() {
            Err("Nothing is ticked: press Space to tick each that applies, then Enter; or Enter on 'None of these'".into())
        } else if picked.contains(&none) && picked.len() > 1 {
            Err("'None of these' cannot go with other answers: untick one".into())
        } else {
            Ok(())
        }
    });
    let ticked: Vec<usize> = choices
        .iter()
        .enumerate()
        .filter(|(_, c)| ticked.contains(&c.key))
        .map(|(i, _)| i)
        .collect();
    let picked = p.select_many(&SelectMany {
        id,
        message,
        help: Some(help),
        choices: &choices,
        ticked,
        none: Some(none),
        check: Some(check),
        read_all,
        other: other.and_then(|o| choices.iter().position(|c| c.key == o)),
    })?;
    Ok(picked
        .into_iter()
        .filter(|&i| i != none)
        .map(|i| choices[i].key.clone())
        .collect())
}

/// Asks the follow-up signs of [`escalation_ids`] until none is left, each round through
/// `ask`, which answers some or all of them (the patient's checklist all at once, the nurse
/// one at a time, so that a "no" can spare the next question). What is asked, and when it
/// ends, is the same for both.
pub fn ask_follow_ups(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    signs: &mut Vec<SignAnswer>,
    mut ask: impl FnMut(&mut dyn Prompter, &[String]) -> Answer<Vec<(String, bool)>>,
) -> Answer<()> {
    loop {
        let ids = |keep: fn(SignState) -> bool| -> Vec<String> {
            signs
                .iter()
                .filter(|s| keep(s.answer))
                .map(|s| s.id.to_string())
                .collect()
        };
        let present = ids(|a| a == SignState::Yes);
        let asked = ids(|a| a != SignState::NotAsked);
        let more = escalation_ids(rules, &present, &asked);
        if more.is_empty() {
            return Ok(());
        }
        let answered = ask(p, &more)?;
        if answered.is_empty() {
            return Err(Stop::Terminal("a follow-up round answered nothing".into()));
        }
        for (id, yes) in answered {
            // A sign skipped earlier (not asked) now has an answer.
            signs.retain(|s| s.id != id);
            signs.push(SignAnswer {
                id: id.into(),
                answer: yes.into(),
            });
        }
    }
}

/// The symptom checklist and the details of each symptom ticked. The symptoms already in
/// `answers` are kept when still ticked (the review changes the list without asking their
/// details again). A warning sign ticked in the list is recorded as a sign and gets no
/// detail questions: its answer does not depend on them.
///
/// Returns the symptom at which the questions stop when the answers reach the emergency
/// department or an emergency: the details of the rest are not asked (they are kept in
/// `answers.pending`), so that the instruction comes at once.
pub fn ask_symptoms(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    mode: Mode,
    ids: &[&str],
    answers: &mut Answers,
    now: DateTime<FixedOffset>,
) -> Answer<Option<String>> {
    ask_symptoms_then(p, rules, mode, ids, answers, now, &mut |_, _, _| Ok(()))
}

/// What [`ask_symptoms_then`] calls once the list is answered: the prompter, the answers
/// so far (the symptoms ticked are in `pending`), and the details kept of those still
/// ticked, which it may change.
pub type KeptDetails<'a> =
    dyn FnMut(&mut dyn Prompter, &Answers, &mut Vec<SymptomAnswer>) -> Answer<()> + 'a;

/// As [`ask_symptoms`], with `review` of the details kept (those of `answers.symptoms`
/// still ticked) called after the list and before they count, unless the list alone
/// already reaches the emergency department or more (the instruction comes first then,
/// and the details kept are not used: see [`Answers::pending`]).
pub fn ask_symptoms_then(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    mode: Mode,
    ids: &[&str],
    answers: &mut Answers,
    now: DateTime<FixedOffset>,
    review: &mut KeptDetails<'_>,
) -> Answer<Option<String>> {
    let width = p.width();
    let mut items: Vec<(String, String)> = ids
        .iter()
        .map(|id| (id.to_string(), symptom_words(rules, id, width)))
        .collect();
    // What the list does not name is never read as normal: "Something else" is a choice,
    // last, with its own words asked after.
    let other = rules.other.as_ref().map(|o| o.id.clone());
    if let Some(o) = &rules.other {
        items.push((o.id.clone(), capitalise(&o.description)));
    }
    let is_sign = |id: &str| rules.warning_sign(id).is_some();
    let ticked: Vec<String> = answers
        .symptoms
        .iter()
        .map(|s| s.id.clone())
        .chain(answers.pending.iter().cloned())
        .chain(
            answers
                .positive_signs()
                .filter(|id| ids.contains(id))
                .map(str::to_string),
        )
        .collect();
    let help = match mode {
        Mode::Patient => "Space to tick, Enter when done. Enter on 'None of these' if none apply.",
        Mode::Nurse => "Space to tick, Enter when done; Enter on 'None of these' if none",
    };
    let picked = checklist(
        p,
        rules,
        SYMPTOMS.id,
        SYMPTOMS.asked(mode),
        help,
        &items,
        &ticked,
        false,
        other.as_deref(),
    )?;
    // A search that found nothing, answered "Something else": its words are the description.
    let mut searched = p.searched_words().filter(|w| !w.is_empty());
    answers.symptoms_asked = true;

    // The signs of this list, ticked or not, replace what was said of them before.
    answers
        .signs
        .retain(|s| !(ids.contains(&s.id.as_str()) && is_sign(&s.id)));
    for (id, _) in items.iter().filter(|(id, _)| is_sign(id)) {
        answers.signs.push(SignAnswer {
            id: id.as_str().into(),
            answer: picked.contains(id).into(),
        });
    }
    let previous = std::mem::take(&mut answers.symptoms);
    answers.pending = picked.iter().filter(|id| !is_sign(id)).cloned().collect();
    let stop_at = |answers: &Answers| -> Option<String> {
        (disposition_so_far(answers, rules, now) >= Disposition::GoToEdNow).then(|| {
            picked
                .iter()
                .find(|id| is_sign(id))
                .or(picked.first())
                .cloned()
                .unwrap_or_default()
        })
    };
    let mut previous: Vec<SymptomAnswer> = previous
        .into_iter()
        .filter(|s| answers.pending.contains(&s.id))
        .collect();
    if !previous.is_empty() && stop_at(answers).is_none() {
        review(p, answers, &mut previous)?;
    }
    loop {
        if let Some(stop) = stop_at(answers) {
            return Ok(Some(stop));
        }
        if answers.pending.is_empty() {
            return Ok(None);
        }
        let id = answers.pending.remove(0);
        let answer = match previous.iter().find(|s| s.id == id) {
            Some(kept) => kept.clone(),
            None if other.as_deref() == Some(id.as_str()) => {
                let words = match searched.take() {
                    Some(words) if aftercare_core::resolve::check_description(&words).is_ok() => {
                        words
                    }
                    _ => ask_other_words(p, mode, &id)?,
                };
                let mut a = ask_details(p, rules, mode, &id, answers.elapsed(now), None)?;
                a.description = Some(words);
                a
            }
            None => ask_details(p, rules, mode, &id, answers.elapsed(now), None)?,
        };
        answers.symptoms.push(answer);
    }
}

/// Asks the patient `ids` as one checklist with "None of these"; the answers replace
/// earlier ones.
pub fn ask_risk_factors(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    ids: &[String],
    answers: &mut Answers,
) -> Answer<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let items: Vec<(String, String)> = ids
        .iter()
        .filter_map(|id| rules.risk_factors.iter().find(|r| &r.id == id))
        .map(|r| (r.id.clone(), capitalise(&r.description)))
        .collect();
    let picked = ask_checklist(
        p,
        rules,
        RISK_FACTORS.id,
        RISK_FACTORS.asked(Mode::Patient),
        "Space to tick, Enter when done. Enter on 'None of these' if none apply.",
        &items,
        &[],
    )?;
    let shown: Vec<&str> = items.iter().map(|(id, _)| id.as_str()).collect();
    super::record_checklist(&mut answers.risk_factors, &shown, &picked);
    Ok(())
}

/// "Something else" (the rule set's `other`, with this id): what it is, in the person's
/// own words (at most 500 characters, no control characters: the words are recorded and
/// shown, never interpreted).
pub fn ask_other_words(p: &mut dyn Prompter, mode: Mode, other: &str) -> Answer<String> {
    let check: Check<String> = Arc::new(|t: &String| {
        aftercare_core::resolve::check_description(t.trim())
            .map(|_| ())
            .map_err(|m| format!("The answer {m}"))
    });
    Ok(p.text(&TextLine {
        id: &format!("symptom.{other}.{}", OTHER_WORDS.id),
        message: OTHER_WORDS.asked(mode),
        help: Some("For example: a rash on the neck (at most 500 characters)"),
        check: Some(check),
    })?
    .trim()
    .to_string())
}
