import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseConcern } from '../../../test/concerns.ts';
import { newOrganisation, newUser, orgIdOf, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { sendDueReminders } from '../../../test/modules.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { seal, unseal } from '../../platform/encryption.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** Words typed about the person: after erasure none of them may be found anywhere. */
const personal = {
  name: 'Zedekiah Quarmby',
  nhsNumber: '9990000018',
  narrative: 'Patient shared glimmerwort recruitment leaflets on the ward.',
  location: 'Ward 9 day room',
  note: 'Spoke to Zedekiah about the thrumblefeld forum posts.',
};

describe('retention: the rules, the review, keeping longer and erasing', () => {
  let t: TestApp;
  let staff: Visitor;
  let lead: Visitor;
  const today = todayInLondon();
  const yesterday = addDays(today, -1);

  const raise = (name: string) =>
    raiseConcern(staff, { subjectName: name, narrative: personal.narrative, location: personal.location });
  const close = async (id: string, reason = 'No Prevent concern after triage', by = lead) => {
    expect((await by.post(`/concerns/${id}/moves`, { to: 'no_further_action', reason })).statusCode).toBe(303);
    expect(
      (await by.post(`/concerns/${id}/moves`, { to: 'closed', reason: 'Closing', closureReason: 'no_concern_found' })).statusCode,
    ).toBe(303);
  };
  const caseRow = async (id: string) =>
    rowsOf<{
      reference: string;
      status: string;
      subject_type: string;
      subject_is_child: boolean;
      retention_review_on: string | null;
      erased_at: Date | null;
      closed_at: Date | null;
      subject_name_sealed: string | null;
      subject_nhs_number_sealed: string | null;
      subject_nhs_number_hash: string | null;
      subject_date_of_birth_sealed: string | null;
      narrative_sealed: string | null;
      location_sealed: string | null;
    }>(await t.database.db.execute(sql`select *, retention_review_on::text from concern_cases where id = ${id}`))[0];
  const auditOf = async (action: string, recordId?: string) =>
    rowsOf<{ details: Record<string, unknown> }>(
      await t.database.db.execute(
        recordId
          ? sql`select details from audit_events where action = ${action} and record_id = ${recordId} order by seq`
          : sql`select details from audit_events where action = ${action} order by seq`,
      ),
    );
  const makeDue = (id: string) =>
    t.database.db.execute(sql`update concern_cases set retention_review_on = ${yesterday} where id = ${id}`);

  beforeAll(async () => {
    t = await testApp();
    staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);
  });
  afterAll(() => t.close());

  it('gives a closed case a retention review date from the default rule: 3 years for a case not referred', async () => {
    const id = await raise('Yara Defaultson');
    await close(id);
    const row = await caseRow(id);
    expect(row?.status).toBe('closed');
    expect(row?.retention_review_on).toBe(addDays(today, Math.round(3 * 365.25)));
    // The case page tells the lead when, and what they can do then.
    const page = textOf((await lead.get(`/concerns/${id}`)).body);
    expect(page).toContain('Retention');
    expect(page).toContain('Erase the personal data');
  });

  it('shows the rules with their defaults and who should set them', async () => {
    const page = await lead.get('/concerns/settings');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('records manager or information governance lead');
    expect(text).toContain('NHS Records Management Code of Practice');
    expect(page.body).toMatch(/name="policeFeedbackWorkingDays"[^>]*value="5"|value="5"[^>]*name="policeFeedbackWorkingDays"/);
    expect(page.body).toMatch(/id="retentionYearsReferred"[^>]*value="6"/);
    expect(page.body).toMatch(/id="retentionYearsNotReferred"[^>]*value="3"/);
  });

  it('refuses rules out of range, naming each field, and saves nothing', async () => {
    const bad: [Record<string, string>, string, string][] = [
      [
        { policeFeedbackWorkingDays: '0', retentionYearsReferred: '6', retentionYearsNotReferred: '3' },
        'policeFeedbackWorkingDays',
        'from 1 to 30',
      ],
      [
        { policeFeedbackWorkingDays: '31', retentionYearsReferred: '6', retentionYearsNotReferred: '3' },
        'policeFeedbackWorkingDays',
        'from 1 to 30',
      ],
      [
        { policeFeedbackWorkingDays: '5', retentionYearsReferred: '101', retentionYearsNotReferred: '3' },
        'retentionYearsReferred',
        'from 1 to 100',
      ],
      [
        { policeFeedbackWorkingDays: '5', retentionYearsReferred: '6', retentionYearsNotReferred: 'two' },
        'retentionYearsNotReferred',
        'whole number',
      ],
      [
        { policeFeedbackWorkingDays: '5', retentionYearsReferred: '6', retentionYearsNotReferred: '' },
        'retentionYearsNotReferred',
        'Enter how many years',
      ],
      [
        { policeFeedbackWorkingDays: '5', retentionYearsReferred: '2.5', retentionYearsNotReferred: '3' },
        'retentionYearsReferred',
        'whole number',
      ],
    ];
    for (const [fields, field, message] of bad) {
      const response = await lead.post('/concerns/settings', fields);
      expect(response.statusCode, JSON.stringify(fields)).toBe(400);
      expect(response.body).toContain(`href="#${field}"`);
      expect(textOf(response.body)).toContain(message);
    }
    // Another test saves rules, for a trust of its own: this one looks at the demo trust's only.
    const trustId = await orgIdOf(t.database, 'RZ1');
    const saved = rowsOf(await t.database.db.execute(sql`select * from concern_settings where org_id = ${trustId}`));
    expect(saved).toEqual([]);
    const audited = rowsOf(
      await t.database.db.execute(
        sql`select details from audit_events where action = 'concern.settings_changed' and org_id = ${trustId}`,
      ),
    );
    expect(audited).toEqual([]);
  });

  it('saves the rules, audits them, and uses them for the next case closed', async () => {
    // A trust of its own, so that the demo trust keeps the default rules the other tests expect.
    const trust = await newOrganisation(t.database, {
      odsCode: 'RZ7',
      name: 'Rulemaking Test NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QZZ',
    });
    const ownLead = await signedInAs(
      t.app,
      t.database,
      await newUser(t.database, {
        email: 'prevent.lead@rulemaking-trust.example',
        displayName: 'Remy Rules',
        roles: [{ orgId: trust.id, role: 'operational_lead' }],
      }),
    );
    const response = await ownLead.post('/concerns/settings', {
      policeFeedbackWorkingDays: '7',
      retentionYearsReferred: '8',
      retentionYearsNotReferred: '2',
    });
    expect(response.statusCode).toBe(303);
    expect(textOf((await ownLead.get('/concerns/settings?saved=1')).body)).toContain('The rules were saved');
    const audited = await auditOf('concern.settings_changed');
    expect(audited.map((a) => a.details)).toEqual([
      { policeFeedbackWorkingDays: 7, retentionYearsReferred: 8, retentionYearsNotReferred: 2 },
    ]);
    const id = await raiseConcern(ownLead, {
      subjectName: 'Xavi Secondcase',
      narrative: personal.narrative,
      location: personal.location,
    });
    await close(id, undefined, ownLead);
    expect((await caseRow(id))?.retention_review_on).toBe(addDays(today, Math.round(2 * 365.25)));
  });

  it('lists a closed case only once its review date has come, with no names', async () => {
    const id = await raise('Wendell Listable');
    await close(id);
    const reference = (await caseRow(id))?.reference ?? '';
    expect(textOf((await lead.get('/concerns/retention')).body)).not.toContain(reference);
    await makeDue(id);
    const page = await lead.get('/concerns/retention');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain(reference);
    expect(text).toContain('No Prevent concern after triage');
    expect(text).not.toContain('Wendell');
    expect(page.body).toContain(`href="/concerns/${id}/erase"`);
    expect(page.body).toContain(`href="/concerns/${id}/retention/extend"`);

    // The leads are told, once, by the daily reminder scan: the reference, never the person.
    await sendDueReminders(t.database, today);
    await sendDueReminders(t.database, today);
    const told = rowsOf<{ email: string; body: string }>(
      await t.database.db.execute(sql`select u.email, n.body from notifications n join users u on u.id = n.user_id
        where n.title = ${`Case ${reference}: retention review due`} order by u.email`),
    );
    expect(told.map((n) => n.email)).toEqual([demo.accountableLead, demo.operationalLead].sort());
    expect(told.every((n) => !n.body.includes('Wendell'))).toBe(true);
    expect(textOf((await lead.get('/notifications')).body)).toContain(`Case ${reference}: retention review due`);
  });

  it('keeps a case longer with a future date and a reason; refuses a past date, no reason, or an open case, changing nothing', async () => {
    const id = await raise('Vera Extendable');
    await close(id);
    await makeDue(id);
    const openId = await raise('Uma Stillopen');
    const refusals: [string, Record<string, string>, string, string][] = [
      [id, { until: addDays(today, 400) }, 'reason', 'Enter why the case is being kept longer'],
      [id, { until: yesterday, reason: 'Legal hold' }, 'until', 'must be in the future'],
      [id, { until: today, reason: 'Legal hold' }, 'until', 'must be in the future'],
      [id, { until: '2030-02-30', reason: 'Legal hold' }, 'until', 'Enter a real date'],
      [id, { reason: 'Legal hold' }, 'until', 'Enter the new retention review date'],
      [openId, { until: addDays(today, 400), reason: 'Legal hold' }, 'form', 'is not closed'],
    ];
    for (const [caseId, fields, field, message] of refusals) {
      const response = await lead.post(`/concerns/${caseId}/retention/extend`, fields);
      expect(response.statusCode, JSON.stringify(fields)).toBe(400);
      expect(response.body).toContain(`href="#${field}"`);
      expect(textOf(response.body)).toContain(message);
    }
    expect((await caseRow(id))?.retention_review_on).toBe(yesterday);
    expect((await caseRow(openId))?.retention_review_on).toBeNull();
    expect(await auditOf('concern.retention_extended')).toEqual([]);

    const until = addDays(today, 400);
    const form = await lead.get(`/concerns/${id}/retention/extend`);
    expect(form.statusCode).toBe(200);
    const kept = await lead.post(`/concerns/${id}/retention/extend`, { until, reason: 'Legal hold: civil claim pending' });
    expect(kept.statusCode).toBe(303);
    expect(kept.headers.location).toBe('/concerns/retention?extended=1');
    expect((await caseRow(id))?.retention_review_on).toBe(until);
    expect((await auditOf('concern.retention_extended', id)).map((a) => a.details)).toEqual([
      expect.objectContaining({ from: yesterday, until }),
    ]);
    const events = rowsOf<{ summary: string; detail_sealed: string | null }>(
      await t.database.db.execute(
        sql`select summary, detail_sealed from case_events where case_id = ${id} and kind = 'retention-extended'`,
      ),
    );
    expect(events.map((e) => [e.summary, unseal(e.detail_sealed)])).toEqual([
      [`Retention review date extended to ${until}`, 'Legal hold: civil claim pending'],
    ]);
    expect(textOf((await lead.get('/concerns/retention')).body)).not.toContain((await caseRow(id))?.reference ?? 'x');
  });

  describe('erasing personal data', () => {
    /** A closed case about the person, its review date still years away; `due` brings the date to yesterday. */
    const aClosedCase = async ({ due }: { due: boolean }) => {
      const id = await raise(personal.name);
      await close(id, `Discussed with ${personal.name}`);
      if (due) await makeDue(id);
      return { id, reference: (await caseRow(id))?.reference ?? '' };
    };

    /** A closed case, due for review, with the person written into every table that holds the case. */
    const aDueCaseHeldEverywhere = async () => {
      const id = await raise(personal.name);
      expect((await lead.post(`/concerns/${id}/notes`, { note: personal.note })).statusCode).toBe(303);
      await close(id, `Discussed with ${personal.name}`);
      const reference = (await caseRow(id))?.reference ?? '';
      // What the sharing and referral modules record about the person, sealed as they store it.
      const orgId = rowsOf<{ org_id: string }>(
        await t.database.db.execute(sql`select org_id from concern_cases where id = ${id}`),
      )[0]?.org_id;
      await t.database.db.execute(sql`insert into record_checks (org_id, case_id, systems, searched_on, searched_by, known_to_service, findings_sealed)
        values (${orgId}, ${id}, 'PAS', ${today}, 'Jordan Ellis', 'known', ${seal(`Known to mental health services: ${personal.name}`)})`);
      await t.database.db.execute(sql`insert into sharing_decisions (org_id, case_id, information_sealed, partner, article6_basis, consent,
          consent_note_sealed, shared, rationale_sealed, decided_by, decided_on)
        values (${orgId}, ${id}, ${seal(`NHS number ${personal.nhsNumber}`)}, 'police', 'public_task', 'not_sought',
          ${seal('Not sought: would prejudice')}, true, ${seal(`Risk from ${personal.name}`)}, 'Jordan Ellis', ${today})`);
      await t.database.db.execute(sql`insert into referrals (org_id, case_id, referred_on, sent_how, concern_sealed, outcome_sealed)
        values (${orgId}, ${id}, ${today}, 'email', ${seal(personal.narrative)}, ${seal(`${personal.name} offered support`)})`);
      await makeDue(id);
      return { id, reference };
    };

    it('refuses to erase an open case, or a closed one not yet due, changing nothing', async () => {
      const { id } = await aClosedCase({ due: false });
      const openId = await raise('Tariq Notclosed');
      const openPage = await lead.get(`/concerns/${openId}/erase`);
      expect(openPage.statusCode).toBe(200);
      expect(textOf(openPage.body)).toContain('This case cannot be erased now');
      expect(openPage.body).not.toContain(`action="/concerns/${openId}/erase"`);
      const refused = await lead.post(`/concerns/${openId}/erase`, { reason: 'Retention period ended' });
      expect(refused.statusCode).toBe(400);
      expect(textOf(refused.body)).toContain('only a closed case can have its personal data erased');
      expect((await caseRow(openId))?.erased_at).toBeNull();

      // Closed, but its review date is years away.
      const notDue = await lead.post(`/concerns/${id}/erase`, { reason: 'Retention period ended' });
      expect(notDue.statusCode).toBe(400);
      expect(textOf(notDue.body)).toContain('can be erased only from then');
      expect((await caseRow(id))?.erased_at).toBeNull();
      // Other tests erase cases of their own: only these two count.
      expect(await auditOf('concern.erased', id)).toEqual([]);
      expect(await auditOf('concern.erased', openId)).toEqual([]);
    });

    it('needs a reason', async () => {
      const { id } = await aClosedCase({ due: true });
      const response = await lead.post(`/concerns/${id}/erase`, { reason: '  ' });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('href="#reason"');
      expect(textOf(response.body)).toContain('Enter why the personal data is being erased');
      expect((await caseRow(id))?.subject_name_sealed).not.toBeNull();
    });

    it('is refused to a practitioner (403) and to another provider’s lead (404)', async () => {
      // Due, so that it is on the demo trust's retention list, and must not be on the other's.
      const { id, reference } = await aClosedCase({ due: true });
      const practitioner = await signedIn(t.app, demo.practitioner);
      expect((await practitioner.get('/concerns/retention')).statusCode).toBe(403);
      expect((await practitioner.get('/concerns/settings')).statusCode).toBe(403);
      expect((await practitioner.get(`/concerns/${id}/erase`)).statusCode).toBe(403);
      expect((await practitioner.post(`/concerns/${id}/erase`, { reason: 'x' })).statusCode).toBe(403);
      expect(
        (await practitioner.post(`/concerns/${id}/retention/extend`, { until: addDays(today, 9), reason: 'x' })).statusCode,
      ).toBe(403);
      expect((await practitioner.post('/concerns/settings', { policeFeedbackWorkingDays: '9' })).statusCode).toBe(403);
      const staffSettings = await staff.get('/concerns/settings');
      expect(staffSettings.statusCode).toBe(403);

      const other = await signedIn(t.app, demo.otherTrustLead);
      expect((await other.get(`/concerns/${id}/erase`)).statusCode).toBe(404);
      expect((await other.post(`/concerns/${id}/erase`, { reason: 'Retention period ended' })).statusCode).toBe(404);
      expect((await other.post(`/concerns/${id}/retention/extend`, { until: addDays(today, 9), reason: 'x' })).statusCode).toBe(
        404,
      );
      expect(textOf((await other.get('/concerns/retention')).body)).not.toContain(reference);
      expect((await caseRow(id))?.erased_at).toBeNull();
    });

    it('says plainly what is removed and what is kept', async () => {
      const { id } = await aClosedCase({ due: true });
      const page = await lead.get(`/concerns/${id}/erase`);
      expect(page.statusCode).toBe(200);
      const text = textOf(page.body);
      expect(text).toContain('What is removed');
      expect(text).toContain('What is kept');
      expect(text).toContain('This cannot be undone');
      expect(text).not.toContain(personal.name);
    });

    it('removes the personal data everywhere it is held and keeps the stub the figures count', async () => {
      const { id, reference } = await aDueCaseHeldEverywhere();
      // Before: the sealed columns hold what was typed (so the checks below would catch it left behind).
      expect(unseal((await caseRow(id))?.subject_name_sealed)).toBe(personal.name);

      const erased = await lead.post(`/concerns/${id}/erase`, { reason: 'Retention period ended under records policy' });
      expect(erased.statusCode).toBe(303);
      expect(erased.headers.location).toBe(`/concerns/${id}`);

      const row = await caseRow(id);
      expect(row).toMatchObject({
        reference,
        status: 'closed',
        subject_type: 'patient',
        subject_is_child: false,
        subject_name_sealed: null,
        subject_nhs_number_sealed: null,
        subject_nhs_number_hash: null,
        subject_date_of_birth_sealed: null,
        narrative_sealed: null,
        location_sealed: null,
      });
      expect(row?.erased_at).not.toBeNull();
      expect(row?.closed_at).not.toBeNull();

      const sealedLeft = rowsOf<{ n: number }>(
        await t.database.db.execute(sql`select
          (select count(*) from case_events where case_id = ${id} and detail_sealed is not null)
          + (select count(*) from record_checks where case_id = ${id} and findings_sealed is not null)
          + (select count(*) from sharing_decisions where case_id = ${id}
              and (information_sealed is not null or consent_note_sealed is not null or rationale_sealed is not null))
          + (select count(*) from referrals where case_id = ${id} and (concern_sealed is not null or outcome_sealed is not null))
          as n`),
      )[0]?.n;
      expect(Number(sealedLeft)).toBe(0);
      // The rows themselves stay (what happened, and when), so the reports still count them.
      const kept = rowsOf<{ n: number }>(
        await t.database.db.execute(sql`select
          (select count(*) from record_checks where case_id = ${id}) + (select count(*) from sharing_decisions where case_id = ${id})
          + (select count(*) from referrals where case_id = ${id}) as n`),
      )[0]?.n;
      expect(Number(kept)).toBe(3);

      // Nothing typed about the person is left, in plain text or sealed, in any table that holds the case.
      const everything = rowsOf<{ text: string }>(
        await t.database.db.execute(sql`select row_to_json(c)::text as text from concern_cases c where c.id = ${id}
          union all select row_to_json(e)::text from case_events e where e.case_id = ${id}
          union all select row_to_json(r)::text from referrals r where r.case_id = ${id}
          union all select row_to_json(s)::text from sharing_decisions s where s.case_id = ${id}
          union all select row_to_json(k)::text from record_checks k where k.case_id = ${id}`),
      )
        .map((r) => r.text)
        .join('\n');
      expect(everything).toContain(reference);
      for (const words of [personal.name, 'Zedekiah', personal.nhsNumber, 'glimmerwort', 'thrumblefeld', personal.location]) {
        expect(everything).not.toContain(words);
      }

      const events = rowsOf<{ kind: string; summary: string; detail_sealed: string | null }>(
        await t.database.db.execute(
          sql`select kind, summary, detail_sealed from case_events where case_id = ${id} and kind = 'erased'`,
        ),
      );
      expect(events).toEqual([
        { kind: 'erased', summary: 'Personal data erased under the retention rules', detail_sealed: null },
      ]);
      // The reason may describe the person: sealed in the audit trail too.
      const [erasure] = (await auditOf('concern.erased', id)).map(
        (a) => a.details as { reference: string; reasonSealed: string },
      );
      expect(erasure?.reference).toBe(reference);
      expect(JSON.stringify(erasure)).not.toContain('Retention period ended');
      expect(unseal(erasure?.reasonSealed)).toBe('Retention period ended under records policy');

      // The case still opens, and says what happened.
      const page = await lead.get(`/concerns/${id}`);
      expect(page.statusCode).toBe(200);
      const text = textOf(page.body);
      expect(text).toContain('was erased on');
      expect(text).not.toContain(personal.name);
      expect(text).not.toContain('glimmerwort');
      expect(textOf((await lead.get('/concerns/retention')).body)).not.toContain(reference);

      // Once is enough.
      const again = await lead.post(`/concerns/${id}/erase`, { reason: 'Again' });
      expect(again.statusCode).toBe(400);
      expect(textOf(again.body)).toContain('has already been erased');
      expect(await auditOf('concern.erased', id)).toHaveLength(1);
    });
  });
});
