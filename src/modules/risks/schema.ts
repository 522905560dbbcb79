import { boolean, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { workProgrammeItems } from '../programme/schema.ts';
import { users } from '../users/schema.ts';

/** What a Prevent risk is about: the local picture, and the organisation's own compliance. */
export const riskCategories = [
  'ctlp',
  'priority_area',
  'contest_delivery_group',
  'training',
  'estates_room_hire',
  'it_misuse',
  'information_sharing',
  'staffing_resources',
] as const;
export type RiskCategory = (typeof riskCategories)[number];

/** A score's band on the usual NHS 5 × 5 matrix (see bandOf). */
export type Band = 'low' | 'moderate' | 'high' | 'extreme';

export const riskStatuses = ['open', 'closed'] as const;
export type RiskStatus = (typeof riskStatuses)[number];

export const risks = pgTable(
  'risks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    title: text('title').notNull(),
    category: text('category').$type<RiskCategory>().notNull(),
    /** The person who owns the risk, as a name: they need not have an account. */
    owner: text('owner').notNull(),
    // Likelihood and impact, each 1 to 5; a score is their product.
    inherentLikelihood: integer('inherent_likelihood').notNull(),
    inherentImpact: integer('inherent_impact').notNull(),
    currentLikelihood: integer('current_likelihood').notNull(),
    currentImpact: integer('current_impact').notNull(),
    targetLikelihood: integer('target_likelihood').notNull(),
    targetImpact: integer('target_impact').notNull(),
    controls: text('controls'),
    actions: text('actions'),
    /** References to the same risk in the emergency preparedness (EPRR) and counter fraud registers. */
    eprrReference: text('eprr_reference'),
    counterFraudReference: text('counter_fraud_reference'),
    status: text('status').$type<RiskStatus>().notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('risks_org_idx').on(t.orgId)],
);

/** Each review of a risk: who, when, what they found, and the current likelihood and impact it set. */
export const riskReviews = pgTable(
  'risk_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    riskId: uuid('risk_id')
      .notNull()
      .references(() => risks.id),
    reviewedOn: date('reviewed_on').notNull(),
    reviewer: text('reviewer').notNull(),
    note: text('note'),
    likelihood: integer('likelihood').notNull(),
    impact: integer('impact').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('risk_reviews_risk_idx').on(t.riskId), index('risk_reviews_org_idx').on(t.orgId)],
);

/**
 * The counter terrorism local profile (CTLP) as the organisation records it, one per year (the
 * NHS financial year starting in April): never the protectively marked profile itself.
 */
export const ctlpRecords = pgTable(
  'ctlp_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    year: integer('year').notNull(),
    briefingReceivedOn: date('briefing_received_on'),
    /** The organisation's own summary of the themes. */
    themes: text('themes'),
    priorityArea: boolean('priority_area').notNull().default(false),
    /** Work programme items that reflect the profile, as free text references. */
    programmeReferences: text('programme_references'),
    reviewedOn: date('reviewed_on'),
    signedOffByUserId: uuid('signed_off_by_user_id').references(() => users.id),
    signedOffByName: text('signed_off_by_name'),
    signedOffOn: date('signed_off_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ctlp_records_org_year_idx').on(t.orgId, t.year)],
);

/** The organisation's risks that reflect a year's CTLP. */
export const ctlpRisks = pgTable(
  'ctlp_risks',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    ctlpId: uuid('ctlp_id')
      .notNull()
      .references(() => ctlpRecords.id),
    riskId: uuid('risk_id')
      .notNull()
      .references(() => risks.id),
  },
  (t) => [primaryKey({ columns: [t.ctlpId, t.riskId] }), index('ctlp_risks_org_idx').on(t.orgId)],
);

/** The organisation's work programme items that reflect a year's CTLP. */
export const ctlpProgrammeItems = pgTable(
  'ctlp_programme_items',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    ctlpId: uuid('ctlp_id')
      .notNull()
      .references(() => ctlpRecords.id),
    itemId: uuid('item_id')
      .notNull()
      .references(() => workProgrammeItems.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.ctlpId, t.itemId] }), index('ctlp_programme_items_org_idx').on(t.orgId)],
);
