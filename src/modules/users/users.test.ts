import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, demoPassword, signedIn, type TestApp, testApp, textOf, Visitor } from '../../../test/harness.ts';
import { runDueJobs } from '../../../test/modules.ts';
import * as users from './service.ts';

describe('user administration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('invites a person, who chooses a password and signs in with the role given', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const invited = await admin.post('/users', {
      displayName: 'Ola Bright',
      email: 'Ola.Bright@Northshire-FT.example',
      role: 'board_viewer',
    });
    expect(invited.statusCode).toBe(200);
    const link = /id="invitation-link">([^<]+)</.exec(invited.body)?.[1] ?? '';
    const path = new URL(link).pathname;
    expect(path).toMatch(/^\/invitations\/[\w-]{40,}$/);

    const person = new Visitor(t.app);
    expect(textOf((await person.get(path)).body)).toContain('ola.bright@northshire-ft.example');
    expect(
      (await person.post(path, { password: 'orbit-lantern-meadow', confirmPassword: 'orbit-lantern-meadow' })).statusCode,
    ).toBe(303);
    expect((await person.signIn('ola.bright@northshire-ft.example', 'orbit-lantern-meadow')).statusCode).toBe(303);
    const home = await person.get('/');
    expect(textOf(home.body)).toContain('Board or auditor viewer');
    expect(textOf((await admin.get('/users')).body)).toContain('Ola Bright');
  });

  it('grants and revokes roles, with the history kept', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const staff = await users.findByEmail(t.database.db, demo.staff);
    const id = staff?.id ?? '';
    expect((await admin.post(`/users/${id}/roles`, { role: 'training_admin' })).statusCode).toBe(303);
    const duplicate = await admin.post(`/users/${id}/roles`, { role: 'training_admin' });
    expect(duplicate.statusCode).toBe(400);
    expect(textOf(duplicate.body)).toContain('already has that role');
    const person = new Visitor(t.app);
    await person.signIn(demo.staff);
    expect(textOf((await person.get('/account')).body)).toContain('Training administrator');

    const userPage = (await admin.get(`/users/${id}`)).body;
    const revokeForm = userPage.split('<form').find((chunk) => chunk.includes('role Training administrator'));
    const revokeUrl = /action="([^"]+\/revoke)"/.exec(revokeForm ?? '')?.[1] ?? '';
    expect(revokeUrl).toMatch(/^\/users\/.+\/roles\/.+\/revoke$/);
    expect((await admin.post(revokeUrl, {})).statusCode).toBe(303);
    const page = textOf((await admin.get(`/users/${id}`)).body);
    expect(page).toContain('Training administrator');
    expect(page).not.toMatch(/Training administrator \d+ \w+ \d{4} Current/);
  });

  it('refuses an administrator a case-data role for themselves, and tells the Prevent leads of every such grant', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const self = await users.findByEmail(t.database.db, demo.systemAdmin);
    const refused = await admin.post(`/users/${self?.id}/roles`, { role: 'operational_lead' });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('You cannot give yourself a role that can open concern cases');
    const granted = await t.database.db.execute(
      sql`select count(*)::int as n from role_grants where user_id = ${String(self?.id)} and role = 'operational_lead'`,
    );
    expect((granted as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(0);

    const trainer = await users.findByEmail(t.database.db, demo.trainingAdmin);
    expect((await admin.post(`/users/${trainer?.id}/roles`, { role: 'safeguarding_practitioner' })).statusCode).toBe(303);
    await runDueJobs(t.database);
    const lead = await signedIn(t.app, demo.operationalLead);
    const inbox = textOf((await lead.get('/notifications')).body);
    expect(inbox).toContain('Taylor Brook can now open concern cases');
    expect(inbox).toContain('Robin Carter gave Taylor Brook the role Safeguarding practitioner');
  });

  it('deactivates a person: their sessions end and they cannot sign in', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const board = await signedIn(t.app, demo.boardViewer);
    const id = (await users.findByEmail(t.database.db, demo.boardViewer))?.id ?? '';
    expect((await admin.post(`/users/${id}/deactivate`, {})).statusCode).toBe(303);
    expect((await board.get('/')).statusCode).toBe(303);
    const again = new Visitor(t.app);
    expect((await again.signIn(demo.boardViewer)).statusCode).toBe(400);
    expect((await admin.post(`/users/${id}/reactivate`, {})).statusCode).toBe(303);
    expect((await new Visitor(t.app).signIn(demo.boardViewer)).statusCode).toBe(303);
  });

  it('resets a person’s multi-factor authentication when they lose their authenticator', async () => {
    const practitioner = await signedIn(t.app, demo.practitioner);
    const secret = /id="totp-key">([A-Z2-7]+)</.exec((await practitioner.get('/account/mfa')).body)?.[1] ?? '';
    expect((await practitioner.post('/account/mfa', { code: await generate({ secret }) })).statusCode).toBe(303);
    const again = new Visitor(t.app);
    await again.get('/sign-in');
    expect(
      (await again.post('/sign-in', { email: demo.practitioner, password: demoPassword, next: '/' })).headers.location,
    ).toMatch(/^\/sign-in\/mfa/);

    const admin = await signedIn(t.app, demo.systemAdmin);
    const id = (await users.findByEmail(t.database.db, demo.practitioner))?.id ?? '';
    expect(textOf((await admin.get(`/users/${id}`)).body)).toContain('Reset multi-factor authentication');
    expect((await admin.post(`/users/${id}/mfa/reset`, {})).statusCode).toBe(303);
    expect((await practitioner.get('/')).statusCode).toBe(303);
    expect((await new Visitor(t.app).signIn(demo.practitioner)).headers.location).toBe('/');
    const twice = await admin.post(`/users/${id}/mfa/reset`, {});
    expect(twice.statusCode).toBe(400);
    expect(textOf(twice.body)).toContain('not set up for this person');
  });

  it('stops administrators locking themselves out', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const me = await users.findByEmail(t.database.db, demo.systemAdmin);
    const deactivate = await admin.post(`/users/${me?.id}/deactivate`, {});
    expect(deactivate.statusCode).toBe(400);
    expect(textOf(deactivate.body)).toContain('You cannot deactivate your own account');
  });

  it('names each mistake in the invitation form and creates nobody', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const response = await admin.post('/users', { displayName: '', email: 'not-an-email', role: 'emperor' });
    expect(response.statusCode).toBe(400);
    const text = textOf(response.body);
    expect(text).toContain('Enter the person’s full name');
    expect(text).toContain('Enter an e-mail address in the correct format');
    expect(text).toContain('Choose a role');
    expect(await users.findByEmail(t.database.db, 'not-an-email')).toBeUndefined();
    const existing = await admin.post('/users', { displayName: 'Sam', email: demo.staff, role: 'staff' });
    expect(textOf(existing.body)).toContain('already has an account in your organisation');
  });
});
