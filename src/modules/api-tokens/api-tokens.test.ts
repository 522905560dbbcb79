import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import * as organisations from '../organisations/service.ts';
import * as apiTokens from './service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

const goodConcern = () => ({
  subject: { type: 'patient', name: 'Quinn Example', nhsNumber: '999 000 0018', dateOfBirth: '1990-01-02' },
  narrative: 'Said things on the ward that worried the nurse in charge.',
  observedAt: '2026-01-05T10:30:00Z',
  location: 'Ward 7',
  immediateRisk: false,
});

describe('API tokens and POST /api/v1/concerns', () => {
  let t: TestApp;
  let admin: Visitor;
  let rz1: string;
  let rz2: string;

  beforeAll(async () => {
    t = await testApp();
    admin = await signedIn(t.app, demo.systemAdmin);
    rz1 = (await organisations.findByOdsCode(t.database.db, 'RZ1'))?.id ?? '';
    rz2 = (await organisations.findByOdsCode(t.database.db, 'RZ2'))?.id ?? '';
  });
  afterAll(() => t.close());

  const post = (body: unknown, secret: string | null, contentType = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/concerns',
      headers: { 'content-type': contentType, ...(secret === null ? {} : { authorization: `Bearer ${secret}` }) },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const count = async (table: 'concern_cases' | 'api_tokens') =>
    rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n ?? 0;
  const caseRow = async (id: string) =>
    rowsOf<{ org_id: string; raised_by_token_id: string | null; raised_by: string | null; reference: string }>(
      await t.database.db.execute(
        sql`select org_id, raised_by_token_id, raised_by, reference from concern_cases where id = ${id}`,
      ),
    )[0];
  const tokenRow = async (name: string) =>
    rowsOf<{ id: string; token_hash: string; last_used_at: Date | null; revoked_at: Date | null; org_id: string }>(
      await t.database.db.execute(sql`select * from api_tokens where name = ${name}`),
    )[0];
  /** A token with the concerns:create scope, made through the service, for a test about using one. */
  const aToken = async (name: string, orgId = rz1) =>
    (
      await apiTokens.createTokenFor(t.database.db, { userId: null, label: 'test', ip: null }, orgId, {
        name,
        scopes: ['concerns:create'],
      })
    ).secret;
  /** The token list's row for a token, by its name. */
  const rowOnList = (html: string, name: string) => textOf(html.split('<tr').find((row) => row.includes(name)) ?? '');
  const secretOn = (response: LightMyRequestResponse) => /id="api-token">(pa_[A-Za-z0-9_-]{43})</.exec(response.body)?.[1];

  it('lets an administrator create a token, shown once with a warning and never again', async () => {
    const created = await admin.post('/api-tokens', { name: 'Datix incident system', scopes: 'concerns:create' });
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const text = textOf(created.body);
    expect(text).toContain('API token created');
    expect(text).toContain('Copy the token now');
    expect(text).toContain('This is the only time it is shown');
    const token = secretOn(created) ?? '';
    expect(token).toMatch(/^pa_[A-Za-z0-9_-]{43}$/);

    const list = await admin.get('/api-tokens');
    expect(list.statusCode).toBe(200);
    const listText = textOf(list.body);
    expect(listText).toContain('Datix incident system');
    expect(listText).toContain('Raise concerns (POST /api/v1/concerns)');
    expect(listText).toContain('Never');
    expect(list.body).not.toContain(token);

    const row = await tokenRow('Datix incident system');
    expect(row?.org_id).toBe(rz1);
    // Only the SHA-256 of the secret is kept: nowhere in the table, nor in the audit trail, is the secret itself.
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const holding = rowsOf(
      await t.database.db.execute(sql`select id from api_tokens where strpos((api_tokens.*)::text, ${token.slice(3)}) > 0`),
    );
    expect(holding).toEqual([]);
    const audit = rowsOf<{ action: string; details: Record<string, string>; text: string }>(
      await t.database.db.execute(
        sql`select action, details, (audit_events.*)::text as text from audit_events where record_id = ${row?.id ?? ''}`,
      ),
    );
    expect(audit.map((a) => [a.action, a.details])).toEqual([
      ['api_token.created', { name: 'Datix incident system', scopes: 'concerns:create' }],
    ]);
    expect(audit[0]?.text).not.toContain(token.slice(3));
  });

  it('refuses a token with no name or no scope, naming each field and creating nothing', async () => {
    const before = await count('api_tokens');
    for (const [fields, field, message] of [
      [{ name: '', scopes: 'concerns:create' }, 'name', 'Enter a name for the token'],
      [{ name: 'Nothing allowed' }, 'scopes', 'Choose at least one thing the token may do'],
      [{ name: 'Odd scope', scopes: 'concerns:delete' }, 'scopes', 'There is no scope "concerns:delete"'],
    ] as const) {
      const response = await admin.post('/api-tokens', fields);
      expect(response.statusCode, field).toBe(400);
      expect(textOf(response.body)).toContain('There is a problem');
      expect(textOf(response.body)).toContain(message);
      expect(response.body).toContain(`href="#${field}"`);
    }
    expect(await count('api_tokens')).toBe(before);
  });

  it('raises a concern in the token’s organisation: 201 with id and reference, and the leads see it', async () => {
    const token = await aToken('Ward incident system');
    const before = await count('concern_cases');
    const response = await post(goodConcern(), token);
    expect(response.statusCode).toBe(201);
    const body = response.json() as { id: string; reference: string };
    expect(Object.keys(body).sort()).toEqual(['id', 'reference']);
    expect(body.reference).toMatch(/^PC-\d{4}-\d{4}$/);
    expect(await count('concern_cases')).toBe(before + 1);

    const tokenId = (await tokenRow('Ward incident system'))?.id;
    const row = await caseRow(body.id);
    expect(row).toMatchObject({ org_id: rz1, raised_by_token_id: tokenId, raised_by: null, reference: body.reference });
    expect((await tokenRow('Ward incident system'))?.last_used_at).not.toBeNull();
    const audit = rowsOf<{ actor_label: string; actor_user_id: string | null }>(
      await t.database.db.execute(
        sql`select actor_label, actor_user_id from audit_events where action = 'concern.raised' and record_id = ${body.id}`,
      ),
    );
    expect(audit).toEqual([{ actor_label: 'API token "Ward incident system"', actor_user_id: null }]);

    const lead = await signedIn(t.app, demo.operationalLead);
    expect(textOf((await lead.get('/concerns')).body)).toContain(body.reference);
    const casePage = textOf((await lead.get(`/concerns/${body.id}`)).body);
    expect(casePage).toContain('Quinn Example');
    expect(casePage).toContain('another system, through the API');
    const other = await signedIn(t.app, demo.otherTrustLead);
    expect(textOf((await other.get('/concerns')).body)).not.toContain(body.reference);
    expect((await other.get(`/concerns/${body.id}`)).statusCode).toBe(404);

    const list = rowOnList((await admin.get('/api-tokens')).body, 'Ward incident system');
    expect(list).toContain('Ward incident system');
    expect(list).not.toMatch(/Ward incident system.*Never/);
  });

  it('answers bad input with 400 naming each field in the API’s own terms, and stores nothing', async () => {
    const token = await aToken('Form-filling system');
    const before = await count('concern_cases');
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const { narrative: _left, ...noNarrative } = goodConcern();
    const fieldsOf = async (body: unknown) => {
      const response = await post(body, token);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      const answer = response.json() as { error: string; fields: Record<string, string> };
      expect(answer.error).toBe('Invalid input');
      return answer.fields;
    };

    const badNhs = await fieldsOf({ ...goodConcern(), subject: { ...goodConcern().subject, nhsNumber: '1234567890' } });
    expect(badNhs).toEqual({ 'subject.nhsNumber': expect.stringContaining('valid 10-digit NHS number') });
    expect(await fieldsOf({ ...goodConcern(), observedAt: future })).toEqual({
      observedAt: 'When it happened must be in the past',
    });
    expect(await fieldsOf(noNarrative)).toEqual({ narrative: 'Enter what you saw or heard' });
    const empty = await fieldsOf({});
    expect(Object.keys(empty).sort()).toEqual(
      ['immediateRisk', 'location', 'narrative', 'observedAt', 'subject.name', 'subject.type'].sort(),
    );
    const noAge = await fieldsOf({ ...goodConcern(), subject: { type: 'visitor', name: 'A visitor' } });
    expect(noAge).toEqual({ 'subject.isChild': 'Say whether the person is a child (under 18)' });

    for (const [body, contentType] of [
      ['{"subject": ', 'application/json'],
      ['[1, 2]', 'application/json'],
      ['"a concern"', 'application/json'],
      ['null', 'application/json'],
      ['a concern', 'text/plain'],
      ['<concern/>', 'application/xml'],
    ] as const) {
      const response = await post(body, token, contentType);
      expect(response.statusCode, `${contentType} ${body}`).toBe(400);
      expect(response.json(), `${contentType} ${body}`).toEqual({
        error: 'Send the concern as a JSON object, with Content-Type: application/json',
      });
    }
    expect(await count('concern_cases')).toBe(before);
  });

  it('refuses no token, a wrong token and a revoked one with 401 and a Bearer challenge, storing nothing', async () => {
    const before = await count('concern_cases');
    const wrong = `pa_${'A'.repeat(43)}`;
    const cases: [string | null, string, string][] = [
      [null, 'Send an API token in the Authorization header', 'Bearer'],
      [wrong, 'The API token is not valid', 'Bearer error="invalid_token"'],
      ['not-a-token', 'The API token is not valid', 'Bearer error="invalid_token"'],
    ];
    for (const [secret, message, challenge] of cases) {
      const response = await post(goodConcern(), secret);
      expect(response.statusCode, String(secret)).toBe(401);
      expect(response.headers['www-authenticate']).toBe(challenge);
      expect(response.json().error).toContain(message);
    }
    // Even with a body that cannot be read: the token is checked first, and nothing about the body is said.
    const unreadable = await post('{"subject": ', null);
    expect(unreadable.statusCode).toBe(401);
    // A browser session is not a token, even a system administrator's.
    const withSession = await t.app.inject({
      method: 'POST',
      url: '/api/v1/concerns',
      headers: { 'content-type': 'application/json', cookie: admin.cookieHeader },
      payload: JSON.stringify(goodConcern()),
    });
    expect(withSession.statusCode).toBe(401);

    const made = secretOn(await admin.post('/api-tokens', { name: 'Soon revoked', scopes: 'concerns:create' })) ?? '';
    expect((await post(goodConcern(), made)).statusCode).toBe(201);
    const id = (await tokenRow('Soon revoked'))?.id ?? '';
    const revoked = await admin.post(`/api-tokens/${id}/revoke`);
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe('/api-tokens');
    expect((await tokenRow('Soon revoked'))?.revoked_at).not.toBeNull();
    const afterRevoking = await count('concern_cases');
    const refused = await post(goodConcern(), made);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ error: 'The API token has been revoked' });
    expect(await count('concern_cases')).toBe(afterRevoking);
    expect(afterRevoking).toBe(before + 1);
    expect(textOf((await admin.get('/api-tokens')).body)).toMatch(/Soon revoked .*Revoked \d/);
    const audit = rowsOf<{ action: string }>(
      await t.database.db.execute(sql`select action from audit_events where record_id = ${id} order by seq`),
    );
    expect(audit.map((a) => a.action)).toEqual(['api_token.created', 'api_token.revoked']);
  });

  it('refuses a token without the concerns:create scope with 403', async () => {
    // Only one scope exists today; a token holding none can only come from outside the service's rules.
    const made = await apiTokens.createTokenFor(t.database.db, { userId: null, label: 'test', ip: null }, rz1, {
      name: 'No scopes yet',
      scopes: ['concerns:create'],
    });
    await t.database.db.execute(sql`update api_tokens set scopes = '{}' where id = ${made.token.id}`);
    const before = await count('concern_cases');
    const response = await post(goodConcern(), made.secret);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toContain('concerns:create');
    expect(await count('concern_cases')).toBe(before);
  });

  it('creates the case in the token’s own organisation only', async () => {
    const made = await apiTokens.createTokenFor(t.database.db, { userId: null, label: 'test', ip: null }, rz2, {
      name: 'Dales incident system',
      scopes: ['concerns:create'],
    });
    const response = await post(goodConcern(), made.secret);
    expect(response.statusCode).toBe(201);
    const { id, reference } = response.json() as { id: string; reference: string };
    expect((await caseRow(id))?.org_id).toBe(rz2);
    const dales = await signedIn(t.app, demo.otherTrustLead);
    expect(textOf((await dales.get('/concerns')).body)).toContain(reference);
    const northshire = await signedIn(t.app, demo.operationalLead);
    expect((await northshire.get(`/concerns/${id}`)).statusCode).toBe(404);
    // RZ1's administrator neither sees nor can revoke another organisation's token.
    expect(textOf((await admin.get('/api-tokens')).body)).not.toContain('Dales incident system');
    expect((await admin.post(`/api-tokens/${made.token.id}/revoke`)).statusCode).toBe(404);
    expect((await tokenRow('Dales incident system'))?.revoked_at).toBeNull();
  });

  it('refuses the token pages to every role but the system administrator', async () => {
    for (const who of [demo.staff, demo.operationalLead, demo.practitioner, demo.commissioner, demo.boardViewer]) {
      const visitor = await signedIn(t.app, who);
      expect((await visitor.get('/api-tokens')).statusCode, who).toBe(403);
      const before = await count('api_tokens');
      expect((await visitor.post('/api-tokens', { name: 'Sneaky', scopes: 'concerns:create' })).statusCode, who).toBe(403);
      expect(await count('api_tokens')).toBe(before);
    }
  });
});
