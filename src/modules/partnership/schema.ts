import { date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/** The multi-agency meetings and forums the core standards and the CQC ask an organisation to take part in. */
export const engagementKinds = [
  'channel_panel',
  'community_safety_partnership',
  'prevent_board',
  'regional_prevent_forum',
  'childrens_safeguarding_partnership',
  'adults_safeguarding_partnership',
  'community_of_practice',
  'other',
] as const;
export type EngagementKind = (typeof engagementKinds)[number];

export const partnershipEngagements = pgTable(
  'partnership_engagements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind').$type<EngagementKind>().notNull(),
    title: text('title').notNull(),
    heldOn: date('held_on').notNull(),
    /** Who went from the organisation, by name or role: its own staff, not the people its cases are about. */
    ourAttendees: text('our_attendees').array().notNull().default([]),
    partnerAgencies: text('partner_agencies').array().notNull().default([]),
    contribution: text('contribution').notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('partnership_engagements_org_idx').on(t.orgId, t.heldOn)],
);

export const partnershipActions = pgTable(
  'partnership_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    engagementId: uuid('engagement_id')
      .notNull()
      .references(() => partnershipEngagements.id, { onDelete: 'cascade' }),
    description: text('description').notNull(),
    /** A role or a name in the organisation, or a partner agency: reminders go to the organisation's Prevent leads. */
    owner: text('owner').notNull(),
    dueOn: date('due_on').notNull(),
    doneOn: date('done_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('partnership_actions_engagement_idx').on(t.engagementId)],
);
