import { and, asc, desc, eq, gt, gte, ilike, lt, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { auditEvents } from './schema.ts';

export type AuditRow = typeof auditEvents.$inferSelect;
export type NewAuditRow = Omit<typeof auditEvents.$inferInsert, 'seq'>;

export async function chainHead(tx: Executor): Promise<string> {
  const result = await tx.execute(sql`select audit_chain_head() as head`);
  return String((result as unknown as { rows: { head: string }[] }).rows[0]?.head);
}

/** The last entry's seq and hash, whoever's it is (a security-definer function: requests see their own organisations' only). */
export async function checkpointHead(tx: Executor): Promise<{ seq: number; hash: string } | undefined> {
  const result = await tx.execute(sql`select seq, hash from audit_chain_checkpoint()`);
  const row = (result as unknown as { rows: { seq: number | string; hash: string }[] }).rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

export async function insert(tx: Executor, row: NewAuditRow): Promise<void> {
  await tx.insert(auditEvents).values(row);
}

/** Rows after `afterSeq` in chain order, a page at a time (the whole trail may be large). */
export async function pageInChainOrder(tx: Executor, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return tx.select().from(auditEvents).where(gt(auditEvents.seq, afterSeq)).orderBy(asc(auditEvents.seq)).limit(limit);
}

export async function bySeq(tx: Executor, seq: number): Promise<AuditRow | undefined> {
  const [row] = await tx.select().from(auditEvents).where(eq(auditEvents.seq, seq));
  return row;
}

export async function lastSeqBefore(tx: Executor, seq: number): Promise<number | undefined> {
  const [row] = await tx
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(lt(auditEvents.seq, seq))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row?.seq;
}

/** The seq of the entry with this hash (there is no index on hash: only asked when the chain is broken). */
export async function seqOfHash(tx: Executor, hash: string): Promise<number | undefined> {
  const [row] = await tx.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.hash, hash)).limit(1);
  return row?.seq;
}

export type AuditFilter = {
  orgId: string;
  action?: string | undefined;
  actor?: string | undefined;
  recordId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
};

export async function search(tx: Executor, filter: AuditFilter, limit: number, offset: number): Promise<AuditRow[]> {
  const conditions: SQL[] = [eq(auditEvents.orgId, filter.orgId)];
  if (filter.action) conditions.push(eq(auditEvents.action, filter.action));
  if (filter.actor) conditions.push(ilike(auditEvents.actorLabel, `%${escapeLike(filter.actor)}%`));
  if (filter.recordId) conditions.push(eq(auditEvents.recordId, filter.recordId));
  if (filter.from) conditions.push(gte(auditEvents.occurredAt, filter.from));
  if (filter.to) conditions.push(lt(auditEvents.occurredAt, filter.to));
  return tx
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.seq))
    .limit(limit)
    .offset(offset);
}

export async function actionsUsed(tx: Executor, orgId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ action: auditEvents.action })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, orgId))
    .orderBy(asc(auditEvents.action));
  return rows.map((r) => r.action);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
