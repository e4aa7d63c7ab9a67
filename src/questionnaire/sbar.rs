//! The nurse's note for the chart, in SBAR form (Situation, Background, Assessment,
//! Recommendation): plain text, no colour, ready to paste.

use super::nurse::{risk_factor_name, CallDetails};
use super::{label, Background, Mode, Outcome, Override, SignState};
use crate::conversation::{
    ADVICE_GIVEN, BACKGROUND, CALLER_NAME, COMPLAINT, NOTES, NURSE_NAME, PATIENT_BIRTH_DATE,
    PATIENT_NAME, REPEAT_CONTACT, SYMPTOMS, UNDERSTOOD,
};
use crate::output::text::{capitalise, wrap, write_section, Entry, Layout};
use aftercare_core::day_words::{self, day_number};
use aftercare_core::model::{Disposition, Finding, FindingKind};
use aftercare_core::rules::RuleSet;

/// "Call from 09:00:00 to 09:04:12 +00:00.": the times as recorded, the end with its date
/// when the call ran past midnight. `None` for a call without times (an older record).
fn call_times(call: &CallDetails) -> Option<String> {
    let start = chrono::DateTime::parse_from_rfc3339(&call.started_at).ok()?;
    let end = chrono::DateTime::parse_from_rfc3339(&call.ended_at).ok()?;
    let end_words = if end.date_naive() == start.date_naive() {
        end.format("%H:%M:%S %:z")
    } else {
        end.format("%Y-%m-%d %H:%M:%S %:z")
    };
    Some(format!(
        "Call from {} to {end_words}.",
        start.format("%H:%M:%S")
    ))
}

/// The note for a finished call, wrapped at `width` columns: its heading, then the four
/// sections in SBAR order.
pub fn render(o: &Outcome, rules: &RuleSet, width: usize) -> String {
    let call = o.call.clone().unwrap_or_default();
    let note = Note {
        o,
        rules,
        call: &call,
        width: width.max(40),
    };
    let mut out = String::new();
    note.heading(&mut out);
    type Write<'n> = fn(&Note<'n>, &mut Vec<Entry>);
    let sections: [(&str, Write<'_>); 4] = [
        ("S  Situation", Note::situation),
        ("B  Background", Note::background),
        ("A  Assessment", Note::assessment),
        ("R  Recommendation", Note::recommendation),
    ];
    for (title, write) in sections {
        let mut entries = Vec::new();
        write(&note, &mut entries);
        write_section(
            &mut out,
            title,
            &entries,
            Layout::ChartNote { width: note.width },
        );
    }
    // What the nurse typed (a reason, allergies) is shown and pasted as it was, but never
    // as a control or bidi character that could act on a terminal or a chart.
    aftercare_core::escape::visible_lines(&out).into_owned()
}

/// What the note is written from: the call's outcome, the rules that judged it, the call's
/// own details (empty for an older record without them), and the width to wrap at.
struct Note<'a> {
    o: &'a Outcome,
    rules: &'a RuleSet,
    call: &'a CallDetails,
    width: usize,
}

impl Note<'_> {
    /// A line of the heading, flush left.
    fn heading_line(&self, out: &mut String, text: &str) {
        out.push_str(&wrap(text, self.width, "", "  "));
    }

    /// A line of a section, indented under the section's letter.
    fn line(&self, out: &mut Vec<Entry>, text: &str) {
        out.push(Entry::Line(text.to_string()));
    }

    /// The heading: what the call was about and when, who took it, and whether it was
    /// stopped.
    fn heading(&self, out: &mut String) {
        let call = self.call;
        self.heading_line(
            out,
            &format!(
                "SBAR: call about micro-needling aftercare, {}",
                self.o.assessed_at.format("%Y-%m-%d %H:%M %:z")
            ),
        );
        if let Some(times) = call_times(call) {
            self.heading_line(out, &times);
        }
        if !call.nurse.is_empty() {
            self.heading_line(
                out,
                &format!("{}: {}.", NURSE_NAME.named(Mode::Nurse), call.nurse),
            );
        }
        if let Some(how) = &call.stopped {
            self.heading_line(
                out,
                &if call.before_instruction {
                    format!(
                        "CALL STOPPED ({how}) before any disposition was given: only what was \
                         asked before the stop is below, and the caller was told none."
                    )
                } else {
                    format!(
                        "CALL STOPPED ({how}) after the instruction was given: only what was \
                         asked before the stop is below."
                    )
                },
            );
        }
    }

    /// Situation: who called, the day, what the caller reports, and the outcome.
    fn situation(&self, out: &mut Vec<Entry>) {
        let (o, rules, call) = (self.o, self.rules, self.call);
        if let Some(id) = &call.from_checkin {
            self.line(out, &self.checkin_callback(id));
        }
        if !call.caller_name.is_empty() {
            self.line(out, &self.caller());
        }
        if !call.patient_name.is_empty() || !call.patient_birth_date.is_empty() {
            self.line(out, &self.patient());
        }
        if !call.complaint.is_empty() {
            self.line(
                out,
                &format!("{}: \"{}\".", COMPLAINT.named(Mode::Nurse), call.complaint),
            );
        }
        self.line(out, &self.treatment_day());
        self.line(out, &self.reports());
        if !call.checkin_details_kept.is_empty() {
            let names: Vec<String> = call
                .checkin_details_kept
                .iter()
                .map(|id| label(rules, id).to_lowercase())
                .collect();
            self.line(
                out,
                &format!(
                    "Details as sent in the check-in, confirmed as still right: {}.",
                    names.join(", ")
                ),
            );
        }
        if let Some(stop) = &o.stopped_at {
            self.line(
                out,
                &format!(
                    "Danger sign positive: {}. Questions stopped at the first positive.",
                    label(rules, stop)
                ),
            );
        }
    }

    /// "Callback on web check-in …": the check-in the call answers, when it was sent and
    /// what it gave.
    fn checkin_callback(&self, id: &str) -> String {
        let call = self.call;
        let sent = call
            .checkin_sent_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            // On the call's clock, as the note's other times are.
            .map(|t| t.with_timezone(self.o.assessed_at.offset()))
            .map_or(String::new(), |t| {
                format!(", sent {}", t.format("%Y-%m-%d %H:%M %:z"))
            });
        let gave = call.checkin_disposition.map_or(String::new(), |d| {
            format!(
                ", which gave {} ({})",
                self.rules.disposition_text(d).label.to_lowercase(),
                d.code()
            )
        });
        format!("Callback on web check-in {id}{sent}{gave}.")
    }

    /// "Caller: …": the caller's name, who they are to the patient, and the number to
    /// call back.
    fn caller(&self) -> String {
        let call = self.call;
        let mut who = format!("{}: {}", CALLER_NAME.named(Mode::Nurse), call.caller_name);
        if call.caller == "someone else" {
            who.push_str(" (calling for the patient)");
        } else if !call.caller.is_empty() {
            who.push_str(&format!(" ({})", call.caller));
        }
        if !call.callback.is_empty() {
            who.push_str(&format!(", callback {}", call.callback));
        }
        who.push('.');
        who
    }

    /// "Patient: …": the patient's name and date of birth, as far as given.
    fn patient(&self) -> String {
        let call = self.call;
        let name = match (call.patient_name.as_str(), call.caller.as_str()) {
            ("", "patient") => "the caller",
            ("", _) => "name not given",
            (name, _) => name,
        };
        let born = if call.patient_birth_date.is_empty() {
            String::new()
        } else {
            format!(
                ", {} {}",
                PATIENT_BIRTH_DATE.named(Mode::Nurse).to_lowercase(),
                call.patient_birth_date
            )
        };
        format!("{}: {name}{born}.", PATIENT_NAME.named(Mode::Nurse))
    }

    /// The day after the treatment, and the treatment's date (and time, when given).
    fn treatment_day(&self) -> String {
        let day = self.o.case.days_since_treatment;
        match &self.o.answers.treatment {
            Some(t) if t.time_given => format!(
                "Day {} after micro-needling ({}; treatment {}).",
                day_number(day.floor()),
                day_words::since_the_treatment(day),
                t.at.format("%Y-%m-%d %H:%M")
            ),
            // Hours counted from the start of the day would be more than the answer says.
            Some(t) => format!(
                "Day {} after micro-needling (treatment {}, time not given).",
                day_number(day.floor()),
                t.at.format("%Y-%m-%d")
            ),
            None => "Micro-needling; treatment date not asked.".to_string(),
        }
    }

    /// "Reports: …": the signs answered yes, then each symptom with its severity, trend and
    /// start.
    fn reports(&self) -> String {
        let (a, rules) = (&self.o.answers, self.rules);
        let mut reports: Vec<String> = a.positive_signs().map(|id| label(rules, id)).collect();
        for s in &a.symptoms {
            let name = match &s.description {
                Some(d) => format!("{} (\"{d}\")", label(rules, &s.id)),
                None => label(rules, &s.id),
            };
            reports.push(format!(
                "{name}: {}, {}, {}",
                s.severity.code(),
                s.trend.words(Mode::Nurse),
                s.started.words(Mode::Nurse)
            ));
        }
        if reports.is_empty() {
            format!("{}: no symptoms.", SYMPTOMS.named(Mode::Nurse))
        } else {
            format!("{}: {}.", SYMPTOMS.named(Mode::Nurse), reports.join("; "))
        }
    }

    /// Background: what the record holds about the person and the treatment.
    fn background(&self, out: &mut Vec<Entry>) {
        let (o, a) = (self.o, &self.o.answers);
        match &a.background {
            Some(b) => self.line(out, &treatment_background(b)),
            None if o.stopped_at.is_some() => self.line(
                out,
                "Not taken: the call went straight to the disposition after a danger sign.",
            ),
            None => self.line(out, "Not taken: the call stopped first."),
        }
        if !a.risk_factors.is_empty() {
            self.line(out, &self.risk_factors());
        }
        if let Some(r) = a.repeat_contact {
            self.line(
                out,
                &format!(
                    "{}: {}.",
                    REPEAT_CONTACT.named(Mode::Nurse),
                    if r { "yes" } else { "no" }
                ),
            );
        }
    }

    /// "Risk factors: …": each risk factor once, with the one answer it was given, so that
    /// the note cannot both name one and deny it.
    fn risk_factors(&self) -> String {
        let a = &self.o.answers;
        let of = |state: SignState| -> Vec<String> {
            a.risk_factors
                .iter()
                .filter(|r| r.answer == state)
                .map(|r| risk_factor_name(self.rules, &r.id))
                .collect()
        };
        let mut parts = vec![{
            let yes = of(SignState::Yes);
            if yes.is_empty() {
                "none".to_string()
            } else {
                yes.join(", ")
            }
        }];
        for (state, words) in [
            (SignState::No, "denies"),
            (SignState::NotKnown, "not known"),
        ] {
            let these = of(state);
            if !these.is_empty() {
                parts.push(format!("{words}: {}", these.join(", ")));
            }
        }
        format!("Risk factors: {}.", parts.join("; "))
    }

    /// Assessment: each finding against its window, then every sign asked with its answer.
    fn assessment(&self, out: &mut Vec<Entry>) {
        let (o, rules, a) = (self.o, self.rules, &self.o.answers);
        if o.assessment.findings.is_empty() {
            self.line(out, "No symptoms: nothing to assess against the windows.");
        }
        for f in &o.assessment.findings {
            out.push(Entry::Item(format!(
                "{}: {}. {} [{}].",
                self.finding_name(f),
                rules.disposition_text(f.disposition).label.to_lowercase(),
                capitalise(&f.reason),
                f.rule
            )));
        }
        for (title, danger) in [("Danger signs", true), ("Same-day signs", false)] {
            self.signs_asked(out, title, danger);
        }
        if !a.symptoms_asked {
            self.line(
                out,
                if o.stopped_at.is_some() {
                    "Other symptoms: not asked (stopped at a danger sign)."
                } else {
                    "Other symptoms: not asked (the call stopped first)."
                },
            );
        }
    }

    /// What a finding is about: the symptom (with where the day falls in its windows), the
    /// warning sign, the combination, or the repeat contact.
    fn finding_name(&self, f: &Finding) -> String {
        let rules = self.rules;
        let joined = |ids: &str| {
            ids.split('+')
                .map(|s| label(rules, s))
                .collect::<Vec<_>>()
                .join(" with ")
        };
        match (f.kind, &f.symptom) {
            (FindingKind::ExpectedReaction, Some(id)) => {
                format!("{}:{}", label(rules, id), self.reaction_window(id))
            }
            (FindingKind::WarningSign, Some(id)) => format!("{}: warning sign", label(rules, id)),
            (FindingKind::Other, Some(_)) => {
                "Something else, in the person's own words (not interpreted)".to_string()
            }
            (FindingKind::Cluster, Some(ids)) => {
                format!("{}: several strong reactions at once", joined(ids))
            }
            (FindingKind::Combination, Some(ids)) => format!("{}: combination", joined(ids)),
            _ => "Repeat contact".to_string(),
        }
    }

    /// " in window (normal until …)": where the day falls in an expected reaction's
    /// windows; empty for a reaction the rules do not know.
    fn reaction_window(&self, id: &str) -> String {
        let day = self.o.case.days_since_treatment;
        self.rules.reaction(id).map_or(String::new(), |r| {
            let place = if day <= r.normal_until {
                "in window"
            } else if day <= r.ok_if_improving_until {
                "past the usual window, within the improving window"
            } else {
                "out of window"
            };
            let improving = if r.ok_if_improving_until > r.normal_until {
                format!(
                    ", normal if improving {}",
                    day_words::until_for_nurse(r.ok_if_improving_until)
                )
            } else {
                String::new()
            };
            format!(
                " {place} (normal {}{improving})",
                day_words::until_for_nurse(r.normal_until)
            )
        })
    }

    /// Every sign of one group (the danger signs, or the same-day signs) asked, with its
    /// answer: the positives, the pertinent negatives, and those left unasked because the
    /// questions stopped at a danger sign, or because the nurse stopped the call before
    /// them (then they are not in the answers at all).
    fn signs_asked(&self, out: &mut Vec<Entry>, title: &str, danger: bool) {
        let (rules, a) = (self.rules, &self.o.answers);
        let stopped_first = self.stopped_first();
        let group: Vec<_> = a
            .signs
            .iter()
            .filter(|s| {
                rules
                    .warning_sign(&s.id)
                    .is_some_and(|w| (w.disposition >= Disposition::GoToEdNow) == danger)
            })
            .collect();
        if group.is_empty() {
            if stopped_first {
                self.line(
                    out,
                    &format!("{title}: not asked (the call stopped first)."),
                );
            }
            return;
        }
        let names = |state: SignState| -> Vec<String> {
            group
                .iter()
                .filter(|s| s.answer == state)
                .map(|s| label(rules, &s.id).to_lowercase())
                .collect()
        };
        let (yes, no, not_asked) = (
            names(SignState::Yes),
            names(SignState::No),
            names(SignState::NotAsked),
        );
        let mut parts = vec![format!(
            "positive: {}",
            if yes.is_empty() {
                "none".to_string()
            } else {
                yes.join(", ")
            }
        )];
        if !no.is_empty() {
            parts.push(format!("denies: {}", no.join(", ")));
        }
        if !not_asked.is_empty() {
            parts.push(format!(
                "not asked (stopped at the first positive): {}",
                not_asked.join(", ")
            ));
        }
        if stopped_first && danger {
            let never = self.danger_signs_never_asked();
            if !never.is_empty() {
                parts.push(format!(
                    "not asked (the call stopped first): {}",
                    never.join(", ")
                ));
            }
        }
        self.line(out, &format!("{title} asked: {}.", parts.join("; ")));
    }

    /// The nurse stopped the call before the questions stopped at a danger sign.
    fn stopped_first(&self) -> bool {
        self.call.stopped.is_some() && self.o.stopped_at.is_none()
    }

    /// The danger signs not in the answers at all: the call stopped before they were asked.
    fn danger_signs_never_asked(&self) -> Vec<String> {
        let (rules, a) = (self.rules, &self.o.answers);
        rules
            .warning_signs
            .iter()
            .filter(|w| w.disposition >= Disposition::GoToEdNow)
            .filter(|w| !a.signs.iter().any(|s| s.id == w.id))
            .map(|w| label(rules, &w.id).to_lowercase())
            .collect()
    }

    /// Recommendation: the disposition in force, the override and its reason, what was
    /// said on the call, and the rules.
    fn recommendation(&self, out: &mut Vec<Entry>) {
        let (o, rules, call) = (self.o, self.rules, self.call);
        let d = o.disposition();
        if call.before_instruction {
            // Not a recommendation: the questions that could have changed it were not asked.
            self.line(
                out,
                &format!(
                    "None given: the call stopped first. The answers so far alone give {} \
                     ({}); the questions not asked could make it more urgent.",
                    rules.disposition_text(d).label.to_lowercase(),
                    d.code()
                ),
            );
        } else {
            self.line(
                out,
                &format!(
                    "{} ({}). {}",
                    rules.disposition_text(d).label,
                    d.code(),
                    rules.disposition_text(d).action
                ),
            );
        }
        match &o.nurse_override {
            Some(ov) => self.line(out, &nurse_override(ov)),
            // Nothing was computed for the caller when the call stopped before the
            // questions reached a disposition: said above.
            None if call.before_instruction => {}
            None => self.line(
                out,
                &format!(
                    "Disposition as computed by the rules ({}).",
                    o.assessment.disposition.code()
                ),
            ),
        }
        // Reminders for the nurse from the rule set (PRP equipment, late lumps).
        for note in rules.nurse_notes_for(&o.case) {
            self.line(out, &format!("For the nurse: {}", note.text));
        }
        self.said_on_the_call(out, d);
        self.line(
            out,
            &format!(
                "Rule set: {} {}.",
                o.assessment.rule_set.name, o.assessment.rule_set.version
            ),
        );
    }

    /// What the nurse confirmed saying (the safety net, the advice), whether the caller
    /// understood, and the nurse's notes. Only what the nurse confirmed saying is written
    /// as said.
    fn said_on_the_call(&self, out: &mut Vec<Entry>, d: Disposition) {
        let call = self.call;
        let call_back = &self.rules.disposition_text(d).call_back;
        if call.safety_net_given && !call_back.trim().is_empty() {
            self.line(out, &format!("Safety net given: {call_back}"));
        } else if d < Disposition::CallEmergencyNow && self.o.call.is_some() {
            self.line(out, "Safety net: not confirmed as given.");
        }
        if !call.advice_given.is_empty() {
            self.line(
                out,
                &format!(
                    "{}: {}.",
                    ADVICE_GIVEN.named(Mode::Nurse),
                    call.advice_given
                        .iter()
                        .map(|a| a.trim_end_matches('.'))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            );
        }
        match call.understood {
            Some(true) => self.line(out, &format!("{}.", UNDERSTOOD.named(Mode::Nurse))),
            Some(false) => self.line(out, "Caller did NOT confirm understanding or agreement."),
            None => {}
        }
        if !call.notes.is_empty() {
            self.line(
                out,
                &format!("{}: {}", NOTES.named(Mode::Nurse), call.notes),
            );
        }
    }
}

/// "Treated areas: … Allergies: …": the background taken for the record, in the order
/// asked ([`BACKGROUND`]).
fn treatment_background(b: &Background) -> String {
    let parts: Vec<String> = BACKGROUND
        .iter()
        .map(|q| {
            let answer = b.answer(q.question.id).unwrap_or_default();
            let words = if answer.is_empty() {
                "not recorded".to_string()
            } else {
                answer.join(", ")
            };
            format!("{}: {words}.", q.question.named(Mode::Nurse))
        })
        .collect();
    parts.join(" ")
}

/// "Nurse override: computed … changed to …": the change, which way, the reason, and
/// whether a lowering was confirmed.
fn nurse_override(ov: &Override) -> String {
    format!(
        "Nurse override: computed {} changed to {} ({}). Reason: {}.{}",
        ov.from.code(),
        ov.to.code(),
        if ov.to < ov.from {
            "less urgent"
        } else {
            "more urgent"
        },
        ov.reason.as_deref().unwrap_or("none given"),
        if ov.confirmed == Some(true) {
            " Lowering confirmed by the nurse."
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::nurse;
    use crate::questionnaire::scripted::{Scripted, ScriptedPrompter};

    fn now() -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:00+00:00").unwrap()
    }

    fn all_danger_no(rules: &RuleSet) -> ScriptedPrompter {
        let mut s = ScriptedPrompter::new().text("call.caller_name", "");
        for w in rules
            .warning_signs
            .iter()
            .filter(|w| w.disposition >= Disposition::GoToEdNow)
        {
            s = s.then(&format!("danger.{}", w.id), Scripted::No);
        }
        s
    }

    #[test]
    fn a_full_call_with_a_less_urgent_override() {
        let rules = RuleSet::built_in();
        let mut p = all_danger_no(&rules)
            .text("treatment", "3 days ago")
            .picks("same_day", &["none"])
            .picks("symptoms", &["redness", "itching"])
            .pick("symptom.redness.severity", "moderate")
            .pick("symptom.redness.trend", "worsening")
            .pick("symptom.redness.started", "day:0")
            .pick("symptom.itching.severity", "mild")
            .pick("symptom.itching.trend", "not_sure")
            .pick("symptom.itching.started", "not_sure")
            .then("repeat_contact", Scripted::No)
            .risk_factors(
                &rules,
                &[
                    ("radio_frequency", "yes"),
                    ("cold_sores", "yes"),
                    ("eczema", "no"),
                    ("prp", "yes"),
                ],
            )
            .picks("background.treated_areas", &["face", "neck"])
            .picks("background.products", &["vitamin C serum"])
            .text(
                "background.numbing_products",
                "lidocaine cream on the whole face at home",
            )
            .text("background.allergies", "none")
            .text("background.session", "2")
            .pick("override", "see_within_3_days")
            .text(
                "override.reason",
                "redness fading at the edges on the photo sent; review booked for tomorrow",
            )
            .picks(
                "call.advice_given",
                &["disposition", "safety_net", "advice:avoid_sun"],
            )
            .then("call.understood", Scripted::Yes)
            .text("call.notes", "sent the aftercare sheet again by e-mail");
        let o = nurse::run(&mut p, &rules, now(), Some("JB")).unwrap();
        let note = render(&o, &rules, 72);
        insta::assert_snapshot!(note);
        assert!(note.lines().all(|l| l.chars().count() <= 72), "{note}");
        assert!(note.contains("Safety net given"), "{note}");
    }

    #[test]
    fn typed_text_cannot_put_a_control_character_in_the_note() {
        let rules = RuleSet::built_in();
        let mut p = all_danger_no(&rules)
            .text("treatment", "2026-11-20")
            .picks("same_day", &["none"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::No)
            .risk_factors(&rules, &[])
            .picks("background.treated_areas", &[])
            .picks("background.products", &[])
            .text("background.numbing_products", "")
            .text("background.allergies", "latex\u{1b}]52;c;aGk=\u{7}")
            .text("background.session", "")
            .pick("override", "see_within_2_weeks")
            .text("override.reason", "\u{202e}seen\u{1b}[2J")
            .picks("call.advice_given", &["disposition"])
            .then("call.understood", Scripted::Yes)
            .text("call.notes", "called back at 5");
        let o = nurse::run(&mut p, &rules, now(), Some("J\u{9b}B")).unwrap();
        let note = render(&o, &rules, 200);
        assert!(
            !note
                .chars()
                .any(|c| c != '\n' && aftercare_core::escape::is_unsafe(c)),
            "{note:?}"
        );
        assert!(note.contains("latex\\u{1b}]52;c;aGk=\\u{7}"), "{note}");
    }

    #[test]
    fn an_emergency_stop_with_its_pertinent_negatives() {
        let rules = RuleSet::built_in();
        let mut p = ScriptedPrompter::new()
            .text("call.caller_name", "R. Patel")
            .pick("call.caller", "someone else")
            .text("call.patient_name", "A. Patel")
            .text("call.patient_birth_date", "1980-04-23")
            .text("call.callback", "07700 900123")
            .text(
                "call.complaint",
                "her lips are swelling up and she sounds hoarse",
            )
            .then("danger.difficulty_breathing", Scripted::No)
            .then("danger.throat_swelling", Scripted::Yes)
            .text("treatment", "yesterday 14:30")
            .pick("override", "keep")
            .picks("call.advice_given", &["disposition"])
            .then("call.understood", Scripted::Yes)
            .text("call.notes", "")
            .text("call.nurse", "JB");
        let o = nurse::run(&mut p, &rules, now(), None).unwrap();
        let note = render(&o, &rules, 72);
        insta::assert_snapshot!(note);
        assert!(note.contains("callback 07700 900123"), "{note}");
    }

    #[test]
    fn no_symptoms_and_a_more_urgent_override_at_40_columns() {
        let rules = RuleSet::built_in();
        let mut p = all_danger_no(&rules)
            .text("treatment", "2026-11-20")
            .picks("same_day", &["none"])
            .picks("symptoms", &["none"])
            .then("repeat_contact", Scripted::Yes)
            .risk_factors(&rules, &[])
            .picks("background.treated_areas", &[])
            .picks("background.products", &[])
            .text("background.numbing_products", "")
            .text("background.allergies", "")
            .text("background.session", "")
            .pick("override", "go_to_ed_now")
            .text("override.reason", "")
            .picks("call.advice_given", &["disposition"])
            .then("call.understood", Scripted::No)
            .text("call.notes", "caller unsure; will go with her partner");
        let o = nurse::run(&mut p, &rules, now(), Some("JB")).unwrap();
        let note = render(&o, &rules, 40);
        insta::assert_snapshot!(note);
        // The safety net was not ticked: the note does not claim it.
        assert!(!note.contains("Safety net given"), "{note}");
        assert!(note.lines().all(|l| l.chars().count() <= 40), "{note}");
    }
}
