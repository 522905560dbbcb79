import { date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/** The two posts the core standards require in every organisation. */
export const leadPosts = ['accountable', 'operational'] as const;
export type LeadPost = (typeof leadPosts)[number];

/**
 * Who held a Prevent lead post, and when: the full history, never overwritten. The current
 * holder is the appointment whose dates cover today. The holder may be a user or a named
 * person who does not (yet) use the service.
 */
export const leadAppointments = pgTable(
  'lead_appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    post: text('post').$type<LeadPost>().notNull(),
    userId: uuid('user_id').references(() => users.id),
    personName: text('person_name').notNull(),
    jobTitle: text('job_title'),
    email: text('email'),
    phone: text('phone'),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the commissioning ICB was told of this appointment (the standard: "kept informed at all times"). */
    commissionerNotifiedAt: timestamp('commissioner_notified_at', { withTimezone: true }),
  },
  (t) => [index('lead_appointments_org_post_idx').on(t.orgId, t.post, t.startsOn)],
);
