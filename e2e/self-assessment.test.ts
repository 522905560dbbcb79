import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as assessments from '../src/modules/self-assessment/service.ts';
import { currentEdition, requirementsFor } from '../src/modules/standards/service.ts';
import { contextOf, newOrganisation, newUser } from '../test/factories.ts';
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

const main = (page: Page) => textOf(page.locator('main'));
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const errorSummary = (page: Page) => textOf(page.locator('.nhsuk-error-summary'));

/**
 * The self-assessment in a real browser, at a trust of the test's own commissioned by the demo ICB: the lead
 * starts it and overrides a computed not met (first without a reason), the accountable lead signs it off
 * (first with requirements unanswered), it is submitted, the commissioner returns it with comments, a
 * second version is signed off, resubmitted and accepted. axe on every page.
 */
describeInBrowser('the self-assessment in the browser', { timeout: 900_000 }, () => {
  let b: BrowserApp;
  beforeAll(async () => {
    b = await startBrowserApp();
  });
  afterAll(() => b?.close());

  it('self-assessment, override with a reason, sign-off, submission, return and acceptance', async () => {
    const provider = await newOrganisation(b.database, {
      odsCode: 'RQ7',
      name: 'Quayside Test NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QZZ',
    });
    const leadUser = await newUser(b.database, {
      email: 'lead@quayside.example',
      displayName: 'Kit Lowry',
      roles: [{ orgId: provider.id, role: 'operational_lead' }],
    });
    await newUser(b.database, {
      email: 'director@quayside.example',
      displayName: 'Noor Bakshi',
      roles: [{ orgId: provider.id, role: 'accountable_lead' }],
    });
    // No accountable lead is recorded in post at the new trust: that rule computes not met.
    const accountableRule = requirementsFor(currentEdition(), 'nhs_trust').find((r) => r.rule === 'accountable-lead-in-post');
    if (!accountableRule) throw new Error('the edition has a requirement for the accountable lead');
    const rid = accountableRule.id;

    // The lead starts this year's self-assessment.
    const lead = await b.newPage();
    await signIn(lead, 'lead@quayside.example');
    await lead.goto('/assurance');
    await checkAccessibility(lead);
    await clickAndWait(lead, lead.getByRole('button', { name: /^Start the self-assessment for/ }));
    await expect(main(lead)).resolves.toContain('version 1');
    await checkAccessibility(lead);
    const id = /\/assurance\/([0-9a-f-]{36})\/requirements\//.exec(
      (await lead.locator('a[href*="/requirements/"]').first().getAttribute('href')) ?? '',
    )?.[1];
    if (!id) throw new Error('no requirement links');

    // Overriding the computed not met needs a reason.
    await lead.goto(`/assurance/${id}/requirements/${rid}`);
    await checkAccessibility(lead);
    await lead.getByLabel('Override to met').check();
    await clickAndWait(lead, button(lead, 'Save the result'));
    await expect(errorSummary(lead)).resolves.toContain('Give the reason for overriding the computed result');
    await checkAccessibility(lead);
    // The ICB reads the reason: a name after a title is refused, naming it; a role is not.
    await lead.getByLabel('Reason for the override').fill('Dr Bakshi took up the post this week.');
    await clickAndWait(lead, button(lead, 'Save the result'));
    await expect(errorSummary(lead)).resolves.toContain(
      'The reason for the override holds what looks like an identifier: “Bakshi”',
    );
    await checkAccessibility(lead);
    const reason = 'The new accountable lead took up the post this week; the appointment is being recorded.';
    await lead.getByLabel('Reason for the override').fill(reason);
    await clickAndWait(lead, button(lead, 'Save the result'));
    await expect(main(lead)).resolves.toContain(reason);
    await expect(main(lead)).resolves.toContain('Computed as not met; overridden by a person');
    await screenshot(lead, 'self-assessment-override');

    // Evidence and an action on the requirement page.
    await lead.goto(`/assurance/${id}/requirements/${rid}`);
    await lead.getByLabel('What the record is').fill('Prevent leads');
    await lead.getByLabel('Its address in Prevent Assure').fill('https://elsewhere.example/');
    await clickAndWait(lead, button(lead, 'Add the link'));
    await expect(errorSummary(lead)).resolves.toContain('Enter the address of a record in Prevent Assure');
    await checkAccessibility(lead);
    await lead.getByLabel('Its address in Prevent Assure').fill('/leads');
    await clickAndWait(lead, button(lead, 'Add the link'));
    await lead.getByLabel('What will be done').fill('Record the new accountable lead');
    await lead.getByLabel('Owner').fill('Kit Lowry');
    await fillDate(lead, 'dueOn', '2099-01-31');
    await clickAndWait(lead, button(lead, 'Add the action'));
    await expect(main(lead)).resolves.toContain('Record the new accountable lead');
    await checkAccessibility(lead);

    // The accountable lead cannot sign off while requirements are unanswered.
    const director = await b.newPage();
    await signIn(director, 'director@quayside.example');
    await director.goto('/assurance');
    await clickAndWait(director, director.getByRole('button', { name: 'Sign off this version' }));
    await checkAccessibility(director);
    await clickAndWait(director, button(director, 'Sign off as accountable Prevent lead'));
    await expect(errorSummary(director)).resolves.toContain('Record a result for');
    await expect(errorSummary(director)).resolves.toContain('Write the narrative before signing off');
    await checkAccessibility(director);

    // The lead answers the rest (the service, as the form would, for each) and writes the narrative in the page.
    const leadCtx = await contextOf(b.database, leadUser);
    const version = await assessments.versionPage(b.database.db, leadCtx, id);
    for (const r of version.requirements.filter((r) => !r.isComputed)) {
      await assessments.saveAnswer(b.database.db, leadCtx, id, r.requirement.id, { result: 'met' });
    }
    await lead.goto('/assurance');
    await lead
      .getByLabel('How your organisation meets the core standards, in your own words')
      .fill('Prevent is part of safeguarding.');
    await clickAndWait(lead, button(lead, 'Save the narrative'));

    await director.goto(`/assurance/${id}/sign-off`);
    await clickAndWait(director, button(director, 'Sign off as accountable Prevent lead'));
    await expect(main(director)).resolves.toContain('Signed off');
    await expect(main(director)).resolves.toContain('This version is frozen');
    await checkAccessibility(director);

    // Submitted to the ICB.
    await lead.goto('/assurance');
    await clickAndWait(lead, button(lead, 'Submit to the ICB'));
    await expect(main(lead)).resolves.toContain('Submitted to the ICB');
    await checkAccessibility(lead);

    // The commissioner returns it with comments, first forgetting the overall comment.
    const icb = await b.newPage();
    await signIn(icb, demo.commissioner);
    await icb.goto('/assurance/submissions');
    await checkAccessibility(icb);
    await clickAndWait(icb, icb.getByRole('link', { name: /version 1 of Quayside Test NHS Trust/ }));
    await checkAccessibility(icb);
    await icb.getByLabel('Return it with comments').check();
    await clickAndWait(icb, button(icb, 'Record the decision'));
    await expect(errorSummary(icb)).resolves.toContain('Enter an overall comment');
    await checkAccessibility(icb);
    await icb.getByLabel(`Your comment on ${rid} (optional)`).fill('Send us the appointment letter.');
    await icb.getByLabel('Overall comment').fill('Nearly there: see the comment on the accountable lead.');
    await icb.getByLabel('Return it with comments').check();
    await clickAndWait(icb, button(icb, 'Record the decision'));
    await expect(main(icb)).resolves.toContain('Returned with comments');
    await screenshot(icb, 'self-assessment-returned');

    // The lead reads the comments, starts version 2; it is signed off and resubmitted; the ICB accepts it.
    await lead.goto('/assurance');
    await expect(main(lead)).resolves.toContain('Send us the appointment letter.');
    await expect(main(lead)).resolves.toContain('Nearly there');
    await checkAccessibility(lead);
    await lead.goto('/assurance/history');
    await expect(main(lead)).resolves.toContain('Returned with comments');
    await checkAccessibility(lead);
    await lead.goto('/assurance');
    await clickAndWait(lead, button(lead, 'Start version 2 to make changes'));
    await expect(main(lead)).resolves.toContain('version 2');
    await checkAccessibility(lead);
    await director.goto('/assurance');
    await clickAndWait(director, director.getByRole('button', { name: 'Sign off this version' }));
    await clickAndWait(director, button(director, 'Sign off as accountable Prevent lead'));
    await lead.goto('/assurance');
    await clickAndWait(lead, button(lead, 'Submit to the ICB'));

    await icb.goto('/assurance/submissions');
    await clickAndWait(icb, icb.getByRole('link', { name: /version 2 of Quayside Test NHS Trust/ }));
    await icb.getByLabel('Accept it').check();
    await clickAndWait(icb, button(icb, 'Record the decision'));
    await expect(main(icb)).resolves.toContain('Accepted by the ICB');
    await checkAccessibility(icb);

    await lead.goto('/assurance/history');
    const history = await main(lead);
    for (const words of ['Submitted to the ICB', 'Returned with comments', 'Accepted']) expect(history).toContain(words);
    await checkAccessibility(lead);
    for (const page of [lead, director, icb]) {
      expect(browserProblems(page)).toEqual([]);
      await page.context().close();
    }
  });

  it('the demo providers’ assessments: accepted, returned with comments, and a board viewer reads without forms', async () => {
    const page = await b.newPage();
    await signIn(page, demo.otherTrustLead);
    await page.goto('/assurance');
    await expect(main(page)).resolves.toContain('Returned with comments');
    await checkAccessibility(page);
    await page.context().close();

    const board = await b.newPage();
    await signIn(board, demo.boardViewer);
    await board.goto('/assurance');
    await expect(main(board)).resolves.toContain('Accepted by the ICB');
    expect(await board.locator('main form').count()).toBe(0);
    await checkAccessibility(board);
    await clickAndWait(board, board.locator('main a[href*="/requirements/"]').first());
    await checkAccessibility(board);
    expect(browserProblems(board)).toEqual([]);
    await board.context().close();
  });
});
