/**
 * The commissioner's heat map at scale, in this process with app.inject (no sockets, no load generator:
 * the page's own time is asked for): an ICB with 30 providers (BENCH_OVERSIGHT_PROVIDERS), each with a
 * few hundred staff and their training records, GET /assurance/providers as its commissioner lead.
 *
 * Timed N times (BENCH_OVERSIGHT_RUNS, default 40) for the median and the 95th percentile, next to a bare
 * Fastify route timed the same way through inject. Measured, never pass/fail (see bench/README.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { demoPassword } from '../src/demo/seed.ts';
import { parseAuditKeys, useAuditKeys } from '../src/modules/audit/keys.ts';
import * as organisations from '../src/modules/organisations/service.ts';
import * as users from '../src/modules/users/service.ts';
import { benchApp, fillOrganisation, getPage, signIn, time, wholeNumber } from './compliance.ts';

const benchAuditKey = Buffer.alloc(32, 11).toString('base64');
const seeder = { userId: null, label: 'oversight benchmark', ip: null };

/**
 * A trust ODS code for the i-th provider: R, a digit, a letter or digit (R00 … R9Z). The compliance
 * benchmark uses R and two letters, and on the server both load into one database.
 */
const odsOf = (i: number) => `R${Math.floor(i / 36)}${(i % 36).toString(36).toUpperCase()}`;

export async function benchOversight(): Promise<string> {
  const runs = wholeNumber('BENCH_OVERSIGHT_RUNS', 40);
  const providers = wholeNumber('BENCH_OVERSIGHT_PROVIDERS', 30);
  if (providers > 360) throw new Error(`BENCH_OVERSIGHT_PROVIDERS must be 360 or fewer, not ${providers}`);
  const staff = wholeNumber('BENCH_OVERSIGHT_STAFF', 300);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-oversight-'));
  const database = await openDatabase({ databaseUrl, dataDir: dataDir ?? '', purpose: 'oversight benchmark' });
  const bare = Fastify();
  bare.get('/', async (_request, reply) =>
    reply.type('text/html').send('<!doctype html><title>bare</title><p>Hello from bare Fastify'),
  );
  try {
    await migrate(database);
    useAuditKeys(parseAuditKeys(benchAuditKey));
    if ((await organisations.findByOdsCode(database.db, 'QO9')) !== undefined)
      throw new Error('This database already holds the oversight benchmark: use an empty one');
    const started = Date.now();
    const region = 'Oversight benchmark region';
    const icb = await organisations.addOrganisation(database.db, seeder, {
      odsCode: 'QO9',
      name: 'Oversight Benchmark ICB',
      kind: 'icb',
      region,
    });
    for (let i = 0; i < providers; i++) {
      const provider = await organisations.addOrganisation(database.db, seeder, {
        odsCode: odsOf(i),
        name: `Oversight Provider ${i + 1}`,
        kind: 'nhs_trust',
        region,
        commissionerOds: 'QO9',
      });
      await fillOrganisation(database, provider.id, staff, `O${i}-`);
    }
    await database.exec('analyze');
    await users.createAdministrator(database.db, seeder, {
      email: 'commissioner@qo9.example',
      displayName: 'Bench Commissioner',
      orgId: icb.id,
      role: 'commissioner_lead',
      password: demoPassword,
    });
    const loadSeconds = (Date.now() - started) / 1000;

    const app = await benchApp(database, dataDir, benchAuditKey);
    try {
      const cookie = await signIn(app, 'commissioner@qo9.example');
      const heatMap = await time(runs, () => getPage(app, cookie, '/assurance/providers', `Oversight Provider ${providers}`));
      const baseline = await time(runs, async () => {
        await bare.inject({ method: 'GET', url: '/' });
      });
      const line = (name: string, m: { p50: number; p95: number }) =>
        `${name.padEnd(58)} ${m.p50.toFixed(1).padStart(8)} ${m.p95.toFixed(1).padStart(8)}`;
      return [
        `Oversight heat map (${database.kind === 'embedded' ? 'embedded PGlite' : 'PostgreSQL server'}; data loaded in ${loadSeconds.toFixed(0)} s)`,
        `${'page'.padEnd(58)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`,
        line(`GET /assurance/providers, ${providers} providers of ${staff} staff`, heatMap),
        line('  bare Fastify GET / through inject, the same way', baseline),
        'Goal: the heat map under 150 ms at the 95th percentile on the server.',
      ].join('\n');
    } finally {
      await app.close();
    }
  } finally {
    await bare.close();
    await database.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchOversight());
}
