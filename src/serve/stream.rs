//! `POST /v1/check` with `application/x-ndjson`: a stream of cases, each answered as its line
//! arrives, while the client is still sending. Each line goes through `check`'s per-line path
//! ([`Answers::line`]), so a bad line gets the same error record and the rest go on.
//!
//! Each line must arrive whole within the body timeout (a client dripping a byte a second is
//! cut off, with an error record for the line it did not finish), and the client must take
//! the answers within it too. A line longer than the limit is skipped without being kept.
//!
//! Memory is bounded whatever the client does: answers are sent in pieces of about
//! [`PIECE`] bytes as the lines are answered, each piece waits for room in a byte budget
//! shared by every stream ([`WAITING_OUTPUT`]), and while a piece waits the body is not read,
//! so a client that sends much and reads nothing is held back by its own unread answers
//! (TCP then slows its sending). What waits is what the budget allows, a piece per stream
//! in hyper's hands, and the line being read.
//!
//! A response whose answers the client did not take in time is aborted, never ended: the
//! body fails, hyper drops the connection without the last chunk, and the client sees a
//! response cut short rather than a complete-looking one with records missing. The log line
//! then says `cut_off`, with the counts answered until then.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio::time::{timeout, timeout_at, Instant};

use super::logging::Outcome;
use super::Shared;
use crate::batch::{Answers, BatchOptions, BatchSummary, Framer, MAX_LINE_BYTES};
use crate::output::{self, Format};
use aftercare_core::input::InputError;

/// Answers are sent once this many bytes of them are ready (and at the end of each piece of
/// body read): small enough that little waits per stream, large enough that a fast stream
/// is not a message per case.
const PIECE: usize = 16 * 1024;

/// The most bytes of answers waiting to be taken, across all streams. A stream whose next
/// piece does not fit waits (reading nothing meanwhile); a piece larger than the whole
/// budget takes all of it.
pub const WAITING_OUTPUT: usize = 16 * 1024 * 1024;

/// A piece of answers and its share of the budget, given back once hyper asks for the next.
type Piece = (Bytes, OwnedSemaphorePermit);

/// Starts answering the stream; the answers flow into the response as they are made.
pub fn answer(
    shared: Arc<Shared>,
    outcome: Outcome,
    format: Format,
    body: Body,
    place: OwnedSemaphorePermit,
) -> Response {
    // A few pieces per stream: the budget bounds them across streams.
    let (tx, rx) = mpsc::channel(4);
    let finished = Arc::new(AtomicBool::new(false));
    let answered = Answered {
        rx,
        held: None,
        _place: place,
        finished: finished.clone(),
        ended: false,
        outcome: outcome.clone(),
    };
    tokio::spawn(answer_lines(shared, outcome, format, body, tx, finished));
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-ndjson"),
        )],
        Body::new(answered),
    )
        .into_response()
}

/// What the log says of the cases of a request: the most urgent disposition and the counts.
/// What the log says a request found. The disposition is health data: it is said only with
/// `--log-dispositions` (the log then holds health data); otherwise the counts alone.
pub fn outcome_words(s: &BatchSummary, dispositions: bool) -> String {
    let most = s.most_urgent.map_or("-", |d| d.code());
    match (s.cases, s.errors, dispositions) {
        (1, 0, true) => most.to_string(),
        (1, 0, false) => "answered".to_string(),
        // A refusal whose readable parts still give a disposition says which (at_least).
        (0, 1, true) => match s.most_urgent {
            Some(d) => format!("refused at_least={}", d.code()),
            None => "refused".to_string(),
        },
        (0, 1, false) => "refused".to_string(),
        (c, e, _) => counts_words(s, c, e, dispositions),
    }
}

/// The counts, whatever they are: what the log says of a stream that was cut off.
fn counts_words(s: &BatchSummary, cases: usize, refused: usize, dispositions: bool) -> String {
    if !dispositions {
        return format!("cases={cases} refused={refused}");
    }
    let most = s.most_urgent.map_or("-", |d| d.code());
    format!("{most} cases={cases} refused={refused}")
}

/// The response body: the answers as the task sends them, then its end only if the task
/// finished; otherwise an error, so that hyper aborts the response rather than end it.
struct Answered {
    rx: mpsc::Receiver<Piece>,
    /// The budget of the piece hyper took last: kept until it asks for the next, so that
    /// the piece it holds is counted.
    held: Option<OwnedSemaphorePermit>,
    /// The stream's place among those streams may take, until the response is done.
    _place: OwnedSemaphorePermit,
    /// Set by the task once every answer is sent.
    finished: Arc<AtomicBool>,
    /// The end (or the error) has been given to hyper.
    ended: bool,
    outcome: Outcome,
}

/// The answers stopped before the end of the stream.
#[derive(Debug)]
struct CutOff;

impl std::fmt::Display for CutOff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the stream of answers was cut off")
    }
}

impl std::error::Error for CutOff {}

impl HttpBody for Answered {
    type Data = Bytes;
    type Error = CutOff;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, CutOff>>> {
        let this = self.get_mut();
        this.held = None;
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some((b, share))) => {
                this.held = Some(share);
                Poll::Ready(Some(Ok(http_body::Frame::data(b))))
            }
            Poll::Ready(None) if this.finished.load(Ordering::Acquire) => {
                this.ended = true;
                Poll::Ready(None)
            }
            Poll::Ready(None) => Poll::Ready(Some(Err(CutOff))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Answered {
    /// Dropped before its end (the client gone or too slow, or the task stopped): the log
    /// line, written just after, says so.
    fn drop(&mut self) {
        if !self.ended {
            self.outcome.mark_cut_off();
        }
    }
}

/// The line being read: what is kept of it (at most the limit) and its full length.
struct Partial {
    kept: Vec<u8>,
    len: usize,
}

impl Partial {
    fn push(&mut self, bytes: &[u8]) {
        let room = MAX_LINE_BYTES.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.len += bytes.len();
    }
}

async fn answer_lines(
    shared: Arc<Shared>,
    outcome: Outcome,
    format: Format,
    mut body: Body,
    tx: mpsc::Sender<Piece>,
    finished: Arc<AtomicBool>,
) {
    let within = shared.settings.body_timeout;
    let opts = BatchOptions {
        format,
        now: shared.now(),
        clock: shared.clock(),
        input_name: "request".into(),
        style: output::text::Style::plain(),
    };
    let mut out = Vec::with_capacity(8 * 1024);
    // A bad line's message names what the case held: health data, never logged.
    let mut messages = std::io::sink();
    let mut answers = Answers::new(&mut out, &mut messages, &shared.rules, &opts);
    let mut partial = Partial {
        kept: Vec::new(),
        len: 0,
    };
    // The same reading of lines into cases as `check --input`: a pretty-printed case over
    // several lines is one case here too.
    let mut framer = Framer::new();
    let mut deadline = Instant::now() + within;
    // However steadily the lines come, a stream holds a place for at most this long.
    let ends_at = Instant::now() + shared.settings.max_stream_time;
    let mut cut_off = None;
    let line_late = format!(
        "the line did not arrive whole within {} s: the stream ends here",
        within.as_secs_f64()
    );
    loop {
        // Checked before each read: a body whose pieces are always ready would never let a
        // timeout fire.
        if Instant::now() >= ends_at {
            cut_off = Some((framer.line_no() + 1, stream_too_long(&shared)));
            break;
        }
        let data = match timeout_at(deadline.min(ends_at), body.frame()).await {
            Ok(None) => break,
            Ok(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
            Err(_) if Instant::now() >= ends_at => {
                cut_off = Some((framer.line_no() + 1, stream_too_long(&shared)));
                break;
            }
            Ok(Some(Err(_))) | Err(_) => {
                cut_off = Some((framer.line_no() + 1, line_late.clone()));
                break;
            }
        };
        let mut rest = &data[..];
        while let Some(end) = memchr::memchr(b'\n', rest) {
            partial.push(&rest[..end]);
            rest = &rest[end + 1..];
            // A blank line is no case: it does not give the stream more time, so blank
            // lines cannot keep a stream (and its place) open without sending cases.
            if answer_line(&mut answers, &mut framer, &mut partial) {
                deadline = Instant::now() + within;
            }
            // Not a whole piece of body's answers at once: those of many short lines would
            // be megabytes.
            if answers.output().len() >= PIECE
                && !send(&mut answers, &shared, &outcome, &tx, within).await
            {
                return;
            }
        }
        partial.push(rest);
        if !send(&mut answers, &shared, &outcome, &tx, within).await {
            return;
        }
    }
    let was_cut = cut_off.is_some();
    if let Some((no, message)) = cut_off {
        // A case open over several lines ends here, unreadable, before the cut line.
        let _ = framer.finish(&mut answers);
        // The line that did not arrive gets its error record, as any bad line does, with
        // the least that what came of it needs: a sign sent before the cut still counts.
        let e = InputError::new("", message);
        // Writing to memory cannot fail.
        let _ = answers.cut_off(e, &partial.kept, no);
    } else {
        if partial.len > 0 {
            answer_line(&mut answers, &mut framer, &mut partial);
        }
        // Writing to memory cannot fail.
        let _ = framer.finish(&mut answers);
    }
    if !was_cut && answers.summary().cases + answers.summary().errors == 0 {
        let e = InputError::new("", "empty input: expected a JSON case");
        let refusal = output::json::Refusal {
            line: None,
            id: None,
            error: &e,
            at_least: None,
            assessed_at: shared.now(),
        };
        let _ = output::json::write_error(answers.output(), &refusal, &shared.rules);
    }
    if send(&mut answers, &shared, &outcome, &tx, within).await {
        outcome.set(outcome_words(
            answers.summary(),
            shared.settings.log_dispositions,
        ));
        // Before the sender is dropped: the body reads it once the channel is closed.
        finished.store(true, Ordering::Release);
    }
}

/// Why a stream ended at `--max-stream-time`.
fn stream_too_long(shared: &Shared) -> String {
    format!(
        "the stream lasted longer than {} s: it ends here; send the rest in another request",
        shared.settings.max_stream_time.as_secs_f64()
    )
}

/// Gives the finished line to the framer, which answers its case once whole; false for a
/// blank line between cases.
fn answer_line(
    answers: &mut Answers<'_, Vec<u8>>,
    framer: &mut Framer,
    partial: &mut Partial,
) -> bool {
    let mut line = &partial.kept[..];
    let mut len = partial.len;
    if len <= MAX_LINE_BYTES && line.last() == Some(&b'\r') {
        line = &line[..line.len() - 1];
        len -= 1;
    }
    // Writing to memory cannot fail.
    let part_of_a_case = framer.line(answers, line, len).unwrap_or(true);
    partial.kept.clear();
    partial.len = 0;
    part_of_a_case
}

/// Sends what has been answered; false when the client is gone or does not take it in time.
/// The counts go to the log first, so that a stream cut off while this waits is logged
/// with what it had answered.
async fn send(
    answers: &mut Answers<'_, Vec<u8>>,
    shared: &Shared,
    outcome: &Outcome,
    tx: &mpsc::Sender<Piece>,
    within: std::time::Duration,
) -> bool {
    let s = answers.summary();
    outcome.set(counts_words(
        s,
        s.cases,
        s.errors,
        shared.settings.log_dispositions,
    ));
    let out = answers.output();
    if out.is_empty() {
        return true;
    }
    let bytes = Bytes::from(std::mem::take(out));
    // Room in the shared budget: other streams' clients that stopped taking theirs are cut
    // off within about a body timeout (the write deadline), so twice that is waited before
    // this stream gives up.
    let want = bytes.len().min(WAITING_OUTPUT) as u32;
    let share = match timeout(
        within * 2,
        shared.waiting_output.clone().acquire_many_owned(want),
    )
    .await
    {
        Ok(Ok(share)) => share,
        _ => return false,
    };
    matches!(timeout(within, tx.send((bytes, share))).await, Ok(Ok(())))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;
    use crate::serve::Settings;

    /// A body of `left` frames, each `frame`, counting the bytes taken from it.
    struct Counted {
        left: usize,
        frame: Bytes,
        taken: Arc<AtomicUsize>,
    }

    impl HttpBody for Counted {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            let this = self.get_mut();
            if this.left == 0 {
                return Poll::Ready(None);
            }
            this.left -= 1;
            this.taken.fetch_add(this.frame.len(), Ordering::Relaxed);
            Poll::Ready(Some(Ok(http_body::Frame::data(this.frame.clone()))))
        }
    }

    fn shared() -> Arc<Shared> {
        let rules = Arc::new(crate::built_in_rules_for_tests().clone());
        let store = crate::store::StoreSpec::default_spec();
        Arc::new(Shared {
            web: Arc::new(crate::web::Web::new(
                rules.clone(),
                // Never opened: these tests answer streams only.
                crate::web::StoreSlot::on_first_use(store.clone()),
                crate::web::WebSettings {
                    pinned_now: None,
                    draft_lifetime: chrono::Duration::hours(2),
                    keep_checkins: chrono::Duration::days(30),
                },
            )),
            rules,
            settings: Settings {
                listen: "127.0.0.1:0".parse().unwrap(),
                token: None,
                request_timeout: Duration::from_secs(30),
                body_timeout: Duration::from_secs(30),
                max_in_flight: 4,
                max_connections: 4,
                max_stream_time: Duration::from_secs(600),
                drain: Duration::from_secs(0),
                log_dispositions: false,
                pinned_now: None,
                store,
                store_named: false,
                draft_lifetime: chrono::Duration::hours(2),
                keep_checkins: chrono::Duration::days(30),
            },
            ready: AtomicBool::new(true),
            in_flight: Arc::new(tokio::sync::Semaphore::new(4)),
            stream_places: Arc::new(tokio::sync::Semaphore::new(3)),
            waiting_output: Arc::new(tokio::sync::Semaphore::new(WAITING_OUTPUT)),
            run_prefix: 0,
            next_request: Default::default(),
        })
    }

    #[test]
    fn answers_nobody_takes_stop_the_reading_and_hold_a_few_pieces() {
        // Issue N3: a body sent in large pieces (hyper hands on what one read gave) whose
        // answers nobody takes. Before, each piece of body was answered whole (here about
        // 44 MB of JSON a piece) and eight such waited.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let shared = shared();
            let line =
                "{\"id\":\"a\",\"days_since_treatment\":2,\"symptoms\":[{\"id\":\"fever\"}]}\n";
            let frame = Bytes::from(line.repeat(10_000));
            let taken = Arc::new(AtomicUsize::new(0));
            let body = Body::new(Counted {
                left: 50,
                frame: frame.clone(),
                taken: taken.clone(),
            });
            let place = shared.stream_places.clone().try_acquire_owned().unwrap();
            let response = answer(
                shared.clone(),
                Outcome::default(),
                Format::Json,
                body,
                place,
            );
            // Time for the task to answer until it must wait.
            tokio::time::sleep(Duration::from_millis(800)).await;
            let waiting = WAITING_OUTPUT - shared.waiting_output.available_permits();
            // Four pieces in the channel, each a piece and at most one answer more.
            assert!(
                waiting > 0 && waiting <= 4 * (PIECE + 8 * 1024),
                "{waiting}"
            );
            // No piece of body read after the one whose answers wait.
            assert_eq!(taken.load(Ordering::Relaxed), frame.len());
            // The budget is given back when the response goes.
            drop(response);
            tokio::time::sleep(Duration::from_millis(50)).await;
            assert_eq!(shared.waiting_output.available_permits(), WAITING_OUTPUT);
        });
    }
}
