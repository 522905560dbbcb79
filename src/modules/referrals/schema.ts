import { date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { concernCases } from '../concerns/schema.ts';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/* Columns ending in `_sealed` hold ciphertext (src/platform/encryption.ts). */

/** A referral to police Prevent, with the fields of the national Prevent referral form, and what came of it. */
export const referrals = pgTable(
  'referrals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    referredOn: date('referred_on').notNull(),
    /**
     * Sealed like the `_sealed` columns (it was plain text once; src/db/seal-backfill.ts seals what was
     * written then): a police reference identifies the person to anyone who can ask the police.
     */
    policeReference: text('police_reference'),
    sentHow: text('sent_how').notNull(),
    concernSealed: text('concern_sealed'),
    complexNeedsSealed: text('complex_needs_sealed'),
    otherAgenciesSealed: text('other_agencies_sealed'),
    otherInformationSealed: text('other_information_sealed'),
    /** What the police decided: to Channel panel, managed by police, no further action, another agency. */
    pathway: text('pathway'),
    pathwayOn: date('pathway_on'),
    outcomeSealed: text('outcome_sealed'),
    feedbackReceivedOn: date('feedback_received_on'),
    feedbackSealed: text('feedback_sealed'),
    channelContributionSealed: text('channel_contribution_sealed'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('referrals_case_idx').on(t.caseId)],
);

export const followUpKinds = ['police_feedback', 'channel_review_6_months', 'channel_review_12_months'] as const;
export type FollowUpKind = (typeof followUpKinds)[number];

/** Dates someone must act on: chased by the daily reminder scan until done. */
export const caseFollowUps = pgTable(
  'case_follow_ups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    kind: text('kind').$type<FollowUpKind>().notNull(),
    dueOn: date('due_on').notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneBy: uuid('done_by').references(() => users.id),
  },
  (t) => [index('case_follow_ups_due_idx').on(t.orgId, t.dueOn), index('case_follow_ups_case_idx').on(t.caseId)],
);
