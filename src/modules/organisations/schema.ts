import { type AnyPgColumn, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const organisationKinds = ['icb', 'nhs_foundation_trust', 'nhs_trust', 'independent_provider', 'nhse_region'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

/** The directory of organisations, keyed by ODS code. Reference data: not itself tenant data. */
export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  odsCode: text('ods_code').notNull().unique(),
  name: text('name').notNull(),
  kind: text('kind').$type<OrganisationKind>().notNull(),
  region: text('region').notNull(),
  /** The ICB that commissions this provider; null for ICBs, regions and uncommissioned providers. */
  commissionerId: uuid('commissioner_id').references((): AnyPgColumn => organisations.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
