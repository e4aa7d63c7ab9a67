//! Which characters must never reach a terminal raw. Output escapes them; the rule file and
//! the input refuse them where they would be shown. Kept at the bottom of the layers, so that
//! the rules can check for them without depending on the output.

/// Whether `c` must not reach a terminal raw: C0 and C1 controls (ESC among them), DEL, and
/// the characters that reorder text (bidi embeddings, overrides, isolates and marks).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The characters that change the direction text is shown in.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}
