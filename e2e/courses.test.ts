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
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const errorSummary = (page: Page) => textOf(page.locator('.nhsuk-error-summary'));
const row = async (page: Page, text: string) =>
  (await textOf(page.locator('main tr', { hasText: text }))).replace(/\s+/g, ' ').trim();

const today = todayInLondon();
const courseTitle = 'Prevent awareness refresher (browser test)';
const updateTitle = 'Prevent briefing for the theatres team (browser test)';

/**
 * The training administrator registers an e-learning course, fixing a mistake the form names, then records
 * an annual update for a department with the date boxes; axe on every page.
 */
describeInBrowser('the course register and annual updates in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  let admin: Page;

  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('registers a course from the register page, naming a missing field first', async () => {
    admin = await b.newPage();
    await signIn(admin, demo.trainingAdmin);
    await admin.goto('/training');
    await clickAndWait(admin, admin.getByRole('link', { name: 'Course register', exact: true }));
    expect(here(admin)).toBe('/training/courses');
    await checkAccessibility(admin);
    await clickAndWait(admin, button(admin, 'Register a course'));
    await checkAccessibility(admin);

    await admin.getByLabel('Course title').fill(courseTitle);
    await admin.getByRole('group', { name: 'Level' }).getByLabel('Basic Prevent awareness').check();
    await admin.getByLabel('Provider').fill('NHS England e-Learning for Healthcare');
    await admin.getByRole('group', { name: 'How it is delivered' }).getByLabel('E-learning').check();
    await admin.getByLabel('Channel and support pathways').check();
    await admin.getByLabel('How to raise a concern').check();
    await fillDate(admin, 'approvedOn', addDays(today, -10));
    await clickAndWait(admin, button(admin, 'Save course'));
    await expect(errorSummary(admin)).resolves.toContain('Enter who approved the course');
    expect(await admin.getByLabel('Course title').inputValue()).toBe(courseTitle);
    await checkAccessibility(admin);

    await admin.getByLabel('Approved by').fill('Jordan Ellis');
    await clickAndWait(admin, button(admin, 'Save course'));
    expect(here(admin)).toBe('/training/courses');
    expect(await row(admin, courseTitle)).toMatch(
      /Basic Prevent awareness.*E-learning.*How to raise a concern; Channel and support pathways.*Jordan Ellis/,
    );
  });

  it('records an annual update for a department with the date boxes', async () => {
    await admin.goto('/training/updates');
    await checkAccessibility(admin);
    await clickAndWait(admin, button(admin, 'Record an annual update'));
    await checkAccessibility(admin);
    await admin.getByRole('group', { name: 'Kind of update' }).getByLabel('Briefing').check();
    await admin.getByLabel('Title').fill(updateTitle);
    await fillDate(admin, 'heldOn', addDays(today, -3));
    await admin.getByLabel('Delivered by').fill('Prevent lead');
    await admin.getByRole('group', { name: 'Who had it' }).getByLabel('A whole department').check();
    await clickAndWait(admin, button(admin, 'Record update'));
    await expect(errorSummary(admin)).resolves.toContain('Choose the department that had the update');
    await checkAccessibility(admin);

    await admin.getByLabel('Department (for a whole department)').selectOption('Theatres');
    await clickAndWait(admin, button(admin, 'Record update'));
    expect(here(admin)).toBe('/training/updates');
    expect(await row(admin, updateTitle)).toMatch(/Briefing.*Prevent lead.*Department: Theatres\s+\d+/);
    await clickAndWait(admin, admin.getByRole('link', { name: updateTitle, exact: true }));
    await checkAccessibility(admin);

    await admin.goto('/training');
    await expect(textOf(admin.locator('main'))).resolves.toContain('Annual updates in the last 12 months');
    await checkAccessibility(admin);
    expect(browserProblems(admin)).toEqual([]);
  });
});
