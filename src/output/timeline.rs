//! A picture of the healing timeline: each expected reaction's window as a bar over the
//! days since the treatment, the person's own symptoms marked and said in words, and a
//! line at today, so that what is still normal shows at a glance.
//!
//! The bars are plain characters ("=" usual window, "-" normal only if improving, "|"
//! today); colour, when on, only repeats them.

use colored::Colorize;

use crate::output::text::Style;
use aftercare_core::day_words::day_number;
use aftercare_core::evaluate::{triage, Subject, Triage};
use aftercare_core::model::{Case, Disposition};
use aftercare_core::rules::{ExpectedReaction, RuleSet};

const NORMAL: char = '=';
const IF_IMPROVING: char = '-';
const TODAY: char = '|';
/// Below this width a row's label goes on its own line above the bar.
const TWO_LINE_BELOW: usize = 60;
const STATUS_WIDTH: usize = 13;

/// What a marked symptom needs now, in the words of its finding, so that the picture never
/// says "normal" where the findings say otherwise (a worsening redness inside its window).
fn status(d: Disposition) -> &'static str {
    match d {
        Disposition::HomeCare => "normal now",
        Disposition::SeeWithin2Weeks => "see in 2 wks",
        Disposition::SeeWithin3Days => "see in 3 days",
        Disposition::SeeToday => "see today",
        Disposition::GoToEdNow => "go to ED",
        Disposition::CallEmergencyNow => "emergency",
    }
}

/// Reactions whose window runs longer than this are left off the timeline unless reported.
const LONG_COURSE_DAYS: f64 = 30.0;

/// The timeline for a case: the person's reactions first (marked "*"), then the others.
pub fn render(case: &Case, rules: &RuleSet, style: Style) -> String {
    let day = case.days_since_treatment;
    let (mine, others) = reactions_shown(case, rules);
    if mine.is_empty() && others.is_empty() {
        return String::new();
    }
    let layout = Layout::new(rules, style.width, day, mine.iter().chain(&others));
    let found = triage(case, rules);

    let mut out = String::new();
    out.push('\n');
    out.push_str(&title(layout.width, style.color));
    out.push_str(&today_marker(&layout, day));
    out.push_str(&axis(
        layout.span,
        layout.bar_width,
        layout.bar_start,
        &|d| layout.column(d),
    ));
    for r in &mine {
        let needs = status(need_now(case, &found, &r.id));
        out.push_str(&row(r, Some(needs), &layout, style.color));
    }
    if !mine.is_empty() && !others.is_empty() {
        out.push('\n');
    }
    for r in &others {
        out.push_str(&row(r, None, &layout, style.color));
    }
    out.push('\n');
    out.push_str(&legend(day, layout.width));
    out
}

/// The reactions on the timeline: the person's own (each once, in the order reported),
/// and the others of the rule set.
fn reactions_shown<'r>(
    case: &Case,
    rules: &'r RuleSet,
) -> (Vec<&'r ExpectedReaction>, Vec<&'r ExpectedReaction>) {
    let mut mine: Vec<&ExpectedReaction> = Vec::new();
    for s in &case.symptoms {
        if let Some(r) = rules.reaction(&s.id) {
            if !mine.iter().any(|m| m.id == r.id) {
                mine.push(r);
            }
        }
    }
    // A course of weeks (hair shedding after a scalp treatment) is shown only when reported:
    // on the common scale it would squeeze every other bar into a few columns.
    let others: Vec<&ExpectedReaction> = rules
        .reactions
        .iter()
        .filter(|r| !mine.iter().any(|m| m.id == r.id))
        .filter(|r| r.ok_if_improving_until <= LONG_COURSE_DAYS)
        .collect();
    (mine, others)
}

/// The most urgent disposition the findings give a reported symptom.
fn need_now(case: &Case, found: &Triage, id: &str) -> Disposition {
    found
        .findings
        .iter()
        .filter(|f| matches!(f.subject, Subject::Symptom(i) if case.symptoms[i].id == id))
        .map(|f| f.disposition())
        .max()
        .unwrap_or_default()
}

/// Where the parts of a row go, and the days the bars cover.
struct Layout {
    width: usize,
    /// A narrow picture: each row's label on its own line above the bar.
    two_lines: bool,
    label_width: usize,
    bar_width: usize,
    /// The column the bars begin at.
    bar_start: usize,
    /// The days the bars cover, from the treatment.
    span: f64,
    /// Today's column in the bars.
    today_col: usize,
}

impl Layout {
    fn new<'r>(
        rules: &RuleSet,
        width: usize,
        day: f64,
        shown: impl Iterator<Item = &'r &'r ExpectedReaction>,
    ) -> Layout {
        let width = width.max(30);
        let two_lines = width < TWO_LINE_BELOW;
        let label_width = if two_lines {
            0
        } else {
            rules
                .reactions
                .iter()
                .map(|r| r.label.chars().count())
                .max()
                .unwrap_or(8)
                .clamp(8, (width / 3).max(8))
        };
        // "* " + label + " " + bar + " " + status
        let bar_width = if two_lines {
            width - 2 - 1 - STATUS_WIDTH
        } else {
            width - 2 - label_width - 1 - 1 - STATUS_WIDTH
        };
        let bar_start = if two_lines { 2 } else { 2 + label_width + 1 };
        // The days shown: the longest window, and today with a little room after it.
        let longest = shown
            .map(|r| r.ok_if_improving_until)
            .fold(0.0_f64, f64::max);
        let span = longest.max(day + 1.0).max(7.0).ceil() + 1.0;
        let mut layout = Layout {
            width,
            two_lines,
            label_width,
            bar_width,
            bar_start,
            span,
            today_col: 0,
        };
        layout.today_col = layout.column(day);
        layout
    }

    /// The column of the bars a day falls in.
    fn column(&self, d: f64) -> usize {
        ((d / self.span * self.bar_width as f64).floor().max(0.0) as usize).min(self.bar_width - 1)
    }
}

/// The text as it is, or painted when colour is on.
fn paint(color: bool, text: String, f: fn(String) -> String) -> String {
    if color {
        f(text)
    } else {
        text
    }
}

/// The picture's title, bold when colour is on.
fn title(width: usize, color: bool) -> String {
    let title = crate::output::text::wrap(
        "Your healing timeline (days since the treatment)",
        width,
        "",
        "",
    );
    if color {
        title.trim_end().bold().to_string() + "\n"
    } else {
        title
    }
}

/// Today's marker above the bars: "today, day 3 v" ending at today's column, or
/// "v today, day 3" starting there when there is no room before it.
fn today_marker(layout: &Layout, day: f64) -> String {
    let today_words = format!("today, day {}", day_number(day.floor()));
    let mut marker = " ".repeat(layout.bar_start + layout.bar_width + 1);
    let text = format!("{today_words} v");
    let at = layout.bar_start + layout.today_col;
    if at + 1 >= text.len() {
        marker.replace_range(at + 1 - text.len()..at + 1, &text);
    } else {
        let text = format!("v {today_words}");
        let end = (at + text.len()).min(marker.len());
        marker.replace_range(at..end, &text[..end - at]);
    }
    format!("{}\n", marker.trim_end())
}

/// One reaction's row: its label and its bar, and for one of the person's own (with what
/// it needs now) the mark "*" and the status.
fn row(r: &ExpectedReaction, needs: Option<&str>, layout: &Layout, color: bool) -> String {
    let marked = needs.is_some();
    let bar = bar(r, layout, color);
    let mark = if marked { "* " } else { "  " };
    let status_words = needs.unwrap_or("");
    if layout.two_lines {
        let label = if marked {
            paint(color, r.label.clone(), |s| s.bold().to_string())
        } else {
            r.label.clone()
        };
        let bar_line = format!("  {bar} {status_words}");
        format!("{mark}{label}\n{}\n", bar_line.trim_end())
    } else {
        let count = r.label.chars().count();
        let fitted = if count > layout.label_width {
            let cut: String = r.label.chars().take(layout.label_width - 1).collect();
            format!("{cut}~")
        } else {
            format!("{}{}", r.label, " ".repeat(layout.label_width - count))
        };
        let shown = if marked {
            paint(color, fitted, |s| s.bold().to_string())
        } else {
            fitted
        };
        format!(
            "{}\n",
            format!("{mark}{shown} {bar} {status_words}").trim_end()
        )
    }
}

/// A reaction's bar: its usual window, the days it is normal only if improving, and today.
fn bar(r: &ExpectedReaction, layout: &Layout, color: bool) -> String {
    let (bar_width, span) = (layout.bar_width, layout.span);
    // The cells first, then painted run by run (one colour code per run, not per cell).
    let cells: Vec<char> = (0..bar_width)
        .map(|col| {
            // A cell shows the window it begins in, so that even a window of hours
            // (bleeding until day 0.5) keeps a mark on a scale of weeks.
            let begins = col as f64 * span / bar_width as f64;
            if col == layout.today_col {
                TODAY
            } else if begins < r.normal_until {
                NORMAL
            } else if begins < r.ok_if_improving_until {
                IF_IMPROVING
            } else {
                ' '
            }
        })
        .collect();
    let mut bar = String::with_capacity(bar_width * 2);
    for run in cells.chunk_by(|a, b| a == b) {
        let text: String = run.iter().collect();
        bar.push_str(&match run[0] {
            NORMAL => paint(color, text, |s| s.green().to_string()),
            IF_IMPROVING => paint(color, text, |s| s.yellow().to_string()),
            TODAY => paint(color, text, |s| s.bold().to_string()),
            _ => text,
        });
    }
    bar
}

/// What the marks mean, and today's day.
fn legend(day: f64, width: usize) -> String {
    let legend = format!(
        "Key: \"{NORMAL}\" usual window, \"{IF_IMPROVING}\" normal only if improving, \"{TODAY}\" today (day {}), \"*\" your symptoms, with what each needs now.",
        day_number(day.floor())
    );
    crate::output::text::wrap(&legend, width, "", "")
}

/// The day numbers under the marker: every 1, 2, 7, 14, 28... days, as room allows.
fn axis(span: f64, bar_width: usize, bar_start: usize, column: &dyn Fn(f64) -> usize) -> String {
    let per_day = bar_width as f64 / span;
    let step = [1.0, 2.0, 7.0, 14.0, 28.0, 56.0, 91.0, 182.0, 365.0]
        .into_iter()
        .find(|s| s * per_day >= 4.0)
        .unwrap_or((span / 4.0).ceil());
    let mut line: Vec<char> = " ".repeat(bar_start + bar_width + 6).chars().collect();
    let label = "day";
    for (i, ch) in label.chars().enumerate() {
        if bar_start > label.len() {
            line[bar_start - label.len() - 1 + i] = ch;
        }
    }
    let mut d = 0.0;
    let mut last_end = 0usize;
    while d < span {
        let col = bar_start + column(d);
        let text = day_number(d);
        if col >= last_end && col + text.len() <= line.len() {
            for (i, ch) in text.chars().enumerate() {
                line[col + i] = ch;
            }
            last_end = col + text.len() + 1;
        }
        d += step;
    }
    let s: String = line.into_iter().collect();
    format!("{}\n", s.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftercare_core::model::{ReportedSymptom, Severity, Trend};

    fn case(day: f64, ids: &[&str]) -> Case {
        Case::on_day(
            day,
            ids.iter()
                .map(|id| ReportedSymptom {
                    id: id.to_string(),
                    severity: Severity::Moderate,
                    trend: Trend::Stable,
                    started_day: 0.0,
                    description: None,
                })
                .collect(),
        )
    }

    fn plain(width: usize) -> Style {
        Style {
            color: false,
            width,
        }
    }

    #[test]
    fn day_3_with_redness_and_itching_at_80_columns() {
        let rules = RuleSet::built_in();
        let t = render(
            &case(3.4, &["redness", "itching", "fever"]),
            &rules,
            plain(80),
        );
        insta::assert_snapshot!(t);
        assert!(t.lines().all(|l| l.chars().count() <= 80), "{t}");
    }

    #[test]
    fn day_5_at_40_columns_puts_labels_above_the_bars() {
        let rules = RuleSet::built_in();
        let t = render(&case(5.0, &["peeling", "redness"]), &rules, plain(40));
        insta::assert_snapshot!(t);
        assert!(t.lines().all(|l| l.chars().count() <= 40), "{t}");
    }

    #[test]
    fn a_late_day_compresses_the_scale() {
        let rules = RuleSet::built_in();
        let t = render(&case(45.0, &["darkening"]), &rules, plain(80));
        insta::assert_snapshot!(t);
        assert!(t.contains("* Darkening of the skin"), "{t}");
        assert!(t.contains("see in 2 wks"), "{t}");
    }

    #[test]
    fn colour_only_repeats_the_words() {
        let rules = RuleSet::built_in();
        let c = case(2.0, &["swelling"]);
        let coloured = render(
            &c,
            &rules,
            Style {
                color: true,
                width: 80,
            },
        );
        colored::control::set_override(true);
        let coloured_forced = render(
            &c,
            &rules,
            Style {
                color: true,
                width: 80,
            },
        );
        colored::control::unset_override();
        let stripped = String::from_utf8(strip_ansi_escapes::strip(coloured_forced)).unwrap();
        assert_eq!(stripped, render(&c, &rules, plain(80)));
        let stripped = String::from_utf8(strip_ansi_escapes::strip(coloured)).unwrap();
        assert_eq!(stripped, render(&c, &rules, plain(80)));
    }

    #[test]
    fn today_is_marked_on_every_row_and_in_words() {
        let rules = RuleSet::built_in();
        let t = render(&case(1.0, &[]), &rules, plain(80));
        assert!(t.contains("today, day 1"), "{t}");
        let rows = t
            .lines()
            .filter(|l| l.contains('|') && !l.starts_with("Key"))
            .count();
        let shown = rules
            .reactions
            .iter()
            .filter(|r| r.ok_if_improving_until <= LONG_COURSE_DAYS)
            .count();
        assert_eq!(rows, shown, "{t}");
    }
}
