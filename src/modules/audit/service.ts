import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Database, Executor } from '../../db/client.ts';
import type { Actor } from '../../platform/context.ts';
import { addDays, londonDateTime, todayInLondon } from '../../platform/dates.ts';
import { ensureScheduled } from '../../platform/jobs/runner.ts';
import type { Schedule } from '../../platform/modules.ts';
import { currentAuditKey, heldAuditKey } from './keys.ts';
import type { AuditFilter, AuditRow } from './repository.ts';
import * as repository from './repository.ts';

export type { Actor };

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

/** How entries were hashed before the chain was keyed (their key id is null): plain SHA-256, which anyone can recompute. */
export function unkeyedHashOf(prevHash: string, row: Hashed): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(row)).digest('hex');
}

/** An entry's hash: an HMAC under the audit key, so that it cannot be recomputed without the key. */
export function keyedHashOf(secret: Buffer, prevHash: string, row: Hashed): string {
  return createHmac('sha256', secret).update(prevHash).update('\n').update(canonical(row)).digest('hex');
}

/**
 * Appends to the trail. Call it with the transaction that makes the change, so that the
 * change and its record commit together or not at all.
 */
export async function record(tx: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  if (!actor.label) throw new Error('An audit entry needs an actor');
  const key = currentAuditKey();
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
  await repository.insert(tx, { ...row, prevHash, hash: keyedHashOf(key.secret, prevHash, row), keyId: key.id });
}

/** The chain's head as it was at a moment: a witness kept outside the database, so that losing its tail shows. */
export type Checkpoint = { seq: number; hash: string; at: string };

/** The head of the chain now (seq 0 and 'genesis' for an empty trail). Reads every organisation's entries' head. */
export async function takeCheckpoint(tx: Executor): Promise<Checkpoint> {
  const head = await repository.checkpointHead(tx);
  return { seq: head?.seq ?? 0, hash: head?.hash ?? 'genesis', at: new Date().toISOString() };
}

/**
 * A checkpoint for someone to download and keep, recorded in the trail in the same transaction: the
 * entry says which checkpoint was handed out, and is itself covered by the next one.
 */
export async function handOutCheckpoint(tx: Executor, actor: Actor, orgId: string): Promise<Checkpoint> {
  const checkpoint = await takeCheckpoint(tx);
  await record(tx, actor, {
    orgId,
    action: 'audit.checkpoint.downloaded',
    details: { seq: checkpoint.seq, hash: checkpoint.hash },
  });
  return checkpoint;
}

/** A checkpoint as a file: JSON, with a line saying what it is for whoever finds it. */
export function checkpointFile(checkpoint: Checkpoint): string {
  const { seq, hash, at } = checkpoint;
  return `${JSON.stringify({ checkpoint: 'Prevent Assure audit trail', seq, hash, at }, null, 2)}\n`;
}

export class NotACheckpointError extends Error {}

/**
 * Reads a checkpoint file, or a line of the service's log that holds one (the daily 'audit checkpoint'
 * line has the same seq, hash and at). Throws NotACheckpointError saying what is wrong with it.
 */
export function readCheckpoint(text: string): Checkpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NotACheckpointError('it is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NotACheckpointError('it is not a JSON object with seq, hash and at');
  }
  const { seq, hash, at } = value as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new NotACheckpointError('its seq is missing or not a whole number');
  }
  const genesis = seq === 0 && hash === 'genesis';
  if (typeof hash !== 'string' || (!genesis && !/^[0-9a-f]{64}$/.test(hash))) {
    throw new NotACheckpointError('its hash is missing or not 64 hexadecimal digits');
  }
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) {
    throw new NotACheckpointError('its at (when it was taken) is missing or not a date and time');
  }
  return { seq, hash, at };
}

export type ChainBreak = { seq: number; id: string; reason: string };

export type VerifyResult = {
  ok: boolean;
  /** Entries found sound, in order, before the first break (all of them if there is none). */
  checked: number;
  /** Of those, how many were hashed before the chain was keyed (plain SHA-256). */
  unkeyed: number;
  /** The first entry that does not fit the chain. */
  brokenAt: ChainBreak | null;
  /** With a checkpoint: what is missing or changed since it was taken. */
  checkpointProblem: string | null;
};

const pageSize = 1000;
/** The age of "no key": older than any key. */
const unkeyedAge = Number.POSITIVE_INFINITY;

/**
 * Walks the whole chain in seq order and stops at the first entry that does not fit; with a
 * checkpoint, also checks that the entry it names is still there as it was. The chain alone
 * cannot show that its last entries were removed: the checkpoint, kept outside the database, can.
 * Must run with a role that reads every organisation's rows.
 */
export async function verify(db: Executor, options: { checkpoint?: Checkpoint } = {}): Promise<VerifyResult> {
  currentAuditKey();
  let expectedPrev = 'genesis';
  let lastSeq = 0;
  let checked = 0;
  let unkeyed = 0;
  // Keys only get newer along the chain: an entry made with an older key than one before it was rehashed.
  let newestAge = unkeyedAge;
  let brokenAt: ChainBreak | null = null;
  walk: for (;;) {
    const page = await repository.pageInChainOrder(db, lastSeq, pageSize);
    for (const row of page) {
      const problem = await whatIsWrong(db, row, expectedPrev, newestAge);
      if (typeof problem === 'string') {
        brokenAt = { seq: row.seq, id: row.id, reason: problem };
        break walk;
      }
      if (row.keyId === null) unkeyed++;
      newestAge = problem.age;
      expectedPrev = row.hash;
      lastSeq = row.seq;
      checked++;
    }
    if (page.length < pageSize) break;
  }
  const checkpointProblem = options.checkpoint ? await checkAgainst(db, options.checkpoint) : null;
  return { ok: !brokenAt && !checkpointProblem, checked, unkeyed, brokenAt, checkpointProblem };
}

/** Why the entry does not fit the chain, or the age of the key that made it when it does. */
async function whatIsWrong(
  db: Executor,
  row: AuditRow,
  expectedPrev: string,
  newestAge: number,
): Promise<string | { age: number }> {
  if (row.prevHash !== expectedPrev) {
    // Entry seqs have gaps (a change that rolled back used one), so the link, not the number, tells what happened.
    const chainedAfter = await repository.seqOfHash(db, row.prevHash);
    return chainedAfter === undefined
      ? 'it does not link to the entry before it: the entry it was chained to was removed or altered'
      : `it does not link to the entry before it: it was chained to entry seq ${chainedAfter}, so entries are out of order ` +
          '(moved or inserted)';
  }
  if (row.keyId === null) {
    if (newestAge !== unkeyedAge) {
      return 'it was hashed without the audit key, after entries hashed with it: its hash was recomputed without the key';
    }
    return row.hash === unkeyedHashOf(row.prevHash, row)
      ? { age: unkeyedAge }
      : 'its content does not match its hash (it was edited)';
  }
  const held = heldAuditKey(row.keyId);
  if (!held) {
    return (
      `it was hashed with an audit key the service does not hold (key id ${row.keyId}): ` +
      'an older key missing from AUDIT_KEY, or its hash was recomputed with another key'
    );
  }
  if (held.age > newestAge) {
    return (
      `it was hashed with an older audit key (key id ${row.keyId}) than entries before it: ` +
      'its hash was recomputed with a key that had been replaced'
    );
  }
  return row.hash === keyedHashOf(held.key.secret, row.prevHash, row)
    ? { age: held.age }
    : 'its content does not match its hash: it was edited, or its hash was recomputed without the audit key';
}

async function checkAgainst(db: Executor, checkpoint: Checkpoint): Promise<string | null> {
  if (checkpoint.seq === 0) return null;
  const taken = `the checkpoint taken at ${checkpoint.at}`;
  const entry = await repository.bySeq(db, checkpoint.seq);
  if (!entry) {
    const before = await repository.lastSeqBefore(db, checkpoint.seq);
    const from = before === undefined ? 'the entries' : `the entries after seq ${before}`;
    return `${from} up to seq ${checkpoint.seq}, which ${taken} covers, are gone`;
  }
  return entry.hash === checkpoint.hash ? null : `entry seq ${checkpoint.seq} has changed since ${taken}`;
}

export const search = (tx: Executor, filter: AuditFilter, limit: number, offset: number) =>
  repository.search(tx, filter, limit, offset);
export const actionsUsed = repository.actionsUsed;
export type { AuditFilter, AuditRow };

// ---- the daily checkpoint ----

export const auditCheckpointKind = 'audit.checkpoint';

/**
 * The chain's head written to the log once a day, at midnight London time: the log is kept apart from
 * the database, so an entry removed from the end of the trail after it was logged shows when verified
 * against it.
 */
export const dailyCheckpoint: Schedule = {
  kind: auditCheckpointKind,
  next: (now) => londonDateTime(addDays(todayInLondon(now), 1), '00:00'),
  async run(database, _payload, { logger }) {
    const { seq, hash, at } = await takeCheckpoint(database.db);
    logger.info({ seq, hash, at }, 'audit checkpoint');
  },
};

/** Makes sure a checkpoint is waiting (one due now, on a database that has never had one). */
export const ensureAuditCheckpoint = (database: Database) => ensureScheduled(database, dailyCheckpoint);
