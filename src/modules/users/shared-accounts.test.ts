import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anotherIcbsProvider, newUser } from '../../../test/factories.ts';
import { demo, demoPassword, signedIn, type TestApp, testApp, textOf, Visitor } from '../../../test/harness.ts';
import { runDueJobs } from '../../../test/modules.ts';
import * as organisations from '../organisations/service.ts';
import * as users from './service.ts';

/**
 * An account belongs to the person, not to whoever added it. Organisation A is the demo's
 * foundation trust (RZ1); organisation B is a provider of another ICB, with its own administrator.
 */
const bothAdmin = 'admin@shared-service.example';
const attackerPassword = 'taken-over-by-b-2026';

type Rows<T> = { rows: T[] };
const rowsOf = <T>(result: unknown) => (result as Rows<T>).rows;

describe('accounts across organisations', () => {
  let t: TestApp;
  let orgA = '';
  let orgB = '';
  let leadId = '';
  let outsiderAdmin = '';

  const auditActions = async (orgId: string, recordId: string) =>
    rowsOf<{ action: string }>(
      await t.database.db.execute(
        sql`select action from audit_events where org_id = ${orgId} and record_id = ${recordId} order by seq`,
      ),
    ).map((r) => r.action);

  /**
   * A person of their own for a test, with an operational lead role in A (one that opens concern cases)
   * and a staff role in B, as if B had added them: the demo lead stays the story of the first test only.
   */
  let people = 0;
  const aPersonOfBoth = async (displayName: string, fields: { mfa?: boolean } = {}) => {
    people += 1;
    return newUser(t.database, {
      email: `shared${people}@northshire-ft.example`,
      displayName,
      roles: [
        { orgId: orgA, role: 'operational_lead' },
        { orgId: orgB, role: 'staff' },
      ],
      ...fields,
    });
  };

  beforeAll(async () => {
    t = await testApp();
    orgA = (await organisations.findByOdsCode(t.database.db, 'RZ1'))?.id ?? '';
    const b = await anotherIcbsProvider(t.database);
    orgB = b.provider.id;
    outsiderAdmin = b.admin.email;
    // An administrator of both: the only kind of administrator who may change an account held in both.
    await newUser(t.database, {
      email: bothAdmin,
      displayName: 'Kit Shared',
      roles: [
        { orgId: orgA, role: 'system_admin' },
        { orgId: orgB, role: 'system_admin' },
      ],
    });
    leadId = (await users.findByEmail(t.database.db, demo.operationalLead))?.id ?? '';
  });
  afterAll(() => t.close());

  it('adding a person who has an account elsewhere gives a role only: no link that sets their password', async () => {
    const outsider = await signedIn(t.app, outsiderAdmin);
    // Before B adds them, A's lead is not B's to see.
    expect((await outsider.get(`/users/${leadId}`)).statusCode).toBe(404);
    expect((await outsider.post(`/users/${leadId}/mfa/reset`, {})).statusCode).toBe(404);

    const added = await outsider.post('/users', { displayName: 'Someone Else', email: demo.operationalLead, role: 'staff' });
    expect(added.statusCode).toBe(200);
    // The attack: any link on the page is used to set a password of B's choosing.
    const link = /id="invitation-link">([^<]+)</.exec(added.body)?.[1];
    if (link) {
      const stranger = new Visitor(t.app);
      await stranger.get(new URL(link).pathname);
      await stranger.post(new URL(link).pathname, { password: attackerPassword, confirmPassword: attackerPassword });
    }
    expect((await new Visitor(t.app).signIn(demo.operationalLead, attackerPassword)).statusCode).toBe(400);
    expect(link).toBeUndefined();
    const page = textOf(added.body);
    expect(page).toContain('already has an account');
    expect(page).toContain('Jordan Ellis');
    expect((await new Visitor(t.app).signIn(demo.operationalLead)).statusCode).toBe(303);
    // Nothing about the account changed: not its name, not its password.
    const lead = await users.findById(t.database.db, leadId);
    expect(lead?.displayName).toBe('Jordan Ellis');
    const invitations = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from invitations where user_id = ${leadId}`),
    );
    expect(invitations[0]?.n).toBe(0);

    // A's audit trail shows it, and the person is told, in the app and by e-mail, where from.
    expect(await auditActions(orgA, leadId)).toContain('user.added');
    expect(await auditActions(orgB, leadId)).toContain('user.added');
    await runDueJobs(t.database);
    const person = await signedIn(t.app, demo.operationalLead);
    const inbox = textOf((await person.get('/notifications')).body);
    expect(inbox).toContain('You have a new role at West Coast 8 Provider NHS Trust');
    expect(inbox).toContain('Drew Outsider 8');
    const mails = rowsOf<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from jobs j join notifications n on n.id::text = j.payload->>'notificationId'
            where j.kind = 'notifications.mail' and n.user_id = ${leadId} and n.kind = 'role-given'`,
      ),
    );
    expect(mails[0]?.n).toBe(1);
  });

  it('refuses another organisation’s administrator the account’s password, MFA and status, with a plain 403', async () => {
    const shared = await aPersonOfBoth('Robin Both');
    // The lead sets up MFA: B must not be able to reset it and enrol their own authenticator.
    const lead = await signedIn(t.app, shared.email);
    const secret = /id="totp-key">([A-Z2-7]+)</.exec((await lead.get('/account/mfa')).body)?.[1] ?? '';
    expect((await lead.post('/account/mfa', { code: await generate({ secret }) })).statusCode).toBe(303);

    const outsider = await signedIn(t.app, outsiderAdmin);
    const show = textOf((await outsider.get(`/users/${shared.id}`)).body);
    expect(show).toContain('also has roles in another organisation');
    expect(show).not.toContain('Reset multi-factor authentication');
    expect(show).not.toContain('Deactivate account');
    for (const action of ['mfa/reset', 'deactivate', 'reactivate', 'invitation']) {
      const refused = await outsider.post(`/users/${shared.id}/${action}`, {});
      expect(refused.statusCode, action).toBe(403);
      expect(textOf(refused.body), action).toContain('also has roles in other organisations');
    }
    const after = await users.findById(t.database.db, shared.id);
    expect(after?.totpEnabledAt).not.toBeNull();
    expect(after?.deactivatedAt).toBeNull();
    const invitations = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from invitations where user_id = ${shared.id}`),
    );
    expect(invitations[0]?.n).toBe(0);
    // Still signed in: no session of theirs was ended.
    expect((await lead.get('/')).statusCode).toBe(200);
  });

  it('lets another organisation’s administrator remove only their own organisation’s roles', async () => {
    const shared = await aPersonOfBoth('Sam Both', { mfa: true });
    const outsider = await signedIn(t.app, outsiderAdmin);
    const page = (await outsider.get(`/users/${shared.id}`)).body;
    const revokeUrl = /action="(\/users\/[^"]+\/revoke)"/.exec(page)?.[1] ?? '';
    expect(revokeUrl).not.toBe('');
    expect((await outsider.post(revokeUrl, {})).statusCode).toBe(303);
    expect(await auditActions(orgA, shared.id)).toContain('role.revoked');
    // A's grants are untouched: the lead still works in A.
    const lead = await signedIn(t.app, shared.email).catch(() => undefined);
    expect(lead).toBeUndefined(); // MFA is set up: the password alone leads to the second step
    const visitor = new Visitor(t.app);
    await visitor.get('/sign-in');
    const step = await visitor.post('/sign-in', { email: shared.email, password: demoPassword, next: '/' });
    expect(step.headers.location).toMatch(/^\/sign-in\/mfa/);
    // B keeps the history of the role it gave, and still may not change the account.
    expect(textOf((await outsider.get(`/users/${shared.id}`)).body)).not.toContain('Deactivate account');
    expect((await outsider.post(`/users/${shared.id}/deactivate`, {})).statusCode).toBe(403);
  });

  it('lets an administrator of every organisation where the account holds a role change it, audited in each', async () => {
    const shared = await aPersonOfBoth('Alex Both', { mfa: true });
    const outsider = await signedIn(t.app, outsiderAdmin);
    expect((await outsider.post(`/users/${shared.id}/roles`, { role: 'board_viewer' })).statusCode).toBe(303);
    const both = await signedIn(t.app, bothAdmin);
    expect((await both.get(`/users/${shared.id}`)).statusCode).toBe(200);
    expect((await both.post(`/users/${shared.id}/mfa/reset`, {})).statusCode).toBe(303);
    expect((await users.findById(t.database.db, shared.id))?.totpEnabledAt).toBeNull();
    expect(await auditActions(orgA, shared.id)).toContain('mfa.reset');
    expect(await auditActions(orgB, shared.id)).toContain('mfa.reset');
    // The Prevent leads of A, where the account can open concern cases, are told.
    await runDueJobs(t.database);
    const director = await signedIn(t.app, demo.accountableLead);
    expect(textOf((await director.get('/notifications')).body)).toContain('Alex Both’s multi-factor authentication was reset');
  });

  it('refuses an invitation made by someone who may not change the account, even one made before this rule', async () => {
    const shared = await aPersonOfBoth('Jo Both');
    const outsider = await users.findByEmail(t.database.db, outsiderAdmin);
    const token = 'an-old-invitation-token-from-before-the-fix-0000000000';
    const { createHash } = await import('node:crypto');
    await t.database.db.execute(
      sql`insert into invitations (token_hash, org_id, user_id, created_by, expires_at)
          values (${createHash('sha256').update(token).digest('hex')}, ${orgB}, ${shared.id}, ${outsider?.id ?? null}, now() + interval '1 day')`,
    );
    const stranger = new Visitor(t.app);
    expect((await stranger.get(`/invitations/${token}`)).statusCode).toBe(404);
    await stranger.post(`/invitations/${token}`, { password: attackerPassword, confirmPassword: attackerPassword });
    expect((await new Visitor(t.app).signIn(shared.email, attackerPassword)).statusCode).toBe(400);
  });

  it('tells an organisation’s Prevent leads when a role that opens concern cases is removed', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const practitioner = await users.findByEmail(t.database.db, demo.practitioner);
    const page = (await admin.get(`/users/${practitioner?.id}`)).body;
    const revokeUrl = /action="(\/users\/[^"]+\/revoke)"/.exec(page)?.[1] ?? '';
    expect((await admin.post(revokeUrl, {})).statusCode).toBe(303);
    await runDueJobs(t.database);
    const director = await signedIn(t.app, demo.accountableLead);
    expect(textOf((await director.get('/notifications')).body)).toContain('Priya Natarajan can no longer open concern cases');
  });
});
