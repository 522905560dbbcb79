import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type Run, runCli, runCliInProcess, stackFrame } from '../../test/cli.ts';
import { type DetachedDatabase, detachedCopyOfTemplate } from '../../test/databases.ts';

/** The real launcher in a child process, as an operator runs it; stderr is a pipe, not a terminal. */
const cli = (target: Pick<DetachedDatabase, 'env'>, args: string[]) => runCli(target.env, args);
/** The same command in this process (test/cli.ts): seconds faster; the child runs prove the launcher. */
const run = (target: Pick<DetachedDatabase, 'env'>, args: string[]) => runCliInProcess(target.env, args);

const headings =
  'Employee Number,Assignment Number,First Name,Last Name,Organisation,Directorate,Department,Position Title,Staff Group,Assignment Status,Competence Name,Achievement Date,Expiry Date';
const basic = 'NHS|CSTF|Preventing Radicalisation - Basic Prevent Awareness - 3 Years|';
const level3 = 'NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years|';
const row = (n: number, achieved: string, course = basic, group = 'Administrative and Clerical') =>
  `${n},${n}-1,Sam,"Sample, ${n}",Harbourside,Clinics,Reception,Receptionist,${group},Active Assignment,${course},${achieved},`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-cli-import-'));
function fileOf(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

let target: DetachedDatabase | undefined;
afterAll(async () => {
  await target?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function inDatabase<T>(work: (db: Awaited<ReturnType<DetachedDatabase['open']>>['db']) => Promise<T>): Promise<T> {
  if (!target) throw new Error('no database');
  const database = await target.open();
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

const countsAtNZ3 = (db: Awaited<ReturnType<DetachedDatabase['open']>>['db']) =>
  db
    .execute(
      sql`select count(*) filter (where s.left_on is null)::int as active, count(*)::int as staff,
        (select count(*)::int from training_records r where r.org_id = o.id) as records
        from organisations o left join staff s on s.org_id = o.id where o.ods_code = 'NZ3' group by o.id`,
    )
    .then((r) => (r as unknown as { rows: { active: number; staff: number; records: number }[] }).rows[0]);

describe('prevent-assure import training', { timeout: 600_000 }, () => {
  it('checks, refuses with a report, imports, and changes nothing the second time', async () => {
    target = await detachedCopyOfTemplate(inject('template'));
    const db = target;
    const before = await inDatabase(countsAtNZ3);
    if (!before) throw new Error('NZ3 missing');

    const clean = fileOf('clean.csv', [headings, row(1, '05/03/2024'), row(1, '10-Jan-2025', level3), row(2, '')]);
    // Typing mistakes are caught before the database is opened.
    const [noFile, noOrg, unknownFlag, missingFile] = await Promise.all([
      run(db, ['import', 'training', '--org', 'NZ3']),
      run(db, ['import', 'training', clean]),
      cli(db, ['import', 'training', clean, '--org', 'NZ3', '--force']),
      run(db, ['import', 'training', path.join(dir, 'nowhere.csv'), '--org', 'NZ3']),
    ]);
    const unknownOrg = await run(db, ['import', 'training', clean, '--org', 'ABC']);
    for (const [result, message] of [
      [noFile, 'Say which file to import'],
      [noOrg, 'Missing --org'],
      [unknownFlag, 'Unknown flag --force'],
      [missingFile, 'FILE: Cannot read'],
      [unknownOrg, '--org: No organisation has the ODS code ABC'],
    ] as [Run, string][]) {
      expect({ code: result.code, stdout: result.stdout }, message).toEqual({ code: 2, stdout: '' });
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(stackFrame);
    }

    // 60 bad rows: 50 are printed, then the count of the rest.
    const badLines = [headings, row(1, '05/03/2024')];
    for (let n = 0; n < 60; n++) badLines.push(row(100 + n, '31/02/2024'));
    const bad = await run(db, ['import', 'training', fileOf('bad.csv', badLines), '--org', 'NZ3']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    const lines = bad.stderr.trim().split('\n');
    expect(lines[0]).toBe('line 3, Achievement Date: Not a real date (value "31/02/2024")');
    expect(lines[49]).toBe('line 52, Achievement Date: Not a real date (value "31/02/2024")');
    expect(lines[50]).toBe('and 10 more');
    expect(lines[51]).toContain('60 problems in 61 rows. Nothing was imported.');

    const missingHeading = await run(db, [
      'import',
      'training',
      fileOf('short.csv', [headings.replace(',Expiry Date', '')]),
      '--org',
      'NZ3',
    ]);
    expect(missingHeading.code).toBe(2);
    expect(missingHeading.stderr).toContain('The file has no column headed "Expiry Date"');
    expect(await inDatabase(countsAtNZ3)).toEqual(before);

    const checked = await run(db, ['import', 'training', clean, '--org', 'nz3', '--dry-run']);
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    expect(checked.stdout).toContain('no problems in 3 rows. Nothing was imported');
    expect(checked.stdout).toMatch(/staff added: +2\n/);
    expect(checked.stdout).toMatch(
      new RegExp(
        `staff marked as leavers: +${before.active} \\(${before.active} of the ${before.active} staff recorded before\\)\\n`,
      ),
    );
    expect(checked.stdout).toMatch(/staff in scope: +\d+ before, 2 after\n/);
    expect(await inDatabase(countsAtNZ3)).toEqual(before);

    // A file of 2 staff would make every one of the trust's staff a leaver: it needs that number confirmed.
    const unconfirmed = await run(db, ['import', 'training', clean, '--org', 'NZ3']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain(`would make ${before.active} of ${before.active} staff leavers (100%)`);
    expect(unconfirmed.stderr).toContain(`run again with --confirm-leavers ${before.active}.`);
    const wrongNumber = await run(db, ['import', 'training', clean, '--org', 'NZ3', '--confirm-leavers', '3']);
    expect(wrongNumber.code).toBe(2);
    expect(wrongNumber.stderr).toContain(`--confirm-leavers 3 does not match: the file makes ${before.active}.`);
    const notANumber = await run(db, ['import', 'training', clean, '--org', 'NZ3', '--confirm-leavers', 'all']);
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('--confirm-leavers takes the number of staff who will become leavers');
    expect(await inDatabase(countsAtNZ3)).toEqual(before);

    const imported = await cli(db, ['import', 'training', clean, '--org', 'NZ3', '--confirm-leavers', String(before.active)]);
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toContain('Imported');
    expect(imported.stdout).toMatch(/training records added: +2\n/);
    expect(await inDatabase(countsAtNZ3)).toEqual({ active: 2, staff: before.staff + 2, records: before.records + 2 });

    const again = await run(db, ['import', 'training', clean, '--org', 'NZ3']);
    expect(again.code).toBe(0);
    for (const counted of ['staff added', 'staff whose details changed', 'training records added']) {
      expect(again.stdout).toMatch(new RegExp(`${counted}: +0\\n`));
    }
    expect(again.stdout).toMatch(/staff marked as leavers: +0 \(0 of the 2 staff recorded before\)\n/);
    const actions = await inDatabase((database) =>
      database.execute(sql`select action, actor_label from audit_events where action = 'training.imported'`),
    );
    expect((actions as unknown as { rows: { actor_label: string }[] }).rows.map((r) => r.actor_label)).toEqual([
      `command line (${os.userInfo().username})`,
      `command line (${os.userInfo().username})`,
    ]);
  });

  it('is in the help', async () => {
    const nowhere = { env: { DATA_DIR: '/nonexistent/prevent-assure-data' } };
    const [help, commandHelp] = await Promise.all([run(nowhere, ['--help']), run(nowhere, ['help', 'import', 'training'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('import training');
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain(
      'Usage: prevent-assure import training FILE --org ODS [--dry-run] [--confirm-leavers N]',
    );
  });
});
