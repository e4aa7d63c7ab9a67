//! Turns rule-file text into a `RuleSet`, or into errors that name the file, the rule and the
//! field. Every problem is collected, so a clinic sees all of them in one `rules check`.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::file::*;
use super::*;
use crate::model::Disposition;

/// All the problems that stop one rule file from being used (never empty; each an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileErrors(pub Vec<Diagnostic>);

impl RuleFileErrors {
    pub fn single(e: Diagnostic) -> Self {
        RuleFileErrors(vec![e])
    }
}

impl fmt::Display for RuleFileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The first problem on one line; `rules check` lists them all.
        let Some(first) = self.0.first() else {
            return f.write_str("the rule file is not valid");
        };
        write!(f, "{first}")?;
        if self.0.len() > 1 {
            write!(
                f,
                " (and {} more; run `aftercare rules check` for all)",
                self.0.len() - 1
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleFileErrors {}

/// Largest rule file read: far above any real protocol, small enough to bound memory.
pub const MAX_RULE_FILE_BYTES: usize = 4 * 1024 * 1024;

pub(super) fn compile(text: &str, origin: &str) -> Result<RuleSet, RuleFileErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_RULE_FILE_BYTES {
        return Err(RuleFileErrors::single(Diagnostic::error(
            origin,
            format!(
                "the rule file is {} bytes; the most is {MAX_RULE_FILE_BYTES}",
                text.len()
            ),
        )));
    }
    if text.trim().is_empty() {
        return Err(RuleFileErrors::single(Diagnostic::error(
            origin,
            "the rule file is empty",
        )));
    }
    let file = parse_file(text, origin).map_err(RuleFileErrors::single)?;
    validated(file, origin, unsafe_characters(text, origin))
}

/// The rule set of a file as read, with the errors already found in its text, if any.
fn validated(
    file: RuleFile,
    origin: &str,
    errors: Vec<Diagnostic>,
) -> Result<RuleSet, RuleFileErrors> {
    let mut v = Validator {
        origin,
        errors,
        source_ids: HashSet::new(),
        rule_ids: HashMap::new(),
    };
    let rules = v.compile(file);
    if v.errors.is_empty() {
        Ok(rules)
    } else {
        Err(RuleFileErrors(v.errors))
    }
}

/// The built-in rule set from the JSON form `build.rs` writes: validated as a file is, but
/// without a second reading of the text for unsafe characters (the TOML it comes from is
/// checked by the test suite).
pub(super) fn compile_built_in_json(json: &str, origin: &str) -> Result<RuleSet, RuleFileErrors> {
    let file: RuleFile = serde_json::from_str(json).map_err(|e| {
        RuleFileErrors::single(Diagnostic::error(
            origin,
            format!("the built-in rules did not read: {e}"),
        ))
    })?;
    validated(file, origin, Vec::new())
}

fn parse_file(text: &str, origin: &str) -> Result<RuleFile, Diagnostic> {
    // As with a JSON case: the path is tracked only to name the field of an error.
    if let Ok(file) = toml::from_str::<RuleFile>(text) {
        return Ok(file);
    }
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, origin, &e, None))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        toml_error(text, origin, e.inner(), Some(&path))
    })
}

fn toml_error(text: &str, origin: &str, e: &toml::de::Error, path: Option<&str>) -> Diagnostic {
    let line = e.span().map(|span| {
        // Counted in bytes: a span inside a character cannot split it.
        let end = span.start.min(text.len());
        text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    });
    let mut err = Diagnostic::error(
        origin,
        crate::input::clean_serde_message(e.message().trim()),
    );
    err.line = line;
    if let Some(path) = path.filter(|p| *p != ".") {
        let (rule, field) = name_path(text, path);
        err.rule = rule;
        err.field = field;
    }
    err
}

/// Turns a path like `expected_reaction[2].worse_after.day` into the rule it is in
/// (`expected_reaction "swelling"`, found by reading the file leniently) and the field.
fn name_path(text: &str, path: &str) -> (Option<String>, Option<String>) {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let field = (!rest.is_empty()).then(|| rest.to_string());
    let Some((table, index)) = head.strip_suffix(']').and_then(|h| h.split_once('[')) else {
        let rule = match RuleKind::from_table(head) {
            Some(kind) => RuleId::section(kind).to_string(),
            None => RuleId::unknown_table(head),
        };
        return (Some(rule), field);
    };
    let Some(kind) = RuleKind::from_table(table) else {
        return (Some(RuleId::unknown_table(head)), field);
    };
    let id = index.parse::<usize>().ok().and_then(|i| {
        let doc: toml::Table = toml::from_str(text).ok()?;
        let entry = doc.get(table)?.as_array()?.get(i)?;
        let key = if table == "disposition" { "code" } else { "id" };
        entry.get(key)?.as_str().map(str::to_string)
    });
    let rule = match id {
        Some(id) => RuleId::new(kind, &id),
        None => RuleId::numbered(kind, index.parse::<usize>().map_or(0, |i| i + 1)),
    };
    (Some(rule.to_string()), field)
}

/// Rule-file text reaches terminals (reports, `rules list`, the questionnaire, the SBAR note):
/// a control character or a bidi override in it could clear a screen or hide a heading, so
/// any string holding one is refused. Line ends and tabs, which TOML's own strings use, pass.
fn unsafe_characters(text: &str, origin: &str) -> Vec<Diagnostic> {
    fn walk(value: &toml::Value, path: &mut String, found: &mut Vec<(String, char)>) {
        match value {
            toml::Value::String(s) => {
                if let Some(c) = s
                    .chars()
                    .find(|&c| c != '\n' && c != '\t' && crate::unsafe_chars::is_unsafe(c))
                {
                    found.push((path.clone(), c));
                }
            }
            toml::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(item, path, found);
                    path.truncate(len);
                }
            }
            toml::Value::Table(table) => {
                for (key, item) in table {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                    walk(item, path, found);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let Ok(doc) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    walk(&toml::Value::Table(doc), &mut String::new(), &mut found);
    found
        .into_iter()
        .map(|(path, c)| {
            let (rule, field) = name_path(text, &path);
            Diagnostic {
                rule,
                field,
                ..Diagnostic::error(
                    origin,
                    format!(
                        "holds \\u{{{:x}}}, a control or bidi-override character, which rule-file text may not hold",
                        u32::from(c)
                    ),
                )
            }
        })
        .collect()
}

struct Validator<'a> {
    origin: &'a str,
    errors: Vec<Diagnostic>,
    /// The declared source ids, for checking citations.
    source_ids: HashSet<String>,
    /// Every rule id claimed so far, with the rule that claimed it.
    rule_ids: HashMap<String, String>,
}

/// Symptom id to table position, for resolving combinations and clusters and for the cases.
fn symptom_index(
    reactions: &[ExpectedReaction],
    warning_signs: &[WarningSign],
    other: Option<&OtherRule>,
) -> SymptomIndex {
    let mut symptom_index = SymptomIndex::default();
    for (i, r) in reactions.iter().enumerate() {
        symptom_index.insert(r.id.clone(), SymptomRef::Reaction(i));
    }
    for (i, w) in warning_signs.iter().enumerate() {
        symptom_index.insert(w.id.clone(), SymptomRef::WarningSign(i));
    }
    if let Some(o) = &other {
        symptom_index.insert(o.id.clone(), SymptomRef::Other);
    }
    symptom_index
}

impl Validator<'_> {
    fn err(&mut self, rule: &RuleId, field: &str, message: impl Into<String>) {
        self.errors.push(Diagnostic::about(
            Level::Error,
            self.origin,
            rule,
            field,
            message,
        ));
    }

    fn disposition(&mut self, rule: &RuleId, field: &str, code: &str) -> Disposition {
        code.parse().unwrap_or_else(|()| {
            let known: Vec<&str> = Disposition::codes().collect();
            self.err(
                rule,
                field,
                format!(
                    "unknown disposition {code:?} (one of: {})",
                    known.join(", ")
                ),
            );
            Disposition::CallEmergencyNow
        })
    }

    fn text(&mut self, rule: &RuleId, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.err(rule, field, "is empty");
        }
    }

    fn day(&mut self, rule: &RuleId, field: &str, day: f64) {
        if !day.is_finite() || day < 0.0 {
            self.err(
                rule,
                field,
                format!("{day} is not a day (it must be 0 or more)"),
            );
        } else if day > crate::input::MAX_DAYS {
            self.err(rule, field, format!("{day} is more than a century of days"));
        }
    }

    fn id(&mut self, rule: &RuleId, id: &str) {
        let ok = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            self.err(
                rule,
                "id",
                format!("{id:?} is not an id: use lower-case letters, digits and _ (like \"pinpoint_bleeding\")"),
            );
        }
    }

    fn citation(&mut self, rule: &RuleId, sources: Vec<String>, note: String) -> Citation {
        if sources.is_empty() {
            self.err(
                rule,
                "sources",
                "missing: every rule names where it came from (a clinic sheet, a published source, or \"proposed\")",
            );
        }
        for s in &sources {
            if !self.source_ids.contains(s) {
                self.err(
                    rule,
                    "sources",
                    format!("{s:?} is not declared in a [[source]] table"),
                );
            }
        }
        Citation { sources, note }
    }

    /// A threshold column: each step's day and disposition, the days in increasing order.
    fn steps(&mut self, rule: &RuleId, field: &str, t: Option<StepsEntry>) -> Steps {
        let Some(StepsEntry(entries)) = t else {
            return Steps::default();
        };
        if entries.is_empty() {
            self.err(
                rule,
                field,
                "is an empty list: give at least one step, or leave the column out",
            );
        }
        let several = entries.len() > 1;
        let mut steps: Vec<Threshold> = Vec::with_capacity(entries.len());
        for (n, t) in entries.into_iter().enumerate() {
            let at = if several {
                format!("{field}[{n}]")
            } else {
                field.to_string()
            };
            self.day(rule, &format!("{at}.day"), t.day);
            let disposition = self.disposition(rule, &format!("{at}.disposition"), &t.disposition);
            if let Some(before) = steps.last() {
                if t.day <= before.day {
                    self.err(
                        rule,
                        &format!("{at}.day"),
                        format!(
                            "{} is not later than the step before it ({}): list the steps in order of their days",
                            t.day, before.day
                        ),
                    );
                }
            }
            steps.push(Threshold {
                day: t.day,
                disposition,
            });
        }
        Steps::new(steps)
    }

    /// The whole file, part by part in the file's order; every part's errors are collected
    /// before the next, so that one run reports them all.
    fn compile(&mut self, f: RuleFile) -> RuleSet {
        self.header(&f.rule_set);
        // Sources first: every rule's citation is checked against them.
        let sources = self.sources(f.source);
        let dispositions = self.dispositions(f.disposition);
        let reactions = self.reactions(f.expected_reaction);
        let warning_signs = self.warning_signs(f.warning_sign);
        let other = self.other(f.other);
        let risk_factors = self.risk_factors(f.risk_factor);
        let symptom_index = symptom_index(&reactions, &warning_signs, other.as_ref());
        self.aliases(&reactions, &warning_signs, other.as_ref(), &risk_factors);
        let combinations = self.combinations(f.combination, &symptom_index, &risk_factors);
        let clusters = self.clusters(f.cluster, &symptom_index);
        let clinic = self.clinic(f.clinic);
        let dispositions = self.fill_clinic(dispositions, &clinic);
        let repeat_contact = self.repeat_contact(f.repeat_contact);
        let late_presentation = self.late_presentation(f.late_presentation);
        let advice = self.advice(f.advice);
        let nurse_notes = self.nurse_notes(f.nurse_note, &symptom_index, &risk_factors);
        let mut rules = RuleSet {
            name: f.rule_set.name,
            version: f.rule_set.version,
            title: f.rule_set.title,
            origin: self.origin.to_string(),
            sources,
            dispositions,
            reactions,
            warning_signs,
            combinations,
            clusters,
            other,
            risk_factors,
            clinic,
            repeat_contact,
            late_presentation,
            advice,
            nurse_notes,
            examples: Vec::new(),
            symptom_index,
        };

        rules.examples = self.examples(f.example, &rules);
        rules
    }

    /// The reminders for the nurse's note, their ids checked against the rule set.
    fn nurse_notes(
        &mut self,
        entries: Vec<NurseNoteEntry>,
        symptom_index: &SymptomIndex,
        risk_factors: &[RiskFactor],
    ) -> Vec<NurseNote> {
        let mut notes = Vec::new();
        for n in entries {
            let rule = RuleId::new(RuleKind::NurseNote, &n.id);
            self.claim(&rule, &n.id);
            self.text(&rule, "text", &n.text);
            self.day(&rule, "from_day", n.from_day);
            for id in &n.risk_factors {
                if !risk_factors.iter().any(|f| &f.id == id) {
                    self.err(
                        &rule,
                        "risk_factors",
                        format!("{id:?} is not a risk factor of this rule set"),
                    );
                }
            }
            for id in &n.symptoms {
                if !symptom_index.contains_key(id) {
                    self.err(
                        &rule,
                        "symptoms",
                        format!("{id:?} is not a symptom id of this rule set"),
                    );
                }
            }
            let citation = self.citation(&rule, n.sources, n.source_note);
            notes.push(NurseNote {
                id: n.id,
                risk_factors: n.risk_factors,
                symptoms: n.symptoms,
                from_day: n.from_day,
                text: n.text,
                citation,
            });
        }
        notes
    }

    fn header(&mut self, h: &RuleSetHeader) {
        let rule = RuleId::section(RuleKind::RuleSet);
        self.text(&rule, "name", &h.name);
        self.text(&rule, "version", &h.version);
    }

    /// Claims `id` in the one name space of rule ids: a finding names its rule by id alone.
    fn claim(&mut self, rule: &RuleId, id: &str) {
        self.id(rule, id);
        if let Some(first) = self.rule_ids.insert(id.to_string(), rule.to_string()) {
            self.err(rule, "id", format!("{id:?} is already used by {first}"));
        }
    }

    /// The sources, whose ids every rule's citation is checked against.
    fn sources(&mut self, entries: Vec<SourceEntry>) -> Vec<Source> {
        let mut sources = Vec::new();
        for s in entries {
            let rule = RuleId::new(RuleKind::Source, &s.id);
            if s.id.trim().is_empty() {
                self.err(&rule, "id", "is empty");
            }
            if !self.source_ids.insert(s.id.clone()) {
                self.err(&rule, "id", "is declared twice");
            }
            self.text(&rule, "title", &s.title);
            let kind = match s.kind.as_str() {
                "clinic_sheet" => SourceKind::ClinicSheet,
                "published" => SourceKind::Published,
                "proposed" => SourceKind::Proposed,
                other => {
                    self.err(
                        &rule,
                        "kind",
                        format!(
                            "unknown kind {other:?} (one of: clinic_sheet, published, proposed)"
                        ),
                    );
                    SourceKind::Proposed
                }
            };
            sources.push(Source {
                id: s.id,
                kind,
                title: s.title,
            });
        }
        sources
    }

    /// The expected reactions and their windows.
    fn reactions(&mut self, entries: Vec<ReactionEntry>) -> Vec<ExpectedReaction> {
        let mut reactions = Vec::new();
        for r in entries {
            let rule = RuleId::new(RuleKind::ExpectedReaction, &r.id);
            self.claim(&rule, &r.id);
            self.text(&rule, "label", &r.label);
            self.text(&rule, "description", &r.description);
            self.day(&rule, "normal_until", r.normal_until);
            self.day(&rule, "ok_if_improving_until", r.ok_if_improving_until);
            if r.normal_until > r.ok_if_improving_until {
                self.err(
                    &rule,
                    "normal_until",
                    format!(
                        "{} is later than ok_if_improving_until ({}): the window would end before it starts",
                        r.normal_until, r.ok_if_improving_until
                    ),
                );
            }
            let past_window = self.disposition(&rule, "past_window", &r.past_window);
            let worse_after = self.steps(&rule, "worse_after", r.worse_after);
            let severe_after = self.steps(&rule, "severe_after", r.severe_after);
            let severe_and_worse_after =
                self.steps(&rule, "severe_and_worse_after", r.severe_and_worse_after);
            let starts_after = self.steps(&rule, "starts_after", r.starts_after);
            let citation = self.citation(&rule, r.sources, r.source_note);
            reactions.push(ExpectedReaction {
                id: r.id,
                label: r.label,
                description: r.description,
                normal_until: r.normal_until,
                ok_if_improving_until: r.ok_if_improving_until,
                past_window,
                worse_after,
                severe_after,
                severe_and_worse_after,
                starts_after,
                course: r.course.filter(|c| !c.trim().is_empty()),
                aliases: r.aliases,
                citation,
            });
        }
        reactions
    }

    /// The warning signs.
    fn warning_signs(&mut self, entries: Vec<WarningSignEntry>) -> Vec<WarningSign> {
        let mut warning_signs = Vec::new();
        for w in entries {
            let rule = RuleId::new(RuleKind::WarningSign, &w.id);
            self.claim(&rule, &w.id);
            self.text(&rule, "label", &w.label);
            self.text(&rule, "description", &w.description);
            let disposition = self.disposition(&rule, "disposition", &w.disposition);
            if let Some(also) = &w.also_do {
                self.text(&rule, "also_do", also);
            }
            if let Some(words) = &w.cause_in_words {
                self.text(&rule, "cause_in_words", words);
            }
            let citation = self.citation(&rule, w.sources, w.source_note);
            warning_signs.push(WarningSign {
                id: w.id,
                label: w.label,
                description: w.description,
                disposition,
                likely_cause: w.likely_cause,
                cause_in_words: w.cause_in_words,
                also_do: w.also_do,
                aliases: w.aliases,
                citation,
            });
        }
        warning_signs
    }

    /// The entry for what the lists do not name.
    fn other(&mut self, entry: Option<OtherEntry>) -> Option<OtherRule> {
        entry.map(|o| {
            let rule = RuleId::new(RuleKind::Other, &o.id);
            self.claim(&rule, &o.id);
            self.text(&rule, "label", &o.label);
            self.text(&rule, "description", &o.description);
            let disposition = self.disposition(&rule, "disposition", &o.disposition);
            let severe_or_worsening =
                self.disposition(&rule, "severe_or_worsening", &o.severe_or_worsening);
            // Something the tool cannot place is never home care, nor a routine review.
            for (field, d) in [
                ("disposition", disposition),
                ("severe_or_worsening", severe_or_worsening),
            ] {
                if d < Disposition::SeeWithin3Days {
                    self.err(
                        &rule,
                        field,
                        format!(
                            "{d} is milder than see_within_3_days: what the tool cannot place must be seen by a clinician"
                        ),
                    );
                }
            }
            if severe_or_worsening < disposition {
                self.err(
                    &rule,
                    "severe_or_worsening",
                    format!("{severe_or_worsening} is milder than its disposition ({disposition})"),
                );
            }
            let severe_and_worsening_early = o.severe_and_worsening_early.map(|e| {
                let field = "severe_and_worsening_early";
                self.day(&rule, &format!("{field}.until_day"), e.until_day);
                let d = self.disposition(&rule, &format!("{field}.disposition"), &e.disposition);
                if d < severe_or_worsening {
                    self.err(
                        &rule,
                        &format!("{field}.disposition"),
                        format!("{d} is milder than severe_or_worsening ({severe_or_worsening})"),
                    );
                }
                Threshold {
                    day: e.until_day,
                    disposition: d,
                }
            });
            let citation = self.citation(&rule, o.sources, o.source_note);
            OtherRule {
                id: o.id,
                label: o.label,
                description: o.description,
                disposition,
                severe_or_worsening,
                severe_and_worsening_early,
                aliases: o.aliases,
                citation,
            }
        })
    }

    /// The risk factors.
    fn risk_factors(&mut self, entries: Vec<RiskFactorEntry>) -> Vec<RiskFactor> {
        let mut risk_factors = Vec::new();
        for r in entries {
            let rule = RuleId::new(RuleKind::RiskFactor, &r.id);
            self.claim(&rule, &r.id);
            self.text(&rule, "label", &r.label);
            self.text(&rule, "description", &r.description);
            self.text(&rule, "question", &r.question);
            let citation = self.citation(&rule, r.sources, r.source_note);
            risk_factors.push(RiskFactor {
                id: r.id,
                label: r.label,
                description: r.description,
                question: r.question,
                aliases: r.aliases,
                citation,
            });
        }
        risk_factors
    }

    /// The combinations, their members resolved against the symptoms and risk factors.
    fn combinations(
        &mut self,
        entries: Vec<CombinationEntry>,
        symptom_index: &SymptomIndex,
        risk_factors: &[RiskFactor],
    ) -> Vec<Combination> {
        let mut combinations = Vec::new();
        for c in entries {
            let rule = RuleId::new(RuleKind::Combination, &c.id);
            self.claim(&rule, &c.id);
            let mut members: Vec<MemberEntry> = c
                .all_of
                .iter()
                .map(|id| MemberEntry {
                    any_of: vec![id.clone()],
                    outside_window: false,
                    worsening: false,
                    severe_or_worsening: false,
                })
                .collect();
            if !c.any_of.is_empty() {
                members.push(MemberEntry {
                    any_of: c.any_of.clone(),
                    outside_window: false,
                    worsening: false,
                    severe_or_worsening: false,
                });
            }
            let short_form = !members.is_empty();
            members.extend(c.members);
            if members.is_empty() {
                self.err(&rule, "members", "is empty: name at least one member");
            }
            let mut compiled = Vec::new();
            for (n, m) in members.into_iter().enumerate() {
                let field = if short_form {
                    "all_of".to_string()
                } else {
                    format!("members[{n}]")
                };
                compiled.push(self.member(&rule, &field, m, symptom_index, risk_factors));
            }
            if let Some(until) = c.until_day {
                self.day(&rule, "until_day", until);
            }
            let disposition = self.disposition(&rule, "disposition", &c.disposition);
            self.text(&rule, "reason", &c.reason);
            let citation = self.citation(&rule, c.sources, c.source_note);
            combinations.push(Combination {
                id: c.id,
                members: compiled,
                until_day: c.until_day,
                tells_the_cause: c.tells_the_cause,
                disposition,
                reason: c.reason,
                citation,
            });
        }
        combinations
    }

    /// The clusters, their ids resolved against the symptoms.
    fn clusters(
        &mut self,
        entries: Vec<ClusterEntry>,
        symptom_index: &SymptomIndex,
    ) -> Vec<Cluster> {
        let mut clusters = Vec::new();
        for c in entries {
            let rule = RuleId::new(RuleKind::Cluster, &c.id);
            self.claim(&rule, &c.id);
            let mut among_refs = Vec::new();
            let mut seen = HashSet::new();
            for id in &c.among {
                match symptom_index.get(id) {
                    Some(&r @ (SymptomRef::Reaction(_) | SymptomRef::WarningSign(_))) => {
                        among_refs.push(r)
                    }
                    _ => self.err(
                        &rule,
                        "among",
                        format!("{id:?} is not a symptom id of this rule set"),
                    ),
                }
                if !seen.insert(id) {
                    self.err(&rule, "among", format!("{id:?} is listed twice"));
                }
            }
            if c.count < 2 || c.count > c.among.len() {
                self.err(
                    &rule,
                    "count",
                    format!(
                        "{} cannot be reached: it must be at least 2 and at most the {} ids of among",
                        c.count,
                        c.among.len()
                    ),
                );
            }
            let severity = crate::model::Severity::ALL
                .into_iter()
                .find(|x| x.code() == c.severity)
                .unwrap_or_else(|| {
                    self.err(
                        &rule,
                        "severity",
                        format!(
                            "unknown severity {:?} (one of: mild, moderate, severe)",
                            c.severity
                        ),
                    );
                    crate::model::Severity::Mild
                });
            let trend = crate::model::Trend::ALL
                .into_iter()
                .find(|x| x.code() == c.trend)
                .unwrap_or_else(|| {
                    self.err(
                        &rule,
                        "trend",
                        format!(
                            "unknown trend {:?} (one of: improving, stable, worsening)",
                            c.trend
                        ),
                    );
                    crate::model::Trend::Improving
                });
            let disposition = self.disposition(&rule, "disposition", &c.disposition);
            self.text(&rule, "reason", &c.reason);
            let citation = self.citation(&rule, c.sources, c.source_note);
            clusters.push(Cluster {
                id: c.id,
                among: c.among,
                count: c.count,
                severity,
                trend,
                disposition,
                reason: c.reason,
                citation,
                among_refs,
            });
        }
        clusters
    }

    /// The clinic's contact details, when given.
    fn clinic(&mut self, entry: Option<ClinicEntry>) -> Clinic {
        match entry {
            Some(c) => {
                for (field, value) in [
                    ("name", &c.name),
                    ("phone", &c.phone),
                    ("out_of_hours_phone", &c.out_of_hours_phone),
                    ("emergency_number", &c.emergency_number),
                ] {
                    if let Some(v) = value {
                        self.text(&RuleId::section(RuleKind::Clinic), field, v);
                        if v.chars().any(crate::unsafe_chars::is_unsafe) {
                            self.err(
                                &RuleId::section(RuleKind::Clinic),
                                field,
                                "holds a control character or an invisible one",
                            );
                        }
                    }
                }
                // The number every emergency instruction tells a person to call: digits, and
                // a number in use for emergencies ("9" or "the clinic tomorrow" is no help).
                if let Some(n) = &c.emergency_number {
                    let digits = n.trim();
                    if !digits.chars().all(|ch| ch.is_ascii_digit())
                        || !KNOWN_EMERGENCY_NUMBERS.contains(&digits)
                    {
                        self.err(
                            &RuleId::section(RuleKind::Clinic),
                            "emergency_number",
                            format!(
                                "{n:?} is not an emergency number in use (such as 112, 911, 999 or 000): every emergency instruction tells a person to call it"
                            ),
                        );
                    }
                }
                Clinic {
                    name: c.name,
                    phone: c.phone,
                    out_of_hours_phone: c.out_of_hours_phone,
                    emergency_number: c.emergency_number,
                }
            }
            None => Clinic::default(),
        }
    }

    /// The repeat-contact rule, which is required.
    fn repeat_contact(&mut self, entry: Option<SituationEntry>) -> SituationRule {
        match entry {
            Some(s) => {
                let rule = RuleId::new(RuleKind::RepeatContact, &s.id);
                self.claim(&rule, &s.id);
                let disposition = self.disposition(&rule, "disposition", &s.disposition);
                self.text(&rule, "reason", &s.reason);
                let citation = self.citation(&rule, s.sources, s.source_note);
                SituationRule {
                    id: s.id,
                    disposition,
                    reason: s.reason,
                    citation,
                }
            }
            None => {
                // Without it, a second call would count for nothing: refuse rather than weaken.
                self.err(
                    &RuleId::section(RuleKind::RepeatContact),
                    "",
                    "missing: the rule for a repeat contact is required",
                );
                SituationRule {
                    id: "repeat_contact".into(),
                    disposition: Disposition::SeeToday,
                    reason: String::new(),
                    citation: Citation::default(),
                }
            }
        }
    }

    /// The late-presentation rule, which is required.
    fn late_presentation(&mut self, entry: Option<LatePresentationEntry>) -> LatePresentation {
        match entry {
            Some(l) => {
                let rule = RuleId::new(RuleKind::LatePresentation, &l.id);
                self.claim(&rule, &l.id);
                self.day(&rule, "after_day", l.after_day);
                let disposition = self.disposition(&rule, "disposition", &l.disposition);
                self.text(&rule, "reason", &l.reason);
                let citation = self.citation(&rule, l.sources, l.source_note);
                LatePresentation {
                    id: l.id,
                    after_day: l.after_day,
                    disposition,
                    reason: l.reason,
                    citation,
                }
            }
            None => {
                self.err(
                    &RuleId::section(RuleKind::LatePresentation),
                    "",
                    "missing: the rule for symptoms long after the treatment is required",
                );
                LatePresentation {
                    id: "after_day_90".into(),
                    after_day: 90.0,
                    disposition: Disposition::SeeWithin2Weeks,
                    reason: String::new(),
                    citation: Citation::default(),
                }
            }
        }
    }

    /// The advice entries.
    fn advice(&mut self, entries: Vec<AdviceEntry>) -> Vec<Advice> {
        let mut advice = Vec::new();
        let mut advice_ids = HashSet::new();
        for a in entries {
            let rule = RuleId::new(RuleKind::Advice, &a.id);
            self.id(&rule, &a.id);
            if !advice_ids.insert(a.id.clone()) {
                self.err(&rule, "id", "is used by another advice entry");
            }
            self.text(&rule, "topic", &a.topic);
            self.text(&rule, "text", &a.text);
            let kind = self.advice_kind(&rule, a.kind.as_deref());
            self.day(&rule, "from_day", a.from_day);
            if let Some(until) = a.until_day {
                self.day(&rule, "until_day", until);
                // It applies before `until_day`: ending where it starts, it never would.
                if until <= a.from_day {
                    self.err(
                        &rule,
                        "until_day",
                        format!("{until} is not after from_day ({})", a.from_day),
                    );
                }
            }
            let citation = self.citation(&rule, a.sources, a.source_note);
            advice.push(Advice {
                id: a.id,
                topic: a.topic,
                kind,
                from_day: a.from_day,
                until_day: a.until_day,
                text: a.text,
                then: a.then.filter(|t| !t.trim().is_empty()),
                citation,
            });
        }
        advice
    }

    /// An advice item's `kind`: without it, a short answer could not tell "not yet" from "yes".
    fn advice_kind(&mut self, rule: &RuleId, kind: Option<&str>) -> AdviceKind {
        let known = AdviceKind::CODES.map(|c| format!("{c:?}")).join(" or ");
        match kind {
            Some(k) => k.parse().unwrap_or_else(|()| {
                self.err(
                    rule,
                    "kind",
                    format!(
                        "unknown kind {k:?} (one of: {})",
                        AdviceKind::CODES.join(", ")
                    ),
                );
                AdviceKind::Dont
            }),
            None => {
                self.err(
                    rule,
                    "kind",
                    format!("missing: every advice item is a \"do\" or a \"don't\" ({known})"),
                );
                AdviceKind::Dont
            }
        }
    }

    /// The file's own examples, checked against the rules compiled so far.
    fn examples(&mut self, entries: Vec<ExampleEntry>, rules: &RuleSet) -> Vec<Example> {
        let known_rules: HashSet<String> = rules.rules().into_iter().map(|r| r.id.code()).collect();
        // Once a rule is wrong, examples naming its rules fail too; they would only bury the
        // real problem, so they are checked when the rules themselves are sound.
        let rules_sound = self.errors.is_empty();
        let mut example_ids = HashSet::new();
        let mut examples = Vec::new();
        for e in entries {
            let rule = RuleId::new(RuleKind::Example, &e.id);
            if !example_ids.insert(e.id.clone()) {
                self.err(&rule, "id", "is used by another example");
            }
            let expect = self.disposition(&rule, "expect", &e.expect);
            for r in &e.expect_rules {
                if rules_sound && !known_rules.contains(r) {
                    self.err(
                        &rule,
                        "expect_rules",
                        format!("{r:?} is not a rule of this rule set"),
                    );
                }
            }
            if e.case.treated_at.is_some() && e.case.assessed_at.is_none() {
                self.err(
                    &rule,
                    "case.assessed_at",
                    "missing: an example with treated_at needs assessed_at, so that it gives the same answer every day",
                );
            }
            examples.push(Example {
                id: e.id,
                title: e.title,
                case: e.case,
                expect,
                expect_rules: e.expect_rules,
            });
        }
        examples
    }

    /// One combination member: its alternatives resolved, its qualifiers checked against
    /// what they can apply to.
    fn member(
        &mut self,
        rule: &RuleId,
        field: &str,
        m: MemberEntry,
        symptoms: &SymptomIndex,
        risk_factors: &[RiskFactor],
    ) -> Member {
        if m.any_of.is_empty() {
            self.err(rule, field, "names no symptom, sign or risk factor");
        }
        let mut refs = Vec::new();
        let mut seen = HashSet::new();
        for id in &m.any_of {
            if !seen.insert(id) {
                self.err(rule, field, format!("{id:?} is listed twice"));
            }
            let r = match symptoms.get(id) {
                Some(&s) => MemberRef::Symptom(s),
                None => match risk_factors.iter().position(|f| &f.id == id) {
                    Some(i) => MemberRef::RiskFactor(i),
                    None => {
                        self.err(
                            rule,
                            field,
                            format!(
                                "{id:?} is not a symptom, sign or risk factor of this rule set"
                            ),
                        );
                        continue;
                    }
                },
            };
            // "Outside its window" needs a window; "worsening" needs something reported
            // with a trend. A warning sign or risk factor has no window, a risk factor no trend.
            let no_window = !matches!(r, MemberRef::Symptom(SymptomRef::Reaction(_)));
            if m.outside_window && no_window {
                self.err(
                    rule,
                    &format!("{field}.outside_window"),
                    format!("cannot apply to {id:?}: only an expected reaction has a window"),
                );
            }
            if m.worsening && matches!(r, MemberRef::RiskFactor(_)) {
                self.err(
                    rule,
                    &format!("{field}.worsening"),
                    format!("cannot apply to {id:?}: a risk factor has no trend"),
                );
            }
            if m.severe_or_worsening && matches!(r, MemberRef::RiskFactor(_)) {
                self.err(
                    rule,
                    &format!("{field}.severe_or_worsening"),
                    format!("cannot apply to {id:?}: a risk factor has no severity or trend"),
                );
            }
            refs.push(r);
        }
        Member {
            any_of: m.any_of,
            outside_window: m.outside_window,
            worsening: m.worsening,
            severe_or_worsening: m.severe_or_worsening,
            refs,
        }
    }

    /// Aliases are plain words for suggestions: each must be text, and no alias may be
    /// another entry's id or alias, or a suggestion would point two ways.
    fn aliases(
        &mut self,
        reactions: &[ExpectedReaction],
        signs: &[WarningSign],
        other: Option<&OtherRule>,
        risk_factors: &[RiskFactor],
    ) {
        let entries: Vec<Entry> = entries_of(reactions, signs, other, risk_factors).collect();
        let mut owner: HashMap<String, &str> = HashMap::new();
        for e in &entries {
            owner.insert(normalise(e.id), e.id);
        }
        for e in &entries {
            let (rule, id) = (&e.rule(), e.id);
            for a in e.aliases {
                let key = normalise(a);
                if key.is_empty() {
                    self.err(rule, "aliases", format!("{a:?} names nothing"));
                    continue;
                }
                if a.chars().any(crate::unsafe_chars::is_unsafe) {
                    self.err(
                        rule,
                        "aliases",
                        format!("{a:?} holds a control character or an invisible one"),
                    );
                }
                match owner.get(&key) {
                    Some(&other) if other == id => self.err(
                        rule,
                        "aliases",
                        format!("{a:?} is listed twice or repeats the entry's own id"),
                    ),
                    Some(other) => self.err(
                        rule,
                        "aliases",
                        format!("{a:?} is already the id or an alias of {other:?}"),
                    ),
                    None => {
                        owner.insert(key, id);
                    }
                }
            }
        }
    }

    /// The actions' words with the clinic's contact details, or the general words.
    fn fill_clinic(
        &mut self,
        texts: Vec<DispositionText>,
        clinic: &Clinic,
    ) -> Vec<DispositionText> {
        texts
            .into_iter()
            .map(|mut t| {
                t.action_template = t.action.clone();
                for (field, text) in [("action", &mut t.action), ("call_back", &mut t.call_back)] {
                    // Placeholders are checked in the words as written: a clinic's name
                    // with a brace in it is its name, not a placeholder.
                    let unknown = text.match_indices('{').map(|(at, _)| at).find(|&at| {
                        !["{clinic}", "{out_of_hours}", "{emergency}"]
                            .iter()
                            .any(|p| text[at..].starts_with(p))
                    });
                    let filled = clinic.fill(text);
                    if let Some(at) = unknown {
                        let rest: String = text[at..].chars().take(30).collect();
                        self.err(
                            &RuleId::disposition(t.disposition.code()),
                            field,
                            format!(
                                "unknown placeholder at {rest:?} (known: {{clinic}}, {{out_of_hours}}, {{emergency}})"
                            ),
                        );
                    }
                    *text = filled;
                }
                t
            })
            .collect()
    }

    fn dispositions(&mut self, entries: Vec<DispositionEntry>) -> Vec<DispositionText> {
        let mut found: Vec<Option<DispositionText>> = vec![None; Disposition::ALL.len()];
        for d in entries {
            let rule = RuleId::new(RuleKind::Disposition, &d.code);
            let Ok(code) = d.code.parse::<Disposition>() else {
                let known: Vec<&str> = Disposition::codes().collect();
                self.err(
                    &rule,
                    "code",
                    format!(
                        "unknown disposition {:?} (one of: {})",
                        d.code,
                        known.join(", ")
                    ),
                );
                continue;
            };
            self.text(&rule, "label", &d.label);
            self.text(&rule, "action", &d.action);
            if code != Disposition::CallEmergencyNow {
                // Every result below an emergency ends with a safety net.
                self.text(&rule, "call_back", &d.call_back);
            }
            let slot = &mut found[code.urgency() as usize];
            if slot.is_some() {
                self.err(&rule, "code", "is described twice");
            }
            if let Some(note) = &d.photo_review {
                self.text(&rule, "photo_review", note);
            }
            *slot = Some(DispositionText {
                disposition: code,
                label: d.label,
                action: d.action,
                call_back: d.call_back,
                photo_review: d.photo_review,
                action_template: String::new(),
            });
        }
        found
            .into_iter()
            .zip(Disposition::ALL.iter().rev())
            .map(|(slot, &d)| {
                slot.unwrap_or_else(|| {
                    self.err(
                        &RuleId::disposition(d.code()),
                        "",
                        "missing: the rule file must describe all six dispositions",
                    );
                    DispositionText {
                        disposition: d,
                        label: d.code().into(),
                        action: String::new(),
                        call_back: String::new(),
                        photo_review: None,
                        action_template: String::new(),
                    }
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{before_examples, DEFAULT_RULES};
    use super::*;

    /// The built-in rules without their examples, with `from` replaced by `to`.
    fn edited(from: &str, to: &str) -> String {
        let text = before_examples(DEFAULT_RULES);
        assert!(text.contains(from), "{from}");
        text.replacen(from, to, 1)
    }

    fn errors(text: &str) -> Vec<String> {
        match compile(text, "clinic.toml") {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(ToString::to_string).collect(),
        }
    }

    fn has(text: &str, needle: &str) {
        let errors = errors(text);
        assert!(
            errors.iter().any(|e| e.contains(needle)),
            "{needle:?} in {errors:#?}"
        );
    }

    #[test]
    fn steps_out_of_order_an_empty_column_and_a_misplaced_qualifier_are_refused() {
        let steps = "worse_after = [\n  { day = 1, disposition = \"see_within_3_days\" },\n  { day = 2, disposition = \"see_today\" },\n]";
        has(
            &edited(
                steps,
                "worse_after = [\n  { day = 2, disposition = \"see_within_3_days\" },\n  { day = 1, disposition = \"see_today\" },\n]",
            ),
            "expected_reaction \"redness\": worse_after[1].day: 1 is not later than the step before it (2)",
        );
        has(
            &edited(steps, "worse_after = []"),
            "expected_reaction \"redness\": worse_after: is an empty list",
        );
        has(
            &edited(
                "members = [{ any_of = [\"injected\"] }, { any_of = [\"pain\"], severe_or_worsening = true }]",
                "members = [{ any_of = [\"injected\"], severe_or_worsening = true }, { any_of = [\"pain\"], severe_or_worsening = true }]",
            ),
            "combination \"injected_with_pain\": members[0].severe_or_worsening: cannot apply to \"injected\"",
        );
        has(
            &edited(
                "until_day = 2\ndisposition = \"go_to_ed_now\"",
                "until_day = -2\ndisposition = \"go_to_ed_now\"",
            ),
            "combination \"injected_with_pain\": until_day: -2 is not a day",
        );
    }

    #[test]
    fn the_built_in_rules_compile_without_their_examples() {
        assert!(errors(before_examples(DEFAULT_RULES)).is_empty());
    }

    #[test]
    fn a_member_naming_nothing_or_an_unknown_id_is_refused() {
        let purple =
            "members = [{ any_of = [\"fever\", \"chills\"] }, { any_of = [\"purple_spots\"] }]";
        has(
            &edited(purple, "members = [{ any_of = [\"fever\", \"chills\"] }, { any_of = [] }]"),
            "clinic.toml: combination \"fever_with_purple_spots\": members[1]: names no symptom, sign or risk factor",
        );
        has(
            &edited(purple, "members = [{ any_of = [\"fever\", \"chils\"] }, { any_of = [\"purple_spots\"] }]"),
            "combination \"fever_with_purple_spots\": members[0]: \"chils\" is not a symptom, sign or risk factor",
        );
        has(
            &edited(purple, "members = []"),
            "combination \"fever_with_purple_spots\": members: is empty",
        );
    }

    #[test]
    fn a_qualifier_that_cannot_apply_is_refused() {
        has(
            &edited(
                "{ any_of = [\"purple_spots\"] }]",
                "{ any_of = [\"purple_spots\"], outside_window = true }]",
            ),
            "combination \"fever_with_purple_spots\": members[1].outside_window: cannot apply to \"purple_spots\": only an expected reaction has a window",
        );
        has(
            &edited(
                "members = [{ any_of = [\"blood_thinners\"] }",
                "members = [{ any_of = [\"blood_thinners\"], worsening = true }",
            ),
            "members[0].worsening: cannot apply to \"blood_thinners\": a risk factor has no trend",
        );
    }

    #[test]
    fn an_alias_naming_nothing_or_naming_another_entry_is_refused() {
        has(
            &edited(
                "aliases = [\"red skin\",",
                "aliases = [\" - \", \"red skin\",",
            ),
            "expected_reaction \"redness\": aliases: \" - \" names nothing",
        );
        has(
            &edited("aliases = [\"red skin\",", "aliases = [\"swelling\", \"red skin\","),
            "expected_reaction \"redness\": aliases: \"swelling\" is already the id or an alias of \"swelling\"",
        );
        has(
            &edited(
                "aliases = [\"red skin\",",
                "aliases = [\"Wheezing\", \"red skin\",",
            ),
            "aliases: \"wheezing\" is already the id or an alias of \"redness\"",
        );
    }

    #[test]
    fn a_cluster_over_unknown_ids_or_with_an_unreachable_count_is_refused() {
        has(
            &edited("among = [\"redness\",", "among = [\"rednes\","),
            "cluster \"several_strong_reactions\": among: \"rednes\" is not a symptom id of this rule set",
        );
        has(
            &edited("count = 2\n", "count = 12\n"),
            "cluster \"several_strong_reactions\": count: 12 cannot be reached",
        );
        has(
            &edited("severity = \"severe\"\ntrend", "severity = \"very\"\ntrend"),
            "cluster \"several_strong_reactions\": severity: unknown severity \"very\"",
        );
    }

    #[test]
    fn an_other_below_see_within_3_days_is_refused() {
        has(
            &edited(
                "disposition = \"see_within_3_days\"\nsevere_or_worsening",
                "disposition = \"see_within_2_weeks\"\nsevere_or_worsening",
            ),
            "other \"other\": disposition: see_within_2_weeks is milder than see_within_3_days",
        );
        has(
            &edited(
                "severe_or_worsening = \"see_today\"",
                "severe_or_worsening = \"home_care\"",
            ),
            "other \"other\": severe_or_worsening: home_care is milder than see_within_3_days",
        );
    }

    #[test]
    fn an_advice_item_without_a_known_kind_is_refused() {
        let makeup = "id = \"no_makeup\"\ntopic = \"makeup\"\nkind = \"dont\"\n";
        has(
            &edited(makeup, "id = \"no_makeup\"\ntopic = \"makeup\"\n"),
            "clinic.toml: advice \"no_makeup\": kind: missing: every advice item is a \"do\" or a \"don't\" (\"do\" or \"dont\")",
        );
        has(
            &edited(
                makeup,
                "id = \"no_makeup\"\ntopic = \"makeup\"\nkind = \"don't\"\n",
            ),
            "clinic.toml: advice \"no_makeup\": kind: unknown kind \"don't\" (one of: do, dont)",
        );
        has(
            &edited(
                makeup,
                "id = \"no_makeup\"\ntopic = \"makeup\"\nkind = \"Do\"\n",
            ),
            "advice \"no_makeup\": kind: unknown kind \"Do\"",
        );
        // Not a string at all: the reader names the rule and the field too.
        has(
            &edited(
                makeup,
                "id = \"no_makeup\"\ntopic = \"makeup\"\nkind = true\n",
            ),
            "advice \"no_makeup\": kind",
        );
        // Every item of the built-in rules says which it is.
        let rules = compile(before_examples(DEFAULT_RULES), "default").unwrap();
        let kind = |id: &str| rules.advice.iter().find(|a| a.id == id).unwrap().kind;
        assert_eq!(kind("no_makeup"), AdviceKind::Dont);
        assert_eq!(kind("sunscreen"), AdviceKind::Do);
        assert_eq!(kind("light_exercise"), AdviceKind::Do);
    }

    #[test]
    fn advice_that_ends_where_it_starts_is_refused() {
        has(
            &edited(
                "from_day = 0\nuntil_day = 1\ntext = \"No makeup",
                "from_day = 1\nuntil_day = 1\ntext = \"No makeup",
            ),
            "clinic.toml: advice \"no_makeup\": until_day: 1 is not after from_day (1)",
        );
    }

    #[test]
    fn the_clinic_block_names_the_clinic_in_the_actions() {
        let text = format!(
            "{}\n[clinic]\nname = \"Riverside Skin Clinic\"\nphone = \"020 7946 0000\"\nout_of_hours_phone = \"020 7946 0999\"\nemergency_number = \"999\"\n",
            before_examples(DEFAULT_RULES)
        );
        let rules = compile(&text, "clinic.toml").unwrap();
        let action = |d| rules.disposition_text(d).action.clone();
        assert_eq!(
            action(Disposition::CallEmergencyNow),
            "Call emergency services on 999 now. Do not drive yourself."
        );
        assert_eq!(
            action(Disposition::SeeToday),
            "Contact Riverside Skin Clinic on 020 7946 0000 now (out of hours, the on-call service on 020 7946 0999) and be seen today."
        );
        // The default names no clinic.
        let default = compile(before_examples(DEFAULT_RULES), "default").unwrap();
        assert_eq!(
            default.disposition_text(Disposition::SeeToday).action,
            "Contact the clinic now (out of hours, the on-call service) and be seen today."
        );
        assert!(default
            .disposition_text(Disposition::CallEmergencyNow)
            .action
            .contains("emergency services (911, 999 or 112)"));
        // An unknown placeholder is refused.
        has(
            &text.replacen("Call {emergency} now.", "Call {ambulance} now.", 1),
            "disposition \"call_emergency_now\": action: unknown placeholder at \"{ambulance} now.",
        );
        // What a placeholder is filled with is not read again.
        let named = compile(
            &text.replacen(
                "\nname = \"Riverside Skin Clinic\"",
                "\nname = \"The {emergency} Clinic\"",
                1,
            ),
            "clinic.toml",
        )
        .unwrap();
        assert!(named
            .disposition_text(Disposition::SeeToday)
            .action
            .contains("The {emergency} Clinic on 020 7946 0000"));
    }

    #[test]
    fn an_emergency_number_that_is_no_emergency_number_is_refused() {
        for bad in ["9", "the clinic tomorrow morning", "0800 123", "9999"] {
            let text = format!(
                "{}\n[clinic]\nemergency_number = {bad:?}\n",
                before_examples(DEFAULT_RULES)
            );
            has(&text, "[clinic]: emergency_number: ");
        }
        for good in ["999", "112", "911", "000", " 112 "] {
            let text = format!(
                "{}\n[clinic]\nemergency_number = {good:?}\n",
                before_examples(DEFAULT_RULES)
            );
            assert!(errors(&text).is_empty(), "{good}: {:?}", errors(&text));
        }
    }
}
