import { sql } from 'drizzle-orm';
import { boolean, check, date, foreignKey, index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../organisations/schema.ts';
import { users } from '../users/schema.ts';

/** How far a contract quality check assured the commissioner. */
export const ratings = ['assured', 'partly_assured', 'not_assured'] as const;
export type Rating = (typeof ratings)[number];

export const contractActionStatuses = ['open', 'done'] as const;
export type ContractActionStatus = (typeof contractActionStatuses)[number];

/**
 * A contract an ICB holds with a provider it commissions, as its commissioner keeps it in the
 * register: whether the Prevent clauses of the NHS Standard Contract (SC32, Safeguarding) are in
 * it, and when it is next to be reviewed. Every row names both organisations: the ICB writes it,
 * the provider reads it.
 */
export const contracts = pgTable(
  'contracts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    icbOrgId: uuid('icb_org_id')
      .notNull()
      .references(() => organisations.id),
    providerOrgId: uuid('provider_org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    reference: text('reference'),
    /** The Prevent requirements of SC32 (Safeguarding) of the NHS Standard Contract are in the contract. */
    sc32Included: boolean('sc32_included').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on'),
    reviewOn: date('review_on').notNull(),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contracts_icb_idx').on(t.icbOrgId),
    index('contracts_provider_idx').on(t.providerOrgId),
    // What the checks' composite key refers to: a check names the same two organisations as its contract.
    unique('contracts_id_orgs_key').on(t.id, t.icbOrgId, t.providerOrgId),
  ],
);

/**
 * A quality check of a contract: the day, what was checked (Prevent in the contract, the provider's
 * staff trained, Prevent considered alongside other safeguarding), what was found and the rating.
 */
export const contractChecks = pgTable(
  'contract_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    icbOrgId: uuid('icb_org_id')
      .notNull()
      .references(() => organisations.id),
    providerOrgId: uuid('provider_org_id')
      .notNull()
      .references(() => organisations.id),
    contractId: uuid('contract_id').notNull(),
    checkedOn: date('checked_on').notNull(),
    checkedContract: boolean('checked_contract').notNull(),
    checkedTraining: boolean('checked_training').notNull(),
    checkedSafeguarding: boolean('checked_safeguarding').notNull(),
    findings: text('findings').notNull(),
    rating: text('rating').$type<Rating>().notNull(),
    checkedBy: text('checked_by').notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contract_checks_contract_idx').on(t.contractId),
    index('contract_checks_provider_idx').on(t.providerOrgId),
    index('contract_checks_icb_idx').on(t.icbOrgId),
    foreignKey({
      name: 'contract_checks_contract_fk',
      columns: [t.contractId, t.icbOrgId, t.providerOrgId],
      foreignColumns: [contracts.id, contracts.icbOrgId, contracts.providerOrgId],
    }),
    unique('contract_checks_id_orgs_key').on(t.id, t.icbOrgId, t.providerOrgId),
    check('contract_checks_rating_check', sql`${t.rating} in ('assured', 'partly_assured', 'not_assured')`),
    check('contract_checks_something_checked', sql`${t.checkedContract} or ${t.checkedTraining} or ${t.checkedSafeguarding}`),
  ],
);

/** An action from a quality check, owned by someone in the provider or in the ICB. */
export const contractCheckActions = pgTable(
  'contract_check_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    icbOrgId: uuid('icb_org_id')
      .notNull()
      .references(() => organisations.id),
    providerOrgId: uuid('provider_org_id')
      .notNull()
      .references(() => organisations.id),
    checkId: uuid('check_id').notNull(),
    description: text('description').notNull(),
    /** The provider or the ICB: its leads are reminded when it is overdue and may mark it done. */
    ownerOrgId: uuid('owner_org_id')
      .notNull()
      .references(() => organisations.id),
    /** The person who will do it, as a name: they need not have an account. */
    ownerName: text('owner_name').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status').$type<ContractActionStatus>().notNull().default('open'),
    doneOn: date('done_on'),
    doneBy: text('done_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contract_check_actions_check_idx').on(t.checkId),
    index('contract_check_actions_provider_idx').on(t.providerOrgId),
    index('contract_check_actions_icb_idx').on(t.icbOrgId),
    foreignKey({
      name: 'contract_check_actions_check_fk',
      columns: [t.checkId, t.icbOrgId, t.providerOrgId],
      foreignColumns: [contractChecks.id, contractChecks.icbOrgId, contractChecks.providerOrgId],
    }),
    check('contract_check_actions_owner_check', sql`${t.ownerOrgId} = ${t.icbOrgId} or ${t.ownerOrgId} = ${t.providerOrgId}`),
    check('contract_check_actions_status_check', sql`${t.status} in ('open', 'done')`),
    check('contract_check_actions_done_check', sql`(${t.status} = 'done') = (${t.doneOn} is not null)`),
  ],
);
