import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { notifyRoles } from '../src/modules/notifications/service.ts';
import { findByOdsCode } from '../src/modules/organisations/service.ts';
import { demo } from '../test/harness.ts';
import { runDueJobs } from '../test/modules.ts';
import {
  type BrowserApp,
  checkAccessibility,
  clickAndWait,
  describeInBrowser,
  signIn,
  startBrowserApp,
  textOf,
} from './browser.ts';

describeInBrowser('notifications in the browser', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
    // The demo's own notices (its concerns tell the leads), already read, and two new ones of our own.
    await runDueJobs(b.database);
    await b.database.db.execute(sql`update notifications set read_at = now() where read_at is null`);
    const trust = await findByOdsCode(b.database.db, 'RZ1');
    await notifyRoles(b.database, trust?.id ?? '', ['operational_lead'], {
      kind: 'test',
      title: 'A test notice',
      body: 'Something for the operational lead to look at.',
      link: '/organisations',
    });
    await notifyRoles(b.database, trust?.id ?? '', ['operational_lead'], {
      kind: 'test',
      title: 'Another test notice',
      body: 'Something else.',
    });
    await runDueJobs(b.database);
  });
  afterAll(() => b?.close());

  it('lists a person’s notifications accessibly, with the unread count in the header', async () => {
    const page = await b.newPage();
    await signIn(page, demo.operationalLead);
    const banner = await textOf(page.getByRole('banner'));
    expect(banner).toMatch(/Notifications \(2\s+unread\s*\)/);
    await clickAndWait(page, page.getByRole('banner').getByRole('link', { name: /Notifications/ }));
    expect(new URL(page.url()).pathname).toBe('/notifications');
    await expect(textOf(page.locator('main'))).resolves.toContain('A test notice');
    await checkAccessibility(page);
  });

  it('marks notifications read without JavaScript', async () => {
    const page = await b.newPage({ javaScriptEnabled: false });
    await signIn(page, demo.operationalLead);
    await page.goto('/notifications');
    await clickAndWait(page, page.getByRole('button', { name: /^Mark as read\W+A test notice$/ }));
    expect(new URL(page.url()).pathname).toBe('/notifications');
    expect(await textOf(page.getByRole('banner'))).toMatch(/Notifications \(1\s+unread\s*\)/);
    await clickAndWait(page, page.getByRole('button', { name: 'Mark all as read' }));
    const banner = await textOf(page.getByRole('banner'));
    expect(banner).not.toContain('unread');
    await expect(textOf(page.locator('main'))).resolves.not.toContain('Unread');
  });
});
