//! The report a person reads: what to do first, then why, then aftercare and the safety net.
//! Words carry the meaning; colour, when on, only repeats what the words say.

use colored::Colorize;

use aftercare_core::day_words::{self, day_number};
use aftercare_core::model::{Assessment, Disposition, FindingKind};
use aftercare_core::rules::RuleSet;

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

/// A titled list as every report for a person writes one (the check's report, the
/// questionnaire's result, the day's advice): a blank line, the title (bold when `bold`
/// and colour is on), then each item wrapped with its continuation lines under its first
/// word. Nothing at all for no items.
pub fn titled_list(out: &mut String, title: &str, items: &[String], style: Style, bold: bool) {
    let entries: Vec<Entry> = items.iter().cloned().map(Entry::Item).collect();
    write_section(out, title, &entries, Layout::ForAPerson { style, bold });
}

/// One entry of a report's section: a line of text, or an item of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Line(String),
    Item(String),
}

/// How a report lays out its sections. Every report is titled sections of entries: the
/// check's report, the patient's result, the day's advice and the nurse's note differ only
/// in this.
#[derive(Debug, Clone, Copy)]
pub enum Layout {
    /// A report for a person: the title (bold when `bold` and colour is on), items as
    /// "- " lines.
    ForAPerson { style: Style, bold: bool },
    /// The nurse's note for the chart, plain text to paste: the title flush left ("S
    /// Situation"), lines indented under it, items as "- " lines at the same indent.
    ChartNote { width: usize },
}

/// A section: a blank line, its title, then each entry wrapped, its continuation lines
/// under its first word. Nothing at all for no entries.
pub fn write_section(out: &mut String, title: &str, entries: &[Entry], layout: Layout) {
    if entries.is_empty() {
        return;
    }
    out.push('\n');
    let (width, line, item) = match layout {
        Layout::ForAPerson { style, bold } => {
            out.push_str(&if style.color && bold {
                title.bold().to_string()
            } else {
                title.to_string()
            });
            (style.width, ("  ", "  "), ("  - ", "    "))
        }
        Layout::ChartNote { width } => {
            out.push_str(title);
            (width, ("   ", "     "), ("   - ", "     "))
        }
    };
    out.push('\n');
    for entry in entries {
        let (text, (first, rest)) = match entry {
            Entry::Line(text) => (text, line),
            Entry::Item(text) => (text, item),
        };
        out.push_str(&wrap(text, width, first, rest));
    }
}

fn section(out: &mut String, title: &str, items: &[String], style: Style) {
    titled_list(out, title, items, style, true);
}

/// The heading of the safety net that ends every advice page and the advice of a result.
pub const SAFETY_NET_TITLE: &str = "Warning signs: when to get help";

/// The safety net as the last part of a page: its heading, then each line as an item.
pub fn safety_net_text(lines: &[String], style: Style) -> String {
    let mut out = String::new();
    titled_list(&mut out, SAFETY_NET_TITLE, lines, style, true);
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
        out.push_str(&format!("Case {}\n", aftercare_core::escape::visible(id)));
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
            day_number(a.days_since_treatment.floor())
        )),
        None => out.push_str(&day_line(a.days_since_treatment)),
    }

    // The words of the questionnaire's result: a report of a case is read by the same
    // people, and the clinical terms and rule ids are in the JSON and the nurse's note.
    let findings = findings_in_words(a, rules, None, true);
    section(&mut out, "What we found", &findings, style);

    {
        let advice: Vec<String> = a
            .advice
            .iter()
            .map(|item| match item.until_day {
                Some(until) => format!("{} ({})", item.text, day_words::until(until)),
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
                &aftercare_core::rules::advice_words::safety_net(rules),
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
    let day = day_number(days.floor());
    if days < 1.0 {
        format!(
            "Day 0: the day of the treatment ({}).\n",
            day_words::since_the_treatment(days)
        )
    } else if days.fract() == 0.0 {
        format!("Day {day} after the treatment.\n")
    } else {
        format!(
            "Day {day} after the treatment ({}).\n",
            day_words::since_the_treatment(days)
        )
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Each finding in the words of the questionnaire's result: the symptom, what it means
/// now, and for a warning sign its possible cause in plain words, never a clinical term
/// (that is for the nurse's note) and never a status in brackets. `other_words` is what the
/// person typed for "something else"; without it (a report of a case) the reason says it.
/// `also`: the other rules that fired and matter (above home care) are added, as the report
/// of a case says them (after day 90, for instance, that the symptom is unlikely to come
/// from the treatment).
pub fn findings_in_words(
    a: &Assessment,
    rules: &RuleSet,
    other_words: Option<&str>,
    also: bool,
) -> Vec<String> {
    let label = |id: &str| -> String { rules.entry(id).map_or(id, |e| e.label).to_string() };
    let mut out = Vec::new();
    for f in &a.findings {
        let line = match (f.kind, &f.symptom) {
            (FindingKind::RepeatContact, _) => {
                "You have asked the clinic before or are very worried: the clinic should see you."
                    .to_string()
            }
            (FindingKind::Combination, _) => {
                capitalise(
                    &rules
                        .combinations
                        .iter()
                        .find(|c| c.id == f.rule)
                        .map_or_else(|| f.reason.clone(), |c| c.reason.clone()),
                ) + "."
            }
            (FindingKind::Other, _) => match other_words {
                Some(words) => format!(
                    "Something else (\"{}\"): this check cannot tell whether it is normal, so the clinic should look at it.",
                    words.trim()
                ),
                None => format!("{}.", capitalise(&f.reason)),
            },
            (FindingKind::Cluster, _) => format!("{}.", capitalise(&f.reason)),
            (FindingKind::WarningSign, Some(id)) => {
                // The rule file's words for the person; a clinical term is for the clinician.
                let cause = rules
                    .warning_sign(id)
                    .and_then(|w| w.cause_in_words.clone())
                    .unwrap_or_default();
                if cause.is_empty() {
                    format!("{}: not part of normal healing.", label(id))
                } else {
                    format!(
                        "{}: not part of normal healing; it can be a sign of {cause}.",
                        label(id)
                    )
                }
            }
            (FindingKind::ExpectedReaction, Some(id)) => {
                let name = label(id);
                match (f.disposition, rules.reaction(id)) {
                    (Disposition::HomeCare, _) => {
                        format!("{name}: expected at this stage of healing.")
                    }
                    (_, Some(r)) if a.days_since_treatment > r.normal_until => format!(
                        "{name}: lasting longer than expected (it usually settles {}).",
                        day_words::settles(r.normal_until)
                    ),
                    _ => format!("{name}: more than expected at this stage of healing."),
                }
            }
            (_, None) => continue,
        };
        let mut line = line;
        for hit in f
            .also
            .iter()
            .filter(|h| also && h.disposition > Disposition::HomeCare)
        {
            line.push_str(&format!(" Also: {}.", hit.reason));
        }
        // The person's own words about a listed symptom, for whoever reads the report:
        // recorded and shown, never read (`other` quotes its words in its own line).
        if let (Some(words), false) = (&f.description, f.kind == FindingKind::Other) {
            line.push_str(&format!(
                " In their words: \"{}\".",
                aftercare_core::escape::visible(words.trim())
            ));
        }
        out.push(line);
    }
    if out.is_empty() {
        out.push("You reported no symptoms.".to_string());
    }
    out
}
