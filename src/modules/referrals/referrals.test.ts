import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseConcern } from '../../../test/concerns.ts';
import { docxXml, pdfText } from '../../../test/documents.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { sendDueReminders } from '../../../test/modules.ts';
import { addWorkingDays } from '../../platform/dates.ts';
import { unseal } from '../../platform/encryption.ts';
import { followUpReminders } from './service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** A referral as a Prevent lead would record it; the words are looked for in the database later. */
const referralForm = {
  concern: 'Zed Example showed staff plixonar recruitment videos and spoke of joining the group abroad.',
  complexNeeds: 'Diagnosed with autism; under the community mental health team.',
  otherAgencies: 'Adult social care',
  otherInformation: '',
  referredOn: '2026-11-20',
  sentHow: 'secure_email',
  policeReference: '',
};

/** A decision to share with police Prevent, as the information sharing protocol records it. */
const shareWithPolice = {
  information: 'The concern, the person’s details and relevant health needs',
  partner: 'police_prevent',
  shared: 'yes',
  article6Basis: '6(1)(e)',
  specialCategory: 'no',
  consent: 'not_sought',
  consentNote: 'Seeking consent could increase the risk to others',
  rationale: 'Necessary and proportionate for a Prevent referral',
  decidedOn: '2026-11-20',
};

/** What police Prevent decided, as the lead records it: a Channel panel, with feedback that ends the chase. */
const channelPanelOutcome = {
  policeReference: 'CTP-NE-2026-0456',
  feedbackReceivedOn: '2026-11-23',
  feedback: 'Police assessed a vulnerability to radicalisation by the quentor group.',
  pathway: 'channel_panel',
  pathwayOn: '2026-11-23',
  outcome: 'Accepted for Channel support with a mentor.',
  channelContribution: 'The community mental health nurse attends the panel.',
};

describe('referral to police Prevent and its outcome', () => {
  let t: TestApp;
  let staff: Visitor;
  let lead: Visitor;
  let practitioner: Visitor;
  let other: Visitor;

  const scalar = async <T>(query: ReturnType<typeof sql>) => rowsOf<{ v: T }>(await t.database.db.execute(query))[0]?.v;
  const statusOf = (id: string) => scalar<string>(sql`select status as v from concern_cases where id = ${id}`);
  const referralCount = (id: string) => scalar<number>(sql`select count(*)::int as v from referrals where case_id = ${id}`);
  const followUps = async (id: string) =>
    rowsOf<{ id: string; kind: string; due_on: string; done_at: Date | null; done_by: string | null }>(
      await t.database.db.execute(
        sql`select id, kind, due_on::text, done_at, done_by from case_follow_ups where case_id = ${id} order by due_on, kind`,
      ),
    );
  const auditOf = async (action: string, id: string) =>
    rowsOf<{ details: Record<string, unknown> }>(
      await t.database.db.execute(
        sql`select details from audit_events where action = ${action} and record_id = ${id} order by seq`,
      ),
    );
  const events = async (id: string) =>
    rowsOf<{ kind: string; summary: string }>(
      await t.database.db.execute(sql`select kind, summary from case_events where case_id = ${id} order by occurred_at, id`),
    );

  const raise = () => raiseConcern(staff);

  async function move(id: string, ...statuses: string[]): Promise<void> {
    for (const to of statuses) {
      const moved = await lead.post(`/concerns/${id}/moves`, { to, reason: `On to ${to}` });
      expect(moved.statusCode, `move to ${to}`).toBe(303);
    }
  }

  async function decide(id: string, fields: Record<string, string> = {}): Promise<void> {
    const decided = await lead.post(`/concerns/${id}/decisions`, { ...shareWithPolice, ...fields });
    expect(decided.statusCode, textOf(decided.body).slice(0, 500)).toBe(303);
  }

  /** A new case of the test's own, raised by staff, that the practitioner works. */
  async function aCase(): Promise<{ caseId: string; reference: string }> {
    const caseId = await raise();
    const reference = (await scalar<string>(sql`select reference as v from concern_cases where id = ${caseId}`)) ?? '';
    const practitionerId = await scalar<string>(sql`select id as v from users where email = ${demo.practitioner}`);
    expect((await lead.post(`/concerns/${caseId}/assignments`, { userId: practitionerId ?? '' })).statusCode).toBe(303);
    return { caseId, reference };
  }

  async function aCaseAtDecision() {
    const raised = await aCase();
    await move(raised.caseId, 'triage', 'gathering_information', 'decision');
    return raised;
  }

  /** At Decision, with a decision to share with police Prevent: all a referral needs. */
  async function aCaseReadyToRefer() {
    const ready = await aCaseAtDecision();
    await decide(ready.caseId);
    return ready;
  }

  async function aReferredCase() {
    const ready = await aCaseReadyToRefer();
    const referred = await lead.post(`/concerns/${ready.caseId}/referrals`, referralForm);
    expect(referred.statusCode, textOf(referred.body).slice(0, 500)).toBe(303);
    const referralId = (await scalar<string>(sql`select id as v from referrals where case_id = ${ready.caseId}`)) ?? '';
    return { ...ready, referralId };
  }

  /** Referred, and taken to a Channel panel: the 6- and 12-month reviews are due. */
  async function aCaseInChannel() {
    const referred = await aReferredCase();
    const recorded = await lead.post(
      `/concerns/${referred.caseId}/referrals/${referred.referralId}/outcome`,
      channelPanelOutcome,
    );
    expect(recorded.statusCode, textOf(recorded.body).slice(0, 500)).toBe(303);
    return referred;
  }

  beforeAll(async () => {
    t = await testApp();
    staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);
    practitioner = await signedIn(t.app, demo.practitioner);
    other = await signedIn(t.app, demo.otherTrustLead);
  });
  afterAll(() => t.close());

  it('counts working days, skipping weekends and bank holidays', () => {
    expect(addWorkingDays('2026-11-20', 5)).toBe('2026-11-27'); // Friday to Friday, over a weekend
    expect(addWorkingDays('2026-11-23', 1)).toBe('2026-11-24');
    expect(addWorkingDays('2026-11-27', 1)).toBe('2026-11-30');
    // Christmas Day, the substitute Boxing Day on Monday the 28th and New Year's Day are skipped.
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-29');
    expect(addWorkingDays('2026-12-23', 5)).toBe('2027-01-04');
  });

  it('starts the form from the account, the checks and the decision to share, and shows the person as the case has them', async () => {
    const { caseId } = await aCaseAtDecision();
    const check = await lead.post(`/concerns/${caseId}/checks`, {
      systems: 'Electronic patient record',
      searchedOn: '2026-11-20',
      searchedBy: 'Prevent lead',
      knownToService: 'known',
      findings: 'Two earlier admissions to the ward',
    });
    expect(check.statusCode, textOf(check.body).slice(0, 400)).toBe(303);
    await decide(caseId);
    const form = await lead.get(`/concerns/${caseId}/referrals/new`);
    expect(form.statusCode).toBe(200);
    const concern = /<textarea[^>]*name="concern"[^>]*>([^<]*)<\/textarea>/.exec(form.body)?.[1] ?? '';
    expect(concern).toContain('Patient shared extremist material with other patients on the ward.');
    expect(concern).toContain('Seen or heard on 20 November 2026, Ward 3.');
    const agencies = /<textarea[^>]*name="otherAgencies"[^>]*>([^<]*)<\/textarea>/.exec(form.body)?.[1] ?? '';
    expect(agencies).toContain('Electronic patient record, searched 20 November 2026');
    expect(agencies).toContain('Two earlier admissions to the ward');
    const other = /<textarea[^>]*name="otherInformation"[^>]*>([^<]*)<\/textarea>/.exec(form.body)?.[1] ?? '';
    expect(other).toContain('Lawful basis: 6(1)(e)');
    expect(other).toContain('Consent: ');
    const page = textOf(form.body);
    expect(page).toMatch(/Name Zed Example Date of birth 2 January 1990 NHS number 999 000 0018/);
  });

  it('gives a lead the referral as the national Prevent referral form, in PDF and Word, audited; no one else', async () => {
    const { caseId, referralId, reference } = await aReferredCase();
    const casePage = await lead.get(`/concerns/${caseId}`);
    expect(casePage.body).toContain(`href="/concerns/${caseId}/referrals/${referralId}/referral-form.pdf"`);
    const pdf = await lead.get(`/concerns/${caseId}/referrals/${referralId}/referral-form.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="prevent-referral-${reference}.pdf"`);
    const pdfWords = (await pdfText(pdf.rawPayload)).replace(/\s+/g, ' ');
    for (const words of [
      'Prevent referral form',
      'The person referred',
      'Zed Example',
      'plixonar recruitment videos',
      'Diagnosed with autism',
      'Lawful basis',
    ]) {
      expect(pdfWords).toContain(words);
    }
    const docx = await lead.get(`/concerns/${caseId}/referrals/${referralId}/referral-form.docx`);
    expect(docx.statusCode).toBe(200);
    const xml = await docxXml(docx.rawPayload);
    for (const words of ['Prevent referral form', 'Zed Example', 'plixonar recruitment videos', 'Adult social care'])
      expect(xml).toContain(words);
    expect(
      (await auditOf('concern.viewed', caseId)).some((e) => JSON.stringify(e.details).includes('referral form document')),
    ).toBe(true);

    // Not the practitioner working the case, not staff, not another trust's lead.
    expect((await practitioner.get(`/concerns/${caseId}/referrals/${referralId}/referral-form.pdf`)).statusCode).toBe(403);
    expect((await staff.get(`/concerns/${caseId}/referrals/${referralId}/referral-form.docx`)).statusCode).toBe(403);
    expect((await other.get(`/concerns/${caseId}/referrals/${referralId}/referral-form.pdf`)).statusCode).toBe(404);
  });

  it('refuses a referral before the case reaches Decision, changing nothing', async () => {
    const { caseId } = await aCase();
    const form = await lead.get(`/concerns/${caseId}/referrals/new`);
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('Move the case to Decision before referring');
    expect(form.body).not.toContain(`action="/concerns/${caseId}/referrals"`);

    const refused = await lead.post(`/concerns/${caseId}/referrals`, referralForm);
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Move the case to Decision before referring');
    // What was typed is not lost.
    expect(refused.body).toContain('plixonar recruitment videos');
    expect(await referralCount(caseId)).toBe(0);
    expect(await statusOf(caseId)).toBe('new');
    // The case page does not offer it either.
    expect(textOf((await lead.get(`/concerns/${caseId}`)).body)).not.toContain('Refer to police Prevent');
  });

  it('refuses a referral with no recorded decision to share with police Prevent, and links to recording one', async () => {
    const { caseId } = await aCaseAtDecision();
    const form = await lead.get(`/concerns/${caseId}/referrals/new`);
    expect(textOf(form.body)).toContain('Record a decision to share information with police Prevent before referring');
    expect(form.body).toContain(`href="/concerns/${caseId}/decisions/new"`);

    const refused = await lead.post(`/concerns/${caseId}/referrals`, referralForm);
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Record a decision to share information with police Prevent before referring');
    expect(refused.body).toContain(`href="/concerns/${caseId}/decisions/new"`);

    // A decision not to share does not open the way either.
    await decide(caseId, { shared: 'no', article6Basis: '', rationale: 'Not proportionate yet' });
    expect((await lead.post(`/concerns/${caseId}/referrals`, referralForm)).statusCode).toBe(400);
    expect(await referralCount(caseId)).toBe(0);
    expect(await followUps(caseId)).toEqual([]);
    expect(await statusOf(caseId)).toBe('decision');
    expect(await auditOf('concern.referred', caseId)).toEqual([]);
  });

  it('refuses a referral with no concern, a date in the future or no way it was sent, with a message for each', async () => {
    const { caseId } = await aCaseAtDecision();
    await decide(caseId);
    const cases: [Record<string, string>, string][] = [
      [{ concern: '   ' }, 'Enter the concern: what you are referring and why'],
      [{ referredOn: '2099-01-01' }, 'The date referred must be today or in the past'],
      [{ referredOn: '2026-02-30' }, 'Enter a real date referred'],
      [{ referredOn: '' }, 'Enter the date you referred'],
      [{ sentHow: 'pigeon' }, 'Choose how the referral was sent'],
    ];
    for (const [change, message] of cases) {
      const refused = await lead.post(`/concerns/${caseId}/referrals`, { ...referralForm, ...change });
      expect(refused.statusCode, message).toBe(400);
      expect(textOf(refused.body), message).toContain(message);
      expect(refused.body).toContain('There is a problem');
    }
    expect(await referralCount(caseId)).toBe(0);
    expect(await followUps(caseId)).toEqual([]);
    expect(await statusOf(caseId)).toBe('decision');
    expect(await auditOf('concern.referred', caseId)).toEqual([]);
  });

  it('keeps the referral to the Prevent leads: 403 for a practitioner, 404 for another provider’s lead', async () => {
    const { caseId } = await aCaseReadyToRefer();
    // The practitioner works the case, but referring is the leads' decision.
    expect(textOf((await practitioner.get(`/concerns/${caseId}`)).body)).not.toContain('Refer to police Prevent');
    expect((await practitioner.get(`/concerns/${caseId}/referrals/new`)).statusCode).toBe(403);
    expect((await practitioner.post(`/concerns/${caseId}/referrals`, referralForm)).statusCode).toBe(403);
    expect((await other.get(`/concerns/${caseId}/referrals/new`)).statusCode).toBe(404);
    expect((await other.post(`/concerns/${caseId}/referrals`, referralForm)).statusCode).toBe(404);
    for (const email of [demo.staff, demo.boardViewer, demo.commissioner]) {
      const visitor = email === demo.staff ? staff : await signedIn(t.app, email);
      expect((await visitor.get(`/concerns/${caseId}/referrals/new`)).statusCode, email).toBe(403);
    }
    expect(await referralCount(caseId)).toBe(0);
  });

  it('records the referral: the case is referred and police feedback is chased 5 working days later', async () => {
    const { caseId, reference } = await aCaseReadyToRefer();
    const page = await lead.get(`/concerns/${caseId}`);
    expect(page.body).toContain(`href="/concerns/${caseId}/referrals/new"`);
    const form = await lead.get(`/concerns/${caseId}/referrals/new`);
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('Complex needs (optional)');

    const referred = await lead.post(`/concerns/${caseId}/referrals`, referralForm);
    expect(referred.statusCode, textOf(referred.body).slice(0, 500)).toBe(303);
    expect(referred.headers.location).toBe(`/concerns/${caseId}#referral`);
    expect(await statusOf(caseId)).toBe('referred');
    expect(await scalar(sql`select referred_at is not null as v from concern_cases where id = ${caseId}`)).toBe(true);

    const due = await followUps(caseId);
    expect(due.map((f) => [f.kind, f.due_on, f.done_at])).toEqual([['police_feedback', '2026-11-27', null]]);

    const audits = await auditOf('concern.referred', caseId);
    expect(audits.map((a) => a.details)).toEqual([{ reference, sentHow: 'secure_email', referredOn: '2026-11-20' }]);
    expect(JSON.stringify(await auditOf('concern.moved', caseId))).toContain('"to":"referred"');
    const chronology = await events(caseId);
    expect(chronology.map((e) => e.summary)).toContain('Decision → Referred to police Prevent');
    const referralEvent = chronology.find((e) => e.kind === 'referral');
    expect(referralEvent?.summary).toBe(
      'Referred to police Prevent on 2026-11-20 (secure e-mail); police feedback due 2026-11-27',
    );
    for (const e of chronology) expect(e.summary).not.toMatch(/Zed|plixonar|autism/);

    const after = (await lead.get(`/concerns/${caseId}`)).body;
    expect(after).not.toContain(`/concerns/${caseId}/referrals/new`);
    // The sharing decisions come before the referral they allow.
    expect(after.indexOf('id="decisions"')).toBeGreaterThan(-1);
    expect(after.indexOf('id="decisions"')).toBeLessThan(after.indexOf('id="referral"'));
    const shown = textOf(after);
    expect(shown).toContain('Referral to police Prevent');
    expect(shown).toContain('plixonar recruitment videos');
    expect(shown).toContain('Diagnosed with autism');
    expect(shown).toContain('Police initial assessment feedback');
    expect(shown).toContain('27 November 2026');
    expect(shown).toContain('Record the outcome');
  });

  it('stores nothing of the referral in plain text', async () => {
    const { caseId } = await aReferredCase();
    const raw = rowsOf<{ row: string }>(
      await t.database.db.execute(sql`select row_to_json(r)::text as row from referrals r where case_id = ${caseId}`),
    );
    expect(raw.length).toBe(1);
    expect(raw[0]?.row).not.toContain('plixonar');
    expect(raw[0]?.row).not.toContain('autism');
    expect(raw[0]?.row).not.toContain('Adult social care');
    const events = await scalar<string>(
      sql`select string_agg(coalesce(detail_sealed, ''), ' ') as v from case_events where case_id = ${caseId}`,
    );
    expect(events).not.toContain('plixonar');
  });

  it('refuses a second referral now that the case is no longer at Decision', async () => {
    const { caseId } = await aReferredCase();
    const refused = await lead.post(`/concerns/${caseId}/referrals`, referralForm);
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Move the case to Decision before referring');
    expect(await referralCount(caseId)).toBe(1);
  });

  it('reminds the organisation’s leads of the overdue chase, with the reference and never the name, once', async () => {
    const { caseId, reference } = await aReferredCase();
    // The demo data has follow-ups of its own (one chase already overdue): only this case's are looked at here.
    const forThisCase = async (today: string) =>
      (await followUpReminders(t.database, today)).filter((r) => r.link === `/concerns/${caseId}#referral`);
    expect(await forThisCase('2026-11-26')).toEqual([]);
    const today = await forThisCase('2026-11-27');
    expect(today.map((r) => r.title)).toEqual([`Case ${reference}: follow-up due today`]);

    const rz1 = await scalar<string>(sql`select id as v from organisations where ods_code = 'RZ1'`);
    const overdue = await forThisCase('2026-11-30');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({
      orgId: rz1,
      roles: ['operational_lead', 'accountable_lead'],
      title: `Case ${reference}: follow-up overdue`,
      link: `/concerns/${caseId}#referral`,
    });
    expect(overdue[0]?.body).toContain(
      `Case ${reference}: chase police Prevent for initial assessment feedback (due 2026-11-27)`,
    );
    // Nothing another case's reminder says points at this one.
    for (const r of await followUpReminders(t.database, '2026-11-30')) {
      if (r.link !== `/concerns/${caseId}#referral`) expect(`${r.title} ${r.body}`).not.toContain(reference);
    }

    await sendDueReminders(t.database, '2026-11-30');
    await sendDueReminders(t.database, '2026-12-01');
    const sent = rowsOf<{ org: string; title: string; body: string }>(
      await t.database.db.execute(
        sql`select o.ods_code as org, n.title, n.body from notifications n join organisations o on o.id = n.org_id where n.kind = 'referral follow-ups'`,
      ),
    );
    for (const n of sent) expect(`${n.title} ${n.body}`).not.toMatch(/Zed|Example|plixonar|9990000018|Demo Patient/);
    const aboutThisCase = sent.filter((n) => `${n.title} ${n.body}`.includes(reference));
    expect(aboutThisCase.length).toBe(2); // the operational and the accountable lead, once each
    for (const n of aboutThisCase) expect(n.org).toBe('RZ1');
    expect(textOf((await lead.get('/notifications')).body)).toContain(`Case ${reference}: follow-up overdue`);
    expect(textOf((await other.get('/notifications')).body)).not.toContain(reference);
  });

  it('shows an overdue follow-up in red on the case page', async () => {
    const { caseId } = await aReferredCase();
    await t.database.db.execute(sql`update case_follow_ups set due_on = '2026-11-02' where case_id = ${caseId}`);
    const page = (await lead.get(`/concerns/${caseId}`)).body;
    expect(page).toMatch(/nhsuk-tag--red[^>]*>\s*Overdue/);
    expect(page).toContain(`/concerns/${caseId}/follow-ups/`);
  });

  it('refuses an outcome that is incomplete or changes nothing, writing nothing', async () => {
    const { caseId, referralId } = await aReferredCase();
    const url = `/concerns/${caseId}/referrals/${referralId}/outcome`;
    const cases: [Record<string, string>, string][] = [
      [{ pathway: 'channel_panel' }, 'Enter the date of the police decision'],
      [{ pathwayOn: '2026-11-23' }, 'Choose what police Prevent decided'],
      [{ pathway: 'channel_panel', pathwayOn: '2099-01-01' }, 'The date of the decision must be today or in the past'],
      [{ pathway: 'channel_panel', pathwayOn: '2026-11-01' }, 'cannot be before the referral'],
      [{ feedback: 'Assessed as suitable for Channel' }, 'Enter the date the feedback was received'],
      [{ feedbackReceivedOn: '2026-11-23' }, 'Enter the feedback police Prevent gave'],
      [{ pathway: 'abroad', pathwayOn: '2026-11-23' }, 'Choose what police Prevent decided'],
      [{}, 'Nothing has changed'],
    ];
    for (const [fields, message] of cases) {
      const refused = await lead.post(url, fields);
      expect(refused.statusCode, message).toBe(400);
      expect(textOf(refused.body), message).toContain(message);
    }
    expect(await scalar(sql`select pathway as v from referrals where id = ${referralId}`)).toBeNull();
    expect(await auditOf('concern.referral_outcome', caseId)).toEqual([]);
    expect((await followUps(caseId)).length).toBe(1);
  });

  it('keeps the outcome to the Prevent leads', async () => {
    const { caseId, referralId } = await aReferredCase();
    const url = `/concerns/${caseId}/referrals/${referralId}/outcome`;
    expect((await practitioner.get(url)).statusCode).toBe(403);
    expect((await practitioner.post(url, { outcome: 'x' })).statusCode).toBe(403);
    expect((await other.get(url)).statusCode).toBe(404);
    expect((await other.post(url, { outcome: 'x' })).statusCode).toBe(404);
    expect((await lead.get(`/concerns/${caseId}/referrals/00000000-0000-4000-8000-000000000000/outcome`)).statusCode).toBe(404);
  });

  it('records the outcome: a Channel panel brings 6- and 12-month reviews, and feedback ends the chase', async () => {
    const { caseId, reference, referralId } = await aReferredCase();
    const url = `/concerns/${caseId}/referrals/${referralId}/outcome`;
    const form = await lead.get(url);
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('Police initial assessment feedback');

    const recorded = await lead.post(url, channelPanelOutcome);
    expect(recorded.statusCode, textOf(recorded.body).slice(0, 500)).toBe(303);

    const row = rowsOf<Record<string, unknown>>(
      await t.database.db.execute(
        sql`select police_reference, pathway, pathway_on::text, feedback_received_on::text, row_to_json(r)::text as raw from referrals r where id = ${referralId}`,
      ),
    )[0];
    // The police reference is sealed like the rest of what the referral says (unseal refuses plain text).
    expect(unseal(String(row?.police_reference))).toBe('CTP-NE-2026-0456');
    expect(row).toMatchObject({
      pathway: 'channel_panel',
      pathway_on: '2026-11-23',
      feedback_received_on: '2026-11-23',
    });
    expect(String(row?.raw)).not.toMatch(/quentor|mentor|mental health nurse|CTP-NE-2026-0456/);

    const due = await followUps(caseId);
    expect(due.map((f) => [f.kind, f.due_on, f.done_at !== null])).toEqual([
      ['police_feedback', '2026-11-27', true],
      ['channel_review_6_months', '2027-05-23', false],
      ['channel_review_12_months', '2027-11-23', false],
    ]);
    const audits = await auditOf('concern.referral_outcome', caseId);
    expect(audits).toHaveLength(1);
    expect(audits[0]?.details).toMatchObject({ reference, pathway: 'channel_panel', feedbackReceivedOn: '2026-11-23' });
    expect(JSON.stringify(audits)).not.toMatch(/quentor|mentor|CTP-NE/);
    const summaries = (await events(caseId)).map((e) => e.summary);
    expect(summaries).toContain('Done: Police initial assessment feedback (feedback received)');
    expect(summaries).toContain('Channel review at 6 months due 2027-05-23');
    expect(summaries).toContain('Channel review at 12 months due 2027-11-23');

    const shown = textOf((await lead.get(`/concerns/${caseId}`)).body);
    expect(shown).toContain('CTP-NE-2026-0456');
    expect(shown).toContain('Taken to a Channel panel, 23 November 2026');
    expect(shown).toContain('quentor group');
    expect(shown).toContain('Channel review at 12 months');

    // The chase is over: no more reminders for this case (the demo's own cases may still have theirs).
    const reminders = await followUpReminders(t.database, '2026-12-15');
    expect(reminders.filter((r) => r.link === `/concerns/${caseId}#referral`)).toEqual([]);
    expect(reminders.map((r) => r.title).join(' ')).not.toContain(reference);
  });

  it('updates the outcome later without adding the Channel reviews twice, and keeps the police reference', async () => {
    const { caseId, referralId } = await aCaseInChannel();
    const url = `/concerns/${caseId}/referrals/${referralId}/outcome`;
    const form = await lead.get(url);
    // The form starts from what is recorded.
    expect(form.body).toContain('Accepted for Channel support with a mentor.');
    expect(form.body).not.toContain('name="policeReference"');

    const base = {
      feedbackReceivedOn: '2026-11-23',
      feedback: 'Police assessed a vulnerability to radicalisation by the quentor group.',
      outcome: 'Accepted for Channel support with a mentor.',
      channelContribution: 'The community mental health nurse attends the panel.',
    };
    expect((await lead.post(url, { ...base, pathway: 'police_managed', pathwayOn: '2026-11-23' })).statusCode).toBe(303);
    expect(
      (
        await lead.post(url, {
          ...base,
          pathway: 'channel_panel',
          pathwayOn: '2026-11-23',
          outcome: 'Back to Channel after police review.',
          policeReference: 'SOMETHING-ELSE',
        })
      ).statusCode,
    ).toBe(303);
    const kinds = (await followUps(caseId)).map((f) => f.kind);
    expect(kinds.filter((k) => k === 'channel_review_6_months')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'channel_review_12_months')).toHaveLength(1);
    expect(unseal(await scalar<string>(sql`select police_reference as v from referrals where id = ${referralId}`))).toBe(
      'CTP-NE-2026-0456',
    );
    expect(await auditOf('concern.referral_outcome', caseId)).toHaveLength(3);
    expect(textOf((await lead.get(`/concerns/${caseId}`)).body)).toContain('Back to Channel after police review.');
  });

  it('lets anyone working the case mark a follow-up done, once; not another provider', async () => {
    const { caseId, reference } = await aCaseInChannel();
    const review = (await followUps(caseId)).find((f) => f.kind === 'channel_review_6_months');
    const url = `/concerns/${caseId}/follow-ups/${review?.id}/done`;
    expect((await other.post(url)).statusCode).toBe(404);
    expect((await staff.post(url)).statusCode).toBe(403);

    const done = await practitioner.post(url);
    expect(done.statusCode).toBe(303);
    const after = (await followUps(caseId)).find((f) => f.id === review?.id);
    expect(after?.done_at).not.toBeNull();
    expect(after?.done_by).toBe(await scalar<string>(sql`select id as v from users where email = ${demo.practitioner}`));
    expect((await auditOf('concern.follow_up_done', caseId)).map((a) => a.details)).toEqual([
      { reference, followUpId: review?.id, kind: 'channel_review_6_months', dueOn: '2027-05-23' },
    ]);
    expect((await events(caseId)).map((e) => e.summary)).toContain('Done: Channel review at 6 months (due 2027-05-23)');

    const again = await practitioner.post(url);
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('Channel review at 6 months was already marked done');
    expect(await auditOf('concern.follow_up_done', caseId)).toHaveLength(1);
    expect((await lead.post(`/concerns/${caseId}/follow-ups/00000000-0000-4000-8000-000000000000/done`)).statusCode).toBe(404);
  });
});
