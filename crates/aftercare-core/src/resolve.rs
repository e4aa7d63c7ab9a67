//! A case as read ([`crate::input`]) checked against the rule set and turned into the
//! [`Case`] the evaluation takes: the time since treatment resolved to a number of days, every
//! id known. The input's own checks (types, limits) live below the rules, in `input`; what
//! needs the rules lives here, so that the rules can carry example cases without the two
//! depending on each other.

use chrono::{DateTime, FixedOffset};

use crate::escape::excerpt;
use crate::input::*;
use crate::model::{Case, ReportedSymptom, Severity, Trend};
use crate::rules::RuleSet;
use crate::when;

impl CaseInput {
    /// Checks the case against the rules and turns it into a `Case` with a number of days.
    /// `now` stands in for a missing `assessed_at`; it comes from the caller so that the
    /// result is reproducible.
    pub fn resolve(&self, rules: &RuleSet, now: DateTime<FixedOffset>) -> Result<Case, InputError> {
        self.clone().into_case(rules, now)
    }

    /// As [`CaseInput::resolve`], taking the input, so that its ids move into the case rather
    /// than being copied: a stream of millions resolves each case once and needs it no more.
    pub fn into_case(
        self,
        rules: &RuleSet,
        now: DateTime<FixedOffset>,
    ) -> Result<Case, InputError> {
        if let Some(id) = &self.id {
            if id.len() > MAX_ID_LEN {
                return Err(InputError::new(
                    "id",
                    format!("is {} bytes long; the most is {MAX_ID_LEN}", id.len()),
                ));
            }
        }
        let (days, shortest, assessed_at) = self.days_since_treatment(now)?;
        if self.symptoms.len() > MAX_SYMPTOMS {
            return Err(InputError::new(
                "symptoms",
                format!(
                    "{} symptoms listed; the most one case may list is {MAX_SYMPTOMS}",
                    self.symptoms.len()
                ),
            ));
        }
        let mut symptoms = Vec::with_capacity(self.symptoms.len());
        for (i, s) in self.symptoms.into_iter().enumerate() {
            symptoms.push(s.resolve(rules, days, i)?);
        }
        let risk_factors = resolve_risk_factors(self.risk_factors.unwrap_or_default(), rules)?;
        Ok(Case {
            id: self.id,
            days_since_treatment: days,
            shortest_days_since_treatment: shortest,
            symptoms,
            risk_factors,
            repeat_contact: self.repeat_contact.unwrap_or(false),
            assessed_at: Some(assessed_at),
        })
    }

    /// The longest and the shortest time since treatment the case allows (the same unless a
    /// time is a date alone), and the assessment time used. A refusal's floor reads the time
    /// of a refused case with it too ([`crate::refusal`]), and a questionnaire, so that a
    /// symptom's start it gives as "now" is the case's own time since treatment, to the
    /// micro-day it is rounded to.
    pub fn days_since_treatment(
        &self,
        now: DateTime<FixedOffset>,
    ) -> Result<(f64, f64, DateTime<FixedOffset>), InputError> {
        match (self.days_since_treatment, &self.treated_at) {
            (Some(_), Some(_)) => Err(InputError::new(
                "treated_at",
                "give either days_since_treatment or treated_at, not both",
            )),
            (None, None) => Err(InputError::new(
                "days_since_treatment",
                "missing: give days_since_treatment, or treated_at (with assessed_at)",
            )),
            (Some(days), None) => {
                if self.assessed_at.is_some() {
                    return Err(InputError::new(
                        "assessed_at",
                        "is only used with treated_at; with days_since_treatment leave it out",
                    ));
                }
                let days = check_days("days_since_treatment", days)?;
                Ok((days, days, now))
            }
            (None, Some(treated)) => {
                let (assessed_first, assessed_last) = match &self.assessed_at {
                    Some(text) => when::parse_case_time(text, now.offset()).map_err(|m| {
                        InputError::new("assessed_at", format!("{m}: {:?}", excerpt(text)))
                    })?,
                    None => (now, now),
                };
                // A date alone is read in the offset of the assessment, the person's own.
                let (treated_first, treated_last) =
                    when::parse_case_time(treated, assessed_last.offset()).map_err(|m| {
                        InputError::new("treated_at", format!("{m}: {:?}", excerpt(treated)))
                    })?;
                if treated_first > assessed_last {
                    return Err(InputError::new(
                        "treated_at",
                        format!(
                            "{:?} is later than the assessment time {}",
                            excerpt(treated),
                            assessed_last.to_rfc3339()
                        ),
                    ));
                }
                // Uncertain ends are read apart: the longest time for the triage, the
                // shortest (never below zero: same day) for the aftercare.
                let longest = when::whole_days_between(treated_first, assessed_last, true);
                // Two instants (no date alone) leave nothing open: one reading, the careful
                // one, rather than a shortest a second under it from the rounding of a
                // fraction of a second.
                let exact = treated_first == treated_last && assessed_first == assessed_last;
                let shortest = if exact {
                    longest
                } else {
                    when::whole_days_between(treated_last, assessed_first, false).max(0.0)
                };
                Ok((check_days("treated_at", longest)?, shortest, assessed_last))
            }
        }
    }
}

fn check_days(field: &str, days: f64) -> Result<f64, InputError> {
    if !days.is_finite() || days < 0.0 {
        return Err(InputError::new(
            field,
            format!("{days} is not a time since treatment (it must be 0 or more days)"),
        ));
    }
    if days > MAX_DAYS {
        return Err(InputError::new(
            field,
            format!("{days} days is more than a century; check the value"),
        ));
    }
    Ok(days)
}

/// Checks risk-factor ids against the rule set (an unknown one is an input error, like an
/// unknown symptom); a repeated id counts once.
fn resolve_risk_factors(ids: Vec<String>, rules: &RuleSet) -> Result<Vec<String>, InputError> {
    if ids.len() > MAX_RISK_FACTORS {
        return Err(InputError::new(
            "risk_factors",
            format!(
                "{} risk factors listed; the most one case may list is {MAX_RISK_FACTORS}",
                ids.len()
            ),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for (i, id) in ids.into_iter().enumerate() {
        if rules.risk_factor(&id).is_none() {
            return Err(InputError::new(
                format!("risk_factors[{i}]"),
                format!(
                    "unknown risk factor {:?}{}",
                    shown(&id),
                    hint(rules, &id, "risk factor")
                ),
            ));
        }
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// At most 60 characters of an unknown id, for a message.
fn shown(id: &str) -> std::borrow::Cow<'_, str> {
    excerpt(id)
}

/// " (did you mean "a" or "b"?)": every close id of the kind asked for (a risk factor for
/// a risk factor, a symptom for a symptom), the most urgent first.
pub fn hint(rules: &RuleSet, unknown: &str, what: &str) -> String {
    let risk = what == "risk factor";
    let near: Vec<&str> = rules
        .suggestions(unknown)
        .into_iter()
        .filter(|id| rules.risk_factor(id).is_some() == risk)
        .collect();
    match near.as_slice() {
        [] => format!(" (see `aftercare rules list` for the {what} ids)"),
        [one] => format!(" (did you mean {one:?}?)"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|s| format!("{s:?}")).collect();
            format!(" (did you mean {} or {last:?}?)", init.join(", "))
        }
    }
}

impl SymptomInput {
    /// Checks one reported symptom against the rules and the time since treatment (`days`);
    /// `index` names it in an error.
    pub(crate) fn resolve(
        self,
        rules: &RuleSet,
        days: f64,
        index: usize,
    ) -> Result<ReportedSymptom, InputError> {
        let field = |name: &str| format!("symptoms[{index}].{name}");
        let Some(sref) = rules.lookup(&self.id) else {
            return Err(InputError::new(
                field("id"),
                format!(
                    "unknown symptom id {:?}{}",
                    shown(&self.id),
                    hint(rules, &self.id, "symptom")
                ),
            ));
        };
        let description = match (sref, self.description) {
            (crate::rules::SymptomRef::Other, None) => {
                return Err(InputError::new(
                    field("description"),
                    "missing: \"other\" needs a description in the person's own words",
                ))
            }
            (crate::rules::SymptomRef::Other, Some(d)) => {
                Some(check_description(&d).map_err(|m| InputError::new(field("description"), m))?)
            }
            // Words given with a listed symptom are kept for the clinician, checked the same
            // way, and never read: the id alone decides.
            (_, Some(d)) => {
                Some(check_description(&d).map_err(|m| InputError::new(field("description"), m))?)
            }
            (_, None) => None,
        };
        if self.started_day.is_some() && self.started_on_day.is_some() {
            return Err(InputError::new(
                field("started_on_day"),
                "give either started_day or started_on_day, not both",
            ));
        }
        if let Some(d) = self.started_on_day {
            if !d.is_finite() || d < 0.0 || d.fract() != 0.0 {
                return Err(InputError::new(
                    field("started_on_day"),
                    format!("{d} is not a whole day (it must be 0, 1, 2...)"),
                ));
            }
            // A whole day from 0 to today's day number (the whole part of the time since
            // treatment).
            if d > days.floor() {
                return Err(InputError::new(
                    field("started_on_day"),
                    format!(
                        "day {} is later than today, day {} since the treatment (it must be a whole day from 0 to {})",
                        crate::day_words::day_number(d),
                        crate::day_words::day_number(days.floor()),
                        crate::day_words::day_number(days.floor())
                    ),
                ));
            }
        }
        let started_day = match self.started_day {
            // The latest moment of that day not after the assessment: never milder.
            None if self.started_on_day.is_some() => {
                (self.started_on_day.unwrap_or(0.0) + 1.0).min(days)
            }
            None => crate::model::ASSUMED_STARTED_DAY,
            Some(s) if !s.is_finite() || s < 0.0 => {
                return Err(InputError::new(
                    field("started_day"),
                    format!("{s} is not a day (it must be 0 or more)"),
                ))
            }
            Some(s) if s > days => {
                return Err(InputError::new(
                    field("started_day"),
                    format!(
                        "{} is later than the time since treatment ({} day{})",
                        crate::day_words::day_number(s),
                        crate::day_words::day_number(days),
                        if days == 1.0 { "" } else { "s" }
                    ),
                ))
            }
            Some(s) => s,
        };
        Ok(ReportedSymptom {
            id: self.id,
            severity: self.severity.unwrap_or(Severity::ASSUMED),
            trend: self.trend.unwrap_or(Trend::ASSUMED),
            started_day,
            description,
        })
    }
}

/// The words of `other`: text, at most 500 characters, no control, bidi or invisible
/// characters (they could rewrite a terminal or a record; see `unsafe_chars`).
pub fn check_description(d: &str) -> Result<String, String> {
    if d.trim().is_empty() {
        return Err("is empty: say in a few words what it is".into());
    }
    let n = d.chars().count();
    if n > MAX_DESCRIPTION_CHARS {
        return Err(format!(
            "is {n} characters long; the most is {MAX_DESCRIPTION_CHARS}"
        ));
    }
    if let Some(c) = d.chars().find(|&c| crate::unsafe_chars::is_unsafe(c)) {
        return Err(format!(
            "holds a control character or an invisible one ({:?})",
            c
        ));
    }
    Ok(d.to_string())
}
