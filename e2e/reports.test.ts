import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { todayInLondon } from '../src/platform/dates.ts';
import { docxXml, pdfText } from '../test/documents.ts';
import { demo } from '../test/harness.ts';
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

const main = (page: Page) => textOf(page.locator('main'));
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

async function download(page: Page, linkText: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkText }).click()]);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

/**
 * The annual board report in a real browser: the operational lead writes the sections (a name is refused),
 * the accountable lead approves, records the board meeting and shares it, and downloads each format; the
 * commissioner and the regional lead read the shared copy. axe on every page.
 */
describeInBrowser('the annual board report in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  let reportPath = '';
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the operational lead continues this year’s draft and writes its sections, fixing a name the check finds', async () => {
    const page = await b.newPage();
    await signIn(page, demo.operationalLead);
    await page.goto('/reports');
    await checkAccessibility(page);
    await clickAndWait(page, button(page, 'Start or continue the draft'));
    reportPath = new URL(page.url()).pathname;
    expect(reportPath).toMatch(/^\/reports\/board\/[0-9a-f-]{36}$/);
    const draft = await main(page);
    expect(draft).toContain('This is a draft');
    expect(draft).toContain('Training compliance at each month end');
    await checkAccessibility(page);

    await page.getByLabel('Significant incidents').fill('Dr Okonkwo raised a concern about a patient on the ward.');
    await page.getByLabel('No, they are not adequate').check();
    await page.getByLabel('Statement on resources').fill('A second level 3 trainer is needed.');
    await clickAndWait(page, button(page, 'Save the sections'));
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain('Okonkwo');
    await checkAccessibility(page);
    await screenshot(page, 'reports-written-error');
    await page.getByLabel('Significant incidents').fill('One concern on a ward was handled under the policy and reviewed.');
    await clickAndWait(page, button(page, 'Save the sections'));
    expect(await main(page)).toContain('A second level 3 trainer is needed.');
    expect(await page.getByRole('button', { name: 'Approve the report' }).count()).toBe(0);
    expect(browserProblems(page)).toEqual([]);
  });

  it('the accountable lead approves, records the board meeting, shares it and downloads each format', async () => {
    const page = await b.newPage();
    await signIn(page, demo.accountableLead);
    await page.goto(reportPath);
    await clickAndWait(page, button(page, 'Approve the report'));
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain('Confirm that you approve');
    await checkAccessibility(page);
    await page.getByLabel('I approve this report').check();
    await clickAndWait(page, button(page, 'Approve the report'));
    const approved = await main(page);
    expect(approved).toContain('Approved by');
    expect(approved).toContain('Checksum (SHA-256)');
    expect(approved).toContain('the resources for the Prevent duty are not adequate');
    await checkAccessibility(page);

    await fillDate(page, 'presentedOn', todayInLondon());
    await page.getByLabel('Minute reference').fill('BM/26/201');
    await clickAndWait(page, button(page, 'Save the board meeting'));
    expect(await main(page)).toContain('minute BM/26/201');
    await clickAndWait(page, button(page, 'Share with the commissioner and the region'));
    expect(await main(page)).toContain('with small numbers suppressed');
    await checkAccessibility(page);
    await screenshot(page, 'reports-approved');

    const pdf = await download(page, 'Download as PDF');
    expect(pdf.name).toMatch(/^board-report-RZ1-\d{4}-v\d+\.pdf$/);
    expect(await pdfText(pdf.bytes)).toContain('Whether resources are adequate');
    const word = await download(page, 'Download as Word');
    expect(word.name).toMatch(/\.docx$/);
    expect(await docxXml(word.bytes)).toContain('A second level 3 trainer is needed.');
    expect(browserProblems(page)).toEqual([]);
  });

  it('the commissioner and the regional lead find the shared copy in their views', async () => {
    // The commissioner reaches its own ICB's reports (not found here); the regional lead no board report of its own.
    for (const [who, ownReportsStatus] of [
      [demo.commissioner, 404],
      [demo.regionalLead, 403],
    ] as const) {
      const page = await b.newPage();
      await signIn(page, who);
      await page.goto('/reports/providers');
      await expect(textOf(page.locator('header [aria-current="page"]'))).resolves.toBe('Providers’ reports');
      await checkAccessibility(page);
      await clickAndWait(page, page.locator(`a[href="${reportPath.replace('/board/', '/providers/')}"]`));
      const shared = await main(page);
      expect(shared).toContain('Shared copy.');
      expect(shared).toContain('BM/26/201');
      expect(shared).toContain('Small numbers could identify a person');
      await checkAccessibility(page);
      const pdf = await download(page, 'Download as PDF');
      expect(await pdfText(pdf.bytes)).toContain('Shared copy.');
      // The provider's own pages stay closed.
      expect((await page.goto(reportPath))?.status()).toBe(ownReportsStatus);
      expect(browserProblems(page)).toEqual([]);
    }
  });
});
