//! "Can I wear makeup / exercise / use my retinol today?": the aftercare for one day, what has
//! already stopped applying, what stops or starts soon, and what normally happens next.

use serde::Serialize;

use crate::evaluate::{advice_for_day, reaction_course, upcoming_advice_changes};
use crate::model::{fmt_day, AdviceItem, RuleSetId};
use crate::output::text::{wrap, Style};
use crate::rules::RuleSet;

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
    /// What applies today.
    pub today: Vec<AdviceItem>,
    /// Restrictions that no longer apply, with what applies instead.
    pub no_longer: Vec<String>,
    /// What stops or starts in the coming week.
    pub coming_up: Vec<String>,
    /// What the expected reactions normally do from here.
    pub expect_next: Vec<String>,
    pub rule_set: RuleSetId,
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

/// The advice for `day`, optionally for one topic only (already checked to exist).
pub fn day_advice(rules: &RuleSet, day: f64, topic: Option<&str>) -> DayAdvice {
    let wanted = |t: &str| topic.is_none_or(|w| w == t);
    let today = advice_for_day(rules, day)
        .into_iter()
        .filter(|a| wanted(&a.topic))
        .collect();
    let no_longer = rules
        .advice
        .iter()
        .filter(|a| wanted(&a.topic))
        .filter_map(|a| {
            let until = a.until_day?;
            (until < day).then(|| match &a.then {
                Some(then) => format!("Since day {}: {}", fmt_day(until), then),
                None => format!(
                    "Since day {}, this no longer applies: {}",
                    fmt_day(until),
                    a.text
                ),
            })
        })
        .collect();
    let coming_up = upcoming_advice_changes(rules.advice.iter().filter(|a| wanted(&a.topic)), day);
    let expect_next = if topic.is_none() {
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
        today,
        no_longer,
        coming_up,
        expect_next,
        rule_set: rules.id(),
    }
}

/// The advice when the treatment time is a span (a day without its time): counted from the
/// latest the treatment can have been, so that nothing is allowed too early, and headed with
/// the calendar day since the treatment day.
pub fn advice_since(
    rules: &RuleSet,
    (earliest, latest): crate::when::Span,
    now: chrono::DateTime<chrono::FixedOffset>,
    topic: Option<&str>,
) -> DayAdvice {
    let mut a = day_advice(rules, crate::when::days_between(latest, now), topic);
    let calendar_day = (now.date_naive() - earliest.date_naive()).num_days();
    // Only a day without a time is counted from its end; a time given is exact.
    if earliest != latest && calendar_day != a.day_number {
        a.day_number = calendar_day;
        a.note = Some(
            "Without the time of the treatment, this advice counts from the end of that day, so that nothing is allowed too early.".into(),
        );
    }
    a
}

pub fn render_text(a: &DayAdvice, style: Style) -> String {
    let mut out = if a.day_number < 1 {
        "Aftercare on the day of the treatment (day 0)\n".to_string()
    } else {
        format!("Aftercare on day {} after the treatment\n", a.day_number)
    };
    if let Some(note) = &a.note {
        out.push_str(&wrap(note, style.width, "", ""));
    }
    let mut section = |title: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        out.push('\n');
        out.push_str(title);
        out.push('\n');
        for item in items {
            out.push_str(&wrap(&item, style.width, "  - ", "    "));
        }
    };
    section(
        "Today",
        a.today
            .iter()
            .map(|i| match i.until_day {
                Some(until) => format!("{} (until day {})", i.text, fmt_day(until)),
                None => i.text.clone(),
            })
            .collect(),
    );
    section("No longer needed", a.no_longer.clone());
    section("Coming up", a.coming_up.clone());
    section("What to expect", a.expect_next.clone());
    out.push_str(&format!(
        "\nRule set: {} {}\n",
        a.rule_set.name, a.rule_set.version
    ));
    out
}
