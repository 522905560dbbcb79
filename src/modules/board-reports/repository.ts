import { and, desc, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { boardReports } from './schema.ts';

export type BoardReportRow = typeof boardReports.$inferSelect;

export async function reportsOf(tx: Executor, orgId: string): Promise<BoardReportRow[]> {
  return tx
    .select()
    .from(boardReports)
    .where(eq(boardReports.orgId, orgId))
    .orderBy(desc(boardReports.year), desc(boardReports.version));
}

export async function reportById(tx: Executor, orgId: string, id: string): Promise<BoardReportRow | undefined> {
  const [row] = await tx
    .select()
    .from(boardReports)
    .where(and(eq(boardReports.orgId, orgId), eq(boardReports.id, id)));
  return row;
}

export async function insertReport(
  tx: Executor,
  row: Pick<BoardReportRow, 'orgId' | 'year' | 'version'> &
    Partial<Pick<BoardReportRow, 'significantIncidents' | 'resourcesAnswer' | 'resourcesStatement' | 'priorities'>>,
): Promise<BoardReportRow> {
  const [inserted] = await tx.insert(boardReports).values(row).returning();
  if (!inserted) throw new Error('The board report was not saved');
  return inserted;
}

export async function updateReport(
  tx: Executor,
  orgId: string,
  id: string,
  fields: Partial<Omit<BoardReportRow, 'id' | 'orgId' | 'year' | 'version' | 'createdAt'>>,
): Promise<void> {
  await tx
    .update(boardReports)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(boardReports.orgId, orgId), eq(boardReports.id, id)));
}

/** The reports of these organisations that were shared outside them, newest first. */
export async function sharedReportsOf(tx: Executor, orgIds: readonly string[]): Promise<BoardReportRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select()
    .from(boardReports)
    .where(and(inArray(boardReports.orgId, [...orgIds]), isNotNull(boardReports.sharedAt)))
    .orderBy(desc(boardReports.year), desc(boardReports.version));
}

/** Each organisation's approved reports presented to its board on or before the day, latest meeting first. */
export async function presentedReportsOf(tx: Executor, orgIds: readonly string[], day: string): Promise<BoardReportRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select()
    .from(boardReports)
    .where(
      and(
        inArray(boardReports.orgId, [...orgIds]),
        eq(boardReports.status, 'approved'),
        isNotNull(boardReports.presentedOn),
        lte(boardReports.presentedOn, day),
      ),
    )
    .orderBy(desc(boardReports.presentedOn));
}
