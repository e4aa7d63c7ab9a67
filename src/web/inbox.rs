//! The clinic inbox: signed-in nurses see the check-ins sent to the clinic, most urgent
//! first, claim one (once: a second claim is refused with who has it), and record the
//! outcome of the callback. Every sign-in, view, claim, outcome and export is written to the
//! audit trail by the store, in the same transaction as what it records.

use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Local, Utc};

use super::accounts;
use super::form::{self, Form};
use super::pages::{tone, Layout, Problem, RadioGroup, SummaryRow};
use super::words::fill;
use super::{cross_site, html, refused_cross_site, see_other, store_trouble, Web};
use crate::store::{ClaimResult, InboxRow, OutcomeResult, Store, StoredCheckin};
use aftercare_core::model::Disposition;

/// The sign-in cookie: a random id; the store keeps only its hash.
const COOKIE: &str = "aftercare_nurse";
/// A session ends after this long without a page, and this long after sign-in whatever
/// happens (a shift).
const IDLE: i64 = 30;
const ABSOLUTE_HOURS: i64 = 12;
/// Failed sign-ins for one name within this many minutes slow its next tries.
const FAILURE_WINDOW_MINUTES: i64 = 15;
const FAILURES_BEFORE_SLOWING: u32 = 5;
/// The longest a note may be.
const NOTE_CHARS: usize = 1000;
/// The most rows the inbox lists at once.
const INBOX_ROWS: usize = 500;

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage {
    l: Layout,
    name: String,
    signed_out: bool,
}

pub struct Row {
    pub id: String,
    pub code: &'static str,
    pub tone: &'static str,
    pub label: String,
    pub name: String,
    pub sent: String,
    pub claim: String,
    pub done: bool,
}

#[derive(Template)]
#[template(path = "web/inbox.html")]
struct InboxPage {
    l: Layout,
    rows: Vec<Row>,
    waiting: String,
}

#[derive(Template)]
#[template(path = "web/inbox_fragment.html")]
struct InboxFragment {
    l: Layout,
    rows: Vec<Row>,
    waiting: String,
}

/// "3 check-ins waiting": what the inbox's status line says (and a screen reader, when it
/// changes).
fn waiting(web: &Web, rows: &[Row]) -> String {
    let n = rows.iter().filter(|r| !r.done).count();
    fill(&web.words.inbox.waiting, &[("n", &n.to_string())])
}

#[derive(Template)]
#[template(path = "web/checkin.html")]
struct CheckinPage {
    l: Layout,
    id: String,
    code: &'static str,
    tone: &'static str,
    label: String,
    name: String,
    phone: String,
    phone_digits: String,
    consent: String,
    sent: String,
    rules: String,
    claim_message: Option<String>,
    can_claim: bool,
    findings: Vec<String>,
    own_words: Vec<String>,
    answers: Vec<SummaryRow>,
    outcome: Option<String>,
    outcome_note: Option<String>,
    can_record: bool,
    /// The form's heading: "Outcome of the callback", or "Change the outcome" under one.
    record_title: String,
    groups: Vec<RadioGroup>,
    note: String,
    command: String,
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
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

async fn store(web: &Web) -> Result<&Store, Response> {
    web.store.get().await.map_err(|e| store_trouble(web, &e))
}

/// The signed-in nurse and the session's key, or the way to the sign-in page. A page the
/// nurse asked for keeps the session alive for another idle period.
async fn nurse(web: &Web, headers: &HeaderMap) -> Result<(String, String), Response> {
    signed_in(web, headers, true).await
}

/// As [`nurse`]; `renew` false for the inbox's own refresh, which is no sign of a nurse at
/// the screen: an open tab left alone still ends its session after the idle time.
async fn signed_in(
    web: &Web,
    headers: &HeaderMap,
    renew: bool,
) -> Result<(String, String), Response> {
    let Some(cookie) = cookie_value(headers) else {
        return Err(see_other("/login"));
    };
    let key = accounts::session_key(&cookie);
    let store = store(web).await?;
    let now = Utc::now();
    match store.session(&key, now).await {
        Ok(Some(user)) => {
            if renew {
                if let Err(e) = store
                    .touch_session(&key, now + Duration::minutes(IDLE))
                    .await
                {
                    return Err(store_trouble(web, &e.to_string()));
                }
            }
            Ok((user, key))
        }
        Ok(None) => Err(see_other("/login")),
        Err(e) => Err(store_trouble(web, &e.to_string())),
    }
}

fn layout(web: &Web, title: &str, nurse: Option<&str>) -> Layout {
    let mut l = Layout::new(web.words, &web.frame.footers, title, None);
    l.nurse = nurse.map(str::to_string);
    l
}

/// The clinic's pages may run the inbox's own script, nothing else.
fn with_script_policy(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    r
}

pub async fn login_page(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    if nurse(&web, &headers).await.is_ok() {
        return see_other("/inbox");
    }
    let page = LoginPage {
        l: layout(&web, &web.words.login.title, None),
        name: String::new(),
        signed_out: false,
    };
    html(StatusCode::OK, page.render().unwrap_or_default())
}

pub async fn login(State(web): State<Arc<Web>>, headers: HeaderMap, body: Bytes) -> Response {
    if cross_site(&headers) {
        return refused_cross_site(&web);
    }
    let w = web.words;
    let form = Form::parse(&body);
    let value = |name| {
        form.values(name)
            .first()
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let (name, password) = (value("username").trim().to_string(), value("password"));
    let refuse = |message: &str, status: StatusCode| {
        let mut l = layout(&web, &w.login.title, None);
        l.problems = vec![Problem::new("username", message)];
        let page = LoginPage {
            l,
            name: form::shown(&name),
            signed_out: false,
        };
        html(status, page.render().unwrap_or_default())
    };
    if form.only(&["username", "password"], w).is_err() || name.is_empty() || password.is_empty() {
        return refuse(&w.login.missing, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let store = match store(&web).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let now = Utc::now();
    // Repeated failures for a name slow its next tries, a second more each, up to 10 s:
    // guessing gets slow, a nurse who mistyped waits little.
    let failures = store
        .failed_sign_ins_since(&name, now - Duration::minutes(FAILURE_WINDOW_MINUTES))
        .await
        .unwrap_or(0);
    if failures >= FAILURES_BEFORE_SLOWING {
        let wait = u64::from((failures - FAILURES_BEFORE_SLOWING + 1).min(10));
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    }
    let user = match accounts::check_name(&name) {
        Ok(()) => match store.user(&name).await {
            Ok(u) => u.filter(|u| !u.disabled),
            Err(e) => return store_trouble(&web, &e.to_string()),
        },
        Err(_) => None,
    };
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    // The same work whether or not the name exists: the answer must not tell which.
    let pw = password.clone();
    let ok = tokio::task::spawn_blocking(move || accounts::verify_password(&pw, hash.as_deref()))
        .await
        .unwrap_or(false);
    let Some(user) = user.filter(|_| ok) else {
        if let Err(e) = store.sign_in_failed(&name, now).await {
            return store_trouble(&web, &e.to_string());
        }
        let mut r = refuse(&w.login.wrong, StatusCode::UNAUTHORIZED);
        if failures + 1 >= FAILURES_BEFORE_SLOWING {
            let mut l = layout(&web, &w.login.title, None);
            l.problems = vec![
                Problem::new("username", w.login.wrong.clone()),
                Problem::new("username", w.login.slowed.clone()),
            ];
            let page = LoginPage {
                l,
                name: form::shown(&name),
                signed_out: false,
            };
            r = html(StatusCode::UNAUTHORIZED, page.render().unwrap_or_default());
        }
        return r;
    };
    // A new session at every sign-in: an id set before it (fixation) is never promoted.
    if let Some(old) = cookie_value(&headers) {
        let _ = store
            .sign_out(&accounts::session_key(&old), &user.name, now)
            .await;
    }
    let id = match crate::store::random_id() {
        Ok(id) => id,
        Err(e) => return store_trouble(&web, &e.to_string()),
    };
    let key = accounts::session_key(&id);
    if let Err(e) = store
        .sign_in(
            &key,
            &user.name,
            now,
            now + Duration::minutes(IDLE),
            now + Duration::hours(ABSOLUTE_HOURS),
        )
        .await
    {
        return store_trouble(&web, &e.to_string());
    }
    let secure = if super::behind_tls(&headers) {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{secure}");
    let mut r = see_other("/inbox");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

pub async fn logout(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    if cross_site(&headers) {
        return refused_cross_site(&web);
    }
    if let Ok((user, key)) = nurse(&web, &headers).await {
        if let Ok(store) = store(&web).await {
            if let Err(e) = store.sign_out(&key, &user, Utc::now()).await {
                return store_trouble(&web, &e.to_string());
            }
        }
    }
    let page = LoginPage {
        l: layout(&web, &web.words.login.title, None),
        name: String::new(),
        signed_out: true,
    };
    let mut r = html(StatusCode::OK, page.render().unwrap_or_default());
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("aftercare_nurse=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

/// "12 min ago", "2 h 5 min ago", "3 days ago".
fn ago(web: &Web, then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let w = &web.words.inbox;
    let minutes = (now - then).num_minutes().max(0);
    if minutes < 1 {
        w.just_now.clone()
    } else if minutes < 60 {
        fill(&w.minutes_ago, &[("n", &minutes.to_string())])
    } else if minutes < 48 * 60 {
        fill(
            &w.hours_ago,
            &[
                ("n", &(minutes / 60).to_string()),
                ("m", &(minutes % 60).to_string()),
            ],
        )
    } else {
        fill(&w.days_ago, &[("n", &(minutes / (24 * 60)).to_string())])
    }
}

fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local)
        .format("%a %-d %b, %H:%M")
        .to_string()
}

fn disposition(code: &str) -> Disposition {
    Disposition::ALL
        .into_iter()
        .find(|d| d.code() == code)
        // A code this build does not know is shown as the most urgent: never quieter.
        .unwrap_or(Disposition::CallEmergencyNow)
}

fn rows(web: &Web, list: Vec<InboxRow>) -> Vec<Row> {
    let w = &web.words.inbox;
    let now = Utc::now();
    list.into_iter()
        .map(|r| {
            let d = disposition(&r.disposition);
            Row {
                code: d.code(),
                tone: tone(d),
                label: web.rules.disposition_text(d).label.clone(),
                name: r.patient_name,
                sent: fill(&w.sent_ago, &[("ago", &ago(web, r.sent_at, now))]),
                claim: match &r.claim {
                    Some(c) => fill(&w.claimed_by, &[("user", &c.user)]),
                    None => w.unclaimed.clone(),
                },
                done: r.outcome_recorded,
                id: r.id,
            }
        })
        .collect()
}

pub async fn inbox(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    let (user, _) = match nurse(&web, &headers).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let list = match store(&web).await {
        Ok(s) => s.inbox(&user, Utc::now(), INBOX_ROWS).await,
        Err(r) => return r,
    };
    let list = match list {
        Ok(l) => l,
        Err(e) => return store_trouble(&web, &e.to_string()),
    };
    let mut l = layout(&web, &web.words.inbox.title, Some(&user));
    l.script = Some(super::INBOX_SCRIPT_HREF.as_str());
    let rows = rows(&web, list);
    let page = InboxPage {
        l,
        waiting: waiting(&web, &rows),
        rows,
    };
    with_script_policy(html(StatusCode::OK, page.render().unwrap_or_default()))
}

/// The list alone, for the inbox's refresh.
pub async fn inbox_list(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    // Without a session, the sign-in (303), as everywhere under /inbox: the script then
    // reloads the page, which goes there.
    let (user, _) = match signed_in(&web, &headers, false).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let list = match store(&web).await {
        Ok(s) => s.inbox(&user, Utc::now(), INBOX_ROWS).await,
        Err(r) => return r,
    };
    match list {
        Ok(list) => {
            let rows = rows(&web, list);
            let page = InboxFragment {
                l: layout(&web, &web.words.inbox.title, Some(&user)),
                waiting: waiting(&web, &rows),
                rows,
            };
            html(StatusCode::OK, page.render().unwrap_or_default())
        }
        Err(e) => store_trouble(&web, &e.to_string()),
    }
}

/// The answers and findings of a stored check-in, in words.
fn in_words(web: &Web, c: &StoredCheckin) -> (Vec<SummaryRow>, Vec<String>, Vec<String>) {
    let rules = &web.rules;
    let mut own_words = Vec::new();
    let answers = serde_json::from_str::<serde_json::Value>(&c.answers)
        .ok()
        .and_then(|v| {
            serde_json::from_value::<crate::questionnaire::Answers>(v["answers"].clone()).ok()
        });
    let summary = match answers {
        Some(answers) => {
            let mut order: Vec<String> = answers.symptoms.iter().map(|s| s.id.clone()).collect();
            order.extend(answers.pending.iter().cloned());
            let other_description = answers.symptoms.iter().find_map(|s| s.description.clone());
            own_words.extend(other_description.clone());
            let draft = super::flow::Draft {
                answers,
                symptom_order: order,
                other_description,
                confirmed: true,
                sent: None,
                begun_at: None,
            };
            let ctx = web.ctx_at(Local::now().fixed_offset());
            super::steps::summary_rows(&draft, &ctx)
        }
        None => Vec::new(),
    };
    let result: serde_json::Value = serde_json::from_str(&c.result).unwrap_or_default();
    let mut findings = Vec::new();
    for f in result["findings"].as_array().into_iter().flatten() {
        let who = f["symptom"]
            .as_str()
            .map(|s| {
                s.split('+')
                    .map(|id| crate::questionnaire::label(rules, id))
                    .collect::<Vec<_>>()
                    .join(" with ")
            })
            .unwrap_or_default();
        let d = disposition(f["disposition"].as_str().unwrap_or(""));
        let reason = f["reason"].as_str().unwrap_or("");
        let label = &rules.disposition_text(d).label;
        findings.push(if who.is_empty() {
            format!("{label}: {reason}")
        } else {
            format!("{who} ({}): {reason}", label.to_lowercase())
        });
        if let Some(words) = f["description"].as_str() {
            if !own_words.iter().any(|w| w == words) {
                own_words.push(words.to_string());
            }
        }
    }
    (summary, findings, own_words)
}

fn checkin_page(web: &Web, user: &str, c: StoredCheckin, message: Option<String>) -> CheckinPage {
    let w = &web.words.inbox;
    let d = disposition(&c.disposition);
    let (answers, findings, own_words) = in_words(web, &c);
    let mine = c.claim.as_ref().is_some_and(|cl| cl.user == user);
    let claim_message = message.or_else(|| {
        c.claim.as_ref().map(|cl| {
            let time = local_time(cl.at);
            if mine {
                fill(&w.claimed_by_you, &[("time", &time)])
            } else {
                fill(&w.claimed_elsewhere, &[("user", &cl.user), ("time", &time)])
            }
        })
    });
    let (outcome, outcome_note) = match &c.outcome {
        Some(o) => (
            Some(fill(
                &w.outcome_saved,
                &[
                    ("user", &o.user),
                    ("time", &local_time(o.at)),
                    (
                        "reached",
                        if o.outcome.reached {
                            &w.reached_yes
                        } else {
                            &w.reached_no
                        },
                    ),
                    (
                        "disposition",
                        &web.rules
                            .disposition_text(disposition(&o.outcome.disposition_after))
                            .label
                            .to_lowercase(),
                    ),
                ],
            )),
            (!o.outcome.note.is_empty()).then(|| o.outcome.note.clone()),
        ),
        None => (None, None),
    };
    let was = c.outcome.as_ref().map(|o| &o.outcome);
    let reached = RadioGroup::new(
        "reached",
        &w.reached,
        &[("yes", &w.reached_yes), ("no", &w.reached_no)],
        was.map(|o| if o.reached { "yes" } else { "no" }),
    );
    let labels: Vec<(String, String)> = Disposition::ALL
        .into_iter()
        .rev()
        .map(|d| {
            (
                d.code().to_string(),
                web.rules.disposition_text(d).label.clone(),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = labels
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let after = RadioGroup::new(
        "disposition_after",
        &w.disposition_after,
        &refs,
        was.map(|o| o.disposition_after.as_str()),
    );
    CheckinPage {
        l: layout(web, &c.patient_name, Some(user)),
        code: d.code(),
        tone: tone(d),
        label: web.rules.disposition_text(d).label.clone(),
        name: c.patient_name.clone(),
        phone_digits: c
            .phone
            .chars()
            .filter(|ch| ch.is_ascii_digit() || *ch == '+')
            .collect(),
        phone: c.phone.clone(),
        consent: if c.consent_to_call {
            w.consent_yes.clone()
        } else {
            w.consent_no.clone()
        },
        sent: format!(
            "{} ({})",
            local_time(c.sent_at),
            ago(web, c.sent_at, Utc::now())
        ),
        rules: format!("{} {}", c.rule_set_name, c.rule_set_version),
        claim_message,
        can_claim: c.claim.is_none(),
        findings,
        own_words,
        answers,
        outcome,
        outcome_note,
        can_record: mine,
        record_title: if c.outcome.is_some() {
            w.outcome_change.clone()
        } else {
            w.outcome_title.clone()
        },
        groups: vec![reached, after],
        note: was.map(|o| o.note.clone()).unwrap_or_default(),
        command: format!(
            "aftercare check --nurse --from-inbox {} --store {}",
            c.id,
            web.store.spec()
        ),
        id: c.id,
    }
}

fn not_found(web: &Web, user: &str) -> Response {
    let page = super::pages::MessagePage {
        l: layout(web, &web.words.inbox.not_found, Some(user)),
        lines: Vec::new(),
    };
    html(StatusCode::NOT_FOUND, page.render().unwrap_or_default())
}

pub async fn checkin(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (user, _) = match nurse(&web, &headers).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let found = match store(&web).await {
        Ok(s) => s.view_checkin(&id, &user, Utc::now()).await,
        Err(r) => return r,
    };
    match found {
        Ok(Some(c)) => html(
            StatusCode::OK,
            checkin_page(&web, &user, c, None)
                .render()
                .unwrap_or_default(),
        ),
        Ok(None) => not_found(&web, &user),
        Err(e) => store_trouble(&web, &e.to_string()),
    }
}

pub async fn claim(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if cross_site(&headers) {
        return refused_cross_site(&web);
    }
    let (user, _) = match nurse(&web, &headers).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let store = match store(&web).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let now = Utc::now();
    match store.claim(&id, &user, now).await {
        Ok(ClaimResult::Claimed) => see_other(&format!("/inbox/{id}")),
        Ok(ClaimResult::AlreadyClaimed(by)) => {
            let message = fill(
                &web.words.inbox.claim_refused,
                &[("user", &by.user), ("time", &local_time(by.at))],
            );
            match store.checkin(&id).await {
                Ok(Some(c)) => html(
                    StatusCode::CONFLICT,
                    checkin_page(&web, &user, c, Some(message))
                        .render()
                        .unwrap_or_default(),
                ),
                _ => not_found(&web, &user),
            }
        }
        Ok(ClaimResult::NotFound) => not_found(&web, &user),
        Err(e) => store_trouble(&web, &e.to_string()),
    }
}

pub async fn outcome(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if cross_site(&headers) {
        return refused_cross_site(&web);
    }
    let (user, _) = match nurse(&web, &headers).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let store = match store(&web).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let w = web.words;
    let form = Form::parse(&body);
    let mut problems = Vec::new();
    if let Err(p) = form.only(&["reached", "disposition_after", "note"], w) {
        problems.push(p);
    }
    let codes: Vec<&str> = Disposition::ALL.iter().map(|d| d.code()).collect();
    let mut keep = |read: Result<String, Problem>| match read {
        Ok(v) => Some(v),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let reached = keep(
        form::choice(
            &form,
            "reached",
            &["yes", "no"],
            &w.inbox.reached_missing,
            w,
        )
        .map(str::to_string),
    )
    .map(|v| v == "yes");
    let after = keep(
        form::choice(
            &form,
            "disposition_after",
            &codes,
            &w.inbox.disposition_missing,
            w,
        )
        .map(str::to_string),
    );
    let note_text = form
        .values("note")
        .first()
        .map(|v| v.to_string())
        .unwrap_or_default();
    // A note may have lines; other control characters are refused.
    let note = keep(form::lines(&note_text, "note", NOTE_CHARS, w)).unwrap_or_default();
    let now = Utc::now();
    let (Some(reached), Some(after), true) = (reached, after, problems.is_empty()) else {
        return match store.checkin(&id).await {
            Ok(Some(c)) => {
                let mut page = checkin_page(&web, &user, c, None);
                page.l.problems = problems;
                page.note = note_text;
                html(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    page.render().unwrap_or_default(),
                )
            }
            Ok(None) => not_found(&web, &user),
            Err(e) => store_trouble(&web, &e.to_string()),
        };
    };
    let outcome = crate::store::CallbackOutcome {
        reached,
        disposition_after: after,
        note,
    };
    match store.record_outcome(&id, &user, outcome, now).await {
        Ok(OutcomeResult::Recorded) => see_other(&format!("/inbox/{id}")),
        Ok(OutcomeResult::NotClaimedByYou(_)) => match store.checkin(&id).await {
            Ok(Some(c)) => html(
                StatusCode::CONFLICT,
                checkin_page(&web, &user, c, Some(w.inbox.outcome_not_yours.clone()))
                    .render()
                    .unwrap_or_default(),
            ),
            _ => not_found(&web, &user),
        },
        Ok(OutcomeResult::NotFound) => not_found(&web, &user),
        Err(e) => store_trouble(&web, &e.to_string()),
    }
}

/// A check-in as JSON, for the record system: the answers, the result, the callback
/// details, the claim and the outcome. Audited as an export.
pub async fn export(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (user, _) = match nurse(&web, &headers).await {
        Ok(n) => n,
        Err(r) => return r,
    };
    let found = match store(&web).await {
        Ok(s) => s.export_checkin(&id, &user, Utc::now()).await,
        Err(r) => return r,
    };
    let c = match found {
        Ok(Some(c)) => c,
        Ok(None) => return not_found(&web, &user),
        Err(e) => return store_trouble(&web, &e.to_string()),
    };
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap_or_default();
    let body = serde_json::json!({
        "format": "aftercare-checkin-1",
        "id": c.id,
        "sent_at": c.sent_at.to_rfc3339(),
        "started_at": c.started_at.to_rfc3339(),
        "disposition": c.disposition,
        "rule_set": { "name": c.rule_set_name, "version": c.rule_set_version },
        "callback": { "name": c.patient_name, "phone": c.phone, "consent_to_call": c.consent_to_call },
        "answers": json(&c.answers),
        "result": json(&c.result),
        "claim": c.claim.as_ref().map(|cl| serde_json::json!({ "user": cl.user, "at": cl.at.to_rfc3339() })),
        "outcome": c.outcome.as_ref().map(|o| serde_json::json!({
            "user": o.user,
            "at": o.at.to_rfc3339(),
            "reached": o.outcome.reached,
            "disposition_after": o.outcome.disposition_after,
            "note": o.outcome.note,
        })),
    });
    let mut text = serde_json::to_string_pretty(&body).unwrap_or_default();
    text.push('\n');
    let disposition = format!("attachment; filename=\"checkin-{}.json\"", c.id);
    let mut r = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}
