//! "When was the treatment?": the question typed or picked on a calendar, the day and time
//! it gives, and what was understood, said back.

use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};

use super::answers::{Mode, Treatment};
use super::prompt::{Answer, Check, DatePick, Prompter, Stop, TextLine, YesNo};
use crate::conversation::{TREATMENT, TREATMENT_DAY, TREATMENT_TIME};
use crate::output::text::capitalise;
use aftercare_core::day_words::{self, day_number};
use aftercare_core::input::MAX_DAYS;
use aftercare_core::when;

/// "When was the treatment?": typed ("2", "3 days ago", "2026-11-18 14:30") or, on an empty
/// answer, picked on a calendar with an optional time. Says the day it understood.
pub fn ask_treatment(
    p: &mut dyn Prompter,
    mode: Mode,
    now: DateTime<FixedOffset>,
) -> Answer<Treatment> {
    let check: Check<String> = Arc::new(move |text: &String| {
        if text.trim().is_empty() {
            return Ok(());
        }
        // Every refusal offers the calendar: a person who cannot find the words can pick.
        let calendar =
            |m: String| format!("{m}; or clear the line and press Enter for a list of days");
        let t = when::parse_typed(text, now).map_err(calendar)?;
        if when::days_between(t, now) > MAX_DAYS {
            return Err(calendar(
                "that is more than a century ago; check the date".into(),
            ));
        }
        Ok(())
    });
    let (message, help) = match mode {
        // A number of days ago is the quickest answer for the usual first days; the day it
        // gives is said back with its date, and an empty line still opens the calendar, so
        // nothing is chosen for the person by a hurried Enter.
        Mode::Patient => (
            format!(
                "{} Days ago (0 today, 1, 2...), or Tuesday, 18 Nov",
                TREATMENT.asked(mode)
            ),
            "A time is optional (yesterday 2pm). Enter alone opens a list of days.",
        ),
        Mode::Nurse => (
            TREATMENT.asked(mode).to_string(),
            "days ago (2) / yesterday / 2026-11-18 [14:30]; Enter: list of days",
        ),
    };
    // A date that is read but may not be what was meant (far back, or last year's because
    // this year's is still to come) is checked with the person; "no" asks again.
    let typed = loop {
        let typed = p.text(&TextLine {
            id: TREATMENT.id,
            message: &message,
            help: Some(help),
            check: Some(check.clone()),
        })?;
        let Some(doubt) = when::second_look(&typed, now) else {
            break typed;
        };
        let right = p.confirm(&YesNo {
            id: "treatment.check",
            message: &format!("{}: is that right?", capitalise(&doubt)),
            help: Some("y: yes, that is the day; n: type it again"),
            default: None,
        })?;
        if right {
            break typed;
        }
    };
    let treatment = if typed.trim().is_empty() {
        let today = now.date_naive();
        let day = p.date(&DatePick {
            id: TREATMENT_DAY.id,
            message: TREATMENT_DAY.asked(mode),
            help: Some("arrows to move, Enter to choose"),
            start: today,
            // An extreme --now must not overflow the calendar: its first day is the limit.
            min: today
                .checked_sub_signed(Duration::days(MAX_DAYS as i64))
                .unwrap_or(chrono::NaiveDate::MIN),
            max: today,
        })?;
        let time_check: Check<String> = Arc::new(move |text: &String| {
            let text = text.trim();
            if text.is_empty() {
                return Ok(());
            }
            let time = NaiveTime::parse_from_str(text, "%H:%M")
                .map_err(|_| format!("{text:?} is not a time of day: use 14:30"))?;
            treatment_on(day, Some(time), now).map(|_| ())
        });
        let time = p.text(&TextLine {
            id: TREATMENT_TIME.id,
            message: TREATMENT_TIME.asked(mode),
            help: Some("Press Enter if you do not know: the whole day is taken into account"),
            check: Some(time_check),
        })?;
        let time = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok();
        treatment_on(day, time, now).map_err(Stop::Terminal)?
    } else {
        // Checked above; read again here for the value. A span of one instant is a time
        // given ("yesterday 14:30", "5 hours ago"); a longer one is a day without a time.
        let (at, latest) = when::parse_typed_span(&typed, now).map_err(Stop::Terminal)?;
        Treatment {
            at,
            time_given: at == latest,
            as_given: typed.trim().to_string(),
        }
    };
    p.say(&treatment_words(&treatment, mode, now));
    Ok(treatment)
}

/// A treatment picked as a calendar day, with the time of day when known: the terminal's
/// calendar and the web check-in's date field read it the same way, in the time zone of
/// `now` (the machine's). A day alone is kept as its start (the longest time since the
/// treatment, for the start-day choices); the case carries the date alone
/// ([`Treatment::treated_at`]). A day or time later than now, or too far back, is refused
/// with the reason.
pub fn treatment_on(
    day: chrono::NaiveDate,
    time: Option<NaiveTime>,
    now: DateTime<FixedOffset>,
) -> Result<Treatment, String> {
    if day > now.date_naive() {
        return Err("that day is in the future".into());
    }
    if (now.date_naive() - day).num_days() > MAX_DAYS as i64 {
        return Err("that is more than a century ago; check the date".into());
    }
    // In the zone's offset on that day, as a typed date is read (`when::in_local_zone`): a
    // treatment before a change to or from summer time is read at its own offset, so that
    // the calendar and the typed answer give the same day number.
    let at = when::in_local_zone(day.and_time(time.unwrap_or(NaiveTime::MIN)), now)?;
    if at > now {
        return Err("that time is later than now".into());
    }
    let as_given = match time {
        None => day.format("%Y-%m-%d").to_string(),
        Some(t) => format!("{} {}", day.format("%Y-%m-%d"), t.format("%H:%M")),
    };
    Ok(Treatment {
        at,
        time_given: time.is_some(),
        as_given,
    })
}

/// What was understood of the treatment time, said back. The calendar day is in the words
/// ("yesterday", "2 days ago") and the date; the day number counts whole 24 hours since the
/// treatment, as the rules' windows do. With a time of day the two can differ (yesterday at
/// 14:00 is day 0 this morning), so the hours are said and the day number is explained
/// rather than set against "yesterday". Without a time of day, hours since the start of
/// that day would claim a precision the answer does not have: the day is said instead.
pub fn treatment_words(treatment: &Treatment, mode: Mode, now: DateTime<FixedOffset>) -> String {
    let days = when::days_between(treatment.at, now);
    let day = day_number(days.floor());
    let calendar = day_words::calendar_days_ago(treatment.at.date_naive(), now.date_naive());
    if treatment.time_given {
        let ago = day_words::time_since(days);
        let date = treatment.at.format("%a %-d %b %Y at %H:%M");
        match mode {
            Mode::Patient => format!(
                "Understood: your treatment was {calendar} ({date}), {ago} ago. Days are counted in full 24 hours from then, so this is day {day}."
            ),
            Mode::Nurse => format!("Treatment {calendar} ({date}), {ago} ago: day {day} in 24-hour days."),
        }
    } else {
        let when = treatment.when_words();
        match mode {
            Mode::Patient => format!(
                "Understood: your treatment was {calendar}, on {when}, so today is day {day}."
            ),
            Mode::Nurse => format!("Treatment {calendar}, on {when}: day {day}."),
        }
    }
}
