/**
 * The training compliance pages at scale, in this process with app.inject (no sockets, no load
 * generator: it is the page's own time that is asked for):
 *
 * - one trust of 20,000 staff: GET /training as its training administrator;
 * - a region of 300,000 staff across 20 providers: GET /training/providers as their commissioner.
 *
 * Each page is timed N times (BENCH_COMPLIANCE_RUNS, default 40) for the median and 95th
 * percentile, next to its raw limit: the same figures as one bare aggregate SQL query, timed the
 * same way. Measured, never pass/fail. Run with `npm run bench` (see bench/README.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { demoPassword } from '../src/demo/seed.ts';
import { parseAuditKeys, useAuditKeys } from '../src/modules/audit/keys.ts';
import * as organisations from '../src/modules/organisations/service.ts';
import * as trainingRepository from '../src/modules/training/repository.ts';
import * as users from '../src/modules/users/service.ts';

/** The benchmark's own throw-away audit key: the data is synthetic and removed afterwards. */
const benchAuditKey = Buffer.alloc(32, 10).toString('base64');
const seeder = { userId: null, label: 'compliance benchmark', ip: null };

export function wholeNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of 1 or more, not "${text}"`);
  return value;
}

/** Synthetic staff in bulk, as the owner: a third in registered clinical groups (level 3), nine in ten with a record. */
export async function fillOrganisation(database: Database, orgId: string, count: number, prefix: string): Promise<void> {
  await database.db.execute(sql`
    insert into staff (org_id, employee_number, assignment_number, first_name, last_name, directorate, department,
                       position_title, staff_group, required_level, started_on)
    select ${orgId}::uuid, ${prefix} || g, ${prefix} || g || '-1', 'First' || g, 'Last' || g, 'Directorate ' || (g % 6),
           'Department ' || (g % 40), 'Role',
           case when g % 3 = 0 then 'Nursing and Midwifery Registered' else 'Administrative and Clerical' end,
           case when g % 3 = 0 then 'level3' else 'basic' end, date '2015-01-01'
      from generate_series(1, ${count}::int) g`);
  await database.db.execute(sql`
    insert into training_records (org_id, staff_id, course, level, completed_on, expires_on, source)
    select org_id, id, 'Preventing Radicalisation', required_level, d, (d + interval '3 years')::date, 'import'
      from (select org_id, id, required_level, current_date - (abs(hashtext(id::text)) % 1300) as d, abs(hashtext(id::text)) % 10 as k
              from staff where org_id = ${orgId}::uuid) s
     where k < 9`);
  await database.db.execute(sql`
    update staff st set best_expiry_any = b.e, best_expiry_level3 = case when b.level = 'level3' then b.e end
      from (select staff_id, level, max(expires_on) as e from training_records where org_id = ${orgId}::uuid group by 1, 2) b
     where st.id = b.staff_id`);
}

/** The app on a benchmark's database, with the benchmark's own throw-away keys: its data is synthetic and removed afterwards. */
export function benchApp(database: Database, dataDir: string | undefined, auditKey: string): Promise<FastifyInstance> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    REQUIRE_MFA: 'false',
    DATA_DIR: dataDir ?? '/nonexistent',
    CASE_DATA_KEY: Buffer.alloc(32, 9).toString('base64'),
    AUDIT_KEY: auditKey,
  });
  return buildApp(database, config);
}

/** Gets a page through inject, failing unless it is the page to measure (not a redirect or an error page). */
export async function getPage(app: FastifyInstance, cookie: string, url: string, expect: string): Promise<void> {
  const response = await app.inject({ method: 'GET', url, headers: { cookie } });
  if (response.statusCode !== 200 || !response.body.includes(expect))
    throw new Error(`${url} is not the page to measure: ${response.statusCode} ${response.body.slice(0, 200)}`);
}

export async function signIn(app: FastifyInstance, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const remember = (cookies: { name: string; value: string }[]) => {
    for (const c of cookies) jar.set(c.name, c.value);
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await app.inject({ method: 'GET', url: '/sign-in' });
  remember(form.cookies);
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const response = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, email, password: demoPassword, next: '/' }).toString(),
  });
  remember(response.cookies);
  if (response.statusCode !== 303) throw new Error(`Could not sign in as ${email}: ${response.statusCode}`);
  return header();
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** Times `work` `runs` times after two warm-up runs, in milliseconds. */
export async function time(runs: number, work: () => Promise<void>): Promise<{ p50: number; p95: number }> {
  await work();
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

export async function benchCompliance(): Promise<string> {
  const runs = wholeNumber('BENCH_COMPLIANCE_RUNS', 40);
  const trustSize = wholeNumber('BENCH_TRUST_STAFF', 20_000);
  const regionProviders = 20;
  const regionSize = wholeNumber('BENCH_REGION_STAFF', 300_000);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-compliance-'));
  const database = await openDatabase({ databaseUrl, dataDir: dataDir ?? '', purpose: 'compliance benchmark' });
  try {
    await migrate(database);
    // Loading audits each organisation and person, as the service would.
    useAuditKeys(parseAuditKeys(benchAuditKey));
    if ((await organisations.findByOdsCode(database.db, 'QB9')) !== undefined)
      throw new Error('This database already holds the compliance benchmark: use an empty one');
    const started = Date.now();
    const icb = await organisations.addOrganisation(database.db, seeder, {
      odsCode: 'QB9',
      name: 'Benchmark ICB',
      kind: 'icb',
      region: 'Benchmark region',
    });
    const trust = await organisations.addOrganisation(database.db, seeder, {
      odsCode: 'RB0',
      name: 'Benchmark Trust 0',
      kind: 'nhs_trust',
      region: 'Benchmark region',
    });
    await fillOrganisation(database, trust.id, trustSize, 'T');
    for (let i = 1; i <= regionProviders; i++) {
      const provider = await organisations.addOrganisation(database.db, seeder, {
        odsCode: `RB${String.fromCharCode(64 + i)}`,
        name: `Benchmark Provider ${i}`,
        kind: 'nhs_trust',
        region: 'Benchmark region',
        commissionerOds: 'QB9',
      });
      await fillOrganisation(database, provider.id, Math.round(regionSize / regionProviders), `P${i}-`);
    }
    await database.exec('analyze');
    for (const [email, orgId, role] of [
      ['training@rb0.example', trust.id, 'training_admin'],
      ['commissioner@qb9.example', icb.id, 'commissioner_lead'],
    ] as const)
      await users.createAdministrator(database.db, seeder, {
        email,
        displayName: 'Bench Person',
        orgId,
        role,
        password: demoPassword,
      });
    const loadSeconds = (Date.now() - started) / 1000;

    const app = await benchApp(database, dataDir, benchAuditKey);
    try {
      const page = (cookie: string, url: string, expect: string) => getPage(app, cookie, url, expect);
      const adminCookie = await signIn(app, 'training@rb0.example');
      const commissionerCookie = await signIn(app, 'commissioner@qb9.example');
      const trustPage = await time(runs, () => page(adminCookie, '/training', 'By the level staff need'));
      // The raw limit: the page's own query, run directly as the database owner (no session, row-level security or rendering).
      const today = new Date().toISOString().slice(0, 10);
      const trustQuery = await time(runs, async () => {
        await trainingRepository.complianceBreakdown(database.db, trust.id, today, true, 90);
      });
      const regionPage = await time(Math.max(5, Math.round(runs / 4)), () =>
        page(commissionerCookie, '/training/providers', 'Benchmark Provider 20'),
      );
      const providerIds = (
        (await database.db.execute(sql`select id from organisations where commissioner_id = ${icb.id}::uuid`)) as unknown as {
          rows: { id: string }[];
        }
      ).rows.map((r) => r.id);
      const regionQuery = await time(Math.max(5, Math.round(runs / 4)), async () => {
        await trainingRepository.levelCounts(database.db, providerIds, [today], today, 90);
      });
      const line = (name: string, m: { p50: number; p95: number }, raw: { p50: number }) =>
        `${name.padEnd(58)} ${m.p50.toFixed(1).padStart(8)} ${m.p95.toFixed(1).padStart(8)} ${(m.p50 / raw.p50).toFixed(1).padStart(8)}×`;
      return [
        `Training compliance pages (${database.kind === 'embedded' ? 'embedded PGlite' : 'PostgreSQL server'}; data loaded in ${loadSeconds.toFixed(0)} s)`,
        `${'page'.padEnd(58)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'vs raw'.padStart(9)}`,
        line(`GET /training, ${trustSize.toLocaleString('en-GB')} staff`, trustPage, trustQuery),
        line('  raw limit: the same figures, one SQL query as owner', trustQuery, trustQuery),
        line(
          `GET /training/providers, ${regionSize.toLocaleString('en-GB')} staff, ${regionProviders} providers, 13 dates`,
          regionPage,
          regionQuery,
        ),
        line('  raw limit: today per provider and level, SQL as owner', regionQuery, regionQuery),
        'Goals: /training under 50 ms at the 95th percentile on the server; the region under 500 ms.',
      ].join('\n');
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchCompliance());
}
