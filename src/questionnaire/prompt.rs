//! The questions the questionnaire can ask, behind a small interface: one implementation
//! draws them on the terminal with inquire, the other answers them from a script so that
//! every path of the questionnaire can be tested without a terminal.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use chrono::{NaiveDate, Weekday};

/// Why a prompt gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Esc: the person stopped the questionnaire.
    Cancel,
    /// Ctrl-C.
    Interrupt,
    /// The terminal could not be used (read or write failed).
    Terminal(String),
}

impl From<Stop> for crate::Error {
    fn from(s: Stop) -> Self {
        match s {
            Stop::Cancel => crate::Error::Cancelled,
            Stop::Interrupt => crate::Error::Interrupted,
            Stop::Terminal(m) => crate::Error::Io(format!("the terminal: {m}")),
        }
    }
}

pub type Answer<T> = Result<T, Stop>;

/// Checks a submitted answer; the message tells the person what to do instead.
pub type Check<T> = Arc<dyn Fn(&T) -> Result<(), String> + Send + Sync>;

/// One option of a list: a stable key (a symptom id, "none") and the words shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub key: String,
    pub label: String,
    /// Other words a search finds the choice by (the rule set's aliases: "numb lips",
    /// "hair falling out"); never shown.
    pub search: Vec<String>,
}

impl Choice {
    pub fn new(key: impl Into<String>, label: impl Into<String>) -> Self {
        Choice {
            key: key.into(),
            label: label.into(),
            search: Vec::new(),
        }
    }

    /// The same choice, also found by `words`.
    pub fn found_by(mut self, words: Vec<String>) -> Self {
        self.search = words;
        self
    }
}

/// Pick one of a list.
pub struct SelectOne<'a> {
    /// A stable name of the question, for scripts and records ("symptom.redness.trend").
    pub id: &'a str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub choices: &'a [Choice],
    /// Where the cursor starts.
    pub start: usize,
}

/// Tick any number of a list.
pub struct SelectMany<'a> {
    pub id: &'a str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub choices: &'a [Choice],
    /// Ticked when the list opens (a previous answer, when changing it).
    pub ticked: Vec<usize>,
    /// The "None of these" choice: Enter on it with nothing ticked chooses it.
    pub none: Option<usize>,
    /// Refuses a submitted set of positions with a message.
    pub check: Option<Check<Vec<usize>>>,
    /// "None of these" only once every choice has been on the screen: a list of danger
    /// signs taller than the terminal cannot be denied unread.
    pub read_all: bool,
    /// "Something else": offered, with the words typed, when a search matches nothing (see
    /// [`Prompter::searched_words`]), so that what the list does not name is not a dead end.
    pub other: Option<usize>,
}

/// A line of text.
pub struct TextLine<'a> {
    pub id: &'a str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub check: Option<Check<String>>,
}

/// A day on a calendar.
pub struct DatePick<'a> {
    pub id: &'a str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub start: NaiveDate,
    pub min: NaiveDate,
    pub max: NaiveDate,
}

/// Yes or no.
pub struct YesNo<'a> {
    pub id: &'a str,
    pub message: &'a str,
    pub help: Option<&'a str>,
    /// What Enter alone means; `None` makes the person type y or n.
    pub default: Option<bool>,
}

/// What the questionnaire needs from a terminal.
pub trait Prompter {
    fn select(&mut self, q: &SelectOne<'_>) -> Answer<usize>;
    fn select_many(&mut self, q: &SelectMany<'_>) -> Answer<Vec<usize>>;
    fn text(&mut self, q: &TextLine<'_>) -> Answer<String>;
    fn date(&mut self, q: &DatePick<'_>) -> Answer<NaiveDate>;
    fn confirm(&mut self, q: &YesNo<'_>) -> Answer<bool>;
    /// Tells the person something between questions (what was understood, a summary).
    fn say(&mut self, text: &str);
    /// How many columns the questions may use, to shorten option texts on small screens.
    fn width(&self) -> usize;
    /// How to answer, in a few words, for the opening screen.
    fn keys(&self) -> &'static str {
        "arrows to move, Space to tick, Enter to answer, Esc to go back or stop"
    }
    /// The words of a search that matched nothing, when the last checklist was answered
    /// with its "Something else" from that search; taken once. A prompter that cannot
    /// search has none.
    fn searched_words(&mut self) -> Option<String> {
        None
    }
    /// The time since the questions began, for the end time of a call. Scripted answers
    /// take none, so that what they give is the same on every run.
    fn elapsed(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }
}

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
    /// The calendar without colour shows no chosen day: plain, the days are a list in
    /// words instead ("Today, Sat 21 Nov", "Yesterday, Fri 20 Nov", ...), the cursor marking
    /// the one chosen, with no day in the future; an earlier day is typed.
    fn plain_date(&mut self, q: &DatePick<'_>) -> Answer<NaiveDate> {
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
            start: 0,
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
/// word, then anywhere, each in the list's own order (see [`super::checklist::rank`]).
fn keep_order(typed: &str, _: &String, label: &str, index: usize) -> Option<i64> {
    super::checklist::rank(label, typed).map(|r| {
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
        if !self.color {
            return self.plain_date(q);
        }
        let message = self.fit(q.message, 2);
        let mut prompt = inquire::DateSelect::new(&message)
            .with_starting_date(q.start)
            .with_min_date(q.min)
            .with_max_date(q.max)
            .with_week_start(Weekday::Mon)
            .with_render_config(self.render_config());
        if let Some(help) = q.help {
            prompt = prompt.with_help_message(help);
        }
        prompt.prompt().map_err(stop)
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

    fn say(&mut self, text: &str) {
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
        eprint!("{out}");
    }

    fn width(&self) -> usize {
        self.columns
    }

    fn searched_words(&mut self) -> Option<String> {
        self.searched.take()
    }
}

/// One scripted answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Scripted {
    /// The choice with this key (select one).
    Pick(String),
    /// These choices (select many); an empty list is an empty submit.
    Picks(Vec<String>),
    /// Enter with nothing ticked and the cursor on this choice (select many).
    EnterOn(String),
    /// Every choice ticked but "None of these" (select many): everything offered was said.
    All,
    /// Words typed in a checklist's search that match nothing, then Enter on the
    /// "Something else" offered with them (select many).
    Search(String),
    Text(String),
    Date(NaiveDate),
    Yes,
    No,
    /// Enter alone on a yes/no question.
    Enter,
    Esc,
    CtrlC,
}

/// Answers questions from a script, in order, and keeps a transcript of the exchange.
///
/// Each step names the question it expects, so a test fails where the flow differs. A
/// scripted answer that the question's own check refuses is logged with the message, and
/// the question is asked again with the next step, as the terminal would.
pub struct ScriptedPrompter {
    steps: VecDeque<(String, Scripted)>,
    searched: Option<String>,
    /// What was asked and answered, and what was said, one entry a line.
    pub transcript: Vec<String>,
    pub columns: usize,
}

impl ScriptedPrompter {
    pub fn new() -> Self {
        ScriptedPrompter {
            steps: VecDeque::new(),
            searched: None,
            transcript: Vec::new(),
            columns: 80,
        }
    }

    /// Adds an answer for the question named `id`.
    pub fn then(mut self, id: &str, answer: Scripted) -> Self {
        self.steps.push_back((id.to_string(), answer));
        self
    }

    pub fn pick(self, id: &str, key: &str) -> Self {
        self.then(id, Scripted::Pick(key.into()))
    }

    pub fn picks(self, id: &str, keys: &[&str]) -> Self {
        self.then(
            id,
            Scripted::Picks(keys.iter().map(|k| k.to_string()).collect()),
        )
    }

    pub fn text(self, id: &str, text: &str) -> Self {
        self.then(id, Scripted::Text(text.into()))
    }

    /// The nurse's background risk factors, one question each in the rule set's order:
    /// `answers` gives some ("radio_frequency", "yes"); the others are "not_known" (Enter).
    /// New risk factors in a rule file get their step without changing a script.
    pub fn risk_factors(mut self, rules: &crate::rules::RuleSet, answers: &[(&str, &str)]) -> Self {
        for r in &rules.risk_factors {
            let answer = answers
                .iter()
                .find(|(id, _)| *id == r.id)
                .map_or("not_known", |(_, a)| *a);
            self = self.pick(&format!("background.{}", r.id), answer);
        }
        self
    }

    /// Adds an answer before all the others (a question every script of a flow begins with).
    pub fn before(mut self, id: &str, answer: Scripted) -> Self {
        self.steps.push_front((id.to_string(), answer));
        self
    }

    /// Steps not used yet (a test checks that the flow took them all).
    pub fn remaining(&self) -> Vec<String> {
        self.steps
            .iter()
            .map(|(id, a)| format!("{id}: {a:?}"))
            .collect()
    }

    /// Everything said between questions.
    pub fn said(&self) -> String {
        self.transcript
            .iter()
            .filter_map(|l| l.strip_prefix("say: "))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The ids of the questions asked, in order.
    pub fn asked(&self) -> Vec<String> {
        self.transcript
            .iter()
            .filter_map(|l| l.strip_prefix("? "))
            .map(|l| l.split(' ').next().unwrap_or("").to_string())
            .collect()
    }

    fn next(&mut self, id: &str, message: &str, choices: &[Choice]) -> Scripted {
        let Some((expected, answer)) = self.steps.pop_front() else {
            panic!(
                "the script has no answer for {id:?} ({message})\ntranscript:\n{}",
                self.transcript.join("\n")
            );
        };
        assert!(
            expected == id,
            "the script expected {expected:?} but the questionnaire asked {id:?} ({message})\ntranscript:\n{}",
            self.transcript.join("\n")
        );
        let keys = if choices.is_empty() {
            String::new()
        } else {
            let keys: Vec<&str> = choices.iter().map(|c| c.key.as_str()).collect();
            format!(" [{}]", keys.join(", "))
        };
        self.transcript
            .push(format!("? {id} {message}{keys} -> {answer:?}"));
        answer
    }

    fn refuse(&mut self, message: &str) {
        self.transcript.push(format!("! {message}"));
    }
}

impl Default for ScriptedPrompter {
    fn default() -> Self {
        Self::new()
    }
}

fn interrupted<T>(a: &Scripted) -> Option<Answer<T>> {
    match a {
        Scripted::Esc => Some(Err(Stop::Cancel)),
        Scripted::CtrlC => Some(Err(Stop::Interrupt)),
        _ => None,
    }
}

fn position(choices: &[Choice], key: &str, id: &str) -> usize {
    choices
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| {
            panic!(
                "question {id:?} has no choice {key:?}; it has {:?}",
                choices.iter().map(|c| &c.key).collect::<Vec<_>>()
            )
        })
}

impl Prompter for ScriptedPrompter {
    fn select(&mut self, q: &SelectOne<'_>) -> Answer<usize> {
        let a = self.next(q.id, q.message, q.choices);
        if let Some(stop) = interrupted(&a) {
            return stop;
        }
        match a {
            Scripted::Pick(key) => Ok(position(q.choices, &key, q.id)),
            other => panic!("question {:?} is a choice; the script gave {other:?}", q.id),
        }
    }

    fn select_many(&mut self, q: &SelectMany<'_>) -> Answer<Vec<usize>> {
        loop {
            let a = self.next(q.id, q.message, q.choices);
            if let Some(stop) = interrupted(&a) {
                return stop;
            }
            let keys = match a {
                Scripted::Picks(keys) => keys,
                // Enter alone: what is ticked when the list opens.
                Scripted::Enter => q.ticked.iter().map(|&i| q.choices[i].key.clone()).collect(),
                Scripted::EnterOn(key) => {
                    let at = position(q.choices, &key, q.id);
                    if q.none == Some(at) {
                        vec![key]
                    } else {
                        Vec::new()
                    }
                }
                Scripted::All => q
                    .choices
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| q.none != Some(*i))
                    .map(|(_, c)| c.key.clone())
                    .collect(),
                Scripted::Search(words) => {
                    let other = q.other.unwrap_or_else(|| {
                        panic!("question {:?} offers no 'Something else'", q.id)
                    });
                    assert!(
                        super::checklist::matches(q.choices, &words).is_empty(),
                        "{words:?} matches choices of {:?}",
                        q.id
                    );
                    self.searched = Some(words.trim().to_string());
                    vec![q.choices[other].key.clone()]
                }
                other => panic!(
                    "question {:?} is a checklist; the script gave {other:?}",
                    q.id
                ),
            };
            let mut picked: Vec<usize> =
                keys.iter().map(|k| position(q.choices, k, q.id)).collect();
            picked.sort_unstable();
            picked.dedup();
            match q.check.as_ref().map_or(Ok(()), |c| c(&picked)) {
                Ok(()) => return Ok(picked),
                Err(m) => self.refuse(&m),
            }
        }
    }

    fn text(&mut self, q: &TextLine<'_>) -> Answer<String> {
        loop {
            let a = self.next(q.id, q.message, &[]);
            if let Some(stop) = interrupted(&a) {
                return stop;
            }
            let text = match a {
                Scripted::Text(t) => t,
                Scripted::Enter => String::new(),
                other => panic!("question {:?} is a text; the script gave {other:?}", q.id),
            };
            match q.check.as_ref().map_or(Ok(()), |c| c(&text)) {
                Ok(()) => return Ok(text),
                Err(m) => self.refuse(&m),
            }
        }
    }

    fn date(&mut self, q: &DatePick<'_>) -> Answer<NaiveDate> {
        let a = self.next(q.id, q.message, &[]);
        if let Some(stop) = interrupted(&a) {
            return stop;
        }
        match a {
            // The calendar cannot move past its limits.
            Scripted::Date(d) => Ok(d.clamp(q.min, q.max)),
            other => panic!("question {:?} is a date; the script gave {other:?}", q.id),
        }
    }

    fn confirm(&mut self, q: &YesNo<'_>) -> Answer<bool> {
        loop {
            let a = self.next(q.id, q.message, &[]);
            if let Some(stop) = interrupted(&a) {
                return stop;
            }
            match (a, q.default) {
                (Scripted::Yes, _) => return Ok(true),
                (Scripted::No, _) => return Ok(false),
                (Scripted::Enter, Some(d)) => return Ok(d),
                (Scripted::Enter, None) => self.refuse("Type y for yes or n for no, then Enter"),
                (other, _) => panic!("question {:?} is yes/no; the script gave {other:?}", q.id),
            }
        }
    }

    fn say(&mut self, text: &str) {
        for line in text.lines() {
            self.transcript.push(format!("say: {line}"));
        }
    }

    fn width(&self) -> usize {
        self.columns
    }

    fn searched_words(&mut self) -> Option<String> {
        self.searched.take()
    }
}

impl fmt::Debug for SelectMany<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectMany")
            .field("id", &self.id)
            .field("choices", &self.choices)
            .finish()
    }
}
