import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Role } from '../../platform/permissions.ts';
import { organisations } from '../organisations/schema.ts';

/** A person who can sign in. Roles are granted per organisation in role_grants. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  displayName: text('display_name').notNull(),
  /** Null until the person accepts their invitation and chooses a password. */
  passwordHash: text('password_hash'),
  totpSecret: text('totp_secret'),
  totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
  /** The last time step accepted, so that a code cannot be replayed. */
  totpLastStep: integer('totp_last_step'),
  failedSignIns: integer('failed_sign_ins').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const roleGrants = pgTable(
  'role_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').$type<Role>().notNull(),
    grantedBy: uuid('granted_by').references(() => users.id),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
    revokedBy: uuid('revoked_by').references(() => users.id),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** When a role given for a set time ends by itself (a CQC inspector's); null for a role held until revoked. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [index('role_grants_user_idx').on(t.userId), index('role_grants_org_idx').on(t.orgId)],
);

/** A one-time link with which an invited person sets their password. Only the token's hash is kept. */
export const invitations = pgTable('invitations', {
  tokenHash: text('token_hash').primaryKey(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => organisations.id),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  createdBy: uuid('created_by').references(() => users.id),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});
