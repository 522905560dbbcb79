import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/*
 * The case module. Columns that end in `_sealed` hold AES-256-GCM ciphertext (see
 * src/platform/encryption.ts), never plain text; they are null once a case's personal data is erased.
 * Row-level security lets these tables be read only inside the case service (app.case_access).
 */

export const subjectTypes = ['patient', 'staff', 'visitor', 'other'] as const;
export type SubjectType = (typeof subjectTypes)[number];

export const caseStatuses = [
  'new',
  'triage',
  'gathering_information',
  'decision',
  'referred',
  'other_route',
  'no_further_action',
  'closed',
] as const;
export type CaseStatus = (typeof caseStatuses)[number];

export const concernCases = pgTable(
  'concern_cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    /** The reference people quote, e.g. PC-2026-0007: unique in the organisation, and holds nothing about the person. */
    reference: text('reference').notNull(),
    status: text('status').$type<CaseStatus>().notNull(),
    subjectType: text('subject_type').$type<SubjectType>().notNull(),
    subjectNameSealed: text('subject_name_sealed'),
    subjectNhsNumberSealed: text('subject_nhs_number_sealed'),
    /** A keyed hash of the NHS number, so that a case can be found by it without decrypting every case. */
    subjectNhsNumberHash: text('subject_nhs_number_hash'),
    subjectDateOfBirthSealed: text('subject_date_of_birth_sealed'),
    subjectIsChild: boolean('subject_is_child').notNull(),
    narrativeSealed: text('narrative_sealed'),
    locationSealed: text('location_sealed'),
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
    immediateRisk: boolean('immediate_risk').notNull(),
    raisedBy: uuid('raised_by').references(() => users.id),
    /** The API token that passed the concern on from another system, when it did not come from the form. */
    raisedByTokenId: uuid('raised_by_token_id'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the case was referred to police Prevent (its retention rule depends on it). */
    referredAt: timestamp('referred_at', { withTimezone: true }),
    reviewOn: date('review_on'),
    /**
     * The text of the marker on the patient record; null means the neutral default. Sealed like the
     * `_sealed` columns (it was plain text once; src/db/seal-backfill.ts seals what was written then):
     * a lead writes it freely, so it may say more about the person than a marker should.
     */
    markerText: text('marker_text'),
    /**
     * When a lead decided to put the marker on the patient record (during triage); null: no marker. Not
     * when the concern is raised: a marker every clinician sees is itself a decision to share.
     */
    markerPlacedAt: timestamp('marker_placed_at', { withTimezone: true }),
    closureReason: text('closure_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    retentionReviewOn: date('retention_review_on'),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('concern_cases_reference_idx').on(t.orgId, t.reference),
    index('concern_cases_org_status_idx').on(t.orgId, t.status, t.raisedAt),
    index('concern_cases_nhs_number_idx').on(t.orgId, t.subjectNhsNumberHash),
    index('concern_cases_retention_idx').on(t.orgId, t.retentionReviewOn),
  ],
);

/** The last reference number used per organisation and year. */
export const caseReferenceCounters = pgTable(
  'case_reference_counters',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.year] })],
);

/** Safeguarding practitioners working a case: need-to-know access. */
export const caseAssignments = pgTable(
  'case_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    assignedBy: uuid('assigned_by').references(() => users.id),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('case_assignments_open_idx').on(t.caseId, t.userId).where(sql`${t.endedAt} is null`),
    index('case_assignments_user_idx').on(t.orgId, t.userId),
  ],
);

/**
 * The case's own chronology: every move, note, check, decision, referral and access.
 * `summary` never holds personal data (it is what the timeline and reports show);
 * what was written about the person is in `detail_sealed`. Views are in the audit trail.
 */
export const caseEvents = pgTable(
  'case_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorLabel: text('actor_label').notNull(),
    kind: text('kind').notNull(),
    summary: text('summary').notNull(),
    detailSealed: text('detail_sealed'),
  },
  (t) => [index('case_events_case_idx').on(t.caseId, t.occurredAt)],
);

/** Access by a safeguarding practitioner not assigned to the case, with their reason: shown to the leads. */
export const breakGlassAccesses = pgTable(
  'break_glass_accesses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('break_glass_case_idx').on(t.caseId, t.userId)],
);

/** Per organisation: follow-up and retention rules. Missing row = the defaults in the service. */
export const concernSettings = pgTable('concern_settings', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id),
  policeFeedbackWorkingDays: integer('police_feedback_working_days').notNull(),
  retentionYearsReferred: integer('retention_years_referred').notNull(),
  retentionYearsNotReferred: integer('retention_years_not_referred').notNull(),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
