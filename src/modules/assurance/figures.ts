import type { Db, Tx } from '../../db/client.ts';
import { type Scope, withScope } from '../../db/tenancy.ts';
import { addDays, addMonths, financialYearLabel, todayInLondon } from '../../platform/dates.ts';
import { NotFoundError } from '../../platform/errors.ts';
import * as boardReports from '../board-reports/service.ts';
import * as contracts from '../contracts/service.ts';
import * as development from '../development/service.ts';
import * as informationRequests from '../information-requests/service.ts';
import * as leads from '../leads/service.ts';
import * as lessons from '../lessons/service.ts';
import * as organisations from '../organisations/service.ts';
import * as partnership from '../partnership/service.ts';
import * as policies from '../policies/service.ts';
import * as programme from '../programme/service.ts';
import * as referrals from '../referrals/service.ts';
import * as risks from '../risks/service.ts';
import * as training from '../training/service.ts';
import type { AssuranceFigures, LeadFigures, PartnershipAssurance, RequestsAssurance } from './rules.ts';

const leadFigures = (held: leads.Appointment | null): LeadFigures | null =>
  held
    ? {
        name: held.personName,
        since: held.startsOn,
        commissionerToldOn: held.commissionerNotifiedAt ? todayInLondon(held.commissionerNotifiedAt) : null,
      }
    : null;

const boardReportFigures = (held: boardReports.BoardReportStanding | null): AssuranceFigures['boardReport'] =>
  held
    ? {
        yearLabel: financialYearLabel(held.year),
        version: held.version,
        presentedOn: held.presentedOn,
        minuteReference: held.minuteReference,
      }
    : null;

/**
 * What the rules need of one organisation as at a date, from the other modules' services, in one unit of
 * work with the scope given: a person's (their request context's) or, for the command line, the
 * organisation's own with nobody signed in (`{ userId: null, orgIds: [orgId] }`). Counts and dates only:
 * nothing about a case beyond its id leaves the modules.
 */
export async function assuranceFigures(db: Db, scope: Scope, orgId: string, asAt: string): Promise<AssuranceFigures> {
  return withScope(db, scope, async (tx) => {
    const org = await organisations.findById(tx, orgId);
    if (!org) throw new NotFoundError('organisation');
    return (await figuresOf(tx, [org], asAt)).get(orgId) as AssuranceFigures;
  });
}

/**
 * assuranceFigures for several organisations (a commissioner's providers), in one unit of work whose scope
 * covers them all: each figure is one query across the organisations, not one per organisation.
 */
export async function assuranceFiguresOf(
  db: Db,
  scope: Scope,
  orgs: readonly organisations.Organisation[],
  asAt: string,
): Promise<Map<string, AssuranceFigures>> {
  return withScope(db, scope, (tx) => figuresOf(tx, orgs, asAt));
}

async function figuresOf(
  tx: Tx,
  orgs: readonly organisations.Organisation[],
  asAt: string,
): Promise<Map<string, AssuranceFigures>> {
  const ids = orgs.map((o) => o.id);
  // Referrals from the start of the NHS financial year (April) to the as-at date.
  const from = `${risks.financialYearOf(asAt)}-04-01`;
  const leadsOf = await leads.currentLeadsOf(tx, ids, asAt);
  const referredOf = await referrals.referredCasesOf(tx, ids, { from, before: addDays(asAt, 1) });
  const ctlpOf = await risks.ctlpStandingOf(tx, ids, asAt);
  const levelsOf = await training.levelCountsOfOrgs(tx, ids, asAt);
  // NHS England regions keep no work programme of their own.
  const programmeOf = await programme.programmeStandingOf(
    tx,
    orgs.filter((o) => o.kind !== 'nhse_region'),
    asAt,
  );
  const frameworksOf = await policies.frameworkStandingOf(tx, orgs);
  const registerOf = await risks.registerStandingOf(tx, ids, asAt);
  const needsOf = await training.approvedNeedsAnalysesOf(tx, ids, asAt);
  const boardReportOf = await boardReports.boardReportStandingOf(tx, ids, asAt);
  const developmentOf = await development.developmentFiguresOf(tx, ids, asAt);
  const reviewsOf = await lessons.reviewsOfCasesOf(tx, new Map(ids.map((id) => [id, referredOf.get(id)?.caseIds ?? []])), asAt);
  const figures = new Map<string, AssuranceFigures>();
  for (const org of orgs) {
    const held = leadsOf.get(org.id) ?? { accountable: null, operational: null };
    const referred = referredOf.get(org.id) ?? { referrals: 0, caseIds: [], withSharingDecision: 0 };
    const ctlp = ctlpOf.get(org.id) as risks.CtlpStanding;
    figures.set(org.id, {
      organisation: { name: org.name, commissioned: org.commissionerId !== null },
      leads: { accountable: leadFigures(held.accountable), operational: leadFigures(held.operational) },
      programme: programmeOf.get(org.id) ?? null,
      frameworks: frameworksOf.get(org.id) ?? [],
      riskRegister: registerOf.get(org.id) as risks.RegisterStanding,
      ctlp: {
        label: ctlp.label,
        briefingReceivedOn: ctlp.briefingReceivedOn,
        reviewedOn: ctlp.reviewedOn,
        signedOffOn: ctlp.signedOffOn,
        lastSignOffOn: ctlp.lastSignOffOn,
      },
      training: (levelsOf.get(org.id) ?? []).map((l) => ({
        name: training.levelNames[l.level],
        inScope: l.inScope,
        compliant: l.compliant,
        percent: l.percent,
      })),
      needsAnalysis: needsOf.get(org.id) ?? null,
      // Only an ICB holds contracts with providers; there are few ICBs, so one query each.
      contracts: org.kind === 'icb' ? await contracts.contractStandingIn(tx, org.id, asAt) : null,
      referrals: {
        from,
        referrals: referred.referrals,
        referredCases: referred.caseIds.length,
        withSharingDecision: referred.withSharingDecision,
        reviews: reviewsOf.get(org.id) as lessons.ReviewsOfCases,
      },
      boardReport: boardReportFigures(boardReportOf.get(org.id) ?? null),
      development: developmentOf.get(org.id) as development.DevelopmentFigures,
      ...(await partnershipFiguresIn(tx, org.id, asAt)),
    });
  }
  return figures;
}

/**
 * The engagement log and the information requests of one organisation, for the partnership rules. One organisation
 * at a time (three small queries each): the logs are short, and a commissioner's providers are tens, not thousands.
 */
async function partnershipFiguresIn(
  tx: Tx,
  orgId: string,
  asAt: string,
): Promise<{ partnership: PartnershipAssurance; requests: RequestsAssurance }> {
  const log = await partnership.partnershipFiguresIn(tx, orgId, asAt);
  const asked = await informationRequests.requestFiguresIn(tx, orgId, addDays(addMonths(asAt, -12), 1), asAt, asAt);
  return {
    partnership: {
      total: log.lastYear.total,
      byKind: partnership.engagementKinds
        .filter((kind) => log.lastYear.byKind[kind] > 0)
        .map((kind) => ({ name: partnership.engagementKindNames[kind], count: log.lastYear.byKind[kind] })),
      quietPeriods: log.periods.filter((p) => p.total === 0).map(({ from, to }) => ({ from, to })),
      communityOfPractice: log.lastYear.byKind.community_of_practice,
      overdueActions: log.overdueActions,
    },
    requests: asked,
  };
}
