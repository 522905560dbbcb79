import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import {
  type ActionStatus,
  caseStudies,
  learningActions,
  learningMeetingPartners,
  learningMeetings,
  learningPartnerMembers,
  lessonsActions,
  lessonsReviews,
  type ReviewStatus,
  regionalFeaturedCaseStudies,
  sharedCaseStudies,
} from './schema.ts';

export type ReviewRow = typeof lessonsReviews.$inferSelect;
export type ActionRow = typeof lessonsActions.$inferSelect;
export type CaseStudyRow = typeof caseStudies.$inferSelect;
export type SharedCaseStudyRow = typeof sharedCaseStudies.$inferSelect;
export type MeetingRow = typeof learningMeetings.$inferSelect;
export type GroupActionRow = typeof learningActions.$inferSelect;
export type PartnerMemberRow = typeof learningPartnerMembers.$inferSelect;
export type FeaturedRow = typeof regionalFeaturedCaseStudies.$inferSelect;

const one = <T>(rows: T[], what: string): T => {
  const [row] = rows;
  if (!row) throw new Error(`${what} returned nothing`);
  return row;
};

// ---- reviews ----

/**
 * Starts the case's review, or, when a lead had already started one before the case was referred,
 * ties that review to the referral. One review per case.
 */
export async function startReview(
  tx: Executor,
  fields: Pick<typeof lessonsReviews.$inferInsert, 'orgId' | 'caseId' | 'caseReference' | 'referralId' | 'origin' | 'startedOn'>,
): Promise<{ row: ReviewRow; created: boolean }> {
  const inserted = await tx.insert(lessonsReviews).values(fields).onConflictDoNothing().returning();
  if (inserted[0]) return { row: inserted[0], created: true };
  const existing = one(
    await tx
      .select()
      .from(lessonsReviews)
      .where(and(eq(lessonsReviews.orgId, fields.orgId), eq(lessonsReviews.caseId, fields.caseId))),
    'review lookup',
  );
  if (fields.referralId && !existing.referralId) {
    const updated = await tx
      .update(lessonsReviews)
      .set({ referralId: fields.referralId, origin: 'referral', updatedAt: new Date() })
      .where(eq(lessonsReviews.id, existing.id))
      .returning();
    return { row: one(updated, 'review update'), created: false };
  }
  return { row: existing, created: false };
}

export async function reviewById(tx: Executor, orgId: string, id: string): Promise<ReviewRow | undefined> {
  const [row] = await tx
    .select()
    .from(lessonsReviews)
    .where(and(eq(lessonsReviews.orgId, orgId), eq(lessonsReviews.id, id)));
  return row;
}

export async function reviewOfCase(tx: Executor, orgId: string, caseId: string): Promise<ReviewRow | undefined> {
  const [row] = await tx
    .select()
    .from(lessonsReviews)
    .where(and(eq(lessonsReviews.orgId, orgId), eq(lessonsReviews.caseId, caseId)));
  return row;
}

/** The organisation's reviews: those still to do first, then the latest started. */
export async function reviewsOf(tx: Executor, orgId: string, status?: ReviewStatus): Promise<ReviewRow[]> {
  return tx
    .select()
    .from(lessonsReviews)
    .where(and(eq(lessonsReviews.orgId, orgId), status ? eq(lessonsReviews.status, status) : undefined))
    .orderBy(
      sql`case ${lessonsReviews.status} when 'to_do' then 0 when 'in_progress' then 1 else 2 end`,
      desc(lessonsReviews.startedOn),
      asc(lessonsReviews.caseReference),
    );
}

export async function updateReview(
  tx: Executor,
  orgId: string,
  id: string,
  fields: Partial<
    Pick<
      ReviewRow,
      'status' | 'wentWellSealed' | 'couldBeBetterSealed' | 'learningPointsSealed' | 'themes' | 'completedOn' | 'completedBy'
    >
  >,
): Promise<void> {
  await tx
    .update(lessonsReviews)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(lessonsReviews.orgId, orgId), eq(lessonsReviews.id, id)));
}

// ---- a review's actions ----

export async function actionsOf(tx: Executor, orgId: string, reviewIds?: string[]): Promise<ActionRow[]> {
  if (reviewIds && reviewIds.length === 0) return [];
  return tx
    .select()
    .from(lessonsActions)
    .where(and(eq(lessonsActions.orgId, orgId), reviewIds ? inArray(lessonsActions.reviewId, reviewIds) : undefined))
    .orderBy(asc(lessonsActions.status), asc(lessonsActions.dueOn), asc(lessonsActions.createdAt));
}

/** The organisations' reviews of the cases given, and their actions (for figures across organisations). */
export async function reviewsWithActionsOfCases(
  tx: Executor,
  orgIds: readonly string[],
  caseIds: readonly string[],
): Promise<{ reviews: ReviewRow[]; actions: ActionRow[] }> {
  if (orgIds.length === 0 || caseIds.length === 0) return { reviews: [], actions: [] };
  const reviews = await tx
    .select()
    .from(lessonsReviews)
    .where(and(inArray(lessonsReviews.orgId, [...orgIds]), inArray(lessonsReviews.caseId, [...caseIds])));
  if (reviews.length === 0) return { reviews, actions: [] };
  const actions = await tx
    .select()
    .from(lessonsActions)
    .where(
      and(
        inArray(lessonsActions.orgId, [...orgIds]),
        inArray(
          lessonsActions.reviewId,
          reviews.map((r) => r.id),
        ),
      ),
    );
  return { reviews, actions };
}

export async function actionById(tx: Executor, orgId: string, reviewId: string, id: string): Promise<ActionRow | undefined> {
  const [row] = await tx
    .select()
    .from(lessonsActions)
    .where(and(eq(lessonsActions.orgId, orgId), eq(lessonsActions.reviewId, reviewId), eq(lessonsActions.id, id)));
  return row;
}

export async function insertAction(
  tx: Executor,
  fields: Pick<typeof lessonsActions.$inferInsert, 'orgId' | 'reviewId' | 'description' | 'owner' | 'dueOn'>,
): Promise<ActionRow> {
  return one(await tx.insert(lessonsActions).values(fields).returning(), 'action insert');
}

export async function setActionStatus(
  tx: Executor,
  orgId: string,
  id: string,
  status: ActionStatus,
  doneOn: string | null,
): Promise<void> {
  await tx
    .update(lessonsActions)
    .set({ status, doneOn, updatedAt: new Date() })
    .where(and(eq(lessonsActions.orgId, orgId), eq(lessonsActions.id, id)));
}

// ---- case studies ----

export async function insertCaseStudy(
  tx: Executor,
  fields: Pick<
    typeof caseStudies.$inferInsert,
    'orgId' | 'reviewId' | 'caseId' | 'title' | 'originalSealed' | 'changesSealed' | 'draftSealed' | 'themes'
  >,
): Promise<CaseStudyRow> {
  return one(await tx.insert(caseStudies).values(fields).returning(), 'case study insert');
}

export async function caseStudyById(tx: Executor, orgId: string, id: string): Promise<CaseStudyRow | undefined> {
  const [row] = await tx
    .select()
    .from(caseStudies)
    .where(and(eq(caseStudies.orgId, orgId), eq(caseStudies.id, id)));
  return row;
}

/** Case studies by row lock: approving and sharing read the status they change. */
export async function caseStudyForChange(tx: Executor, orgId: string, id: string): Promise<CaseStudyRow | undefined> {
  const [row] = await tx
    .select()
    .from(caseStudies)
    .where(and(eq(caseStudies.orgId, orgId), eq(caseStudies.id, id)))
    .for('update');
  return row;
}

export async function caseStudiesOf(tx: Executor, orgId: string, reviewId?: string): Promise<CaseStudyRow[]> {
  return tx
    .select()
    .from(caseStudies)
    .where(and(eq(caseStudies.orgId, orgId), reviewId ? eq(caseStudies.reviewId, reviewId) : undefined))
    .orderBy(desc(caseStudies.createdAt));
}

export async function updateCaseStudy(
  tx: Executor,
  orgId: string,
  id: string,
  fields: Partial<
    Pick<
      CaseStudyRow,
      'title' | 'draftSealed' | 'themes' | 'status' | 'approvedText' | 'approvedBy' | 'approvedByName' | 'approvedAt'
    >
  >,
): Promise<void> {
  await tx
    .update(caseStudies)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(caseStudies.orgId, orgId), eq(caseStudies.id, id)));
}

// ---- the learning group ----

export async function insertSharedCaseStudy(
  tx: Executor,
  fields: Pick<
    typeof sharedCaseStudies.$inferInsert,
    'groupOrgId' | 'fromOrgId' | 'caseStudyId' | 'title' | 'body' | 'themes' | 'sharedByName'
  >,
): Promise<SharedCaseStudyRow> {
  return one(await tx.insert(sharedCaseStudies).values(fields).returning(), 'shared case study insert');
}

export async function sharedCopiesOf(tx: Executor, caseStudyIds: string[]): Promise<SharedCaseStudyRow[]> {
  if (caseStudyIds.length === 0) return [];
  return tx.select().from(sharedCaseStudies).where(inArray(sharedCaseStudies.caseStudyId, caseStudyIds));
}

export async function withdrawSharedCaseStudy(tx: Executor, fromOrgId: string, caseStudyId: string): Promise<number> {
  const removed = await tx
    .delete(sharedCaseStudies)
    .where(and(eq(sharedCaseStudies.fromOrgId, fromOrgId), eq(sharedCaseStudies.caseStudyId, caseStudyId)))
    .returning({ id: sharedCaseStudies.id });
  return removed.length;
}

export async function groupCaseStudies(tx: Executor, groupOrgId: string): Promise<SharedCaseStudyRow[]> {
  return tx
    .select()
    .from(sharedCaseStudies)
    .where(eq(sharedCaseStudies.groupOrgId, groupOrgId))
    .orderBy(desc(sharedCaseStudies.sharedAt));
}

export async function groupCaseStudyById(tx: Executor, groupOrgId: string, id: string): Promise<SharedCaseStudyRow | undefined> {
  const [row] = await tx
    .select()
    .from(sharedCaseStudies)
    .where(and(eq(sharedCaseStudies.groupOrgId, groupOrgId), eq(sharedCaseStudies.id, id)));
  return row;
}

export async function meetingsOf(tx: Executor, groupOrgId: string): Promise<MeetingRow[]> {
  return tx
    .select()
    .from(learningMeetings)
    .where(eq(learningMeetings.groupOrgId, groupOrgId))
    .orderBy(desc(learningMeetings.heldOn), desc(learningMeetings.createdAt));
}

export async function meetingById(tx: Executor, groupOrgId: string, id: string): Promise<MeetingRow | undefined> {
  const [row] = await tx
    .select()
    .from(learningMeetings)
    .where(and(eq(learningMeetings.groupOrgId, groupOrgId), eq(learningMeetings.id, id)));
  return row;
}

export async function insertMeeting(
  tx: Executor,
  fields: Pick<typeof learningMeetings.$inferInsert, 'groupOrgId' | 'heldOn' | 'attendees' | 'notes' | 'agreedLearning'>,
): Promise<MeetingRow> {
  return one(await tx.insert(learningMeetings).values(fields).returning(), 'meeting insert');
}

export async function updateMeeting(
  tx: Executor,
  groupOrgId: string,
  id: string,
  fields: Pick<MeetingRow, 'heldOn' | 'attendees' | 'notes' | 'agreedLearning'>,
): Promise<void> {
  await tx
    .update(learningMeetings)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(learningMeetings.groupOrgId, groupOrgId), eq(learningMeetings.id, id)));
}

export async function groupActionsOf(tx: Executor, groupOrgId: string): Promise<GroupActionRow[]> {
  return tx
    .select()
    .from(learningActions)
    .where(eq(learningActions.groupOrgId, groupOrgId))
    .orderBy(asc(learningActions.status), asc(learningActions.dueOn), asc(learningActions.createdAt));
}

export async function groupActionById(tx: Executor, groupOrgId: string, id: string): Promise<GroupActionRow | undefined> {
  const [row] = await tx
    .select()
    .from(learningActions)
    .where(and(eq(learningActions.groupOrgId, groupOrgId), eq(learningActions.id, id)));
  return row;
}

export async function insertGroupAction(
  tx: Executor,
  fields: Pick<
    typeof learningActions.$inferInsert,
    'groupOrgId' | 'meetingId' | 'description' | 'ownerOrgId' | 'partnerMemberId' | 'owner' | 'dueOn'
  >,
): Promise<GroupActionRow> {
  return one(await tx.insert(learningActions).values(fields).returning(), 'group action insert');
}

export async function setGroupActionStatus(
  tx: Executor,
  id: string,
  status: ActionStatus,
  doneOn: string | null,
): Promise<number> {
  const changed = await tx
    .update(learningActions)
    .set({ status, doneOn, updatedAt: new Date() })
    .where(eq(learningActions.id, id))
    .returning({ id: learningActions.id });
  return changed.length;
}

// ---- the group's partner members ----

/** The group's partner members: current ones first, by name. */
export async function partnersOf(tx: Executor, groupOrgId: string): Promise<PartnerMemberRow[]> {
  return tx
    .select()
    .from(learningPartnerMembers)
    .where(eq(learningPartnerMembers.orgId, groupOrgId))
    .orderBy(sql`${learningPartnerMembers.endedOn} is not null`, asc(learningPartnerMembers.name));
}

export async function partnerById(tx: Executor, groupOrgId: string, id: string): Promise<PartnerMemberRow | undefined> {
  const [row] = await tx
    .select()
    .from(learningPartnerMembers)
    .where(and(eq(learningPartnerMembers.orgId, groupOrgId), eq(learningPartnerMembers.id, id)));
  return row;
}

export async function insertPartner(
  tx: Executor,
  fields: Pick<typeof learningPartnerMembers.$inferInsert, 'orgId' | 'name' | 'agency' | 'kind' | 'joinedOn'>,
): Promise<PartnerMemberRow> {
  return one(await tx.insert(learningPartnerMembers).values(fields).returning(), 'partner member insert');
}

/** Ends a current membership; the number ended (0 when it had ended already). */
export async function endPartner(tx: Executor, groupOrgId: string, id: string, endedOn: string): Promise<number> {
  const ended = await tx
    .update(learningPartnerMembers)
    .set({ endedOn, updatedAt: new Date() })
    .where(
      and(
        eq(learningPartnerMembers.orgId, groupOrgId),
        eq(learningPartnerMembers.id, id),
        isNull(learningPartnerMembers.endedOn),
      ),
    )
    .returning({ id: learningPartnerMembers.id });
  return ended.length;
}

export async function meetingPartnerIds(tx: Executor, groupOrgId: string, meetingId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: learningMeetingPartners.partnerMemberId })
    .from(learningMeetingPartners)
    .where(and(eq(learningMeetingPartners.orgId, groupOrgId), eq(learningMeetingPartners.meetingId, meetingId)));
  return rows.map((r) => r.id);
}

/** The partner members who attended the meeting, as given (replacing those recorded before). */
export async function setMeetingPartners(
  tx: Executor,
  groupOrgId: string,
  meetingId: string,
  partnerIds: readonly string[],
): Promise<void> {
  await tx
    .delete(learningMeetingPartners)
    .where(and(eq(learningMeetingPartners.orgId, groupOrgId), eq(learningMeetingPartners.meetingId, meetingId)));
  if (partnerIds.length === 0) return;
  await tx
    .insert(learningMeetingPartners)
    .values(partnerIds.map((partnerMemberId) => ({ orgId: groupOrgId, meetingId, partnerMemberId })));
}

// ---- the region's view of its groups ----

/** The case studies shared with the groups given (the ICBs of a region), the latest first. */
export async function caseStudiesOfGroups(tx: Executor, groupOrgIds: readonly string[]): Promise<SharedCaseStudyRow[]> {
  if (groupOrgIds.length === 0) return [];
  return tx
    .select()
    .from(sharedCaseStudies)
    .where(inArray(sharedCaseStudies.groupOrgId, [...groupOrgIds]))
    .orderBy(desc(sharedCaseStudies.sharedAt), asc(sharedCaseStudies.id));
}

export async function featuredOf(tx: Executor, regionOrgId: string): Promise<FeaturedRow[]> {
  return tx.select().from(regionalFeaturedCaseStudies).where(eq(regionalFeaturedCaseStudies.orgId, regionOrgId));
}

/** Features the study; false when the region had featured it already. */
export async function insertFeatured(
  tx: Executor,
  fields: Pick<typeof regionalFeaturedCaseStudies.$inferInsert, 'orgId' | 'sharedCaseStudyId' | 'featuredBy' | 'featuredByName'>,
): Promise<boolean> {
  const rows = await tx.insert(regionalFeaturedCaseStudies).values(fields).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function deleteFeatured(tx: Executor, regionOrgId: string, sharedCaseStudyId: string): Promise<number> {
  const removed = await tx
    .delete(regionalFeaturedCaseStudies)
    .where(
      and(
        eq(regionalFeaturedCaseStudies.orgId, regionOrgId),
        eq(regionalFeaturedCaseStudies.sharedCaseStudyId, sharedCaseStudyId),
      ),
    )
    .returning({ id: regionalFeaturedCaseStudies.id });
  return removed.length;
}

// ---- figures for the board report ----

/** Reviews started in [from, before): by status, with the themes of those completed. */
export async function reviewsStartedBetween(tx: Executor, orgId: string, from: string, before: string): Promise<ReviewRow[]> {
  return tx
    .select()
    .from(lessonsReviews)
    .where(and(eq(lessonsReviews.orgId, orgId), gte(lessonsReviews.startedOn, from), lt(lessonsReviews.startedOn, before)));
}

// ---- the reminder scan (every organisation: not a request, so no tenant scope) ----

export async function overdueReviewActions(db: Executor, today: string) {
  return db
    .select({
      id: lessonsActions.id,
      orgId: lessonsActions.orgId,
      reviewId: lessonsActions.reviewId,
      dueOn: lessonsActions.dueOn,
      caseReference: lessonsReviews.caseReference,
    })
    .from(lessonsActions)
    .innerJoin(lessonsReviews, eq(lessonsReviews.id, lessonsActions.reviewId))
    .where(and(eq(lessonsActions.status, 'open'), lt(lessonsActions.dueOn, today)));
}

export async function overdueGroupActions(db: Executor, today: string): Promise<GroupActionRow[]> {
  return db
    .select()
    .from(learningActions)
    .where(and(eq(learningActions.status, 'open'), lt(learningActions.dueOn, today)));
}
