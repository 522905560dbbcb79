import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { developmentActivities, developmentTargets } from './schema.ts';

export type ActivityRow = typeof developmentActivities.$inferSelect;
export type ActivityFields = Pick<
  typeof developmentActivities.$inferInsert,
  'kind' | 'heldOn' | 'hours' | 'title' | 'provider' | 'evidence'
>;
export type TargetRow = typeof developmentTargets.$inferSelect;
export type TargetFields = Pick<typeof developmentTargets.$inferInsert, 'description' | 'dueOn' | 'status' | 'metOn'>;

const liveActivity = (orgId: string) => and(eq(developmentActivities.orgId, orgId), isNull(developmentActivities.archivedAt));
const liveTarget = (orgId: string) => and(eq(developmentTargets.orgId, orgId), isNull(developmentTargets.archivedAt));

export async function activitiesOf(tx: Executor, orgId: string, userId: string): Promise<ActivityRow[]> {
  return tx
    .select()
    .from(developmentActivities)
    .where(and(liveActivity(orgId), eq(developmentActivities.userId, userId)))
    .orderBy(desc(developmentActivities.heldOn), desc(developmentActivities.createdAt));
}

export async function activityById(tx: Executor, orgId: string, id: string): Promise<ActivityRow | undefined> {
  const [row] = await tx
    .select()
    .from(developmentActivities)
    .where(and(liveActivity(orgId), eq(developmentActivities.id, id)));
  return row;
}

export async function insertActivity(
  tx: Executor,
  row: ActivityFields & { orgId: string; userId: string; recordedBy: string | null },
): Promise<ActivityRow> {
  const [created] = await tx.insert(developmentActivities).values(row).returning();
  if (!created) throw new Error('insert returned nothing');
  return created;
}

export async function updateActivity(tx: Executor, orgId: string, id: string, fields: ActivityFields): Promise<void> {
  await tx
    .update(developmentActivities)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(developmentActivities.orgId, orgId), eq(developmentActivities.id, id)));
}

export async function archiveActivity(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx
    .update(developmentActivities)
    .set({ archivedAt: new Date() })
    .where(and(eq(developmentActivities.orgId, orgId), eq(developmentActivities.id, id)));
}

export async function targetsOf(tx: Executor, orgId: string, userId: string): Promise<TargetRow[]> {
  return tx
    .select()
    .from(developmentTargets)
    .where(and(liveTarget(orgId), eq(developmentTargets.userId, userId)))
    .orderBy(asc(developmentTargets.dueOn), asc(developmentTargets.createdAt));
}

export async function targetById(tx: Executor, orgId: string, id: string): Promise<TargetRow | undefined> {
  const [row] = await tx
    .select()
    .from(developmentTargets)
    .where(and(liveTarget(orgId), eq(developmentTargets.id, id)));
  return row;
}

export async function insertTarget(
  tx: Executor,
  row: TargetFields & { orgId: string; userId: string; setOn: string },
): Promise<TargetRow> {
  const [created] = await tx.insert(developmentTargets).values(row).returning();
  if (!created) throw new Error('insert returned nothing');
  return created;
}

export async function updateTarget(tx: Executor, orgId: string, id: string, fields: TargetFields): Promise<void> {
  await tx
    .update(developmentTargets)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(developmentTargets.orgId, orgId), eq(developmentTargets.id, id)));
}

export async function archiveTarget(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx
    .update(developmentTargets)
    .set({ archivedAt: new Date() })
    .where(and(eq(developmentTargets.orgId, orgId), eq(developmentTargets.id, id)));
}

/** Each person's activities as at `asAt`: all of them, and those after `after` (the window), with their hours. */
export type ActivityTotals = {
  orgId: string;
  userId: string;
  everActivities: number;
  activities: number;
  hours: number;
  lastOn: string | null;
};

export async function activityTotalsOf(
  tx: Executor,
  orgIds: readonly string[],
  after: string,
  asAt: string,
): Promise<ActivityTotals[]> {
  if (orgIds.length === 0) return [];
  const inWindow = sql`${developmentActivities.heldOn} > ${after}::date`;
  const rows = await tx
    .select({
      orgId: developmentActivities.orgId,
      userId: developmentActivities.userId,
      everActivities: sql<number>`count(*)::int`,
      activities: sql<number>`(count(*) filter (where ${inWindow}))::int`,
      hours: sql<string>`coalesce(sum(${developmentActivities.hours}) filter (where ${inWindow}), 0)::text`,
      lastOn: sql<string | null>`max(${developmentActivities.heldOn})::text`,
    })
    .from(developmentActivities)
    .where(
      and(
        inArray(developmentActivities.orgId, [...orgIds]),
        isNull(developmentActivities.archivedAt),
        lte(developmentActivities.heldOn, asAt),
      ),
    )
    .groupBy(developmentActivities.orgId, developmentActivities.userId);
  return rows.map((r) => ({ ...r, hours: Number(r.hours) }));
}

/** Each person's plan targets open on `asAt` (set by then, not met by then), and of those how many were overdue. */
export type TargetTotals = { orgId: string; userId: string; open: number; overdue: number };

export async function targetTotalsOf(tx: Executor, orgIds: readonly string[], asAt: string): Promise<TargetTotals[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select({
      orgId: developmentTargets.orgId,
      userId: developmentTargets.userId,
      open: sql<number>`count(*)::int`,
      overdue: sql<number>`(count(*) filter (where ${developmentTargets.dueOn} < ${asAt}::date))::int`,
    })
    .from(developmentTargets)
    .where(
      and(
        inArray(developmentTargets.orgId, [...orgIds]),
        isNull(developmentTargets.archivedAt),
        lte(developmentTargets.setOn, asAt),
        or(isNull(developmentTargets.metOn), gt(developmentTargets.metOn, asAt)),
      ),
    )
    .groupBy(developmentTargets.orgId, developmentTargets.userId);
}

/** The people with any record in the organisation, so that someone who has left keeps their history. */
export async function peopleWithRecords(tx: Executor, orgId: string): Promise<string[]> {
  const rows = await tx.execute(sql`
    select user_id from development_activities where org_id = ${orgId} and archived_at is null
    union
    select user_id from development_targets where org_id = ${orgId} and archived_at is null`);
  return (rows as unknown as { rows: { user_id: string }[] }).rows.map((r) => r.user_id);
}
