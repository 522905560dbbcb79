import { date, index, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/** What the core standards count as development of the Prevent lead and safeguarding staff. */
export const activityKinds = ['course', 'supervision', 'conference', 'national_update', 'regional_update', 'other'] as const;
export type ActivityKind = (typeof activityKinds)[number];

export const targetStatuses = ['not_started', 'in_progress', 'met'] as const;
export type TargetStatus = (typeof targetStatuses)[number];

/** One piece of development a Prevent lead or safeguarding practitioner did. Removing one archives it. */
export const developmentActivities = pgTable(
  'development_activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').$type<ActivityKind>().notNull(),
    heldOn: date('held_on').notNull(),
    /** Hours to the quarter or hundredth, as typed: numeric keeps them exact (Drizzle reads them as text). */
    hours: numeric('hours', { precision: 5, scale: 2 }).notNull(),
    title: text('title').notNull(),
    provider: text('provider').notNull(),
    /** What evidence exists ("certificate on file"): a note, not a document. */
    evidence: text('evidence'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [index('development_activities_org_user_idx').on(t.orgId, t.userId, t.heldOn)],
);

/** A target in a Prevent lead's development plan. */
export const developmentTargets = pgTable(
  'development_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    description: text('description').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status').$type<TargetStatus>().notNull(),
    /** The day it was set, so that a plan can be read as it stood on a past date. */
    setOn: date('set_on').notNull(),
    /** The day it was marked met; cleared if it is reopened. */
    metOn: date('met_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [index('development_targets_org_user_idx').on(t.orgId, t.userId)],
);
