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

/** Opens a page from the header's navigation, as a person would: from its "More" menu if it does not fit in the header. */
async function openFromNavigation(page: Page, name: string): Promise<void> {
  const banner = page.getByRole('banner');
  const item = banner.getByRole('link', { name, exact: true });
  if (!(await item.isVisible())) await banner.getByRole('button', { name: 'Browse More', exact: true }).click();
  await clickAndWait(page, item);
  await expect(textOf(page.locator('header [aria-current="page"]'))).resolves.toBe(name);
}

const today = todayInLondon();
const partnerName = 'Browser Officer Jo Tarrant';
const partnerAgency = 'Counter Terrorism Policing (browser test)';

/**
 * Partners and regional learning in a real browser: the commissioner adds a police partner member
 * (after a mistake), records a meeting the partner attended and an action the partner owns, and marks
 * it done for them; the regional lead reads the region's case studies and features one. axe on every page.
 */
describeInBrowser('partners in the learning group and regional learning in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;

  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the commissioner adds a partner member, a meeting they attended and an action they own', async () => {
    const page = await b.newPage();
    await signIn(page, demo.commissioner);
    await openFromNavigation(page, 'Learning group');
    await expect(main(page)).resolves.toContain('Counter Terrorism Policing North East (demo)');
    await checkAccessibility(page);

    await clickAndWait(
      page,
      page.getByRole('button', { name: 'Add a partner member' }).or(page.getByRole('link', { name: 'Add a partner member' })),
    );
    await checkAccessibility(page);
    await page.getByLabel('Name', { exact: true }).fill(partnerName);
    await clickAndWait(page, button(page, 'Add the partner member'));
    await expect(errorSummary(page)).resolves.toContain('Enter the agency they come from');
    await expect(errorSummary(page)).resolves.toContain('Choose the kind of agency');
    await checkAccessibility(page, { always: true });
    await page.getByLabel('Agency', { exact: true }).fill(partnerAgency);
    await page.getByLabel('Police', { exact: true }).check();
    await clickAndWait(page, button(page, 'Add the partner member'));
    expect(here(page)).toBe('/learning');
    await expect(main(page)).resolves.toContain(partnerName);

    await page.goto('/learning/meetings/new');
    await checkAccessibility(page);
    await fillDate(page, 'heldOn', today);
    await page.getByLabel('Who attended', { exact: true }).fill('Dana Whitfield (ICB, chair)');
    await page.getByLabel(`${partnerName}, ${partnerAgency}`).check();
    await clickAndWait(page, button(page, 'Save the meeting'));
    expect(here(page)).toMatch(/^\/learning\/meetings\/[0-9a-f-]{36}$/);
    await expect(main(page)).resolves.toContain(`${partnerName}, ${partnerAgency} (police)`);
    await checkAccessibility(page);

    await page.goto('/learning/actions/new');
    await page.getByLabel('What is to be done').fill('Send the browser test contact route');
    await page
      .getByLabel('Organisation or partner member that owns it')
      .selectOption({ label: `${partnerName}, ${partnerAgency} (partner member)` });
    await fillDate(page, 'dueOn', addDays(today, -1));
    await clickAndWait(page, button(page, 'Add the action'));
    expect(here(page)).toBe('/learning');
    const row = page.locator('main tr', { hasText: 'Send the browser test contact route' });
    await expect(textOf(row)).resolves.toContain('Overdue');
    await checkAccessibility(page);
    await clickAndWait(page, row.getByRole('button', { name: /^Mark done\b/ }));
    await expect(textOf(page.locator('main tr', { hasText: 'Send the browser test contact route' }))).resolves.toContain('Done');
    expect(browserProblems(page)).toEqual([]);
  });

  it('the regional lead reads the region’s case studies and features one for regional learning', async () => {
    const page = await b.newPage();
    await signIn(page, demo.regionalLead);
    await openFromNavigation(page, 'Regional learning');
    const list = await main(page);
    expect(list).toContain('Themes across the region');
    expect(list).toContain('Online grooming disclosed on a medical ward');
    expect(list).toContain('Threats to local councillors voiced in the emergency department');
    await checkAccessibility(page);

    // The earlier shared study comes second until it is featured.
    const older = 'Threats to local councillors voiced in the emergency department';
    await clickAndWait(page, page.getByRole('link', { name: older }));
    await checkAccessibility(page);
    await clickAndWait(page, button(page, 'Feature for regional learning'));
    await expect(main(page)).resolves.toMatch(/Featured for regional learning by Harper Lowe on \d+ \w+ \d{4}/);
    await checkAccessibility(page);

    await page.goto('/learning/region');
    const rows = page.locator('main table').last().locator('tbody tr');
    await expect(textOf(rows.first())).resolves.toContain(older);
    await expect(textOf(rows.first())).resolves.toContain('Featured by Harper Lowe');
    await checkAccessibility(page);

    await clickAndWait(page, page.getByRole('link', { name: older }));
    await clickAndWait(page, button(page, 'Stop featuring it'));
    await expect(main(page)).resolves.toContain('Not featured');
    expect(browserProblems(page)).toEqual([]);
  });
});
