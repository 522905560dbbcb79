import { describe, expect, it } from 'vitest';
import { ruleIds } from '../standards/service.ts';
import { type AssuranceFigures, evaluate } from './rules.ts';

const asAt = '2026-12-01';

/** A provider that meets every rule as at 1 December 2026; each test changes what it is about. */
function meetsEverything(): AssuranceFigures {
  return {
    organisation: { name: 'Northshire NHS Foundation Trust', commissioned: true },
    leads: {
      accountable: { name: 'Dana Director', since: '2025-04-01', commissionerToldOn: '2025-04-01' },
      operational: { name: 'Pat Lead', since: '2026-01-05', commissionerToldOn: '2026-01-06' },
    },
    programme: { label: '2026 to 2027', total: 6, done: 3, overdue: 0, missingAreas: [] },
    frameworks: [
      {
        policyId: 'policy-1',
        title: 'Prevent framework',
        version: '2.0',
        nextReviewOn: '2027-06-01',
        missingContents: [],
        requiredContents: 7,
      },
    ],
    riskRegister: { recorded: 5, open: 4, openReviewed: 4, lastReviewedOn: '2026-10-01' },
    ctlp: {
      label: 'April 2026 to March 2027',
      briefingReceivedOn: '2026-05-01',
      reviewedOn: '2026-06-01',
      signedOffOn: '2026-06-15',
      lastSignOffOn: '2026-06-15',
    },
    training: [
      { name: 'Basic Prevent awareness', inScope: 200, compliant: 182, percent: 91 },
      { name: 'Level 3 (face to face)', inScope: 50, compliant: 44, percent: 88 },
    ],
    needsAnalysis: { version: 2, approvedBy: 'Quality committee', approvedOn: '2026-05-10' },
    // As an ICB would have it: the rule for provider contracts reads only this.
    contracts: { providers: 3, withSc32: 3, checkedIn12Months: 3, overdueActions: 0 },
    referrals: {
      from: '2026-04-01',
      referrals: 3,
      referredCases: 3,
      withSharingDecision: 3,
      reviews: { missing: 0, toDo: 0, inProgress: 0, complete: 3, overdueActions: 0 },
    },
    boardReport: { yearLabel: 'April 2025 to March 2026', version: 2, presentedOn: '2026-05-21', minuteReference: 'BM/26/114' },
    development: {
      leads: [
        { name: 'Dana Director', hasAccount: true, activities: 2, hours: 9.25, overdueTargets: 0 },
        { name: 'Pat Lead', hasAccount: true, activities: 4, hours: 13, overdueTargets: 0 },
      ],
      practitioners: { people: 3, withDevelopment: 2, activities: 3, hours: 4.5 },
    },
    partnership: {
      total: 6,
      byKind: [
        { name: 'Channel panel', count: 4 },
        { name: 'Community of practice event you hosted', count: 2 },
      ],
      quietPeriods: [],
      communityOfPractice: 2,
      overdueActions: 0,
    },
    requests: { received: 3, answered: 3, answeredOnTime: 3, overdue: 0 },
  };
}

const changed = (change: (f: AssuranceFigures) => void): AssuranceFigures => {
  const figures = meetsEverything();
  change(figures);
  return figures;
};

describe('the rules that compute a core standard’s result', () => {
  it('implements every rule id, each met for an organisation that does everything', () => {
    for (const rule of ruleIds) {
      const { result } = evaluate(rule, meetsEverything(), asAt);
      expect(result, rule).toBe('met');
    }
  });

  it('leads in post: met with who and since when, not met when the post is vacant', () => {
    expect(evaluate('accountable-lead-in-post', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason: 'Dana Director has been the accountable Prevent lead since 1 April 2025.',
      links: [{ text: 'Prevent leads', href: '/leads' }],
    });
    expect(evaluate('operational-lead-in-post', meetsEverything(), asAt).reason).toBe(
      'Pat Lead has been the operational Prevent lead since 5 January 2026.',
    );
    const vacant = changed((f) => {
      f.leads.operational = null;
    });
    expect(evaluate('operational-lead-in-post', vacant, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No operational Prevent lead is in post on 1 December 2026.',
    });
    expect(evaluate('accountable-lead-in-post', vacant, asAt).result).toBe('met');
  });

  it('the commissioner told of the current leads: all, some, none, no leads, no commissioner', () => {
    expect(evaluate('commissioner-told-of-leads', meetsEverything(), asAt)).toMatchObject({
      result: 'met',
      reason: 'The commissioner has been told of both Prevent leads now in post.',
    });
    const oneUntold = changed((f) => {
      if (f.leads.operational) f.leads.operational.commissionerToldOn = null;
    });
    expect(evaluate('commissioner-told-of-leads', oneUntold, asAt)).toMatchObject({
      result: 'partly_met',
      reason:
        'The commissioner has been told of 1 of the 2 Prevent leads now in post: not of the operational Prevent lead, Pat Lead.',
    });
    // Told after the as-at date: not yet told on that date.
    const toldLater = changed((f) => {
      for (const lead of [f.leads.accountable, f.leads.operational]) if (lead) lead.commissionerToldOn = '2026-12-02';
    });
    expect(evaluate('commissioner-told-of-leads', toldLater, asAt)).toMatchObject({
      result: 'not_met',
      reason:
        'The commissioner has been told of 0 of the 2 Prevent leads now in post: not of the accountable Prevent lead, Dana Director and the operational Prevent lead, Pat Lead.',
    });
    const oneVacant = changed((f) => {
      f.leads.accountable = null;
    });
    expect(evaluate('commissioner-told-of-leads', oneVacant, asAt)).toMatchObject({
      result: 'met',
      reason: 'The commissioner has been told of the Prevent lead now in post (the accountable Prevent lead post is vacant).',
    });
    const none = changed((f) => {
      f.leads = { accountable: null, operational: null };
    });
    expect(evaluate('commissioner-told-of-leads', none, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No Prevent lead is in post, so there is none to tell the commissioner of.',
    });
    const uncommissioned = changed((f) => {
      f.organisation.commissioned = false;
    });
    expect(evaluate('commissioner-told-of-leads', uncommissioned, asAt)).toEqual({
      result: 'not_assessed',
      reason:
        'Northshire NHS Foundation Trust is not commissioned by an ICB in Prevent Assure, so there is no commissioner to tell.',
      links: [],
    });
  });

  it('the work programme: on track, with gaps or overdue items, none', () => {
    expect(evaluate('work-programme', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason: 'The 2026 to 2027 work programme covers every required area and no item is overdue: 3 of 6 items done.',
      links: [{ text: 'Work programme', href: '/programme' }],
    });
    const gaps = changed((f) => {
      f.programme = { label: '2026 to 2027', total: 4, done: 1, overdue: 2, missingAreas: ['Risk assessment', 'Engaging GPs'] };
    });
    expect(evaluate('work-programme', gaps, asAt)).toMatchObject({
      result: 'partly_met',
      reason:
        'The 2026 to 2027 work programme does not cover 2 required areas (Risk assessment and Engaging GPs) and has 2 overdue items: 1 of 4 items done.',
    });
    const overdue = changed((f) => {
      if (f.programme) f.programme.overdue = 1;
    });
    expect(evaluate('work-programme', overdue, asAt)).toMatchObject({
      result: 'partly_met',
      reason: 'The 2026 to 2027 work programme has 1 overdue item: 3 of 6 items done.',
    });
    const none = changed((f) => {
      f.programme = null;
    });
    expect(evaluate('work-programme', none, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No work programme is running on 1 December 2026.',
    });
  });

  it('the Prevent policy: in date and complete, overdue or missing contents, none', () => {
    expect(evaluate('prevent-policy', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason: 'Prevent framework (version 2.0) is in date (next review 1 June 2027) and has all 7 required contents ticked.',
      links: [{ text: 'Prevent framework', href: '/policies/policy-1' }],
    });
    const lapsed = changed((f) => {
      const [framework] = f.frameworks;
      if (framework) Object.assign(framework, { nextReviewOn: '2026-11-30', missingContents: ['A Channel referral pathway'] });
    });
    expect(evaluate('prevent-policy', lapsed, asAt)).toMatchObject({
      result: 'partly_met',
      reason:
        'Prevent framework (version 2.0) was due for review on 30 November 2026 and has 6 of 7 required contents ticked; missing: A Channel referral pathway.',
    });
    // Due for review on the as-at date itself is still in date.
    const dueToday = changed((f) => {
      const [framework] = f.frameworks;
      if (framework) framework.nextReviewOn = asAt;
    });
    expect(evaluate('prevent-policy', dueToday, asAt).result).toBe('met');
    const none = changed((f) => {
      f.frameworks = [];
    });
    expect(evaluate('prevent-policy', none, asAt)).toEqual({
      result: 'not_met',
      reason: 'No Prevent framework or policy is recorded.',
      links: [{ text: 'Policies', href: '/policies' }],
    });
  });

  it('the risk register: every open risk reviewed in 12 months, some, none, no risks', () => {
    expect(evaluate('risk-register-reviewed', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason: '4 of 4 open risks reviewed in the 12 months to 1 December 2026.',
      links: [{ text: 'Risk register', href: '/risks' }],
    });
    const some = changed((f) => {
      f.riskRegister.openReviewed = 1;
    });
    expect(evaluate('risk-register-reviewed', some, asAt)).toMatchObject({
      result: 'partly_met',
      reason: '1 of 4 open risks reviewed in the 12 months to 1 December 2026.',
    });
    const stale = changed((f) => {
      f.riskRegister = { recorded: 1, open: 1, openReviewed: 0, lastReviewedOn: '2025-11-01' };
    });
    expect(evaluate('risk-register-reviewed', stale, asAt)).toMatchObject({
      result: 'not_met',
      reason: '0 of 1 open risk reviewed in the 12 months to 1 December 2026.',
    });
    const allClosed = changed((f) => {
      f.riskRegister = { recorded: 2, open: 0, openReviewed: 0, lastReviewedOn: '2026-02-01' };
    });
    expect(evaluate('risk-register-reviewed', allClosed, asAt)).toMatchObject({
      result: 'met',
      reason: 'No risk is open, and the register was last reviewed on 1 February 2026.',
    });
    const closedLongAgo = changed((f) => {
      f.riskRegister = { recorded: 2, open: 0, openReviewed: 0, lastReviewedOn: '2025-12-01' };
    });
    expect(evaluate('risk-register-reviewed', closedLongAgo, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No risk is open, and the register was last reviewed on 1 December 2025, not in the 12 months to 1 December 2026.',
    });
    const empty = changed((f) => {
      f.riskRegister = { recorded: 0, open: 0, openReviewed: 0, lastReviewedOn: null };
    });
    expect(evaluate('risk-register-reviewed', empty, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No Prevent risks are recorded in the risk register.',
    });
  });

  it('the CTLP review: signed off this year, started or signed off last year, nothing', () => {
    expect(evaluate('ctlp-reviewed', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason: 'The CTLP review for April 2026 to March 2027 was signed off on 15 June 2026.',
      links: [{ text: 'Counter terrorism local profile', href: '/risks/ctlp' }],
    });
    const started = changed((f) => {
      f.ctlp = { ...f.ctlp, signedOffOn: null, reviewedOn: null, lastSignOffOn: '2025-06-10' };
    });
    expect(evaluate('ctlp-reviewed', started, asAt)).toMatchObject({
      result: 'partly_met',
      reason: 'The CTLP review for April 2026 to March 2027 is not signed off yet: the briefing was received on 1 May 2026.',
    });
    const lastYearsCurrent = changed((f) => {
      f.ctlp = { ...f.ctlp, briefingReceivedOn: null, reviewedOn: null, signedOffOn: null, lastSignOffOn: '2026-01-20' };
    });
    expect(evaluate('ctlp-reviewed', lastYearsCurrent, asAt)).toMatchObject({
      result: 'partly_met',
      reason: 'The CTLP review for April 2026 to March 2027 is not signed off yet: the last sign-off was on 20 January 2026.',
    });
    const lapsed = changed((f) => {
      f.ctlp = { ...f.ctlp, briefingReceivedOn: null, reviewedOn: null, signedOffOn: null, lastSignOffOn: '2025-06-10' };
    });
    expect(evaluate('ctlp-reviewed', lapsed, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No CTLP review is recorded for April 2026 to March 2027; the last sign-off was on 10 June 2025.',
    });
    const never = changed((f) => {
      f.ctlp = { ...f.ctlp, briefingReceivedOn: null, reviewedOn: null, signedOffOn: null, lastSignOffOn: null };
    });
    expect(evaluate('ctlp-reviewed', never, asAt).reason).toBe('No CTLP review is recorded for April 2026 to March 2027.');
  });

  it('training: every level at or above 85 %, some, none, nobody in scope', () => {
    expect(evaluate('training-compliance', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason:
        '2 of 2 levels at or above 85 %: Basic Prevent awareness is 91 % (182 of 200 staff) and Level 3 (face to face) is 88 % (44 of 50 staff).',
      links: [{ text: 'Training compliance', href: '/training' }],
    });
    const exactly85 = changed((f) => {
      f.training[1] = { name: 'Level 3 (face to face)', inScope: 20, compliant: 17, percent: 85 };
    });
    expect(evaluate('training-compliance', exactly85, asAt).result).toBe('met');
    const oneBelow = changed((f) => {
      f.training[1] = { name: 'Level 3 (face to face)', inScope: 70, compliant: 50, percent: 71.4 };
    });
    expect(evaluate('training-compliance', oneBelow, asAt)).toMatchObject({
      result: 'partly_met',
      reason: '1 of 2 levels at or above 85 %: Level 3 (face to face) is 71.4 % (50 of 70 staff).',
    });
    const bothBelow = changed((f) => {
      f.training = [
        { name: 'Basic Prevent awareness', inScope: 10, compliant: 6, percent: 60 },
        { name: 'Level 3 (face to face)', inScope: 5, compliant: 4, percent: 80 },
      ];
    });
    expect(evaluate('training-compliance', bothBelow, asAt)).toMatchObject({
      result: 'not_met',
      reason:
        '0 of 2 levels at or above 85 %: Basic Prevent awareness is 60 % (6 of 10 staff) and Level 3 (face to face) is 80 % (4 of 5 staff).',
    });
    // A level nobody needs is not counted.
    const oneLevel = changed((f) => {
      f.training[1] = { name: 'Level 3 (face to face)', inScope: 0, compliant: 0, percent: null };
    });
    expect(evaluate('training-compliance', oneLevel, asAt).reason).toBe(
      '1 of 1 level at or above 85 %: Basic Prevent awareness is 91 % (182 of 200 staff).',
    );
    const nobody = changed((f) => {
      f.training = f.training.map((l) => ({ ...l, inScope: 0, compliant: 0, percent: null }));
    });
    expect(evaluate('training-compliance', nobody, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No staff are in scope for Prevent training, so compliance cannot be shown.',
    });
  });

  it('the training needs analysis: approved in the last 12 months, earlier, never', () => {
    expect(evaluate('training-needs-analysis', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason: 'Version 2 of the training needs analysis was approved by Quality committee on 10 May 2026.',
      links: [{ text: 'Training needs analysis', href: '/training/needs-analysis' }],
    });
    const old = changed((f) => {
      f.needsAnalysis = { version: 1, approvedBy: 'Board', approvedOn: '2025-12-01' };
    });
    expect(evaluate('training-needs-analysis', old, asAt)).toMatchObject({
      result: 'partly_met',
      reason:
        'Version 1 of the training needs analysis was approved by Board on 1 December 2025, more than 12 months ago: it is due for review.',
    });
    const none = changed((f) => {
      f.needsAnalysis = null;
    });
    expect(evaluate('training-needs-analysis', none, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No training needs analysis has been approved: the national default applies.',
    });
  });

  it('lessons learned: a completed review for every referral and no overdue action, some, none, no referrals', () => {
    expect(evaluate('lessons-reviews', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason:
        'Completed lessons learned reviews for 3 of 3 cases referred between 1 April 2026 and 1 December 2026; none of their actions overdue.',
      links: [{ text: 'Lessons learned reviews', href: '/lessons' }],
    });
    const overdue = changed((f) => {
      f.referrals.reviews.overdueActions = 2;
    });
    expect(evaluate('lessons-reviews', overdue, asAt)).toMatchObject({
      result: 'partly_met',
      reason:
        'Completed lessons learned reviews for 3 of 3 cases referred between 1 April 2026 and 1 December 2026; 2 of their actions overdue.',
    });
    const some = changed((f) => {
      f.referrals.reviews = { missing: 0, toDo: 1, inProgress: 1, complete: 1, overdueActions: 0 };
    });
    expect(evaluate('lessons-reviews', some, asAt)).toMatchObject({
      result: 'partly_met',
      reason:
        'Completed lessons learned reviews for 1 of 3 cases referred between 1 April 2026 and 1 December 2026 (1 in progress and 1 to do); none of their actions overdue.',
    });
    const none = changed((f) => {
      f.referrals.reviews = { missing: 1, toDo: 2, inProgress: 0, complete: 0, overdueActions: 0 };
    });
    expect(evaluate('lessons-reviews', none, asAt)).toMatchObject({
      result: 'not_met',
      reason:
        'Completed lessons learned reviews for 0 of 3 cases referred between 1 April 2026 and 1 December 2026 (2 to do and 1 not started); none of their actions overdue.',
    });
    const noReferrals = changed((f) => {
      f.referrals = { ...f.referrals, referrals: 0, referredCases: 0, withSharingDecision: 0 };
    });
    expect(evaluate('lessons-reviews', noReferrals, asAt)).toMatchObject({
      result: 'met',
      reason: 'No case was referred between 1 April 2026 and 1 December 2026, so no lessons learned review was due.',
    });
  });

  it('sharing decisions: recorded for every referral, some, none, no referrals', () => {
    expect(evaluate('sharing-decisions', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason:
        'Decisions on sharing with police Prevent recorded for 3 of 3 cases referred between 1 April 2026 and 1 December 2026.',
      links: [{ text: 'Referred cases', href: '/concerns?status=referred' }],
    });
    const some = changed((f) => {
      f.referrals.withSharingDecision = 2;
    });
    expect(evaluate('sharing-decisions', some, asAt)).toMatchObject({
      result: 'partly_met',
      reason:
        'Decisions on sharing with police Prevent recorded for 2 of 3 cases referred between 1 April 2026 and 1 December 2026.',
    });
    const none = changed((f) => {
      f.referrals = { ...f.referrals, referredCases: 1, withSharingDecision: 0 };
    });
    expect(evaluate('sharing-decisions', none, asAt)).toMatchObject({
      result: 'not_met',
      reason:
        'Decisions on sharing with police Prevent recorded for 0 of 1 case referred between 1 April 2026 and 1 December 2026.',
    });
    const noReferrals = changed((f) => {
      f.referrals = { ...f.referrals, referrals: 0, referredCases: 0, withSharingDecision: 0 };
    });
    expect(evaluate('sharing-decisions', noReferrals, asAt)).toMatchObject({
      result: 'met',
      reason: 'No case was referred between 1 April 2026 and 1 December 2026, so no sharing decision was due.',
    });
  });

  it('provider contracts (an ICB): every provider with SC32 and a check in 12 months, some, none, not an ICB', () => {
    expect(evaluate('provider-contracts', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason:
        'Of 3 providers, 3 with a contract in force holding the Prevent clauses of SC32 and 3 with a contract quality check in the last 12 months.',
      links: [{ text: 'Contract register', href: '/contracts' }],
    });
    const some = evaluate(
      'provider-contracts',
      changed((f) => {
        f.contracts = { providers: 3, withSc32: 2, checkedIn12Months: 3, overdueActions: 1 };
      }),
      asAt,
    );
    expect(some.result).toBe('partly_met');
    expect(some.reason).toBe(
      'Of 3 providers, 2 with a contract in force holding the Prevent clauses of SC32 and 3 with a contract quality check in the last 12 months; 1 check action overdue.',
    );
    const overdueOnly = changed((f) => {
      f.contracts = { providers: 2, withSc32: 2, checkedIn12Months: 2, overdueActions: 2 };
    });
    expect(evaluate('provider-contracts', overdueOnly, asAt).result).toBe('partly_met');
    const none = changed((f) => {
      f.contracts = { providers: 2, withSc32: 0, checkedIn12Months: 0, overdueActions: 0 };
    });
    expect(evaluate('provider-contracts', none, asAt).result).toBe('not_met');
    const noProviders = changed((f) => {
      f.contracts = { providers: 0, withSc32: 0, checkedIn12Months: 0, overdueActions: 0 };
    });
    expect(evaluate('provider-contracts', noProviders, asAt)).toMatchObject({
      result: 'not_assessed',
      reason: 'The ICB commissions no providers.',
    });
    const provider = changed((f) => {
      f.contracts = null;
    });
    expect(evaluate('provider-contracts', provider, asAt)).toMatchObject({
      result: 'not_assessed',
      reason: 'Only an ICB keeps a register of provider contracts.',
    });
  });

  it('the board report: met when one was presented to the board in the last 12 months, not met otherwise', () => {
    const link = [{ text: 'Board reports', href: '/reports' }];
    expect(evaluate('board-report', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason:
        'The annual Prevent report for April 2025 to March 2026 (version 2) was presented to the board on 21 May 2026, minute BM/26/114.',
      links: link,
    });
    const old = changed((f) => {
      if (f.boardReport) f.boardReport.presentedOn = '2025-11-30';
    });
    expect(evaluate('board-report', old, asAt)).toMatchObject({
      result: 'not_met',
      reason: expect.stringContaining('more than 12 months ago'),
    });
    const none = changed((f) => {
      f.boardReport = null;
    });
    expect(evaluate('board-report', none, asAt)).toEqual({
      result: 'not_met',
      reason: 'No annual Prevent report has been approved and presented to the board.',
      links: link,
    });
  });

  it('the development of the leads: every lead in post developed with no overdue target, some, none, no leads', () => {
    expect(evaluate('lead-development', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason:
        '2 of 2 Prevent leads in post with development recorded in the 12 months to 1 December 2026 and no overdue plan target: ' +
        'Dana Director, 2 activities (9.25 hours); Pat Lead, 4 activities (13 hours). ' +
        'Safeguarding practitioners: 2 of 3 people with development recorded, 4.5 hours in all.',
      links: [{ text: 'Development of Prevent leads', href: '/development' }],
    });
    const overdue = changed((f) => {
      const lead = f.development.leads[1];
      if (lead) lead.overdueTargets = 1;
    });
    expect(evaluate('lead-development', overdue, asAt)).toMatchObject({
      result: 'partly_met',
      reason: expect.stringContaining(
        '1 of 2 Prevent leads in post with development recorded in the 12 months to 1 December 2026 and no overdue plan target: ' +
          'Dana Director, 2 activities (9.25 hours); Pat Lead, 4 activities (13 hours), 1 plan target overdue.',
      ),
    });
    const oneWithout = changed((f) => {
      f.development.leads[0] = { name: 'Dana Director', hasAccount: false, activities: 0, hours: 0, overdueTargets: 0 };
    });
    expect(evaluate('lead-development', oneWithout, asAt).reason).toContain(
      'Dana Director, no account in Prevent Assure, so no development recorded; Pat Lead, 4 activities (13 hours).',
    );
    expect(evaluate('lead-development', oneWithout, asAt).result).toBe('partly_met');
    const none = changed((f) => {
      f.development.leads = f.development.leads.map((l) => ({ ...l, activities: 0, hours: 0 }));
      f.development.practitioners = { people: 0, withDevelopment: 0, activities: 0, hours: 0 };
    });
    expect(evaluate('lead-development', none, asAt)).toMatchObject({
      result: 'not_met',
      reason:
        '0 of 2 Prevent leads in post with development recorded in the 12 months to 1 December 2026 and no overdue plan target: ' +
        'Dana Director, no development recorded; Pat Lead, no development recorded.',
    });
    const noLeads = changed((f) => {
      f.development.leads = [];
    });
    expect(evaluate('lead-development', noLeads, asAt)).toMatchObject({
      result: 'not_met',
      reason:
        'No Prevent lead is in post, so no lead’s development can be shown. Safeguarding practitioners: 2 of 3 people with development recorded, 4.5 hours in all.',
    });
  });

  it('multi-agency engagement: meetings in every three months and no agreed action overdue', () => {
    expect(evaluate('multi-agency-engagement', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason:
        '6 multi-agency meetings in the 12 months to 1 December 2026 (Channel panel 4, Community of practice event you hosted 2), in every three months, with no agreed action overdue.',
      links: [{ text: 'Multi-agency partnership', href: '/partnership' }],
    });
    const gaps = changed((f) => {
      f.partnership.quietPeriods = [{ from: '2025-12-02', to: '2026-03-01' }];
      f.partnership.overdueActions = 1;
    });
    expect(evaluate('multi-agency-engagement', gaps, asAt)).toMatchObject({
      result: 'partly_met',
      reason:
        '6 multi-agency meetings in the 12 months to 1 December 2026 (Channel panel 4, Community of practice event you hosted 2), but none from 2 December 2025 to 1 March 2026; and 1 agreed action is overdue.',
    });
    const none = changed((f) => {
      f.partnership = { total: 0, byKind: [], quietPeriods: [], communityOfPractice: 0, overdueActions: 0 };
    });
    expect(evaluate('multi-agency-engagement', none, asAt)).toMatchObject({
      result: 'not_met',
      reason: 'No multi-agency meeting or forum is recorded in the 12 months to 1 December 2026.',
    });
    expect(evaluate('community-of-practice', meetsEverything(), asAt)).toMatchObject({
      result: 'met',
      reason: '2 community of practice events hosted in the 12 months to 1 December 2026.',
    });
    expect(evaluate('community-of-practice', none, asAt).result).toBe('not_met');
  });

  it('information requests: every one received answered by its date, none overdue', () => {
    expect(evaluate('requests-answered', meetsEverything(), asAt)).toEqual({
      result: 'met',
      reason: '3 of 3 requests received in the 12 months to 1 December 2026 answered by the date due.',
      links: [{ text: 'Information requests', href: '/information-requests' }],
    });
    const late = changed((f) => {
      f.requests = { received: 3, answered: 2, answeredOnTime: 1, overdue: 1 };
    });
    expect(evaluate('requests-answered', late, asAt)).toMatchObject({
      result: 'partly_met',
      reason: '1 of 3 requests received in the 12 months to 1 December 2026 answered by the date due; 1 request is overdue now.',
    });
    const unanswered = changed((f) => {
      f.requests = { received: 1, answered: 0, answeredOnTime: 0, overdue: 1 };
    });
    expect(evaluate('requests-answered', unanswered, asAt).result).toBe('not_met');
    const none = changed((f) => {
      f.requests = { received: 0, answered: 0, answeredOnTime: 0, overdue: 0 };
    });
    expect(evaluate('requests-answered', none, asAt)).toMatchObject({
      result: 'not_assessed',
      reason: 'No information request was received in the 12 months to 1 December 2026, so there is none to measure.',
    });
  });
});
