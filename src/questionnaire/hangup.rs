//! A terminal closed (SIGHUP) or a SIGTERM during the questionnaire: what Esc keeps is kept.
//!
//! The questions wait in a key read that a signal does not end, so the signals are not
//! caught in the asking thread: SIGHUP and SIGTERM are blocked there (before any other
//! thread starts, so that every thread inherits the block), and one thread of their own
//! waits for them with `sigwait`. Every answer given on the terminal is also written down
//! here, as it is given. When a signal comes, that thread asks the same questions again of
//! the answers written down, and then stops the questionnaire where it was, as Esc does
//! ([`Replay`]): a nurse's call is stopped and kept (after an instruction it always is;
//! before one, "stop and keep", so that a call that happened is not lost silently), a
//! patient's questions give their result once a danger sign was answered, and nothing
//! otherwise. What comes of it is saved by the same code as after Esc (the record, the
//! note or result with `--save`, the text on standard output), the terminal is given back,
//! and the process exits 128 + the signal.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::prompt::{Answer, DatePick, Prompter, SelectMany, SelectOne, Stop, TextLine, YesNo};
use super::{FromCheckin, Options, Outcome};
use crate::error::Error;
use aftercare_core::rules::RuleSet;

/// One answer as the terminal gave it (an Esc or a Ctrl-C too).
#[derive(Debug, Clone)]
enum Reply {
    Select(Answer<usize>),
    Many(Answer<Vec<usize>>),
    Text(Answer<String>),
    Date(Answer<NaiveDate>),
    Confirm(Answer<bool>),
    Searched(Option<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The questions are being asked: a signal stops them here.
    Asking,
    /// The questions are over; the asking thread saves what they gave. A signal now is
    /// kept for its exit code.
    Finished,
    /// A signal came while asking: its thread saves, and ends the process.
    Taken,
}

#[derive(Debug)]
struct Shared {
    state: State,
    replies: Vec<Reply>,
    /// A signal that came once the questions were over.
    late: Option<i32>,
}

/// What the questionnaire was started with, to ask its questions again.
pub struct Context {
    pub rules: RuleSet,
    pub now: DateTime<FixedOffset>,
    pub opts: Options,
    pub from: Option<FromCheckin>,
    /// The terminal's columns, for the messages.
    pub columns: usize,
    /// What the asking prompter gives as its width (the words of the choices depend on it).
    pub prompt_width: usize,
    pub started: std::time::Instant,
}

/// The signals a terminal questionnaire saves its answers on.
#[cfg(unix)]
const SIGNALS: [i32; 2] = [libc::SIGHUP, libc::SIGTERM];

#[cfg(unix)]
fn signal_set() -> libc::sigset_t {
    // SAFETY: sigemptyset and sigaddset only write the set they are given.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in SIGNALS {
            libc::sigaddset(&mut set, sig);
        }
        set
    }
}

/// Blocks SIGHUP and SIGTERM in the calling thread, and so in every thread it starts
/// afterwards: from here on they are taken only by [`watch`]'s thread. Called before any
/// other thread starts.
pub fn block() {
    #[cfg(unix)]
    {
        let set = signal_set();
        // SAFETY: the set is initialised; the old mask is not asked for.
        unsafe {
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        }
    }
}

/// Watches for SIGHUP and SIGTERM while the questions are asked (see the module's text).
pub struct Watch {
    shared: Arc<Mutex<Shared>>,
}

/// Starts the thread that waits for the signals ([`block`] first).
pub fn watch(ctx: Context) -> Watch {
    let shared = Arc::new(Mutex::new(Shared {
        state: State::Asking,
        replies: Vec::new(),
        late: None,
    }));
    #[cfg(unix)]
    {
        block();
        let theirs = Arc::clone(&shared);
        let started = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || wait_for_signals(ctx, theirs));
        if started.is_err() {
            // Without the thread, the signals end the process as they always did.
            let set = signal_set();
            // SAFETY: as in `block`.
            unsafe {
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            }
        }
    }
    #[cfg(not(unix))]
    drop(ctx);
    Watch { shared }
}

impl Watch {
    /// The terminal's prompter, with every answer written down as it is given.
    pub fn recording<'a>(&self, p: &'a mut dyn Prompter) -> Recording<'a> {
        Recording {
            p,
            shared: Arc::clone(&self.shared),
        }
    }

    /// The questions are over: from now on the asking thread saves. When a signal came
    /// first, its thread is saving and ends the process: this never returns then.
    pub fn finish(&self) {
        let mut shared = lock(&self.shared);
        if shared.state == State::Taken {
            drop(shared);
            loop {
                std::thread::park();
            }
        }
        shared.state = State::Finished;
    }

    /// The exit code of a signal that came once the questions were over, if one did.
    pub fn late_signal(&self) -> Option<crate::error::ExitCode> {
        lock(&self.shared)
            .late
            .map(crate::error::ExitCode::for_signal)
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// The terminal's prompter, its answers written down for [`Replay`].
pub struct Recording<'a> {
    p: &'a mut dyn Prompter,
    shared: Arc<Mutex<Shared>>,
}

impl Recording<'_> {
    fn keep<T>(&self, answer: Answer<T>, reply: impl FnOnce(Answer<T>) -> Reply) -> Answer<T>
    where
        T: Clone,
    {
        lock(&self.shared).replies.push(reply(answer.clone()));
        answer
    }
}

impl Prompter for Recording<'_> {
    fn select(&mut self, q: &SelectOne<'_>) -> Answer<usize> {
        let a = self.p.select(q);
        self.keep(a, Reply::Select)
    }
    fn select_many(&mut self, q: &SelectMany<'_>) -> Answer<Vec<usize>> {
        let a = self.p.select_many(q);
        self.keep(a, Reply::Many)
    }
    fn text(&mut self, q: &TextLine<'_>) -> Answer<String> {
        let a = self.p.text(q);
        self.keep(a, Reply::Text)
    }
    fn date(&mut self, q: &DatePick<'_>) -> Answer<NaiveDate> {
        let a = self.p.date(q);
        self.keep(a, Reply::Date)
    }
    fn confirm(&mut self, q: &YesNo<'_>) -> Answer<bool> {
        let a = self.p.confirm(q);
        self.keep(a, Reply::Confirm)
    }
    fn say(&mut self, text: &str) {
        self.p.say(text);
    }
    fn begin(&mut self, opening: &str) -> Answer<()> {
        self.p.begin(opening)
    }
    fn width(&self) -> usize {
        self.p.width()
    }
    fn keys(&self) -> &'static str {
        self.p.keys()
    }
    fn searched_words(&mut self) -> Option<String> {
        let words = self.p.searched_words();
        lock(&self.shared)
            .replies
            .push(Reply::Searched(words.clone()));
        words
    }
    fn elapsed(&self) -> std::time::Duration {
        self.p.elapsed()
    }
}

/// Gives the answers written down again, in order, saying nothing; past them, every
/// question is left as with Esc, and the questions that follow an Esc are answered as a
/// stop that keeps what can be kept: "stop and keep" for a call, "stop" for a patient.
pub struct Replay {
    replies: VecDeque<Reply>,
    width: usize,
    elapsed: std::time::Duration,
    /// Questions asked past the answers written down (a bound, should the flow not stop).
    past: usize,
}

impl Replay {
    fn new(replies: Vec<Reply>, width: usize, elapsed: std::time::Duration) -> Self {
        Replay {
            replies: replies.into(),
            width,
            elapsed,
            past: 0,
        }
    }

    /// The next answer written down, if it is of the kind asked; else the question is past
    /// them.
    fn next<T>(&mut self, take: impl Fn(Reply) -> Option<Answer<T>>) -> Option<Answer<T>> {
        let reply = self.replies.pop_front()?;
        match take(reply) {
            Some(a) => Some(a),
            None => {
                // A flow that differs from the one asked: nothing more is replayed.
                self.replies.clear();
                None
            }
        }
    }

    fn past<T>(&mut self) -> Answer<T> {
        self.past += 1;
        if self.past > 1000 {
            return Err(Stop::Terminal("the questions did not stop".into()));
        }
        Err(Stop::Cancel)
    }
}

impl Prompter for Replay {
    fn select(&mut self, q: &SelectOne<'_>) -> Answer<usize> {
        if let Some(a) = self.next(|r| match r {
            Reply::Select(a) => Some(a),
            _ => None,
        }) {
            return a;
        }
        // After Esc: the call's "Stop the call?" and the patient's "Stop the questions?".
        let stop = match q.id {
            "call.stop" => "keep",
            "stop" => "stop",
            _ => return self.past(),
        };
        match q.choices.iter().position(|c| c.key == stop) {
            Some(i) => Ok(i),
            None => self.past(),
        }
    }
    fn select_many(&mut self, _: &SelectMany<'_>) -> Answer<Vec<usize>> {
        match self.next(|r| match r {
            Reply::Many(a) => Some(a),
            _ => None,
        }) {
            Some(a) => a,
            None => self.past(),
        }
    }
    fn text(&mut self, _: &TextLine<'_>) -> Answer<String> {
        match self.next(|r| match r {
            Reply::Text(a) => Some(a),
            _ => None,
        }) {
            Some(a) => a,
            None => self.past(),
        }
    }
    fn date(&mut self, _: &DatePick<'_>) -> Answer<NaiveDate> {
        match self.next(|r| match r {
            Reply::Date(a) => Some(a),
            _ => None,
        }) {
            Some(a) => a,
            None => self.past(),
        }
    }
    fn confirm(&mut self, _: &YesNo<'_>) -> Answer<bool> {
        match self.next(|r| match r {
            Reply::Confirm(a) => Some(a),
            _ => None,
        }) {
            Some(a) => a,
            None => self.past(),
        }
    }
    fn say(&mut self, _: &str) {}
    fn width(&self) -> usize {
        self.width
    }
    fn searched_words(&mut self) -> Option<String> {
        self.next(|r| match r {
            Reply::Searched(w) => Some(Ok(w)),
            _ => None,
        })
        .and_then(Result::ok)
        .flatten()
    }
    fn elapsed(&self) -> std::time::Duration {
        self.elapsed
    }
}

/// The word a record and the messages give for a stop by `sig`.
pub fn stopped_by(sig: i32) -> &'static str {
    #[cfg(unix)]
    if sig == libc::SIGHUP {
        return "hangup";
    }
    let _ = sig;
    "terminated"
}

/// The questions asked again of `replies`, stopped where they ended, as Esc stops them:
/// the outcome Esc would have kept (a call marked stopped by `sig`), or the error it gives
/// when nothing is kept.
fn replayed(ctx: &Context, replies: Vec<Reply>, sig: i32) -> Result<Outcome, Error> {
    let mut replay = Replay::new(replies, ctx.prompt_width, ctx.started.elapsed());
    let outcome = if ctx.opts.nurse {
        super::nurse::run_from(
            &mut replay,
            &ctx.rules,
            ctx.now,
            ctx.opts.nurse_name.as_deref(),
            ctx.from.as_ref(),
        )
    } else {
        super::patient::run(&mut replay, &ctx.rules, ctx.now)
    };
    outcome.map(|mut o| {
        if let Some(call) = o.call.as_mut().filter(|c| c.stopped.is_some()) {
            call.stopped = Some(stopped_by(sig).to_string());
        }
        o
    })
}

#[cfg(unix)]
fn wait_for_signals(ctx: Context, shared: Arc<Mutex<Shared>>) {
    let set = signal_set();
    loop {
        let mut sig: libc::c_int = 0;
        // SAFETY: the set is initialised and blocked in this thread (inherited).
        if unsafe { libc::sigwait(&set, &mut sig) } != 0 {
            continue;
        }
        let replies = {
            let mut shared = lock(&shared);
            match shared.state {
                State::Asking => {
                    shared.state = State::Taken;
                    std::mem::take(&mut shared.replies)
                }
                State::Finished | State::Taken => {
                    shared.late.get_or_insert(sig);
                    continue;
                }
            }
        };
        save_and_exit(&ctx, replies, sig);
    }
}

/// Gives the terminal back, saves what Esc would have kept, and ends the process with
/// 128 + `sig`.
#[cfg(unix)]
fn save_and_exit(ctx: &Context, replies: Vec<Reply>, sig: i32) -> ! {
    use std::io::Write;
    // The key read left in raw mode, its cursor perhaps hidden: a terminal still open
    // (SIGTERM) is given back as it was. A closed one refuses, which changes nothing.
    #[cfg(feature = "terminal")]
    {
        let _ = crossterm::terminal::disable_raw_mode();
        let _ = crossterm::execute!(std::io::stderr(), crossterm::cursor::Show);
    }
    crate::output::diagnostics::say("");
    let how = stopped_by(sig);
    let code = crate::error::ExitCode::after_signal(sig);
    match replayed(ctx, replies, sig) {
        Ok(outcome) => {
            let style = crate::output::text::Style {
                color: false,
                width: ctx.columns,
            };
            let done = super::keep(&ctx.opts, &outcome, &ctx.rules, style, ctx.columns);
            let mut out = std::io::stdout().lock();
            let _ = out
                .write_all(done.text.as_bytes())
                .and_then(|()| out.flush());
            drop(out);
            for line in &done.said {
                crate::output::diagnostics::say(line);
            }
            let said = match outcome.call.as_ref().filter(|c| c.stopped.is_some()) {
                Some(call) => super::stopped_words(how, call, ctx.opts.record.is_some()),
                None => format!("{how}: the result above was given before the stop"),
            };
            crate::output::diagnostics::say(
                crate::output::text::wrap(&said, ctx.columns, "", "").trim_end(),
            );
        }
        Err(_) => {
            let line = super::cancel_safety_net(&ctx.rules);
            crate::output::diagnostics::say(
                crate::output::text::wrap(&line, ctx.columns, "", "").trim_end(),
            );
            crate::output::diagnostics::say(&format!("{how}: nothing was saved"));
        }
    }
    let _ = std::io::stderr().flush();
    std::process::exit(code)
}
