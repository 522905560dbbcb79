import { afterAll, beforeAll, expect, it } from 'vitest';
import { anotherIcbsProvider } from '../test/factories.ts';
import { demo } from '../test/harness.ts';
import {
  type BrowserApp,
  checkAccessibility,
  clickAndWait,
  describeInBrowser,
  signIn,
  startBrowserApp,
  textOf,
} from './browser.ts';

describeInBrowser('an account in two organisations, in a browser', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  let outsiderAdmin = '';
  beforeAll(async () => {
    b = await startBrowserApp();
    outsiderAdmin = (await anotherIcbsProvider(b.database)).admin.email;
  });
  afterAll(() => b?.close());

  it('another organisation’s administrator adds a person who has an account: a role only, and no way to change the account', async () => {
    const page = await b.newPage();
    await signIn(page, outsiderAdmin);
    await page.goto('/users/new');
    await page.getByLabel('Full name').fill('Someone Else');
    await page.getByLabel('E-mail address').fill(demo.operationalLead);
    await page.getByLabel('Role').selectOption('staff');
    await clickAndWait(page, page.getByRole('button', { name: 'Create invitation' }));
    const main = await textOf(page.locator('main'));
    expect(main).toContain('Role given');
    expect(main).toContain('Jordan Ellis already has an account');
    expect(await page.locator('#invitation-link').count()).toBe(0);
    await checkAccessibility(page);

    await clickAndWait(page, page.getByRole('link', { name: 'Go to the person’s page' }));
    const person = await textOf(page.locator('main'));
    expect(person).toContain('also has roles in another organisation');
    for (const button of ['Deactivate account', 'Create a new sign-in link', 'Reset multi-factor authentication']) {
      expect(await page.getByRole('button', { name: button }).count(), button).toBe(0);
    }
    // Their role here is this organisation's to remove.
    expect(await page.getByRole('button', { name: /Remove/ }).count()).toBe(1);
    await checkAccessibility(page);
  });
});
