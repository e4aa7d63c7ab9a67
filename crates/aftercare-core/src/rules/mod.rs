//! The protocol as data: loaded from a rule file, validated, and compiled into a form the
//! evaluation can use without searching.

pub mod advice_words;
mod diagnostic;
mod file;
mod identity;
mod validate;

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

pub use diagnostic::{Diagnostic, Level};
pub use file::RuleFile;
pub use identity::{
    Aspect, RuleId, RuleKind, RuleRef, OTHER_EARLY_ASPECT, OTHER_RAISED_ASPECT,
    UNKNOWN_SYMPTOM_RULE,
};
pub use validate::{RuleFileErrors, MAX_RULE_FILE_BYTES};

use crate::input::CaseInput;
use crate::model::{Disposition, RuleSetId};

/// The default protocol, built into the binary.
pub const DEFAULT_RULES: &str = include_str!("../../../../rules/default.toml");
/// The built-in rule file up to its examples, as JSON: written by `build.rs` from
/// `rules/default.toml`, read at start (a test proves it the same rule set as the TOML).
const DEFAULT_RULES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default_rules.json"));
/// How the built-in rule file is named in messages.
pub const DEFAULT_ORIGIN: &str = "rules/default.toml (built in)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    ClinicSheet,
    Published,
    Proposed,
}

impl SourceKind {
    pub fn code(self) -> &'static str {
        match self {
            SourceKind::ClinicSheet => "clinic_sheet",
            SourceKind::Published => "published",
            SourceKind::Proposed => "proposed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub kind: SourceKind,
    pub title: String,
}

/// Where a rule came from: the source ids it cites, and a note in the clinic's words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Citation {
    pub sources: Vec<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DispositionText {
    pub disposition: Disposition,
    pub label: String,
    pub action: String,
    pub call_back: String,
    /// Added to the action when a photo can show what the result rests on.
    pub photo_review: Option<String>,
    /// The action as the rule file writes it, before the clinic's details fill it: what the
    /// lint compares with the default, so that naming a clinic is no change of words.
    pub action_template: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub day: f64,
    pub disposition: Disposition,
}

impl Threshold {
    /// Whether the step applies at `day` since the treatment: "after" is strict, except
    /// "after 0", which is any time since the treatment, day 0 included (a portal that sends
    /// 0 for "the treatment day" must not turn severe and worsening pain into home care).
    pub fn applies_at(self, day: f64) -> bool {
        day > self.day || self.day == 0.0
    }
}

/// A threshold column: one step or several, each applying after its own day; the most
/// urgent step that applies counts ("worse after 1 -> see within 3 days; 2 -> see today").
/// Kept in order of day, each day later than the one before; empty when the column is absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Steps(Vec<Threshold>);

impl Steps {
    /// Steps in the order of their days (the validator refuses any other order).
    pub fn new(steps: Vec<Threshold>) -> Steps {
        Steps(steps)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn steps(&self) -> &[Threshold] {
        &self.0
    }

    /// The earliest step: from when the column can apply at all.
    pub fn first(&self) -> Option<Threshold> {
        self.0.first().copied()
    }

    /// The most urgent step that applies at `day` (time since the treatment), if any; on a
    /// tie the later step, whose day the words then name.
    pub fn at(&self, day: f64) -> Option<Threshold> {
        self.0
            .iter()
            .filter(|t| t.applies_at(day))
            .copied()
            .reduce(|a, b| if b.disposition >= a.disposition { b } else { a })
    }

    /// The most urgent step whose day a start (`started_day`) is after: a start is strict
    /// even at 0, since a symptom there since the treatment did not start late.
    pub fn started_after(&self, started_day: f64) -> Option<Threshold> {
        self.0
            .iter()
            .filter(|t| started_day > t.day)
            .copied()
            .reduce(|a, b| if b.disposition >= a.disposition { b } else { a })
    }

    /// The most urgent disposition any step gives.
    pub fn most_urgent(&self) -> Option<Disposition> {
        self.0.iter().map(|t| t.disposition).max()
    }

    /// In the reference's notation: "1 -> see_within_3_days; 2 -> see_today".
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|t| {
                format!(
                    "{} -> {}",
                    crate::day_words::day_number(t.day),
                    t.disposition
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A reaction that is part of normal healing within its window.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedReaction {
    pub id: String,
    pub label: String,
    pub description: String,
    pub normal_until: f64,
    pub ok_if_improving_until: f64,
    pub past_window: Disposition,
    pub worse_after: Steps,
    pub severe_after: Steps,
    pub severe_and_worse_after: Steps,
    pub starts_after: Steps,
    pub course: Option<String>,
    pub aliases: Vec<String>,
    pub citation: Citation,
}

impl ExpectedReaction {
    /// The day thresholds, each with the aspect it is, in the order of the reference table.
    pub fn thresholds(&self) -> [(Aspect, &Steps); 4] {
        [
            (Aspect::WorseAfter, &self.worse_after),
            (Aspect::SevereAfter, &self.severe_after),
            (Aspect::SevereAndWorseAfter, &self.severe_and_worse_after),
            (Aspect::StartsAfter, &self.starts_after),
        ]
    }
}

/// A sign that is never part of normal healing.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningSign {
    pub id: String,
    pub label: String,
    pub description: String,
    pub disposition: Disposition,
    pub likely_cause: String,
    /// The likely cause in a person's words, for the person's report; without it the
    /// report names no cause rather than a clinical term.
    pub cause_in_words: Option<String>,
    /// What to do on top of the disposition's action when this sign is present.
    pub also_do: Option<String>,
    pub aliases: Vec<String>,
    pub citation: Citation,
}

/// What a combination member may stand for: a reported symptom or a risk factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRef {
    Symptom(SymptomRef),
    RiskFactor(usize),
}

/// One member of a combination: any one of its alternatives counts, if it meets the
/// qualifiers.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub any_of: Vec<String>,
    /// The symptom's own finding must be above home care.
    pub outside_window: bool,
    /// The symptom must be reported as worsening.
    pub worsening: bool,
    /// The symptom must be reported as severe, or as worsening (or both).
    pub severe_or_worsening: bool,
    /// `any_of` resolved once, on load, so that checking a case looks up no id.
    pub(crate) refs: Vec<MemberRef>,
}

impl Member {
    pub fn refs(&self) -> &[MemberRef] {
        &self.refs
    }

    /// Whether the member has a qualifier beyond being present.
    pub fn qualified(&self) -> bool {
        self.outside_window || self.worsening || self.severe_or_worsening
    }

    /// The qualifiers in words, as they follow an id: " outside its window", " worsening".
    pub fn qualifier_words(&self) -> String {
        let mut s = String::new();
        if self.outside_window {
            s.push_str(" outside its window");
        }
        if self.worsening {
            s.push_str(" worsening");
        }
        if self.severe_or_worsening {
            s.push_str(" severe or worsening");
        }
        s
    }
}

/// What is known of one alternative of a member, for [`Combination::fires`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberState {
    pub present: bool,
    pub worsening: bool,
    pub severe: bool,
    pub outside_window: bool,
}

impl MemberState {
    /// Whether this state satisfies the member's qualifiers.
    pub fn satisfies(self, m: &Member) -> bool {
        self.present
            && (!m.worsening || self.worsening)
            && (!m.severe_or_worsening || self.severe || self.worsening)
            && (!m.outside_window || self.outside_window)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Combination {
    pub id: String,
    pub members: Vec<Member>,
    /// The combination holds only while the time since treatment is at most this day
    /// (inclusive); it needs a valid time.
    pub until_day: Option<f64>,
    /// No more urgent than its members; there for the cause its reason names.
    pub tells_the_cause: bool,
    pub disposition: Disposition,
    pub reason: String,
    pub citation: Citation,
}

impl Combination {
    /// Whether the combination can hold at `day` since the treatment ("until" is inclusive).
    pub fn holds_on(&self, day: f64) -> bool {
        self.until_day.is_none_or(|until| day <= until)
    }

    /// Whether the combination fires when `state` tells what is known of each alternative:
    /// every member has one alternative present that meets its qualifiers. The one statement
    /// of the rule, used by the triage, the lint and the questionnaire alike.
    pub fn fires(&self, state: impl Fn(MemberRef) -> MemberState) -> bool {
        self.members
            .iter()
            .all(|m| m.refs.iter().any(|&r| state(r).satisfies(m)))
    }

    /// Whether the combination fires on presence alone, as when every qualifier is met: the
    /// most a set of present ids can make of it.
    pub fn fires_on_presence(&self, present: impl Fn(MemberRef) -> bool) -> bool {
        self.fires(|r| MemberState {
            present: present(r),
            worsening: true,
            severe: true,
            outside_window: true,
        })
    }

    /// The members in words: "(fever or chills) + petechiae outside its window".
    pub fn describe(&self) -> String {
        self.members
            .iter()
            .map(|m| {
                let mut s = match m.any_of.as_slice() {
                    [one] => one.clone(),
                    many => format!("({})", many.join(" or ")),
                };
                s.push_str(&m.qualifier_words());
                s
            })
            .collect::<Vec<_>>()
            .join(" + ")
            + &self
                .until_day
                .map(|d| format!("; until day {}", crate::day_words::day_number(d)))
                .unwrap_or_default()
    }

    /// Whether every member can be met by a warning sign alone, with no qualifier: such a
    /// combination needs no window, so it can be judged without a valid time.
    pub fn of_signs_only(&self) -> bool {
        self.members.iter().all(|m| !m.qualified()) && self.until_day.is_none()
    }
}

/// Several strong reactions at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub id: String,
    pub among: Vec<String>,
    pub count: usize,
    pub severity: crate::model::Severity,
    pub trend: crate::model::Trend,
    pub disposition: Disposition,
    pub reason: String,
    pub citation: Citation,
    pub(crate) among_refs: Vec<SymptomRef>,
}

impl Cluster {
    /// Whether a report counts towards the cluster.
    pub fn counts(&self, s: &crate::model::ReportedSymptom) -> bool {
        s.severity >= self.severity && s.trend >= self.trend
    }
}

/// Something the lists do not name, in the person's own words.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherRule {
    pub id: String,
    pub label: String,
    pub description: String,
    pub disposition: Disposition,
    pub severe_or_worsening: Disposition,
    /// Reported both severe and worsening while the time since treatment is at most its day:
    /// something strong, growing and unnamed right after a procedure.
    pub severe_and_worsening_early: Option<Threshold>,
    pub aliases: Vec<String>,
    pub citation: Citation,
}

/// Something about the person that changes the answer only through combinations.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskFactor {
    pub id: String,
    pub label: String,
    pub description: String,
    pub question: String,
    pub aliases: Vec<String>,
    pub citation: Citation,
}

/// The clinic's contact details, when the rule file names them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clinic {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub out_of_hours_phone: Option<String>,
    pub emergency_number: Option<String>,
}

impl Clinic {
    /// "Riverside Skin Clinic on 020 7946 0000", or "the clinic".
    pub fn clinic_words(&self) -> String {
        match (&self.name, &self.phone) {
            (Some(n), Some(p)) => format!("{n} on {p}"),
            (Some(n), None) => n.clone(),
            (None, Some(p)) => format!("the clinic on {p}"),
            (None, None) => "the clinic".to_string(),
        }
    }

    /// "the on-call service on 020 ...", or "the on-call service".
    pub fn out_of_hours_words(&self) -> String {
        match &self.out_of_hours_phone {
            Some(p) => format!("the on-call service on {p}"),
            None => "the on-call service".to_string(),
        }
    }

    /// "emergency services on 999", or "emergency services (911, 999 or 112)".
    pub fn emergency_words(&self) -> String {
        match &self.emergency_number {
            Some(n) => format!("emergency services on {n}"),
            None => "emergency services (911, 999 or 112)".to_string(),
        }
    }

    /// Fills the placeholders of a disposition's words in one pass: what a placeholder is
    /// filled with is never read again (a clinic named "{emergency}" stays that name).
    pub fn fill(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('{') {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            let filled = [
                ("{clinic}", self.clinic_words()),
                ("{out_of_hours}", self.out_of_hours_words()),
                ("{emergency}", self.emergency_words()),
            ]
            .into_iter()
            .find(|(p, _)| tail.starts_with(p));
            match filled {
                Some((p, words)) => {
                    out.push_str(&words);
                    rest = &tail[p.len()..];
                }
                None => {
                    out.push('{');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Emergency numbers in use around the world: a clinic's `emergency_number` must be one of
/// them, or a call for help would go nowhere.
pub const KNOWN_EMERGENCY_NUMBERS: &[&str] = &[
    "000", "08", "061", "066", "100", "101", "102", "103", "108", "110", "111", "112", "113",
    "115", "117", "118", "119", "122", "123", "150", "155", "190", "191", "192", "193", "194",
    "197", "199", "911", "995", "997", "998", "999", "1122", "1669", "10111",
];

/// A rule about the person's situation rather than a symptom (repeat contact).
#[derive(Debug, Clone, PartialEq)]
pub struct SituationRule {
    pub id: String,
    pub disposition: Disposition,
    pub reason: String,
    pub citation: Citation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LatePresentation {
    pub id: String,
    pub after_day: f64,
    pub disposition: Disposition,
    pub reason: String,
    pub citation: Citation,
}

pub use crate::model::AdviceKind;

#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub id: String,
    pub topic: String,
    pub kind: AdviceKind,
    pub from_day: f64,
    /// When it ends; absent, it never does.
    pub until_day: Option<f64>,
    pub text: String,
    pub then: Option<String>,
    pub citation: Citation,
}

impl Advice {
    /// Whether the advice applies on `day`: from `from_day`, up to but not at `until_day`.
    /// The advice says "for the first 24 hours" and its `then` "from 24 hours after": at
    /// 24 hours the restriction has run its whole time, so it is no longer listed as today's.
    pub fn applies_on(&self, day: f64) -> bool {
        day >= self.from_day && self.until_day.is_none_or(|until| day < until)
    }

    /// Whether it has ended by `day`.
    pub fn ended_by(&self, day: f64) -> bool {
        self.until_day.is_some_and(|until| until <= day)
    }
}

/// A reminder for the nurse's note, not patient advice: shown when the case has any of its
/// risk factors and any of its symptoms (an empty list asks nothing), from its day on.
#[derive(Debug, Clone, PartialEq)]
pub struct NurseNote {
    pub id: String,
    pub risk_factors: Vec<String>,
    pub symptoms: Vec<String>,
    pub from_day: f64,
    pub text: String,
    pub citation: Citation,
}

impl NurseNote {
    /// Whether the note applies to a case.
    pub fn applies_to(&self, case: &crate::model::Case) -> bool {
        case.days_since_treatment >= self.from_day
            && (self.risk_factors.is_empty()
                || self
                    .risk_factors
                    .iter()
                    .any(|r| case.risk_factors.contains(r)))
            && (self.symptoms.is_empty()
                || case.symptoms.iter().any(|s| self.symptoms.contains(&s.id)))
    }
}

#[derive(Debug, Clone)]
pub struct Example {
    pub id: String,
    pub title: String,
    pub case: CaseInput,
    pub expect: Disposition,
    pub expect_rules: Vec<String>,
}

/// Which table a symptom id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymptomRef {
    Reaction(usize),
    WarningSign(usize),
    /// The rule set's `other` entry.
    Other,
}

/// An entry a case may name, whatever its table: an expected reaction, a warning sign,
/// `other` or a risk factor, with what every one of them has.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Which table: [`RuleKind::ExpectedReaction`], [`RuleKind::WarningSign`],
    /// [`RuleKind::Other`] or [`RuleKind::RiskFactor`].
    pub kind: RuleKind,
    pub id: &'a str,
    pub label: &'a str,
    pub description: &'a str,
    pub aliases: &'a [String],
    pub citation: &'a Citation,
}

impl Entry<'_> {
    /// The entry as a rule of the file, as messages name it: `warning_sign "fever"`.
    pub fn rule(&self) -> RuleId {
        RuleId::new(self.kind, self.id)
    }

    /// Whether a case reports it as a symptom: every entry but a risk factor.
    pub fn is_symptom(&self) -> bool {
        self.kind != RuleKind::RiskFactor
    }
}

impl<'a> From<&'a ExpectedReaction> for Entry<'a> {
    fn from(r: &'a ExpectedReaction) -> Self {
        Entry {
            kind: RuleKind::ExpectedReaction,
            id: &r.id,
            label: &r.label,
            description: &r.description,
            aliases: &r.aliases,
            citation: &r.citation,
        }
    }
}

impl<'a> From<&'a WarningSign> for Entry<'a> {
    fn from(w: &'a WarningSign) -> Self {
        Entry {
            kind: RuleKind::WarningSign,
            id: &w.id,
            label: &w.label,
            description: &w.description,
            aliases: &w.aliases,
            citation: &w.citation,
        }
    }
}

impl<'a> From<&'a OtherRule> for Entry<'a> {
    fn from(o: &'a OtherRule) -> Self {
        Entry {
            kind: RuleKind::Other,
            id: &o.id,
            label: &o.label,
            description: &o.description,
            aliases: &o.aliases,
            citation: &o.citation,
        }
    }
}

impl<'a> From<&'a RiskFactor> for Entry<'a> {
    fn from(f: &'a RiskFactor) -> Self {
        Entry {
            kind: RuleKind::RiskFactor,
            id: &f.id,
            label: &f.label,
            description: &f.description,
            aliases: &f.aliases,
            citation: &f.citation,
        }
    }
}

/// The entries of the four tables, in the file's order: the expected reactions, the warning
/// signs, `other`, the risk factors. The validator walks them before the rule set is whole.
fn entries_of<'a>(
    reactions: &'a [ExpectedReaction],
    warning_signs: &'a [WarningSign],
    other: Option<&'a OtherRule>,
    risk_factors: &'a [RiskFactor],
) -> impl Iterator<Item = Entry<'a>> {
    reactions
        .iter()
        .map(Entry::from)
        .chain(warning_signs.iter().map(Entry::from))
        .chain(other.map(Entry::from))
        .chain(risk_factors.iter().map(Entry::from))
}

/// The built-in rule set's name and version, read from its header alone: `--version` says
/// them without compiling the whole protocol.
pub fn built_in_header() -> RuleSetId {
    #[derive(serde::Deserialize)]
    struct Header {
        rule_set: file::RuleSetHeader,
    }
    // The header alone, not the whole file: `--version` and the completions need no more.
    let start = DEFAULT_RULES
        .find("\n[rule_set]")
        .expect("the built-in rule file has a [rule_set] table");
    let end = DEFAULT_RULES[start + 1..]
        .find("\n[")
        .map_or(DEFAULT_RULES.len(), |n| start + 1 + n);
    let h: Header =
        toml::from_str(&DEFAULT_RULES[start..end]).expect("the built-in rule file is valid");
    RuleSetId {
        name: h.rule_set.name,
        version: h.rule_set.version,
    }
}

/// A validated, compiled rule set.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub name: String,
    pub version: String,
    pub title: String,
    /// The file it came from, for messages.
    pub origin: String,
    pub sources: Vec<Source>,
    /// Indexed by `Disposition::urgency()`.
    pub dispositions: Vec<DispositionText>,
    pub reactions: Vec<ExpectedReaction>,
    pub warning_signs: Vec<WarningSign>,
    pub combinations: Vec<Combination>,
    pub clusters: Vec<Cluster>,
    pub other: Option<OtherRule>,
    pub risk_factors: Vec<RiskFactor>,
    pub clinic: Clinic,
    pub repeat_contact: SituationRule,
    pub late_presentation: LatePresentation,
    pub advice: Vec<Advice>,
    pub nurse_notes: Vec<NurseNote>,
    pub examples: Vec<Example>,
    symptom_index: SymptomIndex,
}

/// The text of a rule file up to its first example. The built-in file keeps its examples
/// last; a test checks that what comes before them compiles to the same rule set.
#[cfg(test)]
pub(crate) fn before_examples(text: &str) -> &str {
    text.find("\n[[example]]").map_or(text, |end| &text[..=end])
}

/// Symptom id to table position, asked once or twice for every symptom of every case.
type SymptomIndex = HashMap<String, SymptomRef, BuildHasherDefault<IdHasher>>;

/// FNV-1a, in place of the standard SipHash, which costs several times more on ids this
/// short. The keys are the rule file's few dozen ids and a case can only ask, never add, so
/// the index needs no defence against chosen collisions: the worst an input can do is miss.
struct IdHasher(u64);

impl Default for IdHasher {
    fn default() -> Self {
        IdHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl RuleSet {
    /// The protocol built into the binary.
    pub fn built_in() -> RuleSet {
        // The built-in file is validated by the test suite; failing here is a build defect.
        Self::parse(DEFAULT_RULES, DEFAULT_ORIGIN).expect("the built-in rule file is valid")
    }

    /// The built-in protocol without its `[[example]]` cases, for answering cases. The
    /// examples are more than half of the file and of the start-up time, and no answer uses
    /// them; `rules check` and the test suite run them from [`RuleSet::built_in`]. A clinic's
    /// own file is always read whole, examples included.
    pub fn built_in_without_examples() -> RuleSet {
        // The JSON form written when the binary was built: the same rules, read several
        // times faster; the TOML is validated character by character by the test suite.
        validate::compile_built_in_json(DEFAULT_RULES_JSON, DEFAULT_ORIGIN)
            .expect("the built-in rule file is valid")
    }

    /// Reads and validates a clinic's rule file.
    pub fn load(path: &Path) -> Result<RuleSet, RuleFileErrors> {
        let origin = path.display().to_string();
        // Read no more than the largest file accepted (and room for a byte-order mark):
        // `--rules /dev/zero` or a huge file must fail, not fill the memory.
        let limit = validate::MAX_RULE_FILE_BYTES as u64 + 4;
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| {
                std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut bytes)
            })
            .map_err(|e| {
                RuleFileErrors::single(Diagnostic::error(
                    &origin,
                    format!(
                        "cannot read the rule file: {}",
                        crate::io_words::io_reason(&e)
                    ),
                ))
            })?;
        if bytes.len() as u64 >= limit {
            return Err(RuleFileErrors::single(Diagnostic::error(
                &origin,
                format!(
                    "the rule file is larger than {} bytes, the most accepted",
                    validate::MAX_RULE_FILE_BYTES
                ),
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            RuleFileErrors::single(Diagnostic::error(
                &origin,
                format!(
                    "the rule file is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            ))
        })?;
        Self::parse(&text, &origin)
    }

    /// Parses and validates rule-file text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<RuleSet, RuleFileErrors> {
        validate::compile(text, origin)
    }

    pub fn id(&self) -> RuleSetId {
        RuleSetId {
            name: self.name.clone(),
            version: self.version.clone(),
        }
    }

    pub fn disposition_text(&self, d: Disposition) -> &DispositionText {
        &self.dispositions[d.urgency() as usize]
    }

    pub fn lookup(&self, symptom_id: &str) -> Option<SymptomRef> {
        self.symptom_index.get(symptom_id).copied()
    }

    pub fn reaction(&self, id: &str) -> Option<&ExpectedReaction> {
        match self.lookup(id)? {
            SymptomRef::Reaction(i) => Some(&self.reactions[i]),
            _ => None,
        }
    }

    /// The warning signs of one disposition, in rule-file order: the lists the
    /// questionnaires ask and the FHIR questionnaire describes, from one place.
    pub fn signs_of(&self, d: Disposition) -> Vec<&str> {
        self.warning_signs
            .iter()
            .filter(|w| w.disposition == d)
            .map(|w| w.id.as_str())
            .collect()
    }

    /// The symptom checklist: the expected reactions, then the warning signs up to `most`.
    pub fn checklist_ids(&self, most: Disposition) -> Vec<&str> {
        self.reactions
            .iter()
            .map(|r| r.id.as_str())
            .chain(
                self.warning_signs
                    .iter()
                    .filter(|w| w.disposition <= most)
                    .map(|w| w.id.as_str()),
            )
            .collect()
    }

    pub fn warning_sign(&self, id: &str) -> Option<&WarningSign> {
        match self.lookup(id)? {
            SymptomRef::WarningSign(i) => Some(&self.warning_signs[i]),
            _ => None,
        }
    }

    /// Every entry a case may name, in the file's order: the expected reactions, the warning
    /// signs, `other`, the risk factors.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        entries_of(
            &self.reactions,
            &self.warning_signs,
            self.other.as_ref(),
            &self.risk_factors,
        )
    }

    /// The entry of an id a case may name (a symptom, a sign, `other` or a risk factor).
    pub fn entry(&self, id: &str) -> Option<Entry<'_>> {
        match self.lookup(id) {
            Some(SymptomRef::Reaction(i)) => Some(Entry::from(&self.reactions[i])),
            Some(SymptomRef::WarningSign(i)) => Some(Entry::from(&self.warning_signs[i])),
            Some(SymptomRef::Other) => self.other.as_ref().map(Entry::from),
            None => self.risk_factor(id).map(|(_, f)| Entry::from(f)),
        }
    }

    /// The entry of a symptom id (an expected reaction, a warning sign or `other`), for its
    /// plain words; `None` for a risk factor or an unknown id.
    pub fn symptom_text(&self, id: &str) -> Option<Entry<'_>> {
        self.entry(id).filter(Entry::is_symptom)
    }

    /// A risk factor by id.
    pub fn risk_factor(&self, id: &str) -> Option<(usize, &RiskFactor)> {
        self.risk_factors
            .iter()
            .enumerate()
            .find(|(_, f)| f.id == id)
    }

    /// The most urgent disposition an entry (symptom, sign, `other` or risk factor) can give,
    /// on its own or through a combination or cluster: how suggestions are ordered.
    pub fn urgency_of(&self, id: &str) -> Disposition {
        let mut most = Disposition::HomeCare;
        match self.lookup(id) {
            Some(SymptomRef::WarningSign(i)) => most = self.warning_signs[i].disposition,
            Some(SymptomRef::Reaction(i)) => {
                let r = &self.reactions[i];
                most = r
                    .thresholds()
                    .into_iter()
                    .filter_map(|(_, steps)| steps.most_urgent())
                    .fold(r.past_window, Disposition::max);
            }
            Some(SymptomRef::Other) => {
                if let Some(o) = &self.other {
                    most = o.disposition.max(o.severe_or_worsening).max(
                        o.severe_and_worsening_early
                            .map_or(Disposition::HomeCare, |t| t.disposition),
                    );
                }
            }
            None => {}
        }
        for c in &self.combinations {
            if c.members.iter().any(|m| m.any_of.iter().any(|a| a == id)) {
                most = most.max(c.disposition);
            }
        }
        most
    }

    /// The plain-words aliases of an entry (symptom, sign, `other` or risk factor), for a
    /// search; none for an id the rule set does not have.
    pub fn aliases_of(&self, id: &str) -> Vec<String> {
        self.entry(id)
            .map(|e| e.aliases.to_vec())
            .unwrap_or_default()
    }

    /// The known ids close to an unknown one, by id or alias: every close candidate, the most
    /// urgent first (never a single milder id when a more urgent one is also close).
    pub fn suggestions(&self, unknown: &str) -> Vec<&str> {
        // Nothing is suggested for text far longer than any id or alias (the closeness of a
        // long text to every name would cost time in proportion to its length squared).
        if unknown.len() > MAX_SUGGESTED_FROM {
            return Vec::new();
        }
        let wanted = normalise(unknown);
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<(Disposition, f64, &str)> = Vec::new();
        for Entry { id, aliases, .. } in self.entries() {
            let score = std::iter::once(id)
                .chain(aliases.iter().map(String::as_str))
                .map(|name| closeness(&wanted, &normalise(name)))
                .fold(0.0, f64::max);
            if score > 0.0 {
                found.push((self.urgency_of(id), score, id));
            }
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
        found.into_iter().map(|(_, _, id)| id).collect()
    }

    /// The most likely symptom id for a mistyped one (the first of [`RuleSet::suggestions`]).
    pub fn nearest_symptom_id(&self, unknown: &str) -> Option<&str> {
        self.suggestions(unknown).into_iter().next()
    }

    /// Every symptom id the rule set knows: expected reactions, then warning signs.
    pub fn symptom_ids(&self) -> impl Iterator<Item = &str> {
        self.reactions
            .iter()
            .map(|r| r.id.as_str())
            .chain(self.warning_signs.iter().map(|w| w.id.as_str()))
    }

    /// Every rule of the set with the citation behind it, in file order.
    pub fn rules(&self) -> Vec<RuleInfo<'_>> {
        let mut out = Vec::new();
        for r in &self.reactions {
            for aspect in Aspect::ALL {
                if aspect.applies_to(r) {
                    out.push(RuleInfo {
                        id: RuleId::reaction_aspect(&r.id, aspect),
                        citation: &r.citation,
                    });
                }
            }
        }
        for w in &self.warning_signs {
            out.push(RuleInfo {
                id: RuleId::warning_sign(&w.id),
                citation: &w.citation,
            });
        }
        if let Some(o) = &self.other {
            for raised in [false, true] {
                out.push(RuleInfo {
                    id: RuleId::other(&o.id, raised),
                    citation: &o.citation,
                });
            }
            if o.severe_and_worsening_early.is_some() {
                out.push(RuleInfo {
                    id: RuleId::other_early(&o.id),
                    citation: &o.citation,
                });
            }
        }
        for c in &self.combinations {
            out.push(RuleInfo {
                id: RuleId::combination(&c.id),
                citation: &c.citation,
            });
        }
        for c in &self.clusters {
            out.push(RuleInfo {
                id: RuleId::new(RuleKind::Cluster, &c.id),
                citation: &c.citation,
            });
        }
        out.push(RuleInfo {
            id: RuleId::new(RuleKind::RepeatContact, &self.repeat_contact.id),
            citation: &self.repeat_contact.citation,
        });
        out.push(RuleInfo {
            id: RuleId::new(RuleKind::LatePresentation, &self.late_presentation.id),
            citation: &self.late_presentation.citation,
        });
        out
    }

    /// The reminders for the nurse's note that apply to a case.
    pub fn nurse_notes_for(&self, case: &crate::model::Case) -> Vec<&NurseNote> {
        self.nurse_notes
            .iter()
            .filter(|n| n.applies_to(case))
            .collect()
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}

/// The built-in rule set, parsed once for all the unit tests of the crate.
#[cfg(test)]
pub(crate) fn built_in_for_tests() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(RuleSet::built_in)
}

/// A rule id and where it came from.
#[derive(Debug, Clone)]
pub struct RuleInfo<'a> {
    pub id: RuleId,
    pub citation: &'a Citation,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Words as ids are written: lower case, `_` between words.
pub(crate) fn normalise(text: &str) -> String {
    let lower = text.trim().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join("_")
}

/// The longest text [`RuleSet::suggestions`] looks for close ids to, in bytes: several times
/// the longest id or alias, so that a sentence holding an id's words still finds it.
const MAX_SUGGESTED_FROM: usize = 256;

/// How close an unknown id is to a known id or alias (0 when not close enough to suggest):
/// the same words in another order, one contained in the other as whole words, or a close
/// spelling.
fn closeness(wanted: &str, name: &str) -> f64 {
    if wanted == name {
        return 1.0;
    }
    let words = |s: &str| -> Vec<String> { s.split('_').map(stem).collect() };
    let (a, b) = (words(wanted), words(name));
    let mut sa = a.clone();
    let mut sb = b.clone();
    sa.sort();
    sb.sort();
    if sa == sb {
        return 0.99;
    }
    let contains = |outer: &[String], inner: &[String]| {
        !inner.is_empty() && inner.iter().all(|w| outer.contains(w))
    };
    // Whole words of one inside the other ("breathing" in "difficulty_breathing"); short
    // words alone ("eye") are too vague to point anywhere.
    if (contains(&b, &a) && wanted.len() >= 5) || (contains(&a, &b) && name.len() >= 5) {
        return 0.9;
    }
    // A close spelling: few edits for the length. (Jaro-Winkler weighs a shared start so
    // much that "red_lines" came close to "red_dots" and "wheezing" to "weeping".)
    // A length this far apart is more edits than a close spelling allows: not computed.
    let (la, lb) = (wanted.chars().count(), name.chars().count());
    if la.abs_diff(lb) * 4 > la.max(lb) {
        return 0.0;
    }
    let score = strsim::normalized_damerau_levenshtein(wanted, name);
    if score >= 0.75 {
        score * 0.9
    } else {
        0.0
    }
}

/// A word without its plural "s", so that "cold_sore" finds "cold sores".
fn stem(word: &str) -> String {
    word.strip_suffix('s')
        .filter(|w| w.len() >= 3 && !w.ends_with('s'))
        .unwrap_or(word)
        .to_string()
}

#[cfg(test)]
mod built_in_tests {
    use super::*;

    /// The form read at start is the rule set the TOML gives, field for field.
    #[test]
    fn the_built_in_json_form_is_the_toml_rule_set() {
        let from_toml = RuleSet::parse(before_examples(DEFAULT_RULES), DEFAULT_ORIGIN).unwrap();
        let from_json = RuleSet::built_in_without_examples();
        assert_eq!(format!("{from_json:?}"), format!("{from_toml:?}"));
    }

    #[test]
    fn the_entries_are_the_four_tables_in_the_files_order() {
        let rules = built_in_for_tests();
        let kinds: Vec<RuleKind> = rules.entries().map(|e| e.kind).collect();
        let mut expected = vec![RuleKind::ExpectedReaction; rules.reactions.len()];
        expected.extend(vec![RuleKind::WarningSign; rules.warning_signs.len()]);
        expected.extend(rules.other.iter().map(|_| RuleKind::Other));
        expected.extend(vec![RuleKind::RiskFactor; rules.risk_factors.len()]);
        assert_eq!(kinds, expected);
        for e in rules.entries() {
            let found = rules.entry(e.id).expect("every entry is found by its id");
            assert_eq!((found.kind, found.label), (e.kind, e.label));
            assert_eq!(rules.symptom_text(e.id).is_some(), e.is_symptom());
        }
        let f = rules.entry("blood_thinners").unwrap();
        assert_eq!(f.rule().to_string(), "risk_factor \"blood_thinners\"");
        assert!(rules.entry("nonsense").is_none());
    }

    #[test]
    fn the_header_is_read_alone() {
        let h = built_in_header();
        let full = RuleSet::built_in();
        assert_eq!((h.name, h.version), (full.name, full.version));
    }
}

#[cfg(test)]
mod suggestion_tests {
    use super::*;

    /// The inputs of the 1.1 review, each with the urgent candidate that must come first.
    const URGENT_FIRST: [(&str, &str); 22] = [
        ("puffy_lips", "throat_swelling"),
        ("mouth_swelling", "throat_swelling"),
        ("rapid_swelling", "rapidly_spreading_swelling"),
        ("fainted", "fainting"),
        ("vomit", "vomiting"),
        ("lost_vision", "vision_loss"),
        ("sight_loss", "vision_loss"),
        ("wheeze", "difficulty_breathing"),
        ("numb", "numbness"),
        ("swollen_lips", "throat_swelling"),
        ("swollen_tongue", "throat_swelling"),
        ("wheezing", "difficulty_breathing"),
        ("breathing", "difficulty_breathing"),
        ("red_lines", "red_streaks"),
        ("pain_eye", "eye_pain"),
        ("dark_skin", "dusky_skin"),
        ("swelling_spreading", "rapidly_spreading_swelling"),
        ("redness_spreading", "spreading_redness"),
        ("lip_swelling", "throat_swelling"),
        ("short_of_breath", "difficulty_breathing"),
        ("headache", "sudden_severe_headache"),
        ("cold_sore", "grouped_blisters"),
    ];

    #[test]
    fn the_urgent_candidate_is_listed_first() {
        let rules = built_in_for_tests();
        for (input, urgent) in URGENT_FIRST {
            let got = rules.suggestions(input);
            println!("{input}: {got:?}");
            assert_eq!(got.first(), Some(&urgent), "{input}: {got:?}");
        }
    }

    #[test]
    fn a_plain_typo_finds_its_id_and_little_else() {
        let rules = built_in_for_tests();
        for (input, id) in [
            ("rednes", "redness"),
            ("sweling", "swelling"),
            ("fevr", "fever"),
        ] {
            let got = rules.suggestions(input);
            println!("{input}: {got:?}");
            assert!(got.contains(&id), "{input}: {got:?}");
            assert!(got.len() <= 3, "{input}: {got:?}");
        }
        assert!(rules.suggestions("zzz").is_empty());
    }

    #[test]
    fn an_unknown_id_of_any_length_is_answered_at_once() {
        let rules = built_in_for_tests();
        let started = std::time::Instant::now();
        assert!(rules.suggestions(&"x".repeat(1_000_000)).is_empty());
        assert!(rules.suggestions(&"fever_".repeat(100_000)).is_empty());
        // A sentence holding an id's words still finds it.
        let got = rules.suggestions("i_think_it_is_difficulty_breathing_since_this_morning");
        assert!(got.contains(&"difficulty_breathing"), "{got:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
