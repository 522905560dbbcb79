import { and, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { MonthFigures } from './month-figures.ts';
import { monthEndFigures } from './schema.ts';

export type KeptMonthRow = typeof monthEndFigures.$inferSelect;

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
