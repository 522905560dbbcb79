import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../../test/harness.ts';
import { runDueJobs } from '../../../../test/modules.ts';
import { defaultColumnMapping, defaultCompetenceRules, defaultStatusMapping, levelOfCourse } from '../rules.ts';
import { EsrFileError, parseEsrDate, type ReadItem, readEsrRows } from './esr-csv.ts';
import * as imports from './service.ts';
import * as uploadJobs from './uploads.ts';

const headings =
  'Employee Number,Assignment Number,First Name,Last Name,Organisation,Directorate,Department,Position Title,Staff Group,Assignment Status,Competence Name,Achievement Date,Expiry Date';
const basic = 'NHS|CSTF|Preventing Radicalisation - Basic Prevent Awareness - 3 Years|';
const level3 = 'NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years|';
const fire = 'NHS|CSTF|Fire Safety - 2 Years|';
const today = '2026-06-01';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-import-test-'));
let fileCount = 0;
function fileOf(content: string | Buffer): string {
  const file = path.join(dir, `esr-${++fileCount}.csv`);
  fs.writeFileSync(file, content);
  return file;
}
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function readAll(file: string, mapping = defaultColumnMapping): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const batch of readEsrRows(file, { mapping, today })) items.push(...batch);
  return items;
}

/** Windows-1252 bytes of text with only Latin-1 characters and the curly apostrophe. */
function cp1252(text: string): Buffer {
  return Buffer.from([...text].map((c) => (c === '’' ? 0x92 : c.charCodeAt(0))));
}

describe('reading a staff record export', () => {
  it('reads each date format, as real calendar dates', () => {
    expect(parseEsrDate('05/03/2024')).toEqual({ date: '2024-03-05' });
    expect(parseEsrDate('5/3/2024')).toEqual({ date: '2024-03-05' });
    expect(parseEsrDate('05-Mar-2024')).toEqual({ date: '2024-03-05' });
    expect(parseEsrDate('05-MAR-2024')).toEqual({ date: '2024-03-05' });
    expect(parseEsrDate('29-feb-2024')).toEqual({ date: '2024-02-29' });
    expect(parseEsrDate('2024-03-05')).toEqual({ date: '2024-03-05' });
    expect(parseEsrDate('29/02/2023')).toEqual({ problem: 'Not a real date' });
    expect(parseEsrDate('2024-13-01')).toEqual({ problem: 'Not a real date' });
    expect(parseEsrDate('31-Apr-2024')).toEqual({ problem: 'Not a real date' });
    expect(parseEsrDate('05-Mai-2024')).toMatchObject({ problem: expect.stringContaining('"Mai" is not a month') });
    expect(parseEsrDate('05/03/24')).toMatchObject({ problem: expect.stringContaining('Use dd/mm/yyyy, dd-Mon-yyyy') });
    expect(parseEsrDate('March 5th')).toMatchObject({ problem: expect.stringContaining('Not a date in a form we read') });
  });

  it('reads real CSV: BOM, CRLF, quoted commas and quotes, blank lines, a value over two lines', async () => {
    const file = fileOf(
      `\ufeff${headings}\r\n` +
        `10000001,10000001-1,Ada,"Lovelace, Countess",Trust,Medicine,"Ward ""A""",Staff Nurse,Nursing and Midwifery Registered,Active Assignment,${basic},05/03/2024,05/03/2027\r\n` +
        '\r\n' +
        ',,,,,,,,,,,,\r\n' +
        `10000002,10000002-1,"Bo\r\nB",Smith,Trust,Medicine,Ward B,Porter,Estates and Ancillary,Active Assignment,${fire},,\r\n` +
        `10000003,10000003-1,Cy,Jones,Trust,Medicine,Ward C,Porter,Estates and Ancillary,Active Assignment,${level3},05-mar-2024,No Expiry`,
    );
    const items = await readAll(file);
    expect(items.map((i) => (i.ok ? i.row.line : -1))).toEqual([2, 5, 7]);
    const [first, second, third] = items.map((i) => (i.ok ? i.row : undefined));
    expect(first).toMatchObject({
      employeeNumber: '10000001',
      lastName: 'Lovelace, Countess',
      department: 'Ward "A"',
      achievedOn: '2024-03-05',
      expiresOn: '2027-03-05',
      noExpiry: false,
    });
    expect(second).toMatchObject({ firstName: 'Bo\nB', achievedOn: null, expiresOn: null });
    expect(third).toMatchObject({ achievedOn: '2024-03-05', expiresOn: null, noExpiry: true });
  });

  it('reads Windows-1252 names when the bytes are not UTF-8, and UTF-8 ones when they are', async () => {
    const row = (first: string, last: string) =>
      `20000001,20000001-1,${first},${last},Trust,Medicine,Ward,Nurse,Nursing and Midwifery Registered,Active Assignment,${basic},01/02/2025,`;
    const windows = await readAll(fileOf(cp1252(`${headings}\r\n${row('Zoë', 'Brontë')}\r\n${row('Seán', 'O’Neil')}\r\n`)));
    expect(windows.map((i) => (i.ok ? `${i.row.firstName} ${i.row.lastName}` : ''))).toEqual(['Zoë Brontë', 'Seán O’Neil']);
    const utf8 = await readAll(fileOf(Buffer.from(`${headings}\n${row('Zoë', 'O’Neil')}\n`, 'utf8')));
    expect(utf8.map((i) => (i.ok ? `${i.row.firstName} ${i.row.lastName}` : ''))).toEqual(['Zoë O’Neil']);
  });

  it('reports each problem with its line, column heading and value', async () => {
    const file = fileOf(
      `${headings}\r\n` +
        `1,1-1,Ann,Ash,T,D,Dep,P,Admin,Active Assignment,${basic},31/02/2024,\r\n` +
        '\r\n' +
        `2,2-1,Ben,,T,D,Dep,P,Admin,Active Assignment,${basic},2024-01-10,09/01/2024\r\n` +
        `3,3-1,Cat,Cole,T,D,Dep,P,Admin,Active Assignment,,05-Foo-2024,whenever\r\n` +
        `4,4-1,Dan,Dee,T,D,Dep,P,Admin,Active Assignment,${basic},02/06/2026,\r\n` +
        '5,5-1,Eve\r\n',
    );
    const problems = (await readAll(file)).flatMap((i) => (i.ok ? [] : i.problems));
    expect(problems).toEqual([
      { line: 2, column: 'Achievement Date', value: '31/02/2024', message: 'Not a real date' },
      { line: 4, column: 'Last Name', value: '', message: 'Blank: every row needs one' },
      { line: 4, column: 'Expiry Date', value: '09/01/2024', message: 'Before the achievement date' },
      { line: 5, column: 'Competence Name', value: '', message: 'Blank: every row needs one' },
      { line: 5, column: 'Achievement Date', value: '05-Foo-2024', message: expect.stringContaining('"Foo" is not a month') },
      { line: 5, column: 'Expiry Date', value: 'whenever', message: expect.stringContaining('or "No expiry"') },
      { line: 6, column: 'Achievement Date', value: '02/06/2026', message: expect.stringContaining('In the future') },
      {
        line: 7,
        column: '(whole row)',
        value: '5,5-1,Eve',
        message: expect.stringContaining('Has 3 columns; the heading row has 13'),
      },
    ]);
    // The same check on a row with nothing else wrong.
    const fixed = await readAll(
      fileOf(`${headings}\n2,2-1,Ben,Bell,T,D,Dep,P,Admin,Active Assignment,${basic},2024-01-10,09/01/2024\n`),
    );
    expect(fixed.flatMap((i) => (i.ok ? [] : i.problems))).toEqual([
      { line: 2, column: 'Expiry Date', value: '09/01/2024', message: 'Before the achievement date' },
    ]);
  });

  it('refuses a file whose headings do not match the mapping, naming every missing heading', async () => {
    const file = fileOf(`${headings.replace('Competence Name', 'Course').replace('Staff Group', 'Group')}\n1,1-1\n`);
    await expect(readAll(file)).rejects.toThrow(EsrFileError);
    await expect(readAll(file)).rejects.toThrow('The file has no column headed "Staff Group", "Competence Name"');
    // The organisation's own mapping reads it.
    const items = await readAll(
      fileOf(`${headings.replace('Competence Name', 'Course')}\n1,1-1,A,B,T,D,Dep,P,Admin,Active Assignment,${basic},,\n`),
      { ...defaultColumnMapping, competenceName: 'course' },
    );
    expect(items[0]).toMatchObject({ ok: true, row: { competenceName: basic } });
    await expect(readAll(fileOf(''))).rejects.toThrow('The file is empty');
    await expect(readAll(fileOf(`${headings}\r\n\r\n`))).rejects.toThrow('no staff rows');
  });

  it('maps ESR course names to Prevent levels with the default rules', () => {
    expect(levelOfCourse(defaultCompetenceRules, basic)).toBe('basic');
    expect(levelOfCourse(defaultCompetenceRules, level3)).toBe('level3');
    expect(levelOfCourse(defaultCompetenceRules, 'NHS|CSTF|Preventing Radicalisation - Level 1 - 3 Years|')).toBe('basic');
    expect(levelOfCourse(defaultCompetenceRules, '457|LOCAL|Preventing Radicalisation WRAP Workshop|')).toBe('level3');
    // A local course that does not say "Preventing Radicalisation" is not Prevent training by default.
    expect(levelOfCourse(defaultCompetenceRules, '457|LOCAL|Prevent WRAP Workshop|')).toBeUndefined();
    expect(levelOfCourse(defaultCompetenceRules, fire)).toBeUndefined();
  });
});

type Fields = {
  emp: string;
  first: string;
  last: string;
  dept?: string;
  position?: string;
  group: string;
  status?: string;
  course: string;
  achieved?: string;
  expiry?: string;
};
const csvRow = (r: Fields) =>
  [
    r.emp,
    `${r.emp}-1`,
    r.first,
    r.last,
    'Test Trust',
    'Medicine',
    r.dept ?? 'Ward 1',
    r.position ?? 'Staff',
    r.group,
    r.status ?? 'Active Assignment',
    r.course,
    r.achieved ?? '',
    r.expiry ?? '',
  ].join(',');
const esrFile = (rows: Fields[]) => fileOf(`\ufeff${headings}\r\n${rows.map(csvRow).join('\r\n')}\r\n`);

const nurse = 'Nursing and Midwifery Registered';
const admin = 'Administrative and Clerical';
const ahp = 'Allied Health Professionals';
const estates = 'Estates and Ancillary';

const first: Fields[] = [
  { emp: '100', first: 'Ann', last: 'Ash', group: nurse, course: basic, achieved: '05/03/2024' },
  { emp: '100', first: 'Ann', last: 'Ash', group: nurse, course: level3, achieved: '10-Jan-2025', expiry: '10/01/2028' },
  // The same assignment with a different first name: the last row wins.
  { emp: '100', first: 'Annie', last: 'Ash', group: nurse, course: fire, achieved: '2025-01-01' },
  { emp: '200', first: 'Ben', last: 'Bell', group: admin, course: basic },
  { emp: '200', first: 'Ben', last: 'Bell', group: admin, course: fire, achieved: '2025-02-02' },
  { emp: '300', first: 'Cat', last: 'Cole', group: ahp, status: 'Maternity & Adoption', course: level3, achieved: '2024-02-29' },
  { emp: '400', first: 'Dan', last: 'Dee', group: estates, course: basic, achieved: '01/06/2023', expiry: 'No expiry' },
  { emp: '400', first: 'Dan', last: 'Dee', group: estates, course: '457|LOCAL|Prevent WRAP Workshop|', achieved: '2025-05-05' },
  { emp: '500', first: 'Eve', last: 'East', group: admin, status: 'Terminated', course: basic, achieved: '2023-01-01' },
];

const second: Fields[] = [
  { emp: '100', first: 'Annie', last: 'Ash', dept: 'Ward 2', group: nurse, course: basic, achieved: '05/03/2024' },
  { emp: '100', first: 'Annie', last: 'Ash', dept: 'Ward 2', group: nurse, course: basic, achieved: '15/06/2026' },
  {
    emp: '100',
    first: 'Annie',
    last: 'Ash',
    dept: 'Ward 2',
    group: nurse,
    course: level3,
    achieved: '10-Jan-2025',
    expiry: '10/01/2028',
  },
  { emp: '300', first: 'Cat', last: 'Cole', group: ahp, course: level3, achieved: '2024-02-29' },
  { emp: '400', first: 'Dan', last: 'Dee', group: estates, course: basic, achieved: '01/06/2023', expiry: 'No expiry' },
  { emp: '500', first: 'Eve', last: 'East', group: admin, course: basic, achieved: '2023-01-01' },
  { emp: '600', first: 'Fay', last: 'Fox', group: admin, course: basic, achieved: '2026-06-20' },
];

describe('importing a staff record export', () => {
  let t: TestApp;
  let orgId: string;
  let uploads: string;

  beforeAll(async () => {
    uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-import-data-'));
    t = await testApp({ dataDir: uploads });
    const created = await t.database.db.execute(
      sql`insert into organisations (ods_code, name, kind, region) values ('ZT1', 'Test Trust', 'nhs_trust', 'Test') returning id`,
    );
    orgId = (created as unknown as { rows: { id: string }[] }).rows[0]?.id ?? '';
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(uploads, { recursive: true, force: true });
  });

  /** A trust of a test's own: the staff one test imports are not among those another test counts. */
  const aTrust = async (odsCode: string) =>
    (
      (await t.database.db.execute(
        sql`insert into organisations (ods_code, name, kind, region) values (${odsCode}, ${`Test Trust ${odsCode}`}, 'nhs_trust', 'Test') returning id`,
      )) as unknown as { rows: { id: string }[] }
    ).rows[0]?.id ?? '';

  async function importFile(file: string, options: { dryRun?: boolean; today: string; org?: string; confirmedLeavers?: number }) {
    const org = options.org ?? orgId;
    const dryRun = options.dryRun ?? false;
    const row = await uploadJobs.startDirectImport(t.database.db, org, {
      name: path.basename(file),
      bytes: fs.statSync(file).size,
      dryRun,
    });
    const outcome = await imports.runImport({
      database: t.database,
      orgId: org,
      importId: row.id,
      filePath: file,
      dryRun,
      confirmedLeavers: options.confirmedLeavers ?? null,
      actor: { userId: null, label: 'import test', ip: null },
      scope: { userId: null, orgIds: [org] },
      today: options.today,
    });
    return { id: row.id, ...outcome };
  }

  const query = async <T>(text: ReturnType<typeof sql>) => (await t.database.db.execute(text)) as unknown as { rows: T[] };
  type StaffLine = {
    assignment: string;
    first: string;
    dept: string;
    level: string;
    absent: boolean;
    left: string | null;
    updated: string;
  };
  const staffNow = async (of = orgId) =>
    (
      await query<StaffLine>(sql`select assignment_number as assignment, first_name as first, department as dept,
        required_level as level, long_term_absence as absent, left_on::text as left, updated_at::text as updated
        from staff where org_id = ${of} order by assignment_number`)
    ).rows;
  const recordsNow = async (of = orgId) =>
    (
      await query<{
        assignment: string;
        level: string;
        completed: string;
        expires: string | null;
        noExpiry: boolean;
        source: string;
      }>(
        sql`select s.assignment_number as assignment, r.level, r.completed_on::text as completed, r.expires_on::text as expires,
          r.no_expiry as "noExpiry", r.source from training_records r join staff s on s.id = r.staff_id
          where r.org_id = ${of} order by 1, 3, 2`,
      )
    ).rows;

  it('checks a file without writing anything, then imports it: staff, levels, leavers and Prevent records', async () => {
    const file = esrFile(first);
    const expected = {
      rowsRead: 9,
      staffInFile: 5,
      staffAdded: 5,
      staffUpdated: 0,
      staffLeft: 1,
      staffReturned: 0,
      preventRows: 6,
      otherCourses: 3,
      recordsInFile: 5,
      recordsAdded: 5,
      conflictingDetails: 1,
      // Eve arrives as a leaver: no one recorded becomes one. Cat is on maternity leave, out of scope.
      staffLeaving: 0,
      staffBefore: 0,
      inScopeBefore: 0,
      inScopeAfter: 3,
      leaverConfirmationPercent: 10,
    };
    const checked = await importFile(file, { dryRun: true, today: '2026-06-01' });
    expect(checked).toMatchObject({ status: 'checked', errorCount: 0, summary: expected });
    expect(await staffNow()).toEqual([]);
    expect(await recordsNow()).toEqual([]);

    const done = await importFile(file, { today: '2026-06-01' });
    expect(done).toMatchObject({ status: 'imported', errorCount: 0, rowsRead: 9, summary: expected });
    expect((await staffNow()).map(({ updated: _, ...s }) => s)).toEqual([
      { assignment: '100-1', first: 'Annie', dept: 'Ward 1', level: 'level3', absent: false, left: null },
      { assignment: '200-1', first: 'Ben', dept: 'Ward 1', level: 'basic', absent: false, left: null },
      { assignment: '300-1', first: 'Cat', dept: 'Ward 1', level: 'level3', absent: true, left: null },
      { assignment: '400-1', first: 'Dan', dept: 'Ward 1', level: 'basic', absent: false, left: null },
      { assignment: '500-1', first: 'Eve', dept: 'Ward 1', level: 'basic', absent: false, left: '2026-06-01' },
    ]);
    expect(await recordsNow()).toEqual([
      { assignment: '100-1', level: 'basic', completed: '2024-03-05', expires: '2027-03-05', noExpiry: false, source: 'import' },
      { assignment: '100-1', level: 'level3', completed: '2025-01-10', expires: '2028-01-10', noExpiry: false, source: 'import' },
      // Three years after 29 February is 28 February, as by hand and by API (rules.ts defaultExpiry).
      { assignment: '300-1', level: 'level3', completed: '2024-02-29', expires: '2027-02-28', noExpiry: false, source: 'import' },
      { assignment: '400-1', level: 'basic', completed: '2023-06-01', expires: null, noExpiry: true, source: 'import' },
      { assignment: '500-1', level: 'basic', completed: '2023-01-01', expires: '2026-01-01', noExpiry: false, source: 'import' },
    ]);
    // The best expiries kept on each staff row for the compliance figures follow the import.
    const best = await query<{ assignment: string; any: string | null; l3: string | null }>(
      sql`select assignment_number as assignment, best_expiry_any::text as any, best_expiry_level3::text as l3
        from staff where org_id = ${orgId} order by 1`,
    );
    expect(best.rows).toEqual([
      { assignment: '100-1', any: '2028-01-10', l3: '2028-01-10' },
      { assignment: '200-1', any: null, l3: null },
      { assignment: '300-1', any: '2027-02-28', l3: '2027-02-28' },
      { assignment: '400-1', any: 'infinity', l3: null },
      { assignment: '500-1', any: '2026-01-01', l3: null },
    ]);
    const stored = await query<{
      status: string;
      summary: unknown;
      error_count: number;
      bytes_read: number;
      bytes_total: number;
    }>(sql`select status, summary, error_count, bytes_read, bytes_total from training_imports where id = ${done.id}`);
    expect(stored.rows[0]).toMatchObject({ status: 'imported', summary: expected, error_count: 0 });
    expect(stored.rows[0]?.bytes_read).toBe(fs.statSync(file).size);
    const events = await query<{ action: string; details: Record<string, unknown> }>(
      sql`select action, details from audit_events where record_id = ${done.id}`,
    );
    expect(events.rows).toEqual([{ action: 'training.imported', details: expected }]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const org = await aTrust('ZT2');
    await importFile(esrFile(first), { today: '2026-06-01', org });
    const before = await staffNow(org);
    const again = await importFile(esrFile(first), { today: '2026-06-02', org });
    expect(again.summary).toMatchObject({ staffAdded: 0, staffUpdated: 0, staffLeft: 0, staffReturned: 0, recordsAdded: 0 });
    expect(await staffNow(org)).toEqual(before);
  });

  it('updates from a newer file: changes, leavers, returners and new records; a check first gives the same counts; 1 leaver of 4 staff is confirmed first', async () => {
    // The newer file follows the first, imported on 1 June.
    const org = await aTrust('ZT3');
    await importFile(esrFile(first), { today: '2026-06-01', org });
    const before = await staffNow(org);
    const file = esrFile(second);
    const expected = {
      rowsRead: 7,
      staffInFile: 5,
      staffAdded: 1,
      staffUpdated: 3,
      staffLeft: 1,
      staffReturned: 1,
      preventRows: 7,
      otherCourses: 0,
      recordsInFile: 7,
      recordsAdded: 2,
      conflictingDetails: 0,
      staffLeaving: 1,
      staffBefore: 4,
      inScopeBefore: 3,
      inScopeAfter: 5,
      leaverConfirmationPercent: 10,
    };
    expect(await importFile(file, { dryRun: true, today: '2026-07-01', org })).toMatchObject({
      status: 'checked',
      summary: expected,
    });
    expect(await staffNow(org)).toEqual(before);

    // Ben leaving is 25 % of the staff, above the 10 % that needs confirming: without the number (or with
    // another one) nothing is imported, and the summary says what it would have done.
    for (const confirmedLeavers of [undefined, 2]) {
      const unconfirmed = await importFile(file, { today: '2026-07-01', org, ...(confirmedLeavers ? { confirmedLeavers } : {}) });
      expect(unconfirmed).toMatchObject({ status: 'unconfirmed', summary: expected });
      expect(await staffNow(org)).toEqual(before);
    }
    expect(await importFile(file, { today: '2026-07-01', org, confirmedLeavers: 1 })).toMatchObject({
      status: 'imported',
      summary: expected,
    });
    const after = await staffNow(org);
    expect(after.map(({ updated: _, ...s }) => s)).toEqual([
      { assignment: '100-1', first: 'Annie', dept: 'Ward 2', level: 'level3', absent: false, left: null },
      { assignment: '200-1', first: 'Ben', dept: 'Ward 1', level: 'basic', absent: false, left: '2026-07-01' },
      { assignment: '300-1', first: 'Cat', dept: 'Ward 1', level: 'level3', absent: false, left: null },
      { assignment: '400-1', first: 'Dan', dept: 'Ward 1', level: 'basic', absent: false, left: null },
      { assignment: '500-1', first: 'Eve', dept: 'Ward 1', level: 'basic', absent: false, left: null },
      { assignment: '600-1', first: 'Fay', dept: 'Ward 1', level: 'basic', absent: false, left: null },
    ]);
    // Dan is unchanged, and so is the moment he was last updated.
    expect(after[3]?.updated).toBe(before[3]?.updated);
    expect(
      (await recordsNow(org)).filter((r) => r.completed >= '2026-01-01').map((r) => [r.assignment, r.completed, r.expires]),
    ).toEqual([
      ['100-1', '2026-06-15', '2029-06-15'],
      ['600-1', '2026-06-20', '2029-06-20'],
    ]);
  });

  it('writes nothing when one row in a thousand is invalid, and keeps the report', async () => {
    // Staff and records already there, to be left as they are.
    const org = await aTrust('ZT4');
    await importFile(esrFile(first), { today: '2026-06-01', org });
    const staffBefore = await staffNow(org);
    const recordsBefore = await recordsNow(org);
    const rows: Fields[] = [];
    for (let i = 0; i < 1000; i++) {
      rows.push({
        emp: String(1000 + i),
        first: 'Pat',
        last: `Person ${i}`,
        group: admin,
        course: basic,
        achieved: i === 499 ? '30/02/2026' : '01/02/2026',
      });
    }
    const outcome = await importFile(esrFile(rows), { today: '2026-07-02', org });
    expect(outcome).toMatchObject({
      status: 'invalid',
      rowsRead: 1000,
      errorCount: 1,
      summary: null,
      problems: [{ line: 501, column: 'Achievement Date', value: '30/02/2026', message: 'Not a real date' }],
    });
    expect(await staffNow(org)).toEqual(staffBefore);
    expect(await recordsNow(org)).toEqual(recordsBefore);
    const stored = await query<{ line: number; column: string; value: string; message: string }>(
      sql`select line, "column", value, message from training_import_errors where import_id = ${outcome.id}`,
    );
    expect(stored.rows).toEqual([{ line: 501, column: 'Achievement Date', value: '30/02/2026', message: 'Not a real date' }]);
    const status = await query<{ status: string; error_count: number }>(
      sql`select status, error_count from training_imports where id = ${outcome.id}`,
    );
    expect(status.rows[0]).toEqual({ status: 'invalid', error_count: 1 });
  });

  it('fails a file with a missing heading, saying which, and writes nothing', async () => {
    // The six staff of the two good files, to be left as they are.
    const org = await aTrust('ZT5');
    await importFile(esrFile(first), { today: '2026-06-01', org });
    await importFile(esrFile(second), { today: '2026-07-01', org, confirmedLeavers: 1 });
    const before = await staffNow(org);
    const outcome = await importFile(
      fileOf(`${headings.replace(',Expiry Date', '')}\n1,1-1,A,B,T,D,Dep,P,Admin,Active,${basic},\n`),
      {
        today: '2026-07-02',
        org,
      },
    );
    expect(outcome).toMatchObject({ status: 'failed', failure: expect.stringContaining('no column headed "Expiry Date"') });
    expect((await staffNow(org)).length).toBe(6);
    expect(await staffNow(org)).toEqual(before);
  });

  it('reads ESR’s own absence statuses as out of scope: “Long Term Absence” is not counted', async () => {
    const org = await aTrust('ZT6');
    const statuses = [
      'Long Term Absence',
      'Long Term Sickness',
      'Career Break',
      'Out on External Secondment',
      'Suspend Assignment',
    ];
    const rows: Fields[] = [
      ...statuses.map((status, i) => ({ emp: String(700 + i), first: 'Al', last: 'Away', group: admin, status, course: basic })),
      { emp: '790', first: 'Ida', last: 'Here', group: admin, status: 'Acting Up', course: basic },
      { emp: '791', first: 'Ira', last: 'Gone', group: admin, status: 'terminate  assignment', course: basic },
    ];
    const outcome = await importFile(esrFile(rows), { today: '2026-06-01', org });
    expect(outcome).toMatchObject({ status: 'imported', summary: { inScopeAfter: 1 } });
    expect((await staffNow(org)).map((s) => [s.assignment, s.absent, s.left])).toEqual([
      ...statuses.map((_, i) => [`${700 + i}-1`, true, null]),
      ['790-1', false, null],
      ['791-1', false, '2026-06-01'],
    ]);
  });

  it('refuses a file with statuses the settings do not know, naming each with its rows; once mapped, the file goes in', async () => {
    const org = await aTrust('ZT7');
    const rows: Fields[] = [
      { emp: '800', first: 'Al', last: 'One', group: admin, status: 'Gardening Leave', course: basic },
      { emp: '801', first: 'Bo', last: 'Two', group: admin, course: basic },
      ...Array.from({ length: 12 }, (_, i) => ({
        emp: String(810 + i),
        first: 'Cy',
        last: `Three ${i}`,
        group: admin,
        status: i % 2 ? 'Long Term Absense' : 'long term absense',
        course: basic,
      })),
    ];
    const file = esrFile(rows);
    for (const dryRun of [true, false]) {
      const outcome = await importFile(file, { dryRun, today: '2026-06-01', org });
      expect(outcome).toMatchObject({ status: 'invalid', errorCount: 2, summary: null });
      expect(outcome.problems).toEqual([
        {
          line: 2,
          column: 'Assignment Status',
          value: 'Gardening Leave',
          message: expect.stringContaining(
            '“Gardening Leave” is not an assignment status the import settings know (1 row: line 2)',
          ),
        },
        {
          line: 4,
          column: 'Assignment Status',
          value: 'long term absense',
          message: expect.stringContaining(
            '(12 rows: lines 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 and 2 more). Add it to the import settings',
          ),
        },
      ]);
      expect(await staffNow(org)).toEqual([]);
    }
    const statusMapping = {
      ...defaultStatusMapping,
      long_term_absence: [...defaultStatusMapping.long_term_absence, 'Gardening Leave', 'Long Term Absense'],
    };
    await t.database.db.execute(sql`insert into training_import_settings (org_id, column_mapping, competence_rules, status_mapping)
      values (${org}, ${JSON.stringify(defaultColumnMapping)}::jsonb, ${JSON.stringify(defaultCompetenceRules)}::jsonb, ${JSON.stringify(statusMapping)}::jsonb)`);
    expect(await importFile(file, { today: '2026-06-01', org })).toMatchObject({
      status: 'imported',
      summary: { staffAdded: 14, inScopeAfter: 1 },
    });
  });

  it('asks for the leavers of a partial file to be confirmed, saying how the headcount in scope falls', async () => {
    const org = await aTrust('ZT8');
    const staffOf = (count: number): Fields[] =>
      Array.from({ length: count }, (_, i) => ({
        emp: String(900 + i),
        first: 'Pat',
        last: `P${i}`,
        group: admin,
        course: basic,
      }));
    await importFile(esrFile(staffOf(40)), { today: '2026-06-01', org });
    // 4 of 40 leaving is exactly 10 %: no confirmation. 5 of the remaining 36 is more than 10 %.
    expect(await importFile(esrFile(staffOf(36)), { today: '2026-06-02', org })).toMatchObject({
      status: 'imported',
      summary: { staffLeaving: 4, staffBefore: 40 },
    });
    const partial = esrFile(staffOf(4));
    const checked = await importFile(partial, { dryRun: true, today: '2026-06-03', org });
    expect(checked).toMatchObject({
      status: 'checked',
      summary: { staffLeaving: 32, staffBefore: 36, inScopeBefore: 36, inScopeAfter: 4 },
    });
    const refused = await importFile(partial, { today: '2026-06-03', org });
    expect(refused).toMatchObject({ status: 'unconfirmed', summary: { staffLeaving: 32, inScopeAfter: 4 } });
    expect((await staffNow(org)).filter((s) => s.left === null)).toHaveLength(36);
    const stored = await query<{ status: string }>(sql`select status from training_imports where id = ${refused.id}`);
    expect(stored.rows[0]?.status).toBe('unconfirmed');
    expect(await importFile(partial, { today: '2026-06-03', org, confirmedLeavers: 32 })).toMatchObject({ status: 'imported' });
    expect((await staffNow(org)).filter((s) => s.left === null)).toHaveLength(4);
  });
});

/** A multipart/form-data body as a browser builds it: the CSRF token first, then the other fields, then the file. */
function multipartBody(fields: [string, string][], file?: { name: string; content: Buffer | string }) {
  const boundary = `----PreventAssureTest${randomUUID()}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('the import pages', () => {
  let t: TestApp;
  let trainer: Visitor;
  let uploads: string;

  beforeAll(async () => {
    uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-import-data-'));
    t = await testApp({ dataDir: uploads });
    trainer = await signedIn(t.app, demo.trainingAdmin);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(uploads, { recursive: true, force: true });
  });

  const upload = async (visitor: Visitor, file: { name: string; content: Buffer | string } | undefined, checkOnly = false) => {
    await visitor.get('/training/import');
    const fields: [string, string][] = [['_csrf', visitor.csrf]];
    if (checkOnly) fields.push(['checkOnly', 'yes']);
    const { payload, contentType } = multipartBody(fields, file);
    return t.app.inject({
      method: 'POST',
      url: '/training/import',
      payload,
      headers: { cookie: visitor.cookieHeader, 'content-type': contentType },
    });
  };
  const rz1 = async () =>
    (
      (await t.database.db.execute(sql`select id from organisations where ods_code = 'RZ1'`)) as unknown as {
        rows: { id: string }[];
      }
    ).rows[0]?.id ?? '';
  const activeStaffOf = async (orgId: string) =>
    (
      (await t.database.db.execute(
        sql`select count(*)::int as n from staff where org_id = ${orgId} and left_on is null`,
      )) as unknown as { rows: { n: number }[] }
    ).rows[0]?.n ?? 0;

  it('uploads a file with problems, shows the report on screen and as CSV, then imports the fixed file', async () => {
    const orgId = await rz1();
    const before = await activeStaffOf(orgId);
    const bad = `${headings}\r\n${csvRow({ emp: '900', first: 'Gil', last: 'Grey', group: admin, course: basic, achieved: '31/09/2025' })}\r\n${csvRow({ emp: '901', first: '=HYPERLINK("x")', last: 'Hill', group: admin, course: basic, achieved: 'soon' })}\r\n`;
    const posted = await upload(trainer, { name: 'esr export.csv', content: bad });
    expect(posted.statusCode).toBe(303);
    const page = posted.headers.location ?? '';
    expect(page).toMatch(/^\/training\/imports\/[0-9a-f-]{36}$/);
    const waiting = await trainer.get(page);
    expect(waiting.statusCode).toBe(200);
    expect(waiting.body).toContain('<meta http-equiv="refresh" content="2">');
    expect(textOf(waiting.body)).toContain('Waiting to start');

    await runDueJobs(t.database);
    const report = await trainer.get(page);
    expect(report.body).not.toContain('http-equiv="refresh"');
    const text = textOf(report.body);
    expect(text).toContain('Nothing was imported');
    expect(text).toContain('The file has 2 problems');
    expect(text).toContain('Line 2 Column Achievement Date Value 31/09/2025 Problem Not a real date');
    expect(text).toContain('Line 3 Column Achievement Date Value soon Problem Not a date in a form we read');
    // The upload is not kept once it is done with.
    expect(fs.readdirSync(path.join(uploads, 'imports'))).toEqual([]);

    const csv = await trainer.get(`${page}/errors.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="import-errors-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(csv.body).toBe(
      'Line,Column,Value,Problem\r\n' +
        '2,Achievement Date,31/09/2025,Not a real date\r\n' +
        `3,Achievement Date,soon,"${'Not a date in a form we read. Use dd/mm/yyyy, dd-Mon-yyyy (like 05-Mar-2024) or yyyy-mm-dd'}"\r\n`,
    );
    expect(await activeStaffOf(orgId)).toBe(before);

    // A value that a spreadsheet would run as a formula comes back as text.
    const formula = await upload(trainer, {
      name: 'formula.csv',
      content: `${headings}\n${csvRow({ emp: '902', first: '=1+2', last: 'Ivy', group: admin, course: '', achieved: '' })}\n`,
    });
    await runDueJobs(t.database);
    const formulaCsv = await trainer.get(`${formula.headers.location}/errors.csv`);
    expect(formulaCsv.body).toContain('2,Competence Name,,Blank: every row needs one');

    // Check only, then the real import: the whole demo organisation is in neither file, so all but the two people leave.
    const good = `${headings}\r\n${csvRow({ emp: '900', first: 'Gil', last: 'Grey', group: admin, course: basic, achieved: '30/09/2025' })}\r\n${csvRow({ emp: '901', first: 'Hal', last: 'Hill', group: nurse, course: level3, achieved: '01-Oct-2025' })}\r\n`;
    const check = await upload(trainer, { name: 'esr.csv', content: good }, true);
    await runDueJobs(t.database);
    const checkText = textOf((await trainer.get(check.headers.location ?? '')).body);
    expect(checkText).toContain('Checked: no errors');
    expect(checkText).toContain(`Staff marked as leavers ${before}`);
    expect(await activeStaffOf(orgId)).toBe(before);

    expect(checkText).toContain(`${before} of ${before} staff would become leavers`);

    // Importing it stops until the number of leavers is confirmed; the file waits for that.
    const real = await upload(trainer, { name: 'esr.csv', content: good });
    const realPage = real.headers.location ?? '';
    await runDueJobs(t.database);
    const unconfirmed = textOf((await trainer.get(realPage)).body);
    expect(unconfirmed).toContain('Nothing was imported: confirm the leavers');
    expect(unconfirmed).toContain(`This file would make ${before} of ${before} staff leavers (100%), more than the 10%`);
    expect(unconfirmed).toMatch(/Staff in scope would fall from \d+ to 2\./);
    expect(await activeStaffOf(orgId)).toBe(before);
    expect(fs.readdirSync(path.join(uploads, 'imports'))).toHaveLength(1);
    for (const [typed, message] of [
      ['', `Enter the number of staff who will become leavers (${before})`],
      ['12', `Enter ${before}, the number of staff this file makes leavers: you entered 12`],
    ] as const) {
      const wrong = await trainer.post(`${realPage}/confirm-leavers`, { confirmLeavers: typed });
      expect(wrong.statusCode).toBe(400);
      expect(textOf(wrong.body)).toContain(message);
    }
    expect(await activeStaffOf(orgId)).toBe(before);
    const confirmed = await trainer.post(`${realPage}/confirm-leavers`, { confirmLeavers: String(before) });
    expect(confirmed.statusCode).toBe(303);
    await runDueJobs(t.database);
    const done = textOf((await trainer.get(realPage)).body);
    expect(done).toContain('Imported');
    expect(done).toContain('Staff added 2');
    expect(done).toContain('Prevent training records added 2');
    expect(await activeStaffOf(orgId)).toBe(2);
    expect(fs.readdirSync(path.join(uploads, 'imports'))).toEqual([]);
    const list = textOf((await trainer.get('/training/import')).body);
    expect(list).toContain('esr.csv');
    expect(list).toContain('esr export.csv');
  });

  it('refuses an upload with no file, or without a valid token, and records nothing', async () => {
    const none = await upload(trainer, undefined);
    expect(none.statusCode).toBe(400);
    expect(textOf(none.body)).toContain('Choose the staff record export to import');
    const { payload, contentType } = multipartBody([['_csrf', 'wrong']], { name: 'x.csv', content: headings });
    const forged = await t.app.inject({
      method: 'POST',
      url: '/training/import',
      payload,
      headers: { cookie: trainer.cookieHeader, 'content-type': contentType },
    });
    expect(forged.statusCode).toBe(403);
    const notMultipart = await trainer.post('/training/import', {});
    expect(notMultipart.statusCode).toBe(415);
    expect(fs.readdirSync(path.join(uploads, 'imports'))).toEqual([]);
  });

  it('saves the column mapping and course rules for the organisation only, and resets them', async () => {
    const form = await trainer.get('/training/import/settings');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Competence Name"');
    expect(form.body).toContain('value="Preventing Radicalisation, Level 3"');

    const fields: Record<string, string> = {};
    for (const [field, heading] of Object.entries(defaultColumnMapping)) fields[`column-${field}`] = heading;
    fields['column-competenceName'] = 'Course Title';
    fields['column-email'] = 'Work Email';
    fields['rule-0-phrases'] = 'Prevent WRAP';
    fields['rule-0-level'] = 'level3';
    fields['rule-1-phrases'] = 'Preventing Radicalisation';
    fields['rule-1-level'] = 'basic';
    fields['rule-2-phrases'] = '';
    fields['rule-2-level'] = 'basic';
    fields['statuses-in_scope'] = 'Active Assignment\r\nActing Up';
    fields['statuses-long_term_absence'] = 'Long Term Absence\r\n  Gardening   Leave \r\n';
    fields['statuses-leaver'] = 'Terminate Assignment';
    // The file below holds one person: the trust's other staff leave without a confirmation at 100 %.
    fields.leaverConfirmationPercent = '100';
    expect(form.body).toContain('Out on External Secondment');
    expect(form.body).toContain('value="10"');
    const saved = await trainer.post('/training/import/settings', fields);
    expect(saved.statusCode).toBe(303);
    const orgId = await rz1();
    const stored = await imports.importSettingsIn(t.database.db, orgId);
    expect(stored).toMatchObject({
      isDefault: false,
      columnMapping: { competenceName: 'Course Title', email: 'Work Email', employeeNumber: 'Employee Number' },
      competenceRules: [
        { phrases: ['Prevent WRAP'], level: 'level3' },
        { phrases: ['Preventing Radicalisation'], level: 'basic' },
      ],
      statusMapping: {
        in_scope: ['Active Assignment', 'Acting Up'],
        long_term_absence: ['Long Term Absence', 'Gardening   Leave'],
        leaver: ['Terminate Assignment'],
      },
      leaverConfirmationPercent: 100,
    });
    // Another organisation still has the defaults.
    const other = (
      (await t.database.db.execute(sql`select id from organisations where ods_code = 'RZ2'`)) as unknown as {
        rows: { id: string }[];
      }
    ).rows[0]?.id;
    expect((await imports.importSettingsIn(t.database.db, other ?? '')).isDefault).toBe(true);

    // The saved settings are used: the local WRAP workshop is now level 3 training.
    const file = `${headings.replace('Competence Name', 'Course Title')},Work Email\n${csvRow({ emp: '950', first: 'Jo', last: 'Jay', group: admin, course: '457|LOCAL|Prevent WRAP Workshop|', achieved: '2025-05-05' })},jo.jay@nhs.example\n`;
    const posted = await upload(trainer, { name: 'local.csv', content: file });
    await runDueJobs(t.database);
    expect(textOf((await trainer.get(posted.headers.location ?? '')).body)).toContain('Prevent training records added 1');
    const jo = (
      (await t.database.db.execute(
        sql`select s.email, r.level from staff s join training_records r on r.staff_id = s.id where s.assignment_number = '950-1'`,
      )) as unknown as { rows: { email: string; level: string }[] }
    ).rows;
    expect(jo).toEqual([{ email: 'jo.jay@nhs.example', level: 'level3' }]);

    const wrong = await trainer.post('/training/import/settings', {
      ...fields,
      'column-lastName': '',
      'column-firstName': 'course title',
      'rule-0-level': '',
      'statuses-leaver': 'Terminate Assignment\nacting up',
      'statuses-in_scope': 'Acting Up',
      leaverConfirmationPercent: 'ten',
    });
    expect(wrong.statusCode).toBe(400);
    const problems = textOf(wrong.body);
    expect(problems).toContain('Leaver: “acting up” is also under in scope: a status can be in one list only');
    expect(problems).toContain('The percentage must be a whole number from 0 to 100');
    expect((await imports.importSettingsIn(t.database.db, orgId)).leaverConfirmationPercent).toBe(100);
    expect(problems).toContain('Enter the heading of the column that holds the last name');
    expect(problems).toContain('“Course Title” is already the heading for first name');
    expect(problems).toContain('Rule 1: choose the Prevent level these courses give');

    expect((await trainer.post('/training/import/settings', { action: 'reset' })).statusCode).toBe(303);
    expect((await imports.importSettingsIn(t.database.db, orgId)).isDefault).toBe(true);
    const events = (
      (await t.database.db.execute(
        sql`select action from audit_events where action like 'training.import%' order by seq`,
      )) as unknown as { rows: { action: string }[] }
    ).rows.map((r) => r.action);
    expect(events).toEqual(
      expect.arrayContaining(['training.import-settings.saved', 'training.import-settings.reset', 'training.imported']),
    );
  });

  it('lets only training administrators reach the import pages', async () => {
    // An import of the trust's, whose report pages are among those tried: only checked, so no staff change.
    const row = csvRow({ emp: '960', first: 'Kit', last: 'Kay', group: admin, course: basic, achieved: '2025-05-05' });
    await upload(trainer, { name: 'checked.csv', content: `${headings}\n${row}\n` }, true);
    await runDueJobs(t.database);
    const anImport = (await trainer.get('/training/import')).body.match(/href="(\/training\/imports\/[0-9a-f-]{36})"/)?.[1] ?? '';
    expect(anImport).not.toBe('');
    const pages = ['/training/import', '/training/import/settings', anImport, `${anImport}/errors.csv`];
    for (const page of pages) expect((await trainer.get(page)).statusCode, page).toBe(200);
    for (const who of [
      demo.staff,
      demo.operationalLead,
      demo.accountableLead,
      demo.boardViewer,
      demo.commissioner,
      demo.otherTrustLead,
    ]) {
      const visitor = await signedIn(t.app, who);
      for (const page of pages) expect((await visitor.get(page)).statusCode, `${who} ${page}`).toBe(403);
      expect((await visitor.post('/training/import/settings', { action: 'reset' })).statusCode, who).toBe(403);
      expect((await upload(visitor, { name: 'x.csv', content: headings })).statusCode, who).toBe(403);
    }
    // Another organisation's training administrator would not find the import: it is not theirs.
    const random = `/training/imports/${randomUUID()}`;
    expect((await trainer.get(random)).statusCode).toBe(404);
    expect((await trainer.get(`${random}/errors.csv`)).statusCode).toBe(404);
  });
});
