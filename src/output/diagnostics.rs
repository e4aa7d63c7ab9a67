//! Standard error: one line per message, each written with one call, its text made safe for
//! a terminal, and any failure to write ignored. A log pipe that closed or a full disk must
//! never stop the answers (nor panic, as `eprintln!` does).

use std::io::{self, Write};

use aftercare_core::escape;
use aftercare_core::rules::{Diagnostic, Level};

/// `aftercare: error: MESSAGE`.
pub fn error(message: &str) {
    line("error", message);
}

/// `aftercare: warning: MESSAGE`.
pub fn warning(message: &str) {
    line("warning", message);
}

/// A problem of a rule file (validation, a failing example, the lint), as an error or a
/// warning by its level: every command says them in these words.
pub fn rule_file(d: &Diagnostic) {
    let kind = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    line(kind, &d.to_string());
}

/// A line of its own on standard error, as given but made safe.
pub fn say(message: &str) {
    let _ = Stderr.write_all(format!("{}\n", escape::visible_lines(message)).as_bytes());
}

fn line(kind: &str, message: &str) {
    let _ =
        Stderr.write_all(format!("aftercare: {kind}: {}\n", escape::visible(message)).as_bytes());
}

/// Standard error as a writer that never fails: what cannot be written is dropped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stderr;

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = io::stderr().lock().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = io::stderr().flush();
        Ok(())
    }
}
