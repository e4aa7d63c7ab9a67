//! A case pretty-printed over several lines inside a stream.
//!
//! A stream is read a line at a time, each line bounded by its newline, so that a broken
//! line can never swallow the lines after it. The one exception is a case written over
//! several lines: it starts at a line that is `{` alone, and its braces are followed line
//! by line (strings, nesting) until they close. The lines never have to wait for the end of
//! the input, and a line that cannot belong to the case (a whole case of its own, a key
//! where none can be, a string left open at the line end, a closing bracket that does not
//! match) shows that it was broken: the lines before it are one unreadable case, and that
//! line is read on its own.

/// Deeper nesting than any case has; beyond it the case is taken as broken (and the scanner
/// keeps no more than this, however long the input).
const MAX_DEPTH: usize = 128;

/// What a line did to the case being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The case goes on.
    Open,
    /// This line closes it.
    Closed,
    /// This line cannot belong to it: the case ended, unreadable, on the line before.
    Broken,
}

/// The structure of a pretty-printed case read so far.
#[derive(Debug, Clone)]
pub struct PrettyCase {
    /// The open brackets, `{` or `[`.
    stack: Vec<u8>,
    /// Inside an object, whether the next thing is a key (after `{` or `,`).
    expect_key: bool,
}

impl PrettyCase {
    /// Whether `line` starts a case over several lines: `{` alone.
    pub fn opens(line: &[u8]) -> bool {
        line.trim_ascii() == b"{"
    }

    /// The case whose first line (`{`) has been read.
    pub fn new() -> Self {
        PrettyCase {
            stack: vec![b'{'],
            expect_key: true,
        }
    }

    /// Reads the next line of the case.
    pub fn feed(&mut self, line: &[u8]) -> Step {
        if line.trim_ascii().is_empty() {
            return Step::Open;
        }
        if is_whole_case(line) {
            return Step::Broken;
        }
        let mut in_string = false;
        let mut escaped = false;
        for (i, &b) in line.iter().enumerate() {
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            let in_object = self.stack.last() == Some(&b'{');
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    if (in_object && self.expect_key) || self.stack.len() >= MAX_DEPTH {
                        return Step::Broken;
                    }
                    self.stack.push(b);
                    self.expect_key = b == b'{';
                }
                b'}' | b']' => {
                    let open = if b == b'}' { b'{' } else { b'[' };
                    if self.stack.pop() != Some(open) {
                        return Step::Broken;
                    }
                    self.expect_key = false;
                    if self.stack.is_empty() {
                        return if line[i + 1..].trim_ascii().is_empty() {
                            Step::Closed
                        } else {
                            Step::Broken
                        };
                    }
                }
                b':' => self.expect_key = false,
                b',' => self.expect_key = in_object,
                b' ' | b'\t' | b'\r' => {}
                // A key must be a string: anything else where a key goes is not this case.
                _ if in_object && self.expect_key => return Step::Broken,
                _ => {}
            }
        }
        // JSON strings cannot hold a line end.
        if in_string {
            Step::Broken
        } else {
            Step::Open
        }
    }
}

impl Default for PrettyCase {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether a line is a whole case by itself (an object with a case's own fields), which
/// no line inside a pretty-printed case is: a stream's next case after a broken line.
fn is_whole_case(line: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct CaseFields {
        days_since_treatment: Option<serde::de::IgnoredAny>,
        treated_at: Option<serde::de::IgnoredAny>,
        symptoms: Option<serde::de::IgnoredAny>,
    }
    let line = line.trim_ascii();
    let line = line.strip_suffix(b",").unwrap_or(line);
    line.starts_with(b"{")
        && serde_json::from_slice::<CaseFields>(line).is_ok_and(|c| {
            c.days_since_treatment.is_some() || c.treated_at.is_some() || c.symptoms.is_some()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(lines: &[&str]) -> Vec<Step> {
        let mut p = PrettyCase::new();
        lines.iter().map(|l| p.feed(l.as_bytes())).collect()
    }

    #[test]
    fn a_pretty_printed_case_closes_at_its_last_brace() {
        use Step::*;
        assert_eq!(
            steps(&[
                "  \"id\": \"a {[\\\" b\",",
                "  \"symptoms\":",
                "  [",
                "    {\"id\": \"fever\"}",
                "  ],",
                "  \"days_since_treatment\": 1",
                "}"
            ]),
            [Open, Open, Open, Open, Open, Open, Closed]
        );
    }

    #[test]
    fn a_line_that_cannot_belong_to_the_case_breaks_it() {
        use Step::*;
        // A whole case: the stream goes on after a broken `{`.
        assert_eq!(
            steps(&[r#"{"id": "b", "days_since_treatment": 1, "symptoms": []}"#]),
            [Broken]
        );
        // An object where a key goes.
        assert_eq!(steps(&["{\"id\": \"fever\"}"]), [Broken]);
        // A string left open at the line end.
        assert_eq!(steps(&["\"id\": \"cut off"]), [Broken]);
        // Brackets that do not match, text after the end, a bare word as a key.
        assert_eq!(steps(&["\"symptoms\": [}"]), [Broken]);
        assert_eq!(steps(&["} {"]), [Broken]);
        assert_eq!(steps(&["id: 1"]), [Broken]);
        // Nesting deeper than any case.
        assert_eq!(steps(&[&format!("\"a\": {}", "[".repeat(200))]), [Broken]);
    }
}
