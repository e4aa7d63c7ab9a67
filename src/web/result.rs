//! The result page (the disposition as a care card) and sending the check-in to the clinic.
//!
//! An emergency or emergency-department result is the instruction first and alone: the
//! action as the heading, a `tel:` link, what to tell the operator; no aftercare. Any other
//! result adds the reasons, the day's aftercare, what to expect and when to get help. From
//! "see today" up, the page offers to send the check-in to the clinic: the result stands
//! whether or not it is sent, and the page says the inbox is not an emergency service.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use std::borrow::Cow;
use std::sync::Arc;

use super::flow::{Draft, Sent, Step};
use super::form::{self, Form};
use super::pages::{tone, Call, CheckItem, Problem, ResultPage, Section, SendForm};
use super::steps::Ctx;
use super::words::{fill, Words};
use super::{html, load, save, see_other, store_trouble, Web};
use crate::questionnaire::{
    escalation_ids, escalation_risk_factors, patient, record_checklist, Outcome, SignState,
};
use aftercare_core::model::Disposition;

/// The most reasons a care card lists (as NHS care cards do); more are listed below it.
const CARD_REASONS: usize = 5;

/// The numbers a `tel:` link can ring: the clinic's emergency number, or, when the rule
/// file names none, the three its words name ("911, 999 or 112").
fn emergency_calls(c: &Ctx) -> Vec<Call> {
    let numbers: Vec<String> = match &c.rules.clinic.emergency_number {
        Some(n) => vec![n.clone()],
        None => ["911", "999", "112"].map(String::from).to_vec(),
    };
    numbers
        .into_iter()
        .map(|n| Call {
            words: fill(&c.w.result.call, &[("number", &n)]),
            number: n,
        })
        .collect()
}

/// The result of the draft's answers, drawn. The draft and what is known of it are taken:
/// the outcome is built from them rather than from copies.
pub async fn page(web: &Web, draft: Draft, c: &mut Ctx<'_>, send: Option<SendForm>) -> Response {
    // What the page says of the draft besides its outcome, worked out before the outcome
    // takes its answers.
    let back = super::steps::previous(Step::Result, &draft, c);
    let Draft { answers, sent, .. } = draft;
    let known = std::mem::take(&mut c.known);
    let outcome = match known.into_outcome(answers, c.rules, c.now) {
        Ok(o) => o,
        Err(e) => return no_result(web, c, &e.to_string()),
    };
    let status = if send.as_ref().is_some_and(|s| !s.problems.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html(
        status,
        result_page(&outcome, back, sent.as_ref(), c, send)
            .render()
            .unwrap_or_default(),
    )
}

/// What the page says when the answers give no result (the tool's fault: every answer a
/// page takes makes a case that reads): what could not be placed is never home care, so
/// the clinic today, and the emergency signs.
fn no_result(web: &Web, c: &Ctx<'_>, why: &str) -> Response {
    eprintln!(
        "aftercare: no result for a check-in: {}",
        super::form::shown(why)
    );
    let line = fill(
        &c.w.problems.no_result,
        &[("emergency", &c.rules.clinic.emergency_words())],
    );
    super::message(
        web,
        StatusCode::INTERNAL_SERVER_ERROR,
        &c.w.error_title,
        vec![line],
    )
}

/// The care card and what goes with it: `back` is the page before the result, `sent`
/// whether and when the draft was sent.
pub fn result_page<'a>(
    o: &'a Outcome,
    back: Option<String>,
    sent: Option<&Sent>,
    c: &Ctx<'a>,
    send: Option<SendForm>,
) -> ResultPage<'a> {
    let (w, rules) = (c.w, c.rules);
    let a = &o.assessment;
    let d = a.disposition;
    let text = rules.disposition_text(d);
    let mut l = super::Layout::new(w, &c.frame.footers, &text.label, back);
    if let Some(s) = &send {
        l.problems = s.problems.clone();
    }
    let urgent = d >= Disposition::GoToEdNow;
    let body = if urgent {
        instruction(o, c)
    } else {
        care_card(o, c)
    };
    let (heading, action) = heading_and_rest(&a.action);
    ResultPage {
        l,
        code: d.code(),
        tone: tone(d),
        label: text.label.clone(),
        heading,
        action,
        reasons: body.reasons,
        contact: (!urgent && d > Disposition::HomeCare)
            .then(|| aftercare_core::rules::advice_words::reach_the_clinic(&rules.clinic)),
        clinic_call: clinic_call(c, d),
        calls: if urgent {
            emergency_calls(c)
        } else {
            Vec::new()
        },
        tell: body.tell,
        also: body.also,
        more: body.more,
        more_risks: body.more_risks,
        more_hint: fill(
            &w.result.more_hint,
            &[("emergency", &rules.clinic.emergency_words())],
        ),
        sent: sent_lines(sent, c),
        day: body.day,
        sections: body.sections,
        send: send_form(d, sent, c, send),
        checked_with: fill(
            &w.result.checked_with,
            &[("name", &a.rule_set.name), ("version", &a.rule_set.version)],
        ),
    }
}

/// What a result says below its heading: the instruction's own lines for an emergency or
/// the emergency department, the care card's for the rest.
#[derive(Default)]
struct Body<'a> {
    sections: Vec<Section<'a>>,
    also: Option<String>,
    tell: Option<String>,
    day: Option<String>,
    more: Vec<CheckItem<'a>>,
    /// With `more`: the risk factors that would make it an emergency in combination.
    more_risks: Vec<CheckItem<'a>>,
    reasons: Vec<String>,
}

/// An emergency or the emergency department: what to tell the operator, and after an
/// emergency-department sign, the signs that would make it an emergency, and why.
fn instruction<'a>(o: &'a Outcome, c: &Ctx<'a>) -> Body<'a> {
    let (w, rules) = (c.w, c.rules);
    let mut body = Body {
        tell: Some(crate::output::text::capitalise(&patient::operator_words(
            o, rules,
        ))),
        ..Body::default()
    };
    if o.assessment.disposition != Disposition::GoToEdNow {
        return body;
    }
    // The questions stopped at the sign: the signs that would make it an emergency in
    // combination are named, not asked.
    let ids = |keep: fn(SignState) -> bool| -> Vec<String> {
        o.answers
            .signs
            .iter()
            .filter(|s| keep(s.answer))
            .map(|s| s.id.to_string())
            .collect()
    };
    let more = escalation_ids(
        rules,
        &ids(|s| s == SignState::Yes),
        &ids(|s| s != SignState::NotAsked),
    );
    body.more = more
        .iter()
        .filter_map(|id| c.frame.sign(id))
        .map(|b| b.item(false))
        .collect();
    body.more_risks = escalation_risk_factors(rules, &o.answers)
        .iter()
        .filter_map(|id| c.frame.risk_factor(id))
        .map(|b| b.item(false))
        .collect();
    let call_back = &rules.disposition_text(Disposition::GoToEdNow).call_back;
    body.also = (!call_back.is_empty()).then(|| call_back.clone());
    let why = patient::findings_in_words(o, rules);
    if !why.is_empty() {
        body.sections.push(Section {
            title: w.result.why.clone(),
            items: why.into_iter().map(Cow::Owned).collect(),
            folded: false,
        });
    }
    body
}

/// Any other result: the day, the reasons on the card (all of them below when more), the
/// day's aftercare, what to expect, the danger signs (folded) and when to call back.
fn care_card<'a>(o: &'a Outcome, c: &Ctx<'a>) -> Body<'a> {
    let w = c.w;
    let a = &o.assessment;
    let n = a.days_since_treatment.floor().max(0.0) as u64;
    let mut sections = Vec::new();
    let mut push = |title: &str, items: Vec<Cow<'a, str>>| {
        if !items.is_empty() {
            sections.push(Section {
                // Every danger sign of the rule set: for reference, folded.
                folded: title == w.result.safety_net,
                title: title.to_string(),
                items,
            });
        }
    };
    let owned = |items: Vec<String>| items.into_iter().map(Cow::Owned).collect();
    let borrowed = |items: &'a [String]| items.iter().map(|i| Cow::Borrowed(i.as_str())).collect();
    let found = patient::findings_in_words(o, c.rules);
    if found.len() > CARD_REASONS {
        push(&w.result.found, owned(found.clone()));
    }
    push(&w.result.aftercare, owned(patient::advice_in_words(a)));
    push(&w.result.expect, borrowed(&a.expect_next));
    if !a.advice.is_empty() {
        push(&w.result.safety_net, borrowed(&c.frame.safety_net));
    }
    push(&w.result.sooner, borrowed(&a.call_back));
    Body {
        sections,
        day: Some(if n == 0 {
            w.result.day0.clone()
        } else {
            fill(&w.result.day, &[("day", &n.to_string())])
        }),
        reasons: found.into_iter().take(CARD_REASONS).collect(),
        ..Body::default()
    }
}

/// The action's first sentence is the card's heading, the call to action; the rest follows.
fn heading_and_rest(action: &str) -> (String, String) {
    match action.find(". ") {
        Some(end) => (
            action[..=end].trim().to_string(),
            action[end + 1..].trim().to_string(),
        ),
        None => (action.to_string(), String::new()),
    }
}

/// The clinic's number as a link, for a result that asks the person to contact the clinic
/// (never under an emergency's instruction).
fn clinic_call(c: &Ctx, d: Disposition) -> Option<Call> {
    c.rules
        .clinic
        .phone
        .as_ref()
        .filter(|_| d >= Disposition::SeeWithin2Weeks && d < Disposition::GoToEdNow)
        .map(|phone| Call {
            number: phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect(),
            words: fill(&c.w.result.call, &[("number", phone)]),
        })
}

/// That the check-in was sent, when, and what happens next.
fn sent_lines(sent: Option<&Sent>, c: &Ctx) -> Option<Vec<String>> {
    let w = c.w;
    sent.map(|s| {
        let mut lines = vec![fill(&w.send.sent, &[("time", &s.at)])];
        if !s.consent_to_call {
            lines.push(w.send.sent_no_consent.clone());
        }
        lines.push(w.send.sent_reminder.clone());
        lines
    })
}

/// The form that sends the check-in to the clinic, from "see today" up and until it is
/// sent: as it came back refused, or empty.
fn send_form(
    d: Disposition,
    sent: Option<&Sent>,
    c: &Ctx,
    send: Option<SendForm>,
) -> Option<SendForm> {
    if d < Disposition::SeeToday || sent.is_some() {
        return None;
    }
    let mut form = send.unwrap_or(SendForm {
        title: String::new(),
        name: String::new(),
        phone: String::new(),
        consent: false,
        problems: Vec::new(),
    });
    form.title = if d >= Disposition::GoToEdNow {
        c.w.send.title_after.clone()
    } else {
        c.w.send.title.clone()
    };
    Some(form)
}

/// A phone number as people write one: digits with spaces, dashes, dots, brackets and a
/// leading plus; at least 6 digits.
fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    digits >= 6
        && phone.chars().count() <= 32
        && phone
            .chars()
            .enumerate()
            .all(|(i, ch)| ch.is_ascii_digit() || " -.()".contains(ch) || (ch == '+' && i == 0))
}

/// Sends the check-in: name and phone checked, then stored and committed with its audit
/// entry before the page says "sent".
pub async fn send(State(web): State<Arc<Web>>, headers: HeaderMap, body: Bytes) -> Response {
    if super::cross_site(&headers) {
        return super::refused_cross_site(&web);
    }
    let (id, mut draft) = match load(&web, &headers).await {
        Ok(Some(found)) => found,
        Ok(None) => return see_other("/"),
        Err(r) => return r,
    };
    let mut c = web.ctx();
    let w = c.w;
    if c.next(&draft) != Step::Result || draft.sent.is_some() {
        return see_other(&c.next(&draft).path());
    }
    let sender = read_sender(&Form::parse(&body), w);
    let outcome = match c.facts(&draft).outcome() {
        Ok(o) => o,
        Err(e) => return store_trouble(&web, &e.to_string()),
    };
    if outcome.assessment.disposition < Disposition::SeeToday {
        return see_other(&Step::Result.path());
    }
    if !sender.problems.is_empty() {
        return page(&web, draft, &mut c, Some(sender)).await;
    }
    let SendForm {
        name,
        phone,
        consent,
        ..
    } = sender;
    let answers = serde_json::json!({ "answers": outcome.answers, "case": outcome.input });
    let (Ok(answers), Ok(result)) = (
        serde_json::to_string(&answers),
        serde_json::to_string(&outcome.assessment),
    ) else {
        return store_trouble(&web, "the check-in could not be written as JSON");
    };
    let store = match web.store.get().await {
        Ok(s) => s,
        Err(e) => return store_trouble(&web, &e),
    };
    let sent_at = Utc::now();
    let checkin = crate::store::NewCheckin {
        answers,
        result,
        disposition: outcome.assessment.disposition.code().to_string(),
        urgency: outcome.assessment.disposition.urgency(),
        rule_set_name: outcome.assessment.rule_set.name.clone(),
        rule_set_version: outcome.assessment.rule_set.version.clone(),
        patient_name: name,
        phone,
        consent_to_call: consent,
        started_at: draft
            .begun_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map_or(sent_at, |t| t.with_timezone(&Utc)),
        sent_at,
    };
    let checkin_id = match store.send_checkin(&id, checkin).await {
        Ok(id) => id,
        Err(e) => return store_trouble(&web, &e.to_string()),
    };
    // The check-in is committed; the draft now only remembers that it was sent, for the
    // page. Losing this note loses no check-in.
    draft.sent = Some(Sent {
        checkin: checkin_id,
        at: c.now.format("%H:%M").to_string(),
        consent_to_call: consent,
    });
    if let Err(r) = save(&web, &id, &draft).await {
        return r;
    }
    see_other(&Step::Result.path())
}

/// The send form as posted: the name and phone checked, the consent read; what is wrong
/// is in its `problems`, and nothing typed is lost.
fn read_sender(form: &Form, w: &Words) -> SendForm {
    let mut problems = Vec::new();
    let mut field = |name: &str, max: usize, missing: &str, invalid: &str| -> String {
        let value = match form.one(name, w) {
            Ok(v) => v.unwrap_or("").to_string(),
            Err(p) => {
                problems.push(p);
                return String::new();
            }
        };
        match form::text(&value, name, max, w) {
            Ok(v) if v.is_empty() => {
                problems.push(Problem::new(name, missing));
                v
            }
            Ok(v) => v,
            Err(_) => {
                problems.push(Problem::new(name, invalid));
                value
            }
        }
    };
    let name = field("name", 100, &w.send.name_missing, &w.send.name_invalid);
    let phone = field("phone", 32, &w.send.phone_missing, &w.send.phone_invalid);
    if let Err(p) = form.only(&["name", "phone", "consent"], w) {
        problems.push(p);
    }
    if !phone.is_empty() && !phone_ok(&phone) && !problems.iter().any(|p| p.field == "phone") {
        problems.push(Problem::new("phone", w.send.phone_invalid.clone()));
    }
    let consent = match form.one("consent", w) {
        Ok(None) => false,
        Ok(Some("yes")) => true,
        Ok(Some(other)) => {
            problems.push(Problem::new(
                "consent",
                fill(
                    &w.problems.unknown_choice,
                    &[("value", &form::shown(other))],
                ),
            ));
            false
        }
        Err(p) => {
            problems.push(p);
            false
        }
    };
    SendForm {
        title: String::new(),
        name,
        phone,
        consent,
        problems,
    }
}

/// The signs asked after an emergency-department sign, below its instruction: the
/// questions stopped at the sign (the instruction comes at once), but a sign that would make
/// it an emergency in combination is still worth a tick. Each shown sign is answered: ticked
/// yes, the rest no.
pub async fn more(State(web): State<Arc<Web>>, headers: HeaderMap, body: Bytes) -> Response {
    if super::cross_site(&headers) {
        return super::refused_cross_site(&web);
    }
    let (id, mut draft) = match load(&web, &headers).await {
        Ok(Some(found)) => found,
        Ok(None) => return see_other("/"),
        Err(r) => return r,
    };
    let c = web.ctx();
    let Ok(o) = c.facts(&draft).outcome() else {
        return see_other(&Step::Result.path());
    };
    let back = super::steps::previous(Step::Result, &draft, &c);
    let page = result_page(&o, back, draft.sent.as_ref(), &c, None);
    let shown: Vec<&str> = page.more.iter().map(|i: &CheckItem| i.value).collect();
    let shown_risks: Vec<&str> = page
        .more_risks
        .iter()
        .map(|i: &CheckItem| i.value)
        .collect();
    if c.next(&draft) != Step::Result || (shown.is_empty() && shown_risks.is_empty()) {
        return see_other(&c.next(&draft).path());
    }
    let form = Form::parse(&body);
    let refuse = move |problem: Problem| {
        let mut page = page;
        page.l.problems = vec![problem];
        html(
            StatusCode::UNPROCESSABLE_ENTITY,
            page.render().unwrap_or_default(),
        )
    };
    if let Err(p) = form.only(&["signs", "risk_factors"], c.w) {
        return refuse(p);
    }
    // The values of one list, each one the page showed.
    let ticked = |field: &str, shown: &[&str]| -> Result<Vec<String>, Problem> {
        let values = form.values(field);
        match values.iter().find(|v| !shown.contains(v)) {
            Some(bad) => Err(Problem::new(
                super::form::first_id(field, shown),
                fill(
                    &c.w.problems.unknown_choice,
                    &[("value", &form::shown(bad))],
                ),
            )),
            None => Ok(values.into_iter().map(str::to_string).collect()),
        }
    };
    let (signs, risks) = match (
        ticked("signs", &shown),
        ticked("risk_factors", &shown_risks),
    ) {
        (Ok(signs), Ok(risks)) => (signs, risks),
        (Err(p), _) | (_, Err(p)) => return refuse(p),
    };
    record_checklist(&mut draft.answers.signs, &shown, &signs);
    record_checklist(&mut draft.answers.risk_factors, &shown_risks, &risks);
    if let Err(r) = save(&web, &id, &draft).await {
        return r;
    }
    see_other(&Step::Result.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_as_people_write_them() {
        for ok in [
            "07700 900123",
            "+44 (0)20 7946 0000",
            "020-7946-0000",
            "555.123.4567",
        ] {
            assert!(phone_ok(ok), "{ok}");
        }
        for bad in [
            "12345",
            "call me",
            "0770+0900123",
            "07700 900123 ext. 4 please call",
        ] {
            assert!(!phone_ok(bad), "{bad}");
        }
    }
}
