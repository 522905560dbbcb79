// Every table, for Drizzle's typed queries and for drizzle-kit's migrations.
export * from '../modules/api-tokens/schema.ts';
export * from '../modules/audit/schema.ts';
export * from '../modules/concerns/schema.ts';
export * from '../modules/contacts/schema.ts';
export * from '../modules/leads/schema.ts';
export * from '../modules/lessons/schema.ts';
export * from '../modules/notifications/schema.ts';
export * from '../modules/organisations/schema.ts';
export * from '../modules/policies/schema.ts';
export * from '../modules/programme/schema.ts';
export * from '../modules/referrals/schema.ts';
export * from '../modules/risks/schema.ts';
export * from '../modules/sharing/schema.ts';
export * from '../modules/training/schema.ts';
export * from '../modules/users/schema.ts';
export * from '../platform/jobs/schema.ts';
export * from '../platform/sessions.schema.ts';
