import type { Db } from '../../db/client.ts';
import type { Scope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate } from '../../platform/dates.ts';
import { InputError } from '../../platform/errors.ts';
import type { OrganisationKind } from '../organisations/service.ts';
import { currentEdition, type Edition, type Requirement, requirementsFor } from '../standards/service.ts';
import { assuranceFigures } from './figures.ts';
import { evaluate, type RuleOutcome } from './rules.ts';

export { assuranceFigures, assuranceFiguresOf } from './figures.ts';
export { type AssuranceFigures, evaluate, type RecordLink, type Result, type RuleOutcome, trainingTarget } from './rules.ts';

export type RequirementStatus = { requirement: Requirement; computed: boolean; outcome: RuleOutcome };

/** What a requirement with no rule shows until a person assesses it. */
export const notComputedReason = 'Not computed from the records: a person assesses this in the self-assessment';

/** An organisation as the status is worked out for it. */
export type AssuredOrganisation = { id: string; kind: OrganisationKind };

/**
 * Every requirement of the edition that applies to the person's organisation, in the edition's order:
 * where a rule computes it, the rule's result as at `asAt` (YYYY-MM-DD); otherwise not assessed.
 */
export async function assuranceStatus(
  db: Db,
  ctx: RequestContext,
  asAt: string,
  edition: Edition = currentEdition(),
): Promise<RequirementStatus[]> {
  return statusFor(db, ctx.scope, ctx.user.activeOrg, asAt, edition);
}

/** The same for an organisation with nobody signed in (the command line): its own scope, and no other. */
export async function assuranceStatusOf(
  db: Db,
  org: AssuredOrganisation,
  asAt: string,
  edition: Edition = currentEdition(),
): Promise<RequirementStatus[]> {
  return statusFor(db, { userId: null, orgIds: [org.id] }, org, asAt, edition);
}

/** The same in a scope the caller chose (the person's, or the organisation's own). */
export async function statusFor(
  db: Db,
  scope: Scope,
  org: AssuredOrganisation,
  asAt: string,
  edition: Edition,
): Promise<RequirementStatus[]> {
  if (!isRealDate(asAt)) throw new InputError({ asAt: 'Enter a real date' });
  const applying = requirementsFor(edition, org.kind);
  // The figures are gathered once, and only if a rule will read them.
  const figures = applying.some((r) => r.rule) ? await assuranceFigures(db, scope, org.id, asAt) : null;
  return applying.map(
    (requirement): RequirementStatus =>
      requirement.rule && figures
        ? { requirement, computed: true, outcome: evaluate(requirement.rule, figures, asAt) }
        : { requirement, computed: false, outcome: { result: 'not_assessed', reason: notComputedReason, links: [] } },
  );
}
