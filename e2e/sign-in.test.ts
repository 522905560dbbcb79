import { afterAll, beforeAll, expect, it } from 'vitest';
import { demo } from '../test/harness.ts';
import {
  type BrowserApp,
  browserProblems,
  checkAccessibility,
  clickAndWait,
  describeInBrowser,
  screenshot,
  signIn,
  signOut,
  startBrowserApp,
  textOf,
} from './browser.ts';

describeInBrowser('signing in and out in a browser', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('a wrong password shows the error summary and the message by the field; the right one signs in', async () => {
    const page = await b.newPage();
    // A page that needs signing in sends the visitor to sign in first, and back afterwards.
    await page.goto('/organisations');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/organisations');
    await expect(page.title()).resolves.toBe('Sign in – Prevent Assure');
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Sign in to Prevent Assure');
    await checkAccessibility(page);

    await signIn(page, demo.systemAdmin, 'not-the-password');
    await expect(page.title()).resolves.toBe('Error: Sign in – Prevent Assure');
    const summary = page.locator('.nhsuk-error-summary');
    await expect(textOf(summary.getByRole('heading'))).resolves.toBe('There is a problem');
    const summaryLink = summary.getByRole('link', { name: 'Enter a correct e-mail address and password' });
    await expect(summaryLink.getAttribute('href')).resolves.toBe('#email');
    // The message is also next to the field, and tied to it for screen readers.
    await expect(textOf(page.locator('#email-error'))).resolves.toContain('Enter a correct e-mail address and password');
    await expect(page.locator('#email').getAttribute('aria-describedby')).resolves.toContain('email-error');
    // The e-mail address is kept; the password is not.
    await expect(page.locator('#email').inputValue()).resolves.toBe(demo.systemAdmin);
    await expect(page.locator('#password').inputValue()).resolves.toBe('');
    // NHS.UK frontend's script runs (the CSP lets it): it moves focus to the summary, and its links to their field.
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('nhsuk-error-summary'))).toBe(true);
    await summaryLink.click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('email');
    await checkAccessibility(page);
    await screenshot(page, 'sign-in-error');

    await signIn(page, demo.systemAdmin);
    expect(new URL(page.url()).pathname).toBe('/organisations');
    const header = page.getByRole('banner');
    await expect(textOf(header)).resolves.toContain('Robin Carter');
    await expect(textOf(header)).resolves.toContain('Northshire Teaching Hospitals NHS Foundation Trust');
    await checkAccessibility(page);
    expect(browserProblems(page)).toEqual([]);
  });

  it('leaving both fields empty asks for each', async () => {
    const page = await b.newPage();
    await page.goto('/sign-in');
    await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }));
    const summary = page.locator('.nhsuk-error-summary');
    await expect(summary.getByRole('link').allInnerTexts()).resolves.toEqual([
      'Enter your e-mail address',
      'Enter your password',
    ]);
    await expect(textOf(page.locator('#email-error'))).resolves.toContain('Enter your e-mail address');
    await expect(textOf(page.locator('#password-error'))).resolves.toContain('Enter your password');
    await checkAccessibility(page);
  });

  it('a demo user sees their name and organisation in the header, signs out with its button and sees that they have', async () => {
    const page = await b.newPage();
    await signIn(page, demo.operationalLead);
    expect(new URL(page.url()).pathname).toBe('/');
    const header = page.getByRole('banner');
    const account = header.getByRole('navigation', { name: 'Account' });
    await expect(textOf(account)).resolves.toContain('Jordan Ellis');
    await expect(textOf(account)).resolves.toContain('Northshire Teaching Hospitals NHS Foundation Trust');
    await expect(account.getByRole('link', { name: 'Your account' }).getAttribute('href')).resolves.toBe('/account');
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Prevent Assure');
    await expect(textOf(page.locator('main'))).resolves.toContain('You are signed in as Jordan Ellis, Operational Prevent lead');
    await checkAccessibility(page);
    await screenshot(page, 'home-operational-lead');

    await signOut(page);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expect(textOf(page.locator('main'))).resolves.toContain('You have signed out');
    // Signed out: no account details or navigation in the header, and pages need signing in again.
    await expect(textOf(page.getByRole('banner'))).resolves.not.toContain('Jordan Ellis');
    await expect(page.getByRole('banner').getByRole('button', { name: 'Sign out' }).count()).resolves.toBe(0);
    await checkAccessibility(page);

    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(browserProblems(page)).toEqual([]);
  });
});
