//! Each question page: what it shows (with the answers given so far ticked) and what its
//! form changes in the draft. Rendering and reading are pure: the clock and the rules come
//! in, the store stays in `mod.rs`.

use askama::Template;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

use super::flow::{self, Draft, Step};
use super::form::{self, Form};
use super::frame::Frame;
use super::pages::*;
use super::words::{fill, Words};
use crate::questionnaire::{label, sign_words, SignState, Started, SymptomAnswer, TrendAnswer};
use aftercare_core::model::Severity;
use aftercare_core::rules::RuleSet;

/// What a page needs to be drawn or read.
pub struct Ctx<'a> {
    pub w: &'static Words,
    pub rules: &'a RuleSet,
    pub frame: &'a Frame,
    pub now: DateTime<FixedOffset>,
    /// What a page asks of the evaluation, worked out once for one draft: a page asks it
    /// several times (its back link, its checks, its list). A new draft, a new `Ctx`.
    pub known: flow::Known,
}

impl Ctx<'_> {
    pub fn new<'a>(
        w: &'static Words,
        rules: &'a RuleSet,
        frame: &'a Frame,
        now: DateTime<FixedOffset>,
    ) -> Ctx<'a> {
        Ctx {
            w,
            rules,
            frame,
            now,
            known: flow::Known::default(),
        }
    }

    /// What is known of `draft`, the draft this `Ctx` is for.
    pub fn facts<'a>(&'a self, draft: &'a Draft) -> flow::Facts<'a> {
        flow::Facts::new(draft, self.rules, self.now, &self.known)
    }

    /// [`flow::Facts::next`] of `draft`, the draft this `Ctx` is for.
    pub fn next(&self, draft: &Draft) -> Step {
        self.facts(draft).next()
    }

    /// [`flow::Facts::about_you`] of `draft`.
    pub fn about_you<'a>(&'a self, draft: &'a Draft) -> &'a [String] {
        self.facts(draft).about_you()
    }
}

/// The page before this one, for the back link: the step before it in the order this
/// person's answers take.
pub fn previous(step: Step, draft: &Draft, c: &Ctx) -> Option<String> {
    if step == Step::Emergency {
        return Some("/".into());
    }
    let facts = c.facts(draft);
    // Whether a page is in this person's order. Asked only of the pages the walk below
    // reaches: "something else" and "about you" need the next question and the open risk
    // factors, which a page early in the order does not.
    let in_order = |s: Step| match s {
        Step::Other => draft.other_description.is_some() || facts.next() == Step::Other,
        Step::Details(n) => n >= 1 && n <= draft.symptom_order.len(),
        Step::AboutYou => !c.about_you(draft).is_empty(),
        Step::Result => false,
        _ => true,
    };
    let mut every = vec![
        Step::Emergency,
        Step::Urgent,
        Step::When,
        Step::SameDay,
        Step::Symptoms,
        Step::Other,
    ];
    every.extend((1..=draft.symptom_order.len()).map(Step::Details));
    every.extend([Step::AboutYou, Step::Repeat, Step::Answers]);
    let before = if step == Step::Result {
        // After a stop, back is the page of the sign that stopped it.
        &every[..]
    } else {
        if !in_order(step) {
            return None;
        }
        &every[..every.iter().position(|s| *s == step)?]
    };
    before
        .iter()
        .rev()
        .copied()
        .filter(|s| in_order(*s))
        .find(|s| facts.may_show(*s))
        .map(Step::path)
}

fn layout(c: &Ctx, title: &str, step: Step, draft: &Draft, problems: Vec<Problem>) -> Layout {
    let mut l = Layout::new(c.w, &c.frame.footers, title, previous(step, draft, c));
    l.problems = problems;
    l
}

/// The ids of a sign page and its words.
fn sign_page(step: Step, c: &Ctx) -> (Vec<String>, &'static str, &'static str) {
    let w = c.w;
    let ids = match step {
        Step::Emergency => flow::emergency_signs(c.rules),
        Step::Urgent => flow::urgent_signs(c.rules),
        _ => flow::same_day_signs(c.rules),
    };
    let (title, hint) = match step {
        Step::Emergency => (&w.emergency.title, &w.emergency.hint),
        Step::Urgent => (&w.urgent.title, &w.urgent.hint),
        _ => (&w.same_day.title, &w.same_day.hint),
    };
    (
        ids.into_iter().map(str::to_string).collect(),
        title.as_str(),
        hint.as_str(),
    )
}

/// Draws a question page. A refused form comes back with its `problems` and shows what was
/// `posted` (nothing typed or ticked is lost); otherwise the answers so far are shown.
pub fn render(
    step: Step,
    draft: &Draft,
    c: &Ctx,
    problems: Vec<Problem>,
    posted: Option<&Form>,
) -> String {
    let page = Drawing {
        step,
        draft,
        c,
        posted,
    };
    let out = match step {
        Step::Emergency | Step::Urgent | Step::SameDay => page.signs(problems),
        Step::When => page.when(problems),
        Step::Symptoms => page.symptoms(problems),
        Step::Other => page.other(problems),
        Step::Details(n) => page.details(n, problems),
        Step::AboutYou => page.about_you(problems),
        Step::Repeat => page.repeat(problems),
        Step::Answers => AnswersPage {
            l: layout(c, &c.w.answers.title, step, draft, problems),
            rows: summary_rows(draft, c),
        }
        .render(),
        Step::Result => Ok(String::new()),
    };
    // A template that cannot render is a build defect; the page says so plainly.
    out.unwrap_or_else(|e| format!("<!doctype html><title>Error</title><p>{}</p>", e))
}

/// One question page being drawn: its step, the answers so far, and the form that came
/// back refused, if one did.
struct Drawing<'a> {
    step: Step,
    draft: &'a Draft,
    c: &'a Ctx<'a>,
    posted: Option<&'a Form>,
}

impl<'a> Drawing<'a> {
    /// Whether `value` of `field` was ticked in the refused form (`None`: no form came
    /// back, the answers so far say).
    fn was_posted(&self, field: &str, value: &str) -> Option<bool> {
        self.posted.map(|f| f.values(field).contains(&value))
    }

    /// What was typed in `name` in the refused form.
    fn typed(&self, name: &str) -> Option<String> {
        self.posted
            .and_then(|f| f.values(name).first().map(|v| v.to_string()))
    }

    fn layout(&self, title: &str, problems: Vec<Problem>) -> Layout {
        layout(self.c, title, self.step, self.draft, problems)
    }

    /// A page of one checklist with "None of these", ticked as posted or, when nothing
    /// came back, as `none` says of the answers so far.
    fn checklist(
        &self,
        field: &'static str,
        title: &'a str,
        hint: &'a str,
        items: Vec<CheckItem<'a>>,
        none: bool,
        problems: Vec<Problem>,
    ) -> askama::Result<String> {
        ChecklistPage {
            l: self.layout(title, problems),
            action: self.step.path(),
            field,
            heading: title,
            hint,
            none_checked: self.was_posted(field, "none").unwrap_or(none),
            items,
        }
        .render()
    }

    /// A page of signs: the emergency signs, the emergency-department signs, or those to
    /// have checked today.
    fn signs(&self, problems: Vec<Problem>) -> askama::Result<String> {
        let a = &self.draft.answers;
        let (_, title, hint) = sign_page(self.step, self.c);
        let choices = self.c.frame.signs_of(self.step);
        let answered = choices
            .iter()
            .all(|b| a.signs.iter().any(|s| s.id == b.value));
        let yes = |id: &str| {
            a.signs
                .iter()
                .any(|s| s.id == id && s.answer == SignState::Yes)
        };
        let items = choices
            .iter()
            .map(|b| {
                b.item(
                    self.was_posted("signs", &b.value)
                        .unwrap_or_else(|| yes(&b.value)),
                )
            })
            .collect::<Vec<_>>();
        let none = answered && !items.iter().any(|i| i.checked);
        self.checklist("signs", title, hint, items, none, problems)
    }

    /// When the treatment was: a date, and a time if known.
    fn when(&self, problems: Vec<Problem>) -> askama::Result<String> {
        let c = self.c;
        let (date, time) = match &self.draft.answers.treatment {
            Some(t) => (
                t.at.format("%Y-%m-%d").to_string(),
                if t.time_given {
                    t.at.format("%H:%M").to_string()
                } else {
                    String::new()
                },
            ),
            None => (String::new(), String::new()),
        };
        WhenPage {
            l: self.layout(&c.w.when.title, problems),
            date: self.typed("treated_on").unwrap_or(date),
            time: self.typed("treated_time").unwrap_or(time),
            max: c.now.format("%Y-%m-%d").to_string(),
            confirm: self.posted.and_then(|f| when_confirm(f, c)),
        }
        .render()
    }

    /// What the person notices: the expected reactions and "something else".
    fn symptoms(&self, problems: Vec<Problem>) -> askama::Result<String> {
        let (w, draft) = (self.c.w, self.draft);
        let items = self
            .c
            .frame
            .symptoms
            .iter()
            .map(|b| {
                b.item(
                    self.was_posted("symptoms", &b.value)
                        .unwrap_or_else(|| draft.symptom_order.contains(&b.value)),
                )
            })
            .collect::<Vec<_>>();
        let none = draft.answers.symptoms_asked && draft.symptom_order.is_empty();
        let (title, hint) = (&w.symptoms.title, &w.symptoms.hint);
        self.checklist("symptoms", title, hint, items, none, problems)
    }

    /// "Something else", in the person's words.
    fn other(&self, problems: Vec<Problem>) -> askama::Result<String> {
        OtherPage {
            l: self.layout(&self.c.w.other.title, problems),
            value: self
                .typed("other_description")
                .or_else(|| self.draft.other_description.clone())
                .unwrap_or_default(),
        }
        .render()
    }

    /// The details of the `n`-th symptom ticked.
    fn details(&self, n: usize, problems: Vec<Problem>) -> askama::Result<String> {
        let (rules, draft) = (self.c.rules, self.draft);
        let id = draft.symptom_order.get(n - 1).cloned().unwrap_or_default();
        let name = match (&draft.other_description, rules.other.as_ref()) {
            (Some(words), Some(o)) if o.id == id => {
                format!("{}: \u{201c}{words}\u{201d}", label(rules, &id))
            }
            _ => label(rules, &id),
        };
        let was = draft.answers.symptoms.iter().find(|s| s.id == id);
        QuestionsPage {
            l: self.layout(&name, problems),
            action: self.step.path(),
            title: Some(name.clone()),
            groups: detail_groups(&id, was, draft, self.c, self.posted),
        }
        .render()
    }

    /// The risk factors whose yes could still change the answer (and those answered).
    fn about_you(&self, problems: Vec<Problem>) -> askama::Result<String> {
        let (w, a) = (self.c.w, &self.draft.answers);
        let ids = self.c.about_you(self.draft);
        let items = self
            .c
            .frame
            .risk_factors
            .iter()
            .filter(|b| ids.contains(&b.value))
            .map(|b| {
                b.item(
                    self.was_posted("risk_factors", &b.value)
                        .unwrap_or_else(|| {
                            a.risk_factors
                                .iter()
                                .any(|x| x.id == b.value && x.answer == SignState::Yes)
                        }),
                )
            })
            .collect::<Vec<_>>();
        let answered = ids
            .iter()
            .all(|id| a.risk_factors.iter().any(|r| r.id == *id));
        let none = answered && !items.iter().any(|i| i.checked);
        let (title, hint) = (&w.about_you.title, &w.about_you.hint);
        self.checklist("risk_factors", title, hint, items, none, problems)
    }

    /// Whether the person has been in touch about this treatment before.
    fn repeat(&self, problems: Vec<Problem>) -> askama::Result<String> {
        let w = self.c.w;
        let posted_value = self.typed("repeat_contact");
        let checked = posted_value
            .as_deref()
            .or(self
                .draft
                .answers
                .repeat_contact
                .map(|y| if y { "yes" } else { "no" }));
        let mut group = RadioGroup::new(
            "repeat_contact",
            &w.repeat.title,
            &[("yes", &w.repeat.yes), ("no", &w.repeat.no)],
            checked,
        );
        group.heading = true;
        QuestionsPage {
            l: self.layout(&w.repeat.title, problems),
            action: self.step.path(),
            title: None,
            groups: vec![group],
        }
        .render()
    }
}

/// The whole days since the treatment ("today" in day numbers).
fn today(draft: &Draft, now: DateTime<FixedOffset>) -> u32 {
    draft.answers.elapsed(now).days.floor().max(0.0) as u32
}

/// The most start days offered one by one; earlier days are still accepted as a number.
const START_DAYS_SHOWN: u32 = 14;

fn detail_groups(
    id: &str,
    was: Option<&SymptomAnswer>,
    draft: &Draft,
    c: &Ctx,
    posted: Option<&Form>,
) -> Vec<RadioGroup> {
    let w = c.w;
    // What was sent with a refused form, else the answer being changed.
    let pick = |field: String, before: Option<String>| -> Option<String> {
        match posted {
            Some(f) => f.values(&field).first().map(|v| v.to_string()),
            None => before,
        }
    };
    let d = &w.details;
    let mut groups = vec![RadioGroup::new(
        &format!("severity-{id}"),
        &d.severity,
        &[
            ("mild", &d.mild),
            ("moderate", &d.moderate),
            ("severe", &d.severe),
        ],
        pick(
            format!("severity-{id}"),
            was.map(|s| s.severity.code().to_string()),
        )
        .as_deref(),
    )];
    let today = today(draft, c.now);
    let trend_legend = if draft.answers.days(c.now) < 1.0 {
        &d.trend_day0
    } else {
        &d.trend_day
    };
    groups.push(RadioGroup::new(
        &format!("trend-{id}"),
        trend_legend,
        &[
            ("improving", &d.improving),
            ("stable", &d.stable),
            ("worsening", &d.worsening),
            ("unsure", &d.unsure),
        ],
        pick(
            format!("trend-{id}"),
            was.map(|s| match s.trend {
                TrendAnswer::NotSure => "unsure".to_string(),
                t => t.key().to_string(),
            }),
        )
        .as_deref(),
    ));
    if crate::questionnaire::start_is_asked(c.rules, id, draft.answers.days(c.now)) {
        let mut choices: Vec<(String, String)> = vec![
            ("treatment".into(), d.since_treatment.clone()),
            ("0".into(), d.later_treatment_day.clone()),
        ];
        for day in today.saturating_sub(START_DAYS_SHOWN - 1).max(1)..=today {
            let n = day.to_string();
            let words = if day == today {
                fill(&d.day_today, &[("day", &n)])
            } else if day + 1 == today {
                fill(&d.day_yesterday, &[("day", &n)])
            } else {
                fill(&d.day, &[("day", &n)])
            };
            choices.push((n, words));
        }
        choices.push(("unsure".into(), d.started_unsure.clone()));
        let checked = pick(
            format!("started-{id}"),
            was.map(|s| match s.started {
                Started::Day(0) => "treatment".to_string(),
                Started::Day(n) => n.to_string(),
                Started::LaterOnTreatmentDay => "0".to_string(),
                Started::NotSure => "unsure".to_string(),
            }),
        );
        let refs: Vec<(&str, &str)> = choices
            .iter()
            .map(|(v, l)| (v.as_str(), l.as_str()))
            .collect();
        let mut group = RadioGroup::new(
            &format!("started-{id}"),
            &d.started,
            &refs,
            checked.as_deref(),
        );
        group.hint = Some(d.started_hint.clone());
        groups.push(group);
    }
    groups
}

/// "Check your answers": one row per answer, each with the page that changes it.
pub fn summary_rows(draft: &Draft, c: &Ctx) -> Vec<SummaryRow> {
    let w = c.w;
    let rules = c.rules;
    let a = &draft.answers;
    let yes_of = |ids: &[&str]| -> Vec<String> {
        a.positive_signs()
            .filter(|id| ids.contains(id))
            .map(|id| sign_words(rules, id))
            .collect()
    };
    let or_none = |v: Vec<String>| {
        if v.is_empty() {
            vec![w.answers.none.clone()]
        } else {
            v
        }
    };
    let mut danger = yes_of(&flow::emergency_signs(rules));
    danger.extend(yes_of(&flow::urgent_signs(rules)));
    let mut rows = vec![SummaryRow {
        key: w.answers.danger.clone(),
        lines: or_none(danger),
        change: Step::Emergency.path(),
    }];
    if let Some(t) = &a.treatment {
        let date = t.at.format("%A %-d %B %Y").to_string();
        let line = if t.time_given {
            format!("{date}, {}", t.at.format("%H:%M"))
        } else {
            fill(&w.answers.treatment_time_unknown, &[("date", &date)])
        };
        rows.push(SummaryRow {
            key: w.answers.treatment.clone(),
            lines: vec![line],
            change: Step::When.path(),
        });
    }
    rows.push(SummaryRow {
        key: w.answers.same_day.clone(),
        lines: or_none(yes_of(&flow::same_day_signs(rules))),
        change: Step::SameDay.path(),
    });
    let listed: Vec<String> = draft
        .symptom_order
        .iter()
        .map(
            |id| match (&draft.other_description, rules.other.as_ref()) {
                (Some(words), Some(o)) if &o.id == id => {
                    format!("{}: \u{201c}{words}\u{201d}", label(rules, id))
                }
                _ => label(rules, id),
            },
        )
        .collect();
    rows.push(SummaryRow {
        key: w.answers.symptoms.clone(),
        lines: or_none(listed),
        change: Step::Symptoms.path(),
    });
    for (i, id) in draft.symptom_order.iter().enumerate() {
        if let Some(s) = a.symptoms.iter().find(|s| &s.id == id) {
            rows.push(SummaryRow {
                key: label(rules, id),
                lines: vec![detail_words(s, c)],
                change: Step::Details(i + 1).path(),
            });
        }
    }
    if !a.risk_factors.is_empty() {
        let yes: Vec<String> = a
            .risk_factors
            .iter()
            .filter(|r| r.answer == SignState::Yes)
            .map(|r| label(rules, &r.id))
            .collect();
        rows.push(SummaryRow {
            key: w.answers.about_you.clone(),
            lines: or_none(yes),
            change: Step::AboutYou.path(),
        });
    }
    if let Some(r) = a.repeat_contact {
        rows.push(SummaryRow {
            key: w.answers.repeat.clone(),
            lines: vec![if r {
                w.answers.yes.clone()
            } else {
                w.answers.no.clone()
            }],
            change: Step::Repeat.path(),
        });
    }
    rows
}

/// "Mild, getting better, since the treatment", in the words of the details page.
fn detail_words(s: &SymptomAnswer, c: &Ctx) -> String {
    let d = &c.w.details;
    let severity = match s.severity {
        Severity::Mild => &d.mild,
        Severity::Moderate => &d.moderate,
        Severity::Severe => &d.severe,
    };
    let severity = severity.split(':').next().unwrap_or(severity);
    let trend = match s.trend {
        TrendAnswer::Improving => &d.improving,
        TrendAnswer::Stable => &d.stable,
        TrendAnswer::Worsening => &d.worsening,
        TrendAnswer::NotSure => &d.unsure,
    };
    let started = match s.started {
        Started::Day(0) => d.since_treatment.clone(),
        Started::Day(n) => fill(&d.day, &[("day", &n.to_string())]),
        Started::LaterOnTreatmentDay => d.later_treatment_day.clone(),
        Started::NotSure => d.started_unsure.clone(),
    };
    format!(
        "{severity}; {}; {}: {started}",
        trend.to_lowercase(),
        d.started.trim_end_matches('?')
    )
}

/// What a form posted to a page changes; `Err` with the problems when it is refused (the
/// draft is then unchanged).
pub fn accept(step: Step, form: &Form, draft: &mut Draft, c: &Ctx) -> Result<(), Vec<Problem>> {
    let w = c.w;
    let rules = c.rules;
    let other_id = rules.other.as_ref().map(|o| o.id.clone());
    match step {
        Step::Emergency | Step::Urgent | Step::SameDay => {
            let (ids, _, _) = sign_page(step, c);
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let ticked = form::checklist(form, "signs", &ids, w).map_err(|p| vec![p])?;
            flow::record_signs(&mut draft.answers, &ids, &ticked);
        }
        Step::When => {
            form.only(&["treated_on", "treated_time", "date_confirmed"], w)
                .map_err(|p| vec![p])?;
            let treatment = read_when(form, c)?;
            let before = draft
                .answers
                .treatment
                .as_ref()
                .map(|_| draft.answers.days(c.now));
            draft.answers.treatment = Some(treatment);
            flow::recheck_start_days(draft, rules, before, c.now);
        }
        Step::Symptoms => {
            let choices = flow::symptom_choices(rules);
            let ticked = form::checklist(form, "symptoms", &choices, w).map_err(|p| vec![p])?;
            flow::record_symptoms(draft, ticked, other_id.as_deref());
        }
        Step::Other => {
            form.only(&["other_description"], w).map_err(|p| vec![p])?;
            let raw = form
                .one("other_description", w)
                .map_err(|p| vec![p])?
                .unwrap_or("")
                .replace(['\r', '\n'], " ");
            let words = form::text(&raw, "other_description", 500, w).map_err(|p| vec![p])?;
            if words.is_empty() {
                return Err(vec![Problem::new(
                    "other_description",
                    w.other.missing.clone(),
                )]);
            }
            draft.other_description = Some(words.clone());
            if let Some(s) = draft
                .answers
                .symptoms
                .iter_mut()
                .find(|s| Some(&s.id) == other_id.as_ref())
            {
                s.description = Some(words);
            }
        }
        Step::Details(n) => {
            let Some(id) = draft.symptom_order.get(n.wrapping_sub(1)).cloned() else {
                return Err(vec![Problem::new("main", w.problems.not_found.clone())]);
            };
            let answer = read_details(form, &id, draft, c)?;
            flow::record_details(draft, answer, other_id.as_deref());
        }
        Step::AboutYou => {
            let ids = flow::about_you(draft, rules, c.now);
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let ticked = form::checklist(form, "risk_factors", &refs, w).map_err(|p| vec![p])?;
            crate::questionnaire::record_checklist(&mut draft.answers.risk_factors, &refs, &ticked);
        }
        Step::Repeat => {
            form.only(&["repeat_contact"], w).map_err(|p| vec![p])?;
            let answer = form::choice(form, "repeat_contact", &["yes", "no"], &w.repeat.missing, w)
                .map_err(|p| vec![p])?;
            draft.answers.repeat_contact = Some(answer == "yes");
        }
        Step::Answers => {
            form.only(&[], w).map_err(|p| vec![p])?;
            draft.confirmed = true;
            return Ok(());
        }
        Step::Result => return Ok(()),
    }
    // Any change of an answer is checked again before the result.
    draft.confirmed = false;
    Ok(())
}

/// The treatment date and optional time, read in the server's time zone as the terminal's
/// calendar reads them; a date far back is checked with the person first.
fn read_when(form: &Form, c: &Ctx) -> Result<crate::questionnaire::Treatment, Vec<Problem>> {
    let w = c.w;
    let one = |name| form.one(name, w).map_err(|p| vec![p]);
    let date = one("treated_on")?
        .ok_or_else(|| vec![Problem::new("treated_on", w.when.date_missing.clone())])?;
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| vec![Problem::new("treated_on", w.when.date_invalid.clone())])?;
    let time = match one("treated_time")? {
        None => None,
        Some(t) => Some(
            NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(t.trim(), "%H:%M:%S"))
                .map_err(|_| vec![Problem::new("treated_time", w.when.time_invalid.clone())])?,
        ),
    };
    let treatment = crate::questionnaire::treatment_on(day, time, c.now).map_err(|m| {
        let field = if m.contains("time") {
            "treated_time"
        } else {
            "treated_on"
        };
        vec![Problem::new(field, crate::output::text::capitalise(&m))]
    })?;
    // As the terminal asks "is that right?" of a date long ago.
    if let Some(doubt) = aftercare_core::when::second_look(&treatment.as_given, c.now) {
        if one("date_confirmed")? != Some("yes") {
            return Err(vec![Problem::new(
                "treated_on",
                fill(
                    &w.when.confirm_needed,
                    &[("doubt", &crate::output::text::capitalise(&doubt))],
                ),
            )]);
        }
    }
    Ok(treatment)
}

/// The "is that right?" box of the date page, shown with the problem that asks it.
pub fn when_confirm(form: &Form, c: &Ctx) -> Option<String> {
    let date = form.one("treated_on", c.w).ok()??;
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    aftercare_core::when::second_look(&day.format("%Y-%m-%d").to_string(), c.now)?;
    Some(fill(
        &c.w.when.confirm,
        &[("date", &day.format("%A %-d %B %Y").to_string())],
    ))
}

fn read_details(
    form: &Form,
    id: &str,
    draft: &Draft,
    c: &Ctx,
) -> Result<SymptomAnswer, Vec<Problem>> {
    let w = c.w;
    let d = &w.details;
    let (sev, trend, start) = (
        format!("severity-{id}"),
        format!("trend-{id}"),
        format!("started-{id}"),
    );
    form.only(&[&sev, &trend, &start], w).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let unknown = |field: &str, v: &str| {
        Problem::new(
            field,
            fill(&w.problems.unknown_choice, &[("value", &form::shown(v))]),
        )
    };
    let mut one = |field: &str, missing: &str| match form.one(field, w) {
        Ok(Some(v)) => Some(v.to_string()),
        Ok(None) => {
            problems.push(Problem::new(field, missing));
            None
        }
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let severity = one(&sev, &d.severity_missing);
    let trend_value = one(&trend, &d.trend_missing);
    let today = today(draft, c.now);
    let started_value =
        if crate::questionnaire::start_is_asked(c.rules, id, draft.answers.days(c.now)) {
            one(&start, &d.started_missing)
        } else {
            Some("treatment".to_string())
        };
    let severity = severity.and_then(|v| {
        let s = Severity::ALL.into_iter().find(|s| s.code() == v);
        if s.is_none() {
            problems.push(unknown(&sev, &v));
        }
        s
    });
    let trend_answer = trend_value.and_then(|v| {
        let t = match v.as_str() {
            "improving" => Some(TrendAnswer::Improving),
            "stable" => Some(TrendAnswer::Stable),
            "worsening" => Some(TrendAnswer::Worsening),
            // Read as stable, never as improving (the questionnaire's own rule).
            "unsure" => Some(TrendAnswer::NotSure),
            _ => None,
        };
        if t.is_none() {
            problems.push(unknown(&trend, &v));
        }
        t
    });
    let started = started_value.and_then(|v| {
        let s = match v.as_str() {
            "treatment" => Some(Started::Day(0)),
            "0" => Some(Started::LaterOnTreatmentDay),
            "unsure" => Some(Started::NotSure),
            n => n
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= today)
                .map(Started::Day),
        };
        if s.is_none() {
            problems.push(unknown(&start, &v));
        }
        s
    });
    match (severity, trend_answer, started) {
        (Some(severity), Some(trend), Some(started)) if problems.is_empty() => Ok(SymptomAnswer {
            id: id.to_string(),
            severity,
            trend,
            started,
            description: None,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::words::english;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-12-06T12:00:00+00:00").unwrap()
    }

    /// A draft answered up to the symptoms page, treated on 4 December.
    fn at_symptoms(rules: &RuleSet) -> Draft {
        let mut d = Draft::default();
        flow::record_signs(&mut d.answers, &flow::emergency_signs(rules), &[]);
        flow::record_signs(&mut d.answers, &flow::urgent_signs(rules), &[]);
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        d.answers.treatment = Some(crate::questionnaire::treatment_on(day, None, now()).unwrap());
        flow::record_signs(&mut d.answers, &flow::same_day_signs(rules), &[]);
        d
    }

    /// Every field of the contract, wrong, is refused with a message naming what is wrong,
    /// and leaves the draft as it was.
    #[test]
    fn every_field_refuses_a_wrong_value_with_a_clear_message() {
        let rules = RuleSet::built_in();
        let frame = Frame::new(english(), &rules);
        let c = Ctx::new(english(), &rules, &frame, now());
        let mut base = at_symptoms(&rules);
        flow::record_symptoms(&mut base, vec!["redness".into()], Some("other"));
        let long = format!("other_description={}", "a".repeat(501));
        let cases: Vec<(Step, String, &str, &str)> = vec![
            (
                Step::Emergency,
                "signs=rash_of_my_own".into(),
                "signs-",
                "not one of the choices",
            ),
            (
                Step::Emergency,
                "signs=none&signs=difficulty_breathing".into(),
                "signs-",
                "cannot go with",
            ),
            (Step::Urgent, "".into(), "signs-", "Tick each"),
            (
                Step::When,
                "treated_on=2026-12-07".into(),
                "treated_on",
                "future",
            ),
            (
                Step::When,
                "treated_on=7/12/2026".into(),
                "treated_on",
                "real date",
            ),
            (
                Step::When,
                "treated_on=".into(),
                "treated_on",
                "Enter the date",
            ),
            (
                Step::When,
                "treated_on=2026-12-06&treated_time=25:00".into(),
                "treated_time",
                "hours and minutes",
            ),
            (
                Step::When,
                "treated_on=2026-12-06&treated_time=13:00".into(),
                "treated_time",
                "later than now",
            ),
            (
                Step::When,
                "treated_on=2026-06-01".into(),
                "treated_on",
                "confirm",
            ),
            (
                Step::When,
                "treated_on=2026-12-04&hour=3".into(),
                "treated_on",
                "field it does not have",
            ),
            (
                Step::Symptoms,
                "symptoms=sunburn".into(),
                "symptoms-",
                "not one of the choices",
            ),
            (Step::Other, long, "other_description", "at most 500"),
            (
                Step::Other,
                "other_description=%20".into(),
                "other_description",
                "Describe",
            ),
            (
                Step::Other,
                "other_description=a%E2%80%AEb".into(),
                "other_description",
                "cannot be shown",
            ),
            (
                Step::Details(1),
                "severity-redness=awful&trend-redness=stable&started-redness=treatment".into(),
                "severity-redness",
                "'awful'",
            ),
            (
                Step::Details(1),
                "severity-redness=mild&trend-redness=up&started-redness=treatment".into(),
                "trend-redness",
                "'up'",
            ),
            (
                Step::Details(1),
                "severity-redness=mild&trend-redness=stable&started-redness=3".into(),
                "started-redness",
                "'3'",
            ),
            (
                Step::Details(1),
                "severity-redness=mild&trend-redness=stable".into(),
                "started-redness",
                "when it started",
            ),
            (
                Step::Details(1),
                "trend-redness=stable&started-redness=1".into(),
                "severity-redness",
                "how bad",
            ),
            (
                Step::Details(1),
                "severity-itching=mild".into(),
                "severity-redness",
                "field it does not have",
            ),
            (
                Step::Repeat,
                "repeat_contact=maybe".into(),
                "repeat_contact",
                "'maybe'",
            ),
            (Step::Repeat, "".into(), "repeat_contact", "yes or no"),
        ];
        for (step, body, field, says) in cases {
            let mut draft = base.clone();
            let form = Form::parse(body.as_bytes());
            let problems = accept(step, &form, &mut draft, &c)
                .expect_err(&format!("{step:?} {body:?} is refused"));
            assert!(
                problems
                    .iter()
                    .any(|p| p.field.starts_with(field) && p.message.contains(says)),
                "{step:?} {body:?}: {problems:?}"
            );
            assert_eq!(draft, base, "{step:?} {body:?} changed the draft");
            // The page drawn again shows the problem and keeps what was sent.
            let page = render(step, &draft, &c, problems, Some(&form));
            assert!(page.contains("There is a problem"), "{step:?}");
        }
    }

    #[test]
    fn a_date_far_back_is_taken_once_confirmed() {
        let rules = RuleSet::built_in();
        let frame = Frame::new(english(), &rules);
        let c = Ctx::new(english(), &rules, &frame, now());
        let mut draft = at_symptoms(&rules);
        let form = Form::parse(b"treated_on=2026-06-01&date_confirmed=yes");
        accept(Step::When, &form, &mut draft, &c).unwrap();
        assert_eq!(
            draft
                .answers
                .treatment
                .as_ref()
                .map(|t| t.as_given.as_str()),
            Some("2026-06-01")
        );
        let unconfirmed = Form::parse(b"treated_on=2026-06-01");
        let page = render(Step::When, &draft, &c, Vec::new(), Some(&unconfirmed));
        assert!(page.contains("date_confirmed"), "the page offers the box");
    }

    #[test]
    fn what_is_refused_is_shown_again_as_it_was_sent() {
        let rules = RuleSet::built_in();
        let frame = Frame::new(english(), &rules);
        let c = Ctx::new(english(), &rules, &frame, now());
        let draft = at_symptoms(&rules);
        let form = Form::parse(b"symptoms=none&symptoms=redness");
        let page = render(Step::Symptoms, &draft, &c, Vec::new(), Some(&form));
        assert!(page.contains(r#"value="redness" checked"#), "{page}");
        assert!(page.contains(r#"value="none" checked"#));
    }
}
