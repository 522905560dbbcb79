import { and, asc, desc, eq, gte, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { partnershipActions, partnershipEngagements } from './schema.ts';

export type EngagementRow = typeof partnershipEngagements.$inferSelect;
export type EngagementFields = Pick<
  typeof partnershipEngagements.$inferInsert,
  'kind' | 'title' | 'heldOn' | 'ourAttendees' | 'partnerAgencies' | 'contribution'
>;
export type ActionRow = typeof partnershipActions.$inferSelect;
export type ActionFields = Pick<typeof partnershipActions.$inferInsert, 'description' | 'owner' | 'dueOn'>;

const one = <T>(rows: T[], what: string): T => {
  const [row] = rows;
  if (!row) throw new Error(`${what} returned nothing`);
  return row;
};

// ---- engagements ----

export async function engagementsOf(tx: Executor, orgId: string): Promise<EngagementRow[]> {
  return tx
    .select()
    .from(partnershipEngagements)
    .where(eq(partnershipEngagements.orgId, orgId))
    .orderBy(desc(partnershipEngagements.heldOn), desc(partnershipEngagements.createdAt));
}

/** What was held in [from, to]: the kind and day only, for the figures. */
export async function engagementDaysBetween(tx: Executor, orgId: string, from: string, to: string) {
  return tx
    .select({ kind: partnershipEngagements.kind, heldOn: partnershipEngagements.heldOn })
    .from(partnershipEngagements)
    .where(
      and(
        eq(partnershipEngagements.orgId, orgId),
        gte(partnershipEngagements.heldOn, from),
        lte(partnershipEngagements.heldOn, to),
      ),
    )
    .orderBy(asc(partnershipEngagements.heldOn));
}

export async function engagementById(tx: Executor, orgId: string, id: string): Promise<EngagementRow | undefined> {
  const [row] = await tx
    .select()
    .from(partnershipEngagements)
    .where(and(eq(partnershipEngagements.orgId, orgId), eq(partnershipEngagements.id, id)));
  return row;
}

export async function insertEngagement(
  tx: Executor,
  row: EngagementFields & { orgId: string; recordedBy: string | null },
): Promise<EngagementRow> {
  return one(await tx.insert(partnershipEngagements).values(row).returning(), 'insertEngagement');
}

export async function updateEngagement(tx: Executor, orgId: string, id: string, fields: EngagementFields): Promise<void> {
  await tx
    .update(partnershipEngagements)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(and(eq(partnershipEngagements.orgId, orgId), eq(partnershipEngagements.id, id)));
}

/** Removes a meeting recorded in error, with its actions. */
export async function deleteEngagement(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx.delete(partnershipEngagements).where(and(eq(partnershipEngagements.orgId, orgId), eq(partnershipEngagements.id, id)));
}

// ---- actions ----

export type ActionWithMeeting = ActionRow & { meetingTitle: string; heldOn: string };

const withMeeting = {
  id: partnershipActions.id,
  orgId: partnershipActions.orgId,
  engagementId: partnershipActions.engagementId,
  description: partnershipActions.description,
  owner: partnershipActions.owner,
  dueOn: partnershipActions.dueOn,
  doneOn: partnershipActions.doneOn,
  createdAt: partnershipActions.createdAt,
  meetingTitle: partnershipEngagements.title,
  heldOn: partnershipEngagements.heldOn,
};

export async function actionsOf(tx: Executor, orgId: string): Promise<ActionWithMeeting[]> {
  return tx
    .select(withMeeting)
    .from(partnershipActions)
    .innerJoin(partnershipEngagements, eq(partnershipEngagements.id, partnershipActions.engagementId))
    .where(eq(partnershipActions.orgId, orgId))
    .orderBy(asc(partnershipActions.dueOn), asc(partnershipActions.createdAt));
}

export async function actionById(tx: Executor, orgId: string, id: string): Promise<ActionRow | undefined> {
  const [row] = await tx
    .select()
    .from(partnershipActions)
    .where(and(eq(partnershipActions.orgId, orgId), eq(partnershipActions.id, id)));
  return row;
}

export async function insertAction(
  tx: Executor,
  row: ActionFields & { orgId: string; engagementId: string },
): Promise<ActionRow> {
  return one(await tx.insert(partnershipActions).values(row).returning(), 'insertAction');
}

export async function setActionDone(tx: Executor, orgId: string, id: string, doneOn: string | null): Promise<void> {
  await tx
    .update(partnershipActions)
    .set({ doneOn })
    .where(and(eq(partnershipActions.orgId, orgId), eq(partnershipActions.id, id)));
}

/** Every organisation's open actions due before `today`, for the daily reminders (run as the connecting role). */
export async function overdueActions(tx: Executor, today: string): Promise<ActionWithMeeting[]> {
  return tx
    .select(withMeeting)
    .from(partnershipActions)
    .innerJoin(partnershipEngagements, eq(partnershipEngagements.id, partnershipActions.engagementId))
    .where(and(isNull(partnershipActions.doneOn), lt(partnershipActions.dueOn, today)))
    .orderBy(asc(partnershipActions.dueOn));
}
