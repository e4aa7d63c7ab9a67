//! The questions drawn on the terminal (standard error) with inquire, and the list of
//! choices with a search line ([`super::checklist`]).

use std::sync::Arc;

use chrono::NaiveDate;

use super::prompt::{
    Answer, Check, Choice, DatePick, Prompter, SelectMany, SelectOne, Stop, TextLine, YesNo,
};

/// The rows the first question needs at least: its words, five choices, a line saying more
/// are below, and its help.
const FIRST_QUESTION_ROWS: usize = 10;

/// Draws the questions on the terminal (standard error) with inquire.
#[derive(Debug, Clone)]
pub struct TerminalPrompter {
    pub color: bool,
    pub columns: usize,
    pub rows: usize,
    /// See [`Prompter::searched_words`].
    pub searched: Option<String>,
    /// When the questions began (see [`Prompter::elapsed`]).
    pub started: std::time::Instant,
}

impl TerminalPrompter {
    fn render_config(&self) -> inquire::ui::RenderConfig<'static> {
        // Set explicitly so that --plain is honoured as NO_COLOR is: inquire's default only
        // looks at NO_COLOR. The check boxes "[x]" and the cursor ">" carry the meaning.
        let config = if self.color {
            inquire::ui::RenderConfig::default_colored()
        } else {
            inquire::ui::RenderConfig::empty()
        };
        // What was pressed, in place of "<canceled>": after Esc a call asks whether to stop,
        // and the question may be asked again below it.
        config.with_canceled_prompt_indicator(inquire::ui::Styled::new("(Esc)"))
    }

    /// Wraps a text at word boundaries for a place `indent` columns in from the left, so
    /// that a narrow terminal does not cut words in two: the one wrapper of the reports,
    /// by display width.
    fn fit(&self, text: &str, indent: usize) -> String {
        let room = self.columns.max(20).saturating_sub(1);
        let rest = " ".repeat(indent);
        crate::output::text::wrap(text, room, &rest, &rest)
            .trim_end()
            .trim_start()
            .to_string()
    }

    /// An answer as it stays on the screen after its question, wrapped by words: it starts
    /// where the question's last line ends ("? " and a space before it), or on the next line
    /// when its first word has no room there. The terminal's own wrapping would cut words.
    fn echo(&self, message: &str, answer: &str) -> String {
        use unicode_width::UnicodeWidthStr;
        let after = message.lines().last().map_or(0, |l| l.width()) + 3;
        let width = self.columns.max(20) - 1;
        let words = answer.split_whitespace().collect::<Vec<_>>().join(" ");
        let first = words.split(' ').next().map_or(0, |w| w.width());
        if after + first > width {
            return format!(
                "\n{}",
                crate::output::text::wrap(&words, width, "  ", "  ").trim_end()
            );
        }
        let pad = " ".repeat(after);
        crate::output::text::wrap(&words, width, &pad, "  ")
            .trim_end()
            .trim_start_matches(' ')
            .to_string()
    }

    fn labels(&self, choices: &[Choice], indent: usize) -> Vec<String> {
        choices.iter().map(|c| self.fit(&c.label, indent)).collect()
    }

    /// As many options as fit on the screen, counting the lines a long option wraps to.
    fn page_size(&self, labels: &[String]) -> usize {
        let line_counts: Vec<usize> = labels.iter().map(|l| l.lines().count().max(1)).collect();
        // The question, the help line and an error line stay visible.
        let lines = self.rows.saturating_sub(4).max(3);
        // The whole list when it fits, so that nothing is hidden below the fold.
        if line_counts.iter().sum::<usize>() <= lines {
            return labels.len().max(1);
        }
        let lines_per_option = line_counts.iter().copied().max().unwrap_or(1);
        (lines / lines_per_option).clamp(1, labels.len().max(1))
    }
}

impl TerminalPrompter {
    /// The day of the treatment as a list of days in words ("Today, Sat 21 Nov 2026",
    /// "Yesterday, Fri 20 Nov 2026", ...), the cursor marking the one chosen, with no day in
    /// the future; an earlier day is typed. Not a calendar: a calendar marks the chosen day
    /// by colour alone (and shows nothing without colour), and inquire's writes the month
    /// in lower case.
    fn days_in_words(&mut self, q: &DatePick<'_>) -> Answer<NaiveDate> {
        let mut days = Vec::new();
        let mut d = q.max;
        while d >= q.min && days.len() < 28 {
            days.push(d);
            match d.pred_opt() {
                Some(p) => d = p,
                None => break,
            }
        }
        let mut choices: Vec<Choice> = days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let name = match i {
                    0 => "Today, ".to_string(),
                    1 => "Yesterday, ".to_string(),
                    _ => String::new(),
                };
                Choice::new(
                    d.format("%Y-%m-%d").to_string(),
                    format!("{name}{}", d.format("%a %-d %b %Y")),
                )
            })
            .collect();
        choices.push(Choice::new("earlier", "Earlier: type the date"));
        let i = self.select(&SelectOne {
            id: q.id,
            message: q.message,
            help: Some("↑↓ to move, Enter to choose; later days are in the future and not listed"),
            choices: &choices,
            // The day the question starts on (today), as the calendar did.
            start: days.iter().position(|d| *d == q.start).unwrap_or(0),
        })?;
        if let Some(d) = days.get(i) {
            return Ok(*d);
        }
        let (min, max) = (q.min, q.max);
        let check: Check<String> =
            Arc::new(
                move |t: &String| match NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d") {
                    Ok(d) if d > max => Err("that day is in the future".into()),
                    Ok(d) if d < min => Err("that day is too long ago".into()),
                    Ok(_) => Ok(()),
                    Err(_) => Err("type the day as 2026-11-18".into()),
                },
            );
        let text = self.text(&TextLine {
            id: q.id,
            message: "Which day? (2026-11-18)",
            help: None,
            check: Some(check),
        })?;
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|e| Stop::Terminal(e.to_string()))
    }
}

/// Typing filters a list: a match at the start of the label first, then at the start of a
/// word, then anywhere, each in the list's own order (see [`super::search::rank`]).
fn keep_order(typed: &str, _: &String, label: &str, index: usize) -> Option<i64> {
    super::search::rank(label, typed).map(|r| {
        let index = i64::try_from(index).unwrap_or(i64::MAX / 4);
        -(i64::from(r) * (i64::MAX / 4) + index)
    })
}

/// Turns a check's verdict into inquire's.
fn verdict(r: Result<(), String>, p: &TerminalPrompter) -> inquire::validator::Validation {
    match r {
        Ok(()) => inquire::validator::Validation::Valid,
        Err(m) => inquire::validator::Validation::Invalid(p.fit(&m, 2).into()),
    }
}

fn stop(e: inquire::InquireError) -> Stop {
    match e {
        inquire::InquireError::OperationCanceled => Stop::Cancel,
        inquire::InquireError::OperationInterrupted => Stop::Interrupt,
        other => Stop::Terminal(other.to_string()),
    }
}

impl TerminalPrompter {
    /// `text` wrapped to the terminal's width, list items under their words.
    fn wrapped(&self, text: &str) -> String {
        let mut out = String::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                out.push('\n');
                continue;
            }
            let indent: String = line.chars().take_while(|c| *c == ' ').collect();
            // A list item's continuation goes under its words; a paragraph's does not.
            let rest = if line.trim_start().starts_with("- ") {
                format!("{indent}  ")
            } else {
                indent.clone()
            };
            out.push_str(&crate::output::text::wrap(
                line.trim_start(),
                self.columns,
                &indent,
                &rest,
            ));
        }
        out
    }
}

impl Prompter for TerminalPrompter {
    fn elapsed(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    fn select(&mut self, q: &SelectOne<'_>) -> Answer<usize> {
        let labels = self.labels(q.choices, 2);
        let page = self.page_size(&labels);
        let message = self.fit(q.message, 2);
        let help = self.fit(q.help.unwrap_or("↑↓ to move, Enter to choose"), 2);
        let fitter = self.clone();
        let shown = message.clone();
        let echo = move |o: inquire::list_option::ListOption<&String>| fitter.echo(&shown, o.value);
        inquire::Select::new(&message, labels)
            .with_help_message(&help)
            .with_starting_cursor(q.start.min(q.choices.len().saturating_sub(1)))
            .with_page_size(page)
            .with_scorer(&keep_order)
            .with_formatter(&echo)
            .with_render_config(self.render_config())
            .raw_prompt()
            .map(|o| o.index)
            .map_err(stop)
    }

    fn select_many(&mut self, q: &SelectMany<'_>) -> Answer<Vec<usize>> {
        let (picked, words) = super::checklist::ask(q)?;
        self.searched = words;
        Ok(picked)
    }

    fn text(&mut self, q: &TextLine<'_>) -> Answer<String> {
        let message = self.fit(q.message, 2);
        let help = q.help.map(|h| self.fit(h, 2));
        let fitter = self.clone();
        let shown = message.clone();
        let echo = move |answer: &str| fitter.echo(&shown, answer);
        let mut prompt = inquire::Text::new(&message)
            .with_formatter(&echo)
            .with_render_config(self.render_config());
        if let Some(help) = &help {
            prompt = prompt.with_help_message(help);
        }
        if let Some(check) = q.check.clone() {
            let fitter = self.clone();
            prompt = prompt
                .with_validator(move |text: &str| Ok(verdict(check(&text.to_string()), &fitter)));
        }
        prompt.prompt().map_err(stop)
    }

    fn date(&mut self, q: &DatePick<'_>) -> Answer<NaiveDate> {
        self.days_in_words(q)
    }

    fn confirm(&mut self, q: &YesNo<'_>) -> Answer<bool> {
        let message = self.fit(q.message, 2);
        let help = q.help.map(|h| self.fit(h, 2));
        let fitter = self.clone();
        let shown = message.clone();
        let echo = move |yes: bool| fitter.echo(&shown, if yes { "Yes" } else { "No" });
        let mut prompt = inquire::Confirm::new(&message)
            .with_error_message("Type y for yes or n for no, then Enter")
            .with_formatter(&echo)
            .with_render_config(self.render_config());
        if let Some(help) = &help {
            prompt = prompt.with_help_message(help);
        }
        if let Some(d) = q.default {
            prompt = prompt.with_default(d);
        }
        prompt.prompt().map_err(stop)
    }

    fn begin(&mut self, opening: &str) -> Answer<()> {
        self.say(opening);
        // The first question's list takes the rest of the screen; below these rows it would
        // scroll the opening (the emergency line among it) away before it is read.
        let shown = self.wrapped(opening).lines().count();
        if shown + FIRST_QUESTION_ROWS <= self.rows {
            return Ok(());
        }
        let echo = |_: &str| String::new();
        inquire::Text::new("Press Enter to begin.")
            .with_help_message("Esc to stop")
            .with_formatter(&echo)
            .with_render_config(self.render_config())
            .prompt()
            .map(|_| ())
            .map_err(stop)
    }

    fn say(&mut self, text: &str) {
        eprint!("{}", self.wrapped(text));
    }

    fn width(&self) -> usize {
        self.columns
    }

    fn searched_words(&mut self) -> Option<String> {
        self.searched.take()
    }
}
