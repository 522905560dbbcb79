import { and, eq, ne, notLike, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { concernCases } from '../modules/concerns/schema.ts';
import { caseStudies, lessonsActions } from '../modules/lessons/schema.ts';
import { referrals } from '../modules/referrals/schema.ts';
import { recordChecks } from '../modules/sharing/schema.ts';
import { seal, sealedPrefix } from '../platform/encryption.ts';
import type { Executor } from './client.ts';

/**
 * Columns of free text about a case that were stored in plain text before they were sealed. Their
 * services seal what they write and read with unsealOrPlain, so older plain rows keep reading; this
 * seals those rows once. SQL cannot do it (the key is not in the database), so it runs in code, after
 * the migrations, whenever the service starts and on `prevent-assure db migrate`.
 */
const sealedSinceFirstWritten: { table: PgTable; id: PgColumn; column: PgColumn }[] = [
  { table: referrals, id: referrals.id, column: referrals.policeReference },
  { table: recordChecks, id: recordChecks.id, column: recordChecks.systems },
  { table: concernCases, id: concernCases.id, column: concernCases.markerText },
  { table: lessonsActions, id: lessonsActions.id, column: lessonsActions.description },
  { table: lessonsActions, id: lessonsActions.id, column: lessonsActions.owner },
  { table: caseStudies, id: caseStudies.id, column: caseStudies.title },
];

/**
 * Seals every plain value left in those columns and says how many it sealed: 0 once done, so it is
 * safe to run at every start. Empty values (what erasure leaves) stay empty. Each value is replaced
 * only if it is still the plain text read, so two instances starting together seal each value once.
 * Runs as the tables' owner, across every organisation, as the migrations do.
 */
export async function sealPlainText(db: Executor): Promise<number> {
  let sealed = 0;
  for (const { table, id, column } of sealedSinceFirstWritten) {
    const plain = await db
      .select({ id, value: column })
      .from(table)
      .where(and(ne(column, ''), notLike(column, `${sealedPrefix}%`)));
    for (const row of plain) {
      const value = String(row.value);
      const changed = await db.execute(
        sql`update ${table} set ${sql.identifier(column.name)} = ${seal(value)} where ${and(eq(id, row.id), eq(column, value))} returning 1`,
      );
      sealed += (changed as unknown as { rows: unknown[] }).rows.length;
    }
  }
  return sealed;
}
