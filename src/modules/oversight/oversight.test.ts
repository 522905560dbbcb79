import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contextOf,
  newCase,
  newCompletePreventFramework,
  newOrganisation,
  newPreventRisk,
  newUser,
  signedInAs,
} from '../../../test/factories.ts';
import { type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import * as leads from '../leads/service.ts';
import * as partnership from '../partnership/service.ts';
import { providerSections, rollUp } from './service.ts';

const today = todayInLondon();
const few = 'fewer than 5';

/** The cells of a table's rows, found by the table's caption, as a person reads them (hidden words dropped). */
function rowsOf(html: string, caption: string): string[][] {
  const table = html.split('<table').find((t) => t.includes(caption));
  if (!table) throw new Error(`no table “${caption}”`);
  return table
    .split('<tr')
    .slice(1)
    .map((tr) =>
      [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
        textOf(
          (m[1] ?? '')
            .replace(/<span class="nhsuk-table__heading"[^>]*>[\s\S]*?<\/span>/g, '')
            .replace(/<span class="nhsuk-u-visually-hidden"[^>]*>[\s\S]*?<\/span>/g, ''),
        ),
      ),
    )
    .filter((cells) => cells.length > 0);
}

/** A CSV file's rows (the test's files hold no quoted commas or line breaks). */
const csvRows = (body: string) =>
  body
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((line) => line.split(',').map((cell) => cell.replace(/^"|"$/g, '')));

async function xlsxRows(buffer: Buffer): Promise<{ names: string[]; rows: string[][] }> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheet = book.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  const rows: string[][] = [];
  sheet.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1).map((v) => String(v ?? ''));
    rows.push(values);
  });
  return { names: book.worksheets.map((w) => w.name), rows };
}

describe('oversight: the commissioner’s heat map and the region’s counts', { timeout: 120_000 }, () => {
  let t: TestApp;
  let codes = 0;

  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  /** An ICB of its own region, its commissioner signed in, and two providers: one keeping most records, one with gaps. */
  async function anIcb() {
    codes += 1;
    const region = `Oversight Region ${codes}`;
    const icb = await newOrganisation(t.database, { odsCode: `QO${codes}`, name: `Oversight ${codes} ICB`, kind: 'icb', region });
    const commissioner = await newUser(t.database, {
      email: `commissioner@qo${codes}.example`,
      displayName: `Commissioner ${codes}`,
      roles: [{ orgId: icb.id, role: 'commissioner_lead' }],
    });
    const provider = async (letter: string, name: string) => {
      const odsCode = `R${letter}${codes}`;
      const org = await newOrganisation(t.database, { odsCode, name, kind: 'nhs_trust', commissionerOds: icb.odsCode, region });
      const lead = await newUser(t.database, {
        email: `lead@${odsCode.toLowerCase()}.example`,
        displayName: `Lead of ${odsCode}`,
        roles: [{ orgId: org.id, role: 'operational_lead' }],
      });
      return { ...org, lead, ctx: await contextOf(t.database, lead, org.id) };
    };
    const kept = await provider('K', `Well Kept ${codes} NHS Trust`);
    const gaps = await provider('G', `Gaps ${codes} NHS Trust`);
    const db = t.database.db;
    const since = addDays(today, -30);
    const accountable = await leads.appoint(db, kept.ctx, { post: 'accountable', personName: 'Dana Director', startsOn: since });
    await leads.appoint(db, kept.ctx, { post: 'operational', personName: 'Pat Lead', startsOn: since });
    // The ICB is told of the accountable lead only: the leads' section is partly met.
    await leads.tellCommissioner(t.database, { appointmentId: accountable.id });
    // The kept trust takes part in multi-agency meetings in every three months of the year and hosted a community
    // of practice event: the partnership rules of the leads' section are met.
    for (const [kind, daysAgo] of [
      ['community_of_practice', 10],
      ['channel_panel', 100],
      ['channel_panel', 190],
      ['prevent_board', 280],
    ] as const) {
      await partnership.recordEngagement(db, kept.ctx, {
        kind,
        title: 'Oversight test meeting',
        heldOn: addDays(today, -daysAgo),
        ourAttendees: 'Operational Prevent lead',
        contribution: 'An update on training.',
      });
    }
    await newCompletePreventFramework(t.database, kept.ctx, today);
    await newPreventRisk(t.database, kept.ctx);
    // Six concerns at the kept trust (shown as 5), two at the other (shown as fewer than 5).
    for (let i = 0; i < 6; i += 1) await newCase(t.database, kept.ctx, { observedOn: addDays(today, -1) });
    for (let i = 0; i < 2; i += 1) await newCase(t.database, gaps.ctx, { observedOn: addDays(today, -1) });
    const visitor = await signedInAs(t.app, t.database, commissioner, icb.id);
    return { icb, region, kept, gaps, visitor };
  }

  const sections = () => providerSections();
  /** Each section's roll-up, as the standards file and the records give it. */
  const keptCells: Record<string, string> = {
    'Overarching standard': 'Not assessed',
    'Prevent leads': 'Partly met',
    'Annual work programme': 'Met',
    // No annual report has been presented to either trust's board.
    Reporting: 'Not met',
    'Lessons learned': 'Met',
    'Risk assessments and counter terrorism local profiles (CTLPs)': 'Not met',
    'Information management': 'Met',
    Training: 'Not met',
  };
  const gapCells: Record<string, string> = {
    ...keptCells,
    'Prevent leads': 'Not met',
    'Annual work programme': 'Not met',
  };

  it('rolls a section up: any not met, all met, partly, nothing given', () => {
    expect(rollUp(['met', 'met', 'not_assessed'])).toBe('met');
    expect(rollUp(['met', 'partly_met'])).toBe('partly_met');
    expect(rollUp(['met', 'partly_met', 'not_met'])).toBe('not_met');
    expect(rollUp(['not_assessed'])).toBe('not_assessed');
    expect(rollUp([])).toBe('not_assessed');
    expect(sections()).toEqual(Object.keys(keptCells));
  });

  it('shows the commissioner each provider’s sections and figures, suppressed, and the same in both exports', async () => {
    const { kept, gaps, visitor } = await anIcb();
    const page = await visitor.get('/assurance/providers');
    expect(page.statusCode).toBe(200);
    const heat = rowsOf(page.body, 'Core standards by section');
    expect(heat[0]).toEqual(['Provider', ...sections()]);
    const cellsFor = (cells: Record<string, string>) => sections().map((s) => cells[s]);
    const keptName = `${kept.name} (${kept.odsCode})`;
    const gapsName = `${gaps.name} (${gaps.odsCode})`;
    expect(heat.slice(1)).toEqual([
      [gapsName, ...cellsFor(gapCells)],
      [keptName, ...cellsFor(keptCells)],
    ]);
    // Each cell links to the provider's page at the section.
    expect(page.body).toContain(`href="/assurance/providers/${kept.id}#section-prevent-leads"`);
    expect(page.body).toContain(`href="/assurance/providers/${gaps.id}#section-training"`);

    const figures = rowsOf(page.body, 'Each provider’s figures');
    const figureHead = figures[0] ?? [];
    expect(figureHead.slice(-6)).toEqual([
      'Vacant lead posts',
      'Programme items overdue',
      'Lessons learned actions overdue',
      'CTLP review',
      'Concerns raised',
      'Referrals',
    ]);
    const levels = (figureHead.length - 7) / 2;
    const noStaff = Array.from({ length: levels }, () => ['0', 'None in scope']).flat();
    const keptFigures = [...noStaff, 'None', '0', '0', 'Overdue', '5', '0'];
    const gapFigures = [...noStaff, 'Accountable lead and Operational lead', '0', '0', 'Overdue', few, '0'];
    expect(figures.slice(1)).toEqual([
      [`${gaps.name} (${gaps.odsCode})`, ...gapFigures],
      [`${kept.name} (${kept.odsCode})`, ...keptFigures],
    ]);

    // The exports: one row per provider, the sections and then the figures, word for word as on the page.
    const expectedRows = [
      [gaps.name, gaps.odsCode, ...cellsFor(gapCells), ...gapFigures],
      [kept.name, kept.odsCode, ...cellsFor(keptCells), ...keptFigures],
    ];
    const csv = await visitor.get('/assurance/providers.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const csvTable = csvRows(csv.body);
    expect(csvTable[0]?.slice(0, 2 + sections().length)).toEqual(['Provider', 'ODS code', ...sections()]);
    expect(csvTable.slice(1)).toEqual(expectedRows);

    const xlsx = await visitor.get('/assurance/providers.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toMatch(/providers-assurance-\d{4}-\d{2}-\d{2}\.xlsx/);
    const book = await xlsxRows(xlsx.rawPayload);
    expect(book.names).toEqual(['Providers']);
    expect(book.rows[0]).toEqual(csvTable[0]);
    expect(book.rows.slice(1, 3)).toEqual(expectedRows);
    expect(book.rows.at(-1)?.[0]).toContain('fewer than 5');
  });

  it('shows the provider’s computed results, and a provider of another ICB is not found', async () => {
    const { kept, visitor } = await anIcb();
    const other = await anIcb();
    const page = await visitor.get(`/assurance/providers/${kept.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="section-prevent-leads"');
    const text = textOf(page.body);
    expect(text).toContain('Dana Director has been the accountable Prevent lead');
    expect(text).toContain('P-LEAD-1');
    // Beside the computed results, the provider's own self-assessment, once it has submitted one.
    expect(text).toContain('The provider has not submitted a self-assessment to the ICB.');
    expect((await visitor.get(`/assurance/providers/${other.kept.id}`)).statusCode).toBe(404);
    expect((await visitor.get('/assurance/providers/not-an-id')).statusCode).toBe(404);
    // The ICB's heat map names none of another ICB's providers.
    expect(textOf((await visitor.get('/assurance/providers')).body)).not.toContain(other.kept.name);
  });

  it('never lets a provider reach the heat map or another provider’s results', async () => {
    const { kept, gaps } = await anIcb();
    const lead = await signedInAs(t.app, t.database, kept.lead, kept.id);
    expect((await lead.get('/assurance/providers')).statusCode).toBe(403);
    expect((await lead.get(`/assurance/providers/${gaps.id}`)).statusCode).toBe(403);
    expect((await lead.get('/assurance/providers.xlsx')).statusCode).toBe(403);
    expect((await lead.get('/assurance/region')).statusCode).toBe(403);
  });

  it('shows the regional lead each ICB’s providers counted by result, suppressed, never a provider', async () => {
    const { icb, region, kept, gaps } = await anIcb();
    // A second ICB of the region with five providers that have recorded nothing.
    const second = await newOrganisation(t.database, {
      odsCode: `QP${codes}`,
      name: `Second ${codes} ICB`,
      kind: 'icb',
      region,
    });
    for (let i = 1; i <= 5; i += 1) {
      await newOrganisation(t.database, {
        odsCode: `R${'VWXYZ'[i - 1]}${codes}`,
        name: `Empty ${codes}-${i} NHS Trust`,
        kind: 'nhs_trust',
        commissionerOds: second.odsCode,
        region,
      });
    }
    const regionOrg = await newOrganisation(t.database, {
      odsCode: `Y8${codes}`,
      name: `NHS England ${region}`,
      kind: 'nhse_region',
      region,
    });
    const lead = await newUser(t.database, {
      email: `regional@y8${codes}.example`,
      displayName: `Regional ${codes}`,
      roles: [{ orgId: regionOrg.id, role: 'regional_lead' }],
    });
    const visitor: Visitor = await signedInAs(t.app, t.database, lead, regionOrg.id);
    const page = await visitor.get('/assurance/region');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    for (const name of [kept.name, gaps.name, 'Empty']) expect(text).not.toContain(name);
    expect(page.body).not.toContain('/assurance/providers/');

    // Two providers: every count hidden or 0, and the number of providers hidden.
    const first = rowsOf(page.body, `${icb.name} (${icb.odsCode}): providers ${few}`);
    expect(first[0]).toEqual(['Section', 'Met', 'Partly met', 'Not met', 'Not assessed']);
    expect(first.find((r) => r[0] === 'Prevent leads')).toEqual(['Prevent leads', '0', few, few, '0']);
    expect(first.find((r) => r[0] === 'Reporting')).toEqual(['Reporting', '0', '0', few, '0']);
    // Five providers with nothing recorded.
    const five = rowsOf(page.body, `${second.name} (${second.odsCode}): providers 5`);
    const expectFive = (section: string, result: number) => {
      const counts = ['0', '0', '0', '0'];
      counts[result] = '5';
      expect(
        five.find((r) => r[0] === section),
        section,
      ).toEqual([section, ...counts]);
    };
    expectFive('Prevent leads', 2);
    expectFive('Lessons learned', 0);
    expectFive('Overarching standard', 3);

    const expectedRows = [
      [icb.name, icb.odsCode, few],
      [second.name, second.odsCode, '5'],
    ];
    const csv = csvRows((await visitor.get('/assurance/region.csv')).body);
    expect(csv[0]?.slice(0, 4)).toEqual(['ICB', 'ODS code', 'Providers', 'Overarching standard: met']);
    expect(csv.slice(1).map((r) => r.slice(0, 3))).toEqual(expectedRows);
    // Prevent leads is the second section: its four counts follow the first's.
    expect(csv[2]?.slice(7, 11)).toEqual(['0', '0', '5', '0']);
    const book = await xlsxRows((await visitor.get('/assurance/region.xlsx')).rawPayload);
    expect(book.names).toEqual(['Region']);
    expect(book.rows.slice(0, 3)).toEqual(csv);

    // The region's lead does not reach a provider's page, nor the commissioner's heat map.
    expect((await visitor.get(`/assurance/providers/${kept.id}`)).statusCode).toBe(403);
    expect((await visitor.get('/assurance/providers')).statusCode).toBe(403);
  });
});
