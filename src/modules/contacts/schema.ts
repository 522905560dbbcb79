import { boolean, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';

/** The multi-agency Prevent leadership the core standards name, and any other partner. */
export const contactRoles = [
  'ctp_lead',
  'local_authority_prevent_lead',
  'channel_panel_chair',
  'home_office_lead',
  'regional_prevent_forum',
  // The partnerships an organisation's Prevent work meets in (the engagement log's kinds of meeting).
  'community_safety_partnership',
  'prevent_board',
  'childrens_safeguarding_partnership',
  'adults_safeguarding_partnership',
  'other',
] as const;
export type ContactRole = (typeof contactRoles)[number];

export const multiAgencyContacts = pgTable(
  'multi_agency_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role').$type<ContactRole>().notNull(),
    name: text('name').notNull(),
    organisation: text('organisation').notNull(),
    email: text('email'),
    phone: text('phone'),
    notes: text('notes'),
    lastContactOn: date('last_contact_on'),
    /** A commissioner's contact shown to the providers it commissions. */
    sharedWithProviders: boolean('shared_with_providers').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [index('multi_agency_contacts_org_idx').on(t.orgId)],
);
