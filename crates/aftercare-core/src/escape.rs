//! Text from outside (a case id, a file name, an unknown field, rule-file words) shown on a
//! terminal or standard error: control characters, escape sequences and bidi overrides would
//! let that text clear the screen, retitle the window, write the clipboard or hide a heading.
//! Every such character is shown as a visible escape (`\u{1b}`) instead; nothing is dropped,
//! so what was sent can still be read.

use std::borrow::Cow;

// The predicate lives below the rules, which refuse such characters in a rule file.
pub use crate::unsafe_chars::{is_bidi_control, is_unsafe};

/// `text` with every unsafe character written as `\u{..}`: one line, safe on a terminal.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// As [`visible`], keeping line ends (`\n`), for text of several lines.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// The most characters of a name or a value from the input that a message quotes.
pub const MAX_QUOTED_CHARS: usize = 80;

/// A name or a value from the input as a message quotes it: at most [`MAX_QUOTED_CHARS`]
/// characters, "…" the last of them when it was cut (on a character boundary). A message
/// (and an error record) stays short however long what it names: a line of a megabyte does
/// not give an error of a megabyte.
pub fn excerpt(text: &str) -> Cow<'_, str> {
    if text.char_indices().nth(MAX_QUOTED_CHARS).is_none() {
        return Cow::Borrowed(text);
    }
    let end = text
        .char_indices()
        .nth(MAX_QUOTED_CHARS - 1)
        .map_or(text.len(), |(at, _)| at);
    Cow::Owned(format!("{}…", &text[..end]))
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let keep = |c: char| !is_unsafe(c) || (keep_newlines && c == '\n');
    if text.chars().all(keep) {
        return Cow::Borrowed(text);
    }
    let mut s = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if keep(c) {
            s.push(c);
        } else {
            s.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_controls_and_bidi_overrides_become_visible() {
        assert_eq!(visible("caller-19"), "caller-19");
        assert_eq!(visible("\u{1b}[2J\u{1b}[3J"), "\\u{1b}[2J\\u{1b}[3J");
        assert_eq!(visible("a\u{9b}b\u{7f}"), "a\\u{9b}b\\u{7f}");
        assert_eq!(visible("\u{202e}erac emoh"), "\\u{202e}erac emoh");
        assert_eq!(visible("a\u{2066}b"), "a\\u{2066}b");
        assert_eq!(visible("two\nlines\r"), "two\\u{a}lines\\u{d}");
        assert_eq!(visible_lines("two\nlines\r"), "two\nlines\\u{d}");
        // Ordinary words in any script pass as they are.
        assert_eq!(visible("rougeur légère — 発赤"), "rougeur légère — 発赤");
    }

    #[test]
    fn a_quoted_name_or_value_is_cut_to_80_characters_on_a_character_boundary() {
        let fits = "é".repeat(MAX_QUOTED_CHARS);
        assert_eq!(excerpt(&fits), fits);
        let long = "発".repeat(1_000_000);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), MAX_QUOTED_CHARS);
        assert!(cut.ends_with("発…"), "{cut}");
        assert_eq!(excerpt(""), "");
    }
}
