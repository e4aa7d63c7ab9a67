//! The pages, as askama templates checked when the binary is built (HTML escaped by
//! default). Each struct is what its template shows; the words come from [`Words`] and the
//! rule file, never from the template.

use std::sync::Arc;

use askama::Template;

use super::words::Words;
use aftercare_core::model::Disposition;

/// The pages' HTML escaping, named for every template in `askama.toml`: the characters
/// and entities of askama's own (`"` `&` `'` `<` `>` as `&#34;` `&#38;` `&#39;` `&#60;`
/// `&#62;`), with a block of 16 bytes passed whole when none of them needs it. Every word
/// of a page goes through it, and askama's own looks at one byte at a time.
#[derive(Debug, Clone, Copy)]
pub struct Html;

impl Html {
    fn entity(b: u8) -> Option<&'static str> {
        match b {
            b'"' => Some("&#34;"),
            b'&' => Some("&#38;"),
            b'\'' => Some("&#39;"),
            b'<' => Some("&#60;"),
            b'>' => Some("&#62;"),
            _ => None,
        }
    }

    /// Whether any byte of the block needs escaping; compared all at once (no early exit),
    /// so that the compiler checks the block in a few vector instructions.
    fn any_to_escape(block: &[u8; 16]) -> bool {
        block.iter().fold(false, |any, &b| {
            any | (b == b'"') | (b == b'&') | (b == b'\'') | (b == b'<') | (b == b'>')
        })
    }
}

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, text: &str) -> std::fmt::Result {
        let bytes = text.as_bytes();
        // Each byte that needs escaping is ASCII, so every cut below is at a character's
        // boundary.
        let mut written = 0;
        let mut at = 0;
        while at < bytes.len() {
            let end = (at + 16).min(bytes.len());
            if let Ok(block) = <&[u8; 16]>::try_from(&bytes[at..end]) {
                if !Html::any_to_escape(block) {
                    at = end;
                    continue;
                }
            }
            for i in at..end {
                if let Some(entity) = Html::entity(bytes[i]) {
                    if written < i {
                        dest.write_str(&text[written..i])?;
                    }
                    dest.write_str(entity)?;
                    written = i + 1;
                }
            }
            at = end;
        }
        if written < bytes.len() {
            dest.write_str(&text[written..])?;
        }
        Ok(())
    }
}

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

pub struct Section<'a> {
    pub title: String,
    /// Borrowed where the words are the outcome's or the server's own (the danger signs,
    /// what to expect, when to call back), rather than copied for the page.
    pub items: Vec<std::borrow::Cow<'a, str>>,
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
    /// With `more`: the risk factors that would make it an emergency in combination.
    pub more_risks: Vec<CheckItem<'a>>,
    pub more_hint: String,
    pub sent: Option<Vec<String>>,
    pub day: Option<String>,
    pub sections: Vec<Section<'a>>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use askama::filters::Escaper;

    fn ours(text: &str) -> String {
        let mut out = String::new();
        Html.write_escaped_str(&mut out, text).unwrap();
        out
    }

    fn askamas(text: &str) -> String {
        askama::filters::escape(text, askama::filters::Html)
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_pages_escape_as_askama_does() {
        let mut texts: Vec<String> = [
            "",
            "plain",
            "<script>alert('x') & \"y\"</script>",
            "a rash <b> & things",
            "don't",
            "Redness that isn't settling after 16 bytes: <more> & 'quoted' \"words\" here",
            "é<ü>ß&漢字'\"🙂",
            "exactly sixteen!",
            "exactly sixteen<",
            ">exactly sixteen",
        ]
        .map(String::from)
        .to_vec();
        // Every special character at every position of blocks and their edges.
        for len in [1, 15, 16, 17, 31, 32, 33, 47] {
            for at in 0..len {
                for special in ['"', '&', '\'', '<', '>', 'é'] {
                    let mut t: String = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU"
                        .chars()
                        .take(len)
                        .collect();
                    t.replace_range(at..=at, &special.to_string());
                    texts.push(t);
                }
            }
        }
        for t in &texts {
            assert_eq!(ours(t), askamas(t), "{t:?}");
        }
    }
}
