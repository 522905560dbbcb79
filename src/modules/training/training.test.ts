import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { sendDueReminders } from '../../../test/modules.ts';
import { demoPassword } from '../../demo/seed.ts';
import { canFor } from '../../platform/can.ts';
import type { RequestContext } from '../../platform/context.ts';
import { todayInLondon } from '../../platform/dates.ts';
import { jobsOfKind } from '../../platform/jobs/queue.ts';
import * as apiTokens from '../api-tokens/service.ts';
import * as notifications from '../notifications/service.ts';
import * as organisations from '../organisations/service.ts';
import * as users from '../users/service.ts';
import * as training from './service.ts';

/*
 * A small hand-made trust, RT9, whose right answers are worked out here. As at 2026-06-30:
 *
 *   who  staff group                        needs   record                               status
 *   A    Nursing and Midwifery Registered   L3      L3 2025-01-10 (to 2028-01-10)         up to date
 *   B    Nursing and Midwifery Registered   L3      basic 2025-02-01 (does not cover L3)  never trained
 *   C    Administrative and Clerical        basic   L3 2023-08-01 (to 2026-08-01)         up to date, expiring in 90 days
 *   D    Administrative and Clerical        basic   basic 2023-03-01 (to 2026-03-01)      expired
 *   E    Administrative and Clerical        basic   none                                 never trained
 *   F    Estates and Ancillary              basic   none, left 2026-05-01                 out of scope
 *   G    Estates and Ancillary              basic   none, on maternity leave              out of scope
 *   H    Medical and Dental                 L3      L3 2026-07-15 (after the date)        never trained
 *   I    Administrative and Clerical        basic   basic 2020-01-01, no expiry           up to date
 *   J    Administrative and Clerical        basic   none, starts 2026-09-01               out of scope
 *
 * In scope 7: level 3 — A, B, H (1 up to date, 33.3 %); basic — C, D, E, I (2 up to date, 50 %).
 */
const asAt = '2026-06-30';
const who = {
  A: { group: 'Nursing and Midwifery Registered', directorate: 'Medicine' },
  B: { group: 'Nursing and Midwifery Registered', directorate: 'Medicine' },
  C: { group: 'Administrative and Clerical', directorate: 'Medicine' },
  D: { group: 'Administrative and Clerical', directorate: 'Corporate' },
  E: { group: 'Administrative and Clerical', directorate: 'Corporate' },
  F: { group: 'Estates and Ancillary', directorate: 'Corporate', leftOn: '2026-05-01' },
  G: { group: 'Estates and Ancillary', directorate: 'Corporate', status: 'Maternity & Adoption' },
  H: { group: 'Medical and Dental', directorate: 'Medicine' },
  I: { group: 'Administrative and Clerical', directorate: 'Corporate' },
  J: { group: 'Administrative and Clerical', directorate: 'Corporate', startedOn: '2026-09-01' },
} as const;
type Who = keyof typeof who;

/** The staff form for one of the people above, at the trust whose e-mail domain is `domain`. */
const staffForm = (letter: Who, domain = 'rt9') => {
  const p = who[letter] as { group: string; directorate: string; leftOn?: string; status?: string; startedOn?: string };
  return {
    employeeNumber: `9000${letter.charCodeAt(0)}`,
    assignmentNumber: `9000${letter.charCodeAt(0)}-1`,
    firstName: `Person${letter}`,
    lastName: 'Testington',
    email: letter === 'A' ? `person.a@${domain}.example` : '',
    managerEmail: letter === 'C' ? `manager.c@${domain}.example` : '',
    directorate: p.directorate,
    department: `${p.directorate} office`,
    positionTitle: 'Role',
    staffGroup: p.group,
    assignmentStatus: p.status ?? '',
    startedOn: p.startedOn ?? '',
    leftOn: p.leftOn ?? '',
  };
};

const record = (letter: Who, level: 'basic' | 'level3', completedOn: string, extra: Record<string, unknown> = {}) => ({
  employeeNumber: `9000${letter.charCodeAt(0)}`,
  assignmentNumber: `9000${letter.charCodeAt(0)}-1`,
  course: level === 'level3' ? 'Preventing Radicalisation - Level 3' : 'Preventing Radicalisation - Basic Prevent Awareness',
  level,
  completedOn,
  ...extra,
});

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

describe('training compliance on known data', () => {
  let t: TestApp;
  let rt9: string;
  let admin: Visitor;
  let secret = '';
  let ids = new Map<Who, string>();
  let asRt9Admin: () => Promise<RequestContext>;

  const pushRecords = (records: unknown[], token = secret) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/training-records',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: JSON.stringify({ records }),
    });

  /**
   * The trust in the table above, with its training administrator signed in, a member of staff (A) and
   * a system administrator who can sign in, an API token, and the records pushed through the API. RT9
   * is read by most tests; a test that changes the figures builds its own copy under another code.
   */
  async function knownTrust(odsCode: string, name: string) {
    const seeder = { userId: null, label: 'test', ip: null };
    const domain = odsCode.toLowerCase();
    const org = await organisations.addOrganisation(t.database.db, seeder, {
      odsCode,
      name,
      kind: 'nhs_trust',
      region: 'Northshire and Dales (demo region)',
      commissionerOds: 'QZZ',
    });
    for (const [email, role, displayName] of [
      [`training@${domain}.example`, 'training_admin', 'Tess Trainer'],
      [`person.a@${domain}.example`, 'staff', 'Person A'],
      [`admin@${domain}.example`, 'system_admin', 'Ada Admin'],
    ] as const)
      await users.createAdministrator(t.database.db, seeder, { email, displayName, orgId: org.id, role, password: demoPassword });
    const trainer = await signedIn(t.app, `training@${domain}.example`);
    const staffIds = new Map<Who, string>();
    for (const letter of Object.keys(who) as Who[]) {
      await trainer.get('/training/staff/new');
      const response = await trainer.post('/training/staff', staffForm(letter, domain));
      expect(response.statusCode, response.body.slice(0, 300)).toBe(303);
      staffIds.set(letter, String(response.headers.location).split('/').pop() ?? '');
    }
    const contextOfEmail = async (email: string): Promise<RequestContext> => {
      const found = await users.findByEmail(t.database.db, email);
      const user = found ? await users.describeUser(t.database.db, found.id, org.id) : null;
      if (!user) throw new Error(`no ${email}`);
      return {
        user,
        can: canFor(user),
        actor: { userId: user.id, label: 'test', ip: null },
        scope: { userId: user.id, orgIds: [org.id] },
      };
    };
    const created = await apiTokens.createToken(t.database.db, await contextOfEmail(`admin@${domain}.example`), {
      name: 'Learning system',
      scopes: ['training:write'],
    });
    const pushed = await pushRecords(
      [
        record('A', 'level3', '2025-01-10'),
        record('B', 'basic', '2025-02-01'),
        record('C', 'level3', '2023-08-01'),
        record('D', 'basic', '2023-03-01'),
        record('H', 'level3', '2026-07-15'),
        record('I', 'basic', '2020-01-01', { noExpiry: true }),
      ],
      created.secret,
    );
    expect(pushed.statusCode, pushed.body).toBe(201);
    expect(pushed.json()).toEqual({ received: 6, recordsAdded: 6, staffAdded: 0 });
    return {
      orgId: org.id,
      trainer,
      secret: created.secret,
      ids: staffIds,
      trainerContext: () => contextOfEmail(`training@${domain}.example`),
    };
  }

  beforeAll(async () => {
    t = await testApp();
    const known = await knownTrust('RT9', 'Testshire Hospitals NHS Trust');
    ({ orgId: rt9, trainer: admin, secret, ids, trainerContext: asRt9Admin } = known);
  });
  afterAll(() => t.close());

  it('counts a person as they were at a past date: away from today, in scope before; back today, in scope before too', async () => {
    const trust = await knownTrust('RT3', 'Absence History NHS Trust');
    const today = todayInLondon();
    const inScopeAt = async (day: string) =>
      (await training.complianceFigures(t.database.db, await trust.trainerContext(), day)).total.inScope;
    const before = await inScopeAt(asAt);
    const now = await inScopeAt(today);
    const idOfA = trust.ids.get('A') ?? '';
    const away = await trust.trainer.post(`/training/staff/${idOfA}`, {
      ...staffForm('A', 'rt3'),
      assignmentStatus: 'Long Term Absence',
    });
    expect(away.statusCode, away.body.slice(0, 300)).toBe(303);
    // Away from today: out of scope now, still in scope at the past date.
    expect(await inScopeAt(today)).toBe(now - 1);
    expect(await inScopeAt(asAt)).toBe(before);
    const staffThen = textOf((await trust.trainer.get(`/training/staff?asAt=${asAt}`)).body);
    expect(staffThen).toContain('PersonA Testington');
    // Back today: in scope now, and the period of absence is closed.
    const back = await trust.trainer.post(`/training/staff/${idOfA}`, {
      ...staffForm('A', 'rt3'),
      assignmentStatus: 'Active Assignment',
    });
    expect(back.statusCode).toBe(303);
    expect(await inScopeAt(today)).toBe(now);
    expect(await inScopeAt(asAt)).toBe(before);
  });

  it('gives every figure by level, as worked out by hand', async () => {
    const figures = await training.complianceFigures(t.database.db, await asRt9Admin(), asAt);
    const [basic, level3] = figures.byLevel;
    expect(level3).toMatchObject({ level: 'level3', inScope: 3, compliant: 1, expiringSoon: 0, expired: 0, neverTrained: 2 });
    expect(level3?.percent).toBe(33.3);
    expect(level3?.rag).toBe('red');
    expect(basic).toMatchObject({ level: 'basic', inScope: 4, compliant: 2, expiringSoon: 1, expired: 1, neverTrained: 1 });
    expect(basic?.percent).toBe(50);
    expect(figures.total).toMatchObject({
      inScope: 7,
      compliant: 3,
      expiringSoon: 1,
      expired: 1,
      neverTrained: 3,
      percent: 42.8,
    });
    expect(figures.byDirectorate).toEqual([
      expect.objectContaining({ name: 'Corporate', inScope: 3, compliant: 1, expired: 1, neverTrained: 1 }),
      expect.objectContaining({ name: 'Medicine', inScope: 4, compliant: 2, neverTrained: 2, percent: 50 }),
    ]);
    expect(figures.byStaffGroup.find((g) => g.name === 'Estates and Ancillary')).toBeUndefined();
    expect(figures.byStaffGroup.find((g) => g.name === 'Administrative and Clerical')).toMatchObject({
      inScope: 4,
      compliant: 2,
    });
  });

  it('moves with the as-at date: expiries roll off and later completions count', async () => {
    const byDate = await training.levelCountsAt(t.database.db, await asRt9Admin(), ['2026-08-15', '2026-09-02']);
    const august = byDate.get('2026-08-15');
    // C's record expired on 2026-08-01; H completed level 3 on 2026-07-15.
    expect(august?.find((l) => l.level === 'basic')).toMatchObject({ inScope: 4, compliant: 1, expired: 2 });
    expect(august?.find((l) => l.level === 'level3')).toMatchObject({ inScope: 3, compliant: 2, percent: 66.6, rag: 'red' });
    // J started on 2026-09-01.
    expect(byDate.get('2026-09-02')?.find((l) => l.level === 'basic')).toMatchObject({ inScope: 5, neverTrained: 2 });
  });

  it('shows the RAG bands at the edges: 85 % is green, 80 % amber, 79.9 % red', async () => {
    const { ragOf, percentOf } = await import('./rules.ts');
    expect(ragOf(percentOf(85, 100))).toBe('green');
    expect(ragOf(percentOf(849, 1000))).toBe('amber');
    expect(percentOf(849, 1000)).toBe(84.9);
    expect(ragOf(percentOf(80, 100))).toBe('amber');
    expect(ragOf(percentOf(799, 1000))).toBe('red');
    expect(ragOf(percentOf(0, 0))).toBeNull();
  });

  it('lists each person with their status, filters it and exports it as CSV', async () => {
    const list = await admin.get(`/training/staff?asAt=${asAt}`);
    expect(list.statusCode).toBe(200);
    const text = textOf(list.body);
    expect(text).toContain('7 people as at 30 June 2026');
    for (const letter of ['A', 'B', 'C', 'D', 'E', 'H', 'I']) expect(text).toContain(`Person${letter} Testington`);
    expect(text).not.toContain('PersonF');
    const expired = textOf((await admin.get(`/training/staff?asAt=${asAt}&status=expired`)).body);
    expect(expired).toContain('1 person');
    expect(expired).toContain('PersonD');
    const out = textOf((await admin.get(`/training/staff?asAt=${asAt}&status=out_of_scope`)).body);
    expect(out).toContain('3 people');
    const csv = await admin.get(`/training/staff.csv?asAt=${asAt}&requiredLevel=level3`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Employee Number,Assignment Number,First Name,Last Name,Directorate,Department,Position Title,Staff Group,Required Level,Status,Course,Completed,Expires',
    );
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes('PersonA'))).toContain(
      'Up to date,Preventing Radicalisation - Level 3,2025-01-10,2028-01-10',
    );
    const bad = await admin.get('/training/staff?status=asleep&asAt=2026-02-30');
    expect(bad.statusCode).toBe(200);
    expect(textOf(bad.body)).toContain('Choose a status from the list');
    expect(textOf(bad.body)).toContain('Enter a real date');
  });

  it('shows the dashboard with the figures and the RAG', async () => {
    const page = textOf((await admin.get(`/training?asAt=${asAt}`)).body);
    expect(page).toContain('As at 30 June 2026');
    expect(page).toContain('42.8% · Below target');
    expect(page).toContain('33.3% · Below target');
  });

  it('re-derives required levels when a new needs analysis is approved, and keeps the versions', async () => {
    // At a copy of the trust: the new needs analysis changes the figures the other tests read.
    const rt5 = await knownTrust('RT5', 'Needs Analysis NHS Trust');
    const admin = rt5.trainer;
    const page = await admin.get('/training/needs-analysis');
    expect(textOf(page.body)).toContain('It has not been approved for your organisation yet');
    const missing = await admin.post('/training/needs-analysis', {
      otherwise: 'basic',
      staffGroup: 'Administrative and Clerical',
    });
    expect(textOf(missing.body)).toContain('Rule 1: choose the level it needs');
    expect(textOf(missing.body)).toContain('Enter who approved this needs analysis');
    const saved = await admin.post('/training/needs-analysis', {
      staffGroup: 'Administrative and Clerical',
      positionContains: '',
      level: 'level3',
      otherwise: 'basic',
      approvedBy: 'Dr Ada Example, Accountable Prevent lead',
      approvedOn: '2026-06-01',
    });
    expect(saved.statusCode).toBe(303);
    const figures = await training.complianceFigures(t.database.db, await rt5.trainerContext(), asAt);
    // The new version replaces the old: clerical staff now need level 3 (C's level 3 still counts, I's basic
    // record no longer does), and the clinical groups, no longer named, need basic (A's level 3 covers it; B's basic counts now).
    expect(figures.byLevel.find((l) => l.level === 'level3')).toMatchObject({ inScope: 4, compliant: 1, neverTrained: 3 });
    expect(figures.byLevel.find((l) => l.level === 'basic')).toMatchObject({ inScope: 3, compliant: 2, neverTrained: 1 });
    const after = textOf((await admin.get('/training/needs-analysis')).body);
    expect(after).toContain('Dr Ada Example, Accountable Prevent lead');
    const audit = rowsOf<{ action: string }>(
      await t.database.db.execute(sql`select action from audit_events where org_id = ${rt5.orgId} and action like 'training.%'`),
    ).map((r) => r.action);
    expect(audit).toContain('training.needs-analysis.approved');
    expect(audit).toContain('training.records.received');
  });

  it('lets a member of staff see only their own status', async () => {
    const staff = await signedIn(t.app, 'person.a@rt9.example');
    const mine = textOf((await staff.get('/training/mine')).body);
    expect(mine).toContain('Up to date');
    expect(mine).toContain('Preventing Radicalisation - Level 3');
    expect(mine).not.toContain('PersonB');
    expect((await staff.get('/training')).statusCode).toBe(403);
    expect((await staff.get('/training/staff')).statusCode).toBe(403);
    expect((await staff.get(`/training/staff/${ids.get('B')}`)).statusCode).toBe(403);
    const other = await signedIn(t.app, demo.staff);
    expect(textOf((await other.get('/training/mine')).body)).toContain('Sam Okafor');
  });

  it('gives the commissioner counts for each provider, never a name', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    const page = await commissioner.get(`/training/providers?asAt=${asAt}`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Testshire Hospitals NHS Trust (RT9)');
    expect(text).toContain('Northshire Teaching Hospitals NHS Foundation Trust (RZ1)');
    expect(text).not.toMatch(/Person[A-J]|Testington|Okafor/);
    // The test trust's few people at level 3 could each be pointed at: neither their count nor their percentage is shown.
    const rt9Row = textOf(page.body.split('<tr').find((row) => row.includes('(RT9)')) ?? '');
    expect(rt9Row).toContain('fewer than 5');
    expect(rt9Row).toContain('Too few to show');
    expect(rt9Row).not.toMatch(/\b(33|66|25|50|75)%/);
    expect((await commissioner.get('/training/staff')).statusCode).toBe(403);
    expect((await commissioner.get('/training')).statusCode).toBe(403);
  });

  it('refuses a bad API call whole, saying which record and field', async () => {
    const before = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from training_records where org_id = ${rt9}`),
    )[0]?.n;
    const response = await pushRecords([
      record('E', 'basic', '2026-05-01'),
      record('E', 'level2' as 'basic', '2026-13-01'),
      { ...record('E', 'basic', '2026-05-02'), assignmentNumber: 'unknown-1' },
    ]);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.fields['records.1.level']).toBe('Choose basic Prevent awareness or level 3');
    expect(body.fields['records.1.completedOn']).toBe('Give a real date as YYYY-MM-DD');
    const unknown = await pushRecords([
      record('E', 'basic', '2026-05-01'),
      { ...record('E', 'basic', '2026-05-02'), assignmentNumber: 'x-1' },
    ]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().fields['records.1.firstName']).toContain('Assignment x-1 is not known');
    const after = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from training_records where org_id = ${rt9}`),
    )[0]?.n;
    expect(after).toBe(before);
    expect((await pushRecords([record('E', 'basic', '2026-05-01')], 'pa_nonsense')).statusCode).toBe(401);
  });

  it('adds a record by hand, with the 3-year refresher when no expiry is given, and refuses a duplicate', async () => {
    // At a copy of the trust: a level 3 record for E changes the figures the other tests read.
    const { trainer: admin, ids } = await knownTrust('RT4', 'Records By Hand NHS Trust');
    const id = ids.get('E') as string;
    await admin.get(`/training/staff/${id}`);
    const bad = await admin.post(`/training/staff/${id}/records`, {
      course: 'Prevent',
      level: 'basic',
      completedOn: '2030-01-01',
    });
    expect(textOf(bad.body)).toContain('The completion date cannot be in the future');
    const good = await admin.post(`/training/staff/${id}/records`, {
      course: 'Prevent WRAP',
      level: 'level3',
      completedOn: '2026-02-03',
    });
    expect(good.statusCode).toBe(303);
    const page = textOf((await admin.get(`/training/staff/${id}`)).body);
    expect(page).toContain('3 February 2029');
    const twice = await admin.post(`/training/staff/${id}/records`, {
      course: 'Prevent WRAP',
      level: 'level3',
      completedOn: '2026-02-03',
    });
    expect(textOf(twice.body)).toContain('already recorded as completed on that date');
  });

  it('adds staff by hand only with a status the import settings know, and a leaving date for a leaver', async () => {
    const { trainer: admin } = await knownTrust('RT6', 'Statuses By Hand NHS Trust');
    await admin.get('/training/staff/new');
    const unknown = await admin.post('/training/staff', {
      ...staffForm('A', 'rt6-extra'),
      assignmentNumber: 'X1-1',
      assignmentStatus: 'Gardening Leave',
    });
    expect(unknown.statusCode).toBe(400);
    expect(textOf(unknown.body)).toContain('“Gardening Leave” is not an assignment status in the import settings');
    const leaver = await admin.post('/training/staff', {
      ...staffForm('A', 'rt6-extra'),
      assignmentNumber: 'X2-1',
      assignmentStatus: 'Terminate Assignment',
    });
    expect(leaver.statusCode).toBe(400);
    expect(textOf(leaver.body)).toContain('Enter the leaving date: the status “Terminate Assignment” means the person has left');
    const absent = await admin.post('/training/staff', {
      ...staffForm('A', 'rt6-extra'),
      assignmentNumber: 'X3-1',
      assignmentStatus: 'long term  absence',
    });
    expect(absent.statusCode).toBe(303);
    expect(textOf((await admin.get(String(absent.headers.location))).body)).toContain('Long-term absence');
  });

  it('reminds the member of staff and their manager 60 days before expiry, once', async () => {
    // C's level 3 record expires on 2026-08-01: within 60 days of 2026-06-15, not of 2026-05-01.
    const early = await training.expiryReminders(t.database, '2026-05-01');
    expect(early.filter((r) => r.orgId === rt9)).toHaveLength(0);
    const due = (await training.expiryReminders(t.database, '2026-06-15')).filter((r) => r.orgId === rt9);
    expect(due).toHaveLength(1);
    expect(due[0]?.addresses).toEqual(['manager.c@rt9.example']);
    expect(due[0]?.body).toContain('1 August 2026');
    const first = await sendDueReminders(t.database, '2026-06-15');
    expect(first.failed).toEqual([]);
    const jobs = await jobsOfKind(t.database.db, notifications.addressMailJobKind);
    expect(jobs.some((j) => (j.payload as { to?: string }).to === 'manager.c@rt9.example')).toBe(true);
    const count = jobs.length;
    await sendDueReminders(t.database, '2026-06-16');
    expect((await jobsOfKind(t.database.db, notifications.addressMailJobKind)).length).toBe(count);
  });

  it('pages the staff list in the database: the second page holds the next people in name order', async () => {
    const org = await newOrganisation(t.database, { odsCode: 'RT7', name: 'Pageshire Hospitals NHS Trust', kind: 'nhs_trust' });
    const trainer = await newUser(t.database, {
      email: 'training@rt7.example',
      displayName: 'Paige Trainer',
      roles: [{ orgId: org.id, role: 'training_admin' }],
    });
    // 130 people, more than one page of 100: every third has an expired record, the rest are up to date.
    const name = (i: number) => `Pager${String(i).padStart(3, '0')}`;
    const numbers = Array.from({ length: 130 }, (_, i) => i + 1);
    const received = await training.receiveRecords(
      t.database.db,
      { orgId: org.id, actor: { userId: null, label: 'test', ip: null } },
      {
        records: numbers.map((i) => ({
          employeeNumber: `7${i}`,
          assignmentNumber: `7${i}-1`,
          firstName: 'Pat',
          lastName: name(i),
          staffGroup: 'Administrative and Clerical',
          course: 'Preventing Radicalisation - Basic Prevent Awareness',
          level: 'basic',
          completedOn: i % 3 === 0 ? '2023-01-01' : '2025-01-01',
        })),
      },
      asAt,
    );
    expect(received).toEqual({ received: 130, recordsAdded: 130, staffAdded: 130 });
    const visitor = await signedInAs(t.app, t.database, trainer, org.id);

    const first = textOf((await visitor.get(`/training/staff?asAt=${asAt}`)).body);
    expect(first).toContain('130 people as at 30 June 2026');
    expect(first).toContain('Page 1 of 2');
    for (const i of numbers) expect(first.includes(`Pat ${name(i)}`), name(i)).toBe(i <= 100);
    const second = textOf((await visitor.get(`/training/staff?asAt=${asAt}&page=2`)).body);
    expect(second).toContain('130 people as at 30 June 2026');
    expect(second).toContain('Page 2 of 2');
    for (const i of numbers) expect(second.includes(`Pat ${name(i)}`), name(i)).toBe(i > 100);
    // A page past the end shows the last one, as before.
    expect(textOf((await visitor.get(`/training/staff?asAt=${asAt}&page=9`)).body)).toContain('Page 2 of 2');

    // Filtered by status in the database, and paged: the second page of 20 expired people.
    const ctx = await contextOf(t.database, trainer, org.id);
    const expired = await training.staffListPage(t.database.db, ctx, asAt, { status: 'expired' }, { page: 2, size: 20 });
    expect(expired).toMatchObject({ total: 43, page: 2, pages: 3 });
    expect(expired.rows.map((r) => r.lastName)).toEqual(
      numbers
        .filter((i) => i % 3 === 0)
        .slice(20, 40)
        .map(name),
    );
    expect(expired.rows.every((r) => r.status === 'expired')).toBe(true);
    const csv = await visitor.get(`/training/staff.csv?asAt=${asAt}&status=expired`);
    expect(csv.body.trim().split('\r\n')).toHaveLength(44);
  });

  it('filters by status in the database with the same answer as the status each row shows', async () => {
    const ctx = await asRt9Admin();
    const everyone = await training.staffList(t.database.db, ctx, asAt, {});
    const byStatus = [];
    for (const status of training.staffStatuses) {
      const rows = await training.staffList(t.database.db, ctx, asAt, { status });
      expect(
        rows.every((r) => r.status === status),
        status,
      ).toBe(true);
      const page = await training.staffListPage(t.database.db, ctx, asAt, { status }, { page: 1, size: 100 });
      expect(page.total, status).toBe(rows.length);
      if (status !== 'out_of_scope') byStatus.push(...rows);
    }
    expect(byStatus.map((r) => r.id).sort()).toEqual(everyone.map((r) => r.id).sort());
  });
});
