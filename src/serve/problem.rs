//! The words of a refusal over HTTP: a problem with the request itself (not with a case) is
//! `{"error":{"kind":"request","message":..}}` with its status, whichever layer refuses it
//! (the token, the limits, the router). JSON bodies end with a line end, as a stream's do.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A problem with the request itself rather than with a case: `{"error":{"kind":"request",
/// "message":..}}`.
pub fn request_error(status: StatusCode, message: &str) -> Response {
    #[derive(Serialize)]
    struct Record<'a> {
        error: ErrorBody<'a>,
    }
    #[derive(Serialize)]
    struct ErrorBody<'a> {
        kind: &'static str,
        message: &'a str,
    }
    let record = Record {
        error: ErrorBody {
            kind: "request",
            message,
        },
    };
    json_response(status, json_line(&record))
}

pub fn json_line<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = crate::output::json::to_vec(value).unwrap_or_default();
    out.push(b'\n');
    out
}

pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}
