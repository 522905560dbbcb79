import fs from 'node:fs';
import { sql } from 'drizzle-orm';
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

const path = (page: Page) => new URL(page.url()).pathname;
const main = (page: Page) => textOf(page.locator('main'));
const choose = (page: Page, name: string, value: string) => page.check(`input[name="${name}"][value="${value}"]`);
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** Moves the case on from its page, with the reason the form asks for. */
async function move(page: Page, to: string, reason: string, closureReason?: string) {
  await choose(page, 'to', to);
  if (closureReason) await page.selectOption('#closureReason', closureReason);
  await page.fill('#reason', reason);
  await clickAndWait(page, button(page, 'Record the move'));
  expect(path(page)).toMatch(/^\/concerns\/[0-9a-f-]{36}$/);
}

/**
 * A concern from the nurse who notices it to the lead who closes it, through every step of the
 * case module in a real browser, with axe on every page on the way.
 */
describeInBrowser('a concern from raising to closing, in the browser', { timeout: 600_000 }, () => {
  let b: BrowserApp;
  let caseUrl = '';
  let reference = '';
  const today = todayInLondon();

  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('a nurse raises a concern from the link on every page, fixes a mistake, and gets a reference', async () => {
    const nurse = await b.newPage();
    await signIn(nurse, demo.staff);
    await clickAndWait(nurse, nurse.getByRole('banner').getByRole('link', { name: 'Raise a concern' }));
    expect(path(nurse)).toBe('/concerns/new');
    await checkAccessibility(nurse);
    const form = await main(nurse);
    expect(form.indexOf('call 999')).toBeLessThan(form.indexOf('Who is the concern about?'));

    await choose(nurse, 'immediateRisk', 'no');
    await choose(nurse, 'subjectType', 'patient');
    await nurse.fill('#subjectName', 'Browser Test Patient');
    await nurse.fill('#nhsNumber', '485 777 3456'); // the NHS's own example: its check digit is wrong
    await fillDate(nurse, 'dateOfBirth', '1991-06-30');
    await nurse.fill('#narrative', 'He told me he wanted to join a group that attacks people, and showed me their flag.');
    await fillDate(nurse, 'observedOn', addDays(today, -1));
    await nurse.fill('#observedTime', '15:45');
    await clickAndWait(nurse, button(nurse, 'Send to the Prevent team'));
    await expect(textOf(nurse.locator('.nhsuk-error-summary'))).resolves.toContain('Enter a valid 10-digit NHS number');
    await expect(textOf(nurse.locator('.nhsuk-error-summary'))).resolves.toContain('Enter where it happened');
    await checkAccessibility(nurse);
    await screenshot(nurse, 'concern-raise-errors');
    // What was typed is still there.
    expect(await nurse.inputValue('#narrative')).toContain('showed me their flag');

    await nurse.fill('#nhsNumber', '999 000 0093');
    await nurse.fill('#location', 'Ward 2, Northshire General');
    await clickAndWait(nurse, button(nurse, 'Send to the Prevent team'));
    expect(path(nurse)).toMatch(/^\/concerns\/[0-9a-f-]{36}\/received$/);
    reference = /PC-\d{4}-\d{4}/.exec(await main(nurse))?.[0] ?? '';
    expect(reference).not.toBe('');
    caseUrl = path(nurse).replace(/\/received$/, '');
    await checkAccessibility(nurse);
    await screenshot(nurse, 'concern-received');

    // The nurse sees nothing of the case after that.
    const response = await nurse.goto(caseUrl);
    expect(response?.status()).toBe(403);
    expect(browserProblems(nurse)).toEqual([]);
  });

  it('the lead finds it, assigns a practitioner and starts triage; the practitioner checks records and decides what to share', async () => {
    const lead = await b.newPage();
    await signIn(lead, demo.operationalLead);
    await clickAndWait(lead, lead.getByRole('banner').getByRole('link', { name: 'Concerns', exact: true }));
    await checkAccessibility(lead);
    await clickAndWait(lead, lead.getByRole('link', { name: reference }));
    expect(path(lead)).toBe(caseUrl);
    await expect(main(lead)).resolves.toContain('Browser Test Patient');
    await checkAccessibility(lead);
    await lead.selectOption('#userId', { label: 'Priya Natarajan' });
    await clickAndWait(lead, button(lead, 'Assign'));
    await move(lead, 'triage', 'Reading it now.');
    await expect(main(lead)).resolves.toContain('Triage');
    // No marker on the patient record until the lead decides so at triage.
    await expect(main(lead)).resolves.toContain('No marker: a Prevent lead has not decided');
    await lead.getByLabel('Yes, put the marker on the record').check();
    await clickAndWait(lead, button(lead, 'Save the decision'));
    await expect(main(lead)).resolves.toContain('Yes, while the case is open');
    await checkAccessibility(lead);

    const practitioner = await b.newPage();
    await signIn(practitioner, demo.practitioner);
    await practitioner.goto('/concerns');
    await checkAccessibility(practitioner);
    await clickAndWait(practitioner, practitioner.getByRole('link', { name: reference }));
    await move(practitioner, 'gathering_information', 'Checking what we already hold.');

    await clickAndWait(practitioner, practitioner.getByRole('link', { name: 'Record a check for existing records' }));
    await checkAccessibility(practitioner);
    await practitioner.fill('#systems', 'Patient administration system; safeguarding database');
    await choose(practitioner, 'knownToService', 'known');
    await clickAndWait(practitioner, button(practitioner, 'Record the check'));
    await expect(textOf(practitioner.locator('.nhsuk-error-summary'))).resolves.toContain('Say what was found');
    await checkAccessibility(practitioner);
    await practitioner.fill('#findings', 'Seen in the emergency department in 2025; no safeguarding history.');
    await clickAndWait(practitioner, button(practitioner, 'Record the check'));
    expect(path(practitioner)).toBe(caseUrl);
    await move(practitioner, 'decision', 'Records checked; ready for the lead to decide.');

    await clickAndWait(practitioner, practitioner.getByRole('link', { name: 'Record a sharing decision' }));
    await checkAccessibility(practitioner);
    await practitioner.fill('#information', 'Name, date of birth and what he said on the ward.');
    await choose(practitioner, 'partner', 'police_prevent');
    await choose(practitioner, 'shared', 'yes');
    await clickAndWait(practitioner, button(practitioner, 'Record the decision'));
    const errors = await textOf(practitioner.locator('.nhsuk-error-summary'));
    expect(errors).toMatch(/rationale/i);
    expect(errors).toMatch(/consent/i);
    await checkAccessibility(practitioner);
    await screenshot(practitioner, 'concern-decision-errors');
    await choose(practitioner, 'article6Basis', '6(1)(e)');
    await choose(practitioner, 'specialCategory', 'yes');
    await choose(practitioner, 'article9Condition', '9(2)(g)');
    await choose(practitioner, 'schedule1Condition', 'para10');
    await choose(practitioner, 'consent', 'not_sought');
    await practitioner.fill('#consentNote', 'Asking him could put others at risk.');
    await practitioner.fill(
      '#rationale',
      'He spoke of joining a group that attacks people: sharing is necessary to protect others.',
    );
    await clickAndWait(practitioner, button(practitioner, 'Record the decision'));
    expect(path(practitioner)).toBe(caseUrl);
    await expect(main(practitioner)).resolves.toContain('Police Prevent');
    // Referring is a lead's decision.
    expect(await practitioner.getByRole('button', { name: 'Refer to police Prevent' }).count()).toBe(0);
    expect(browserProblems(lead)).toEqual([]);
    expect(browserProblems(practitioner)).toEqual([]);
  });

  it('the lead refers to police Prevent, records the Channel outcome, hands over and closes; the chronology shows it all', async () => {
    const lead = await b.newPage();
    await signIn(lead, demo.operationalLead);
    await lead.goto(caseUrl);
    await clickAndWait(lead, lead.getByRole('button', { name: 'Refer to police Prevent' }));
    await checkAccessibility(lead);
    // The form starts from the account of the concern, for the lead to edit.
    expect(await lead.inputValue('#concern')).toMatch(/Seen or heard on /);
    await lead.fill('#concern', 'Wants to join a group that attacks people; showed its flag on the ward.');
    await fillDate(lead, 'referredOn', today);
    await choose(lead, 'sentHow', 'secure_email');
    await clickAndWait(lead, button(lead, 'Record the referral'));
    expect(path(lead)).toBe(caseUrl);
    await expect(main(lead)).resolves.toContain('Referred to police Prevent');
    await checkAccessibility(lead);
    await screenshot(lead, 'concern-referred');
    // The referral as the national Prevent referral form, to send to police Prevent.
    const [referralPdf] = await Promise.all([
      lead.waitForEvent('download'),
      lead.getByRole('link', { name: 'download it as PDF' }).click(),
    ]);
    expect(referralPdf.suggestedFilename()).toMatch(/^prevent-referral-.+\.pdf$/);
    expect(
      fs
        .readFileSync(await referralPdf.path())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    const [referralDocx] = await Promise.all([
      lead.waitForEvent('download'),
      lead.getByRole('link', { name: 'as a Word document' }).click(),
    ]);
    expect(referralDocx.suggestedFilename()).toMatch(/^prevent-referral-.+\.docx$/);

    await clickAndWait(lead, lead.getByRole('button', { name: 'Record the outcome' }));
    await checkAccessibility(lead);
    await lead.fill('#policeReference', 'CTP-E2E-0001');
    await choose(lead, 'pathway', 'channel_panel');
    await fillDate(lead, 'pathwayOn', today);
    await lead.fill('#outcome', 'Adopted by the Channel panel.');
    await clickAndWait(lead, button(lead, 'Save the outcome'));
    expect(path(lead)).toBe(caseUrl);
    await expect(main(lead)).resolves.toMatch(/Channel review at 6 months/i);

    await clickAndWait(lead, lead.getByRole('link', { name: 'Handover summary' }));
    await checkAccessibility(lead);
    const handover = await main(lead);
    expect(handover).toContain('Safeguarding information held');
    expect(handover).not.toContain('showed me their flag');
    const [download] = await Promise.all([
      lead.waitForEvent('download'),
      lead.goto(caseUrl).then(() => lead.getByRole('link', { name: /Download the record marker/ }).click()),
    ]);
    const flag = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    expect(flag).toMatchObject({ resourceType: 'Flag', status: 'active' });
    expect(flag.subject.identifier.value).toBe('9990000093');

    await lead.goto(caseUrl);
    await move(lead, 'closed', 'Channel has the case; our part is done.', 'channel_support_completed');
    await expect(main(lead)).resolves.toContain('Closed');
    await checkAccessibility(lead);

    await clickAndWait(lead, lead.getByRole('link', { name: /The full chronology/ }));
    await checkAccessibility(lead);
    const chronology = await main(lead);
    for (const step of [
      'Concern raised through the form',
      'Assigned to Priya Natarajan',
      'New → Triage',
      'Marker put on the patient record by a lead’s decision',
      'Check for existing records',
      'Sharing decision',
      'Referred to police Prevent',
      'Closed',
      'Viewed',
    ]) {
      expect(chronology, step).toContain(step);
    }
    // Views are summarised, with who and when behind a toggle that opens without JavaScript.
    expect(chronology).toMatch(/Viewed \d+ times? by \d+ (?:person|people)/);
    await lead.locator('summary', { hasText: 'Viewed' }).click();
    await expect(lead.locator('details[open]').count()).resolves.toBe(1);
    await screenshot(lead, 'concern-chronology');

    // The audit trail reads in words: what was done to this case, by whom, linked by its reference.
    await lead.goto('/audit?action=concern.referred');
    await checkAccessibility(lead);
    const trail = await main(lead);
    expect(trail).toContain('Referred a concern to police Prevent');
    expect(trail).toContain('Jordan Ellis');
    expect(trail).not.toMatch(/concern\.referred|[0-9a-f]{8}-[0-9a-f]{4}-/);
    await clickAndWait(lead, lead.locator('main table a').first());
    expect(path(lead)).toBe(caseUrl);

    for (const url of ['/concerns/summary', '/concerns/retention', '/concerns/settings']) {
      const response = await lead.goto(url);
      expect(response?.status(), url).toBe(200);
      await checkAccessibility(lead);
    }
    expect(browserProblems(lead)).toEqual([]);
  });

  it('a practitioner not assigned opens a case only by break-glass; the commissioner sees counts only', async () => {
    const practitioner = await b.newPage();
    await signIn(practitioner, demo.practitioner);
    // A new concern at the practitioner's own trust that no one is assigned to yet.
    const unassigned = await b.database.db.execute(
      sql`select c.id from concern_cases c join organisations o on o.id = c.org_id where o.ods_code = 'RZ1' and c.status = 'new' and not exists (select 1 from case_assignments a where a.case_id = c.id) limit 1`,
    );
    const caseId = (unassigned as unknown as { rows: { id: string }[] }).rows[0]?.id;
    const refused = await practitioner.goto(`/concerns/${caseId}`);
    expect(refused?.status()).toBe(403);
    await expect(main(practitioner)).resolves.toContain('You are not assigned to this case');
    await checkAccessibility(practitioner);
    await practitioner.fill('#reason', 'The patient is on my ward tonight and I need the plan.');
    await clickAndWait(practitioner, button(practitioner, 'Open the case (break glass)'));
    expect(path(practitioner)).toBe(`/concerns/${caseId}`);
    await expect(main(practitioner)).resolves.toContain('You opened this case by break-glass');
    await checkAccessibility(practitioner);

    const commissioner = await b.newPage();
    await signIn(commissioner, demo.commissioner);
    await clickAndWait(commissioner, commissioner.getByRole('banner').getByRole('link', { name: 'Concern figures' }));
    await checkAccessibility(commissioner);
    const figures = await main(commissioner);
    expect(figures).toContain('Northshire Teaching Hospitals NHS Foundation Trust');
    expect(figures).not.toMatch(/PC-\d{4}-\d{4}/);
    expect(figures).not.toContain('Browser Test Patient');
    expect(await commissioner.locator('main a[href^="/concerns/"]').count()).toBe(0);
    expect(browserProblems(practitioner)).toEqual([]);
    expect(browserProblems(commissioner)).toEqual([]);
  });
});
