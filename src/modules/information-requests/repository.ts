import { and, asc, desc, eq, gte, isNull, lt, lte } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { informationRequests } from './schema.ts';

export type RequestRow = typeof informationRequests.$inferSelect;
export type NewRequest = Omit<typeof informationRequests.$inferInsert, 'id' | 'createdAt' | 'respondedOn' | 'sharingDecisionId'>;

const one = <T>(rows: T[], what: string): T => {
  const [row] = rows;
  if (!row) throw new Error(`${what} returned nothing`);
  return row;
};

/** Unanswered first (soonest due first), then the answered, latest first. */
export async function requestsOf(tx: Executor, orgId: string): Promise<RequestRow[]> {
  return tx
    .select()
    .from(informationRequests)
    .where(eq(informationRequests.orgId, orgId))
    .orderBy(asc(informationRequests.respondedOn), asc(informationRequests.dueOn), desc(informationRequests.askedOn));
}

export async function requestById(tx: Executor, orgId: string, id: string): Promise<RequestRow | undefined> {
  const [row] = await tx
    .select()
    .from(informationRequests)
    .where(and(eq(informationRequests.orgId, orgId), eq(informationRequests.id, id)));
  return row;
}

export async function requestsOfCase(tx: Executor, orgId: string, caseId: string): Promise<RequestRow[]> {
  return tx
    .select()
    .from(informationRequests)
    .where(and(eq(informationRequests.orgId, orgId), eq(informationRequests.caseId, caseId)))
    .orderBy(desc(informationRequests.askedOn));
}

/** Requests asked in [from, to], for the figures. */
export async function requestsAskedBetween(tx: Executor, orgId: string, from: string, to: string): Promise<RequestRow[]> {
  return tx
    .select()
    .from(informationRequests)
    .where(
      and(eq(informationRequests.orgId, orgId), gte(informationRequests.askedOn, from), lte(informationRequests.askedOn, to)),
    );
}

export async function insertRequest(tx: Executor, row: NewRequest): Promise<RequestRow> {
  return one(await tx.insert(informationRequests).values(row).returning(), 'insertRequest');
}

export async function recordResponse(
  tx: Executor,
  orgId: string,
  id: string,
  response: { respondedOn: string; sharingDecisionId: string | null },
): Promise<void> {
  await tx
    .update(informationRequests)
    .set(response)
    .where(and(eq(informationRequests.orgId, orgId), eq(informationRequests.id, id)));
}

/** Every organisation's unanswered requests due before `today`, for the daily reminders (run as the connecting role). */
export async function overdueRequests(tx: Executor, today: string): Promise<RequestRow[]> {
  return tx
    .select()
    .from(informationRequests)
    .where(and(isNull(informationRequests.respondedOn), lt(informationRequests.dueOn, today)))
    .orderBy(asc(informationRequests.dueOn));
}
