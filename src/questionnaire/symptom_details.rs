//! The details of one symptom: how bad it is now, whether it is getting better or worse,
//! and the day it began, in the words of who is answering.

use super::answers::{Elapsed, Mode, Started, SymptomAnswer, TrendAnswer};
use super::prompt::{Answer, Choice, Prompter, SelectOne, Stop};
use super::words::label;
use crate::conversation::{SEVERITY, STARTED, TREND, TREND_ON_DAY_0};
use aftercare_core::day_words;
use aftercare_core::model::Severity;
use aftercare_core::rules::RuleSet;

/// Severity, trend and start of one symptom. `previous` is the answer being changed at the
/// review: the cursor starts on each of its answers, so that Enter keeps what was not meant
/// to change.
pub fn ask_details(
    p: &mut dyn Prompter,
    rules: &RuleSet,
    mode: Mode,
    id: &str,
    elapsed: Elapsed,
    previous: Option<&SymptomAnswer>,
) -> Answer<SymptomAnswer> {
    let symptom = SymptomQuestions {
        id,
        name: label(rules, id),
        mode,
        previous,
    };
    let severity = symptom.ask_severity(p)?;
    let trend = symptom.ask_trend(p, elapsed.days)?;
    // On day 0 there is only one day it can have begun: asked only when the hour can
    // change the answer (see `start_is_asked`).
    let started = if start_is_asked(rules, id, elapsed.days) {
        symptom.ask_started(p, elapsed)?
    } else {
        Started::Day(0)
    };
    Ok(SymptomAnswer {
        id: id.to_string(),
        severity,
        trend,
        started,
        description: None,
    })
}

/// The questions about one symptom's details, in the words of who is answering.
struct SymptomQuestions<'a> {
    id: &'a str,
    name: String,
    mode: Mode,
    /// The answer being changed at the review, whose choices the cursor starts on.
    previous: Option<&'a SymptomAnswer>,
}

impl SymptomQuestions<'_> {
    /// How bad it is now: mild, moderate or severe.
    fn ask_severity(&self, p: &mut dyn Prompter) -> Answer<Severity> {
        let (id, name) = (self.id, &self.name);
        let severity_choices = if self.mode == Mode::Patient {
            vec![
                Choice::new("mild", "Mild: I notice it, but it does not get in my way"),
                Choice::new(
                    "moderate",
                    "Moderate: it bothers me, but I can do my usual things",
                ),
                Choice::new(
                    "severe",
                    "Severe: it stops me doing my usual things, or from sleeping",
                ),
            ]
        } else {
            vec![
                Choice::new("mild", "Mild (noticeable, no interference)"),
                Choice::new(
                    "moderate",
                    "Moderate (bothersome, usual activities possible)",
                ),
                Choice::new("severe", "Severe (stops usual activities or sleep)"),
            ]
        };
        let q_id = format!("symptom.{id}.{}", SEVERITY.id);
        let message = format!("{name}: {}", SEVERITY.asked(self.mode));
        // The cursor starts on moderate, the protocol's default for an unknown severity, so
        // a hurried Enter never says less than "not known" would: a rule file's cluster can
        // count moderate reactions, and mild would drop them. Mild is one key up; "severe"
        // takes a deliberate choice.
        let was = self.previous.map_or(Severity::Moderate, |s| s.severity);
        let i = p.select(&SelectOne {
            id: &q_id,
            message: &message,
            help: None,
            choices: &severity_choices,
            start: severity_choices
                .iter()
                .position(|c| c.key == was.code())
                .unwrap_or(0),
        })?;
        // Read by key, not position: reordering the choices cannot swap the answers.
        Severity::ALL
            .into_iter()
            .find(|s| s.code() == severity_choices[i].key)
            .ok_or_else(|| Stop::Terminal(format!("no severity {:?}", severity_choices[i].key)))
    }

    /// Whether it is getting better, staying the same or getting worse.
    fn ask_trend(&self, p: &mut dyn Prompter, days: f64) -> Answer<TrendAnswer> {
        let (id, name, patient) = (self.id, &self.name, self.mode == Mode::Patient);
        let trend_choices: Vec<Choice> = TrendAnswer::ALL
            .into_iter()
            .map(|t| {
                let words = match (t, patient) {
                    (TrendAnswer::Improving, true) => "Better",
                    (TrendAnswer::Stable, true) => "About the same",
                    (TrendAnswer::Worsening, true) => "Worse",
                    (TrendAnswer::NotSure, true) => "I'm not sure",
                    (TrendAnswer::Improving, false) => "Improving",
                    (TrendAnswer::Stable, false) => "Same",
                    (TrendAnswer::Worsening, false) => "Worsening",
                    (TrendAnswer::NotSure, false) => "Not known",
                };
                Choice::new(t.key(), words)
            })
            .collect();
        // Over the last day, not since it began: a flare-up after a good spell is "worse",
        // and worsening is what the rules look for. On day 0 there is no last day to speak
        // of yet: since the treatment is the same span, in words that fit it.
        let question = if days < 1.0 { TREND_ON_DAY_0 } else { TREND };
        let q_id = format!("symptom.{id}.{}", question.id);
        let message = format!("{name}: {}", question.asked(self.mode));
        // The cursor starts on "about the same" so that a hurried Enter never says
        // "improving".
        let was = self.previous.map_or(TrendAnswer::Stable, |s| s.trend);
        let i = p.select(&SelectOne {
            id: &q_id,
            message: &message,
            help: None,
            choices: &trend_choices,
            start: trend_choices
                .iter()
                .position(|c| c.key == was.key())
                .unwrap_or(0),
        })?;
        TrendAnswer::ALL
            .into_iter()
            .find(|t| t.key() == trend_choices[i].key)
            .ok_or_else(|| Stop::Terminal(format!("no trend {:?}", trend_choices[i].key)))
    }

    /// The day it began, from today back to the treatment day (asked from day 1 on).
    fn ask_started(&self, p: &mut dyn Prompter, elapsed: Elapsed) -> Answer<Started> {
        let (id, name, patient) = (self.id, &self.name, self.mode == Mode::Patient);
        let today = elapsed.days.floor().max(0.0) as u32;
        // Day choices from today back to the treatment day: never later than today (the
        // case would be rejected). Most reactions begin on the treatment day, so the cursor
        // starts there (or on the answer being changed); a later start is a deliberate
        // choice.
        let mut start_choices: Vec<Choice> = (1..=today)
            .rev()
            .map(|d| Choice::new(format!("day:{d}"), start_day_words(d, elapsed)))
            .collect();
        start_choices.push(Choice::new(
            "day:0:later",
            if patient {
                "Later on the treatment day"
            } else {
                "Day 0, later than the treatment"
            },
        ));
        start_choices.push(Choice::new("day:0", start_day_words(0, elapsed)));
        start_choices.push(Choice::new(
            "not_sure",
            if patient { "I'm not sure" } else { "Not known" },
        ));
        let q_id = format!("symptom.{id}.{}", STARTED.id);
        let message = format!("{name}: {}", STARTED.asked(self.mode));
        let was = match self.previous.map(|s| s.started) {
            Some(Started::Day(d)) if d <= today => format!("day:{d}"),
            Some(Started::LaterOnTreatmentDay) => "day:0:later".to_string(),
            Some(Started::NotSure) => "not_sure".to_string(),
            _ => "day:0".to_string(),
        };
        let i = p.select(&SelectOne {
            id: &q_id,
            message: &message,
            help: Some("Day 0 is the treatment day"),
            choices: &start_choices,
            start: start_choices.iter().position(|c| c.key == was).unwrap_or(0),
        })?;
        // Read by key, not position.
        let key = start_choices[i].key.as_str();
        match key {
            "not_sure" => Ok(Started::NotSure),
            "day:0:later" => Ok(Started::LaterOnTreatmentDay),
            _ => key
                .strip_prefix("day:")
                .and_then(|d| d.parse().ok())
                .map(Started::Day)
                .ok_or_else(|| Stop::Terminal(format!("no start {key:?}"))),
        }
    }
}

/// Whether a symptom's start is asked: from day 1 on always; on day 0 only when a start
/// later on the treatment day would change the answer, that is when the reaction has a
/// "starts after" step inside the time gone by (pinpoint bleeding that starts more than
/// 12 hours after the treatment is new bleeding). Not asked, it is "since the treatment";
/// asked and not known, it is the latest it can be: now.
pub fn start_is_asked(rules: &RuleSet, id: &str, days: f64) -> bool {
    days >= 1.0
        || rules
            .reaction(id)
            .and_then(|r| r.starts_after.first())
            .is_some_and(|first| first.day < days)
}

/// Whether a symptom's details are asked again after the treatment changed (`before`: the
/// days since the old treatment, when there was one): its start is a day number counted
/// from the treatment, so a day after the new "today" cannot be, and any other day but the
/// treatment day itself now names another date; and a start not asked before (day 0, where
/// the hour could not change the answer) may be needed now. "Since the treatment", once
/// asked, and "not sure" still say what they said.
pub fn asked_again_after_the_date_changed(
    rules: &RuleSet,
    s: &SymptomAnswer,
    before: Option<f64>,
    now: f64,
) -> bool {
    let Some(before) = before else {
        return false;
    };
    let moved = before.floor() != now.floor();
    match s.started {
        Started::Day(0) => {
            !start_is_asked(rules, &s.id, before) && start_is_asked(rules, &s.id, now)
        }
        Started::Day(_) => moved,
        Started::LaterOnTreatmentDay | Started::NotSure => false,
    }
}

/// The words of a start-day choice. The day numbers count whole days since the treatment,
/// so day 0 of a treatment yesterday evening runs into this morning: it is "the treatment
/// day" only when that is today's date. "Today" is the latest day, read as now.
pub fn start_day_words(d: u32, elapsed: Elapsed) -> String {
    let today = elapsed.days.floor().max(0.0) as u32;
    day_words::start_day_choice(d, today, elapsed.treated_today)
}
