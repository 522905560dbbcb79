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
    await tx.execute(sql`set local role prevent_app`);
    await setScope(tx as Tx, scope);
    return work(tx as Tx);
  });
}

/** Narrows or widens the scope inside a transaction opened by withScope (e.g. once the session's user is known). */
export async function setScope(tx: Tx, scope: Scope): Promise<void> {
  for (const id of [scope.userId, ...scope.orgIds]) {
    if (id !== null && !uuidPattern.test(id)) throw new Error('A scope holds only organisation and user ids');
  }
  await tx.execute(
    sql`select set_config('app.org_ids', ${scope.orgIds.join(',')}, true), set_config('app.user_id', ${scope.userId ?? ''}, true)`,
  );
}
