import type { ActionRow, CheckRow, ContractRow } from './repository.ts';
import type { Rating } from './schema.ts';

/**
 * The register's rules, as pure functions of the rows and a day, so that the pages, the figures the
 * assurance module reads and the tests all work them out the same way.
 */

export const ratingNames: Record<Rating, string> = {
  assured: 'Assured',
  partly_assured: 'Partly assured',
  not_assured: 'Not assured',
};

/** What a quality check can look at, as the core standards name it. */
export const checkItems = ['contract', 'training', 'safeguarding'] as const;
export type CheckItem = (typeof checkItems)[number];

export const checkItemNames: Record<CheckItem, string> = {
  contract: 'Prevent is in the contract',
  training: 'Provider staff are appropriately trained',
  safeguarding: 'Prevent is considered alongside other safeguarding',
};

export const checkedItemsOf = (check: Pick<CheckRow, 'checkedContract' | 'checkedTraining' | 'checkedSafeguarding'>) =>
  checkItems.filter(
    (item) =>
      (item === 'contract' && check.checkedContract) ||
      (item === 'training' && check.checkedTraining) ||
      (item === 'safeguarding' && check.checkedSafeguarding),
  );

/** A contract is in force from its start to its end (inclusive); with no end date, from its start on. */
export const inForce = (c: Pick<ContractRow, 'startsOn' | 'endsOn'>, day: string) =>
  c.startsOn <= day && (c.endsOn === null || c.endsOn >= day);

/** Its review is overdue when it is in force and the review date has passed. */
export const reviewOverdue = (c: Pick<ContractRow, 'startsOn' | 'endsOn' | 'reviewOn'>, day: string) =>
  inForce(c, day) && c.reviewOn < day;

/**
 * An action was open on a day when its check had been done by then and it was not done by that day.
 * (An action is added after its check, so the check's date stands for when it was agreed.)
 */
export const openOn = (a: Pick<ActionRow, 'status' | 'doneOn'>, checkedOn: string, day: string) =>
  checkedOn <= day && (a.status === 'open' || (a.doneOn !== null && a.doneOn > day));

export const overdueOn = (a: Pick<ActionRow, 'status' | 'doneOn' | 'dueOn'>, checkedOn: string, day: string) =>
  openOn(a, checkedOn, day) && a.dueOn < day;

/** One provider's contract figures on a day (see contractFigures in service.ts). */
export type ContractFigures = {
  org: { id: string; name: string; odsCode: string };
  /** At least one contract with the provider is in force. */
  hasContract: boolean;
  contractsInForce: number;
  /** Every contract in force includes the Prevent clauses of SC32; false when there is none. */
  sc32Included: boolean;
  contractsWithoutSc32: number;
  /** A contract in force is past its review date. */
  reviewOverdue: boolean;
  /** The earliest review date of the contracts in force. */
  nextReviewOn: string | null;
  /** The latest quality check done on or before the day. */
  lastCheck: { id: string; checkedOn: string; rating: Rating } | null;
  openActions: number;
  overdueActions: number;
};

/** A provider's figures from its contracts, checks and their actions (already only the provider's). */
export function figuresOf(
  org: ContractFigures['org'],
  contracts: readonly ContractRow[],
  checks: readonly CheckRow[],
  actions: readonly ActionRow[],
  day: string,
): ContractFigures {
  const current = contracts.filter((c) => inForce(c, day));
  const done = checks.filter((c) => c.checkedOn <= day).sort((a, b) => b.checkedOn.localeCompare(a.checkedOn));
  const last = done[0];
  const checkedOn = new Map(checks.map((c) => [c.id, c.checkedOn]));
  const agreed = actions.filter((a) => checkedOn.has(a.checkId));
  const without = current.filter((c) => !c.sc32Included).length;
  return {
    org: { id: org.id, name: org.name, odsCode: org.odsCode },
    hasContract: current.length > 0,
    contractsInForce: current.length,
    sc32Included: current.length > 0 && without === 0,
    contractsWithoutSc32: without,
    reviewOverdue: current.some((c) => reviewOverdue(c, day)),
    nextReviewOn: current.map((c) => c.reviewOn).sort()[0] ?? null,
    lastCheck: last ? { id: last.id, checkedOn: last.checkedOn, rating: last.rating } : null,
    openActions: agreed.filter((a) => openOn(a, checkedOn.get(a.checkId) as string, day)).length,
    overdueActions: agreed.filter((a) => overdueOn(a, checkedOn.get(a.checkId) as string, day)).length,
  };
}
