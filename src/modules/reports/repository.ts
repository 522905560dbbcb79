import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { MonthFigures } from './month-figures.ts';
import { boardReports, monthEndFigures } from './schema.ts';

export type KeptMonthRow = typeof monthEndFigures.$inferSelect;
export type BoardReportRow = typeof boardReports.$inferSelect;

export async function keptMonths(tx: Executor, orgIds: readonly string[], months: readonly string[]): Promise<KeptMonthRow[]> {
  if (orgIds.length === 0 || months.length === 0) return [];
  return tx
    .select()
    .from(monthEndFigures)
    .where(and(inArray(monthEndFigures.orgId, [...orgIds]), inArray(monthEndFigures.month, [...months])));
}

/** Keeps a month's figures; when another run kept them first, theirs stand and are returned. */
export async function keepMonth(
  tx: Executor,
  row: { orgId: string; month: string; figures: MonthFigures; computedLater: boolean },
): Promise<KeptMonthRow> {
  const [inserted] = await tx.insert(monthEndFigures).values(row).onConflictDoNothing().returning();
  if (inserted) return inserted;
  const [existing] = await keptMonths(tx, [row.orgId], [row.month]);
  if (!existing) throw new Error(`The figures for ${row.month} were neither kept nor found`);
  return existing;
}

// ---- board reports ----

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
