//! The routes, and what each answers. A case is answered by `check`'s own per-case path
//! ([`Answers`]), so the same case gives the same bytes here and from `check`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use tower::ServiceBuilder;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use super::limits::{body_error_response, read_whole, read_whole_keeping, BodyError};
use super::logging::Outcome;
use super::problem::{json_line, json_response, request_error};
use super::{auth, logging, stream, Shared};
use crate::advice::{advice_for, AdviceWhen};
use crate::batch::{Answers, BatchOptions, MAX_LINE_BYTES};
use crate::output::{self, Format};
use aftercare_core::input::InputError;

pub fn router(shared: Arc<Shared>) -> Router {
    let settings = &shared.settings;
    // Routes that take no query parameter refuse one: a misspelt `?format=` on the wrong
    // route is said, not silently ignored.
    let without_parameters = Router::new()
        .route("/v1/rules", get(rules))
        .route("/v1/schema/{which}", get(schema))
        .route("/v1/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route_layer(axum::middleware::from_fn(no_parameters));
    Router::new()
        .route("/v1/check", post(check))
        .route("/v1/advice", post(advice))
        .merge(without_parameters)
        .merge(crate::web::router(shared.web.clone()))
        .fallback(not_found)
        // One stack, outermost first, given to the router as one layer: each
        // `Router::layer` boxes every route again, and a request then clones each box of
        // the stack (about twenty allocations a request for five layers).
        .layer(
            ServiceBuilder::new()
                .layer(from_fn_with_state(shared.clone(), logging::log_request))
                .layer(from_fn_with_state(shared.clone(), close_while_draining))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    settings.request_timeout,
                ))
                .layer(from_fn_with_state(shared.clone(), auth::require_token))
                // Innermost: the middleware above takes axum's own body type, and only the
                // handlers read the body.
                .layer(RequestBodyTimeoutLayer::new(settings.body_timeout)),
        )
        .with_state(shared)
}

/// While draining after SIGTERM, every answer closes its connection, on connections made
/// before the stop too: a client sending one request after another on a kept-alive
/// connection then moves on, rather than sending into a connection that the end of the drain
/// shuts while its request is unread.
async fn close_while_draining(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(req).await;
    if !shared.ready.load(std::sync::atomic::Ordering::Relaxed) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn no_parameters(req: Request, next: axum::middleware::Next) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return request_error(StatusCode::BAD_REQUEST, "this route takes no parameters");
    }
    next.run(req).await
}

async fn not_found() -> Response {
    request_error(
        StatusCode::NOT_FOUND,
        "no such route: see /v1/check, /v1/advice, /v1/rules, /v1/schema/{case|result|error|record|rules}, /v1/openapi.json, /healthz, /readyz",
    )
}

/// What a request body holds, by its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    /// `application/json`: one case.
    One,
    /// `application/x-ndjson`: a stream of cases, one a line.
    Stream,
}

/// An error is the message of the 415.
fn body_kind(headers: &HeaderMap) -> Result<Sent, String> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match given.as_deref() {
        Some("application/json") => Ok(Sent::One),
        Some("application/x-ndjson") => Ok(Sent::Stream),
        other => Err(format!(
            "{}: send application/json (one case) or application/x-ndjson (one case a line)",
            match other {
                Some(t) => format!("content type {t:?} is not accepted"),
                None => "no content type".to_string(),
            }
        )),
    }
}

/// `?format=json|compact|fhir`, as `check --format`. Any other parameter is refused rather than
/// ignored: a mistyped one must not quietly give another answer.
fn requested_format(query: Option<&str>) -> Result<Format, String> {
    let mut format = Format::Json;
    let mut given = false;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        // Given twice, one of them would be dropped without a word: refused as well.
        if key == "format" && std::mem::replace(&mut given, true) {
            return Err("format is given more than once: give it once".to_string());
        }
        match (key, value) {
            ("format", "json") => format = Format::Json,
            ("format", "compact") => format = Format::Compact,
            ("format", "fhir") => format = Format::Fhir,
            ("format", other) => {
                return Err(format!(
                    "format {:?} is not available here: the formats are json, compact and fhir",
                    other.escape_default().to_string()
                ))
            }
            (other, _) => {
                return Err(format!(
                    "unknown parameter {:?}: the one parameter is format (json, compact or fhir)",
                    other.escape_default().to_string()
                ))
            }
        }
    }
    Ok(format)
}

/// Whether a single body's Content-Length is past the limit: refused at once, rather than
/// after waiting for a body that would be refused anyway. (A stream has no length limit.)
fn announced_too_large(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > MAX_LINE_BYTES as u64)
}

fn too_large(shared: &Shared) -> Response {
    body_error_response(
        super::limits::BodyError::TooLarge,
        MAX_LINE_BYTES,
        shared.settings.body_timeout,
    )
}

/// `POST /v1/check`.
async fn check(
    State(shared): State<Arc<Shared>>,
    Extension(outcome): Extension<Outcome>,
    req: Request,
) -> Response {
    let format = match requested_format(req.uri().query()) {
        Ok(f) => f,
        Err(m) => return request_error(StatusCode::BAD_REQUEST, &m),
    };
    match body_kind(req.headers()) {
        Ok(Sent::One) if announced_too_large(req.headers()) => too_large(&shared),
        Ok(Sent::One) => one_case(&shared, &outcome, format, req.into_body()).await,
        Ok(Sent::Stream) => match shared.stream_places.clone().try_acquire_owned() {
            Ok(place) => stream::answer(shared, outcome, format, req.into_body(), place),
            Err(_) => super::limits::Busy.into_response(),
        },
        Err(m) => request_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, &m),
    }
}

/// One case in, one result (200) or error record (422; 400 when the body is not JSON at all).
async fn one_case(shared: &Shared, outcome: &Outcome, format: Format, body: Body) -> Response {
    let within = shared.settings.body_timeout;
    let body = match read_whole_keeping(body, MAX_LINE_BYTES, within).await {
        Ok(b) => b,
        Err((e, arrived)) => return cut_off(shared, outcome, format, e, &arrived),
    };
    let opts = BatchOptions {
        format,
        now: shared.now(),
        clock: shared.clock(),
        input_name: "request".into(),
        style: output::text::Style::plain(),
    };
    let mut out = Vec::with_capacity(2048);
    // A bad line's message names what the case held: health data, never logged.
    let mut messages = std::io::sink();
    let mut answers = Answers::new(&mut out, &mut messages, &shared.rules, &opts);
    // Writing to memory cannot fail.
    let _ = answers.line(&body, body.len(), 1);
    let summary = answers.summary();
    let status = if summary.errors == 0 {
        StatusCode::OK
    } else if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    outcome.set(stream::outcome_words(
        summary,
        shared.settings.log_dispositions,
    ));
    json_response(status, out)
}

/// A single case whose body did not arrive whole (cut off, or too slow): a refusal must
/// not hide an emergency (clinical reference section 6), so what arrived is read as a line
/// cut off is, and when it needs more than home care the answer is an error record with
/// its `at_least`, under the status the failure has. Otherwise, and for a body too large
/// (refused as documented, whatever it holds), the request error as before.
fn cut_off(
    shared: &Shared,
    outcome: &Outcome,
    format: Format,
    e: BodyError,
    arrived: &[u8],
) -> Response {
    let within = shared.settings.body_timeout;
    let now = shared.now();
    let at_least = match e {
        BodyError::TooLarge => None,
        BodyError::TooSlow | BodyError::Broken if arrived.is_empty() => None,
        BodyError::TooSlow | BodyError::Broken => {
            aftercare_core::refusal::readable_floor(arrived, &shared.rules, now)
        }
    };
    let Some(d) = at_least else {
        return body_error_response(e, MAX_LINE_BYTES, within);
    };
    let (status, message) = match e {
        BodyError::TooSlow => (
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the body did not arrive whole within {} s ({} bytes arrived)",
                within.as_secs_f64(),
                arrived.len()
            ),
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            format!(
                "the body was cut off before its end ({} bytes arrived)",
                arrived.len()
            ),
        ),
    };
    let error = InputError::new("", message);
    let out = match format {
        Format::Fhir => json_line(&output::fhir::operation_outcome(
            None,
            "",
            &error.message,
            Some(d),
            &shared.rules,
        )),
        _ => {
            let mut out = Vec::new();
            let refusal = output::json::Refusal {
                line: None,
                id: None,
                error: &error,
                at_least: Some(d),
                assessed_at: now,
            };
            // Writing to memory cannot fail.
            let _ = output::json::write_error(&mut out, &refusal, &shared.rules);
            out
        }
    };
    outcome.set(if shared.settings.log_dispositions {
        format!("refused at_least={}", d.code())
    } else {
        "refused".to_string()
    });
    json_response(status, out)
}

/// The body of `POST /v1/advice`: `{"day": 2.5}` or `{"treated": "2026-11-18 14:30"}`, and
/// optionally `"topic"`, as `aftercare advice --day/--treated/--topic`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdviceRequest {
    // null is refused, as in a case: leave a field out when it is not given.
    #[serde(default, deserialize_with = "aftercare_core::input::not_null")]
    day: Option<f64>,
    #[serde(default, deserialize_with = "aftercare_core::input::not_null")]
    treated: Option<String>,
    #[serde(default, deserialize_with = "aftercare_core::input::not_null")]
    topic: Option<String>,
}

/// `POST /v1/advice`: the same JSON as `aftercare advice --format json`.
async fn advice(
    State(shared): State<Arc<Shared>>,
    Extension(outcome): Extension<Outcome>,
    req: Request,
) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return request_error(StatusCode::BAD_REQUEST, "this route takes no parameters");
    }
    match body_kind(req.headers()) {
        Ok(Sent::One) if announced_too_large(req.headers()) => return too_large(&shared),
        Ok(Sent::One) => {}
        Ok(Sent::Stream) => {
            return request_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the advice request as application/json",
            )
        }
        Err(m) => return request_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, &m),
    }
    let within = shared.settings.body_timeout;
    let body = match read_whole(req.into_body(), MAX_LINE_BYTES, within).await {
        Ok(b) => b,
        Err(e) => return body_error_response(e, MAX_LINE_BYTES, within),
    };
    let refuse = |status: StatusCode, e: InputError| {
        let mut out = Vec::new();
        let refusal = output::json::Refusal {
            line: None,
            id: None,
            error: &e,
            at_least: None,
            assessed_at: shared.now(),
        };
        let _ = output::json::write_error(&mut out, &refusal, &shared.rules);
        outcome.set("error".into());
        json_response(status, out)
    };
    if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        let e = InputError::new(
            "",
            "the body is not JSON: expected {\"day\": N} or {\"treated\": \"WHEN\"}",
        );
        return refuse(StatusCode::BAD_REQUEST, e);
    }
    let mut de = serde_json::Deserializer::from_slice(&body);
    let request: AdviceRequest = match serde_path_to_error::deserialize(&mut de) {
        Ok(r) => r,
        Err(e) => {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            let message = e.into_inner().to_string();
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                InputError::new(field, message),
            );
        }
    };
    let when = match (request.day, request.treated.as_deref()) {
        (Some(d), None) => AdviceWhen::Day(d),
        (None, Some(t)) => AdviceWhen::Treated(t),
        _ => {
            let e = InputError::new("", "give exactly one of \"day\" and \"treated\"");
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, e);
        }
    };
    match advice_for(&shared.rules, when, request.topic.as_slice(), shared.now()) {
        Ok(a) => {
            outcome.set("advice".into());
            json_response(StatusCode::OK, json_line(&a))
        }
        Err(e) => refuse(StatusCode::UNPROCESSABLE_ENTITY, e),
    }
}

/// `GET /v1/rules`: which protocol answers, and where its rules come from.
/// `GET /v1/schema/{which}`: the JSON Schema (2020-12) `aftercare schema WHICH` prints, for
/// the rule set that answers.
async fn schema(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(which): axum::extract::Path<String>,
) -> Response {
    let rules = &shared.rules;
    let schema = match which.as_str() {
        "case" => output::schema::case(rules),
        "result" => output::schema::result(rules),
        "error" => output::schema::error(rules),
        "record" => output::schema::record(rules, crate::questionnaire::record::FORMAT),
        "rules" => output::schema::rules_file(rules, false),
        _ => {
            return request_error(
                StatusCode::NOT_FOUND,
                "no such schema: the schemas are case, result, error, record and rules",
            )
        }
    };
    let mut body = output::schema::to_text(&schema).into_bytes();
    if !body.ends_with(b"\n") {
        body.push(b'\n');
    }
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/schema+json"),
        )],
        body,
    )
        .into_response()
}

async fn rules(State(shared): State<Arc<Shared>>) -> Response {
    #[derive(Serialize)]
    struct Source<'a> {
        id: &'a str,
        kind: &'static str,
        title: &'a str,
    }
    #[derive(Serialize)]
    struct Rules<'a> {
        name: &'a str,
        version: &'a str,
        title: &'a str,
        sources: Vec<Source<'a>>,
    }
    let r = &shared.rules;
    let body = Rules {
        name: &r.name,
        version: &r.version,
        title: &r.title,
        sources: r
            .sources
            .iter()
            .map(|s| Source {
                id: &s.id,
                kind: s.kind.code(),
                title: &s.title,
            })
            .collect(),
    };
    json_response(StatusCode::OK, json_line(&body))
}

/// `GET /healthz`: the process is up.
/// `GET /v1/openapi.json`: this service as an OpenAPI 3.1 document.
async fn openapi(State(shared): State<Arc<Shared>>) -> Response {
    json_response(
        StatusCode::OK,
        json_line(&output::openapi::document(&shared.rules)),
    )
}

async fn healthz() -> Response {
    json_response(StatusCode::OK, b"{\"status\":\"up\"}\n".to_vec())
}

/// `GET /readyz`: the rules are loaded and checked, and the server is not shutting down.
async fn readyz(State(shared): State<Arc<Shared>>) -> Response {
    #[derive(Serialize)]
    struct Ready {
        status: &'static str,
        rule_set: aftercare_core::model::RuleSetId,
    }
    let ready = shared.ready.load(std::sync::atomic::Ordering::Relaxed);
    // The store, briefly: a replica that cannot reach it should take no traffic. A default
    // store not yet made is not made here (it is created on first use).
    let store_ok = match shared.web.store.opened() {
        Some(store) => matches!(
            tokio::time::timeout(std::time::Duration::from_secs(1), store.ping()).await,
            Ok(Ok(()))
        ),
        None => true,
    };
    let body = Ready {
        status: match (ready, store_ok) {
            (false, _) => "stopping",
            (true, false) => "store unreachable",
            (true, true) => "ready",
        },
        rule_set: shared.rules.id(),
    };
    let ready = ready && store_ok;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json_response(status, json_line(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_parameter_is_checks_and_nothing_else() {
        assert_eq!(requested_format(None), Ok(Format::Json));
        assert_eq!(
            requested_format(Some("format=compact")),
            Ok(Format::Compact)
        );
        assert_eq!(requested_format(Some("format=json")), Ok(Format::Json));
        assert_eq!(requested_format(Some("format=fhir")), Ok(Format::Fhir));
        let text = requested_format(Some("format=text")).unwrap_err();
        assert!(text.contains("json, compact and fhir"), "{text}");
        assert!(requested_format(Some("fromat=compact")).is_err());
    }
}
