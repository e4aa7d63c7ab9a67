//! A posted form, read strictly: every field of the page is checked, a field the page does
//! not have or a value it does not offer is refused with a message, never dropped.

use super::pages::Problem;
use super::words::{fill, Words};

/// The fields of an `application/x-www-form-urlencoded` body, in order.
#[derive(Debug, Default)]
pub struct Form {
    fields: Vec<(String, String)>,
}

/// The most a page's form can hold; a body past it is refused before it is read.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        Form {
            fields: form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// Every value of a field, in order.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The one value of a field: `None` when absent or empty; a field sent twice with
    /// different values is refused (which of them was meant?).
    pub fn one(&self, name: &str, w: &Words) -> Result<Option<&str>, Problem> {
        let mut values = self.values(name);
        values.dedup();
        match values.as_slice() {
            [] => Ok(None),
            [one] if one.trim().is_empty() => Ok(None),
            [one] => Ok(Some(one)),
            [_, second, ..] => Err(Problem::new(
                name,
                fill(&w.problems.unknown_choice, &[("value", second)]),
            )),
        }
    }

    /// Refuses a field the page does not have: a form from an older page, or one built by
    /// hand, is asked again rather than half read.
    pub fn only(&self, allowed: &[&str], w: &Words) -> Result<(), Problem> {
        match self
            .fields
            .iter()
            .find(|(k, _)| !allowed.contains(&k.as_str()))
        {
            Some((k, _)) => Err(Problem::new(
                allowed.first().copied().unwrap_or("main"),
                fill(&w.problems.unknown_field, &[("field", &shown(k))]),
            )),
            None => Ok(()),
        }
    }
}

/// A field name or value as a message may show it: short, and without control characters.
pub fn shown(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if aftercare_core::unsafe_chars::is_unsafe(c) {
                '?'
            } else {
                c
            }
        })
        .take(40)
        .collect();
    if text.chars().count() > 40 {
        format!("{clean}…")
    } else {
        clean
    }
}

/// A question of radios: its one value, one of `choices`; none given is refused with
/// `missing`, another value by name.
pub fn choice<'f>(
    form: &'f Form,
    field: &str,
    choices: &[&str],
    missing: &str,
    w: &Words,
) -> Result<&'f str, Problem> {
    match form.one(field, w)? {
        Some(v) if choices.contains(&v) => Ok(v),
        Some(other) => Err(Problem::new(
            field,
            fill(&w.problems.unknown_choice, &[("value", &shown(other))]),
        )),
        None => Err(Problem::new(field, missing)),
    }
}

/// Free text that may hold lines (a note): each line as [`text`] checks it, at most `max`
/// characters in all; the lines are kept, with Windows line ends made plain.
pub fn lines(value: &str, field: &str, max: usize, w: &Words) -> Result<String, Problem> {
    let value = value.replace("\r\n", "\n");
    if value.trim().chars().count() > max {
        return Err(Problem::new(
            field,
            fill(&w.problems.too_long, &[("max", &max.to_string())]),
        ));
    }
    for line in value.lines() {
        text(line, field, max, w)?;
    }
    Ok(value.trim().to_string())
}

/// A checklist with "None of these": the ids ticked, each one of `choices`; "none" alone is
/// an empty list; nothing ticked, or "none" with another, is refused.
pub fn checklist(
    form: &Form,
    field: &str,
    choices: &[&str],
    w: &Words,
) -> Result<Vec<String>, Problem> {
    form.only(&[field], w).map_err(|mut p| {
        p.field = first_id(field, choices);
        p
    })?;
    let mut ticked: Vec<String> = Vec::new();
    let mut none = false;
    for value in form.values(field) {
        if value == "none" {
            none = true;
        } else if choices.contains(&value) {
            if !ticked.iter().any(|t| t == value) {
                ticked.push(value.to_string());
            }
        } else {
            return Err(Problem::new(
                first_id(field, choices),
                fill(&w.problems.unknown_choice, &[("value", &shown(value))]),
            ));
        }
    }
    match (none, ticked.is_empty()) {
        (true, false) => Err(Problem::new(
            first_id(field, choices),
            w.problems.none_with_others.clone(),
        )),
        (false, true) => Err(Problem::new(
            first_id(field, choices),
            w.problems.nothing_ticked.clone(),
        )),
        _ => {
            // In the page's order, whatever order the browser sent them in.
            ticked.sort_by_key(|t| choices.iter().position(|c| c == t));
            Ok(ticked)
        }
    }
}

/// The id of a checklist's first box: where its problem links to.
pub fn first_id(field: &str, choices: &[&str]) -> String {
    match choices.first() {
        Some(c) => box_id(field, c),
        None => format!("{field}-none"),
    }
}

/// The id of one checkbox or radio.
pub fn box_id(field: &str, value: &str) -> String {
    format!("{field}-{value}")
}

/// Free text the person typed: trimmed, at most `max` characters, no control or
/// direction-changing characters (the words are kept and shown to the clinic).
pub fn text(value: &str, field: &str, max: usize, w: &Words) -> Result<String, Problem> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(Problem::new(
            field,
            fill(&w.problems.too_long, &[("max", &max.to_string())]),
        ));
    }
    // U+FFFD stands where the form's bytes were not UTF-8 (a browser or a script sending
    // Latin-1: "J%F6rg"): kept, the clinic would read a name it cannot call back.
    if value
        .chars()
        .any(|c| c == '\u{FFFD}' || aftercare_core::unsafe_chars::is_unsafe(c))
    {
        return Err(Problem::new(field, w.problems.control.clone()));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::words::english;

    #[test]
    fn a_checklist_takes_its_own_choices_and_refuses_the_rest() {
        let w = english();
        let choices = ["fever", "pus"];
        let f = Form::parse(b"signs=pus&signs=fever");
        assert_eq!(
            checklist(&f, "signs", &choices, w).unwrap(),
            ["fever", "pus"]
        );
        let f = Form::parse(b"signs=none");
        assert!(checklist(&f, "signs", &choices, w).unwrap().is_empty());
        for (body, says) in [
            (&b""[..], "Tick each"),
            (b"signs=none&signs=fever", "cannot go with"),
            (b"signs=rash", "'rash' is not one of the choices"),
            (b"signs=fever&extra=1", "field it does not have (extra)"),
        ] {
            let p = checklist(&Form::parse(body), "signs", &choices, w).unwrap_err();
            assert!(p.message.contains(says), "{:?}: {}", body, p.message);
            assert_eq!(p.field, "signs-fever");
        }
    }

    #[test]
    fn text_is_refused_when_too_long_or_unsafe_never_cut() {
        let w = english();
        assert_eq!(text("  a rash  ", "x", 500, w).unwrap(), "a rash");
        assert!(text(&"a".repeat(501), "x", 500, w)
            .unwrap_err()
            .message
            .contains("at most 500"));
        assert!(text("a\u{202e}b", "x", 500, w).is_err());
        assert!(text("a\u{7}b", "x", 500, w).is_err());
    }

    #[test]
    fn a_radio_question_takes_one_of_its_choices() {
        let w = english();
        let f = Form::parse(b"reached=yes&bad=x");
        assert_eq!(
            choice(&f, "reached", &["yes", "no"], "say", w).unwrap(),
            "yes"
        );
        let p = choice(&f, "bad", &["yes", "no"], "say", w).unwrap_err();
        assert!(
            p.message.contains("'x' is not one of the choices"),
            "{}",
            p.message
        );
        assert_eq!(
            choice(&f, "absent", &["yes"], "say which", w)
                .unwrap_err()
                .message,
            "say which"
        );
    }

    #[test]
    fn text_that_was_not_utf8_is_asked_again() {
        let w = english();
        let form = Form::parse(b"name=J%F6rg&other=caf%C3%A9");
        let name = form.one("name", w).unwrap().unwrap();
        assert!(text(name, "name", 100, w).is_err());
        let other = form.one("other", w).unwrap().unwrap();
        assert_eq!(text(other, "other", 100, w).unwrap(), "caf\u{e9}");
    }

    #[test]
    fn a_note_keeps_its_lines_and_refuses_other_control_characters() {
        let w = english();
        assert_eq!(
            lines("Seen.\r\nAgrees. ", "note", 20, w).unwrap(),
            "Seen.\nAgrees."
        );
        assert!(lines("a\u{7}b", "note", 20, w).is_err());
        assert!(lines(&"a\n".repeat(15), "note", 20, w)
            .unwrap_err()
            .message
            .contains("at most 20"));
    }

    #[test]
    fn one_value_or_a_refusal() {
        let w = english();
        let f = Form::parse(b"repeat_contact=yes&repeat_contact=no&x=");
        assert!(f.one("repeat_contact", w).is_err());
        assert_eq!(f.one("x", w).unwrap(), None);
        assert_eq!(Form::parse(b"a=1&a=1").one("a", w).unwrap(), Some("1"));
    }
}
