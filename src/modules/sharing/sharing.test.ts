import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseConcern } from '../../../test/concerns.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { contextFor } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { withCase } from '../concerns/service.ts';
import * as users from '../users/service.ts';
import { type Partner, sharedWith } from './service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

describe('the information sharing protocol', () => {
  let t: TestApp;
  let lead: Visitor;
  const today = todayInLondon();

  beforeAll(async () => {
    t = await testApp();
    lead = await signedIn(t.app, demo.operationalLead);
  });
  afterAll(() => t.close());

  const raiseCase = async (): Promise<string> => {
    const staff = await signedIn(t.app, demo.staff);
    await staff.get('/concerns/new');
    return raiseConcern(staff, { narrative: 'Said things on the ward that worried the nurse in charge.' });
  };

  const userId = async (email: string) => {
    const [row] = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from users where email = ${email}`));
    if (!row) throw new Error(`no user ${email}`);
    return row.id;
  };

  const decisions = async (caseId: string) =>
    rowsOf<Record<string, unknown>>(
      await t.database.db.execute(sql`select * from sharing_decisions where case_id = ${caseId} order by recorded_at`),
    );
  const checks = async (caseId: string) =>
    rowsOf<Record<string, unknown>>(await t.database.db.execute(sql`select * from record_checks where case_id = ${caseId}`));
  const events = async (caseId: string, kind: string) =>
    rowsOf<{ summary: string; detail_sealed: string | null }>(
      await t.database.db.execute(
        sql`select summary, detail_sealed from case_events where case_id = ${caseId} and kind = ${kind} order by occurred_at`,
      ),
    );
  const audits = async (caseId: string, action: string) =>
    rowsOf<{ details: Record<string, unknown> }>(
      await t.database.db.execute(
        sql`select details from audit_events where record_id = ${caseId} and action = ${action} order by occurred_at`,
      ),
    );

  const aCheck = {
    systems: 'Patient administration system; safeguarding database; GP record via shared care record',
    searchedOn: today,
    searchedBy: '',
    knownToService: 'known',
    findings: 'Previous referral to mental health liaison for quokkamoss reasons',
  };

  const aDecision = {
    information: 'Name, date of birth and the marmalade-finch remarks on the ward',
    partner: 'police_prevent',
    partnerName: '',
    shared: 'yes',
    article6Basis: '6(1)(e)',
    specialCategory: 'yes',
    article9Condition: '9(2)(g)',
    schedule1Condition: 'para10',
    consent: 'not_sought',
    consentNote: 'Seeking consent could raise the risk: thornbadger wording',
    rationale: 'Necessary and proportionate to the zephyrquill risk we weighed',
    decidedBy: '',
    decidedOn: today,
  };

  /** Whether the case has a standing decision to share with the partner, as the referrals module asks it. */
  const standing = async (caseId: string, partner: Partner) => {
    const user = await users.describeUser(t.database.db, await userId(demo.operationalLead), null);
    if (!user) throw new Error('no lead');
    return withCase(t.database.db, contextFor(user, null), caseId, null, (open) => sharedWith(open, partner));
  };

  it('lets the lead record a check and a decision, shown on the case page, sealed in the database, audited and in the chronology', async () => {
    const caseId = await raiseCase();
    const form = await lead.get(`/concerns/${caseId}/checks/new`);
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('Record a check for existing records');
    expect(form.body).toContain('value="Jordan Ellis"');
    // Today in the date boxes.
    expect(form.body).toMatch(new RegExp(`name="searchedOn-year"[^>]*value="${today.slice(0, 4)}"`));
    expect(form.body).toMatch(new RegExp(`name="searchedOn-day"[^>]*value="${Number(today.slice(8))}"`));
    const formViews = await t.database.db.execute(
      sql`select 1 from audit_events where record_id = ${caseId} and action = 'concern.viewed' and details->>'page' = 'record check form'`,
    );
    expect(rowsOf(formViews).length).toBe(1);

    expect((await lead.post(`/concerns/${caseId}/checks`, aCheck)).statusCode).toBe(303);
    expect(textOf((await lead.get(`/concerns/${caseId}/decisions/new`)).body)).toContain(
      'Does the information include health or other special category data?',
    );
    const recorded = await lead.post(`/concerns/${caseId}/decisions`, aDecision);
    expect(recorded.statusCode).toBe(303);
    expect(recorded.headers.location).toBe(`/concerns/${caseId}#decisions`);

    const page = textOf((await lead.get(`/concerns/${caseId}`)).body);
    expect(page).toContain('Check for existing records');
    expect(page).toContain('GP record via shared care record');
    expect(page).toContain('Known to the service');
    expect(page).toContain('quokkamoss reasons');
    expect(page).toContain('Information sharing decisions');
    expect(page).toContain('the information shared or not shared and the rationale behind the supporting decision');
    expect(page).toContain('Shared with Police Prevent (Counter Terrorism Policing)');
    expect(page).toContain('marmalade-finch remarks');
    expect(page).toContain('zephyrquill risk');
    expect(page).toContain('6(1)(e) Public task');
    expect(page).toContain('9(2)(g) Substantial public interest');
    expect(page).toContain('Part 2 paragraph 10 – preventing or detecting unlawful acts');
    expect(page).toContain('Not sought: Seeking consent could raise the risk');
    expect(page).toContain('Correct this decision');
    expect(page).toContain('Record a sharing decision');
    expect(page).toContain('Record a check for existing records');

    const [check] = await checks(caseId);
    expect(check?.searched_by).toBe('Jordan Ellis');
    expect(check?.known_to_service).toBe('known');
    const [decision] = await decisions(caseId);
    expect(decision?.decided_by).toBe('Jordan Ellis');
    expect(decision?.article6_basis).toBe('6(1)(e)');
    expect(decision?.schedule1_condition).toBe('para10');
    expect(decision?.shared).toBe(true);
    const stored = JSON.stringify([...(await checks(caseId)), ...(await decisions(caseId))]);
    for (const typed of ['quokkamoss', 'marmalade-finch', 'thornbadger', 'zephyrquill']) expect(stored).not.toContain(typed);

    const [checkEvent] = await events(caseId, 'record-check');
    expect(checkEvent?.summary).toBe('Check for existing records: known to the service');
    const [decisionEvent] = await events(caseId, 'sharing-decision');
    expect(decisionEvent?.summary).toBe(
      'Sharing decision: shared with police Prevent (UK GDPR 6(1)(e); 9(2)(g) with DPA 2018 Sch 1 para 10)',
    );
    expect(decisionEvent?.detail_sealed).not.toContain('marmalade');
    const chronology = textOf((await lead.get(`/concerns/${caseId}/chronology`)).body);
    expect(chronology).toContain('Sharing decision: shared with police Prevent');
    expect(chronology).toContain('marmalade-finch remarks');
    expect(chronology).toContain('Check for existing records: known to the service');

    expect((await audits(caseId, 'concern.record_check')).length).toBe(1);
    const [decisionAudit] = await audits(caseId, 'concern.sharing_decision');
    expect(decisionAudit?.details).toMatchObject({ partner: 'police_prevent', shared: true, corrects: null });
    expect(JSON.stringify(decisionAudit?.details)).not.toContain('marmalade');
    expect(await standing(caseId, 'police_prevent')).toBe(true);
    expect(await standing(caseId, 'channel_panel')).toBe(false);
  });

  it('lets an assigned practitioner record them; an unassigned one gets the break-glass page', async () => {
    const caseId = await raiseCase();
    const practitioner = await signedIn(t.app, demo.practitioner);
    const before = await practitioner.get(`/concerns/${caseId}/checks/new`);
    expect(before.statusCode).toBe(403);
    expect(textOf(before.body)).toContain('You are not assigned to this case');
    expect((await practitioner.post(`/concerns/${caseId}/decisions`, aDecision)).statusCode).toBe(403);
    expect((await practitioner.post(`/concerns/${caseId}/checks`, aCheck)).statusCode).toBe(403);
    expect(await decisions(caseId)).toEqual([]);
    expect(await checks(caseId)).toEqual([]);

    await lead.get(`/concerns/${caseId}`);
    expect((await lead.post(`/concerns/${caseId}/assignments`, { userId: await userId(demo.practitioner) })).statusCode).toBe(
      303,
    );
    expect((await practitioner.get(`/concerns/${caseId}/checks/new`)).statusCode).toBe(200);
    expect(
      (await practitioner.post(`/concerns/${caseId}/checks`, { ...aCheck, knownToService: 'not_known', findings: '' }))
        .statusCode,
    ).toBe(303);
    expect((await practitioner.get(`/concerns/${caseId}/decisions/new`)).statusCode).toBe(200);
    const notShared = {
      ...aDecision,
      partner: 'other_provider',
      partnerName: 'Northshire Mental Health Partnership',
      shared: 'no',
      article6Basis: '',
      specialCategory: '',
      article9Condition: '',
      schedule1Condition: '',
    };
    const notSharedResponse = await practitioner.post(`/concerns/${caseId}/decisions`, notShared);
    expect(notSharedResponse.statusCode, textOf(notSharedResponse.body).slice(0, 600)).toBe(303);
    const [decision] = await decisions(caseId);
    expect(decision?.decided_by).toBe('Priya Natarajan');
    expect(decision?.shared).toBe(false);
    expect(decision?.partner_name).toBe('Northshire Mental Health Partnership');
    const page = textOf((await practitioner.get(`/concerns/${caseId}`)).body);
    expect(page).toContain('Not known to the service');
    expect(page).toContain('Not shared with Northshire Mental Health Partnership (Another health or care provider)');
    expect(page).toContain('Lawful basis (UK GDPR article 6) None given');
    const [event] = await events(caseId, 'sharing-decision');
    expect(event?.summary).toBe('Sharing decision: not shared with another provider');
    expect(await standing(caseId, 'other_provider')).toBe(false);
  });

  it('records a correction as a new decision pointing at the original, which is shown as corrected', async () => {
    const caseId = await raiseCase();
    await lead.get(`/concerns/${caseId}/decisions/new`);
    const decidedOn = addDays(today, -3);
    expect((await lead.post(`/concerns/${caseId}/decisions`, { ...aDecision, decidedOn })).statusCode).toBe(303);
    const [original] = await decisions(caseId);
    const originalId = String(original?.id);

    const form = await lead.get(`/concerns/${caseId}/decisions/new?corrects=${originalId}`);
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('Correct a sharing decision');
    expect(form.body).toContain(`name="corrects" value="${originalId}"`);
    expect(textOf(form.body)).toContain('marmalade-finch remarks');
    expect(form.body).toMatch(/value="para10"[^>]*checked/);

    const corrected = await lead.post(`/concerns/${caseId}/decisions`, {
      ...aDecision,
      corrects: originalId,
      shared: 'no',
      article6Basis: '',
      specialCategory: 'no',
      rationale: 'Recorded as shared by mistake: it was never sent',
    });
    expect(corrected.statusCode).toBe(303);
    const rows = await decisions(caseId);
    expect(rows.length).toBe(2);
    expect(rows[0]?.shared).toBe(true);
    expect(rows[1]?.corrects_id).toBe(originalId);
    expect(rows[1]?.shared).toBe(false);

    const page = textOf((await lead.get(`/concerns/${caseId}`)).body);
    const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const [correctionDay, originalDay] = [today, decidedOn].map((d) => longDate.format(new Date(`${d}T00:00:00Z`)));
    expect(page).toContain(`Corrected by the decision of ${correctionDay}`);
    expect(page).toContain(`Corrects the decision of ${originalDay}`);
    expect(page.match(/Correct this decision/g)?.length).toBe(1);
    const [, correctionEvent] = await events(caseId, 'sharing-decision');
    expect(correctionEvent?.summary).toBe(
      `Sharing decision: not shared with police Prevent, correcting the decision of ${originalDay}`,
    );
    const [, correctionAudit] = await audits(caseId, 'concern.sharing_decision');
    expect(correctionAudit?.details).toMatchObject({ corrects: originalId, shared: false });
    expect(await standing(caseId, 'police_prevent')).toBe(false);

    // The original may not be corrected twice: the correction is the latest word.
    const again = await lead.post(`/concerns/${caseId}/decisions`, { ...aDecision, corrects: originalId });
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('That decision has already been corrected');
    expect((await decisions(caseId)).length).toBe(2);
  });

  it('refuses bad input with a message, and writes nothing', async () => {
    const caseId = await raiseCase();
    const otherCase = await raiseCase();
    await lead.get(`/concerns/${otherCase}/decisions/new`);
    expect((await lead.post(`/concerns/${otherCase}/decisions`, aDecision)).statusCode).toBe(303);
    const [foreign] = await decisions(otherCase);
    await lead.get(`/concerns/${caseId}/decisions/new`);

    const badDecisions: [Record<string, string>, string][] = [
      [{ rationale: '' }, 'Enter the rationale'],
      [{ information: ' ' }, 'Enter what information the decision is about'],
      [{ article6Basis: '' }, 'Choose the lawful basis under UK GDPR article 6 for sharing'],
      [{ article9Condition: '', schedule1Condition: '' }, 'Choose the UK GDPR article 9 condition'],
      [{ schedule1Condition: '' }, 'Choose the DPA 2018 schedule 1 condition'],
      [{ schedule1Condition: 'para2' }, 'That schedule 1 condition goes with article 9(2)(h), not 9(2)(g)'],
      [{ specialCategory: '' }, 'Say whether the information includes health or other special category data'],
      [{ consent: 'refused', consentNote: '' }, 'Say why the decision stands although the person refused consent'],
      [{ consentNote: '' }, 'Say why consent was not sought'],
      [{ article6Basis: '6(1)(a)' }, 'Consent cannot be the lawful basis'],
      [{ decidedOn: addDays(today, 1) }, 'The date decided must be today or in the past'],
      [{ decidedOn: '2026-02-30' }, 'Enter a real date for the date decided'],
      [{ partner: 'other', partnerName: '' }, 'Enter the name of the organisation'],
      [{ partner: 'the press' }, 'Choose who the information is shared with'],
      [{ shared: '' }, 'Say whether the information was shared'],
      [{ corrects: String(foreign?.id) }, 'The decision to correct is not one of this case’s'],
      [{ corrects: 'not-an-id' }, 'The decision to correct is not one of this case’s'],
    ];
    for (const [change, message] of badDecisions) {
      const response = await lead.post(`/concerns/${caseId}/decisions`, { ...aDecision, ...change });
      expect(response.statusCode, message).toBe(400);
      const text = textOf(response.body);
      expect(text, message).toContain('There is a problem');
      expect(text, message).toContain(message);
    }
    const bad = await lead.post(`/concerns/${caseId}/decisions`, { ...aDecision, rationale: '' });
    expect(bad.body).toContain('marmalade-finch remarks');

    const badChecks: [Record<string, string>, string][] = [
      [{ systems: '' }, 'Enter the systems you searched'],
      [{ searchedOn: addDays(today, 2) }, 'The date searched must be today or in the past'],
      [{ searchedOn: '' }, 'Enter the date you searched'],
      [{ knownToService: 'maybe' }, 'Say whether the person was known to the service'],
      [{ findings: '' }, 'Say what was found: the person was known to the service'],
    ];
    for (const [change, message] of badChecks) {
      const response = await lead.post(`/concerns/${caseId}/checks`, { ...aCheck, ...change });
      expect(response.statusCode, message).toBe(400);
      expect(textOf(response.body), message).toContain(message);
    }
    expect(await decisions(caseId)).toEqual([]);
    expect(await checks(caseId)).toEqual([]);
    expect(await events(caseId, 'sharing-decision')).toEqual([]);
    expect(await audits(caseId, 'concern.sharing_decision')).toEqual([]);
    expect((await lead.get(`/concerns/${caseId}/decisions/new?corrects=${foreign?.id}`)).statusCode).toBe(400);
  });

  it('refuses anything on an erased case', async () => {
    const caseId = await raiseCase();
    await t.database.db.execute(sql`update concern_cases set erased_at = now() where id = ${caseId}`);
    await lead.get(`/concerns/${caseId}`);
    const decision = await lead.post(`/concerns/${caseId}/decisions`, aDecision);
    expect(decision.statusCode).toBe(400);
    expect(textOf(decision.body)).toContain('personal data has been erased');
    expect((await lead.post(`/concerns/${caseId}/checks`, aCheck)).statusCode).toBe(400);
    expect(await decisions(caseId)).toEqual([]);
    expect(await checks(caseId)).toEqual([]);
    const page = textOf((await lead.get(`/concerns/${caseId}`)).body);
    expect(page).toContain('Information sharing decisions');
    expect(page).not.toContain('Record a sharing decision');
  });

  it('keeps staff, board viewers and other organisations out', async () => {
    const caseId = await raiseCase();
    const staff = await signedIn(t.app, demo.staff);
    const board = await signedIn(t.app, demo.boardViewer);
    const otherLead = await signedIn(t.app, demo.otherTrustLead);
    for (const visitor of [staff, board]) {
      expect((await visitor.get(`/concerns/${caseId}/checks/new`)).statusCode).toBe(403);
      expect((await visitor.get(`/concerns/${caseId}/decisions/new`)).statusCode).toBe(403);
      expect((await visitor.post(`/concerns/${caseId}/checks`, aCheck)).statusCode).toBe(403);
      expect((await visitor.post(`/concerns/${caseId}/decisions`, aDecision)).statusCode).toBe(403);
    }
    expect((await otherLead.get(`/concerns/${caseId}/checks/new`)).statusCode).toBe(404);
    expect((await otherLead.get(`/concerns/${caseId}/decisions/new`)).statusCode).toBe(404);
    expect((await otherLead.post(`/concerns/${caseId}/checks`, aCheck)).statusCode).toBe(404);
    expect((await otherLead.post(`/concerns/${caseId}/decisions`, aDecision)).statusCode).toBe(404);
    expect(await decisions(caseId)).toEqual([]);
    expect(await checks(caseId)).toEqual([]);
  });
});
