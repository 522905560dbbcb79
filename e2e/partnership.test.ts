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
  signIn,
  startBrowserApp,
  textOf,
} from './browser.ts';

const here = (page: Page) => new URL(page.url()).pathname;
const main = (page: Page) => textOf(page.locator('main'));
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const errorSummary = (page: Page) => textOf(page.locator('.nhsuk-error-summary'));

/**
 * A Prevent lead's multi-agency work in a real browser: record a meeting (fixing a mistake), agree an action and
 * mark it done; record a request from a Channel panel about someone never referred, opening their case, and answer
 * it with a sharing decision on that case. axe on every page.
 */
describeInBrowser('partnership and information requests in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('a Prevent lead records a meeting and its action, and marks the action done', async () => {
    const page = await b.newPage();
    await signIn(page, demo.operationalLead);
    await page.goto('/partnership');
    await expect(textOf(page.locator('header [aria-current="page"]'))).resolves.toBe('Partnership');
    await checkAccessibility(page);
    await clickAndWait(page, button(page, 'Record a meeting'));
    await checkAccessibility(page);
    await page.getByLabel('Community safety partnership').check();
    await page.getByLabel('Name of the meeting').fill('Northshire community safety partnership, winter meeting');
    await fillDate(page, 'heldOn', addDays(todayInLondon(), -1));
    await page.getByLabel('Who attended from your organisation').fill('Operational Prevent lead');
    await page.getByLabel('What your organisation contributed').fill('Talked about what we know of Mohammed Khan.');
    await clickAndWait(page, button(page, 'Save the meeting'));
    await expect(errorSummary(page)).resolves.toContain('What your organisation contributed holds what looks like an identifier');
    await checkAccessibility(page);
    await page.getByLabel('What your organisation contributed').fill('The health view on the partnership’s priorities.');
    await clickAndWait(page, button(page, 'Save the meeting'));
    expect(here(page)).toMatch(/^\/partnership\/meetings\/[0-9a-f-]{36}$/);
    await checkAccessibility(page);

    await page.getByLabel('The action').fill('Send the partnership the training figures');
    await page.getByLabel('Who owns it').fill('Operational Prevent lead');
    await fillDate(page, 'dueOn', addDays(todayInLondon(), 14));
    await clickAndWait(page, button(page, 'Add the action'));
    await expect(main(page)).resolves.toContain('Send the partnership the training figures');
    await clickAndWait(page, page.getByRole('button', { name: /^Mark done/ }));
    await expect(main(page)).resolves.toMatch(/Done \d{1,2} \w+ \d{4}/);
    await checkAccessibility(page);
    expect(browserProblems(page)).toEqual([]);
  });

  it('a Prevent lead records a Channel panel’s request, opening a case, and is asked for the sharing decision that answers it', async () => {
    const page = await b.newPage();
    await signIn(page, demo.operationalLead);
    await page.goto('/information-requests');
    await checkAccessibility(page);
    await clickAndWait(page, button(page, 'Record a request received'));
    await checkAccessibility(page);
    await page.getByLabel('Channel panel', { exact: true }).check();
    await page.getByLabel('The agency and the person’s role or name').fill('Northshire Channel panel, chair');
    await fillDate(page, 'askedOn', todayInLondon());
    await fillDate(page, 'dueOn', addDays(todayInLondon(), 5));
    await page.getByLabel('What was asked').fill('Whether the trust holds health information relevant to support.');
    await page.getByLabel('Open a new case for this person').check();
    await page.getByLabel('Patient', { exact: true }).check();
    await page.getByLabel('Their name').fill('Sasha Browser-Request');
    await page.getByRole('group', { name: 'Are they a child (under 18)?' }).getByLabel('No').check();
    await clickAndWait(page, button(page, 'Save the request'));
    expect(here(page)).toMatch(/^\/information-requests\/[0-9a-f-]{36}$/);
    const requestUrl = page.url();
    await expect(main(page)).resolves.toContain('The case has no sharing decision yet');
    await checkAccessibility(page);

    await clickAndWait(page, page.getByRole('link', { name: /^Record the sharing decision on case/ }));
    await checkAccessibility(page);
    await expect(main(page)).resolves.toContain('Record a sharing decision');
    await page.goto(requestUrl);
    await fillDate(page, 'respondedOn', todayInLondon());
    await clickAndWait(page, button(page, 'Save the answer'));
    await expect(errorSummary(page)).resolves.toContain('Choose the sharing decision that answers the request');
    await checkAccessibility(page);
    expect(browserProblems(page)).toEqual([]);
  });
});
