//! The questions the questionnaire can ask, behind a small interface: [`super::terminal`]
//! draws them on the terminal with inquire, [`super::scripted`] answers them from a script so
//! that every path of the questionnaire can be tested without a terminal.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

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
    /// Shows the opening screen. A prompter whose first question would push it off the
    /// screen before it is read waits for Enter first (Esc stops).
    fn begin(&mut self, opening: &str) -> Answer<()> {
        self.say(opening);
        Ok(())
    }
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

impl fmt::Debug for SelectMany<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectMany")
            .field("id", &self.id)
            .field("choices", &self.choices)
            .finish()
    }
}
