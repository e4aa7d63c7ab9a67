// The web check-in, driven in a real browser (Debian's chromium through playwright-core) by
// the field names of its contract (/work/shared/web.md, "The patient's check-in"). It does not
// know the pages: it recognises each page by its form fields and answers what a journey
// wants, so it runs against any implementation that keeps the contract.
//
//   node tests/browser/checkin.mjs [--bin target/debug/aftercare] [--only 2,7] [--verbose]
//                                  [--mock [FILE]]
//
// --only runs the journeys with those numbers (the checks on every page run on their pages).
// After the check-in journeys, the clinic inbox's tests (12-20, inbox.mjs) run against the
// same server and store; asking for any one of them runs the inbox journey they share.
// --verbose prints every page visited and what was answered on it.
// --mock serves tests/browser/fixtures/mock-checkin.mjs (or FILE, a node script taking the
// same `serve` arguments) instead of `aftercare serve`, to check this harness itself; the
// binary still answers `aftercare check` (the mock has no inbox: 12-20 run only with --only).
// Screenshots go to target/screenshots/ (or $SCREENSHOT_DIR).
// Exit code 0 when every test passes, 1 when one fails, 2 when it could not start.
//
// What the driver relies on beyond web.md (so that pages can be written to satisfy it):
// - Each question is the first <form> holding a field named as in web.md; its submit
//   button is a <button> (type submit or none) or <input type=submit> inside the form, and
//   submitting it navigates (a full page load). A form without visible fields and with a
//   submit button ("Check your answers", a start button) is submitted as it is, unless its
//   button says start again, restart, cancel, sign in/out. With no such form, a same-site
//   link worded "start", "begin", "continue" or "check" is followed.
// - Checkbox and radio values are the ids themselves; "none of these" is value `none`.
//   `started-ID` offers `treatment` and day numbers; `other_description` is an <input> or
//   <textarea>; the date is an <input type=date> typed as month, day, year (en-US locale).
// - A checkbox or radio that is visually hidden has an id and a <label for> to click.
// - The result page is the first page with an element [data-disposition]; the send form is
//   the form on it with a `phone` field; the page after sending contains the word "sent".
// - After a POST the next page is reached by a redirect (303), so that the back button
//   shows the previous question again and not a "resubmit the form?" error.
// - For the keyboard: every field and the submit button are reached by Tab in order; Space
//   ticks a checkbox, the arrow keys move a radio group, Enter on the button submits.
// - A page that shows the same URL and h1 three times in a row (an error) stops a journey.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, existsSync, accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { INBOX_TESTS, runInbox } from './inbox.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const AXE = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_LIMIT = 30;
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

// ---------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
function option(name) {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) die(`${name} needs a value`);
  return v;
}
function die(message) {
  console.error(`checkin.mjs: ${message}`);
  process.exit(2);
}
const BIN = path.resolve(option('--bin') || process.env.AFTERCARE_BIN || path.join(repo, 'target/debug/aftercare'));
const ONLY = (option('--only') || '').split(',').filter(Boolean).map(Number);
const MOCK = args.includes('--mock')
  ? path.resolve(args[args.indexOf('--mock') + 1]?.startsWith('--') === false ? args[args.indexOf('--mock') + 1] : path.join(here, 'fixtures', 'mock-checkin.mjs'))
  : null;
const VERBOSE = args.includes('--verbose');
const SHOTS = path.resolve(process.env.SCREENSHOT_DIR || path.join(repo, 'target', 'screenshots'));

// ---------------------------------------------------------------------------------------
// Tests and their report

const TESTS = {
  1: 'trouble breathing: the emergency result right after the sign page',
  2: 'a normal day 2: home care with the aftercare advice',
  3: 'fever on day 3: see today, sent to the clinic',
  4: 'something else, in words',
  5: 'a normal day 2 with JavaScript off',
  6: 'every page at 320 CSS px: no sideways scrolling, html[lang], one h1, labelled inputs',
  7: 'keyboard only: a normal day 2',
  8: 'the back button keeps the previous question',
  9: 'axe-core 4.14.1 (WCAG 2.0-2.2 A and AA) on every page',
  10: 'each result equals `aftercare check` for the same answers',
  11: 'screenshots of every page at 320 and 1280 CSS px',
  ...INBOX_TESTS,
};
const results = new Map(Object.keys(TESTS).map((n) => [Number(n), { failures: [], notes: [], ran: false }]));
function fail(n, message) {
  results.get(n).ran = true;
  results.get(n).failures.push(message);
}
// A failure found on many pages (6, 9) is reported once, with the pages it was found on.
function failOn(n, what, where) {
  results.get(n).ran = true;
  const grouped = (results.get(n).grouped ||= new Map());
  if (!grouped.has(what)) grouped.set(what, []);
  grouped.get(what).push(where);
}
function note(n, message) {
  results.get(n).notes.push(message);
}
function ran(n) {
  results.get(n).ran = true;
}
const wanted = (n) => ONLY.length === 0 || ONLY.includes(n);
// The check-ins sent to the clinic so far, in the order they were sent (the inbox tests
// read the order of the inbox against it).
const SENT = [];

// ---------------------------------------------------------------------------------------
// Dates: the pages read dates and times in the server's local time zone; the server is
// started by this process and inherits its TZ, so the local clock here is the server's.

const pad = (n, w = 2) => String(n).padStart(w, '0');
function localDate(daysAgo) {
  const d = new Date();
  d.setDate(d.getDate() - daysAgo);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
function localOffset(date, time) {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const minutes = -new Date(y, m - 1, d, hh, mm).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// ---------------------------------------------------------------------------------------
// The journeys: what a person answers. Sign and symptom ids are those of the built-in rule
// set (rules/default.toml; checked against `aftercare rules list` at start).

const OTHER_WORDS = 'A small hard lump under the skin of my jaw';
const normalDay2 = () => ({
  treated_on: localDate(2),
  signs: [],
  symptoms: [{ id: 'redness', severity: 'mild', trend: 'improving', started: 'treatment' }],
  risk_factors: [],
  repeat_contact: 'no',
});
const JOURNEYS = [
  {
    n: 1,
    key: 'trouble-breathing',
    answers: { treated_on: localDate(2), signs: ['difficulty_breathing'], symptoms: [], risk_factors: [], repeat_contact: 'no' },
    expect: 'call_emergency_now',
  },
  { n: 2, key: 'normal-day-2', answers: normalDay2(), expect: 'home_care' },
  {
    n: 3,
    key: 'fever-day-3',
    answers: {
      treated_on: localDate(3),
      treated_time: '09:30',
      signs: ['fever'],
      symptoms: [],
      risk_factors: [],
      repeat_contact: 'no',
      send: { name: `Robin Browser-${process.pid}`, phone: `+44 7700 9${pad(process.pid % 100000, 5)}`, consent: true },
    },
    expect: 'see_today',
  },
  {
    n: 4,
    key: 'something-else',
    answers: {
      treated_on: localDate(2),
      signs: [],
      symptoms: [{ id: 'other', description: OTHER_WORDS, severity: 'mild', trend: 'stable', started: 1 }],
      risk_factors: [],
      repeat_contact: 'no',
    },
    expect: 'see_within_3_days',
  },
  { n: 5, key: 'normal-day-2-no-js', answers: normalDay2(), expect: 'home_care', javaScript: false },
  { n: 7, key: 'keyboard-only', answers: normalDay2(), expect: 'home_care', keyboard: true },
  { n: 8, key: 'back-button', answers: normalDay2(), expect: 'home_care', backAfter: 2 },
];

// ---------------------------------------------------------------------------------------
// The server

async function startServer(storeFile, cwd) {
  const serveArgs = ['serve', '--listen', '127.0.0.1:0', '--store', `sqlite:${storeFile}`];
  const [cmd, cmdArgs] = MOCK
    ? [process.execPath, [MOCK, ...serveArgs, '--bin', BIN]]
    : [BIN, serveArgs];
  const child = spawn(cmd, cmdArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const log = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) if (line) log.push(line);
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout.on('data', keep);
  const base = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on http://…" on standard error within 30 s:\n${log.join('\n')}`)), 30_000);
    const onData = (chunk) => {
      keep(chunk);
      buffered += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
      const m = buffered.match(/listening on (http:\/\/[^\s/]+)/);
      if (m) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        child.stderr.on('data', keep);
        resolve(m[1]);
      }
    };
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`\`${cmd} ${cmdArgs.join(' ')}\` ended (${signal || code}) before listening:\n${log.join('\n')}`));
    });
  });
  child.removeAllListeners('exit');
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const done = await Promise.race([
      new Promise((r) => child.once('exit', () => r(true))),
      new Promise((r) => setTimeout(() => r(false), 5000)),
    ]);
    if (!done && !exited) child.kill('SIGKILL');
  };
  process.on('exit', () => {
    if (!exited) child.kill('SIGKILL');
  });
  return { base, stop, log, alive: () => !exited };
}

// ---------------------------------------------------------------------------------------
// `aftercare check` for the same answers

// Now, in RFC 3339 with the local offset (a date alone is read in the offset of assessed_at).
function localNow() {
  const d = new Date();
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `${date}T${time}:${pad(d.getSeconds())}${localOffset(date, time)}`;
}

function caseFor(answered) {
  // The questions stop at a danger sign before the date is asked: the questionnaire then
  // counts day 0 (the day cannot change a danger sign's answer), as the JSON case does.
  const c = answered.treated_on ? { assessed_at: localNow(), symptoms: [] } : { days_since_treatment: 0, symptoms: [] };
  if (answered.treated_on) {
    c.treated_at = answered.treated_time
      ? `${answered.treated_on}T${answered.treated_time}:00${localOffset(answered.treated_on, answered.treated_time)}`
      : answered.treated_on;
  }
  for (const id of answered.signs) c.symptoms.push({ id });
  for (const id of answered.symptoms) {
    const s = { id };
    const d = answered.details[id] || {};
    if (id === 'other' && answered.other_description !== undefined) s.description = answered.other_description;
    if (d.severity) s.severity = d.severity;
    if (d.trend) s.trend = d.trend === 'unsure' ? 'stable' : d.trend;
    if (d.started !== undefined) {
      if (d.started === 'treatment') s.started_day = 0;
      else s.started_on_day = Number(d.started);
    }
    c.symptoms.push(s);
  }
  if (answered.risk_factors.length) c.risk_factors = [...answered.risk_factors];
  if (answered.repeat_contact !== undefined) c.repeat_contact = answered.repeat_contact === 'yes';
  return c;
}

function aftercareCheck(c, format) {
  const r = spawnSync(BIN, ['check', '--input', '-', '--format', format], { input: JSON.stringify(c), encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0 && !(format === 'json' && r.stdout)) {
    throw new Error(`aftercare check exited ${r.status}: ${r.stderr.trim()} (case ${JSON.stringify(c)})`);
  }
  return r.stdout.trim();
}

// ---------------------------------------------------------------------------------------
// Reading a page

const KNOWN = new Set(['treated_on', 'treated_time', 'signs', 'symptoms', 'other_description', 'risk_factors', 'repeat_contact', 'name', 'phone', 'consent']);
const known = (name) => KNOWN.has(name) || /^(severity|trend|started)-./.test(name);
const q = (v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

async function readPage(page) {
  return page.evaluate(() => {
    const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
    const isSubmit = (e) => (e.tagName === 'BUTTON' && e.type === 'submit') || (e.tagName === 'INPUT' && (e.type === 'submit' || e.type === 'image'));
    const forms = [...document.forms].map((f, index) => ({
      index,
      method: (f.getAttribute('method') || 'get').toLowerCase(),
      fields: [...f.elements]
        .filter((e) => e.name && !isSubmit(e) && e.tagName !== 'BUTTON' && e.tagName !== 'FIELDSET' && e.type !== 'hidden')
        .map((e) => ({ name: e.name, type: e.type, value: e.value, checked: !!e.checked })),
      buttons: [...f.elements].filter(isSubmit).map((b) => clean(b.textContent) || b.value || b.getAttribute('aria-label') || ''),
    }));
    const disp = document.querySelector('[data-disposition]');
    return {
      url: location.href,
      h1: [...document.querySelectorAll('h1')].map((h) => clean(h.textContent)).join(' | '),
      disposition: disp ? disp.getAttribute('data-disposition') : null,
      forms,
      links: [...document.querySelectorAll('a[href]')].map((a, index) => ({ index, text: clean(a.textContent), href: a.href })),
      errors: [...document.querySelectorAll('[role=alert], .error, .error-message, .error-summary')].map((e) => clean(e.textContent)).filter(Boolean),
      text: clean(document.body ? document.body.innerText : ''),
    };
  });
}

const describe = (info) => `${info.url} (h1 "${info.h1}")`;

// Which form on the page to answer, or which start link to follow.
function choose(info, sending) {
  const fieldsOf = (f) => f.fields.map((x) => x.name);
  if (sending) {
    const f = info.forms.find((f) => fieldsOf(f).includes('phone'));
    return f ? { form: f } : null;
  }
  const withFields = info.forms.find((f) => f.buttons.length && fieldsOf(f).some((n) => known(n) && !['name', 'phone', 'consent'].includes(n)));
  if (withFields) return { form: withFields };
  // A form without questions ("Check your answers", a start button): post forms first.
  const plain = info.forms
    .filter((f) => f.buttons.length && f.fields.length === 0)
    .filter((f) => !f.buttons.some((b) => /start again|start over|restart|cancel|sign in|log in|sign out/i.test(b)))
    .sort((a, b) => (b.method === 'post') - (a.method === 'post'));
  if (plain.length) return { form: plain[0] };
  // A start link: same site, not this page, worded as a way forward.
  const here = info.url.replace(/#.*$/, '');
  const origin = new URL(info.url).origin;
  const link = info.links.find(
    (l) => l.href.startsWith(origin + '/') && l.href.replace(/#.*$/, '') !== here && /\b(start|begin|continue|check)\b/i.test(l.text),
  );
  return link ? { link } : null;
}

// What to do on a form: a list of actions, and what they answer (for `aftercare check`).
function plan(form, answers, answered, sending) {
  const groups = new Map();
  for (const f of form.fields) {
    if (!groups.has(f.name)) groups.set(f.name, []);
    groups.get(f.name).push(f);
  }
  const actions = [];
  const problems = [];
  const unknown = [];
  const symptom = (id) => answers.symptoms.find((s) => s.id === id);
  const tick = (name, list, wantedIds, record) => {
    const values = list.map((f) => f.value);
    let chosen = wantedIds.filter((id) => values.includes(id));
    if (chosen.length === 0 && values.includes('none')) chosen = ['none'];
    for (const f of list) actions.push({ kind: 'check', name, value: f.value, on: chosen.includes(f.value), type: f.type });
    if (record) for (const id of chosen) if (id !== 'none' && !record.includes(id)) record.push(id);
    return chosen;
  };
  const radio = (name, list, value, record) => {
    const values = list.map((f) => f.value);
    if (!values.includes(String(value))) {
      problems.push(`${name}: no choice with value "${value}" (values: ${values.join(', ')})`);
      return;
    }
    actions.push({ kind: 'radio', name, value: String(value), type: 'radio' });
    if (record) record(String(value));
  };
  for (const [name, list] of groups) {
    const type = list[0].type;
    let m;
    if (name === 'treated_on') {
      actions.push({ kind: 'fill', name, value: answers.treated_on, type });
      answered.treated_on = answers.treated_on;
    } else if (name === 'treated_time') {
      if (answers.treated_time) {
        actions.push({ kind: 'fill', name, value: answers.treated_time, type });
        answered.treated_time = answers.treated_time;
      } else if (list[0].value) {
        actions.push({ kind: 'fill', name, value: '', type });
      }
    } else if (name === 'signs') {
      tick(name, list, answers.signs, answered.signs);
    } else if (name === 'symptoms') {
      tick(name, list, answers.symptoms.map((s) => s.id), answered.symptoms);
    } else if (name === 'risk_factors') {
      tick(name, list, answers.risk_factors || [], answered.risk_factors);
    } else if (name === 'other_description') {
      const words = (symptom('other') || {}).description || '';
      actions.push({ kind: 'fill', name, value: words, type });
      answered.other_description = words;
    } else if (name === 'repeat_contact') {
      radio(name, list, answers.repeat_contact || 'no', (v) => (answered.repeat_contact = v));
    } else if ((m = name.match(/^(severity|trend|started)-(.+)$/))) {
      const [, what, id] = m;
      const s = symptom(id);
      if (!s) note(0, `${name} asked, but the journey has no symptom "${id}": answered with the default`);
      const defaults = { severity: 'moderate', trend: 'unsure', started: 'treatment' };
      const value = s && s[what] !== undefined ? s[what] : defaults[what];
      const d = (answered.details[id] ||= {});
      radio(name, list, value, (v) => (d[what] = v));
    } else if (sending && name === 'name') {
      actions.push({ kind: 'fill', name, value: answers.send.name, type });
    } else if (sending && name === 'phone') {
      actions.push({ kind: 'fill', name, value: answers.send.phone, type });
    } else if (sending && name === 'consent') {
      for (const f of list) actions.push({ kind: 'check', name, value: f.value, on: !!answers.send.consent, type: f.type });
    } else {
      unknown.push(name);
    }
  }
  return { actions, problems, unknown };
}

// ---------------------------------------------------------------------------------------
// Answering a page: with the pointer (clicks and fill) or with the keyboard alone

function formLocator(page, index) {
  return page.locator('form').nth(index);
}
function submitLocator(form) {
  return form.locator('button[type=submit], button:not([type]), input[type=submit], input[type=image]').first();
}
async function navigating(page, action) {
  const from = page.url();
  const nav = page.waitForNavigation({ waitUntil: 'load', timeout: 20_000 }).catch((e) => {
    if (/Timeout/i.test(e.message)) throw new Error(`no new page was loaded within 20 s after submitting at ${from}`);
    throw e;
  });
  try {
    await action();
  } catch (e) {
    nav.catch(() => {});
    throw e;
  }
  return nav;
}

async function setByPointer(page, loc, on) {
  const checked = await loc.isChecked();
  if (checked === on) return;
  if (await loc.isVisible()) {
    await loc.setChecked(on);
  } else {
    // A visually hidden input styled through its label: click the label, as a person would.
    const id = await loc.getAttribute('id');
    if (!id) throw new Error('an invisible checkbox or radio without an id (and so without a label to click)');
    await page.locator(`label[for=${q(id)}]`).first().click();
    if ((await loc.isChecked()) !== on) throw new Error(`clicking the label of #${id} did not change it`);
  }
}

// The planned answers that the form does not hold (read from the page, before submitting).
async function unanswered(page, formIndex, actions) {
  const state = await formLocator(page, formIndex).evaluate((f) =>
    [...f.elements].filter((e) => e.name).map((e) => ({ name: e.name, value: e.value, checked: !!e.checked, type: e.type })),
  );
  const left = [];
  for (const a of actions) {
    if (a.kind === 'fill') {
      const e = state.find((x) => x.name === a.name);
      if (!e || e.value !== a.value) left.push(`${a.name}="${a.value}" (holds "${e ? e.value : '?'}")`);
    } else {
      const e = state.find((x) => x.name === a.name && x.value === a.value);
      const on = a.kind === 'radio' ? true : a.on;
      if (!e || e.checked !== on) left.push(`${a.name}=${a.value} ${on ? 'ticked' : 'not ticked'}`);
    }
  }
  return left;
}

async function answerByPointer(page, formIndex, actions) {
  const form = formLocator(page, formIndex);
  for (const a of actions) {
    const loc = form.locator(`[name=${q(a.name)}]` + (a.kind === 'fill' ? '' : `[value=${q(a.value)}]`)).first();
    if (a.kind === 'fill') await loc.fill(a.value);
    else if (a.kind === 'check') await setByPointer(page, loc, a.on);
    else if (a.kind === 'radio') await setByPointer(page, loc, true);
  }
  const left = await unanswered(page, formIndex, actions);
  if (left.length) throw new Error(`the form does not hold the answers given: ${left.join(', ')}`);
  const button = submitLocator(form);
  if (!(await button.isVisible())) throw new Error('the form\'s submit button is not visible');
  return navigating(page, () => button.click());
}

// Keyboard: Tab through the page from the top; answer each field of the form as focus
// reaches it (Space for checkboxes, arrow keys for radios, typing for text and dates), then
// Enter on the form's submit button. Only page.keyboard is used.
async function answerByKeyboard(page, formIndex, actions) {
  const checks = new Map(); // name\0value -> on
  const radios = new Map(); // name -> value
  const fills = new Map(); // name -> value
  for (const a of actions) {
    if (a.kind === 'check') checks.set(`${a.name}\0${a.value}`, a.on);
    else if (a.kind === 'radio') radios.set(a.name, a.value);
    else fills.set(a.name, a.value);
  }
  const typed = new Set();
  const focused = () =>
    page.evaluate((fi) => {
      const e = document.activeElement;
      const f = document.forms[fi];
      if (!e || e === document.body) return { inForm: false };
      const submit = (e.tagName === 'BUTTON' && e.type === 'submit') || (e.tagName === 'INPUT' && e.type === 'submit');
      return { inForm: e.form === f, tag: e.tagName, type: e.type, name: e.name, value: e.value, checked: !!e.checked, submit, text: (e.textContent || '').trim() };
    }, formIndex);
  for (let presses = 0; presses < 400; presses++) {
    await page.keyboard.press('Tab');
    let e = await focused();
    if (!e.inForm) continue;
    if (e.submit) {
      const left = await unanswered(page, formIndex, actions);
      if (left.length) throw new Error(`keyboard: at the submit button, not answered by Tab, Space, arrows and typing: ${left.join(', ')}`);
      return navigating(page, () => page.keyboard.press('Enter'));
    }
    if (e.type === 'checkbox') {
      const on = checks.get(`${e.name}\0${e.value}`);
      if (on !== undefined && on !== e.checked) await page.keyboard.press('Space');
    } else if (e.type === 'radio' && radios.has(e.name)) {
      const want = radios.get(e.name);
      for (let i = 0; i < 40 && e.value !== want; i++) {
        await page.keyboard.press('ArrowDown');
        e = await focused();
      }
      if (e.value !== want) throw new Error(`keyboard: the arrow keys never reached ${e.name}=${want}`);
      if (!e.checked) await page.keyboard.press('Space');
      typed.add(`radio\0${e.name}`);
    } else if (fills.has(e.name) && !typed.has(`fill\0${e.name}`)) {
      const value = fills.get(e.name);
      typed.add(`fill\0${e.name}`);
      if (e.type === 'date') {
        // Chromium's date field in the en-US locale: month, day, year segments.
        const [y, m, d] = value.split('-');
        await page.keyboard.type(`${m}${d}${y}`);
      } else if (e.type === 'time') {
        if (value) {
          const [hh, mm] = value.split(':').map(Number);
          await page.keyboard.type(`${pad(((hh + 11) % 12) + 1)}${pad(mm)}${hh < 12 ? 'A' : 'P'}`);
        }
      } else {
        await page.keyboard.press('ControlOrMeta+A');
        if (value) await page.keyboard.type(value);
        else await page.keyboard.press('Delete');
      }
      const now = await formLocator(page, formIndex).locator(`[name=${q(e.name)}]`).first().inputValue();
      if (now !== value) throw new Error(`keyboard: typing into ${e.name} gave "${now}", not "${value}"`);
    }
  }
  throw new Error('keyboard: 400 Tab presses without reaching the form\'s submit button');
}

async function followLinkByKeyboard(page, href) {
  for (let presses = 0; presses < 100; presses++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => (document.activeElement && document.activeElement.href) || null);
    if (at === href) return navigating(page, () => page.keyboard.press('Enter'));
  }
  throw new Error(`keyboard: Tab never reached the link ${href}`);
}

// ---------------------------------------------------------------------------------------
// Checks on every page: layout and labels at 320 px (6), axe (9), screenshots (11)

// What the checks of 6 and 9 find on the page shown: the layout at 320 px and, with
// JavaScript on, axe's violations (the inbox tests read the same for their own pages).
async function inspect(page, javaScript) {
  const layout = await page.evaluate(() => {
    const labelled = (e) => (e.labels && e.labels.length > 0) || (e.getAttribute('aria-label') || '').trim() || (e.getAttribute('aria-labelledby') || '').trim();
    return {
      width: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      lang: document.documentElement.getAttribute('lang'),
      h1s: document.querySelectorAll('h1').length,
      unlabelled: [...document.querySelectorAll('input, select, textarea')]
        .filter((e) => !['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type) && !labelled(e))
        .map((e) => `${e.tagName.toLowerCase()}[name=${e.name}${e.value && (e.type === 'checkbox' || e.type === 'radio') ? `][value=${e.value}` : ''}]`),
    };
  });
  let violations = null;
  let axeError = null;
  if (javaScript) {
    try {
      await page.addScriptTag({ path: AXE });
      violations = await page.evaluate(async (values) => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values } });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
      }, WCAG);
    } catch (e) {
      axeError = e.message.split('\n')[0];
    }
  }
  return { layout, violations, axeError };
}

// The page at 320 and at 1280 CSS px, as WIDTH-NAME.png; the window is 320 px wide after.
async function screenshots(page, name) {
  try {
    await page.screenshot({ path: path.join(SHOTS, `320-${name}`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(SHOTS, `1280-${name}`), fullPage: true });
    return null;
  } catch (e) {
    return e.message.split('\n')[0];
  } finally {
    await page.setViewportSize({ width: 320, height: 640 });
  }
}

async function checkPage(page, journey, step, info, javaScript) {
  const where = `${journey.key}, page ${String(step).padStart(2, '0')} ${describe(info)}`;
  const at = `${journey.key} #${String(step).padStart(2, '0')} ${new URL(info.url).pathname} ("${info.h1}")`;
  ran(6);
  const { layout, violations, axeError } = await inspect(page, javaScript);
  if (layout.width !== 320) fail(6, `${where}: the window is ${layout.width} px wide, not 320 (harness)`);
  if (layout.scrollWidth > 320) failOn(6, 'scrolls sideways at 320 px', `${at}: the document is ${layout.scrollWidth} px wide`);
  if (!layout.lang || !layout.lang.trim()) failOn(6, 'no <html lang>', at);
  if (layout.h1s !== 1) failOn(6, 'not exactly one h1', `${at}: ${layout.h1s}`);
  if (layout.unlabelled.length) failOn(6, 'inputs without a label', `${at}: ${layout.unlabelled.join(', ')}`);

  if (javaScript) {
    ran(9);
    if (axeError) fail(9, `${where}: axe did not run: ${axeError}`);
    for (const v of violations || []) failOn(9, `${v.id} (${v.impact}): ${v.help}`, `${at}: ${v.targets.join(' ; ')}`);
  }

  ran(11);
  const slug =
    new URL(info.url).pathname
      .split('/')
      .filter(Boolean)
      .pop()
      ?.replace(/[^A-Za-z0-9_-]+/g, '-') || 'start';
  const name = `${journey.key}-${String(step).padStart(2, '0')}-${info.disposition && slug !== 'result' ? `result-${slug}` : slug}.png`;
  const trouble = await screenshots(page, name);
  if (trouble) fail(11, `${where}: screenshot failed: ${trouble}`);
}

// ---------------------------------------------------------------------------------------
// One journey: from / to the page with [data-disposition]

async function drive(browser, base, journey) {
  const javaScript = journey.javaScript !== false;
  const context = await browser.newContext({
    javaScriptEnabled: javaScript,
    viewport: { width: 320, height: 640 },
    locale: 'en-US',
    bypassCSP: true, // so that axe can be injected into pages with a Content-Security-Policy
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const steps = [];
  const answered = { signs: [], symptoms: [], risk_factors: [], details: {} };
  let questionsSubmitted = 0;
  let wentBack = false;
  const visit = async () => {
    const info = await readPage(page);
    if (info.url.startsWith('chrome-error:')) {
      throw new Error(`the browser shows an error page after ${steps.length ? describe(steps[steps.length - 1]) : 'GET /'}`);
    }
    steps.push(info);
    if (journey.checks !== false) await checkPage(page, journey, steps.length, info, javaScript);
    return info;
  };
  try {
    const first = await page.goto(base + '/', { waitUntil: 'load' });
    if (!first || first.status() >= 400) throw new Error(`GET / answered ${first ? first.status() : 'nothing'}`);
    for (let i = 0; i < STEP_LIMIT; i++) {
      const info = await visit();
      if (info.disposition) {
        if (VERBOSE) console.log(`    ${journey.key} ${String(steps.length).padStart(2, '0')} ${describe(info)}: data-disposition=${info.disposition}`);
        return { page, context, steps, answered, result: info };
      }
      const last3 = steps.slice(-3);
      if (last3.length === 3 && last3.every((s) => s.url === info.url && s.h1 === info.h1)) {
        throw new Error(`stuck on ${describe(info)}: the same page three times${info.errors.length ? `; it says: ${info.errors.join(' / ')}` : ''}`);
      }
      const chosen = choose(info, false);
      if (!chosen) throw new Error(`stuck on ${describe(info)}: no form with a submit button and no start link`);
      if (chosen.link) {
        if (VERBOSE) console.log(`    ${journey.key} ${String(steps.length).padStart(2, '0')} ${describe(info)}: follow "${chosen.link.text}"`);
        if (journey.keyboard) await followLinkByKeyboard(page, chosen.link.href);
        else await navigating(page, () => page.locator('a[href]').nth(chosen.link.index).click());
        continue;
      }
      const p = plan(chosen.form, journey.answers, answered, false);
      if (p.problems.length) throw new Error(`cannot answer ${describe(info)}: ${p.problems.join('; ')}`);
      info.actions = p.actions;
      if (VERBOSE) {
        const said = p.actions.filter((a) => a.kind !== 'check' || a.on).map((a) => `${a.name}=${a.value}`);
        console.log(`    ${journey.key} ${String(steps.length).padStart(2, '0')} ${describe(info)}: ${said.join(' ') || '(submit)'}${p.unknown.length ? ` [not known: ${p.unknown.join(', ')}]` : ''}`);
      }
      const response = journey.keyboard ? await answerByKeyboard(page, chosen.form.index, p.actions) : await answerByPointer(page, chosen.form.index, p.actions);
      if (response && response.status() >= 500) throw new Error(`submitting ${describe(info)} answered HTTP ${response.status()}`);
      if (chosen.form.fields.length) questionsSubmitted++;
      if (journey.backAfter && !wentBack && questionsSubmitted === journey.backAfter) {
        wentBack = true;
        await backCheck(page, journey, info, steps.length + 1);
      }
    }
    const info = steps[steps.length - 1];
    throw new Error(`no result after ${STEP_LIMIT} pages; last ${describe(info)}`);
  } catch (e) {
    const at = page.url();
    try {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `failed-${journey.key}.png`), fullPage: true });
    } catch {}
    e.message = `${e.message.split('\n')[0]} (at ${at})`;
    await context.close();
    throw e;
  }
}

// The back button after `backAfter` question pages: the previous question comes back (not
// an error or a "resubmit the form?" page), ideally with its answers still ticked.
async function backCheck(page, journey, previous, step) {
  const nextUrl = page.url();
  const where = `after ${journey.backAfter} question pages (now at ${nextUrl}), back`;
  let response;
  try {
    response = await page.goBack({ waitUntil: 'load' });
  } catch (e) {
    throw new Error(`${where}: the browser could not go back: ${e.message.split('\n')[0]} (a page that is the answer to a POST cannot be shown again: redirect after each POST)`);
  }
  const info = await readPage(page);
  if (VERBOSE) console.log(`    ${journey.key} -- back: ${describe(info)}`);
  if (info.url.startsWith('chrome-error:')) throw new Error(`${where}: the browser shows an error page (a page that was the answer to a POST?)`);
  if (response && response.status() >= 400) throw new Error(`${where}: HTTP ${response.status()} at ${info.url}`);
  if (info.h1 !== previous.h1) throw new Error(`${where}: shows ${describe(info)}, not the previous question "${previous.h1}"`);
  const lost = [];
  for (const a of previous.actions || []) {
    if (a.kind === 'fill' && a.value) {
      const v = await page.locator(`form [name=${q(a.name)}]`).first().inputValue();
      if (v !== a.value) lost.push(`${a.name}=${a.value}`);
    } else if ((a.kind === 'check' && a.on) || a.kind === 'radio') {
      const on = await page.locator(`form [name=${q(a.name)}][value=${q(a.value)}]`).first().isChecked();
      if (!on) lost.push(`${a.name}=${a.value}`);
    }
  }
  if (lost.length) note(8, `${journey.key}: back on ${describe(info)}, the answers ${lost.join(', ')} are no longer ticked (the contract keeps answers on the server; showing them again is not required by it)`);
  else note(8, `${journey.key}: back on ${describe(info)} with its answers kept`);
  ran(8);
}

// ---------------------------------------------------------------------------------------
// The store: the check-in sent in journey 3 is in the SQLite file and the audit trail

function storeHas(storeFile, text) {
  const which = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  if (which.error) return { skipped: 'sqlite3 is not installed' };
  if (!existsSync(storeFile)) return { found: false, why: `${storeFile} does not exist` };
  const r = spawnSync('sqlite3', ['-readonly', storeFile, '.dump'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) return { found: false, why: `sqlite3 .dump failed: ${r.stderr.trim()}` };
  return { found: r.stdout.includes(text), why: `"${text}" is not in the dump of ${storeFile}` };
}

function auditHasSent(storeFile) {
  const help = spawnSync(BIN, ['audit', '--help'], { encoding: 'utf8' });
  if (help.status !== 0) return { skipped: '`aftercare audit` is not there' };
  const r = spawnSync(BIN, ['audit', '--store', `sqlite:${storeFile}`], { encoding: 'utf8' });
  if (r.status !== 0) return { found: false, why: `aftercare audit exited ${r.status}: ${r.stderr.trim()}` };
  const lines = r.stdout.split('\n').filter(Boolean);
  const sent = lines.filter((l) => {
    try {
      return JSON.parse(l).action === 'sent';
    } catch {
      return false;
    }
  });
  return { found: sent.length > 0, why: `no "sent" action among ${lines.length} audit lines` };
}

// ---------------------------------------------------------------------------------------
// Run

function preflight() {
  try {
    accessSync(BIN, constants.X_OK);
  } catch {
    die(`no aftercare binary at ${BIN} (build it, or pass --bin PATH)`);
  }
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    die(`no chromium at ${CHROMIUM}: run bash tests/browser/setup.sh`);
  }
  if (!existsSync(AXE)) die(`no ${AXE}: run bash tests/browser/setup.sh`);
  const list = spawnSync(BIN, ['rules', 'list', '--plain'], { encoding: 'utf8' });
  for (const id of ['difficulty_breathing', 'fever', 'redness', 'other']) {
    if (!new RegExp(`\\b${id}\\b`).test(list.stdout || '')) die(`the rule set of ${BIN} has no "${id}" (aftercare rules list): the journeys need it`);
  }
}

async function runJourney(browser, base, storeFile, journey) {
  const { n } = journey;
  ran(n);
  let outcome;
  try {
    outcome = await drive(browser, base, journey);
  } catch (e) {
    fail(n, `${journey.key}: ${e.message}`);
    if (journey.backAfter) ran(8);
    return;
  }
  const { page, context, steps, answered, result } = outcome;
  try {
    await checkResult(journey, page, steps, answered, result, storeFile);
  } catch (e) {
    fail(n, `${journey.key}: ${e.message.split('\n')[0]} (at ${page.url()})`);
  } finally {
    await context.close();
  }
}

async function checkResult(journey, page, steps, answered, result, storeFile) {
  const { n } = journey;
  const got = result.disposition;
  if (got !== journey.expect) fail(n, `${journey.key}: data-disposition="${got}", expected "${journey.expect}" at ${describe(result)}`);
  const missing = [
    ...journey.answers.signs.filter((id) => !answered.signs.includes(id)).map((id) => `sign ${id}`),
    ...journey.answers.symptoms.filter((s) => !answered.symptoms.includes(s.id)).map((s) => `symptom ${s.id}`),
  ];
  if (missing.length) fail(n, `${journey.key}: never offered (so never answered): ${missing.join(', ')}`);

  // 10: the same answers through `aftercare check`.
  ran(10);
  const c = caseFor(answered);
  let expected;
  try {
    expected = aftercareCheck(c, 'disposition');
    if (expected !== got) fail(10, `${journey.key}: the page says "${got}", aftercare check says "${expected}" for ${JSON.stringify(c)}`);
  } catch (e) {
    fail(10, `${journey.key}: ${e.message}`);
  }

  if (n === 1) {
    const before = steps[steps.length - 2];
    const ticked = (before && before.actions) || [];
    if (!ticked.some((a) => a.name === 'signs' && a.value === 'difficulty_breathing' && a.on)) {
      fail(1, `${journey.key}: the result came after ${before ? describe(before) : 'nothing'}, not right after the page where difficulty_breathing was ticked`);
    }
    const tel = await page.locator('a[href^="tel:"]').count();
    if (tel === 0) fail(1, `${journey.key}: no a[href^="tel:"] on ${describe(result)}`);
  }

  if (n === 2 || n === 5 || n === 7 || n === 8) {
    // The aftercare advice of the day, as `aftercare check` gives it: at least one item shown.
    try {
      const advice = (JSON.parse(aftercareCheck(c, 'json')).advice || []).map((a) => a.text.replace(/\s+/g, ' ').trim());
      if (advice.length === 0) fail(n, `${journey.key}: aftercare check gives no advice for ${JSON.stringify(c)} (harness)`);
      else if (!advice.some((t) => result.text.includes(t))) fail(n, `${journey.key}: none of the day's aftercare advice is on ${describe(result)} (e.g. "${advice[0]}")`);
    } catch (e) {
      fail(n, `${journey.key}: ${e.message}`);
    }
  }

  if (n === 4 && !result.text.includes(OTHER_WORDS)) note(4, `${journey.key}: the result page does not show the person's own words "${OTHER_WORDS}"`);

  if (n === 3) {
    const chosen = choose(result, true);
    if (!chosen) {
      fail(3, `${journey.key}: no form with a phone field on ${describe(result)}`);
    } else {
      const names = chosen.form.fields.map((f) => f.name);
      for (const need of ['name', 'phone', 'consent']) if (!names.includes(need)) fail(3, `${journey.key}: the send form has no "${need}" field`);
      const phoneType = chosen.form.fields.find((f) => f.name === 'phone');
      if (phoneType && phoneType.type !== 'tel') fail(3, `${journey.key}: the phone field is type="${phoneType.type}", not "tel"`);
      const p = plan(chosen.form, journey.answers, { signs: [], symptoms: [], risk_factors: [], details: {} }, true);
      const response = await answerByPointer(page, chosen.form.index, p.actions);
      const sent = await readPage(page);
      steps.push(sent);
      await checkPage(page, journey, steps.length, sent, true);
      if (response && response.status() >= 400) fail(3, `${journey.key}: sending answered HTTP ${response.status()} at ${describe(sent)}`);
      if (!/\bsent\b/i.test(sent.text)) fail(3, `${journey.key}: after sending, ${describe(sent)} does not say it was sent`);
      else SENT.push({ name: journey.answers.send.name, phone: journey.answers.send.phone, disposition: got, at: Date.now() });
      const store = storeHas(storeFile, journey.answers.send.name);
      if (store.skipped) note(3, `store not read: ${store.skipped}`);
      else if (!store.found) fail(3, `${journey.key}: the check-in is not in the store: ${store.why}`);
      else note(3, `${journey.key}: the store holds the check-in (the name is in ${path.basename(storeFile)})`);
      const audit = auditHasSent(storeFile);
      if (audit.skipped) note(3, `audit not read: ${audit.skipped}`);
      else if (!audit.found) fail(3, `${journey.key}: ${audit.why}`);
    }
  }
}

async function main() {
  preflight();
  mkdirSync(SHOTS, { recursive: true });
  for (const f of readdirSync(SHOTS)) if (/^((320|1280)-.+|failed-.+)\.png$/.test(f)) rmSync(path.join(SHOTS, f));
  const tmp = mkdtempSync(path.join(tmpdir(), 'aftercare-browser-'));
  const storeFile = path.join(tmp, 'store.sqlite3');
  let server;
  let browser;
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      await cleanup();
      process.exit(130);
    });
  }
  try {
    server = await startServer(storeFile, tmp);
    console.log(`server: ${server.base}${MOCK ? ' (the mock pages)' : ''}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
    const shown = path.relative(process.cwd(), SHOTS);
    console.log(`browser: chromium ${browser.version()}; screenshots: ${shown && !shown.startsWith('..') ? shown : SHOTS}`);
    for (const journey of JOURNEYS) {
      if (!wanted(journey.n)) continue;
      const started = Date.now();
      await runJourney(browser, server.base, storeFile, journey);
      console.log(`  ran ${journey.n} ${journey.key} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (!server.alive()) {
        fail(journey.n, `the server ended during ${journey.key}:\n${server.log.slice(-20).join('\n')}`);
        break;
      }
    }
    if (JOURNEYS.some((j) => j.javaScript === false && wanted(j.n))) note(9, 'not run on the JavaScript-off journey (axe is a script)');
    // The mock pages have no clinic inbox: its tests run with --mock only when asked by number.
    const inbox = Object.keys(INBOX_TESTS).map(Number);
    if (MOCK && ONLY.length === 0) note(0, `the clinic inbox (${inbox.join(',')}) is not run with --mock: the mock pages have none`);
    if (inbox.some(wanted) && !(MOCK && ONLY.length === 0)) {
      const started = Date.now();
      await runInbox({
        browser, base: server.base, storeFile, bin: BIN, shots: SHOTS, verbose: VERBOSE, sent: SENT,
        fail, note, ran, localDate, drive, readPage, choose, plan, answerByPointer, navigating, inspect, screenshots, describe,
        serverAlive: server.alive, serverLog: server.log,
      });
      console.log(`  ran ${Object.keys(INBOX_TESTS).join(',')} the clinic inbox (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } catch (e) {
    console.error(`checkin.mjs: ${e.message}`);
    await cleanup();
    process.exit(2);
  }
  await cleanup();

  let failed = 0;
  console.log('');
  for (const [n, title] of Object.entries(TESTS).map(([k, v]) => [Number(k), v])) {
    const r = results.get(n);
    if (!r.ran) {
      if (wanted(n) || [6, 9, 10, 11].includes(n)) console.log(`skip ${String(n).padStart(2)} ${title}`);
      continue;
    }
    const ok = r.failures.length === 0 && !(r.grouped && r.grouped.size);
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${String(n).padStart(2)} ${title}`);
    for (const f of r.failures) console.log(`       - ${f}`);
    for (const [what, pages] of r.grouped || []) {
      console.log(`       - ${what}, on ${pages.length} page${pages.length === 1 ? '' : 's'}:`);
      for (const p of pages) console.log(`           ${p}`);
    }
    for (const m of r.notes) console.log(`       note: ${m}`);
  }
  for (const m of results.get(0)?.notes || []) console.log(`note: ${m}`);
  console.log(failed ? `\n${failed} of the tests failed` : '\nall tests passed');
  process.exit(failed ? 1 : 0);
}

results.set(0, { failures: [], notes: [], ran: false });
await main();
