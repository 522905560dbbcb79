import type { Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays } from '../../platform/dates.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { OrganisationKind } from '../organisations/service.ts';
import * as organisations from '../organisations/service.ts';
import { missingContents, requiredContentsFor } from './contents.ts';
import * as repository from './repository.ts';

/* Keeping policies in date: each current version's review state, the register in numbers, and the reminders. */

/** How close a policy's next review is. Reminders start this many days before the date. */
export const reviewWarningDays = 30;
export type ReviewState = 'in_date' | 'review_due' | 'overdue';

export function reviewStateOf(nextReviewOn: string, today: string): ReviewState {
  if (nextReviewOn < today) return 'overdue';
  if (nextReviewOn <= addDays(today, reviewWarningDays)) return 'review_due';
  return 'in_date';
}

export type PolicyStatus = {
  policies: number;
  inDate: number;
  reviewDue: number;
  overdue: number;
  /** Required contents not ticked in the current Prevent framework (the texts); null when there is no framework policy. */
  frameworkContentsMissing: string[] | null;
};

/**
 * One organisation's register in numbers, for dashboards and the commissioner's view.
 * Runs on what it is given: pass a transaction opened with the caller's scope.
 */
export async function policyStatus(db: Executor, orgId: string, today: string): Promise<PolicyStatus> {
  const org = await organisations.findById(db, orgId);
  if (!org) throw new NotFoundError('organisation');
  const current = await repository.currentSummariesOf(db, [orgId]);
  const states = current.map((c) => reviewStateOf(c.nextReviewOn, today));
  const frameworks = current.filter((c) => c.kind === 'prevent_framework');
  let frameworkContentsMissing: string[] | null = null;
  if (frameworks.length > 0) {
    const checklist = await repository.checklistOf(
      db,
      frameworks.map((f) => f.versionId),
    );
    // With more than one framework policy, a content counts as missing if any of them lacks it.
    const missing = new Set(
      frameworks.flatMap((f) =>
        missingContents(
          org.kind,
          checklist.filter((c) => c.versionId === f.versionId),
        ).map((m) => m.key),
      ),
    );
    frameworkContentsMissing = requiredContentsFor(org.kind)
      .filter((item) => missing.has(item.key))
      .map((item) => item.text);
  }
  return {
    policies: current.length,
    inDate: states.filter((s) => s === 'in_date').length,
    reviewDue: states.filter((s) => s === 'review_due').length,
    overdue: states.filter((s) => s === 'overdue').length,
    frameworkContentsMissing,
  };
}

export type FrameworkStanding = {
  policyId: string;
  title: string;
  version: string;
  nextReviewOn: string;
  /** The required contents not ticked in the current version (their texts). */
  missingContents: string[];
  /** How many contents the standard requires of this kind of organisation. */
  requiredContents: number;
};

/**
 * Each current Prevent framework or policy of each organisation given, with its next review date and the
 * required contents it lacks: what assurance against the core standards reads. Two queries in the caller's scope.
 */
export async function frameworkStandingOf(
  db: Executor,
  orgs: readonly { id: string; kind: OrganisationKind }[],
): Promise<Map<string, FrameworkStanding[]>> {
  const frameworks = (
    await repository.currentSummariesOf(
      db,
      orgs.map((o) => o.id),
    )
  ).filter((c) => c.kind === 'prevent_framework');
  const checklist = frameworks.length
    ? await repository.checklistOf(
        db,
        frameworks.map((f) => f.versionId),
      )
    : [];
  return new Map(
    orgs.map(({ id, kind }) => [
      id,
      frameworks
        .filter((f) => f.orgId === id)
        .map((f) => ({
          policyId: f.policyId,
          title: f.title,
          version: f.version,
          nextReviewOn: f.nextReviewOn,
          missingContents: missingContents(
            kind,
            checklist.filter((c) => c.versionId === f.versionId),
          ).map((m) => m.text),
          requiredContents: requiredContentsFor(kind).length,
        })),
    ]),
  );
}

export type ReviewReminder = {
  orgId: string;
  policyId: string;
  policyTitle: string;
  versionId: string;
  version: string;
  nextReviewOn: string;
  state: Exclude<ReviewState, 'in_date'>;
};

/** Current versions in every organisation whose review is due within 30 days or overdue. For the reminder job (no scope). */
export async function reviewReminders(db: Executor, today: string): Promise<ReviewReminder[]> {
  const due = await repository.currentReviewsDueBy(db, addDays(today, reviewWarningDays));
  return due.map((d) => ({
    orgId: d.orgId,
    policyId: d.policyId,
    policyTitle: d.title,
    versionId: d.versionId,
    version: d.version,
    nextReviewOn: d.nextReviewOn,
    state: d.nextReviewOn < today ? 'overdue' : 'review_due',
  }));
}

export type ReviewToDo = { policyId: string; title: string; nextReviewOn: string; state: Exclude<ReviewState, 'in_date'> };

/**
 * The own organisation's current versions due for review within 30 days or overdue, earliest first, for
 * those who may record a reviewed version; null for anyone else.
 */
export async function reviewsToDo(db: Db, ctx: RequestContext, today: string): Promise<ReviewToDo[] | null> {
  const orgId = ctx.user.activeOrg.id;
  if (!ctx.can.actFor(orgId, 'policies:edit')) return null;
  const current = await withScope(db, ctx.scope, (tx) => repository.currentSummariesOf(tx, [orgId]));
  return current
    .map((c) => ({
      policyId: c.policyId,
      title: c.title,
      nextReviewOn: c.nextReviewOn,
      state: reviewStateOf(c.nextReviewOn, today),
    }))
    .filter((c): c is ReviewToDo => c.state !== 'in_date')
    .sort((a, b) => a.nextReviewOn.localeCompare(b.nextReviewOn));
}
