//! `aftercare rules list`: the protocol as tables a clinician can check against the sheets.

use crate::output::text::{wrap, Style};
use aftercare_core::day_words::{self, day_number};
use aftercare_core::model::Disposition;
use aftercare_core::rules::{RuleSet, Steps};

/// The short forms of the clinical reference: ED, TODAY, 3D, 2W.
pub fn short(d: Disposition) -> &'static str {
    d.short()
}

/// "Dispositions: EMERG call emergency services now, ED go to ED now, ...": the same words
/// as the table cells, on two lines (the three that send the person somewhere today first).
fn legend() -> String {
    let items: Vec<String> = Disposition::ALL
        .iter()
        .map(|d| format!("{} {}", d.short(), d.in_brief()))
        .collect();
    let (today, later) = items.split_at(3);
    format!("Dispositions: {},\n{}.", today.join(", "), later.join(", "))
}

/// A threshold column as the reference writes it: "1 3D; 2 TODAY", or "-" when absent.
fn threshold(steps: &Steps) -> String {
    if steps.is_empty() {
        return "-".to_string();
    }
    steps
        .steps()
        .iter()
        .map(|t| format!("{} {}", day_number(t.day), short(t.disposition)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The protocol as tables and lists, section by section as the clinical reference has it.
pub fn render(rules: &RuleSet, style: Style) -> String {
    let width = style.width;
    let mut out = heading(rules);
    out.push_str(&reactions_table(rules));
    out.push_str(&reactions_in_words(rules, width));
    out.push_str(&warning_signs(rules, width));
    out.push_str(&combinations_and_clusters(rules, width));
    out.push_str(&something_else_and_risk_factors(rules, width));
    out.push_str(&format!(
        "\nRepeat contact: at least {}\nAfter day {}: every symptom at least {}\n",
        rules.repeat_contact.disposition,
        day_number(rules.late_presentation.after_day),
        rules.late_presentation.disposition
    ));
    out.push_str(&advice(rules, width));
    out
}

/// The rule set's name, version and title, where it was read from, and what the table's
/// days and short forms mean.
fn heading(rules: &RuleSet) -> String {
    let mut out = format!("{} {}", rules.name, rules.version);
    if !rules.title.is_empty() {
        out.push_str(&format!(": {}", rules.title));
    }
    out.push_str(&format!("\n(from {})\n\n", rules.origin));
    out.push_str("Expected reactions. Days count from the treatment day (day 0); \"until\" includes the day, \"after\" does not.\n");
    out.push_str(&legend());
    out.push_str("\n\n");
    out
}

/// The expected reactions' windows and thresholds, a row each, in aligned columns.
fn reactions_table(rules: &RuleSet) -> String {
    let header = [
        "symptom",
        "normal",
        "ok if",
        "past",
        "worse",
        "severe",
        "sev+worse",
        "starts",
    ];
    let header2 = [
        "",
        "until",
        "improving",
        "window",
        "after",
        "after",
        "after",
        "after",
    ];
    let mut rows: Vec<[String; 8]> = vec![header.map(str::to_string), header2.map(str::to_string)];
    for r in &rules.reactions {
        rows.push([
            r.id.clone(),
            day_number(r.normal_until),
            day_number(r.ok_if_improving_until),
            short(r.past_window).to_string(),
            threshold(&r.worse_after),
            threshold(&r.severe_after),
            threshold(&r.severe_and_worse_after),
            threshold(&r.starts_after),
        ]);
    }
    let widths: Vec<usize> = (0..8)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Each expected reaction's label and description.
fn reactions_in_words(rules: &RuleSet, width: usize) -> String {
    let mut out = String::from("\nIn plain words\n");
    for r in &rules.reactions {
        out.push_str(&wrap(
            &format!("{} - {}: {}", r.id, r.label, r.description),
            width,
            "  ",
            "    ",
        ));
    }
    out
}

/// The warning signs, grouped by the disposition they need at least.
fn warning_signs(rules: &RuleSet, width: usize) -> String {
    let mut out = String::from("\nWarning signs (any day; at least this disposition)\n");
    for d in Disposition::ALL {
        let signs: Vec<_> = rules
            .warning_signs
            .iter()
            .filter(|w| w.disposition == d)
            .collect();
        if signs.is_empty() {
            continue;
        }
        out.push_str(&format!("\n  {}:\n", rules.disposition_text(d).label));
        for w in signs {
            out.push_str(&wrap(
                &format!("{} - {}", w.id, w.description),
                width,
                "    ",
                "      ",
            ));
        }
    }
    out
}

/// The combinations, then the clusters of strong reactions, each with its disposition.
fn combinations_and_clusters(rules: &RuleSet, width: usize) -> String {
    let mut out = String::from("\nCombinations\n");
    for c in &rules.combinations {
        let what = c.describe();
        out.push_str(&wrap(
            &format!("{}: {} -> {}", c.id, what, c.disposition),
            width,
            "  ",
            "    ",
        ));
    }
    for c in &rules.clusters {
        out.push_str(&wrap(
            &format!(
                "{}: {} or more of {} each {} and {} -> {}",
                c.id,
                c.count,
                c.among.join(", "),
                c.severity.code(),
                c.trend.code(),
                c.disposition
            ),
            width,
            "  ",
            "    ",
        ));
    }
    out
}

/// Something else in the person's own words, and the risk factors (which count only
/// through combinations).
fn something_else_and_risk_factors(rules: &RuleSet, width: usize) -> String {
    let mut out = String::new();
    if let Some(o) = &rules.other {
        out.push_str(&wrap(
            &format!(
                "\nSomething else ({}): {}; severe or worsening: {}",
                o.id, o.disposition, o.severe_or_worsening
            ),
            width,
            "",
            "    ",
        ));
    }
    if !rules.risk_factors.is_empty() {
        out.push_str("\nRisk factors (only through combinations)\n");
        for f in &rules.risk_factors {
            out.push_str(&wrap(
                &format!("{} - {}", f.id, f.description),
                width,
                "  ",
                "    ",
            ));
        }
    }
    out
}

/// The aftercare advice, each item with when it applies and whether it is a do or a don't.
fn advice(rules: &RuleSet, width: usize) -> String {
    let mut out = String::from("\nAftercare advice\n");
    // The moments as the advice page says them: "4 hours after the treatment", not day 0.17.
    for a in &rules.advice {
        let when = match a.until_day {
            Some(u) if a.from_day == 0.0 => day_words::until(u),
            Some(u) => format!(
                "from {} {}",
                day_words::moment(a.from_day),
                day_words::until(u)
            ),
            None if a.from_day > 0.0 => format!("from {}", day_words::moment(a.from_day)),
            None => "any day".to_string(),
        };
        let kind = match a.kind {
            aftercare_core::rules::AdviceKind::Do => "do",
            aftercare_core::rules::AdviceKind::Dont => "don't",
        };
        out.push_str(&wrap(
            &format!("{when} ({}, {kind}): {}", a.topic, a.text),
            width,
            "  ",
            "    ",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_explains_every_short_form_the_table_prints() {
        let legend = legend();
        for d in Disposition::ALL {
            assert!(
                legend.contains(&format!("{} {}", d.short(), d.in_brief())),
                "{legend}"
            );
        }
        // A cell says what the legend says: not "999" beside a legend of "EMERG".
        assert_eq!(short(Disposition::CallEmergencyNow), "EMERG");
        let table = render(crate::built_in_rules_for_tests(), Style::plain());
        assert!(table.contains(&legend), "{table}");
    }
}
