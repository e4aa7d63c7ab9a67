//! Rule-file lint: a file can be valid and still weaker than the clinic meant. Each finding
//! is a [`Diagnostic`] naming the file, the rule and the field, on one line: a warning, or an
//! error where the file's words would have a person do less than its disposition needs (the
//! file is then not used); `rules check --strict` fails on any.
//!
//! What is flagged, and why:
//! - a warning sign, a window's past-window result, a day threshold or the late-presentation
//!   rule mapped to `home_care`: it would tell a person that a sign of trouble is normal;
//! - a repeat contact below `see_today` (a second call is a warning in itself);
//! - anything weaker than the same rule of the default set (the reference): a warning sign
//!   missing, turned into an expected reaction or made less urgent; a window that ends later;
//!   a threshold left out, later or less urgent; a combination missing, needing more
//!   symptoms or less urgent; a later or milder late-presentation rule;
//! - an unreachable rule: one no accepted case can make fire (a threshold or window end at or
//!   past the longest time since treatment accepted, `input::MAX_DAYS`);
//! - a shadowed threshold: whenever it fires, another rule for the same symptom is strictly
//!   more urgent, so it never changes an answer. A threshold equal to what already applies is
//!   not flagged: it restates the protocol and its reason is shown with the result. This is
//!   decided by running the real triage on the days where the result can change (the rule
//!   file's own day boundaries and just after each), not by a second copy of the logic;
//! - a combination that is never more urgent than its members already are;
//! - a symptom whose label is its id copied ("pinpoint_bleeding", or "fever" as is) rather
//!   than plain words ("Pinpoint bleeding", "Fever");
//! - a rule without a `source_note` (the sources say where, the note says what);
//! - a rule that none of the file's own examples makes fire;
//! - words that differ from the default set's: a disposition's `label` or `action` (any
//!   change is flagged, since words are what a person acts on and no word list can tell a
//!   rephrasing from a weakening; words that are another, less urgent disposition's default
//!   words are said to be so), a warning sign's `label` or `description` (what the person is
//!   asked about), and advice that ends earlier than the default's (`until_day` earlier or
//!   added, or the entry missing): a restriction lifted early; or advice whose `kind` is not
//!   the default's (a "don't" made a "do" answers "yes" where the default says "not yet").
//!
//! Not flagged: `ok_if_improving_until` equal to `normal_until`. It means "no grace for an
//! improving symptom", which is stricter, never weaker, and the default uses it (milia).

use std::borrow::Borrow;
use std::fmt::Display;

use crate::day_words::{after_day, day_number};
use crate::evaluate::{triage, Aspect, RuleRef};
use crate::examples::ExampleReport;
use crate::input::MAX_DAYS;
use crate::model::{Case, Disposition, ReportedSymptom, Severity, Trend};
use crate::rules::{
    Citation, Combination, Diagnostic, Entry, ExpectedReaction, Level, Member, MemberRef,
    MemberState, RuleId, RuleKind, RuleSet, Steps, SymptomRef, Threshold,
};

/// Lints `rules`; `reference` is the rule set it must not be weaker than (the default set),
/// and `examples` the outcome of the file's own examples.
pub fn lint(
    rules: &RuleSet,
    reference: Option<&RuleSet>,
    examples: Option<&ExampleReport>,
) -> Vec<Diagnostic> {
    let mut l = Linter {
        rules,
        out: Vec::new(),
    };
    l.reactions(reference);
    l.warning_signs(reference);
    l.combinations(reference);
    l.clusters(reference);
    l.other(reference);
    l.situations(reference);
    l.nurse_notes(reference);
    l.citations();
    if let Some(reference) = reference {
        l.identity(reference);
        l.words(reference);
    }
    if let Some(report) = examples {
        l.coverage(report);
    }
    l.out
}

struct Linter<'a> {
    rules: &'a RuleSet,
    out: Vec<Diagnostic>,
}

fn is_emergency(d: Disposition) -> bool {
    d >= Disposition::GoToEdNow
}

impl Linter<'_> {
    fn warn(&mut self, rule: impl Borrow<RuleId>, field: &str, message: impl Into<String>) {
        self.say(Level::Warning, rule.borrow(), field, message);
    }

    /// A finding that stops the file from being used: an error, not a warning.
    fn refuse(&mut self, rule: impl Borrow<RuleId>, field: &str, message: impl Into<String>) {
        self.say(Level::Error, rule.borrow(), field, message);
    }

    fn say(&mut self, level: Level, rule: &RuleId, field: &str, message: impl Into<String>) {
        let origin = &self.rules.origin;
        self.out
            .push(Diagnostic::about(level, origin, rule, field, message));
    }

    fn reactions(&mut self, reference: Option<&RuleSet>) {
        for (i, r) in self.rules.reactions.iter().enumerate() {
            let rule = RuleId::expected_reaction(&r.id);
            self.label(&rule, &r.id, &r.label);
            if r.past_window == Disposition::HomeCare {
                self.warn(
                    &rule,
                    "past_window",
                    "is home_care: the symptom would count as normal healing on every day",
                );
            }
            for (field, steps) in thresholds(r) {
                for t in steps.steps() {
                    if t.disposition == Disposition::HomeCare {
                        self.warn(
                            &rule,
                            &format!("{field}.disposition"),
                            "is home_care: a threshold that gives home care can never raise the result",
                        );
                    }
                }
            }
            if r.ok_if_improving_until >= MAX_DAYS {
                self.warn(
                    &rule,
                    "ok_if_improving_until",
                    format!(
                        "{} is at or past the longest time since treatment accepted ({MAX_DAYS} days): the window never ends, so past_window is unreachable",
                        r.ok_if_improving_until
                    ),
                );
            }
            self.thresholds_matter(i, r);
            if let Some(reference) = reference {
                match reference.lookup(&r.id) {
                    Some(SymptomRef::Reaction(j)) => {
                        self.reaction_vs_reference(r, &reference.reactions[j])
                    }
                    Some(SymptomRef::WarningSign(j)) => {
                        let w = &reference.warning_signs[j];
                        self.warn(
                            &rule,
                            "",
                            format!(
                                "is an expected reaction here but a warning sign ({}) in the default set: it would count as normal within its window",
                                w.disposition
                            ),
                        );
                    }
                    Some(SymptomRef::Other) | None => {}
                }
            }
        }
    }

    fn label(&mut self, rule: &RuleId, id: &str, label: &str) {
        let plain = label.trim();
        if plain == id || plain.contains('_') {
            self.warn(
                rule,
                "label",
                format!("{label:?} is an id, not plain words a person reads"),
            );
        }
    }

    /// Unreachable and shadowed thresholds, by running the triage on one symptom across the
    /// days where anything can change.
    fn thresholds_matter(&mut self, index: usize, r: &ExpectedReaction) {
        let rules = self.rules;
        let mut boundaries = vec![0.0, r.normal_until, r.ok_if_improving_until];
        boundaries.extend(
            thresholds(r)
                .into_iter()
                .flat_map(|(_, steps)| steps.steps().iter().map(|t| t.day)),
        );
        boundaries.push(rules.late_presentation.after_day);
        boundaries.push(MAX_DAYS);
        for (aspect, steps) in r.thresholds() {
            for (n, &t) in steps.steps().iter().enumerate() {
                let field = if steps.steps().len() > 1 {
                    format!("{}[{n}]", aspect.field())
                } else {
                    aspect.field().to_string()
                };
                self.step_matters(index, r, aspect, t, &field, &boundaries);
            }
        }
    }

    /// Whether one step of a threshold column can fire and ever decides a result.
    fn step_matters(
        &mut self,
        index: usize,
        r: &ExpectedReaction,
        aspect: Aspect,
        t: Threshold,
        field: &str,
        boundaries: &[f64],
    ) {
        let rules = self.rules;
        {
            // Days inside each stretch between boundaries: a boundary itself ("until" is
            // inclusive) and just after it ("after" is strict, but for "after 0").
            let days = boundaries.iter().flat_map(|&b| [b, b + 1e-6]).filter(|&d| {
                let applies = if aspect == Aspect::StartsAfter {
                    d > t.day
                } else {
                    t.applies_at(d)
                };
                applies && d <= MAX_DAYS
            });
            let mut fires = false;
            let mut decides = false;
            let mut stronger: Option<(Disposition, String)> = None;
            for day in days {
                let symptom = most_favourable(&r.id, aspect, day);
                let case = Case::on_day(day, vec![symptom]);
                let result = triage(&case, rules);
                let Some(f) = result.findings.first() else {
                    continue;
                };
                let hits: Vec<_> = std::iter::once(&f.hit).chain(&f.also).collect();
                let me = RuleRef::Reaction(index, aspect);
                // This step, not another of its column, is the one that applies on the day.
                let steps = match aspect {
                    Aspect::WorseAfter => &r.worse_after,
                    Aspect::SevereAfter => &r.severe_after,
                    Aspect::SevereAndWorseAfter => &r.severe_and_worse_after,
                    _ => &r.starts_after,
                };
                let this_step = if aspect == Aspect::StartsAfter {
                    steps.started_after(day)
                } else {
                    steps.at(day)
                };
                if this_step != Some(t) || !hits.iter().any(|h| h.rule == me) {
                    continue;
                }
                fires = true;
                let other = hits
                    .iter()
                    .filter(|h| h.rule != me)
                    .max_by_key(|h| h.disposition);
                match other {
                    Some(o) if o.disposition > t.disposition => {
                        if stronger.as_ref().is_none_or(|(d, _)| o.disposition < *d) {
                            stronger = Some((o.disposition, o.rule.id(rules)));
                        }
                    }
                    _ => decides = true,
                }
            }
            let rule = RuleId::expected_reaction(&r.id);
            if !fires {
                self.warn(
                    rule,
                    &format!("{field}.day"),
                    format!(
                        "{} is unreachable: no accepted case is later than it (the most is {MAX_DAYS} days)",
                        t.day
                    ),
                );
            } else if !decides {
                let (d, by) = stronger.unwrap_or((t.disposition, String::new()));
                self.warn(
                    rule,
                    field,
                    format!(
                        "is shadowed: whenever it fires, {by} ({d}) is more urgent, so {} never changes the result",
                        t.disposition
                    ),
                );
            }
        }
    }

    fn reaction_vs_reference(&mut self, r: &ExpectedReaction, base: &ExpectedReaction) {
        let rule = RuleId::expected_reaction(&r.id);
        for (field, mine, theirs) in [
            ("normal_until", r.normal_until, base.normal_until),
            (
                "ok_if_improving_until",
                r.ok_if_improving_until,
                base.ok_if_improving_until,
            ),
        ] {
            if mine > theirs {
                self.warn(
                    &rule,
                    field,
                    format!(
                        "{}: the window ends later",
                        weaker(mine, Weaker::Later, theirs)
                    ),
                );
            }
        }
        if r.past_window < base.past_window {
            self.warn(
                &rule,
                "past_window",
                weaker(r.past_window, Weaker::LessUrgent, base.past_window),
            );
        }
        for ((field, mine), (_, theirs)) in thresholds(r).into_iter().zip(thresholds(base)) {
            if theirs.is_empty() {
                continue;
            }
            if mine.is_empty() {
                self.warn(
                    &rule,
                    field,
                    format!("missing: the default set has {field} {}", theirs.describe()),
                );
                continue;
            }
            // Weaker when on some day the default's steps give more than these: a step
            // missing, later or milder. Both change only just after a step's own day.
            let starts = field == Aspect::StartsAfter.field();
            let at = |steps: &Steps, day: f64| {
                if starts {
                    steps.started_after(day)
                } else {
                    steps.at(day)
                }
            };
            let probes: Vec<f64> = theirs
                .steps()
                .iter()
                .chain(mine.steps())
                .map(|t| {
                    if t.day == 0.0 && !starts {
                        0.0
                    } else {
                        t.day + 1e-6
                    }
                })
                .collect();
            let (mut later, mut milder) = (false, false);
            for day in probes {
                let Some(base_step) = at(theirs, day) else {
                    continue;
                };
                match at(mine, day) {
                    None if !later => {
                        later = true;
                        let first = mine.first().map_or(0.0, |t| t.day);
                        self.warn(
                            &rule,
                            &format!("{field}.day"),
                            format!(
                                "{}: the default set has {field} {}",
                                weaker(day_number(first), Weaker::Later, day_number(base_step.day)),
                                theirs.describe()
                            ),
                        );
                    }
                    Some(step) if step.disposition < base_step.disposition && !milder => {
                        milder = true;
                        self.warn(
                            &rule,
                            &format!("{field}.disposition"),
                            format!(
                                "{} {}: the default set has {field} {}",
                                weaker(step.disposition, Weaker::LessUrgent, base_step.disposition),
                                after_day(day.floor().max(base_step.day)),
                                theirs.describe()
                            ),
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    fn warning_signs(&mut self, reference: Option<&RuleSet>) {
        for w in &self.rules.warning_signs {
            let rule = RuleId::warning_sign(&w.id);
            self.label(&rule, &w.id, &w.label);
            if w.disposition == Disposition::HomeCare {
                self.warn(
                    &rule,
                    "disposition",
                    "is home_care: a warning sign is never part of normal healing",
                );
            }
            if let Some(base) = reference.and_then(|r| r.warning_sign(&w.id)) {
                if w.disposition < base.disposition {
                    self.warn(
                        rule,
                        "disposition",
                        weaker(w.disposition, Weaker::LessUrgent, base.disposition),
                    );
                }
            }
        }
        let Some(reference) = reference else { return };
        for base in &reference.warning_signs {
            match self.rules.lookup(&base.id) {
                Some(SymptomRef::WarningSign(_)) => {}
                // Reported against the reaction above.
                Some(SymptomRef::Reaction(_) | SymptomRef::Other) => {}
                None => {
                    let what = if is_emergency(base.disposition) {
                        "an emergency sign"
                    } else {
                        "a warning sign"
                    };
                    self.warn(
                        RuleId::warning_sign(&base.id),
                        "",
                        format!(
                            "missing: the default set has it as {what} ({}); without it a person cannot report it",
                            base.disposition
                        ),
                    );
                }
            }
        }
    }

    fn combinations(&mut self, reference: Option<&RuleSet>) {
        for c in &self.rules.combinations {
            self.combination_changes_the_result(c);
        }
        let Some(reference) = reference else { return };
        for base in &reference.combinations {
            match self.rules.combinations.iter().find(|c| c.id == base.id) {
                Some(c) => self.combination_vs_reference(c, base),
                None => self.warn(
                    RuleId::combination(&base.id),
                    "",
                    format!(
                        "missing: the default set has it ({} when {} together)",
                        base.disposition,
                        base.describe()
                    ),
                ),
            }
        }
    }

    /// A combination never more urgent than its members already are changes no result.
    fn combination_changes_the_result(&mut self, c: &Combination) {
        let rules = self.rules;
        // The least a member gives on its own: a warning sign its disposition, an expected
        // reaction or a risk factor home care (a reaction within its window).
        let least = |r: &MemberRef| match r {
            MemberRef::Symptom(SymptomRef::WarningSign(i)) => rules.warning_signs[*i].disposition,
            MemberRef::Symptom(SymptomRef::Other) => rules
                .other
                .as_ref()
                .map_or(Disposition::HomeCare, |o| o.disposition),
            _ => Disposition::HomeCare,
        };
        let members = c
            .members
            .iter()
            .map(|m| m.refs().iter().map(least).min().unwrap_or_default())
            .max()
            .unwrap_or_default();
        // Equal is allowed where the combination is there for the cause its reason
        // names; less urgent never is.
        if c.disposition < members || (c.disposition == members && !c.tells_the_cause) {
            self.warn(
                RuleId::combination(&c.id),
                "disposition",
                format!(
                    "{} is never more urgent than its symptoms already are ({members}): the combination never changes the result",
                    c.disposition
                ),
            );
        }
    }

    /// A combination of the file against the default set's of the same id: less urgent,
    /// holding for fewer days, or needing more to fire.
    fn combination_vs_reference(&mut self, c: &Combination, base: &Combination) {
        let rule = RuleId::combination(&base.id);
        if c.disposition < base.disposition {
            self.warn(
                &rule,
                "disposition",
                weaker(c.disposition, Weaker::LessUrgent, base.disposition),
            );
        }
        // Holding for fewer days than the default is weaker too.
        if let Some(theirs) = base.until_day {
            if c.until_day.is_some_and(|mine| mine < theirs) {
                self.warn(
                    &rule,
                    "until_day",
                    format!(
                        "{}: the combination stops holding sooner",
                        weaker(c.until_day.unwrap_or_default(), Weaker::Earlier, theirs)
                    ),
                );
            }
        } else if let Some(mine) = c.until_day {
            self.warn(
                &rule,
                "until_day",
                format!("{mine}: the default set holds it on every day"),
            );
        }
        // Firing only grows with what is present, so checking the smallest sets on which
        // the default fires (one alternative of each member, with exactly the default's
        // qualifiers met) finds every case where this one would not: a dropped
        // alternative, an added member or an added qualifier.
        for set in smallest_sets(base) {
            if !c.fires(|r| self.state_in(&set, r)) {
                let names: Vec<String> = set.iter().map(|(id, met)| met.words(id)).collect();
                self.warn(
                    &rule,
                    "members",
                    format!(
                        "does not fire for {} together, as the default set does: it needs more",
                        names.join(" + ")
                    ),
                );
            }
        }
    }

    /// What a set of reported ids, each with the qualifiers it meets, tells of one
    /// alternative of a member of this file's combination.
    fn state_in(&self, set: &[(&String, Met)], r: MemberRef) -> MemberState {
        let rules = self.rules;
        let mut st = MemberState::default();
        for (id, m) in set {
            let mine = match r {
                MemberRef::Symptom(s) => rules.lookup(id) == Some(s),
                MemberRef::RiskFactor(i) => &&rules.risk_factors[i].id == id,
            };
            if mine {
                st.present = true;
                st.worsening |= m.worsening;
                st.severe |= m.severe;
                st.outside_window |= m.outside_window;
            }
        }
        st
    }

    fn clusters(&mut self, reference: Option<&RuleSet>) {
        let Some(reference) = reference else { return };
        for base in &reference.clusters {
            let rule = RuleId::new(RuleKind::Cluster, &base.id);
            let Some(c) = self.rules.clusters.iter().find(|c| c.id == base.id) else {
                self.warn(
                    rule,
                    "",
                    format!(
                        "missing: the default set has it ({} when {} of {} are {} and {})",
                        base.disposition,
                        base.count,
                        base.among.join(", "),
                        base.severity.code(),
                        base.trend.code()
                    ),
                );
                continue;
            };
            if c.count > base.count {
                self.warn(&rule, "count", weaker(c.count, Weaker::More, base.count));
            }
            for id in &base.among {
                if !c.among.contains(id) {
                    self.warn(
                        &rule,
                        "among",
                        format!("{id:?} is not counted, as it is in the default set"),
                    );
                }
            }
            if c.severity > base.severity || c.trend > base.trend {
                self.warn(
                    &rule,
                    "severity",
                    format!(
                        "{} and {} ask more than the default set ({} and {})",
                        c.severity.code(),
                        c.trend.code(),
                        base.severity.code(),
                        base.trend.code()
                    ),
                );
            }
            if c.disposition < base.disposition {
                self.warn(
                    rule,
                    "disposition",
                    weaker(c.disposition, Weaker::LessUrgent, base.disposition),
                );
            }
        }
    }

    fn other(&mut self, reference: Option<&RuleSet>) {
        let Some(base) = reference.and_then(|r| r.other.as_ref()) else {
            return;
        };
        let rule = RuleId::new(RuleKind::Other, &base.id);
        let Some(o) = &self.rules.other else {
            self.warn(
                rule,
                "",
                "missing: the default set has it; without it a person cannot report something the lists do not name",
            );
            return;
        };
        for (field, mine, theirs) in [
            ("disposition", o.disposition, base.disposition),
            (
                "severe_or_worsening",
                o.severe_or_worsening,
                base.severe_or_worsening,
            ),
        ] {
            if mine < theirs {
                self.warn(&rule, field, weaker(mine, Weaker::LessUrgent, theirs));
            }
        }
        if let Some(theirs) = base.severe_and_worsening_early {
            let field = "severe_and_worsening_early";
            match o.severe_and_worsening_early {
                None => self.warn(
                    &rule,
                    field,
                    format!(
                        "missing: the default set gives {} when it is severe and worsening up to day {}",
                        theirs.disposition,
                        day_number(theirs.day)
                    ),
                ),
                Some(mine) => {
                    if mine.day < theirs.day {
                        self.warn(
                            &rule,
                            &format!("{field}.until_day"),
                            weaker(
                                day_number(mine.day),
                                Weaker::Earlier,
                                day_number(theirs.day),
                            ),
                        );
                    }
                    if mine.disposition < theirs.disposition {
                        self.warn(
                            &rule,
                            &format!("{field}.disposition"),
                            weaker(mine.disposition, Weaker::LessUrgent, theirs.disposition),
                        );
                    }
                }
            }
        }
    }

    /// A reminder of the default set's nurse note left out, or asked later or for fewer ids.
    fn nurse_notes(&mut self, reference: Option<&RuleSet>) {
        let Some(reference) = reference else { return };
        for base in &reference.nurse_notes {
            let rule = RuleId::new(RuleKind::NurseNote, &base.id);
            let Some(n) = self.rules.nurse_notes.iter().find(|n| n.id == base.id) else {
                self.warn(
                    rule,
                    "",
                    format!("missing: the default set reminds the nurse: {}", base.text),
                );
                continue;
            };
            if n.from_day > base.from_day {
                self.warn(
                    &rule,
                    "from_day",
                    weaker(
                        day_number(n.from_day),
                        Weaker::Later,
                        day_number(base.from_day),
                    ),
                );
            }
            for (field, mine, theirs) in [
                ("risk_factors", &n.risk_factors, &base.risk_factors),
                ("symptoms", &n.symptoms, &base.symptoms),
            ] {
                // An empty list asks nothing: it covers every id the default names.
                if mine.is_empty() {
                    continue;
                }
                for id in theirs.iter().filter(|id| !mine.contains(id)) {
                    self.warn(
                        &rule,
                        field,
                        format!("{id:?} is not listed, as it is in the default set"),
                    );
                }
            }
        }
    }

    fn situations(&mut self, reference: Option<&RuleSet>) {
        let rules = self.rules;
        let repeat = &rules.repeat_contact;
        if repeat.disposition < Disposition::SeeToday {
            self.warn(
                RuleId::new(RuleKind::RepeatContact, &repeat.id),
                "disposition",
                format!(
                    "{} is below see_today: a second call about the same problem is a warning in itself",
                    repeat.disposition
                ),
            );
        }
        let late = &rules.late_presentation;
        let rule = RuleId::new(RuleKind::LatePresentation, &late.id);
        if late.disposition == Disposition::HomeCare {
            self.warn(
                &rule,
                "disposition",
                "is home_care: symptoms long after the treatment would never be looked at",
            );
        }
        if late.after_day >= MAX_DAYS {
            self.warn(
                &rule,
                "after_day",
                format!(
                    "{} is unreachable: no accepted case is later than it (the most is {MAX_DAYS} days)",
                    late.after_day
                ),
            );
        }
        if let Some(reference) = reference {
            let base = &reference.late_presentation;
            if late.after_day > base.after_day {
                self.warn(
                    &rule,
                    "after_day",
                    weaker(late.after_day, Weaker::Later, base.after_day),
                );
            }
            if late.disposition < base.disposition {
                self.warn(
                    rule,
                    "disposition",
                    weaker(late.disposition, Weaker::LessUrgent, base.disposition),
                );
            }
            let base = &reference.repeat_contact;
            if repeat.disposition < base.disposition && repeat.disposition >= Disposition::SeeToday
            {
                self.warn(
                    RuleId::new(RuleKind::RepeatContact, &repeat.id),
                    "disposition",
                    weaker(repeat.disposition, Weaker::LessUrgent, base.disposition),
                );
            }
        }
    }

    fn citations(&mut self) {
        let rules = self.rules;
        // In the order of the rest of the lint: the expected reactions and warning signs,
        // the combinations and clusters of them, then `other` and the risk factors.
        let (symptoms, others): (Vec<Entry>, Vec<Entry>) = rules
            .entries()
            .partition(|e| matches!(e.kind, RuleKind::ExpectedReaction | RuleKind::WarningSign));
        let mut cited: Vec<(RuleId, &Citation)> =
            symptoms.iter().map(|e| (e.rule(), e.citation)).collect();
        cited.extend(
            rules
                .combinations
                .iter()
                .map(|c| (RuleId::combination(&c.id), &c.citation)),
        );
        cited.extend(
            rules
                .clusters
                .iter()
                .map(|c| (RuleId::new(RuleKind::Cluster, &c.id), &c.citation)),
        );
        cited.extend(others.iter().map(|e| (e.rule(), e.citation)));
        cited.push((
            RuleId::new(RuleKind::RepeatContact, &rules.repeat_contact.id),
            &rules.repeat_contact.citation,
        ));
        cited.push((
            RuleId::new(RuleKind::LatePresentation, &rules.late_presentation.id),
            &rules.late_presentation.citation,
        ));
        cited.extend(
            rules
                .advice
                .iter()
                .map(|a| (RuleId::new(RuleKind::Advice, &a.id), &a.citation)),
        );
        for (rule, citation) in cited {
            if citation.note.trim().is_empty() {
                self.warn(
                    rule,
                    "source_note",
                    "missing: say in words what the sources say, so that a reviewer can check the rule against them",
                );
            }
        }
    }

    /// A changed copy that keeps the reference's name and version would put that name on
    /// every result: a record would claim a protocol that did not produce it.
    fn identity(&mut self, reference: &RuleSet) {
        let r = self.rules;
        let same_name = r.name == reference.name && r.version == reference.version;
        let same_rules = r.dispositions == reference.dispositions
            && r.reactions == reference.reactions
            && r.warning_signs == reference.warning_signs
            && r.combinations == reference.combinations
            && r.clusters == reference.clusters
            && r.other == reference.other
            && r.risk_factors == reference.risk_factors
            && r.clinic == reference.clinic
            && r.repeat_contact == reference.repeat_contact
            && r.late_presentation == reference.late_presentation
            && r.advice == reference.advice;
        if same_name && !same_rules {
            self.warn(
                RuleId::section(RuleKind::RuleSet),
                "version",
                format!(
                    "the rules differ from the built-in {} {} but keep its name and version: give them their own, so that each result names the protocol that produced it",
                    reference.name, reference.version
                ),
            );
        }
    }

    /// The words a person reads and acts on, against the default set's.
    fn words(&mut self, reference: &RuleSet) {
        let rules = self.rules;
        for d in &rules.dispositions {
            let Some(base) = reference
                .dispositions
                .iter()
                .find(|b| b.disposition == d.disposition)
            else {
                continue;
            };
            let rule = RuleId::disposition(d.disposition.code());
            // The action as written, before a `[clinic]` block fills it: naming the clinic
            // is no change of words.
            for (field, text, default) in [
                ("label", &d.label, &base.label),
                ("action", &d.action_template, &base.action_template),
            ] {
                if same_words(text, default) {
                    continue;
                }
                // Words of a less urgent disposition: the clearest weakening there is.
                let milder = reference.dispositions.iter().find(|o| {
                    o.disposition < d.disposition && {
                        let other = if field == "label" {
                            &o.label
                        } else {
                            &o.action_template
                        };
                        same_words(text, other)
                    }
                });
                match milder {
                    // Words that tell a person to do less than the disposition needs: the
                    // file is not used as it is, as a file whose examples fail is not.
                    Some(o) => self.refuse(
                        &rule,
                        field,
                        format!(
                            "{text:?} is the default set's {field} for {}, less urgent than {}: a person would not act as this disposition needs (the file is not used until this is mended)",
                            o.disposition, d.disposition
                        ),
                    ),
                    None => self.warn(
                        &rule,
                        field,
                        format!(
                            "{text:?} differs from the default set's {default:?}: check that it still says as plainly what to do and how soon"
                        ),
                    ),
                };
            }
        }
        for w in &rules.warning_signs {
            let Some(base) = reference.warning_sign(&w.id) else {
                continue;
            };
            for (field, text, default) in [
                ("label", &w.label, &base.label),
                ("description", &w.description, &base.description),
            ] {
                if !same_words(text, default) {
                    self.warn(
                        RuleId::warning_sign(&w.id),
                        field,
                        format!(
                            "{text:?} differs from the default set's {default:?}: this is what a person is asked about; check that it still describes the same danger"
                        ),
                    );
                }
            }
        }
        self.advice_vs_reference(reference);
    }

    /// Advice of the default set left out, started later, ended earlier or turned from a
    /// "don't" into a "do" (or back).
    fn advice_vs_reference(&mut self, reference: &RuleSet) {
        let rules = self.rules;
        for base in &reference.advice {
            if let Some(a) = rules.advice.iter().find(|a| a.id == base.id) {
                if a.kind != base.kind {
                    self.warn(
                        RuleId::new(RuleKind::Advice, &base.id),
                        "kind",
                        format!(
                            "{:?} where the default set has {:?}: a short answer would say \"yes\" or \"not yet\" the other way round",
                            a.kind.code(),
                            base.kind.code()
                        ),
                    );
                }
            }
            let Some(until) = base.until_day else {
                // Advice for every day: only a missing entry could end it.
                if !rules.advice.iter().any(|a| a.id == base.id) {
                    self.advice_missing(base);
                }
                continue;
            };
            let rule = RuleId::new(RuleKind::Advice, &base.id);
            match rules.advice.iter().find(|a| a.id == base.id) {
                None => self.advice_missing(base),
                Some(a) if a.from_day > base.from_day => self.warn(
                    rule,
                    "from_day",
                    format!(
                        "starts on day {} where the default set starts it on day {}: a restriction would not hold before",
                        day_number(a.from_day),
                        day_number(base.from_day)
                    ),
                ),
                Some(a) => match a.until_day {
                    Some(ends) if ends < until => self.warn(
                        rule,
                        "until_day",
                        format!(
                            "ends on day {} where the default set ends it on day {}: a restriction would be lifted early",
                            day_number(ends),
                            day_number(until)
                        ),
                    ),
                    _ => {}
                },
            }
        }
    }

    fn advice_missing(&mut self, base: &crate::rules::Advice) {
        self.warn(
            RuleId::new(RuleKind::Advice, &base.id),
            "",
            format!(
                "missing: the default set gives it ({:?}) from day {}{}",
                base.text,
                day_number(base.from_day),
                base.until_day
                    .map_or(String::new(), |u| format!(" until day {}", day_number(u)))
            ),
        );
    }

    fn coverage(&mut self, report: &ExampleReport) {
        let rules = self.rules;
        for rule in report.uncovered(rules) {
            self.warn(
                rule.entry(),
                rule.field().unwrap_or(""),
                format!(
                    "no example makes rule {:?} fire: add an [[example]] that does",
                    rule.code()
                ),
            );
        }
    }
}

/// One way of meeting a member's qualifiers: "severe or worsening" can be met by either
/// alone, so each is a smallest way of its own.
#[derive(Debug, Clone, Copy)]
struct Met {
    worsening: bool,
    severe: bool,
    outside_window: bool,
}

impl Met {
    /// The smallest ways of meeting `m`'s qualifiers.
    fn ways(m: &Member) -> Vec<Met> {
        let plain = Met {
            worsening: m.worsening,
            severe: false,
            outside_window: m.outside_window,
        };
        if m.severe_or_worsening {
            vec![
                Met {
                    severe: true,
                    ..plain
                },
                Met {
                    worsening: true,
                    ..plain
                },
            ]
        } else {
            vec![plain]
        }
    }

    /// The id with the qualifiers met: "spreading_redness outside its window worsening".
    fn words(self, id: &str) -> String {
        let mut s = id.to_string();
        if self.outside_window {
            s.push_str(" outside its window");
        }
        if self.severe {
            s.push_str(" severe");
        }
        if self.worsening {
            s.push_str(" worsening");
        }
        s
    }
}

/// The smallest sets of reports on which `base` fires: one alternative of each member, met
/// in one of its smallest ways (at most 4096 sets, however many members and alternatives).
fn smallest_sets(base: &Combination) -> Vec<Vec<(&String, Met)>> {
    let mut sets: Vec<Vec<(&String, Met)>> = vec![Vec::new()];
    for m in &base.members {
        sets = sets
            .into_iter()
            .flat_map(|set| {
                m.any_of
                    .iter()
                    .flat_map(|id| Met::ways(m).into_iter().map(move |w| (id, w)))
                    .map(move |(id, w)| {
                        let mut next = set.clone();
                        next.push((id, w));
                        next
                    })
                    .collect::<Vec<_>>()
            })
            .take(4096)
            .collect();
    }
    sets
}

/// How a value of the file goes past the default set's the weaker way.
#[derive(Debug, Clone, Copy)]
enum Weaker {
    LessUrgent,
    Later,
    Earlier,
    More,
}

/// "see_within_3_days is less urgent than in the default set (see_today)": the one sentence
/// every comparison of a value with the default set's starts with.
fn weaker(mine: impl Display, how: Weaker, theirs: impl Display) -> String {
    let how = match how {
        Weaker::LessUrgent => "less urgent",
        Weaker::Later => "later",
        Weaker::Earlier => "earlier",
        Weaker::More => "more",
    };
    format!("{mine} is {how} than in the default set ({theirs})")
}

/// Whether two texts say the same words (case, spacing and end punctuation aside).
fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end_matches(['.', '!'])
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// A reaction's day thresholds, each by the field that holds it.
fn thresholds(r: &ExpectedReaction) -> [(&'static str, &Steps); 4] {
    r.thresholds().map(|(aspect, t)| (aspect.field(), t))
}

/// The report of a symptom that gives a threshold its best chance to decide: only its own
/// condition holds (worsening, severe or a late start), everything else as mild as it goes.
fn most_favourable(id: &str, aspect: Aspect, day: f64) -> ReportedSymptom {
    ReportedSymptom {
        id: id.to_string(),
        severity: if matches!(aspect, Aspect::SevereAfter | Aspect::SevereAndWorseAfter) {
            Severity::Severe
        } else {
            Severity::Mild
        },
        trend: if matches!(aspect, Aspect::WorseAfter | Aspect::SevereAndWorseAfter) {
            Trend::Worsening
        } else {
            Trend::Improving
        },
        started_day: if aspect == Aspect::StartsAfter {
            day
        } else {
            0.0
        },
        description: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::run_examples;
    use crate::rules::DEFAULT_RULES;

    fn lint_text(text: &str) -> Vec<String> {
        let rules = RuleSet::parse(text, "clinic.toml").unwrap_or_else(|e| panic!("{e}"));
        let report = run_examples(&rules);
        lint(
            &rules,
            Some(crate::rules::built_in_for_tests()),
            Some(&report),
        )
        .iter()
        .map(Diagnostic::to_string)
        .collect()
    }

    fn edited(from: &str, to: &str) -> String {
        assert!(DEFAULT_RULES.contains(from), "{from}");
        DEFAULT_RULES.replacen(from, to, 1)
    }

    fn has(warnings: &[String], needle: &str) -> bool {
        warnings.iter().any(|w| w.contains(needle))
    }

    #[test]
    fn the_emergency_disposition_given_home_care_words_is_flagged() {
        let w = lint_text(&edited(
            "label = \"Call emergency services now\"\naction = \"Call {emergency} now. Do not drive yourself.\"",
            "label = \"Home care\"\naction = \"This is expected healing for this day. Follow the aftercare advice.\"",
        ));
        assert!(has(&w, "clinic.toml: disposition \"call_emergency_now\": label: \"Home care\" is the default set's label for home_care, less urgent than call_emergency_now"), "{w:#?}");
        assert!(
            has(
                &w,
                "disposition \"call_emergency_now\": action: \"This is expected healing"
            ),
            "{w:#?}"
        );
        // Any other change to the words is flagged for a person to check.
        let w = lint_text(&edited(
            "action = \"Contact {clinic} now (out of hours, {out_of_hours}) and be seen today.\"",
            "action = \"Contact the clinic when convenient.\"",
        ));
        assert!(has(&w, "disposition \"see_today\": action: \"Contact the clinic when convenient.\" differs from the default set's"), "{w:#?}");
        // Spacing, case and a full stop are not a change.
        let w = lint_text(&edited("label = \"See today\"", "label = \"see  today.\""));
        assert!(!has(&w, "disposition \"see_today\""), "{w:#?}");
    }

    #[test]
    fn a_changed_warning_sign_question_is_flagged() {
        let w = lint_text(&edited(
            "description = \"trouble breathing, wheezing, noisy breathing\"",
            "description = \"a slightly blocked nose\"",
        ));
        assert!(has(&w, "warning_sign \"difficulty_breathing\": description: \"a slightly blocked nose\" differs from the default set's \"trouble breathing, wheezing, noisy breathing\""), "{w:#?}");
    }

    #[test]
    fn advice_that_lifts_a_restriction_early_is_flagged() {
        let w = lint_text(&edited(
            "from_day = 0\nuntil_day = 1\ntext = \"No makeup for the first 24 hours.\"",
            "from_day = 0\nuntil_day = 0.5\ntext = \"No makeup for the first 24 hours.\"",
        ));
        assert!(has(&w, "advice \"no_makeup\": until_day: ends on day 0.5 where the default set ends it on day 1"), "{w:#?}");
        // A "don't" made a "do" would answer "yes" where the default says "not yet".
        let w = lint_text(&edited(
            "id = \"no_makeup\"\ntopic = \"makeup\"\nkind = \"dont\"",
            "id = \"no_makeup\"\ntopic = \"makeup\"\nkind = \"do\"",
        ));
        assert!(
            has(
                &w,
                "advice \"no_makeup\": kind: \"do\" where the default set has \"dont\""
            ),
            "{w:#?}"
        );
        let w = lint_text(&edited(
            "from_day = 0\nuntil_day = 3\ntext = \"No strenuous exercise",
            "from_day = 1\nuntil_day = 3\ntext = \"No strenuous exercise",
        ));
        assert!(
            has(&w, "advice \"no_exercise\": from_day: starts on day 1"),
            "{w:#?}"
        );
    }

    #[test]
    fn the_default_rules_have_no_warnings() {
        let rules = crate::rules::built_in_for_tests();
        let report = run_examples(rules);
        let warnings = lint(rules, Some(rules), Some(&report));
        assert!(warnings.is_empty(), "{warnings:#?}");
    }

    #[test]
    fn a_warning_sign_mapped_to_home_care_is_flagged() {
        let w = lint_text(&edited(
            "disposition = \"see_today\"\nlikely_cause = \"infection\"",
            "disposition = \"home_care\"\nlikely_cause = \"infection\"",
        ));
        assert!(
            has(
                &w,
                "clinic.toml: warning_sign \"fever\": disposition: is home_care"
            ),
            "{w:#?}"
        );
        assert!(has(&w, "less urgent than in the default set (see_today)"));
    }

    #[test]
    fn a_missing_emergency_sign_is_flagged() {
        let text = edited(
            "id = \"difficulty_breathing\"",
            "id = \"breathing_trouble\"",
        )
        .replace("\"difficulty_breathing\"", "\"breathing_trouble\"");
        let w = lint_text(&text);
        assert!(
            has(&w, "warning_sign \"difficulty_breathing\": missing: the default set has it as an emergency sign"),
            "{w:#?}"
        );
    }

    #[test]
    fn a_longer_window_and_a_milder_past_window_are_flagged() {
        let w = lint_text(&edited(
            "normal_until = 3\nok_if_improving_until = 7\npast_window = \"see_within_3_days\"",
            "normal_until = 5\nok_if_improving_until = 7\npast_window = \"see_within_2_weeks\"",
        ));
        assert!(has(&w, "expected_reaction \"redness\": normal_until: 5 is later than in the default set (3)"), "{w:#?}");
        assert!(has(
            &w,
            "expected_reaction \"redness\": past_window: see_within_2_weeks is less urgent"
        ));
    }

    #[test]
    fn a_past_window_of_home_care_is_flagged() {
        let w = lint_text(&edited(
            "past_window = \"see_within_2_weeks\"\ncourse = \"Milia",
            "past_window = \"home_care\"\ncourse = \"Milia",
        ));
        assert!(
            has(&w, "expected_reaction \"milia\": past_window: is home_care"),
            "{w:#?}"
        );
    }

    #[test]
    fn a_shadowed_threshold_is_flagged_and_an_equal_one_is_not() {
        // Crusting: normal until 5, past_window see_within_3_days. Worsening after day 5 is
        // not improving, so past_window already applies: a milder worse_after never decides.
        let crusting = "worse_after = { day = 5, disposition = \"see_within_3_days\" }\nstarts_after = { day = 3, disposition = \"see_within_3_days\" }\ncourse = \"Small crusts";
        let w = lint_text(&edited(
            crusting,
            &crusting.replacen("see_within_3_days", "see_within_2_weeks", 1),
        ));
        assert!(
            has(&w, "expected_reaction \"crusting\": worse_after: is shadowed: whenever it fires, crusting.not_improving (see_within_3_days) is more urgent"),
            "{w:#?}"
        );
        // The same threshold before the window ends decides on the days between.
        let w = lint_text(&edited(
            crusting,
            &crusting
                .replacen("see_within_3_days", "see_within_2_weeks", 1)
                .replacen("day = 5", "day = 4", 1),
        ));
        assert!(!has(&w, "is shadowed"), "{w:#?}");
    }

    #[test]
    fn a_clinic_block_is_no_change_of_words() {
        let text = format!(
            "{}\n[clinic]\nname = \"Riverside Skin Clinic\"\nphone = \"020 7946 0000\"\nemergency_number = \"999\"\n",
            crate::rules::before_examples(DEFAULT_RULES)
        );
        let w = lint_text(&text);
        assert!(!has(&w, "differs from the default set"), "{w:#?}");
    }

    #[test]
    fn emergency_words_said_as_home_care_stop_the_file() {
        let rules = RuleSet::parse(
            &edited(
                "label = \"Call emergency services now\"\naction = \"Call {emergency} now. Do not drive yourself.\"",
                "label = \"Home care\"\naction = \"This is expected healing for this day. Follow the aftercare advice.\"",
            ),
            "clinic.toml",
        )
        .unwrap();
        let warnings = lint(&rules, Some(crate::rules::built_in_for_tests()), None);
        assert!(Diagnostic::any_error(&warnings), "{warnings:#?}");
        // A plain difference of words is said, and does not stop the file.
        let rules = RuleSet::parse(
            &edited(
                "label = \"Call emergency services now\"",
                "label = \"Call an ambulance now\"",
            ),
            "clinic.toml",
        )
        .unwrap();
        let warnings = lint(&rules, Some(crate::rules::built_in_for_tests()), None);
        assert!(!warnings.is_empty() && !Diagnostic::any_error(&warnings));
    }

    #[test]
    fn a_missing_later_or_milder_step_is_weaker_than_the_default() {
        let steps = "worse_after = [\n  { day = 1, disposition = \"see_within_3_days\" },\n  { day = 2, disposition = \"see_today\" },\n]";
        let rule = "expected_reaction \"redness\": worse_after";
        // The see-today step dropped.
        let w = lint_text(&edited(
            steps,
            "worse_after = { day = 1, disposition = \"see_within_3_days\" }",
        ));
        assert!(has(&w, &format!("{rule}.disposition: see_within_3_days is less urgent than in the default set (see_today)")), "{w:#?}");
        // The first step later.
        let w = lint_text(&edited(
            steps,
            "worse_after = [\n  { day = 1.5, disposition = \"see_within_3_days\" },\n  { day = 2, disposition = \"see_today\" },\n]",
        ));
        assert!(
            has(
                &w,
                &format!("{rule}.day: 1.5 is later than in the default set (1)")
            ),
            "{w:#?}"
        );
        // A milder first step.
        let w = lint_text(&edited(
            steps,
            "worse_after = [\n  { day = 1, disposition = \"see_within_2_weeks\" },\n  { day = 2, disposition = \"see_today\" },\n]",
        ));
        assert!(
            has(
                &w,
                &format!("{rule}.disposition: see_within_2_weeks is less urgent")
            ),
            "{w:#?}"
        );
        // One step as urgent as both, from the first day: not weaker.
        let w = lint_text(&edited(
            steps,
            "worse_after = { day = 1, disposition = \"see_today\" }",
        ));
        assert!(!has(&w, "redness\": worse_after"), "{w:#?}");
    }

    #[test]
    fn a_later_until_day_or_a_dropped_qualifier_alternative_is_weaker() {
        let w = lint_text(&edited(
            "{ any_of = [\"pain\"], severe_or_worsening = true }]\nuntil_day = 2",
            "{ any_of = [\"pain\"], worsening = true }]\nuntil_day = 1",
        ));
        assert!(has(&w, "combination \"injected_with_pain\": until_day: 1 is earlier than in the default set (2)"), "{w:#?}");
        assert!(has(&w, "combination \"injected_with_pain\": members: does not fire for injected + pain severe together"), "{w:#?}");
        let w = lint_text(&edited(
            "severe_and_worsening_early = { until_day = 1, disposition = \"go_to_ed_now\" }",
            "severe_and_worsening_early = { until_day = 0.5, disposition = \"see_today\" }",
        ));
        assert!(
            has(
                &w,
                "other \"other\": severe_and_worsening_early.until_day: 0.5 is earlier"
            ),
            "{w:#?}"
        );
        assert!(
            has(
                &w,
                "other \"other\": severe_and_worsening_early.disposition: see_today is less urgent"
            ),
            "{w:#?}"
        );
    }

    #[test]
    fn an_unreachable_threshold_is_flagged() {
        let w = lint_text(&edited(
            "worse_after = { day = 7, disposition = \"see_within_3_days\" }\nstarts_after = { day = 10, disposition = \"see_within_2_weeks\" }",
            "worse_after = { day = 7, disposition = \"see_within_3_days\" }\nstarts_after = { day = 36525, disposition = \"see_within_2_weeks\" }",
        ));
        assert!(
            has(
                &w,
                "expected_reaction \"breakouts\": starts_after.day: 36525 is unreachable"
            ),
            "{w:#?}"
        );
    }

    #[test]
    fn a_weaker_combination_and_repeat_contact_are_flagged() {
        let text = edited(
            "members = [\n  { any_of = [\"fever\", \"chills\"] },\n  { any_of = [\"spreading_redness\", \"red_streaks\", \"rapidly_spreading_swelling\"] },\n]\ndisposition = \"go_to_ed_now\"",
            "members = [\n  { any_of = [\"fever\"] },\n  { any_of = [\"spreading_redness\", \"red_streaks\", \"rapidly_spreading_swelling\"] },\n  { any_of = [\"pus\"] },\n]\ndisposition = \"see_today\"",
        );
        let text = text.replacen(
            "id = \"repeat_contact\"\ndisposition = \"see_today\"",
            "id = \"repeat_contact\"\ndisposition = \"see_within_3_days\"",
            1,
        );
        let w = lint_text(&text);
        let combo = "combination \"fever_with_spreading_infection\"";
        assert!(
            has(
                &w,
                &format!("{combo}: disposition: see_today is less urgent")
            ),
            "{w:#?}"
        );
        assert!(has(
            &w,
            &format!("{combo}: disposition: see_today is never more urgent than its symptoms")
        ));
        // The added member (pus) and the dropped alternative (chills) both weaken it.
        assert!(has(
            &w,
            &format!("{combo}: members: does not fire for fever + spreading_redness together")
        ));
        assert!(has(
            &w,
            &format!("{combo}: members: does not fire for chills + red_streaks together")
        ));
        assert!(has(
            &w,
            "repeat_contact \"repeat_contact\": disposition: see_within_3_days is below see_today"
        ));
    }

    #[test]
    fn the_new_parts_of_1_1_are_linted_against_the_default() {
        // A dropped qualifier-free combination.
        let text = edited(
            "[[combination]]\nid = \"fever_with_stiff_neck\"",
            "[[combination]]\nid = \"fever_with_stiff_neck_local\"",
        );
        let w = lint_text(crate::rules::before_examples(&text));
        assert!(
            has(&w, "combination \"fever_with_stiff_neck\": missing: the default set has it (call_emergency_now when (fever or chills) + stiff_neck together)"),
            "{w:#?}"
        );
        // A dropped qualifier: swelling no longer has to be worsening is stricter, not
        // weaker; a qualifier added where the default has none is weaker.
        let w = lint_text(&edited(
            "members = [{ any_of = [\"hives\"] }, { any_of = [\"swelling\"], worsening = true }]",
            "members = [{ any_of = [\"hives\"] }, { any_of = [\"swelling\"], worsening = true, outside_window = true }]",
        ));
        assert!(
            has(&w, "combination \"hives_with_growing_swelling\": members: does not fire for hives + swelling worsening together"),
            "{w:#?}"
        );
        // A raised cluster count, a stricter severity, a dropped id.
        let w = lint_text(&edited(
            "count = 2\nseverity = \"severe\"",
            "count = 3\nseverity = \"severe\"",
        ));
        assert!(
            has(&w, "cluster \"several_strong_reactions\": count: 3 is more than in the default set (2)"),
            "{w:#?}"
        );
        let w = lint_text(&edited(
            "among = [\"redness\", \"swelling\",",
            "among = [\"redness\",",
        ));
        assert!(
            has(
                &w,
                "cluster \"several_strong_reactions\": among: \"swelling\" is not counted"
            ),
            "{w:#?}"
        );
        // A milder `other` (still valid: see_within_3_days is the least accepted).
        let w = lint_text(&edited(
            "severe_or_worsening = \"see_today\"",
            "severe_or_worsening = \"see_within_3_days\"",
        ));
        assert!(
            has(&w, "other \"other\": severe_or_worsening: see_within_3_days is less urgent than in the default set (see_today)"),
            "{w:#?}"
        );
        // A missing and a milder severe_and_worse_after.
        let text = edited(
            "severe_and_worse_after = { day = 0.5, disposition = \"see_today\" }\n",
            "",
        );
        let w = lint_text(crate::rules::before_examples(&text));
        assert!(
            has(&w, "expected_reaction \"swelling\": severe_and_worse_after: missing: the default set has severe_and_worse_after 0.5 -> see_today"),
            "{w:#?}"
        );
        let w = lint_text(&edited(
            "severe_and_worse_after = { day = 1, disposition = \"see_today\" }",
            "severe_and_worse_after = { day = 1.5, disposition = \"see_within_3_days\" }",
        ));
        assert!(
            has(
                &w,
                "expected_reaction \"redness\": severe_and_worse_after.day: 1.5 is later"
            ),
            "{w:#?}"
        );
        assert!(has(&w, "expected_reaction \"redness\": severe_and_worse_after.disposition: see_within_3_days is less urgent"), "{w:#?}");
    }

    #[test]
    fn an_id_as_label_a_missing_note_and_an_uncovered_rule_are_flagged() {
        let text = edited("label = \"Chills\"", "label = \"chills\"").replacen(
                "source_note = \"nerve injury reported with radio-frequency micro-needling (FDA safety communication, October 2025)\"",
                "",
                1,
            );
        // Drop the one example of numbness.
        let start = text.find("[[example]]\nid = \"numbness-day1\"").unwrap();
        let end = start + text[start..].find("\n\n").unwrap();
        let text = format!("{}{}", &text[..start], &text[end..]);
        let w = lint_text(&text);
        assert!(
            has(&w, "warning_sign \"chills\": label: \"chills\" is an id"),
            "{w:#?}"
        );
        assert!(has(&w, "warning_sign \"numbness\": source_note: missing"));
        assert!(has(
            &w,
            "warning_sign \"numbness\": no example makes rule \"numbness\" fire"
        ));
    }
}
