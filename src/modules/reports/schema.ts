import { boolean, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import type { MonthFigures } from './month-figures.ts';

/**
 * An organisation's figures for one month, kept once and never recounted: trends and reports read these,
 * so a later import or edit changes today's figures, never a past month's. A month kept after it ended
 * (first asked for later, or the service was not running at the month end) says so.
 */
export const monthEndFigures = pgTable(
  'month_end_figures',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    /** The month, as 2026-03. */
    month: text('month').notNull(),
    figures: jsonb('figures').$type<MonthFigures>().notNull(),
    keptAt: timestamp('kept_at', { withTimezone: true }).notNull().defaultNow(),
    computedLater: boolean('computed_later').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.month] })],
);
