//! A picture of the healing timeline: each expected reaction's window as a bar over the
//! days since the treatment, the person's own symptoms marked and said in words, and a
//! line at today, so that what is still normal shows at a glance.
//!
//! The bars are plain characters ("=" usual window, "-" normal only if improving, "|"
//! today); colour, when on, only repeats them.

use colored::Colorize;

use crate::output::text::Style;
use aftercare_core::day_words::day_number;
use aftercare_core::evaluate::{triage, Subject};
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

/// The timeline for a case: the person's reactions first (marked "*"), then the others.
/// Reactions whose window runs longer than this are left off the timeline unless reported.
const LONG_COURSE_DAYS: f64 = 30.0;

pub fn render(case: &Case, rules: &RuleSet, style: Style) -> String {
    let day = case.days_since_treatment;
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
    if mine.is_empty() && others.is_empty() {
        return String::new();
    }

    let found = triage(case, rules);
    let need = |id: &str| -> Disposition {
        found
            .findings
            .iter()
            .filter(|f| matches!(f.subject, Subject::Symptom(i) if case.symptoms[i].id == id))
            .map(|f| f.disposition())
            .max()
            .unwrap_or_default()
    };
    let width = style.width.max(30);
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
    let longest = mine
        .iter()
        .chain(&others)
        .map(|r| r.ok_if_improving_until)
        .fold(0.0_f64, f64::max);
    let span = longest.max(day + 1.0).max(7.0).ceil() + 1.0;
    let column = |d: f64| -> usize {
        ((d / span * bar_width as f64).floor().max(0.0) as usize).min(bar_width - 1)
    };
    let today_col = column(day);

    let paint = |text: String, f: fn(String) -> String| -> String {
        if style.color {
            f(text)
        } else {
            text
        }
    };

    let mut out = String::new();
    out.push('\n');
    let title = crate::output::text::wrap(
        "Your healing timeline (days since the treatment)",
        width,
        "",
        "",
    );
    out.push_str(&if style.color {
        title.trim_end().bold().to_string() + "\n"
    } else {
        title
    });

    // Today's marker above the bars, then the day numbers.
    let today_words = format!("today, day {}", day_number(day.floor()));
    let mut marker = " ".repeat(bar_start + bar_width + 1);
    let text = format!("{today_words} v");
    let at = bar_start + today_col;
    if at + 1 >= text.len() {
        marker.replace_range(at + 1 - text.len()..at + 1, &text);
    } else {
        let text = format!("v {today_words}");
        let end = (at + text.len()).min(marker.len());
        marker.replace_range(at..end, &text[..end - at]);
    }
    out.push_str(marker.trim_end());
    out.push('\n');
    out.push_str(&axis(span, bar_width, bar_start, &column));

    let row = |r: &ExpectedReaction, marked: bool, out: &mut String| {
        // The cells first, then painted run by run (one colour code per run, not per cell).
        let cells: Vec<char> = (0..bar_width)
            .map(|col| {
                // A cell shows the window it begins in, so that even a window of hours
                // (bleeding until day 0.5) keeps a mark on a scale of weeks.
                let begins = col as f64 * span / bar_width as f64;
                if col == today_col {
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
                NORMAL => paint(text, |s| s.green().to_string()),
                IF_IMPROVING => paint(text, |s| s.yellow().to_string()),
                TODAY => paint(text, |s| s.bold().to_string()),
                _ => text,
            });
        }
        let mark = if marked { "* " } else { "  " };
        let status_words = if marked { status(need(&r.id)) } else { "" };
        if two_lines {
            let label = if marked {
                paint(r.label.clone(), |s| s.bold().to_string())
            } else {
                r.label.clone()
            };
            out.push_str(&format!("{mark}{label}\n"));
            out.push_str(format!("  {bar} {status_words}").trim_end());
            out.push('\n');
        } else {
            let count = r.label.chars().count();
            let fitted = if count > label_width {
                let cut: String = r.label.chars().take(label_width - 1).collect();
                format!("{cut}~")
            } else {
                format!("{}{}", r.label, " ".repeat(label_width - count))
            };
            let shown = if marked {
                paint(fitted, |s| s.bold().to_string())
            } else {
                fitted
            };
            out.push_str(format!("{mark}{shown} {bar} {status_words}").trim_end());
            out.push('\n');
        }
    };
    for r in &mine {
        row(r, true, &mut out);
    }
    if !mine.is_empty() && !others.is_empty() {
        out.push('\n');
    }
    for r in &others {
        row(r, false, &mut out);
    }

    let legend = format!(
        "Key: \"{NORMAL}\" usual window, \"{IF_IMPROVING}\" normal only if improving, \"{TODAY}\" today (day {}), \"*\" your symptoms, with what each needs now.",
        day_number(day.floor())
    );
    out.push('\n');
    out.push_str(&crate::output::text::wrap(&legend, width, "", ""));
    out
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
