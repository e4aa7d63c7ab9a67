//! The pages, as askama templates checked when the binary is built (HTML escaped by
//! default). Each struct is what its template shows; the words come from [`Words`] and the
//! rule file, never from the template.

use std::sync::Arc;

use askama::Template;

use super::words::Words;
use aftercare_core::model::Disposition;

/// The two lines at the foot of every page.
pub struct Footers {
    pub emergency: Arc<str>,
    pub help: Arc<str>,
}

/// What the frame of every page needs.
pub struct Layout {
    pub w: &'static Words,
    pub title: String,
    pub back: Option<String>,
    pub problems: Vec<Problem>,
    pub stylesheet: &'static str,
    pub emergency_footer: Arc<str>,
    pub help_footer: Arc<str>,
    /// The signed-in nurse, on the clinic's pages.
    pub nurse: Option<String>,
    /// A script of the page's own (the inbox's refresh); the pages work without it.
    pub script: Option<&'static str>,
}

impl Layout {
    pub fn new(w: &'static Words, footers: &Footers, title: &str, back: Option<String>) -> Layout {
        Layout {
            w,
            title: title.to_string(),
            back,
            problems: Vec::new(),
            stylesheet: super::STYLESHEET_HREF.as_str(),
            emergency_footer: footers.emergency.clone(),
            help_footer: footers.help.clone(),
            nurse: None,
            script: None,
        }
    }
}

/// A refused answer: what is wrong, and the id of the field to go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/start.html")]
pub struct StartPage {
    pub l: Layout,
    pub emergency: String,
    pub time: String,
    pub resume: Option<String>,
    pub expired: bool,
    pub expired_words: String,
}

/// A box of a checklist as a page shows it: its words, borrowed from what the server put
/// together at start, and whether it is ticked.
pub struct CheckItem<'a> {
    pub id: &'a str,
    pub value: &'a str,
    pub label: &'a str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "web/checklist.html")]
pub struct ChecklistPage<'a> {
    pub l: Layout,
    pub action: String,
    pub field: &'static str,
    pub heading: &'a str,
    pub hint: &'a str,
    pub items: Vec<CheckItem<'a>>,
    pub none_checked: bool,
}

#[derive(Template)]
#[template(path = "web/when.html")]
pub struct WhenPage {
    pub l: Layout,
    pub date: String,
    pub time: String,
    pub max: String,
    pub confirm: Option<String>,
}

#[derive(Template)]
#[template(path = "web/other.html")]
pub struct OtherPage {
    pub l: Layout,
    pub value: String,
}

pub struct Radio {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct RadioGroup {
    pub field: String,
    pub legend: String,
    /// The group's legend is the page's heading (a page of one question).
    pub heading: bool,
    pub hint: Option<String>,
    pub choices: Vec<Radio>,
}

impl RadioGroup {
    /// A group whose choices are `(value, words)`, with `checked` ticked.
    pub fn new(field: &str, legend: &str, choices: &[(&str, &str)], checked: Option<&str>) -> Self {
        RadioGroup {
            field: field.to_string(),
            legend: legend.to_string(),
            heading: false,
            hint: None,
            choices: choices
                .iter()
                .enumerate()
                .map(|(i, (value, label))| Radio {
                    // The first choice's id is the field's name: the problem summary links to it.
                    id: if i == 0 {
                        field.to_string()
                    } else {
                        format!("{field}-{value}")
                    },
                    value: value.to_string(),
                    label: label.to_string(),
                    checked: checked == Some(*value),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/questions.html")]
pub struct QuestionsPage {
    pub l: Layout,
    pub action: String,
    pub title: Option<String>,
    pub groups: Vec<RadioGroup>,
}

pub struct SummaryRow {
    pub key: String,
    pub lines: Vec<String>,
    pub change: String,
}

#[derive(Template)]
#[template(path = "web/answers.html")]
pub struct AnswersPage {
    pub l: Layout,
    pub rows: Vec<SummaryRow>,
}

pub struct Call {
    pub number: String,
    pub words: String,
}

pub struct Section {
    pub title: String,
    pub items: Vec<String>,
    /// Long and for reference: folded under its title (opens without JavaScript).
    pub folded: bool,
}

pub struct SendForm {
    pub title: String,
    pub name: String,
    pub phone: String,
    pub consent: bool,
    pub problems: Vec<Problem>,
}

#[derive(Template)]
#[template(path = "web/result.html")]
pub struct ResultPage<'a> {
    pub l: Layout,
    pub code: &'static str,
    /// The card's colour, by urgency (the words say the same).
    pub tone: &'static str,
    pub label: String,
    /// The call to action: the action's first sentence.
    pub heading: String,
    /// The rest of the action, if any.
    pub action: String,
    /// The reasons in plain words, on the card (at most 5; all of them below when more).
    pub reasons: Vec<String>,
    /// How to reach the clinic: its numbers, or where to find them (the aftercare sheet).
    pub contact: Option<String>,
    pub clinic_call: Option<Call>,
    pub calls: Vec<Call>,
    pub tell: Option<String>,
    pub also: Option<String>,
    /// After an emergency-department sign: the signs that would make it an emergency in
    /// combination, to tick below the instruction.
    pub more: Vec<CheckItem<'a>>,
    pub more_hint: String,
    pub sent: Option<Vec<String>>,
    pub day: Option<String>,
    pub sections: Vec<Section>,
    pub send: Option<SendForm>,
    pub checked_with: String,
}

#[derive(Template)]
#[template(path = "web/message.html")]
pub struct MessagePage {
    pub l: Layout,
    pub lines: Vec<String>,
}

/// The card's tone for a disposition.
pub fn tone(d: Disposition) -> &'static str {
    match d {
        Disposition::CallEmergencyNow => "emergency",
        Disposition::GoToEdNow => "urgent",
        Disposition::SeeToday => "today",
        Disposition::SeeWithin3Days => "soon",
        Disposition::SeeWithin2Weeks => "routine",
        Disposition::HomeCare => "home",
    }
}
