//! The questionnaire end to end in a pseudo-terminal: a full patient run, a full nurse run,
//! the emergency stop, Esc, Ctrl-C, and the refusal without a terminal.
//!
//! Each step waits until the screen shows what it expects (read without escape codes) before
//! it types: a key sent before a prompt is drawn could be lost. Every wait has a deadline.

use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::Session;

use crate::support::{aftercare, NOW};

const ENTER: &str = "\r";
pub(crate) const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const END: &str = "\x1b[F";
const SPACE: &str = " ";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";
/// Long enough for a slow machine, short enough that a hang fails the test.
const WAIT: Duration = Duration::from_secs(30);

pub(crate) struct Screen {
    session: OsSession,
    raw: Vec<u8>,
    /// How much of the plain text has been matched already.
    seen: usize,
}

impl Screen {
    fn start(args: &[&str]) -> Screen {
        Screen::start_sized(args, 80, 24)
    }

    /// The binary in a terminal of `cols` x `rows`, sized before it starts. The pty crate
    /// sets 80x24 on its side after the child has started, so a size set by the child
    /// itself could be undone: this side sets it once the spawn has returned, and the child
    /// waits to see it before the program starts and reads it.
    fn start_sized(args: &[&str], cols: u16, rows: u16) -> Screen {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!(
                "while [ \"$(stty size)\" != '{rows} {cols}' ]; do sleep 0.01; done; \
                 exec \"$0\" \"$@\""
            ))
            .arg(crate::support::binary())
            .args(["--now", NOW])
            .args(args)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env_remove("COLUMNS");
        let mut session = Session::spawn(cmd).expect("the binary starts in a pseudo-terminal");
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .expect("the pseudo-terminal takes a size");
        Screen {
            session,
            raw: Vec::new(),
            seen: 0,
        }
    }

    /// Runs the binary from a shell script (`$0` is the binary), to look around it.
    pub(crate) fn shell(script: &str) -> Screen {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(script)
            .arg(crate::support::binary())
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env_remove("COLUMNS");
        Screen {
            session: Session::spawn(cmd).expect("sh starts in a pseudo-terminal"),
            raw: Vec::new(),
            seen: 0,
        }
    }

    fn plain(&self) -> String {
        String::from_utf8_lossy(&strip_ansi_escapes::strip(&self.raw)).into_owned()
    }

    /// Reads what is there; false at the end of output.
    fn pump(&mut self) -> bool {
        let mut buf = [0u8; 4096];
        match self.session.try_read(&mut buf) {
            Ok(0) => false,
            Ok(n) => {
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
                true
            }
            // The other end closed (EIO on Linux): the program has ended.
            Err(_) => false,
        }
    }

    /// Waits until `text` appears after what was matched before.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let plain = self.plain();
            if let Some(at) = plain.get(self.seen..).and_then(|rest| rest.find(text)) {
                self.seen += at + text.len();
                return;
            }
            if Instant::now() > deadline || !self.pump() {
                let plain = self.plain();
                if let Some(at) = plain.get(self.seen..).and_then(|rest| rest.find(text)) {
                    self.seen += at + text.len();
                    return;
                }
                panic!("waited for {text:?}; the screen shows:\n{plain}");
            }
        }
    }

    fn send(&mut self, keys: &str) {
        use std::io::Write;
        self.session.write_all(keys.as_bytes()).unwrap();
        self.session.flush().unwrap();
    }

    /// Waits until the program has put the terminal in raw mode (echo off), as a prompt does
    /// before it reads keys: typed earlier, a key could be read by the line discipline.
    fn wait_for_raw_mode(&mut self) {
        let deadline = Instant::now() + WAIT;
        while self.session.get_process().get_echo().unwrap_or(false) {
            assert!(
                Instant::now() < deadline,
                "the terminal never left line mode:\n{}",
                self.plain()
            );
            self.pump();
        }
    }

    /// Waits for `prompt` and for the terminal to be ready for keys, then types `keys`.
    pub(crate) fn answer(&mut self, prompt: &str, keys: &[&str]) {
        self.wait_for(prompt);
        self.wait_for_raw_mode();
        for k in keys {
            self.send(k);
        }
    }

    /// Sends `sig` to the program (`exec`ed by the shell that started it: the same process).
    fn signal(&mut self, sig: i32) {
        let pid = self.session.get_process().pid().as_raw();
        // SAFETY: kill only sends a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0, "the signal is sent");
    }

    /// Reads to the end and returns the exit code and the bytes as written.
    fn finish_raw(self) -> (i32, Vec<u8>) {
        self.finish_keep().1
    }

    /// Reads to the end and returns the exit code.
    pub(crate) fn finish(self) -> (i32, String) {
        self.finish_keep().0
    }

    fn finish_keep(mut self) -> ((i32, String), (i32, Vec<u8>)) {
        let deadline = Instant::now() + WAIT;
        while self.pump() {
            assert!(
                Instant::now() < deadline,
                "the program did not end:\n{}",
                self.plain()
            );
        }
        let mut rest = Vec::new();
        let _ = self.session.read_to_end(&mut rest);
        self.raw.extend_from_slice(&rest);
        let status = self.session.get_process().wait().expect("the program ends");
        let code = match status {
            WaitStatus::Exited(_, code) => code,
            other => panic!("ended by {other:?}:\n{}", self.plain()),
        };
        ((code, self.plain()), (code, self.raw))
    }
}

/// How many danger signs the nurse asks one by one: those of the two most urgent
/// dispositions in the built-in rules.
fn danger_sign_count() -> usize {
    let rules = aftercare_core::RuleSet::built_in();
    rules
        .warning_signs
        .iter()
        .filter(|w| w.disposition >= aftercare_core::Disposition::GoToEdNow)
        .count()
}

fn emergency_sign_count() -> usize {
    let rules = aftercare_core::RuleSet::built_in();
    rules
        .signs_of(aftercare_core::Disposition::CallEmergencyNow)
        .len()
}

fn ed_sign_count() -> usize {
    let rules = aftercare_core::RuleSet::built_in();
    rules.signs_of(aftercare_core::Disposition::GoToEdNow).len()
}

/// Answers "None of these" to a sign list of `signs` signs that is taller than the screen:
/// Down through every sign, once more to wrap to "None of these", then Enter.
fn read_down_to_none(s: &mut Screen, prompt: &str, signs: usize) {
    s.answer(prompt, &[]);
    for _ in 0..=signs {
        s.send(DOWN);
    }
    s.send(ENTER);
}

/// The nurse's risk-factor questions in the background, one per risk factor of the rule
/// set, in its order: `keys` types an answer ("y" or "n") for some; Enter (not known) for
/// the others.
fn background(s: &mut Screen, keys: &[(&str, &str)]) {
    let rules = aftercare_core::RuleSet::built_in();
    let total = rules.risk_factors.len();
    for (n, r) in rules.risk_factors.iter().enumerate() {
        // The rule file's own question (its first words: a long one wraps).
        let first: Vec<&str> = r.question.split_whitespace().take(3).collect();
        s.wait_for(&first.join(" "));
        match keys.iter().find(|(id, _)| *id == r.id) {
            Some((_, k)) => s.answer(&format!("background {} of {total}", n + 1), &[k, ENTER]),
            None => s.answer(&format!("background {} of {total}", n + 1), &[ENTER]),
        }
    }
}

/// The end of the screen after `heading`: it must be the last thing shown, within one
/// screen of `rows`, with no question after it.
fn ends_with(screen: &str, heading: &str, rows: usize) -> Vec<String> {
    let at = screen
        .rfind(heading)
        .unwrap_or_else(|| panic!("no {heading}:\n{screen}"));
    let tail: Vec<String> = screen[at..]
        .lines()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    assert!(
        tail.len() < rows,
        "the instruction is taller than the screen:\n{tail:#?}"
    );
    assert!(
        tail.iter()
            .all(|l| !l.starts_with('?') && !l.starts_with('[')),
        "a question after the instruction:\n{tail:#?}"
    );
    tail
}

#[test]
fn a_full_patient_run_with_a_review_change() {
    let mut s = Screen::start(&[]);
    s.wait_for("diagnosis");
    // An empty answer away from "None of these" is refused with how to tick...
    s.answer("Do you have any of these right now?", &[DOWN, ENTER]);
    s.wait_for("Nothing is ticked: press Space");
    // ... and Enter on "None of these" with nothing ticked is the answer: one key.
    s.send(UP);
    s.send(ENTER);
    s.answer("And any of these?", &[ENTER]);
    s.answer("When was your treatment?", &["3 days ago", ENTER]);
    // A day without a time of day: said as the day, not as hours since its midnight.
    s.wait_for("on Wed 18 Nov 2026, time not given");
    s.wait_for("day 3.");
    s.answer("What do you notice now?", &[DOWN, SPACE, ENTER]);
    s.answer("Redness: how bad is it now?", &[ENTER]);
    s.answer("Redness: in the last day", &[UP, ENTER]);
    // The start begins on "since the treatment"; up are "later that day", then day 1.
    s.answer("Redness: when did it start?", &[UP, UP, ENTER]);
    s.answer("very worried?", &["n", ENTER]);
    s.wait_for("Redness: moderate, getting better, since day 1");
    // Change the severity only: Enter keeps the trend and the start.
    s.answer("Are these answers right?", &[DOWN, DOWN, DOWN, DOWN, ENTER]);
    s.answer("Redness: how bad is it now?", &[UP, ENTER]);
    s.answer("Redness: in the last day", &[ENTER]);
    s.answer("Redness: when did it start?", &[ENTER]);
    s.wait_for("Redness: mild, getting better, since day 1");
    s.answer("Are these answers right?", &[ENTER]);
    s.wait_for("Your healing timeline");
    s.wait_for("* Redness");
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    let tail = ends_with(&screen, "HOME CARE", 24);
    assert!(tail.len() <= 4, "{tail:#?}");
}

#[test]
fn fever_and_purple_spots_in_the_symptom_list_reach_the_instruction_at_40_columns() {
    let mut s = Screen::start_sized(&["check", "--disposition-exit-code"], 40, 20);
    s.answer("Press Enter to begin.", &[ENTER]);
    // Taller than the screen: read down to the end, Down once more is "None of these".
    read_down_to_none(&mut s, "First, the danger signs.", emergency_sign_count());
    read_down_to_none(&mut s, "And any of these?", ed_sign_count());
    s.answer("When was your treatment?", &["yesterday", ENTER]);
    // Typing searches the list; a tick clears the search.
    s.answer("What do you notice now?", &["fever"]);
    s.wait_for("Search: fever");
    s.send(SPACE);
    s.send("fade");
    s.wait_for("Search: fade");
    s.send(SPACE);
    s.send(ENTER);
    s.wait_for("CALL EMERGENCY SERVICES NOW");
    let (code, screen) = s.finish();
    assert_eq!(code, 15, "call_emergency_now: {screen}");
    let after = &screen[screen.rfind("What do you notice now?").unwrap()..];
    assert!(!after.contains("how bad"), "no detail question:\n{after}");
    assert!(!after.contains("very worried"), "{after}");
    let tail = ends_with(&screen, "CALL EMERGENCY SERVICES NOW", 20);
    assert!(tail[1].starts_with("Call emergency services"), "{tail:#?}");
    assert!(tail.iter().all(|l| l.chars().count() <= 40), "{tail:#?}");
}

#[test]
fn something_else_in_the_persons_words() {
    let mut s = Screen::start(&[]);
    s.answer("Do you have any of these right now?", &[ENTER]);
    s.answer("And any of these?", &[ENTER]);
    s.answer("When was your treatment?", &["3 days ago", ENTER]);
    s.answer("What do you notice now?", &["something"]);
    s.wait_for("Search: something");
    s.send(SPACE);
    s.send(ENTER);
    s.answer(
        "what is it, in a few words?",
        &["a rash on the neck", ENTER],
    );
    s.answer("how bad is it now?", &[ENTER]);
    s.answer("in the last day", &[ENTER]);
    s.answer("when did it start?", &[ENTER]);
    s.answer("very worried?", &["n", ENTER]);
    s.wait_for("Something else (\"a rash on the neck\")");
    s.answer("Are these answers right?", &[ENTER]);
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    let tail = ends_with(&screen, "SEE WITHIN 3 DAYS", 24);
    assert!(tail.len() <= 4, "{tail:#?}");
    assert!(screen.contains("a rash on the neck"), "{screen}");
}

#[test]
fn a_full_nurse_run_with_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    let record_arg = record.to_str().unwrap().to_string();
    let mut s = Screen::start(&[
        "check",
        "--nurse",
        "--nurse-name",
        "JB",
        "--record",
        &record_arg,
    ]);
    s.answer("Caller's name or patient id?", &["Ann Example", ENTER]);
    // Someone else calls: the patient is named apart, with a date of birth.
    s.answer("Who is calling?", &[DOWN, ENTER]);
    s.answer("Patient's name or id?", &["Bea Example", ENTER]);
    s.answer("Patient's date of birth?", &["23 Apr 1980", ENTER]);
    s.answer("Callback number?", &["07700 900123", ENTER]);
    s.answer("in the caller's words?", &["my face is hot", ENTER]);
    for _ in 0..danger_sign_count() {
        s.answer("y/n]", &["n", ENTER]);
    }
    s.answer("Treatment date?", &["2 days ago", ENTER]);
    s.wait_for("day 2");
    s.answer("Same-day signs?", &[DOWN, SPACE, ENTER]); // fever
    s.answer("Symptoms now?", &[ENTER]);
    s.answer("caller very worried?", &["n", ENTER]);
    // The disposition before the background questions.
    s.wait_for("Computed disposition: SEE TODAY");
    // The risk factors, each once: "n" for the first (not a radio-frequency device), Enter
    // (not known) for the others.
    background(&mut s, &[("radio_frequency", "n")]);
    s.answer("Treated areas?", &[SPACE, ENTER]);
    s.answer("Products applied", &[ENTER]);
    s.answer("Any numbing product", &["none", ENTER]);
    s.answer("Allergies?", &["none", ENTER]);
    s.answer("Which session", &["1", ENTER]);
    s.answer("Disposition?", &[DOWN, DOWN, DOWN, ENTER]);
    s.answer("Reason for the less urgent disposition?", &[ENTER]);
    s.wait_for("A reason is needed");
    s.send("afebrile now, photo reviewed");
    s.send(ENTER);
    // Nothing is ticked to begin with: the disposition and the safety net were said.
    s.answer("Advice given?", &[DOWN, SPACE, DOWN, SPACE, ENTER]);
    s.answer("Caller understood and agrees?", &["y", ENTER]);
    s.answer("Notes?", &[ENTER]);
    s.wait_for("SBAR: call about micro-needling aftercare");
    s.wait_for("Nurse: JB.");
    s.wait_for("S  Situation");
    s.wait_for("Caller: Ann Example (calling for the patient), callback 07700");
    s.wait_for("Patient: Bea Example, born 1980-04-23.");
    s.wait_for("Reports: Fever.");
    s.wait_for("Nurse override: computed see_today changed to see_within_3_days");
    s.wait_for("Safety net given");
    s.wait_for("Caller understood and agrees.");
    s.wait_for("Rule set: micro-needling-default");
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(saved["mode"], "nurse");
    assert_eq!(saved["computed_disposition"], "see_today");
    assert_eq!(saved["disposition"], "see_within_3_days");
    assert_eq!(saved["override"]["reason"], "afebrile now, photo reviewed");
    assert_eq!(saved["rule_set"]["name"], "micro-needling-default");
    assert_eq!(saved["call"]["caller_name"], "Ann Example");
    assert_eq!(saved["call"]["patient_name"], "Bea Example");
    assert_eq!(saved["call"]["patient_birth_date"], "1980-04-23");
    // The call's start is the clock given; its end is that clock and the time it took.
    assert_eq!(saved["call"]["started_at"], "2026-11-21T09:00:00+00:00");
    let ended =
        chrono::DateTime::parse_from_rfc3339(saved["call"]["ended_at"].as_str().unwrap()).unwrap();
    let started = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    assert!(ended >= started && ended - started < chrono::Duration::minutes(5));
    assert_eq!(saved["call"]["complaint"], "my face is hot");
    assert_eq!(saved["call"]["understood"], true);
    assert_eq!(saved["call"]["nurse"], "JB");
    assert_eq!(
        saved["answers"]["risk_factors"][0],
        serde_json::json!({ "id": "radio_frequency", "answer": "no" })
    );
    assert!(saved["answers"]["background"].get("device").is_none());
    let note = saved["note"].as_str().unwrap();
    assert!(note.starts_with("SBAR"));
    assert!(note.lines().all(|l| l.chars().count() <= 72), "{note}");
    // The recorded case gives the computed disposition through the JSON interface.
    let (result, code, _) = crate::support::check_json(&saved["case"].to_string());
    assert_eq!(code, 0);
    assert_eq!(result["disposition"], "see_today");
}

#[test]
fn an_emergency_sign_stops_at_once() {
    let mut s = Screen::start(&["check", "--disposition-exit-code"]);
    // The very first question: no date to type before it.
    s.answer("Do you have any of these right now?", &[DOWN, SPACE, ENTER]);
    s.wait_for("CALL EMERGENCY SERVICES NOW");
    s.wait_for("Do not drive yourself.");
    let (code, screen) = s.finish();
    assert_eq!(code, 15, "call_emergency_now: {screen}");
    assert!(!screen.contains("What do you notice now?"), "{screen}");
    assert!(!screen.contains("When was your treatment?"), "{screen}");
    // What to tell the operator, then the instruction again as the last lines.
    let tail = ends_with(&screen, "CALL EMERGENCY SERVICES NOW", 24);
    assert!(tail[1].starts_with("Call emergency services"), "{tail:#?}");
    let before = &screen[..screen.rfind("CALL EMERGENCY SERVICES NOW").unwrap()];
    assert!(before.contains("Tell the operator"), "{screen}");
}

#[test]
fn a_nurse_call_stopped_after_the_instruction_leaves_a_stopped_record() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    let record_arg = record.to_str().unwrap().to_string();
    let mut s = Screen::start(&["check", "--nurse", "--record", &record_arg]);
    s.answer("Caller's name or patient id?", &[ENTER]);
    s.answer("y/n]", &["y", ENTER]);
    s.wait_for("CALL EMERGENCY SERVICES NOW (call_emergency_now)");
    s.answer("Treatment date?", &[ESC]);
    // Esc does not lose the call at once: it asks, and Enter goes back to the question.
    s.answer("Stop the call?", &[ENTER]);
    s.answer("Treatment date?", &[ESC]);
    s.answer("Stop the call?", &[DOWN, ENTER]);
    s.wait_for("CALL STOPPED (cancelled)");
    s.wait_for("Saved the record");
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(saved["call"]["stopped"], "cancelled");
    assert_eq!(saved["disposition"], "call_emergency_now");
    assert_eq!(saved["answers"]["signs"][0]["answer"], "yes");
}

#[test]
fn ctrl_c_exits_130_saves_nothing_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    // After the program, the shell prints its exit code and the terminal's settings: raw
    // mode (no line editing, no signals from keys) must be gone.
    let mut s = Screen::shell(&format!(
        "\"$0\" --now {NOW} --record '{}'; echo \"EXIT=$?\"; stty -a",
        record.display()
    ));
    s.answer("Do you have any of these right now?", &[CTRL_C]);
    s.wait_for("If you have trouble breathing");
    s.wait_for("call emergency services now.");
    s.wait_for("interrupted: nothing was saved");
    s.wait_for("EXIT=130");
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    let settings = &screen[screen.find("EXIT=130").unwrap()..];
    let flags: Vec<&str> = settings.split_whitespace().collect();
    for flag in ["icanon", "isig"] {
        assert!(flags.contains(&flag), "{flag} not restored:\n{settings}");
    }
    assert!(!record.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial file"
    );
}

#[test]
fn esc_cancels_with_exit_5() {
    let mut s = Screen::start(&["check", "--nurse"]);
    // Esc at the first question: nothing answered yet, nothing to discard.
    s.answer("Caller's name or patient id?", &[ESC]);
    s.wait_for("If you have trouble breathing");
    s.wait_for("call emergency services now.");
    s.wait_for("cancelled: nothing was saved");
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
}

#[test]
fn without_a_terminal_the_questionnaire_points_to_input() {
    for args in [&["check"][..], &[][..], &["check", "--nurse"][..]] {
        let out = aftercare()
            .args(args)
            .write_stdin("")
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("needs a terminal") && err.contains("--input"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_redirected_standard_error_is_not_a_terminal_either() {
    let dir = tempfile::tempdir().unwrap();
    let err_file = dir.path().join("err.txt");
    let s = Screen::shell(&format!(
        "exec \"$0\" --now {NOW} check 2>\"{}\"",
        err_file.display()
    ));
    let (code, _) = s.finish();
    assert_eq!(code, 2);
    let err = std::fs::read_to_string(&err_file).unwrap();
    assert!(err.contains("--input"), "{err}");
}

#[test]
fn the_nurse_hears_the_instruction_first_and_esc_at_the_end_keeps_it() {
    let mut s = Screen::start(&["check", "--nurse", "--nurse-name", "JB"]);
    s.answer("Caller's name or patient id?", &[ENTER]);
    s.answer("y/n]", &["y", ENTER]);
    // Said before the date is asked.
    s.wait_for("CALL EMERGENCY SERVICES NOW (call_emergency_now)");
    s.answer("Treatment date?", &["yesterday", ENTER]);
    s.wait_for("Computed disposition: CALL EMERGENCY SERVICES NOW");
    s.answer("Disposition?", &[ESC]);
    s.wait_for("Kept the computed disposition");
    s.answer("Advice given?", &[ENTER]);
    s.answer("Caller understood and agrees?", &["y", ENTER]);
    s.answer("Notes?", &[ENTER]);
    s.wait_for("SBAR: call about micro-needling aftercare");
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("cancelled"), "{screen}");
}

/// Bytes that would let text act on a terminal: ESC, BEL, the C1 CSI and OSC (as UTF-8),
/// and the bidi override that turns words around.
fn assert_no_terminal_control(raw: &[u8], what: &str) {
    let text = String::from_utf8_lossy(raw);
    let bad = text.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\r')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert!(bad.is_none(), "{what} put {bad:?} on the screen:\n{text}");
}

#[test]
fn no_case_id_rule_file_text_or_file_name_puts_an_escape_sequence_on_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    // A file name with a title-setting sequence, holding cases whose ids clear the screen,
    // write the clipboard, fake a heading, and whose unknown fields and values carry codes.
    let input = dir.path().join("cases\u{1b}]0;owned\u{7}.jsonl");
    let cases = [
        r#"{"id": "\u001b[2J\u001b[3J", "days_since_treatment": 1, "symptoms": [{"id": "fainting"}]}"#,
        r#"{"id": "\u001b]52;c;aGk=\u0007", "days_since_treatment": 1, "symptoms": []}"#,
        r#"{"id": "\u009b2J\u202eerac emoh", "days_since_treatment": 1, "symptoms": []}"#,
        r#"{"id": "x\n\u001b[1AHOME CARE", "days_since_treatment": 1, "symptoms": []}"#,
        r#"{"id": "y", "days_since_treatment": 1, "symptoms": [], "\u001b[2Jbad": 1}"#,
        r#"{"id": "z", "days_since_treatment": 1, "symptoms": [{"id": "redness", "severity": "\u001b[8m"}]}"#,
    ];
    std::fs::write(&input, cases.join("\n") + "\n").unwrap();
    let name = input.to_str().unwrap();
    let s = Screen::start(&["check", "--input", name, "--format", "text"]);
    let (code, raw) = s.finish_raw();
    assert_eq!(code, 3);
    assert_no_terminal_control(&raw, "a case or its file name");
    let screen = String::from_utf8_lossy(&raw);
    assert!(screen.contains("CALL EMERGENCY SERVICES NOW"), "{screen}");
    assert!(screen.contains("Case \\u{1b}[2J\\u{1b}[3J"), "{screen}");
    assert!(
        screen.contains("cases\\u{1b}]0;owned\\u{7}.jsonl"),
        "{screen}"
    );
    // A file that is not there, named the same way.
    let missing = dir.path().join("gone\u{1b}[2J.jsonl");
    let s = Screen::start(&["check", "--input", missing.to_str().unwrap()]);
    let (code, raw) = s.finish_raw();
    assert_eq!(code, 3);
    assert_no_terminal_control(&raw, "a missing file's name");
    // Rule-file text with control characters is refused, and the refusal is safe to show.
    let rules = std::fs::read_to_string(crate::support::repo_path("rules/default.toml"))
        .unwrap()
        .replacen("title = \"", "title = \"\\u001b]0;owned\\u0007", 1);
    let clinic = dir.path().join("clinic\u{1b}[2J.toml");
    std::fs::write(&clinic, rules).unwrap();
    let s = Screen::start(&["--rules", clinic.to_str().unwrap(), "rules", "list"]);
    let (code, raw) = s.finish_raw();
    assert_eq!(code, 4);
    assert_no_terminal_control(&raw, "rule-file text");
    // A wrong option value, repeated in the usage error.
    let s = Screen::start(&["check", "--format", "x\u{1b}]0;owned\u{7}\u{1b}[2J"]);
    let (code, raw) = s.finish_raw();
    assert_eq!(code, 2);
    assert_no_terminal_control(&raw, "an option's value");
}

#[test]
fn term_dumb_gets_the_questions_line_by_line_without_escape_codes() {
    let mut s = Screen::shell(&format!("TERM=dumb exec \"$0\" --now {NOW} check"));
    s.answer("Do you have any of these right now?", &["1", ENTER]);
    s.answer("And any of these?", &["1", ENTER]);
    s.answer("When was your treatment?", &["today", ENTER]);
    s.answer("What do you notice now?", &[ENTER]);
    s.wait_for("! Nothing is ticked");
    s.send("1");
    s.send(ENTER);
    s.answer("very worried? (y/n)", &["n", ENTER]);
    s.answer("Are these answers right?", &[ENTER]);
    s.wait_for("HOME CARE");
    let (code, raw) = s.finish_raw();
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&raw));
    assert!(
        !raw.contains(&0x1b),
        "an escape code on a dumb terminal:\n{}",
        String::from_utf8_lossy(&raw)
    );
}

#[test]
fn a_nurses_yes_no_answers_stay_whole_at_40_columns() {
    // An answered question is echoed with its answer; the terminal's own wrapping would cut
    // "No" in two after "A severe headache with a stiff neck?" at 40 columns.
    let mut s = Screen::start_sized(&["check", "--nurse", "--nurse-name", "JB"], 40, 20);
    s.answer("Caller's name or patient id?", &[ENTER]);
    for _ in 0..danger_sign_count() {
        s.answer("y/n]", &["n", ENTER]);
    }
    s.answer("Treatment date?", &[ESC]);
    s.answer("Stop the call?", &[DOWN, DOWN, ENTER]);
    s.wait_for("cancelled: nothing was saved");
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
    // The echo breaks the line itself, before the answer that has no room left.
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    assert!(
        lines
            .windows(2)
            .any(|w| w[0].ends_with("A severe headache with a stiff neck?") && w[1] == "  No"),
        "{screen}"
    );
}

/// B1: the background and the risk factors are one set of questions. A radio-frequency
/// device said in the background is the case's `radio_frequency` risk factor, named in the
/// note and never denied, and it turns burning on day 2 into "see today".
#[test]
fn a_radio_frequency_device_in_the_background_is_a_risk_factor_of_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    let record_arg = record.to_str().unwrap().to_string();
    let mut s = Screen::start(&[
        "check",
        "--nurse",
        "--nurse-name",
        "JB",
        "--record",
        &record_arg,
    ]);
    s.answer("Caller's name or patient id?", &[ENTER]);
    for _ in 0..danger_sign_count() {
        s.answer("y/n]", &["n", ENTER]);
    }
    s.answer("Treatment date?", &["2 days ago", ENTER]);
    // Taller than 24 rows: End shows the last signs, Down wraps to "None of these".
    s.answer("Same-day signs?", &[END, DOWN, ENTER]);
    s.answer("Symptoms now?", &["burning"]);
    s.wait_for("Search: burning");
    s.send(SPACE);
    s.send(ENTER);
    s.answer("Burning: severity?", &[ENTER]);
    s.answer("Burning: trend over the last day?", &[ENTER]);
    s.answer("Burning: started on day?", &[ENTER]);
    s.answer("caller very worried?", &["n", ENTER]);
    s.wait_for("Computed disposition: SEE WITHIN 3 DAYS");
    // The device is asked once, as the rule set's own question; nothing asks it again.
    background(&mut s, &[("radio_frequency", "y"), ("eczema", "n")]);
    s.answer("Treated areas?", &[ENTER]);
    s.answer("Products applied", &[ENTER]);
    s.answer("Any numbing product", &[ENTER]);
    s.answer("Allergies?", &[ENTER]);
    s.answer("Which session", &[ENTER]);
    s.wait_for("With the risk factors, computed disposition: SEE TODAY");
    s.wait_for("[radio_frequency_burn]");
    s.answer("Disposition?", &[ENTER]);
    s.answer("Advice given?", &[ENTER]);
    s.answer("Caller understood and agrees?", &["y", ENTER]);
    s.answer("Notes?", &[ENTER]);
    s.wait_for("SBAR: call about micro-needling aftercare");
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("Risk factors?"), "asked twice:\n{screen}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(saved["computed_disposition"], "see_today");
    assert_eq!(
        saved["case"]["risk_factors"],
        serde_json::json!(["radio_frequency"])
    );
    assert!(saved["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "radio_frequency_burn"));
    // The note, its lines joined: named once as a risk factor, never denied.
    let note = saved["note"].as_str().unwrap();
    let words = note.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Risk factors: radio-frequency micro-needling; denies: atopic eczema;"),
        "{note}"
    );
    for denial in words.split("denies: ").skip(1) {
        let denied = denial.split(['.', ';']).next().unwrap_or("");
        assert!(!denied.contains("radio-frequency"), "{note}");
    }
    // The same answers through the JSON interface.
    let (result, code, _) = crate::support::check_json(&saved["case"].to_string());
    assert_eq!(code, 0);
    assert_eq!(result["disposition"], "see_today");
}

/// B2: once the instruction is on the screen it has been given. Esc during the follow-up
/// questions of a go-to-ED sign, then stopping the call, keeps the record, marked stopped,
/// with the sign and its disposition; it never says that nothing was saved.
#[test]
fn esc_during_the_follow_ups_after_an_ed_instruction_keeps_the_record() {
    let rules = aftercare_core::RuleSet::built_in();
    let emergency = rules.signs_of(aftercare_core::Disposition::CallEmergencyNow);
    // The first go-to-ED sign with follow-up questions, from the rule set.
    let (at, sign) = emergency
        .iter()
        .chain(&rules.signs_of(aftercare_core::Disposition::GoToEdNow))
        .enumerate()
        .skip(emergency.len())
        .find(|(_, id)| {
            !aftercare::questionnaire::escalation_ids(&rules, &[id.to_string()], &[]).is_empty()
        })
        .map(|(n, id)| (n, id.to_string()))
        .expect("a go-to-ED sign with follow-ups");
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    let record_arg = record.to_str().unwrap().to_string();
    let mut s = Screen::start(&["check", "--nurse", "--record", &record_arg]);
    s.answer("Caller's name or patient id?", &["Ann Example", ENTER]);
    s.answer("Who is calling?", &[ENTER]);
    s.answer("Patient's date of birth?", &[ENTER]);
    s.answer("Callback number?", &["07700 900123", ENTER]);
    s.answer("in the caller's words?", &["red lines up my neck", ENTER]);
    for _ in 0..at {
        s.answer("y/n]", &["n", ENTER]);
    }
    s.answer("y/n]", &["y", ENTER]);
    s.wait_for("GO TO AN EMERGENCY DEPARTMENT NOW (go_to_ed_now)");
    s.answer("asked because of the positive sign", &[ESC]);
    // Stopping is the one choice after "back": discarding is not offered.
    s.answer("Stop the call?", &[DOWN, ENTER]);
    s.wait_for("CALL STOPPED (cancelled)");
    s.wait_for("Saved the record");
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
    assert!(!screen.contains("nothing was saved"), "{screen}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(saved["call"]["stopped"], "cancelled");
    assert_eq!(saved["call"]["caller_name"], "Ann Example");
    assert_eq!(saved["disposition"], "go_to_ed_now");
    assert_eq!(saved["stopped_at"], sign.as_str());
    assert!(saved["answers"]["signs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == sign.as_str() && s["answer"] == "yes"));
}

/// C3 and C4: Esc before any instruction offers to keep the call; kept, the record holds
/// the call details and says no disposition was given, and `record show` replays the
/// treatment date as not asked, not as "day 0".
#[test]
fn a_call_stopped_before_any_instruction_keeps_its_details_and_replays_the_date_as_not_asked() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    let record_arg = record.to_str().unwrap().to_string();
    let mut s = Screen::start(&["check", "--nurse", "--record", &record_arg]);
    s.answer("Caller's name or patient id?", &["Ann Example", ENTER]);
    s.answer("Who is calling?", &[ENTER]);
    s.answer("Patient's date of birth?", &[ENTER]);
    s.answer("Callback number?", &["07700 900123", ENTER]);
    s.answer("in the caller's words?", &["my cheek is swollen", ENTER]);
    s.answer("y/n]", &["n", ENTER]);
    s.answer("y/n]", &[ESC]);
    s.wait_for("Back to the question");
    s.wait_for("Stop the call here and keep what was asked");
    s.answer("Stop and discard the call", &[DOWN, ENTER]);
    s.wait_for("CALL STOPPED (cancelled)");
    s.wait_for("cancelled: the call stopped before any instruction");
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
    assert!(!screen.contains("nothing was saved"), "{screen}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(saved["call"]["stopped"], "cancelled");
    assert_eq!(saved["call"]["before_instruction"], true);
    assert_eq!(saved["call"]["caller_name"], "Ann Example");
    assert_eq!(saved["call"]["callback"], "07700 900123");
    assert_eq!(saved["call"]["complaint"], "my cheek is swollen");
    assert!(saved["answers"]["treatment"].is_null());
    let note = saved["note"].as_str().unwrap();
    let words = note.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("CALL STOPPED (cancelled) before any disposition was given"),
        "{note}"
    );
    let shown = crate::support::run(&["record", "show", &record_arg, "--format", "text"], "");
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown.stdout.contains("Treatment date: not asked"),
        "{}",
        shown.stdout
    );
    assert!(!shown.stdout.contains("Day 0"), "{}", shown.stdout);
    assert!(
        !shown.stdout.contains("0 hours since the treatment"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("before any disposition was given"),
        "{}",
        shown.stdout
    );
}

/// P: at 40x20 the first question would scroll the opening, and its emergency line, away
/// before it is read: the opening waits for Enter; Esc there stops with the safety net.
#[test]
fn at_40x20_the_opening_waits_for_enter_before_the_first_question() {
    let mut s = Screen::start_sized(&["check"], 40, 20);
    s.wait_for("Press Enter to begin.");
    s.wait_for_raw_mode();
    // Time to draw a question, if one were coming.
    let until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < until && s.pump() {}
    let before = s.plain();
    assert!(
        before.contains("In an emergency, do not use this"),
        "{before}"
    );
    assert!(!before.contains("First, the danger signs"), "{before}");
    s.send(ENTER);
    s.answer("First, the danger signs.", &[ESC]);
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
    let mut s = Screen::start_sized(&["check"], 40, 20);
    s.answer("Press Enter to begin.", &[ESC]);
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
    assert!(screen.contains("call emergency services now"), "{screen}");
}

/// C2: at 40x20 the danger-sign lists are taller than the screen. Enter on "None of these"
/// before every sign was on the screen is refused; read down to the end (Down wraps back
/// to "None of these"), it is the answer.
#[test]
fn at_40x20_a_danger_sign_list_cannot_be_denied_before_it_was_all_on_screen() {
    let mut s = Screen::start_sized(&["check"], 40, 20);
    s.answer("Press Enter to begin.", &[ENTER]);
    s.answer("First, the danger signs.", &[ENTER]);
    s.wait_for("not shown yet: read the whole list");
    read_down_to_none(&mut s, "Enter on 'None of these'", emergency_sign_count());
    s.answer("And any of these?", &[ENTER]);
    s.wait_for("not shown yet: read the whole list");
    read_down_to_none(&mut s, "Enter on 'None of these'", ed_sign_count());
    s.answer("When was your treatment?", &[ESC]);
    s.answer("Stop the questions?", &[DOWN, DOWN, ENTER]);
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
    // Both lists were answered "None of these", each after a refusal.
    assert_eq!(screen.matches("not shown yet").count(), 2, "{screen}");
    let after = &screen[screen.rfind("And any of these?").unwrap()..];
    assert!(after.contains("None of these"), "{screen}");
}

/// C5 and C6: "burn" finds "Burning or stinging" first (the start of a label before the
/// inside of "sunburn"), so Space ticks it; "earache", on no list, offers "Something else"
/// with the words typed, and Enter answers it without asking the words again.
#[test]
fn a_search_ranks_word_starts_first_and_an_unknown_word_is_something_else() {
    let mut s = Screen::start(&[]);
    // "None of these" whether or not the lists fit the screen: End, then Down wraps to it.
    s.answer("Do you have any of these right now?", &[END, DOWN, ENTER]);
    s.answer("And any of these?", &[END, DOWN, ENTER]);
    s.answer("When was your treatment?", &["2 days ago", ENTER]);
    s.answer("What do you notice now?", &["burn"]);
    s.wait_for("Search: burn");
    s.wait_for("> [ ] Burning or stinging");
    s.send(SPACE);
    s.send("earache");
    s.wait_for("Something else, not on this list: \"earache\"");
    s.send(ENTER);
    s.answer("Burning: how bad is it now?", &[ENTER]);
    s.answer("Burning: in the last day", &[ENTER]);
    s.answer("Burning: when did it start?", &[ENTER]);
    s.answer("Something else: how bad is it now?", &[ENTER]);
    s.answer("Something else: in the last day", &[ENTER]);
    s.answer("Something else: when did it start?", &[ENTER]);
    // Burning on day 2: the device is asked, as it could change the result.
    s.answer("do any of these apply?", &[ENTER]);
    s.answer("very worried?", &["n", ENTER]);
    s.wait_for("Something else (\"earache\")");
    s.answer("Are these answers right?", &[ENTER]);
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("what is it, in a few words?"), "{screen}");
    assert!(!screen.contains("Redness: how bad"), "{screen}");
    let tail = ends_with(&screen, "SEE WITHIN 3 DAYS", 24);
    assert!(tail.len() <= 4, "{tail:#?}");
}

/// `--lines`: the numbered line mode of `TERM=dumb`, asked for on any terminal (a screen
/// reader reads each line once). The opening names the keys of this mode, not arrows.
#[test]
fn lines_asks_numbered_questions_on_any_terminal() {
    let mut s = Screen::start(&["check", "--lines"]);
    s.wait_for("Keys: type the number of an answer");
    s.answer("Do you have any of these right now?", &["1", ENTER]);
    s.answer("And any of these?", &["1", ENTER]);
    s.answer("When was your treatment?", &["today", ENTER]);
    s.answer("What do you notice now?", &["1", ENTER]);
    s.answer("very worried? (y/n)", &["n", ENTER]);
    s.answer("Are these answers right?", &[ENTER]);
    s.wait_for("HOME CARE");
    let (code, raw) = s.finish_raw();
    let text = String::from_utf8_lossy(&raw);
    assert_eq!(code, 0, "{text}");
    assert!(!raw.contains(&0x1b), "an escape code in line mode:\n{text}");
    assert!(!text.contains("arrows"), "{text}");
    assert!(text.contains("   1. None of these"), "{text}");
}

/// Answers each prompt in turn and counts the keys pressed: an arrow or Enter is one key,
/// and so is each character typed.
fn count_keys(s: &mut Screen, steps: &[(&str, &[&str])]) -> usize {
    let mut keys = 0;
    for (prompt, typed) in steps {
        s.answer(prompt, typed);
        keys += typed
            .iter()
            .map(|k| {
                if k.starts_with('\x1b') {
                    1
                } else {
                    k.chars().count()
                }
            })
            .sum::<usize>();
    }
    keys
}

#[test]
fn a_normal_day_takes_at_most_25_keys() {
    // Day 2, mild redness and tightness, both better, nothing else.
    let mut s = Screen::start(&["check", "--disposition-exit-code"]);
    let keys = count_keys(
        &mut s,
        &[
            ("Do you have any of these right now?", &[ENTER]),
            ("And any of these?", &[ENTER]),
            // A number alone is days ago.
            ("When was your treatment?", &["2", ENTER]),
            // Redness is first; a search finds tightness.
            (
                "What do you notice now?",
                &[DOWN, SPACE, "tigh", SPACE, ENTER],
            ),
            ("Redness: how bad is it now?", &[UP, ENTER]),
            ("Redness: in the last day", &[UP, ENTER]),
            ("Redness: when did it start?", &[ENTER]),
            ("Tightness: how bad is it now?", &[UP, ENTER]),
            ("Tightness: in the last day", &[UP, ENTER]),
            ("Tightness: when did it start?", &[ENTER]),
            ("very worried?", &["n", ENTER]),
            ("Are these answers right?", &[ENTER]),
        ],
    );
    s.wait_for("HOME CARE");
    let (code, screen) = s.finish();
    assert_eq!(code, 10, "home care: {screen}");
    // The words as they read, whatever the line breaks.
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("2 days ago, on Thu 19 Nov 2026, time not given, so today is day 2."),
        "{screen}"
    );
    assert!(
        screen.contains("Redness: mild, getting better, since the treatment"),
        "{screen}"
    );
    assert!(
        screen.contains("Tightness: mild, getting better, since the treatment"),
        "{screen}"
    );
    assert!(keys <= 25, "the normal day took {keys} keys");
}

#[test]
fn lips_swelling_with_trouble_breathing_takes_5_keys() {
    let mut s = Screen::start(&["check", "--disposition-exit-code"]);
    let keys = count_keys(
        &mut s,
        &[(
            "Do you have any of these right now?",
            &[DOWN, SPACE, DOWN, SPACE, ENTER],
        )],
    );
    s.wait_for("CALL EMERGENCY SERVICES NOW");
    let (code, screen) = s.finish();
    assert_eq!(code, 15, "call_emergency_now: {screen}");
    assert!(
        screen.contains("Trouble breathing") && screen.contains("Swelling of lips"),
        "{screen}"
    );
    assert_eq!(keys, 5);
}

#[test]
fn save_keeps_the_result_as_a_new_file_and_never_replaces_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("result.txt");
    let arg = file.to_str().unwrap().to_string();
    // An eye pain: go to an emergency department, "take this result with you".
    // Typed a few keys at a time, each step waiting for the screen: the list redraws on
    // every key.
    let eye_pain = |s: &mut Screen| {
        s.answer("Do you have any of these right now?", &[ENTER]);
        s.answer("And any of these?", &["pai"]);
        s.wait_for("> [ ] Pain in the eye itself");
        s.send(SPACE);
        s.wait_for("[x] Pain in the eye itself");
        s.send(ENTER);
        // The follow-ups of an ED sign, for the combinations that are more urgent: the
        // signs, then an injection (with an eye sign, an emergency).
        s.answer("do you also have any of these?", &[ENTER]);
        s.answer("do any of these apply?", &[ENTER]);
    };
    let mut s = Screen::start(&["check", "--save", &arg]);
    eye_pain(&mut s);
    s.wait_for("GO TO AN EMERGENCY DEPARTMENT NOW");
    s.wait_for("Saved this result to");
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("take a photo"), "{screen}");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains("GO TO AN EMERGENCY DEPARTMENT NOW"),
        "{saved}"
    );
    assert!(!saved.contains('\u{1b}'), "plain text: {saved}");

    // The same name again: refused before the first question, the file as it was.
    let r = crate::support::run(&["check", "--save", &arg], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    let mut s = Screen::start(&["check", "--save", &arg]);
    s.wait_for("a saved result is never replaced");
    let (code, screen) = s.finish();
    assert_eq!(code, 2, "{screen}");
    assert!(!screen.contains("Do you have any"), "{screen}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), saved);

    // Without --save, the way to take it along is said.
    let mut s = Screen::start(&["check"]);
    eye_pain(&mut s);
    s.wait_for("GO TO AN EMERGENCY DEPARTMENT NOW");
    s.wait_for("take a photo of this screen");
    let (code, _) = s.finish();
    assert_eq!(code, 0);
}

#[test]
fn a_patient_goes_back_one_question_with_esc_and_stops_when_chosen() {
    let mut s = Screen::start(&["check"]);
    s.answer("Do you have any of these right now?", &[ENTER]);
    s.answer("And any of these?", &[ENTER]);
    s.answer("When was your treatment?", &[ESC]);
    // One question back: the danger signs, both lists.
    s.answer("Stop the questions?", &[DOWN, ENTER]);
    s.answer("Do you have any of these right now?", &[ENTER]);
    s.answer("And any of these?", &[ENTER]);
    s.answer("When was your treatment?", &["2", ENTER]);
    s.answer("What do you notice now?", &[ESC]);
    // Esc on the choice itself is back to the question.
    s.answer("Stop the questions?", &[ESC]);
    s.answer("What do you notice now?", &[ESC]);
    s.answer("Stop the questions?", &[DOWN, DOWN, ENTER]); // stop
    s.wait_for("call emergency services now.");
    let (code, screen) = s.finish();
    assert_eq!(code, 5, "{screen}");
}

/// The nurse's call up to the emergency instruction (the first danger sign "yes"), waiting
/// at the treatment date's question that follows it.
fn nurse_call_at_the_emergency_instruction(args: &[&str]) -> Screen {
    let mut s = Screen::start(&[&["check", "--nurse", "--nurse-name", "JB"][..], args].concat());
    s.answer("Caller's name or patient id?", &["Ann Example", ENTER]);
    s.answer("Who is calling?", &[ENTER]);
    s.answer("Patient's date of birth?", &[ENTER]);
    s.answer("Callback number?", &["07700 900123", ENTER]);
    s.answer("in the caller's words?", &["my lips are swelling", ENTER]);
    s.answer("y/n]", &["y", ENTER]);
    s.wait_for("CALL EMERGENCY SERVICES NOW (call_emergency_now)");
    s.wait_for("Treatment date?");
    s.wait_for_raw_mode();
    s
}

fn read_record(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("the record was saved");
    serde_json::from_str(&text).expect("the record is JSON")
}

/// #11: the terminal closed (SIGHUP) after the emergency instruction keeps the call as Esc
/// does: the record, marked stopped, with the instruction given and the call details, and
/// the note; the exit code is 129 (128 + SIGHUP).
#[test]
fn a_closed_terminal_after_the_instruction_keeps_the_record_and_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    let note = dir.path().join("note.txt");
    let mut s = nurse_call_at_the_emergency_instruction(&[
        "--record",
        record.to_str().unwrap(),
        "--save",
        note.to_str().unwrap(),
    ]);
    s.signal(libc::SIGHUP);
    let (code, screen) = s.finish();
    assert_eq!(code, 129, "{screen}");
    let saved = read_record(&record);
    assert_eq!(saved["call"]["stopped"], "hangup", "{saved:#}");
    assert_eq!(saved["disposition"], "call_emergency_now");
    assert_eq!(saved["call"]["caller_name"], "Ann Example");
    assert_eq!(saved["call"]["nurse"], "JB");
    assert!(
        saved["call"].get("before_instruction").is_none(),
        "{saved:#}"
    );
    let in_note = saved["note"].as_str().unwrap();
    assert!(
        in_note.contains("CALL STOPPED (hangup) after the instruction"),
        "{in_note}"
    );
    assert!(in_note.contains("call emergency services now"), "{in_note}");
    let kept = std::fs::read_to_string(&note).expect("the note was saved");
    assert_eq!(kept.trim_end(), in_note.trim_end());
}

/// #11: a SIGTERM after the emergency instruction keeps the call as Esc does, prints the
/// note, gives the terminal back out of raw mode, and exits 143 (128 + SIGTERM).
#[test]
fn a_sigterm_after_the_instruction_keeps_the_record_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    let mut s = Screen::shell(&format!(
        "\"$0\" --now {NOW} check --nurse --record '{}'; echo \"EXIT=$?\"; stty -a",
        record.display()
    ));
    s.answer("Caller's name or patient id?", &[ENTER]);
    s.answer("y/n]", &["y", ENTER]);
    s.wait_for("CALL EMERGENCY SERVICES NOW (call_emergency_now)");
    s.wait_for("Treatment date?");
    s.wait_for_raw_mode();
    // The program is the shell's child here: signalled by its own pid, from the shell's.
    let child = std::process::Command::new("pgrep")
        .args(["-P", &s.session.get_process().pid().as_raw().to_string()])
        .output()
        .expect("pgrep runs");
    let pid: i32 = String::from_utf8_lossy(&child.stdout)
        .trim()
        .parse()
        .expect("the program's pid");
    // SAFETY: kill only sends a signal to the program this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    s.wait_for("SBAR: call about micro-needling aftercare");
    s.wait_for("Saved the record");
    s.wait_for("terminated: the call stopped after its instruction");
    s.wait_for("EXIT=143");
    let (code, screen) = s.finish();
    assert_eq!(code, 0, "{screen}");
    let settings = &screen[screen.find("EXIT=143").unwrap()..];
    let flags: Vec<&str> = settings.split_whitespace().collect();
    for flag in ["icanon", "isig"] {
        assert!(flags.contains(&flag), "{flag} not restored:\n{settings}");
    }
    let saved = read_record(&record);
    assert_eq!(saved["call"]["stopped"], "terminated", "{saved:#}");
    assert_eq!(saved["disposition"], "call_emergency_now");
    assert_eq!(saved["answers"]["signs"][0]["answer"], "yes");
    assert!(saved["note"]
        .as_str()
        .unwrap()
        .contains("CALL STOPPED (terminated) after the instruction"));
}

/// #11: a SIGTERM before any instruction, once the call details are taken, keeps them as
/// Esc's "stop and keep" would: a call that happened is not lost silently.
#[test]
fn a_sigterm_before_any_instruction_keeps_the_call_details() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("call.json");
    let mut s = Screen::start(&["check", "--nurse", "--record", record.to_str().unwrap()]);
    s.answer("Caller's name or patient id?", &["Ann Example", ENTER]);
    s.answer("Who is calling?", &[ENTER]);
    s.answer("Patient's date of birth?", &[ENTER]);
    s.answer("Callback number?", &["07700 900123", ENTER]);
    s.answer("in the caller's words?", &["my cheek is swollen", ENTER]);
    s.wait_for("y/n]");
    s.wait_for_raw_mode();
    s.signal(libc::SIGTERM);
    let (code, screen) = s.finish();
    assert_eq!(code, 143, "{screen}");
    assert!(
        screen.contains("terminated: the call stopped before any instruction"),
        "{screen}"
    );
    let saved = read_record(&record);
    assert_eq!(saved["call"]["stopped"], "terminated");
    assert_eq!(saved["call"]["before_instruction"], true);
    assert_eq!(saved["call"]["callback"], "07700 900123");
}

/// #11: a patient's questions closed (SIGHUP) at the question after an emergency-department
/// sign give the result Esc gives there, saved; closed before any danger sign, nothing is
/// saved (as with Esc), and the exit code still says how it ended.
#[test]
fn a_patients_closed_terminal_after_a_danger_sign_saves_the_result_and_before_saves_nothing() {
    let rules = aftercare_core::RuleSet::built_in();
    let emergency = rules
        .signs_of(aftercare_core::Disposition::CallEmergencyNow)
        .len();
    // The first go-to-ED sign with follow-up questions, from the rule set.
    let at = rules
        .signs_of(aftercare_core::Disposition::GoToEdNow)
        .iter()
        .position(|id| {
            !aftercare::questionnaire::escalation_ids(&rules, &[id.to_string()], &[]).is_empty()
        })
        .expect("a go-to-ED sign with follow-ups");
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("result.json");
    let mut s = Screen::start(&["check", "--record", record.to_str().unwrap()]);
    read_down_to_none(&mut s, "Do you have any of these right now?", emergency);
    s.answer(
        "And any of these?",
        &[DOWN.repeat(at + 1).as_str(), SPACE, ENTER],
    );
    s.wait_for("One more question before you go");
    s.wait_for_raw_mode();
    s.signal(libc::SIGHUP);
    let (code, screen) = s.finish();
    assert_eq!(code, 129, "{screen}");
    let saved = read_record(&record);
    assert_eq!(saved["disposition"], "go_to_ed_now", "{saved:#}");
    assert!(
        screen.contains("GO TO AN EMERGENCY DEPARTMENT NOW"),
        "{screen}"
    );

    let record = dir.path().join("before.json");
    let mut s = Screen::start(&["check", "--record", record.to_str().unwrap()]);
    s.wait_for("Do you have any of these right now?");
    s.wait_for_raw_mode();
    s.signal(libc::SIGTERM);
    let (code, screen) = s.finish();
    assert_eq!(code, 143, "{screen}");
    assert!(screen.contains("terminated: nothing was saved"), "{screen}");
    assert!(!record.exists());
}
