import { randomBytes, randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import { type SQL, sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, demoPassword, signedIn, type TestApp, testApp, testConfig, textOf, Visitor } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createViewEnvironment } from './views.ts';
import { setUpAuthorisation, setUpCsrf, setUpErrorPages, setUpPages, setUpRouteRegistry, setUpSessions } from './web.ts';

/** Rows from a query run as the database owner (row-level security does not apply). */
async function rows<T = Record<string, unknown>>(t: TestApp, query: SQL): Promise<T[]> {
  const result = await t.database.db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

async function count(t: TestApp, table: 'sessions' | 'sign_in_attempts' | 'audit_events' | 'users'): Promise<number> {
  const [row] = await rows<{ n: number }>(t, sql`select count(*)::int as n from ${sql.identifier(table)}`);
  return Number(row?.n);
}

/** Everything a form in these modules could change. */
async function snapshot(t: TestApp) {
  return {
    users: await rows(
      t,
      sql`select id, email, display_name, password_hash, deactivated_at, failed_sign_ins from users order by id`,
    ),
    grants: await rows(t, sql`select id, org_id, user_id, role, revoked_at from role_grants order by id`),
    invitations: await rows(t, sql`select token_hash, user_id, used_at from invitations order by token_hash`),
    organisations: await rows(
      t,
      sql`select id, ods_code, name, kind, region, commissioner_id, updated_at from organisations order by id`,
    ),
  };
}

async function idOf(t: TestApp, table: 'users' | 'organisations', where: SQL): Promise<string> {
  const [row] = await rows<{ id: string }>(t, sql`select id from ${sql.identifier(table)} where ${where}`);
  if (!row) throw new Error(`nothing in ${table}`);
  return row.id;
}

/** A form post with exactly these fields and cookies: no CSRF token is added. */
const postRaw = (app: FastifyInstance, url: string, cookie: string, fields: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });

/** What a person reads, with the escaped angle brackets shown as the characters they are. */
const readable = (html: string) => textOf(html).replace(/&lt;/g, '<').replace(/&gt;/g, '>');

const sqlPayload = "'; DROP TABLE users; --";
const scriptPayload = '<script>alert(1)</script>';
const imgPayload = '"><img src=x onerror=alert(1)>';
const payloads = [sqlPayload, scriptPayload, imgPayload];

/** The page never carries markup that came from a form: only its escaped text. */
function expectNoInjectedMarkup(response: LightMyRequestResponse) {
  const body = response.body.toLowerCase();
  expect(body).not.toContain('<script>alert(1)</script>');
  expect(body).not.toContain('<img src=x onerror');
  expect(body).not.toContain('"><img');
}

const expired = (response: LightMyRequestResponse) => {
  expect(response.statusCode).toBe(403);
  const text = textOf(response.body);
  expect(text).toContain('This form has expired');
  expect(text).toContain('Nothing was changed');
};

const notFound = (response: LightMyRequestResponse, what: string) => {
  expect(response.statusCode, what).toBe(404);
  expect(response.headers['content-type'], what).toContain('text/html');
  expect(textOf(response.body), what).toContain('Page not found');
};

/** Headers that belong to the response itself (its body, its cookies, its connection), not to the service's policy. */
const perResponseHeaders = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'set-cookie',
  'location',
]);

/** A response's headers other than the per-response ones, with the CSP nonce (fresh every time) blanked. */
const securityHeadersOf = (response: LightMyRequestResponse) =>
  Object.fromEntries(
    Object.entries(response.headers)
      .filter(([name]) => !perResponseHeaders.has(name))
      .map(([name, value]) => [name, String(value).replace(/'nonce-[^']*'/, "'nonce-…'")]),
  );

describe('bad input, CSRF and the web layer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  describe('CSRF', () => {
    const invitee = { displayName: 'Forged Invitee', email: 'forged.invitee@northshire-ft.example', role: 'system_admin' };

    it('refuses a form with no token, a forged token, or a token from an ended session, and changes nothing', async () => {
      const admin = await signedIn(t.app, demo.systemAdmin);
      await admin.get('/users/new');
      const before = await snapshot(t);
      const listBefore = textOf((await admin.get('/users')).body);

      // Another session's token, once that session has ended.
      const other = await signedIn(t.app, demo.systemAdmin);
      const othersToken = other.csrf;
      await other.post('/sign-out');
      // This browser's own token from before it signed out and in again.
      const again = await signedIn(t.app, demo.systemAdmin);
      const staleToken = again.csrf;
      await again.post('/sign-out');
      await again.signIn(demo.systemAdmin);
      expect(again.csrf).not.toBe(staleToken);

      expired(await postRaw(t.app, '/users', admin.cookieHeader, invitee));
      expired(await admin.post('/users', { ...invitee, _csrf: '' }));
      expired(await admin.post('/users', { ...invitee, _csrf: 'forged' }));
      expired(await admin.post('/users', { ...invitee, _csrf: randomBytes(32).toString('base64url') }));
      expired(await admin.post('/users', { ...invitee, _csrf: othersToken }));
      expired(await again.post('/users', { ...invitee, _csrf: staleToken }));
      // A JSON body is held to the same rule.
      expired(
        await t.app.inject({
          method: 'POST',
          url: '/users',
          payload: invitee,
          headers: { cookie: admin.cookieHeader },
        }),
      );

      expect(await snapshot(t)).toEqual(before);
      const listAfter = textOf((await admin.get('/users')).body);
      expect(listAfter).toBe(listBefore);
      expect(listAfter).not.toContain('Forged Invitee');

      // With its own token the same form works: the refusals above were the token's doing.
      await admin.get('/users/new');
      const real = await admin.post('/users', invitee);
      expect(real.statusCode).toBe(200);
      expect(textOf(real.body)).toContain('Invitation created');
      expect(textOf((await admin.get('/users')).body)).toContain('Forged Invitee');
    });

    it('protects the sign-in form with the anonymous double-submit cookie', async () => {
      const visitor = new Visitor(t.app);
      const form = await visitor.get('/sign-in');
      const cookie = form.cookies.find((c) => c.name === 'pa_csrf');
      expect(cookie?.value).toBe(visitor.csrf);
      const someoneElse = new Visitor(t.app);
      await someoneElse.get('/sign-in');
      expect(someoneElse.csrf).not.toBe(visitor.csrf);

      const counts = async () => ({
        sessions: await count(t, 'sessions'),
        attempts: await count(t, 'sign_in_attempts'),
        audit: await count(t, 'audit_events'),
      });
      const before = await counts();
      const credentials = { email: demo.staff, password: demoPassword, next: '/' };
      const refused = [
        await postRaw(t.app, '/sign-in', visitor.cookieHeader, credentials),
        await visitor.post('/sign-in', { ...credentials, _csrf: 'forged' }),
        await visitor.post('/sign-in', { ...credentials, _csrf: someoneElse.csrf }),
        // A page elsewhere can post a token, but cannot set the cookie that must match it.
        await postRaw(t.app, '/sign-in', '', { ...credentials, _csrf: visitor.csrf }),
      ];
      for (const response of refused) {
        expired(response);
        expect(response.cookies.find((c) => c.name === 'pa_session')).toBeUndefined();
      }
      expect(await counts()).toEqual(before);
      expect((await visitor.get('/')).headers.location).toBe('/sign-in?next=%2F');

      const accepted = await visitor.post('/sign-in', credentials);
      expect(accepted.statusCode).toBe(303);
      expect(accepted.headers.location).toBe('/');
    });
  });

  it('refuses a form post over 64 KiB with 413 and the NHS error page, changing nothing', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    await admin.get('/users/new');
    const before = await snapshot(t);
    const huge = await admin.post('/users', {
      displayName: 'A'.repeat(70 * 1024),
      email: 'huge.name@northshire-ft.example',
      role: 'staff',
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toContain('text/html');
    const text = textOf(huge.body);
    expect(text).toContain('There is a problem with what you sent');
    expect(text).toContain('What you sent is too large. Shorten it and try again.');
    expect(text).toContain('Nothing was changed');

    const anonymous = new Visitor(t.app);
    await anonymous.get('/sign-in');
    const hugeSignIn = await anonymous.post('/sign-in', { email: demo.staff, password: 'x'.repeat(70 * 1024) });
    expect(hugeSignIn.statusCode).toBe(413);
    expect(textOf(hugeSignIn.body)).toContain('What you sent is too large');
    expect(hugeSignIn.cookies.find((c) => c.name === 'pa_session')).toBeUndefined();

    // Under the body limit but over the field's: a message at the field.
    const long = await admin.post('/users', {
      displayName: 'A'.repeat(121),
      email: 'long.name@northshire-ft.example',
      role: 'staff',
    });
    expect(long.statusCode).toBe(400);
    expect(textOf(long.body)).toContain('Name must be 120 characters or fewer');
    expect(long.body).toContain('href="#displayName"');

    expect(await snapshot(t)).toEqual(before);
  });

  it('answers an address the router cannot read with the service’s own 400 page, or JSON for the API', async () => {
    for (const url of ['/%', '/users/%E0%A4%A']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expect(textOf(response.body)).toContain('The address is not valid');
    }
    const api = await t.app.inject({ method: 'POST', url: '/api/v1/%' });
    expect(api.statusCode).toBe(400);
    expect(api.json()).toEqual({ error: 'The address is not valid' });
  });

  it('decides by the kind each route declares, not by its address', async () => {
    // A static file: cached, and no session or form cookie for it.
    const css = await new Visitor(t.app).get('/assets/app.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toBe('public, max-age=86400');
    expect(css.headers['set-cookie']).toBeUndefined();
    // Any address under /api/ answers in JSON, before a body is read.
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v2/nothing',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'Not found' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/concerns' })).json()).toEqual({ error: 'Not found' });

    // A route anywhere that declares kind 'api' is answered as the API is; one that checks a token must say so.
    const app = Fastify();
    setUpRouteRegistry(app);
    await app.register(cookie);
    setUpPages(app, createViewEnvironment());
    setUpErrorPages(app);
    setUpSessions(app, t.database.db, {
      describeUser: async () => null,
      unreadNotifications: async () => 0,
    });
    setUpAuthorisation(app);
    setUpCsrf(app, { secureCookies: false });
    app.get('/feeds/mine', { config: { access: 'signed-in', kind: 'api' } }, async () => ({ ok: true }));
    app.get('/pages/mine', { config: { access: 'signed-in' } }, async () => ({ ok: true }));
    expect(() => app.post('/feeds/token', { config: { access: 'api-token' } }, async () => ({}))).toThrow(/kind: 'api'/);
    try {
      const feed = await app.inject({ method: 'GET', url: '/feeds/mine' });
      expect(feed.statusCode).toBe(401);
      expect(feed.json()).toEqual({ error: 'Sign in first' });
      const page = await app.inject({ method: 'GET', url: '/pages/mine' });
      expect(page.statusCode).toBe(303);
      expect(page.headers.location).toBe('/sign-in?next=%2Fpages%2Fmine');
    } finally {
      await app.close();
    }
  });

  it('sends the 400 page for an unreadable address with the same security headers as every other page', async () => {
    const proxied = await buildApp(t.database, testConfig({ trustProxy: loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy }));
    try {
      for (const app of [t.app, proxied]) {
        const page = await app.inject({ method: 'GET', url: '/no-such-page' });
        const unreadable = await app.inject({ method: 'GET', url: '/%E0%A4%A' });
        expect(page.statusCode).toBe(404);
        expect(unreadable.statusCode).toBe(400);
        expect(securityHeadersOf(unreadable)).toEqual(securityHeadersOf(page));
        expect(Object.keys(securityHeadersOf(page))).toEqual(
          expect.arrayContaining(['content-security-policy', 'x-frame-options', 'x-content-type-options', 'cache-control']),
        );
        // The page's one inline script carries the header's nonce, so that it runs.
        const nonce = /'nonce-([^']+)'/.exec(String(unreadable.headers['content-security-policy']))?.[1];
        expect(nonce).toBeTruthy();
        expect(unreadable.body).toContain(`nonce="${nonce}"`);
      }
      expect((await proxied.inject({ method: 'GET', url: '/%E0%A4%A' })).headers['strict-transport-security']).toContain(
        'max-age=',
      );
    } finally {
      await proxied.close();
    }
  });

  it('answers malformed and unknown ids with the 404 page, never 500, and changes nothing', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const staffId = await idOf(t, 'users', sql`email = ${demo.staff}`);
    const elsewhereId = await idOf(t, 'users', sql`email = ${demo.otherTrustLead}`);
    const icbId = await idOf(t, 'organisations', sql`ods_code = 'QZZ'`);
    const [grant] = await rows<{ id: string }>(t, sql`select id from role_grants where user_id = ${staffId}`);
    const before = await snapshot(t);

    const gets = [
      '/users/not-a-uuid',
      '/users/123',
      `/users/${randomUUID()}`,
      `/users/${randomUUID().toUpperCase()}`,
      `/users/${encodeURIComponent("' OR '1'='1")}`,
      '/users/%00',
      `/users/${staffId}x`,
      `/users/${elsewhereId}`,
      '/organisations/123',
      '/organisations/not-a-uuid/edit',
      `/organisations/${randomUUID()}`,
      `/organisations/${icbId}`,
      `/organisations/${encodeURIComponent('1; DROP TABLE organisations')}`,
    ];
    for (const url of gets) notFound(await admin.get(url), url);

    await admin.get('/users');
    const posts: [string, Record<string, string>][] = [
      ['/users/not-a-uuid/roles', { role: 'system_admin' }],
      [`/users/${staffId}/roles/not-a-grant/revoke`, {}],
      [`/users/${staffId}/roles/123/revoke`, {}],
      [`/users/${staffId}/roles/${randomUUID()}/revoke`, {}],
      [`/users/not-a-uuid/roles/${grant?.id}/revoke`, {}],
      [`/users/${randomUUID()}/deactivate`, {}],
      [`/users/${elsewhereId}/deactivate`, {}],
      ['/users/123/invitation', {}],
      ['/organisations/123', { name: 'Renamed', region: 'Nowhere' }],
      [`/organisations/${randomUUID()}`, { name: 'Renamed', region: 'Nowhere' }],
    ];
    for (const [url, fields] of posts) notFound(await admin.post(url, fields), url);
    expect(await snapshot(t)).toEqual(before);

    // Addresses the router itself cannot read are refused as bad requests, not errors.
    for (const url of ['/users/%E0%A4%A', `/users/${'a'.repeat(300)}`]) {
      const response = await admin.get(url);
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, url).toBeLessThan(500);
    }
  });

  describe('SQL and HTML in text fields', () => {
    it('sign-in e-mail: refused with the usual message, shown back escaped', async () => {
      const before = await snapshot(t);
      for (const payload of payloads) {
        const visitor = new Visitor(t.app);
        await visitor.get('/sign-in');
        const response = await visitor.post('/sign-in', { email: payload, password: payload, next: '/' });
        expect(response.statusCode, payload).toBe(400);
        expect(textOf(response.body)).toContain('Enter a correct e-mail address and password');
        expect(response.body).toContain('href="#email"');
        expectNoInjectedMarkup(response);
      }
      expect(await snapshot(t)).toEqual(before);
    });

    it('invite a user: a name is stored as written and shown escaped; an e-mail address is refused', async () => {
      const admin = await signedIn(t.app, demo.systemAdmin);
      await admin.get('/users/new');
      const before = await snapshot(t);
      for (const payload of payloads) {
        const response = await admin.post('/users', { displayName: 'Pat Doe', email: payload, role: 'staff' });
        expect(response.statusCode, payload).toBe(400);
        expect(textOf(response.body)).toContain('Enter an e-mail address in the correct format, like name@nhs.net');
        expect(response.body).toContain('href="#email"');
        expectNoInjectedMarkup(response);
      }
      expect(await snapshot(t)).toEqual(before);

      const links = new Map<string, string>();
      for (const [i, payload] of payloads.entries()) {
        const email = `payload.${i}@northshire-ft.example`;
        const response = await admin.post('/users', { displayName: payload, email, role: 'staff' });
        expect(response.statusCode, payload).toBe(200);
        expect(textOf(response.body)).toContain('Invitation created');
        expectNoInjectedMarkup(response);
        const [stored] = await rows<{ id: string; display_name: string }>(
          t,
          sql`select id, display_name from users where email = ${email}`,
        );
        expect(stored?.display_name).toBe(payload);
        links.set(payload, new URL(/id="invitation-link">([^<]+)</.exec(response.body)?.[1] ?? '').pathname);

        const person = await admin.get(`/users/${stored?.id}`);
        expect(person.statusCode).toBe(200);
        expectNoInjectedMarkup(person);
        expect(readable(person.body)).toContain(payload);
      }
      const list = await admin.get('/users');
      expectNoInjectedMarkup(list);
      for (const payload of payloads) expect(readable(list.body)).toContain(payload);
      expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

      // The person with the script for a name signs in: their name in the header and in the audit trail is text.
      const path = links.get(scriptPayload) ?? '';
      const person = new Visitor(t.app);
      await person.get(path);
      const set = await person.post(path, { password: 'correct-llama-orbit-42', confirmPassword: 'correct-llama-orbit-42' });
      expect(set.statusCode).toBe(303);
      const signIn = await person.signIn('payload.1@northshire-ft.example', 'correct-llama-orbit-42');
      expect(signIn.headers.location).toBe('/');
      const home = await person.get('/');
      expect(home.statusCode).toBe(200);
      expectNoInjectedMarkup(home);
      expect(readable(home.body)).toContain(`You are signed in as ${scriptPayload}`);
      const trail = await admin.get(`/audit?action=sign-in`);
      expectNoInjectedMarkup(trail);
      expect(readable(trail.body)).toContain(`${scriptPayload} <payload.1@northshire-ft.example>`);
    });

    it('add an organisation: name and region are stored and shown escaped; a bad ODS code is refused', async () => {
      const icbAdmin = await signedIn(t.app, demo.icbAdmin);
      await icbAdmin.get('/organisations/new');
      const before = await snapshot(t);
      for (const payload of payloads) {
        const response = await icbAdmin.post('/organisations', {
          odsCode: payload,
          kind: 'independent_provider',
          name: 'Valid Name Clinic',
          region: 'North East and Yorkshire',
        });
        expect(response.statusCode, payload).toBe(400);
        expect(textOf(response.body)).toContain('ODS code must be 3 to 5 letters or digits');
        expect(response.body).toContain('href="#odsCode"');
        expectNoInjectedMarkup(response);
      }
      expect(await snapshot(t)).toEqual(before);

      for (const [i, payload] of payloads.entries()) {
        const odsCode = `NA${i + 1}`;
        const response = await icbAdmin.post('/organisations', {
          odsCode,
          kind: 'independent_provider',
          name: payload,
          region: payload,
        });
        expect(response.statusCode, payload).toBe(303);
        const [stored] = await rows<{ id: string; name: string; region: string }>(
          t,
          sql`select id, name, region from organisations where ods_code = ${odsCode}`,
        );
        expect(stored).toMatchObject({ name: payload, region: payload });
        expect(response.headers.location).toBe(`/organisations/${stored?.id}`);
        for (const url of [`/organisations/${stored?.id}`, `/organisations/${stored?.id}/edit`]) {
          const page = await icbAdmin.get(url);
          expect(page.statusCode, url).toBe(200);
          expectNoInjectedMarkup(page);
        }
        expect(readable((await icbAdmin.get(`/organisations/${stored?.id}`)).body)).toContain(payload);
      }
      const list = await icbAdmin.get('/organisations');
      expectNoInjectedMarkup(list);
      for (const payload of payloads) expect(readable(list.body)).toContain(payload);
    });

    it('change an organisation: name and region are stored and shown escaped; a bad commissioner code is refused', async () => {
      const icbAdmin = await signedIn(t.app, demo.icbAdmin);
      const dalesId = await idOf(t, 'organisations', sql`ods_code = 'RZ2'`);
      await icbAdmin.get(`/organisations/${dalesId}/edit`);
      const before = await snapshot(t);
      for (const payload of payloads) {
        const response = await icbAdmin.post(`/organisations/${dalesId}`, {
          name: 'Dales Community and Mental Health NHS Trust',
          region: 'North East and Yorkshire',
          commissionerOds: payload,
        });
        expect(response.statusCode, payload).toBe(400);
        expect(textOf(response.body)).toContain('No ICB has the ODS code');
        expect(response.body).toContain('href="#commissionerOds"');
        expectNoInjectedMarkup(response);
      }
      expect(await snapshot(t)).toEqual(before);

      for (const payload of payloads) {
        const response = await icbAdmin.post(`/organisations/${dalesId}`, {
          name: payload,
          region: payload,
          commissionerOds: 'QZZ',
        });
        expect(response.statusCode, payload).toBe(303);
        const [stored] = await rows<{ name: string; region: string }>(
          t,
          sql`select name, region from organisations where id = ${dalesId}`,
        );
        expect(stored).toEqual({ name: payload, region: payload });
        for (const url of [`/organisations/${dalesId}`, `/organisations/${dalesId}/edit`, '/organisations']) {
          const page = await icbAdmin.get(url);
          expectNoInjectedMarkup(page);
          expect(readable(page.body), url).toContain(payload);
        }
        // The trust's own people see its name in the header of every page.
        const lead = await signedIn(t.app, demo.otherTrustLead);
        const home = await lead.get('/');
        expectNoInjectedMarkup(home);
        expect(readable(home.body)).toContain(payload);
      }
    });

    it('audit filters: text is searched as text and shown escaped; a bad date is refused at its field', async () => {
      const admin = await signedIn(t.app, demo.systemAdmin);
      const before = await snapshot(t);
      for (const payload of payloads) {
        const query = new URLSearchParams({ action: payload, actor: payload, recordId: payload });
        const response = await admin.get(`/audit?${query}`);
        expect(response.statusCode, payload).toBe(200);
        expect(textOf(response.body)).toContain('No entries match.');
        expectNoInjectedMarkup(response);
        expect(readable(response.body)).not.toContain('There is a problem');

        for (const field of ['from', 'to']) {
          const bad = await admin.get(`/audit?${new URLSearchParams({ [field]: payload })}`);
          expect(bad.statusCode, `${field} ${payload}`).toBe(400);
          expect(textOf(bad.body)).toContain('There is a problem');
          expect(textOf(bad.body)).toContain('Enter a real date');
          expect(bad.body).toContain(`href="#${field}"`);
          expectNoInjectedMarkup(bad);
        }
      }
      // A wildcard is a character to look for, not a pattern.
      const wildcard = await admin.get(`/audit?${new URLSearchParams({ actor: '%' })}`);
      expect(textOf(wildcard.body)).toContain('No entries match.');
      expect(await snapshot(t)).toEqual(before);
    });

    it('leaves every table in place', async () => {
      const tables = await rows<{ name: string; present: boolean }>(
        t,
        sql`select name, to_regclass('public.' || name) is not null as present
            from unnest(array['users', 'organisations', 'role_grants', 'invitations', 'sessions', 'audit_events', 'sign_in_attempts']) as name`,
      );
      expect(tables.every((table) => table.present)).toBe(true);
      expect(await count(t, 'users')).toBeGreaterThanOrEqual(12);
      const admin = await signedIn(t.app, demo.systemAdmin);
      expect((await admin.get('/users')).statusCode).toBe(200);
    });
  });

  it('sends security headers with every page: a CSP with a nonce for scripts, no framing, no sniffing, no caching', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const nonces = new Set<string>();
    for (const response of [
      await new Visitor(t.app).get('/sign-in'),
      await admin.get('/users'),
      await admin.get('/no-such-page'),
    ]) {
      const csp = String(response.headers['content-security-policy']);
      const directives = new Map(
        csp.split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      const scriptSrc = directives.get('script-src') ?? [];
      const nonce = scriptSrc.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
      expect(nonce).toBeTruthy();
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      // The page's script carries the header's nonce.
      expect(response.body).toContain(`nonce="${nonce}"`);
      nonces.add(nonce ?? '');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['referrer-policy']).toBe('same-origin');
    }
    // A fresh nonce for every response.
    expect(nonces.size).toBe(3);
  });

  it('never sends someone elsewhere after sign-in', async () => {
    const outside = [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      ' //evil.example',
      'javascript:alert(1)',
    ];
    for (const next of outside) {
      const form = await new Visitor(t.app).get(`/sign-in?next=${encodeURIComponent(next)}`);
      expect(/name="next" value="([^"]*)"/.exec(form.body)?.[1], JSON.stringify(next)).toBe('/');

      const visitor = new Visitor(t.app);
      await visitor.get('/sign-in');
      const response = await visitor.post('/sign-in', { email: demo.staff, password: demoPassword, next });
      expect(response.statusCode, JSON.stringify(next)).toBe(303);
      expect(response.headers.location, JSON.stringify(next)).toBe('/');
      expect(textOf((await visitor.get('/')).body)).toContain('You are signed in as Sam Okafor');
    }
    // A path on this site is kept.
    const visitor = new Visitor(t.app);
    await visitor.get('/sign-in?next=%2Faccount');
    const kept = await visitor.post('/sign-in', { email: demo.staff, password: demoPassword, next: '/account?tab=1' });
    expect(kept.headers.location).toBe('/account?tab=1');
  });
});
