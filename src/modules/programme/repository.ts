import { and, asc, desc, eq, gt, gte, inArray, lt, lte, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programmeSettings, workProgrammeItems, workProgrammes } from './schema.ts';

export type ProgrammeRow = typeof workProgrammes.$inferSelect;
export type ItemRow = typeof workProgrammeItems.$inferSelect;
export type NewItem = typeof workProgrammeItems.$inferInsert;
export type ItemChanges = Partial<
  Pick<ItemRow, 'area' | 'title' | 'ownerUserId' | 'ownerName' | 'dueOn' | 'status' | 'notes' | 'evidence'>
>;

export async function yearStartMonth(tx: Executor, orgId: string): Promise<number | undefined> {
  const [row] = await tx.select().from(programmeSettings).where(eq(programmeSettings.orgId, orgId));
  return row?.yearStartMonth;
}

export async function saveYearStartMonth(tx: Executor, orgId: string, month: number): Promise<void> {
  await tx
    .insert(programmeSettings)
    .values({ orgId, yearStartMonth: month })
    .onConflictDoUpdate({ target: programmeSettings.orgId, set: { yearStartMonth: month } });
}

export type ProgrammeWithCounts = ProgrammeRow & { total: number; done: number };

/** An organisation's programmes, newest first, with how many items each has and how many are done. */
export async function programmesOf(tx: Executor, orgId: string): Promise<ProgrammeWithCounts[]> {
  return tx
    .select({
      id: workProgrammes.id,
      orgId: workProgrammes.orgId,
      startsOn: workProgrammes.startsOn,
      endsOn: workProgrammes.endsOn,
      copiedFrom: workProgrammes.copiedFrom,
      createdAt: workProgrammes.createdAt,
      total: sql<number>`count(${workProgrammeItems.id})::int`,
      done: sql<number>`count(${workProgrammeItems.id}) filter (where ${workProgrammeItems.status} = 'done')::int`,
    })
    .from(workProgrammes)
    .leftJoin(workProgrammeItems, eq(workProgrammeItems.programmeId, workProgrammes.id))
    .where(eq(workProgrammes.orgId, orgId))
    .groupBy(workProgrammes.id)
    .orderBy(desc(workProgrammes.startsOn));
}

/** The programme for a year: the one that starts in that calendar year. */
export async function programmeStartingIn(tx: Executor, orgId: string, year: number): Promise<ProgrammeRow | undefined> {
  const [row] = await tx
    .select()
    .from(workProgrammes)
    .where(
      and(
        eq(workProgrammes.orgId, orgId),
        gte(workProgrammes.startsOn, `${year}-01-01`),
        lte(workProgrammes.startsOn, `${year}-12-31`),
      ),
    );
  return row;
}

export async function programmeContaining(tx: Executor, orgId: string, day: string): Promise<ProgrammeRow | undefined> {
  const [row] = await tx
    .select()
    .from(workProgrammes)
    .where(and(eq(workProgrammes.orgId, orgId), lte(workProgrammes.startsOn, day), gte(workProgrammes.endsOn, day)));
  return row;
}

/** The programmes of several organisations that cover the day (at most one each). */
export async function programmesContaining(tx: Executor, orgIds: readonly string[], day: string): Promise<ProgrammeRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select()
    .from(workProgrammes)
    .where(and(inArray(workProgrammes.orgId, [...orgIds]), lte(workProgrammes.startsOn, day), gte(workProgrammes.endsOn, day)));
}

export async function latestStartingBefore(tx: Executor, orgId: string, day: string): Promise<ProgrammeRow | undefined> {
  const [row] = await tx
    .select()
    .from(workProgrammes)
    .where(and(eq(workProgrammes.orgId, orgId), lt(workProgrammes.startsOn, day)))
    .orderBy(desc(workProgrammes.startsOn))
    .limit(1);
  return row;
}

export async function earliestStartingAfter(tx: Executor, orgId: string, day: string): Promise<ProgrammeRow | undefined> {
  const [row] = await tx
    .select()
    .from(workProgrammes)
    .where(and(eq(workProgrammes.orgId, orgId), gt(workProgrammes.startsOn, day)))
    .orderBy(asc(workProgrammes.startsOn))
    .limit(1);
  return row;
}

export async function insertProgramme(tx: Executor, programme: typeof workProgrammes.$inferInsert): Promise<ProgrammeRow> {
  const [row] = await tx.insert(workProgrammes).values(programme).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function itemsOf(tx: Executor, programmeId: string): Promise<ItemRow[]> {
  return tx
    .select()
    .from(workProgrammeItems)
    .where(eq(workProgrammeItems.programmeId, programmeId))
    .orderBy(asc(workProgrammeItems.position), asc(workProgrammeItems.createdAt));
}

export async function itemsOfProgrammes(tx: Executor, programmeIds: readonly string[]): Promise<ItemRow[]> {
  if (programmeIds.length === 0) return [];
  return tx
    .select()
    .from(workProgrammeItems)
    .where(inArray(workProgrammeItems.programmeId, [...programmeIds]))
    .orderBy(asc(workProgrammeItems.position), asc(workProgrammeItems.createdAt));
}

/** An item of the organisation's, with the programme it belongs to; undefined for anyone else's. */
export async function itemOf(
  tx: Executor,
  orgId: string,
  id: string,
): Promise<{ item: ItemRow; programme: ProgrammeRow } | undefined> {
  const [row] = await tx
    .select({ item: workProgrammeItems, programme: workProgrammes })
    .from(workProgrammeItems)
    .innerJoin(workProgrammes, eq(workProgrammes.id, workProgrammeItems.programmeId))
    .where(and(eq(workProgrammeItems.id, id), eq(workProgrammeItems.orgId, orgId)));
  return row;
}

export async function insertItems(tx: Executor, items: NewItem[]): Promise<ItemRow[]> {
  if (items.length === 0) return [];
  return tx.insert(workProgrammeItems).values(items).returning();
}

export async function nextPosition(tx: Executor, programmeId: string): Promise<number> {
  const [row] = await tx
    .select({ max: sql<number | null>`max(${workProgrammeItems.position})` })
    .from(workProgrammeItems)
    .where(eq(workProgrammeItems.programmeId, programmeId));
  return (row?.max ?? -1) + 1;
}

export async function updateItem(tx: Executor, orgId: string, id: string, changes: ItemChanges): Promise<void> {
  await tx
    .update(workProgrammeItems)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(workProgrammeItems.id, id), eq(workProgrammeItems.orgId, orgId)));
}

export async function deleteItem(tx: Executor, orgId: string, id: string): Promise<number> {
  const removed = await tx
    .delete(workProgrammeItems)
    .where(and(eq(workProgrammeItems.id, id), eq(workProgrammeItems.orgId, orgId)))
    .returning({ id: workProgrammeItems.id });
  return removed.length;
}

export type DueItemRow = { orgId: string; id: string; title: string; dueOn: string };

const dueItemColumns = {
  orgId: workProgrammeItems.orgId,
  id: workProgrammeItems.id,
  title: workProgrammeItems.title,
  dueOn: sql<string>`${workProgrammeItems.dueOn}::text`,
};

/** Items not yet done with a due date in [from, to], across every organisation the executor can read. */
export async function openItemsDueBetween(tx: Executor, from: string, to: string): Promise<DueItemRow[]> {
  return tx
    .select(dueItemColumns)
    .from(workProgrammeItems)
    .where(and(ne(workProgrammeItems.status, 'done'), gte(workProgrammeItems.dueOn, from), lte(workProgrammeItems.dueOn, to)))
    .orderBy(asc(workProgrammeItems.dueOn), asc(workProgrammeItems.id));
}

/** Items not yet done whose due date is before the given day. */
export async function openItemsDueBefore(tx: Executor, day: string): Promise<DueItemRow[]> {
  return tx
    .select(dueItemColumns)
    .from(workProgrammeItems)
    .where(and(ne(workProgrammeItems.status, 'done'), lt(workProgrammeItems.dueOn, day)))
    .orderBy(asc(workProgrammeItems.dueOn), asc(workProgrammeItems.id));
}

/** One organisation's items not yet done whose due date is on or before `until`, earliest first. */
export async function openItemsOfDueBy(tx: Executor, orgId: string, until: string): Promise<DueItemRow[]> {
  return tx
    .select(dueItemColumns)
    .from(workProgrammeItems)
    .where(and(eq(workProgrammeItems.orgId, orgId), ne(workProgrammeItems.status, 'done'), lte(workProgrammeItems.dueOn, until)))
    .orderBy(asc(workProgrammeItems.dueOn), asc(workProgrammeItems.id));
}
