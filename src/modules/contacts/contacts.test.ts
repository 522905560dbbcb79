import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';

const count = async (t: TestApp) =>
  (t.database.db.execute(sql`select count(*)::int as n from multi_agency_contacts`) as Promise<unknown>).then(
    (r) => (r as { rows: { n: number }[] }).rows[0]?.n,
  );

const idFromList = (html: string, name: string) => new RegExp(`href="/contacts/([0-9a-f-]{36})">${name}<`).exec(html)?.[1] ?? '';

describe('multi-agency contacts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('lets a Prevent lead keep a directory, with the date of last contact', async () => {
    // A provider whose ICB shares nothing yet, so that what the directory lacks is all its own.
    await newOrganisation(t.database, { odsCode: 'QC5', name: 'Contacts Test Integrated Care Board', kind: 'icb' });
    const trust = await newOrganisation(t.database, {
      odsCode: 'RC5',
      name: 'Contacts Test NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QC5',
    });
    const person = await newUser(t.database, {
      email: 'lead@contacts-test.example',
      displayName: 'Contacts Lead',
      roles: [{ orgId: trust.id, role: 'operational_lead' }],
    });
    const lead = await signedInAs(t.app, t.database, person);
    const added = await lead.post('/contacts', {
      role: 'ctp_lead',
      name: 'DS Kit Varga',
      organisation: 'Counter Terrorism Policing North East',
      email: 'kit.varga@ctp.example',
      phone: '0300 000 0000',
      lastContactOn: '2026-10-01',
    });
    expect(added.statusCode).toBe(303);
    const list = await lead.get('/contacts');
    const text = textOf(list.body);
    for (const value of [
      'Counter Terrorism Policing lead',
      'DS Kit Varga',
      'Counter Terrorism Policing North East',
      'kit.varga@ctp.example, 0300 000 0000',
    ]) {
      expect(text).toContain(value);
    }
    expect(text).toContain('1 October 2026');
    expect(text).toContain('Not yet in your directory: Local authority Prevent lead, Channel panel chair');

    const id = idFromList(list.body, 'DS Kit Varga');
    expect(
      (
        await lead.post(`/contacts/${id}`, {
          role: 'ctp_lead',
          name: 'DS Kit Varga',
          organisation: 'CTP NE',
          lastContactOn: '2026-11-02',
        })
      ).statusCode,
    ).toBe(303);
    expect(textOf((await lead.get('/contacts')).body)).toContain('2 November 2026');
    expect((await lead.post(`/contacts/${id}/remove`, {})).statusCode).toBe(303);
    expect(textOf((await lead.get('/contacts')).body)).not.toContain('DS Kit Varga');
    const actions = await t.database.db.execute(sql`select action from audit_events where record_id = ${id} order by seq`);
    expect((actions as unknown as { rows: { action: string }[] }).rows.map((r) => r.action)).toEqual([
      'contact.added',
      'contact.updated',
      'contact.removed',
    ]);
  });

  it('names each mistake and stores nothing', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const before = await count(t);
    const response = await lead.post('/contacts', {
      role: 'sheriff',
      name: '',
      organisation: '',
      email: 'nope',
      lastContactOn: '2999-01-01',
    });
    expect(response.statusCode).toBe(400);
    const text = textOf(response.body);
    for (const message of [
      'Choose the contact’s role',
      'Enter the contact’s name',
      'Enter the contact’s organisation',
      'Enter an e-mail address in the correct format',
    ]) {
      expect(text).toContain(message);
    }
    const future = await lead.post('/contacts', { role: 'other', name: 'A', organisation: 'B', lastContactOn: '2999-01-01' });
    expect(textOf(future.body)).toContain('cannot be in the future');
    const sharing = await lead.post('/contacts', { role: 'other', name: 'A', organisation: 'B', sharedWithProviders: 'yes' });
    expect(textOf(sharing.body)).toContain('Only a commissioning ICB shares contacts');
    expect(await count(t)).toBe(before);
  });

  it('shows a commissioner’s shared contacts to its providers, and nothing it keeps to itself', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    await commissioner.post('/contacts', {
      role: 'channel_panel_chair',
      name: 'Cllr Mo Adeyemi',
      organisation: 'Northshire Council',
      sharedWithProviders: 'yes',
    });
    await commissioner.post('/contacts', { role: 'home_office_lead', name: 'Pat Private', organisation: 'Home Office' });
    for (const email of [demo.operationalLead, demo.otherTrustLead]) {
      const text = textOf((await (await signedIn(t.app, email)).get('/contacts')).body);
      expect(text).toContain('Shared by your commissioning ICB');
      expect(text).toContain('Cllr Mo Adeyemi');
      expect(text).not.toContain('Pat Private');
    }
  });

  it('lets a board viewer read but not change, and hides other organisations’ contacts', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    await commissioner.post('/contacts', { role: 'home_office_lead', name: 'Lou Private', organisation: 'Home Office' });
    const icbList = await commissioner.get('/contacts');
    const privateId = idFromList(icbList.body, 'Lou Private');
    expect(privateId).not.toBe('');
    const board = await signedIn(t.app, demo.boardViewer);
    expect((await board.get('/contacts')).statusCode).toBe(200);
    expect((await board.get('/contacts/new')).statusCode).toBe(403);
    const lead = await signedIn(t.app, demo.operationalLead);
    expect((await lead.get(`/contacts/${privateId}`)).statusCode).toBe(404);
    expect((await lead.post(`/contacts/${privateId}/remove`, {})).statusCode).toBe(404);
    expect(textOf((await commissioner.get('/contacts')).body)).toContain('Lou Private');
  });
});
