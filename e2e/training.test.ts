import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demo } from '../test/harness.ts';
import { runDueJobs } from '../test/modules.ts';
import {
  type BrowserApp,
  browserProblems,
  checkAccessibility,
  clickAndWait,
  describeInBrowser,
  fillDate,
  screenshot,
  signIn,
  startBrowserApp,
  textOf,
} from './browser.ts';

const here = (page: Page) => new URL(page.url()).pathname;
const main = (page: Page) => textOf(page.locator('main'));
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

const headings =
  'Employee Number,Assignment Number,First Name,Last Name,Organisation,Directorate,Department,Position Title,Staff Group,Assignment Status,Competence Name,Achievement Date,Expiry Date';
const basic = 'NHS|CSTF|Preventing Radicalisation - Basic Prevent Awareness - 3 Years|';
const level3 = 'NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years|';

/** A small ESR export: four people, one of them never trained; `broken` puts two mistakes in it. */
function esrExport(broken: boolean): string {
  const rows = [
    `10000001,10000001-1,Ada,Okoro,RZ1 Northshire,Medicine,Acute Medicine,Staff Nurse,Nursing and Midwifery Registered,Active Assignment,${level3},14/03/2025,14/03/2028`,
    `10000002,10000002-1,Ben,"Smith, Jr",RZ1 Northshire,Medicine,Acute Medicine,Ward Clerk,Administrative and Clerical,Active Assignment,${basic},${broken ? '31/02/2025' : '28/02/2025'},`,
    `10000003,10000003-1,Cara,O'Neil,RZ1 Northshire,Corporate,Finance,Accountant,Administrative and Clerical,Active Assignment,${basic},01-Jun-2024,No expiry`,
    `${broken ? '' : '10000004'},10000004-1,Dev,Patel,RZ1 Northshire,Corporate,Finance,Porter,Estates and Ancillary,Active Assignment,${basic},,`,
  ];
  return `\uFEFF${headings}\r\n${rows.join('\r\n')}\r\n`;
}

/**
 * The training administrator's journey in a real browser: upload an export with mistakes, read the
 * report, fix the file, import it, and see the figures; then the staff list, a person, the needs
 * analysis, the trend and the delivery plan; a member of staff's own status and the commissioner's
 * counts. axe on every page.
 */
describeInBrowser('training compliance in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  let dataDir: string;
  let files: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-e2e-training-'));
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-e2e-esr-'));
    fs.writeFileSync(path.join(files, 'esr-broken.csv'), esrExport(true));
    fs.writeFileSync(path.join(files, 'esr-fixed.csv'), esrExport(false));
    b = await startBrowserApp({ dataDir });
  });
  afterAll(async () => {
    await b?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(files, { recursive: true, force: true });
  });

  /** Uploads a file and lets the job runner do the import, as the service's runner would. */
  async function upload(page: Page, file: string): Promise<void> {
    await page.goto('/training/import');
    await page.setInputFiles('input[type="file"][name="file"]', path.join(files, file));
    await clickAndWait(page, button(page, 'Upload and check'));
    expect(here(page)).toMatch(/^\/training\/imports\/[0-9a-f-]{36}$/);
    await runDueJobs(b.database);
    // The status page refreshes itself every 2 seconds while the import runs: that refresh can cut
    // across ours (net::ERR_ABORTED) when the job took longer than that. Load it again until one lands.
    const url = page.url();
    for (let attempt = 1; ; attempt++) {
      try {
        await page.goto(url);
        break;
      } catch (error) {
        if (attempt >= 3 || !/ERR_ABORTED|frame was detached/.test(String(error))) throw error;
      }
    }
  }

  it('a training administrator fixes a file from its error report, imports it and sees the figures', async () => {
    const admin = await b.newPage();
    await signIn(admin, demo.trainingAdmin);
    await admin.goto('/training');
    await checkAccessibility(admin);
    await clickAndWait(admin, admin.getByRole('link', { name: 'Import from the staff record system (ESR)' }));
    expect(here(admin)).toBe('/training/import');
    await checkAccessibility(admin);

    await upload(admin, 'esr-broken.csv');
    const report = await main(admin);
    expect(report).toContain('Nothing was imported');
    // Line, column, value and problem, as the table on the page gives them (the heading row is line 1).
    expect(report).toMatch(/3\s+Achievement Date\s+31\/02\/2025\s+Not a real date/);
    expect(report).toMatch(/5\s+Employee Number\s+\(blank\)\s+Blank/);
    await checkAccessibility(admin);
    await screenshot(admin, 'training-import-errors');
    const csvLink = admin.getByRole('link', { name: /download/i });
    expect(await csvLink.getAttribute('href')).toMatch(/\/errors\.csv$/);

    // Four people in the file: everyone else in the demo would become a leaver, so the import asks for the number first.
    await upload(admin, 'esr-fixed.csv');
    const unconfirmed = await main(admin);
    expect(unconfirmed).toContain('Nothing was imported: confirm the leavers');
    const leavers = /This file would make (\d+) of \1 staff leavers \(100%\)/.exec(unconfirmed)?.[1] ?? '';
    expect(Number(leavers)).toBeGreaterThan(100);
    await checkAccessibility(admin);
    await admin.getByLabel('To import it anyway, enter the number of staff who will become leavers').fill('4');
    await clickAndWait(admin, button(admin, `Import and mark ${leavers} staff as leavers`));
    expect(await main(admin)).toContain(`Enter ${leavers}, the number of staff this file makes leavers: you entered 4`);
    await checkAccessibility(admin);
    await admin.getByLabel('To import it anyway, enter the number of staff who will become leavers').fill(leavers);
    await clickAndWait(admin, button(admin, `Import and mark ${leavers} staff as leavers`));
    await runDueJobs(b.database);
    await admin.reload();
    expect(await main(admin)).toMatch(/imported/i);
    await checkAccessibility(admin);

    await admin.goto('/training');
    const dashboard = await main(admin);
    // Four people in the file; everyone else in the demo is now a leaver. Ada (level 3), Ben and Cara (basic) are up to date, Dev never trained.
    expect(dashboard).toMatch(/Staff in scope\s*4/);
    expect(dashboard).toMatch(/Up to date\s*3/);
    expect(dashboard).toContain('75% · Below target');
    expect(dashboard).toMatch(/Staff in scope fell sharply\s*Staff in scope fell from \d+ on \d+ \w+ \d{4} to 4\./);
    await checkAccessibility(admin);
    await screenshot(admin, 'training-dashboard');

    await clickAndWait(admin, admin.getByRole('link', { name: 'Staff list, with each person’s status' }));
    await checkAccessibility(admin);
    expect(await main(admin)).toContain('Dev Patel');
    await admin.selectOption('#status', 'never');
    await clickAndWait(admin, button(admin, 'Filter'));
    expect(await main(admin)).toContain('1 person');
    await clickAndWait(admin, admin.getByRole('link', { name: 'Dev Patel' }));
    expect(await main(admin)).toContain('Never trained');
    await checkAccessibility(admin);
    await admin.fill('#course', 'Prevent WRAP workshop');
    await admin.check('input[name="level"][value="basic"]');
    await fillDate(admin, 'completedOn', '2026-10-01');
    await clickAndWait(admin, button(admin, 'Add record'));
    expect(await main(admin)).toContain('Up to date');

    for (const url of [
      '/training/needs-analysis',
      '/training/trend',
      '/training/plan',
      '/training/plan/trainers/new',
      '/training/plan/sessions/new',
      '/training/import/settings',
      '/training/staff/new',
    ]) {
      await admin.goto(url);
      await checkAccessibility(admin);
    }
    expect(browserProblems(admin)).toEqual([]);
  });

  it('a member of staff sees their own status and nobody else’s', async () => {
    const staff = await b.newPage();
    await signIn(staff, demo.staff);
    await clickAndWait(staff, staff.getByRole('banner').getByRole('link', { name: 'My training' }));
    expect(here(staff)).toBe('/training/mine');
    const text = await main(staff);
    // Sam's own staff record (the demo's first person at the trust), matched by the address they sign in with.
    expect(text).toContain('10010000');
    expect(text).toContain('Prevent training records');
    await checkAccessibility(staff);
    const refused = await staff.goto('/training/staff');
    expect(refused?.status()).toBe(403);
  });

  it('the commissioner sees each provider’s counts, not its staff', async () => {
    const commissioner = await b.newPage();
    await signIn(commissioner, demo.commissioner);
    await commissioner.goto('/training/providers');
    const text = await main(commissioner);
    expect(text).toContain('Dales Community and Mental Health NHS Trust (RZ2)');
    expect(text).not.toContain('Okafor');
    // The first test's import left the foundation trust 4 staff in scope: the view says the headcount fell.
    expect(text).toMatch(
      /Staff in scope fell sharply at one provider[\s\S]*\(RZ1\): from \d+ on \d+ \w+ \d{4} to fewer than \d+/,
    );
    await checkAccessibility(commissioner);
  });
});
