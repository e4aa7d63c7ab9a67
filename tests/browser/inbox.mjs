// The clinic inbox, driven in a real browser against the same server and store as the
// check-in tests (checkin.mjs runs this after its journeys), by the contract
// (/work/shared/web.md, "The clinic inbox") and docs/inbox.md:
//
// - patients send check-ins of different urgency through the real pages (name, phone,
//   consent), one of them from an emergency-department result, where the send form stands
//   below the instruction;
// - two nurses are created with `aftercare user add NAME --store …` (the password on standard
//   input) while the server runs; /inbox without a session is a 303 to /login, a wrong
//   password stays on /login with a message;
// - the inbox lists the check-ins without an outcome first, then the most urgent, then the
//   longest waiting;
// - nurse A and nurse B open the same check-in; A claims it; B's claim answers 409 naming A;
// - A records the outcome (reached, the disposition after the call, a note): the page and
//   the JSON export show it;
// - form posts from another site (a foreign Origin, Sec-Fetch-Site: cross-site, and a real
//   page on another origin) to /inbox/ID/claim and /login are refused with 403;
// - with JavaScript on, the inbox shows a check-in sent while it is open within 35 s,
//   without loading the page again (the page keeps its own Content-Security-Policy);
// - `aftercare audit --store …` holds who did what, and no health data;
// - axe-core and the 320 px checks on /login, /inbox and a check-in, and screenshots
//   (WIDTH-inbox-NN-STEP.png).
//
// What it relies on beyond the contract: the sign-in form is the form with a `password`
// field; a check-in's row in the inbox holds the patient's name and a link to /inbox/ID; the
// claim is the form posting to /inbox/ID/claim; the outcome form holds the radios `reached`
// (yes, no) and `disposition_after` (codes) and a textarea `note`; signing out is the form
// posting to /logout. A hidden radio has an id and a <label for> to click.

import { spawnSync } from 'node:child_process';
import { request } from 'playwright-core';

export const INBOX_TESTS = {
  12: 'inbox: check-ins of each urgency sent through the pages arrive in the inbox',
  13: 'inbox: sign-in needed (303 to /login), a wrong password is refused, sign-out ends the session',
  14: 'inbox: no outcome first, then most urgent, then longest waiting',
  15: 'inbox: a check-in is claimed once; the second nurse gets 409 naming the first',
  16: 'inbox: the claimer records the outcome; the page and the export show it',
  17: 'inbox: cross-site posts to /inbox/ID/claim and /login are refused with 403',
  18: 'inbox: the audit trail records who did what, and no health data',
  19: 'inbox: axe-core and the 320 px checks on /login, /inbox and a check-in; screenshots',
  20: 'inbox: with JavaScript on, a new check-in appears within 35 s without a reload',
};

const SENT = 12;
const SIGN_IN = 13;
const ORDER = 14;
const CLAIM = 15;
const OUTCOME = 16;
const CROSS_SITE = 17;
const AUDIT = 18;
const PAGES = 19;
const REFRESH = 20;

// From the least to the most urgent.
const URGENCY = ['home_care', 'see_within_2_weeks', 'see_within_3_days', 'see_today', 'go_to_ed_now', 'call_emergency_now'];
const REFRESH_WAIT_MS = 35_000;
// Another site: in headers as https, as a page served to the browser as http (a form on an
// https page posting to http would meet Chromium's insecure-form warning instead).
const EVIL = 'https://evil.example';
const EVIL_PAGE = 'http://evil.example';

export async function runInbox(h) {
  const { browser, base, storeFile, bin, fail, note, ran } = h;
  const pid = process.pid;
  const store = `sqlite:${storeFile}`;
  const nurses = {
    a: { name: `kim.ward${pid % 1000}`, password: `kim's long password ${pid}` },
    b: { name: `lee.ward${pid % 1000}`, password: `lee's long password ${pid}` },
  };
  const phone = (k) => `+44 7700 8${String((pid * 7 + k) % 100000).padStart(5, '0')}`;
  const day = (n) => h.localDate(n);
  const none = { symptoms: [], risk_factors: [], repeat_contact: 'no' };
  // The patients, in the order they send; `late` sends while a nurse's inbox is open.
  const patients = [
    { key: 'fever-day-3', name: `Ada Lindqvist-${pid}`, answers: { treated_on: day(3), signs: ['fever'], ...none }, expect: 'see_today' },
    { key: 'eye-pain', name: `Bea Okafor-${pid}`, answers: { treated_on: day(1), signs: ['eye_pain'], ...none }, expect: 'go_to_ed_now', checks: true },
    { key: 'trouble-breathing', name: `Cy Moreau-${pid}`, answers: { treated_on: day(1), signs: ['difficulty_breathing'], ...none }, expect: 'call_emergency_now' },
    { key: 'chills-day-2', name: `Dee Halvorsen-${pid}`, answers: { treated_on: day(2), signs: ['chills'], ...none }, expect: 'see_today' },
  ].map((p, i) => ({ ...p, phone: phone(i) }));
  const late = { key: 'pus-day-2', name: `Eli Brandt-${pid}`, answers: { treated_on: day(2), signs: ['pus'], ...none }, expect: 'see_today', phone: phone(9) };
  const NOTE = 'Reached on the second try; advised cold compresses, review on Thursday.';
  const NOTE_WORDS = ['compresses', 'Thursday'];
  const AFTER = 'see_within_3_days';

  const contexts = [];
  const ids = new Map(); // patient name -> check-in id, read from the inbox
  const done = new Set(); // check-ins with a recorded outcome
  let shot = 0;
  // What the audit trail must hold, as the journey goes (a step that did not happen is not
  // looked for).
  const expected = { signIns: { a: 0, b: 0 }, failed: false, inbox: false, claimed: null, outcome: null, exported: null, refused: null, views: new Set(), signedOut: false };
  const say = (m) => h.verbose && console.log(`    inbox: ${m}`);
  const oneLine = (e) => String((e && e.message) || e).split('\n')[0];

  // Each part of the journey: a failure is reported on its test and ends that part only.
  const part = async (n, what, fn) => {
    ran(n);
    try {
      await fn();
      return true;
    } catch (e) {
      fail(n, `${what}: ${oneLine(e)}`);
      return false;
    }
  };
  const blocked = (ns, why) => {
    for (const n of ns) fail(n, `not run: ${why}`);
  };

  // 19: the checks of every inbox page, and its screenshots as WIDTH-inbox-NN-STEP.png.
  const check = async (page, step, { axe = true } = {}) => {
    ran(PAGES);
    shot += 1;
    const at = `${String(shot).padStart(2, '0')} ${step} ${new URL(page.url()).pathname}`;
    const { layout, violations, axeError } = await h.inspect(page, axe);
    if (layout.width !== 320) fail(PAGES, `${at}: the window is ${layout.width} px wide, not 320 (harness)`);
    if (layout.scrollWidth > 320) fail(PAGES, `${at}: scrolls sideways at 320 px (the document is ${layout.scrollWidth} px wide)`);
    if (!layout.lang || !layout.lang.trim()) fail(PAGES, `${at}: no <html lang>`);
    if (layout.h1s !== 1) fail(PAGES, `${at}: ${layout.h1s} h1 elements, not one`);
    if (layout.unlabelled.length) fail(PAGES, `${at}: inputs without a label: ${layout.unlabelled.join(', ')}`);
    if (axe && axeError) fail(PAGES, `${at}: axe did not run: ${axeError}`);
    for (const v of violations || []) fail(PAGES, `${at}: axe ${v.id} (${v.impact}): ${v.help}: ${v.targets.join(' ; ')}`);
    const trouble = await h.screenshots(page, `inbox-${String(shot).padStart(2, '0')}-${step}.png`);
    if (trouble) fail(PAGES, `${at}: screenshot failed: ${trouble}`);
  };

  const newContext = async (bypassCSP) => {
    // bypassCSP lets axe be injected; the refresh test's nurse keeps the pages' own policy.
    const c = await browser.newContext({ viewport: { width: 320, height: 640 }, locale: 'en-US', bypassCSP });
    contexts.push(c);
    const page = await c.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  const path = (page) => new URL(page.url()).pathname;
  const formIndex = (page, selector) =>
    page.evaluate((sel) => [...document.forms].findIndex((f) => f.matches(sel)), selector);
  const submitForm = async (page, selector, actions) => {
    const i = await formIndex(page, selector);
    if (i < 0) throw new Error(`no form ${selector} on ${page.url()}`);
    return h.answerByPointer(page, i, actions);
  };
  const signIn = async (page, who, password) => {
    if (path(page) !== '/login') await page.goto(base + '/login');
    return submitForm(page, 'form:has([name=password])', [
      { kind: 'fill', name: 'username', value: who },
      { kind: 'fill', name: 'password', value: password },
    ]);
  };
  const rows = (page) =>
    page.$$eval('[data-checkin][data-disposition]', (els) =>
      els.map((e) => ({ id: e.getAttribute('data-checkin'), disposition: e.getAttribute('data-disposition'), text: e.textContent.replace(/\s+/g, ' ').trim() })),
    );
  const text = (page) => page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim());

  // -------------------------------------------------------------------------------------
  // 12: the check-ins, each sent with a name, a number and consent.

  const send = async (p) => {
    const journey = { key: `send-${p.key}`, answers: { ...p.answers, send: { name: p.name, phone: p.phone, consent: true } }, expect: p.expect, checks: !!p.checks };
    const { page, context, steps, result } = await h.drive(browser, base, journey);
    try {
      if (result.disposition !== p.expect) throw new Error(`data-disposition="${result.disposition}", expected "${p.expect}" at ${h.describe(result)}`);
      if (p.expect === 'go_to_ed_now' || p.expect === 'call_emergency_now') {
        const before = steps[steps.length - 2];
        const sign = p.answers.signs[0];
        if (!(before && (before.actions || []).some((a) => a.name === 'signs' && a.value === sign && a.on))) {
          fail(SENT, `${p.key}: the result came after ${before ? h.describe(before) : 'nothing'}, not right after the page where ${sign} was ticked`);
        }
        const order = await page.evaluate(() => {
          const form = [...document.forms].find((f) => f.querySelector('[name=phone]'));
          const tel = document.querySelector('a[href^="tel:"]');
          return { form: !!form, tel: !!tel, telFirst: !!(form && tel && tel.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING) };
        });
        if (!order.tel) fail(SENT, `${p.key}: no a[href^="tel:"] on ${h.describe(result)}`);
        else if (order.form && !order.telFirst) fail(SENT, `${p.key}: the send form comes before the instruction's tel: link on ${h.describe(result)}`);
      }
      const chosen = h.choose(result, true);
      if (!chosen) throw new Error(`no form with a phone field on ${h.describe(result)}`);
      const plan = h.plan(chosen.form, journey.answers, { signs: [], symptoms: [], risk_factors: [], details: {} }, true);
      for (const need of ['name', 'phone', 'consent']) if (!chosen.form.fields.some((f) => f.name === need)) throw new Error(`the send form on ${h.describe(result)} has no "${need}" field`);
      const response = await h.answerByPointer(page, chosen.form.index, plan.actions);
      const after = await h.readPage(page);
      if (response && response.status() >= 400) throw new Error(`sending answered HTTP ${response.status()} at ${h.describe(after)}`);
      if (!/\bsent\b/i.test(after.text)) throw new Error(`after sending, ${h.describe(after)} does not say it was sent`);
      h.sent.push({ name: p.name, phone: p.phone, disposition: p.expect, at: Date.now() });
      say(`sent ${p.key} (${p.expect}) as ${p.name}`);
    } finally {
      await context.close();
    }
  };

  // -------------------------------------------------------------------------------------
  // 14: the order of the rows.

  const checkOrder = (list, when) => {
    ran(ORDER);
    const problems = [];
    const rank = (r) => URGENCY.indexOf(r.disposition);
    for (const r of list) if (rank(r) < 0) problems.push(`row ${r.id} has an unknown data-disposition "${r.disposition}"`);
    const sentIndex = (r) => h.sent.findIndex((s) => r.text.includes(s.name));
    for (let i = 0; i + 1 < list.length; i++) {
      const [x, y] = [list[i], list[i + 1]];
      const [dx, dy] = [done.has(x.id), done.has(y.id)];
      const show = (r) => `${r.id} (${r.disposition}${done.has(r.id) ? ', outcome recorded' : ''}${sentIndex(r) >= 0 ? `, sent #${sentIndex(r) + 1}` : ''})`;
      if (dx && !dy) problems.push(`${show(x)} is listed before ${show(y)}, which has no outcome yet`);
      else if (dx === dy && rank(x) < rank(y)) problems.push(`${show(x)} is listed before the more urgent ${show(y)}`);
      else if (dx === dy && rank(x) === rank(y) && sentIndex(x) >= 0 && sentIndex(y) >= 0 && sentIndex(x) > sentIndex(y)) {
        problems.push(`${show(x)} is listed before ${show(y)}, sent earlier with the same urgency`);
      }
    }
    if (problems.length) fail(ORDER, `${when}: ${problems.join('; ')} (rows: ${list.map((r) => `${r.disposition}${done.has(r.id) ? '*' : ''}`).join(', ')})`);
    else note(ORDER, `${when}: ${list.length} rows in order (${list.map((r) => `${r.disposition}${done.has(r.id) ? ' (done)' : ''}`).join(', ')})`);
  };

  // -------------------------------------------------------------------------------------
  // The journey

  let pageA;
  let pageB;
  let target; // the check-in both nurses open: the first patient's (see today)
  let untouched; // a check-in nobody claims: the one from the emergency-department result
  // Each step needs the ones before it; the audit trail (18) is read whatever happened.
  const journey = async () => {
    // Nurse accounts, added to the store the server is using.
    const accounts = await part(SIGN_IN, 'aftercare user add', async () => {
      for (const k of ['a', 'b']) {
        const r = spawnSync(bin, ['user', 'add', nurses[k].name, '--store', store], { input: nurses[k].password + '\n', encoding: 'utf8' });
        if (r.error) throw r.error;
        if (r.status !== 0) throw new Error(`\`aftercare user add ${nurses[k].name} --store ${store}\` exited ${r.status}: ${r.stderr.trim()}`);
      }
    });
    if (!accounts) return blocked([SENT, ORDER, CLAIM, OUTCOME, CROSS_SITE, REFRESH], 'the nurses could not be added');

    // 12: the check-ins.
    for (const p of patients) {
      await part(SENT, p.key, () => send(p));
    }

    // 13: no session: a 303 to /login; a wrong password; then nurse A.
    pageA = await newContext(true);
    const signedIn = await part(SIGN_IN, 'nurse A', async () => {
      const r = await pageA.request.get(base + '/inbox', { maxRedirects: 0 });
      const location = r.headers()['location'];
      if (r.status() !== 303) fail(SIGN_IN, `GET /inbox without a session answered HTTP ${r.status()}, not 303`);
      else if (!location || new URL(location, base).pathname !== '/login') fail(SIGN_IN, `GET /inbox without a session: 303 to "${location}", not /login`);
      await pageA.goto(base + '/inbox');
      if (path(pageA) !== '/login') throw new Error(`opening /inbox without a session ends on ${pageA.url()}, not /login`);
      await check(pageA, 'login');
      let response = await signIn(pageA, nurses.a.name, 'not the password at all');
      expected.failed = true;
      if (path(pageA) !== '/login') fail(SIGN_IN, `a wrong password ends on ${pageA.url()}, not /login`);
      const wrong = await h.readPage(pageA);
      if (!wrong.errors.length) fail(SIGN_IN, `a wrong password: /login shows no message (no [role=alert] or .error); it says "${wrong.text.slice(0, 200)}"`);
      else note(SIGN_IN, `a wrong password: HTTP ${response ? response.status() : '?'}, "${wrong.errors[0].slice(0, 120)}"`);
      if ((await pageA.context().cookies()).some((c) => /nurse|session/i.test(c.name) && c.value)) fail(SIGN_IN, 'a wrong password set a session cookie');
      await check(pageA, 'login-wrong');
      response = await signIn(pageA, nurses.a.name, nurses.a.password);
      if (path(pageA) !== '/inbox') throw new Error(`signing in as ${nurses.a.name} ends on ${pageA.url()} (HTTP ${response ? response.status() : '?'}), not /inbox`);
      expected.signIns.a += 1;
      expected.inbox = true;
    });
    if (!signedIn) return blocked([ORDER, CLAIM, OUTCOME, CROSS_SITE, REFRESH], 'nurse A could not sign in');

    // 12 and 14: the inbox holds each check-in, in order.
    await check(pageA, 'inbox');
    const first = await rows(pageA);
    await part(SENT, 'the inbox', async () => {
      for (const s of h.sent) {
        const found = first.filter((r) => r.text.includes(s.name));
        if (found.length !== 1) fail(SENT, `${s.name} (${s.disposition}): ${found.length} rows in the inbox, not 1`);
        else if (found[0].disposition !== s.disposition) fail(SENT, `${s.name}: the row's data-disposition is "${found[0].disposition}", not "${s.disposition}"`);
        if (found.length) ids.set(s.name, found[0].id);
      }
      if (first.length) note(SENT, `${first.length} rows in the inbox, ${h.sent.length} sent by these tests`);
    });
    checkOrder(first, 'after sign-in');
    target = ids.get(patients[0].name);
    untouched = ids.get(patients[1].name);

    // 13: the pages under /inbox need a session too (a fresh request context: no cookie).
    await part(SIGN_IN, 'no session', async () => {
      const anonymous = await request.newContext();
      try {
        for (const p of [`/inbox/${target}`, `/inbox/${target}/export`]) {
          if (!target) break;
          const r = await anonymous.get(base + p, { maxRedirects: 0 });
          const location = r.headers()['location'];
          if (r.status() !== 303 || !location || new URL(location, base).pathname !== '/login') {
            fail(SIGN_IN, `GET ${p} without a session answered HTTP ${r.status()}${location ? ` to ${location}` : ''}, not 303 to /login`);
          }
        }
      } finally {
        await anonymous.dispose();
      }
    });

    // 15: both nurses open the same check-in; A claims it; B's claim is refused.
    const claimed = target
      ? await part(CLAIM, `check-in ${target}`, async () => {
          const link = pageA.locator(`[data-checkin="${target}"] a[href]`).first();
          await h.navigating(pageA, () => link.click());
          if (path(pageA) !== `/inbox/${target}`) throw new Error(`the row's link leads to ${pageA.url()}, not /inbox/${target}`);
          expected.views.add(`a ${target}`);
          const shown = await text(pageA);
          for (const [what, v] of [['name', patients[0].name], ['phone', patients[0].phone]]) {
            if (!shown.includes(v)) fail(CLAIM, `the check-in page does not show the patient's ${what} "${v}"`);
          }
          if (!(await pageA.locator(`[data-disposition="see_today"]`).count())) fail(CLAIM, 'the check-in page has no [data-disposition="see_today"]');
          if (!(await pageA.locator('a[href^="tel:"]').count())) fail(CLAIM, 'the check-in page has no tel: link for the callback');
          await check(pageA, 'checkin');

          pageB = await newContext(false);
          await signIn(pageB, nurses.b.name, nurses.b.password);
          if (path(pageB) !== '/inbox') throw new Error(`signing in as ${nurses.b.name} ends on ${pageB.url()}, not /inbox`);
          expected.signIns.b += 1;
          await h.navigating(pageB, () => pageB.locator(`[data-checkin="${target}"] a[href]`).first().click());
          expected.views.add(`b ${target}`);
          const claimForm = `form[action$="/inbox/${target}/claim"]`;
          if ((await formIndex(pageB, claimForm)) < 0) throw new Error(`nurse B's ${pageB.url()} has no form posting to /inbox/${target}/claim before anyone claimed it`);

          let response = await submitForm(pageA, claimForm, []);
          if (!response || response.status() >= 400 || path(pageA) !== `/inbox/${target}`) {
            throw new Error(`nurse A's claim answered HTTP ${response ? response.status() : '?'} at ${pageA.url()}`);
          }
          expected.claimed = target;
          if ((await formIndex(pageA, 'form:has([name=note])')) < 0) fail(CLAIM, `after claiming, nurse A's ${pageA.url()} has no outcome form (a textarea "note")`);
          if ((await formIndex(pageA, claimForm)) >= 0) fail(CLAIM, `after claiming, nurse A's ${pageA.url()} still offers to claim it`);
          await check(pageA, 'claimed');

          response = await submitForm(pageB, claimForm, []);
          const status = response ? response.status() : null;
          const refused = await text(pageB);
          if (status !== 409) fail(CLAIM, `nurse B's claim of a check-in claimed by nurse A answered HTTP ${status}, not 409 (at ${pageB.url()})`);
          if (!refused.toLowerCase().includes(nurses.a.name)) fail(CLAIM, `nurse B's refused claim does not name nurse A (${nurses.a.name}): "${refused.slice(0, 300)}"`);
          else {
            const at = refused.toLowerCase().indexOf(nurses.a.name);
            note(CLAIM, `nurse B's claim: HTTP ${status}, "…${refused.slice(Math.max(0, at - 60), at + nurses.a.name.length + 30)}…"`);
          }
          if ((await formIndex(pageB, 'form:has([name=note])')) >= 0) fail(CLAIM, `nurse B's page offers the outcome form for a check-in claimed by nurse A`);
          await check(pageB, 'claim-refused', { axe: false });
        })
      : (blocked([CLAIM, OUTCOME], `${patients[0].name}'s check-in is not in the inbox`), false);

    // 16: A records the outcome.
    if (claimed) {
      await part(OUTCOME, `check-in ${target}`, async () => {
        const response = await submitForm(pageA, 'form:has([name=note])', [
          { kind: 'radio', name: 'reached', value: 'yes' },
          { kind: 'radio', name: 'disposition_after', value: AFTER },
          { kind: 'fill', name: 'note', value: NOTE },
        ]);
        if (!response || response.status() >= 400) throw new Error(`saving the outcome answered HTTP ${response ? response.status() : '?'} at ${pageA.url()}: ${(await h.readPage(pageA)).errors.join(' / ')}`);
        if (path(pageA) !== `/inbox/${target}`) fail(OUTCOME, `after saving the outcome the page is ${pageA.url()}, not /inbox/${target}`);
        done.add(target);
        expected.outcome = target;
        const shown = await text(pageA);
        if (!shown.includes(NOTE)) fail(OUTCOME, `the check-in page does not show the note "${NOTE}"`);
        if (!/\breached\b/i.test(shown)) fail(OUTCOME, 'the check-in page does not say whether the patient was reached');
        const kept = await pageA.evaluate(() => ({
          reached: document.querySelector('[name=reached]:checked')?.value ?? null,
          after: document.querySelector('[name=disposition_after]:checked')?.value ?? null,
        }));
        if (kept.reached !== 'yes' || kept.after !== AFTER) fail(OUTCOME, `the outcome form shows reached=${kept.reached}, disposition_after=${kept.after} after saving yes, ${AFTER}`);
        await check(pageA, 'outcome');

        const r = await pageA.request.get(base + `/inbox/${target}/export`);
        if (r.status() !== 200) throw new Error(`GET /inbox/${target}/export answered HTTP ${r.status()}`);
        expected.exported = target;
        const json = await r.json();
        const o = json.outcome || {};
        if (json.format !== 'aftercare-checkin-1') fail(OUTCOME, `the export's format is ${JSON.stringify(json.format)}, not "aftercare-checkin-1"`);
        if (json.id !== target) fail(OUTCOME, `the export's id is ${JSON.stringify(json.id)}, not "${target}"`);
        if (o.reached !== true || o.disposition_after !== AFTER || o.note !== NOTE || o.user !== nurses.a.name) {
          fail(OUTCOME, `the export's outcome is ${JSON.stringify(json.outcome)}`);
        }
        if (!json.claim || json.claim.user !== nurses.a.name) fail(OUTCOME, `the export's claim is ${JSON.stringify(json.claim)}, not nurse A's`);

        await pageA.goto(base + '/inbox');
        checkOrder(await rows(pageA), 'after the outcome');
        await check(pageA, 'inbox-after-outcome');
      });
    }

    // 17: cross-site posts, with nurse A's session.
    await part(CROSS_SITE, 'cross-site posts', async () => {
      const live = await pageA.request.get(base + '/inbox', { maxRedirects: 0 });
      if (live.status() !== 200) throw new Error(`nurse A's request context is not signed in (GET /inbox answered ${live.status()}): the test would prove nothing`);
      const claim = untouched || target;
      if (!claim) throw new Error('no check-in to claim');
      const variants = [
        ['Origin', { Origin: EVIL }],
        ['Sec-Fetch-Site', { 'Sec-Fetch-Site': 'cross-site' }],
        ['both', { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' }],
      ];
      for (const [label, headers] of variants) {
        let r = await pageA.request.post(base + `/inbox/${claim}/claim`, { headers, maxRedirects: 0 });
        if (r.status() !== 403) fail(CROSS_SITE, `POST /inbox/${claim}/claim with ${JSON.stringify(headers)} answered HTTP ${r.status()}, not 403`);
        r = await pageA.request.post(base + '/login', { headers, form: { username: nurses.a.name, password: nurses.a.password }, maxRedirects: 0 });
        if (r.status() !== 403) fail(CROSS_SITE, `POST /login (the right password) with ${JSON.stringify(headers)} answered HTTP ${r.status()}, not 403`);
        if (r.headers()['set-cookie']) fail(CROSS_SITE, `POST /login with ${JSON.stringify(headers)} set a cookie: ${r.headers()['set-cookie']}`);
        if (r.status() < 400) expected.signIns.a += 1;
        say(`cross-site ${label}: refused`);
      }
      // A real page on another origin whose form posts (Chromium sets Origin and Sec-Fetch-Site).
      const evil = await browser.newContext();
      contexts.push(evil);
      await evil.route(`${EVIL_PAGE}/**`, (route) => {
        const to = new URL(route.request().url()).searchParams.get('to');
        const fields = to === 'login' ? `<input name="username" value="${nurses.a.name}"><input name="password" value="${nurses.a.password}">` : '';
        const action = to === 'login' ? `${base}/login` : `${base}/inbox/${claim}/claim`;
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><html lang="en"><title>x</title><form method="post" action="${action}">${fields}</form><script>document.forms[0].submit()</script></html>`,
        });
      });
      const page = await evil.newPage();
      for (const [to, url] of [['login', `${base}/login`], ['claim', `${base}/inbox/${claim}/claim`]]) {
        const answered = page.waitForResponse((r) => r.url() === url && r.request().method() === 'POST', { timeout: 15_000 });
        const trouble = await page.goto(`${EVIL_PAGE}/?to=${to}`).then(() => null, (e) => oneLine(e));
        let r;
        try {
          r = await answered;
        } catch {
          throw new Error(`the form on ${EVIL_PAGE} never posted to ${url}${trouble ? ` (${trouble})` : ''}`);
        }
        const sentHeaders = await r.request().allHeaders();
        say(`a form on ${EVIL_PAGE} posting to ${url}: Origin ${sentHeaders.origin}, Sec-Fetch-Site ${sentHeaders['sec-fetch-site']}: HTTP ${r.status()}`);
        if (r.status() !== 403) {
          fail(CROSS_SITE, `a form on ${EVIL_PAGE} posting to ${url} (Origin ${sentHeaders.origin}, Sec-Fetch-Site ${sentHeaders['sec-fetch-site']}) answered HTTP ${r.status()}, not 403`);
          if (to === 'login' && r.status() < 400) expected.signIns.a += 1;
        }
      }
      // Nothing was claimed: the check-in still offers its claim form.
      const after = await pageA.request.get(base + `/inbox/${claim}`);
      expected.views.add(`a ${claim}`);
      if (!(await after.text()).includes(`/inbox/${claim}/claim`)) fail(CROSS_SITE, `after the refused posts, /inbox/${claim} no longer offers its claim form (was it claimed?)`);
      expected.refused = claim;
    });

    // 20: nurse B's inbox, with JavaScript and its own Content-Security-Policy, while a
    // patient sends one more check-in.
    await part(REFRESH, 'the inbox refresh', async () => {
      if (!pageB) {
        pageB = await newContext(false);
        await signIn(pageB, nurses.b.name, nurses.b.password);
        if (path(pageB) === '/inbox') expected.signIns.b += 1;
      }
      await pageB.goto(base + '/inbox');
      if (path(pageB) !== '/inbox') throw new Error(`nurse B's /inbox ends on ${pageB.url()}`);
      const loadedAt = Date.now();
      let navigations = 0;
      pageB.on('framenavigated', (f) => {
        if (f === pageB.mainFrame()) navigations += 1;
      });
      const scriptErrors = [];
      pageB.on('console', (m) => m.type() === 'error' && scriptErrors.push(m.text()));
      pageB.on('pageerror', (e) => scriptErrors.push(e.message));
      await pageB.evaluate(() => {
        window.__stillThisPage = true;
      });
      if ((await rows(pageB)).some((r) => r.text.includes(late.name))) throw new Error(`${late.name} is in the inbox before it was sent`);
      await send(late);
      const sentAt = Date.now();
      try {
        await pageB.waitForFunction(
          (name) => [...document.querySelectorAll('[data-checkin][data-disposition]')].some((e) => e.textContent.includes(name)),
          late.name,
          { timeout: REFRESH_WAIT_MS, polling: 250 },
        );
      } catch {
        throw new Error(
          `the check-in sent ${((sentAt - loadedAt) / 1000).toFixed(1)} s after the inbox was loaded did not appear within ${REFRESH_WAIT_MS / 1000} s of being sent` +
            `${scriptErrors.length ? `; the page's console: ${scriptErrors.join(' / ')}` : ''}`,
        );
      }
      const seenAt = Date.now();
      const same = await pageB.evaluate(() => window.__stillThisPage === true);
      if (!same || navigations) fail(REFRESH, `the inbox was loaded again (navigations: ${navigations}) instead of refreshing its list`);
      if (path(pageB) !== '/inbox') fail(REFRESH, `the page moved to ${pageB.url()}`);
      note(REFRESH, `the new row appeared ${((seenAt - sentAt) / 1000).toFixed(1)} s after sending, ${((seenAt - loadedAt) / 1000).toFixed(1)} s after the page was loaded`);
      const list = await rows(pageB);
      const row = list.find((r) => r.text.includes(late.name));
      if (row) ids.set(late.name, row.id);
      if (row && row.disposition !== late.expect) fail(REFRESH, `the new row's data-disposition is "${row.disposition}", not "${late.expect}"`);
      checkOrder(list, 'after the refresh');
      if ((await pageB.locator('h1').count()) !== 1) fail(REFRESH, 'after the refresh the page has not exactly one h1');
      await check(pageB, 'inbox-refreshed', { axe: false });
    });

    // 13: nurse A signs out; the session has ended.
    await part(SIGN_IN, 'sign out', async () => {
      await pageA.goto(base + '/inbox');
      // The cookies of the session, to send again after signing out: the session must have
      // ended on the server, not only in this browser.
      const old = (await pageA.context().cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ');
      const replay = await request.newContext();
      contexts.push({ close: () => replay.dispose() });
      const replayed = () => replay.get(base + '/inbox', { headers: { Cookie: old }, maxRedirects: 0 }).then((r) => r.status());
      const before = await replayed();
      const response = await submitForm(pageA, 'form[action$="/logout"]', []);
      if (response && response.status() >= 400) throw new Error(`signing out answered HTTP ${response.status()}`);
      expected.signedOut = true;
      if (!/signed out/i.test(await text(pageA))) note(SIGN_IN, `after signing out the page does not say "signed out" (${pageA.url()})`);
      await check(pageA, 'signed-out');
      const r = await pageA.request.get(base + '/inbox', { maxRedirects: 0 });
      if (r.status() !== 303) fail(SIGN_IN, `after signing out, GET /inbox answered HTTP ${r.status()}, not 303 to /login`);
      const after = await replayed();
      if (before !== 200) note(SIGN_IN, `the session's cookie sent from outside the browser answered HTTP ${before} before signing out: its end on the server is not checked`);
      else if (after !== 303) fail(SIGN_IN, `after signing out, GET /inbox with the session's old cookie answered HTTP ${after}, not 303: the session did not end on the server`);
    });
  };
  try {
    await journey();
  } catch (e) {
    fail(SIGN_IN, `the inbox journey stopped: ${oneLine(e)}`);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    if (!h.serverAlive()) fail(SENT, `the server ended during the inbox tests:\n${h.serverLog.slice(-20).join('\n')}`);
  }

  // 18: the audit trail.
  await part(AUDIT, 'aftercare audit', async () => {
    const r = spawnSync(bin, ['audit', '--store', store], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`\`aftercare audit --store ${store}\` exited ${r.status}: ${r.stderr.trim()}`);
    const lines = r.stdout.split('\n').filter(Boolean);
    const entries = [];
    for (const line of lines) {
      let e;
      try {
        e = JSON.parse(line);
      } catch {
        fail(AUDIT, `not JSON: ${line}`);
        continue;
      }
      for (const k of ['at', 'user', 'action', 'checkin']) if (!(k in e)) fail(AUDIT, `no "${k}" in ${line}`);
      if (typeof e.at !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(e.at)) fail(AUDIT, `"at" is not RFC 3339 in ${line}`);
      entries.push({ ...e, line });
    }
    const A = nurses.a.name;
    const B = nurses.b.name;
    const of = (action, pred = () => true) => entries.filter((e) => e.action === action && pred(e));
    const need = (what, list) => {
      if (!list.length) fail(AUDIT, `no ${what}`);
    };
    // A patient's check-in arriving: one `sent` row each, with no user.
    for (const s of h.sent) {
      const id = ids.get(s.name);
      if (!id) continue;
      const sent = of('sent', (e) => e.checkin === id);
      if (sent.length !== 1) fail(AUDIT, `${sent.length} "sent" rows for check-in ${id} (${s.disposition}), not 1`);
      for (const e of sent) if (e.user !== null) fail(AUDIT, `a "sent" row has user ${JSON.stringify(e.user)}, not null: ${e.line}`);
    }
    if (expected.failed) need('"sign_in_failed"', of('sign_in_failed'));
    const signIns = (who) => of('sign_in', (e) => e.user === who).length;
    if (signIns(A) !== expected.signIns.a) fail(AUDIT, `${signIns(A)} "sign_in" rows for nurse A (${A}), not ${expected.signIns.a}`);
    if (signIns(B) !== expected.signIns.b) fail(AUDIT, `${signIns(B)} "sign_in" rows for nurse B (${B}), not ${expected.signIns.b}`);
    if (expected.inbox) need(`"view_inbox" by ${A}`, of('view_inbox', (e) => e.user === A));
    for (const v of expected.views) {
      const [k, id] = v.split(' ');
      need(`"view" of ${id} by ${nurses[k].name}`, of('view', (e) => e.user === nurses[k].name && e.checkin === id));
    }
    if (expected.claimed) {
      const claims = of('claim', (e) => e.checkin === expected.claimed);
      if (claims.length !== 1 || claims[0].user !== A) fail(AUDIT, `the "claim" rows for ${expected.claimed} are ${JSON.stringify(claims.map((e) => e.user))}, not one by ${A}`);
    }
    if (expected.outcome) need(`"outcome" of ${expected.outcome} by ${A}`, of('outcome', (e) => e.user === A && e.checkin === expected.outcome));
    if (expected.exported) need(`"export" of ${expected.exported} by ${A}`, of('export', (e) => e.user === A && e.checkin === expected.exported));
    const byB = of('claim', (e) => e.user === B);
    if (byB.length) fail(AUDIT, `"claim" rows by nurse B, whose claim was refused: ${byB.map((e) => e.line).join(' ')}`);
    if (expected.refused) {
      const refused = of('claim', (e) => e.checkin === expected.refused);
      if (refused.length) fail(AUDIT, `"claim" rows for ${expected.refused}, whose claims were all cross-site: ${refused.map((e) => e.line).join(' ')}`);
    }
    if (expected.signedOut) need(`"sign_out" by ${A}`, of('sign_out', (e) => e.user === A));

    // References only: no name, number, note or answer of a patient.
    const forbidden = [];
    for (const s of h.sent) {
      forbidden.push(s.name, s.name.split(' ')[1], s.phone, s.phone.replace(/\D/g, ''));
    }
    forbidden.push(NOTE, ...NOTE_WORDS);
    for (const p of [...patients, late]) forbidden.push(...p.answers.signs);
    for (const e of entries) {
      const found = forbidden.filter((f) => e.line.toLowerCase().includes(f.toLowerCase()));
      if (found.length) fail(AUDIT, `health data in the audit trail (${found.map((f) => `"${f}"`).join(', ')}): ${e.line}`);
    }
    const counts = new Map();
    for (const e of entries) counts.set(e.action, (counts.get(e.action) || 0) + 1);
    note(AUDIT, `${entries.length} entries: ${[...counts].map(([a, n]) => `${a} ${n}`).join(', ')}`);
  });
}
