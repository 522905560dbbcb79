import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only, hash-chained: each row stores the hash of the one before it, so an edit or
 * deletion anywhere breaks the chain. A trigger refuses UPDATE and DELETE (see migrations).
 * Hashes are HMACs under the audit key, which the database never holds, so that someone who can
 * get past the trigger cannot recompute them; checkpoints kept outside show a removed tail.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: uuid('id').notNull().unique(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    orgId: uuid('org_id'),
    actorUserId: uuid('actor_user_id'),
    /** Who acted, as text, so the row reads on its own (e.g. a CLI operator or an unknown e-mail). */
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    recordType: text('record_type'),
    recordId: text('record_id'),
    ip: text('ip'),
    details: jsonb('details').$type<Record<string, string | number | boolean | null>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** Which audit key made `hash` (an HMAC); null for rows from before the chain was keyed (plain SHA-256). */
    keyId: text('key_id'),
  },
  // By record: a concern case shows who has viewed it.
  (t) => [index('audit_events_org_time_idx').on(t.orgId, t.occurredAt), index('audit_events_record_idx').on(t.recordId)],
);
