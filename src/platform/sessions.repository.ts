import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { type SessionStage, sessions, signInAttempts } from './sessions.schema.ts';

export type SessionRow = typeof sessions.$inferSelect;

export async function insert(tx: Executor, session: typeof sessions.$inferInsert): Promise<void> {
  await tx.insert(sessions).values(session);
}

export async function byIdHash(tx: Executor, idHash: string): Promise<SessionRow | undefined> {
  const [row] = await tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, new Date())));
  return row;
}

export async function update(
  tx: Executor,
  idHash: string,
  changes: Partial<{ stage: SessionStage; activeOrgId: string; lastSeenAt: Date }>,
): Promise<void> {
  await tx.update(sessions).set(changes).where(eq(sessions.idHash, idHash));
}

export async function remove(tx: Executor, idHash: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.idHash, idHash));
}

export async function removeAllFor(tx: Executor, userId: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.userId, userId));
}

export async function removeExpired(tx: Executor): Promise<void> {
  await tx.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}

export async function removeAttemptsBefore(tx: Executor, before: Date): Promise<void> {
  await tx.delete(signInAttempts).where(lt(signInAttempts.at, before));
}

export async function recordAttempt(tx: Executor, ip: string, succeeded: boolean): Promise<void> {
  await tx.insert(signInAttempts).values({ ip, succeeded });
}

/** An address's failed sign-ins in the last `minutes`, and how long ago the latest was (by the database's clock). */
export async function recentFailures(
  tx: Executor,
  ip: string,
  minutes: number,
): Promise<{ failures: number; secondsSinceLast: number | null }> {
  const [row] = await tx
    .select({
      failures: sql<number>`count(*)::int`,
      secondsSinceLast: sql<number | null>`extract(epoch from now() - max(${signInAttempts.at}))::float8`,
    })
    .from(signInAttempts)
    .where(
      and(
        eq(signInAttempts.ip, ip),
        eq(signInAttempts.succeeded, false),
        gt(signInAttempts.at, sql`now() - make_interval(mins => ${minutes})`),
      ),
    );
  const since = row?.secondsSinceLast;
  return { failures: Number(row?.failures ?? 0), secondsSinceLast: since === null || since === undefined ? null : Number(since) };
}
