import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateServer } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migrateEmbedded } from 'drizzle-orm/pglite/migrator';
import type { Database } from './client.ts';

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function migrate(database: Database): Promise<void> {
  if (database.kind === 'server') {
    await migrateServer(database.db as unknown as NodePgDatabase, { migrationsFolder });
  } else {
    await migrateEmbedded(database.db as unknown as PgliteDatabase, { migrationsFolder });
  }
}

/** How many migrations the code has, and how many the database has applied. */
export async function migrationStatus(database: Database): Promise<{ expected: number; applied: number }> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  // A database never migrated has no migrations table: that is "0 applied", not "unreachable".
  const exists = await database.db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!(exists as unknown as { rows: { present: boolean }[] }).rows[0]?.present)
    return { expected: journal.entries.length, applied: 0 };
  const result = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  const applied = Number((result as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0);
  return { expected: journal.entries.length, applied };
}
