import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganisation, newUser, signedInAs } from '../../../../test/factories.ts';
import { demo, demoPassword, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../../test/harness.ts';
import { contextFor, type RequestContext } from '../../../platform/context.ts';
import { todayInLondon } from '../../../platform/dates.ts';
import { InputError } from '../../../platform/errors.ts';
import { permissionsOf } from '../../../platform/permissions.ts';
import type { Actor } from '../../audit/service.ts';
import * as organisations from '../../organisations/service.ts';
import * as users from '../../users/service.ts';
import * as training from '../service.ts';
import { escapeXml, forecastChart } from './chart.ts';
import {
  addSession,
  addTrainer,
  cancelSession,
  completionsNeeded,
  elearningBetween,
  type Forecast,
  forecastDates,
  forecastFor,
  monthEndsAfter,
  monthEndsBetween,
  monthsBetween,
  removeTrainer,
  seatsBetween,
  targetCount,
  trainerCapacity,
  updateSession,
  withPlannedSessions,
} from './service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
/** The year the small organisation's forecast starts in: next year, so that every planned session is still to come whenever the tests run. */
const Y = Number(todayInLondon().slice(0, 4)) + 1;
/** A page's text as a person reads it: without the headings a responsive table repeats in each cell for small screens. */
const readable = (html: string) => textOf(html.replace(/<span class="nhsuk-table__heading"[^>]*>[\s\S]*?<\/span>/g, ''));
const loader: Actor = { userId: null, label: 'plan test fixtures', ip: null };

describe('the forecast arithmetic, on numbers worked out by hand', () => {
  it('takes the next 12 month-ends after the as-at date', () => {
    expect(monthEndsAfter('2027-01-15')).toEqual([
      '2027-01-31',
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
      '2027-05-31',
      '2027-06-30',
      '2027-07-31',
      '2027-08-31',
      '2027-09-30',
      '2027-10-31',
      '2027-11-30',
      '2027-12-31',
    ]);
    // An as-at date on a month-end does not count its own month again; February of a leap year has 29 days.
    const fromMonthEnd = monthEndsAfter('2027-11-30');
    expect(fromMonthEnd[0]).toBe('2027-12-31');
    expect(fromMonthEnd[2]).toBe('2028-02-29');
    expect(fromMonthEnd[11]).toBe('2028-11-30');
    expect(fromMonthEnd).toHaveLength(12);
  });

  it('counts whole months to the target, at least one', () => {
    expect(monthsBetween('2027-01-15', '2028-01-15')).toBe(12);
    expect(monthsBetween('2027-01-15', '2027-03-31')).toBe(2);
    expect(monthsBetween('2027-01-15', '2027-07-14')).toBe(5);
    expect(monthsBetween('2027-01-31', '2027-02-28')).toBe(1);
    expect(monthsBetween('2027-01-15', '2027-01-20')).toBe(1);
  });

  it('counts seats held after the as-at date and on or before the month-end', () => {
    const sessions = [
      { heldOn: '2027-01-15', level: 'basic' as const, seats: 50 },
      { heldOn: '2027-01-16', level: 'basic' as const, seats: 3 },
      { heldOn: '2027-01-31', level: 'level3' as const, seats: 4 },
      { heldOn: '2027-02-01', level: 'level3' as const, seats: 9 },
    ];
    expect(seatsBetween(sessions, '2027-01-15', '2027-01-31')).toEqual({ basic: 3, level3: 4 });
    expect(seatsBetween(sessions, '2027-01-15', '2027-02-28')).toEqual({ basic: 3, level3: 13 });
  });

  it('counts e-learning places a month at each month-end after the as-at date', () => {
    expect(monthEndsBetween('2027-01-15', '2027-01-15')).toBe(0);
    expect(monthEndsBetween('2027-01-15', '2027-01-30')).toBe(0);
    expect(monthEndsBetween('2027-01-15', '2027-01-31')).toBe(1);
    expect(monthEndsBetween('2027-01-31', '2027-02-28')).toBe(1); // January's end is the as-at date: counted already
    expect(monthEndsBetween('2027-01-15', '2028-01-15')).toBe(12);
    expect(elearningBetween({ basic: 5, level3: 1 }, '2027-01-15', '2027-03-31')).toEqual({ basic: 15, level3: 3 });
    expect(elearningBetween({ basic: 0, level3: 0 }, '2027-01-15', '2027-12-31')).toEqual({ basic: 0, level3: 0 });
  });

  it('fills seats up to the staff not compliant, and lets spare level 3 seats fill basic needs', () => {
    const counts = { level3: { inScope: 10, compliant: 6 }, basic: { inScope: 20, compliant: 15 } };
    // 4 level 3 needs take 4 of the 7 level 3 seats; the other 3 and the 2 basic seats meet all 5 basic needs.
    expect(withPlannedSessions(counts, { level3: 7, basic: 2 })).toEqual({
      level3: { inScope: 10, compliant: 10, filled: 4 },
      basic: { inScope: 20, compliant: 20, filled: 5 },
    });
    // Basic seats never fill a level 3 need.
    expect(withPlannedSessions(counts, { level3: 1, basic: 30 })).toEqual({
      level3: { inScope: 10, compliant: 7, filled: 1 },
      basic: { inScope: 20, compliant: 20, filled: 5 },
    });
    expect(withPlannedSessions(counts, { level3: 0, basic: 0 }).basic.compliant).toBe(15);
  });

  it('works out the completions a month needed for 85 %', () => {
    expect(targetCount(20)).toBe(17);
    expect(targetCount(7)).toBe(6); // 5.95 staff: 6 are needed
    expect(targetCount(11)).toBe(10); // 9.35
    expect(targetCount(0)).toBe(0);
    expect(completionsNeeded(100, 40, 12)).toBe(4); // 45 short over 12 months: 3.75 → 4
    expect(completionsNeeded(11, 7, 2)).toBe(2); // 3 short over 2 months
    expect(completionsNeeded(20, 18, 6)).toBe(0); // already above 85 %
    expect(completionsNeeded(5, 3, 1)).toBe(2);
  });

  it('adds up the capacity of trainers who may deliver the level', () => {
    const list = [
      { levels: ['basic', 'level3'], learnersPerMonth: 4 },
      { levels: ['basic'], learnersPerMonth: 3 },
      { levels: ['level3'], learnersPerMonth: 2 },
    ];
    expect(trainerCapacity(list, 'basic')).toBe(7);
    expect(trainerCapacity(list, 'level3')).toBe(6);
    expect(trainerCapacity([], 'basic')).toBe(0);
  });

  it('checks the as-at and target dates', () => {
    expect(forecastDates({}, '2026-12-01')).toEqual({ asAt: '2026-12-01', target: '2027-12-01' });
    expect(forecastDates({ 'as-at': '2027-01-15' }, '2026-12-01')).toEqual({ asAt: '2027-01-15', target: '2028-01-15' });
    const problem = (query: Record<string, string>) => {
      try {
        forecastDates(query, '2026-12-01');
      } catch (error) {
        if (error instanceof InputError) return error.fieldErrors;
        throw error;
      }
      return {};
    };
    expect(problem({ target: '2027-02-30' })).toEqual({ target: 'Enter the target date as a real date' });
    expect(problem({ 'as-at': 'yesterday' })).toEqual({ asAt: 'Enter the as-at date as a real date' });
    expect(problem({ target: '2026-12-01' })).toEqual({ target: 'The target date must be after the as-at date' });
    expect(problem({ target: '2029-12-02' })).toEqual({ target: 'The target date must be within 3 years of the as-at date' });
  });

  it('draws a chart that names itself, escapes its text and breaks the line where nobody is in scope', () => {
    const svg = forecastChart({
      id: 'c1',
      title: 'Basic <awareness> & "more"',
      description: 'Falls from 80 % to 60 %',
      target: 85,
      points: [
        { date: '2027-01-15', nothingElse: 80, withSessions: 80 },
        { date: '2027-01-31', nothingElse: null, withSessions: null },
        { date: '2027-02-28', nothingElse: 60, withSessions: 90 },
      ],
    });
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="c1-title c1-desc"');
    expect(svg).toContain('<title id="c1-title">Basic &lt;awareness&gt; &amp; &quot;more&quot;</title>');
    expect(svg).toContain('<desc id="c1-desc">Falls from 80 % to 60 %</desc>');
    // Two lines, each in two pieces (M … M …), and the dashed target at 85 %.
    expect(svg.match(/<path d="M[^"]*M[^"]*"/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray="2 4"');
    expect(svg).toContain('stroke-dasharray="8 5"');
    expect(svg).not.toContain('style=');
    expect(escapeXml(`a'b`)).toBe('a&#39;b');
  });
});

/** The cells of a table row, found by the table's caption and the row's first cell, as a person reads them. */
function rowOf(html: string, caption: string, label: string): string[] {
  const table = html.split('<table').find((t) => t.includes(caption));
  if (!table) throw new Error(`no table “${caption}”`);
  const row = table
    .split('<tr')
    .map((tr) =>
      [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
        textOf((m[1] ?? '').replace(/<span class="nhsuk-table__heading"[^>]*>[\s\S]*?<\/span>/g, '')),
      ),
    )
    .find((cells) => cells[0] === label);
  if (!row) throw new Error(`no row “${label}” in “${caption}”`);
  return row.slice(1);
}

const admin = 'training@plan-test.example';
const otherAdmin = 'training@plan-other.example';

describe('the delivery plan and forecast of a small organisation', () => {
  let t: TestApp;
  let orgId: string;
  let ctx: RequestContext;
  let trainer: Visitor;
  const ids: Record<string, string> = {};

  const count = async (table: string) =>
    rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where org_id = ${orgId}`),
    )[0]?.n;

  beforeAll(async () => {
    t = await testApp();
    const org = await organisations.addOrganisation(t.database.db, loader, {
      odsCode: 'RZ8',
      kind: 'nhs_trust',
      name: 'Plan Test NHS Trust',
      region: 'Northshire and Dales (demo region)',
      commissionerOds: 'QZZ',
    });
    orgId = org.id;
    const created = await users.createAdministrator(t.database.db, loader, {
      email: admin,
      displayName: 'Tess Planner',
      orgId,
      role: 'training_admin',
      password: demoPassword,
    });
    const other = await organisations.addOrganisation(t.database.db, loader, {
      odsCode: 'RZ7',
      kind: 'nhs_trust',
      name: 'Other Plan NHS Trust',
      region: 'Northshire and Dales (demo region)',
    });
    await users.createAdministrator(t.database.db, loader, {
      email: otherAdmin,
      displayName: 'Olly Other',
      orgId: other.id,
      role: 'training_admin',
      password: demoPassword,
    });
    ctx = contextFor(
      {
        id: created.user.id,
        email: admin,
        displayName: 'Tess Planner',
        mfaEnabled: false,
        organisations: [],
        activeOrg: { id: orgId, odsCode: 'RZ8', name: org.name, kind: 'nhs_trust', region: org.region },
        roles: ['training_admin'],
        permissions: permissionsOf(['training_admin']),
      },
      null,
    );

    /*
     * Basic awareness (10 in scope on 15 January Y):
     *   B1–B5 basic, expires Y+1-06-01; B6 level 3 (covers basic), expires Y+1-06-01;
     *   B7 expires Y-03-10; B8 expires Y-07-01; B9 never trained;
     *   B10 never trained, leaves Y-05-01; B11 on maternity leave (out of scope);
     *   B12 never trained, starts Y-02-10.
     * Level 3 (5 in scope throughout):
     *   L1, L2 level 3, expire Y+1-09-01; L3 level 3, expires Y-04-20;
     *   L4 holds only basic awareness (does not cover level 3); L5 never trained.
     */
    const people: [string, 'basic' | 'level3', { startedOn?: string; leftOn?: string; absent?: boolean }][] = [
      ...['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9'].map((n) => [n, 'basic', {}] as [string, 'basic', object]),
      ['B10', 'basic', { leftOn: `${Y}-05-01` }],
      ['B11', 'basic', { absent: true }],
      ['B12', 'basic', { startedOn: `${Y}-02-10` }],
      ...['L1', 'L2', 'L3', 'L4', 'L5'].map((n) => [n, 'level3', {}] as [string, 'level3', object]),
    ];
    for (const [name, level, extra] of people) {
      const [row] = rowsOf<{ id: string }>(
        await t.database.db.execute(sql`
          insert into staff (org_id, employee_number, assignment_number, first_name, last_name, staff_group,
                             assignment_status, long_term_absence, started_on, left_on, required_level)
          values (${orgId}, ${`E${name}`}, ${`A${name}`}, ${name}, 'Tester',
                  ${level === 'level3' ? 'Nursing and Midwifery Registered' : 'Administrative and Clerical'},
                  ${extra.absent ? 'Maternity & Adoption' : 'Active Assignment'}, ${extra.absent ?? false},
                  ${extra.startedOn ?? '2020-01-01'}, ${extra.leftOn ?? null}, ${level})
          returning id`),
      );
      ids[name] = row?.id ?? '';
    }
    const records: [string, 'basic' | 'level3', string, string][] = [
      ...['B1', 'B2', 'B3', 'B4', 'B5'].map(
        (n) => [n, 'basic', `${Y - 2}-06-01`, `${Y + 1}-06-01`] as [string, 'basic', string, string],
      ),
      ['B6', 'level3', `${Y - 2}-06-01`, `${Y + 1}-06-01`],
      ['B7', 'basic', `${Y - 3}-03-10`, `${Y}-03-10`],
      ['B8', 'basic', `${Y - 3}-07-01`, `${Y}-07-01`],
      ['L1', 'level3', `${Y - 2}-09-01`, `${Y + 1}-09-01`],
      ['L2', 'level3', `${Y - 2}-09-01`, `${Y + 1}-09-01`],
      ['L3', 'level3', `${Y - 3}-04-20`, `${Y}-04-20`],
      ['L4', 'basic', `${Y - 2}-01-01`, `${Y + 1}-01-01`],
    ];
    for (const [name, level, completedOn, expiresOn] of records) {
      await t.database.db.execute(sql`
        insert into training_records (org_id, staff_id, course, level, completed_on, expires_on, source)
        values (${orgId}, ${ids[name]}, ${`Prevent ${level}`}, ${level}, ${completedOn}, ${expiresOn}, 'manual')`);
    }
    // Written straight to the tables, so the figures kept from them are brought up to date as the service does after a write.
    await t.database.db.transaction((tx) => training.refreshFiguresIn(tx as never, orgId));
    trainer = await signedIn(t.app, admin);

    /*
     * The plan the forecast reads, as the first test records it in an organisation of its own: Alex
     * (both levels, 4 a month), Bea (basic, 3) and Cai (level 3, 2, then removed); the session of
     * 1 April changed to 6 seats and then cancelled.
     */
    for (const [key, name, levels, learnersPerMonth] of [
      ['alex', 'Alex Both', ['basic', 'level3'], '4'],
      ['bea', 'Bea Basic', ['basic'], '3'],
      ['cai', 'Cai Three', ['level3'], '2'],
    ] as const) {
      ids[key] = (await addTrainer(t.database.db, ctx, { name, levels, learnersPerMonth })).id;
    }
    const plan = (fields: Record<string, string>) => addSession(t.database.db, ctx, fields);
    await plan({ heldOn: `${Y}-01-10`, level: 'basic', seats: '20', trainerId: ids.bea ?? '' });
    await plan({ heldOn: `${Y}-02-10`, level: 'level3', seats: '2', trainerId: ids.alex ?? '', venue: 'Room 4' });
    await plan({ heldOn: `${Y}-03-05`, level: 'basic', seats: '1', trainerId: ids.bea ?? '' });
    const april = await plan({ heldOn: `${Y}-04-01`, level: 'basic', seats: '5', trainerId: ids.alex ?? '' });
    await plan({ heldOn: `${Y}-06-15`, level: 'level3', seats: '3', trainerId: ids.alex ?? '' });
    await plan({ heldOn: `${Y}-09-01`, level: 'basic', seats: '2', trainerId: '' });
    await plan({ heldOn: `${Y + 1}-01-10`, level: 'basic', seats: '4', trainerId: ids.bea ?? '' });
    await updateSession(t.database.db, ctx, april.id, {
      heldOn: `${Y}-04-01`,
      level: 'basic',
      seats: '6',
      trainerId: ids.alex ?? '',
    });
    await cancelSession(t.database.db, ctx, april.id);
    await removeTrainer(t.database.db, ctx, ids.cai ?? '');
  });
  afterAll(() => t.close());

  const trainerId = async (name: string, visitor: Visitor) => {
    const list = await visitor.get('/training/plan/trainers');
    return new RegExp(`href="/training/plan/trainers/([0-9a-f-]{36})">${name}<`).exec(list.body)?.[1] ?? '';
  };
  const sessionIds = async (of = orgId) =>
    rowsOf<{ id: string; held_on: string }>(
      await t.database.db.execute(sql`select id, held_on::text from training_sessions where org_id = ${of} order by held_on`),
    );

  it('records trainers and planned sessions, each change audited', async () => {
    // An organisation of its own: the plan the other tests forecast from is made before them all, and is not doubled.
    const org = await newOrganisation(t.database, {
      odsCode: 'RZ6',
      name: 'Plan Recording NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QZZ',
    });
    const user = await newUser(t.database, {
      email: 'training@plan-recording.example',
      displayName: 'Rita Recorder',
      roles: [{ orgId: org.id, role: 'training_admin' }],
    });
    const trainer = await signedInAs(t.app, t.database, user, org.id);
    const ids: Record<string, string> = {};
    for (const [name, levels, learnersPerMonth] of [
      ['Alex Both', ['basic', 'level3'], '4'],
      ['Bea Basic', ['basic'], '3'],
      ['Cai Three', ['level3'], '2'],
    ] as const) {
      const body = new URLSearchParams({ _csrf: trainer.csrf, name, learnersPerMonth });
      for (const level of levels) body.append('levels', level);
      const response = await t.app.inject({
        method: 'POST',
        url: '/training/plan/trainers',
        payload: body.toString(),
        headers: { cookie: trainer.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.statusCode, name).toBe(303);
    }
    const list = readable((await trainer.get('/training/plan/trainers')).body);
    expect(list).toContain('Alex Both Basic Prevent awareness, Level 3 (face to face) 4');
    expect(list).toContain('Bea Basic Basic Prevent awareness 3');
    ids.alex = await trainerId('Alex Both', trainer);
    ids.bea = await trainerId('Bea Basic', trainer);
    ids.cai = await trainerId('Cai Three', trainer);

    const plan = async (fields: Record<string, string>) => (await trainer.post('/training/plan/sessions', fields)).statusCode;
    // Before the as-at date used below (not counted), then after it.
    expect(await plan({ heldOn: `${Y}-01-10`, level: 'basic', seats: '20', trainerId: ids.bea ?? '' })).toBe(303);
    expect(await plan({ heldOn: `${Y}-02-10`, level: 'level3', seats: '2', trainerId: ids.alex ?? '', venue: 'Room 4' })).toBe(
      303,
    );
    expect(await plan({ heldOn: `${Y}-03-05`, level: 'basic', seats: '1', trainerId: ids.bea ?? '' })).toBe(303);
    expect(await plan({ heldOn: `${Y}-04-01`, level: 'basic', seats: '5', trainerId: ids.alex ?? '' })).toBe(303);
    expect(await plan({ heldOn: `${Y}-06-15`, level: 'level3', seats: '3', trainerId: ids.alex ?? '' })).toBe(303);
    expect(await plan({ heldOn: `${Y}-09-01`, level: 'basic', seats: '2', trainerId: '' })).toBe(303);
    expect(await plan({ heldOn: `${Y + 1}-01-10`, level: 'basic', seats: '4', trainerId: ids.bea ?? '' })).toBe(303);

    const april = (await sessionIds(org.id)).find((s) => s.held_on === `${Y}-04-01`)?.id ?? '';
    // Changed to 6 seats, then cancelled: a cancelled session counts for nothing.
    expect(
      (
        await trainer.post(`/training/plan/sessions/${april}`, {
          heldOn: `${Y}-04-01`,
          level: 'basic',
          seats: '6',
          trainerId: ids.alex ?? '',
        })
      ).statusCode,
    ).toBe(303);
    expect((await trainer.post(`/training/plan/sessions/${april}/cancel`, {})).statusCode).toBe(303);
    const changeCancelled = await trainer.post(`/training/plan/sessions/${april}`, {
      heldOn: `${Y}-04-01`,
      level: 'basic',
      seats: '9',
    });
    expect(changeCancelled.statusCode).toBe(400);
    expect(textOf(changeCancelled.body)).toContain('This session was cancelled and cannot be changed');
    const actions = rowsOf<{ action: string; details: Record<string, unknown> }>(
      await t.database.db.execute(sql`select action, details from audit_events where record_id = ${april} order by seq`),
    );
    expect(actions.map((a) => a.action)).toEqual([
      'training_session.planned',
      'training_session.updated',
      'training_session.cancelled',
    ]);
    expect(actions[1]?.details).toEqual({ heldOn: `${Y}-04-01`, level: 'basic', seats: 6 });

    // Cai has no sessions, so may be removed; Alex has, so may not.
    expect((await trainer.post(`/training/plan/trainers/${ids.cai}/remove`, {})).statusCode).toBe(303);
    const refused = await trainer.post(`/training/plan/trainers/${ids.alex}/remove`, {});
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain(
      `This trainer is planned to deliver sessions (${Y}-02-10, ${Y}-06-15). Give those sessions to another trainer or cancel them before removing the trainer`,
    );
    const narrowed = await trainer.post(`/training/plan/trainers/${ids.alex}`, {
      name: 'Alex Both',
      levels: 'basic',
      learnersPerMonth: '4',
    });
    expect(narrowed.statusCode).toBe(400);
    expect(textOf(narrowed.body)).toContain(
      `This trainer is planned to deliver Level 3 (face to face) sessions (${Y}-02-10, ${Y}-06-15)`,
    );
    expect(textOf((await trainer.get('/training/plan/trainers')).body)).not.toContain('Cai Three');
    const trainerActions = rowsOf<{ action: string }>(
      await t.database.db.execute(sql`select action from audit_events where record_id = ${ids.cai} order by seq`),
    );
    expect(trainerActions.map((a) => a.action)).toEqual(['trainer.added', 'trainer.removed']);

    const sessions = readable((await trainer.get('/training/plan/sessions')).body);
    expect(sessions).toContain(`10 February ${Y} Level 3 (face to face) 2 Alex Both Room 4`);
    expect(sessions).toContain(`1 September ${Y} Basic Prevent awareness 2 Not chosen yet Not recorded`);
    expect(sessions).toMatch(new RegExp(`Cancelled .*1 April ${Y} Basic Prevent awareness 6 Alex Both`));
  });

  it('forecasts every month, with and without the planned sessions, and the completions needed', async () => {
    const forecast: Forecast = await forecastFor(t.database.db, ctx, { 'as-at': `${Y}-01-15`, target: `${Y}-03-31` });
    expect(forecast.asAt).toBe(`${Y}-01-15`);
    expect(forecast.months).toBe(2);
    const [basic, level3] = forecast.levels;
    const dates = [`${Y}-01-15`, ...monthEndsAfter(`${Y}-01-15`)];
    expect(basic?.points.map((p) => p.date)).toEqual(dates);

    // [in scope, compliant if nothing else happens, seats to date, compliant with sessions] at each date.
    const expectedBasic = [
      [10, 8, 0, 8], // as at: B1–B8 compliant; B12 not started, B11 absent
      [10, 8, 0, 8], // the 10 January session was before the as-at date: not counted
      [11, 8, 0, 8], // B12 started
      [11, 7, 1, 8], // B7 expired; 1 basic seat (5 March)
      [11, 7, 1, 8], // 1 April cancelled
      [10, 7, 1, 8], // B10 left
      [10, 7, 1, 10], // 3 level 3 seats after 15 June: 3 level 3 needs met, 2 spare fill basic
      [10, 6, 1, 9], // B8 expired
      [10, 6, 1, 9],
      [10, 6, 3, 10], // 2 seats on 1 September (no trainer yet)
      [10, 6, 3, 10],
      [10, 6, 3, 10],
      [10, 6, 3, 10], // 10 January 2028 is after the last month-end
    ];
    const expectedLevel3 = [
      [5, 3, 0, 3],
      [5, 3, 0, 3],
      [5, 3, 2, 5], // 2 seats on 10 February meet both needs
      [5, 3, 2, 5],
      [5, 2, 2, 4], // L3 expired 20 April
      [5, 2, 2, 4],
      [5, 2, 5, 5],
      [5, 2, 5, 5],
      [5, 2, 5, 5],
      [5, 2, 5, 5],
      [5, 2, 5, 5],
      [5, 2, 5, 5],
      [5, 2, 5, 5],
    ];
    expect(basic?.points.map((p) => [p.inScope, p.compliant, p.seats, p.withSessions])).toEqual(expectedBasic);
    expect(level3?.points.map((p) => [p.inScope, p.compliant, p.seats, p.withSessions])).toEqual(expectedLevel3);
    // Percentages to one decimal place, rounded down.
    expect(basic?.points.map((p) => [p.percent, p.withSessionsPercent])[3]).toEqual([63.6, 72.7]);
    expect(level3?.points.map((p) => [p.percent, p.withSessionsPercent])[4]).toEqual([40, 80]);

    // On 31 March Y, two whole months away: basic 7 of 11 compliant, 85 % is 10 (9.35), 3 short → 2 a month.
    expect(basic?.need).toEqual({
      inScope: 11,
      compliant: 7,
      percent: 63.6,
      targetCount: 10,
      gap: 3,
      perMonth: 2,
      capacity: 7, // Alex 4 + Bea 3
      capacityEnough: true,
      seats: 1,
      seatsPerMonth: 0.5,
      elearningPerMonth: 0,
      elearning: 0,
      seatsEnough: false,
      withSessions: 8,
      withSessionsPercent: 72.7,
    });
    // Level 3: 3 of 5, 85 % is 5 (4.25), 2 short → 1 a month; Cai was removed, so only Alex's 4.
    expect(level3?.need).toEqual({
      inScope: 5,
      compliant: 3,
      percent: 60,
      targetCount: 5,
      gap: 2,
      perMonth: 1,
      capacity: 4,
      capacityEnough: true,
      seats: 2,
      seatsPerMonth: 1,
      elearningPerMonth: 0,
      elearning: 0,
      seatsEnough: true,
      withSessions: 5,
      withSessionsPercent: 100,
    });
    expect(forecast.sessionsWithoutTrainer).toBe(0);

    // The default target, 12 months on, counts the session of 10 January Y+1.
    const year = await forecastFor(t.database.db, ctx, { 'as-at': `${Y}-01-15` });
    expect(year.target).toBe(`${Y + 1}-01-15`);
    expect(year.months).toBe(12);
    expect(year.levels[0]?.need).toMatchObject({ inScope: 10, compliant: 6, targetCount: 9, gap: 3, perMonth: 1, seats: 7 });
    expect(year.levels[0]?.need.withSessions).toBe(10);
    expect(year.sessionsWithoutTrainer).toBe(1);
  });

  it('shows the chart and the same numbers in tables', async () => {
    const page = await trainer.get(`/training/plan?as-at=${Y}-01-15&target=${Y}-03-31`);
    expect(page.statusCode).toBe(200);
    const html = page.body;
    expect(html).toContain('<svg');
    expect(html).toContain('aria-labelledby="forecast-basic-title forecast-basic-desc"');
    expect(html).toContain('aria-labelledby="forecast-level3-title forecast-level3-desc"');
    expect(html).toContain(
      `Basic Prevent awareness: 80 % compliant on 15 January ${Y}. On 31 December ${Y}: 60 % if nothing else happens, 100 % with the planned sessions.`,
    );
    const basicTable = 'Basic Prevent awareness: forecast month by month';
    expect(rowOf(html, basicTable, `As at 15 January ${Y}`)).toEqual(['10', '8 (80 %)', '0', '0', '8 (80 %)']);
    expect(rowOf(html, basicTable, `31 March ${Y}`)).toEqual(['11', '7 (63.6 %)', '1', '0', '8 (72.7 %)']);
    expect(rowOf(html, basicTable, `30 June ${Y}`)).toEqual(['10', '7 (70 %)', '1', '0', '10 (100 %)']);
    expect(rowOf(html, 'Level 3 (face to face): forecast month by month', `30 April ${Y}`)).toEqual([
      '5',
      '2 (40 %)',
      '2',
      '0',
      '4 (80 %)',
    ]);
    const needs = 'Completions needed a month, against capacity and planned seats';
    expect(rowOf(html, needs, 'Basic Prevent awareness')).toEqual([
      '11',
      '7 (63.6 %)',
      '10',
      '2',
      '7',
      '0.5 (1 in all)',
      '0 (0 in all)',
      '8 (72.7 %)',
    ]);
    expect(rowOf(html, needs, 'Level 3 (face to face)')).toEqual([
      '5',
      '3 (60 %)',
      '5',
      '1',
      '4',
      '1 (2 in all)',
      '0 (0 in all)',
      '5 (100 %)',
    ]);
    const text = textOf(html);
    expect(text).toContain(
      `Basic Prevent awareness: Enough trainer capacity Planned sessions fall short 2 completions a month are needed and the trainers can take 7 a month. With the planned sessions, 8 of the 10 compliant staff needed on 31 March ${Y}.`,
    );
    expect(text).toContain('Level 3 (face to face): Enough trainer capacity Planned sessions reach the target');
  });

  it('names each mistake in a date, and shows the default forecast beside it', async () => {
    const bad = await trainer.get('/training/plan?target=2027-02-30');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('There is a problem Enter the target date as a real date');
    expect(bad.body).toMatch(/name="target-day"[^>]*value="30"/);
    const before = await trainer.get(`/training/plan?as-at=${Y}-01-15&target=${Y}-01-01`);
    expect(textOf(before.body)).toContain('The target date must be after the as-at date');
  });

  it('names each mistake in a session or trainer, and stores nothing', async () => {
    const sessionsBefore = await count('training_sessions');
    const trainersBefore = await count('trainers');
    const audited = async () =>
      rowsOf<{ n: number }>(
        await t.database.db.execute(sql`select count(*)::int as n from audit_events where org_id = ${orgId}`),
      )[0]?.n;
    const auditBefore = await audited();
    const session = async (fields: Record<string, string>) => {
      const response = await trainer.post('/training/plan/sessions', fields);
      expect(response.statusCode).toBe(400);
      return textOf(response.body);
    };
    const seats = 'Enter the number of seats as a whole number from 1 to 500';
    for (const value of ['0', '501', '2.5', 'ten', '-3', '']) {
      expect(await session({ heldOn: `${Y}-05-01`, level: 'basic', seats: value }), value).toContain(seats);
    }
    const all = await session({ heldOn: '2027-02-30', seats: '10' });
    expect(all).toContain('Enter the date of the session as a real date');
    expect(all).toContain('Choose the level of the session');
    expect(await session({ heldOn: '', level: 'basic', seats: '10' })).toContain('Enter the date of the session');
    expect(await session({ heldOn: `${Y + 6}-01-01`, level: 'basic', seats: '10' })).toContain(
      'The date of the session must be within 5 years from today',
    );
    expect(await session({ heldOn: `${Y}-05-01`, level: 'level3', seats: '10', trainerId: ids.bea ?? '' })).toContain(
      'Bea Basic may not deliver Level 3 (face to face): choose another trainer, or change the level',
    );
    // A removed trainer, and a trainer of another organisation, cannot be chosen.
    expect(await session({ heldOn: `${Y}-05-01`, level: 'level3', seats: '10', trainerId: ids.cai ?? '' })).toContain(
      'Choose a trainer from the list',
    );
    expect(await session({ heldOn: `${Y}-05-01`, level: 'basic', seats: '10', trainerId: 'not-an-id' })).toContain(
      'Choose a trainer from the list',
    );

    const trainerForm = await trainer.post('/training/plan/trainers', { name: ' ', learnersPerMonth: '1.5' });
    expect(trainerForm.statusCode).toBe(400);
    const text = textOf(trainerForm.body);
    expect(text).toContain('Enter the trainer’s name');
    expect(text).toContain('Choose at least one level the trainer may deliver');
    expect(text).toContain('Enter how many learners a month the trainer can take, as a whole number from 1 to 1,000');
    expect(
      textOf((await trainer.post('/training/plan/trainers', { name: 'X', levels: 'level9', learnersPerMonth: '3' })).body),
    ).toContain('Choose the levels from the list');

    expect(await count('training_sessions')).toBe(sessionsBefore);
    expect(await count('trainers')).toBe(trainersBefore);
    expect(await audited()).toBe(auditBefore);
  });

  it('keeps each organisation’s plan to itself', async () => {
    const other = await signedIn(t.app, otherAdmin);
    const [session] = await sessionIds();
    expect((await other.get(`/training/plan/trainers/${ids.alex}`)).statusCode).toBe(404);
    expect((await other.post(`/training/plan/trainers/${ids.alex}/remove`, {})).statusCode).toBe(404);
    expect((await other.get(`/training/plan/sessions/${session?.id}`)).statusCode).toBe(404);
    expect((await other.post(`/training/plan/sessions/${session?.id}/cancel`, {})).statusCode).toBe(404);
    expect(textOf((await other.get('/training/plan/sessions')).body)).toContain('No sessions planned');
    expect(textOf((await other.get('/training/plan/trainers')).body)).toContain('No trainers recorded yet');
    // Another organisation's trainer cannot be booked.
    const booked = await other.post('/training/plan/sessions', {
      heldOn: `${Y}-05-01`,
      level: 'basic',
      seats: '5',
      trainerId: ids.bea ?? '',
    });
    expect(textOf(booked.body)).toContain('Choose a trainer from the list');
  });
});

describe('who may see and change the delivery plan', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('lets the training administrator change it, leads and the board read it, and nobody else in', async () => {
    const readers = [demo.trainingAdmin, demo.operationalLead, demo.accountableLead, demo.boardViewer];
    const pages = ['/training/plan', '/training/plan/trainers', '/training/plan/sessions'];
    for (const email of readers) {
      const visitor = await signedIn(t.app, email);
      for (const url of pages) expect((await visitor.get(url)).statusCode, `${email} ${url}`).toBe(200);
    }
    for (const email of [demo.operationalLead, demo.accountableLead, demo.boardViewer]) {
      const visitor = await signedIn(t.app, email);
      expect((await visitor.get('/training/plan/trainers/new')).statusCode).toBe(403);
      expect(
        (await visitor.post('/training/plan/trainers', { name: 'A', levels: 'basic', learnersPerMonth: '5' })).statusCode,
      ).toBe(403);
      expect(
        (await visitor.post('/training/plan/sessions', { heldOn: `${Y}-05-01`, level: 'basic', seats: '5' })).statusCode,
      ).toBe(403);
      const page = textOf((await visitor.get('/training/plan/sessions')).body);
      expect(page).not.toContain('Plan a session');
    }
    for (const email of [demo.staff, demo.practitioner, demo.commissioner, demo.regionalLead, demo.systemAdmin]) {
      const visitor = await signedIn(t.app, email);
      for (const url of [...pages, '/training/plan/sessions/new'])
        expect((await visitor.get(url)).statusCode, `${email} ${url}`).toBe(403);
      expect(
        (await visitor.post('/training/plan/sessions', { heldOn: `${Y}-05-01`, level: 'basic', seats: '5' })).statusCode,
      ).toBe(403);
    }
    const admin = await signedIn(t.app, demo.trainingAdmin);
    expect((await admin.get('/training/plan/trainers/new')).statusCode).toBe(200);
    expect((await admin.get('/training/plan/sessions/new')).statusCode).toBe(200);
    expect(
      (await admin.post('/training/plan/trainers', { name: 'Demo Trainer', levels: 'basic', learnersPerMonth: '5' })).statusCode,
    ).toBe(303);
  });
});
