//! Turns rule-file text into a `RuleSet`, or into errors that name the file, the rule and the
//! field. Every problem is collected, so a clinic sees all of them in one `rules check`.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::file::*;
use super::*;
use crate::model::Disposition;

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileError {
    pub file: String,
    pub line: Option<usize>,
    /// The rule, as `expected_reaction "redness"`.
    pub rule: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl RuleFileError {
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        RuleFileError {
            file: file.to_string(),
            line: None,
            rule: None,
            field: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(rule) = &self.rule {
            write!(f, ": {rule}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All the problems found in one rule file (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileErrors(pub Vec<RuleFileError>);

impl RuleFileErrors {
    pub fn single(e: RuleFileError) -> Self {
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
        return Err(RuleFileErrors::single(RuleFileError::new(
            origin,
            format!(
                "the rule file is {} bytes; the most is {MAX_RULE_FILE_BYTES}",
                text.len()
            ),
        )));
    }
    if text.trim().is_empty() {
        return Err(RuleFileErrors::single(RuleFileError::new(
            origin,
            "the rule file is empty",
        )));
    }
    let file = parse_file(text, origin).map_err(RuleFileErrors::single)?;
    let mut v = Validator {
        origin,
        errors: Vec::new(),
    };
    let rules = v.compile(file);
    if v.errors.is_empty() {
        Ok(rules)
    } else {
        Err(RuleFileErrors(v.errors))
    }
}

fn parse_file(text: &str, origin: &str) -> Result<RuleFile, RuleFileError> {
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

fn toml_error(text: &str, origin: &str, e: &toml::de::Error, path: Option<&str>) -> RuleFileError {
    let line = e.span().map(|span| {
        // Counted in bytes: a span inside a character cannot split it.
        let end = span.start.min(text.len());
        text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    });
    let mut err = RuleFileError::new(
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
        return (Some(format!("[{head}]")), field);
    };
    let id = index.parse::<usize>().ok().and_then(|i| {
        let doc: toml::Table = toml::from_str(text).ok()?;
        let entry = doc.get(table)?.as_array()?.get(i)?;
        let key = if table == "disposition" { "code" } else { "id" };
        entry.get(key)?.as_str().map(str::to_string)
    });
    let rule = match id {
        Some(id) => format!("{table} {id:?}"),
        None => format!("{table} #{}", index.parse::<usize>().map_or(0, |i| i + 1)),
    };
    (Some(rule), field)
}

struct Validator<'a> {
    origin: &'a str,
    errors: Vec<RuleFileError>,
}

impl Validator<'_> {
    fn err(&mut self, rule: &str, field: &str, message: impl Into<String>) {
        self.errors.push(RuleFileError {
            file: self.origin.to_string(),
            line: None,
            rule: (!rule.is_empty()).then(|| rule.to_string()),
            field: (!field.is_empty()).then(|| field.to_string()),
            message: message.into(),
        });
    }

    fn disposition(&mut self, rule: &str, field: &str, code: &str) -> Disposition {
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

    fn text(&mut self, rule: &str, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.err(rule, field, "is empty");
        }
    }

    fn day(&mut self, rule: &str, field: &str, day: f64) {
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

    fn id(&mut self, rule: &str, id: &str) {
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

    fn citation(
        &mut self,
        rule: &str,
        sources: Vec<String>,
        note: String,
        known: &HashSet<String>,
    ) -> Citation {
        if sources.is_empty() {
            self.err(
                rule,
                "sources",
                "missing: every rule names where it came from (a clinic sheet, a published source, or \"proposed\")",
            );
        }
        for s in &sources {
            if !known.contains(s) {
                self.err(
                    rule,
                    "sources",
                    format!("{s:?} is not declared in a [[source]] table"),
                );
            }
        }
        Citation { sources, note }
    }

    fn threshold(
        &mut self,
        rule: &str,
        field: &str,
        t: Option<ThresholdEntry>,
    ) -> Option<Threshold> {
        let t = t?;
        self.day(rule, &format!("{field}.day"), t.day);
        let disposition = self.disposition(rule, &format!("{field}.disposition"), &t.disposition);
        Some(Threshold {
            day: t.day,
            disposition,
        })
    }

    fn compile(&mut self, f: RuleFile) -> RuleSet {
        self.text("[rule_set]", "name", &f.rule_set.name);
        self.text("[rule_set]", "version", &f.rule_set.version);

        // Sources first: every rule's citation is checked against them.
        let mut sources = Vec::new();
        let mut source_ids = HashSet::new();
        for s in f.source {
            let rule = format!("source {:?}", s.id);
            if s.id.trim().is_empty() {
                self.err(&rule, "id", "is empty");
            }
            if !source_ids.insert(s.id.clone()) {
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

        let dispositions = self.dispositions(f.disposition);

        // Rule ids share one name space: a finding names its rule by id alone.
        let mut rule_ids: HashMap<String, String> = HashMap::new();
        let mut claim = |v: &mut Self, rule: &str, id: &str| {
            v.id(rule, id);
            if let Some(first) = rule_ids.insert(id.to_string(), rule.to_string()) {
                v.err(rule, "id", format!("{id:?} is already used by {first}"));
            }
        };

        let mut reactions = Vec::new();
        for r in f.expected_reaction {
            let rule = format!("expected_reaction {:?}", r.id);
            claim(self, &rule, &r.id);
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
            let worse_after = self.threshold(&rule, "worse_after", r.worse_after);
            let severe_after = self.threshold(&rule, "severe_after", r.severe_after);
            let severe_and_worse_after =
                self.threshold(&rule, "severe_and_worse_after", r.severe_and_worse_after);
            let starts_after = self.threshold(&rule, "starts_after", r.starts_after);
            let citation = self.citation(&rule, r.sources, r.source_note, &source_ids);
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

        let mut warning_signs = Vec::new();
        for w in f.warning_sign {
            let rule = format!("warning_sign {:?}", w.id);
            claim(self, &rule, &w.id);
            self.text(&rule, "label", &w.label);
            self.text(&rule, "description", &w.description);
            let disposition = self.disposition(&rule, "disposition", &w.disposition);
            let citation = self.citation(&rule, w.sources, w.source_note, &source_ids);
            warning_signs.push(WarningSign {
                id: w.id,
                label: w.label,
                description: w.description,
                disposition,
                likely_cause: w.likely_cause,
                aliases: w.aliases,
                citation,
            });
        }

        let other = f.other.map(|o| {
            let rule = format!("other {:?}", o.id);
            claim(self, &rule, &o.id);
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
            let citation = self.citation(&rule, o.sources, o.source_note, &source_ids);
            OtherRule {
                id: o.id,
                label: o.label,
                description: o.description,
                disposition,
                severe_or_worsening,
                aliases: o.aliases,
                citation,
            }
        });

        let mut risk_factors = Vec::new();
        for r in f.risk_factor {
            let rule = format!("risk_factor {:?}", r.id);
            claim(self, &rule, &r.id);
            self.text(&rule, "label", &r.label);
            self.text(&rule, "description", &r.description);
            self.text(&rule, "question", &r.question);
            let citation = self.citation(&rule, r.sources, r.source_note, &source_ids);
            risk_factors.push(RiskFactor {
                id: r.id,
                label: r.label,
                description: r.description,
                question: r.question,
                aliases: r.aliases,
                citation,
            });
        }

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
        self.aliases(&reactions, &warning_signs, other.as_ref(), &risk_factors);

        let mut combinations = Vec::new();
        for c in f.combination {
            let rule = format!("combination {:?}", c.id);
            claim(self, &rule, &c.id);
            let mut members: Vec<MemberEntry> = c
                .all_of
                .iter()
                .map(|id| MemberEntry {
                    any_of: vec![id.clone()],
                    outside_window: false,
                    worsening: false,
                })
                .collect();
            if !c.any_of.is_empty() {
                members.push(MemberEntry {
                    any_of: c.any_of.clone(),
                    outside_window: false,
                    worsening: false,
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
                compiled.push(self.member(&rule, &field, m, &symptom_index, &risk_factors));
            }
            let disposition = self.disposition(&rule, "disposition", &c.disposition);
            self.text(&rule, "reason", &c.reason);
            let citation = self.citation(&rule, c.sources, c.source_note, &source_ids);
            combinations.push(Combination {
                id: c.id,
                members: compiled,
                disposition,
                reason: c.reason,
                citation,
            });
        }

        let mut clusters = Vec::new();
        for c in f.cluster {
            let rule = format!("cluster {:?}", c.id);
            claim(self, &rule, &c.id);
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
            let citation = self.citation(&rule, c.sources, c.source_note, &source_ids);
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

        let clinic = match f.clinic {
            Some(c) => {
                for (field, value) in [
                    ("name", &c.name),
                    ("phone", &c.phone),
                    ("out_of_hours_phone", &c.out_of_hours_phone),
                    ("emergency_number", &c.emergency_number),
                ] {
                    if let Some(v) = value {
                        self.text("[clinic]", field, v);
                        if v.chars().any(char::is_control) {
                            self.err("[clinic]", field, "holds a control character");
                        }
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
        };
        let dispositions = self.fill_clinic(dispositions, &clinic);

        let repeat_contact = match f.repeat_contact {
            Some(s) => {
                let rule = format!("repeat_contact {:?}", s.id);
                claim(self, &rule, &s.id);
                let disposition = self.disposition(&rule, "disposition", &s.disposition);
                self.text(&rule, "reason", &s.reason);
                let citation = self.citation(&rule, s.sources, s.source_note, &source_ids);
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
                    "[repeat_contact]",
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
        };

        let late_presentation = match f.late_presentation {
            Some(l) => {
                let rule = format!("late_presentation {:?}", l.id);
                claim(self, &rule, &l.id);
                self.day(&rule, "after_day", l.after_day);
                let disposition = self.disposition(&rule, "disposition", &l.disposition);
                self.text(&rule, "reason", &l.reason);
                let citation = self.citation(&rule, l.sources, l.source_note, &source_ids);
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
                    "[late_presentation]",
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
        };

        let mut advice = Vec::new();
        let mut advice_ids = HashSet::new();
        for a in f.advice {
            let rule = format!("advice {:?}", a.id);
            self.id(&rule, &a.id);
            if !advice_ids.insert(a.id.clone()) {
                self.err(&rule, "id", "is used by another advice entry");
            }
            self.text(&rule, "topic", &a.topic);
            self.text(&rule, "text", &a.text);
            self.day(&rule, "from_day", a.from_day);
            if let Some(until) = a.until_day {
                self.day(&rule, "until_day", until);
                if until < a.from_day {
                    self.err(
                        &rule,
                        "until_day",
                        format!("{until} is before from_day ({})", a.from_day),
                    );
                }
            }
            let citation = self.citation(&rule, a.sources, a.source_note, &source_ids);
            advice.push(Advice {
                id: a.id,
                topic: a.topic,
                from_day: a.from_day,
                until_day: a.until_day,
                text: a.text,
                then: a.then.filter(|t| !t.trim().is_empty()),
                citation,
            });
        }

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
            examples: Vec::new(),
            symptom_index,
        };

        let known_rules: HashSet<String> = rules.rules().into_iter().map(|r| r.id).collect();
        // Once a rule is wrong, examples naming its rules fail too; they would only bury the
        // real problem, so they are checked when the rules themselves are sound.
        let rules_sound = self.errors.is_empty();
        let mut example_ids = HashSet::new();
        for e in f.example {
            let rule = format!("example {:?}", e.id);
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
            rules.examples.push(Example {
                id: e.id,
                title: e.title,
                case: e.case,
                expect,
                expect_rules: e.expect_rules,
            });
        }
        rules
    }

    /// One combination member: its alternatives resolved, its qualifiers checked against
    /// what they can apply to.
    fn member(
        &mut self,
        rule: &str,
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
            refs.push(r);
        }
        Member {
            any_of: m.any_of,
            outside_window: m.outside_window,
            worsening: m.worsening,
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
        let mut entries: Vec<(String, &str, &[String])> = Vec::new();
        entries.extend(reactions.iter().map(|r| {
            (
                format!("expected_reaction {:?}", r.id),
                r.id.as_str(),
                r.aliases.as_slice(),
            )
        }));
        entries.extend(signs.iter().map(|w| {
            (
                format!("warning_sign {:?}", w.id),
                w.id.as_str(),
                w.aliases.as_slice(),
            )
        }));
        if let Some(o) = other {
            entries.push((
                format!("other {:?}", o.id),
                o.id.as_str(),
                o.aliases.as_slice(),
            ));
        }
        entries.extend(risk_factors.iter().map(|f| {
            (
                format!("risk_factor {:?}", f.id),
                f.id.as_str(),
                f.aliases.as_slice(),
            )
        }));
        let mut owner: HashMap<String, &str> = HashMap::new();
        for (_, id, _) in &entries {
            owner.insert(normalise(id), id);
        }
        for (rule, id, aliases) in &entries {
            for a in aliases.iter() {
                let key = normalise(a);
                if key.is_empty() {
                    self.err(rule, "aliases", format!("{a:?} names nothing"));
                    continue;
                }
                if a.chars().any(char::is_control) {
                    self.err(rule, "aliases", format!("{a:?} holds a control character"));
                }
                match owner.get(&key) {
                    Some(other) if other == id => self.err(
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
                for (field, text) in [("action", &mut t.action), ("call_back", &mut t.call_back)] {
                    let filled = clinic.fill(text);
                    if let Some(at) = filled.find('{') {
                        let rest: String = filled[at..].chars().take(30).collect();
                        self.err(
                            &format!("disposition {:?}", t.disposition.code()),
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
            let rule = format!("disposition {:?}", d.code);
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
            *slot = Some(DispositionText {
                disposition: code,
                label: d.label,
                action: d.action,
                call_back: d.call_back,
            });
        }
        found
            .into_iter()
            .zip(Disposition::ALL.iter().rev())
            .map(|(slot, &d)| {
                slot.unwrap_or_else(|| {
                    self.err(
                        &format!("disposition {:?}", d.code()),
                        "",
                        "missing: the rule file must describe all six dispositions",
                    );
                    DispositionText {
                        disposition: d,
                        label: d.code().into(),
                        action: String::new(),
                        call_back: String::new(),
                    }
                })
            })
            .collect()
    }
}
