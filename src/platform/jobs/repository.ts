import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { jobs } from './schema.ts';

export type JobRow = typeof jobs.$inferSelect;
export type ClaimedJob = Pick<JobRow, 'id' | 'kind' | 'payload' | 'attempts'>;

export async function insertJob(
  tx: Executor,
  job: { kind: string; payload: Record<string, unknown>; runAfter?: Date | undefined },
): Promise<string> {
  const [row] = await tx
    .insert(jobs)
    .values({ kind: job.kind, payload: job.payload, ...(job.runAfter ? { runAfter: job.runAfter } : {}) })
    .returning({ id: jobs.id });
  if (!row) throw new Error('insert returned nothing');
  return row.id;
}

/**
 * Takes up to `limit` due jobs of the given kinds and locks them for `lockSeconds`. SKIP LOCKED
 * lets instances claim side by side without waiting on or taking each other's jobs; the lease
 * (locked_until) covers the time the handler runs outside this statement. Attempts are counted
 * here, at the start of a try, so a job that kills its process still runs out of tries.
 */
export async function claimDueJobs(
  tx: Executor,
  kinds: string[],
  limit: number,
  maxAttempts: number,
  lockSeconds: number,
): Promise<ClaimedJob[]> {
  if (kinds.length === 0) return [];
  const due = tx
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        isNull(jobs.finishedAt),
        lte(jobs.runAfter, sql`now()`),
        lt(jobs.attempts, maxAttempts),
        or(isNull(jobs.lockedUntil), lt(jobs.lockedUntil, sql`now()`)),
        inArray(jobs.kind, kinds),
      ),
    )
    .orderBy(asc(jobs.runAfter), asc(jobs.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return tx
    .update(jobs)
    .set({
      lockedUntil: sql`now() + make_interval(secs => ${lockSeconds})`,
      attempts: sql`${jobs.attempts} + 1`,
    })
    .where(inArray(jobs.id, due))
    .returning({ id: jobs.id, kind: jobs.kind, payload: jobs.payload, attempts: jobs.attempts });
}

export async function finishJob(tx: Executor, id: string): Promise<void> {
  await tx.update(jobs).set({ finishedAt: sql`now()`, lockedUntil: null }).where(eq(jobs.id, id));
}

export async function failJob(tx: Executor, id: string, error: string, retryAfterSeconds: number): Promise<void> {
  await tx
    .update(jobs)
    .set({ lastError: error, lockedUntil: null, runAfter: sql`now() + make_interval(secs => ${retryAfterSeconds})` })
    .where(eq(jobs.id, id));
}

export async function jobById(tx: Executor, id: string): Promise<JobRow | undefined> {
  const [row] = await tx.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

export async function jobsOfKind(tx: Executor, kind: string): Promise<JobRow[]> {
  return tx.select().from(jobs).where(eq(jobs.kind, kind)).orderBy(asc(jobs.createdAt));
}

/** Unfinished jobs of a kind that will still be tried, optionally only those not yet due. */
export async function countPending(tx: Executor, kind: string, maxAttempts: number, onlyFuture: boolean): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(jobs)
    .where(
      and(
        eq(jobs.kind, kind),
        isNull(jobs.finishedAt),
        lt(jobs.attempts, maxAttempts),
        onlyFuture ? gt(jobs.runAfter, sql`now()`) : undefined,
      ),
    );
  return Number(row?.n ?? 0);
}

/** Serialises "is one scheduled? if not, schedule one" across instances, until the transaction ends. */
export async function lockKind(tx: Executor, kind: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`jobs:${kind}`}))`);
}

export async function removeFinishedBefore(tx: Executor, before: Date): Promise<void> {
  await tx.delete(jobs).where(and(isNotNull(jobs.finishedAt), lt(jobs.finishedAt, before)));
}

export type DeadJob = Pick<JobRow, 'id' | 'kind' | 'attempts' | 'lastError' | 'createdAt' | 'runAfter'>;

/**
 * Jobs that used all their tries and will not run again, newest first: the payload stays out (it may
 * hold an e-mail address). Only those for the organisation given, or for no one organisation (a job
 * whose payload names no orgId: the daily scans, an e-mail).
 */
export async function deadJobs(tx: Executor, maxAttempts: number, orgId: string, limit: number): Promise<DeadJob[]> {
  return tx
    .select({
      id: jobs.id,
      kind: jobs.kind,
      attempts: jobs.attempts,
      lastError: jobs.lastError,
      createdAt: jobs.createdAt,
      runAfter: jobs.runAfter,
    })
    .from(jobs)
    .where(
      and(
        isNull(jobs.finishedAt),
        gte(jobs.attempts, maxAttempts),
        or(sql`${jobs.payload} ->> 'orgId' is null`, sql`${jobs.payload} ->> 'orgId' = ${orgId}`),
      ),
    )
    .orderBy(desc(jobs.runAfter), desc(jobs.id))
    .limit(limit);
}
