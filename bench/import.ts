/**
 * The staff record import at scale: a generated ESR-style export of BENCH_IMPORT_ROWS rows (default
 * 1,000,000: a third of a million assignments, each with two Prevent courses and one other), imported
 * as the command line imports it, next to its raw limit: plain COPY of the same file into a bare table
 * of text columns, in the same run on the same database. Peak memory is sampled while the import runs,
 * to show it does not grow with the file. Measured, never pass/fail.
 *
 * The embedded database by default (a new temporary directory); with DATABASE_URL, that PostgreSQL
 * database (give it a throwaway one: the benchmark adds an organisation, its staff and records).
 * Run with `npm run bench` (see bench/README.md), or alone: `tsx bench/import.ts`.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { parseAuditKeys, useAuditKeys } from '../src/modules/audit/keys.ts';
import * as imports from '../src/modules/training/import/service.ts';
import * as uploads from '../src/modules/training/import/uploads.ts';

const headings =
  'Employee Number,Assignment Number,First Name,Last Name,Organisation,Directorate,Department,Position Title,Staff Group,Assignment Status,Competence Name,Achievement Date,Expiry Date';
const firstNames = ['Alex', 'Bea', 'Cal', 'Dev', 'Eli', 'Fern', 'Gus', 'Hana', 'Ivo', 'Jo', 'Kit', 'Lou', 'Zoë', 'Seán', 'Niamh'];
const lastNames = ['Ashdown', 'Birch', 'Coldwell', 'Dunmore', 'Eastfield', 'Fairley', "O'Neil", 'Brontë', 'Holt', 'Smith, Jr'];
const groups = [
  ['Nursing and Midwifery Registered', 'Staff Nurse'],
  ['Medical and Dental', 'Specialty Doctor'],
  ['Administrative and Clerical', 'Ward Clerk'],
  ['Additional Clinical Services', 'Healthcare Assistant'],
  ['Estates and Ancillary', 'Porter'],
] as const;
const courses = [
  'NHS|CSTF|Preventing Radicalisation - Basic Prevent Awareness - 3 Years|',
  'NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years|',
  'NHS|CSTF|Fire Safety - 2 Years|',
];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const quoted = (value: string) => (/[",]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Writes the export: CRLF, a BOM, quoted names, the three date forms, blanks where never achieved. */
async function writeExport(file: string, rows: number): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write(`\ufeff${headings}\r\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const a = Math.floor(i / 3);
    const [group, position] = groups[a % groups.length] ?? groups[0];
    const never = a % 10 === 0 && i % 3 !== 2;
    const day = (a % 28) + 1;
    const month = (a % 12) + 1;
    const year = 2023 + (a % 3);
    const achieved = never
      ? ''
      : i % 3 === 0
        ? `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`
        : i % 3 === 1
          ? `${String(day).padStart(2, '0')}-${months[month - 1]}-${year}`
          : `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const expiry = never || i % 2 === 0 ? '' : `${year + 3}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    chunk += `${[
      String(20_000_000 + a),
      `${20_000_000 + a}-1`,
      firstNames[a % firstNames.length],
      quoted(lastNames[a % lastNames.length] ?? ''),
      '999 Benchmark Trust',
      `Directorate ${a % 8}`,
      `Department ${a % 120}`,
      position,
      group,
      a % 50 === 0 ? 'Maternity & Adoption' : 'Active Assignment',
      courses[i % 3],
      achieved,
      expiry,
    ].join(',')}\r\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Plain COPY of the whole file into a bare table: the database's own limit for these rows. */
async function plainCopy(database: Database, file: string): Promise<void> {
  const columns = headings
    .split(',')
    .map((_, i) => `c${i} text`)
    .join(', ');
  await database.db.execute(sql.raw('drop table if exists bench_plain_copy'));
  await database.db.execute(sql.raw(`create table bench_plain_copy (${columns})`));
  if (database.kind === 'embedded') {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    await client.query(`copy bench_plain_copy from '/dev/blob' with (format csv, header true)`, [], {
      blob: await fs.openAsBlob(file),
    });
  } else {
    const client = await (database.db as unknown as { $client: pg.Pool }).$client.connect();
    try {
      const stream = client.query(copyFrom('copy bench_plain_copy from stdin with (format csv, header true)'));
      const done = new Promise<void>((resolve, reject) => {
        stream.on('finish', () => resolve());
        stream.on('error', reject);
      });
      fs.createReadStream(file).pipe(stream);
      await done;
    } finally {
      client.release();
    }
  }
  await database.db.execute(sql.raw('drop table bench_plain_copy'));
}

function wholeNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 3) throw new Error(`${name} must be a whole number of 3 or more, not "${text}"`);
  return value;
}

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
const perSecond = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en-GB')} rows/s`;

export async function benchImport(): Promise<string> {
  const rows = wholeNumber('BENCH_IMPORT_ROWS', 1_000_000);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-import-'));
  const dataDir = path.join(work, 'data');
  const file = path.join(work, 'esr-export.csv');
  process.stderr.write(`Import benchmark: writing a ${rows.toLocaleString('en-GB')}-row export…\n`);
  await writeExport(file, rows);
  const size = fs.statSync(file).size;
  const database = await openDatabase({ databaseUrl, dataDir, purpose: 'the import benchmark' });
  try {
    await migrate(database);
    // The import is audited, as the service's is; the benchmark's own throw-away key.
    useAuditKeys(parseAuditKeys(Buffer.alloc(32, 10).toString('base64')));
    const ods = `ZB${process.pid % 1000}`;
    const created = await database.db.execute(
      sql`insert into organisations (ods_code, name, kind, region) values (${ods}, 'Import Benchmark Trust', 'nhs_trust', 'Benchmark') returning id`,
    );
    const orgId = (created as unknown as { rows: { id: string }[] }).rows[0]?.id ?? '';
    const version = (
      (await database.db.execute(sql`select current_setting('server_version') as v`)) as unknown as { rows: { v: string }[] }
    ).rows[0]?.v;

    // The import first, so that its memory is not what the plain COPY of the whole file left behind.
    process.stderr.write('  importing…\n');
    const started = await uploads.startDirectImport(database.db, orgId, { name: 'esr-export.csv', bytes: size, dryRun: false });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 50);
    const t0 = performance.now();
    let readDone = t0;
    const steps: string[] = [];
    const outcome = await imports.runImport({
      database,
      orgId,
      importId: started.id,
      filePath: file,
      dryRun: false,
      actor: { userId: null, label: 'import benchmark', ip: null },
      scope: { userId: null, orgIds: [orgId] },
      onStep: (step, ms) => steps.push(`${step} ${(ms / 1000).toFixed(1)} s`),
      onProgress: (p) => {
        if (p.bytesRead >= p.bytesTotal) readDone = performance.now();
      },
    });
    const importMs = performance.now() - t0;
    clearInterval(sampler);
    if (outcome.status !== 'imported') throw new Error(`The import did not import: ${outcome.status} ${outcome.failure ?? ''}`);

    process.stderr.write('  plain COPY of the same file…\n');
    const t1 = performance.now();
    await plainCopy(database, file);
    const copyMs = performance.now() - t1;

    const s = outcome.summary;
    return [
      '',
      'Staff record import',
      `  Node ${process.version}, ${os.cpus().length} CPUs; ${database.kind === 'embedded' ? 'PGlite' : 'PostgreSQL server'} ${version}; load average before ${os.loadavg()[0]?.toFixed(1)}`,
      `  File: ${rows.toLocaleString('en-GB')} rows, ${mb(size)} (${s?.staffInFile.toLocaleString('en-GB')} assignments, ${s?.preventRows.toLocaleString('en-GB')} Prevent rows, ${s?.otherCourses.toLocaleString('en-GB')} other courses)`,
      `  Plain COPY into a bare table:  ${(copyMs / 1000).toFixed(1)} s  ${perSecond(rows, copyMs)}`,
      `  Import (check, stage, merge):  ${(importMs / 1000).toFixed(1)} s  ${perSecond(rows, importMs)}  = ${(importMs / copyMs).toFixed(2)}× the plain COPY`,
      `    reading, checking, staging:  ${((readDone - t0) / 1000).toFixed(1)} s; merging (one transaction): ${((t0 + importMs - readDone) / 1000).toFixed(1)} s (${steps.join(', ')})`,
      `    added ${s?.staffAdded.toLocaleString('en-GB')} staff and ${s?.recordsAdded.toLocaleString('en-GB')} training records`,
      `  Memory while importing: peak RSS ${mb(peakRss)} (${mb(rssBefore)} before${database.kind === 'embedded' ? '; the embedded database lives in this process' : ''}), peak JS heap ${mb(peakHeap)}; process max RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
      '',
    ].join('\n');
  } finally {
    await database.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchImport());
}
