import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pdfDocument, wordDocument } from '../src/modules/policies/demo.ts';
import { todayInLondon } from '../src/platform/dates.ts';
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

const path = (page: Page) => new URL(page.url()).pathname;
const daysAgo = (n: number) => {
  const d = new Date(`${todayInLondon()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
};

/**
 * The policy register in a real browser: a multipart upload with its CSRF token, the
 * framework checklist revealed under its kind, and the pages a crawl from the home page does
 * not reach (the forms with their errors, a new version, a superseded version), each with axe.
 */
describeInBrowser('the policy register in the browser', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('a Prevent lead adds a framework with its checklist, records a new version and downloads the old one', async () => {
    const page = await b.newPage();
    await signIn(page, demo.independentLead);
    // A lead's navigation is long: with JavaScript the header folds its last items under "More".
    await page.goto('/policies');
    expect(path(page)).toBe('/policies');
    await checkAccessibility(page);
    await clickAndWait(page, page.getByRole('button', { name: 'Add a policy' }));
    expect(path(page)).toBe('/policies/new');
    await checkAccessibility(page);

    // Mistakes come back next to their fields, with the error summary.
    await page.getByRole('radio', { name: 'Prevent framework or policy', exact: true }).check();
    await page.getByRole('checkbox', { name: 'A Channel referral pathway' }).check();
    await clickAndWait(page, page.getByRole('button', { name: 'Add policy' }));
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain('There is a problem');
    await expect(textOf(page.locator('#title-error'))).resolves.toContain('Enter the policy’s title');
    await expect(textOf(page.locator('#section-channel_pathway-error'))).resolves.toContain(
      'Enter where the document covers this',
    );
    await expect(textOf(page.locator('#document-error'))).resolves.toContain('Choose the policy document');
    await checkAccessibility(page);
    await screenshot(page, 'policies-new-errors');

    await page.getByLabel('Title', { exact: true }).fill('Harbourside Prevent policy');
    await page.locator('#section-channel_pathway').fill('Section 5');
    await page.getByLabel('Version', { exact: true }).fill('1.0');
    await fillDate(page, 'approvedOn', daysAgo(30));
    await page.getByLabel('Approved by').fill('Board of directors');
    await fillDate(page, 'nextReviewOn', daysAgo(-335));
    const first = pdfDocument('Harbourside Prevent policy', ['5 Channel referral pathway']);
    await page
      .locator('input[type=file][name=document]')
      .setInputFiles({ name: 'prevent-policy.pdf', mimeType: 'application/pdf', buffer: first });
    await clickAndWait(page, page.getByRole('button', { name: 'Add policy' }));
    expect(path(page)).toMatch(/^\/policies\/[0-9a-f-]{36}$/);
    await expect(textOf(page.locator('main'))).resolves.toContain('Required contents missing');
    await checkAccessibility(page);
    await screenshot(page, 'policies-show');

    await clickAndWait(page, page.getByRole('button', { name: 'Record a new version' }));
    await checkAccessibility(page);
    expect(await page.locator('#section-channel_pathway').inputValue()).toBe('Section 5');
    await page.getByLabel('Version', { exact: true }).fill('1.1');
    await fillDate(page, 'approvedOn', daysAgo(1));
    await fillDate(page, 'nextReviewOn', daysAgo(-364));
    const docx = await wordDocument('Harbourside Prevent policy', ['Version 1.1']);
    await page.locator('input[type=file][name=document]').setInputFiles({
      name: 'prevent-policy.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: docx,
    });
    await clickAndWait(page, page.getByRole('button', { name: 'Record version' }));
    await expect(textOf(page.locator('main'))).resolves.toContain('prevent-policy.docx');

    await clickAndWait(page, page.getByRole('link', { name: 'Version 1.0' }));
    await expect(textOf(page.locator('main'))).resolves.toContain('cannot be changed');
    await checkAccessibility(page);
    await screenshot(page, 'policies-superseded-version');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'prevent-policy.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('prevent-policy.pdf');
    expect(fs.readFileSync(await download.path()).equals(first)).toBe(true);
    expect(browserProblems(page)).toEqual([]);
  });

  it('the commissioner reads a provider’s register, with no way to change it', async () => {
    const page = await b.newPage();
    await signIn(page, demo.commissioner);
    await page.goto('/policies');
    await checkAccessibility(page);
    await clickAndWait(page, page.getByRole('link', { name: 'Northshire Teaching Hospitals NHS Foundation Trust' }));
    await checkAccessibility(page);
    await clickAndWait(page, page.getByRole('link', { name: 'Prevent framework', exact: true }));
    await expect(textOf(page.locator('main'))).resolves.toContain('Recruitment and workforce policy');
    expect(await page.getByRole('button', { name: 'Record a new version' }).count()).toBe(0);
    await checkAccessibility(page);
    expect(browserProblems(page)).toEqual([]);
  });
});
