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
  screenshot,
  signIn,
  startBrowserApp,
  textOf,
} from './browser.ts';

const here = (page: Page) => new URL(page.url()).pathname;
const main = (page: Page) => textOf(page.locator('main'));
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const link = (page: Page, name: string) => page.getByRole('link', { name, exact: true });
/** A button in the table row that holds some text, by the start of its name (the rest is hidden text naming the row). */
const rowButton = (page: Page, text: string, name: string) =>
  page.locator('main tr', { hasText: text }).getByRole('button', { name: new RegExp(`^${name}\\b`) });
const errorSummary = (page: Page) => textOf(page.locator('.nhsuk-error-summary'));
/** A row of a table on the page, found by some text in it, its words as one line. */
const row = async (page: Page, text: string) =>
  (await textOf(page.locator('main tr', { hasText: text }))).replace(/\s+/g, ' ').trim();

/** Opens a page from the header's navigation, as a person would: from its "More" menu if it does not fit in the header. */
async function openFromNavigation(page: Page, name: string): Promise<void> {
  const banner = page.getByRole('banner');
  const item = banner.getByRole('link', { name, exact: true });
  if (!(await item.isVisible())) await banner.getByRole('button', { name: 'Browse More', exact: true }).click();
  await clickAndWait(page, item);
  await expect(textOf(page.locator('header [aria-current="page"]'))).resolves.toBe(name);
}

/** The name and date of birth on the review's case, read from the case page in another tab. */
async function knownAbout(page: Page): Promise<{ name: string; dateOfBirth: string }> {
  const href = await page.locator('main .nhsuk-summary-list a[href^="/concerns/"]').getAttribute('href');
  const tab = await page.context().newPage();
  await tab.goto(new URL(href ?? '', page.url()).toString());
  const value = (key: string) =>
    textOf(
      tab
        .locator('.nhsuk-summary-list__row', { has: tab.getByText(key, { exact: true }) })
        .locator('dd')
        .first(),
    );
  const found = { name: (await value('Name')).trim(), dateOfBirth: (await value('Date of birth')).trim() };
  await tab.close();
  expect(found.name).not.toBe('');
  expect(found.dateOfBirth).toMatch(/^\d+ \w+ \d{4}$/);
  return found;
}

const today = todayInLondon();
const dalesTrust = 'Dales Community and Mental Health NHS Trust';
const themes = ['online radicalisation', 'information sharing'];
const reviewAction = 'Brief the out-of-hours team on the referral route';
const groupAction = 'Brief every out-of-hours team on the Prevent referral route';
const title = 'Extremist material noticed in the emergency department';

/** A synthetic summary: every identifier in it is invented, and each must be gone from the case study. */
const summary = [
  'Mr Tobias Wren (NHS number 999 000 0018) attended the emergency department on 3 March 2026.',
  'He lives in NZ9 4QT; his phone is 07700 900123 and his e-mail tobias.wren@example.org.',
  'A nurse noticed extremist material on his phone and raised a Prevent concern with the safeguarding team,',
  'who referred Tobias Wren to police Prevent.',
].join(' ');
const identifiers = ['Tobias', 'Wren', '999 000 0018', '3 March 2026', 'NZ9 4QT', '07700 900123', 'tobias.wren@example.org'];

/**
 * The lessons learned journey in a real browser: the Prevent lead records a review of a referred
 * case (fixing a mistake), tracks an action, turns the case into an anonymised case study, checks
 * it side by side, approves and shares it; the commissioner reads it in the learning group, records
 * a meeting and an action owned by another trust; that trust's lead marks the action done. axe on
 * every page.
 */
describeInBrowser('lessons learned and the learning group in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  let lead: Page;
  let approvedText = '';
  /** What the case record knows about the person: the name and date of birth as the case page shows them. */
  let known = { name: '', dateOfBirth: '' };

  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('the Prevent lead completes a review of a referred case, fixing a mistake, and tracks an action to done', async () => {
    lead = await b.newPage();
    await signIn(lead, demo.operationalLead);
    await openFromNavigation(lead, 'Lessons learned');
    expect(here(lead)).toBe('/lessons');
    await expect(main(lead)).resolves.toMatch(/Reviews\s+[1-9]\d* to do,/);
    await checkAccessibility(lead);
    await screenshot(lead, 'lessons-list');

    const reviews = lead.locator('main table', { hasText: 'Lessons learned reviews' });
    await expect(textOf(reviews.locator('tbody tr').first())).resolves.toContain('To do');
    await clickAndWait(lead, reviews.locator('tbody tr a').first());
    expect(here(lead)).toMatch(/^\/lessons\/reviews\/[0-9a-f-]{36}$/);
    await checkAccessibility(lead);
    known = await knownAbout(lead);

    // Complete with no learning points: refused, with what was typed kept.
    await lead.getByLabel('What went well').fill('Quick referral by the emergency department nurse');
    await lead.getByRole('group', { name: 'Status' }).getByLabel('Complete').check();
    await clickAndWait(lead, button(lead, 'Save the review'));
    await expect(errorSummary(lead)).resolves.toContain('Enter the learning points before completing the review');
    expect(await lead.getByLabel('What went well').inputValue()).toBe('Quick referral by the emergency department nurse');
    await checkAccessibility(lead);
    await screenshot(lead, 'lessons-review-error');

    await lead.getByLabel('What could be better').fill('Waited two days for the information sharing decision');
    await lead.getByLabel('Learning points').fill('Brief the out-of-hours team on the referral route');
    await lead.getByLabel('Themes').fill(themes.join(', '));
    await lead.getByRole('group', { name: 'Status' }).getByLabel('Complete').check();
    await clickAndWait(lead, button(lead, 'Save the review'));
    expect(await lead.locator('.nhsuk-error-summary').count()).toBe(0);
    const facts = await textOf(lead.locator('main .nhsuk-summary-list'));
    expect(facts).toMatch(/Status\s+Complete, \d+ \w+ \d{4}/);
    expect(facts).toMatch(/Themes\s+online radicalisation\s+information sharing/);
    expect(await lead.getByLabel('Learning points').inputValue()).toBe('Brief the out-of-hours team on the referral route');
    await checkAccessibility(lead);

    // An action, then done.
    await lead.getByLabel('What is to be done').fill(reviewAction);
    await lead.getByLabel('Owner', { exact: true }).fill('Jordan Ellis');
    await fillDate(lead, 'dueOn', addDays(today, 30));
    await clickAndWait(lead, button(lead, 'Add the action'));
    expect(await row(lead, reviewAction)).toMatch(/Jordan Ellis.*\d+ \w+ \d{4}.*Open/);
    await checkAccessibility(lead);
    await clickAndWait(lead, rowButton(lead, reviewAction, 'Mark done'));
    expect(await row(lead, reviewAction)).toMatch(/Done \d+ \w+ \d{4}/);
    await expect(rowButton(lead, reviewAction, 'Reopen').count()).resolves.toBe(1);
    await checkAccessibility(lead);
    await screenshot(lead, 'lessons-review');
    expect(browserProblems(lead)).toEqual([]);
  });

  it('the lead writes a case study: the anonymiser takes out every identifier, marked on both sides', async () => {
    await clickAndWait(lead, button(lead, 'Write a case study'));
    expect(here(lead)).toMatch(/^\/lessons\/reviews\/[0-9a-f-]{36}\/case-studies\/new$/);
    await checkAccessibility(lead);
    expect(await lead.getByLabel('Themes').inputValue()).toBe(themes.join(', ')); // from the review

    await lead.getByLabel('Title').fill(title);
    await lead.getByLabel('Case summary').fill(summary);
    await lead.getByLabel('Other names to take out (optional)').fill('Tobias Wren');
    await clickAndWait(lead, button(lead, 'Anonymise and continue'));
    expect(here(lead)).toMatch(/^\/lessons\/case-studies\/[0-9a-f-]{36}$/);
    await expect(textOf(lead.locator('h1'))).resolves.toBe(title);
    await checkAccessibility(lead);
    await screenshot(lead, 'lessons-case-study-draft');

    const original = lead.locator('[data-side="original"]');
    const result = lead.locator('[data-side="result"]');
    const taken = (await original.locator('del.app-change').allInnerTexts()).join(' ');
    for (const id of ['Tobias Wren', '999 000 0018', 'NZ9 4QT', '07700 900123', 'wren@example.org']) {
      expect(taken).toContain(id);
    }
    // Each change in full, in the table under the two sides.
    await lead.getByText('Each change the anonymiser made').click();
    const changes = lead.locator('main table', { hasText: 'Changes, in the order they appear' });
    for (const id of ['999 000 0018', '3 March 2026', 'tobias.wren@example.org']) {
      await expect(textOf(changes)).resolves.toContain(id);
    }
    expect(await result.locator('ins.app-change').count()).toBeGreaterThan(0);
    expect((await result.locator('ins.app-change').allInnerTexts()).join(' ')).toContain('[name]');
    const resultText = await textOf(result);
    for (const id of identifiers) expect(resultText).not.toContain(id);
    for (const term of ['Prevent', 'safeguarding', 'March 2026']) expect(resultText).toContain(term);
    approvedText = (await lead.getByLabel('Text of the case study').inputValue()).trim();
    for (const id of identifiers) expect(approvedText).not.toContain(id);
    expect(browserProblems(lead)).toEqual([]);
  });

  it('the lead cannot share before approving; approves with the check ticked; then shares', async () => {
    // Nothing to share with yet: the page says why, and offers no button.
    await expect(main(lead)).resolves.toContain('Approve the case study first');
    expect(await button(lead, 'Share with the group').count()).toBe(0);

    await clickAndWait(lead, button(lead, 'Approve for sharing'));
    await expect(errorSummary(lead)).resolves.toContain('Confirm that you have read the case study and it identifies no one');
    await checkAccessibility(lead);
    await screenshot(lead, 'lessons-case-study-approve-error');

    // A title naming the person, with an NHS number and their date of birth: refused, naming the title.
    const identifyingTitle = `${known.name}, NHS 943 476 5919, born ${known.dateOfBirth}`;
    await lead.getByLabel('Title').fill(identifyingTitle);
    await clickAndWait(lead, button(lead, 'Save changes'));
    await expect(textOf(lead.locator('h1'))).resolves.toBe(identifyingTitle);
    await lead.getByLabel('I have read the case study and it identifies no one').check();
    await clickAndWait(lead, button(lead, 'Approve for sharing'));
    const refusal = await errorSummary(lead);
    expect(refusal).toContain('The title still holds what looks like an identifier');
    for (const found of [known.name, '943 476 5919', known.dateOfBirth]) expect(refusal).toContain(found);
    await expect(textOf(lead.locator('#title-error'))).resolves.toContain('The title still holds');
    await expect(main(lead)).resolves.toContain('Approve the case study first');
    await checkAccessibility(lead);
    await screenshot(lead, 'lessons-case-study-title-refused');

    // Fixed: approval goes through.
    await lead.getByLabel('Title').fill(title);
    await clickAndWait(lead, button(lead, 'Save changes'));
    await expect(textOf(lead.locator('h1'))).resolves.toBe(title);
    await lead.getByLabel('I have read the case study and it identifies no one').check();
    await clickAndWait(lead, button(lead, 'Approve for sharing'));
    expect(await lead.locator('.nhsuk-error-summary').count()).toBe(0);
    await expect(main(lead)).resolves.toMatch(/Status\s+Approved for sharing, by Jordan Ellis on/);
    await expect(main(lead)).resolves.not.toContain('Approve the case study first');
    await checkAccessibility(lead);

    await clickAndWait(lead, button(lead, 'Share with the group'));
    const shared = await main(lead);
    expect(shared).toMatch(/Shared\s+With .+’s lessons learned group by Jordan Ellis on/);
    expect(shared).toContain('A copy of the approved text is in the group');
    expect(await button(lead, 'Withdraw from the group').count()).toBe(1);
    await checkAccessibility(lead);
    await screenshot(lead, 'lessons-case-study-shared');

    // The review lists its case study as shared.
    await clickAndWait(lead, lead.getByRole('link', { name: /^Lessons learned review of / }));
    await expect(main(lead)).resolves.toContain(`${title}: Approved for sharing, shared with the group`);
    expect(browserProblems(lead)).toEqual([]);
    await lead.context().close();
  });

  it('the commissioner reads the shared case study, filters by theme, records a meeting and an action for Dales', async () => {
    const commissioner = await b.newPage();
    await signIn(commissioner, demo.commissioner);
    await openFromNavigation(commissioner, 'Learning group');
    expect(here(commissioner)).toBe('/learning');
    const listed = await row(commissioner, title);
    expect(listed).toContain('Northshire');
    for (const theme of themes) expect(listed).toContain(theme);
    await checkAccessibility(commissioner);
    await screenshot(commissioner, 'lessons-group');

    await clickAndWait(commissioner, link(commissioner, title));
    expect(here(commissioner)).toMatch(/^\/learning\/case-studies\/[0-9a-f-]{36}$/);
    const body = (await textOf(commissioner.locator('main p.app-pre-wrap'))).trim();
    expect(body).toBe(approvedText);
    const page = await main(commissioner);
    for (const id of identifiers) expect(page).not.toContain(id);
    expect(await commissioner.locator('[data-side], del.app-change, ins.app-change, main form').count()).toBe(0);
    await checkAccessibility(commissioner);
    await screenshot(commissioner, 'lessons-group-case-study');

    await clickAndWait(commissioner, link(commissioner, 'online radicalisation'));
    expect(new URL(commissioner.url()).searchParams.get('theme')).toBe('online radicalisation');
    await expect(main(commissioner)).resolves.toContain('Case studies about “online radicalisation”');
    const filtered = await commissioner
      .locator('main table', { hasText: 'Shared case studies' })
      .locator('tbody tr')
      .allInnerTexts();
    expect(filtered.some((text) => text.includes(title))).toBe(true);
    for (const text of filtered) expect(text).toContain('online radicalisation');
    await checkAccessibility(commissioner);

    // A meeting: not in the future.
    await clickAndWait(commissioner, button(commissioner, 'Record a meeting'));
    expect(here(commissioner)).toBe('/learning/meetings/new');
    await checkAccessibility(commissioner);
    await fillDate(commissioner, 'heldOn', addDays(today, 3));
    await commissioner
      .getByLabel('Who attended', { exact: true })
      .fill('Dana Whitfield (ICB), Jordan Ellis (Northshire), Avery Quinn (Dales)');
    await commissioner.getByLabel('Learning agreed (optional)').fill('Every provider briefs its out-of-hours teams.');
    await clickAndWait(commissioner, button(commissioner, 'Save the meeting'));
    await expect(errorSummary(commissioner)).resolves.toContain('the date cannot be in the future');
    await checkAccessibility(commissioner);
    await screenshot(commissioner, 'lessons-meeting-error');
    await fillDate(commissioner, 'heldOn', today);
    await clickAndWait(commissioner, button(commissioner, 'Save the meeting'));
    expect(here(commissioner)).toMatch(/^\/learning\/meetings\/[0-9a-f-]{36}$/);
    await expect(main(commissioner)).resolves.toContain('Every provider briefs its out-of-hours teams.');
    await checkAccessibility(commissioner);

    await clickAndWait(commissioner, button(commissioner, 'Add an action from this meeting'));
    expect(here(commissioner)).toBe('/learning/actions/new');
    await checkAccessibility(commissioner);
    await expect(commissioner.getByLabel('Agreed at').locator('option:checked').innerText()).resolves.toMatch(/^Meeting of /);
    await commissioner.getByLabel('What is to be done').fill(groupAction);
    await commissioner.getByLabel('Organisation or partner member that owns it').selectOption({ label: dalesTrust });
    await commissioner.getByLabel('Owner', { exact: true }).fill('Avery Quinn');
    await fillDate(commissioner, 'dueOn', addDays(today, 30));
    await clickAndWait(commissioner, button(commissioner, 'Add the action'));
    expect(here(commissioner)).toBe('/learning');
    expect(await row(commissioner, groupAction)).toMatch(new RegExp(`Avery Quinn, ${dalesTrust}.*Open`));
    await checkAccessibility(commissioner);
    expect(browserProblems(commissioner)).toEqual([]);
    await commissioner.context().close();
  });

  it('the Dales lead sees the action their trust owns and marks it done', async () => {
    const dales = await b.newPage();
    await signIn(dales, demo.otherTrustLead);
    await openFromNavigation(dales, 'Learning group');
    expect(await row(dales, groupAction)).toMatch(/Open/);
    await checkAccessibility(dales);
    await clickAndWait(dales, rowButton(dales, groupAction, 'Mark done'));
    expect(here(dales)).toBe('/learning');
    expect(await row(dales, groupAction)).toMatch(/Done \d+ \w+ \d{4}/);
    await expect(rowButton(dales, groupAction, 'Reopen').count()).resolves.toBe(1);
    await checkAccessibility(dales);
    await screenshot(dales, 'lessons-group-action-done');
    expect(browserProblems(dales)).toEqual([]);
    await dales.context().close();
  });
});
