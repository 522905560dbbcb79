import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { recordChecks, sharingDecisions } from './schema.ts';

export type RecordCheckRow = typeof recordChecks.$inferSelect;
export type DecisionRow = typeof sharingDecisions.$inferSelect;

export async function checksOf(tx: Executor, orgId: string, caseId: string): Promise<RecordCheckRow[]> {
  return tx
    .select()
    .from(recordChecks)
    .where(and(eq(recordChecks.orgId, orgId), eq(recordChecks.caseId, caseId)))
    .orderBy(asc(recordChecks.searchedOn), asc(recordChecks.recordedAt));
}

export async function insertCheck(tx: Executor, values: typeof recordChecks.$inferInsert): Promise<RecordCheckRow> {
  const [row] = await tx.insert(recordChecks).values(values).returning();
  if (!row) throw new Error('Record check not inserted');
  return row;
}

/** In the order they were recorded: a correction always comes after what it corrects. */
export async function decisionsOf(tx: Executor, orgId: string, caseId: string): Promise<DecisionRow[]> {
  return tx
    .select()
    .from(sharingDecisions)
    .where(and(eq(sharingDecisions.orgId, orgId), eq(sharingDecisions.caseId, caseId)))
    .orderBy(asc(sharingDecisions.recordedAt), asc(sharingDecisions.id));
}

export async function decisionOnCase(tx: Executor, orgId: string, caseId: string, id: string): Promise<DecisionRow | undefined> {
  const [row] = await tx
    .select()
    .from(sharingDecisions)
    .where(and(eq(sharingDecisions.orgId, orgId), eq(sharingDecisions.caseId, caseId), eq(sharingDecisions.id, id)));
  return row;
}

/** The decision that corrects this one, if any. */
export async function correctionOf(tx: Executor, orgId: string, id: string): Promise<DecisionRow | undefined> {
  const [row] = await tx
    .select()
    .from(sharingDecisions)
    .where(and(eq(sharingDecisions.orgId, orgId), eq(sharingDecisions.correctsId, id)));
  return row;
}

export async function insertDecision(tx: Executor, values: typeof sharingDecisions.$inferInsert): Promise<DecisionRow> {
  const [row] = await tx.insert(sharingDecisions).values(values).returning();
  if (!row) throw new Error('Sharing decision not inserted');
  return row;
}
