//! The protocol as data: loaded from a rule file, validated, and compiled into a form the
//! evaluation can use without searching.

mod file;
pub mod lint;
pub mod trace;
mod validate;

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

pub use file::RuleFile;
pub use validate::{RuleFileError, RuleFileErrors, MAX_RULE_FILE_BYTES};

use crate::input::CaseInput;
use crate::model::{Disposition, RuleSetId};

/// The default protocol, built into the binary.
pub const DEFAULT_RULES: &str = include_str!("../../rules/default.toml");
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
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub day: f64,
    pub disposition: Disposition,
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
    pub worse_after: Option<Threshold>,
    pub severe_after: Option<Threshold>,
    pub starts_after: Option<Threshold>,
    pub course: Option<String>,
    pub citation: Citation,
}

/// A sign that is never part of normal healing.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningSign {
    pub id: String,
    pub label: String,
    pub description: String,
    pub disposition: Disposition,
    pub likely_cause: String,
    pub citation: Citation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Combination {
    pub id: String,
    pub all_of: Vec<String>,
    pub any_of: Vec<String>,
    pub disposition: Disposition,
    pub reason: String,
    pub citation: Citation,
    /// `all_of` and `any_of` resolved to their tables once, on load, so that checking a case
    /// looks up no id.
    pub(crate) all_of_refs: Vec<SymptomRef>,
    pub(crate) any_of_refs: Vec<SymptomRef>,
}

impl Combination {
    /// Whether the combination fires when the symptoms for which `present` is true are there:
    /// every one of `all_of` and, when `any_of` is given, at least one of it. The one
    /// statement of the rule, used by the triage, the lint and the questionnaire alike.
    pub fn fires(&self, present: impl Fn(SymptomRef) -> bool) -> bool {
        self.all_of_refs.iter().all(|&s| present(s))
            && (self.any_of_refs.is_empty() || self.any_of_refs.iter().any(|&s| present(s)))
    }
}

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

#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub id: String,
    pub topic: String,
    pub from_day: f64,
    pub until_day: Option<f64>,
    pub text: String,
    pub then: Option<String>,
    pub citation: Citation,
}

impl Advice {
    /// Whether the advice applies on `day` (both ends inclusive).
    pub fn applies_on(&self, day: f64) -> bool {
        day >= self.from_day && self.until_day.is_none_or(|until| day <= until)
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
}

/// A symptom id's plain-words label and description, whatever its table.
#[derive(Debug, Clone, Copy)]
pub struct SymptomText<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub description: &'a str,
}

/// The aspects of an expected reaction that are rules of their own, in the order of the
/// reference table. Rule ids are `<reaction>.<aspect>`.
pub const REACTION_ASPECTS: [&str; 7] = [
    "window",
    "improving",
    "not_improving",
    "past_window",
    "worse_after",
    "severe_after",
    "starts_after",
];

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
    pub repeat_contact: SituationRule,
    pub late_presentation: LatePresentation,
    pub advice: Vec<Advice>,
    pub examples: Vec<Example>,
    symptom_index: SymptomIndex,
}

/// The text of a rule file up to its first example. The built-in file keeps its examples
/// last; a test checks that what comes before them compiles to the same rule set.
fn before_examples(text: &str) -> &str {
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
        Self::parse(before_examples(DEFAULT_RULES), DEFAULT_ORIGIN)
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
                RuleFileErrors::single(RuleFileError::new(
                    &origin,
                    format!("cannot read the rule file: {}", crate::io_reason(&e)),
                ))
            })?;
        if bytes.len() as u64 >= limit {
            return Err(RuleFileErrors::single(RuleFileError::new(
                &origin,
                format!(
                    "the rule file is larger than {} bytes, the most accepted",
                    validate::MAX_RULE_FILE_BYTES
                ),
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            RuleFileErrors::single(RuleFileError::new(
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
            SymptomRef::WarningSign(_) => None,
        }
    }

    pub fn warning_sign(&self, id: &str) -> Option<&WarningSign> {
        match self.lookup(id)? {
            SymptomRef::WarningSign(i) => Some(&self.warning_signs[i]),
            SymptomRef::Reaction(_) => None,
        }
    }

    pub fn symptom_text(&self, id: &str) -> Option<SymptomText<'_>> {
        Some(match self.lookup(id)? {
            SymptomRef::Reaction(i) => {
                let r = &self.reactions[i];
                SymptomText {
                    id: &r.id,
                    label: &r.label,
                    description: &r.description,
                }
            }
            SymptomRef::WarningSign(i) => {
                let w = &self.warning_signs[i];
                SymptomText {
                    id: &w.id,
                    label: &w.label,
                    description: &w.description,
                }
            }
        })
    }

    /// Every symptom id the rule set knows: expected reactions, then warning signs.
    pub fn symptom_ids(&self) -> impl Iterator<Item = &str> {
        self.reactions
            .iter()
            .map(|r| r.id.as_str())
            .chain(self.warning_signs.iter().map(|w| w.id.as_str()))
    }

    /// The known symptom id nearest to a mistyped one, if any is close enough to suggest.
    pub fn nearest_symptom_id(&self, unknown: &str) -> Option<&str> {
        let unknown = unknown.trim().to_lowercase().replace([' ', '-'], "_");
        self.symptom_ids()
            .map(|id| (strsim::jaro_winkler(&unknown, id), id))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id)| id)
    }

    /// Every rule id of the set with the citation behind it, in file order.
    pub fn rules(&self) -> Vec<RuleInfo<'_>> {
        let mut out = Vec::new();
        for r in &self.reactions {
            for aspect in REACTION_ASPECTS {
                if reaction_has_aspect(r, aspect) {
                    out.push(RuleInfo {
                        id: format!("{}.{}", r.id, aspect),
                        citation: &r.citation,
                    });
                }
            }
        }
        for w in &self.warning_signs {
            out.push(RuleInfo {
                id: w.id.clone(),
                citation: &w.citation,
            });
        }
        for c in &self.combinations {
            out.push(RuleInfo {
                id: c.id.clone(),
                citation: &c.citation,
            });
        }
        out.push(RuleInfo {
            id: self.repeat_contact.id.clone(),
            citation: &self.repeat_contact.citation,
        });
        out.push(RuleInfo {
            id: self.late_presentation.id.clone(),
            citation: &self.late_presentation.citation,
        });
        out
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}

/// Whether a reaction's aspect can ever fire. A reaction whose two window days are equal has
/// no "improving" stretch, and thresholds that are absent are not rules.
pub fn reaction_has_aspect(r: &ExpectedReaction, aspect: &str) -> bool {
    match aspect {
        "window" | "past_window" => true,
        "improving" | "not_improving" => r.ok_if_improving_until > r.normal_until,
        "worse_after" => r.worse_after.is_some(),
        "severe_after" => r.severe_after.is_some(),
        "starts_after" => r.starts_after.is_some(),
        _ => false,
    }
}

/// A rule id and where it came from.
#[derive(Debug, Clone)]
pub struct RuleInfo<'a> {
    pub id: String,
    pub citation: &'a Citation,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
