import { afterAll, beforeAll, expect, it } from 'vitest';
import { orgIdOf } from '../test/factories.ts';
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

describeInBrowser('oversight against the core standards, in a browser', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the commissioner’s heat map passes axe, and a cell leads to the provider’s results', async () => {
    const page = await b.newPage();
    await signIn(page, demo.commissioner);
    await page.goto('/assurance/providers');
    const main = await textOf(page.locator('main'));
    expect(main).toContain('Providers’ assurance against the core standards');
    expect(main).toContain('Key');
    await checkAccessibility(page);

    const rz1 = await orgIdOf(b.database, 'RZ1');
    const cell = page.locator(`a[href="/assurance/providers/${rz1}#section-prevent-leads"]`);
    expect(await cell.count()).toBe(1);
    await clickAndWait(page, cell);
    expect(new URL(page.url()).pathname).toBe(`/assurance/providers/${rz1}`);
    const provider = await textOf(page.locator('main'));
    expect(provider).toContain('Assurance against the core standards');
    expect(provider).toContain('P-LEAD-1');
    await checkAccessibility(page);
  });

  it('the region’s page passes axe and names no provider', async () => {
    const page = await b.newPage();
    await signIn(page, demo.regionalLead);
    await page.goto('/assurance/region');
    const main = await textOf(page.locator('main'));
    expect(main).toContain('Region’s assurance against the core standards');
    expect(main).not.toContain('Northshire Teaching Hospitals');
    expect(await page.locator('a[href^="/assurance/providers/"]').count()).toBe(0);
    await checkAccessibility(page);
  });
});
