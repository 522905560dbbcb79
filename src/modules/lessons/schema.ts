import { date, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { concernCases } from '../concerns/schema.ts';
import { organisations } from '../organisations/schema.ts';
import { referrals } from '../referrals/schema.ts';
import { users } from '../users/schema.ts';

/*
 * Lessons learned. Columns ending in `_sealed` hold ciphertext (src/platform/encryption.ts): what a
 * review says about a case, and a case study before a person approves it, may identify someone.
 * So do a review action's description and owner and a case study's title, sealed too although their
 * names do not say so: they were plain text once, and src/db/seal-backfill.ts seals what was written then.
 * Only the approved text of a case study is plain, because only it may leave the organisation (its
 * title leaves too, as the shared copy's, having passed the same check).
 *
 * The learning group's meetings and actions are not sealed: the commissioner writes them for every
 * member organisation to read, about the group's work, not from any case record.
 */

export const reviewOrigins = ['referral', 'not_referred'] as const;
export type ReviewOrigin = (typeof reviewOrigins)[number];

export const reviewStatuses = ['to_do', 'in_progress', 'complete'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];

export const actionStatuses = ['open', 'done'] as const;
export type ActionStatus = (typeof actionStatuses)[number];

/** A lessons learned review of one case: every referral starts one; a lead may start one for any other case. */
export const lessonsReviews = pgTable(
  'lessons_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    /** The case's reference (it holds nothing about the person), so that lists need not open the case. */
    caseReference: text('case_reference').notNull(),
    referralId: uuid('referral_id').references(() => referrals.id),
    origin: text('origin').$type<ReviewOrigin>().notNull(),
    status: text('status').$type<ReviewStatus>().notNull().default('to_do'),
    wentWellSealed: text('went_well_sealed'),
    couldBeBetterSealed: text('could_be_better_sealed'),
    learningPointsSealed: text('learning_points_sealed'),
    /** Short tags for the themes of the learning, e.g. "online radicalisation", "information sharing". */
    themes: text('themes').array().notNull().default([]),
    startedOn: date('started_on').notNull(),
    completedOn: date('completed_on'),
    completedBy: uuid('completed_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('lessons_reviews_case_idx').on(t.caseId), index('lessons_reviews_org_idx').on(t.orgId, t.status)],
);

/** What a review decided to do: an owner (by name: they need not have an account), a due date and whether it is done. Description and owner sealed. */
export const lessonsActions = pgTable(
  'lessons_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    reviewId: uuid('review_id')
      .notNull()
      .references(() => lessonsReviews.id),
    description: text('description').notNull(),
    owner: text('owner').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status').$type<ActionStatus>().notNull().default('open'),
    doneOn: date('done_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lessons_actions_review_idx').on(t.reviewId), index('lessons_actions_org_idx').on(t.orgId)],
);

export const caseStudyStatuses = ['draft', 'approved'] as const;
export type CaseStudyStatus = (typeof caseStudyStatuses)[number];

/**
 * A case study written from a review's case: the summary as the lead wrote it, the anonymiser's
 * result as edited, and, once a person approves it, the approved text: the only part that may be shared.
 */
export const caseStudies = pgTable(
  'case_studies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    reviewId: uuid('review_id')
      .notNull()
      .references(() => lessonsReviews.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    /** Sealed: the lead's own words, unchecked until approval. */
    title: text('title').notNull(),
    originalSealed: text('original_sealed'),
    /** The anonymiser's changes (offsets into the original, and what was there), as sealed JSON. */
    changesSealed: text('changes_sealed'),
    draftSealed: text('draft_sealed'),
    themes: text('themes').array().notNull().default([]),
    status: text('status').$type<CaseStudyStatus>().notNull().default('draft'),
    approvedText: text('approved_text'),
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedByName: text('approved_by_name'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('case_studies_org_idx').on(t.orgId), index('case_studies_review_idx').on(t.reviewId)],
);

/**
 * A case study as shared with a commissioner's lessons learned group: a copy of the approved text,
 * made when it was shared, so that nothing edited afterwards reaches the group.
 */
export const sharedCaseStudies = pgTable(
  'shared_case_studies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The commissioner hosting the group. */
    groupOrgId: uuid('group_org_id')
      .notNull()
      .references(() => organisations.id),
    fromOrgId: uuid('from_org_id')
      .notNull()
      .references(() => organisations.id),
    caseStudyId: uuid('case_study_id')
      .notNull()
      .references(() => caseStudies.id),
    title: text('title').notNull(),
    body: text('body').notNull(),
    themes: text('themes').array().notNull().default([]),
    sharedByName: text('shared_by_name').notNull(),
    sharedAt: timestamp('shared_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shared_case_studies_study_idx').on(t.caseStudyId),
    index('shared_case_studies_group_idx').on(t.groupOrgId),
  ],
);

export const partnerKinds = ['police', 'local_authority', 'other'] as const;
export type PartnerKind = (typeof partnerKinds)[number];

/**
 * A partner agency's member of the learning group (police, a local authority's Prevent team), recorded by
 * the host: they have no account, so the host records their attendance and tracks their actions.
 */
export const learningPartnerMembers = pgTable(
  'learning_partner_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The commissioner hosting the group. */
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    agency: text('agency').notNull(),
    kind: text('kind').$type<PartnerKind>().notNull(),
    joinedOn: date('joined_on').notNull(),
    /** The day the membership ended: kept, so that past meetings and actions still name them. */
    endedOn: date('ended_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('learning_partner_members_org_idx').on(t.orgId)],
);

/** A meeting of the learning group: who came, what was discussed, and the learning agreed. */
export const learningMeetings = pgTable(
  'learning_meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupOrgId: uuid('group_org_id')
      .notNull()
      .references(() => organisations.id),
    heldOn: date('held_on').notNull(),
    attendees: text('attendees').notNull(),
    notes: text('notes'),
    agreedLearning: text('agreed_learning'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('learning_meetings_group_idx').on(t.groupOrgId)],
);

/** An action the group agreed, owned by someone in any member organisation, tracked to completion. */
export const learningActions = pgTable(
  'learning_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupOrgId: uuid('group_org_id')
      .notNull()
      .references(() => organisations.id),
    meetingId: uuid('meeting_id').references(() => learningMeetings.id),
    description: text('description').notNull(),
    /** The host, for an action a partner member owns: the host tracks it for them. */
    ownerOrgId: uuid('owner_org_id')
      .notNull()
      .references(() => organisations.id),
    partnerMemberId: uuid('partner_member_id').references(() => learningPartnerMembers.id),
    owner: text('owner').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status').$type<ActionStatus>().notNull().default('open'),
    doneOn: date('done_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('learning_actions_group_idx').on(t.groupOrgId), index('learning_actions_owner_idx').on(t.ownerOrgId)],
);

/** The partner members who attended a meeting, beside the free text of who else came. */
export const learningMeetingPartners = pgTable(
  'learning_meeting_partners',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => learningMeetings.id, { onDelete: 'cascade' }),
    partnerMemberId: uuid('partner_member_id')
      .notNull()
      .references(() => learningPartnerMembers.id),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.partnerMemberId] }), index('learning_meeting_partners_org_idx').on(t.orgId)],
);

/** A group's shared case study featured by a region's lead (org_id: the region) for regional learning. */
export const regionalFeaturedCaseStudies = pgTable(
  'regional_featured_case_studies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    sharedCaseStudyId: uuid('shared_case_study_id')
      .notNull()
      .references(() => sharedCaseStudies.id, { onDelete: 'cascade' }),
    featuredBy: uuid('featured_by').references(() => users.id),
    featuredByName: text('featured_by_name').notNull(),
    featuredAt: timestamp('featured_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('regional_featured_case_studies_study_idx').on(t.orgId, t.sharedCaseStudyId)],
);
