import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newCase, newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import * as sharing from '../sharing/service.ts';
import { informationRequestReminders } from './reminders.ts';
import * as requests from './service.ts';

const rows = async (t: TestApp, query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
const idIn = (location: string | string[] | undefined) =>
  /\/information-requests\/([0-9a-f-]{36})/.exec(String(location))?.[1] ?? '';

const today = todayInLondon();
const received = {
  direction: 'in',
  partner: 'police_prevent',
  partnerName: 'Counter Terrorism Policing, Prevent officer',
  askedOn: addDays(today, -3),
  dueOn: addDays(today, 4),
  whatAsked: 'Whether the trust holds contact with mental health services in the last year.',
};

describe('information requests', () => {
  let t: TestApp;
  let orgId: string;
  let ctx: RequestContext;
  let lead: Visitor;
  const counts = async () => ({
    requests: (await rows(t, sql`select count(*)::int as n from information_requests where org_id = ${orgId}`))[0]?.n,
    cases: (await rows(t, sql`select count(*)::int as n from concern_cases where org_id = ${orgId}`))[0]?.n,
  });

  beforeAll(async () => {
    t = await testApp();
    const trust = await newOrganisation(t.database, { odsCode: 'RQ7', name: 'Requests Test NHS Trust', kind: 'nhs_trust' });
    orgId = trust.id;
    const person = await newUser(t.database, {
      email: 'lead@requests-test.example',
      displayName: 'Requests Lead',
      roles: [{ orgId, role: 'operational_lead' }],
    });
    ctx = await contextOf(t.database, person, orgId);
    lead = await signedInAs(t.app, t.database, person);
  });
  afterAll(() => t.close());

  it('opens a case for a request about someone the organisation never referred, keeping the person off the request', async () => {
    const before = await counts();
    const saved = await lead.post('/information-requests', {
      ...received,
      partner: 'channel_panel',
      partnerName: 'Testshire Channel panel chair',
      caseChoice: 'new',
      subjectType: 'patient',
      subjectName: 'Rowan Requested-Person',
      dateOfBirth: '1990-02-03',
    });
    expect(saved.statusCode).toBe(303);
    const after = await counts();
    expect(after).toEqual({ requests: Number(before.requests) + 1, cases: Number(before.cases) + 1 });
    const [stored] = await rows(t, sql`select * from information_requests where id = ${idIn(saved.headers.location)}`);
    expect(JSON.stringify(stored)).not.toContain('Rowan');
    expect(stored?.case_reference).toMatch(/^PC-\d{4}-\d{4}$/);
    const page = textOf((await lead.get(`/information-requests/${stored?.id}`)).body);
    expect(page).toContain('Testshire Channel panel chair (Channel panel)');
    expect(page).toContain(String(stored?.case_reference));
    expect(page).toContain('The case has no sharing decision yet');
    // Reading the request opened its case: audited as a view of the case.
    const viewed = await rows(
      t,
      sql`select details from audit_events where action = 'concern.viewed' and record_id = ${stored?.case_id as string}`,
    );
    expect(viewed.map((v) => (v.details as { page: string }).page)).toContain('information request');
    const casePage = textOf((await lead.get(`/concerns/${stored?.case_id}`)).body);
    expect(casePage).toContain('Information requests');
    expect(casePage).toContain('From Testshire Channel panel chair (Channel panel)');
  });

  it('links a request to a case by its reference and answers it with the case’s sharing decision', async () => {
    const held = await newCase(t.database, ctx);
    const saved = await lead.post('/information-requests', {
      ...received,
      caseChoice: 'existing',
      caseReference: held.reference.toLowerCase(),
    });
    expect(saved.statusCode).toBe(303);
    const id = idIn(saved.headers.location);
    const noDecision = await lead.post(`/information-requests/${id}/answer`, { respondedOn: today });
    expect(noDecision.statusCode).toBe(400);
    expect(textOf(noDecision.body)).toContain('Choose the sharing decision that answers the request');

    await sharing.recordDecision(t.database.db, ctx, held.id, {
      information: 'Dates of contact only.',
      partner: 'police_prevent',
      shared: 'yes',
      article6Basis: '6(1)(e)',
      specialCategory: 'no',
      consent: 'not_sought',
      consentNote: 'It would prejudice the assessment.',
      rationale: 'Necessary and limited to dates.',
      decidedOn: today,
    });
    const other = await newCase(t.database, ctx);
    await sharing.recordDecision(t.database.db, ctx, other.id, {
      information: 'Nothing.',
      partner: 'gp',
      shared: 'no',
      consent: 'not_sought',
      consentNote: 'Not needed.',
      rationale: 'Not necessary.',
      decidedOn: today,
    });
    const [otherDecision] = await rows(t, sql`select id from sharing_decisions where case_id = ${other.id}`);
    const wrongCase = await lead.post(`/information-requests/${id}/answer`, {
      respondedOn: today,
      sharingDecisionId: String(otherDecision?.id),
    });
    expect(textOf(wrongCase.body)).toContain('Choose one of the case’s sharing decisions');

    const page = await requests.requestPage(t.database.db, ctx, id);
    const decision = page.decisions[0];
    expect(decision?.partner).toBe('police_prevent');
    const answered = await lead.post(`/information-requests/${id}/answer`, {
      respondedOn: today,
      sharingDecisionId: decision?.id ?? '',
    });
    expect(answered.statusCode).toBe(303);
    const shown = textOf((await lead.get(`/information-requests/${id}`)).body);
    expect(shown).toContain('The sharing decision that answered it');
    expect(shown).toContain('Shared with Police Prevent (Counter Terrorism Policing)');
    const audited = await rows(t, sql`select action from audit_events where record_id = ${id} order by occurred_at`);
    expect(audited.map((a) => a.action)).toEqual(['information-request.recorded', 'information-request.answered']);
  });

  it('refuses a wrong request with a message by each field, and keeps nothing', async () => {
    const before = await counts();
    const empty = await lead.post('/information-requests', { direction: 'in' });
    expect(empty.statusCode).toBe(400);
    for (const message of [
      'Choose the partner',
      'Enter the date of the request',
      'Enter what was asked',
      'Say which case the request is about',
    ]) {
      expect(textOf(empty.body)).toContain(message);
    }
    const wrong = await lead.post('/information-requests', {
      ...received,
      askedOn: addDays(today, 1),
      dueOn: addDays(today, -5),
      whatAsked: 'Does the trust hold records on Mohammed Khan, NHS number 943 476 5919?',
      caseChoice: 'none',
    });
    const words = textOf(wrong.body);
    for (const message of [
      'The date of the request must be today or in the past',
      'The date an answer is due must be on or after the date of the request',
      'A request received is about a person: link it to their case, or open a case for it',
      'What was asked holds what looks like an identifier',
    ]) {
      expect(words).toContain(message);
    }
    const unknown = await lead.post('/information-requests', {
      ...received,
      caseChoice: 'existing',
      caseReference: 'PC-1999-9999',
    });
    expect(textOf(unknown.body)).toContain('No case of yours has the reference PC-1999-9999');
    const noName = await lead.post('/information-requests', {
      ...received,
      caseChoice: 'new',
      subjectType: 'patient',
      isChild: 'no',
    });
    expect(noName.statusCode).toBe(400);
    expect(textOf(noName.body)).toContain('Enter their name');
    expect(await counts()).toEqual(before);
  });

  it('keeps requests from another organisation, and from everyone but the Prevent leads', async () => {
    const saved = await lead.post('/information-requests', {
      ...received,
      direction: 'out',
      partner: 'local_authority',
      caseChoice: 'none',
    });
    const id = idIn(saved.headers.location);
    const otherLead = await signedIn(t.app, demo.operationalLead);
    expect((await otherLead.get(`/information-requests/${id}`)).statusCode).toBe(404);
    expect((await otherLead.post(`/information-requests/${id}/answer`, { respondedOn: today })).statusCode).toBe(404);
    expect(textOf((await otherLead.get('/information-requests')).body)).not.toContain('Requests Test');
    for (const who of [demo.practitioner, demo.staff, demo.boardViewer, demo.commissioner, demo.trainingAdmin]) {
      const visitor = await signedIn(t.app, who);
      expect((await visitor.get('/information-requests')).statusCode).toBe(403);
      expect((await visitor.post('/information-requests', received)).statusCode).toBe(403);
    }
    expect((await rows(t, sql`select responded_on from information_requests where id = ${id}`))[0]?.responded_on).toBeNull();
  });

  it('puts an overdue request on the leads’ list, reminds them by case reference, and counts it', async () => {
    const held = await newCase(t.database, ctx);
    const late = await requests.recordRequest(t.database.db, ctx, {
      ...received,
      askedOn: addDays(today, -20),
      dueOn: addDays(today, -2),
      caseChoice: 'existing',
      caseReference: held.reference,
    });
    const home = textOf((await lead.get('/')).body);
    expect(home).toContain(`Information request overdue (${held.reference})`);
    const reminders = (await informationRequestReminders(t.database, today)).filter((r) => r.orgId === orgId);
    expect(reminders.map((r) => r.link)).toEqual([`/information-requests/${late.id}`]);
    expect(reminders[0]?.body).not.toContain('mental health');

    const figures = await withScope(t.database.db, { userId: null, orgIds: [orgId] }, (tx) =>
      requests.requestFiguresIn(tx, orgId, addDays(today, -30), today, today),
    );
    // Received: the new-case request, the answered one, the overdue one; made: the one to the local authority.
    expect(figures).toEqual({ received: 3, answered: 1, answeredOnTime: 1, overdue: 1, made: 1 });
  });

  it('demo: two requests received at the foundation trust, one overdue, and one made', async () => {
    const demoLead = await signedIn(t.app, demo.operationalLead);
    const list = textOf((await demoLead.get('/information-requests')).body);
    expect(list).toContain(
      'Counter Terrorism Policing North East, Prevent officer (Police Prevent (Counter Terrorism Policing))',
    );
    expect(list).toContain('Northshire Channel panel, panel chair (Channel panel)');
    expect(list).toContain('Overdue');
    expect(list).toContain('Northshire County Council, Prevent co-ordinator');
  });
});
