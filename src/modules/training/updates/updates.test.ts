import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newOrganisation, newUser, signedInAs } from '../../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../../test/harness.ts';
import { withScope } from '../../../db/tenancy.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { forecastFor } from '../plan/service.ts';
import * as training from '../service.ts';
import * as annual from './service.ts';

/*
 * A hand-made trust, RU7. As at 2026-06-30:
 *
 *   who  staff group                        department  needs  left        updates
 *   A    Nursing and Midwifery Registered   Ward 1      L3                 Ward 1 briefing 2026-02-01
 *   B    Administrative and Clerical        Ward 1      basic              Ward 1 briefing 2026-02-01
 *   C    Administrative and Clerical        Office      basic              newsletter 2025-01-15 (over 12 months)
 *   D    Administrative and Clerical        Ward 1      basic  2026-03-01  Ward 1 briefing (left since: out of scope)
 *   E    Administrative and Clerical        Office      basic              none; basic record 2024-01-01 (to 2027-01-01)
 *
 * In scope 4 (A, B, C, E); had an update in the 12 months: A and B. Level 3: 1 of 1; basic: 1 of 3; overall 2 of 4.
 */
const asAt = '2026-06-30';
const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
const people = {
  A: { staffGroup: 'Nursing and Midwifery Registered', department: 'Ward 1' },
  B: { staffGroup: 'Administrative and Clerical', department: 'Ward 1' },
  C: { staffGroup: 'Administrative and Clerical', department: 'Office' },
  D: { staffGroup: 'Administrative and Clerical', department: 'Ward 1', leftOn: '2026-03-01' },
  E: { staffGroup: 'Administrative and Clerical', department: 'Office' },
} as const;
const number = (letter: string) => `8100${letter.charCodeAt(0)}`;

const updateForm = (overrides: Record<string, string> = {}) => ({
  kind: 'briefing',
  title: 'Prevent briefing: Channel and support pathways',
  heldOn: '2026-02-01',
  deliveredBy: 'Prevent lead',
  audience: 'department',
  department: 'Ward 1',
  ...overrides,
});

describe('annual updates', () => {
  let t: TestApp;
  let orgId: string;
  let admin: Visitor;
  let ctx: RequestContext;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await testApp();
    await newOrganisation(t.database, { odsCode: 'QU7', name: 'Updates Test Integrated Care Board', kind: 'icb' });
    const trust = await newOrganisation(t.database, {
      odsCode: 'RU7',
      name: 'Updates Test NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QU7',
    });
    orgId = trust.id;
    const person = await newUser(t.database, {
      email: 'training@updates-test.example',
      displayName: 'Updates Admin',
      roles: [{ orgId, role: 'training_admin' }],
    });
    admin = await signedInAs(t.app, t.database, person);
    ctx = await contextOf(t.database, person);
    for (const [letter, p] of Object.entries(people)) {
      const created = await training.addStaff(t.database.db, ctx, {
        employeeNumber: number(letter),
        assignmentNumber: `${number(letter)}-1`,
        firstName: `Person${letter}`,
        lastName: 'Updateson',
        staffGroup: p.staffGroup,
        department: p.department,
        startedOn: '2020-01-01',
        leftOn: 'leftOn' in p ? p.leftOn : '',
      });
      ids[letter] = created.id;
    }
    await training.addRecord(t.database.db, ctx, ids.E ?? '', {
      course: 'Prevent basic',
      level: 'basic',
      completedOn: '2024-01-01',
    });
  });
  afterAll(() => t.close());

  const updateCount = async () =>
    rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from training_updates where org_id = ${orgId}`),
    )[0]?.n;

  it('records an update for a department: everyone in it in scope on the day', async () => {
    expect((await admin.get('/training/updates/new')).statusCode).toBe(200);
    expect((await admin.post('/training/updates', updateForm())).statusCode).toBe(303);
    const list = textOf((await admin.get('/training/updates')).body);
    expect(list).toContain('Prevent briefing: Channel and support pathways');
    expect(list).toContain('Department: Ward 1');
    const [update] = await annual.updates(t.database.db, ctx);
    expect(update?.recipients).toBe(3);
    const detail = textOf((await admin.get(`/training/updates/${update?.id}`)).body);
    for (const name of ['PersonA Updateson', 'PersonB Updateson', 'PersonD Updateson']) expect(detail).toContain(name);
    expect(detail).not.toContain('PersonC');
  });

  it('records an update for people chosen by number', async () => {
    const sent = await admin.post(
      '/training/updates',
      updateForm({
        kind: 'newsletter',
        title: 'RU7 newsletter',
        heldOn: '2025-01-15',
        audience: 'people',
        people: number('C'),
      }),
    );
    expect(sent.statusCode).toBe(303);
    const newsletter = (await annual.updates(t.database.db, ctx)).find((u) => u.title === 'RU7 newsletter');
    expect(newsletter).toMatchObject({ recipients: 1, groupKind: null });
  });

  it('names every wrong field and keeps nothing', async () => {
    const before = await updateCount();
    const empty = await admin.post('/training/updates', {});
    expect(empty.statusCode).toBe(400);
    const text = textOf(empty.body);
    for (const message of [
      'Choose the kind of update: briefing, newsletter or session',
      'Enter the title of the update',
      'Enter the date of the update',
      'Enter who delivered or sent the update',
      'Choose who had the update',
    ])
      expect(text).toContain(message);
    const unknown = await admin.post('/training/updates', updateForm({ audience: 'people', people: `${number('A')}, 99999999` }));
    expect(textOf(unknown.body)).toContain('No member of staff has the number 99999999: check the list');
    const noDepartment = await admin.post('/training/updates', updateForm({ department: '' }));
    expect(textOf(noDepartment.body)).toContain('Choose the department that had the update');
    const nobody = await admin.post(
      '/training/updates',
      updateForm({ audience: 'staffGroup', staffGroup: 'Medical and Dental' }),
    );
    expect(textOf(nobody.body)).toContain(
      'Nobody in the staff group “Medical and Dental” was in scope on the date of the update',
    );
    const future = await admin.post('/training/updates', updateForm({ heldOn: '2099-01-01' }));
    expect(textOf(future.body)).toContain('The date of the update cannot be in the future');
    expect(await updateCount()).toBe(before);
  });

  it('never changes a record’s expiry or the compliance figures', async () => {
    const expiries = async () =>
      rowsOf(
        await t.database.db.execute(
          sql`select r.expires_on::text as "expiresOn", s.best_expiry_any::text as best from training_records r join staff s on s.id = r.staff_id where s.org_id = ${orgId}`,
        ),
      );
    const before = await expiries();
    const figuresBefore = await training.complianceFigures(t.database.db, ctx, '2026-06-01');
    await annual.recordUpdate(t.database.db, ctx, updateForm({ audience: 'people', people: number('E'), heldOn: '2026-05-01' }));
    expect(await expiries()).toEqual(before);
    expect(before).toEqual([{ expiresOn: '2027-01-01', best: '2027-01-01' }]);
    const figuresAfter = await training.complianceFigures(t.database.db, ctx, '2026-06-01');
    expect(figuresAfter.total).toEqual(figuresBefore.total);
    expect(figuresAfter.byLevel).toEqual(figuresBefore.byLevel);
    // The update to E is left out of the counts below: it is removed again.
    const e = (await annual.updates(t.database.db, ctx)).find((u) => u.heldOn === '2026-05-01');
    expect((await admin.post(`/training/updates/${e?.id}/remove`, {})).statusCode).toBe(303);
    expect(await expiries()).toEqual(before);
  });

  it('counts the staff in scope who had an update in the 12 months, by level and overall', async () => {
    const figures = await withScope(t.database.db, ctx.scope, (tx) => annual.annualUpdateFiguresIn(tx, orgId, asAt));
    expect(figures.since).toBe('2025-06-30');
    expect(figures.total).toEqual({ inScope: 4, updated: 2, percent: 50 });
    expect(figures.byLevel).toEqual([
      { level: 'basic', inScope: 3, updated: 1, percent: 33.3 },
      { level: 'level3', inScope: 1, updated: 1, percent: 100 },
    ]);
    // The newsletter of 2025-01-15 counts as at 2025-06-30: C then, and A, B, D not yet.
    const earlier = await withScope(t.database.db, ctx.scope, (tx) => annual.annualUpdateFiguresIn(tx, orgId, '2025-06-30'));
    expect(earlier.total).toEqual({ inScope: 5, updated: 1, percent: 20 });
    const page = textOf((await admin.get(`/training?asAt=${asAt}`)).body);
    expect(page).toContain('Annual updates in the last 12 months');
    expect(page).toMatch(/All staff in scope\s+(Staff in scope\s+)?4\s+(Had an annual update\s+)?2\s+(Percentage\s+)?50%/);
  });

  it('gives 404 for another organisation’s update, and 403 to those who may not record them', async () => {
    const [update] = await annual.updates(t.database.db, ctx);
    const other = await signedIn(t.app, demo.trainingAdmin);
    expect((await other.get(`/training/updates/${update?.id}`)).statusCode).toBe(404);
    expect((await other.post(`/training/updates/${update?.id}/remove`, {})).statusCode).toBe(404);
    expect(textOf((await other.get('/training/updates')).body)).not.toContain('RU7 newsletter');
    const count = await updateCount();
    const staff = await signedIn(t.app, demo.staff);
    expect((await staff.get('/training/updates')).statusCode).toBe(403);
    expect((await staff.get('/training/updates/new')).statusCode).toBe(403);
    expect((await staff.post('/training/updates', updateForm())).statusCode).toBe(403);
    const board = await signedIn(t.app, demo.boardViewer);
    expect((await board.get('/training/updates')).statusCode).toBe(200);
    expect((await board.get('/training/updates/new')).statusCode).toBe(403);
    expect(await updateCount()).toBe(count);
  });
});

describe('e-learning places in the delivery plan', () => {
  let t: TestApp;
  let admin: Visitor;
  let ctx: RequestContext;

  beforeAll(async () => {
    t = await testApp();
    await newOrganisation(t.database, { odsCode: 'QE7', name: 'E-learning Test Integrated Care Board', kind: 'icb' });
    const trust = await newOrganisation(t.database, {
      odsCode: 'RE7',
      name: 'E-learning Test NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QE7',
    });
    const person = await newUser(t.database, {
      email: 'training@elearning-test.example',
      displayName: 'E-learning Admin',
      roles: [{ orgId: trust.id, role: 'training_admin' }],
    });
    admin = await signedInAs(t.app, t.database, person);
    ctx = await contextOf(t.database, person);
    // Three basic awareness staff, none trained.
    for (const n of [1, 2, 3])
      await training.addStaff(t.database.db, ctx, {
        employeeNumber: `820000${n}`,
        assignmentNumber: `820000${n}-1`,
        firstName: `Learner${n}`,
        lastName: 'Online',
        staffGroup: 'Administrative and Clerical',
        startedOn: '2020-01-01',
      });
  });
  afterAll(() => t.close());

  it('counts e-learning places a month with the seats, up to the staff not up to date', async () => {
    const query = { asAt: '2026-06-15', target: '2026-08-31' };
    const before = await forecastFor(t.database.db, ctx, query);
    expect(before.levels[0]?.need.withSessions).toBe(0);

    expect((await admin.get('/training/plan/elearning')).statusCode).toBe(200);
    const wrong = await admin.post('/training/plan/elearning', { basic: 'lots', level3: '-1' });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain(
      'Enter the basic Prevent awareness e-learning places a month as a whole number from 0 to 1,000',
    );
    expect(textOf(wrong.body)).toContain('Enter the level 3 e-learning places a month as a whole number from 0 to 1,000');
    expect((await forecastFor(t.database.db, ctx, query)).levels[0]?.need.elearningPerMonth).toBe(0);

    expect((await admin.post('/training/plan/elearning', { basic: '1', level3: '0' })).statusCode).toBe(303);
    const after = await forecastFor(t.database.db, ctx, query);
    const basic = after.levels.find((l) => l.level === 'basic');
    // June, July and August end after 15 June: 3 places, one for each of the 3 staff.
    expect(basic?.need).toMatchObject({ elearningPerMonth: 1, elearning: 3, withSessions: 3, seatsEnough: true });
    expect(basic?.points.map((p) => [p.date, p.elearning, p.withSessions]).slice(0, 3)).toEqual([
      ['2026-06-15', 0, 0],
      ['2026-06-30', 1, 1],
      ['2026-07-31', 2, 2],
    ]);
    expect(textOf((await admin.get('/training/plan?as-at=2026-06-15&target=2026-08-31')).body)).toContain('1 (3 in all)');

    const staff = await signedIn(t.app, demo.staff);
    expect((await staff.get('/training/plan/elearning')).statusCode).toBe(403);
    expect((await staff.post('/training/plan/elearning', { basic: '9', level3: '9' })).statusCode).toBe(403);
  });
});
