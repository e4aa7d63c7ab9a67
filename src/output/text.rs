//! The report a person reads: what to do first, then why, then aftercare and the safety net.
//! Words carry the meaning; colour, when on, only repeats what the words say.

use colored::Colorize;

use crate::model::{fmt_day, Assessment, Disposition, FindingKind};
use crate::rules::advice_words::Clock;
use crate::rules::RuleSet;

/// Colour on or off, and the width to wrap at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Style {
    pub fn plain() -> Self {
        Style {
            color: false,
            width: 80,
        }
    }
}

/// The heading of a disposition, coloured by urgency when colour is on.
pub fn heading(d: Disposition, label: &str, color: bool) -> String {
    let text = label.to_uppercase();
    if !color {
        return text;
    }
    match d {
        Disposition::CallEmergencyNow | Disposition::GoToEdNow => {
            text.white().on_red().bold().to_string()
        }
        Disposition::SeeToday => text.red().bold().to_string(),
        Disposition::SeeWithin3Days => text.yellow().bold().to_string(),
        Disposition::SeeWithin2Weeks => text.cyan().bold().to_string(),
        Disposition::HomeCare => text.green().bold().to_string(),
    }
}

/// Wraps `text` to `width` columns, the first line after `first`, the rest after `rest`.
/// Widths are display widths (a CJK character takes two columns, an accent none), and a
/// word is never cut in two.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = String::new();
    let mut line = String::from(first);
    let mut line_has_word = false;
    for word in text.split_whitespace() {
        let len = line.width();
        if line_has_word && len + 1 + word.width() > width.max(20) {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(rest);
            line_has_word = false;
        }
        if line_has_word {
            line.push(' ');
        }
        line.push_str(word);
        line_has_word = true;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

fn section(out: &mut String, title: &str, items: &[String], style: Style) {
    if items.is_empty() {
        return;
    }
    out.push('\n');
    out.push_str(&if style.color {
        title.bold().to_string()
    } else {
        title.to_string()
    });
    out.push('\n');
    for item in items {
        out.push_str(&wrap(item, style.width, "  - ", "    "));
    }
}

/// The heading of the safety net that ends every advice page and the advice of a result.
pub const SAFETY_NET_TITLE: &str = "Warning signs: when to get help";

/// The safety net as the last part of a page: its heading, then each line as an item.
pub fn safety_net_text(lines: &[String], style: Style) -> String {
    let mut out = String::from("\n");
    out.push_str(&if style.color {
        SAFETY_NET_TITLE.bold().to_string()
    } else {
        SAFETY_NET_TITLE.to_string()
    });
    out.push('\n');
    for line in lines {
        out.push_str(&wrap(line, style.width, "  - ", "    "));
    }
    out
}

/// The whole report for one case. What to do comes first and, so that it is what stays on
/// the screen when the report is long, again as the last lines. An emergency is the
/// instruction alone, with what to tell the operator: no advice, nothing to read first.
pub fn report_styled(a: &Assessment, rules: &RuleSet, style: Style) -> String {
    let mut out = String::new();
    let text = rules.disposition_text(a.disposition);
    let instruction = format!(
        "{}\n{}",
        heading(a.disposition, &text.label, style.color),
        wrap(&a.action, style.width, "", "")
    );
    if let Some(id) = &a.id {
        out.push_str(&format!("Case {}\n", super::escape::visible(id)));
    }
    out.push_str(&instruction);
    if a.disposition == Disposition::CallEmergencyNow {
        if let Some(tell) = &a.tell_operator {
            out.push_str(&wrap(
                &format!("Tell the operator: \"{tell}\""),
                style.width,
                "",
                "",
            ));
        }
        out.push_str(&format!(
            "(Rule set: {} {}.)\n",
            a.rule_set.name, a.rule_set.version
        ));
        out.push('\n');
        out.push_str(&instruction);
        return out;
    }
    match a.shortest_days_since_treatment {
        // No hours to give when the time of day is not known.
        Some(_) => out.push_str(&format!(
            "Day {} after the treatment (the time of day was not given).\n",
            fmt_day(a.days_since_treatment.floor())
        )),
        None => out.push_str(&day_line(a.days_since_treatment)),
    }

    let mut findings = Vec::new();
    for f in &a.findings {
        let who = match (&f.symptom, f.kind) {
            (_, FindingKind::RepeatContact) => "Repeat contact".to_string(),
            (Some(id), FindingKind::Combination | FindingKind::Cluster) => id
                .split('+')
                .map(|s| {
                    rules.symptom_text(s).map_or_else(
                        // A risk factor of a combination, by its own label.
                        || rules.risk_factor(s).map_or(s, |(_, f)| f.label.as_str()),
                        |t| t.label,
                    )
                })
                .collect::<Vec<_>>()
                .join(" with "),
            (Some(id), _) => rules
                .symptom_text(id)
                .map_or_else(|| id.clone(), |t| t.label.to_string()),
            (None, _) => String::new(),
        };
        let status = if f.disposition == Disposition::HomeCare {
            "normal for now".to_string()
        } else {
            rules.disposition_text(f.disposition).label.to_lowercase()
        };
        let mut line = format!("{who} [{status}]: {}.", capitalise(&f.reason));
        // Other rules that fired and matter (above home care) are said too: after day 90,
        // for instance, that the symptom is unlikely to come from the treatment.
        for also in f
            .also
            .iter()
            .filter(|h| h.disposition > Disposition::HomeCare)
        {
            line.push_str(&format!(" Also: {}.", also.reason));
        }
        findings.push(line);
    }
    if a.findings.is_empty() {
        findings.push("No symptoms reported.".into());
    }
    section(&mut out, "What we found", &findings, style);

    {
        let advice: Vec<String> = a
            .advice
            .iter()
            .map(|item| match item.until_day {
                Some(until) => format!("{} (until {})", item.text, Clock::Days.words(until)),
                None => item.text.clone(),
            })
            .collect();
        // Seen today: the safety net comes before any aftercare, so that what to do if it
        // gets worse is read first.
        let safety_first = a.disposition == Disposition::SeeToday;
        if safety_first {
            section(
                &mut out,
                "When to call back or get help",
                &a.call_back,
                style,
            );
        }
        section(&mut out, "Aftercare today", &advice, style);
        section(&mut out, "What to expect next", &a.expect_next, style);
        // Aftercare read on its own must still say when to call (clinical reference 1.2).
        if !a.advice.is_empty() {
            out.push_str(&safety_net_text(
                &crate::rules::advice_words::safety_net(rules),
                style,
            ));
        }
        if !safety_first {
            section(
                &mut out,
                "When to call back or get help",
                &a.call_back,
                style,
            );
        }
    }
    out.push_str(&format!(
        "\nRule set: {} {}\n",
        a.rule_set.name, a.rule_set.version
    ));
    out.push('\n');
    out.push_str(&instruction);
    out
}

/// "Day 2 after the treatment (2 days and 12 hours since it)." The hours only when they
/// say more than the day does.
pub fn day_line(days: f64) -> String {
    let day = fmt_day(days.floor());
    if days < 1.0 {
        format!("Day 0: the day of the treatment ({}).\n", day_words(days))
    } else if days.fract() == 0.0 {
        format!("Day {day} after the treatment.\n")
    } else {
        format!("Day {day} after the treatment ({}).\n", day_words(days))
    }
}

/// "5 hours since the treatment", "2 days and 3 hours since the treatment".
pub fn day_words(days: f64) -> String {
    // Whole hours gone, never rounded up past the day the heading names.
    let hours = (days * 24.0).floor() as i64;
    let (d, h) = (hours / 24, hours % 24);
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match (d, h) {
        (0, h) => format!("{} since the treatment", plural(h, "hour")),
        (d, 0) => format!("{} since the treatment", plural(d, "day")),
        (d, h) => format!(
            "{} and {} since the treatment",
            plural(d, "day"),
            plural(h, "hour")
        ),
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
