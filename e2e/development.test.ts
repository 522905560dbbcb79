import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, spokenDate, todayInLondon } from '../src/platform/dates.ts';
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
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const errorSummary = (page: Page) => textOf(page.locator('.nhsuk-error-summary'));

const heldOn = addDays(todayInLondon(), -7);
const title = 'Regional Prevent leads’ forum, winter';

/** A Prevent lead records their own development activity through the date boxes, and sees it on their page. */
describeInBrowser('development of Prevent leads in the browser', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the operational lead records an activity, fixing a mistake, and sees it with their hours', async () => {
    const lead = await b.newPage();
    await signIn(lead, demo.operationalLead);
    await lead.goto('/development');
    await expect(main(lead)).resolves.toContain('Prevent leads');
    await checkAccessibility(lead);
    await screenshot(lead, 'development-list');

    await clickAndWait(lead, lead.locator('main table').first().getByRole('link', { name: 'Jordan Ellis' }));
    expect(here(lead)).toMatch(/^\/development\/people\/[0-9a-f-]{36}$/);
    await expect(main(lead)).resolves.toContain('Development plan');
    await checkAccessibility(lead);

    await clickAndWait(lead, button(lead, 'Record an activity'));
    await checkAccessibility(lead);
    await lead.getByLabel('Regional Prevent update').check();
    await fillDate(lead, 'heldOn', heldOn);
    await lead.getByLabel('Hours').fill('0');
    await lead.getByLabel('Title').fill(title);
    await lead.getByLabel('Provider').fill('NHS England North East and Yorkshire');
    await clickAndWait(lead, button(lead, 'Save the activity'));
    await expect(errorSummary(lead)).resolves.toContain('The hours must be more than 0');
    expect(await lead.getByLabel('Title').inputValue()).toBe(title);
    await checkAccessibility(lead);

    await lead.getByLabel('Hours').fill('2.75');
    await lead.getByLabel('Evidence (optional)').fill('Slides and attendance list on file');
    await clickAndWait(lead, button(lead, 'Save the activity'));
    expect(here(lead)).toMatch(/^\/development\/people\/[0-9a-f-]{36}$/);
    const row = (await textOf(lead.locator('main tr', { hasText: title }))).replace(/\s+/g, ' ');
    for (const value of [spokenDate(heldOn), 'Regional Prevent update', 'NHS England North East and Yorkshire', '2.75']) {
      expect(row).toContain(value);
    }
    await checkAccessibility(lead);

    // A target in the plan, already past its due date: shown as overdue.
    await clickAndWait(lead, button(lead, 'Add a target'));
    await checkAccessibility(lead);
    await lead.getByLabel('Target').fill('Shadow a Channel panel chair');
    await fillDate(lead, 'dueOn', addDays(todayInLondon(), -1));
    await lead.getByLabel('In progress').check();
    await clickAndWait(lead, button(lead, 'Save the target'));
    const target = (await textOf(lead.locator('main tr', { hasText: 'Shadow a Channel panel chair' }))).replace(/\s+/g, ' ');
    expect(target).toMatch(/In progress Overdue/);
    await checkAccessibility(lead);
    await screenshot(lead, 'development-person');
    expect(browserProblems(lead)).toEqual([]);
  });
});
