//! "Can I wear makeup / exercise / use my retinol today?": the aftercare for one day, what has
//! already stopped applying, what stops or starts soon, and what normally happens next.

use serde::Serialize;

use crate::output::text::{safety_net_text, wrap, Style};
use aftercare_core::day_words::Clock;
use aftercare_core::evaluate::{advice_for_day, reaction_course};
use aftercare_core::model::{AdviceItem, RuleSetId};
use aftercare_core::rules::advice_words::{answer, coming_up, safety_net, since};
use aftercare_core::rules::RuleSet;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayAdvice {
    /// The time the advice is for; with a treatment date but no time of day, the latest it
    /// can be, so that no restriction is lifted early.
    pub days_since_treatment: f64,
    /// The day as people count it: the calendar day since the treatment day (day 0).
    pub day_number: i64,
    /// Set when the time of day of the treatment was not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What applies today: the "do"s and the "don't"s that are running.
    pub today: Vec<AdviceItem>,
    /// The treatment's instant, when its time of day is known: restrictions then end at a
    /// clock time ("until Tue 24 Nov, 14:30"), and a day number says which hours it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub treated_at: Option<String>,
    /// For each topic asked (`--topic`), a short answer for today: "yes", "not yet, until
    /// …", "no".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<String>,
    /// What applies from now on where a topic's advice has ended ("since day 7: exercise as
    /// usual"): advice that continues, never said to have stopped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub continuing: Vec<String>,
    /// What stops or starts in the coming week.
    pub coming_up: Vec<String>,
    /// What the expected reactions normally do from here.
    pub expect_next: Vec<String>,
    pub rule_set: RuleSetId,
    /// The warning signs and how to reach the clinic: a person who reads only the aftercare
    /// must still learn when to call. Last, as on the page.
    pub safety_net: Vec<String>,
    /// How moments are said: clock times when the treatment time is known.
    #[serde(skip)]
    clock: Clock,
}

/// The advice topics a rule set knows, in file order.
pub fn topics(rules: &RuleSet) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for a in &rules.advice {
        if !seen.contains(&a.topic.as_str()) {
            seen.push(&a.topic);
        }
    }
    seen
}

/// The topics a person's word is about: a topic's own name, or a word of its advice
/// ("retinol", "sauna", "swimming", "ibuprofen"), or a common word for it ("gym",
/// "make-up", "spf"). Empty when nothing in the aftercare speaks of it.
pub fn topics_for(rules: &RuleSet, word: &str) -> Vec<String> {
    let w = word.trim().to_lowercase().replace(['-', '_'], " ");
    if w.chars().count() < 2 || w.chars().count() > 40 {
        return Vec::new();
    }
    // Words people use that the advice texts do not contain.
    const SAYINGS: [(&str, &str); 14] = [
        ("gym", "exercise"),
        ("workout", "exercise"),
        ("running", "exercise"),
        ("sport", "exercise"),
        ("make up", "makeup"),
        ("foundation", "makeup"),
        ("spf", "sunscreen"),
        ("sunblock", "sunscreen"),
        ("sunbathing", "sun"),
        ("tanning", "sun"),
        ("swim", "sauna_and_pools"),
        ("pool", "sauna_and_pools"),
        ("hot tub", "sauna_and_pools"),
        ("retin a", "active_products"),
    ];
    let mut out: Vec<String> = Vec::new();
    let add = |out: &mut Vec<String>, t: &str| {
        if rules.advice.iter().any(|a| a.topic == t) && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    };
    for (say, topic) in SAYINGS {
        if w == say {
            add(&mut out, topic);
        }
    }
    for a in &rules.advice {
        if a.topic.replace('_', " ") == w || a.id.replace('_', " ") == w {
            add(&mut out, &a.topic);
        }
    }
    if out.is_empty() {
        // A word of the advice's own text, whole words only ("sun" is not "sunscreen").
        let is_word = |text: &str| {
            let t = text
                .to_lowercase()
                .replace(['-', '/', ',', '.', '(', ')'], " ");
            let t: Vec<&str> = t.split_whitespace().collect();
            let ws: Vec<&str> = w.split_whitespace().collect();
            t.windows(ws.len()).any(|win| win == ws.as_slice())
        };
        for a in &rules.advice {
            if is_word(&a.text) {
                add(&mut out, &a.topic);
            }
        }
    }
    out
}

/// The advice for `day`, for the topics given (already found with [`topics_for`]), or all.
pub fn day_advice(rules: &RuleSet, day: f64, topics: &[String]) -> DayAdvice {
    advice_on(rules, day, topics, Clock::Days)
}

fn advice_on(rules: &RuleSet, day: f64, topics: &[String], clock: Clock) -> DayAdvice {
    let wanted = |t: &str| topics.is_empty() || topics.iter().any(|w| w == t);
    let today = advice_for_day(rules, day)
        .into_iter()
        .filter(|a| wanted(&a.topic))
        .collect();
    let continuing = self::topics(rules)
        .into_iter()
        .filter(|t| wanted(t))
        .filter_map(|t| since(rules, t, day, clock))
        .collect();
    let answers = topics
        .iter()
        .map(|t| answer(rules, t, day, clock))
        .collect();
    let coming_up = coming_up(rules, day, clock, &wanted);
    let expect_next = if topics.is_empty() {
        rules
            .reactions
            .iter()
            .filter(|r| day <= r.normal_until)
            .map(reaction_course)
            .collect()
    } else {
        Vec::new()
    };
    DayAdvice {
        days_since_treatment: day,
        day_number: day.floor() as i64,
        note: None,
        treated_at: None,
        answers,
        continuing,
        today,
        coming_up,
        expect_next,
        rule_set: rules.id(),
        safety_net: safety_net(rules),
        clock,
    }
}

/// The advice when the treatment time is a span (a day without its time): counted from the
/// latest the treatment can have been, so that nothing is allowed too early, and headed with
/// the calendar day since the treatment day.
pub fn advice_since(
    rules: &RuleSet,
    (earliest, latest): aftercare_core::when::Span,
    now: chrono::DateTime<chrono::FixedOffset>,
    topic: &[String],
) -> DayAdvice {
    let mut a = advice_on(
        rules,
        aftercare_core::when::days_between(latest, now),
        topic,
        Clock::From(latest),
    );
    let calendar_day = (now.date_naive() - earliest.date_naive()).num_days();
    if earliest == latest {
        a.treated_at = Some(earliest.to_rfc3339());
    }
    // Only a day without a time is counted from its end; a time given is exact.
    if earliest != latest && calendar_day != a.day_number {
        a.day_number = calendar_day;
        a.note = Some(
            "Without the time of the treatment, this advice counts from the end of that day, so that nothing is allowed too early.".into(),
        );
    }
    a
}

/// When the advice is for, as a person or a program gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AdviceWhen<'a> {
    /// Days since the treatment (0 = the treatment day).
    Day(f64),
    /// When the treatment was, as typed: "2026-11-18 14:30", "3 days ago", "yesterday".
    Treated(&'a str),
}

/// The advice asked for by `advice` and by `serve`'s `/v1/advice`: the topic and the time
/// checked, then the advice. An error names the field (`topic`, `day`, `treated`).
pub fn advice_for(
    rules: &RuleSet,
    when: AdviceWhen<'_>,
    asked: &[String],
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<DayAdvice, aftercare_core::input::InputError> {
    use aftercare_core::input::{InputError, MAX_DAYS};
    // Each word asked names one or more topics, in a person's words ("gym", "vitamin C").
    let mut chosen: Vec<String> = Vec::new();
    for t in asked {
        let found = topics_for(rules, t);
        if found.is_empty() {
            return Err(InputError::new(
                "topic",
                format!(
                    "nothing in the aftercare about {:?} (try: {})",
                    t.chars()
                        .filter(|&c| !aftercare_core::unsafe_chars::is_unsafe(c))
                        .collect::<String>(),
                    topics(rules).join(", ")
                ),
            ));
        }
        for f in found {
            if !chosen.contains(&f) {
                chosen.push(f);
            }
        }
    }
    match when {
        AdviceWhen::Day(d) => {
            if !d.is_finite() || !(0.0..=MAX_DAYS).contains(&d) {
                return Err(InputError::new(
                    "day",
                    format!("{d} is not a number of days since the treatment (0 to {MAX_DAYS})"),
                ));
            }
            Ok(day_advice(rules, d, &chosen))
        }
        AdviceWhen::Treated(text) => {
            let span = aftercare_core::when::parse_typed_span(text, now)
                .map_err(|m| InputError::new("treated", format!("{m}: {text:?}")))?;
            Ok(advice_since(rules, span, now, &chosen))
        }
    }
}

pub fn render_text(a: &DayAdvice, style: Style) -> String {
    let treated = a
        .treated_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let at = |days: f64| {
        treated.and_then(|t| {
            t.checked_add_signed(chrono::Duration::seconds((days * 86_400.0).round() as i64))
        })
    };
    let clock = |t: chrono::DateTime<chrono::FixedOffset>| t.format("%a %-d %b, %H:%M").to_string();
    let mut out = if a.day_number < 1 {
        "Aftercare on the day of the treatment (day 0)".to_string()
    } else {
        format!("Aftercare on day {} after the treatment", a.day_number)
    };
    // Which hours the day number is, when the treatment time is known: day 1 runs from 24
    // to 48 hours after it, not from midnight.
    if let (Some(from), Some(to)) = (at(a.day_number as f64), at(a.day_number as f64 + 1.0)) {
        out = wrap(
            &format!("{out} (from {} to {})", clock(from), clock(to)),
            style.width,
            "",
            "",
        );
    } else {
        out.push('\n');
    }
    if let Some(note) = &a.note {
        out.push_str(&wrap(note, style.width, "", ""));
    }
    let mut section = |title: &str, items: &[String]| {
        crate::output::text::titled_list(&mut out, title, items, style, false)
    };
    section("In short", &a.answers);
    section(
        "Today",
        &a.today
            .iter()
            .map(|i| match i.until_day {
                Some(until) => format!("{} (until {})", i.text, a.clock.words(until)),
                None => i.text.clone(),
            })
            .collect::<Vec<_>>(),
    );
    section("From now on", &a.continuing);
    section("Coming up", &a.coming_up);
    section("What to expect", &a.expect_next);
    out.push_str(&format!(
        "\nRule set: {} {}\n",
        a.rule_set.name, a.rule_set.version
    ));
    out.push_str(&safety_net_text(&a.safety_net, style));
    out
}
