//! How a rule is named: the one place that knows the kinds of rule, the aspects of an
//! expected reaction and the two ways a rule is written (its id in a finding or trace,
//! `redness.past_window`; its place in the rule file in a message, `expected_reaction
//! "redness"`). Validation, lint, trace, explanation and output name rules only through
//! [`RuleId`] and [`RuleRef`], so that the forms cannot drift apart.

use std::fmt;

use super::{ExpectedReaction, RuleSet};

/// Which part of an expected reaction's window fired. Each is a rule of its own, in the order
/// of the reference table; its rule id is `<reaction>.<aspect>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aspect {
    Window,
    Improving,
    NotImproving,
    PastWindow,
    WorseAfter,
    SevereAfter,
    SevereAndWorseAfter,
    StartsAfter,
}

impl Aspect {
    /// Every aspect, in the order of the reference table.
    pub const ALL: [Aspect; 8] = [
        Aspect::Window,
        Aspect::Improving,
        Aspect::NotImproving,
        Aspect::PastWindow,
        Aspect::WorseAfter,
        Aspect::SevereAfter,
        Aspect::SevereAndWorseAfter,
        Aspect::StartsAfter,
    ];

    /// The aspect's name in a rule id.
    pub fn code(self) -> &'static str {
        match self {
            Aspect::Window => "window",
            Aspect::Improving => "improving",
            Aspect::NotImproving => "not_improving",
            Aspect::PastWindow => "past_window",
            Aspect::WorseAfter => "worse_after",
            Aspect::SevereAfter => "severe_after",
            Aspect::SevereAndWorseAfter => "severe_and_worse_after",
            Aspect::StartsAfter => "starts_after",
        }
    }

    /// The field of the reaction's table that holds the aspect's day or result.
    pub fn field(self) -> &'static str {
        match self {
            Aspect::Window => "normal_until",
            Aspect::Improving | Aspect::NotImproving => "ok_if_improving_until",
            Aspect::PastWindow => "past_window",
            Aspect::WorseAfter => "worse_after",
            Aspect::SevereAfter => "severe_after",
            Aspect::SevereAndWorseAfter => "severe_and_worse_after",
            Aspect::StartsAfter => "starts_after",
        }
    }

    /// Whether the aspect can ever fire for `r`. A reaction whose two window days are equal
    /// has no "improving" stretch, and thresholds that are absent are not rules.
    pub fn applies_to(self, r: &ExpectedReaction) -> bool {
        match self {
            Aspect::Window | Aspect::PastWindow => true,
            Aspect::Improving | Aspect::NotImproving => r.ok_if_improving_until > r.normal_until,
            Aspect::WorseAfter => !r.worse_after.is_empty(),
            Aspect::SevereAfter => !r.severe_after.is_empty(),
            Aspect::SevereAndWorseAfter => !r.severe_and_worse_after.is_empty(),
            Aspect::StartsAfter => !r.starts_after.is_empty(),
        }
    }
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The rule id of `other` reported severe or worsening, after the `other` entry's own id.
pub const OTHER_RAISED_ASPECT: &str = "severe_or_worsening";

/// The rule id of `other` reported both severe and worsening in the first day(s), after the
/// `other` entry's own id.
pub const OTHER_EARLY_ASPECT: &str = "severe_and_worsening_early";

/// The kinds of entry a rule file holds, by the name of their table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    RuleSet,
    Source,
    Disposition,
    ExpectedReaction,
    WarningSign,
    Other,
    RiskFactor,
    Combination,
    Cluster,
    Clinic,
    RepeatContact,
    LatePresentation,
    Advice,
    NurseNote,
    Example,
}

impl RuleKind {
    /// Every kind, in the order of the rule file.
    pub const ALL: [RuleKind; 15] = [
        RuleKind::RuleSet,
        RuleKind::Source,
        RuleKind::Disposition,
        RuleKind::ExpectedReaction,
        RuleKind::WarningSign,
        RuleKind::Other,
        RuleKind::RiskFactor,
        RuleKind::Combination,
        RuleKind::Cluster,
        RuleKind::Clinic,
        RuleKind::RepeatContact,
        RuleKind::LatePresentation,
        RuleKind::Advice,
        RuleKind::NurseNote,
        RuleKind::Example,
    ];

    /// The name of the kind's table in the rule file.
    pub fn table(self) -> &'static str {
        match self {
            RuleKind::RuleSet => "rule_set",
            RuleKind::Source => "source",
            RuleKind::Disposition => "disposition",
            RuleKind::ExpectedReaction => "expected_reaction",
            RuleKind::WarningSign => "warning_sign",
            RuleKind::Other => "other",
            RuleKind::RiskFactor => "risk_factor",
            RuleKind::Combination => "combination",
            RuleKind::Cluster => "cluster",
            RuleKind::Clinic => "clinic",
            RuleKind::RepeatContact => "repeat_contact",
            RuleKind::LatePresentation => "late_presentation",
            RuleKind::Advice => "advice",
            RuleKind::NurseNote => "nurse_note",
            RuleKind::Example => "example",
        }
    }

    /// The kind whose table is named `table`.
    pub fn from_table(table: &str) -> Option<RuleKind> {
        RuleKind::ALL.into_iter().find(|k| k.table() == table)
    }
}

/// How an entry of the file is told apart from the others of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Name {
    /// By its `id` (a disposition by its `code`).
    Id(String),
    /// By its place among its kind, from 1, when it has no usable id.
    Position(usize),
    /// A single table (`[rule_set]`, `[clinic]`), or a single entry whose id is missing.
    Section,
}

/// Which rule of an entry: the entry itself, one aspect of an expected reaction, or `other`
/// reported severe or worsening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Whole,
    Aspect(Aspect),
    OtherRaised,
    OtherEarly,
}

/// A rule, named. `Display` gives its place in the file (`expected_reaction "redness"`,
/// `[clinic]`, `warning_sign #3`), as messages name it; [`RuleId::code`] gives the id a
/// finding, an example or a trace names it by (`redness.past_window`, `fever`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleId {
    kind: RuleKind,
    name: Name,
    part: Part,
}

impl RuleId {
    /// An entry of `kind` by its id.
    pub fn new(kind: RuleKind, id: &str) -> RuleId {
        RuleId {
            kind,
            name: Name::Id(id.to_string()),
            part: Part::Whole,
        }
    }

    /// An entry of `kind` by its place among its kind (`position` from 1, the first being
    /// #1), for an entry whose id cannot be read.
    pub fn numbered(kind: RuleKind, position: usize) -> RuleId {
        RuleId {
            kind,
            name: Name::Position(position),
            part: Part::Whole,
        }
    }

    /// How a table the rule file format does not have is named in an error: as the file
    /// writes a section, `[name]`. It is no rule, so it has no [`RuleId`].
    pub fn unknown_table(name: &str) -> String {
        format!("[{name}]")
    }

    /// A single table of the file, as `[clinic]`.
    pub fn section(kind: RuleKind) -> RuleId {
        RuleId {
            kind,
            name: Name::Section,
            part: Part::Whole,
        }
    }

    pub fn expected_reaction(id: &str) -> RuleId {
        RuleId::new(RuleKind::ExpectedReaction, id)
    }

    /// One aspect of an expected reaction: `redness.past_window`.
    pub fn reaction_aspect(id: &str, aspect: Aspect) -> RuleId {
        RuleId {
            part: Part::Aspect(aspect),
            ..RuleId::expected_reaction(id)
        }
    }

    pub fn warning_sign(id: &str) -> RuleId {
        RuleId::new(RuleKind::WarningSign, id)
    }

    pub fn combination(id: &str) -> RuleId {
        RuleId::new(RuleKind::Combination, id)
    }

    /// The `other` entry, or (`raised`) its rule for a report severe or worsening.
    pub fn other(id: &str, raised: bool) -> RuleId {
        RuleId {
            part: if raised {
                Part::OtherRaised
            } else {
                Part::Whole
            },
            ..RuleId::new(RuleKind::Other, id)
        }
    }

    /// The `other` entry's rule for a report both severe and worsening early on.
    pub fn other_early(id: &str) -> RuleId {
        RuleId {
            part: Part::OtherEarly,
            ..RuleId::new(RuleKind::Other, id)
        }
    }

    /// A disposition's table, by its code.
    pub fn disposition(code: &str) -> RuleId {
        RuleId::new(RuleKind::Disposition, code)
    }

    pub fn kind(&self) -> RuleKind {
        self.kind
    }

    /// The aspect of an expected reaction this rule is, if it is one.
    pub fn aspect(&self) -> Option<Aspect> {
        match self.part {
            Part::Aspect(a) => Some(a),
            _ => None,
        }
    }

    /// The field that holds what the rule says, where one field does (a reaction's aspect).
    pub fn field(&self) -> Option<&'static str> {
        self.aspect().map(Aspect::field)
    }

    /// The whole entry this rule is part of: `expected_reaction "redness"` for
    /// `redness.window`.
    pub fn entry(&self) -> RuleId {
        RuleId {
            part: Part::Whole,
            ..self.clone()
        }
    }

    /// The id the rule is named by in findings, examples and traces.
    pub fn code(&self) -> String {
        let mut s = String::new();
        let _ = self.write_code(&mut s);
        s
    }

    /// Writes [`RuleId::code`] without allocating.
    pub fn write_code<W: fmt::Write>(&self, out: &mut W) -> fmt::Result {
        match &self.name {
            Name::Id(id) => out.write_str(id)?,
            Name::Position(n) => write!(out, "{}#{n}", self.kind.table())?,
            Name::Section => out.write_str(self.kind.table())?,
        }
        match self.part {
            Part::Whole => Ok(()),
            Part::Aspect(a) => write_aspect(out, a.code()),
            Part::OtherRaised => write_aspect(out, OTHER_RAISED_ASPECT),
            Part::OtherEarly => write_aspect(out, OTHER_EARLY_ASPECT),
        }
    }
}

fn write_aspect<W: fmt::Write>(out: &mut W, aspect: &str) -> fmt::Result {
    out.write_char('.')?;
    out.write_str(aspect)
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = self.kind.table();
        match &self.name {
            Name::Id(id) => write!(f, "{table} {id:?}"),
            Name::Position(n) => write!(f, "{table} #{n}"),
            Name::Section => write!(f, "[{table}]"),
        }
    }
}

/// A rule of a compiled rule set, by position, so that firing one costs no text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleRef {
    Reaction(usize, Aspect),
    WarningSign(usize),
    /// Something the lists do not name; `raised` when reported severe or worsening.
    Other {
        raised: bool,
    },
    /// Something the lists do not name, reported both severe and worsening early on.
    OtherEarly,
    Combination(usize),
    Cluster(usize),
    RepeatContact,
    LatePresentation,
    /// A symptom id the rule set does not know (only reachable with a hand-built `Case`;
    /// `CaseInput::resolve` rejects unknown ids).
    UnknownSymptom,
}

/// The rule id of [`RuleRef::UnknownSymptom`], which no rule file declares.
pub const UNKNOWN_SYMPTOM_RULE: &str = "unknown_symptom";

impl RuleRef {
    /// Writes the rule id (`redness.past_window`, `fever`) without allocating.
    pub fn write_id<W: fmt::Write>(self, rules: &RuleSet, out: &mut W) -> fmt::Result {
        match self {
            RuleRef::Reaction(i, aspect) => {
                out.write_str(&rules.reactions[i].id)?;
                write_aspect(out, aspect.code())
            }
            RuleRef::WarningSign(i) => out.write_str(&rules.warning_signs[i].id),
            RuleRef::Other { raised } => {
                out.write_str(
                    rules
                        .other
                        .as_ref()
                        .map_or(RuleKind::Other.table(), |o| o.id.as_str()),
                )?;
                if raised {
                    write_aspect(out, OTHER_RAISED_ASPECT)?;
                }
                Ok(())
            }
            RuleRef::OtherEarly => {
                out.write_str(
                    rules
                        .other
                        .as_ref()
                        .map_or(RuleKind::Other.table(), |o| o.id.as_str()),
                )?;
                write_aspect(out, OTHER_EARLY_ASPECT)
            }
            RuleRef::Combination(i) => out.write_str(&rules.combinations[i].id),
            RuleRef::Cluster(i) => out.write_str(&rules.clusters[i].id),
            RuleRef::RepeatContact => out.write_str(&rules.repeat_contact.id),
            RuleRef::LatePresentation => out.write_str(&rules.late_presentation.id),
            RuleRef::UnknownSymptom => out.write_str(UNKNOWN_SYMPTOM_RULE),
        }
    }

    /// The rule id, as [`RuleRef::write_id`] writes it.
    pub fn id(self, rules: &RuleSet) -> String {
        let mut s = String::new();
        let _ = self.write_id(rules, &mut s);
        s
    }

    /// The rule, named; `None` for an unknown symptom, which is no rule of the file.
    pub fn identity(self, rules: &RuleSet) -> Option<RuleId> {
        Some(match self {
            RuleRef::Reaction(i, aspect) => RuleId::reaction_aspect(&rules.reactions[i].id, aspect),
            RuleRef::WarningSign(i) => RuleId::warning_sign(&rules.warning_signs[i].id),
            RuleRef::Other { raised } => RuleId::other(&rules.other.as_ref()?.id, raised),
            RuleRef::OtherEarly => RuleId::other_early(&rules.other.as_ref()?.id),
            RuleRef::Combination(i) => RuleId::combination(&rules.combinations[i].id),
            RuleRef::Cluster(i) => RuleId::new(RuleKind::Cluster, &rules.clusters[i].id),
            RuleRef::RepeatContact => {
                RuleId::new(RuleKind::RepeatContact, &rules.repeat_contact.id)
            }
            RuleRef::LatePresentation => {
                RuleId::new(RuleKind::LatePresentation, &rules.late_presentation.id)
            }
            RuleRef::UnknownSymptom => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aspect_is_named_in_the_id_and_its_field_in_messages() {
        let id = RuleId::reaction_aspect("redness", Aspect::NotImproving);
        assert_eq!(id.code(), "redness.not_improving");
        assert_eq!(id.to_string(), "expected_reaction \"redness\"");
        assert_eq!(id.field(), Some("ok_if_improving_until"));
        assert_eq!(id.entry(), RuleId::expected_reaction("redness"));
        assert_eq!(Aspect::StartsAfter.field(), "starts_after");
    }

    #[test]
    fn every_aspect_has_its_own_name() {
        let codes: std::collections::HashSet<_> = Aspect::ALL.map(Aspect::code).into();
        assert_eq!(codes.len(), Aspect::ALL.len());
    }

    #[test]
    fn every_kind_is_found_by_its_table() {
        for kind in RuleKind::ALL {
            assert_eq!(RuleKind::from_table(kind.table()), Some(kind));
        }
        assert_eq!(RuleKind::from_table("nonsense"), None);
    }

    #[test]
    fn sections_positions_and_other_are_written_as_the_file_names_them() {
        assert_eq!(RuleId::section(RuleKind::Clinic).to_string(), "[clinic]");
        assert_eq!(RuleId::unknown_table("redness"), "[redness]");
        assert_eq!(
            RuleId::numbered(RuleKind::WarningSign, 3).to_string(),
            "warning_sign #3"
        );
        let raised = RuleId::other("other", true);
        assert_eq!(raised.code(), "other.severe_or_worsening");
        assert_eq!(raised.to_string(), "other \"other\"");
        assert_eq!(
            RuleId::disposition("see_today").to_string(),
            "disposition \"see_today\""
        );
    }
}
