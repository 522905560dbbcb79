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

export async function failuresSince(tx: Executor, ip: string, since: Date): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.ip, ip), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since)));
  return Number(row?.n ?? 0);
}
