import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demo } from '../test/harness.ts';
import {
  type BrowserApp,
  clickAndWait,
  describeInBrowser,
  fillDate,
  signIn,
  signOut,
  startBrowserApp,
  textOf,
} from './browser.ts';

const path = (page: Page) => new URL(page.url()).pathname;

/**
 * Every page must work without JavaScript. (axe is not run here: it is itself a script, and
 * cannot run in a page with JavaScript turned off. The same pages are checked with it in the
 * other browser tests.)
 */
describeInBrowser('without JavaScript', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the system administrator signs in, invites a user, gives them a role and signs out; the invitee sets a password', async () => {
    const page = await b.newPage({ javaScriptEnabled: false });

    await signIn(page, demo.systemAdmin);
    expect(path(page)).toBe('/');
    // No script ran: the NHS.UK template's inline script would have marked the body.
    expect((await page.locator('body').getAttribute('class')) ?? '').not.toContain('js-enabled');
    await expect(textOf(page.getByRole('banner'))).resolves.toContain('Robin Carter');

    await clickAndWait(page, page.getByRole('banner').getByRole('link', { name: 'Users', exact: true }));
    expect(path(page)).toBe('/users');
    await clickAndWait(page, page.getByRole('button', { name: 'Invite a user' }));
    expect(path(page)).toBe('/users/new');

    // Mistakes come back from the server, with the error summary.
    await clickAndWait(page, page.getByRole('button', { name: 'Create invitation' }));
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain('There is a problem');
    await expect(textOf(page.locator('#displayName-error'))).resolves.toContain('Enter the person’s full name');
    await expect(textOf(page.locator('#role-error'))).resolves.toContain('Choose a role');

    await page.getByLabel('Full name').fill('Alex Newcombe');
    await page.getByLabel('E-mail address').fill('alex.newcombe@northshire-ft.example');
    await page.getByLabel('Role').selectOption({ label: 'Training administrator' });
    await clickAndWait(page, page.getByRole('button', { name: 'Create invitation' }));
    await expect(textOf(page.locator('.nhsuk-panel'))).resolves.toContain('Invitation created');
    const link = (await textOf(page.locator('#invitation-link'))).trim();
    expect(link).toMatch(new RegExp(`^${b.baseUrl}/invitations/\\S+$`));

    await clickAndWait(page, page.getByRole('link', { name: 'Go to the person’s page' }));
    expect(path(page)).toMatch(/^\/users\/[0-9a-f-]{36}$/);
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Alex Newcombe');
    const roles = page.locator('table').first();
    await expect(textOf(roles)).resolves.toContain('Training administrator');

    await page.getByLabel('Role').selectOption({ label: 'Safeguarding practitioner' });
    await clickAndWait(page, page.getByRole('button', { name: 'Give role' }));
    expect(path(page)).toMatch(/^\/users\/[0-9a-f-]{36}$/);
    await expect(textOf(roles)).resolves.toContain('Training administrator');
    await expect(textOf(roles)).resolves.toContain('Safeguarding practitioner');

    await clickAndWait(page, page.getByRole('link', { name: 'All users' }));
    const row = page.getByRole('row').filter({ hasText: 'Alex Newcombe' });
    await expect(textOf(row)).resolves.toContain('Invited');

    await signOut(page);
    expect(path(page)).toBe('/sign-in');
    await expect(textOf(page.locator('main'))).resolves.toContain('You have signed out');

    // The person invited opens the link, chooses a password and signs in, also without JavaScript.
    const invitee = await b.newPage({ javaScriptEnabled: false });
    await invitee.goto(link);
    await expect(textOf(invitee.getByRole('heading', { level: 1 }))).resolves.toBe('Choose your password');
    await invitee.getByLabel('New password', { exact: true }).fill('three random words here');
    await invitee.getByLabel('Confirm new password').fill('three random words here');
    await clickAndWait(invitee, invitee.getByRole('button', { name: 'Set password' }));
    expect(path(invitee)).toBe('/sign-in');
    await expect(textOf(invitee.locator('main'))).resolves.toContain('Your password is set');
    await signIn(invitee, 'alex.newcombe@northshire-ft.example', 'three random words here');
    expect(path(invitee)).toBe('/');
    await expect(textOf(invitee.getByRole('banner'))).resolves.toContain('Alex Newcombe');
    await expect(textOf(invitee.locator('main'))).resolves.toContain('Training administrator');
    await signOut(invitee);
    expect(path(invitee)).toBe('/sign-in');
  });

  it('a member of staff raises a concern, and a Prevent lead records a sharing decision on it', async () => {
    const nurse = await b.newPage({ javaScriptEnabled: false });
    await signIn(nurse, demo.staff);
    await clickAndWait(nurse, nurse.getByRole('banner').getByRole('link', { name: 'Raise a concern' }));
    await clickAndWait(nurse, nurse.getByRole('button', { name: 'Send to the Prevent team' }));
    await expect(textOf(nurse.locator('.nhsuk-error-summary'))).resolves.toContain('Enter what you saw or heard');
    await nurse.check('input[name="immediateRisk"][value="no"]');
    await nurse.check('input[name="subjectType"][value="visitor"]');
    await nurse.fill('#subjectName', 'Visitor in a red coat');
    await nurse.check('input[name="isChild"][value="no"]');
    await nurse.fill('#narrative', 'Asked staff where to find material about a banned group.');
    await fillDate(nurse, 'observedOn', '2026-11-01');
    await nurse.fill('#observedTime', '09:30');
    await nurse.fill('#location', 'Outpatients reception');
    await clickAndWait(nurse, nurse.getByRole('button', { name: 'Send to the Prevent team' }));
    expect(path(nurse)).toMatch(/\/received$/);
    const reference = /PC-\d{4}-\d{4}/.exec(await textOf(nurse.locator('main')))?.[0] ?? '';
    expect(reference).not.toBe('');

    const lead = await b.newPage({ javaScriptEnabled: false });
    await signIn(lead, demo.operationalLead);
    await lead.goto('/concerns');
    await clickAndWait(lead, lead.getByRole('link', { name: reference }));
    await clickAndWait(lead, lead.getByRole('link', { name: 'Record a sharing decision' }));
    await lead.fill('#information', 'That a visitor asked about a banned group; no name is known.');
    await lead.check('input[name="partner"][value="police_prevent"]');
    await lead.check('input[name="shared"][value="no"]');
    await lead.check('input[name="consent"][value="not_sought"]');
    await lead.fill('#consentNote', 'The visitor left and is not known.');
    await lead.fill('#rationale', 'Too little to share yet; security will tell us if he returns.');
    await clickAndWait(lead, lead.getByRole('button', { name: 'Record the decision' }));
    expect(path(lead)).toMatch(/^\/concerns\/[0-9a-f-]{36}$/);
    await expect(textOf(lead.locator('#decisions').locator('..'))).resolves.toContain('Police Prevent');
  });
});
