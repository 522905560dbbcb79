import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concernForm, raisedCaseId } from '../../../test/concerns.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { todayInLondon } from '../../platform/dates.ts';
import { financialYearOf } from './service.ts';

const rz1 = 'Northshire Teaching Hospitals NHS Foundation Trust (RZ1)';
const rz2 = 'Dales Community and Mental Health NHS Trust (RZ2)';
const nz3 = 'Harbourside Independent Clinics Ltd (NZ3)';

const concern = (name: string, subjectType = 'patient', dateOfBirth = '1990-01-02') =>
  concernForm({
    subjectType,
    subjectName: name,
    nhsNumber: '',
    dateOfBirth,
    narrative: 'Talked of joining a group that plans violence.',
    location: 'Outpatients',
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

const byStatus = 'Concerns raised, by status today';
const referrals = 'Referrals to police Prevent';
const who = 'Who the concerns were about';
const few = 'fewer than 5';
const tables = [byStatus, referrals, who] as const;
type Table = (typeof tables)[number];

/** An organisation's exact counts in each table, as its own lead reads them. */
type Counts = Record<Table, number[]>;

function countsOf(html: string, label: string): Counts {
  const exact = (caption: Table) => {
    const cells = rowOf(html, caption, label);
    for (const cell of cells) expect(cell, `${label}, ${caption}`).toMatch(/^\d+$/);
    return cells.map(Number);
  };
  return { [byStatus]: exact(byStatus), [referrals]: exact(referrals), [who]: exact(who) };
}

const plus = (...counts: Counts[]): Counts => {
  const sum = (table: Table) => (counts[0]?.[table] ?? []).map((_, i) => counts.reduce((n, c) => n + (c[table][i] ?? 0), 0));
  return { [byStatus]: sum(byStatus), [referrals]: sum(referrals), [who]: sum(who) };
};

const exactly = (ns: number[]) => ns.map(String);
const withheld = 'not shown';
/** A count on its own as a reader outside the organisation sees it: 1 to 4 hidden, the rest to the nearest 5. */
const rounded = (n: number) => (n === 0 ? '0' : n < 5 ? few : String(Math.round(n / 5) * 5));
const shownAsNumber = (cell: string) => /^\d+$/.test(cell);

/**
 * A row as a reader outside the organisation must see it: counts rounded, and the number raised (the first
 * cell, the total of the status and the who columns) withheld when any of those is hidden, since it would let
 * the hidden one be worked out. `withholdToo` marks the total row's cells over a cell above that is not shown
 * as a number (a total already hidden as small stays so).
 */
function outside(counts: Counts, withholdToo: (table: Table, i: number) => boolean = () => false): Record<Table, string[]> {
  const shown = Object.fromEntries(
    tables.map((table) => [
      table,
      counts[table].map((n, i) => (withholdToo(table, i) && shownAsNumber(rounded(n)) ? withheld : rounded(n))),
    ]),
  ) as Record<Table, string[]>;
  const parts = [...shown[byStatus].slice(1), ...shown[who]];
  if (shown[byStatus][0] !== withheld && rounded(counts[byStatus][0] ?? 0) !== few && parts.some((c) => !shownAsNumber(c)))
    shown[byStatus][0] = withheld;
  return shown;
}

/** The total row: a column is withheld where any organisation's cell above it is not shown as a number. */
function totalOutside(rows: Counts[]): Record<Table, string[]> {
  const shownRows = rows.map((r) => outside(r));
  return outside(plus(...rows), (table, i) => shownRows.some((r) => !shownAsNumber(r[table][i] ?? '')));
}

/** What this file adds, on top of the demo data every test database holds. */
const noCases: Counts = { [byStatus]: [0, 0, 0, 0, 0, 0], [referrals]: [0, 0, 0], [who]: [0, 0, 0, 0, 0, 0] };
const addedAtRz1: Counts = {
  // raised, open, referred, other route, no further action, closed
  [byStatus]: [7, 4, 2, 0, 1, 0],
  // referred, to Channel, managed by police
  [referrals]: [2, 1, 1],
  // children, adults, patient, staff, visitor, other
  [who]: [1, 6, 5, 1, 1, 0],
};
const addedAtRz2: Counts = { [byStatus]: [1, 1, 0, 0, 0, 0], [referrals]: [0, 0, 0], [who]: [0, 1, 1, 0, 0, 0] };

describe('concern figures: counts only, for each organisation in reach', () => {
  let t: TestApp;
  let lead: Visitor;
  // The demo data's own counts, read by each organisation's lead before this file adds its cases.
  let before: { rz1: Counts; rz2: Counts; nz3: Counts; rz1EarlierYear: Counts };
  let expected: { rz1: Counts; rz2: Counts; nz3: Counts };
  const current = financialYearOf(todayInLondon());

  beforeAll(async () => {
    t = await testApp();
    const staff = await signedIn(t.app, demo.staff);
    lead = await signedIn(t.app, demo.operationalLead);
    const otherTrust = await signedIn(t.app, demo.otherTrustLead);
    const independent = await signedIn(t.app, demo.independentLead);
    before = {
      rz1: countsOf((await lead.get('/concerns/summary')).body, rz1),
      rz2: countsOf((await otherTrust.get('/concerns/summary')).body, rz2),
      nz3: countsOf((await independent.get('/concerns/summary')).body, nz3),
      rz1EarlierYear: countsOf((await lead.get(`/concerns/summary?year=${current - 1}`)).body, rz1),
    };
    expected = {
      rz1: plus(before.rz1, addedAtRz1),
      rz2: plus(before.rz2, addedAtRz2),
      nz3: plus(before.nz3, noCases),
    };
    const raised: string[] = [];
    for (const form of [
      concern('Anya Figurewell'),
      concern('Bo Figurewell', 'patient', '2015-05-05'),
      concern('Cal Figurewell', 'staff'),
      concern('Dee Figurewell', 'visitor'),
      concern('Eli Figurewell'),
      concern('Fay Figurewell'),
      concern('Hal Figurewell'),
    ]) {
      const response = await staff.post('/concerns', form);
      expect(response.statusCode).toBe(303);
      raised.push(raisedCaseId(response.headers.location));
    }
    const [, , , , nfa, toChannel, toPolice] = raised;
    expect((await lead.post(`/concerns/${nfa}/moves`, { to: 'no_further_action', reason: 'Not Prevent' })).statusCode).toBe(303);
    // Referrals as the referrals module records them, with the police's decision.
    for (const [id, pathway] of [
      [toChannel, 'channel_panel'],
      [toPolice, 'police_managed'],
    ]) {
      await t.database.db.execute(sql`update concern_cases set status = 'referred', referred_at = now() where id = ${id}`);
      await t.database.db.execute(sql`insert into referrals (org_id, case_id, referred_on, sent_how, pathway)
        select org_id, id, current_date, 'email', ${pathway} from concern_cases where id = ${id}`);
    }

    expect((await otherTrust.post('/concerns', concern('Gus Figurewell'))).statusCode).toBe(303);
  });
  afterAll(() => t.close());

  const neverACase = (html: string) => {
    const text = textOf(html);
    expect(text).not.toMatch(/PC-\d{4}-\d{4}/);
    expect(text).not.toContain('Demo Patient');
    expect(text).not.toContain('Figurewell');
    expect(html).not.toMatch(/href="\/concerns\/[0-9a-f]{8}-/);
  };

  it('shows the organisation’s own lead exact numbers for their organisation only', async () => {
    const page = await lead.get('/concerns/summary');
    expect(page.statusCode).toBe(200);
    expect(rowOf(page.body, byStatus, rz1)).toEqual(exactly(expected.rz1[byStatus]));
    expect(rowOf(page.body, referrals, rz1)).toEqual(exactly(expected.rz1[referrals]));
    expect(rowOf(page.body, who, rz1)).toEqual(exactly(expected.rz1[who]));
    const text = textOf(page.body);
    expect(text).not.toContain('Dales');
    expect(text).not.toContain(few);
    expect(text).not.toContain('Total');
    expect(text).toContain(`1 April ${current}`);
    neverACase(page.body);
  });

  it('shows the board viewer their own organisation only, small numbers suppressed (they never open cases)', async () => {
    const board = await signedIn(t.app, demo.boardViewer);
    const page = await board.get('/concerns/summary');
    expect(page.statusCode).toBe(200);
    expect(rowOf(page.body, byStatus, rz1)).toEqual(outside(expected.rz1)[byStatus]);
    expect(rowOf(page.body, who, rz1)).toEqual(outside(expected.rz1)[who]);
    expect(textOf(page.body)).not.toContain('Dales');
    neverACase(page.body);
  });

  it('shows the commissioner each provider it commissions and a total, with small numbers suppressed', async () => {
    const commissioner = await signedIn(t.app, demo.commissioner);
    const page = await commissioner.get('/concerns/summary');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain(
      'a count from 1 to 4 is shown as “fewer than 5”, every other count is rounded to the nearest 5',
    );
    // The demo's one case at each of RZ2 and NZ3 (and this file's one at RZ2) keep their counts from 1 to 4.
    expect(expected.rz2[byStatus][0]).toBeGreaterThanOrEqual(1);
    expect(expected.rz2[byStatus][0]).toBeLessThanOrEqual(4);
    expect(rowOf(page.body, byStatus, rz2)[0]).toBe(few);
    expect(rowOf(page.body, byStatus, rz1)).toEqual(outside(expected.rz1)[byStatus]);
    expect(rowOf(page.body, byStatus, rz2)).toEqual(outside(expected.rz2)[byStatus]);
    expect(rowOf(page.body, byStatus, nz3)).toEqual(outside(expected.nz3)[byStatus]);
    const total = totalOutside([expected.rz1, expected.rz2, expected.nz3]);
    expect(rowOf(page.body, byStatus, 'Total')).toEqual(total[byStatus]);
    expect(rowOf(page.body, referrals, rz1)).toEqual(outside(expected.rz1)[referrals]);
    expect(rowOf(page.body, referrals, 'Total')).toEqual(total[referrals]);
    expect(rowOf(page.body, who, 'Total')).toEqual(total[who]);
    // The ICB itself is not a provider.
    expect(textOf(page.body)).not.toContain('(QZZ)');
    neverACase(page.body);
  });

  it('shows the regional lead the providers in the region and a total, suppressed the same way', async () => {
    const regional = await signedIn(t.app, demo.regionalLead);
    const page = await regional.get('/concerns/summary');
    expect(page.statusCode).toBe(200);
    expect(rowOf(page.body, byStatus, rz1)).toEqual(outside(expected.rz1)[byStatus]);
    expect(rowOf(page.body, byStatus, rz2)).toEqual(outside(expected.rz2)[byStatus]);
    expect(rowOf(page.body, byStatus, rz2)[0]).toBe(few);
    expect(rowOf(page.body, byStatus, nz3)).toEqual(outside(expected.nz3)[byStatus]);
    const total = totalOutside([expected.rz1, expected.rz2, expected.nz3]);
    expect(rowOf(page.body, byStatus, 'Total')).toEqual(total[byStatus]);
    neverACase(page.body);
  });

  it('shows an earlier financial year, and refuses a year not on the list', async () => {
    const earlier = await lead.get(`/concerns/summary?year=${current - 1}`);
    expect(earlier.statusCode).toBe(200);
    expect(textOf(earlier.body)).toContain(`1 April ${current - 1} to 31 March ${current}`);
    // The concerns raised today count in this year only: the earlier year is as the demo left it.
    expect(countsOf(earlier.body, rz1)).toEqual(before.rz1EarlierYear);
    const refused = await lead.get('/concerns/summary?year=1999');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#year"');
    expect(textOf(refused.body)).toContain('Choose a financial year from the list');
  });

  it('is refused to staff, practitioners and system administrators', async () => {
    for (const who of [demo.staff, demo.practitioner, demo.systemAdmin]) {
      const visitor = await signedIn(t.app, who);
      expect((await visitor.get('/concerns/summary')).statusCode, who).toBe(403);
    }
  });
});
