import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contextOf,
  newCase,
  newCompletePreventFramework,
  newOrganisation,
  newPreventRisk,
  newUser,
} from '../../../test/factories.ts';
import { type TestApp, testApp } from '../../../test/harness.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, spokenDate, todayInLondon } from '../../platform/dates.ts';
import * as concerns from '../concerns/service.ts';
import * as contracts from '../contracts/service.ts';
import * as leads from '../leads/service.ts';
import * as organisations from '../organisations/service.ts';
import * as policyService from '../policies/service.ts';
import * as programme from '../programme/service.ts';
import * as referrals from '../referrals/service.ts';
import * as sharing from '../sharing/service.ts';
import type { RuleId } from '../standards/service.ts';
import { currentEdition, requirementsFor } from '../standards/service.ts';
import {
  assuranceFigures,
  assuranceFiguresOf,
  assuranceStatus,
  notComputedReason,
  type RequirementStatus,
  type RuleOutcome,
} from './service.ts';

const today = todayInLondon();
const financialYear = Number(today.slice(5, 7)) >= 4 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
const yearSoFar = `between ${spokenDate(`${financialYear}-04-01`)} and ${spokenDate(today)}`;

type Expected = Partial<Record<RuleId, Partial<RuleOutcome>>>;

/**
 * Checks every requirement a rule computes against what is expected of its rule, requirement by
 * requirement; returns the rules that were checked (the standards file decides which apply to a kind).
 */
function expectOutcomes(statuses: RequirementStatus[], expected: Expected): Set<RuleId> {
  const checked = new Set<RuleId>();
  for (const s of statuses) {
    const rule = s.requirement.rule;
    if (!rule) continue;
    expect(s.computed, s.requirement.id).toBe(true);
    const want = expected[rule];
    if (!want) continue;
    expect(s.outcome, `${s.requirement.id} (${rule})`).toMatchObject(want);
    checked.add(rule);
  }
  return checked;
}

/** What an organisation with nothing recorded gets from each rule. */
const nothingRecorded = (): Expected => ({
  'accountable-lead-in-post': { result: 'not_met', reason: `No accountable Prevent lead is in post on ${spokenDate(today)}.` },
  'operational-lead-in-post': { result: 'not_met', reason: `No operational Prevent lead is in post on ${spokenDate(today)}.` },
  'commissioner-told-of-leads': {
    result: 'not_met',
    reason: 'No Prevent lead is in post, so there is none to tell the commissioner of.',
  },
  'work-programme': { result: 'not_met', reason: `No work programme is running on ${spokenDate(today)}.` },
  'prevent-policy': { result: 'not_met', reason: 'No Prevent framework or policy is recorded.' },
  'risk-register-reviewed': { result: 'not_met', reason: 'No Prevent risks are recorded in the risk register.' },
  'ctlp-reviewed': {
    result: 'not_met',
    reason: `No CTLP review is recorded for April ${financialYear} to March ${financialYear + 1}.`,
  },
  'training-compliance': {
    result: 'not_met',
    reason: 'No staff are in scope for Prevent training, so compliance cannot be shown.',
  },
  'training-needs-analysis': {
    result: 'not_met',
    reason: 'No training needs analysis has been approved: the national default applies.',
  },
  'lessons-reviews': { result: 'met', reason: `No case was referred ${yearSoFar}, so no lessons learned review was due.` },
  'sharing-decisions': { result: 'met', reason: `No case was referred ${yearSoFar}, so no sharing decision was due.` },
  'board-report': {
    result: 'not_met',
    reason: 'No annual Prevent report has been approved and presented to the board.',
    links: [{ text: 'Board reports', href: '/reports' }],
  },
});

describe('assurance against the core standards, computed from the records', { timeout: 120_000 }, () => {
  let t: TestApp;
  let codes = 0;

  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A trust of the demo ICB, made for one test, with an operational lead who can act for it. */
  async function aTrust(name: string): Promise<{ id: string; ctx: RequestContext }> {
    codes += 1;
    const odsCode = `RA${codes}`;
    const org = await newOrganisation(t.database, { odsCode, name, kind: 'nhs_trust', commissionerOds: 'QZZ' });
    const user = await newUser(t.database, {
      email: `lead@${odsCode.toLowerCase()}.example`,
      displayName: `Lead of ${odsCode}`,
      roles: [{ orgId: org.id, role: 'operational_lead' }],
    });
    return { id: org.id, ctx: await contextOf(t.database, user, org.id) };
  }

  it('lists every requirement that applies to a provider, those without a rule not computed', async () => {
    const trust = await aTrust('Empty Example NHS Trust');
    const statuses = await assuranceStatus(t.database.db, trust.ctx, today);
    const edition = currentEdition();
    expect(statuses.map((s) => s.requirement.id)).toEqual(requirementsFor(edition, 'nhs_trust').map((r) => r.id));
    expect(statuses.some((s) => s.requirement.appliesTo === 'commissioner')).toBe(false);
    for (const s of statuses.filter((s) => !s.requirement.rule)) {
      expect(s).toMatchObject({ computed: false, outcome: { result: 'not_assessed', reason: notComputedReason, links: [] } });
    }
  });

  it('a provider with nothing recorded meets no rule that needs a record', async () => {
    const trust = await aTrust('Nothing Yet NHS Trust');
    const statuses = await assuranceStatus(t.database.db, trust.ctx, today);
    const checked = expectOutcomes(statuses, nothingRecorded());
    // The leads, the policy and training are required of every provider.
    for (const rule of ['accountable-lead-in-post', 'prevent-policy', 'training-compliance'] as const) {
      expect(checked.has(rule), rule).toBe(true);
    }
  });

  it('a provider with both leads, a programme, a complete policy and a risk meets those rules', async () => {
    const trust = await aTrust('Well Kept NHS Trust');
    const db = t.database.db;
    const since = addDays(today, -30);
    const accountable = await leads.appoint(db, trust.ctx, { post: 'accountable', personName: 'Dana Director', startsOn: since });
    await leads.appoint(db, trust.ctx, { post: 'operational', personName: 'Pat Lead', startsOn: since });
    // The job that tells the ICB has run for the accountable lead's appointment only.
    await leads.tellCommissioner(t.database, { appointmentId: accountable.id });
    const year = await programme.currentYear(db, trust.ctx);
    await programme.startProgramme(db, trust.ctx, year);
    const { label } = await programme.getProgramme(db, trust.ctx, year);
    const contents = policyService.requiredContentsFor('nhs_trust');
    const framework = await newCompletePreventFramework(t.database, trust.ctx, today);
    await newPreventRisk(t.database, trust.ctx);

    const statuses = await assuranceStatus(db, trust.ctx, today);
    const checked = expectOutcomes(statuses, {
      'accountable-lead-in-post': {
        result: 'met',
        reason: `Dana Director has been the accountable Prevent lead since ${spokenDate(since)}.`,
        links: [{ text: 'Prevent leads', href: '/leads' }],
      },
      'operational-lead-in-post': {
        result: 'met',
        reason: `Pat Lead has been the operational Prevent lead since ${spokenDate(since)}.`,
      },
      'commissioner-told-of-leads': {
        result: 'partly_met',
        reason:
          'The commissioner has been told of 1 of the 2 Prevent leads now in post: not of the operational Prevent lead, Pat Lead.',
      },
      'work-programme': {
        result: 'met',
        reason: `The ${label} work programme covers every required area and no item is overdue: 0 of 4 items done.`,
      },
      'prevent-policy': {
        result: 'met',
        reason: `Prevent framework (version 1.0) is in date (next review ${spokenDate(addDays(today, 355))}) and has all ${contents.length} required contents ticked.`,
        links: [{ text: 'Prevent framework', href: `/policies/${framework.id}` }],
      },
      'risk-register-reviewed': { result: 'met', reason: `1 of 1 open risk reviewed in the 12 months to ${spokenDate(today)}.` },
      'ctlp-reviewed': { result: 'not_met' },
      'board-report': { result: 'not_met', reason: 'No annual Prevent report has been approved and presented to the board.' },
    });
    for (const rule of ['accountable-lead-in-post', 'commissioner-told-of-leads', 'prevent-policy'] as const) {
      expect(checked.has(rule), rule).toBe(true);
    }

    // A year on, with nothing done since: the leads are still in post, the policy and the register have lapsed.
    const yearOn = addDays(today, 366);
    expectOutcomes(await assuranceStatus(db, trust.ctx, yearOn), {
      'accountable-lead-in-post': { result: 'met' },
      'prevent-policy': { result: 'partly_met' },
      'risk-register-reviewed': {
        result: 'not_met',
        reason: `0 of 1 open risk reviewed in the 12 months to ${spokenDate(yearOn)}.`,
      },
    });
  });

  it('counts a referral’s sharing decision and its lessons learned review', async () => {
    const trust = await aTrust('Referring NHS Trust');
    const db = t.database.db;
    const { id } = await newCase(t.database, trust.ctx, { observedOn: addDays(today, -1) });
    for (const to of ['triage', 'gathering_information', 'decision']) {
      await concerns.moveCase(db, trust.ctx, id, { to, reason: `On to ${to}` });
    }
    await sharing.recordDecision(db, trust.ctx, id, {
      information: 'The concern and the person’s details',
      partner: 'police_prevent',
      shared: 'yes',
      article6Basis: '6(1)(e)',
      specialCategory: 'no',
      consent: 'not_sought',
      consentNote: 'Seeking consent could increase the risk',
      rationale: 'Necessary and proportionate for a Prevent referral',
      decidedOn: today,
    });
    await referrals.refer(db, trust.ctx, id, {
      concern: 'Recruitment videos shown to staff.',
      referredOn: today,
      sentHow: 'secure_email',
    });

    const statuses = await assuranceStatus(db, trust.ctx, today);
    const checked = expectOutcomes(statuses, {
      'sharing-decisions': {
        result: 'met',
        reason: `Decisions on sharing with police Prevent recorded for 1 of 1 case referred ${yearSoFar}.`,
        links: [{ text: 'Referred cases', href: '/concerns?status=referred' }],
      },
      // The referral started its review, which is still to do.
      'lessons-reviews': {
        result: 'not_met',
        reason: `Completed lessons learned reviews for 0 of 1 case referred ${yearSoFar} (1 to do); none of their actions overdue.`,
      },
    });
    expect([...checked].sort()).toEqual(['lessons-reviews', 'sharing-decisions']);
  });

  it('gathers several organisations’ figures at once exactly as one by one (every demo organisation)', async () => {
    const all = await organisations.listAll(t.database.db);
    expect(all.length).toBeGreaterThan(3);
    const together = await assuranceFiguresOf(t.database.db, { userId: null, orgIds: all.map((o) => o.id) }, all, today);
    for (const org of all) {
      const alone = await assuranceFigures(t.database.db, { userId: null, orgIds: [org.id] }, org.id, today);
      expect(together.get(org.id), org.odsCode).toEqual(alone);
    }
    // The demo differs between organisations, so that a figure taken from the wrong one would show.
    expect(new Set(all.map((o) => JSON.stringify(together.get(o.id)?.training))).size).toBeGreaterThan(1);
  });

  it('an ICB sees the requirements of commissioners, not of providers', async () => {
    codes += 1;
    const icb = await newOrganisation(t.database, { odsCode: `QA${codes}`, name: 'Assured Integrated Care Board', kind: 'icb' });
    const user = await newUser(t.database, {
      email: `commissioner@qa${codes}.example`,
      displayName: 'Casey Commissioner',
      roles: [{ orgId: icb.id, role: 'commissioner_lead' }],
    });
    const ctx = await contextOf(t.database, user, icb.id);
    const statuses = await assuranceStatus(t.database.db, ctx, today);
    expect(statuses.map((s) => s.requirement.id)).toEqual(requirementsFor(currentEdition(), 'icb').map((r) => r.id));
    expect(statuses.some((s) => s.requirement.appliesTo === 'provider')).toBe(false);
    expect(expectOutcomes(statuses, nothingRecorded()).size).toBeGreaterThan(0);

    // A commissioner's programme holds the five areas the standard requires of an ICB.
    const year = await programme.currentYear(t.database.db, ctx);
    await programme.startProgramme(t.database.db, ctx, year);
    const { label } = await programme.getProgramme(t.database.db, ctx, year);
    expectOutcomes(await assuranceStatus(t.database.db, ctx, today), {
      'work-programme': {
        result: 'met',
        reason: `The ${label} work programme covers every required area and no item is overdue: 0 of 5 items done.`,
        links: [{ text: 'Work programme', href: '/programme' }],
      },
    });

    // Its contract register: with no provider, nothing to assess; with one under a contract holding SC32, checked, met.
    expectOutcomes(await assuranceStatus(t.database.db, ctx, today), {
      'provider-contracts': { result: 'not_assessed', reason: 'The ICB commissions no providers.', links: contractLinks },
    });
    const trust = await newOrganisation(t.database, {
      odsCode: `RA${codes}`,
      name: 'Contracted NHS Trust',
      kind: 'nhs_trust',
      commissionerOds: icb.odsCode,
    });
    const contract = await contracts.addContract(t.database.db, ctx, {
      providerOrgId: trust.id,
      name: 'Community services',
      reference: '',
      sc32Included: 'yes',
      startsOn: addDays(today, -200),
      endsOn: '',
      reviewOn: addDays(today, 100),
      notes: '',
    });
    const sentence = (checked: number) =>
      `Of 1 provider, 1 with a contract in force holding the Prevent clauses of SC32 and ${checked} with a contract quality check in the last 12 months.`;
    expectOutcomes(await assuranceStatus(t.database.db, ctx, today), {
      'provider-contracts': { result: 'partly_met', reason: sentence(0), links: contractLinks },
    });
    await contracts.recordCheck(t.database.db, ctx, contract.id, {
      checkedOn: addDays(today, -30),
      checked: ['contract', 'training', 'safeguarding'],
      findings: 'Prevent is in the contract and training is on track.',
      rating: 'assured',
      checkedBy: 'Casey Commissioner',
    });
    expectOutcomes(await assuranceStatus(t.database.db, ctx, today), {
      'provider-contracts': { result: 'met', reason: sentence(1), links: contractLinks },
    });
  });
});

const contractLinks = [{ text: 'Contract register', href: '/contracts' }];
