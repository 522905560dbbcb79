import { type AnyPgColumn, boolean, date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { concernCases } from '../concerns/schema.ts';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/*
 * The information sharing protocol's records. Columns ending in `_sealed` hold ciphertext
 * (src/platform/encryption.ts). Rows are never updated by the app: erasure is the
 * erase_concern_case function's job (migration 0006).
 */

export const knownToServiceAnswers = ['known', 'not_known', 'unclear'] as const;
export type KnownToService = (typeof knownToServiceAnswers)[number];

/** The information sharing protocol's first step: the search for existing records. */
export const recordChecks = pgTable(
  'record_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    /**
     * The systems searched, by name (e.g. the patient administration system, the safeguarding database).
     * Sealed like the `_sealed` columns: it was plain text once (src/db/seal-backfill.ts seals what was
     * written then), and it is free text a person may have written more into. Erasure leaves it empty.
     */
    systems: text('systems').notNull(),
    searchedOn: date('searched_on').notNull(),
    searchedBy: text('searched_by').notNull(),
    knownToService: text('known_to_service').$type<KnownToService>().notNull(),
    findingsSealed: text('findings_sealed'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('record_checks_case_idx').on(t.caseId)],
);

/** One information sharing decision. Never edited: a correction is a new decision that points at the one it corrects. */
export const sharingDecisions = pgTable(
  'sharing_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => concernCases.id),
    informationSealed: text('information_sealed'),
    partner: text('partner').notNull(),
    partnerName: text('partner_name'),
    article6Basis: text('article6_basis').notNull(),
    /** Article 9 condition, when health or other special category data is shared. */
    article9Condition: text('article9_condition'),
    schedule1Condition: text('schedule1_condition'),
    consent: text('consent').notNull(),
    consentNoteSealed: text('consent_note_sealed'),
    shared: boolean('shared').notNull(),
    rationaleSealed: text('rationale_sealed'),
    decidedBy: text('decided_by').notNull(),
    decidedOn: date('decided_on').notNull(),
    correctsId: uuid('corrects_id').references((): AnyPgColumn => sharingDecisions.id),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sharing_decisions_case_idx').on(t.caseId),
    // A decision is corrected once; a later correction corrects the correction.
    uniqueIndex('sharing_decisions_corrects_idx').on(t.correctsId),
  ],
);
