import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { withScope } from '../../db/tenancy.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
const today = todayInLondon();
const idFrom = (location: unknown, pattern: RegExp) => pattern.exec(String(location))?.[1] ?? '';

describe('partner agencies in the learning group', () => {
  let t: TestApp;
  let commissioner: Visitor;
  let lead: Visitor;
  let otherTrustLead: Visitor;

  const query = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t.database.db.execute(q));
  const partnersNamed = (name: string) =>
    query<{ id: string; org_id: string; agency: string; kind: string; joined_on: string; ended_on: string | null }>(
      sql`select id, org_id, agency, kind, joined_on::text, ended_on::text from learning_partner_members where name = ${name}`,
    );
  const audits = (action: string, id: string) =>
    query(sql`select 1 from audit_events where action = ${action} and record_id = ${id}`);

  /** Posts a form with repeated fields (ticks), as a browser sends it. */
  const postPairs = (visitor: Visitor, url: string, pairs: [string, string][]) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams([['_csrf', visitor.csrf], ...pairs]).toString(),
      headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    });
  const meetingPairs = (attendees: string, partnerIds: string[]): [string, string][] => [
    ['heldOn', today],
    ['attendees', attendees],
    ...partnerIds.map((id): [string, string] => ['partnerIds', id]),
  ];

  async function aPartner(name: string, agency: string, kind: string): Promise<string> {
    const added = await commissioner.post('/learning/partners', { name, agency, kind });
    expect(added.statusCode, textOf(added.body).slice(0, 300)).toBe(303);
    const [row] = await partnersNamed(name);
    return row?.id ?? '';
  }

  beforeAll(async () => {
    t = await testApp();
    commissioner = await signedIn(t.app, demo.commissioner);
    lead = await signedIn(t.app, demo.operationalLead);
    otherTrustLead = await signedIn(t.app, demo.otherTrustLead);
  });
  afterAll(() => t.close());

  it('lets the host add partner members, lists them to every member, and ends a membership, audited', async () => {
    const id = await aPartner('Test Officer Ada Penrose', 'Counter Terrorism Policing (test)', 'police');
    const [row] = await partnersNamed('Test Officer Ada Penrose');
    const [icb] = await query<{ id: string }>(sql`select id from organisations where ods_code = 'QZZ'`);
    expect(row).toMatchObject({ org_id: icb?.id, kind: 'police', joined_on: today, ended_on: null });
    expect(await audits('learning_partner.added', id)).toHaveLength(1);

    for (const member of [commissioner, lead, otherTrustLead]) {
      const page = textOf((await member.get('/learning')).body);
      expect(page).toContain('Test Officer Ada Penrose');
      expect(page).toContain('Counter Terrorism Policing (test)');
    }
    // Only the host sees the buttons to change the group.
    expect((await lead.get('/learning')).body).not.toContain(`/learning/partners/${id}/end`);
    expect((await commissioner.get('/learning')).body).toContain(`/learning/partners/${id}/end`);

    expect((await commissioner.post(`/learning/partners/${id}/end`, {})).statusCode).toBe(303);
    expect((await partnersNamed('Test Officer Ada Penrose'))[0]?.ended_on).toBe(today);
    expect(await audits('learning_partner.ended', id)).toHaveLength(1);
    expect(textOf((await commissioner.get('/learning')).body)).toMatch(/Test Officer Ada Penrose.*Ended \d/);
    // Ending it twice says so and changes nothing.
    const again = await commissioner.post(`/learning/partners/${id}/end`, {});
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('already ended');
    expect(await audits('learning_partner.ended', id)).toHaveLength(1);
  });

  it('refuses a partner member with a message naming each wrong field, adding nothing', async () => {
    const before = (await query(sql`select 1 from learning_partner_members`)).length;
    const blank = await commissioner.post('/learning/partners', { name: '', agency: '', kind: '' });
    expect(blank.statusCode).toBe(400);
    const text = textOf(blank.body);
    expect(text).toContain('Enter the partner member’s name');
    expect(text).toContain('Enter the agency they come from');
    expect(text).toContain('Choose the kind of agency: police, local authority or other');
    const wrongKind = await commissioner.post('/learning/partners', { name: 'Someone', agency: 'Somewhere', kind: 'army' });
    expect(wrongKind.statusCode).toBe(400);
    expect(textOf(wrongKind.body)).toContain('Choose the kind of agency');
    const long = await commissioner.post('/learning/partners', { name: 'x'.repeat(121), agency: 'Council', kind: 'other' });
    expect(long.statusCode).toBe(400);
    expect(textOf(long.body)).toContain('The name must be 120 characters or fewer');
    expect(await query(sql`select 1 from learning_partner_members`)).toHaveLength(before);
  });

  it('gives providers’ leads 403 on the host’s routes, and another ICB’s group ids 404', async () => {
    const id = await aPartner('Test Coordinator Bea Hollis', 'Northshire Council Prevent team (test)', 'local_authority');
    expect((await lead.get('/learning/partners/new')).statusCode).toBe(403);
    expect((await lead.post('/learning/partners', { name: 'X', agency: 'Y', kind: 'other' })).statusCode).toBe(403);
    expect((await lead.post(`/learning/partners/${id}/end`, {})).statusCode).toBe(403);
    expect((await otherTrustLead.post(`/learning/partners/${id}/end`, {})).statusCode).toBe(403);
    expect((await partnersNamed('Test Coordinator Bea Hollis'))[0]?.ended_on).toBeNull();

    // The commissioner of another ICB: this group's partner members, meetings and actions are not found.
    const icb = await newOrganisation(t.database, { odsCode: 'QX1', name: 'Partners Test ICB', kind: 'icb' });
    const other = await newUser(t.database, {
      email: 'commissioner@partners-test-icb.example',
      displayName: 'Test Commissioner Cole',
      roles: [{ orgId: icb.id, role: 'commissioner_lead' }],
    });
    const outsider = await signedInAs(t.app, t.database, other);
    expect((await outsider.post(`/learning/partners/${id}/end`, {})).statusCode).toBe(404);
    expect((await partnersNamed('Test Coordinator Bea Hollis'))[0]?.ended_on).toBeNull();
    const [meeting] = await query<{ id: string }>(sql`select id from learning_meetings limit 1`);
    expect((await outsider.get(`/learning/meetings/${meeting?.id}`)).statusCode).toBe(404);
    const [action] = await query<{ id: string }>(sql`select id from learning_actions limit 1`);
    expect((await outsider.post(`/learning/actions/${action?.id}/status`, { status: 'done' })).statusCode).toBe(404);
    expect(textOf((await outsider.get('/learning')).body)).not.toContain('Test Coordinator Bea Hollis');
    // And by row-level security: another ICB's scope reads none of them.
    const seen = await withScope(t.database.db, { userId: null, orgIds: [icb.id] }, (tx) =>
      tx.execute(sql`select count(*)::int as n from learning_partner_members`),
    );
    expect(rowsOf<{ n: number }>(seen)[0]?.n).toBe(0);
  });

  it('records partner members among a meeting’s attendees, keeping the attendees written before', async () => {
    const police = await aPartner('Test Sergeant Cal Dunmore', 'Counter Terrorism Policing (test)', 'police');
    const council = await aPartner('Test Officer Dee Farrant', 'Dales Council Prevent team (test)', 'local_authority');
    const held = await commissioner.post('/learning/meetings', {
      heldOn: today,
      attendees: 'Dana Whitfield (ICB, chair), Jordan Ellis (Northshire FT)',
      partnerIds: police,
    });
    expect(held.statusCode, textOf(held.body).slice(0, 300)).toBe(303);
    const meetingId = idFrom(held.headers.location, /\/learning\/meetings\/([0-9a-f-]{36})/);
    const page = textOf((await otherTrustLead.get(`/learning/meetings/${meetingId}`)).body);
    expect(page).toContain('Dana Whitfield (ICB, chair), Jordan Ellis (Northshire FT)');
    expect(page).toContain('Test Sergeant Cal Dunmore, Counter Terrorism Policing (test) (police)');
    expect(page).not.toContain('Test Officer Dee Farrant');

    // Changed to both: the form ticks those recorded.
    expect((await commissioner.get(`/learning/meetings/${meetingId}/edit`)).body).toMatch(
      new RegExp(`value="${police}" checked`),
    );
    const both = await postPairs(
      commissioner,
      `/learning/meetings/${meetingId}`,
      meetingPairs('Dana Whitfield (ICB, chair)', [police, council]),
    );
    expect(both.statusCode).toBe(303);
    const attending = await query<{ partner_member_id: string }>(
      sql`select partner_member_id from learning_meeting_partners where meeting_id = ${meetingId} order by partner_member_id`,
    );
    expect(attending.map((a) => a.partner_member_id)).toEqual([police, council].sort());

    // An ended member stays on the meetings they came to and can be kept there, but is not offered for a new one.
    expect((await commissioner.post(`/learning/partners/${council}/end`, {})).statusCode).toBe(303);
    expect(textOf((await lead.get(`/learning/meetings/${meetingId}`)).body)).toContain('Test Officer Dee Farrant');
    expect((await commissioner.get('/learning/meetings/new')).body).not.toContain(council);
    const kept = await postPairs(
      commissioner,
      `/learning/meetings/${meetingId}`,
      meetingPairs('Dana Whitfield (ICB, chair)', [police, council]),
    );
    expect(kept.statusCode).toBe(303);
    const meetings = (await query(sql`select 1 from learning_meetings`)).length;
    const ended = await commissioner.post('/learning/meetings', {
      heldOn: today,
      attendees: 'Dana Whitfield (ICB, chair)',
      partnerIds: council,
    });
    expect(ended.statusCode).toBe(400);
    expect(textOf(ended.body)).toContain('Choose partner members of the group');
    expect(await query(sql`select 1 from learning_meetings`)).toHaveLength(meetings);
    const notAnId = await commissioner.post('/learning/meetings', {
      heldOn: today,
      attendees: 'Dana Whitfield (ICB, chair)',
      partnerIds: 'police',
    });
    expect(notAnId.statusCode).toBe(400);
    expect(textOf(notAnId.body)).toContain('Choose partner members of the group');
    expect(await query(sql`select 1 from learning_meetings`)).toHaveLength(meetings);
  });

  it('lets the host track a partner member’s action: the host changes it, providers cannot, and it shows when overdue', async () => {
    const police = await aPartner('Test Inspector Eli Garside', 'Counter Terrorism Policing (test)', 'police');
    const form = (await commissioner.get('/learning/actions/new')).body;
    expect(form).toContain(`value="partner:${police}"`);

    const actions = (await query(sql`select 1 from learning_actions`)).length;
    const unknown = await commissioner.post('/learning/actions', {
      description: 'Send the contact route',
      ownerOrgId: `partner:${crypto.randomUUID()}`,
      dueOn: addDays(today, 10),
    });
    expect(unknown.statusCode).toBe(400);
    expect(textOf(unknown.body)).toContain('Choose a current partner member of the group');
    const garbled = await commissioner.post('/learning/actions', {
      description: 'Send the contact route',
      ownerOrgId: 'partner:someone',
      dueOn: addDays(today, 10),
    });
    expect(garbled.statusCode).toBe(400);
    expect(textOf(garbled.body)).toContain('Choose an owner from the list');
    // An organisation's action still needs the person who owns it.
    const [rz2] = await query<{ id: string }>(sql`select id from organisations where ods_code = 'RZ2'`);
    const noOwner = await commissioner.post('/learning/actions', {
      description: 'Send the contact route',
      ownerOrgId: rz2?.id ?? '',
      dueOn: addDays(today, 10),
    });
    expect(noOwner.statusCode).toBe(400);
    expect(textOf(noOwner.body)).toContain('Enter who owns the action');
    expect(await query(sql`select 1 from learning_actions`)).toHaveLength(actions);

    const added = await commissioner.post('/learning/actions', {
      description: 'Send the providers the test contact route',
      ownerOrgId: `partner:${police}`,
      dueOn: addDays(today, -2),
    });
    expect(added.statusCode, textOf(added.body).slice(0, 300)).toBe(303);
    const [action] = await query<{ id: string; owner: string; owner_org_id: string; partner_member_id: string }>(
      sql`select id, owner, owner_org_id, partner_member_id from learning_actions where description = 'Send the providers the test contact route'`,
    );
    const [icb] = await query<{ id: string }>(sql`select id from organisations where ods_code = 'QZZ'`);
    expect(action).toMatchObject({ owner: 'Test Inspector Eli Garside', owner_org_id: icb?.id, partner_member_id: police });

    // On the host's list, overdue, and among the host's overdue actions on its home page.
    const hostPage = textOf((await commissioner.get('/learning')).body);
    expect(hostPage).toContain('Test Inspector Eli Garside, Counter Terrorism Policing (test) (partner, tracked by');
    expect(hostPage).toMatch(/Send the providers the test contact route.*Overdue/);
    expect(textOf((await commissioner.get('/')).body)).toMatch(/learning group actions? overdue/);

    // A provider's lead cannot change it; the host marks it done for the partner, audited.
    expect((await lead.post(`/learning/actions/${action?.id}/status`, { status: 'done' })).statusCode).toBe(403);
    expect((await commissioner.post(`/learning/actions/${action?.id}/status`, { status: 'done' })).statusCode).toBe(303);
    const [done] = await query<{ status: string; done_on: string }>(
      sql`select status, done_on::text from learning_actions where id = ${action?.id}`,
    );
    expect(done).toEqual({ status: 'done', done_on: today });
    expect(await audits('learning_action.done', action?.id ?? '')).toHaveLength(1);

    // A partner member whose membership has ended is not offered as an owner.
    expect((await commissioner.post(`/learning/partners/${police}/end`, {})).statusCode).toBe(303);
    expect((await commissioner.get('/learning/actions/new')).body).not.toContain(`partner:${police}`);
    const endedOwner = await commissioner.post('/learning/actions', {
      description: 'Another one',
      ownerOrgId: `partner:${police}`,
      dueOn: addDays(today, 10),
    });
    expect(endedOwner.statusCode).toBe(400);
    expect(textOf(endedOwner.body)).toContain('Choose a current partner member of the group');
    // The done action still names them.
    expect(textOf((await lead.get('/learning')).body)).toContain('Test Inspector Eli Garside');
  });
});
