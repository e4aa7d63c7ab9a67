//! The triage itself: a pure function of (case, rules). The time since treatment is already
//! in the case; no clock, terminal or file is touched here.
//!
//! `triage` finds which rules fire and is cheap (no text); `explain` turns that into the
//! words a person reads. Batch runs that want only codes skip `explain`.

use chrono::{DateTime, FixedOffset};

use crate::input::{CaseInput, InputError};
use crate::model::*;
pub use crate::rules::{Aspect, RuleRef};
use crate::rules::{MemberRef, MemberState, RuleSet, SymptomRef};

/// What an unknown symptom gets: it cannot be judged normal, so a clinician should see it.
pub const UNKNOWN_SYMPTOM_DISPOSITION: Disposition = Disposition::SeeToday;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub rule: RuleRef,
    pub disposition: Disposition,
}

/// What one finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The index of the reported symptom in the case (the worst report of that id).
    Symptom(usize),
    Combination(usize),
    Cluster(usize),
    RepeatContact,
}

/// One finding before it is put into words: the deciding rule first, then any others.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFinding {
    pub subject: Subject,
    pub hit: Hit,
    pub also: Vec<Hit>,
}

impl RawFinding {
    pub fn disposition(&self) -> Disposition {
        self.hit.disposition
    }
}

/// The outcome of the rules for one case.
#[derive(Debug, Clone, PartialEq)]
pub struct Triage {
    pub disposition: Disposition,
    pub findings: Vec<RawFinding>,
}

/// Resolves a case's time against `now` (used only when the case has no `assessed_at`),
/// then triages and explains it.
pub fn assess_input(
    input: &CaseInput,
    rules: &RuleSet,
    now: DateTime<FixedOffset>,
) -> Result<Assessment, InputError> {
    let case = input.resolve(rules, now)?;
    Ok(assess(&case, rules))
}

/// The whole answer for a case: triage plus the words.
pub fn assess(case: &Case, rules: &RuleSet) -> Assessment {
    explain(case, &triage(case, rules), rules)
}

/// Which rules fire for a case, and the most urgent disposition among them.
pub fn triage(case: &Case, rules: &RuleSet) -> Triage {
    let day = case.days_since_treatment;
    let mut findings: Vec<RawFinding> = Vec::with_capacity(case.symptoms.len() + 1);
    let mut present = Present::default();
    // One buffer for every symptom's hits; a finding keeps only its other rules, if any.
    let mut hits = Vec::new();

    for (index, symptom) in case.symptoms.iter().enumerate() {
        let Some(sref) = rules.lookup(&symptom.id) else {
            findings.push(RawFinding {
                subject: Subject::Symptom(index),
                hit: Hit {
                    rule: RuleRef::UnknownSymptom,
                    disposition: UNKNOWN_SYMPTOM_DISPOSITION,
                },
                also: Vec::new(),
            });
            continue;
        };
        symptom_hits(sref, symptom, day, rules, &mut hits);
        let first = take_most_urgent(&mut hits);
        let reported_before = !present.mark(
            sref,
            MemberState {
                present: true,
                worsening: symptom.trend == Trend::Worsening,
                // Its own finding above home care: outside its normal window.
                outside_window: first.disposition > Disposition::HomeCare,
            },
        );
        let finding = RawFinding {
            subject: Subject::Symptom(index),
            hit: first,
            also: hits.to_vec(),
        };
        // The same symptom reported twice: the worse report counts. `other` is never merged:
        // each is something different in the person's own words.
        let earlier = if reported_before && sref != SymptomRef::Other {
            findings.iter_mut().find(
                |f| matches!(f.subject, Subject::Symptom(j) if case.symptoms[j].id == symptom.id),
            )
        } else {
            None
        };
        match earlier {
            Some(existing) if existing.disposition() >= finding.disposition() => {}
            Some(existing) => *existing = finding,
            None => findings.push(finding),
        }
    }

    let risk_factors = risk_factor_bits(case, rules);
    for (i, c) in rules.combinations.iter().enumerate() {
        if c.fires(|r| member_state(r, &present, risk_factors)) {
            findings.push(RawFinding {
                subject: Subject::Combination(i),
                hit: Hit {
                    rule: RuleRef::Combination(i),
                    disposition: c.disposition,
                },
                also: Vec::new(),
            });
        }
    }

    for (i, c) in rules.clusters.iter().enumerate() {
        if cluster_count(c, case, rules) >= c.count {
            findings.push(RawFinding {
                subject: Subject::Cluster(i),
                hit: Hit {
                    rule: RuleRef::Cluster(i),
                    disposition: c.disposition,
                },
                also: Vec::new(),
            });
        }
    }

    if case.repeat_contact {
        findings.push(RawFinding {
            subject: Subject::RepeatContact,
            hit: Hit {
                rule: RuleRef::RepeatContact,
                disposition: rules.repeat_contact.disposition,
            },
            also: Vec::new(),
        });
    }

    // Most urgent first, so that whoever reads the list (a worried person, a nurse) meets
    // the reason for the disposition before anything that is normal; ties keep input order.
    findings.sort_by_key(|f| std::cmp::Reverse(f.disposition()));
    let disposition = findings
        .first()
        .map_or(Disposition::HomeCare, RawFinding::disposition);
    Triage {
        disposition,
        findings,
    }
}

/// What a case reports of each symptom of the rule set, by table position: bits for the
/// first 64 of each table, a list for any beyond.
#[derive(Default)]
pub(crate) struct Present {
    reactions: [u64; 3],
    signs: [u64; 3],
    other: MemberState,
    beyond: Vec<(SymptomRef, MemberState)>,
}

impl Present {
    /// Adds what one report says (each quality counts once any report has it); false when
    /// the symptom was already reported.
    pub(crate) fn mark(&mut self, s: SymptomRef, state: MemberState) -> bool {
        let flags = [state.present, state.worsening, state.outside_window];
        let (bits, i) = match s {
            SymptomRef::Reaction(i) if i < 64 => (&mut self.reactions, i),
            SymptomRef::WarningSign(i) if i < 64 => (&mut self.signs, i),
            SymptomRef::Other => {
                let new = !self.other.present;
                self.other.present |= state.present;
                self.other.worsening |= state.worsening;
                self.other.outside_window |= state.outside_window;
                return new;
            }
            other => {
                return match self.beyond.iter_mut().find(|(r, _)| *r == other) {
                    Some((_, st)) => {
                        st.worsening |= state.worsening;
                        st.outside_window |= state.outside_window;
                        false
                    }
                    None => {
                        self.beyond.push((other, state));
                        true
                    }
                };
            }
        };
        let new = bits[0] & (1 << i) == 0;
        for (b, f) in bits.iter_mut().zip(flags) {
            if f {
                *b |= 1 << i;
            }
        }
        new
    }

    pub(crate) fn get(&self, s: SymptomRef) -> MemberState {
        let (bits, i) = match s {
            SymptomRef::Reaction(i) if i < 64 => (&self.reactions, i),
            SymptomRef::WarningSign(i) if i < 64 => (&self.signs, i),
            SymptomRef::Other => return self.other,
            other => {
                return self
                    .beyond
                    .iter()
                    .find(|(r, _)| *r == other)
                    .map_or_else(MemberState::default, |(_, st)| *st)
            }
        };
        MemberState {
            present: bits[0] & (1 << i) != 0,
            worsening: bits[1] & (1 << i) != 0,
            outside_window: bits[2] & (1 << i) != 0,
        }
    }
}

/// What a case reports of each symptom (present, worsening, outside its window), as the
/// combinations read it.
pub(crate) fn known_states(case: &Case, rules: &RuleSet) -> Present {
    let mut present = Present::default();
    let mut hits = Vec::new();
    for symptom in &case.symptoms {
        let Some(sref) = rules.lookup(&symptom.id) else {
            continue;
        };
        symptom_hits(sref, symptom, case.days_since_treatment, rules, &mut hits);
        let first = take_most_urgent(&mut hits);
        present.mark(
            sref,
            MemberState {
                present: true,
                worsening: symptom.trend == Trend::Worsening,
                outside_window: first.disposition > Disposition::HomeCare,
            },
        );
    }
    present
}

/// The risk factors a case names, as bits by their position in the rule set (a rule set has
/// a handful; any beyond 128 would never be set, and validation keeps files far smaller).
fn risk_factor_bits(case: &Case, rules: &RuleSet) -> u128 {
    let mut bits = 0u128;
    for id in &case.risk_factors {
        if let Some((i, _)) = rules.risk_factor(id) {
            if i < 128 {
                bits |= 1 << i;
            }
        }
    }
    bits
}

fn member_state(r: MemberRef, present: &Present, risk_factors: u128) -> MemberState {
    match r {
        MemberRef::Symptom(s) => present.get(s),
        MemberRef::RiskFactor(i) => MemberState {
            present: i < 128 && risk_factors & (1 << i) != 0,
            worsening: false,
            outside_window: false,
        },
    }
}

/// How many different ids of a cluster are reported at its severity and trend.
fn cluster_count(c: &crate::rules::Cluster, case: &Case, rules: &RuleSet) -> usize {
    let mut counted: Vec<SymptomRef> = Vec::new();
    for s in &case.symptoms {
        let Some(r) = rules.lookup(&s.id) else {
            continue;
        };
        if c.among_refs.contains(&r) && c.counts(s) && !counted.contains(&r) {
            counted.push(r);
        }
    }
    counted.len()
}

/// Removes and returns the most urgent hit; on a tie the first, which is the more specific.
fn take_most_urgent(hits: &mut Vec<Hit>) -> Hit {
    let mut best = 0;
    for (i, h) in hits.iter().enumerate() {
        if h.disposition > hits[best].disposition {
            best = i;
        }
    }
    hits.remove(best)
}

/// Every rule that fires for one reported symptom (never empty), into `hits`.
fn symptom_hits(
    sref: SymptomRef,
    s: &ReportedSymptom,
    day: f64,
    rules: &RuleSet,
    hits: &mut Vec<Hit>,
) {
    hits.clear();
    match sref {
        SymptomRef::WarningSign(i) => hits.push(Hit {
            rule: RuleRef::WarningSign(i),
            disposition: rules.warning_signs[i].disposition,
        }),
        SymptomRef::Other => {
            // Never interpreted: what the words say cannot make it milder or more urgent.
            let o = rules
                .other
                .as_ref()
                .expect("`other` is looked up only when the rule set has it");
            hits.push(Hit {
                rule: RuleRef::Other { raised: false },
                disposition: o.disposition,
            });
            if s.severity == Severity::Severe || s.trend == Trend::Worsening {
                hits.push(Hit {
                    rule: RuleRef::Other { raised: true },
                    disposition: o.severe_or_worsening,
                });
            }
        }
        SymptomRef::Reaction(i) => {
            let r = &rules.reactions[i];
            let hit = |aspect, disposition| Hit {
                rule: RuleRef::Reaction(i, aspect),
                disposition,
            };
            // "until" is inclusive, "after" is strict; unknown trend is never "improving".
            hits.push(if day <= r.normal_until {
                hit(Aspect::Window, Disposition::HomeCare)
            } else if day <= r.ok_if_improving_until {
                if s.trend == Trend::Improving {
                    hit(Aspect::Improving, Disposition::HomeCare)
                } else {
                    hit(Aspect::NotImproving, r.past_window)
                }
            } else {
                hit(Aspect::PastWindow, r.past_window)
            });
            if let Some(t) = r.worse_after {
                if s.trend == Trend::Worsening && day > t.day {
                    hits.push(hit(Aspect::WorseAfter, t.disposition));
                }
            }
            if let Some(t) = r.severe_after {
                if s.severity == Severity::Severe && day > t.day {
                    hits.push(hit(Aspect::SevereAfter, t.disposition));
                }
            }
            if let Some(t) = r.severe_and_worse_after {
                if s.severity == Severity::Severe && s.trend == Trend::Worsening && day > t.day {
                    hits.push(hit(Aspect::SevereAndWorseAfter, t.disposition));
                }
            }
            if let Some(t) = r.starts_after {
                if s.started_day > t.day {
                    hits.push(hit(Aspect::StartsAfter, t.disposition));
                }
            }
        }
    }
    let late = &rules.late_presentation;
    if day > late.after_day {
        hits.push(Hit {
            rule: RuleRef::LatePresentation,
            disposition: late.disposition,
        });
    }
}

/// Puts a triage into words: reasons, today's aftercare, what to expect, when to call back.
pub fn explain(case: &Case, triage: &Triage, rules: &RuleSet) -> Assessment {
    let day = case.days_since_treatment;
    let findings = triage
        .findings
        .iter()
        .map(|f| Finding {
            kind: match (f.subject, f.hit.rule) {
                (Subject::Combination(_), _) => FindingKind::Combination,
                (Subject::Cluster(_), _) => FindingKind::Cluster,
                (Subject::RepeatContact, _) => FindingKind::RepeatContact,
                (Subject::Symptom(i), _) => match rules.lookup(&case.symptoms[i].id) {
                    Some(SymptomRef::Reaction(_)) => FindingKind::ExpectedReaction,
                    Some(SymptomRef::Other) => FindingKind::Other,
                    _ => FindingKind::WarningSign,
                },
            },
            symptom: subject_name(f.subject, case, rules),
            disposition: f.hit.disposition,
            rule: f.hit.rule.id(rules),
            reason: reason(f.hit, f.subject, case, rules),
            also: f
                .also
                .iter()
                .map(|h| RuleHit {
                    rule: h.rule.id(rules),
                    disposition: h.disposition,
                    reason: reason(*h, f.subject, case, rules),
                })
                .collect(),
        })
        .collect();
    let text = rules.disposition_text(triage.disposition);
    Assessment {
        format: RESULT_FORMAT,
        id: case.id.clone(),
        assessed_at: case.assessed_at.map(|t| t.to_rfc3339()),
        disposition: triage.disposition,
        action: text.action.clone(),
        days_since_treatment: day,
        shortest_days_since_treatment: (case.shortest_days_since_treatment != day)
            .then_some(case.shortest_days_since_treatment),
        findings,
        // The shortest reading of the time: no restriction is lifted early.
        advice: advice_for_day(rules, case.shortest_days_since_treatment),
        expect_next: expect_next(case, triage, rules),
        call_back: call_back(case, triage, rules),
        rule_set: rules.id(),
    }
}

/// What a finding is about, as results name it: the symptom id, a combination's present
/// symptoms joined by "+", or nothing for a repeat contact.
pub fn subject_name(subject: Subject, case: &Case, rules: &RuleSet) -> Option<String> {
    match subject {
        Subject::Symptom(i) => Some(case.symptoms[i].id.clone()),
        Subject::Combination(c) => {
            let combo = &rules.combinations[c];
            let present = |id: &String| {
                case.symptoms.iter().any(|s| &s.id == id) || case.risk_factors.contains(id)
            };
            let names: Vec<&str> = combo
                .members
                .iter()
                .flat_map(|m| m.any_of.iter().filter(|id| present(id)))
                .map(String::as_str)
                .collect();
            Some(names.join("+"))
        }
        Subject::Cluster(c) => {
            let cluster = &rules.clusters[c];
            let mut names: Vec<&str> = Vec::new();
            for s in &case.symptoms {
                if cluster.among.contains(&s.id)
                    && cluster.counts(s)
                    && !names.contains(&s.id.as_str())
                {
                    names.push(&s.id);
                }
            }
            Some(names.join("+"))
        }
        Subject::RepeatContact => None,
    }
}

/// The plain-words label of a symptom, lower-cased for use inside a sentence.
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(|c| c.is_lowercase()) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => label.to_string(),
    }
}

/// When, as people count it: "on day 5" on a whole day, else the days and hours since the
/// treatment ("2 days and 18 hours after the treatment", "6 hours after the treatment"), never
/// a decimal day, and never more than has passed (whole hours gone, not rounded up past a
/// threshold the reason names).
fn on_day(day: f64) -> String {
    let hours = (day * 24.0).floor() as i64;
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let (d, h) = (hours / 24, hours % 24);
    if hours == 0 {
        "just after the treatment".to_string()
    } else if d == 0 {
        format!("{} after the treatment", plural(h, "hour"))
    } else if day.fract() == 0.0 {
        format!("on day {}", fmt_day(day))
    } else if h == 0 {
        format!("{} after the treatment", plural(d, "day"))
    } else {
        format!(
            "{} and {} after the treatment",
            plural(d, "day"),
            plural(h, "hour")
        )
    }
}

/// A reason a person can read, with the numbers behind it.
pub fn reason(hit: Hit, subject: Subject, case: &Case, rules: &RuleSet) -> String {
    let day = case.days_since_treatment;
    let on_day = on_day(day);
    let symptom = match subject {
        Subject::Symptom(i) => case.symptoms.get(i),
        _ => None,
    };
    let name = symptom
        .and_then(|s| rules.symptom_text(&s.id))
        .map(|t| in_sentence(t.label))
        .unwrap_or_else(|| "this symptom".into());
    match hit.rule {
        RuleRef::Reaction(i, aspect) => {
            let r = &rules.reactions[i];
            let (normal, ok) = (fmt_day(r.normal_until), fmt_day(r.ok_if_improving_until));
            match aspect {
                Aspect::Window => format!(
                    "{name} {on_day} is within its usual window (up to day {normal})"
                ),
                Aspect::Improving => format!(
                    "{name} {on_day} is past its usual {normal} days but is improving, which is expected up to day {ok}"
                ),
                Aspect::NotImproving => format!(
                    "{name} {on_day} is past its usual {normal} days and is not improving"
                ),
                Aspect::PastWindow => format!(
                    "{name} {on_day} has lasted beyond day {ok}, longer than normal healing explains even when improving"
                ),
                Aspect::WorseAfter => format!(
                    "{name} getting worse {on_day} (after day {}) is not part of normal healing",
                    fmt_day(r.worse_after.map_or(0.0, |t| t.day))
                ),
                Aspect::SevereAfter => format!(
                    "severe {name} {on_day} (after day {}) is more than normal healing",
                    fmt_day(r.severe_after.map_or(0.0, |t| t.day))
                ),
                Aspect::SevereAndWorseAfter => format!(
                    "severe {name} that is still getting worse {on_day} (after day {}) is more than normal healing",
                    fmt_day(r.severe_and_worse_after.map_or(0.0, |t| t.day))
                ),
                Aspect::StartsAfter => format!(
                    "{name} that started on day {} (after day {}) is a late or new reaction, not part of normal healing",
                    fmt_day(symptom.map_or(0.0, |s| s.started_day)),
                    fmt_day(r.starts_after.map_or(0.0, |t| t.day))
                ),
            }
        }
        RuleRef::WarningSign(i) => {
            let w = &rules.warning_signs[i];
            format!(
                "{name} is a warning sign that is never part of normal healing (possible cause: {})",
                w.likely_cause
            )
        }
        RuleRef::Other { raised } => {
            let words = symptom.and_then(|s| s.description.as_deref()).unwrap_or("");
            if raised {
                format!(
                    "something not on the list ({words:?}) that is severe or getting worse needs a clinician today; the tool does not interpret it"
                )
            } else {
                format!(
                    "something not on the list ({words:?}) cannot be judged as normal healing; a clinician should look at it (the tool does not interpret it)"
                )
            }
        }
        RuleRef::Combination(i) => rules.combinations[i].reason.clone(),
        RuleRef::Cluster(i) => rules.clusters[i].reason.clone(),
        RuleRef::RepeatContact => rules.repeat_contact.reason.clone(),
        RuleRef::UnknownSymptom => format!(
            "{:?} is not a symptom this rule set knows, so it cannot be judged as normal",
            symptom.map_or("", |s| s.id.as_str())
        ),
        RuleRef::LatePresentation => format!(
            "{name} {on_day} (after day {}): {}",
            fmt_day(rules.late_presentation.after_day),
            rules.late_presentation.reason
        ),
    }
}

/// The aftercare that applies on `day`, in rule-file order.
pub fn advice_for_day(rules: &RuleSet, day: f64) -> Vec<AdviceItem> {
    rules
        .advice
        .iter()
        .filter(|a| a.applies_on(day))
        .map(|a| AdviceItem {
            id: a.id.clone(),
            topic: a.topic.clone(),
            kind: a.kind,
            text: a.text.clone(),
            until_day: a.until_day,
            then: a.then.clone(),
        })
        .collect()
}

/// What normally happens in the coming days: the course of each reported reaction that is
/// still within its window, and the aftercare that changes soon.
pub fn expect_next(case: &Case, triage: &Triage, rules: &RuleSet) -> Vec<String> {
    let mut out = Vec::new();
    for f in &triage.findings {
        let (Subject::Symptom(_), RuleRef::Reaction(r, Aspect::Window | Aspect::Improving)) =
            (f.subject, f.hit.rule)
        else {
            continue;
        };
        if f.hit.disposition != Disposition::HomeCare {
            continue;
        }
        out.push(reaction_course(&rules.reactions[r]));
    }
    out.extend(upcoming_advice_changes(
        rules,
        case.shortest_days_since_treatment,
    ));
    out
}

/// The normal course of an expected reaction, from the rule file or from its window.
pub fn reaction_course(r: &crate::rules::ExpectedReaction) -> String {
    match &r.course {
        Some(course) => format!("{}: {}", r.label, course),
        None if r.ok_if_improving_until > r.normal_until => format!(
            "{}: usually settles by day {}; if it keeps improving it can last until day {}.",
            r.label,
            fmt_day(r.normal_until),
            fmt_day(r.ok_if_improving_until)
        ),
        None => format!(
            "{}: usually settles by day {}.",
            r.label,
            fmt_day(r.normal_until)
        ),
    }
}

/// Aftercare that stops or starts within the look-ahead, as the `advice` page says it
/// ("From day 3: light exercise is fine; …", "From 24 hours after the treatment: …").
pub fn upcoming_advice_changes(rules: &RuleSet, day: f64) -> Vec<String> {
    crate::rules::advice_words::coming_up_in_days(rules, day)
}

/// The safety net: what would make the person call back or escalate.
pub fn call_back(case: &Case, triage: &Triage, rules: &RuleSet) -> Vec<String> {
    if triage.disposition == Disposition::CallEmergencyNow {
        // One short instruction, nothing to read.
        return Vec::new();
    }
    let day = case.days_since_treatment;
    let mut out = Vec::new();
    let text = rules.disposition_text(triage.disposition);
    if !text.call_back.trim().is_empty() {
        out.push(text.call_back.clone());
    }
    for f in &triage.findings {
        let (Subject::Symptom(_), RuleRef::Reaction(r, Aspect::Window | Aspect::Improving)) =
            (f.subject, f.hit.rule)
        else {
            continue;
        };
        let r = &rules.reactions[r];
        let label = in_sentence(&r.label);
        let mut when = Vec::new();
        if day <= r.normal_until && r.ok_if_improving_until > r.normal_until {
            when.push(format!(
                "is not improving after day {}",
                fmt_day(r.normal_until)
            ));
        }
        when.push(format!(
            "is still there after day {}",
            fmt_day(r.ok_if_improving_until)
        ));
        for (t, change) in [
            (r.worse_after, "gets worse"),
            (r.severe_after, "becomes severe"),
            (
                r.severe_and_worse_after,
                "becomes severe and keeps getting worse",
            ),
        ] {
            let Some(t) = t else { continue };
            if t.day >= day {
                when.push(format!("{change} after day {}", fmt_day(t.day)));
            } else {
                when.push(change.to_string());
            }
        }
        out.push(format!(
            "Call the clinic if the {label} {}.",
            join_or(&when)
        ));
    }
    for (d, lead) in [
        (
            Disposition::CallEmergencyNow,
            "Call emergency services at once for",
        ),
        (
            Disposition::GoToEdNow,
            "Go to an emergency department now for",
        ),
    ] {
        if triage.disposition < d {
            let signs: Vec<String> = rules
                .warning_signs
                .iter()
                .filter(|w| w.disposition == d)
                .map(|w| in_sentence(&w.label))
                .collect();
            if !signs.is_empty() {
                out.push(format!("{lead}: {}.", signs.join(", ")));
            }
        }
    }
    out
}

fn join_or(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}
