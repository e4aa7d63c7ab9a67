//! The checklist drawn on the terminal: tick any number of a list.
//!
//! Its own, not inquire's, because a checklist with "None of these" must know where the
//! cursor is when Enter is pressed with nothing ticked: on "None of these" that is the
//! answer (one key for the commonest one), anywhere else it is a slip to explain. Typing
//! searches the list (matches at the start of a label or a word first, then the list's own
//! order); a search that matches nothing offers "Something else" in the words typed. The
//! whole list is drawn again from the size of the terminal at each key, so a resize never
//! leaves a garbled list behind.

use std::collections::BTreeSet;
use std::io::{self, Write};

use crossterm::cursor::{MoveToColumn, MoveUp};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{self, Clear, ClearType};
use crossterm::{execute, queue};

use super::prompt::{Answer, SelectMany, Stop};
use super::search::matches;
use crate::output::text::wrap;

/// What the list shows and holds while the person answers.
struct State<'a> {
    q: &'a SelectMany<'a>,
    ticked: BTreeSet<usize>,
    /// The position in `visible` of the cursor.
    cursor: usize,
    filter: String,
    error: Option<String>,
    /// Lines drawn last time, to draw over them.
    drawn: usize,
    /// The choices that have been on the screen, for [`SelectMany::read_all`].
    shown: BTreeSet<usize>,
    /// The words of the search "Something else" was chosen from, when nothing matched.
    other_words: Option<String>,
}

impl State<'_> {
    /// The choices that match the typed filter, best first (see [`rank`]).
    fn visible(&self) -> Vec<usize> {
        matches(self.q.choices, &self.filter)
    }

    /// A search that matches nothing, in a list with "Something else": it is offered with
    /// the words typed, and Space types a space (the words may be several).
    fn offering_other(&self) -> bool {
        self.q.other.is_some() && !self.filter.trim().is_empty() && self.visible().is_empty()
    }

    /// Enter on the "Something else" offered: ticked, with the words as its description.
    fn choose_other(&mut self) {
        if let Some(o) = self.q.other {
            if let Some(n) = self.q.none {
                self.ticked.remove(&n);
            }
            self.ticked.insert(o);
            self.other_words = Some(self.filter.trim().to_string());
        }
    }

    fn current(&self) -> Option<usize> {
        self.visible().get(self.cursor).copied()
    }

    /// Ticks or unticks the choice under the cursor. "None of these" and the other choices
    /// exclude each other: ticking one unticks the other kind.
    fn toggle(&mut self) {
        let Some(i) = self.current() else { return };
        if !self.ticked.remove(&i) {
            match self.q.none {
                Some(n) if n == i => self.ticked.clear(),
                Some(n) => {
                    self.ticked.remove(&n);
                }
                None => {}
            }
            self.ticked.insert(i);
        }
    }

    /// After a tick the search has done its work: the whole list again, the cursor staying
    /// on the choice just ticked, so that the next search starts afresh.
    fn clear_filter(&mut self) {
        if self.filter.is_empty() {
            return;
        }
        let at = self.current();
        self.filter.clear();
        self.cursor = at
            .and_then(|i| self.visible().iter().position(|&v| v == i))
            .unwrap_or(0);
    }

    /// Enter: the answer, or why not.
    fn submit(&self) -> Result<Vec<usize>, String> {
        let picked: Vec<usize> = if self.ticked.is_empty() && self.current() == self.q.none {
            self.q.none.into_iter().collect()
        } else {
            self.ticked.iter().copied().collect()
        };
        let unread = self.q.choices.len() - self.shown.len();
        if self.q.read_all && unread > 0 && picked.iter().any(|&i| Some(i) == self.q.none) {
            return Err(format!(
                "{unread} not shown yet: read the whole list first (↓, PageDown or End), \
                 then Enter on 'None of these'"
            ));
        }
        match &self.q.check {
            Some(check) => check(&picked).map(|()| picked),
            None => Ok(picked),
        }
    }

    /// The lines to draw at this width and height: the question, the filter, a window of
    /// the list around the cursor, the error and the help.
    fn lines(&mut self, width: usize, rows: usize) -> Vec<String> {
        let width = width.max(20);
        let mut head = self.question_lines(width);
        let tail = self.help_lines(width);
        // Room for the list: what the question, the help, the "more above / below" lines
        // and one spare line leave; at least 3 lines.
        let room = rows.saturating_sub(head.len() + tail.len() + 3).max(3);
        let list = match self.q.other.filter(|_| self.offering_other()) {
            Some(o) => self.other_offered_lines(o, width),
            None => self.window(width, room),
        };
        head.extend(list);
        head.extend(tail);
        head
    }

    /// The question, and the search typed so far.
    fn question_lines(&self, width: usize) -> Vec<String> {
        let mut head: Vec<String> = wrap(&format!("? {}", self.q.message), width - 1, "", "  ")
            .lines()
            .map(str::to_string)
            .collect();
        if !self.filter.is_empty() {
            // Typed, so shown as text only: never a control or bidi character.
            head.push(format!(
                "  Search: {}",
                aftercare_core::escape::visible(&self.filter)
            ));
        }
        head
    }

    /// Under the list: why the last Enter was refused, if it was, and the help.
    fn help_lines(&self, width: usize) -> Vec<String> {
        let mut tail = Vec::new();
        if let Some(e) = &self.error {
            tail.extend(wrap(e, width - 1, "! ", "  ").lines().map(str::to_string));
        }
        let help = self.q.help.unwrap_or("Space to tick, Enter when done");
        tail.extend(
            wrap(
                &if help.ends_with('.') {
                    format!("[{help} Type to search.]")
                } else {
                    format!("[{help}; type to search]")
                },
                width - 1,
                "  ",
                "   ",
            )
            .lines()
            .map(str::to_string),
        );
        tail
    }

    /// In place of the list, for a search that matches nothing: "Something else" (choice
    /// `o`) offered in the words typed.
    fn other_offered_lines(&self, o: usize, width: usize) -> Vec<String> {
        let mut list = Vec::new();
        let words = aftercare_core::escape::visible(self.filter.trim());
        list.extend(
            wrap(
                &format!("{}: \"{words}\"", self.q.choices[o].label),
                width - 1,
                "> [ ] ",
                "      ",
            )
            .lines()
            .map(str::to_string),
        );
        list.extend(
            wrap(
                "Not on the list: Enter to answer 'Something else' in these words; \
                 Backspace to search again",
                width - 1,
                "  (",
                "   ",
            )
            .trim_end()
            .lines()
            .map(str::to_string),
        );
        if let Some(last) = list.last_mut() {
            last.push(')');
        }
        list
    }

    /// The choices that match the search, in a window of at most `room` lines around the
    /// cursor, with how many more are above and below; the choices in it count as shown.
    fn window(&mut self, width: usize, room: usize) -> Vec<String> {
        let visible = self.visible();
        let options: Vec<Vec<String>> = visible
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                let mark = if self.ticked.contains(&i) {
                    "[x]"
                } else {
                    "[ ]"
                };
                let pointer = if n == self.cursor { ">" } else { " " };
                wrap(
                    &self.q.choices[i].label,
                    width - 1,
                    &format!("{pointer} {mark} "),
                    "      ",
                )
                .lines()
                .map(str::to_string)
                .collect()
            })
            .collect();
        if options.is_empty() {
            return vec!["  (nothing matches: Backspace to search again)".to_string()];
        }
        // From the cursor's option, extended down then up while it fits.
        let (mut first, mut last) = (self.cursor, self.cursor);
        let mut used = options[self.cursor].len();
        loop {
            let mut grew = false;
            if last + 1 < options.len() && used + options[last + 1].len() <= room {
                last += 1;
                used += options[last].len();
                grew = true;
            }
            if first > 0 && used + options[first - 1].len() <= room {
                first -= 1;
                used += options[first].len();
                grew = true;
            }
            if !grew {
                break;
            }
        }
        self.shown.extend(visible[first..=last].iter().copied());
        let mut list = Vec::new();
        if first > 0 {
            list.push(format!("  ... {} more above", first));
        }
        for o in &options[first..=last] {
            list.extend(o.iter().cloned());
        }
        if last + 1 < options.len() {
            list.push(format!("  ... {} more below", options.len() - last - 1));
        }
        list
    }

    /// One key pressed: the answer when it ends the question (Enter on an answer that
    /// stands, Esc, Ctrl-C), otherwise `None` with the list moved, ticked or searched.
    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) -> Option<Answer<Vec<usize>>> {
        let n = self.visible().len();
        match code {
            KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => {
                return Some(Err(Stop::Interrupt))
            }
            KeyCode::Esc => return Some(Err(Stop::Cancel)),
            KeyCode::Enter if self.offering_other() => {
                self.choose_other();
                match self.submit() {
                    Ok(picked) => return Some(Ok(picked)),
                    Err(m) => self.error = Some(m),
                }
            }
            KeyCode::Char(' ') if self.offering_other() => {
                let room = self.filter.chars().count() < 40;
                self.filter.extend(room.then_some(' '));
            }
            KeyCode::Enter => match self.submit() {
                Ok(picked) => return Some(Ok(picked)),
                Err(m) => self.error = Some(m),
            },
            // Moving on is reading on: a refusal already read makes room.
            KeyCode::Up if n > 0 => {
                self.cursor = (self.cursor + n - 1) % n;
                self.error = None;
            }
            KeyCode::Down if n > 0 => {
                self.cursor = (self.cursor + 1) % n;
                self.error = None;
            }
            KeyCode::PageUp => {
                self.cursor = self.cursor.saturating_sub(10);
                self.error = None;
            }
            KeyCode::PageDown if n > 0 => {
                self.cursor = (self.cursor + 10).min(n - 1);
                self.error = None;
            }
            KeyCode::Home => {
                self.cursor = 0;
                self.error = None;
            }
            KeyCode::End => {
                self.cursor = n.saturating_sub(1);
                self.error = None;
            }
            KeyCode::Char(' ') => {
                self.toggle();
                self.error = None;
                self.clear_filter();
            }
            KeyCode::Backspace => {
                self.filter.pop();
                self.cursor = 0;
            }
            // A search can become a description ("Something else"): nothing that could act
            // on a terminal or a record is taken into it.
            KeyCode::Char(c)
                if !aftercare_core::escape::is_unsafe(c) && self.filter.chars().count() < 40 =>
            {
                self.filter.push(c);
                self.cursor = 0;
            }
            _ => {}
        }
        None
    }

    /// The answer as it stays on the screen: the labels ticked, "Something else" with the
    /// words it was chosen in.
    fn answer_words(&self, picked: &[usize]) -> String {
        let q = self.q;
        picked
            .iter()
            .map(|&i| {
                // A sentence's full stop would read ".;" before the next answer.
                let label = q.choices[i]
                    .label
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .trim_end_matches('.')
                    .to_string();
                match (&self.other_words, q.other == Some(i)) {
                    (Some(w), true) => {
                        format!("{label} (\"{}\")", aftercare_core::escape::visible(w))
                    }
                    _ => label,
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Restores the terminal however the question ends.
struct RawMode;

impl RawMode {
    fn on() -> io::Result<RawMode> {
        terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

fn draw(out: &mut impl Write, s: &mut State<'_>, fresh: bool) -> io::Result<()> {
    let (cols, rows) = terminal::size().unwrap_or((80, 24));
    if fresh {
        // After a resize the old lines have been re-flowed to the new width: counting
        // them back is guesswork, so the screen is cleared and the question drawn anew.
        queue!(out, Clear(ClearType::All), crossterm::cursor::MoveTo(0, 0))?;
    } else if s.drawn > 1 {
        queue!(out, MoveUp(u16::try_from(s.drawn - 1).unwrap_or(u16::MAX)))?;
    }
    queue!(out, MoveToColumn(0), Clear(ClearType::FromCursorDown))?;
    let lines = s.lines(usize::from(cols), usize::from(rows));
    write!(out, "{}", lines.join("\r\n"))?;
    s.drawn = lines.len();
    out.flush()
}

/// Asks the checklist on standard error; returns the positions ticked, and the words of a
/// search that matched nothing when "Something else" was chosen from it.
pub fn ask(q: &SelectMany<'_>) -> Answer<(Vec<usize>, Option<String>)> {
    let term = |e: io::Error| Stop::Terminal(e.to_string());
    let mut s = State {
        q,
        ticked: q.ticked.iter().copied().collect(),
        cursor: 0,
        filter: String::new(),
        error: None,
        drawn: 0,
        shown: BTreeSet::new(),
        other_words: None,
    };
    let mut err = io::stderr();
    let result = {
        let _raw = RawMode::on().map_err(term)?;
        draw(&mut err, &mut s, false).map_err(term)?;
        loop {
            let ev = event::read().map_err(term)?;
            let mut fresh = false;
            match ev {
                Event::Resize(..) => fresh = true,
                Event::Key(KeyEvent {
                    code,
                    modifiers,
                    kind: KeyEventKind::Press | KeyEventKind::Repeat,
                    ..
                }) => {
                    if let Some(answered) = s.key(code, modifiers) {
                        break answered;
                    }
                }
                _ => {}
            }
            draw(&mut err, &mut s, fresh).map_err(term)?;
        }
    };
    // The question stays on the screen with its whole answer.
    let echo = match &result {
        Ok(picked) => s.answer_words(picked),
        Err(_) => String::new(),
    };
    let cols = terminal::size().map_or(80, |(c, _)| usize::from(c)).max(20);
    if s.drawn > 1 {
        let _ = execute!(err, MoveUp(u16::try_from(s.drawn - 1).unwrap_or(u16::MAX)));
    }
    let _ = execute!(err, MoveToColumn(0), Clear(ClearType::FromCursorDown));
    let _ = write!(
        err,
        "{}",
        wrap(&format!("? {} {echo}", q.message), cols - 1, "", "  ")
    );
    let _ = err.flush();
    let words = s.other_words.take();
    result.map(|picked| {
        let words = words.filter(|_| q.other.is_some_and(|o| picked.contains(&o)));
        (picked, words)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::prompt::Choice;

    /// What a person types for the protocol 1.2 entries finds them, by their words or their
    /// aliases, first in the list.
    #[test]
    fn a_search_finds_the_new_entries_by_the_words_people_use() {
        let rules = crate::built_in_rules_for_tests();
        let choices: Vec<Choice> = rules
            .symptom_ids()
            .map(|id| {
                let t = rules.symptom_text(id).unwrap();
                Choice::new(id, format!("{}: {}", t.label, t.description))
                    .found_by(rules.aliases_of(id))
            })
            .collect();
        for (typed, id) in [
            ("headache", "headache"),
            ("bruise where blood was taken", "blood_draw_bruise"),
            ("hair falling out", "hair_shedding"),
            ("can't see", "vision_loss"),
            ("can\u{2019}t see", "vision_loss"),
            ("numb lips", "numbing_cream_reaction"),
            ("white patch", "dusky_skin"),
        ] {
            let found = matches(&choices, typed);
            assert_eq!(
                found.first().map(|&i| choices[i].key.as_str()),
                Some(id),
                "{typed}: {:?}",
                found.iter().map(|&i| &choices[i].key).collect::<Vec<_>>()
            );
        }
    }

    fn list() -> Vec<Choice> {
        vec![
            Choice::new("none", "None of these"),
            Choice::new("redness", "Redness"),
            Choice::new("swelling", "Swelling"),
            Choice::new("peeling", "Peeling"),
        ]
    }

    fn state<'a>(q: &'a SelectMany<'a>) -> State<'a> {
        State {
            q,
            ticked: BTreeSet::new(),
            cursor: 0,
            filter: String::new(),
            error: None,
            drawn: 0,
            shown: BTreeSet::new(),
            other_words: None,
        }
    }

    fn question(choices: &[Choice]) -> SelectMany<'_> {
        SelectMany {
            id: "t",
            message: "What do you notice now?",
            help: None,
            choices,
            ticked: Vec::new(),
            none: Some(0),
            check: Some(std::sync::Arc::new(|p: &Vec<usize>| {
                if p.is_empty() {
                    Err("Nothing is ticked: press Space".into())
                } else {
                    Ok(())
                }
            })),
            read_all: false,
            other: None,
        }
    }

    #[test]
    fn enter_on_none_with_nothing_ticked_chooses_it() {
        let choices = list();
        let q = question(&choices);
        let mut s = state(&q);
        assert_eq!(s.submit(), Ok(vec![0]));
        s.cursor = 2;
        assert!(s.submit().unwrap_err().contains("Space"));
        s.toggle();
        assert_eq!(s.submit(), Ok(vec![2]));
    }

    #[test]
    fn none_and_the_others_exclude_each_other() {
        let choices = list();
        let q = question(&choices);
        let mut s = state(&q);
        s.cursor = 1;
        s.toggle();
        s.cursor = 0;
        s.toggle();
        assert_eq!(s.ticked.iter().copied().collect::<Vec<_>>(), vec![0]);
        s.cursor = 3;
        s.toggle();
        assert_eq!(s.ticked.iter().copied().collect::<Vec<_>>(), vec![3]);
    }

    #[test]
    fn a_match_at_the_start_of_a_label_or_a_word_comes_first() {
        let choices = vec![
            Choice::new("none", "None of these"),
            Choice::new("redness", "Redness, like a sunburn"),
            Choice::new("pain", "Pain, tenderness or soreness"),
            Choice::new("burning", "Burning or stinging"),
            Choice::new("eye", "Pain in the eye itself"),
        ];
        let q = question(&choices);
        let mut s = state(&q);
        s.filter = "burn".into();
        assert_eq!(s.visible(), vec![3, 1]);
        // Space ticks the one under the cursor: the first.
        s.toggle();
        assert_eq!(s.ticked.iter().copied().collect::<Vec<_>>(), vec![3]);
        // The start of a word before a match inside one; ties keep the list's order.
        s.filter = "eye".into();
        assert_eq!(s.visible(), vec![4]);
        s.filter = "ness".into();
        assert_eq!(s.visible(), vec![1, 2]);
        s.filter = "pain".into();
        assert_eq!(s.visible(), vec![2, 4]);
    }

    #[test]
    fn a_search_that_matches_nothing_offers_something_else_in_its_words() {
        let choices = vec![
            Choice::new("none", "None of these"),
            Choice::new("redness", "Redness"),
            Choice::new("other", "Something else"),
        ];
        let q = SelectMany {
            other: Some(2),
            ..question(&choices)
        };
        let mut s = state(&q);
        s.filter = "jaw pain".into();
        assert!(s.offering_other());
        let lines = s.lines(40, 20).join("\n");
        assert!(
            lines.contains("> [ ] Something else: \"jaw pain\""),
            "{lines}"
        );
        s.choose_other();
        assert_eq!(s.submit(), Ok(vec![2]));
        assert_eq!(s.other_words.as_deref(), Some("jaw pain"));
        // A list without "Something else" still says that nothing matches.
        let q = question(&choices);
        let mut s = state(&q);
        s.filter = "jaw".into();
        assert!(!s.offering_other());
        assert!(s.lines(40, 20).join("\n").contains("nothing matches"));
    }

    #[test]
    fn typing_filters_in_the_lists_order_among_equal_matches() {
        let choices = list();
        let q = question(&choices);
        let mut s = state(&q);
        s.filter = "ing".into();
        assert_eq!(s.visible(), vec![2, 3]);
        s.cursor = 1;
        s.toggle();
        assert_eq!(s.ticked.iter().copied().collect::<Vec<_>>(), vec![3]);
        s.clear_filter();
        assert_eq!(s.visible(), vec![0, 1, 2, 3]);
        assert_eq!(s.current(), Some(3));
    }

    #[test]
    fn every_line_fits_the_width_and_the_cursor_stays_in_view() {
        let choices: Vec<Choice> = (0..40)
            .map(|i| {
                Choice::new(
                    format!("k{i}"),
                    format!("Option {i} with a long explanation that wraps on a narrow screen"),
                )
            })
            .collect();
        let q = question(&choices);
        let mut s = state(&q);
        s.cursor = 30;
        for (w, h) in [(80, 24), (40, 20)] {
            let lines = s.lines(w, h);
            assert!(lines.len() <= h, "{lines:#?}");
            assert!(lines.iter().all(|l| unicode_width(l) < w), "{lines:#?}");
            assert!(
                lines.iter().any(|l| l.starts_with("> [ ] Option 30 ")),
                "{lines:#?}"
            );
        }
    }

    #[test]
    fn none_of_a_sign_list_needs_every_sign_on_the_screen_first() {
        let choices: Vec<Choice> = std::iter::once(Choice::new("none", "None of these"))
            .chain((0..12).map(|i| Choice::new(format!("k{i}"), format!("Danger sign {i}"))))
            .collect();
        let q = SelectMany {
            read_all: true,
            ..question(&choices)
        };
        let mut s = state(&q);
        // 12 rows: the first screen shows a few; Enter on "None of these" is refused.
        s.lines(40, 12);
        let refused = s.submit().unwrap_err();
        assert!(refused.contains("not shown yet"), "{refused}");
        // Down through the list, then Down once more wraps to "None of these".
        for _ in 0..choices.len() {
            s.cursor = (s.cursor + 1) % choices.len();
            s.lines(40, 12);
        }
        assert_eq!(s.current(), Some(0));
        assert_eq!(s.submit(), Ok(vec![0]));
        // A sign ticked is an answer at once: only a denial needs the whole list.
        let mut s = state(&q);
        s.lines(40, 12);
        s.cursor = 1;
        s.toggle();
        assert_eq!(s.submit(), Ok(vec![1]));
    }

    fn unicode_width(s: &str) -> usize {
        s.chars().count()
    }
}
