//! The web check-in: the patient's questionnaire as pages on a phone, served by
//! `aftercare serve` at `/` beside the JSON API. A front door like the others: the pages
//! keep the questionnaire's own [`Answers`](crate::questionnaire::Answers), build the same
//! case and call the same evaluation. No JavaScript is needed for anything.
//!
//! Answers between pages are kept in the store under a random cookie, never in an address;
//! a check-in sent to the clinic is committed before the page says "sent".

pub mod accounts;
pub mod flow;
pub mod form;
pub mod frame;
pub mod inbox;
pub mod pages;
mod result;
pub mod steps;
pub mod words;

use std::sync::{Arc, LazyLock};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, FixedOffset, Utc};

use crate::store::{Store, StoreSpec};
use aftercare_core::rules::RuleSet;
use flow::{Draft, Step};
use form::Form;
use frame::Frame;
use pages::{Layout, MessagePage, StartPage};
use steps::Ctx;
use words::{fill, Words};

/// The cookie that keys a draft: a random id, nothing else.
const COOKIE: &str = "aftercare_checkin";

/// Where the stylesheet is served.
const STYLESHEET_PATH: &str = "/static/style.css";
const STYLESHEET: &str = include_str!("assets/style.css");

/// The stylesheet's address as pages link it: with its hash, so that it can be cached for a
/// year and a changed stylesheet is a new address.
pub static STYLESHEET_HREF: LazyLock<String> =
    LazyLock::new(|| format!("{STYLESHEET_PATH}?v={}", STYLESHEET_TAG.trim_matches('"')));

/// FNV-1a of the stylesheet: its ETag.
static STYLESHEET_TAG: LazyLock<String> = LazyLock::new(|| format!("\"{}\"", fnv(STYLESHEET)));

const INBOX_SCRIPT_PATH: &str = "/static/inbox.js";
const INBOX_SCRIPT: &str = include_str!("assets/inbox.js");

/// The inbox script's address, with its hash as the stylesheet's.
pub static INBOX_SCRIPT_HREF: LazyLock<String> =
    LazyLock::new(|| format!("{INBOX_SCRIPT_PATH}?v={}", fnv(INBOX_SCRIPT)));

fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The check-in's settings and what every page needs.
pub struct Web {
    pub rules: Arc<RuleSet>,
    pub store: StoreSlot,
    pub settings: WebSettings,
    pub words: &'static Words,
    /// What every page says that follows from the words and the rules alone.
    pub frame: Frame,
}

/// The check-in's settings from the command line.
pub struct WebSettings {
    /// The clock of every page, when pinned (`--now`).
    pub pinned_now: Option<DateTime<FixedOffset>>,
    /// How long unsent answers are kept after the last page answered.
    pub draft_lifetime: chrono::Duration,
    /// How long a sent check-in is kept before it is deleted.
    pub keep_checkins: chrono::Duration,
}

/// The store, opened at start when named, or on first use when it is the default file (a
/// server that only answers `/v1` never creates it).
pub struct StoreSlot {
    spec: StoreSpec,
    store: tokio::sync::OnceCell<Store>,
}

impl StoreSlot {
    pub fn open_now(spec: StoreSpec, store: Store) -> StoreSlot {
        StoreSlot {
            spec,
            store: tokio::sync::OnceCell::new_with(Some(store)),
        }
    }

    /// The store, if it is open (a named store always is; the default once used).
    pub fn opened(&self) -> Option<&Store> {
        self.store.get()
    }

    /// The store as `--store` names it.
    pub fn spec(&self) -> &StoreSpec {
        &self.spec
    }

    pub fn on_first_use(spec: StoreSpec) -> StoreSlot {
        StoreSlot {
            spec,
            store: tokio::sync::OnceCell::new(),
        }
    }

    pub async fn get(&self) -> Result<&Store, String> {
        self.store
            .get_or_try_init(|| async {
                Store::connect(&self.spec).await.map_err(|e| e.to_string())
            })
            .await
    }
}

/// At start and every ten minutes: expired drafts and sign-in sessions deleted, and sent
/// check-ins past their days (each deletion audited). Only a store already in use is tidied
/// (the default file is not made for this).
pub async fn keep_tidy(web: Arc<Web>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        let Some(store) = web.store.opened() else {
            continue;
        };
        let now = Utc::now();
        let done = async {
            store.purge_drafts(now).await?;
            store.purge_sessions(now).await?;
            store
                .purge_checkins(now - web.settings.keep_checkins, now)
                .await
        };
        if let Err(e) = done.await {
            eprintln!(
                "aftercare: the check-in's store: {}",
                form::shown(&e.to_string())
            );
        }
    }
}

impl Web {
    /// The clock of a page, in whole seconds: what a page works out (the next question,
    /// whether the answers stop, the result) is of one instant, the one a record keeps. A
    /// pinned clock (`--now`) is that instant in the server's local time zone, as the clock
    /// is: the date and time a person gives are read in local time either way, whatever
    /// offset `--now` was written with.
    fn now(&self) -> DateTime<FixedOffset> {
        crate::questionnaire::whole_seconds(self.settings.pinned_now.map_or_else(
            || chrono::Local::now().fixed_offset(),
            |pinned| pinned.with_timezone(&chrono::Local).fixed_offset(),
        ))
    }

    fn ctx(&self) -> Ctx<'_> {
        self.ctx_at(self.now())
    }

    fn ctx_at(&self, now: DateTime<FixedOffset>) -> Ctx<'_> {
        Ctx::new(self.words, &self.rules, &self.frame, now)
    }

    /// Everything a `Web` needs is set, and what follows from its words and rules put
    /// together.
    pub fn new(rules: Arc<RuleSet>, store: StoreSlot, settings: WebSettings) -> Web {
        let words = words::english();
        Web {
            frame: Frame::new(words, &rules),
            rules,
            store,
            settings,
            words,
        }
    }

    fn layout(&self, title: &str, back: Option<String>) -> Layout {
        Layout::new(self.words, &self.frame.footers, title, back)
    }

    fn lifetime_hours(&self) -> String {
        let minutes = self.settings.draft_lifetime.num_minutes();
        if minutes % 60 == 0 {
            (minutes / 60).to_string()
        } else {
            format!("{:.1}", minutes as f64 / 60.0)
        }
    }
}

async fn to_start() -> Response {
    see_other("/")
}

async fn to_result() -> Response {
    see_other(&Step::Result.path())
}

/// The pages' routes, for a router of any state (the server's own).
pub fn router<S: Clone + Send + Sync + 'static>(web: Arc<Web>) -> Router<S> {
    Router::new()
        .route("/", get(start_page))
        // The forms' addresses, opened by a reload or from the history after their answer:
        // the page they belong to, rather than an empty 405.
        .route("/check/start", get(to_start).post(start))
        .route("/check/send", get(to_result).post(result::send))
        .route("/check/more", get(to_result).post(result::more))
        .route("/check/details/{n}", get(details_page).post(details_answer))
        .route("/check/{name}", get(step_page).post(step_answer))
        .route(STYLESHEET_PATH, get(stylesheet))
        .route(INBOX_SCRIPT_PATH, get(inbox_script))
        .route("/login", get(inbox::login_page).post(inbox::login))
        .route("/logout", post(inbox::logout))
        .route("/inbox", get(inbox::inbox))
        .route("/inbox/list", get(inbox::inbox_list))
        .route("/inbox/{id}", get(inbox::checkin))
        .route("/inbox/{id}/claim", post(inbox::claim))
        .route("/inbox/{id}/outcome", post(inbox::outcome))
        .route("/inbox/{id}/export", get(inbox::export))
        // One layer for the two (see the server's own stack in `serve::routes`).
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::middleware::map_response(page_headers))
                .layer(axum::middleware::map_response_with_state(
                    web.clone(),
                    body_too_large,
                ))
                .layer(DefaultBodyLimit::max(form::MAX_FORM_BYTES)),
        )
        .with_state(web)
}

/// A form's body over the limit is refused by the extractor with a line of plain text: a
/// page says it instead, in the words of the others.
async fn body_too_large(State(web): State<Arc<Web>>, response: Response) -> Response {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/plain"));
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || !plain {
        return response;
    }
    message(
        &web,
        StatusCode::PAYLOAD_TOO_LARGE,
        &web.words.error_title,
        vec![web.words.problems.too_large.clone()],
    )
}

/// Headers of every page: nothing cached (answers are health data), nothing framed, no
/// script or outside resource allowed, no address sent to another site. (`same-origin`, not
/// `no-referrer`: with `no-referrer` a browser sends `Origin: null` on its own forms, which
/// the cross-site check must refuse.)
async fn page_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(h, header::CACHE_CONTROL, "no-store");
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    response
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    let h = response.headers_mut();
    // Room for the headers every page gets (`page_headers`) made at once, rather than the
    // map grown as they are added.
    h.reserve(8);
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

/// A page of a few sentences (an error, a refusal).
fn message(web: &Web, status: StatusCode, title: &str, lines: Vec<String>) -> Response {
    let page = MessagePage {
        l: web.layout(title, Some("/".into())),
        lines,
    };
    html(status, page.render().unwrap_or_default())
}

/// The store could not be reached: said plainly, with where to get help, never a lost
/// answer shown as kept.
fn store_trouble(web: &Web, why: &str) -> Response {
    eprintln!("aftercare: the check-in's store: {}", form::shown(why));
    message(
        web,
        StatusCode::SERVICE_UNAVAILABLE,
        &web.words.error_title,
        vec![web.words.problems.store.clone()],
    )
}

/// The session's id from its cookie, if it has the shape of one.
fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the request came through a TLS proxy: then the cookie is `Secure`.
fn behind_tls(headers: &HeaderMap) -> bool {
    let proto = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    proto("x-forwarded-proto").is_some_and(|p| p == "https")
        || proto("forwarded").is_some_and(|p| p.contains("proto=https"))
}

/// A form post from another site is refused: either signal is enough (the browser's
/// `Sec-Fetch-Site`, or an `Origin` that is not this host).
pub fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text("sec-fetch-site") {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    if let Some(origin) = text("origin") {
        let host = text("host").unwrap_or("");
        let authority = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        return authority != Some(host);
    }
    false
}

fn refused_cross_site(web: &Web) -> Response {
    message(
        web,
        StatusCode::FORBIDDEN,
        &web.words.error_title,
        vec![web.words.problems.cross_site.clone()],
    )
}

/// The draft of this session, if it has one that has not expired.
async fn load(web: &Web, headers: &HeaderMap) -> Result<Option<(String, Draft)>, Response> {
    let Some(id) = session_id(headers) else {
        return Ok(None);
    };
    let store = web.store.get().await.map_err(|e| store_trouble(web, &e))?;
    let text = store
        .draft(&id, Utc::now())
        .await
        .map_err(|e| store_trouble(web, &e.to_string()))?;
    // A draft that no longer reads (written by another version) is as good as expired.
    Ok(text.and_then(|t| Draft::from_stored(&t)).map(|d| (id, d)))
}

async fn save(web: &Web, id: &str, draft: &Draft) -> Result<(), Response> {
    let store = web.store.get().await.map_err(|e| store_trouble(web, &e))?;
    let text = draft
        .to_stored()
        .map_err(|e| store_trouble(web, &e.to_string()))?;
    let now = Utc::now();
    store
        .save_draft(id, &text, now, now + web.settings.draft_lifetime)
        .await
        .map_err(|e| store_trouble(web, &e.to_string()))
}

async fn start_page(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    let w = web.words;
    let had_cookie = session_id(&headers).is_some();
    let (resume, expired) = if had_cookie {
        match load(&web, &headers).await {
            Ok(Some((_, draft))) => {
                let c = web.ctx();
                (Some(c.next(&draft).path()), false)
            }
            Ok(None) => (None, true),
            Err(r) => return r,
        }
    } else {
        (None, false)
    };
    let emergency = web.rules.clinic.emergency_words();
    let hours = web.lifetime_hours();
    let page = StartPage {
        l: web.layout(&w.start.title, None),
        emergency: fill(&w.start.emergency, &[("emergency", &emergency)]),
        time: fill(&w.start.time, &[("hours", &hours)]),
        resume,
        expired,
        expired_words: fill(&w.start.expired, &[("hours", &hours)]),
    };
    html(StatusCode::OK, page.render().unwrap_or_default())
}

/// A new check-in: a new random session, so that nothing of an earlier one carries over.
async fn start(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    if cross_site(&headers) {
        return refused_cross_site(&web);
    }
    if let Some(old) = session_id(&headers) {
        if let Ok(store) = web.store.get().await {
            let _ = store.delete_draft(&old).await;
        }
    }
    let id = match crate::store::random_id() {
        Ok(id) => id,
        Err(e) => return store_trouble(&web, &e.to_string()),
    };
    let draft = Draft {
        begun_at: Some(Utc::now().to_rfc3339()),
        ..Draft::default()
    };
    if let Err(r) = save(&web, &id, &draft).await {
        return r;
    }
    let secure = if behind_tls(&headers) { "; Secure" } else { "" };
    let cookie = format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        web.settings.draft_lifetime.num_seconds()
    );
    let mut r = see_other(&Step::Emergency.path());
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

async fn step_page(
    State(web): State<Arc<Web>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match Step::named(&name) {
        Some(step) => show(&web, step, &headers).await,
        None => not_found(&web),
    }
}

async fn details_page(
    State(web): State<Arc<Web>>,
    Path(n): Path<String>,
    headers: HeaderMap,
) -> Response {
    match n.parse::<usize>() {
        Ok(n) if n >= 1 => show(&web, Step::Details(n), &headers).await,
        _ => not_found(&web),
    }
}

fn not_found(web: &Web) -> Response {
    message(
        web,
        StatusCode::NOT_FOUND,
        &web.words.problems.not_found,
        Vec::new(),
    )
}

async fn show(web: &Web, step: Step, headers: &HeaderMap) -> Response {
    let (_, draft) = match load(web, headers).await {
        Ok(Some(found)) => found,
        Ok(None) => return see_other("/"),
        Err(r) => return r,
    };
    let mut c = web.ctx();
    if step == Step::Result {
        let next = c.next(&draft);
        if next != Step::Result {
            return see_other(&next.path());
        }
        return result::page(web, draft, &mut c, None).await;
    }
    // The next question only when the page may not be shown: a page already reached is
    // shown without it.
    if !c.facts(&draft).may_show(step) {
        return see_other(&c.next(&draft).path());
    }
    html(
        StatusCode::OK,
        steps::render(step, &draft, &c, Vec::new(), None),
    )
}

async fn step_answer(
    State(web): State<Arc<Web>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match Step::named(&name) {
        Some(step) => answer(&web, step, &headers, &body).await,
        None => not_found(&web),
    }
}

async fn details_answer(
    State(web): State<Arc<Web>>,
    Path(n): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match n.parse::<usize>() {
        Ok(n) if n >= 1 => answer(&web, Step::Details(n), &headers, &body).await,
        _ => not_found(&web),
    }
}

/// A question answered: the answer checked, kept, and the next open question shown.
async fn answer(web: &Web, step: Step, headers: &HeaderMap, body: &[u8]) -> Response {
    if cross_site(headers) {
        return refused_cross_site(web);
    }
    let (id, mut draft) = match load(web, headers).await {
        Ok(Some(found)) => found,
        Ok(None) => return see_other("/"),
        Err(r) => return r,
    };
    let c = web.ctx();
    if step == Step::Result || !c.facts(&draft).may_show(step) {
        return see_other(&c.next(&draft).path());
    }
    let form = Form::parse(body);
    // A fresh `Ctx` for the changed draft: what was worked out for the old one is stale.
    let checked = web.ctx();
    if let Err(problems) = steps::accept(step, &form, &mut draft, &checked) {
        // Refused: the draft is as it was.
        return html(
            StatusCode::UNPROCESSABLE_ENTITY,
            steps::render(step, &draft, &c, problems, Some(&form)),
        );
    }
    if let Err(r) = save(web, &id, &draft).await {
        return r;
    }
    see_other(&web.ctx().next(&draft).path())
}

async fn stylesheet(headers: HeaderMap) -> Response {
    asset(
        &headers,
        STYLESHEET,
        &STYLESHEET_TAG,
        "text/css; charset=utf-8",
    )
}

async fn inbox_script(headers: HeaderMap) -> Response {
    static TAG: LazyLock<String> = LazyLock::new(|| format!("\"{}\"", fnv(INBOX_SCRIPT)));
    asset(
        &headers,
        INBOX_SCRIPT,
        &TAG,
        "text/javascript; charset=utf-8",
    )
}

/// A file of the pages, cached for a year by its hashed address, with its ETag.
fn asset(headers: &HeaderMap, body: &'static str, tag: &str, kind: &'static str) -> Response {
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let headers = [
        (header::CONTENT_TYPE, kind),
        (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        (header::ETAG, tag),
    ];
    if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (StatusCode::OK, headers, body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_post_from_another_site_is_refused_by_either_signal() {
        assert!(cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "clinic.example")
        ])));
        assert!(cross_site(&headers(&[("origin", "null"), ("host", "a")])));
        assert!(!cross_site(&headers(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(!cross_site(&headers(&[])));
    }

    #[test]
    fn only_a_well_formed_session_id_is_read() {
        let id = "0123456789abcdef0123456789abcdef";
        let h = headers(&[(
            "cookie",
            "other=1; aftercare_checkin=0123456789abcdef0123456789abcdef",
        )]);
        assert_eq!(session_id(&h).as_deref(), Some(id));
        assert_eq!(
            session_id(&headers(&[("cookie", "aftercare_checkin=x")])),
            None
        );
    }

    #[test]
    fn the_secure_flag_follows_the_proxy() {
        assert!(behind_tls(&headers(&[("x-forwarded-proto", "https")])));
        assert!(behind_tls(&headers(&[(
            "forwarded",
            "for=1.2.3.4;proto=https"
        )])));
        assert!(!behind_tls(&headers(&[])));
    }
}
