import { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { seal, unseal, unsealOrPlain } from '../../platform/encryption.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { type OpenCase, requireLead, withCase } from '../concerns/service.ts';
import * as repository from './repository.ts';
import { type ActionStatus, actionStatuses, type ReviewOrigin, type ReviewStatus, reviewStatuses } from './schema.ts';

export { actionStatuses, reviewStatuses };

export const statusNames: Record<ReviewStatus, string> = {
  to_do: 'To do',
  in_progress: 'In progress',
  complete: 'Complete',
};

export const originNames: Record<ReviewOrigin, string> = {
  referral: 'Referred to police Prevent',
  not_referred: 'Not referred',
};

export const actionStatusNames: Record<ActionStatus, string> = { open: 'Open', done: 'Done' };

// ---- themes ----

/** At most this many themes on a review or case study, each at most themeLength characters. */
export const maxThemes = 8;
const themeLength = 40;

/**
 * Themes are short tags typed as a comma-separated list: kept in lower case, trimmed, without
 * repeats, so that "Online radicalisation" and "online radicalisation " count as one theme.
 */
export const themesField = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? [
          ...new Set(
            v
              .split(',')
              .map((t) => t.trim().replace(/\s+/g, ' ').toLowerCase())
              .filter(Boolean),
          ),
        ]
      : v === undefined || v === null
        ? []
        : v,
  z
    .array(z.string().max(themeLength, `Each theme must be ${themeLength} characters or fewer`))
    .max(maxThemes, `Give at most ${maxThemes} themes`),
);

export const themesText = (themes: readonly string[]) => themes.join(', ');

/** How many times each theme is used, most used first (then by name). */
export function themeCounts(lists: readonly (readonly string[])[]): { theme: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts]
    .map(([theme, count]) => ({ theme, count }))
    .sort((a, b) => b.count - a.count || a.theme.localeCompare(b.theme));
}

// ---- starting a review ----

/**
 * Every referral starts a lessons learned review to do (the standard expects one around every
 * referral). Called by the referrals service inside the transaction that records the referral.
 */
export async function startReviewForReferral(open: OpenCase, referralId: string, referredOn: string): Promise<void> {
  const { row, created } = await repository.startReview(open.tx, {
    orgId: open.case.orgId,
    caseId: open.case.id,
    caseReference: open.case.reference,
    referralId,
    origin: 'referral',
    startedOn: referredOn,
  });
  await audit.record(open.tx, open.ctx.actor, {
    orgId: open.case.orgId,
    action: created ? 'lessons_review.started' : 'lessons_review.linked_to_referral',
    recordType: 'lessons_review',
    recordId: row.id,
    details: { reference: open.case.reference, origin: 'referral' },
  });
}

/** A lead starts a review of any case, referred or not; a case has one review, so a second start opens the first. */
export async function startReview(db: Db, ctx: RequestContext, caseId: string, today = todayInLondon()): Promise<string> {
  return withCase(db, ctx, caseId, null, async (open) => {
    requireLead(open, 'start a lessons learned review');
    const { row, created } = await repository.startReview(open.tx, {
      orgId: open.case.orgId,
      caseId: open.case.id,
      caseReference: open.case.reference,
      referralId: null,
      origin: open.case.referredAt ? 'referral' : 'not_referred',
      startedOn: today,
    });
    if (created) {
      await audit.record(open.tx, ctx.actor, {
        orgId: open.case.orgId,
        action: 'lessons_review.started',
        recordType: 'lessons_review',
        recordId: row.id,
        details: { reference: open.case.reference, origin: row.origin },
      });
    }
    return row.id;
  });
}

/** The case page's section: the case's review, if there is one, for those who review lessons. */
export async function reviewSection(open: OpenCase): Promise<{ canReview: boolean; review: ReviewSummary | null }> {
  if (!open.ctx.can('lessons:review')) return { canReview: false, review: null };
  const row = await repository.reviewOfCase(open.tx, open.case.orgId, open.case.id);
  return { canReview: true, review: row ? summaryOf(row) : null };
}

// ---- reading ----

export type ReviewSummary = {
  id: string;
  caseId: string;
  caseReference: string;
  origin: ReviewOrigin;
  originName: string;
  status: ReviewStatus;
  statusName: string;
  themes: string[];
  startedOn: string;
  completedOn: string | null;
};

const summaryOf = (row: repository.ReviewRow): ReviewSummary => ({
  id: row.id,
  caseId: row.caseId,
  caseReference: row.caseReference,
  origin: row.origin,
  originName: originNames[row.origin],
  status: row.status,
  statusName: statusNames[row.status],
  themes: row.themes,
  startedOn: row.startedOn,
  completedOn: row.completedOn,
});

export type ActionView = repository.ActionRow & { statusName: string; overdue: boolean };

const isOverdue = (row: Pick<repository.ActionRow, 'status' | 'dueOn'>, today: string) =>
  row.status === 'open' && row.dueOn < today;

const actionView = (row: repository.ActionRow, today: string): ActionView => ({
  ...row,
  description: unsealOrPlain(row.description) ?? '',
  owner: unsealOrPlain(row.owner) ?? '',
  statusName: actionStatusNames[row.status],
  overdue: isOverdue(row, today),
});

export type ReviewList = {
  reviews: (ReviewSummary & { openActions: number; overdueActions: number })[];
  counts: Record<ReviewStatus, number>;
  actions: ActionView[];
  themes: { theme: string; count: number }[];
};

/** The organisation's reviews (to do first), their open actions and the themes of the learning. */
export async function reviewList(db: Db, ctx: RequestContext, today = todayInLondon()): Promise<ReviewList> {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const rows = await repository.reviewsOf(tx, orgId);
    const actions = (await repository.actionsOf(tx, orgId)).map((a) => actionView(a, today));
    const counts: Record<ReviewStatus, number> = { to_do: 0, in_progress: 0, complete: 0 };
    for (const r of rows) counts[r.status]++;
    const referenceOf = new Map(rows.map((r) => [r.id, r.caseReference]));
    return {
      reviews: rows.map((r) => ({
        ...summaryOf(r),
        openActions: actions.filter((a) => a.reviewId === r.id && a.status === 'open').length,
        overdueActions: actions.filter((a) => a.reviewId === r.id && a.overdue).length,
      })),
      counts,
      actions: actions
        .filter((a) => a.status === 'open')
        .map((a) => ({ ...a, caseReference: referenceOf.get(a.reviewId) ?? '' })),
      themes: themeCounts(rows.map((r) => r.themes)),
    };
  });
}

export type ReviewView = ReviewSummary & {
  wentWell: string | null;
  couldBeBetter: string | null;
  learningPoints: string | null;
  actions: ActionView[];
};

async function reviewIn(tx: Tx, ctx: RequestContext, id: string, today: string): Promise<ReviewView> {
  const orgId = ctx.user.activeOrg.id;
  const row = await repository.reviewById(tx, orgId, id);
  if (!row) throw new NotFoundError('review');
  return {
    ...summaryOf(row),
    wentWell: unseal(row.wentWellSealed),
    couldBeBetter: unseal(row.couldBeBetterSealed),
    learningPoints: unseal(row.learningPointsSealed),
    actions: (await repository.actionsOf(tx, orgId, [id])).map((a) => actionView(a, today)),
  };
}

/** A review with its actions. What it says may describe the case, so every read is audited. */
export async function getReview(db: Db, ctx: RequestContext, id: string, today = todayInLondon()): Promise<ReviewView> {
  return withScope(db, ctx.scope, async (tx) => {
    const review = await reviewIn(tx, ctx, id, today);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'lessons_review.viewed',
      recordType: 'lessons_review',
      recordId: id,
      details: { reference: review.caseReference },
    });
    return review;
  });
}

// ---- recording the review ----

export const optionalText = (label: string, max: number) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const reviewFields = z.object({
  wentWell: optionalText('What went well', 10_000),
  couldBeBetter: optionalText('What could be better', 10_000),
  learningPoints: optionalText('Learning points', 10_000),
  themes: themesField,
  status: z.enum(reviewStatuses, { error: 'Choose the review’s status' }),
});

export async function saveReview(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const f = parseInput(reviewFields, input);
  if (f.status === 'complete' && !f.learningPoints)
    throw new InputError({ learningPoints: 'Enter the learning points before completing the review' });
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const row = await repository.reviewById(tx, orgId, id);
    if (!row) throw new NotFoundError('review');
    const completing = f.status === 'complete' && row.status !== 'complete';
    await repository.updateReview(tx, orgId, id, {
      wentWellSealed: seal(f.wentWell),
      couldBeBetterSealed: seal(f.couldBeBetter),
      learningPointsSealed: seal(f.learningPoints),
      themes: f.themes,
      status: f.status,
      ...(completing ? { completedOn: today, completedBy: ctx.user.id } : {}),
      ...(f.status !== 'complete' ? { completedOn: null, completedBy: null } : {}),
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: completing ? 'lessons_review.completed' : 'lessons_review.updated',
      recordType: 'lessons_review',
      recordId: id,
      details: { reference: row.caseReference, status: f.status, themes: themesText(f.themes) },
    });
  });
}

// ---- actions ----

/** An action's fields: a review's; the learning group's add the owning organisation and the meeting. */
export const actionFields = z.object({
  description: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter what is to be done' }).max(2000, 'The action must be 2000 characters or fewer'),
  ),
  owner: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter who owns the action' }).max(120, 'The owner must be 120 characters or fewer'),
  ),
  dueOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date the action is due' }).refine(isRealDate, 'Enter a real due date'),
  ),
});

export async function addAction(db: Db, ctx: RequestContext, reviewId: string, input: unknown): Promise<void> {
  const f = parseInput(actionFields, input);
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const review = await repository.reviewById(tx, orgId, reviewId);
    if (!review) throw new NotFoundError('review');
    const action = await repository.insertAction(tx, {
      orgId,
      reviewId,
      description: seal(f.description) ?? '',
      owner: seal(f.owner) ?? '',
      dueOn: f.dueOn,
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'lessons_action.added',
      recordType: 'lessons_action',
      recordId: action.id,
      details: { reference: review.caseReference, dueOn: f.dueOn },
    });
  });
}

/** An action's status, as its Mark done / Reopen button sends it: for a review's actions and the group's. */
export const actionStatusField = z.object({
  status: z.enum(actionStatuses, { error: 'Choose whether the action is open or done' }),
});

export async function setActionStatus(
  db: Db,
  ctx: RequestContext,
  reviewId: string,
  actionId: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const { status } = parseInput(actionStatusField, input);
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const action = await repository.actionById(tx, orgId, reviewId, actionId);
    if (!action) throw new NotFoundError('action');
    await repository.setActionStatus(tx, orgId, actionId, status, status === 'done' ? (action.doneOn ?? today) : null);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: status === 'done' ? 'lessons_action.done' : 'lessons_action.reopened',
      recordType: 'lessons_action',
      recordId: actionId,
      details: { reviewId },
    });
  });
}

// ---- the home page ----

export type OverdueActions = {
  /** The own organisation's review actions past their date: the case reference only, as the reminders say. */
  review: { reviewId: string; caseReference: string; dueOn: string }[];
  /** Learning group actions past their date that the organisation owns, or (for the host's commissioner) that its group holds. */
  group: { dueOn: string }[];
};

/** Overdue actions for those who may mark them done; null for anyone who may not. Earliest first. */
export async function overdueActionsFor(db: Db, ctx: RequestContext, today: string): Promise<OverdueActions | null> {
  const orgId = ctx.user.activeOrg.id;
  const reviews = ctx.can.actFor(orgId, 'lessons:review');
  const hosts = ctx.can.actFor(orgId, 'learning:manage');
  if (!reviews && !hosts) return null;
  const byDate = <T extends { dueOn: string }>(list: T[]) => list.sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  return withScope(db, ctx.scope, async (tx) => ({
    review: reviews ? byDate((await repository.overdueReviewActions(tx, today)).filter((a) => a.orgId === orgId)) : [],
    group: ctx.can('learning:read')
      ? byDate(
          (await repository.overdueGroupActions(tx, today)).filter(
            (a) => a.ownerOrgId === orgId || (hosts && a.groupOrgId === orgId),
          ),
        )
      : [],
  }));
}

// ---- figures for the board report ----

export type LessonsFigures = {
  from: string;
  before: string;
  reviews: { started: number; fromReferrals: number; toDo: number; inProgress: number; complete: number };
  actions: { open: number; overdue: number; done: number };
  caseStudies: { draft: number; approved: number; shared: number };
  themes: { theme: string; count: number }[];
};

const periodFields = z.object({
  from: z.string().refine(isRealDate, 'The start of the period must be a real date'),
  before: z.string().refine(isRealDate, 'The end of the period must be a real date'),
});

/**
 * Counts and themes of the organisation's lessons learned work for reviews started in [from, before),
 * for the board report: counts only, never what a review says. Actions are those of the counted
 * reviews, overdue as at `today`; case studies are those written from them.
 */
export async function lessonsFigures(
  db: Db,
  ctx: RequestContext,
  period: { from: string; before: string },
  today = todayInLondon(),
): Promise<LessonsFigures> {
  const { from, before } = parseInput(periodFields, period);
  if (before <= from) throw new InputError({ before: 'The end of the period must be after its start' });
  return withScope(db, ctx.scope, (tx) => lessonsFiguresIn(tx, ctx.user.activeOrg.id, { from, before }, today));
}

/** As lessonsFigures, for one organisation inside a transaction already scoped to it (the month-end figures, reports). */
export async function lessonsFiguresIn(
  tx: Executor,
  orgId: string,
  { from, before }: { from: string; before: string },
  today: string,
): Promise<LessonsFigures> {
  const reviews = await repository.reviewsStartedBetween(tx, orgId, from, before);
  const ids = new Set(reviews.map((r) => r.id));
  // Counted only: what an action says (sealed) is never read here.
  const actions = (await repository.actionsOf(tx, orgId, [...ids])).map((a) => ({
    status: a.status,
    overdue: isOverdue(a, today),
  }));
  const studies = (await repository.caseStudiesOf(tx, orgId)).filter((s) => ids.has(s.reviewId));
  const shared = await repository.sharedCopiesOf(
    tx,
    studies.map((s) => s.id),
  );
  return {
    from,
    before,
    reviews: {
      started: reviews.length,
      fromReferrals: reviews.filter((r) => r.origin === 'referral').length,
      toDo: reviews.filter((r) => r.status === 'to_do').length,
      inProgress: reviews.filter((r) => r.status === 'in_progress').length,
      complete: reviews.filter((r) => r.status === 'complete').length,
    },
    actions: {
      open: actions.filter((a) => a.status === 'open').length,
      overdue: actions.filter((a) => a.overdue).length,
      done: actions.filter((a) => a.status === 'done').length,
    },
    caseStudies: {
      draft: studies.filter((s) => s.status === 'draft').length,
      approved: studies.filter((s) => s.status === 'approved').length,
      shared: shared.length,
    },
    themes: themeCounts(reviews.map((r) => r.themes)),
  };
}

// ---- the reviews of referred cases, for assurance against the core standards ----

export type ReviewsOfCases = {
  /** Cases asked about with no review at all. */
  missing: number;
  toDo: number;
  inProgress: number;
  complete: number;
  /** Open actions of those reviews due before `today`. */
  overdueActions: number;
};

/**
 * How far the reviews of each organisation's cases given have got (the standard expects one for every
 * referral), and whether their actions are overdue as at `today`. Counts only; two queries in the
 * caller's scope.
 */
export async function reviewsOfCasesOf(
  tx: Executor,
  casesByOrg: ReadonlyMap<string, readonly string[]>,
  today: string,
): Promise<Map<string, ReviewsOfCases>> {
  const { reviews: allReviews, actions: allActions } = await repository.reviewsWithActionsOfCases(
    tx,
    [...casesByOrg.keys()],
    [...casesByOrg.values()].flat(),
  );
  return new Map(
    [...casesByOrg].map(([orgId, caseIds]) => {
      const asked = new Set(caseIds);
      const reviews = allReviews.filter((r) => r.orgId === orgId && asked.has(r.caseId));
      const reviewIds = new Set(reviews.map((r) => r.id));
      const actions = allActions.filter((a) => reviewIds.has(a.reviewId));
      const standing: ReviewsOfCases = {
        missing: asked.size - new Set(reviews.map((r) => r.caseId)).size,
        toDo: reviews.filter((r) => r.status === 'to_do').length,
        inProgress: reviews.filter((r) => r.status === 'in_progress').length,
        complete: reviews.filter((r) => r.status === 'complete').length,
        overdueActions: actions.filter((a) => a.status === 'open' && a.dueOn < today).length,
      };
      return [orgId, standing];
    }),
  );
}
