//! What keeps one client from holding the server: a bound on the requests answered at once
//! (more get 503 at once rather than a queue), and a deadline for a body to arrive whole,
//! so that a client sending a byte a second is cut off (an idle timeout alone would not: each
//! byte resets it).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use tokio::sync::OwnedSemaphorePermit;

use super::problem::request_error;
use super::Shared;

/// A response body that keeps something (a log line, a permit) until the body is done.
pub struct Holding<T> {
    inner: Body,
    _held: T,
}

impl<T> Holding<T> {
    pub fn new(inner: Body, held: T) -> Self {
        Holding { inner, _held: held }
    }
}

impl<T: Unpin + Send + 'static> HttpBody for Holding<T> {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// A place among the `--max-in-flight` requests answered at once, held until the response
/// body is done (a stream counts until it ends). None for the health and readiness checks:
/// the process is up and ready even when busy, and a load balancer that saw 503 from
/// `/readyz` under load would take a working server out of service. A request beyond the
/// bound is turned away at once with 503.
pub fn admit(shared: &Shared, path: &str) -> Result<Option<OwnedSemaphorePermit>, Busy> {
    if path == "/healthz" || path == "/readyz" {
        return Ok(None);
    }
    match shared.in_flight.clone().try_acquire_owned() {
        Ok(permit) => Ok(Some(permit)),
        Err(_) => Err(Busy),
    }
}

/// All places are taken.
pub struct Busy;

impl IntoResponse for Busy {
    fn into_response(self) -> Response {
        let mut res = request_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many requests at once: try again in a moment",
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        res
    }
}

/// Why a body could not be read whole.
#[derive(Debug)]
pub enum BodyError {
    TooLarge,
    TooSlow,
    Broken,
}

/// Reads a whole body of at most `max` bytes within `within`.
pub async fn read_whole(body: Body, max: usize, within: Duration) -> Result<Bytes, BodyError> {
    read_whole_keeping(body, max, within)
        .await
        .map_err(|(e, _)| e)
}

/// Reads a whole body as [`read_whole`] does, but keeps what arrived when it fails (at most
/// `max` bytes): a case cut off may still hold a warning sign to answer with.
pub async fn read_whole_keeping(
    mut body: Body,
    max: usize,
    within: Duration,
) -> Result<Bytes, (BodyError, Bytes)> {
    let mut arrived: Vec<u8> = Vec::new();
    let reading = async {
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                if is_body_timeout(&e) {
                    BodyError::TooSlow
                } else {
                    BodyError::Broken
                }
            })?;
            if let Ok(data) = frame.into_data() {
                if arrived.len() + data.len() > max {
                    let room = max - arrived.len();
                    arrived.extend_from_slice(&data[..room]);
                    return Err(BodyError::TooLarge);
                }
                arrived.extend_from_slice(&data);
            }
        }
        Ok(())
    };
    match tokio::time::timeout(within, reading).await {
        Ok(Ok(())) => Ok(Bytes::from(arrived)),
        Ok(Err(e)) => Err((e, Bytes::from(arrived))),
        Err(_) => Err((BodyError::TooSlow, Bytes::from(arrived))),
    }
}

/// Whether an error of the body is, somewhere in its chain, tower-http's idle timeout
/// between two chunks.
pub fn is_body_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(e) = current {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The response for a body that could not be read.
pub fn body_error_response(e: BodyError, max: usize, within: Duration) -> Response {
    match e {
        BodyError::TooLarge => request_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is longer than {max} bytes"),
        ),
        BodyError::TooSlow => request_error(
            StatusCode::REQUEST_TIMEOUT,
            &format!("the body did not arrive within {} s", within.as_secs_f64()),
        ),
        BodyError::Broken => request_error(StatusCode::BAD_REQUEST, "the body could not be read"),
    }
    .into_response()
}
