import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, todayInLondon } from '../src/platform/dates.ts';
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
const button = (page: Page, name: string | RegExp) =>
  page.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name });

/**
 * The commissioner's journey in a real browser: the contract register, a provider's contracts, a
 * quality check recorded with mistakes fixed, an action for the provider; then the provider's lead
 * reads it and marks the action done. axe on every page.
 */
describeInBrowser('the contract register and quality checks in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the commissioner records a quality check with an action, and the provider marks the action done', async () => {
    const today = todayInLondon();
    const page = await b.newPage();
    await signIn(page, demo.commissioner);
    await page.goto('/contracts');
    await expect(textOf(page.locator('header [aria-current="page"]'))).resolves.toBe('Contracts');
    const dales = page.locator('main tr', { hasText: 'Dales Community and Mental Health NHS Trust' });
    await expect(textOf(dales)).resolves.toMatch(/No: SC32 missing[\s\S]*Review overdue[\s\S]*No check yet/);
    await checkAccessibility(page);
    await screenshot(page, 'contracts-register');

    await clickAndWait(page, page.getByRole('link', { name: 'Dales Community and Mental Health NHS Trust', exact: true }));
    expect(here(page)).toMatch(/^\/contracts\/providers\/[0-9a-f-]{36}$/);
    await expect(main(page)).resolves.toContain('Mental health and community services');
    await checkAccessibility(page);

    await clickAndWait(page, button(page, /^Change the contract/));
    await checkAccessibility(page);
    await page.goBack();

    await clickAndWait(page, button(page, /^Record a quality check/));
    await checkAccessibility(page);
    await fillDate(page, 'checkedOn', addDays(today, 1));
    await clickAndWait(page, button(page, 'Save quality check'));
    const summary = await textOf(page.locator('.nhsuk-error-summary'));
    expect(summary).toContain('The date of the check cannot be in the future');
    expect(summary).toContain('Tick at least one thing you checked');
    expect(summary).toContain('Enter what the check found');
    expect(summary).toContain('Choose a rating');
    await checkAccessibility(page);
    await screenshot(page, 'contracts-check-error');

    await fillDate(page, 'checkedOn', today);
    await page.getByLabel('Prevent is in the contract').check();
    await page.getByLabel('Provider staff are appropriately trained').check();
    await page.getByLabel('Findings').fill('SC32 is missing from the contract. Training records seen: level 3 at 78%.');
    await page.getByLabel('Not assured').check();
    await clickAndWait(page, button(page, 'Save quality check'));
    expect(here(page)).toMatch(/^\/contracts\/checks\/[0-9a-f-]{36}$/);
    const checkUrl = here(page);
    let text = await main(page);
    expect(text).toContain('Prevent is in the contract: checked');
    expect(text).toContain('Prevent is considered alongside other safeguarding: not checked');
    expect(text).toContain('Not assured');
    expect(text).toContain('No actions from this check.');
    await checkAccessibility(page);

    await clickAndWait(page, button(page, 'Add an action'));
    await checkAccessibility(page);
    await clickAndWait(page, button(page, 'Add the action'));
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain('Enter what is to be done');
    await checkAccessibility(page);
    await page.getByLabel('What is to be done').fill('Add the Prevent clauses of SC32 at the contract review');
    await page.getByLabel('Dales Community and Mental Health NHS Trust').check();
    await page.getByLabel('Owner', { exact: true }).fill('Avery Quinn');
    await fillDate(page, 'dueOn', addDays(today, 30));
    await clickAndWait(page, button(page, 'Add the action'));
    expect(here(page)).toBe(checkUrl);
    text = await main(page);
    expect(text).toContain('Add the Prevent clauses of SC32 at the contract review');
    expect(text).toContain('Avery Quinn, Dales Community and Mental Health NHS Trust');
    expect(text).toContain('1 open');
    await checkAccessibility(page);
    await screenshot(page, 'contracts-check');

    await page.goto('/contracts');
    await expect(textOf(dales)).resolves.toContain('Not assured');
    expect((await textOf(dales.locator('td').last())).trim()).toBe('1');
    await checkAccessibility(page);
    expect(browserProblems(page)).toEqual([]);
    await page.context().close();

    const lead = await b.newPage();
    await signIn(lead, demo.otherTrustLead);
    await lead.goto('/contracts');
    await expect(textOf(lead.locator('header [aria-current="page"]'))).resolves.toBe('Contracts');
    text = await main(lead);
    expect(text).toContain('Mental health and community services');
    expect(text).toContain('Add the Prevent clauses of SC32 at the contract review');
    expect(await lead.getByRole('button', { name: /^Record a quality check/ }).count()).toBe(0);
    await checkAccessibility(lead);
    await screenshot(lead, 'contracts-provider');

    await clickAndWait(lead, lead.getByRole('link', { name: 'From the check of', exact: false }).first());
    expect(here(lead)).toBe(checkUrl);
    await checkAccessibility(lead);
    const action = lead.locator('main tr', { hasText: 'Add the Prevent clauses of SC32 at the contract review' });
    await clickAndWait(lead, action.getByRole('button', { name: /^Mark done\b/ }));
    expect(here(lead)).toBe(checkUrl);
    text = await main(lead);
    expect(text).toMatch(/Done .* by Avery Quinn/);
    expect(text).toContain('0 open');
    await checkAccessibility(lead);
    expect(browserProblems(lead)).toEqual([]);
    await lead.context().close();
  });
});
