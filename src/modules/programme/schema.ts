import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/** The areas the core standards require an annual work programme to cover. */
export const programmeAreas = [
  'training_needs_analysis',
  'risk_assessment',
  'changes',
  'local_delivery',
  'primary_care',
  'other',
] as const;
export type ProgrammeArea = (typeof programmeAreas)[number];

export const itemStatuses = ['not_started', 'in_progress', 'done'] as const;
export type ItemStatus = (typeof itemStatuses)[number];

export type EvidenceLink = { label: string; url: string };

/** When an organisation's programme year starts (April, by default, as the NHS financial year). */
export const programmeSettings = pgTable('programme_settings', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organisations.id),
  yearStartMonth: integer('year_start_month').notNull().default(4),
});

export const workProgrammes = pgTable(
  'work_programmes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    copiedFrom: uuid('copied_from'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('work_programmes_org_year').on(t.orgId, t.startsOn)],
);

export const workProgrammeItems = pgTable(
  'work_programme_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => workProgrammes.id),
    area: text('area').$type<ProgrammeArea>().notNull(),
    title: text('title').notNull(),
    /** Required by the standard for this kind of organisation: it can be changed, not removed. */
    required: boolean('required').notNull().default(false),
    ownerUserId: uuid('owner_user_id').references(() => users.id),
    ownerName: text('owner_name'),
    dueOn: date('due_on'),
    status: text('status').$type<ItemStatus>().notNull().default('not_started'),
    notes: text('notes'),
    evidence: jsonb('evidence').$type<EvidenceLink[]>().notNull().default([]),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('work_programme_items_programme_idx').on(t.programmeId),
    index('work_programme_items_org_due_idx').on(t.orgId, t.dueOn),
  ],
);
