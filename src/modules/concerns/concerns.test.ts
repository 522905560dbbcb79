import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concernForm as formFor, raisedCaseId } from '../../../test/concerns.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { runDueJobs, sendDueReminders } from '../../../test/modules.ts';
import { withScope } from '../../db/tenancy.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { unseal } from '../../platform/encryption.ts';
import * as organisations from '../organisations/service.ts';
import { collapseViews } from './chronology.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** A concern as a nurse would type it; the words are checked for later in the database. */
const concernForm = formFor({
  subjectName: 'Quillon Varga',
  narrative: 'Patient showed staff zorblat propaganda videos and talked of travelling to fight.',
  location: 'Ward 7, Northshire General',
});

describe('concerns and the case', () => {
  let t: TestApp;
  let staff: Visitor;
  let lead: Visitor;
  let caseId = '';
  /** The reference of the case these tests raise (the demo has cases of its own). */
  let reference = '';

  const count = async (table: string) =>
    rowsOf<{ n: number }>(await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]?.n ?? 0;
  const auditActions = async (action: string, id = caseId) =>
    rowsOf<{ details: Record<string, unknown>; actor_label: string }>(
      await t.database.db.execute(
        sql`select details, actor_label from audit_events where action = ${action} and record_id = ${id} order by seq`,
      ),
    );
  /**
   * A case raised by the member of staff. Tests that change a case raise their own, about someone else,
   * so that the shared case stays new and unassigned whatever order the tests run in.
   */
  const raiseCase = async (changes: Record<string, string> = {}) => {
    const raised = await staff.post('/concerns', { ...concernForm, ...changes });
    expect(raised.statusCode).toBe(303);
    const id = raisedCaseId(raised.headers.location);
    const [row] = rowsOf<{ reference: string }>(
      await t.database.db.execute(sql`select reference from concern_cases where id = ${id}`),
    );
    return { id, reference: row?.reference ?? '' };
  };
  const practitionerId = async () =>
    String(
      rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from users where email = ${demo.practitioner}`))[0]?.id,
    );

  beforeAll(async () => {
    t = await testApp();
    staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);
    ({ id: caseId, reference } = await raiseCase());
  });
  afterAll(() => t.close());

  it('puts “raise a concern” on every page and says to call 999 before anything else', async () => {
    for (const visitor of [staff, lead]) {
      expect((await visitor.get('/')).body).toContain('href="/concerns/new"');
    }
    const form = textOf((await staff.get('/concerns/new')).body);
    expect(form.indexOf('call 999')).toBeGreaterThan(-1);
    expect(form.indexOf('call 999')).toBeLessThan(form.indexOf('Who is the concern about?'));
  });

  it('gives the person who raised it a reference, and nothing of the case after that', async () => {
    const receipt = textOf((await staff.get(`/concerns/${caseId}/received`)).body);
    expect(reference).toMatch(/^PC-\d{4}-\d{4}$/);
    expect(receipt).toContain(`Your reference is ${reference}`);
    expect(receipt).not.toContain('Quillon');
    expect((await staff.get(`/concerns/${caseId}`)).statusCode).toBe(403);
    expect((await staff.get(`/concerns/${caseId}/chronology`)).statusCode).toBe(403);
    expect((await staff.get('/concerns')).statusCode).toBe(403);
    // Another member of staff cannot even see the receipt.
    const trainer = await signedIn(t.app, demo.trainingAdmin);
    expect((await trainer.get(`/concerns/${caseId}/received`)).statusCode).toBe(404);
  });

  it('tells the Prevent leads at once, in the app and by e-mail, without saying who it is about', async () => {
    await runDueJobs(t.database);
    const inbox = textOf((await lead.get('/notifications')).body);
    expect(inbox).toContain(`New Prevent concern ${reference}`);
    expect(inbox).not.toContain('Quillon');
    const mails = rowsOf<{ payload: unknown }>(
      await t.database.db.execute(sql`select payload from jobs where kind = 'notifications.mail'`),
    );
    expect(mails.length).toBeGreaterThan(0);
    const notes = rowsOf<{ title: string; body: string }>(
      await t.database.db.execute(sql`select title, body from notifications where kind = 'concern-raised'`),
    );
    expect(notes.filter((n) => n.title.includes(reference)).length).toBe(2); // the operational and the accountable lead
    for (const n of notes) expect(`${n.title} ${n.body}`).not.toMatch(/Quillon|Varga|zorblat|9990000018/);
  });

  it('shows the lead the case, and audits every view', async () => {
    const before = (await auditActions('concern.viewed')).length;
    const page = textOf((await lead.get(`/concerns/${caseId}`)).body);
    expect(page).toContain('Quillon Varga');
    expect(page).toContain('999 000 0018');
    expect(page).toContain('zorblat propaganda');
    expect(page).toContain('Ward 7, Northshire General');
    const views = await auditActions('concern.viewed');
    expect(views.length).toBe(before + 1);
    expect(views.at(-1)?.details).toMatchObject({ page: 'case', access: 'lead' });
    expect(views.at(-1)?.actor_label).toContain('prevent.lead@northshire-ft.example');
    // The case shows who has viewed it.
    expect(textOf((await lead.get(`/concerns/${caseId}`)).body)).toMatch(/Who has opened this case.*Jordan Ellis/);
  });

  it('summarises views in the chronology: a reload within minutes is one view there, and every read stays in the audit trail', async () => {
    const { id } = await raiseCase();
    for (let i = 0; i < 3; i++) expect((await lead.get(`/concerns/${id}`)).statusCode).toBe(200);
    const text = textOf((await lead.get(`/concerns/${id}/chronology`)).body);
    // Three loads of the case page and one of the chronology, by one person.
    expect(text).toContain('Viewed 2 times by 1 person');
    expect(text).toContain('Concern raised');
    expect((await auditActions('concern.viewed', id)).length).toBe(4);
  });

  it('counts one person’s reloads of one page within 5 minutes once, and any other view apart', () => {
    const at = (time: string) => new Date(`2026-12-03T${time}:00Z`);
    const views = [
      { at: at('10:03'), who: 'Ann', page: 'case' },
      { at: at('10:00'), who: 'Ann', page: 'case' },
      { at: at('10:09'), who: 'Ann', page: 'case' },
      { at: at('10:04'), who: 'Ann', page: 'chronology' },
      { at: at('10:01'), who: 'Ben', page: 'case' },
    ];
    expect(collapseViews(views).map((v) => `${v.at.toISOString().slice(11, 16)} ${v.who} ${v.page}`)).toEqual([
      '10:00 Ann case',
      '10:01 Ben case',
      '10:04 Ann chronology',
      '10:09 Ann case',
    ]);
  });

  it('finds the case by NHS number in any spacing, and filters by status', async () => {
    expect(textOf((await lead.get('/concerns?nhsNumber=9990000018')).body)).toContain('Quillon Varga');
    expect(textOf((await lead.get('/concerns?nhsNumber=999-000-0018&status=new')).body)).toContain('Quillon Varga');
    expect(textOf((await lead.get('/concerns?status=closed')).body)).not.toContain('Quillon Varga');
    const bad = await lead.get('/concerns?nhsNumber=1234567890');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Enter a valid 10-digit NHS number');
  });

  it('answers 404 to another provider’s lead, and 403 to roles that never see cases', async () => {
    const other = await signedIn(t.app, demo.otherTrustLead);
    for (const url of [`/concerns/${caseId}`, `/concerns/${caseId}/chronology`]) {
      expect((await other.get(url)).statusCode).toBe(404);
    }
    expect((await other.post(`/concerns/${caseId}/notes`, { note: 'x' })).statusCode).toBe(404);
    expect(textOf((await other.get('/concerns')).body)).not.toContain('Quillon');
    for (const email of [demo.commissioner, demo.boardViewer, demo.systemAdmin, demo.regionalLead]) {
      const visitor = await signedIn(t.app, email);
      expect((await visitor.get(`/concerns/${caseId}`)).statusCode, email).toBe(403);
    }
  });

  it('opens the case to a practitioner only when assigned, or by break-glass with a reason shown to the leads', async () => {
    const practitioner = await signedIn(t.app, demo.practitioner);
    const { id: caseId, reference } = await raiseCase({ subjectName: 'Quillon Glass', nhsNumber: '' });
    const refused = await practitioner.get(`/concerns/${caseId}`);
    expect(refused.statusCode).toBe(403);
    expect(textOf(refused.body)).toContain('You are not assigned to this case');
    expect(textOf(refused.body)).not.toContain('Quillon');
    expect(textOf((await practitioner.get('/concerns')).body)).not.toContain('Quillon');

    const short = await practitioner.post(`/concerns/${caseId}/break-glass`, { reason: 'need it' });
    expect(short.statusCode).toBe(400);
    expect(textOf(short.body)).toContain('at least 20 characters');
    expect(await count('break_glass_accesses')).toBe(0); // no other test breaks the glass

    const reason = 'Patient arrived on my ward tonight; I need the safety plan';
    expect((await practitioner.post(`/concerns/${caseId}/break-glass`, { reason })).statusCode).toBe(303);
    const opened = await practitioner.get(`/concerns/${caseId}`);
    expect(opened.statusCode).toBe(200);
    expect(textOf(opened.body)).toContain('You opened this case by break-glass');
    const glass = await auditActions('concern.break_glass', caseId);
    expect(unseal(String(glass[0]?.details.reasonSealed))).toBe(reason);
    expect(JSON.stringify(glass)).not.toContain('safety plan');
    expect((await auditActions('concern.viewed', caseId)).at(-1)?.details).toMatchObject({ access: 'break-glass' });
    expect(textOf((await lead.get(`/concerns/${caseId}`)).body)).toContain(reason);
    // Break-glass is for reading: working the case needs an assignment.
    const note = await practitioner.post(`/concerns/${caseId}/notes`, { note: 'Seen on the ward' });
    expect(note.statusCode).toBe(400);
    expect(textOf(note.body)).toContain('To change it, ask a Prevent lead to assign you');
    await runDueJobs(t.database);
    expect(textOf((await lead.get('/notifications')).body)).toContain(`Break-glass access to ${reference}`);
  });

  it('lets a lead assign a practitioner, who then sees the case in their list', async () => {
    const { id: caseId } = await raiseCase({ subjectName: 'Assigned Person', nhsNumber: '' });
    const userId = await practitionerId();
    const practitioner = await signedIn(t.app, demo.practitioner);
    expect(textOf((await practitioner.get('/concerns')).body)).not.toContain('Assigned Person');
    expect((await practitioner.post(`/concerns/${caseId}/assignments`, { userId })).statusCode).toBe(403);
    expect((await lead.post(`/concerns/${caseId}/assignments`, { userId })).statusCode).toBe(303);
    const again = await lead.post(`/concerns/${caseId}/assignments`, { userId });
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('Priya Natarajan is already assigned');
    expect(textOf((await practitioner.get('/concerns')).body)).toContain('Assigned Person');
  });

  it('moves the case only along the status machine, each move with who, when and why', async () => {
    const practitioner = await signedIn(t.app, demo.practitioner);
    const { id: caseId } = await raiseCase({ subjectName: 'Moved Person', nhsNumber: '' });
    expect((await lead.post(`/concerns/${caseId}/assignments`, { userId: await practitionerId() })).statusCode).toBe(303);
    const status = async () =>
      rowsOf<{ status: string }>(await t.database.db.execute(sql`select status from concern_cases where id = ${caseId}`))[0]
        ?.status;

    const skip = await lead.post(`/concerns/${caseId}/moves`, { to: 'decision', reason: 'Skipping ahead' });
    expect(skip.statusCode).toBe(400);
    expect(textOf(skip.body)).toContain('A case in New cannot move to Decision');
    const noReason = await lead.post(`/concerns/${caseId}/moves`, { to: 'triage', reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(textOf(noReason.body)).toContain('Enter why');
    const referDirectly = await lead.post(`/concerns/${caseId}/moves`, { to: 'referred', reason: 'x' });
    expect(referDirectly.statusCode).toBe(400);
    expect(await status()).toBe('new');

    expect((await practitioner.post(`/concerns/${caseId}/moves`, { to: 'triage', reason: 'Triage today' })).statusCode).toBe(303);
    // An outcome the leads answer for is theirs alone.
    const nfa = await practitioner.post(`/concerns/${caseId}/moves`, { to: 'no_further_action', reason: 'Nothing in it' });
    expect(nfa.statusCode).toBe(400);
    expect(textOf(nfa.body)).toContain('Only a Prevent lead can move a case to No further action');
    expect(await status()).toBe('triage');

    expect(
      (await lead.post(`/concerns/${caseId}/moves`, { to: 'no_further_action', reason: 'Not a Prevent matter' })).statusCode,
    ).toBe(303);
    const noClosureReason = await lead.post(`/concerns/${caseId}/moves`, { to: 'closed', reason: 'Done' });
    expect(noClosureReason.statusCode).toBe(400);
    expect(textOf(noClosureReason.body)).toContain('Choose why the case is closed');
    expect(
      (await lead.post(`/concerns/${caseId}/moves`, { to: 'closed', reason: 'Done', closureReason: 'no_concern_found' }))
        .statusCode,
    ).toBe(303);
    const closed = rowsOf<{ status: string; retention_review_on: string }>(
      await t.database.db.execute(sql`select status, retention_review_on::text from concern_cases where id = ${caseId}`),
    )[0];
    expect(closed?.status).toBe('closed');
    // Not referred: the default rule keeps it three years after closing.
    expect(closed?.retention_review_on).toBe(addDays(todayInLondon(), Math.round(3 * 365.25)));

    const chronology = textOf((await lead.get(`/concerns/${caseId}/chronology`)).body);
    expect(chronology).toContain('New → Triage Triage today');
    expect(chronology).toContain('Priya Natarajan');
    expect(chronology).toContain('No further action → Closed (No Prevent concern after triage) Done');
    expect(chronology).toMatch(/Viewed \d+ times? by \d+ (person|people)/);
    expect((await auditActions('concern.moved', caseId)).map((a) => a.details.to)).toEqual([
      'triage',
      'no_further_action',
      'closed',
    ]);
  });

  it('refuses bad concerns with a message for each field, storing nothing', async () => {
    const before = await count('concern_cases');
    const cases: [Record<string, string>, string][] = [
      [{ nhsNumber: '1234567890' }, 'Enter a valid 10-digit NHS number'],
      [{ observedOn: addDays(todayInLondon(), 2) }, 'When it happened must be in the past'],
      [{ dateOfBirth: addDays(todayInLondon(), 1) }, 'The date of birth must be in the past'],
      [{ dateOfBirth: '1990-02-30' }, 'Enter a real date of birth'],
      [{ narrative: '' }, 'Enter what you saw or heard'],
      [{ subjectType: 'alien' }, 'Choose who the concern is about'],
      [{ observedTime: '25:00' }, 'Enter the time it happened'],
      [{ immediateRisk: '' }, 'Say whether anyone is at immediate risk'],
      [{ dateOfBirth: '', isChild: '' }, 'Say whether the person is a child'],
    ];
    for (const [change, message] of cases) {
      const response = await staff.post('/concerns', { ...concernForm, ...change });
      expect(response.statusCode, message).toBe(400);
      expect(textOf(response.body), message).toContain(message);
      // What was typed is kept, so that the nurse does not type it again.
      if (!('narrative' in change)) expect(response.body).toContain('zorblat propaganda');
    }
    expect(await count('concern_cases')).toBe(before);
  });

  it('keeps no plain name, NHS number, date of birth or narrative in the case tables', async () => {
    await lead.post(`/concerns/${caseId}/notes`, { note: 'Spoke to Quillon Varga’s GP about zorblat' });
    const dump = JSON.stringify(
      await Promise.all(
        ['concern_cases', 'case_events', 'case_assignments', 'break_glass_accesses', 'audit_events'].map(async (table) =>
          rowsOf<unknown>(await t.database.db.execute(sql.raw(`select * from ${table}`))),
        ),
      ),
    );
    expect(dump).toContain('v1.'); // sealed values are there
    for (const secret of ['Quillon', 'Varga', '9990000018', '999 000 0018', '1990-01-02', 'zorblat', 'Ward 7', 'safety plan']) {
      expect(dump, secret).not.toContain(secret);
    }
  });

  it('opens case tables only inside the case service, even within the organisation', async () => {
    const rz1 = await organisations.findByOdsCode(t.database.db, 'RZ1');
    const seen = await withScope(t.database.db, { userId: null, orgIds: [String(rz1?.id)] }, async (tx) =>
      rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from concern_cases`)),
    );
    expect(seen[0]?.n).toBe(0);
    expect(await count('concern_cases')).toBeGreaterThan(0);
  });

  it('reminds the leads when a case’s review date comes', async () => {
    const raised = await staff.post('/concerns', { ...concernForm, subjectName: 'Second Person', nhsNumber: '' });
    const id = /\/concerns\/([0-9a-f-]{36})/.exec(String(raised.headers.location))?.[1];
    const second = rowsOf<{ reference: string }>(
      await t.database.db.execute(sql`select reference from concern_cases where id = ${id}`),
    )[0]?.reference;
    const reviewOn = addDays(todayInLondon(), 14);
    expect((await lead.post(`/concerns/${id}/review-date`, { reviewOn })).statusCode).toBe(303);
    const past = await lead.post(`/concerns/${id}/review-date`, { reviewOn: addDays(todayInLondon(), -1) });
    expect(past.statusCode).toBe(400);
    await sendDueReminders(t.database, reviewOn);
    await runDueJobs(t.database);
    const inbox = textOf((await lead.get('/notifications')).body);
    expect(inbox).toContain(`Case ${second}: review due`);
    expect(inbox).not.toContain('Second Person');
  });
});
