//! The answers as asked and kept: who answered, each sign and symptom with its details, the
//! treatment's time, the background, and the case they make. The web check-in keeps them
//! between pages as JSON, and a sent check-in gives them back to start the nurse's call.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use aftercare_core::input::{CaseInput, SymptomInput};
use aftercare_core::model::{Disposition, Severity, Trend};
use aftercare_core::when;

pub use crate::conversation::Mode;

/// The answer to one yes/no sign question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignState {
    Yes,
    No,
    /// Not asked because the questions stopped at an earlier positive sign.
    NotAsked,
    /// Asked, and the caller did not know (a risk factor in the nurse's background: the
    /// device, a medicine). Not counted as present, and never written as "denies".
    NotKnown,
}

impl From<bool> for SignState {
    /// An answered question: yes or no.
    fn from(yes: bool) -> Self {
        if yes {
            SignState::Yes
        } else {
            SignState::No
        }
    }
}

/// A warning sign that was asked about (or deliberately not), for the record and the note:
/// pertinent negatives are part of the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignAnswer {
    pub id: compact_str::CompactString,
    pub answer: SignState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendAnswer {
    Improving,
    Stable,
    Worsening,
    NotSure,
}

impl TrendAnswer {
    pub const ALL: [TrendAnswer; 4] = [
        TrendAnswer::Improving,
        TrendAnswer::Stable,
        TrendAnswer::Worsening,
        TrendAnswer::NotSure,
    ];

    /// The stable key of the answer, as choices and scripts name it.
    pub fn key(self) -> &'static str {
        match self {
            TrendAnswer::Improving => "improving",
            TrendAnswer::Stable => "stable",
            TrendAnswer::Worsening => "worsening",
            TrendAnswer::NotSure => "not_sure",
        }
    }

    /// A trend the person is not sure of counts as stable: never as improving, which is the
    /// one trend that makes a symptom past its usual window look normal. (Worsening would
    /// claim something the person did not say; stable is the protocol's default.)
    pub fn for_rules(self) -> Trend {
        match self {
            TrendAnswer::Improving => Trend::Improving,
            TrendAnswer::Stable | TrendAnswer::NotSure => Trend::Stable,
            TrendAnswer::Worsening => Trend::Worsening,
        }
    }

    /// The trend in words: the person's plain words, or the chart's, which also say how
    /// an answer of "not sure" was counted.
    pub fn words(self, mode: Mode) -> &'static str {
        match (self, mode) {
            (TrendAnswer::Improving, Mode::Patient) => "getting better",
            (TrendAnswer::Stable, Mode::Patient) => "about the same",
            (TrendAnswer::Worsening, Mode::Patient) => "getting worse",
            (TrendAnswer::NotSure, Mode::Patient) => "trend not known",
            (TrendAnswer::Improving, Mode::Nurse) => "improving",
            (TrendAnswer::Stable, Mode::Nurse) => "stable",
            (TrendAnswer::Worsening, Mode::Nurse) => "worsening",
            (TrendAnswer::NotSure, Mode::Nurse) => "trend not known (counted as stable)",
        }
    }
}

/// When a symptom began, as a day number since the treatment, or not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Started {
    /// The day number; day 0 is "since the treatment", today is "now".
    Day(u32),
    /// Later on the treatment day (day 0), not from the treatment itself.
    LaterOnTreatmentDay,
    NotSure,
}

impl Started {
    /// When it began, in words ("since day 2"): the person's, or the chart's, which also
    /// say how an answer of "not sure" was counted.
    pub fn words(self, mode: Mode) -> String {
        match (self, mode) {
            (Started::Day(d), _) => aftercare_core::day_words::since_start_day(d),
            (Started::LaterOnTreatmentDay, Mode::Patient) => {
                "since later on the treatment day".to_string()
            }
            (Started::LaterOnTreatmentDay, Mode::Nurse) => "since later on day 0".to_string(),
            (Started::NotSure, Mode::Patient) => "start not known".to_string(),
            (Started::NotSure, Mode::Nurse) => "start not known (counted as today)".to_string(),
        }
    }
}

/// One symptom from the checklist with its details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymptomAnswer {
    pub id: String,
    pub severity: Severity,
    pub trend: TrendAnswer,
    pub started: Started,
    /// For "something else": what it is, in the person's own words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The time since the treatment: the longest reading in days, and whether the treatment
/// was on today's calendar day (day 0 can be yesterday evening and this morning).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Elapsed {
    pub days: f64,
    pub treated_today: bool,
}

/// When the treatment was, and how it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Treatment {
    /// The earliest instant the answer can mean: the start of the day when no time of day
    /// was given.
    #[serde(serialize_with = "rfc3339", deserialize_with = "from_rfc3339")]
    pub at: DateTime<FixedOffset>,
    /// Whether a time of day was given (or follows from the answer, as "5 hours ago" does).
    /// Without one, the case carries the date alone, read as the whole day.
    pub time_given: bool,
    /// What was typed, or the day picked on the calendar.
    pub as_given: String,
}

impl Treatment {
    /// The treatment as a case's `treated_at`: the instant with its offset when the time of
    /// day is known, else the date alone. A date alone is the whole day: the triage reads
    /// its start (the longest time since treatment), the aftercare advice its end (the
    /// shortest), so that "no makeup for 24 hours" is never lifted early. The start of the
    /// day as an instant would lose that second reading.
    pub fn treated_at(&self) -> String {
        if self.time_given {
            self.at.to_rfc3339()
        } else {
            self.at.format("%Y-%m-%d").to_string()
        }
    }

    /// The day and, when given, the time, for the person to check.
    pub fn when_words(&self) -> String {
        aftercare_core::day_words::treatment_date(self.at, self.time_given)
    }
}

fn rfc3339<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339())
}

/// Answers read back (the web check-in keeps them between pages): the instant as written.
fn from_rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    let text = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom)
}

/// Background for the record (nurse) that is not a risk factor of the rule set: not part
/// of the rules' arithmetic. What is a risk factor (the device, eczema, blood thinners...)
/// is asked once, as the rule set's own question, and kept in [`Answers::risk_factors`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default, Deserialize)]
pub struct Background {
    pub treated_areas: Vec<String>,
    pub products: Vec<String>,
    /// Numbing products put on before or after the appointment: which and where (not in
    /// records saved before protocol 1.2 asked it).
    #[serde(default)]
    pub numbing_products: String,
    pub allergies: String,
    pub session: String,
    /// What records saved before these became risk factors still carry here (`device`,
    /// `cold_sores`, `eczema`, `blood_thinners`): read back and exported as they were
    /// written, never asked now.
    #[serde(flatten)]
    pub earlier: std::collections::BTreeMap<String, serde_json::Value>,
}

impl Background {
    /// Sets the answer to the background question `id` ([`crate::conversation::BACKGROUND`]):
    /// the boxes ticked, or the one line typed. An id of no field is an error of the
    /// conversation, caught by the tests: it is ignored rather than lost in a panic.
    pub fn set(&mut self, id: &str, mut answer: Vec<String>) {
        let line = |answer: &mut Vec<String>| answer.drain(..).next().unwrap_or_default();
        match id {
            "treated_areas" => self.treated_areas = answer,
            "products" => self.products = answer,
            "numbing_products" => self.numbing_products = line(&mut answer),
            "allergies" => self.allergies = line(&mut answer),
            "session" => self.session = line(&mut answer),
            _ => debug_assert!(false, "no background field {id:?}"),
        }
    }

    /// The answer to the background question `id`, as set: a list for boxes ticked, one
    /// line for a line typed.
    pub fn answer(&self, id: &str) -> Option<Vec<String>> {
        match id {
            "treated_areas" => Some(self.treated_areas.clone()),
            "products" => Some(self.products.clone()),
            "numbing_products" => Some(vec![self.numbing_products.clone()]),
            "allergies" => Some(vec![self.allergies.clone()]),
            "session" => Some(vec![self.session.clone()]),
            _ => None,
        }
    }
}

/// Records the answers of one checklist of signs or risk factors: every id it showed is
/// answered, ticked yes and the rest no, in place of what was said of them before.
pub fn record_checklist(list: &mut Vec<SignAnswer>, ids: &[&str], ticked: &[String]) {
    list.retain(|a| !ids.contains(&a.id.as_str()));
    for id in ids {
        list.push(SignAnswer {
            id: (*id).into(),
            answer: ticked.iter().any(|t| t == id).into(),
        });
    }
}

/// Everything asked and answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    /// `None` when the questions stopped at a danger sign before the date was asked: the
    /// patient is asked the danger signs first, and a person in danger is not made to type a
    /// date.
    pub treatment: Option<Treatment>,
    /// Warning signs asked one by one or as a checklist of signs, in the order asked.
    pub signs: Vec<SignAnswer>,
    /// Whether the symptom checklist was answered (false when the questions stopped early).
    pub symptoms_asked: bool,
    pub symptoms: Vec<SymptomAnswer>,
    /// Symptoms ticked whose details were not asked, because the answers had already
    /// reached an emergency or the emergency department: kept in the case with the
    /// protocol's defaults, so that nothing the person said is lost.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub pending: Vec<String>,
    /// Risk factors asked (the patient: only those that could change the result; the
    /// nurse: all of them, once, in the background), with their answers.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub risk_factors: Vec<SignAnswer>,
    /// A repeat contact about the same problem, or a very worried person; `None` when the
    /// questions stopped before it.
    pub repeat_contact: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<Background>,
}

impl Answers {
    pub fn new(treatment: Option<Treatment>) -> Self {
        Answers {
            treatment,
            signs: Vec::new(),
            symptoms_asked: false,
            symptoms: Vec::new(),
            pending: Vec::new(),
            risk_factors: Vec::new(),
            repeat_contact: None,
            background: None,
        }
    }

    /// The signs answered "yes", in the order asked.
    pub fn positive_signs(&self) -> impl Iterator<Item = &str> {
        self.signs
            .iter()
            .filter(|s| s.answer == SignState::Yes)
            .map(|s| s.id.as_str())
    }

    /// What the questions stopped at, once the answers reach the emergency department or an
    /// emergency: the first sign answered "yes", else the first symptom, with its details or
    /// still waiting for them (a symptom waiting is counted with the protocol's defaults, so
    /// it can be what reached the stop). The terminal's and the web's one reading.
    pub fn stopped_at(&self) -> Option<String> {
        self.positive_signs()
            .next()
            .map(str::to_string)
            .or_else(|| self.symptoms.first().map(|s| s.id.clone()))
            .or_else(|| self.pending.first().cloned())
    }

    /// Days from the treatment to `now`, as `CaseInput::resolve` will count them (0 when
    /// the date was not asked; see [`Answers::case_input`]).
    pub fn days(&self, now: DateTime<FixedOffset>) -> f64 {
        let Some(t) = &self.treatment else {
            return 0.0;
        };
        // As the case will read it (`case_input`): rounded to the micro-day, and a date
        // alone from the start of that day in the assessment's offset. A start given as
        // "now" is this number, and one later than the case's own time since treatment
        // (8 hours is 0.333333 days to the case, 0.3333333… here) refuses the case. Worked
        // out with the core's own pieces rather than by reading the case's text back (a
        // page asks it several times); a debug build checks the two agree.
        let start = if t.time_given {
            Some(t.at)
        } else {
            when::date_span(t.at.date_naive(), now.offset())
                .ok()
                .map(|(start, _)| start)
        };
        let days = match start {
            Some(start) if start <= now => when::whole_days_between(start, now, true),
            // Later than now: the case refuses it; the plain count says how far.
            _ => when::days_between(t.at, now),
        };
        debug_assert!(
            self.case_days(now).is_none_or(|read| read == days),
            "{days} against {:?}",
            self.case_days(now)
        );
        days
    }

    /// The time since treatment as the case reads its own text (see [`Answers::days`]).
    fn case_days(&self, now: DateTime<FixedOffset>) -> Option<f64> {
        let t = self.treatment.as_ref()?;
        CaseInput {
            id: None,
            days_since_treatment: None,
            treated_at: Some(t.treated_at()),
            assessed_at: Some(now.to_rfc3339()),
            symptoms: Vec::new(),
            risk_factors: None,
            repeat_contact: None,
        }
        .days_since_treatment(now)
        .ok()
        .map(|(longest, _, _)| longest)
    }

    /// The time since the treatment as the start-day question needs it.
    pub fn elapsed(&self, now: DateTime<FixedOffset>) -> Elapsed {
        Elapsed {
            days: self.days(now),
            treated_today: self
                .treatment
                .as_ref()
                .is_none_or(|t| t.at.date_naive() == now.date_naive()),
        }
    }

    /// The risk factors as the case carries them: those answered "yes"; none when none was
    /// asked (not known is not "no", but a risk factor only ever raises the answer).
    fn risk_factor_input(&self) -> Option<Vec<String>> {
        (!self.risk_factors.is_empty()).then(|| {
            self.risk_factors
                .iter()
                .filter(|r| r.answer == SignState::Yes)
                .map(|r| r.id.to_string())
                .collect()
        })
    }

    /// Every id answered so far, yes or no, for the follow-up questions ("not known" is
    /// still open).
    pub fn answered_ids(&self) -> Vec<String> {
        self.answered().map(str::to_string).collect()
    }

    /// [`Answers::answered_ids`], borrowed.
    pub fn answered(&self) -> impl Iterator<Item = &str> {
        self.signs
            .iter()
            .chain(&self.risk_factors)
            .filter(|s| matches!(s.answer, SignState::Yes | SignState::No))
            .map(|s| s.id.as_str())
    }

    /// The case exactly as the JSON interface would take it.
    pub fn case_input(&self, now: DateTime<FixedOffset>) -> CaseInput {
        let days = self.days(now);
        let mut symptoms: Vec<SymptomInput> =
            self.positive_signs().map(SymptomInput::new).collect();
        for id in &self.pending {
            symptoms.push(SymptomInput {
                // Not asked: "not sure", the latest start (see `Started::NotSure`).
                started_day: Some(days),
                ..SymptomInput::new(id.clone())
            });
        }
        for s in &self.symptoms {
            // "Today" (the latest day offered) is now, not the start of that day: a symptom
            // that began today may have begun minutes ago, and a late start is what the
            // "starts after" rules look for. A start known only as a day is that whole day,
            // read by the evaluation in the careful direction (`started_on_day`). Not
            // knowing when it began counts as "it began now", the latest it can have begun.
            // "Since the treatment" first: on day 0 it is also today's day number, and it
            // is what the person said (or, on day 0, what was not asked because the hour
            // could not change the answer).
            let (started_day, started_on_day) = match s.started {
                Started::Day(0) => (Some(0.0), None),
                Started::Day(d) if f64::from(d) >= days.floor() => (Some(days), None),
                Started::Day(d) => (None, Some(f64::from(d))),
                Started::LaterOnTreatmentDay => (None, Some(0.0)),
                Started::NotSure => (Some(days), None),
            };
            symptoms.push(SymptomInput {
                severity: Some(s.severity),
                trend: Some(s.trend.for_rules()),
                started_day,
                started_on_day,
                description: s.description.clone(),
                ..SymptomInput::new(s.id.clone())
            });
        }
        match &self.treatment {
            Some(t) => CaseInput {
                id: None,
                days_since_treatment: None,
                treated_at: Some(t.treated_at()),
                // The time of the answers, always: the case read again later (a saved
                // record given to `check --input`) gives the same answer, a date alone too.
                assessed_at: Some(now.to_rfc3339()),
                symptoms,
                risk_factors: self.risk_factor_input(),
                repeat_contact: self.repeat_contact,
            },
            // No date: the questions stopped at a danger sign before it. The day cannot
            // change that answer (a warning sign always wins over a window; the day only
            // moves the expected reactions and the late-presentation rule, all less urgent
            // than a danger sign), so day 0 stands in for it.
            None => CaseInput {
                id: None,
                days_since_treatment: Some(0.0),
                treated_at: None,
                assessed_at: None,
                symptoms,
                risk_factors: self.risk_factor_input(),
                repeat_contact: self.repeat_contact,
            },
        }
    }
}

/// What a sent check-in already says, to start the nurse's call from it: the danger signs
/// are asked again (the person's state may have changed since it was sent), the answers
/// known so far are offered to confirm (see [`super::nurse::run_from`]).
#[derive(Debug, Clone, PartialEq)]
pub struct FromCheckin {
    /// The check-in's id, for the note and the record.
    pub checkin: String,
    /// From the check-in's callback details.
    pub patient_name: String,
    pub phone: String,
    /// The person's answers as sent (see [`checkin_answers`]).
    pub answers: Answers,
    pub sent_at: DateTime<FixedOffset>,
    /// What the check-in's result was.
    pub disposition: Disposition,
}

/// The answers of a stored check-in, from its JSON text: the web check-in keeps them as
/// `{"answers": ..., "case": ...}`; the answers alone are read too.
pub fn checkin_answers(json: &str) -> Result<Answers, Error> {
    let bad = |e: serde_json::Error| Error::Input(format!("the check-in's answers: {e}"));
    let mut value: serde_json::Value = serde_json::from_str(json).map_err(bad)?;
    let answers = match value.get_mut("answers") {
        Some(inner) => inner.take(),
        None => value,
    };
    serde_json::from_value(answers).map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stop_names_a_sign_first_then_a_symptom_then_one_waiting_for_its_details() {
        let mut a = Answers::new(None);
        assert_eq!(a.stopped_at(), None);
        a.pending = vec!["swelling".to_string()];
        // A symptom still waiting for its details can be what reached the stop.
        assert_eq!(a.stopped_at().as_deref(), Some("swelling"));
        a.symptoms.push(SymptomAnswer {
            id: "pain".to_string(),
            severity: Severity::Severe,
            trend: TrendAnswer::Worsening,
            started: Started::NotSure,
            description: None,
        });
        assert_eq!(a.stopped_at().as_deref(), Some("pain"));
        a.signs = vec![
            SignAnswer {
                id: "fever".into(),
                answer: SignState::No,
            },
            SignAnswer {
                id: "red_streaks".into(),
                answer: SignState::Yes,
            },
        ];
        assert_eq!(a.stopped_at().as_deref(), Some("red_streaks"));
    }

    /// Every start the questions can give makes a case that reads: "now" is never later
    /// than the case's own time since treatment, which it rounds to the micro-day (8 hours
    /// is 0.333333 days) and reads a date alone in the assessment's offset.
    #[test]
    fn every_start_given_makes_a_case_that_reads() {
        let rules = aftercare_core::rules::RuleSet::built_in();
        let offset = |hours: i32| FixedOffset::east_opt(hours * 3600).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-12-06T15:00:00.123456789Z").unwrap();
        let symptom = |started: Started| SymptomAnswer {
            id: "redness".to_string(),
            severity: Severity::Mild,
            trend: TrendAnswer::Stable,
            started,
            description: None,
        };
        let mut treatments = Vec::new();
        // A time of day, every seven minutes over the last three days.
        for minutes in (1..3 * 24 * 60).step_by(7) {
            let at = now - chrono::Duration::minutes(minutes);
            treatments.push(Treatment {
                at,
                time_given: true,
                as_given: String::new(),
            });
        }
        // A date alone, at the start of its day in an offset other than now's (the clocks
        // changed since), and in now's.
        for (days_ago, hours) in [(0, 0), (1, 0), (2, 1), (1, -1), (3, 2)] {
            let day = now.date_naive() - chrono::Duration::days(days_ago);
            let at = day
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_local_timezone(offset(hours))
                .unwrap();
            treatments.push(Treatment {
                at,
                time_given: false,
                as_given: String::new(),
            });
        }
        for t in treatments {
            let mut a = Answers::new(None);
            a.treatment = Some(t.clone());
            let today = a.days(now).floor() as u32;
            let mut starts = vec![Started::NotSure, Started::Day(0), Started::Day(today)];
            if today == 0 {
                starts.push(Started::LaterOnTreatmentDay);
            } else {
                starts.push(Started::Day(today - 1));
            }
            for started in starts {
                a.symptoms = vec![symptom(started)];
                a.pending = vec!["swelling".to_string()];
                let case = a.case_input(now);
                assert!(
                    case.resolve(&rules, now).is_ok(),
                    "{t:?} {started:?}: {:?}",
                    case.resolve(&rules, now)
                );
            }
        }
    }
}
