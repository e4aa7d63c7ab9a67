//! Which rules fire for a case, and the most urgent disposition among them: no words.

use super::{Hit, RawFinding, Subject, Triage};
use crate::model::*;
use crate::rules::{Aspect, MemberRef, MemberState, RuleRef, RuleSet, SymptomRef};

/// What an unknown symptom gets: it cannot be judged normal, so a clinician should see it.
pub const UNKNOWN_SYMPTOM_DISPOSITION: Disposition = Disposition::SeeToday;

/// Which rules fire for a case, and the most urgent disposition among them.
pub fn triage(case: &Case, rules: &RuleSet) -> Triage {
    triage_at(case, rules, true)
}

/// The triage of a case whose time since treatment could not be read (a refusal's floor,
/// [`crate::refusal`]): its `days_since_treatment` is ignored. Warning signs, `other`,
/// combinations without a window, the cluster and a repeat contact count; a reaction counts
/// only through those, since its window cannot be judged. Never more urgent than the
/// triage of the same case at any time.
pub fn triage_without_time(case: &Case, rules: &RuleSet) -> Triage {
    triage_at(case, rules, false)
}

/// Whether a rule reads the time since treatment, and so cannot fire without one.
fn needs_time(rule: RuleRef) -> bool {
    // without a time: every rule that reads the day belongs here (a rule added for a day
    // range, such as one for the first day only, is added to this list).
    matches!(
        rule,
        RuleRef::Reaction(..) | RuleRef::LatePresentation | RuleRef::OtherEarly
    )
}

/// The triage of a case, with or without its time since treatment: each reported symptom's
/// finding, then the combinations, the clusters and a repeat contact, most urgent first.
fn triage_at(case: &Case, rules: &RuleSet, time_known: bool) -> Triage {
    let mut findings: Vec<RawFinding> = Vec::with_capacity(case.symptoms.len() + 1);
    let present = symptom_findings(case, rules, time_known, &mut findings);
    combination_findings(case, rules, &present, time_known, &mut findings);
    cluster_findings(case, rules, &mut findings);
    if case.repeat_contact {
        findings.push(RawFinding::alone(
            Subject::RepeatContact,
            RuleRef::RepeatContact,
            rules.repeat_contact.disposition,
        ));
    }
    most_urgent_first(findings)
}

impl RawFinding {
    /// A finding that rests on one rule.
    fn alone(subject: Subject, rule: RuleRef, disposition: Disposition) -> RawFinding {
        RawFinding {
            subject,
            hit: Hit { rule, disposition },
            also: Vec::new(),
        }
    }
}

/// Each reported symptom's finding, its most urgent rule deciding, into `findings`. Returns
/// what the case reports of each symptom, as the combinations read it.
fn symptom_findings(
    case: &Case,
    rules: &RuleSet,
    time_known: bool,
    findings: &mut Vec<RawFinding>,
) -> Present {
    let day = case.days_since_treatment;
    let mut present = Present::default();
    // One buffer for every symptom's hits; a finding keeps only its other rules, if any.
    let mut hits = Vec::new();

    for (index, symptom) in case.symptoms.iter().enumerate() {
        let Some(sref) = rules.lookup(&symptom.id) else {
            findings.push(RawFinding::alone(
                Subject::Symptom(index),
                RuleRef::UnknownSymptom,
                UNKNOWN_SYMPTOM_DISPOSITION,
            ));
            continue;
        };
        symptom_hits(sref, symptom, day, rules, &mut hits);
        if !time_known {
            hits.retain(|h| !needs_time(h.rule));
            if hits.is_empty() {
                // A reaction without a time: present, and worsening if so, for the
                // combinations and the cluster; never outside a window it cannot be put in.
                present.mark(sref, reported_state(symptom, false));
                continue;
            }
        }
        let first = take_most_urgent(&mut hits);
        // Its own finding above home care: outside its normal window (not known without a
        // time).
        let outside_window = time_known && first.disposition > Disposition::HomeCare;
        let reported_before = !present.mark(sref, reported_state(symptom, outside_window));
        let finding = RawFinding {
            subject: Subject::Symptom(index),
            hit: first,
            also: hits.to_vec(),
        };
        // `other` is never merged: each is something different in the person's own words.
        if reported_before && sref != SymptomRef::Other {
            keep_the_worse_report(findings, finding, case, &symptom.id);
        } else {
            findings.push(finding);
        }
    }
    present
}

/// What one report says of its symptom, as a combination's member reads it.
fn reported_state(symptom: &ReportedSymptom, outside_window: bool) -> MemberState {
    MemberState {
        present: true,
        worsening: symptom.trend == Trend::Worsening,
        severe: symptom.severity == Severity::Severe,
        outside_window,
    }
}

/// The same symptom reported twice: the worse report counts (on a tie, the earlier one).
fn keep_the_worse_report(
    findings: &mut Vec<RawFinding>,
    finding: RawFinding,
    case: &Case,
    id: &str,
) {
    let earlier = findings
        .iter_mut()
        .find(|f| matches!(f.subject, Subject::Symptom(j) if case.symptoms[j].id == id));
    match earlier {
        Some(existing) if existing.disposition() >= finding.disposition() => {}
        Some(existing) => *existing = finding,
        None => findings.push(finding),
    }
}

/// The combinations that fire for what the case reports and the risk factors it names, into
/// `findings`.
fn combination_findings(
    case: &Case,
    rules: &RuleSet,
    present: &Present,
    time_known: bool,
    findings: &mut Vec<RawFinding>,
) {
    let day = case.days_since_treatment;
    let risk_factors = risk_factor_bits(case, rules);
    for (i, c) in rules.combinations.iter().enumerate() {
        // Without a time, a combination that holds only until a day cannot be judged.
        let holds = if time_known {
            c.holds_on(day)
        } else {
            c.until_day.is_none()
        };
        if holds && c.fires(|r| member_state(r, present, risk_factors)) {
            findings.push(RawFinding::alone(
                Subject::Combination(i),
                RuleRef::Combination(i),
                c.disposition,
            ));
        }
    }
}

/// The clusters with enough of their symptoms reported, into `findings`.
fn cluster_findings(case: &Case, rules: &RuleSet, findings: &mut Vec<RawFinding>) {
    for (i, c) in rules.clusters.iter().enumerate() {
        if cluster_count(c, case, rules) >= c.count {
            findings.push(RawFinding::alone(
                Subject::Cluster(i),
                RuleRef::Cluster(i),
                c.disposition,
            ));
        }
    }
}

/// The findings most urgent first, and the disposition of the first (home care when there is
/// none).
fn most_urgent_first(mut findings: Vec<RawFinding>) -> Triage {
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
    reactions: [u64; 4],
    signs: [u64; 4],
    other: MemberState,
    beyond: Vec<(SymptomRef, MemberState)>,
}

impl Present {
    /// Adds what one report says (each quality counts once any report has it); false when
    /// the symptom was already reported.
    pub(crate) fn mark(&mut self, s: SymptomRef, state: MemberState) -> bool {
        let flags = [
            state.present,
            state.worsening,
            state.outside_window,
            state.severe,
        ];
        let (bits, i) = match s {
            SymptomRef::Reaction(i) if i < 64 => (&mut self.reactions, i),
            SymptomRef::WarningSign(i) if i < 64 => (&mut self.signs, i),
            SymptomRef::Other => {
                let new = !self.other.present;
                self.other.present |= state.present;
                self.other.worsening |= state.worsening;
                self.other.severe |= state.severe;
                self.other.outside_window |= state.outside_window;
                return new;
            }
            other => {
                return match self.beyond.iter_mut().find(|(r, _)| *r == other) {
                    Some((_, st)) => {
                        st.worsening |= state.worsening;
                        st.severe |= state.severe;
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
            severe: bits[3] & (1 << i) != 0,
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
            reported_state(symptom, first.disposition > Disposition::HomeCare),
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
            ..MemberState::default()
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
            if let Some(early) = o.severe_and_worsening_early {
                // "Up to day X" is inclusive: strong, growing and unnamed in the first day.
                if s.severity == Severity::Severe && s.trend == Trend::Worsening && day <= early.day
                {
                    hits.push(Hit {
                        rule: RuleRef::OtherEarly,
                        disposition: early.disposition,
                    });
                }
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
            let worsening = s.trend == Trend::Worsening;
            let severe = s.severity == Severity::Severe;
            // Each column's most urgent step that applies on this day.
            for (aspect, steps, reported) in [
                (Aspect::WorseAfter, &r.worse_after, worsening),
                (Aspect::SevereAfter, &r.severe_after, severe),
                (
                    Aspect::SevereAndWorseAfter,
                    &r.severe_and_worse_after,
                    severe && worsening,
                ),
            ] {
                if reported {
                    if let Some(t) = steps.at(day) {
                        hits.push(hit(aspect, t.disposition));
                    }
                }
            }
            if let Some(t) = r.starts_after.started_after(s.started_day) {
                hits.push(hit(Aspect::StartsAfter, t.disposition));
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
