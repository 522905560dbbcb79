/**
 * The self-assessment's rules about results, as pure functions: what a requirement's result is (computed,
 * overridden or a person's), what it is called and coloured, and what sign-off needs. No database here.
 */
import type { RequirementStatus } from '../assurance/service.ts';
import type { AnswerRow } from './repository.ts';
import type { AssessmentStatus, PersonResult, StoredLink } from './schema.ts';

/** A result as the pages show it: a person's results, and `not_assessed` for what nobody has answered yet. */
export type ShownResult = PersonResult | 'not_assessed';

export const resultNames: Record<ShownResult, string> = {
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_applicable: 'Not applicable',
  not_assessed: 'Not answered yet',
};

/** The NHS tag colour of each result: always shown with its words, never colour alone. */
export const resultColours: Record<ShownResult, string> = {
  met: 'green',
  partly_met: 'yellow',
  not_met: 'red',
  not_applicable: 'grey',
  not_assessed: 'white',
};

export const statusNames: Record<AssessmentStatus, string> = {
  draft: 'Draft',
  signed_off: 'Signed off',
  submitted: 'Submitted to the ICB',
  returned: 'Returned with comments',
  accepted: 'Accepted by the ICB',
};

export const statusColours: Record<AssessmentStatus, string> = {
  draft: 'white',
  signed_off: 'blue',
  submitted: 'purple',
  returned: 'orange',
  accepted: 'green',
};

/** What a rule said about a requirement (from the assurance module live, or as stored at sign-off). */
export type Computed = { result: 'met' | 'partly_met' | 'not_met' | 'not_assessed'; reason: string; links: StoredLink[] };

/** What a person recorded for a requirement in a version. */
export type PersonAnswer = {
  result: PersonResult | null;
  reason: string | null;
  note: string | null;
  overrideResult: 'met' | 'partly_met' | null;
  overrideReason: string | null;
};

/** A rule gave a result: `not_assessed` from a rule (no data yet) leaves the requirement to a person. */
export const hasComputedResult = (computed: Computed | null): computed is Computed =>
  computed !== null && computed.result !== 'not_assessed';

export type Resolved = {
  /** The result that counts. */
  result: ShownResult;
  /** Where it comes from. */
  source: 'computed' | 'override' | 'person' | 'none';
};

/**
 * The result that counts: a computed result, unless it is `not met` and a person overrode it with a
 * reason; otherwise the person's result; otherwise not answered.
 */
export function resolve(computed: Computed | null, answer: PersonAnswer | null): Resolved {
  if (hasComputedResult(computed)) {
    if (computed.result === 'not_met' && answer?.overrideResult && answer.overrideReason)
      return { result: answer.overrideResult, source: 'override' };
    return { result: computed.result, source: 'computed' };
  }
  if (answer?.result) return { result: answer.result, source: 'person' };
  return { result: 'not_assessed', source: 'none' };
}

/** Counts of each result, for the summary at the top of an assessment. */
export function tally(results: ShownResult[]): Record<ShownResult, number> {
  const counts: Record<ShownResult, number> = { met: 0, partly_met: 0, not_met: 0, not_applicable: 0, not_assessed: 0 };
  for (const r of results) counts[r] += 1;
  return counts;
}

export { financialYearLabel as yearLabel, financialYearOf } from '../../platform/dates.ts';

/** A version can be changed only while it is a draft; anything signed off is frozen. */
export const isFrozen = (status: AssessmentStatus) => status !== 'draft';

/** A link to a record in this service: a path of our own, never another site (or `//host`, which is one). */
export function isOwnPath(href: string): boolean {
  return /^\/(?!\/)[^\s\\]*$/.test(href) && !href.startsWith('/\\');
}

export const computedOf = (status: RequirementStatus | undefined): Computed | null =>
  status?.computed ? { result: status.outcome.result, reason: status.outcome.reason, links: status.outcome.links } : null;

/** The rule's result as stored at sign-off; a version signed off before any rule existed has none. */
const storedComputedOf = (answer: AnswerRow | undefined): Computed | null =>
  answer?.computedResult
    ? {
        result: answer.computedResult as Computed['result'],
        reason: answer.computedReason ?? '',
        links: answer.computedLinks ?? [],
      }
    : null;

/**
 * A requirement's result in a version: a frozen version's computed result as stored at sign-off, a draft's
 * as the records say now (`live`), then the person's answer over it.
 */
export function resultOf(
  requirementId: string,
  answers: readonly AnswerRow[],
  frozen: boolean,
  live: RequirementStatus[] | null,
) {
  const answer = answers.find((a) => a.requirementId === requirementId);
  const computed = frozen ? storedComputedOf(answer) : computedOf(live?.find((s) => s.requirement.id === requirementId));
  return { answer, computed, resolved: resolve(computed, answer ?? null) };
}
