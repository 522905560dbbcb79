import type { Db } from '../../db/client.ts';
import { type Scope, withScope } from '../../db/tenancy.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { NotFoundError } from '../../platform/errors.ts';
import * as contracts from '../contracts/service.ts';
import * as leads from '../leads/service.ts';
import * as lessons from '../lessons/service.ts';
import * as organisations from '../organisations/service.ts';
import * as policies from '../policies/service.ts';
import * as programme from '../programme/service.ts';
import * as referrals from '../referrals/service.ts';
import * as risks from '../risks/service.ts';
import * as training from '../training/service.ts';
import type { AssuranceFigures, LeadFigures } from './rules.ts';

const leadFigures = (held: leads.Appointment | null): LeadFigures | null =>
  held
    ? {
        name: held.personName,
        since: held.startsOn,
        commissionerToldOn: held.commissionerNotifiedAt ? todayInLondon(held.commissionerNotifiedAt) : null,
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
    const held = await leads.currentLeadsIn(tx, orgId, asAt);
    // Referrals from the start of the NHS financial year (April) to the as-at date.
    const from = `${risks.financialYearOf(asAt)}-04-01`;
    const referred = await referrals.referredCasesIn(tx, orgId, { from, before: addDays(asAt, 1) });
    const ctlp = await risks.ctlpStandingIn(tx, orgId, asAt);
    const levels = (await training.levelCountsIn(tx, orgId, [asAt])).get(asAt) ?? [];
    return {
      organisation: { name: org.name, commissioned: org.commissionerId !== null },
      leads: { accountable: leadFigures(held.accountable), operational: leadFigures(held.operational) },
      // NHS England regions keep no work programme of their own.
      programme: org.kind === 'nhse_region' ? null : await programme.programmeStanding(tx, orgId, org.kind, asAt),
      frameworks: await policies.frameworkStanding(tx, orgId, org.kind),
      riskRegister: await risks.registerStandingIn(tx, orgId, asAt),
      ctlp: {
        label: ctlp.label,
        briefingReceivedOn: ctlp.briefingReceivedOn,
        reviewedOn: ctlp.reviewedOn,
        signedOffOn: ctlp.signedOffOn,
        lastSignOffOn: ctlp.lastSignOffOn,
      },
      training: levels.map((l) => ({
        name: training.levelNames[l.level],
        inScope: l.inScope,
        compliant: l.compliant,
        percent: l.percent,
      })),
      needsAnalysis: await training.approvedNeedsAnalysisIn(tx, orgId, asAt),
      contracts: org.kind === 'icb' ? await contracts.contractStandingIn(tx, orgId, asAt) : null,
      referrals: {
        from,
        referrals: referred.referrals,
        referredCases: referred.caseIds.length,
        withSharingDecision: referred.withSharingDecision,
        reviews: await lessons.reviewsOfCasesIn(tx, orgId, referred.caseIds, asAt),
      },
    };
  });
}
