import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { withScope } from '../../db/tenancy.ts';
import { addDays, addMonths, todayInLondon } from '../../platform/dates.ts';
import * as assurance from '../assurance/service.ts';
import * as leads from '../leads/service.ts';
import * as users from '../users/service.ts';
import * as plans from './plan-service.ts';
import * as development from './service.ts';

const today = todayInLondon();

const rows = async (t: TestApp, query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
const activityCount = async (t: TestApp) =>
  (await rows(t, sql`select count(*)::int as n from development_activities where archived_at is null`))[0]?.n;
const targetCount = async (t: TestApp) =>
  (await rows(t, sql`select count(*)::int as n from development_targets where archived_at is null`))[0]?.n;
const idOf = async (t: TestApp, email: string) => {
  const found = await users.findByEmail(t.database.db, email);
  if (!found) throw new Error(`no ${email}`);
  return found.id;
};
const linkAfter = (html: string, path: string, text: string) =>
  new RegExp(`href="/development/${path}/([0-9a-f-]{36})">Change<span class="nhsuk-u-visually-hidden"> ${text}<`).exec(
    html,
  )?.[1] ?? '';

const activity = {
  kind: 'course',
  heldOn: addDays(today, -10),
  hours: '2.5',
  title: 'Prevent for Channel panel members',
  provider: 'Northshire Council',
  evidence: 'Certificate on file',
};

describe('development of Prevent leads and safeguarding staff', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('lists the leads and safeguarding staff, and lets a lead add, change and remove an activity, each audited', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const list = textOf((await lead.get('/development')).body);
    for (const name of ['Prevent leads', 'Safeguarding staff', 'Operational Prevent lead', 'Accountable Prevent lead']) {
      expect(list).toContain(name);
    }
    const practitionerId = await idOf(t, demo.practitioner);
    expect((await lead.get(`/development/people/${practitionerId}/activities/new`)).statusCode).toBe(200);
    const added = await lead.post(`/development/people/${practitionerId}/activities`, activity);
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/development/people/${practitionerId}`);
    const page = await lead.get(`/development/people/${practitionerId}`);
    const text = textOf(page.body);
    for (const value of ['Course', 'Prevent for Channel panel members', 'Northshire Council', '2.5', 'Certificate on file']) {
      expect(text).toContain(value);
    }
    // A practitioner has no development plan.
    expect(text).not.toContain('Development plan');
    expect((await lead.get(`/development/people/${practitionerId}/targets/new`)).statusCode).toBe(404);

    const id = linkAfter(page.body, 'activities', 'Prevent for Channel panel members');
    expect(id).not.toBe('');
    expect((await lead.get(`/development/activities/${id}`)).statusCode).toBe(200);
    const changed = await lead.post(`/development/activities/${id}`, { ...activity, kind: 'regional_update', hours: '3' });
    expect(changed.statusCode).toBe(303);
    expect(textOf((await lead.get(`/development/people/${practitionerId}`)).body)).toContain('Regional Prevent update');
    expect((await lead.post(`/development/activities/${id}/remove`, {})).statusCode).toBe(303);
    expect(textOf((await lead.get(`/development/people/${practitionerId}`)).body)).not.toContain(
      'Prevent for Channel panel members',
    );
    const actions = await rows(t, sql`select action from audit_events where record_id = ${id} order by seq`);
    expect(actions.map((r) => r.action)).toEqual([
      'development.activity.added',
      'development.activity.updated',
      'development.activity.removed',
    ]);
  });

  it('names each mistake in an activity and stores nothing', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const leadId = await idOf(t, demo.operationalLead);
    const before = await activityCount(t);
    const wrong = await lead.post(`/development/people/${leadId}/activities`, {
      kind: 'holiday',
      heldOn: '',
      hours: '',
      title: '',
      provider: '',
    });
    expect(wrong.statusCode).toBe(400);
    const text = textOf(wrong.body);
    for (const message of [
      'Choose the kind of activity',
      'Enter the date of the activity',
      'Enter the hours, like 1.5',
      'Enter the title of the activity',
      'Enter who provided it',
    ]) {
      expect(text).toContain(message);
    }
    const cases: [Record<string, string>, string][] = [
      [{ hours: '0' }, 'The hours must be more than 0'],
      [{ hours: '100.5' }, 'The hours must be 100 or fewer'],
      [{ hours: 'two' }, 'Enter the hours as a number, like 1.5'],
      [{ hours: '1.125' }, 'no more than 2 decimal places'],
      [{ heldOn: addDays(today, 1) }, 'The date of the activity cannot be in the future'],
      [{ heldOn: '2026-02-30' }, 'The date of the activity must be a real date'],
      [{ 'heldOn-day': '30', 'heldOn-month': '2', 'heldOn-year': '2026' }, 'The date must be a real date'],
      [{ evidence: 'x'.repeat(201) }, 'Evidence must be 200 characters or fewer'],
    ];
    for (const [change, message] of cases) {
      const response = await lead.post(`/development/people/${leadId}/activities`, { ...activity, ...change });
      expect(response.statusCode, message).toBe(400);
      expect(textOf(response.body)).toContain(message);
    }
    expect(await activityCount(t)).toBe(before);

    const page = await lead.get(`/development/people/${leadId}`);
    const id = /href="\/development\/activities\/([0-9a-f-]{36})"/.exec(page.body)?.[1] ?? '';
    const unchanged = await lead.get(`/development/activities/${id}`);
    const wrongChange = await lead.post(`/development/activities/${id}`, { ...activity, hours: '-1' });
    expect(wrongChange.statusCode).toBe(400);
    expect(textOf((await lead.get(`/development/activities/${id}`)).body)).toBe(textOf(unchanged.body));
  });

  it('keeps a lead’s development plan: targets with a due date and status, overdue shown, mistakes named', async () => {
    const lead = await signedIn(t.app, demo.accountableLead);
    const directorId = await idOf(t, demo.accountableLead);
    const before = await targetCount(t);
    const wrong = await lead.post(`/development/people/${directorId}/targets`, { description: '', dueOn: '', status: 'done' });
    expect(wrong.statusCode).toBe(400);
    for (const message of ['Enter the target', 'Enter the date the target is due', 'Choose the status of the target']) {
      expect(textOf(wrong.body)).toContain(message);
    }
    expect(await targetCount(t)).toBe(before);

    const description = 'Attend the national Prevent leads’ conference';
    const added = await lead.post(`/development/people/${directorId}/targets`, {
      description,
      dueOn: addDays(today, -3),
      status: 'in_progress',
    });
    expect(added.statusCode).toBe(303);
    const page = await lead.get(`/development/people/${directorId}`);
    expect(textOf(page.body)).toMatch(
      /Attend the national Prevent leads’ conference\s+Due \d+ \w+ \d{4}\s+Status In progress\s+Overdue/,
    );
    expect(textOf((await lead.get('/development')).body)).toMatch(/1 overdue/);

    const targetId =
      /href="\/development\/targets\/([0-9a-f-]{36})">Change<span class="nhsuk-u-visually-hidden"> Attend the national/.exec(
        page.body,
      )?.[1];
    expect(targetId).toBeTruthy();
    await lead.post(`/development/targets/${targetId}`, { description, dueOn: addDays(today, -3), status: 'met' });
    const met = textOf((await lead.get(`/development/people/${directorId}`)).body);
    expect(met).toMatch(/Attend the national Prevent leads’ conference\s+Due \d+ \w+ \d{4}\s+Status Met \d+ \w+ \d{4}/);
    expect(met).not.toContain('Overdue');
    expect((await lead.post(`/development/targets/${targetId}/remove`, {})).statusCode).toBe(303);
    const actions = await rows(t, sql`select action from audit_events where record_id = ${targetId} order by seq`);
    expect(actions.map((r) => r.action)).toEqual([
      'development.target.added',
      'development.target.updated',
      'development.target.removed',
    ]);
  });

  it('lets a board viewer read but not change; staff and training administrators see nothing', async () => {
    const leadId = await idOf(t, demo.operationalLead);
    const board = await signedIn(t.app, demo.boardViewer);
    expect((await board.get('/development')).statusCode).toBe(200);
    const page = await board.get(`/development/people/${leadId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Record an activity');
    expect(page.body).not.toContain('/development/activities/');
    expect((await board.get(`/development/people/${leadId}/activities/new`)).statusCode).toBe(403);
    const before = await activityCount(t);
    expect((await board.post(`/development/people/${leadId}/activities`, activity)).statusCode).toBe(403);
    expect(await activityCount(t)).toBe(before);
    for (const email of [demo.staff, demo.trainingAdmin]) {
      const visitor = await signedIn(t.app, email);
      expect((await visitor.get('/development')).statusCode, email).toBe(403);
      expect((await visitor.get(`/development/people/${leadId}`)).statusCode, email).toBe(403);
    }
  });

  it('answers 404 for another organisation’s people, activities and targets', async () => {
    const ownLead = await signedIn(t.app, demo.operationalLead);
    const otherLeadId = await idOf(t, demo.otherTrustLead);
    const other = await signedIn(t.app, demo.otherTrustLead);
    await other.post(`/development/people/${otherLeadId}/activities`, { ...activity, title: 'Dales supervision' });
    await other.post(`/development/people/${otherLeadId}/targets`, {
      description: 'Dales target',
      dueOn: addDays(today, 30),
      status: 'not_started',
    });
    const page = await other.get(`/development/people/${otherLeadId}`);
    const activityId = /href="\/development\/activities\/([0-9a-f-]{36})"/.exec(page.body)?.[1];
    const targetId = /href="\/development\/targets\/([0-9a-f-]{36})"/.exec(page.body)?.[1];
    expect(activityId && targetId).toBeTruthy();
    const before = [await activityCount(t), await targetCount(t)];
    for (const url of [
      `/development/people/${otherLeadId}`,
      `/development/people/${otherLeadId}/activities/new`,
      `/development/activities/${activityId}`,
      `/development/targets/${targetId}`,
    ]) {
      expect((await ownLead.get(url)).statusCode, url).toBe(404);
    }
    for (const url of [
      `/development/people/${otherLeadId}/activities`,
      `/development/people/${otherLeadId}/targets`,
      `/development/activities/${activityId}`,
      `/development/activities/${activityId}/remove`,
      `/development/targets/${targetId}`,
      `/development/targets/${targetId}/remove`,
    ]) {
      expect((await ownLead.post(url, { ...activity, description: 'x', dueOn: today, status: 'met' })).statusCode, url).toBe(404);
    }
    expect([await activityCount(t), await targetCount(t)]).toEqual(before);
    expect(textOf((await other.get(`/development/people/${otherLeadId}`)).body)).toContain('Dales supervision');
  });

  it('gives the figures of a hand-made organisation: each lead in post, and the practitioners, in the 12 months to a date', async () => {
    const trust = await newOrganisation(t.database, { odsCode: 'RD7', name: 'Development Test NHS Trust', kind: 'nhs_trust' });
    const leadUser = await newUser(t.database, {
      email: 'lead@development-test.example',
      displayName: 'Robin Lead',
      roles: [{ orgId: trust.id, role: 'operational_lead' }],
    });
    const practitioner = await newUser(t.database, {
      email: 'practitioner@development-test.example',
      displayName: 'Sam Practitioner',
      roles: [{ orgId: trust.id, role: 'safeguarding_practitioner' }],
    });
    await newUser(t.database, {
      email: 'quiet@development-test.example',
      displayName: 'Quinn Quiet',
      roles: [{ orgId: trust.id, role: 'safeguarding_practitioner' }],
    });
    const ctx = await contextOf(t.database, leadUser, trust.id);
    const db = t.database.db;
    await leads.appoint(db, ctx, { post: 'operational', userId: leadUser.id, startsOn: addDays(today, -400) });
    await leads.appoint(db, ctx, { post: 'accountable', personName: 'Alex Noaccount', startsOn: addDays(today, -400) });
    const asAt = today;
    const add = (userId: string, heldOn: string, hours: string) =>
      development.addActivity(db, ctx, userId, { ...activity, heldOn, hours }, today);
    await add(leadUser.id, addDays(asAt, -5), '1.25');
    await add(leadUser.id, addDays(asAt, -200), '2');
    // Exactly 12 months before: outside the window, as the rules count it.
    await add(leadUser.id, addMonths(asAt, -12), '7');
    await add(practitioner.id, addDays(asAt, -30), '3.5');
    await plans.addTarget(db, ctx, leadUser.id, { description: 'Late', dueOn: addDays(asAt, -1), status: 'in_progress' }, today);
    await plans.addTarget(db, ctx, leadUser.id, { description: 'Ahead', dueOn: addDays(asAt, 30), status: 'not_started' }, today);
    await plans.addTarget(db, ctx, leadUser.id, { description: 'Done', dueOn: addDays(asAt, -9), status: 'met' }, today);

    const figures = await withScope(db, ctx.scope, (tx) => development.developmentFiguresIn(tx, trust.id, asAt));
    expect(figures).toEqual({
      leads: [
        {
          userId: null,
          name: 'Alex Noaccount',
          hasAccount: false,
          activities: 0,
          hours: 0,
          lastOn: null,
          openTargets: 0,
          overdueTargets: 0,
          posts: ['accountable'],
        },
        {
          userId: leadUser.id,
          name: 'Robin Lead',
          hasAccount: true,
          activities: 2,
          hours: 3.25,
          lastOn: addDays(asAt, -5),
          openTargets: 2,
          overdueTargets: 1,
          posts: ['operational'],
        },
      ],
      practitioners: { people: 2, withDevelopment: 1, activities: 1, hours: 3.5 },
    });
    // Before the plan was set, and before the recent activity: as the records stood then.
    const earlier = await withScope(db, ctx.scope, (tx) => development.developmentFiguresIn(tx, trust.id, addDays(asAt, -100)));
    expect(earlier.leads[1]).toMatchObject({ activities: 2, hours: 9, openTargets: 0, overdueTargets: 0 });

    // The self-assessment reads them, for T-20: one lead developed but with a target overdue, one with no account.
    const statuses = await assurance.assuranceStatus(db, ctx, asAt);
    const t20 = statuses.find((s) => s.requirement.id === 'T-20');
    expect(t20?.outcome).toMatchObject({
      result: 'partly_met',
      reason: expect.stringContaining(
        'Alex Noaccount, no account in Prevent Assure, so no development recorded; Robin Lead, 2 activities (3.25 hours), 1 plan target overdue.',
      ),
    });
    const visitor = await signedInAs(t.app, t.database, leadUser, trust.id);
    expect(textOf((await visitor.get('/development')).body)).toMatch(
      /Robin Lead\s+Role Operational Prevent lead\s+Activities recorded 3\s+Hours in the last 12 months 3.25/,
    );
  });
});
