import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { lockDataDirectory } from './lock.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** What a repository runs its queries on: the database, or a transaction already open. */
export type Executor = Db | Tx;

export type Database = {
  db: Db;
  kind: 'embedded' | 'server';
  /** Where the data lives, for messages: a directory or a server address without the password. */
  location: string;
  /** Runs raw SQL as the connecting role (migrations, health checks, test set-up). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Who is opening the embedded database, shown to a second process that finds it locked. */
  purpose: string;
  /** Pool size on a server. */
  maxConnections?: number;
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    // The server may end a connection while it is idle or closing (a restart, an administrator, a dropped
    // database). node-postgres reports that as an 'error' event, which would crash the process if no one
    // listened; a query in flight still fails on its own, and the pool opens a fresh connection next time.
    const lost = (error: Error) => process.emitWarning(`A database connection was closed by the server: ${error.message}`);
    pool.on('error', lost);
    pool.on('connect', (client) => client.on('error', lost));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const url = new URL(options.databaseUrl);
    url.password = '';
    return {
      db,
      kind: 'server',
      location: url.toString(),
      exec: async (sql) => {
        await pool.query(sql);
      },
      close: () => pool.end(),
    };
  }
  const release = lockDataDirectory(options.dataDir, options.purpose);
  try {
    const client = await PGlite.create(options.dataDir);
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'embedded',
      location: options.dataDir,
      exec: async (sql) => {
        await client.exec(sql);
      },
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
