import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demo } from '../test/harness.ts';
import {
  type BrowserApp,
  checkAccessibility,
  clickAndWait,
  describeInBrowser,
  screenshot,
  signIn,
  startBrowserApp,
  textOf,
} from './browser.ts';

const here = (page: Page) => new URL(page.url()).pathname;
const attention = (page: Page) => page.locator('main .app-attention li');

/**
 * The home page in a real browser, for a Prevent lead (what needs doing, each line a link to where to act)
 * and for a member of staff (who their leads are, and the way to raise a concern): axe on both, and both
 * used without JavaScript.
 */
describeInBrowser('the home page in the browser', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the accessibility check finds a violation when there is one (it is not silently passing)', async () => {
    const page = await b.newPage();
    await page.goto('/sign-in');
    await page.evaluate(() => {
      const image = document.createElement('img');
      image.src = '/assets/images/favicon.svg';
      document.querySelector('main')?.append(image);
    });
    await expect(checkAccessibility(page)).rejects.toThrow(/image-alt/);
  });

  it('a Prevent lead sees what needs attention first, and each line leads to the page to act on it', async () => {
    const page = await b.newPage();
    await signIn(page, demo.operationalLead);
    expect(here(page)).toBe('/');
    const headings = await page.locator('main h2').allInnerTexts();
    expect(headings[0]).toBe('Needs attention');
    expect(headings).toContain('Go to');
    const lines = await attention(page).allInnerTexts();
    expect(lines.length).toBeGreaterThan(0);
    // Most urgent first: every overdue line before every due one, every due one before every new one.
    const ranks = lines.map((line) => ['Overdue', 'Due', 'New'].findIndex((tag) => line.startsWith(tag)));
    expect(ranks).not.toContain(-1);
    expect([...ranks].sort((x, y) => x - y)).toEqual(ranks);
    await checkAccessibility(page);
    await screenshot(page, 'home-lead');

    // Each line's link opens a page of the app.
    const hrefs = await attention(page)
      .locator('a')
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute('href') ?? ''));
    for (const href of hrefs) {
      const response = await page.goto(href);
      expect(response?.status(), href).toBe(200);
    }
  });

  it('without JavaScript, a member of staff sees their Prevent leads and raises a concern from the home page', async () => {
    const page = await b.newPage({ javaScriptEnabled: false });
    await signIn(page, demo.staff);
    expect(here(page)).toBe('/');
    const main = await textOf(page.locator('main'));
    expect(main).not.toContain('Needs attention');
    expect(main).toContain('Your Prevent leads');
    expect(main).toContain('Jordan Ellis');
    expect(main).toContain('Morgan Hale');
    await clickAndWait(page, page.locator('main').getByRole('button', { name: 'Raise a concern' }));
    expect(here(page)).toBe('/concerns/new');

    const withScript = await b.newPage();
    await signIn(withScript, demo.staff);
    await checkAccessibility(withScript);
    await screenshot(withScript, 'home-staff');
  });

  it('without JavaScript, a lead follows a line of the list', async () => {
    const page = await b.newPage({ javaScriptEnabled: false });
    await signIn(page, demo.operationalLead);
    const first = attention(page).first().locator('a');
    const href = (await first.getAttribute('href')) ?? '';
    await clickAndWait(page, first);
    expect(here(page)).toBe(new URL(href, b.baseUrl).pathname);
  });
});
