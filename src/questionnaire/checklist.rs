//! The checklist drawn on the terminal: tick any number of a list.
//!
//! Its own, not inquire's, because a checklist with "None of these" must know where the
//! cursor is when Enter is pressed with nothing ticked: on "None of these" that is the
//! answer (one key for the commonest one), anywhere else it is a slip to explain. Typing
//! filters the list without reordering it, and the whole list is drawn again from the size
//! of the terminal at each key, so a resize never leaves a garbled list behind.

use std::collections::BTreeSet;
use std::io::{self, Write};

use crossterm::cursor::{MoveToColumn, MoveUp};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{self, Clear, ClearType};
use crossterm::{execute, queue};

use super::prompt::{Answer, SelectMany, Stop};
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
}

impl State<'_> {
    /// The choices that match the typed filter, in the list's own order.
    fn visible(&self) -> Vec<usize> {
        let f = self.filter.to_lowercase();
        (0..self.q.choices.len())
            .filter(|&i| f.is_empty() || self.q.choices[i].label.to_lowercase().contains(&f))
            .collect()
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
        let mut head: Vec<String> = wrap(&format!("? {}", self.q.message), width - 1, "", "  ")
            .lines()
            .map(str::to_string)
            .collect();
        if !self.filter.is_empty() {
            head.push(format!("  Search: {}", self.filter));
        }
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
        // Room for the list: what the question, the help, the "more above / below" lines
        // and one spare line leave; at least 3 lines.
        let room = rows.saturating_sub(head.len() + tail.len() + 3).max(3);
        // The window: from the cursor's option, extended down then up while it fits.
        let mut list = Vec::new();
        if options.is_empty() {
            list.push("  (nothing matches: Backspace to search again)".to_string());
        } else {
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
            if first > 0 {
                list.push(format!("  ... {} more above", first));
            }
            for o in &options[first..=last] {
                list.extend(o.iter().cloned());
            }
            if last + 1 < options.len() {
                list.push(format!("  ... {} more below", options.len() - last - 1));
            }
        }
        head.extend(list);
        head.extend(tail);
        head
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

/// Asks the checklist on standard error; returns the positions ticked.
pub fn ask(q: &SelectMany<'_>) -> Answer<Vec<usize>> {
    let term = |e: io::Error| Stop::Terminal(e.to_string());
    let mut s = State {
        q,
        ticked: q.ticked.iter().copied().collect(),
        cursor: 0,
        filter: String::new(),
        error: None,
        drawn: 0,
        shown: BTreeSet::new(),
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
                    let n = s.visible().len();
                    match code {
                        KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => {
                            break Err(Stop::Interrupt)
                        }
                        KeyCode::Esc => break Err(Stop::Cancel),
                        KeyCode::Enter => match s.submit() {
                            Ok(picked) => break Ok(picked),
                            Err(m) => s.error = Some(m),
                        },
                        // Moving on is reading on: a refusal already read makes room.
                        KeyCode::Up if n > 0 => {
                            s.cursor = (s.cursor + n - 1) % n;
                            s.error = None;
                        }
                        KeyCode::Down if n > 0 => {
                            s.cursor = (s.cursor + 1) % n;
                            s.error = None;
                        }
                        KeyCode::PageUp => {
                            s.cursor = s.cursor.saturating_sub(10);
                            s.error = None;
                        }
                        KeyCode::PageDown if n > 0 => {
                            s.cursor = (s.cursor + 10).min(n - 1);
                            s.error = None;
                        }
                        KeyCode::Home => {
                            s.cursor = 0;
                            s.error = None;
                        }
                        KeyCode::End => {
                            s.cursor = n.saturating_sub(1);
                            s.error = None;
                        }
                        KeyCode::Char(' ') => {
                            s.toggle();
                            s.error = None;
                            s.clear_filter();
                        }
                        KeyCode::Backspace => {
                            s.filter.pop();
                            s.cursor = 0;
                        }
                        KeyCode::Char(c) if !c.is_control() && s.filter.chars().count() < 40 => {
                            s.filter.push(c);
                            s.cursor = 0;
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
            draw(&mut err, &mut s, fresh).map_err(term)?;
        }
    };
    // The question stays on the screen with its whole answer.
    let echo = match &result {
        Ok(picked) => picked
            .iter()
            .map(|&i| {
                q.choices[i]
                    .label
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("; "),
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
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::prompt::Choice;

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
    fn typing_filters_without_reordering() {
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
