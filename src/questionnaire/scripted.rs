//! The questions answered from a script, so that every path of the questionnaire can be
//! tested without a terminal.

use std::collections::VecDeque;

use chrono::NaiveDate;

use super::prompt::{
    Answer, Choice, DatePick, Prompter, SelectMany, SelectOne, Stop, TextLine, YesNo,
};

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
    pub fn risk_factors(
        mut self,
        rules: &aftercare_core::rules::RuleSet,
        answers: &[(&str, &str)],
    ) -> Self {
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
                        super::search::matches(q.choices, &words).is_empty(),
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
