//! The questions line by line, for a terminal that cannot move its cursor (`TERM=dumb`):
//! no colour, no cursor movement, no redrawing. Each question is printed once with numbered
//! options, and the answer is a line typed and ended with Enter.

use std::io::{self, BufRead, Write};

use chrono::NaiveDate;

use super::prompt::{
    Answer, Choice, DatePick, Prompter, SelectMany, SelectOne, Stop, TextLine, YesNo,
};
use crate::output::text::wrap;

/// Reads answers from standard input, writes questions to standard error.
#[derive(Debug, Clone)]
pub struct LinePrompter {
    pub columns: usize,
    /// When the questions began (see [`Prompter::elapsed`]).
    pub started: std::time::Instant,
}

impl LinePrompter {
    fn print(&self, text: &str, first: &str, rest: &str) {
        eprint!("{}", wrap(text, self.columns.max(20) - 1, first, rest));
    }

    /// One line from standard input; the end of input stops the questions (Esc).
    fn line(&self) -> Answer<String> {
        eprint!("> ");
        let _ = io::stderr().flush();
        let mut s = String::new();
        match io::stdin().lock().read_line(&mut s) {
            Ok(0) => Err(Stop::Cancel),
            Ok(_) => Ok(s.trim().to_string()),
            Err(e) => Err(Stop::Terminal(e.to_string())),
        }
    }

    fn options(&self, choices: &[Choice]) {
        for (i, c) in choices.iter().enumerate() {
            let n = format!("  {:>2}. ", i + 1);
            self.print(&c.label, &n, "      ");
        }
    }
}

/// "2", "2 5", "2,5" as positions (from 1); `None` for anything else.
fn numbers(text: &str, len: usize) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for part in text.split([' ', ',']).filter(|p| !p.is_empty()) {
        let n: usize = part.parse().ok()?;
        if n == 0 || n > len {
            return None;
        }
        if !out.contains(&(n - 1)) {
            out.push(n - 1);
        }
    }
    out.sort_unstable();
    Some(out)
}

impl Prompter for LinePrompter {
    fn elapsed(&self) -> std::time::Duration {
        self.started.elapsed()
    }
    fn keys(&self) -> &'static str {
        "type the number of an answer (for a list, all that apply: 2 5), then Enter; Ctrl-D \
         to stop"
    }

    fn select(&mut self, q: &SelectOne<'_>) -> Answer<usize> {
        self.print(q.message, "\n? ", "  ");
        self.options(q.choices);
        let help = format!("Type a number, then Enter (Enter alone: {}).", q.start + 1);
        self.print(&help, "  ", "  ");
        loop {
            let text = self.line()?;
            if text.is_empty() {
                return Ok(q.start.min(q.choices.len().saturating_sub(1)));
            }
            match numbers(&text, q.choices.len()).as_deref() {
                Some([one]) => return Ok(*one),
                _ => self.print(
                    &format!("! Type one number from 1 to {}", q.choices.len()),
                    "",
                    "  ",
                ),
            }
        }
    }

    fn select_many(&mut self, q: &SelectMany<'_>) -> Answer<Vec<usize>> {
        self.print(q.message, "\n? ", "  ");
        self.options(q.choices);
        self.print(
            "Type the numbers of all that apply (for example 2 5), then Enter.",
            "  ",
            "  ",
        );
        loop {
            let text = self.line()?;
            let Some(picked) = numbers(&text, q.choices.len()) else {
                self.print(
                    &format!("! Type numbers from 1 to {}", q.choices.len()),
                    "",
                    "  ",
                );
                continue;
            };
            match q.check.as_ref().map_or(Ok(()), |c| c(&picked)) {
                Ok(()) => return Ok(picked),
                Err(m) => self.print(
                    &m.replace("press Space to tick each that applies, then Enter; or Enter on 'None of these'", "type the numbers that apply, or the number of 'None of these'"),
                    "! ",
                    "  ",
                ),
            }
        }
    }

    fn text(&mut self, q: &TextLine<'_>) -> Answer<String> {
        self.print(q.message, "\n? ", "  ");
        if let Some(h) = q.help {
            self.print(h, "  ", "  ");
        }
        loop {
            let text = self.line()?;
            match q.check.as_ref().map_or(Ok(()), |c| c(&text)) {
                Ok(()) => return Ok(text),
                Err(m) => self.print(&m, "! ", "  "),
            }
        }
    }

    fn date(&mut self, q: &DatePick<'_>) -> Answer<NaiveDate> {
        self.print(q.message, "\n? ", "  ");
        self.print(
            &format!(
                "Type the day as {} (from {} to {}, today; a later day is in the future).",
                q.start.format("%Y-%m-%d"),
                q.min.format("%Y-%m-%d"),
                q.max.format("%Y-%m-%d")
            ),
            "  ",
            "  ",
        );
        loop {
            let text = self.line()?;
            match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(d) if d > q.max => self.print("! That day is in the future", "", "  "),
                Ok(d) if d < q.min => self.print("! That day is too long ago", "", "  "),
                Ok(d) => return Ok(d),
                Err(_) => self.print("! Type the day as 2026-11-18", "", "  "),
            }
        }
    }

    fn confirm(&mut self, q: &YesNo<'_>) -> Answer<bool> {
        let keys = match q.default {
            Some(true) => "(Y/n)",
            Some(false) => "(y/N)",
            None => "(y/n)",
        };
        self.print(&format!("{} {keys}", q.message), "\n? ", "  ");
        loop {
            match (self.line()?.to_lowercase().as_str(), q.default) {
                ("y" | "yes", _) => return Ok(true),
                ("n" | "no", _) => return Ok(false),
                ("", Some(d)) => return Ok(d),
                _ => self.print("! Type y for yes or n for no, then Enter", "", "  "),
            }
        }
    }

    fn say(&mut self, text: &str) {
        for line in text.lines() {
            if line.trim().is_empty() {
                eprintln!();
            } else {
                self.print(line.trim_start(), "", "");
            }
        }
    }

    fn width(&self) -> usize {
        self.columns
    }
}

#[cfg(test)]
mod tests {
    use super::numbers;

    #[test]
    fn reads_numbers_from_one() {
        assert_eq!(numbers("2 5", 6), Some(vec![1, 4]));
        assert_eq!(numbers("5,2,2", 6), Some(vec![1, 4]));
        assert_eq!(numbers("", 6), Some(vec![]));
        assert_eq!(numbers("0", 6), None);
        assert_eq!(numbers("7", 6), None);
        assert_eq!(numbers("two", 6), None);
    }
}
