import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

const here = (page: Page) => new URL(page.url()).pathname;
const main = (page: Page) => textOf(page.locator('main'));
/** A heat map cell's words, whitespace as one space. */
const cell = async (page: Page, likelihood: number, impact: number) =>
  (await textOf(page.locator(`td[data-likelihood="${likelihood}"][data-impact="${impact}"]`))).replace(/\s+/g, ' ').trim();
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/**
 * The Prevent leads' journey in a real browser: add a risk with a mistake, fix it, review it, see
 * it in the matrix; record this year's CTLP and have the accountable lead sign off its review; the
 * commissioner reads its providers' registers. axe on every page.
 */
describeInBrowser('the risk register and the CTLP in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('a Prevent lead adds a risk (fixing a mistake), reviews it and finds it in the matrix', async () => {
    const page = await b.newPage();
    await signIn(page, demo.operationalLead);
    await page.goto('/risks');
    await expect(textOf(page.locator('header [aria-current="page"]'))).resolves.toBe('Risks');
    await checkAccessibility(page);
    expect(await cell(page, 2, 5)).toMatch(/^0 /);

    await clickAndWait(page, button(page, 'Add a risk'));
    await checkAccessibility(page);
    await page.getByLabel('Title').fill('Visiting speaker events not checked against the Prevent policy');
    await page.getByLabel('Category').selectOption({ label: 'Estates and room hire' });
    await page.getByLabel('Owner').fill('Head of estates');
    const pick = async (group: string, likelihood: string, impact: string) => {
      const fieldset = page.getByRole('group', { name: group });
      await fieldset.getByLabel('Likelihood').selectOption(likelihood);
      await fieldset.getByLabel('Impact').selectOption(impact);
    };
    await pick('Inherent risk', '4', '5');
    await pick('Current risk', '3', '5');
    await pick('Target risk', '5', '5'); // higher than the current score: a mistake
    await clickAndWait(page, button(page, 'Save risk'));
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain(
      'The target score cannot be higher than the current score',
    );
    await checkAccessibility(page);
    await screenshot(page, 'risks-add-error');
    await pick('Target risk', '1', '5');
    await clickAndWait(page, button(page, 'Save risk'));
    expect(here(page)).toMatch(/^\/risks\/[0-9a-f-]{36}$/);
    await expect(main(page)).resolves.toContain('15 Extreme (likelihood 3 × impact 5)');
    await checkAccessibility(page);

    await clickAndWait(page, button(page, 'Review this risk'));
    await checkAccessibility(page);
    await fillDate(page, 'reviewedOn', todayInLondon());
    await page.getByLabel('Current likelihood').selectOption('2');
    await page.getByLabel('Note (optional)').fill('Speaker checks added to the booking process.');
    await clickAndWait(page, button(page, 'Save review'));
    const text = await main(page);
    expect(text).toContain('10 High (likelihood 2 × impact 5)');
    expect(text).toContain('likelihood 2 × impact 5 = 10');
    expect(text).toContain('Speaker checks added to the booking process.');
    await checkAccessibility(page);
    await screenshot(page, 'risks-risk');

    await clickAndWait(page, button(page, 'Change this risk'));
    await checkAccessibility(page);
    await page.goto('/risks');
    expect(await cell(page, 2, 5)).toBe('1 risk, 10 High');
    await screenshot(page, 'risks-register');
    expect(browserProblems(page)).toEqual([]);
    await page.context().close();
  });

  it('the lead records the CTLP; only the accountable lead signs off its review; an overdue review shows red', async () => {
    const other = await b.newPage();
    await signIn(other, demo.otherTrustLead);
    await other.goto('/risks/ctlp');
    await expect(textOf(other.locator('main .nhsuk-tag--red'))).resolves.toBe('Overdue');
    await expect(main(other)).resolves.toContain('Do not store protectively marked content');
    await expect(main(other)).resolves.toContain('Only the accountable Prevent lead can sign off');
    await checkAccessibility(other);
    await screenshot(other, 'risks-ctlp-overdue');
    await other.context().close();

    const lead = await b.newPage();
    await signIn(lead, demo.operationalLead);
    await lead.goto('/risks/ctlp');
    await checkAccessibility(lead);
    await clickAndWait(lead, lead.getByRole('button', { name: /^Record the CTLP for/ }));
    await checkAccessibility(lead);
    await lead.getByLabel('Themes, in your own words (optional)').fill('Our summary: online harms among young people.');
    await lead.getByLabel('Single Prevent lead with no deputy').check();
    await clickAndWait(lead, button(lead, 'Save CTLP record'));
    expect(here(lead)).toBe('/risks/ctlp');
    await expect(main(lead)).resolves.toContain('Our summary: online harms among young people.');
    await expect(main(lead)).resolves.toContain('Single Prevent lead with no deputy');
    await lead.context().close();

    const director = await b.newPage();
    await signIn(director, demo.accountableLead);
    await director.goto('/risks/ctlp');
    await clickAndWait(director, button(director, 'Sign off the review as accountable lead'));
    await expect(textOf(director.locator('.nhsuk-error-summary'))).resolves.toContain('Enter the date of the annual review');
    await checkAccessibility(director);
    await fillDate(director, 'reviewedOn', todayInLondon());
    await clickAndWait(director, button(director, 'Sign off the review as accountable lead'));
    expect(here(director)).toBe('/risks/ctlp');
    await expect(main(director)).resolves.toMatch(/signed off by Morgan Hale on/);
    await expect(main(director)).resolves.toContain('Up to date');
    await checkAccessibility(director);
    await screenshot(director, 'risks-ctlp-signed-off');
    expect(browserProblems(director)).toEqual([]);
    await director.context().close();
  });

  it('the commissioner reads its providers’ registers, with nothing to change', async () => {
    const page = await b.newPage();
    await signIn(page, demo.commissioner);
    await page.goto('/risks');
    await clickAndWait(page, page.getByRole('link', { name: 'Providers’ risk registers', exact: true }));
    expect(here(page)).toBe('/risks/providers');
    await checkAccessibility(page);
    const dales = page.locator('main tr', { hasText: 'Dales Community and Mental Health NHS Trust' });
    await expect(textOf(dales)).resolves.toMatch(/No risks recorded[\s\S]*Never[\s\S]*Overdue/);
    await screenshot(page, 'risks-providers');

    await clickAndWait(page, page.getByRole('link', { name: 'Northshire Teaching Hospitals NHS Foundation Trust', exact: true }));
    expect(here(page)).toMatch(/^\/risks\/providers\/[0-9a-f-]{36}$/);
    expect(await cell(page, 4, 4)).toBe('1 risk, 16 Extreme');
    await expect(main(page)).resolves.toContain('Prevent training below the 85% compliance target');
    await expect(main(page)).resolves.toMatch(/signed off by Morgan Hale on/);
    expect(await page.locator('main .nhsuk-button, main form').count()).toBe(0);
    await checkAccessibility(page);
    await screenshot(page, 'risks-provider');
    expect(browserProblems(page)).toEqual([]);
    await page.context().close();
  });
});
