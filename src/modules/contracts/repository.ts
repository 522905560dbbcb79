import { and, asc, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/client.ts';
import { contractCheckActions, contractChecks, contracts } from './schema.ts';

export type ContractRow = typeof contracts.$inferSelect;
export type ContractFields = Pick<
  typeof contracts.$inferInsert,
  'name' | 'reference' | 'sc32Included' | 'startsOn' | 'endsOn' | 'reviewOn' | 'notes'
>;
export type CheckRow = typeof contractChecks.$inferSelect;
export type CheckFields = Omit<typeof contractChecks.$inferInsert, 'id' | 'createdAt'>;
export type ActionRow = typeof contractCheckActions.$inferSelect;
export type ActionFields = Pick<
  typeof contractCheckActions.$inferInsert,
  'icbOrgId' | 'providerOrgId' | 'checkId' | 'description' | 'ownerOrgId' | 'ownerName' | 'dueOn'
>;

/**
 * Whose rows a query reads: an ICB's with the providers it commissions now, or a provider's own.
 * Row-level security applies the same rule; the filter keeps each query to what it is for.
 */
export type Reach = { icbOrgId: string; providerOrgIds: readonly string[] } | { providerOrgId: string };

function where(reach: Reach, columns: { icbOrgId: AnyPgColumn; providerOrgId: AnyPgColumn }): SQL | undefined {
  if ('providerOrgId' in reach) return eq(columns.providerOrgId, reach.providerOrgId);
  return and(eq(columns.icbOrgId, reach.icbOrgId), inArray(columns.providerOrgId, [...reach.providerOrgIds]));
}

const empty = (reach: Reach) => 'providerOrgIds' in reach && reach.providerOrgIds.length === 0;

// ---- contracts ----

/** The contracts in reach, each provider's latest start first. */
export async function contractsIn(tx: Executor, reach: Reach): Promise<ContractRow[]> {
  if (empty(reach)) return [];
  return tx
    .select()
    .from(contracts)
    .where(where(reach, contracts))
    .orderBy(asc(contracts.providerOrgId), desc(contracts.startsOn), asc(contracts.name), asc(contracts.id));
}

export async function contractById(tx: Executor, id: string): Promise<ContractRow | undefined> {
  const [row] = await tx.select().from(contracts).where(eq(contracts.id, id));
  return row;
}

export async function insertContract(
  tx: Executor,
  orgs: { icbOrgId: string; providerOrgId: string },
  fields: ContractFields,
): Promise<ContractRow> {
  const [row] = await tx
    .insert(contracts)
    .values({ ...fields, ...orgs })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateContract(tx: Executor, id: string, fields: ContractFields): Promise<void> {
  await tx
    .update(contracts)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(contracts.id, id));
}

// ---- quality checks ----

/** The checks in reach, the latest first. */
export async function checksIn(tx: Executor, reach: Reach): Promise<CheckRow[]> {
  if (empty(reach)) return [];
  return tx
    .select()
    .from(contractChecks)
    .where(where(reach, contractChecks))
    .orderBy(desc(contractChecks.checkedOn), desc(contractChecks.createdAt), asc(contractChecks.id));
}

export async function checkById(tx: Executor, id: string): Promise<CheckRow | undefined> {
  const [row] = await tx.select().from(contractChecks).where(eq(contractChecks.id, id));
  return row;
}

export async function insertCheck(tx: Executor, fields: CheckFields): Promise<CheckRow> {
  const [row] = await tx.insert(contractChecks).values(fields).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

// ---- actions ----

/** The actions in reach: open first, then by due date. */
export async function actionsIn(tx: Executor, reach: Reach): Promise<ActionRow[]> {
  if (empty(reach)) return [];
  return tx
    .select()
    .from(contractCheckActions)
    .where(where(reach, contractCheckActions))
    .orderBy(desc(contractCheckActions.status), asc(contractCheckActions.dueOn), asc(contractCheckActions.createdAt));
}

export async function actionById(tx: Executor, id: string): Promise<ActionRow | undefined> {
  const [row] = await tx.select().from(contractCheckActions).where(eq(contractCheckActions.id, id));
  return row;
}

export async function insertAction(tx: Executor, fields: ActionFields): Promise<ActionRow> {
  const [row] = await tx.insert(contractCheckActions).values(fields).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function markActionDone(tx: Executor, id: string, doneOn: string, doneBy: string): Promise<void> {
  await tx
    .update(contractCheckActions)
    .set({ status: 'done', doneOn, doneBy, updatedAt: new Date() })
    .where(and(eq(contractCheckActions.id, id), eq(contractCheckActions.status, 'open')));
}

// ---- background work (the connecting role: no tenant scope) ----

/** Every open action whose due date has passed, for the daily reminder scan. */
export async function overdueActions(db: Executor, today: string): Promise<ActionRow[]> {
  return db
    .select()
    .from(contractCheckActions)
    .where(and(eq(contractCheckActions.status, 'open'), lt(contractCheckActions.dueOn, today)))
    .orderBy(asc(contractCheckActions.dueOn), asc(contractCheckActions.id));
}

/** A check and its contract, for the job that tells both sides it was recorded. */
export async function checkWithContract(
  db: Executor,
  checkId: string,
): Promise<{ check: CheckRow; contract: ContractRow } | undefined> {
  const [row] = await db
    .select({ check: contractChecks, contract: contracts })
    .from(contractChecks)
    .innerJoin(contracts, eq(contracts.id, contractChecks.contractId))
    .where(eq(contractChecks.id, checkId));
  return row;
}
