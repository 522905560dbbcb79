import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { multiAgencyContacts } from './schema.ts';

export type ContactRow = typeof multiAgencyContacts.$inferSelect;
export type ContactFields = Omit<
  typeof multiAgencyContacts.$inferInsert,
  'id' | 'orgId' | 'createdAt' | 'updatedAt' | 'archivedAt'
>;

export async function ofOrganisation(tx: Executor, orgId: string): Promise<ContactRow[]> {
  return tx
    .select()
    .from(multiAgencyContacts)
    .where(and(eq(multiAgencyContacts.orgId, orgId), isNull(multiAgencyContacts.archivedAt)))
    .orderBy(asc(multiAgencyContacts.role), asc(multiAgencyContacts.name));
}

/** Contacts another organisation shared with its providers: row-level security limits them to the provider's commissioner. */
export async function sharedWith(tx: Executor, orgId: string): Promise<ContactRow[]> {
  return tx
    .select()
    .from(multiAgencyContacts)
    .where(
      and(
        ne(multiAgencyContacts.orgId, orgId),
        eq(multiAgencyContacts.sharedWithProviders, true),
        isNull(multiAgencyContacts.archivedAt),
      ),
    )
    .orderBy(asc(multiAgencyContacts.role), asc(multiAgencyContacts.name));
}

export async function byId(tx: Executor, orgId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await tx
    .select()
    .from(multiAgencyContacts)
    .where(and(eq(multiAgencyContacts.id, id), eq(multiAgencyContacts.orgId, orgId), isNull(multiAgencyContacts.archivedAt)));
  return row;
}

export async function insert(tx: Executor, orgId: string, fields: ContactFields): Promise<ContactRow> {
  const [row] = await tx
    .insert(multiAgencyContacts)
    .values({ ...fields, orgId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function update(tx: Executor, orgId: string, id: string, fields: ContactFields): Promise<void> {
  await tx
    .update(multiAgencyContacts)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(multiAgencyContacts.id, id), eq(multiAgencyContacts.orgId, orgId)));
}

export async function archive(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx
    .update(multiAgencyContacts)
    .set({ archivedAt: new Date() })
    .where(and(eq(multiAgencyContacts.id, id), eq(multiAgencyContacts.orgId, orgId)));
}
