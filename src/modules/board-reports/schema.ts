import { boolean, date, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ReportDocument } from '../../platform/documents/document.ts';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

export const boardReportStatuses = ['draft', 'approved'] as const;
export type BoardReportStatus = (typeof boardReportStatuses)[number];

export const resourcesAnswers = ['adequate', 'not_adequate'] as const;
export type ResourcesAnswer = (typeof resourcesAnswers)[number];

/**
 * One version of an organisation's annual Prevent report to its board, for an NHS financial year (named by
 * the year it starts). A draft's figures are generated each time it is read; approval keeps the document
 * as it was, with a checksum, and a copy for outside the organisation with small numbers suppressed.
 */
export const boardReports = pgTable(
  'board_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    year: integer('year').notNull(),
    version: integer('version').notNull(),
    status: text('status').$type<BoardReportStatus>().notNull().default('draft'),
    significantIncidents: text('significant_incidents'),
    resourcesAnswer: text('resources_answer').$type<ResourcesAnswer>(),
    resourcesStatement: text('resources_statement'),
    priorities: text('priorities'),
    /** The accountable lead's choice at approval: the board's copy shows exact counts. The shared copy never does. */
    exactCountsForBoard: boolean('exact_counts_for_board').notNull().default(false),
    approvedByUserId: uuid('approved_by_user_id').references(() => users.id),
    approvedByName: text('approved_by_name'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    boardCopy: jsonb('board_copy').$type<ReportDocument>(),
    boardChecksum: text('board_checksum'),
    sharedCopy: jsonb('shared_copy').$type<ReportDocument>(),
    sharedChecksum: text('shared_checksum'),
    presentedOn: date('presented_on', { mode: 'string' }),
    minuteReference: text('minute_reference'),
    sharedAt: timestamp('shared_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('board_reports_org_year_version_idx').on(t.orgId, t.year, t.version)],
);
