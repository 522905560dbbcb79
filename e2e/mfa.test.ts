import { generate } from 'otplib';
import type { Page } from 'playwright-core';
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

/** The code for the time step that starts `stepsAhead` steps (of 30 seconds) after now. */
async function codeFor(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}

/** A 6-digit code that is not the right one (the right one with each digit changed). */
function wrongCode(right: string): string {
  return [...right].map((d) => String((Number(d) + 5) % 10)).join('');
}

async function enterCode(page: Page, code: string, button: string): Promise<void> {
  await page.getByLabel('Security code').fill(code);
  await clickAndWait(page, page.getByRole('button', { name: button, exact: true }));
}

const path = (page: Page) => new URL(page.url()).pathname;

describeInBrowser('multi-factor authentication in a browser (REQUIRE_MFA on)', { timeout: 300_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp({ requireMfa: true });
  });
  afterAll(() => b?.close());

  it('a case-data role must enrol, then signs in with a code; a wrong or replayed code is refused', async () => {
    const page = await b.newPage();
    await page.goto('/sign-in');
    await checkAccessibility(page);

    // The operational Prevent lead sees case data: after the password, enrolment is forced.
    await signIn(page, demo.operationalLead);
    expect(path(page)).toBe('/account/mfa');
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Set up multi-factor authentication');
    await expect(textOf(page.locator('main'))).resolves.toContain('you must use a security code');
    await checkAccessibility(page);
    await screenshot(page, 'mfa-enrol');
    // Nothing else can be reached until enrolment is done.
    await page.goto('/organisations');
    expect(path(page)).toBe('/account/mfa');

    const secret = (await textOf(page.locator('#totp-key'))).trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    await enterCode(page, wrongCode(await codeFor(secret)), 'Confirm');
    expect(path(page)).toBe('/account/mfa');
    await expect(textOf(page.locator('#code-error'))).resolves.toContain('The code is not right');
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain('There is a problem');
    // The key stays the same after a mistake, so that the app already set up still works.
    await expect(textOf(page.locator('#totp-key'))).resolves.toBe(secret);
    await checkAccessibility(page);

    const enrolmentCode = await codeFor(secret);
    await enterCode(page, enrolmentCode, 'Confirm');
    expect(path(page)).toBe('/account');
    await expect(textOf(page.locator('.nhsuk-panel'))).resolves.toContain('Multi-factor authentication is set up');
    await expect(textOf(page.getByRole('banner'))).resolves.toContain('Jordan Ellis');
    await checkAccessibility(page);
    await page.goto('/account/mfa');
    await expect(textOf(page.locator('main'))).resolves.toContain('Multi-factor authentication is set up for your account');
    await checkAccessibility(page);

    await signOut(page);
    await expect(textOf(page.locator('main'))).resolves.toContain('You have signed out');

    // Next time: the password, then the challenge.
    await signIn(page, demo.operationalLead);
    expect(path(page)).toBe('/sign-in/mfa');
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Enter your security code');
    await expect(textOf(page.getByRole('banner'))).resolves.not.toContain('Jordan Ellis');
    await checkAccessibility(page);
    await screenshot(page, 'mfa-challenge');
    await page.goto('/');
    expect(path(page)).toBe('/sign-in/mfa');

    await enterCode(page, wrongCode(await codeFor(secret)), 'Continue');
    expect(path(page)).toBe('/sign-in/mfa');
    await expect(textOf(page.locator('.nhsuk-error-summary'))).resolves.toContain(
      'The code is not right, or it was already used',
    );
    await expect(textOf(page.locator('#code-error'))).resolves.toContain('The code is not right, or it was already used');
    await checkAccessibility(page);

    // The code used to enrol has been used: it cannot sign in again, even within its 30 seconds.
    await enterCode(page, enrolmentCode, 'Continue');
    await expect(textOf(page.locator('#code-error'))).resolves.toContain('it was already used');

    // The code for the next time step is new, and within the one step of drift the server allows.
    await enterCode(page, await codeFor(secret, 1), 'Continue');
    expect(path(page)).toBe('/');
    await expect(textOf(page.getByRole('banner'))).resolves.toContain('Jordan Ellis');
    await expect(textOf(page.getByRole('banner'))).resolves.toContain('Northshire Teaching Hospitals NHS Foundation Trust');
    await checkAccessibility(page);
    expect(browserProblems(page)).toEqual([]);
  });

  it('a role without case data (board viewer) signs in with a password alone', async () => {
    const page = await b.newPage();
    await signIn(page, demo.boardViewer);
    expect(path(page)).toBe('/');
    await expect(textOf(page.getByRole('banner'))).resolves.toContain('Casey Marsh');
    await expect(textOf(page.locator('main'))).resolves.toContain('Board or auditor viewer');
    await checkAccessibility(page);
    // They may still choose to set it up: the page is there for them.
    await page.goto('/account/mfa');
    await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Set up multi-factor authentication');
    await expect(textOf(page.locator('main'))).resolves.not.toContain('you must use a security code');
    await checkAccessibility(page);
    expect(browserProblems(page)).toEqual([]);
  });
});
