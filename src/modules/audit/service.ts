import { createHash, randomUUID } from 'node:crypto';
import type { Executor } from '../../db/client.ts';
import type { AuditFilter, AuditRow } from './repository.ts';
import * as repository from './repository.ts';

/** Who did something, and from where. Every audited change names one: there is no anonymous write. */
export type Actor = {
  userId: string | null;
  label: string;
  ip: string | null;
};

export type AuditEntry = {
  orgId: string | null;
  action: string;
  recordType?: string;
  recordId?: string;
  details?: Record<string, string | number | boolean | null>;
};

type Hashed = Pick<
  AuditRow,
  'id' | 'occurredAt' | 'orgId' | 'actorUserId' | 'actorLabel' | 'action' | 'recordType' | 'recordId' | 'ip' | 'details'
>;

/** The text a row's hash covers. Keys sorted, because jsonb does not keep the order they were written in. */
function canonical(row: Hashed): string {
  const details = Object.fromEntries(Object.entries(row.details).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify([
    row.id,
    row.occurredAt.toISOString(),
    row.orgId,
    row.actorUserId,
    row.actorLabel,
    row.action,
    row.recordType,
    row.recordId,
    row.ip,
    details,
  ]);
}

export function hashOf(prevHash: string, row: Hashed): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(row)).digest('hex');
}

/**
 * Appends to the trail. Call it with the transaction that makes the change, so that the
 * change and its record commit together or not at all.
 */
export async function record(tx: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  if (!actor.label) throw new Error('An audit entry needs an actor');
  const row: Hashed = {
    id: randomUUID(),
    occurredAt: new Date(),
    orgId: entry.orgId,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: entry.action,
    recordType: entry.recordType ?? null,
    recordId: entry.recordId ?? null,
    ip: actor.ip,
    details: entry.details ?? {},
  };
  const prevHash = await repository.chainHead(tx);
  await repository.insert(tx, { ...row, prevHash, hash: hashOf(prevHash, row) });
}

export type VerifyResult =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: { seq: number; id: string; reason: string } };

/** Walks the whole chain in order. Must run with a role that reads every organisation's rows. */
export async function verify(db: Executor): Promise<VerifyResult> {
  let expectedPrev = 'genesis';
  let lastSeq = 0;
  let checked = 0;
  for (;;) {
    const page = await repository.pageInChainOrder(db, lastSeq, 1000);
    for (const row of page) {
      if (row.prevHash !== expectedPrev) {
        return {
          ok: false,
          checked,
          brokenAt: { seq: row.seq, id: row.id, reason: 'does not link to the row before it (a row was removed or inserted)' },
        };
      }
      if (row.hash !== hashOf(row.prevHash, row)) {
        return {
          ok: false,
          checked,
          brokenAt: { seq: row.seq, id: row.id, reason: 'its content does not match its hash (it was edited)' },
        };
      }
      expectedPrev = row.hash;
      lastSeq = row.seq;
      checked++;
    }
    if (page.length < 1000) return { ok: true, checked };
  }
}

export const search = (tx: Executor, filter: AuditFilter, limit: number, offset: number) =>
  repository.search(tx, filter, limit, offset);
export const actionsUsed = repository.actionsUsed;
export type { AuditFilter, AuditRow };
