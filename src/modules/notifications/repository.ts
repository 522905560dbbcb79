import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { jobs, notifications, remindersSent } from './schema.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
export type ClaimedJob = Pick<JobRow, 'id' | 'kind' | 'payload' | 'attempts'>;

// ---- jobs ----

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

// ---- reminders ----

/** Records a reminder's key; false if it was already there (sent before, or by another instance just now). */
export async function markReminderSent(tx: Executor, key: string): Promise<boolean> {
  const rows = await tx
    .insert(remindersSent)
    .values({ key })
    .onConflictDoNothing({ target: remindersSent.key })
    .returning({ key: remindersSent.key });
  return rows.length > 0;
}

// ---- notifications ----

export async function insertNotifications(
  tx: Executor,
  rows: (typeof notifications.$inferInsert)[],
): Promise<{ id: string; userId: string }[]> {
  if (rows.length === 0) return [];
  return tx.insert(notifications).values(rows).returning({ id: notifications.id, userId: notifications.userId });
}

export async function notificationById(tx: Executor, id: string): Promise<NotificationRow | undefined> {
  const [row] = await tx.select().from(notifications).where(eq(notifications.id, id));
  return row;
}

export async function notificationsFor(tx: Executor, userId: string, limit: number, offset: number): Promise<NotificationRow[]> {
  return tx
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit)
    .offset(offset);
}

/** Unread notifications, counted no higher than `cap`, so the header's count stays cheap however many pile up. */
export async function unreadCount(tx: Executor, userId: string, cap: number): Promise<number> {
  const capped = tx
    .select({ one: sql`1` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .limit(cap)
    .as('capped');
  const [row] = await tx.select({ n: count() }).from(capped);
  return Number(row?.n ?? 0);
}

export async function markRead(tx: Executor, userId: string, id: string): Promise<number> {
  const rows = await tx
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning({ id: notifications.id });
  return rows.length;
}

export async function markAllRead(tx: Executor, userId: string): Promise<number> {
  const rows = await tx
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
