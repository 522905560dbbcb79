import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../modules/organisations/schema.ts';
import { users } from '../modules/users/schema.ts';

export type SessionStage = 'mfa-challenge' | 'mfa-enrolment' | 'signed-in';

/** Sessions live in the database so that any number of app instances can serve a user. */
export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie's token: a copy of this table cannot be used to sign in. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    activeOrgId: uuid('active_org_id').references(() => organisations.id),
    stage: text('stage').$type<SessionStage>().notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Sign-in attempts by address, for rate limiting across instances. */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ip: text('ip').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    succeeded: boolean('succeeded').notNull(),
  },
  (t) => [index('sign_in_attempts_ip_at_idx').on(t.ip, t.at)],
);
