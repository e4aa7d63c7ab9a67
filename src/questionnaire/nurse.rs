//! The nurse's telephone protocol: questions in order of acuity (danger signs one by one,
//! stopping at the first positive; the same-day signs; the symptoms), background for the
//! record, then the disposition, which the nurse may change, and an SBAR note.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::prompt::{Choice, Prompter, SelectOne, Stop, TextLine, YesNo};
use super::*;
use crate::error::Error;
use crate::model::Disposition;
use crate::rules::RuleSet;

/// What the nurse records about the call itself, around the clinical questions: who
/// called and how to call back, the complaint in the caller's words, and at the end the
/// advice given, whether the caller understood, notes, and who took the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CallDetails {
    /// "patient" or "someone else"; empty when the call details were skipped.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub caller: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub caller_name: String,
    /// The patient, when someone else calls for them: the caller's name alone would not
    /// say whose chart the call belongs to.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub patient_name: String,
    /// The patient's date of birth (YYYY-MM-DD), to tell patients of the same name apart.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub patient_birth_date: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub callback: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub complaint: String,
    /// The care advice the nurse confirmed giving, in the words given.
    pub advice_given: Vec<String>,
    /// Whether the safety net (when to call back) was confirmed as given.
    pub safety_net_given: bool,
    /// "Caller understood and agrees"; `None` when not asked (the call stopped first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub understood: Option<bool>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub nurse: String,
    /// Set when the call was stopped and kept (Esc or Ctrl-C, then "stop and keep", or any
    /// stop after an instruction was given): "cancelled" or "interrupted".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The call was stopped before any disposition was given to the caller: the computed
    /// disposition is of the answers so far, and was not said.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub before_instruction: bool,
    /// When the call began and ended (RFC 3339, whole seconds): the start is the clock the
    /// answers are assessed at, the end that clock plus the time the questions took.
    pub started_at: String,
    pub ended_at: String,
}

/// Runs the nurse's protocol to its end: call details, the questions, the disposition the
/// nurse may change, and the end of the call. A call stopped after an instruction was given,
/// or stopped before one with "stop and keep", still returns its outcome, marked stopped
/// (see [`CallDetails::stopped`]), so that its record is kept; a call discarded, or stopped
/// at its first question, is an error (cancelled or interrupted).
pub fn run(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    nurse_name: Option<&str>,
) -> Result<Outcome, Error> {
    let now = whole_seconds(now);
    let mut call = Call {
        answers: Answers::new(None),
        details: CallDetails {
            nurse: nurse_name.unwrap_or("").trim().to_string(),
            started_at: now.to_rfc3339(),
            ..CallDetails::default()
        },
        stopped_at: None,
        outcome: None,
    };
    let mut guarded = Guarded {
        p,
        answered: false,
        instructed: false,
        keep: false,
    };
    let asked = questions(&mut guarded, rules, now, &mut call);
    match asked {
        Ok(()) => {}
        // An instruction on the screen has been given, whatever question followed it.
        Err(stop @ (Stop::Cancel | Stop::Interrupt)) if guarded.instructed || guarded.keep => {
            call.details.before_instruction = !guarded.instructed;
            call.details.stopped = Some(
                if stop == Stop::Cancel {
                    "cancelled"
                } else {
                    "interrupted"
                }
                .to_string(),
            );
        }
        Err(stop) => return Err(stop.into()),
    }
    let mut outcome = match call.outcome.take() {
        Some(o) => o,
        None => evaluate(Mode::Nurse, call.answers, rules, now, call.stopped_at)?,
    };
    let took = chrono::Duration::from_std(guarded.p.elapsed()).unwrap_or_default();
    call.details.ended_at = whole_seconds(now.checked_add_signed(took).unwrap_or(now)).to_rfc3339();
    outcome.call = Some(call.details);
    Ok(outcome)
}

/// The state of a call as it goes, so that a call stopped half-way keeps what was said.
struct Call {
    answers: Answers,
    details: CallDetails,
    stopped_at: Option<String>,
    /// Set once the disposition is computed; the override and the end of the call add to it.
    outcome: Option<Outcome>,
}

fn questions(
    p: &mut Guarded<'_>,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    call: &mut Call,
) -> Result<(), Stop> {
    ask_call_details(p, &mut call.details, now.date_naive())?;
    // Into the call as they are answered: a call stopped during the follow-ups of a
    // positive sign keeps the sign and its instruction.
    ask_danger(p, rules, &mut call.answers.signs, &mut call.stopped_at)?;
    call.answers.treatment = Some(ask_treatment(p, Mode::Nurse, now)?);

    if call.stopped_at.is_none() {
        let answers = &mut call.answers;
        let same_day = rules.signs_of(Disposition::SeeToday);
        if !same_day.is_empty() {
            let items: Vec<(String, String)> = same_day
                .iter()
                .map(|id| (id.to_string(), symptom_words(rules, id, p.width())))
                .collect();
            let picked = ask_sign_checklist(
                p,
                rules,
                "same_day",
                "Same-day signs?",
                "Space to tick, Enter when done; Enter on 'None of these' if none",
                &items,
            )?;
            for (id, _) in &items {
                answers.signs.push(SignAnswer {
                    id: id.clone(),
                    answer: picked.contains(id).into(),
                });
            }
        }
        // The same-day signs were asked on their own; the symptom list holds the rest.
        let ids: Vec<&str> = rules
            .checklist_ids(Disposition::SeeToday)
            .into_iter()
            .filter(|id| !same_day.contains(id))
            .collect();
        let before = disposition_so_far(answers, rules, now);
        if before >= Disposition::GoToEdNow {
            // Same-day signs that together reach the emergency department or more.
            call.stopped_at = answers.positive_signs().next().map(str::to_string);
        } else if let Some(stop) = ask_symptoms(p, rules, Mode::Nurse, &ids, answers, now)? {
            call.stopped_at = Some(stop);
        }
        if call.stopped_at.is_some() {
            let d = disposition_so_far(&call.answers, rules, now);
            p.instruct(&instruction(rules, d));
        } else {
            call.answers.repeat_contact = Some(p.confirm(&YesNo {
                id: "repeat_contact",
                message: "Repeat call about this problem, or caller very worried?",
                help: Some("y/n"),
                default: None,
            })?);
        }
    }

    // The disposition as soon as the symptoms are in: the caller can be told while the
    // background is taken for the record.
    let outcome = evaluate(
        Mode::Nurse,
        call.answers.clone(),
        rules,
        now,
        call.stopped_at.clone(),
    )
    .map_err(|e| Stop::Terminal(e.to_string()))?;
    p.instruct(&computed(rules, &outcome));
    call.outcome = Some(outcome);
    if call.stopped_at.is_none() {
        // The background asks every risk factor of the rule set once, by its own question:
        // what it answers is the case's risk factors, and nothing asks them again.
        ask_background(p, rules, &mut call.answers)?;
        let before = call.outcome.as_ref().map(|o| o.assessment.disposition);
        let outcome = evaluate(Mode::Nurse, call.answers.clone(), rules, now, None)
            .map_err(|e| Stop::Terminal(e.to_string()))?;
        if Some(outcome.assessment.disposition) != before {
            p.say(&computed(rules, &outcome).replacen(
                "Computed disposition:",
                "With the risk factors, computed disposition:",
                1,
            ));
            if outcome.assessment.disposition >= Disposition::GoToEdNow {
                p.instruct(&instruction(rules, outcome.assessment.disposition));
            }
        }
        if let Some(words) = not_known_that_matter(rules, &outcome) {
            p.say(&words);
        }
        call.outcome = Some(outcome);
    }
    let computed = call
        .outcome
        .as_ref()
        .map_or(Disposition::CallEmergencyNow, |o| o.assessment.disposition);
    // Esc at the override keeps the computed disposition (see `ask_override`): it goes to
    // the prompter itself, not through the "discard this call?" guard.
    let ov = ask_override(p.p, rules, computed)?;
    if let Some(o) = call.outcome.as_mut() {
        o.nurse_override = ov;
    }
    let d = call.outcome.as_ref().map_or(computed, |o| o.disposition());
    let advice = call
        .outcome
        .as_ref()
        .map(|o| o.assessment.advice.clone())
        .unwrap_or_default();
    ask_end_of_call(p, rules, d, &advice, &mut call.details)?;
    Ok(())
}

/// After Esc or Ctrl-C once the call has begun, asks "Stop the call?": back to the question
/// (also Esc), stop and keep what was asked, or (before any instruction) stop and discard.
struct Guarded<'a> {
    p: &'a mut dyn Prompter,
    answered: bool,
    /// A disposition has been shown to the nurse to give: from then on the call is kept
    /// however it stops. Set when it is printed, not when the step that printed it returns.
    instructed: bool,
    /// The nurse chose to stop the call and keep it before any instruction.
    keep: bool,
}

impl Guarded<'_> {
    /// Shows an instruction (a disposition) for the nurse to give the caller.
    fn instruct(&mut self, text: &str) {
        self.p.say(text);
        self.instructed = true;
    }

    fn ask<T>(&mut self, mut f: impl FnMut(&mut dyn Prompter) -> Answer<T>) -> Answer<T> {
        loop {
            match f(&mut *self.p) {
                Ok(v) => {
                    self.answered = true;
                    return Ok(v);
                }
                Err(stop @ (Stop::Cancel | Stop::Interrupt)) if self.answered => {
                    // The call details and every answer so far are the clinic's record of
                    // a call that happened: discarding them is a choice, never the default,
                    // and not offered once an instruction was given.
                    let mut choices = vec![
                        Choice::new("back", "Back to the question"),
                        Choice::new(
                            "keep",
                            if self.instructed {
                                "Stop the call here; the record keeps the instruction given"
                            } else {
                                "Stop the call here and keep what was asked"
                            },
                        ),
                    ];
                    if !self.instructed {
                        choices.push(Choice::new(
                            "discard",
                            "Stop and discard the call (nothing is kept)",
                        ));
                    }
                    let picked = self.p.select(&SelectOne {
                        id: "call.stop",
                        message: "Stop the call?",
                        help: Some("Enter or Esc: back to the question"),
                        choices: &choices,
                        start: 0,
                    });
                    match picked.map(|i| choices[i].key.as_str()) {
                        Ok("keep") => {
                            self.keep = true;
                            return Err(stop);
                        }
                        Ok("discard") => return Err(stop),
                        Ok(_) | Err(Stop::Cancel) => continue,
                        Err(other) => return Err(other),
                    }
                }
                Err(other) => return Err(other),
            }
        }
    }
}

impl Prompter for Guarded<'_> {
    fn select(&mut self, q: &SelectOne<'_>) -> Answer<usize> {
        self.ask(|p| p.select(q))
    }
    fn select_many(&mut self, q: &super::prompt::SelectMany<'_>) -> Answer<Vec<usize>> {
        self.ask(|p| p.select_many(q))
    }
    fn text(&mut self, q: &TextLine<'_>) -> Answer<String> {
        self.ask(|p| p.text(q))
    }
    fn date(&mut self, q: &super::prompt::DatePick<'_>) -> Answer<chrono::NaiveDate> {
        self.ask(|p| p.date(q))
    }
    fn confirm(&mut self, q: &YesNo<'_>) -> Answer<bool> {
        self.ask(|p| p.confirm(q))
    }
    fn say(&mut self, text: &str) {
        self.p.say(text);
    }
    fn width(&self) -> usize {
        self.p.width()
    }
    fn searched_words(&mut self) -> Option<String> {
        self.p.searched_words()
    }
    fn keys(&self) -> &'static str {
        self.p.keys()
    }
    fn elapsed(&self) -> std::time::Duration {
        self.p.elapsed()
    }
}

/// Optional call details, one Enter to skip them all.
fn ask_call_details(
    p: &mut dyn Prompter,
    d: &mut CallDetails,
    today: chrono::NaiveDate,
) -> Answer<()> {
    let name = p.text(&TextLine {
        id: "call.caller_name",
        message: "Caller's name or patient id?",
        help: Some("Enter alone skips the call details"),
        check: Some(one_line(200)),
    })?;
    let name = name.trim();
    if name.is_empty() {
        return Ok(());
    }
    d.caller_name = name.to_string();
    let choices = [
        Choice::new("patient", "The patient"),
        Choice::new("someone else", "Someone else, for the patient"),
    ];
    let i = p.select(&SelectOne {
        id: "call.caller",
        message: "Who is calling?",
        help: None,
        choices: &choices,
        start: 0,
    })?;
    d.caller = choices[i].key.clone();
    if d.caller == "someone else" {
        d.patient_name = p
            .text(&TextLine {
                id: "call.patient_name",
                message: "Patient's name or id?",
                help: Some("Enter: not given"),
                check: Some(one_line(200)),
            })?
            .trim()
            .to_string();
    }
    d.patient_birth_date = p
        .text(&TextLine {
            id: "call.patient_birth_date",
            message: "Patient's date of birth? (1980-04-23, or 23 Apr 1980)",
            help: Some("Enter: not given"),
            check: Some(birth_date_check(today)),
        })?
        .trim()
        .to_string();
    d.patient_birth_date = birth_date(&d.patient_birth_date)
        .map_or(String::new(), |b| b.format("%Y-%m-%d").to_string());
    d.callback = p
        .text(&TextLine {
            id: "call.callback",
            message: "Callback number?",
            help: Some("Enter: not given"),
            check: Some(one_line(40)),
        })?
        .trim()
        .to_string();
    d.complaint = p
        .text(&TextLine {
            id: "call.complaint",
            message: "The complaint, in the caller's words?",
            help: Some("Enter: not recorded"),
            check: Some(one_line(500)),
        })?
        .trim()
        .to_string();
    Ok(())
}

/// A date of birth as typed: 1980-04-23, or the day, the month as a word and the year
/// (23 Apr 1980, April 23 1980). Numbers only with slashes are refused elsewhere as
/// ambiguous; here they are simply not read.
fn birth_date(text: &str) -> Option<chrono::NaiveDate> {
    let t = text.trim().replace(',', " ");
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    ["%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y"]
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(&t, f).ok())
}

fn birth_date_check(today: chrono::NaiveDate) -> super::prompt::Check<String> {
    std::sync::Arc::new(move |t: &String| {
        if t.trim().is_empty() {
            return Ok(());
        }
        match birth_date(t) {
            Some(d) if d <= today && chrono::Datelike::year(&d) >= 1900 => Ok(()),
            Some(_) => Err("that date cannot be a date of birth; check the year".into()),
            None => Err("write it as 1980-04-23 or 23 Apr 1980".into()),
        }
    })
}

/// A free-text answer on one line: at most `most` characters, no control characters (they
/// would reach the note and the terminal).
fn one_line(most: usize) -> super::prompt::Check<String> {
    std::sync::Arc::new(move |t: &String| {
        if t.chars().count() > most {
            Err(format!("at most {most} characters"))
        } else if t.chars().any(char::is_control) {
            Err("no control characters, please".into())
        } else {
            Ok(())
        }
    })
}

/// The end of the call: the advice given (listed from the result; the nurse ticks what was
/// said), whether the caller understood, notes, the nurse.
fn ask_end_of_call(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    d: Disposition,
    advice: &[crate::model::AdviceItem],
    details: &mut CallDetails,
) -> Answer<()> {
    let text = rules.disposition_text(d);
    let safety_net = text.call_back.trim().to_string();
    let mut choices = vec![Choice::new(
        "disposition",
        format!("{}: {}", text.label, text.action),
    )];
    if !safety_net.is_empty() && d < Disposition::CallEmergencyNow {
        choices.push(Choice::new(
            "safety_net",
            format!("Safety net: {safety_net}"),
        ));
    }
    if d < Disposition::GoToEdNow {
        for a in advice {
            choices.push(Choice::new(format!("advice:{}", a.id), a.text.clone()));
        }
    }
    // Nothing ticked to begin with: an item is recorded as said only when the nurse ticks
    // it. (Pre-ticked, one Enter recorded every item as given, said or not.)
    let items: Vec<(String, String)> = choices.into_iter().map(|c| (c.key, c.label)).collect();
    let picked = ask_checklist(
        p,
        rules,
        "call.advice_given",
        "Advice given? (tick what was said)",
        "Space to tick what was said, Enter when done; Enter on 'None of these' if none",
        &items,
        &[],
    )?;
    details.safety_net_given = picked.iter().any(|k| k == "safety_net");
    details.advice_given = items
        .iter()
        .filter(|(k, _)| k != "safety_net" && picked.contains(k))
        .map(|(_, label)| label.clone())
        .collect();
    details.understood = Some(p.confirm(&YesNo {
        id: "call.understood",
        message: "Caller understood and agrees?",
        help: Some("y/n"),
        default: None,
    })?);
    details.notes = p
        .text(&TextLine {
            id: "call.notes",
            message: "Notes?",
            help: Some("Enter: none"),
            check: Some(one_line(2000)),
        })?
        .trim()
        .to_string();
    if details.nurse.is_empty() {
        details.nurse = p
            .text(&TextLine {
                id: "call.nurse",
                message: "Your name or initials?",
                help: Some("Enter: not recorded (--nurse-name gives it once)"),
                check: Some(one_line(100)),
            })?
            .trim()
            .to_string();
    }
    Ok(())
}

/// The danger signs one by one, most acute first, each needing y or n (no default: Enter
/// alone is not "no"), into `signs` as they are answered. The first "yes" stops them (in
/// `stopped_at`); the rest are recorded as not asked. After a go-to-ED sign, the signs that
/// could make it an emergency in combination are still asked.
fn ask_danger(
    p: &mut Guarded<'_>,
    rules: &RuleSet,
    signs: &mut Vec<SignAnswer>,
    stopped_at: &mut Option<String>,
) -> Answer<()> {
    let order: Vec<&str> = rules
        .signs_of(Disposition::CallEmergencyNow)
        .into_iter()
        .chain(rules.signs_of(Disposition::GoToEdNow))
        .collect();
    let total = order.len();
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
            *stopped_at = Some(id.to_string());
            // The instruction first, before any other question: the caller can act on it
            // while the rest is asked for the record.
            let d = rules
                .warning_sign(id)
                .map_or(Disposition::CallEmergencyNow, |w| w.disposition);
            p.instruct(&instruction(rules, d));
        }
    }
    if stopped_at.is_some() {
        let before = most_urgent(rules, signs);
        ask_follow_ups(p, rules, signs, |p, more| {
            let id = &more[0];
            let yes = ask_sign(p, rules, "more", id, "asked because of the positive sign")?;
            Ok(vec![(id.clone(), yes)])
        })?;
        // A combination found by the follow-ups can make it more urgent: say so at once.
        let after = most_urgent(rules, signs);
        if after > before {
            p.instruct(&instruction(rules, after));
        }
    }
    Ok(())
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

/// The background: every risk factor of the rule set, each by the rule file's own question
/// (yes, no or not known), then what is kept for the record only. The cursor starts on
/// "not known": an answer skipped with Enter says so, rather than a "no" nobody heard.
fn ask_background(p: &mut dyn Prompter, rules: &RuleSet, answers: &mut Answers) -> Answer<()> {
    let yes_no = [
        Choice::new("yes", "Yes"),
        Choice::new("no", "No"),
        Choice::new("not_known", "Not known"),
    ];
    let total = rules.risk_factors.len();
    for (n, r) in rules.risk_factors.iter().enumerate() {
        let id = format!("background.{}", r.id);
        let help = format!(
            "background {} of {total}; type y or n, then Enter; Enter alone: not known",
            n + 1
        );
        let i = p.select(&SelectOne {
            id: &id,
            message: &r.question,
            help: Some(&help),
            choices: &yes_no,
            start: yes_no.len() - 1,
        })?;
        let answer = match yes_no[i].key.as_str() {
            "yes" => SignState::Yes,
            "no" => SignState::No,
            _ => SignState::NotKnown,
        };
        answers.risk_factors.retain(|a| a.id != r.id);
        answers.risk_factors.push(SignAnswer {
            id: r.id.clone(),
            answer,
        });
    }
    let many =
        |p: &mut dyn Prompter, id: &str, message: &str, options: &[&str]| -> Answer<Vec<String>> {
            let choices: Vec<Choice> = options.iter().map(|o| Choice::new(*o, *o)).collect();
            let picked = p.select_many(&super::prompt::SelectMany {
                id,
                message,
                help: Some("Space to tick, Enter when done (none ticked: not recorded)"),
                choices: &choices,
                ticked: Vec::new(),
                none: None,
                check: None,
                read_all: false,
                other: None,
            })?;
            Ok(picked.into_iter().map(|i| options[i].to_string()).collect())
        };
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
    // The person's own blood (PRP) is a risk factor, asked above: not offered again here,
    // where an unticked box could read as its denial.
    let products = many(
        p,
        "background.products",
        "Products applied on or after the day?",
        &[
            "none",
            "hyaluronic acid serum",
            "vitamin C serum",
            "growth factors or exosomes",
            "other serum or product",
        ],
    )?;
    // Some people put a numbing cream on at home before or after the appointment: over a
    // large area it can be toxic (clinical reference 1.2, section 5).
    let numbing = p.text(&TextLine {
        id: "background.numbing",
        message: "Any numbing product put on before or after the appointment, at the clinic or at home? Which, and where?",
        help: Some("e.g. lidocaine cream on the whole face at home; 'none'; Enter: not recorded"),
        check: None,
    })?;
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
    answers.background = Some(Background {
        treated_areas,
        products,
        numbing_products: or_not(numbing, "not recorded"),
        allergies: or_not(allergies, "not recorded"),
        session: or_not(session, "not known"),
    });
    Ok(())
}

/// The risk factors the caller did not know whose "yes" would make the disposition more
/// urgent, as the evaluation's own follow-up function finds them: the nurse may want to
/// find out (the device from the clinic's notes), or to decide with that in mind.
fn not_known_that_matter(rules: &RuleSet, outcome: &Outcome) -> Option<String> {
    let a = &outcome.answers;
    let mut answered = a.answered_ids();
    // Every symptom was offered in the lists: one not ticked was answered "no".
    answered.extend(rules.reactions.iter().map(|r| r.id.clone()));
    let open: Vec<String> = crate::follow_up::could_still_raise(&outcome.case, rules, &answered)
        .into_iter()
        .filter(|q| {
            q.kind == crate::follow_up::OpenKind::RiskFactor
                && a.risk_factors
                    .iter()
                    .any(|r| r.id == q.id && r.answer == SignState::NotKnown)
        })
        .map(|q| {
            format!(
                "{} ({})",
                risk_factor_name(rules, &q.id),
                q.could_give.code()
            )
        })
        .collect();
    (!open.is_empty()).then(|| {
        format!(
            "Not known, and would make it more urgent if yes: {}.",
            open.join(", ")
        )
    })
}

/// A risk factor's label as it reads in a sentence: "atopic eczema", "PRP (own blood)".
pub(crate) fn risk_factor_name(rules: &RuleSet, id: &str) -> String {
    rules
        .risk_factors
        .iter()
        .find(|r| r.id == id)
        .map_or(id.to_string(), |r| {
            let first = r.label.split_whitespace().next().unwrap_or("");
            let acronym = first.chars().count() > 1
                && first
                    .chars()
                    .all(|c| !c.is_alphabetic() || c.is_uppercase());
            let mut c = r.label.chars();
            match c.next() {
                Some(f) if !acronym => f.to_lowercase().chain(c).collect(),
                _ => r.label.clone(),
            }
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
    // Each finding in words, the rule id in brackets for the chart.
    for f in &o.assessment.findings {
        let who = f.symptom.as_deref().map_or_else(
            || "Repeat contact".to_string(),
            |s| {
                s.split('+')
                    .map(|id| label(rules, id))
                    .collect::<Vec<_>>()
                    .join(" with ")
            },
        );
        out.push_str(&format!(
            "  - {who}: {} [{}]\n",
            rules.disposition_text(f.disposition).label.to_lowercase(),
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
