import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { apiTokens } from './schema.ts';

export type TokenRow = typeof apiTokens.$inferSelect;
/** A token as lists and checks see it: everything but the hash. */
export type TokenSummary = Omit<TokenRow, 'tokenHash'>;

const summaryColumns = {
  id: apiTokens.id,
  orgId: apiTokens.orgId,
  name: apiTokens.name,
  scopes: apiTokens.scopes,
  createdBy: apiTokens.createdBy,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

export async function insert(tx: Executor, row: typeof apiTokens.$inferInsert): Promise<TokenSummary> {
  const [created] = await tx.insert(apiTokens).values(row).returning(summaryColumns);
  if (!created) throw new Error('insert returned nothing');
  return created;
}

/** The organisation's tokens: live ones first, newest first. */
export async function tokensOf(tx: Executor, orgId: string): Promise<TokenSummary[]> {
  return tx
    .select(summaryColumns)
    .from(apiTokens)
    .where(eq(apiTokens.orgId, orgId))
    .orderBy(sql`${apiTokens.revokedAt} is not null`, desc(apiTokens.createdAt));
}

export async function tokenIn(tx: Executor, orgId: string, id: string): Promise<TokenSummary | undefined> {
  const [row] = await tx
    .select(summaryColumns)
    .from(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.orgId, orgId)));
  return row;
}

/**
 * The token whose secret hashes to this, in any organisation. The caller is known only once it is
 * found, so this runs as the owner (row-level security would show it nothing): the hash is the capability.
 */
export async function anyByHash(db: Executor, tokenHash: string): Promise<TokenSummary | undefined> {
  const [row] = await db.select(summaryColumns).from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash));
  return row;
}

/** By id in any organisation, for the command line, which runs as the owner. */
export async function anyById(db: Executor, id: string): Promise<TokenSummary | undefined> {
  const [row] = await db.select(summaryColumns).from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

/** Revokes the token if it is still live; false if it was already revoked. */
export async function revoke(tx: Executor, orgId: string, id: string, at: Date): Promise<boolean> {
  const rows = await tx
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.orgId, orgId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

export async function markUsed(tx: Executor, id: string, at: Date): Promise<void> {
  await tx.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
}
