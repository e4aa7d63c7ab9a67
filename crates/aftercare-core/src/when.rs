//! Reading the time of treatment. The current time is always passed in, never read here.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
};

use crate::escape::excerpt;

/// Days between two instants, fractional (12 hours = 0.5). Fractions of a second count:
/// cutting them off would shorten the time and could keep a symptom "within its window".
pub fn days_between(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> f64 {
    let d = to - from;
    (d.num_seconds() as f64 + f64::from(d.subsec_nanos()) / 1e9) / 86_400.0
}

/// The days between two instants counted in whole seconds, rounded up (`up`: the longest
/// reading, never milder) or down (the shortest, no restriction lifted early), with at most 6
/// decimals: a date alone gives 4, never 3.999999988425926.
pub fn whole_days_between(from: DateTime<FixedOffset>, to: DateTime<FixedOffset>, up: bool) -> f64 {
    let d = to - from;
    let mut seconds = d.num_seconds();
    if up && d.subsec_nanos() > 0 {
        seconds += 1;
    }
    crate::model::days_to_micro(seconds as f64 / 86_400.0)
}

/// A time as a case gives it, read as the earliest and the latest instant it can mean.
pub type Span = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// A time in a case (`treated_at`, `assessed_at`): RFC 3339 with its offset
/// (`2026-11-18T14:30:00Z`, `2026-11-18T14:30:00+01:00`), one instant; or a date alone
/// (`2026-11-18`), the whole of that day in `offset`. A time of day without an offset is
/// refused: read in the wrong zone it could shorten the time since treatment by hours.
pub fn parse_case_time(text: &str, offset: &FixedOffset) -> Result<Span, String> {
    let t = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return date_span(date, offset);
    }
    let at = parse_timestamp(t, offset)?;
    let has_offset = DateTime::parse_from_rfc3339(t).is_ok()
        || DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%:z").is_ok();
    if !has_offset {
        return Err(
            "a time of day needs its offset: 2026-11-18T14:30:00+01:00, or Z for UTC".into(),
        );
    }
    Ok((at, at))
}

/// A date alone as a case reads it: the whole of that day in `offset`.
pub fn date_span(date: NaiveDate, offset: &FixedOffset) -> Result<Span, String> {
    let start = local(date.and_time(NaiveTime::MIN), offset)?;
    let end = start
        .checked_add_signed(Duration::days(1) - Duration::milliseconds(1))
        .ok_or("date out of range")?;
    Ok((start, end))
}

/// A timestamp as scripts send it: RFC 3339 (`2026-11-18T14:30:00Z`), or a local date and
/// time without offset (`2026-11-18T14:30`, `2026-11-18 14:30`), or a date alone
/// (`2026-11-18`). Local forms are read in `offset`. A date alone means the start of that
/// day: the earliest the treatment can have been, so the longest time since it, which never
/// makes a symptom look more "within its window" than it is.
pub fn parse_timestamp(text: &str, offset: &FixedOffset) -> Result<DateTime<FixedOffset>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty date".into());
    }
    if t.len() > 64 {
        return Err("not a date (too long)".into());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return real_leap_second(dt);
    }
    if let Ok(dt) = DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%:z") {
        return real_leap_second(dt);
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, fmt) {
            return local(naive, offset).and_then(real_leap_second);
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return local(date.and_time(NaiveTime::MIN), offset);
    }
    Err("not a date: use 2026-11-18, 2026-11-18T14:30 or 2026-11-18T14:30:00Z".into())
}

fn local(naive: NaiveDateTime, offset: &FixedOffset) -> Result<DateTime<FixedOffset>, String> {
    offset
        .from_local_datetime(&naive)
        .single()
        .ok_or_else(|| "not a valid local time".to_string())
}

/// A second `:60` is a leap second, which is only ever inserted at 23:59:60 UTC at the end
/// of June or December; anywhere else it is a mistyped time, and reading it as the next
/// minute would move the time by a second the person never meant.
fn real_leap_second(t: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>, String> {
    use chrono::{Datelike, Timelike};
    if t.nanosecond() < 1_000_000_000 {
        return Ok(t);
    }
    let utc = t.naive_utc();
    let end_of_half_year = matches!((utc.month(), utc.day()), (6, 30) | (12, 31));
    if end_of_half_year && (utc.hour(), utc.minute(), utc.second()) == (23, 59, 59) {
        Ok(t)
    } else {
        Err(
            "a leap second (:60) is only 23:59:60 UTC on 30 June or 31 December; check the time"
                .into(),
        )
    }
}

/// A typed day or time in the person's own time zone: the zone's offset on that day, not
/// today's (a treatment before a change to or from summer time is read at its own offset).
/// When `now` is not in the local zone (a `--now` with another offset), its offset is used.
/// A time that falls in a change's gap is refused; one that happens twice is the earlier.
pub fn in_local_zone(
    naive: NaiveDateTime,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, String> {
    use chrono::offset::LocalResult;
    let here = chrono::Local.from_utc_datetime(&now.naive_utc());
    if chrono::Offset::fix(here.offset()) != *now.offset() {
        return local(naive, now.offset());
    }
    match chrono::Local.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.fixed_offset()),
        LocalResult::Ambiguous(earlier, _) => Ok(earlier.fixed_offset()),
        LocalResult::None => Err("that time does not exist here (the clocks changed)".into()),
    }
}

/// A treatment time as a person types it: "today", "yesterday", "3 days ago", "2 weeks ago",
/// "5 hours ago", or any form `parse_timestamp` reads, optionally with a time of day
/// ("yesterday 14:30"). Day-only answers mean the start of that day (see `parse_timestamp`).
pub fn parse_typed(
    text: &str,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, String> {
    parse_typed_span(text, now).map(|(earliest, _)| earliest)
}

/// The earliest and latest instants a typed answer can mean: the same instant when a time
/// was given, else the start and end of that day (never later than `now`). Triage reads the
/// earliest (the longest time since treatment); aftercare advice reads the latest, so that a
/// restriction such as "no makeup for 24 hours" is never lifted early.
pub fn parse_typed_span(
    text: &str,
    now: DateTime<FixedOffset>,
) -> Result<(DateTime<FixedOffset>, DateTime<FixedOffset>), String> {
    let (at, day_only, _) = parse_typed_inner(text, now)?;
    if !day_only {
        return Ok((at, at));
    }
    let end_of_day = at
        .checked_add_signed(Duration::days(1) - Duration::seconds(1))
        .ok_or("date out of range")?;
    Ok((at, end_of_day.min(now)))
}

/// A typed treatment time that is read, but may not be what was meant: far back (past
/// `FAR_BACK_DAYS`), or a day and month without a year that is still to come this year and
/// so was read as last year's ("1 Dec" on 21 Nov). The words ask the person to check; `None`
/// when there is nothing to check.
pub fn second_look(text: &str, now: DateTime<FixedOffset>) -> Option<String> {
    let (at, _, last_year) = parse_typed_inner(text, now).ok()?;
    let date = at.format("%a %-d %b %Y");
    if last_year {
        let this_year = at
            .with_year(now.year())
            .map_or_else(String::new, |d| d.format("%-d %b").to_string());
        return Some(format!(
            "{this_year} this year is still to come, so this reads as last year ({date}, {} days ago)",
            (now.date_naive() - at.date_naive()).num_days()
        ));
    }
    let days = (now.date_naive() - at.date_naive()).num_days();
    (days > FAR_BACK_DAYS).then(|| format!("that is {days} days ago ({date})"))
}

/// Past about two months a treatment date is more likely a slip (a wrong month or year)
/// than an aftercare question, and is checked with the person.
pub const FAR_BACK_DAYS: i64 = 60;

/// The instant, whether it is a day without a time, and whether a year was left out and
/// taken as last year's because the date is still to come this year.
fn parse_typed_inner(
    text: &str,
    now: DateTime<FixedOffset>,
) -> Result<(DateTime<FixedOffset>, bool, bool), String> {
    let lower = text.trim().to_lowercase();
    if lower.len() > 64 {
        return Err("that is too long to be a date".into());
    }
    // The written-out forms before lower-casing: "T" and "Z" are upper case in them.
    if let Some((at, day_only)) = written_out(text, now)? {
        return Ok((at, day_only, false));
    }
    if let Some(reason) = ambiguous_numeric_date(&lower) {
        return Err(reason);
    }
    let joined = lower
        .replace(" am", "am")
        .replace(" pm", "pm")
        .replace(',', " ");
    let (words, time) = time_of_day_at_the_end(joined.split_whitespace().collect())?;
    let (at, day_only, last_year) = said_in_words(&words, time, now)?;
    if at > now {
        return Err("that is in the future".into());
    }
    Ok((within_a_century(at, now)?, day_only, last_year))
}

/// A date or time written out (2026-11-18, 2026-11-18 14:30, 2026-11-18T14:30:00Z), not
/// after now: the instant and whether it is a day without a time; `None` for any other
/// answer.
fn written_out(
    text: &str,
    now: DateTime<FixedOffset>,
) -> Result<Option<(DateTime<FixedOffset>, bool)>, String> {
    // A written-out date or time without an offset is in the person's own time zone.
    let t = text.trim();
    let naive = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .map(|n| (n, false))
    .or_else(|| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .map(|d| (d.and_time(NaiveTime::MIN), true))
    });
    if let Some((n, day_only)) = naive {
        let dt = in_local_zone(n, now)?;
        if dt > now {
            return Err("that is in the future".into());
        }
        return Ok(Some((within_a_century(dt, now)?, day_only)));
    }
    if let Ok(dt) = parse_timestamp(t, now.offset()) {
        // A written-out date is held to the same rule as "3 days ago": not after now.
        if dt > now {
            return Err("that is in the future".into());
        }
        let day_only = NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok();
        return Ok(Some((within_a_century(dt, now)?, day_only)));
    }
    Ok(None)
}

/// An optional time of day at the end of the words: "yesterday 14:30", "today at 9:15",
/// "yesterday 2pm"; a time alone ("8am") is today. The words that say the day, and the time.
fn time_of_day_at_the_end(words: Vec<&str>) -> Result<(Vec<&str>, Option<NaiveTime>), String> {
    let is_time = |t: &str| t.contains(':') || t.ends_with("am") || t.ends_with("pm");
    Ok(match words.as_slice() {
        [t] if is_time(t) => (vec!["today"], Some(parse_time_of_day(t)?)),
        ["at", t] if is_time(t) => (vec!["today"], Some(parse_time_of_day(t)?)),
        [rest @ .., "at", t] | [rest @ .., t] if !rest.is_empty() && is_time(t) => {
            (rest.to_vec(), Some(parse_time_of_day(t)?))
        }
        _ => (words, None),
    })
}

/// A day said in words ("today", "2", "3 days ago", "5 hours ago", "Tuesday", "18 Nov"), at
/// `time` when one was given, else at its start: the instant, whether it is a day without a
/// time, and whether a day and month without a year was taken as last year's.
fn said_in_words(
    words: &[&str],
    time: Option<NaiveTime>,
    now: DateTime<FixedOffset>,
) -> Result<(DateTime<FixedOffset>, bool, bool), String> {
    let on = |date: NaiveDate| on_day(date, time, now);
    let today = now.date_naive();
    let mut day_only = time.is_none();
    let mut last_year = false;
    let at = match words {
        // Said back as what it is, not as a word not understood.
        ["tomorrow", ..] | ["next", ..] => return Err("that is in the future".into()),
        // A number alone is a number of days ago ("2": two days ago), the quickest answer
        // for the usual first days. Only up to two months: a larger number alone is more
        // likely a mistyped date than a count of days.
        [n] if n.chars().all(|c| c.is_ascii_digit()) => {
            let n: i64 = n
                .parse()
                .ok()
                .filter(|n| *n <= BARE_DAYS)
                .ok_or_else(|| {
                    format!("a number alone is days ago, up to {BARE_DAYS}: write \"{n} days ago\" or a date (18 Nov)")
                })?;
            on(days_before(today, n)?)?
        }
        ["today"] | ["this", "morning"] => on(today)?,
        ["yesterday"] => on(today.pred_opt().ok_or("date out of range")?)?,
        [n, unit, "ago"] => {
            let (at, whole_day) = units_ago(n, unit, time, now)?;
            day_only = whole_day;
            at
        }
        [w] | ["last", w] if weekday(w).is_some() => {
            let wd = weekday(w).ok_or("not a weekday")?;
            on(last_weekday_before(wd, today)?)?
        }
        other => match day_and_month(other, today)? {
            Some((d, moved_back)) => {
                last_year = moved_back;
                on(d)?
            }
            None => {
                return Err(
                    "not understood: try \"today\", \"yesterday\", \"3\" (days ago), \"Tuesday\", \"18 Nov\" or 2026-11-18".into(),
                )
            }
        },
    };
    Ok((at, day_only, last_year))
}

/// "3 days ago", "2 weeks ago" (at `time` on that day when one was given, else its start),
/// "5 hours ago" (which takes no time of day): the instant, and whether it is a day without a
/// time.
fn units_ago(
    n: &str,
    unit: &str,
    time: Option<NaiveTime>,
    now: DateTime<FixedOffset>,
) -> Result<(DateTime<FixedOffset>, bool), String> {
    let n: i64 = word_number(n).ok_or_else(|| format!("{:?} is not a number", excerpt(n)))?;
    if !(0..=36_525).contains(&n) {
        return Err(format!("{n} is out of range"));
    }
    let days = match unit.trim_end_matches('s') {
        "hour" | "hr" | "h" if time.is_none() => {
            let at = now
                .checked_sub_signed(Duration::hours(n))
                .ok_or("date out of range")?;
            return Ok((at, false));
        }
        "day" | "d" => n,
        "week" | "wk" | "w" => 7 * n,
        _ => {
            return Err(format!(
                "{:?} is not a unit: say hours, days or weeks",
                excerpt(unit)
            ))
        }
    };
    let at = on_day(days_before(now.date_naive(), days)?, time, now)?;
    Ok((at, time.is_none()))
}

/// The last `day_of_week` before `today`: a treatment today is "today", not "Tuesday".
fn last_weekday_before(
    day_of_week: chrono::Weekday,
    today: NaiveDate,
) -> Result<NaiveDate, String> {
    let mut d = today.pred_opt().ok_or("date out of range")?;
    while chrono::Datelike::weekday(&d) != day_of_week {
        d = d.pred_opt().ok_or("date out of range")?;
    }
    Ok(d)
}

/// A day at `time`, or at its start when no time was given, in the person's own time zone.
fn on_day(
    date: NaiveDate,
    time: Option<NaiveTime>,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, String> {
    in_local_zone(date.and_time(time.unwrap_or(NaiveTime::MIN)), now)
}

/// The most days a number alone can mean (see `said_in_words`).
const BARE_DAYS: i64 = 60;

/// The same limit as a number of days (`--day`, `days_since_treatment`): no treatment is
/// more than a century ago, and a time that far is a typing mistake.
fn within_a_century(
    t: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, String> {
    let most = crate::input::MAX_DAYS;
    if days_between(t, now) > most {
        return Err(format!(
            "that is more than a century ({most} days) ago; check the date"
        ));
    }
    Ok(t)
}

/// `n` days before `date`, or an error at the edge of the calendar (an extreme `--now`).
fn days_before(date: NaiveDate, n: i64) -> Result<NaiveDate, String> {
    date.checked_sub_signed(Duration::days(n))
        .ok_or_else(|| "date out of range".to_string())
}

fn parse_time_of_day(t: &str) -> Result<NaiveTime, String> {
    let bad = || format!("{:?} is not a time of day (use 14:30 or 2pm)", excerpt(t));
    let (clock, half) = match (t.strip_suffix("am"), t.strip_suffix("pm")) {
        (Some(c), _) => (c, Some(0)),
        (_, Some(c)) => (c, Some(12)),
        _ => (t, None),
    };
    let (h, m) = match clock.split_once(':') {
        Some((h, m)) => (h, m),
        None if half.is_some() => (clock, "00"),
        None => return Err(bad()),
    };
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m.to_string().len() > 2 || m > 59 {
        return Err(bad());
    }
    let h = match half {
        // 12am is midnight, 12pm noon.
        Some(add) if (1..=12).contains(&h) => h % 12 + add,
        Some(_) => return Err(bad()),
        None if h < 24 => h,
        None => return Err(bad()),
    };
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// "tuesday", "tue" as a weekday.
fn weekday(w: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    let all = [
        ("monday", Mon),
        ("tuesday", Tue),
        ("wednesday", Wed),
        ("thursday", Thu),
        ("friday", Fri),
        ("saturday", Sat),
        ("sunday", Sun),
    ];
    all.iter()
        .find(|(name, _)| w.len() >= 3 && name.starts_with(w))
        .map(|(_, d)| *d)
}

/// "nov" or "november" as a month number.
fn month(w: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .position(|m| w.len() >= 3 && m.starts_with(w.trim_end_matches('.')))
        .map(|i| i as u32 + 1)
}

/// "18 nov", "nov 18", "18 november 2026", "the 18th of november": the date, in the given
/// year or else the last one not after today; true when it was moved to last year.
fn day_and_month(words: &[&str], today: NaiveDate) -> Result<Option<(NaiveDate, bool)>, String> {
    let words: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !matches!(*w, "the" | "of" | "on"))
        .collect();
    let day = |w: &str| -> Option<u32> {
        w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .ok()
            .filter(|d| (1..=31).contains(d))
    };
    let (d, m, year) = match words.as_slice() {
        [a, b] => match (day(a), month(b), month(a), day(b)) {
            (Some(d), Some(m), _, _) | (_, _, Some(m), Some(d)) => (d, m, None),
            _ => return Ok(None),
        },
        [a, b, y] => match (day(a), month(b), month(a), day(b), y.parse::<i32>().ok()) {
            (Some(d), Some(m), _, _, Some(y)) | (_, _, Some(m), Some(d), Some(y)) => {
                (d, m, Some(y))
            }
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    let date = |y: i32| NaiveDate::from_ymd_opt(y, m, d);
    let year_now = chrono::Datelike::year(&today);
    match year {
        Some(y) => date(y)
            .map(|d| Some((d, false)))
            .ok_or_else(|| format!("there is no day {d} in that month")),
        None => match date(year_now) {
            Some(this) if this <= today => Ok(Some((this, false))),
            // 29 Feb in a year without one is not "still to come": there is none this year.
            this => date(year_now - 1)
                .map(|d| Some((d, this.is_some())))
                .ok_or_else(|| format!("there is no day {d} in that month")),
        },
    }
}

/// A date of numbers only that reads two ways ("03/04": 3 April or 4 March): refused with
/// the reason rather than guessed.
fn ambiguous_numeric_date(t: &str) -> Option<String> {
    let parts: Vec<&str> = t.split(['/', '.']).collect();
    if parts.len() < 2
        || parts.len() > 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let (a, b): (u32, u32) = (parts[0].parse().ok()?, parts[1].parse().ok()?);
    Some(if a <= 12 && b <= 12 && a != b {
        format!(
            "{:?} could be day {a} of month {b} or day {b} of month {a}: write the month as a word (\"{a} Nov\") or 2026-11-18",
            excerpt(t)
        )
    } else {
        format!(
            "{:?}: write the month as a word (\"18 Nov\") or 2026-11-18",
            excerpt(t)
        )
    })
}

fn word_number(w: &str) -> Option<i64> {
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    match w {
        "a" | "an" => Some(1),
        _ => w
            .parse()
            .ok()
            .or_else(|| WORDS.iter().position(|x| *x == w).map(|i| i as i64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-21T09:00:00+01:00").unwrap()
    }

    #[test]
    fn reads_script_timestamps() {
        let off = now().offset().to_owned();
        let t = parse_timestamp("2026-11-18T14:30:00Z", &off).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-18T14:30:00+00:00");
        let t = parse_timestamp("2026-11-18", &off).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-18T00:00:00+01:00");
        let t = parse_timestamp("2026-11-18 14:30", &off).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-18T14:30:00+01:00");
        assert!(parse_timestamp("18/11/2026", &off).is_err());
        assert!(parse_timestamp("2026-02-30", &off).is_err());
        assert!(parse_timestamp("", &off).is_err());
    }

    #[test]
    fn reads_dates_as_people_say_them() {
        // now: Saturday 21 Nov 2026, 09:00 +01:00
        let n = now();
        let at = |s: &str| {
            parse_typed(s, n)
                .unwrap()
                .format("%Y-%m-%d %H:%M")
                .to_string()
        };
        assert_eq!(at("18 Nov"), "2026-11-18 00:00");
        assert_eq!(at("Nov 18"), "2026-11-18 00:00");
        assert_eq!(at("18th November 2026"), "2026-11-18 00:00");
        assert_eq!(at("25 Dec"), "2025-12-25 00:00");
        assert_eq!(at("Tuesday"), "2026-11-17 00:00");
        assert_eq!(at("last sat"), "2026-11-14 00:00");
        assert_eq!(at("yesterday 2pm"), "2026-11-20 14:00");
        assert_eq!(at("yesterday 2 pm"), "2026-11-20 14:00");
        assert_eq!(at("8am"), "2026-11-21 08:00");
        assert_eq!(at("yesterday at 12am"), "2026-11-20 00:00");
        assert_eq!(at("twelve days ago"), "2026-11-09 00:00");
        let refused = |s: &str| parse_typed(s, n).unwrap_err();
        assert!(refused("03/04").contains("day 3 of month 4 or day 4 of month 3"));
        assert!(refused("18/11").contains("month as a word"));
        assert!(refused("10am").contains("future"));
        assert!(refused("31 Feb 2026").contains("no day 31"));
        assert!(refused("13pm").contains("not a time"));
    }

    #[test]
    fn reads_typed_answers() {
        let n = now();
        let days = |s: &str| days_between(parse_typed(s, n).unwrap(), n);
        assert_eq!(days("today"), 9.0 / 24.0);
        assert_eq!(days("yesterday"), 1.0 + 9.0 / 24.0);
        assert_eq!(days("3 days ago"), 3.0 + 9.0 / 24.0);
        assert_eq!(days("three days ago"), 3.0 + 9.0 / 24.0);
        assert_eq!(days("1 week ago"), 7.0 + 9.0 / 24.0);
        assert_eq!(days("5 hours ago"), 5.0 / 24.0);
        assert_eq!(days("yesterday 21:00"), 0.5);
        assert_eq!(days("2026-11-18"), 3.0 + 9.0 / 24.0);
        // A number alone is days ago, the whole of that day.
        assert_eq!(days("2"), 2.0 + 9.0 / 24.0);
        assert_eq!(days("0"), 9.0 / 24.0);
        assert_eq!(days(" 60 "), 60.0 + 9.0 / 24.0);
        assert!(parse_typed("61", n)
            .unwrap_err()
            .contains("days ago, up to 60"));
        assert!(parse_typed("99999999999999999999", n).is_err());
        assert_eq!(parse_typed_span("2", n), parse_typed_span("2 days ago", n));
        assert!(parse_typed("tomorrow", n).is_err());
        assert!(parse_typed("today 23:00", n).is_err());
        assert!(parse_typed("3 fortnights ago", n).is_err());
        assert!(parse_typed("99999999999 days ago", n).is_err());
        assert!(parse_typed("2026-11-22", n).is_err());
    }

    #[test]
    fn a_date_that_may_be_a_slip_is_checked() {
        // now: Saturday 21 Nov 2026
        let n = now();
        let look = |s: &str| second_look(s, n);
        assert_eq!(
            look("1 Dec").as_deref(),
            Some("1 Dec this year is still to come, so this reads as last year (Mon 1 Dec 2025, 355 days ago)")
        );
        assert_eq!(
            look("2026-08-01").as_deref(),
            Some("that is 112 days ago (Sat 1 Aug 2026)")
        );
        assert!(look("100 days ago").is_some());
        assert!(look("9 weeks ago").is_some());
        // Within about two months there is nothing to check.
        for fine in ["2", "yesterday 2pm", "18 Nov", "60 days ago", "1 Oct 2026"] {
            assert_eq!(look(fine), None, "{fine}");
        }
        // A year given is not moved, but that far back it is still checked.
        assert_eq!(
            look("1 Dec 2025").as_deref(),
            Some("that is 355 days ago (Mon 1 Dec 2025)")
        );
        assert!(look("61 days ago").is_some());
        // Not read at all: nothing to look at twice (the refusal says why).
        assert_eq!(look("tomorrow"), None);
        assert_eq!(
            parse_typed("tomorrow", n),
            Err("that is in the future".into())
        );
        assert_eq!(
            parse_typed("tomorrow 9am", n),
            Err("that is in the future".into())
        );
        assert_eq!(
            parse_typed("next tuesday", n),
            Err("that is in the future".into())
        );
    }

    #[test]
    fn a_day_without_a_time_stays_a_span_in_the_careful_direction() {
        let n = now();
        // "3 days ago" is the whole of that day: the triage reads its start (the longest
        // time since the treatment), the advice its end (no restriction lifted early).
        let (early, late) = parse_typed_span("3 days ago", n).unwrap();
        assert_eq!(early.to_rfc3339(), "2026-11-18T00:00:00+01:00");
        assert_eq!(late.to_rfc3339(), "2026-11-18T23:59:59+01:00");
        // "yesterday 2pm" is one instant, 19 hours ago: day 0 counted in hours.
        let (early, late) = parse_typed_span("yesterday 2pm", n).unwrap();
        assert_eq!(early, late);
        assert_eq!(days_between(early, n), 19.0 / 24.0);
    }

    #[test]
    fn case_times_need_an_offset_with_a_time_of_day() {
        let off = now().offset().to_owned();
        let (a, b) = parse_case_time("2026-11-18T14:30:00Z", &off).unwrap();
        assert_eq!(a, b);
        let (a, b) = parse_case_time("2026-11-18", &off).unwrap();
        assert_eq!(a.to_rfc3339(), "2026-11-18T00:00:00+01:00");
        assert_eq!(b.to_rfc3339(), "2026-11-18T23:59:59.999+01:00");
        for naive in [
            "2026-11-18T14:30",
            "2026-11-18 14:30",
            "2026-11-18T14:30:00",
        ] {
            let e = parse_case_time(naive, &off).unwrap_err();
            assert!(e.contains("offset"), "{naive}: {e}");
        }
        assert!(parse_case_time("18/11/2026", &off).is_err());
    }

    #[test]
    fn fractions_of_a_second_count() {
        let a = DateTime::parse_from_rfc3339("2026-11-20T20:59:59.5Z").unwrap();
        let b = DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap();
        assert!(days_between(a, b) > 0.5);
    }

    #[test]
    fn the_edges_of_the_calendar_are_an_error_not_a_panic() {
        let edges = [
            DateTime::<chrono::Utc>::MIN_UTC + Duration::days(1),
            DateTime::<chrono::Utc>::MAX_UTC - Duration::hours(12),
        ];
        for edge in edges {
            let n = edge.fixed_offset();
            for typed in [
                "3 days ago",
                "30 hours ago",
                "today",
                "2 weeks ago",
                "yesterday",
            ] {
                // Returning at all is the first half: no panic on any of them.
                let _ = parse_typed_span(typed, n);
            }
        }
        // The second half: a time before the calendar begins is an error, said as one.
        let first_day = edges[0].fixed_offset();
        for before_the_calendar in ["3 days ago", "30 hours ago", "2 weeks ago"] {
            assert!(
                parse_typed_span(before_the_calendar, first_day).is_err(),
                "{before_the_calendar}"
            );
        }
        // Near the end of the calendar, a time in the past is still read.
        let last_day = edges[1].fixed_offset();
        for in_the_past in ["3 days ago", "30 hours ago", "2 weeks ago"] {
            assert!(
                parse_typed_span(in_the_past, last_day).is_ok(),
                "{in_the_past}"
            );
        }
    }

    #[test]
    fn a_day_without_a_time_spans_the_day() {
        let n = now();
        let (early, late) = parse_typed_span("yesterday", n).unwrap();
        assert_eq!(days_between(early, n), 1.0 + 9.0 / 24.0);
        assert_eq!(late.to_rfc3339(), "2026-11-20T23:59:59+01:00");
        // Today's span ends now, not at midnight.
        let (_, late) = parse_typed_span("today", n).unwrap();
        assert_eq!(late, n);
        let (early, late) = parse_typed_span("yesterday 14:30", n).unwrap();
        assert_eq!(early, late);
        let (early, late) = parse_typed_span("5 hours ago", n).unwrap();
        assert_eq!(early, late);
        let (early, late) = parse_typed_span("2026-11-18", n).unwrap();
        assert_eq!(days_between(early, late), 1.0 - 1.0 / 86_400.0);
    }

    #[test]
    fn a_typed_date_after_now_is_refused() {
        // Found by fuzzing: a written-out date skipped the check that "3 days ago" gets, and
        // `advice --treated` then gave advice for a negative day.
        let n = now();
        for text in [
            "2026-11-22",
            "2026-11-21T10:00",
            "2026-11-21 09:00:01+01:00",
        ] {
            assert_eq!(
                parse_typed(text, n),
                Err("that is in the future".to_string()),
                "{text}"
            );
        }
        assert!(
            parse_typed("2026-11-21T09:00", n).is_ok(),
            "now itself is not the future"
        );
    }

    #[test]
    fn typed_dates_keep_their_upper_case_forms() {
        // Found with the date fuzzer: lower-casing the answer first broke "T" and "Z".
        let n = now();
        let t = parse_typed("2026-11-18T14:30:00Z", n).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-18T14:30:00+00:00");
        let t = parse_typed(" 2026-11-18T14:30 ", n).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-18T14:30:00+01:00");
    }

    #[test]
    fn a_leap_second_only_where_one_can_exist() {
        let utc = FixedOffset::east_opt(0).unwrap();
        for real in [
            "2016-12-31T23:59:60Z",
            "2015-06-30T23:59:60Z",
            "2016-12-31T18:59:60-05:00",
        ] {
            let t = parse_timestamp(real, &utc).unwrap_or_else(|e| panic!("{real}: {e}"));
            assert_eq!(parse_case_time(real, &utc).unwrap(), (t, t));
        }
        for wrong in [
            "2026-11-18T14:59:60Z",
            "2026-12-31T22:59:60Z",
            "2026-12-30T23:59:60Z",
            "2026-06-30T23:59:60+01:00",
            "2026-11-18T14:59:60",
            "2026-11-18 14:59:60",
        ] {
            let e = parse_timestamp(wrong, &utc).unwrap_err();
            assert!(e.starts_with("a leap second (:60) is only"), "{wrong}: {e}");
        }
    }

    #[test]
    fn a_typed_treatment_time_obeys_the_century_limit() {
        let e = parse_typed_span("5219 weeks ago", now()).unwrap_err();
        assert!(e.contains("more than a century"), "{e}");
        let e = parse_typed_span("1900-01-01", now()).unwrap_err();
        assert!(e.contains("more than a century"), "{e}");
        assert!(parse_typed_span("5217 weeks ago", now()).is_ok());
        assert!(parse_typed_span("36524 days ago", now()).is_ok());
    }
}
