import { and, asc, count, desc, eq, gt, inArray, isNull, lte, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.ts';
import {
  breakGlassAccesses,
  type CaseStatus,
  caseAssignments,
  caseEvents,
  caseReferenceCounters,
  concernCases,
  concernSettings,
  type SubjectType,
} from './schema.ts';

export type CaseRow = typeof concernCases.$inferSelect;
export type NewCaseRow = typeof concernCases.$inferInsert;
export type EventRow = typeof caseEvents.$inferSelect;
export type AssignmentRow = typeof caseAssignments.$inferSelect;
export type BreakGlassRow = typeof breakGlassAccesses.$inferSelect;
export type SettingsRow = typeof concernSettings.$inferSelect;

/** Row-level security opens the case tables only after this, in this transaction. */
export async function enableCaseAccess(tx: Tx): Promise<void> {
  await tx.execute(sql`select set_config('app.case_access', 'on', true)`);
}

/** The next number in the organisation's sequence for the year; atomic under concurrent raising. */
export async function nextReferenceNumber(tx: Executor, orgId: string, year: number): Promise<number> {
  const [row] = await tx
    .insert(caseReferenceCounters)
    .values({ orgId, year, last: 1 })
    .onConflictDoUpdate({
      target: [caseReferenceCounters.orgId, caseReferenceCounters.year],
      set: { last: sql`${caseReferenceCounters.last} + 1` },
    })
    .returning({ last: caseReferenceCounters.last });
  if (!row) throw new Error('No reference number');
  return row.last;
}

export async function insertCase(tx: Executor, values: NewCaseRow): Promise<CaseRow> {
  const [row] = await tx.insert(concernCases).values(values).returning();
  if (!row) throw new Error('Case not inserted');
  return row;
}

export async function caseById(tx: Executor, orgId: string, id: string): Promise<CaseRow | undefined> {
  const [row] = await tx
    .select()
    .from(concernCases)
    .where(and(eq(concernCases.orgId, orgId), eq(concernCases.id, id)));
  return row;
}

/** The case, locked until the transaction ends: two changes to one case (a double submit, two leads) run one after the other. */
export async function caseByIdForChange(tx: Executor, orgId: string, id: string): Promise<CaseRow | undefined> {
  const [row] = await tx
    .select()
    .from(concernCases)
    .where(and(eq(concernCases.orgId, orgId), eq(concernCases.id, id)))
    .for('update');
  return row;
}

/** For jobs, run as the owner: a case by id whatever its organisation. */
export async function caseInAnyOrganisation(tx: Executor, id: string): Promise<CaseRow | undefined> {
  const [row] = await tx.select().from(concernCases).where(eq(concernCases.id, id));
  return row;
}

export async function updateCase(
  tx: Executor,
  orgId: string,
  id: string,
  changes: Partial<Omit<NewCaseRow, 'id' | 'orgId' | 'reference'>>,
): Promise<void> {
  await tx
    .update(concernCases)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(concernCases.orgId, orgId), eq(concernCases.id, id)));
}

export type CaseListFilter = {
  statuses?: CaseStatus[] | undefined;
  subjectType?: SubjectType | undefined;
  immediateRisk?: boolean | undefined;
  nhsNumberHash?: string | undefined;
  assignedTo?: string | undefined;
  raisedFrom?: Date | undefined;
  raisedBefore?: Date | undefined;
};

export type CaseListSort = 'raised' | 'reference' | 'status' | 'review';

const sortOrders: Record<CaseListSort, SQL[]> = {
  raised: [desc(concernCases.raisedAt)],
  reference: [desc(concernCases.reference)],
  status: [asc(concernCases.status), desc(concernCases.raisedAt)],
  review: [sql`${concernCases.reviewOn} asc nulls last`, desc(concernCases.raisedAt)],
};

export type CaseListRow = CaseRow & { assignees: string[] };

export async function listCases(
  tx: Executor,
  orgId: string,
  filter: CaseListFilter,
  sort: CaseListSort,
  limit: number,
  offset: number,
): Promise<{ rows: CaseListRow[]; total: number }> {
  const conditions: SQL[] = [eq(concernCases.orgId, orgId)];
  if (filter.statuses?.length) conditions.push(inArray(concernCases.status, filter.statuses));
  if (filter.subjectType) conditions.push(eq(concernCases.subjectType, filter.subjectType));
  if (filter.immediateRisk !== undefined) conditions.push(eq(concernCases.immediateRisk, filter.immediateRisk));
  if (filter.nhsNumberHash) conditions.push(eq(concernCases.subjectNhsNumberHash, filter.nhsNumberHash));
  if (filter.raisedFrom) conditions.push(sql`${concernCases.raisedAt} >= ${filter.raisedFrom.toISOString()}`);
  if (filter.raisedBefore) conditions.push(sql`${concernCases.raisedAt} < ${filter.raisedBefore.toISOString()}`);
  if (filter.assignedTo) {
    conditions.push(
      sql`exists (select 1 from ${caseAssignments} a where a.case_id = ${concernCases.id} and a.user_id = ${filter.assignedTo} and a.ended_at is null)`,
    );
  }
  const where = and(...conditions);
  const [counted] = await tx.select({ n: count() }).from(concernCases).where(where);
  const rows = await tx
    .select()
    .from(concernCases)
    .where(where)
    .orderBy(...sortOrders[sort])
    .limit(limit)
    .offset(offset);
  const assigned = rows.length
    ? await tx
        .select({ caseId: caseAssignments.caseId, userId: caseAssignments.userId })
        .from(caseAssignments)
        .where(
          and(
            inArray(
              caseAssignments.caseId,
              rows.map((r) => r.id),
            ),
            isNull(caseAssignments.endedAt),
          ),
        )
    : [];
  return {
    rows: rows.map((r) => ({ ...r, assignees: assigned.filter((a) => a.caseId === r.id).map((a) => a.userId) })),
    total: counted?.n ?? 0,
  };
}

/** The case the reporter raised: only what the receipt shows. */
export async function receiptOf(tx: Executor, orgId: string, id: string, raisedBy: string) {
  const [row] = await tx
    .select({ id: concernCases.id, reference: concernCases.reference, raisedAt: concernCases.raisedAt })
    .from(concernCases)
    .where(and(eq(concernCases.orgId, orgId), eq(concernCases.id, id), eq(concernCases.raisedBy, raisedBy)));
  return row;
}

export async function insertEvent(tx: Executor, values: typeof caseEvents.$inferInsert): Promise<void> {
  await tx.insert(caseEvents).values(values);
}

export async function eventsOf(tx: Executor, orgId: string, caseId: string): Promise<EventRow[]> {
  return tx
    .select()
    .from(caseEvents)
    .where(and(eq(caseEvents.orgId, orgId), eq(caseEvents.caseId, caseId)))
    .orderBy(asc(caseEvents.occurredAt), asc(caseEvents.id));
}

export async function openAssignments(tx: Executor, orgId: string, caseId: string): Promise<AssignmentRow[]> {
  return tx
    .select()
    .from(caseAssignments)
    .where(and(eq(caseAssignments.orgId, orgId), eq(caseAssignments.caseId, caseId), isNull(caseAssignments.endedAt)))
    .orderBy(asc(caseAssignments.assignedAt));
}

export async function insertAssignment(tx: Executor, values: typeof caseAssignments.$inferInsert): Promise<void> {
  await tx.insert(caseAssignments).values(values).onConflictDoNothing();
}

export async function endAssignment(tx: Executor, orgId: string, caseId: string, userId: string): Promise<boolean> {
  const ended = await tx
    .update(caseAssignments)
    .set({ endedAt: new Date() })
    .where(
      and(
        eq(caseAssignments.orgId, orgId),
        eq(caseAssignments.caseId, caseId),
        eq(caseAssignments.userId, userId),
        isNull(caseAssignments.endedAt),
      ),
    )
    .returning({ id: caseAssignments.id });
  return ended.length > 0;
}

export async function insertBreakGlass(tx: Executor, values: typeof breakGlassAccesses.$inferInsert): Promise<BreakGlassRow> {
  const [row] = await tx.insert(breakGlassAccesses).values(values).returning();
  if (!row) throw new Error('Break-glass access not recorded');
  return row;
}

export async function activeBreakGlass(
  tx: Executor,
  orgId: string,
  caseId: string,
  userId: string,
  now: Date,
): Promise<BreakGlassRow | undefined> {
  const [row] = await tx
    .select()
    .from(breakGlassAccesses)
    .where(
      and(
        eq(breakGlassAccesses.orgId, orgId),
        eq(breakGlassAccesses.caseId, caseId),
        eq(breakGlassAccesses.userId, userId),
        gt(breakGlassAccesses.expiresAt, now),
      ),
    )
    .orderBy(desc(breakGlassAccesses.expiresAt))
    .limit(1);
  return row;
}

export async function breakGlassOf(tx: Executor, orgId: string, caseId: string): Promise<BreakGlassRow[]> {
  return tx
    .select()
    .from(breakGlassAccesses)
    .where(and(eq(breakGlassAccesses.orgId, orgId), eq(breakGlassAccesses.caseId, caseId)))
    .orderBy(desc(breakGlassAccesses.openedAt));
}

export async function settingsOf(tx: Executor, orgId: string): Promise<SettingsRow | undefined> {
  const [row] = await tx.select().from(concernSettings).where(eq(concernSettings.orgId, orgId));
  return row;
}

export async function saveSettings(tx: Executor, values: typeof concernSettings.$inferInsert): Promise<void> {
  const { orgId: _orgId, ...changes } = values;
  await tx
    .insert(concernSettings)
    .values(values)
    .onConflictDoUpdate({ target: concernSettings.orgId, set: { ...changes, updatedAt: new Date() } });
}

/** Closed cases whose retention review date has come, personal data not yet erased. */
export async function dueForRetentionReview(tx: Executor, orgId: string, today: string): Promise<CaseRow[]> {
  return tx
    .select()
    .from(concernCases)
    .where(and(eq(concernCases.orgId, orgId), isNull(concernCases.erasedAt), lte(concernCases.retentionReviewOn, today)))
    .orderBy(asc(concernCases.retentionReviewOn));
}

/** Removes the case's personal data everywhere it is held (the database function does it, in one statement). */
export async function erase(tx: Executor, id: string): Promise<boolean> {
  const result = await tx.execute(sql`select erase_concern_case(${id}) as erased`);
  return (result as unknown as { rows: { erased: boolean }[] }).rows[0]?.erased === true;
}

export type CountRow = {
  org_id: string;
  status: CaseStatus;
  subject_type: SubjectType;
  subject_is_child: boolean;
  referred: boolean;
  pathway: string | null;
  cases: number;
};

/** Aggregate counts for the organisations in the transaction's scope (a security-definer function: no case rows). */
export async function counts(tx: Executor, from: Date, before: Date): Promise<CountRow[]> {
  const result = await tx.execute(
    sql`select * from concern_case_counts(${from.toISOString()}::timestamptz, ${before.toISOString()}::timestamptz)`,
  );
  return (result as unknown as { rows: CountRow[] }).rows;
}

/** For jobs run as the owner: references of the cases among `ids` that are neither closed nor erased. */
export async function referencesOfOpenCases(tx: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return tx
    .select({ id: concernCases.id, reference: concernCases.reference })
    .from(concernCases)
    .where(and(inArray(concernCases.id, ids), isNull(concernCases.erasedAt), sql`${concernCases.status} <> 'closed'`));
}

/** Every organisation's cases with a review date that has come (for the reminder scan, run as the owner). */
export async function reviewsDue(tx: Executor, today: string) {
  return tx
    .select({
      id: concernCases.id,
      orgId: concernCases.orgId,
      reference: concernCases.reference,
      reviewOn: concernCases.reviewOn,
    })
    .from(concernCases)
    .where(and(lte(concernCases.reviewOn, today), isNull(concernCases.erasedAt), sql`${concernCases.status} <> 'closed'`));
}

// ---- retention ----

/** Every organisation's closed cases whose retention review date has come (for the reminder scan, run as the owner). */
export async function retentionReviewsDueEverywhere(tx: Executor, today: string) {
  return tx
    .select({
      id: concernCases.id,
      orgId: concernCases.orgId,
      reference: concernCases.reference,
      retentionReviewOn: concernCases.retentionReviewOn,
    })
    .from(concernCases)
    .where(and(lte(concernCases.retentionReviewOn, today), isNull(concernCases.erasedAt), eq(concernCases.status, 'closed')));
}

export type WaitingCases = {
  newCount: number;
  immediateRisk: number;
  /** When the oldest new case was raised. */
  oldestRaisedAt: Date | null;
  reviewsDue: number;
  earliestReview: string | null;
};

/** One organisation's new cases waiting for triage, and its open cases whose review date has come: counts, never a person. */
export async function waitingCases(tx: Tx, orgId: string, today: string): Promise<WaitingCases> {
  const isNew = sql`${concernCases.status} = 'new'`;
  const reviewDue = sql`${concernCases.reviewOn} <= ${today} and ${concernCases.status} <> 'closed'`;
  const [row] = await tx
    .select({
      newCount: sql<number>`count(*) filter (where ${isNew})`.mapWith(Number),
      immediateRisk: sql<number>`count(*) filter (where ${isNew} and ${concernCases.immediateRisk})`.mapWith(Number),
      // As milliseconds since the epoch: the drivers give a bare timestamp back in different forms.
      oldestRaisedMs: sql<number | null>`extract(epoch from min(${concernCases.raisedAt}) filter (where ${isNew})) * 1000`,
      reviewsDue: sql<number>`count(*) filter (where ${reviewDue})`.mapWith(Number),
      earliestReview: sql<string | null>`(min(${concernCases.reviewOn}) filter (where ${reviewDue}))::text`,
    })
    .from(concernCases)
    .where(and(eq(concernCases.orgId, orgId), isNull(concernCases.erasedAt), sql`${concernCases.status} <> 'closed'`));
  return {
    newCount: row?.newCount ?? 0,
    immediateRisk: row?.immediateRisk ?? 0,
    oldestRaisedAt: row?.oldestRaisedMs == null ? null : new Date(Number(row.oldestRaisedMs)),
    reviewsDue: row?.reviewsDue ?? 0,
    earliestReview: row?.earliestReview ?? null,
  };
}

/** A case of the organisation by its reference (PC-2026-0001), whatever the case of the letters. */
export async function caseByReference(tx: Executor, orgId: string, reference: string) {
  const [row] = await tx
    .select({ id: concernCases.id, reference: concernCases.reference })
    .from(concernCases)
    .where(and(eq(concernCases.orgId, orgId), eq(concernCases.reference, reference.trim().toUpperCase())));
  return row;
}
