import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseConcern } from '../../../test/concerns.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { todayInLondon } from '../../platform/dates.ts';
import { unseal } from '../../platform/encryption.ts';
import { type FlagCase, flagResource, markerMentionsPrevent, neutralMarkerText, preventRefusal } from './service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

const narrative = 'Patient spoke of blorvex recruitment videos to the nurse.';

const trust = { odsCode: 'RZ1', name: 'Northshire Teaching Hospitals NHS Foundation Trust' };

const flagCase = (overrides: Partial<FlagCase> = {}): FlagCase => ({
  id: '3f1f8a52-5b7e-4f0e-9a55-0d7c2a1e9b10',
  reference: 'PC-2026-0007',
  markerText: null,
  subjectName: 'Zed Example',
  nhsNumber: '9990000018',
  status: 'triage',
  raisedAt: new Date('2026-11-20T10:30:00Z'),
  markerPlacedAt: new Date('2026-11-20T10:30:00Z'),
  closedAt: null,
  erasedAt: null,
  ...overrides,
});

describe('the record marker as a FHIR Flag (pure)', () => {
  it('fills every element of the UK Core Flag shape from the case', () => {
    expect(flagResource(flagCase(), trust)).toEqual({
      resourceType: 'Flag',
      id: '3f1f8a52-5b7e-4f0e-9a55-0d7c2a1e9b10',
      meta: { profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Flag'] },
      identifier: [{ system: 'https://prevent-assure.nhs.uk/Id/case-reference', value: 'PC-2026-0007' }],
      status: 'active',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'safety', display: 'Safety' }] },
      ],
      code: { text: neutralMarkerText },
      subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' }, display: 'Zed Example' },
      period: { start: '2026-11-20' },
      author: { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RZ1' }, display: trust.name },
    });
  });

  it('is inactive with an end once closed, inactive once erased, and names the person without an identifier when there is no NHS number', () => {
    const closed = flagResource(flagCase({ status: 'closed', closedAt: new Date('2026-12-01T23:30:00Z') }), trust);
    expect(closed.status).toBe('inactive');
    // 23:30 GMT on 1 December is still 1 December in London.
    expect(closed.period).toEqual({ start: '2026-11-20', end: '2026-12-01' });
    expect(flagResource(flagCase({ erasedAt: new Date() }), trust).status).toBe('inactive');
    expect(flagResource(flagCase({ markerPlacedAt: null }), trust).status).toBe('inactive');
    const noNumber = flagResource(flagCase({ nhsNumber: null, markerText: 'See safeguarding team' }), trust);
    expect(noNumber.subject).toEqual({ display: 'Zed Example' });
    expect(noNumber.code).toEqual({ text: 'See safeguarding team' });
    // A marker placed in summer: its date is the London day, not the UTC one.
    expect(flagResource(flagCase({ markerPlacedAt: new Date('2026-06-30T23:30:00Z') }), trust).period.start).toBe('2026-07-01');
  });

  it('keeps the neutral default neutral', () => {
    expect(neutralMarkerText).toBe('Safeguarding information held – contact the safeguarding team');
    expect(neutralMarkerText.toLowerCase()).not.toContain('prevent');
    expect(markerMentionsPrevent(neutralMarkerText)).toBe(false);
    for (const text of [
      'Known to PREVENT',
      'radicalisation risk',
      'Extremism',
      'counter-terrorism',
      'Channel panel',
      'radicalized',
    ]) {
      expect(markerMentionsPrevent(text), text).toBe(true);
    }
  });
});

describe('the patient record: marker, handover and export', () => {
  let t: TestApp;
  let staff: Visitor;
  let lead: Visitor;

  const raise = (fields: Record<string, string> = {}) => raiseConcern(staff, { narrative, ...fields });
  /** The lead's decision at triage to put the marker on the patient record. */
  const placeMarker = async (id: string) => {
    expect((await lead.post(`/concerns/${id}/marker/decision`, { place: 'yes' })).statusCode).toBe(303);
    return id;
  };
  /** A case of the test's own, raised today with the marker placed, with the reference the flag and the audit trail name it by. */
  const aCase = async () => {
    const id = await placeMarker(await raise());
    const [found] = rowsOf<{ reference: string }>(
      await t.database.db.execute(sql`select reference from concern_cases where id = ${id}`),
    );
    return { id, reference: found?.reference ?? '' };
  };
  /** The lead's decision that the marker mentions Prevent: one change, audited. */
  const markPrevent = async (id: string) => {
    const marked = await lead.post(`/concerns/${id}/marker`, {
      markerText: 'Prevent concern – contact safeguarding',
      confirmPrevent: 'yes',
    });
    expect(marked.statusCode).toBe(303);
  };
  /** The marker text as stored, unsealed: it is stored sealed (unseal refuses plain text). */
  const markerOf = async (id: string) =>
    unseal(
      rowsOf<{ marker_text: string | null }>(
        await t.database.db.execute(sql`select marker_text from concern_cases where id = ${id}`),
      )[0]?.marker_text,
    );
  const audits = async (id: string, action: string) =>
    rowsOf<{ details: Record<string, unknown> }>(
      await t.database.db.execute(
        sql`select details from audit_events where action = ${action} and record_id = ${id} order by seq`,
      ),
    ).map((r) => r.details);
  const events = async (id: string) =>
    rowsOf<{ kind: string; summary: string }>(
      await t.database.db.execute(sql`select kind, summary from case_events where case_id = ${id} order by occurred_at, id`),
    );
  const flagOf = async (visitor: Visitor, id: string) => {
    const response = await visitor.get(`/concerns/${id}/flag.json`);
    expect(response.statusCode).toBe(200);
    return JSON.parse(response.body);
  };

  beforeAll(async () => {
    t = await testApp();
    staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);
  });
  afterAll(() => t.close());

  it('shows the neutral default on the case page, with the handover and export links and the lead’s form', async () => {
    const { id: caseId } = await aCase();
    expect(await markerOf(caseId)).toBeNull();
    const page = await lead.get(`/concerns/${caseId}`);
    const text = textOf(page.body);
    expect(text).toContain(`Marker text ${neutralMarkerText}`);
    expect(text).toContain('Mentions Prevent No');
    expect(page.body).toContain(`href="/concerns/${caseId}/handover"`);
    expect(page.body).toContain(`href="/concerns/${caseId}/flag.json"`);
    expect(text).toContain('Download the record marker (FHIR Flag)');
    expect(page.body).toContain(`action="/concerns/${caseId}/marker"`);
    expect(text).toContain('I have decided the marker should mention Prevent');
  });

  it('exports the marker as a FHIR Flag: headers, every element, audited and in the chronology', async () => {
    const { id: caseId, reference } = await aCase();
    const response = await lead.get(`/concerns/${caseId}/flag.json`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="flag-${reference}.json"`);
    const flag = JSON.parse(response.body);
    expect(flag.resourceType).toBe('Flag');
    expect(flag.id).toBe(caseId);
    expect(flag.meta.profile).toEqual(['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Flag']);
    expect(flag.identifier).toEqual([{ system: 'https://prevent-assure.nhs.uk/Id/case-reference', value: reference }]);
    expect(flag.status).toBe('active');
    expect(flag.category[0].coding[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/flag-category',
      code: 'safety',
      display: 'Safety',
    });
    expect(flag.code).toEqual({ text: neutralMarkerText });
    expect(flag.subject).toEqual({
      identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' },
      display: 'Zed Example',
    });
    expect(flag.period).toEqual({ start: todayInLondon() });
    expect(flag.author).toEqual({
      identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RZ1' },
      display: trust.name,
    });
    // The narrative never leaves in the flag.
    expect(response.body).not.toContain('blorvex');
    expect((await audits(caseId, 'concern.viewed')).filter((d) => d.page === 'flag export')).toHaveLength(1);
    expect(await events(caseId)).not.toContainEqual(expect.objectContaining({ kind: 'marker-export' }));
  });

  it('refuses marker text that mentions Prevent unless the lead ticks the box, saying why', async () => {
    const { id: caseId, reference } = await aCase();
    const refused = await lead.post(`/concerns/${caseId}/marker`, { markerText: 'Prevent concern – contact safeguarding' });
    expect(refused.statusCode).toBe(400);
    const text = textOf(refused.body);
    expect(text).toContain('There is a problem');
    expect(text).toContain('can disclose the concern and stigmatise the person');
    expect(refused.body).toContain('href="#confirmPrevent"');
    expect(refused.body).toContain('value="Prevent concern – contact safeguarding"');
    expect(await markerOf(caseId)).toBeNull();
    expect(await audits(caseId, 'concern.marker_changed')).toHaveLength(0);

    const accepted = await lead.post(`/concerns/${caseId}/marker`, {
      markerText: 'Prevent concern – contact safeguarding',
      confirmPrevent: 'yes',
    });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe(`/concerns/${caseId}#patient-record`);
    expect(await markerOf(caseId)).toBe('Prevent concern – contact safeguarding');
    const audited = await audits(caseId, 'concern.marker_changed');
    expect(audited).toEqual([{ reference, mentionsPrevent: true }]);
    expect(JSON.stringify(audited)).not.toContain('contact safeguarding');
    expect(await events(caseId)).toContainEqual({
      kind: 'marker',
      summary: 'Record marker text changed (mentions Prevent, by the lead’s decision)',
    });
    expect(textOf((await lead.get(`/concerns/${caseId}`)).body)).toContain('Mentions Prevent Yes');
    expect((await flagOf(lead, caseId)).code).toEqual({ text: 'Prevent concern – contact safeguarding' });
  });

  it('changes nothing on bad input, each with a message naming the field', async () => {
    const caseId = await raise();
    await markPrevent(caseId);
    const before = await markerOf(caseId);
    const bad: [Record<string, string>, string, string][] = [
      [{ markerText: 'x'.repeat(201) }, 'The marker text must be 200 characters or fewer', 'markerText'],
      [{ markerText: '   ' }, 'Enter the marker text, or use the neutral default', 'markerText'],
      [{ markerText: 'Two\nlines' }, 'The marker text must be a single line', 'markerText'],
      [{ markerText: 'Known to the Channel panel' }, preventRefusal, 'confirmPrevent'],
      [{ markerText: 'Contact safeguarding', confirmPrevent: 'maybe' }, 'Tick the box or leave it empty', 'confirmPrevent'],
    ];
    for (const [fields, message, field] of bad) {
      const response = await lead.post(`/concerns/${caseId}/marker`, fields);
      expect(response.statusCode, message).toBe(400);
      expect(textOf(response.body)).toContain(message);
      expect(response.body).toContain(`href="#${field}"`);
    }
    expect(await markerOf(caseId)).toBe(before);
    expect(await audits(caseId, 'concern.marker_changed')).toHaveLength(1);
  });

  it('has no marker when the concern is raised: the lead decides at triage, audited and in the chronology', async () => {
    const caseId = await raise();
    const before = textOf((await lead.get(`/concerns/${caseId}`)).body);
    expect(before).toContain('Marker active No marker: a Prevent lead has not decided to put a marker on the patient record');
    expect(before).not.toContain('Download the record marker (FHIR Flag)');
    expect(textOf((await lead.get(`/concerns/${caseId}/handover`)).body)).toContain(
      'Marker No marker: a Prevent lead has not decided to put a marker on the patient record',
    );
    const noFlag = await lead.get(`/concerns/${caseId}/flag.json`);
    expect(noFlag.statusCode).toBe(400);
    expect(textOf(noFlag.body)).toContain('No marker: a Prevent lead has not decided to put a marker on the patient record');

    const unanswered = await lead.post(`/concerns/${caseId}/marker/decision`, {});
    expect(unanswered.statusCode).toBe(400);
    expect(textOf(unanswered.body)).toContain('Choose whether to put the marker on the patient record');

    await placeMarker(caseId);
    expect(textOf((await lead.get(`/concerns/${caseId}`)).body)).toContain('Marker active Yes, while the case is open');
    expect((await flagOf(lead, caseId)).status).toBe('active');
    expect(textOf((await lead.get(`/concerns/${caseId}/handover`)).body)).toContain('Marker active Yes');
    // Saying yes again changes nothing; no takes it off.
    await placeMarker(caseId);
    expect((await lead.post(`/concerns/${caseId}/marker/decision`, { place: 'no' })).statusCode).toBe(303);
    expect((await lead.get(`/concerns/${caseId}/flag.json`)).statusCode).toBe(400);
    expect((await audits(caseId, 'concern.marker_placed')).length).toBe(1);
    expect((await audits(caseId, 'concern.marker_removed')).length).toBe(1);
    const chronology = await events(caseId);
    expect(chronology).toContainEqual({ kind: 'marker', summary: 'Marker put on the patient record by a lead’s decision' });
    expect(chronology).toContainEqual({ kind: 'marker', summary: 'Marker taken off the patient record' });

    // Not about a patient: there is no record to put it on.
    const staffCase = await raise({ subjectType: 'staff', nhsNumber: '' });
    const refused = await lead.post(`/concerns/${staffCase}/marker/decision`, { place: 'yes' });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('there is no patient record to put a marker on');
  });

  it('sets plain text without the box, and goes back to the neutral default', async () => {
    const { id: caseId, reference } = await aCase();
    await markPrevent(caseId);
    expect(
      (await lead.post(`/concerns/${caseId}/marker`, { markerText: 'Speak to the safeguarding team first' })).statusCode,
    ).toBe(303);
    expect(await markerOf(caseId)).toBe('Speak to the safeguarding team first');
    const page = textOf((await lead.get(`/concerns/${caseId}`)).body);
    expect(page).toContain('Use the neutral default');

    expect((await lead.post(`/concerns/${caseId}/marker`, { useDefault: 'yes' })).statusCode).toBe(303);
    expect(await markerOf(caseId)).toBeNull();
    expect(await audits(caseId, 'concern.marker_changed')).toEqual([
      { reference, mentionsPrevent: true },
      { reference, mentionsPrevent: false },
      { reference, mentionsPrevent: false },
    ]);
    expect(await events(caseId)).toContainEqual({ kind: 'marker', summary: 'Record marker set to the neutral default' });
  });

  it('prints a handover summary without the narrative, with who to contact, and audits it', async () => {
    const caseId = await placeMarker(await raise());
    const response = await lead.get(`/concerns/${caseId}/handover`);
    expect(response.statusCode).toBe(200);
    const text = textOf(response.body);
    expect(text).toContain('Name Zed Example');
    expect(text).toContain('NHS number 999 000 0018');
    expect(text).toContain('Date of birth 2 January 1990');
    expect(text).toContain(`Marker text ${neutralMarkerText}`);
    expect(text).toContain('Marker active Yes');
    expect(text).toContain('Organisation Northshire Teaching Hospitals NHS Foundation Trust');
    expect(text).toContain('Operational Prevent lead Jordan Ellis');
    expect(text).toContain('prevent.lead@northshire-ft.example');
    expect(text).toContain('The account of the concern and the case’s chronology are not included');
    expect(response.body).toContain(`href="/concerns/${caseId}/decisions/new"`);
    expect(response.body).toContain('class="app-no-print"');
    expect(text).not.toContain('blorvex');
    expect(text).not.toContain('Ward 3');
    expect((await audits(caseId, 'concern.viewed')).filter((d) => d.page === 'handover')).toHaveLength(1);
  });

  it('shows the marker as inactive once the case is closed', async () => {
    const id = await placeMarker(await raise());
    expect(
      (await lead.post(`/concerns/${id}/moves`, { to: 'no_further_action', reason: 'No Prevent concern.' })).statusCode,
    ).toBe(303);
    expect((await flagOf(lead, id)).status).toBe('active');
    const closing = await lead.post(`/concerns/${id}/moves`, {
      to: 'closed',
      reason: 'Nothing more to do.',
      closureReason: 'no_concern_found',
    });
    expect(closing.statusCode).toBe(303);
    const flag = await flagOf(lead, id);
    expect(flag.status).toBe('inactive');
    expect(flag.period).toEqual({ start: todayInLondon(), end: todayInLondon() });
    const handover = textOf((await lead.get(`/concerns/${id}/handover`)).body);
    expect(handover).toContain('Marker active No, the case was closed on');
  });

  it('refuses the export for someone who is not a patient, with a clear message', async () => {
    const id = await raise({ subjectType: 'staff', nhsNumber: '' });
    const response = await lead.get(`/concerns/${id}/flag.json`);
    expect(response.statusCode).toBe(400);
    expect(textOf(response.body)).toContain('A record marker can be exported only for a patient');
    expect(response.headers['content-type']).toContain('text/html');
    expect(await events(id)).not.toContainEqual(expect.objectContaining({ kind: 'marker-export' }));
    const page = (await lead.get(`/concerns/${id}`)).body;
    expect(page).not.toContain(`/concerns/${id}/flag.json`);
  });

  it('lets only those who work the case see the summary and the export, and only a lead change the marker', async () => {
    const caseId = await placeMarker(await raise());
    const marker = { markerText: 'Contact the ward manager' };
    for (const who of [demo.staff, demo.boardViewer]) {
      const visitor = await signedIn(t.app, who);
      expect((await visitor.get(`/concerns/${caseId}/handover`)).statusCode, who).toBe(403);
      expect((await visitor.get(`/concerns/${caseId}/flag.json`)).statusCode, who).toBe(403);
      expect((await visitor.post(`/concerns/${caseId}/marker`, marker)).statusCode, who).toBe(403);
      expect((await visitor.post(`/concerns/${caseId}/marker/decision`, { place: 'no' })).statusCode, who).toBe(403);
    }
    const other = await signedIn(t.app, demo.otherTrustLead);
    expect((await other.get(`/concerns/${caseId}/handover`)).statusCode).toBe(404);
    expect((await other.get(`/concerns/${caseId}/flag.json`)).statusCode).toBe(404);
    expect((await other.post(`/concerns/${caseId}/marker`, marker)).statusCode).toBe(404);
    expect((await other.post(`/concerns/${caseId}/marker/decision`, { place: 'no' })).statusCode).toBe(404);

    const practitioner = await signedIn(t.app, demo.practitioner);
    const glass = await practitioner.get(`/concerns/${caseId}/handover`);
    expect(glass.statusCode).toBe(403);
    expect(textOf(glass.body)).toContain('You are not assigned to this case');
    expect((await practitioner.get(`/concerns/${caseId}/flag.json`)).statusCode).toBe(403);
    expect((await practitioner.post(`/concerns/${caseId}/marker`, marker)).statusCode).toBe(403);

    const practitionerId =
      rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from users where email = ${demo.practitioner}`))[0]?.id ??
      '';
    expect((await lead.post(`/concerns/${caseId}/assignments`, { userId: practitionerId })).statusCode).toBe(303);
    expect((await practitioner.get(`/concerns/${caseId}/handover`)).statusCode).toBe(200);
    expect((await practitioner.get(`/concerns/${caseId}/flag.json`)).statusCode).toBe(200);
    expect((await practitioner.post(`/concerns/${caseId}/marker`, marker)).statusCode).toBe(403);
    expect((await practitioner.post(`/concerns/${caseId}/marker/decision`, { place: 'no' })).statusCode).toBe(403);
    const page = await practitioner.get(`/concerns/${caseId}`);
    expect(page.body).not.toContain(`action="/concerns/${caseId}/marker"`);
    expect(await markerOf(caseId)).toBeNull();
  });

  it('says “the safeguarding team” when the operational lead post is vacant', async () => {
    const caseId = await raise();
    const ended = rowsOf<{ id: string }>(
      await t.database.db.execute(
        sql`update lead_appointments set ends_on = starts_on where post = 'operational' and ends_on is null and org_id = (select id from organisations where ods_code = 'RZ1') returning id`,
      ),
    );
    try {
      const text = textOf((await lead.get(`/concerns/${caseId}/handover`)).body);
      expect(text).toContain('Contact the safeguarding team at Northshire Teaching Hospitals NHS Foundation Trust');
      expect(text).not.toContain('Operational Prevent lead');
    } finally {
      // The trust's lead is back in post for the tests that name them, whatever order they run in.
      for (const { id } of ended) {
        await t.database.db.execute(sql`update lead_appointments set ends_on = null where id = ${id}`);
      }
    }
  });

  it('has no marker to change, hand over or export once the personal data is erased', async () => {
    const id = await raise();
    await t.database.db.execute(
      sql`update concern_cases set erased_at = now(), subject_name_sealed = null, subject_nhs_number_sealed = null where id = ${id}`,
    );
    const flag = await lead.get(`/concerns/${id}/flag.json`);
    expect(flag.statusCode).toBe(400);
    expect(textOf(flag.body)).toContain('there is no one to flag');
    const handover = await lead.get(`/concerns/${id}/handover`);
    expect(handover.statusCode).toBe(400);
    expect(textOf(handover.body)).toContain('there is no one to hand over');
    const change = await lead.post(`/concerns/${id}/marker`, { markerText: 'Contact the ward manager' });
    expect(change.statusCode).toBe(400);
    expect(textOf(change.body)).toContain('can no longer be changed');
    expect(await markerOf(id)).toBeNull();
    expect(textOf((await lead.get(`/concerns/${id}`)).body)).toContain('there is no marker to show or hand over');
  });
});
