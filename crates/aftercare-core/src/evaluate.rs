//! The triage itself: a pure function of (case, rules). The time since treatment is already
//! in the case; no clock, terminal or file is touched here.
//!
//! `triage` finds which rules fire and is cheap (no text); `explain` turns that into the
//! words a person reads. Batch runs that want only codes skip `explain`.

use chrono::{DateTime, FixedOffset};

use crate::day_words::{after_day, day_number, since_treatment, up_to_day, Clock};
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

fn triage_at(case: &Case, rules: &RuleSet, time_known: bool) -> Triage {
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
        if !time_known {
            hits.retain(|h| !needs_time(h.rule));
            if hits.is_empty() {
                // A reaction without a time: present, and worsening if so, for the
                // combinations and the cluster; never outside a window it cannot be put in.
                present.mark(
                    sref,
                    MemberState {
                        present: true,
                        worsening: symptom.trend == Trend::Worsening,
                        severe: symptom.severity == Severity::Severe,
                        outside_window: false,
                    },
                );
                continue;
            }
        }
        let first = take_most_urgent(&mut hits);
        let reported_before = !present.mark(
            sref,
            MemberState {
                present: true,
                worsening: symptom.trend == Trend::Worsening,
                severe: symptom.severity == Severity::Severe,
                // Its own finding above home care: outside its normal window (not known
                // without a time).
                outside_window: time_known && first.disposition > Disposition::HomeCare,
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
        // Without a time, a combination that holds only until a day cannot be judged.
        let holds = if time_known {
            c.holds_on(day)
        } else {
            c.until_day.is_none()
        };
        if holds && c.fires(|r| member_state(r, &present, risk_factors)) {
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
            MemberState {
                present: true,
                worsening: symptom.trend == Trend::Worsening,
                severe: symptom.severity == Severity::Severe,
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
            description: match f.subject {
                Subject::Symptom(i) => case.symptoms[i].description.clone(),
                _ => None,
            },
            also: f
                .also
                .iter()
                .map(|h| RuleHit {
                    rule: h.rule.id(rules),
                    disposition: h.disposition,
                    reason: reason_quoting(*h, f.subject, case, rules, false),
                })
                .collect(),
        })
        .collect();
    // An emergency carries no aftercare and no "what to expect": a portal that shows the
    // result as it comes must never put aftercare under an emergency.
    let emergency = triage.disposition >= Disposition::GoToEdNow;
    Assessment {
        format: RESULT_FORMAT,
        id: case.id.clone(),
        assessed_at: case.assessed_at.map(|t| t.to_rfc3339()),
        disposition: triage.disposition,
        action: action(case, triage, rules),
        days_since_treatment: day,
        shortest_days_since_treatment: (case.shortest_days_since_treatment != day)
            .then_some(case.shortest_days_since_treatment),
        findings,
        // The shortest reading of the time: no restriction is lifted early.
        advice: if emergency {
            Vec::new()
        } else {
            advice_for_day(rules, case.shortest_days_since_treatment)
        },
        expect_next: if emergency {
            Vec::new()
        } else {
            expect_next(case, triage, rules)
        },
        call_back: call_back(case, triage, rules),
        tell_operator: (triage.disposition == Disposition::CallEmergencyNow)
            .then(|| tell_operator(case, triage, rules)),
        rule_set: rules.id(),
    }
}

/// The action for the result's disposition, with its photo-review note unless the result
/// rests on something in the person's own words, which a photo may not show.
fn action(case: &Case, triage: &Triage, rules: &RuleSet) -> String {
    let text = rules.disposition_text(triage.disposition);
    let unseen = triage.findings.iter().any(|f| {
        matches!(f.subject, Subject::Symptom(i)
            if rules.lookup(&case.symptoms[i].id) == Some(SymptomRef::Other))
    });
    let mut action = match &text.photo_review {
        Some(note) if !unseen => format!("{} {note}", text.action),
        _ => text.action.clone(),
    };
    // What a present sign adds to the instruction (a filler can be dissolved: phone the
    // clinic that treated you on the way).
    for f in &triage.findings {
        if let (Subject::Symptom(_), RuleRef::WarningSign(i)) = (f.subject, f.hit.rule) {
            if let Some(also) = &rules.warning_signs[i].also_do {
                if !action.contains(also.as_str()) {
                    action.push(' ');
                    action.push_str(also);
                }
            }
        }
    }
    action
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
pub fn in_sentence(label: &str) -> String {
    // An acronym ("PRP") keeps its capitals; any other first word ("A fit", "Redness") is
    // lowered.
    let first_word = label.split_whitespace().next().unwrap_or("");
    let acronym = first_word.chars().count() > 1 && first_word.chars().all(|c| !c.is_lowercase());
    let mut chars = label.chars();
    match chars.next() {
        Some(first) if !acronym => first.to_lowercase().chain(chars).collect(),
        _ => label.to_string(),
    }
}

/// Whether the case knows the treatment date but not its time of day: the time since
/// treatment is then a span, and words name the day, never hours.
fn date_only(case: &Case) -> bool {
    case.shortest_days_since_treatment != case.days_since_treatment
}

/// A reason a person can read, with the numbers behind it, in words: hours in the first 2
/// days, days after, never a fractional day.
pub fn reason(hit: Hit, subject: Subject, case: &Case, rules: &RuleSet) -> String {
    reason_quoting(hit, subject, case, rules, true)
}

/// As [`reason`]; `quote_words` is false for the other rules of a finding, so that the
/// person's own words (`other`) are quoted once.
fn reason_quoting(
    hit: Hit,
    subject: Subject,
    case: &Case,
    rules: &RuleSet,
    quote_words: bool,
) -> String {
    let day = case.days_since_treatment;
    let when = since_treatment(day, date_only(case));
    let symptom = match subject {
        Subject::Symptom(i) => case.symptoms.get(i),
        _ => None,
    };
    let name = symptom
        .and_then(|s| rules.symptom_text(&s.id))
        .map(|t| in_sentence(t.label))
        .unwrap_or_else(|| "this symptom".into());
    // The step of a column that decided on this day, named by its own day.
    let step_after = |steps: &crate::rules::Steps| {
        after_day(steps.at(day).or(steps.first()).map_or(0.0, |t| t.day))
    };
    match hit.rule {
        RuleRef::Reaction(i, aspect) => {
            let r = &rules.reactions[i];
            let (normal, ok) = (
                up_to_day(r.normal_until),
                up_to_day(r.ok_if_improving_until),
            );
            match aspect {
                Aspect::Window => {
                    format!("{name} {when}: within the usual window ({normal})")
                }
                Aspect::Improving => format!(
                    "{name} {when}: past the usual window ({normal}) but improving, which is expected {ok}"
                ),
                Aspect::NotImproving => format!(
                    "{name} {when}: past the usual window ({normal}) and not improving"
                ),
                Aspect::PastWindow => format!(
                    "{name} {when}: lasting longer than normal healing explains, even when improving (expected {ok})"
                ),
                Aspect::WorseAfter => format!(
                    "{name} getting worse {when} ({}): not part of normal healing",
                    step_after(&r.worse_after)
                ),
                Aspect::SevereAfter => format!(
                    "severe {name} {when} ({}): more than normal healing",
                    step_after(&r.severe_after)
                ),
                Aspect::SevereAndWorseAfter => format!(
                    "severe {name} still getting worse {when} ({}): more than normal healing",
                    step_after(&r.severe_and_worse_after)
                ),
                Aspect::StartsAfter => {
                    let started = symptom.map_or(0.0, |s| s.started_day);
                    let threshold = r
                        .starts_after
                        .started_after(started)
                        .or(r.starts_after.first())
                        .map_or(0.0, |t| t.day);
                    format!(
                        "{name} that started {} ({}): a late or new reaction, not part of normal healing",
                        since_treatment(started, date_only(case)),
                        after_day(threshold)
                    )
                }
            }
        }
        RuleRef::WarningSign(i) => {
            let w = &rules.warning_signs[i];
            format!(
                "{name}: a warning sign, never part of normal healing (possible cause: {})",
                w.likely_cause
            )
        }
        RuleRef::Other { raised } => {
            let words = symptom.and_then(|s| s.description.as_deref()).unwrap_or("");
            let what = if quote_words {
                format!("something not on the list ({words:?})")
            } else {
                "it".to_string()
            };
            if raised {
                format!(
                    "{what} is severe or getting worse, so a clinician should see it today; the tool does not interpret it"
                )
            } else {
                format!(
                    "{what} cannot be judged as normal healing; a clinician should look at it (the tool does not interpret it)"
                )
            }
        }
        RuleRef::OtherEarly => {
            let words = symptom.and_then(|s| s.description.as_deref()).unwrap_or("");
            let what = if quote_words {
                format!("something not on the list ({words:?})")
            } else {
                "it".to_string()
            };
            format!(
                "{what} that is severe and still getting worse {when}, so soon after the procedure, is not safe to leave until the clinic can be reached; the tool does not interpret it"
            )
        }
        RuleRef::Combination(i) => rules.combinations[i].reason.clone(),
        RuleRef::Cluster(i) => rules.clusters[i].reason.clone(),
        RuleRef::RepeatContact => rules.repeat_contact.reason.clone(),
        RuleRef::UnknownSymptom => format!(
            "{:?} is not a symptom this rule set knows, so it cannot be judged as normal",
            symptom.map_or("", |s| s.id.as_str())
        ),
        RuleRef::LatePresentation => format!(
            "{name} {when} ({}): {}",
            after_day(rules.late_presentation.after_day),
            rules.late_presentation.reason
        ),
    }
}

/// "I had a micro-needling treatment 2 days ago and now have trouble breathing." What to
/// tell the emergency operator, in the person's own voice: the warning signs that led to the
/// emergency, by their names.
pub fn tell_operator(case: &Case, triage: &Triage, rules: &RuleSet) -> String {
    let mut named: Vec<String> = Vec::new();
    for f in &triage.findings {
        if f.disposition() < Disposition::GoToEdNow {
            continue;
        }
        let ids: Vec<String> = match f.subject {
            Subject::Symptom(i) => vec![case.symptoms[i].id.clone()],
            Subject::Combination(_) => subject_name(f.subject, case, rules)
                .map(|n| n.split('+').map(str::to_string).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // Symptoms and signs by their names; a risk factor is no symptom, and `other` is in
        // the person's own words, which they can say themselves.
        for id in ids {
            let Some(t) = rules.symptom_text(&id) else {
                continue;
            };
            if rules.lookup(&id) == Some(SymptomRef::Other) {
                continue;
            }
            let words = in_sentence(t.label);
            if !named.contains(&words) {
                named.push(words);
            }
        }
    }
    let when = crate::day_words::treatment_ago(case.days_since_treatment, date_only(case));
    let mut tell = format!("I had a micro-needling treatment {when}");
    match named.as_slice() {
        [] => {}
        [one] => tell.push_str(&format!(" and now have {one}")),
        [rest @ .., last] => {
            tell.push_str(&format!(" and now have {} and {last}", rest.join(", ")))
        }
    }
    tell.push('.');
    tell
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
            day_number(r.normal_until),
            day_number(r.ok_if_improving_until)
        ),
        None => format!(
            "{}: usually settles by day {}.",
            r.label,
            day_number(r.normal_until)
        ),
    }
}

/// Aftercare that stops or starts within the look-ahead, as the `advice` page says it
/// ("From day 3: light exercise is fine; …", "From 24 hours after the treatment: …").
pub fn upcoming_advice_changes(rules: &RuleSet, day: f64) -> Vec<String> {
    crate::rules::advice_words::coming_up(rules, day, Clock::Days, &|_| true)
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
            when.push(format!("not improving {}", after_day(r.normal_until)));
        }
        when.push(format!(
            "still there {}",
            after_day(r.ok_if_improving_until)
        ));
        // Said without a verb of its own: a label can be one thing or several ("the firm
        // red bumps"), and "is" would be wrong for one of them.
        for (steps, change) in [
            (&r.worse_after, "getting worse"),
            (&r.severe_after, "severe"),
            (&r.severe_and_worse_after, "severe and still getting worse"),
        ] {
            if steps.is_empty() {
                continue;
            }
            // A step that already applies needs no day; otherwise the first one ahead.
            match steps.at(day) {
                Some(_) => when.push(change.to_string()),
                None => {
                    if let Some(t) = steps.first() {
                        when.push(format!("{change} {}", after_day(t.day)));
                    }
                }
            }
        }
        out.push(format!(
            "Call the clinic about the {label} if: {}.",
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
