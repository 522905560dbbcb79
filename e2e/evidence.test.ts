import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { zipFiles } from '../test/documents.ts';
import { demo } from '../test/harness.ts';
import {
  type BrowserApp,
  browserProblems,
  checkAccessibility,
  clickAndWait,
  describeInBrowser,
  headerNavigation,
  screenshot,
  signIn,
  startBrowserApp,
  textOf,
} from './browser.ts';

const here = (page: Page) => new URL(page.url()).pathname;
const main = (page: Page) => textOf(page.locator('main'));
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/**
 * CQC evidence in a real browser: the accountable lead gives a named inspector access (a mistake first), the
 * inspector sets a password from the link, reads the evidence and downloads the pack, and sees nothing else;
 * the leads see what was viewed; the accountable lead ends the access and the inspector is signed out.
 */
describeInBrowser('CQC evidence and inspector access in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  let link = '';
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the accountable lead gives a named inspector access for 10 days', async () => {
    const page = await b.newPage();
    await signIn(page, demo.accountableLead);
    await page.goto('/evidence');
    await checkAccessibility(page);
    await clickAndWait(page, page.getByRole('link', { name: 'Who has access, until when, and what they viewed' }));
    await checkAccessibility(page);
    await page.getByLabel('Inspector’s full name').fill('Morgan Inspector');
    await page.getByLabel('Inspector’s e-mail address').fill('morgan.inspector@cqc-browser.example');
    await page.getByLabel('For how many days').fill('45');
    await clickAndWait(page, button(page, 'Give access'));
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain('30 days at most');
    await checkAccessibility(page);
    await page.getByLabel('For how many days').fill('10');
    await clickAndWait(page, button(page, 'Give access'));
    await expect(textOf(page.locator('.nhsuk-panel'))).resolves.toContain('Access given');
    link = (await textOf(page.locator('#invitation-link'))).trim();
    expect(link).toMatch(/\/invitations\/\S+$/);
    await checkAccessibility(page);
    expect(browserProblems(page)).toEqual([]);
  });

  it('the inspector sets a password, reads the evidence, downloads the pack and reaches nothing else', async () => {
    const page = await b.newPage();
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('inspection week in spring');
    await page.getByLabel('Confirm new password').fill('inspection week in spring');
    await clickAndWait(page, button(page, 'Set password'));
    await signIn(page, 'morgan.inspector@cqc-browser.example', 'inspection week in spring');
    expect(await headerNavigation(page)).toEqual(['Home', 'Raise a concern', 'My training', 'CQC evidence']);
    await page.goto('/evidence');
    await checkAccessibility(page);
    for (const name of [
      'Prevent training compliance',
      'Prevent policy and linked policies',
      'Annual Prevent report to the board',
    ]) {
      await clickAndWait(page, page.getByRole('link', { name }));
      expect(await main(page)).toContain(name);
      await checkAccessibility(page);
      await page.goto('/evidence');
    }
    await screenshot(page, 'evidence-index');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the evidence pack (zip)' }).click(),
    ]);
    const files = await zipFiles(fs.readFileSync(await download.path()));
    expect(files.has('index.html')).toBe(true);
    for (const closed of ['/concerns', '/training', '/reports', '/evidence/inspectors']) {
      expect((await page.goto(closed))?.status(), closed).toBe(403);
    }
    expect(browserProblems(page)).toEqual([]);
  });

  it('the leads see what the inspector viewed; the accountable lead ends the access and the inspector is signed out', async () => {
    const lead = await b.newPage();
    await signIn(lead, demo.operationalLead);
    await lead.goto('/evidence/inspectors');
    const listed = await main(lead);
    expect(listed).toContain('Morgan Inspector (morgan.inspector@cqc-browser.example)');
    expect(listed).toContain('Prevent training compliance');
    expect(listed).toContain('the evidence pack (zip)');
    expect(await lead.getByRole('button', { name: /End access/ }).count()).toBe(0);
    await checkAccessibility(lead);

    const inspector = await b.newPage();
    await signIn(inspector, 'morgan.inspector@cqc-browser.example', 'inspection week in spring');
    const director = await b.newPage();
    await signIn(director, demo.accountableLead);
    await director.goto('/evidence/inspectors');
    await clickAndWait(director, director.getByRole('button', { name: 'End access for Morgan Inspector' }));
    expect(await main(director)).toContain('Ended early');
    await checkAccessibility(director);
    await inspector.goto('/evidence');
    expect(here(inspector)).toBe('/sign-in');
    expect(browserProblems(director)).toEqual([]);
  });

  it('access given again ends by itself at its time: the inspector’s next page is the sign-in page', async () => {
    const director = await b.newPage();
    await signIn(director, demo.accountableLead);
    await director.goto('/evidence/inspectors');
    await director.getByLabel('Inspector’s full name').fill('Morgan Inspector');
    await director.getByLabel('Inspector’s e-mail address').fill('morgan.inspector@cqc-browser.example');
    await director.getByLabel('For how many days').fill('1');
    await clickAndWait(director, button(director, 'Give access'));
    await expect(main(director)).resolves.toContain('already has an account');

    const inspector = await b.newPage();
    await signIn(inspector, 'morgan.inspector@cqc-browser.example', 'inspection week in spring');
    await inspector.goto('/evidence');
    expect(here(inspector)).toBe('/evidence');
    // A day passes.
    await b.database.db.execute(
      sql`update role_grants set expires_at = now() - interval '1 second', granted_at = now() - interval '1 day' where role = 'cqc_inspector' and revoked_at is null and expires_at > now() and user_id = (select id from users where email = 'morgan.inspector@cqc-browser.example')`,
    );
    await inspector.goto('/evidence/training');
    expect(here(inspector)).toBe('/sign-in');
    await director.goto('/evidence/inspectors');
    expect(await textOf(director.getByRole('row').filter({ hasText: 'Ended' }).first())).toContain('Morgan Inspector');
    await checkAccessibility(director);
  });
});
