import { addMonths, spokenDate } from '../../platform/dates.ts';
import type { RuleId } from '../standards/service.ts';

/*
 * The rules that compute a core standard's result from the records: pure functions of the figures the
 * other modules expose (gathered by figures.ts), each giving a result, its reason in plain words with the
 * figures in it, and links to the pages where the lead acts. No database, no clock: `asAt` is given.
 */

import {
  communityOfPractice,
  multiAgencyEngagement,
  type PartnershipAssurance,
  type RequestsAssurance,
  requestsAnswered,
} from './partnership-rules.ts';
import type { RecordLink, Result, RuleOutcome } from './rule-outcome.ts';

export type { PartnershipAssurance, RecordLink, RequestsAssurance, Result, RuleOutcome };

/** The core standards' training target: at least 85 % of staff trained to the level their role needs. */
export const trainingTarget = 85;
/** The risk register, a needs analysis and a CTLP sign-off count as current for this many months. */
export const currentMonths = 12;

export type LeadFigures = { name: string; since: string; commissionerToldOn: string | null };

/** A Prevent lead in post's development over the 12 months to the as-at date, and their plan's overdue targets then. */
export type LeadDevelopmentFigures = {
  name: string;
  hasAccount: boolean;
  activities: number;
  hours: number;
  overdueTargets: number;
};

export type AssuranceFigures = {
  organisation: { name: string; commissioned: boolean };
  /** The holders of the two posts on the as-at date; null where the post is vacant. */
  leads: { accountable: LeadFigures | null; operational: LeadFigures | null };
  /** The work programme running on the as-at date, against the areas required of the organisation's kind. */
  programme: { label: string; total: number; done: number; overdue: number; missingAreas: string[] } | null;
  /** Each current Prevent framework or policy. */
  frameworks: {
    policyId: string;
    title: string;
    version: string;
    nextReviewOn: string;
    missingContents: string[];
    requiredContents: number;
  }[];
  /** Open risks reviewed, or added, in the 12 months to the as-at date. */
  riskRegister: { recorded: number; open: number; openReviewed: number; lastReviewedOn: string | null };
  /** The CTLP record of the financial year the as-at date falls in. */
  ctlp: {
    label: string;
    briefingReceivedOn: string | null;
    reviewedOn: string | null;
    signedOffOn: string | null;
    lastSignOffOn: string | null;
  };
  /** Compliance per required level as at the date. */
  training: { name: string; inScope: number; compliant: number; percent: number | null }[];
  needsAnalysis: { version: number; approvedBy: string; approvedOn: string } | null;
  /** An ICB's contract register as at the date: its commissioned providers and how their contracts stand; null for anyone else. */
  contracts: { providers: number; withSc32: number; checkedIn12Months: number; overdueActions: number } | null;
  /** Referrals made from the start of the financial year to the as-at date, and their reviews and sharing decisions. */
  referrals: {
    from: string;
    referrals: number;
    referredCases: number;
    withSharingDecision: number;
    reviews: { missing: number; toDo: number; inProgress: number; complete: number; overdueActions: number };
  };
  /** The latest annual report to the board approved and presented on or before the as-at date; null if none. */
  boardReport: { yearLabel: string; version: number; presentedOn: string; minuteReference: string | null } | null;
  /** The development of each Prevent lead in post, and of the safeguarding practitioners, in the 12 months to the date. */
  development: {
    leads: LeadDevelopmentFigures[];
    practitioners: { people: number; withDevelopment: number; activities: number; hours: number };
  };
  /** The engagement log over the 12 months to the as-at date. */
  partnership: PartnershipAssurance;
  /** Information requests received in the 12 months to the as-at date, and those overdue on it. */
  requests: RequestsAssurance;
};

const outcome = (result: Result, reason: string, ...links: RecordLink[]): RuleOutcome => ({ result, reason, links });
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
const within12Months = (day: string | null, asAt: string) => day !== null && day <= asAt && day > addMonths(asAt, -currentMonths);

const links = {
  leads: { text: 'Prevent leads', href: '/leads' },
  programme: { text: 'Work programme', href: '/programme' },
  policies: { text: 'Policies', href: '/policies' },
  risks: { text: 'Risk register', href: '/risks' },
  ctlp: { text: 'Counter terrorism local profile', href: '/risks/ctlp' },
  training: { text: 'Training compliance', href: '/training' },
  needsAnalysis: { text: 'Training needs analysis', href: '/training/needs-analysis' },
  lessons: { text: 'Lessons learned reviews', href: '/lessons' },
  referred: { text: 'Referred cases', href: '/concerns?status=referred' },
  contracts: { text: 'Contract register', href: '/contracts' },
  reports: { text: 'Board reports', href: '/reports' },
  development: { text: 'Development of Prevent leads', href: '/development' },
} satisfies Record<string, RecordLink>;

const postNames = { accountable: 'accountable Prevent lead', operational: 'operational Prevent lead' } as const;

function leadInPost(post: keyof AssuranceFigures['leads'], figures: AssuranceFigures, asAt: string): RuleOutcome {
  const lead = figures.leads[post];
  if (!lead) return outcome('not_met', `No ${postNames[post]} is in post on ${spokenDate(asAt)}.`, links.leads);
  return outcome('met', `${lead.name} has been the ${postNames[post]} since ${spokenDate(lead.since)}.`, links.leads);
}

function commissionerTold(figures: AssuranceFigures, asAt: string): RuleOutcome {
  if (!figures.organisation.commissioned) {
    return outcome(
      'not_assessed',
      `${figures.organisation.name} is not commissioned by an ICB in Prevent Assure, so there is no commissioner to tell.`,
    );
  }
  const inPost = (['accountable', 'operational'] as const).flatMap((post) => {
    const lead = figures.leads[post];
    return lead ? [{ post, ...lead }] : [];
  });
  if (inPost.length === 0)
    return outcome('not_met', 'No Prevent lead is in post, so there is none to tell the commissioner of.', links.leads);
  const untold = inPost.filter((l) => l.commissionerToldOn === null || l.commissionerToldOn > asAt);
  const vacantPost = (['accountable', 'operational'] as const).find((post) => figures.leads[post] === null);
  const vacant = vacantPost ? ` (the ${postNames[vacantPost]} post is vacant)` : '';
  if (untold.length === 0) {
    return outcome(
      'met',
      `The commissioner has been told of ${inPost.length === 2 ? 'both Prevent leads' : 'the Prevent lead'} now in post${vacant}.`,
      links.leads,
    );
  }
  const notTold = list(untold.map((l) => `the ${postNames[l.post]}, ${l.name}`));
  const told = inPost.length - untold.length;
  return outcome(
    told === 0 ? 'not_met' : 'partly_met',
    `The commissioner has been told of ${told} of the ${count(inPost.length, 'Prevent lead', 'Prevent leads')} now in post${vacant}: not of ${notTold}.`,
    links.leads,
  );
}

function workProgramme(figures: AssuranceFigures, asAt: string): RuleOutcome {
  const p = figures.programme;
  if (!p) return outcome('not_met', `No work programme is running on ${spokenDate(asAt)}.`, links.programme);
  const progress = `${p.done} of ${count(p.total, 'item', 'items')} done`;
  if (p.missingAreas.length === 0 && p.overdue === 0) {
    return outcome(
      'met',
      `The ${p.label} work programme covers every required area and no item is overdue: ${progress}.`,
      links.programme,
    );
  }
  const gaps = [
    ...(p.missingAreas.length
      ? [`does not cover ${count(p.missingAreas.length, 'required area', 'required areas')} (${list(p.missingAreas)})`]
      : []),
    ...(p.overdue ? [`has ${count(p.overdue, 'overdue item', 'overdue items')}`] : []),
  ];
  return outcome('partly_met', `The ${p.label} work programme ${gaps.join(' and ')}: ${progress}.`, links.programme);
}

function preventPolicy(figures: AssuranceFigures, asAt: string): RuleOutcome {
  if (figures.frameworks.length === 0) return outcome('not_met', 'No Prevent framework or policy is recorded.', links.policies);
  let met = true;
  const sentences = figures.frameworks.map((f) => {
    const name = `${f.title} (version ${f.version})`;
    const overdue = f.nextReviewOn < asAt;
    const ticked = f.requiredContents - f.missingContents.length;
    if (overdue || f.missingContents.length) met = false;
    const review = overdue
      ? `was due for review on ${spokenDate(f.nextReviewOn)}`
      : `is in date (next review ${spokenDate(f.nextReviewOn)})`;
    const contents = f.missingContents.length
      ? `has ${ticked} of ${f.requiredContents} required contents ticked; missing: ${f.missingContents.join('; ')}`
      : `has all ${f.requiredContents} required contents ticked`;
    return `${name} ${review} and ${contents}.`;
  });
  return outcome(
    met ? 'met' : 'partly_met',
    sentences.join(' '),
    ...figures.frameworks.map((f) => ({ text: f.title, href: `/policies/${f.policyId}` })),
  );
}

function riskRegister(figures: AssuranceFigures, asAt: string): RuleOutcome {
  const r = figures.riskRegister;
  const period = `in the 12 months to ${spokenDate(asAt)}`;
  if (r.recorded === 0) return outcome('not_met', 'No Prevent risks are recorded in the risk register.', links.risks);
  if (r.open === 0) {
    const last = r.lastReviewedOn ? `last reviewed on ${spokenDate(r.lastReviewedOn)}` : 'never reviewed';
    return within12Months(r.lastReviewedOn, asAt)
      ? outcome('met', `No risk is open, and the register was ${last}.`, links.risks)
      : outcome('not_met', `No risk is open, and the register was ${last}, not ${period}.`, links.risks);
  }
  const result = r.openReviewed === r.open ? 'met' : r.openReviewed === 0 ? 'not_met' : 'partly_met';
  return outcome(result, `${r.openReviewed} of ${count(r.open, 'open risk', 'open risks')} reviewed ${period}.`, links.risks);
}

function ctlpReviewed(figures: AssuranceFigures, asAt: string): RuleOutcome {
  const c = figures.ctlp;
  if (c.signedOffOn)
    return outcome('met', `The CTLP review for ${c.label} was signed off on ${spokenDate(c.signedOffOn)}.`, links.ctlp);
  const progress = [
    ...(c.briefingReceivedOn ? [`the briefing was received on ${spokenDate(c.briefingReceivedOn)}`] : []),
    ...(c.reviewedOn ? [`it was reviewed on ${spokenDate(c.reviewedOn)}`] : []),
    ...(within12Months(c.lastSignOffOn, asAt) && c.lastSignOffOn
      ? [`the last sign-off was on ${spokenDate(c.lastSignOffOn)}`]
      : []),
  ];
  if (progress.length === 0) {
    const last = c.lastSignOffOn ? `; the last sign-off was on ${spokenDate(c.lastSignOffOn)}` : '';
    return outcome('not_met', `No CTLP review is recorded for ${c.label}${last}.`, links.ctlp);
  }
  return outcome('partly_met', `The CTLP review for ${c.label} is not signed off yet: ${list(progress)}.`, links.ctlp);
}

function trainingCompliance(figures: AssuranceFigures): RuleOutcome {
  const levels = figures.training.filter((l) => l.inScope > 0 && l.percent !== null);
  if (levels.length === 0) {
    return outcome('not_met', 'No staff are in scope for Prevent training, so compliance cannot be shown.', links.training);
  }
  const at = levels.filter((l) => (l.percent ?? 0) >= trainingTarget);
  const below = levels.filter((l) => (l.percent ?? 0) < trainingTarget);
  const shown = (l: (typeof levels)[number]) => `${l.name} is ${l.percent} % (${l.compliant} of ${l.inScope} staff)`;
  const head = `${at.length} of ${count(levels.length, 'level', 'levels')} at or above ${trainingTarget} %`;
  if (below.length === 0) return outcome('met', `${head}: ${list(levels.map(shown))}.`, links.training);
  return outcome(at.length === 0 ? 'not_met' : 'partly_met', `${head}: ${list(below.map(shown))}.`, links.training);
}

function needsAnalysis(figures: AssuranceFigures, asAt: string): RuleOutcome {
  const n = figures.needsAnalysis;
  if (!n)
    return outcome('not_met', 'No training needs analysis has been approved: the national default applies.', links.needsAnalysis);
  const approved = `Version ${n.version} of the training needs analysis was approved by ${n.approvedBy} on ${spokenDate(n.approvedOn)}`;
  return within12Months(n.approvedOn, asAt)
    ? outcome('met', `${approved}.`, links.needsAnalysis)
    : outcome('partly_met', `${approved}, more than 12 months ago: it is due for review.`, links.needsAnalysis);
}

const referredSince = (figures: AssuranceFigures, asAt: string) =>
  `referred between ${spokenDate(figures.referrals.from)} and ${spokenDate(asAt)}`;

function lessonsReviews(figures: AssuranceFigures, asAt: string): RuleOutcome {
  const { referredCases: cases, reviews } = figures.referrals;
  const when = referredSince(figures, asAt);
  if (cases === 0) return outcome('met', `No case was ${when}, so no lessons learned review was due.`, links.lessons);
  const unfinished = [
    ...(reviews.inProgress ? [`${reviews.inProgress} in progress`] : []),
    ...(reviews.toDo ? [`${reviews.toDo} to do`] : []),
    ...(reviews.missing ? [`${reviews.missing} not started`] : []),
  ];
  const rest = unfinished.length ? ` (${list(unfinished)})` : '';
  const overdue = reviews.overdueActions
    ? `; ${reviews.overdueActions} of their actions overdue`
    : '; none of their actions overdue';
  const result = reviews.complete >= cases && !reviews.overdueActions ? 'met' : reviews.complete === 0 ? 'not_met' : 'partly_met';
  return outcome(
    result,
    `Completed lessons learned reviews for ${reviews.complete} of ${count(cases, 'case', 'cases')} ${when}${rest}${overdue}.`,
    links.lessons,
  );
}

function sharingDecisions(figures: AssuranceFigures, asAt: string): RuleOutcome {
  const { referredCases: cases, withSharingDecision: decided } = figures.referrals;
  const when = referredSince(figures, asAt);
  if (cases === 0) return outcome('met', `No case was ${when}, so no sharing decision was due.`, links.referred);
  const result = decided >= cases ? 'met' : decided === 0 ? 'not_met' : 'partly_met';
  return outcome(
    result,
    `Decisions on sharing with police Prevent recorded for ${decided} of ${count(cases, 'case', 'cases')} ${when}.`,
    links.referred,
  );
}

function providerContracts(figures: AssuranceFigures): RuleOutcome {
  const c = figures.contracts;
  if (!c) return outcome('not_assessed', 'Only an ICB keeps a register of provider contracts.');
  if (c.providers === 0) return outcome('not_assessed', 'The ICB commissions no providers.', links.contracts);
  const overdue = c.overdueActions ? `; ${count(c.overdueActions, 'check action', 'check actions')} overdue` : '';
  const reason =
    `Of ${count(c.providers, 'provider', 'providers')}, ${c.withSc32} with a contract in force holding the Prevent clauses of SC32 ` +
    `and ${c.checkedIn12Months} with a contract quality check in the last 12 months${overdue}.`;
  const all = c.withSc32 >= c.providers && c.checkedIn12Months >= c.providers && c.overdueActions === 0;
  const none = c.withSc32 === 0 && c.checkedIn12Months === 0;
  return outcome(all ? 'met' : none ? 'not_met' : 'partly_met', reason, links.contracts);
}

/** The standard asks for a report to the board at least once a year: one presented in the last 12 months. */
function boardReport(figures: AssuranceFigures, asAt: string): RuleOutcome {
  const b = figures.boardReport;
  if (!b) return outcome('not_met', 'No annual Prevent report has been approved and presented to the board.', links.reports);
  const meeting = `The annual Prevent report for ${b.yearLabel} (version ${b.version}) was presented to the board on ${spokenDate(b.presentedOn)}${b.minuteReference ? `, minute ${b.minuteReference}` : ''}`;
  if (within12Months(b.presentedOn, asAt)) return outcome('met', `${meeting}.`, links.reports);
  return outcome('not_met', `${meeting}: more than 12 months ago.`, links.reports);
}

/** An ongoing development programme: every lead in post developed in the last 12 months, with no plan target overdue. */
function leadDevelopment(figures: AssuranceFigures, asAt: string): RuleOutcome {
  const { leads, practitioners: p } = figures.development;
  const period = `in the 12 months to ${spokenDate(asAt)}`;
  const staff = p.people
    ? ` Safeguarding practitioners: ${p.withDevelopment} of ${count(p.people, 'person', 'people')} with development recorded, ${count(p.hours, 'hour', 'hours')} in all.`
    : '';
  if (leads.length === 0) {
    return outcome('not_met', `No Prevent lead is in post, so no lead’s development can be shown.${staff}`, links.development);
  }
  const shown = (l: LeadDevelopmentFigures) => {
    if (!l.hasAccount) return `${l.name}, no account in Prevent Assure, so no development recorded`;
    const done = l.activities
      ? `${count(l.activities, 'activity', 'activities')} (${count(l.hours, 'hour', 'hours')})`
      : 'no development recorded';
    return `${l.name}, ${done}${l.overdueTargets ? `, ${count(l.overdueTargets, 'plan target', 'plan targets')} overdue` : ''}`;
  };
  const developed = leads.filter((l) => l.activities > 0 && l.overdueTargets === 0).length;
  const result = developed === leads.length ? 'met' : leads.some((l) => l.activities > 0) ? 'partly_met' : 'not_met';
  return outcome(
    result,
    `${developed} of ${count(leads.length, 'Prevent lead', 'Prevent leads')} in post with development recorded ${period} and no overdue plan target: ${leads.map(shown).join('; ')}.${staff}`,
    links.development,
  );
}

const rules: Record<RuleId, (figures: AssuranceFigures, asAt: string) => RuleOutcome> = {
  'accountable-lead-in-post': (f, asAt) => leadInPost('accountable', f, asAt),
  'operational-lead-in-post': (f, asAt) => leadInPost('operational', f, asAt),
  'commissioner-told-of-leads': commissionerTold,
  'work-programme': workProgramme,
  'prevent-policy': preventPolicy,
  'risk-register-reviewed': riskRegister,
  'ctlp-reviewed': ctlpReviewed,
  'training-compliance': trainingCompliance,
  'training-needs-analysis': needsAnalysis,
  'lessons-reviews': lessonsReviews,
  'sharing-decisions': sharingDecisions,
  'provider-contracts': providerContracts,
  'board-report': boardReport,
  'lead-development': leadDevelopment,
  'multi-agency-engagement': (f, asAt) => multiAgencyEngagement(f.partnership, asAt),
  'community-of-practice': (f, asAt) => communityOfPractice(f.partnership, asAt),
  'requests-answered': (f, asAt) => requestsAnswered(f.requests, asAt),
};

/** The result of one rule for an organisation's figures as at a date (YYYY-MM-DD). */
export function evaluate(rule: RuleId, figures: AssuranceFigures, asAt: string): RuleOutcome {
  return rules[rule](figures, asAt);
}
