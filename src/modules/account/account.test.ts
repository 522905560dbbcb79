import { type SQL, sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, demoPassword, signedIn, type TestApp, testApp, testConfig, textOf, Visitor } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';

const wrongDetails = 'Enter a correct e-mail address and password';
const lockedMessage = 'This account is locked for 15 minutes after repeated failed sign-ins';
const wrongCodeMessage = 'The code is not right, or it was already used';
const mfaLockedMessage = 'This account is locked for 15 minutes after repeated failed attempts';

/** Rows from a query run as the database owner (row-level security does not apply). */
async function rows<T>(t: TestApp, query: SQL): Promise<T[]> {
  const result = await t.database.db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

async function userRow(t: TestApp, email: string) {
  const [row] = await rows<{
    id: string;
    password_hash: string | null;
    failed_sign_ins: number;
    locked_until: string | Date | null;
    totp_enabled_at: string | Date | null;
  }>(
    t,
    sql`select id, password_hash, failed_sign_ins, locked_until, totp_enabled_at from users where email = ${email.toLowerCase()}`,
  );
  if (!row) throw new Error(`no user ${email}`);
  return row;
}

async function sessionCount(t: TestApp, userId: string): Promise<number> {
  const [row] = await rows<{ n: number }>(t, sql`select count(*)::int as n from sessions where user_id = ${userId}`);
  return Number(row?.n);
}

async function auditCount(t: TestApp, action: string, recordId: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    t,
    sql`select count(*)::int as n from audit_events where action = ${action} and record_id = ${recordId}`,
  );
  return Number(row?.n);
}

function setCookieHeaders(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  return header === undefined ? [] : [header].flat().map(String);
}

const sessionSetCookie = (response: LightMyRequestResponse) =>
  setCookieHeaders(response).find((c) => c.startsWith('pa_session='));

const sessionToken = (response: LightMyRequestResponse) => response.cookies.find((c) => c.name === 'pa_session')?.value;

/** A visitor's sign-in attempt; the visitor first opens the form, as a browser would. */
async function attempt(visitor: Visitor, email: string, password: string, next = '/'): Promise<LightMyRequestResponse> {
  await visitor.get('/sign-in');
  return visitor.post('/sign-in', { email, password, next });
}

/** GET with exactly this cookie, as someone holding an old cookie would. */
const getWithCookie = (app: FastifyInstance, url: string, cookie: string) =>
  app.inject({ method: 'GET', url, headers: { cookie } });

const minutesFromNow = (value: string | Date | null) =>
  value === null ? null : (new Date(value).getTime() - Date.now()) / 60_000;

describe('sign-in with a password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('signs in with the right password: 303 and an HttpOnly, SameSite=Lax session cookie', async () => {
    const visitor = new Visitor(t.app);
    const response = await attempt(visitor, demo.staff, demoPassword);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    const cookie = sessionSetCookie(response);
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    // Not behind a TLS proxy (trustProxy off): no Secure flag, so that local HTTP works.
    expect(cookie).not.toMatch(/;\s*Secure/i);
    const home = await visitor.get('/');
    expect(home.statusCode).toBe(200);
    expect(textOf(home.body)).toContain('You are signed in as Sam Okafor');
  });

  it('marks the session and form cookies Secure when the app runs behind a TLS proxy', async () => {
    const proxied = await buildApp(t.database, withTrustProxy('127.0.0.1'));
    try {
      const visitor = new Visitor(proxied);
      const form = await visitor.get('/sign-in');
      const csrfCookie = setCookieHeaders(form).find((c) => c.startsWith('pa_csrf='));
      expect(csrfCookie).toMatch(/;\s*Secure/i);
      expect(csrfCookie).toMatch(/;\s*HttpOnly/i);
      const response = await visitor.post('/sign-in', { email: demo.staff, password: demoPassword, next: '/' });
      expect(response.statusCode).toBe(303);
      const cookie = sessionSetCookie(response);
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=Lax/i);
      expect(response.headers['strict-transport-security']).toContain('max-age=');
    } finally {
      await proxied.close();
    }
  });

  it('refuses a wrong password and an unknown e-mail with the same message, and no session cookie', async () => {
    const before = await userRow(t, demo.boardViewer);
    const wrongPassword = await attempt(new Visitor(t.app), demo.boardViewer, 'not-the-right-password');
    const unknownEmail = await attempt(new Visitor(t.app), 'nobody@northshire-ft.example', demoPassword);
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(400);
      const text = textOf(response.body);
      expect(text).toContain('There is a problem');
      expect(text).toContain(wrongDetails);
      expect(response.body).toContain('href="#email"');
      expect(sessionSetCookie(response)).toBeUndefined();
    }
    // Nothing in either answer tells the two apart.
    const message = (r: LightMyRequestResponse) => textOf(r.body).match(/There is a problem (.*?) Sign in to/)?.[1];
    expect(message(wrongPassword)).toBe(message(unknownEmail));
    expect(await sessionCount(t, before.id)).toBe(0);
    expect((await userRow(t, demo.boardViewer)).failed_sign_ins).toBe(before.failed_sign_ins + 1);
  });

  it('gives a new session id at sign-in, whatever session cookie the browser held before', async () => {
    const planted = 'attacker-chosen-session-value-0123456789';
    const visitor = new Visitor(t.app);
    await visitor.get('/sign-in');
    const response = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: new URLSearchParams({ _csrf: visitor.csrf, email: demo.practitioner, password: demoPassword }).toString(),
      headers: {
        cookie: `${visitor.cookieHeader}; pa_session=${planted}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    expect(response.statusCode).toBe(303);
    const first = sessionToken(response);
    expect(first).toBeDefined();
    expect(first).not.toBe(planted);
    expect((await getWithCookie(t.app, '/', `pa_session=${planted}`)).headers.location).toBe('/sign-in?next=%2F');

    // Signing in again (already signed in) also gives a new id.
    const again = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: new URLSearchParams({
        _csrf: /name="_csrf" value="([^"]+)"/.exec((await getWithCookie(t.app, '/', `pa_session=${first}`)).body)?.[1] ?? '',
        email: demo.practitioner,
        password: demoPassword,
      }).toString(),
      headers: { cookie: `pa_session=${first}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(again.statusCode).toBe(303);
    const second = sessionToken(again);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it('ends the session on the server at sign-out: the old cookie no longer works', async () => {
    const visitor = await signedIn(t.app, demo.trainingAdmin);
    const token = /pa_session=([^;]+)/.exec(visitor.cookieHeader)?.[1];
    expect(token).toBeDefined();
    const { id } = await userRow(t, demo.trainingAdmin);
    expect(await sessionCount(t, id)).toBe(1);
    expect((await getWithCookie(t.app, '/', `pa_session=${token}`)).statusCode).toBe(200);

    const out = await visitor.post('/sign-out');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/sign-in?signedOut=1');
    expect(textOf((await visitor.get('/sign-in?signedOut=1')).body)).toContain('You have signed out.');
    expect(await sessionCount(t, id)).toBe(0);

    // Someone who kept a copy of the cookie is not signed in.
    const replayed = await getWithCookie(t.app, '/', `pa_session=${token}`);
    expect(replayed.statusCode).toBe(303);
    expect(replayed.headers.location).toBe('/sign-in?next=%2F');
    const page = await getWithCookie(t.app, '/sign-in', `pa_session=${token}`);
    expect(textOf(page.body)).toContain('Sign in to Prevent Assure');
  });

  it('locks an account for 15 minutes after 5 wrong passwords, even against the right password', async () => {
    const { id } = await userRow(t, demo.accountableLead);
    const failedBefore = await auditCount(t, 'sign-in.failed', id);
    for (let i = 1; i <= 5; i++) {
      const response = await attempt(new Visitor(t.app), demo.accountableLead, `wrong-password-${i}`);
      expect(response.statusCode).toBe(400);
      expect(textOf(response.body)).toContain(wrongDetails);
    }
    const locked = await userRow(t, demo.accountableLead);
    const minutes = minutesFromNow(locked.locked_until);
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15.1);

    const visitor = new Visitor(t.app);
    const right = await attempt(visitor, demo.accountableLead, demoPassword);
    expect(right.statusCode).toBe(400);
    expect(textOf(right.body)).toContain(lockedMessage);
    expect(sessionSetCookie(right)).toBeUndefined();
    expect(await sessionCount(t, id)).toBe(0);
    expect((await visitor.get('/')).headers.location).toBe('/sign-in?next=%2F');

    // Every refusal is in the audit trail, with its reason.
    expect(await auditCount(t, 'sign-in.failed', id)).toBe(failedBefore + 6);
    const reasons = await rows<{ reason: string; ip: string }>(
      t,
      sql`select details->>'reason' as reason, ip from audit_events
          where action = 'sign-in.failed' and record_id = ${id} order by seq desc limit 6`,
    );
    expect(reasons.map((r) => r.reason)).toEqual(['locked', ...Array(5).fill('wrong password')]);
    expect(reasons.every((r) => r.ip === '127.0.0.1')).toBe(true);

    // Once the 15 minutes have passed, the right password works again.
    await t.database.db.execute(sql`update users set locked_until = now() - interval '1 second' where id = ${id}`);
    const later = await attempt(new Visitor(t.app), demo.accountableLead, demoPassword);
    expect(later.statusCode).toBe(303);
    expect(sessionSetCookie(later)).toBeDefined();
  });

  it('records a failed sign-in for an unknown e-mail without naming an account', async () => {
    const email = 'not.registered@northshire-ft.example';
    await attempt(new Visitor(t.app), email, demoPassword);
    const [row] = await rows<{ actor_label: string; actor_user_id: string | null; reason: string }>(
      t,
      sql`select actor_label, actor_user_id, details->>'reason' as reason from audit_events
          where action = 'sign-in.failed' order by seq desc limit 1`,
    );
    expect(row).toEqual({ actor_label: 'unknown account', actor_user_id: null, reason: 'unknown e-mail' });
  });
});

/** Where a request comes from: the connection's address, and the X-Forwarded-For it carries (true or forged). */
type From = { remoteAddress?: string; forwardedFor?: string };

/** A sign-in attempt from a given network address: the form first, as a browser would, then the post. */
async function attemptFrom(app: FastifyInstance, from: From, email: string, password: string) {
  const network = {
    ...(from.remoteAddress ? { remoteAddress: from.remoteAddress } : {}),
    headers: from.forwardedFor ? { 'x-forwarded-for': from.forwardedFor } : {},
  };
  const form = await app.inject({ method: 'GET', url: '/sign-in', ...network });
  const csrf = form.cookies.find((c) => c.name === 'pa_csrf')?.value ?? '';
  return app.inject({
    method: 'POST',
    url: '/sign-in',
    ...network,
    payload: new URLSearchParams({ _csrf: csrf, email, password, next: '/' }).toString(),
    headers: { ...network.headers, cookie: `pa_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Failed sign-ins from an address, recorded now, as if they had just happened. */
async function recentFailures(t: TestApp, ip: string, count: number): Promise<void> {
  await t.database.db.execute(
    sql`insert into sign_in_attempts (ip, succeeded, at) select ${ip}, false, now() from generate_series(1, ${count})`,
  );
}

async function failuresFrom(t: TestApp, ip: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    t,
    sql`select count(*)::int as n from sign_in_attempts where ip = ${ip} and not succeeded`,
  );
  return Number(row?.n);
}

/** The message asking the network to wait, and the seconds it names. */
function waitAsked(response: LightMyRequestResponse): number | null {
  const match = /Too many failed sign-ins from your network\. Wait (\d+) seconds? and try again/.exec(textOf(response.body));
  return match ? Number(match[1]) : null;
}

/** A configuration with TRUST_PROXY set as an administrator would write it. */
const withTrustProxy = (value: string) => testConfig({ trustProxy: loadConfig({ TRUST_PROXY: value }).trustProxy });

describe('which network address sign-in limits count', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  /** The address a failed sign-in was counted against. */
  async function countedAddress(app: FastifyInstance, from: From): Promise<string[]> {
    await t.database.db.execute(sql`delete from sign_in_attempts`);
    const response = await attemptFrom(app, from, 'nobody@northshire-ft.example', 'a-guess');
    expect(textOf(response.body)).toContain(wrongDetails);
    return (await rows<{ ip: string }>(t, sql`select ip from sign_in_attempts`)).map((r) => r.ip);
  }

  it('ignores X-Forwarded-For when TRUST_PROXY is unset: a forged header does not change the address', async () => {
    expect(await countedAddress(t.app, { forwardedFor: '203.0.113.9' })).toEqual(['127.0.0.1']);

    // An address that must wait cannot escape by naming another.
    await recentFailures(t, '127.0.0.1', 40);
    const forged = await attemptFrom(t.app, { forwardedFor: '198.51.100.77' }, demo.staff, demoPassword);
    expect(forged.statusCode).toBe(400);
    expect(waitAsked(forged)).toBeGreaterThan(0);
    expect(sessionSetCookie(forged)).toBeUndefined();
    await t.database.db.execute(sql`delete from sign_in_attempts`);
  });

  it('uses the forwarded address when the request comes from a listed proxy, and only then', async () => {
    const proxied = await buildApp(t.database, withTrustProxy('127.0.0.1'));
    const elsewhere = await buildApp(t.database, withTrustProxy('10.0.0.0/8'));
    try {
      // The proxy appends the address it saw; anything before that is the client's own say.
      expect(await countedAddress(proxied, { forwardedFor: '203.0.113.9, 198.51.100.7' })).toEqual(['198.51.100.7']);
      // From a connection that is not a listed proxy, the header is not believed.
      expect(await countedAddress(elsewhere, { forwardedFor: '198.51.100.7' })).toEqual(['127.0.0.1']);

      // The forwarded address is the one that waits; another person behind the same proxy does not.
      await recentFailures(t, '198.51.100.7', 40);
      const waiting = await attemptFrom(proxied, { forwardedFor: '198.51.100.7' }, demo.staff, demoPassword);
      expect(waiting.statusCode).toBe(400);
      expect(waitAsked(waiting)).toBeGreaterThan(0);
      const other = await attemptFrom(proxied, { forwardedFor: '198.51.100.8' }, demo.staff, demoPassword);
      expect(other.statusCode).toBe(303);
      expect(sessionSetCookie(other)).toMatch(/;\s*Secure/i);
    } finally {
      await proxied.close();
      await elsewhere.close();
      await t.database.db.execute(sql`delete from sign_in_attempts`);
    }
  });

  it('with a hop count, takes the address that many proxies back, whatever the client wrote before it', async () => {
    const oneHop = await buildApp(t.database, withTrustProxy('1'));
    const twoHops = await buildApp(t.database, withTrustProxy('2'));
    try {
      const header = '203.0.113.9, 198.51.100.7, 10.0.0.2';
      expect(await countedAddress(oneHop, { forwardedFor: header })).toEqual(['10.0.0.2']);
      expect(await countedAddress(twoHops, { forwardedFor: header })).toEqual(['198.51.100.7']);
      expect(await countedAddress(twoHops, { forwardedFor: '198.51.100.7, 10.0.0.2' })).toEqual(['198.51.100.7']);
    } finally {
      await oneHop.close();
      await twoHops.close();
      await t.database.db.execute(sql`delete from sign_in_attempts`);
    }
  });
});

describe('sign-in failures from one address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('asks a busy address to wait seconds, not minutes, and lets it in once the wait is over; other addresses are unaffected', async () => {
    await t.database.db.execute(sql`delete from sign_in_attempts`);
    // Mostly unknown accounts, so that no account is locked: only the address's failures count here.
    for (let i = 1; i <= 11; i++) {
      const email = i % 10 === 0 ? demo.staff : `guess${i}@northshire-ft.example`;
      const response = await attempt(new Visitor(t.app), email, `guess-number-${i}`);
      expect(response.statusCode).toBe(400);
      expect(textOf(response.body)).toContain(wrongDetails);
    }
    expect(await failuresFrom(t, '127.0.0.1')).toBe(11);
    // Many more, as a script guessing from a trust's shared address would make.
    await recentFailures(t, '127.0.0.1', 29);

    const admin = await userRow(t, demo.systemAdmin);
    const staff = await userRow(t, demo.staff);
    const auditBefore = await auditCount(t, 'sign-in.failed', staff.id);
    const visitor = new Visitor(t.app);
    const early = await attempt(visitor, demo.systemAdmin, demoPassword);
    expect(early.statusCode).toBe(400);
    const seconds = waitAsked(early);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(sessionSetCookie(early)).toBeUndefined();
    expect((await visitor.get('/')).headers.location).toBe('/sign-in?next=%2F');
    expect(await sessionCount(t, admin.id)).toBe(0);

    // Too early, the password is not even checked: a wrong one counts against nobody, and nothing is changed.
    const earlyWrong = await attempt(new Visitor(t.app), demo.staff, 'another-guess');
    expect(waitAsked(earlyWrong)).toBeGreaterThan(0);
    expect(await userRow(t, demo.staff)).toEqual(staff);
    expect(await auditCount(t, 'sign-in.failed', staff.id)).toBe(auditBefore);
    expect(await failuresFrom(t, '127.0.0.1')).toBe(40);
    expect((await userRow(t, demo.systemAdmin)).locked_until).toBeNull();

    // Another address is not affected.
    const elsewhere = await attemptFrom(t.app, { remoteAddress: '10.20.30.40' }, demo.systemAdmin, demoPassword);
    expect(elsewhere.statusCode).toBe(303);
    expect(sessionSetCookie(elsewhere)).toBeDefined();

    // A minute after the last failure, the right password works: the failures are still recent, but no one waits longer.
    await t.database.db.execute(sql`update sign_in_attempts set at = at - interval '61 seconds' where ip = '127.0.0.1'`);
    const afterWait = await attempt(new Visitor(t.app), demo.systemAdmin, demoPassword);
    expect(afterWait.statusCode).toBe(303);
    expect(sessionSetCookie(afterWait)).toBeDefined();
  });

  it('lets an address that failed only a few times try again at once', async () => {
    await t.database.db.execute(sql`delete from sign_in_attempts`);
    await recentFailures(t, '127.0.0.1', 10);
    const response = await attempt(new Visitor(t.app), demo.staff, demoPassword);
    expect(response.statusCode).toBe(303);
  });

  it('still locks an account after 5 wrong passwords, even from 5 different addresses', async () => {
    const { id } = await userRow(t, demo.trainingAdmin);
    for (let i = 1; i <= 5; i++) {
      const response = await attemptFrom(t.app, { remoteAddress: `192.0.2.${i}` }, demo.trainingAdmin, `wrong-${i}`);
      expect(textOf(response.body)).toContain(wrongDetails);
    }
    const minutes = minutesFromNow((await userRow(t, demo.trainingAdmin)).locked_until);
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15.1);
    const right = await attemptFrom(t.app, { remoteAddress: '192.0.2.99' }, demo.trainingAdmin, demoPassword);
    expect(right.statusCode).toBe(400);
    expect(textOf(right.body)).toContain(lockedMessage);
    expect(await sessionCount(t, id)).toBe(0);
  });
});

/** A code from the authenticator app, `offset` seconds from now (the service allows one 30-second step either way). */
const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

/** A 6-digit code that is not valid for this secret at any time the service would accept now. */
async function wrongCode(secret: string): Promise<string> {
  const valid = new Set(await Promise.all([-60, -30, 0, 30, 60].map((offset) => codeAt(secret, offset))));
  const code = ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c));
  if (!code) throw new Error('no wrong code');
  return code;
}

const totpKeyOf = (html: string) => /id="totp-key">\s*([A-Z2-7]+)\s*</.exec(html)?.[1];

/** Signs in with a password, opens the enrolment page and confirms a code: returns the secret. */
async function enrol(visitor: Visitor, email: string): Promise<string> {
  const response = await attempt(visitor, email, demoPassword);
  expect(response.headers.location).toBe('/account/mfa');
  const page = await visitor.get('/account/mfa');
  const secret = totpKeyOf(page.body);
  if (!secret) throw new Error('no key on the enrolment page');
  const confirmed = await visitor.post('/account/mfa', { code: await codeAt(secret) });
  expect(confirmed.statusCode).toBe(303);
  return secret;
}

describe('multi-factor authentication', () => {
  let t: TestApp;
  /**
   * A lead who has enrolled, for the tests that start from there: enrolled once, by whichever test
   * asks first. (The enrolment test itself enrols another lead, Jordan Ellis, step by step.)
   */
  let enrolledLead: Promise<string> | undefined;
  const enrolledLeadSecret = () => {
    enrolledLead ??= enrol(new Visitor(t.app), demo.otherTrustLead);
    return enrolledLead;
  };
  beforeAll(async () => {
    t = await testApp({ requireMfa: true });
  });
  afterAll(() => t.close());

  it('sends a case-data role to enrol after the password, and keeps every page behind enrolment until done', async () => {
    const visitor = new Visitor(t.app);
    const response = await attempt(visitor, demo.operationalLead, demoPassword);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account/mfa');
    for (const url of ['/', '/organisations', '/audit', '/account', '/account/password']) {
      const page = await visitor.get(url);
      expect(page.statusCode, url).toBe(303);
      expect(page.headers.location, url).toBe('/account/mfa');
    }

    const page = await visitor.get('/account/mfa');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Set up multi-factor authentication');
    expect(text).toContain('you must use a security code from an authenticator app as well as your password');
    const secret = totpKeyOf(page.body);
    expect(secret).toBeDefined();
    if (!secret) return;

    const wrong = await visitor.post('/account/mfa', { code: await wrongCode(secret) });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('The code is not right. Check the key was entered correctly');
    expect(wrong.body).toContain('href="#code"');
    expect((await visitor.get('/')).headers.location).toBe('/account/mfa');
    expect((await userRow(t, demo.operationalLead)).totp_enabled_at).toBeNull();

    const confirmed = await visitor.post('/account/mfa', { code: await codeAt(secret) });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/account?mfa=enrolled');
    const account = await visitor.get('/account?mfa=enrolled');
    expect(account.statusCode).toBe(200);
    expect(textOf(account.body)).toContain('Multi-factor authentication is set up');
    expect((await visitor.get('/')).statusCode).toBe(200);
    expect((await userRow(t, demo.operationalLead)).totp_enabled_at).not.toBeNull();
    // A copy of the database alone cannot make codes: the secret is stored sealed.
    const stored = (await t.database.db.execute(
      sql`select totp_secret from users where email = ${demo.operationalLead}`,
    )) as unknown as {
      rows: { totp_secret: string }[];
    };
    expect(stored.rows[0]?.totp_secret).toMatch(/^v1\./);
    expect(stored.rows[0]?.totp_secret).not.toContain(secret);

    await visitor.post('/sign-out');
  });

  it('asks an enrolled person for a code at every sign-in; a wrong code does not sign them in, and a code works once', async () => {
    const leadSecret = await enrolledLeadSecret();
    expect(leadSecret).not.toBe('');
    const visitor = new Visitor(t.app);
    const password = await attempt(visitor, demo.otherTrustLead, demoPassword);
    expect(password.statusCode).toBe(303);
    expect(password.headers.location).toBe('/sign-in/mfa?next=%2F');
    expect((await visitor.get('/')).headers.location).toBe('/sign-in/mfa');
    const challenge = await visitor.get('/sign-in/mfa?next=%2F');
    expect(textOf(challenge.body)).toContain('Enter your security code');

    const wrong = await visitor.post('/sign-in/mfa', { code: await wrongCode(leadSecret), next: '/' });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain(wrongCodeMessage);
    expect(wrong.body).toContain('href="#code"');
    expect((await visitor.get('/')).headers.location).toBe('/sign-in/mfa');
    expect((await visitor.get('/organisations')).headers.location).toBe('/sign-in/mfa');

    // The enrolment code's time step is used up, so take the next one (within the allowed drift).
    const code = await codeAt(leadSecret, 30);
    const beforeSecondFactor = sessionToken(password);
    const right = await visitor.post('/sign-in/mfa', { code, next: 'https://evil.example' });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/');
    // The session id changes at the second factor: the half-signed-in token is now worthless.
    expect(sessionToken(right)).toBeDefined();
    expect(sessionToken(right)).not.toBe(beforeSecondFactor);
    expect((await getWithCookie(t.app, '/', `pa_session=${beforeSecondFactor}`)).headers.location).toBe('/sign-in?next=%2F');
    const home = await visitor.get('/');
    expect(home.statusCode).toBe(200);
    expect(textOf(home.body)).toContain('You are signed in as Avery Quinn');

    // Someone who saw that code cannot use it to finish another sign-in.
    const replayer = new Visitor(t.app);
    await attempt(replayer, demo.otherTrustLead, demoPassword);
    await replayer.get('/sign-in/mfa');
    const replay = await replayer.post('/sign-in/mfa', { code, next: '/' });
    expect(replay.statusCode).toBe(400);
    expect(textOf(replay.body)).toContain(wrongCodeMessage);
    expect((await replayer.get('/')).headers.location).toBe('/sign-in/mfa');
    const { id } = await userRow(t, demo.otherTrustLead);
    expect(await auditCount(t, 'mfa.failed', id)).toBe(2);
  });

  it('locks the account after 5 wrong codes, even against the right code and password', async () => {
    const secret = await enrol(new Visitor(t.app), demo.practitioner);
    const visitor = new Visitor(t.app);
    expect((await attempt(visitor, demo.practitioner, demoPassword)).headers.location).toBe('/sign-in/mfa?next=%2F');
    await visitor.get('/sign-in/mfa');
    const wrong = await wrongCode(secret);
    for (let i = 1; i <= 5; i++) {
      const response = await visitor.post('/sign-in/mfa', { code: wrong, next: '/' });
      expect(response.statusCode).toBe(400);
      expect(textOf(response.body)).toContain(wrongCodeMessage);
    }
    const user = await userRow(t, demo.practitioner);
    expect(minutesFromNow(user.locked_until)).toBeGreaterThan(14);
    expect(await auditCount(t, 'mfa.failed', user.id)).toBe(5);

    const right = await visitor.post('/sign-in/mfa', { code: await codeAt(secret, 30), next: '/' });
    expect(right.statusCode).toBe(400);
    expect(textOf(right.body)).toContain(mfaLockedMessage);
    expect((await visitor.get('/')).headers.location).toBe('/sign-in/mfa');

    const again = await attempt(new Visitor(t.app), demo.practitioner, demoPassword);
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain(lockedMessage);
  });

  it('lets a role without case data sign in with a password alone', async () => {
    const visitor = new Visitor(t.app);
    const response = await attempt(visitor, demo.boardViewer, demoPassword);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    const home = await visitor.get('/');
    expect(home.statusCode).toBe(200);
    expect(textOf(home.body)).toContain('You are signed in as Casey Marsh');
  });

  it('still asks for the code of an enrolled person when MFA is not required', async () => {
    await enrolledLeadSecret();
    const relaxed = await buildApp(t.database, testConfig({ requireMfa: false }));
    try {
      const lead = new Visitor(relaxed);
      const response = await attempt(lead, demo.otherTrustLead, demoPassword);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/sign-in/mfa?next=%2F');
      expect((await lead.get('/')).headers.location).toBe('/sign-in/mfa');
      expect(textOf((await lead.get('/sign-in/mfa')).body)).toContain('Enter your security code');
      // Someone in the same role who never enrolled signs in with a password alone.
      const director = new Visitor(relaxed);
      expect((await attempt(director, demo.accountableLead, demoPassword)).headers.location).toBe('/');
    } finally {
      await relaxed.close();
    }
  });
});

describe('choosing and changing a password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  const newPerson = { displayName: 'Alex Fairweather', email: 'alex.fairweather@northshire-ft.example' };

  async function invitationState(userId: string) {
    const user = await rows<{ password_hash: string | null }>(t, sql`select password_hash from users where id = ${userId}`);
    const invitations = await rows<{ used_at: string | null }>(t, sql`select used_at from invitations where user_id = ${userId}`);
    return { passwordHash: user[0]?.password_hash ?? null, used: invitations.map((i) => i.used_at !== null) };
  }

  it('lets an invited person choose a password once, by the rules: length and a deny-list, no composition rules', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    await admin.get('/users/new');
    const invited = await admin.post('/users', { ...newPerson, role: 'staff' });
    expect(invited.statusCode).toBe(200);
    expect(textOf(invited.body)).toContain('Invitation created');
    const link = /id="invitation-link">([^<]+)</.exec(invited.body)?.[1];
    expect(link).toBeDefined();
    const path = new URL(link ?? '').pathname;
    expect(path).toMatch(/^\/invitations\/[\w-]{43}$/);
    const { id } = await userRow(t, newPerson.email);
    expect(await invitationState(id)).toEqual({ passwordHash: null, used: [false] });

    const person = new Visitor(t.app);
    const form = await person.get(path);
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain(`Choose your password You have been invited to Prevent Assure as ${newPerson.email}`);

    const refusals: [Record<string, string>, string, string][] = [
      [{ password: 'short-pass1', confirmPassword: 'short-pass1' }, 'Password must be at least 12 characters long', 'password'],
      [{ password: 'passwordpassword', confirmPassword: 'passwordpassword' }, 'This password is too common', 'password'],
      [{ password: 'PasswordPassword', confirmPassword: 'PasswordPassword' }, 'This password is too common', 'password'],
      [{ password: 'aaaaaaaaaaaaaaaa', confirmPassword: 'aaaaaaaaaaaaaaaa' }, 'This password is too common', 'password'],
      [
        { password: 'fairweather-friend-9', confirmPassword: 'fairweather-friend-9' },
        'Password must not contain your name or e-mail address',
        'password',
      ],
      [
        { password: 'my-alex.fairweather-pw', confirmPassword: 'my-alex.fairweather-pw' },
        'Password must not contain your name or e-mail address',
        'password',
      ],
      [
        { password: 'correct-llama-orbit-42', confirmPassword: 'correct-llama-orbit-43' },
        'The passwords do not match',
        'confirmPassword',
      ],
    ];
    for (const [fields, message, field] of refusals) {
      const response = await person.post(path, fields);
      expect(response.statusCode, fields.password).toBe(400);
      const text = textOf(response.body);
      expect(text).toContain('There is a problem');
      expect(text, fields.password).toContain(message);
      expect(response.body).toContain(`href="#${field}"`);
      expect(await invitationState(id)).toEqual({ passwordHash: null, used: [false] });
    }

    // Lower case, no capital letter, no symbol rule: length and not guessable is enough.
    const accepted = await person.post(path, { password: 'correct-llama-orbit-42', confirmPassword: 'correct-llama-orbit-42' });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe('/sign-in?passwordSet=1');
    expect(textOf((await person.get('/sign-in?passwordSet=1')).body)).toContain('Your password is set. Sign in with it now.');
    const state = await invitationState(id);
    expect(state.passwordHash).toMatch(/^\$argon2/);
    expect(state.used).toEqual([true]);
    expect((await attempt(person, newPerson.email, 'correct-llama-orbit-42')).headers.location).toBe('/');

    // The link works once.
    for (const response of [
      await new Visitor(t.app).get(path),
      await (async () => {
        const other = new Visitor(t.app);
        await other.get('/sign-in');
        return other.post(path, { password: 'another-good-phrase-7', confirmPassword: 'another-good-phrase-7' });
      })(),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(textOf(response.body)).toContain('This invitation cannot be used');
    }
    expect((await invitationState(id)).passwordHash).toBe(state.passwordHash);
    expect((await attempt(new Visitor(t.app), newPerson.email, 'another-good-phrase-7')).statusCode).toBe(400);

    // A made-up link is refused the same way.
    const madeUp = await new Visitor(t.app).get('/invitations/this-is-not-a-real-invitation-token');
    expect(madeUp.statusCode).toBe(404);
    expect(textOf(madeUp.body)).toContain('This invitation cannot be used');
  });

  it('lets only one of two uses of an invitation at the same moment set a password', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    await admin.get('/users/new');
    const email = 'robin.twice@northshire-ft.example';
    const invited = await admin.post('/users', { displayName: 'Robin Twice', email, role: 'staff' });
    const path = new URL(/id="invitation-link">([^<]+)</.exec(invited.body)?.[1] ?? '').pathname;
    const first = new Visitor(t.app);
    const second = new Visitor(t.app);
    await first.get(path);
    await second.get(path);
    const passwords = ['first-good-phrase-1', 'second-good-phrase-2'];
    const responses = await Promise.all(
      [first, second].map((v, i) => v.post(path, { password: passwords[i] ?? '', confirmPassword: passwords[i] ?? '' })),
    );
    const won = responses.findIndex((r) => r.statusCode === 303);
    expect(won).toBeGreaterThanOrEqual(0);
    const lost = responses[1 - won];
    // Refused either when it opens the link (already used) or when it tries to claim it (used a moment before).
    expect([400, 404]).toContain(lost?.statusCode);
    expect(textOf(lost?.body ?? '')).toMatch(/This invitation cannot be used|This invitation can no longer be used/);
    expect((await attempt(new Visitor(t.app), email, passwords[won] ?? '')).headers.location).toBe('/');
    expect((await attempt(new Visitor(t.app), email, passwords[1 - won] ?? '')).statusCode).toBe(400);
  });

  it('changes a password by the same rules, and ends every session of the person', async () => {
    const { id, password_hash: oldHash } = await userRow(t, demo.trainingAdmin);
    const laptop = await signedIn(t.app, demo.trainingAdmin);
    const phone = await signedIn(t.app, demo.trainingAdmin);
    expect(await sessionCount(t, id)).toBe(2);
    const form = await laptop.get('/account/password');
    expect(textOf(form.body)).toContain('Change your password');

    const refusals: [Record<string, string>, string, string][] = [
      [{ password: 'tiny-words', confirmPassword: 'tiny-words' }, 'Password must be at least 12 characters long', 'password'],
      [{ password: 'passwordpassword', confirmPassword: 'passwordpassword' }, 'This password is too common', 'password'],
      [
        { password: 'taylor-likes-tea', confirmPassword: 'taylor-likes-tea' },
        'Password must not contain your name or e-mail address',
        'password',
      ],
      [
        { password: 'correct-llama-orbit-42', confirmPassword: 'correct-llama-orbit-24' },
        'The passwords do not match',
        'confirmPassword',
      ],
    ];
    for (const [fields, message, field] of refusals) {
      const response = await laptop.post('/account/password', { currentPassword: demoPassword, ...fields });
      expect(response.statusCode, fields.password).toBe(400);
      expect(textOf(response.body), fields.password).toContain(message);
      expect(response.body).toContain(`href="#${field}"`);
    }
    const wrongCurrent = await laptop.post('/account/password', {
      currentPassword: 'not-my-password',
      password: 'correct-llama-orbit-42',
      confirmPassword: 'correct-llama-orbit-42',
    });
    expect(wrongCurrent.statusCode).toBe(400);
    expect(textOf(wrongCurrent.body)).toContain('Your current password is not right');
    expect(wrongCurrent.body).toContain('href="#currentPassword"');
    expect((await userRow(t, demo.trainingAdmin)).password_hash).toBe(oldHash);
    expect(await sessionCount(t, id)).toBe(2);

    // Only lower-case letters: accepted, as there is no composition rule.
    const changed = await laptop.post('/account/password', {
      currentPassword: demoPassword,
      password: 'bluehorsetablelamp',
      confirmPassword: 'bluehorsetablelamp',
    });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/sign-in?passwordChanged=1');
    expect(textOf((await laptop.get('/sign-in?passwordChanged=1')).body)).toContain(
      'Your password was changed and you were signed out everywhere',
    );
    expect((await userRow(t, demo.trainingAdmin)).password_hash).not.toBe(oldHash);
    expect(await sessionCount(t, id)).toBe(0);
    for (const visitor of [laptop, phone]) {
      const home = await visitor.get('/');
      expect(home.statusCode).toBe(303);
      expect(home.headers.location).toBe('/sign-in?next=%2F');
    }

    const oldPassword = await attempt(new Visitor(t.app), demo.trainingAdmin, demoPassword);
    expect(oldPassword.statusCode).toBe(400);
    expect(textOf(oldPassword.body)).toContain(wrongDetails);
    expect((await attempt(new Visitor(t.app), demo.trainingAdmin, 'bluehorsetablelamp')).headers.location).toBe('/');
  });
});
