/**
 * The annual board report at scale, in this process: a trust of 20,000 staff (BENCH_REPORT_STAFF) with a
 * year of concerns, generated as a web page, a PDF and a Word file. Each is timed BENCH_REPORT_RUNS times
 * (default 5) from the records to the finished file, next to gathering the figures alone (the raw limit:
 * the queries the report cannot do without). The first gathering, which counts and keeps the year's
 * month-end figures, is shown apart. Measured, never pass/fail (see bench/README.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { parseAuditKeys, useAuditKeys } from '../src/modules/audit/keys.ts';
import * as concerns from '../src/modules/concerns/service.ts';
import * as organisations from '../src/modules/organisations/service.ts';
import { boardReportDocument } from '../src/modules/reports/content.ts';
import { reportFiguresOf } from '../src/modules/reports/figures.ts';
import { reportHtml } from '../src/modules/reports/render-html.ts';
import { financialYearOf } from '../src/modules/reports/service.ts';
import { demoActingAs } from '../src/modules/users/demo.ts';
import * as users from '../src/modules/users/service.ts';
import { addDays, londonDateTime, todayInLondon } from '../src/platform/dates.ts';
import { reportDocx } from '../src/platform/documents/docx.ts';
import { reportPdf } from '../src/platform/documents/pdf.ts';
import { parseCaseDataKey, useCaseDataKey } from '../src/platform/encryption.ts';
import { fillOrganisation, time, wholeNumber } from './compliance.ts';

const benchAuditKey = Buffer.alloc(32, 12).toString('base64');
const benchCaseDataKey = Buffer.alloc(32, 13).toString('base64');
const seeder = { userId: null, label: 'board report benchmark', ip: null };

export async function benchBoardReport(): Promise<string> {
  const runs = wholeNumber('BENCH_REPORT_RUNS', 5);
  const staff = wholeNumber('BENCH_REPORT_STAFF', 20_000);
  const concernCount = wholeNumber('BENCH_REPORT_CONCERNS', 120);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-report-'));
  const database = await openDatabase({ databaseUrl, dataDir: dataDir ?? '', purpose: 'board report benchmark' });
  try {
    await migrate(database);
    useAuditKeys(parseAuditKeys(benchAuditKey));
    useCaseDataKey(parseCaseDataKey(benchCaseDataKey));
    if ((await organisations.findByOdsCode(database.db, 'RR9')) !== undefined)
      throw new Error('This database already holds the board report benchmark: use an empty one');
    const started = Date.now();
    const trust = await organisations.addOrganisation(database.db, seeder, {
      odsCode: 'RR9',
      name: 'Report Benchmark NHS Trust',
      kind: 'nhs_trust',
      region: 'Report benchmark region',
    });
    await fillOrganisation(database, trust.id, staff, 'RR-');
    await users.createAdministrator(database.db, seeder, {
      email: 'lead@rr9.example',
      displayName: 'Bench Lead',
      orgId: trust.id,
      role: 'operational_lead',
    });
    const lead = await demoActingAs(database, 'lead@rr9.example', trust.id);
    // A year of concerns, spread over the twelve months before today.
    const today = todayInLondon();
    for (let i = 0; i < concernCount; i++) {
      const raisedAt = new Date(londonDateTime(today, '12:00').getTime() - ((i * 365) / concernCount) * 86_400_000);
      await concerns.raiseConcern(
        database.db,
        { kind: 'person', ctx: lead },
        {
          immediateRisk: 'no',
          subjectType: i % 4 === 0 ? 'staff' : 'patient',
          subjectName: `Bench Person ${i}`,
          narrative: 'Shared extremist material with others on the ward.',
          observedAt: `${addDays(todayInLondon(raisedAt), -1)}T10:00`,
          location: 'Ward 1',
          dateOfBirth: '1990-01-02',
        },
        raisedAt,
      );
    }
    await database.exec('analyze');
    const loadSeconds = (Date.now() - started) / 1000;

    const org = { id: trust.id, name: trust.name, odsCode: trust.odsCode, kind: trust.kind };
    const year = financialYearOf(today) - (today.slice(5, 7) === '04' ? 1 : 0);
    const written = {
      significantIncidents: null,
      resourcesAnswer: 'adequate' as const,
      resourcesStatement: null,
      priorities: null,
    };
    const standing = { version: 1, status: 'draft, not approved', approvedBy: null, approvedOn: null };
    const build = async () =>
      boardReportDocument(await reportFiguresOf(database.db, org, year, today), written, standing, {
        audience: 'board',
        exact: false,
      });

    const firstStarted = performance.now();
    await build();
    const first = performance.now() - firstStarted;
    const figures = await time(runs, async () => {
      await reportFiguresOf(database.db, org, year, today);
    });
    const html = await time(runs, async () => {
      reportHtml(await build());
    });
    const pdf = await time(runs, async () => {
      await reportPdf(await build());
    });
    const docx = await time(runs, async () => {
      await reportDocx(await build());
    });
    const line = (name: string, m: { p50: number; p95: number }) =>
      `${name.padEnd(50)} ${m.p50.toFixed(0).padStart(8)} ${m.p95.toFixed(0).padStart(8)} ${(m.p50 / figures.p50).toFixed(1).padStart(7)}×`;
    return [
      `Board report (${database.kind === 'embedded' ? 'embedded PGlite' : 'PostgreSQL server'}; ${staff} staff, ${concernCount} concerns; loaded in ${loadSeconds.toFixed(0)} s)`,
      `${'step'.padEnd(50)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'ratio'.padStart(8)}`,
      line('gathering the figures alone (the raw limit)', figures),
      line('web page (figures, document, HTML)', html),
      line('PDF (figures, document, PDF)', pdf),
      line('Word (figures, document, .docx)', docx),
      `First gathering, counting and keeping the year's month-end figures: ${first.toFixed(0)} ms.`,
      'Goal: each format under 3 s for 20,000 staff.',
    ].join('\n');
  } finally {
    await database.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchBoardReport());
}
