import { sql } from 'drizzle-orm';
import type { Db, Tx } from './client.ts';

/** Who a unit of work runs for: the database enforces that it sees only these organisations' rows. */
export type Scope = {
  userId: string | null;
  orgIds: readonly string[];
};

export const noScope: Scope = { userId: null, orgIds: [] };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `work` in one transaction as the unprivileged role prevent_app, with the scope set
 * for row-level security. Everything a request does to tenant data goes through here.
 */
export async function withScope<T>(db: Db, scope: Scope, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // One statement: the role switch is a transaction-local setting like the scope itself.
    await applyScope(tx as Tx, scope, true);
    return work(tx as Tx);
  });
}

/** Narrows or widens the scope inside a transaction opened by withScope (e.g. once the session's user is known). */
export async function setScope(tx: Tx, scope: Scope): Promise<void> {
  await applyScope(tx, scope, false);
}

async function applyScope(tx: Tx, scope: Scope, switchRole: boolean): Promise<void> {
  for (const id of [scope.userId, ...scope.orgIds]) {
    if (id !== null && !uuidPattern.test(id)) throw new Error('A scope holds only organisation and user ids');
  }
  const orgIds = scope.orgIds.join(',');
  const userId = scope.userId ?? '';
  await tx.execute(
    switchRole
      ? sql`select set_config('role', 'prevent_app', true), set_config('app.org_ids', ${orgIds}, true), set_config('app.user_id', ${userId}, true)`
      : sql`select set_config('app.org_ids', ${orgIds}, true), set_config('app.user_id', ${userId}, true)`,
  );
}
