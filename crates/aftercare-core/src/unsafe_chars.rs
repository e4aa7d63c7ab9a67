//! Which characters must never reach a terminal raw. Output escapes them; the rule file and
//! the input refuse them where they would be shown. Kept at the bottom of the layers, so that
//! the rules can check for them without depending on the output.

/// Whether `c` must not reach a terminal raw: C0 and C1 controls (ESC among them), DEL, the
/// characters that reorder text (bidi embeddings, overrides, isolates and marks), and those
/// that hide or break text without being seen (zero-width characters, the byte order mark,
/// the soft hyphen, the line and paragraph separators). The one predicate of every input
/// check and every display.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible(c)
}

/// The characters that are not seen but change what is: zero-width space, non-joiner and
/// joiner, word joiner, byte order mark (zero-width no-break space), soft hyphen, and the
/// line and paragraph separators (a line break to some readers, none to others).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{2028}' | '\u{2029}'
    )
}

/// The characters that change the direction text is shown in.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_predicate_covers_controls_bidi_zero_width_separators_and_soft_hyphen() {
        for c in [
            '\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', // C0, DEL, C1
            '\u{061c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}',
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', // zero-width, BOM
            '\u{2028}', '\u{2029}', '\u{00ad}',
        ] {
            assert!(is_unsafe(c), "U+{:04X}", u32::from(c));
        }
        for c in ['a', 'é', '発', '—', ' ', '\u{a0}', '\u{2010}'] {
            assert!(!is_unsafe(c), "U+{:04X}", u32::from(c));
        }
    }
}
