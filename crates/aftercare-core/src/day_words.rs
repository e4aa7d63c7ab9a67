//! Days and hours after the treatment in words: the one place that says how long ago the
//! treatment was, where a rule's window starts and ends, and when a piece of advice stops.
//!
//! A time after the treatment is a number of days (`0.5` is 12 hours). Said to a person it
//! is never a fractional day: under 2 days it is hours, after that whole days (and hours),
//! or a day number ("day 3"). Where two outputs say the same thing differently on purpose
//! (the nurse's note is terse, the person's words are plain), both forms are here, each
//! with the audience it is for:
//!
//! - a rule file's numbers: [`day_number`];
//! - the evaluation's reasons: [`since_treatment`], [`after_day`], [`up_to_day`],
//!   [`in_the_first`]; the emergency operator: [`treatment_ago`] (in the person's voice),
//!   [`treatment_for_operator`];
//! - the person (reports, results, the `advice` page): [`time_since`],
//!   [`since_the_treatment`], [`moment`], [`until`], [`settles`], [`Clock`],
//!   [`start_day_choice`], [`treatment_date`], [`calendar_days_ago`];
//! - the nurse's note: [`until_for_nurse`], [`since_start_day`], [`time_ago`].

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};

/// A day number as a rule file writes it: "3", "0.5", "0.33". For the places that quote a
/// file's numbers (rule tables, lint warnings, input errors) and for whole day numbers.
pub fn day_number(day: f64) -> String {
    if day.fract() == 0.0 && day.abs() < 1e15 {
        format!("{}", day as i64)
    } else {
        let s = format!("{day:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// "1 hour", "3 days": a count with its unit, plural when it is not one.
fn count_of(n: i64, unit: &str) -> String {
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// Whole hours in `days`, rounded to the nearest hour when it is a day count a rule file
/// wrote (0.25 is 6 hours), never shown as a fraction.
fn hours_in(days: f64) -> i64 {
    (days * 24.0).round() as i64
}

/// The whole hours gone in `days`, a time kept to the micro-day (`days_to_micro`): the
/// nearest micro-day can be up to half of one (0.04 s) under the time itself, so 14 hours
/// is 0.583333 days, 13.99999 hours; that much is allowed for before the hours are cut,
/// or 14 hours would read "13 hours".
fn whole_hours_gone(days: f64) -> i64 {
    (days * 24.0 + 2e-5).floor() as i64
}

/// "2 days and 3 hours" and "5 hours": the whole hours gone, in days from 24 hours on, never
/// rounded up past the day a heading names. For the report's day heading and the
/// questionnaire's "… ago" (see [`since_the_treatment`]).
pub fn time_since(days: f64) -> String {
    let hours = whole_hours_gone(days);
    match (hours / 24, hours % 24) {
        (0, h) => count_of(h, "hour"),
        (d, 0) => count_of(d, "day"),
        (d, h) => format!("{} and {}", count_of(d, "day"), count_of(h, "hour")),
    }
}

/// "5 hours since the treatment", "2 days and 3 hours since the treatment": the report's
/// day heading and the nurse's note.
pub fn since_the_treatment(days: f64) -> String {
    format!("{} since the treatment", time_since(days))
}

/// How long after the treatment, in the reasons of an assessment and the sentence for the
/// emergency operator. Under 2 days in hours (as [`after_day`] says a rule's threshold),
/// after that in days (and hours); when only the treatment date is known, the day alone
/// ("on day 3"), since hours would claim a precision the answer does not have. Never a
/// fractional day, and never more than has passed (whole hours gone, not rounded up past a
/// threshold a reason names).
pub fn since_treatment(days: f64, date_only: bool) -> String {
    if date_only {
        return format!("on day {}", day_number(days.floor()));
    }
    let hours = whole_hours_gone(days);
    let (d, h) = (hours / 24, hours % 24);
    if hours == 0 {
        "within the first hour after the treatment".to_string()
    } else if hours < 48 {
        format!("{} after the treatment", count_of(hours, "hour"))
    } else if h == 0 {
        format!("{} after the treatment", count_of(d, "day"))
    } else {
        format!(
            "{} and {} after the treatment",
            count_of(d, "day"),
            count_of(h, "hour")
        )
    }
}

/// How long ago the treatment was, in the person's own voice to the emergency operator:
/// "less than an hour ago", "5 hours ago" under 2 days, then "3 days ago" (whole hours
/// gone); with the date alone "today", "yesterday", "3 days ago" by the day number.
pub fn treatment_ago(days: f64, date_only: bool) -> String {
    if date_only {
        return match days.floor() as i64 {
            0 => "today".to_string(),
            1 => "yesterday".to_string(),
            d => format!("{d} days ago"),
        };
    }
    match whole_hours_gone(days) {
        0 => "less than an hour ago".to_string(),
        hours @ 1..=47 => format!("{} ago", count_of(hours, "hour")),
        hours => format!("{} days ago", hours / 24),
    }
}

/// A rule's "after" day: "at any time since the treatment" (0, the treatment day
/// included), "more than 12 hours after the treatment" up to 2 days, "after day 3" beyond.
pub fn after_day(day: f64) -> String {
    if day == 0.0 {
        "at any time since the treatment".to_string()
    } else if day <= 2.0 {
        format!(
            "more than {} after the treatment",
            count_of(hours_in(day), "hour")
        )
    } else if day.fract() == 0.0 {
        format!("after day {}", day_number(day))
    } else {
        let hours = hours_in(day);
        format!(
            "more than {} and {} after the treatment",
            count_of(hours / 24, "day"),
            count_of(hours % 24, "hour")
        )
    }
}

/// A rule's "until" day: "up to 12 hours after the treatment" up to 2 days, "up to day 7"
/// beyond (both inclusive).
pub fn up_to_day(day: f64) -> String {
    if day <= 2.0 {
        format!(
            "up to {} after the treatment",
            count_of(hours_in(day), "hour")
        )
    } else if day.fract() == 0.0 {
        format!("up to day {}", day_number(day))
    } else {
        let hours = hours_in(day);
        format!(
            "up to {} and {} after the treatment",
            count_of(hours / 24, "day"),
            count_of(hours % 24, "hour")
        )
    }
}

/// A combination's window in the safety net: [`up_to_day`] as "in the first 12 hours after
/// the treatment".
pub fn in_the_first(day: f64) -> String {
    let hours = hours_in(day);
    let span = if day <= 2.0 {
        count_of(hours, "hour")
    } else if hours % 24 == 0 {
        count_of(hours / 24, "day")
    } else {
        format!(
            "{} and {}",
            count_of(hours / 24, "day"),
            count_of(hours % 24, "hour")
        )
    };
    format!("in the first {span} after the treatment")
}

/// When an expected reaction usually settles, for the person: "by day 3", "within 12
/// hours" (a window of under a day, or not of whole days).
pub fn settles(until: f64) -> String {
    if until < 1.0 || until.fract() != 0.0 {
        format!("within {} hours", (until * 24.0).round() as u64)
    } else {
        format!("by day {}", until as u64)
    }
}

/// A moment after the treatment, for the person: "day 3" from 2 days on when it is a
/// whole day, else "24 hours after the treatment". The moment an advice item starts or
/// stops on the `advice` page, in a result and in the rule table.
pub fn moment(days: f64) -> String {
    let hours = hours_in(days);
    if days.fract() == 0.0 && days >= 2.0 {
        format!("day {}", day_number(days))
    } else if hours == 1 {
        "1 hour after the treatment".to_string()
    } else {
        format!("{hours} hours after the treatment")
    }
}

/// How long a piece of advice still holds, for the person: "until day 3", "until 12 hours
/// after the treatment" (see [`moment`]).
pub fn until(days: f64) -> String {
    format!("until {}", moment(days))
}

/// How long a reaction's window runs, in the nurse's note: terse, a day number where it is
/// whole ("until day 1"), within the first day "for the first 12 hours". Never "day 0.5".
pub fn until_for_nurse(day: f64) -> String {
    if day.fract() == 0.0 {
        format!("until day {}", day_number(day))
    } else {
        format!("for the first {} hours", hours_in(day))
    }
}

/// The day a symptom started, in the nurse's note: "since the treatment" (day 0), "since
/// day 3".
pub fn since_start_day(day: u32) -> String {
    match day {
        0 => "since the treatment".to_string(),
        d => format!("since day {d}"),
    }
}

/// The words of a start-day choice in the questionnaire, for the person. Day numbers count
/// whole days since the treatment (`today` is the latest), so day 0 of a treatment
/// yesterday evening runs into this morning: it is "the treatment day" only when the
/// treatment was on today's date (`treated_today`).
pub fn start_day_choice(day: u32, today: u32, treated_today: bool) -> String {
    match (day, day == today) {
        // On day 0 "later on the treatment day" is offered beside it: this one is the
        // treatment itself.
        (0, true) if treated_today => "Since the treatment, today".to_string(),
        (0, true) => "Since the treatment (day 0, up to now)".to_string(),
        (0, false) => "Since the treatment (day 0)".to_string(),
        (d, true) => format!("Day {d}: today"),
        (d, false) if d + 1 == today => format!("Day {d}: yesterday"),
        (d, false) => format!("Day {d}"),
    }
}

/// A calendar date as "today" or "yesterday" seen from `today`, or nothing when it is
/// neither (each caller says an earlier date its own way).
pub fn today_or_yesterday(date: NaiveDate, today: NaiveDate) -> Option<&'static str> {
    match (today - date).num_days() {
        0 => Some("today"),
        1 => Some("yesterday"),
        _ => None,
    }
}

/// A calendar date counted back from `today`: "today", "yesterday", "3 days ago".
pub fn calendar_days_ago(date: NaiveDate, today: NaiveDate) -> String {
    match today_or_yesterday(date, today) {
        Some(words) => words.to_string(),
        None => format!("{} days ago", (today - date).num_days()),
    }
}

/// The treatment's day and, when given, its time, for the person to check: "Sat 21 Nov
/// 2026, 14:30", "Sat 21 Nov 2026, time not given".
pub fn treatment_date(at: DateTime<FixedOffset>, time_given: bool) -> String {
    if time_given {
        at.format("%a %-d %b %Y, %H:%M").to_string()
    } else {
        at.format("%a %-d %b %Y, time not given").to_string()
    }
}

/// When the treatment was, for the emergency operator: "yesterday at 14:30", "on Tue 17
/// Nov".
pub fn treatment_for_operator(
    at: DateTime<FixedOffset>,
    time_given: bool,
    now: DateTime<FixedOffset>,
) -> String {
    let day = match today_or_yesterday(at.date_naive(), now.date_naive()) {
        Some(words) => words.to_string(),
        None => format!("on {}", at.format("%a %-d %b")),
    };
    if time_given {
        format!("{day} at {}", at.format("%H:%M"))
    } else {
        day
    }
}

/// How long ago, in whole minutes (not negative): "just now", "50 minutes ago", "13 hours
/// ago" under 2 days, then "4 days ago". For the nurse, when a check-in was sent.
pub fn time_ago(minutes: i64) -> String {
    match minutes {
        m if m <= 0 => "just now".to_string(),
        1 => "1 minute ago".to_string(),
        m if m < 120 => format!("{m} minutes ago"),
        m if m < 48 * 60 => format!("{} hours ago", m / 60),
        m => format!("{} days ago", m / (24 * 60)),
    }
}

/// How a moment after the treatment is said to a person.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Clock {
    /// Only days since the treatment are known: hours under 2 days, then day numbers.
    #[default]
    Days,
    /// From this instant on: the treatment's own time, or, with a date alone, the latest it
    /// can have been (the end of that day), so that nothing ends early.
    From(DateTime<FixedOffset>),
}

impl Clock {
    /// "Sat 21 Nov, 14:30", "the end of Sat 21 Nov", "24 hours after the treatment",
    /// "day 3": never a fractional day.
    pub fn words(self, days: f64) -> String {
        match self {
            Clock::From(t) => {
                let Some(at) = t.checked_add_signed(chrono::Duration::seconds(
                    (days * 86_400.0).round() as i64,
                )) else {
                    return moment(days);
                };
                if at.hour() == 23 && at.minute() == 59 && at.second() == 59 {
                    return format!("the end of {}", at.format("%a %-d %b"));
                }
                // Up to the next whole minute: an end is never said earlier than it is.
                let at = match at.second() {
                    0 => at,
                    s => at + chrono::Duration::seconds(i64::from(60 - s)),
                };
                at.format("%a %-d %b, %H:%M").to_string()
            }
            Clock::Days => moment(days),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_print_plainly() {
        assert_eq!(day_number(3.0), "3");
        assert_eq!(day_number(0.5), "0.5");
        assert_eq!(day_number(2.25), "2.25");
        assert_eq!(day_number(1.0 / 3.0), "0.33");
    }

    #[test]
    fn time_since_treatment_reads_in_hours_then_days_never_a_fraction() {
        assert_eq!(
            since_treatment(0.01, false),
            "within the first hour after the treatment"
        );
        assert_eq!(since_treatment(0.3, false), "7 hours after the treatment");
        assert_eq!(since_treatment(1.0, false), "24 hours after the treatment");
        assert_eq!(since_treatment(1.99, false), "47 hours after the treatment");
        assert_eq!(since_treatment(2.0, false), "2 days after the treatment");
        assert_eq!(
            since_treatment(3.4, false),
            "3 days and 9 hours after the treatment"
        );
        assert_eq!(since_treatment(3.99, true), "on day 3");
        assert_eq!(after_day(0.0), "at any time since the treatment");
        assert_eq!(after_day(0.25), "more than 6 hours after the treatment");
        assert_eq!(after_day(2.0), "more than 48 hours after the treatment");
        assert_eq!(after_day(7.0), "after day 7");
        assert_eq!(up_to_day(0.5), "up to 12 hours after the treatment");
        assert_eq!(up_to_day(14.0), "up to day 14");
        for words in [after_day(2.5), up_to_day(3.5)] {
            assert!(!words.contains('.'), "{words}");
        }
    }

    #[test]
    fn the_report_counts_whole_hours_gone_then_days_from_24_hours() {
        assert_eq!(since_the_treatment(0.0), "0 hours since the treatment");
        assert_eq!(
            since_the_treatment(0.99 / 24.0),
            "0 hours since the treatment"
        );
        assert_eq!(
            since_the_treatment(1.0 / 24.0),
            "1 hour since the treatment"
        );
        assert_eq!(since_the_treatment(0.5), "12 hours since the treatment");
        assert_eq!(since_the_treatment(1.0), "1 day since the treatment");
        assert_eq!(since_the_treatment(3.0), "3 days since the treatment");
        // Never rounded up into the next day: 2 days and 23 hours is still day 2.
        assert_eq!(time_since(2.999), "2 days and 23 hours");
        assert_eq!(time_since(1.0 + 1.0 / 24.0), "1 day and 1 hour");
    }

    #[test]
    fn the_operator_hears_hours_then_days_ago_or_the_day_alone() {
        assert_eq!(treatment_ago(0.0, false), "less than an hour ago");
        assert_eq!(treatment_ago(1.0 / 24.0, false), "1 hour ago");
        assert_eq!(treatment_ago(1.99, false), "47 hours ago");
        assert_eq!(treatment_ago(2.0, false), "2 days ago");
        assert_eq!(treatment_ago(2.99, false), "2 days ago");
        assert_eq!(treatment_ago(0.7, true), "today");
        assert_eq!(treatment_ago(1.2, true), "yesterday");
        assert_eq!(treatment_ago(3.0, true), "3 days ago");
    }

    #[test]
    fn a_moment_is_said_in_hours_days_or_on_the_clock_never_as_a_fraction() {
        assert_eq!(Clock::Days.words(4.0 / 24.0), "4 hours after the treatment");
        assert_eq!(Clock::Days.words(1.0), "24 hours after the treatment");
        assert_eq!(Clock::Days.words(1.5), "36 hours after the treatment");
        assert_eq!(Clock::Days.words(3.0), "day 3");
        assert_eq!(Clock::Days.words(2.5), "60 hours after the treatment");
        let treated = chrono::DateTime::parse_from_rfc3339("2026-11-20T14:30:00Z").unwrap();
        assert_eq!(Clock::From(treated).words(1.0), "Sat 21 Nov, 14:30");
        assert_eq!(Clock::From(treated).words(4.0 / 24.0), "Fri 20 Nov, 18:30");
        // A date alone: counted from the last second of that day, said as the end of a day.
        let end_of_day = chrono::DateTime::parse_from_rfc3339("2026-11-20T23:59:59Z").unwrap();
        assert_eq!(Clock::From(end_of_day).words(3.0), "the end of Mon 23 Nov");
        // Never said earlier than it is.
        assert_eq!(
            Clock::From(end_of_day).words(4.0 / 24.0),
            "Sat 21 Nov, 04:00"
        );
    }

    #[test]
    fn one_hour_is_singular_and_day_zero_is_hours() {
        assert_eq!(moment(1.0 / 24.0), "1 hour after the treatment");
        assert_eq!(moment(0.0), "0 hours after the treatment");
        assert_eq!(until(0.5), "until 12 hours after the treatment");
        assert_eq!(until(7.0), "until day 7");
        assert_eq!(time_ago(1), "1 minute ago");
        assert_eq!(since_start_day(0), "since the treatment");
        assert_eq!(since_start_day(1), "since day 1");
    }

    /// The person hears "until 24 hours after the treatment" where the nurse's note says
    /// "until day 1": the two forms differ on purpose, and neither is a fractional day.
    #[test]
    fn the_nurse_hears_day_numbers_where_the_person_hears_hours() {
        assert_eq!(until(1.0), "until 24 hours after the treatment");
        assert_eq!(until_for_nurse(1.0), "until day 1");
        assert_eq!(until_for_nurse(0.5), "for the first 12 hours");
        assert_eq!(until_for_nurse(3.0), "until day 3");
        for day in [0.25, 0.5, 1.5, 2.5] {
            for words in [until(day), until_for_nurse(day)] {
                assert!(!words.contains('.'), "{words}");
            }
        }
    }

    #[test]
    fn a_usual_window_settles_by_a_whole_day_or_within_hours() {
        assert_eq!(settles(0.5), "within 12 hours");
        assert_eq!(settles(0.0), "within 0 hours");
        assert_eq!(settles(1.0), "by day 1");
        assert_eq!(settles(2.5), "within 60 hours");
        assert_eq!(settles(7.0), "by day 7");
    }

    #[test]
    fn a_combinations_window_is_said_as_the_first_hours() {
        assert_eq!(
            in_the_first(0.5),
            "in the first 12 hours after the treatment"
        );
        assert_eq!(
            in_the_first(1.0),
            "in the first 24 hours after the treatment"
        );
        // Past two days, in days: never "in the first day 7".
        assert_eq!(in_the_first(7.0), "in the first 7 days after the treatment");
        assert_eq!(
            in_the_first(2.5),
            "in the first 2 days and 12 hours after the treatment"
        );
    }

    #[test]
    fn a_date_is_today_yesterday_or_counted_back() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let back = |n| today - chrono::Duration::days(n);
        assert_eq!(calendar_days_ago(today, today), "today");
        assert_eq!(calendar_days_ago(back(1), today), "yesterday");
        assert_eq!(calendar_days_ago(back(4), today), "4 days ago");
        assert_eq!(today_or_yesterday(back(2), today), None);
    }

    #[test]
    fn the_operator_hears_the_day_and_the_time_only_when_given() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap();
        let at = |t| DateTime::parse_from_rfc3339(t).unwrap();
        assert_eq!(
            treatment_for_operator(at("2026-11-20T14:30:00Z"), true, now),
            "yesterday at 14:30"
        );
        assert_eq!(
            treatment_for_operator(at("2026-11-17T00:00:00Z"), false, now),
            "on Tue 17 Nov"
        );
        assert_eq!(
            treatment_date(at("2026-11-21T08:00:00Z"), false),
            "Sat 21 Nov 2026, time not given"
        );
        assert_eq!(
            treatment_date(at("2026-11-21T08:00:00Z"), true),
            "Sat 21 Nov 2026, 08:00"
        );
    }

    #[test]
    fn whole_hours_are_not_lost_to_the_micro_day() {
        // 14 hours, as a case from times keeps it: 0.583333 days.
        let days = crate::model::days_to_micro(14.0 / 24.0);
        assert_eq!(time_since(days), "14 hours");
        assert_eq!(since_treatment(days, false), "14 hours after the treatment");
        assert_eq!(treatment_ago(days, false), "14 hours ago");
        // A second short of it is still 13.
        let days = crate::model::days_to_micro((14.0 * 3600.0 - 1.0) / 86_400.0);
        assert_eq!(time_since(days), "13 hours");
    }

    #[test]
    fn start_days_name_today_and_yesterday() {
        assert_eq!(start_day_choice(0, 0, true), "Since the treatment, today");
        assert_eq!(
            start_day_choice(0, 0, false),
            "Since the treatment (day 0, up to now)"
        );
        assert_eq!(start_day_choice(0, 2, false), "Since the treatment (day 0)");
        assert_eq!(start_day_choice(1, 2, false), "Day 1: yesterday");
        assert_eq!(start_day_choice(2, 2, false), "Day 2: today");
        assert_eq!(start_day_choice(1, 3, false), "Day 1");
    }
}
