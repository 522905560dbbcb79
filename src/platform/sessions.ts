import { createHash, randomBytes } from 'node:crypto';
import type { Db, Executor, Tx } from '../db/client.ts';
import { noScope, setScope, withScope } from '../db/tenancy.ts';
import type { CurrentUser } from './context.ts';
import * as repository from './sessions.repository.ts';
import type { SessionStage } from './sessions.schema.ts';

export type { SessionStage };

export type LoadedSession = {
  idHash: string;
  stage: SessionStage;
  csrfToken: string;
  user: CurrentUser;
};

export const sessionCookie = 'pa_session';

/**
 * What loading a session needs from the modules that own people and notifications, handed over when
 * the app is built (src/app.ts), so that the platform imports no module.
 */
export type SessionLoaders = {
  /** The person as services see them, acting for that organisation; null if they may no longer sign in. */
  describeUser(tx: Executor, userId: string, activeOrgId: string | null): Promise<CurrentUser | null>;
  /** Their unread notifications, for the header (counted up to a cap). */
  unreadNotifications(tx: Executor, userId: string): Promise<number>;
};

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/** Starts a session; returns the token for the cookie. Only the token's hash is stored. */
export async function startSession(
  tx: Tx,
  userId: string,
  activeOrgId: string,
  stage: SessionStage,
  hours: number,
): Promise<string> {
  const token = newToken();
  await repository.insert(tx, {
    idHash: hashToken(token),
    userId,
    activeOrgId,
    stage,
    csrfToken: newToken(),
    expiresAt: new Date(Date.now() + hours * 3_600_000),
  });
  return token;
}

const touchEveryMs = 5 * 60_000;

/** The session behind a cookie, with its user as services see them; null if absent, expired, or the user can no longer sign in. */
export async function loadSession(db: Db, loaders: SessionLoaders, token: string | undefined): Promise<LoadedSession | null> {
  if (!token || token.length > 100) return null;
  const idHash = hashToken(token);
  return withScope(db, noScope, async (tx) => {
    const session = await repository.byIdHash(tx, idHash);
    if (!session) return null;
    await setScope(tx, { userId: session.userId, orgIds: [] });
    const user = await loaders.describeUser(tx, session.userId, session.activeOrgId);
    if (!user) {
      await repository.remove(tx, idHash);
      return null;
    }
    // In the session's transaction, so the header's count costs one indexed query, not another connection.
    if (session.stage === 'signed-in') user.unreadNotifications = await loaders.unreadNotifications(tx, user.id);
    if (Date.now() - session.lastSeenAt.getTime() > touchEveryMs) {
      await repository.update(tx, idHash, { lastSeenAt: new Date() });
    }
    return { idHash, stage: session.stage, csrfToken: session.csrfToken, user };
  });
}

/**
 * Completes sign-in after the second factor with a new session id, so that a token seen
 * before the second factor (e.g. on a shared computer) is worth nothing after it.
 */
export async function promoteToSignedIn(tx: Tx, session: LoadedSession, hours: number): Promise<string> {
  await repository.remove(tx, session.idHash);
  return startSession(tx, session.user.id, session.user.activeOrg.id, 'signed-in', hours);
}
export const setActiveOrganisation = (tx: Tx, idHash: string, activeOrgId: string) =>
  repository.update(tx, idHash, { activeOrgId });
export const endSession = (tx: Tx, idHash: string) => repository.remove(tx, idHash);
export const endAllSessionsOf = (tx: Tx, userId: string) => repository.removeAllFor(tx, userId);
export const recordSignInAttempt = repository.recordAttempt;

/** Sessions past their end and attempts older than any rate-limit window are of no further use. */
export async function clearStale(tx: Tx): Promise<void> {
  await repository.removeExpired(tx);
  await repository.removeAttemptsBefore(tx, new Date(Date.now() - 86_400_000));
}
export const recentFailedSignInsFrom = repository.recentFailures;
export { hashToken };
