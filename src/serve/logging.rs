//! One line per request on standard error: the request id, method, path, status, what the
//! triage said, and the time taken. Never a body, a query or an id from a body: cases are
//! health data.
//!
//! The line is written when the response body is finished (or dropped), so that a stream's
//! line says what the whole stream found and how long it took.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::limits::{self, Holding};
use super::Shared;

/// What a route found, for the log: filled in by the handler, read when the line is written.
#[derive(Clone, Default)]
pub struct Outcome(Arc<Mutex<String>>);

impl Outcome {
    pub fn set(&self, what: String) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = what;
        }
    }

    /// The response ended before all of it was sent: said once, after what was found.
    pub fn mark_cut_off(&self) {
        if let Ok(mut slot) = self.0.lock() {
            if !slot.ends_with("cut_off") {
                if !slot.is_empty() {
                    slot.push(' ');
                }
                slot.push_str("cut_off");
            }
        }
    }
}

/// Writes the line when dropped, that is when the response body is done with.
struct LogLine {
    id: String,
    method: axum::http::Method,
    path: String,
    status: u16,
    outcome: Outcome,
    started: Instant,
    /// The request's place among those in flight, given back with the line.
    _place: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Drop for LogLine {
    fn drop(&mut self) {
        let outcome = self.outcome.0.lock().map(|s| s.clone()).unwrap_or_default();
        let outcome = if outcome.is_empty() { "-" } else { &outcome };
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        // Formatted first and written at once: standard error is unbuffered, and writing
        // piece by piece would cost a system call for each piece and could interleave lines.
        let line = format!(
            "aftercare: request {} {} {} {} {} {ms:.2}ms\n",
            self.id, self.method, self.path, self.status, outcome
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
    }
}

/// The path as it may be printed: printable ASCII only, at most 200 characters.
fn printable_path(path: &str) -> String {
    if path.len() <= 200 && path.bytes().all(|b| b.is_ascii_graphic()) {
        return path.to_string();
    }
    let mut out = String::new();
    for c in path.chars().take(200) {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
    }
    if path.chars().count() > 200 {
        out.push_str("...");
    }
    out
}

/// The outermost layer: the request id, the bound on requests in flight (whose place is held
/// with the log line, so that one wrapper of the body does both), and the log line.
pub async fn log_request(
    State(shared): State<Arc<Shared>>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = shared.next_request_id();
    let outcome = Outcome::default();
    req.extensions_mut().insert(outcome.clone());
    let method = req.method().clone();
    let path = printable_path(req.uri().path());
    let (place, res) = match limits::admit(&shared, req.uri().path()) {
        Ok(place) => (place, next.run(req).await),
        Err(busy) => (None, busy.into_response()),
    };
    let (mut parts, body) = res.into_parts();
    if let Ok(value) = HeaderValue::from_str(&id) {
        parts.headers.insert("x-request-id", value);
    }
    let line = LogLine {
        id,
        method,
        path,
        status: parts.status.as_u16(),
        outcome,
        started,
        _place: place,
    };
    Response::from_parts(parts, Body::new(Holding::new(body, line)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_printed_without_control_characters() {
        assert_eq!(printable_path("/v1/check"), "/v1/check");
        assert_eq!(printable_path("/a\u{1b}[31m"), "/a\\u{1b}[31m");
        assert!(printable_path(&"x".repeat(500)).ends_with("..."));
    }
}
