import { bigint, boolean, customType, date, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/** The Prevent framework or policy itself, and the linked policies the core standards name. */
export const policyKinds = [
  'prevent_framework',
  'hr',
  'estates',
  'safeguarding',
  'it_acceptable_use',
  'room_hire',
  'notice_boards',
  'leaflets',
  'information_governance',
  'other',
] as const;
export type PolicyKind = (typeof policyKinds)[number];

export const policies = pgTable(
  'policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    title: text('title').notNull(),
    kind: text('kind').$type<PolicyKind>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('policies_org_idx').on(t.orgId)],
);

/** Each approved version, with its document. Superseded versions stay, read-only. */
export const policyVersions = pgTable(
  'policy_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id),
    version: text('version').notNull(),
    approvedOn: date('approved_on').notNull(),
    approver: text('approver').notNull(),
    nextReviewOn: date('next_review_on').notNull(),
    documentName: text('document_name').notNull(),
    documentType: text('document_type').notNull(),
    documentSize: bigint('document_size', { mode: 'number' }).notNull(),
    documentSha256: text('document_sha256').notNull(),
    document: bytea('document').notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    supersededAt: timestamp('superseded_at', { withTimezone: true }),
  },
  (t) => [index('policy_versions_policy_idx').on(t.policyId)],
);

export const policyLinks = pgTable(
  'policy_links',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    policyId: uuid('policy_id')
      .notNull()
      .references(() => policies.id),
    linkedPolicyId: uuid('linked_policy_id')
      .notNull()
      .references(() => policies.id),
  },
  (t) => [primaryKey({ columns: [t.policyId, t.linkedPolicyId] })],
);

/** For a Prevent framework version: each required content, ticked with where it is in the document. */
export const policyChecklistEntries = pgTable(
  'policy_checklist_entries',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => policyVersions.id),
    item: text('item').notNull(),
    present: boolean('present').notNull(),
    section: text('section'),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.item] })],
);
