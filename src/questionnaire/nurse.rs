//! The nurse's telephone protocol: questions in order of acuity (danger signs one by one,
//! stopping at the first positive; the same-day signs; the symptoms), background for the
//! record, then the disposition, which the nurse may change, and an SBAR note.

use chrono::{DateTime, FixedOffset};

use super::prompt::{Answer, Choice, Prompter, SelectOne, Stop, TextLine, YesNo};
use super::*;
use crate::conversation::{
    Part, Question, RecordAnswer, ADVICE_GIVEN, BACKGROUND, BACKGROUND_GROUP, CALLBACK, CALLER,
    CALLER_NAME, COMPLAINT, LOWERING_REASON, NOTES, NURSE_NAME, OVERRIDE, PATIENT_BIRTH_DATE,
    PATIENT_NAME, RAISING_REASON, REPEAT_CONTACT, SAME_DAY, UNDERSTOOD,
};
use crate::error::Error;
use aftercare_core::model::Disposition;
use aftercare_core::rules::RuleSet;

pub use super::outcome::CallDetails;

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
    run_from(p, rules, now, nurse_name, None)
}

/// As [`run`], started from a sent check-in when `from` is given (a callback on it):
///
/// - the caller's name and callback number are the check-in's, confirmed with one y/n (n
///   asks them as usual); the complaint, on Enter, names the check-in;
/// - the danger signs are asked again exactly as without a check-in, never filled in: the
///   person's state may have changed since it was sent;
/// - the check-in's treatment is said back and confirmed (n asks it as usual);
/// - the same-day signs are asked again, nothing ticked (the signs the check-in reported
///   are said above the list);
/// - the symptoms the check-in reported are ticked in the symptom list, and their details
///   kept while they stay ticked; the details kept are then shown once ("Details from the
///   check-in sent ...: check each is still right"), and those the nurse ticks as changed
///   are asked again, the cursor on what was sent. A trend is "over the last day" as of
///   the sending, so it may be stale. A start day counts from the treatment and stays
///   right, unless the treatment itself is not the check-in's: then the details of every
///   symptom are asked again;
/// - the risk factors are all asked, as without a check-in, each with the check-in's
///   answer in its help line when it had one.
///
/// The note and the record name the check-in ([`CallDetails::from_checkin`]).
pub fn run_from(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    nurse_name: Option<&str>,
    from: Option<&FromCheckin>,
) -> Result<Outcome, Error> {
    let now = whole_seconds(now);
    let from = from.map(safe_to_show);
    let from = from.as_ref();
    let mut call = Call {
        answers: Answers::new(None),
        details: CallDetails {
            nurse: nurse_name.unwrap_or("").trim().to_string(),
            started_at: now.to_rfc3339(),
            from_checkin: from.map(|f| f.checkin.clone()),
            checkin_sent_at: from.map(|f| f.sent_at.to_rfc3339()),
            checkin_disposition: from.map(|f| f.disposition),
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
    let asked = questions(&mut guarded, rules, now, &mut call, from);
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

/// The call's questions in the protocol's order (the conversation's [`Part`]s): who calls,
/// the danger signs, the treatment, what is happening now, the disposition with the
/// background taken for the record, the nurse's override and the end of the call. After a
/// danger sign, or answers that reach the emergency department, the instruction comes at
/// once, and nothing more is asked but the treatment and the end of the call.
fn questions(
    p: &mut Guarded<'_>,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    call: &mut Call,
    from: Option<&FromCheckin>,
) -> Result<(), Stop> {
    if let Some(f) = from {
        p.say(&checkin_words(rules, f, now));
    }
    let mut same_treatment = false;
    for part in Mode::Nurse.parts() {
        let going_on = call.stopped_at.is_none();
        match part {
            Part::CallDetails => {
                ask_call_details(p, &mut call.details, now.date_naive(), from, rules)?
            }
            // Into the call as they are answered: a call stopped during the follow-ups of a
            // positive sign keeps the sign and its instruction. Asked again with a
            // check-in, and never filled in from it: the person's state may have changed
            // since it was sent.
            Part::DangerSigns => {
                ask_danger(p, rules, &mut call.answers.signs, &mut call.stopped_at)?
            }
            Part::Treatment => same_treatment = ask_call_treatment(p, now, call, from)?,
            Part::SameDaySigns if going_on => {
                ask_same_day_signs(p, rules, &mut call.answers, from)?;
                // Same-day signs that together reach the emergency department or more.
                if disposition_so_far(&call.answers, rules, now) >= Disposition::GoToEdNow {
                    call.stopped_at = call.answers.positive_signs().next().map(str::to_string);
                    instruct_at_stop(p, rules, now, call);
                }
            }
            Part::Symptoms if going_on => {
                ask_call_symptoms(p, rules, now, call, from, same_treatment)?;
                instruct_at_stop(p, rules, now, call);
            }
            Part::RepeatContact if going_on => ask_repeat_contact(p, call, from)?,
            Part::Disposition => give_the_disposition(p, rules, now, call)?,
            Part::RiskFactors if going_on => {
                let sent = from.map(|f| &f.answers);
                ask_every_risk_factor(p, rules, &mut call.answers, sent)?;
            }
            Part::Background if going_on => {
                call.answers.background = Some(ask_background_for_the_record(p)?);
                say_what_the_background_changed(p, rules, now, call)?;
            }
            Part::EndOfCall => ask_override_and_end_of_call(p, rules, call)?,
            _ => {}
        }
    }
    Ok(())
}

/// The instruction, at once, when the answers just asked stopped the questions.
fn instruct_at_stop(p: &mut Guarded<'_>, rules: &RuleSet, now: DateTime<FixedOffset>, call: &Call) {
    if call.stopped_at.is_some() {
        let d = disposition_so_far(&call.answers, rules, now);
        p.instruct(&instruction(rules, d));
    }
}

/// "Repeat call about this problem, or caller very worried?", with the check-in's answer
/// in the help line when it gave one.
fn ask_repeat_contact(
    p: &mut Guarded<'_>,
    call: &mut Call,
    from: Option<&FromCheckin>,
) -> Result<(), Stop> {
    let help = with_checkin(
        "y/n",
        from.and_then(|f| f.answers.repeat_contact)
            .map(SignState::from),
    );
    call.answers.repeat_contact = Some(p.confirm(&YesNo {
        id: REPEAT_CONTACT.id,
        message: REPEAT_CONTACT.asked(Mode::Nurse),
        help: Some(&help),
        default: None,
    })?);
    Ok(())
}

/// The treatment: the check-in's said back to confirm, or asked. Whether it is the
/// check-in's own, so that the start days of its symptoms still count from it.
fn ask_call_treatment(
    p: &mut Guarded<'_>,
    now: DateTime<FixedOffset>,
    call: &mut Call,
    from: Option<&FromCheckin>,
) -> Result<bool, Stop> {
    let sent_treatment = from.and_then(|f| checkin_treatment(f, now));
    let treatment = match sent_treatment {
        Some(t) if confirm_treatment(p, t, now)? => t.clone(),
        _ => ask_treatment(p, Mode::Nurse, now)?,
    };
    // The start days of the check-in's symptoms count from its treatment: kept only with it.
    let same_treatment = sent_treatment
        .is_some_and(|t| t.at == treatment.at && t.time_given == treatment.time_given);
    call.answers.treatment = Some(treatment);
    Ok(same_treatment)
}

/// The same-day signs, as one checklist with nothing ticked (those the check-in reported
/// are said above it), each recorded with its answer.
fn ask_same_day_signs(
    p: &mut Guarded<'_>,
    rules: &RuleSet,
    answers: &mut Answers,
    from: Option<&FromCheckin>,
) -> Result<(), Stop> {
    let same_day = rules.signs_of(Disposition::SeeToday);
    if same_day.is_empty() {
        return Ok(());
    }
    let items: Vec<(String, String)> = same_day
        .iter()
        .map(|id| (id.to_string(), symptom_words(rules, id, p.width())))
        .collect();
    if let Some(words) = from.and_then(|f| reported_signs(rules, f, &same_day)) {
        p.say(&format!(
            "The check-in reported: {words}. Asked again: nothing is ticked."
        ));
    }
    let picked = ask_sign_checklist(
        p,
        rules,
        SAME_DAY.id,
        SAME_DAY.asked(Mode::Nurse),
        "Space to tick, Enter when done; Enter on 'None of these' if none",
        &items,
    )?;
    for (id, _) in &items {
        answers.signs.push(SignAnswer {
            id: id.as_str().into(),
            answer: picked.contains(id).into(),
        });
    }
    Ok(())
}

/// The symptom list and each symptom's details: with a check-in, its symptoms ticked and
/// their details kept once the nurse has checked them (recorded as the check-in's).
fn ask_call_symptoms(
    p: &mut Guarded<'_>,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    call: &mut Call,
    from: Option<&FromCheckin>,
    same_treatment: bool,
) -> Result<(), Stop> {
    // The same-day signs were asked on their own; the symptom list holds the rest.
    let same_day = rules.signs_of(Disposition::SeeToday);
    let ids: Vec<&str> = rules
        .checklist_ids(Disposition::SeeToday)
        .into_iter()
        .filter(|id| !same_day.contains(id))
        .collect();
    let ids = &ids[..];
    let answers = &mut call.answers;
    // The check-in's symptoms ticked in the list, only now: what the same-day signs
    // alone give above is not raised by details nobody has confirmed yet.
    let seeded = match from {
        Some(f) => {
            let seeded = seed_symptoms(rules, f, ids, same_treatment, answers);
            if let Some(words) = seeded_words(rules, f, ids, answers) {
                p.say(&words);
            }
            seeded
        }
        None => Vec::new(),
    };
    // The details kept from the check-in are checked once the list is answered,
    // before they count; those confirmed are recorded as the check-in's.
    let mut confirmed = Vec::new();
    let mut review =
        |p: &mut dyn Prompter, so_far: &Answers, kept: &mut Vec<SymptomAnswer>| match from {
            Some(f) if !seeded.is_empty() => {
                confirmed = review_checkin_details(p, rules, f, now, so_far, kept)?;
                Ok(())
            }
            _ => Ok(()),
        };
    call.stopped_at = ask_symptoms_then(p, rules, Mode::Nurse, ids, answers, now, &mut review)?;
    // Only those whose details stand in the answers: a stop can leave some ticked
    // without their details (see `Answers::pending`).
    confirmed.retain(|id| answers.symptoms.iter().any(|s| &s.id == id));
    call.details.checkin_details_kept = confirmed;
    Ok(())
}

/// The disposition as soon as the symptoms are in, so that the caller can be told while
/// the background is taken for the record.
fn give_the_disposition(
    p: &mut Guarded<'_>,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    call: &mut Call,
) -> Result<(), Stop> {
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
    Ok(())
}

/// Once the background is taken: the disposition again when its risk factors changed it
/// (the instruction too, when it is now the emergency department or more), and the
/// risk factors not known that could have.
fn say_what_the_background_changed(
    p: &mut Guarded<'_>,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
    call: &mut Call,
) -> Result<(), Stop> {
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
    Ok(())
}

/// The nurse's override of the computed disposition, then the end of the call (the
/// advice given, whether the caller understood, notes, the nurse).
fn ask_override_and_end_of_call(
    p: &mut Guarded<'_>,
    rules: &RuleSet,
    call: &mut Call,
) -> Result<(), Stop> {
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
    fn begin(&mut self, opening: &str) -> Answer<()> {
        self.p.begin(opening)
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

/// Optional call details, one Enter to skip them all. From a check-in, its name and
/// number are confirmed with one y/n (n asks them), nothing is skipped, and the complaint
/// on Enter names the check-in.
fn ask_call_details(
    p: &mut dyn Prompter,
    d: &mut CallDetails,
    today: chrono::NaiveDate,
    from: Option<&FromCheckin>,
    rules: &RuleSet,
) -> Answer<()> {
    let sent = from.map(|f| (f.patient_name.trim(), f.phone.trim()));
    let confirmed = match sent {
        Some((name, phone)) if !name.is_empty() || !phone.is_empty() => {
            confirm_checkin_caller(p, name, phone)?
        }
        _ => false,
    };
    if let (true, Some((name, phone))) = (confirmed, sent) {
        d.caller_name = name.to_string();
        d.callback = phone.to_string();
    } else {
        let name = p.text(&TextLine {
            id: &prompt_id(CALLER_NAME),
            message: CALLER_NAME.asked(Mode::Nurse),
            help: Some(if from.is_some() {
                "Enter: not given"
            } else {
                "Enter alone skips the call details"
            }),
            check: Some(one_line(200)),
        })?;
        let name = name.trim();
        if name.is_empty() && from.is_none() {
            return Ok(());
        }
        d.caller_name = name.to_string();
    }
    ask_patient(p, d, today)?;
    if !confirmed {
        d.callback = p
            .text(&TextLine {
                id: &prompt_id(CALLBACK),
                message: CALLBACK.asked(Mode::Nurse),
                help: Some("Enter: not given"),
                check: Some(one_line(40)),
            })?
            .trim()
            .to_string();
    }
    ask_complaint(p, d, from, rules)
}

/// A call question's prompt: `call.{id}`, the record's field.
fn prompt_id(q: Question) -> String {
    format!("call.{}", q.id)
}

/// The check-in's caller name and callback number, said back for one y/n.
fn confirm_checkin_caller(p: &mut dyn Prompter, name: &str, phone: &str) -> Answer<bool> {
    fn shown(v: &str) -> &str {
        if v.is_empty() {
            "not given"
        } else {
            v
        }
    }
    let message = format!(
        "Caller: {}, callback {} (from the check-in): right?",
        shown(name),
        shown(phone)
    );
    p.confirm(&YesNo {
        id: "call.from_checkin",
        message: &message,
        help: Some("y: keep them; n: type them"),
        default: None,
    })
}

/// Who is calling, and the patient: their name when someone else calls for them, and
/// their date of birth.
fn ask_patient(p: &mut dyn Prompter, d: &mut CallDetails, today: chrono::NaiveDate) -> Answer<()> {
    let choices = [
        Choice::new("patient", "The patient"),
        Choice::new("someone else", "Someone else, for the patient"),
    ];
    let i = p.select(&SelectOne {
        id: &prompt_id(CALLER),
        message: CALLER.asked(Mode::Nurse),
        help: None,
        choices: &choices,
        start: 0,
    })?;
    d.caller = choices[i].key.clone();
    if d.caller == "someone else" {
        d.patient_name = p
            .text(&TextLine {
                id: &prompt_id(PATIENT_NAME),
                message: PATIENT_NAME.asked(Mode::Nurse),
                help: Some("Enter: not given"),
                check: Some(one_line(200)),
            })?
            .trim()
            .to_string();
    }
    d.patient_birth_date = p
        .text(&TextLine {
            id: &prompt_id(PATIENT_BIRTH_DATE),
            message: PATIENT_BIRTH_DATE.asked(Mode::Nurse),
            help: Some("Enter: not given"),
            check: Some(birth_date_check(today)),
        })?
        .trim()
        .to_string();
    d.patient_birth_date = birth_date(&d.patient_birth_date)
        .map_or(String::new(), |b| b.format("%Y-%m-%d").to_string());
    Ok(())
}

/// The complaint in the caller's words; on Enter, from a check-in, the check-in and what it
/// gave.
fn ask_complaint(
    p: &mut dyn Prompter,
    d: &mut CallDetails,
    from: Option<&FromCheckin>,
    rules: &RuleSet,
) -> Answer<()> {
    let fallback = from.map(|f| {
        format!(
            "Check-in {} ({})",
            f.checkin,
            rules.disposition_text(f.disposition).label.to_lowercase()
        )
    });
    let help = match &fallback {
        Some(words) => format!("Enter: {words}"),
        None => "Enter: not recorded".to_string(),
    };
    let complaint = p
        .text(&TextLine {
            id: &prompt_id(COMPLAINT),
            message: COMPLAINT.asked(Mode::Nurse),
            help: Some(&help),
            check: Some(one_line(500)),
        })?
        .trim()
        .to_string();
    d.complaint = match fallback {
        Some(words) if complaint.is_empty() => words,
        _ => complaint,
    };
    Ok(())
}

/// The check-in with every text the person typed safe to show on the nurse's terminal and
/// to keep in the record: a control character or an escape sequence is written as a
/// visible escape (the web check-in refuses them; a check-in read from elsewhere may not).
fn safe_to_show(f: &FromCheckin) -> FromCheckin {
    let visible = |t: &str| aftercare_core::escape::visible(t).into_owned();
    let mut f = f.clone();
    f.checkin = visible(&f.checkin);
    f.patient_name = visible(&f.patient_name);
    f.phone = visible(&f.phone);
    for s in &mut f.answers.symptoms {
        s.description = s.description.as_deref().map(visible);
    }
    f
}

/// The first words of a call from a check-in: which it is, when it was sent, what it gave.
fn checkin_words(rules: &RuleSet, f: &FromCheckin, now: DateTime<FixedOffset>) -> String {
    let d = f.disposition;
    format!(
        "Callback on web check-in {}, sent {}, which gave {} ({}). The danger signs are asked again.",
        f.checkin,
        sent_words(f.sent_at, now),
        rules.disposition_text(d).label.to_uppercase(),
        d.code()
    )
}

/// When a check-in was sent, on the call's clock: "today at 08:10, 50 minutes ago".
fn sent_words(sent: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    let local = sent.with_timezone(now.offset());
    let day =
        match aftercare_core::day_words::today_or_yesterday(local.date_naive(), now.date_naive()) {
            Some(words) => words.to_string(),
            None => local.format("%a %-d %b %Y").to_string(),
        };
    let at = format!("{day} at {}", local.format("%H:%M"));
    match (now - sent).num_minutes() {
        // A clock behind the check-in's: the time alone.
        m if m < 0 => at,
        m => format!("{at}, {}", aftercare_core::day_words::time_ago(m)),
    }
}

/// The check-in's treatment, when it can stand for this call: not after now, and not
/// further back than a treatment date can be.
fn checkin_treatment(f: &FromCheckin, now: DateTime<FixedOffset>) -> Option<&Treatment> {
    let t = f.answers.treatment.as_ref()?;
    let days = aftercare_core::when::days_between(t.at, now);
    (0.0..=aftercare_core::input::MAX_DAYS)
        .contains(&days)
        .then_some(t)
}

/// The check-in's treatment said back for the nurse to confirm; "no" asks it as usual.
fn confirm_treatment(
    p: &mut dyn Prompter,
    t: &Treatment,
    now: DateTime<FixedOffset>,
) -> Answer<bool> {
    let message = format!("Treatment (from the check-in): {}: right?", t.when_words());
    let yes = p.confirm(&YesNo {
        id: "treatment.from_checkin",
        message: &message,
        help: Some("y: keep it; n: ask the date"),
        default: None,
    })?;
    if yes {
        p.say(&treatment_words(t, Mode::Nurse, now));
    }
    Ok(yes)
}

/// The signs of `ids` the check-in reported, by their labels; `None` when it reported none.
fn reported_signs(rules: &RuleSet, f: &FromCheckin, ids: &[&str]) -> Option<String> {
    let reported: Vec<String> = f
        .answers
        .positive_signs()
        .filter(|id| ids.contains(id))
        .map(|id| label(rules, id).to_lowercase())
        .collect();
    (!reported.is_empty()).then(|| reported.join(", "))
}

/// Ticks the check-in's symptoms of the symptom list (`ids`, and "something else") in
/// `answers`: with their details as sent when `keep_details` (the treatment is the
/// check-in's, so their start days still count from it), else ticked only, their details
/// to be asked. Signs are never ticked from the check-in (see [`reported_signs`]).
/// Returns the symptoms whose details are kept.
fn seed_symptoms(
    rules: &RuleSet,
    f: &FromCheckin,
    ids: &[&str],
    keep_details: bool,
    answers: &mut Answers,
) -> Vec<String> {
    let offered = |id: &str| {
        rules.warning_sign(id).is_none()
            && (ids.contains(&id) || rules.other.as_ref().is_some_and(|o| o.id == id))
    };
    let mut kept = Vec::new();
    for s in f.answers.symptoms.iter().filter(|s| offered(&s.id)) {
        let id = &s.id;
        if answers.symptoms.iter().any(|a| &a.id == id) || answers.pending.contains(id) {
            continue;
        }
        if keep_details {
            answers.symptoms.push(s.clone());
            kept.push(id.clone());
        } else {
            answers.pending.push(id.clone());
        }
    }
    // Ticked in the check-in, their details never asked there (it stopped first).
    for id in f.answers.pending.iter().filter(|id| offered(id)) {
        if !answers.symptoms.iter().any(|a| &a.id == id) && !answers.pending.contains(id) {
            answers.pending.push(id.clone());
        }
    }
    kept
}

/// What the symptom list below holds from the check-in, and the signs of that list it
/// reported, which are not ticked.
fn seeded_words(
    rules: &RuleSet,
    f: &FromCheckin,
    ids: &[&str],
    answers: &Answers,
) -> Option<String> {
    let ticked: Vec<String> = answers
        .symptoms
        .iter()
        .map(|s| s.id.as_str())
        .chain(answers.pending.iter().map(String::as_str))
        .map(|id| label(rules, id).to_lowercase())
        .collect();
    let mut words = Vec::new();
    if !ticked.is_empty() {
        let details = if answers.pending.is_empty() {
            ""
        } else if answers.symptoms.is_empty() {
            " Their details are asked again."
        } else {
            " Details are asked again where the check-in has none."
        };
        words.push(format!(
            "Ticked from the check-in: {}. Untick any the caller no longer has.{details}",
            ticked.join(", ")
        ));
    }
    if let Some(signs) = reported_signs(rules, f, ids) {
        words.push(format!(
            "The check-in also reported: {signs}. Asked again: not ticked."
        ));
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// The details kept from the check-in (`kept`: the symptoms still ticked), shown once to
/// check: those the nurse ticks as changed are asked again, the cursor on what was sent.
/// Returns the symptoms whose details stay the check-in's.
fn review_checkin_details(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    f: &FromCheckin,
    now: DateTime<FixedOffset>,
    so_far: &Answers,
    kept: &mut [SymptomAnswer],
) -> Answer<Vec<String>> {
    let items: Vec<(String, String)> = kept
        .iter()
        .map(|s| (s.id.clone(), symptom_line(rules, s)))
        .collect();
    let message = format!(
        "Details from the check-in sent {}: check each is still right. Any changed?",
        sent_words(f.sent_at, now)
    );
    let changed = ask_checklist(
        p,
        rules,
        "symptoms.checkin_details",
        &message,
        "A trend is over the day before it was sent. Space to tick those that changed, Enter \
         when done; Enter on 'None of these' if all are still right",
        &items,
        &[],
    )?;
    for s in kept.iter_mut().filter(|s| changed.contains(&s.id)) {
        let mut said = ask_details(p, rules, Mode::Nurse, &s.id, so_far.elapsed(now), Some(s))?;
        said.description = s.description.take();
        *s = said;
    }
    Ok(kept
        .iter()
        .filter(|s| !changed.contains(&s.id))
        .map(|s| s.id.clone())
        .collect())
}

/// A help line with the check-in's answer to the same question, when it had one.
fn with_checkin(help: &str, sent: Option<SignState>) -> String {
    match sent {
        Some(SignState::Yes) => format!("{help}; the check-in said yes"),
        Some(SignState::No) => format!("{help}; the check-in said no"),
        Some(SignState::NotKnown) => format!("{help}; the check-in said not known"),
        Some(SignState::NotAsked) | None => help.to_string(),
    }
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
        } else if t.chars().any(aftercare_core::unsafe_chars::is_unsafe) {
            Err("no control characters or invisible ones, please".into())
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
    advice: &[aftercare_core::model::AdviceItem],
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
        &prompt_id(ADVICE_GIVEN),
        ADVICE_GIVEN.asked(Mode::Nurse),
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
        id: &prompt_id(UNDERSTOOD),
        message: UNDERSTOOD.asked(Mode::Nurse),
        help: Some("y/n"),
        default: None,
    })?);
    details.notes = p
        .text(&TextLine {
            id: &prompt_id(NOTES),
            message: NOTES.asked(Mode::Nurse),
            help: Some("Enter: none"),
            check: Some(one_line(2000)),
        })?
        .trim()
        .to_string();
    if details.nurse.is_empty() {
        details.nurse = p
            .text(&TextLine {
                id: &prompt_id(NURSE_NAME),
                message: NURSE_NAME.asked(Mode::Nurse),
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
                id: (*id).into(),
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
            id: (*id).into(),
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
    aftercare_core::follow_up::most_urgent_of_signs(rules, &present)
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

/// Every risk factor of the rule set, once, by the rule file's own question (yes, no or
/// not known): what it answers is the case's risk factors, and nothing asks them again.
/// The cursor starts on "not known": an answer skipped with Enter says so, rather than a
/// "no" nobody heard.
///
/// From a check-in, each help line gives the check-in's answer, if it asked: the answer
/// itself is the nurse's, the cursor still on "not known".
fn ask_every_risk_factor(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    answers: &mut Answers,
    sent: Option<&Answers>,
) -> Answer<()> {
    let yes_no = [
        Choice::new("yes", "Yes"),
        Choice::new("no", "No"),
        Choice::new("not_known", "Not known"),
    ];
    let total = rules.risk_factors.len();
    for (n, r) in rules.risk_factors.iter().enumerate() {
        let id = format!("background.{}", r.id);
        let help = with_checkin(
            &format!(
                "background {} of {total}; type y or n, then Enter; Enter alone: not known",
                n + 1
            ),
            sent.and_then(|a| a.risk_factors.iter().find(|a| a.id == r.id))
                .map(|a| a.answer),
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
            id: r.id.as_str().into(),
            answer,
        });
    }
    Ok(())
}

/// What is kept for the record only ([`BACKGROUND`]), in its order.
fn ask_background_for_the_record(p: &mut dyn Prompter) -> Answer<Background> {
    let mut background = Background::default();
    for q in &BACKGROUND {
        let id = format!("{}.{}", BACKGROUND_GROUP.id, q.question.id);
        let message = q.question.asked(Mode::Nurse);
        let or_not = |s: String, unanswered: &str| {
            let s = s.trim();
            vec![if s.is_empty() { unanswered } else { s }.to_string()]
        };
        let answer = match q.answer {
            RecordAnswer::Ticked(options) => ask_ticked(p, &id, message, options)?,
            RecordAnswer::Text {
                example,
                unanswered,
            } => {
                let help = format!("{example}; Enter: {unanswered}");
                let text = p.text(&TextLine {
                    id: &id,
                    message,
                    help: Some(&help),
                    check: None,
                })?;
                or_not(text, unanswered)
            }
            RecordAnswer::SessionNumber { unanswered } => {
                or_not(ask_session(p, &id, message, unanswered)?, unanswered)
            }
        };
        background.set(q.question.id, answer);
    }
    Ok(background)
}

/// A list to tick (none ticked: not recorded), the options ticked in their own words.
fn ask_ticked(
    p: &mut dyn Prompter,
    id: &str,
    message: &str,
    options: &[&str],
) -> Answer<Vec<String>> {
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
}

/// Which session of the series: a number from 1 to 100, or Enter.
fn ask_session(p: &mut dyn Prompter, id: &str, message: &str, unanswered: &str) -> Answer<String> {
    let session_check: super::prompt::Check<String> = std::sync::Arc::new(|t: &String| {
        let t = t.trim();
        if t.is_empty() || t.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n)) {
            Ok(())
        } else {
            Err("a session number (1, 2, 3...) or Enter".into())
        }
    });
    p.text(&TextLine {
        id,
        message,
        help: Some(&format!("a number; Enter: {unanswered}")),
        check: Some(session_check),
    })
}

/// The risk factors the caller did not know whose "yes" would make the disposition more
/// urgent, as the evaluation's own follow-up function finds them: the nurse may want to
/// find out (the device from the clinic's notes), or to decide with that in mind.
fn not_known_that_matter(rules: &RuleSet, outcome: &Outcome) -> Option<String> {
    let a = &outcome.answers;
    let mut answered = a.answered_ids();
    // Every symptom was offered in the lists: one not ticked was answered "no".
    answered.extend(rules.reactions.iter().map(|r| r.id.clone()));
    let open: Vec<String> =
        aftercare_core::follow_up::could_still_raise(&outcome.case, rules, &answered)
            .into_iter()
            .filter(|q| {
                q.kind == aftercare_core::follow_up::OpenKind::RiskFactor
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
        id: OVERRIDE.id,
        message: OVERRIDE.asked(Mode::Nurse),
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
                id: LOWERING_REASON.id,
                message: LOWERING_REASON.asked(Mode::Nurse),
                help: Some("required; it goes into the note and the record"),
                check: Some(check),
            })?
            .trim()
            .to_string(),
        )
    } else {
        let r = p.text(&TextLine {
            id: RAISING_REASON.id,
            message: RAISING_REASON.asked(Mode::Nurse),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(t).unwrap()
    }

    #[test]
    fn when_a_checkin_was_sent_on_the_calls_clock() {
        let now = at("2026-11-21T09:00:00+01:00");
        assert_eq!(
            sent_words(at("2026-11-21T07:10:00Z"), now),
            "today at 08:10, 50 minutes ago"
        );
        assert_eq!(
            sent_words(at("2026-11-20T20:00:00+01:00"), now),
            "yesterday at 20:00, 13 hours ago"
        );
        assert_eq!(
            sent_words(at("2026-11-17T09:00:00+01:00"), now),
            "Tue 17 Nov 2026 at 09:00, 4 days ago"
        );
        // A clock behind the check-in's says the time alone, never "-5 minutes ago".
        assert_eq!(
            sent_words(at("2026-11-21T09:05:00+01:00"), now),
            "today at 09:05"
        );
    }

    #[test]
    fn a_help_line_gives_the_checkins_answer_only_when_it_had_one() {
        assert_eq!(with_checkin("y/n", None), "y/n");
        assert_eq!(with_checkin("y/n", Some(SignState::NotAsked)), "y/n");
        assert_eq!(
            with_checkin("y/n", Some(SignState::No)),
            "y/n; the check-in said no"
        );
    }
}
