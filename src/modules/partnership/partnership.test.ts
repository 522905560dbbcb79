import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { withScope } from '../../db/tenancy.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { assuranceFigures } from '../assurance/figures.ts';
import { partnershipReminders } from './reminders.ts';
import * as partnership from './service.ts';

const rows = async (t: TestApp, query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
const meetingCount = async (t: TestApp, orgId: string) =>
  (await rows(t, sql`select count(*)::int as n from partnership_engagements where org_id = ${orgId}`))[0]?.n;
const meetingIdIn = (location: string | string[] | undefined) =>
  /\/partnership\/meetings\/([0-9a-f-]{36})/.exec(String(location))?.[1] ?? '';

const meeting = {
  kind: 'channel_panel',
  title: 'Testshire Channel panel',
  heldOn: '2026-05-12',
  ourAttendees: 'Operational Prevent lead\nNamed Nurse',
  partnerAgencies: 'Counter Terrorism Policing\nTestshire Council Prevent team',
  contribution: 'Health information shared for one panel case under the protocol.',
};

describe('the multi-agency engagement log', () => {
  let t: TestApp;
  let orgId: string;
  let lead: Awaited<ReturnType<typeof signedInAs>>;
  beforeAll(async () => {
    t = await testApp();
    const trust = await newOrganisation(t.database, { odsCode: 'RP7', name: 'Partnership Test NHS Trust', kind: 'nhs_trust' });
    orgId = trust.id;
    const person = await newUser(t.database, {
      email: 'lead@partnership-test.example',
      displayName: 'Partnership Lead',
      roles: [{ orgId, role: 'operational_lead' }],
    });
    lead = await signedInAs(t.app, t.database, person);
  });
  afterAll(() => t.close());

  it('records a meeting, its agreed actions, and counts it in its quarter', async () => {
    const saved = await lead.post('/partnership', meeting);
    expect(saved.statusCode).toBe(303);
    const id = meetingIdIn(saved.headers.location);
    const page = textOf((await lead.get(`/partnership/meetings/${id}`)).body);
    for (const words of [
      'Testshire Channel panel',
      '12 May 2026',
      'Operational Prevent lead, Named Nurse',
      'Counter Terrorism Policing, Testshire Council Prevent team',
    ]) {
      expect(page).toContain(words);
    }
    const added = await lead.post(`/partnership/meetings/${id}/actions`, {
      description: 'Send the panel the health support pathway',
      owner: 'Operational Prevent lead',
      dueOn: '2026-06-01',
    });
    expect(added.statusCode).toBe(303);
    const [action] = await rows(t, sql`select id, done_on from partnership_actions where engagement_id = ${id}`);
    expect(action?.done_on).toBeNull();
    expect((await lead.post(`/partnership/actions/${action?.id}/status`, { status: 'done' })).statusCode).toBe(303);
    expect(
      (await rows(t, sql`select done_on from partnership_actions where id = ${action?.id as string}`))[0]?.done_on,
    ).not.toBeNull();

    const figures = await withScope(t.database.db, { userId: null, orgIds: [orgId] }, (tx) =>
      partnership.partnershipFiguresIn(tx, orgId, '2026-05-31'),
    );
    expect(figures.year).toBe(2026);
    expect(figures.quarters[0]).toMatchObject({ label: 'April to June 2026', total: 1, byKind: { channel_panel: 1 } });
    expect(figures.quarters[1]?.total).toBe(0);
    expect(figures.lastYear.total).toBe(1);
    expect(figures.periods.map((p) => p.total)).toEqual([0, 0, 0, 1]);
    expect(figures.overdueActions).toBe(0);
    // What the self-assessment's partnership rules read of it.
    const assurance = await assuranceFigures(t.database.db, { userId: null, orgIds: [orgId] }, orgId, '2026-05-31');
    expect(assurance.partnership).toMatchObject({ total: 1, communityOfPractice: 0, overdueActions: 0 });
    expect(assurance.partnership.byKind).toEqual([{ name: 'Channel panel', count: 1 }]);
    expect(assurance.partnership.quietPeriods).toHaveLength(3);
    expect(assurance.requests).toMatchObject({ received: 0, overdue: 0 });

    const audited = await rows(
      t,
      sql`select action from audit_events where org_id = ${orgId} and action like 'partnership.%' order by occurred_at`,
    );
    expect(audited.map((r) => r.action)).toEqual(['partnership.recorded', 'partnership.action-added', 'partnership.action-done']);
  });

  it('refuses a wrong or identifying meeting with a message by each field, and saves nothing', async () => {
    const before = await meetingCount(t, orgId);
    const empty = await lead.post('/partnership', { kind: '', title: '', heldOn: '', ourAttendees: '', contribution: '' });
    expect(empty.statusCode).toBe(400);
    const words = textOf(empty.body);
    for (const message of [
      'Choose what kind of meeting or forum it was',
      'Enter the name of the meeting',
      'Enter the date of the meeting',
      'Enter what your organisation contributed',
    ]) {
      expect(words).toContain(message);
    }
    const future = await lead.post('/partnership', { ...meeting, heldOn: addDays(todayInLondon(), 2), ourAttendees: '' });
    expect(textOf(future.body)).toContain('The date of the meeting must be today or in the past');
    expect(textOf(future.body)).toContain('Enter who attended from your organisation, one per line');
    const identifying = await lead.post('/partnership', {
      ...meeting,
      contribution: 'Shared what we hold on Mohammed Khan, NHS number 943 476 5919, born 12/03/2001.',
    });
    expect(identifying.statusCode).toBe(400);
    expect(textOf(identifying.body)).toContain('What your organisation contributed holds what looks like an identifier');
    expect(await meetingCount(t, orgId)).toBe(before);
  });

  it('keeps another organisation’s meetings and actions out of reach', async () => {
    const saved = await lead.post('/partnership', meeting);
    const id = meetingIdIn(saved.headers.location);
    await lead.post(`/partnership/meetings/${id}/actions`, {
      description: 'Check the pathway',
      owner: 'Named Nurse',
      dueOn: '2026-07-01',
    });
    const [action] = await rows(t, sql`select id from partnership_actions where engagement_id = ${id}`);
    const other = await signedIn(t.app, demo.operationalLead);
    expect((await other.get(`/partnership/meetings/${id}`)).statusCode).toBe(404);
    expect((await other.get(`/partnership/meetings/${id}/edit`)).statusCode).toBe(404);
    expect((await other.post(`/partnership/meetings/${id}`, meeting)).statusCode).toBe(404);
    expect(
      (await other.post(`/partnership/meetings/${id}/actions`, { description: 'x', owner: 'y', dueOn: '2026-07-01' })).statusCode,
    ).toBe(404);
    expect((await other.post(`/partnership/actions/${action?.id}/status`, { status: 'done' })).statusCode).toBe(404);
    expect((await other.post(`/partnership/meetings/${id}/remove`)).statusCode).toBe(404);
    expect(textOf((await other.get('/partnership')).body)).not.toContain('Testshire Channel panel');
    expect((await rows(t, sql`select count(*)::int as n from partnership_engagements where id = ${id}`))[0]?.n).toBe(1);
  });

  it('lets the board read the log but not change it, and keeps staff out', async () => {
    const board = await signedIn(t.app, demo.boardViewer);
    expect((await board.get('/partnership')).statusCode).toBe(200);
    expect(textOf((await board.get('/partnership')).body)).not.toContain('Record a meeting');
    expect((await board.get('/partnership/new')).statusCode).toBe(403);
    expect((await board.post('/partnership', meeting)).statusCode).toBe(403);
    const staff = await signedIn(t.app, demo.staff);
    expect((await staff.get('/partnership')).statusCode).toBe(403);
    const trainer = await signedIn(t.app, demo.trainingAdmin);
    expect((await trainer.get('/partnership')).statusCode).toBe(403);
  });

  it('reminds the leads of an overdue action once, and lists it for them', async () => {
    const ctx = await contextOf(
      t.database,
      { id: (await rows(t, sql`select id from users where email = 'lead@partnership-test.example'`))[0]?.id as string },
      orgId,
    );
    const created = await partnership.recordEngagement(t.database.db, ctx, {
      ...meeting,
      title: 'Testshire safeguarding adults board',
      kind: 'adults_safeguarding_partnership',
    });
    await partnership.addAction(t.database.db, ctx, created.id, {
      description: 'Report back on training',
      owner: 'Accountable Prevent lead',
      dueOn: '2026-03-01',
    });
    const reminders = (await partnershipReminders(t.database, '2026-03-02')).filter((r) => r.orgId === orgId);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.body).toContain('“Report back on training”, agreed at Testshire safeguarding adults board');
    expect(reminders[0]?.roles).toContain('operational_lead');
    const home = textOf((await lead.get('/')).body);
    // With the open action of the meeting above, due on 1 July 2026.
    expect(home).toContain('2 multi-agency actions overdue, the oldest due on 1 March 2026');
  });

  it('demo: a year of engagement at the foundation trust, with an overdue action', async () => {
    const demoLead = await signedIn(t.app, demo.operationalLead);
    const log = textOf((await demoLead.get('/partnership')).body);
    for (const words of [
      'Northshire Channel panel',
      'North East regional Prevent forum',
      'Northshire Prevent community of practice',
      'Overdue',
    ]) {
      expect(log).toContain(words);
    }
  });
});
