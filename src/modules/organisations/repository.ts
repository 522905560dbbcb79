import { asc, eq, inArray, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { organisations } from './schema.ts';

export type OrganisationRow = typeof organisations.$inferSelect;
export type NewOrganisation = typeof organisations.$inferInsert;

export async function all(tx: Executor): Promise<OrganisationRow[]> {
  return tx.select().from(organisations).orderBy(asc(organisations.name));
}

export async function byIds(tx: Executor, ids: readonly string[]): Promise<OrganisationRow[]> {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(organisations)
    .where(inArray(organisations.id, [...ids]))
    .orderBy(asc(organisations.name));
}

export async function byId(tx: Executor, id: string): Promise<OrganisationRow | undefined> {
  const [row] = await tx.select().from(organisations).where(eq(organisations.id, id));
  return row;
}

export async function byOdsCode(tx: Executor, odsCode: string): Promise<OrganisationRow | undefined> {
  const [row] = await tx.select().from(organisations).where(eq(organisations.odsCode, odsCode));
  return row;
}

/** An ICB and the providers it commissions. */
export async function commissionedBy(tx: Executor, icbId: string): Promise<OrganisationRow[]> {
  return tx
    .select()
    .from(organisations)
    .where(or(eq(organisations.id, icbId), eq(organisations.commissionerId, icbId)))
    .orderBy(asc(organisations.name));
}

export async function inRegion(tx: Executor, region: string): Promise<OrganisationRow[]> {
  return tx.select().from(organisations).where(eq(organisations.region, region)).orderBy(asc(organisations.name));
}

export async function insert(tx: Executor, organisation: NewOrganisation): Promise<OrganisationRow> {
  const [row] = await tx.insert(organisations).values(organisation).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function update(
  tx: Executor,
  id: string,
  changes: Partial<Pick<OrganisationRow, 'name' | 'region' | 'commissionerId'>>,
): Promise<void> {
  await tx
    .update(organisations)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(organisations.id, id));
}
