//! One problem found in a rule file, whoever found it: the validator (the file cannot be
//! read or does not hold together), the file's own examples (one does not give its expected
//! answer) and the lint (the file may be weaker than the clinic meant). Each names the file,
//! and where it can the line, the rule and the field, in the same words and order, so that a
//! clinic reads every problem of a file the same way.

use std::fmt;

use super::identity::RuleId;

/// How much a problem stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The file is not used as it is.
    Error,
    /// The file is used, and the problem is said every time it is.
    Warning,
}

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub file: String,
    pub line: Option<usize>,
    /// The rule, as `expected_reaction "redness"`.
    pub rule: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl Diagnostic {
    /// An error about the file as a whole.
    pub fn error(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            file: file.to_string(),
            line: None,
            rule: None,
            field: None,
            message: message.into(),
        }
    }

    /// A problem of one rule; `field` is empty when it is about the whole rule.
    pub fn about(
        level: Level,
        file: &str,
        rule: &RuleId,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level,
            file: file.to_string(),
            line: None,
            rule: Some(rule.to_string()),
            field: (!field.is_empty()).then(|| field.to_string()),
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// Whether any of `diagnostics` stops the file from being used.
    pub fn any_error(diagnostics: &[Diagnostic]) -> bool {
        diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// `FILE[:LINE][: RULE][: FIELD]: MESSAGE`, on one line.
impl fmt::Display for Diagnostic {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleKind;

    #[test]
    fn a_problem_names_what_it_knows_of_where_it_is() {
        let mut d = Diagnostic::error("clinic.toml", "the rule file is empty");
        assert_eq!(d.to_string(), "clinic.toml: the rule file is empty");
        d.line = Some(3);
        assert_eq!(d.to_string(), "clinic.toml:3: the rule file is empty");
        let w = Diagnostic::about(
            Level::Warning,
            "clinic.toml",
            &RuleId::warning_sign("fever"),
            "disposition",
            "is home_care",
        );
        assert_eq!(
            w.to_string(),
            "clinic.toml: warning_sign \"fever\": disposition: is home_care"
        );
        let whole = Diagnostic::about(
            Level::Error,
            "clinic.toml",
            &RuleId::new(RuleKind::Example, "fever-day2"),
            "",
            "expected see_today but got home_care",
        );
        assert_eq!(
            whole.to_string(),
            "clinic.toml: example \"fever-day2\": expected see_today but got home_care"
        );
        assert!(Diagnostic::any_error(&[w.clone(), whole]));
        assert!(!Diagnostic::any_error(&[w]));
    }
}
