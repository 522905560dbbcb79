import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/**
 * A version's life: a draft is worked on; the accountable lead signs it off (frozen from then on); a
 * provider submits a signed-off version to its commissioning ICB, which returns it with comments or accepts it.
 */
export const assessmentStatuses = ['draft', 'signed_off', 'submitted', 'returned', 'accepted'] as const;
export type AssessmentStatus = (typeof assessmentStatuses)[number];

/** What a person may record for a requirement no rule computes. */
export const personResults = ['met', 'partly_met', 'not_met', 'not_applicable'] as const;
export type PersonResult = (typeof personResults)[number];

/** What a computed `not met` may be overridden to, with a reason. */
export const overrideResults = ['met', 'partly_met'] as const;
export type OverrideResult = (typeof overrideResults)[number];

export const assessmentActionStatuses = ['open', 'in_progress', 'done'] as const;
export type AssessmentActionStatus = (typeof assessmentActionStatuses)[number];

export const submissionEvents = ['submitted', 'returned', 'accepted'] as const;
export type SubmissionEvent = (typeof submissionEvents)[number];

export type StoredLink = { text: string; href: string };

/** One version of an organisation's self-assessment for an NHS financial year (named by the year it starts). */
export const selfAssessments = pgTable(
  'self_assessments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    year: integer('year').notNull(),
    version: integer('version').notNull(),
    /** The edition of the core standards it is made against, kept whatever edition comes later. */
    edition: text('edition').notNull(),
    status: text('status').$type<AssessmentStatus>().notNull().default('draft'),
    narrative: text('narrative'),
    signedOffByUserId: uuid('signed_off_by_user_id').references(() => users.id),
    signedOffByName: text('signed_off_by_name'),
    signedOffAt: timestamp('signed_off_at', { withTimezone: true }),
    /** When this version was first submitted: from then on its commissioning ICB may read it. */
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('self_assessments_org_year_version_idx').on(t.orgId, t.year, t.version)],
);

/**
 * A requirement's answer in a version: a person's result (for what no rule computes), a note, an
 * override of a computed `not met` with its reason, and, once signed off, the computed result as it was that day.
 */
export const selfAssessmentAnswers = pgTable(
  'self_assessment_answers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => selfAssessments.id),
    requirementId: text('requirement_id').notNull(),
    computed: boolean('computed').notNull().default(false),
    computedResult: text('computed_result'),
    computedReason: text('computed_reason'),
    computedLinks: jsonb('computed_links').$type<StoredLink[]>(),
    result: text('result').$type<PersonResult>(),
    /** Why the requirement does not apply (with `not_applicable`). */
    reason: text('reason'),
    note: text('note'),
    overrideResult: text('override_result').$type<OverrideResult>(),
    overrideReason: text('override_reason'),
    answeredByName: text('answered_by_name'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('self_assessment_answers_requirement_idx').on(t.assessmentId, t.requirementId),
    index('self_assessment_answers_org_idx').on(t.orgId),
  ],
);

/** Evidence for a requirement in a version: a link to a record in the service, or an uploaded PDF or Word file. */
export const selfAssessmentEvidence = pgTable(
  'self_assessment_evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => selfAssessments.id),
    requirementId: text('requirement_id').notNull(),
    kind: text('kind').$type<'link' | 'file'>().notNull(),
    title: text('title').notNull(),
    href: text('href'),
    fileName: text('file_name'),
    fileType: text('file_type'),
    fileSize: bigint('file_size', { mode: 'number' }),
    fileSha256: text('file_sha256'),
    file: bytea('file'),
    addedByName: text('added_by_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('self_assessment_evidence_assessment_idx').on(t.assessmentId, t.requirementId)],
);

/** An action to meet a requirement: the year's plan, carried across versions. */
export const selfAssessmentActions = pgTable(
  'self_assessment_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    year: integer('year').notNull(),
    requirementId: text('requirement_id').notNull(),
    description: text('description').notNull(),
    owner: text('owner').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status').$type<AssessmentActionStatus>().notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('self_assessment_actions_org_year_idx').on(t.orgId, t.year)],
);

/** The history between a provider and its commissioning ICB: each submission, return and acceptance. */
export const selfAssessmentEvents = pgTable(
  'self_assessment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    commissionerId: uuid('commissioner_id')
      .notNull()
      .references(() => organisations.id),
    assessmentId: uuid('assessment_id')
      .notNull()
      .references(() => selfAssessments.id),
    year: integer('year').notNull(),
    version: integer('version').notNull(),
    event: text('event').$type<SubmissionEvent>().notNull(),
    byUserId: uuid('by_user_id').references(() => users.id),
    byName: text('by_name').notNull(),
    /** The overall comment (a return's, or an acceptance's). */
    comment: text('comment'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('self_assessment_events_org_year_idx').on(t.orgId, t.year),
    index('self_assessment_events_commissioner_idx').on(t.commissionerId),
  ],
);

/** The commissioner's comment on one requirement, made with a return or an acceptance. */
export const selfAssessmentComments = pgTable(
  'self_assessment_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    commissionerId: uuid('commissioner_id')
      .notNull()
      .references(() => organisations.id),
    eventId: uuid('event_id')
      .notNull()
      .references(() => selfAssessmentEvents.id),
    requirementId: text('requirement_id').notNull(),
    comment: text('comment').notNull(),
  },
  (t) => [index('self_assessment_comments_event_idx').on(t.eventId)],
);
