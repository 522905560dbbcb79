/*
 * The import's SQL: settings, the import log and its error report, and the staging and merge of a
 * staff record export. Every query on the organisation's tables names org_id and runs in a scope
 * (withScope) so that row-level security applies as well.
 *
 * Staging: valid rows are bulk-loaded with COPY into two temporary tables on one connection, then
 * merged into staff and training_records in one transaction. COPY loads several times faster than
 * batched inserts (PGlite's `COPY … FROM '/dev/blob'`; on a server, `COPY … FROM STDIN` through
 * pg-copy-streams). The staging tables hold nothing until the merge reads them, and vanish with the
 * connection; the COPY runs as the connecting role (PGlite allows a file COPY only to a superuser),
 * and the merge as prevent_app, which is granted only SELECT on them.
 */
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, Db, Executor } from '../../../db/client.ts';
import * as schema from '../../../db/schema.ts';
import { type ImportStatus, trainingImportErrors, trainingImportSettings, trainingImports } from '../schema.ts';

export type ImportRow = typeof trainingImports.$inferSelect;
export type ImportErrorRow = typeof trainingImportErrors.$inferSelect;
export type SettingsRow = typeof trainingImportSettings.$inferSelect;

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

// ---- settings ----

export async function settingsOf(tx: Executor, orgId: string): Promise<SettingsRow | undefined> {
  const [row] = await tx.select().from(trainingImportSettings).where(eq(trainingImportSettings.orgId, orgId));
  return row;
}

export type SavedSettings = Pick<
  SettingsRow,
  'columnMapping' | 'competenceRules' | 'statusMapping' | 'leaverConfirmationPercent'
>;

export async function saveSettings(tx: Executor, orgId: string, settings: SavedSettings): Promise<void> {
  await tx
    .insert(trainingImportSettings)
    .values({ orgId, ...settings })
    .onConflictDoUpdate({ target: trainingImportSettings.orgId, set: { ...settings, updatedAt: new Date() } });
}

export async function removeSettings(tx: Executor, orgId: string): Promise<void> {
  await tx.delete(trainingImportSettings).where(eq(trainingImportSettings.orgId, orgId));
}

// ---- the import log ----

export type NewImport = {
  id: string;
  fileName: string;
  dryRun: boolean;
  status: ImportStatus;
  bytesTotal: number;
  startedBy: string | null;
};

export async function insertImport(tx: Executor, orgId: string, fields: NewImport): Promise<ImportRow> {
  const [row] = await tx
    .insert(trainingImports)
    .values({ ...fields, orgId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function importById(tx: Executor, orgId: string, id: string): Promise<ImportRow | undefined> {
  const [row] = await tx
    .select()
    .from(trainingImports)
    .where(and(eq(trainingImports.id, id), eq(trainingImports.orgId, orgId)));
  return row;
}

export async function recentImports(tx: Executor, orgId: string, limit: number): Promise<ImportRow[]> {
  return tx
    .select()
    .from(trainingImports)
    .where(eq(trainingImports.orgId, orgId))
    .orderBy(desc(trainingImports.startedAt))
    .limit(limit);
}

export async function setProgress(
  tx: Executor,
  orgId: string,
  id: string,
  progress: { status?: ImportStatus; bytesRead: number; rowsRead: number; bytesTotal?: number },
): Promise<void> {
  await tx
    .update(trainingImports)
    .set(progress)
    .where(and(eq(trainingImports.id, id), eq(trainingImports.orgId, orgId)));
}

export async function finishImport(
  tx: Executor,
  orgId: string,
  id: string,
  outcome: {
    status: ImportStatus;
    bytesRead: number;
    rowsRead: number;
    errorCount: number;
    summary: Record<string, number> | null;
    failure: string | null;
  },
): Promise<void> {
  await tx
    .update(trainingImports)
    .set({ ...outcome, finishedAt: new Date() })
    .where(and(eq(trainingImports.id, id), eq(trainingImports.orgId, orgId)));
}

export type NewImportError = Omit<ImportErrorRow, 'importId' | 'orgId'>;

export async function insertErrors(tx: Executor, orgId: string, importId: string, errors: NewImportError[]): Promise<void> {
  for (let start = 0; start < errors.length; start += 500) {
    const batch = errors.slice(start, start + 500).map((e) => ({ ...e, importId, orgId }));
    await tx.insert(trainingImportErrors).values(batch).onConflictDoNothing();
  }
}

export async function removeErrors(tx: Executor, orgId: string, importId: string): Promise<void> {
  await tx
    .delete(trainingImportErrors)
    .where(and(eq(trainingImportErrors.importId, importId), eq(trainingImportErrors.orgId, orgId)));
}

/** A page of the stored report, in file order, after `afterSeq`. */
export async function errorsOf(
  tx: Executor,
  orgId: string,
  importId: string,
  afterSeq: number,
  limit: number,
): Promise<ImportErrorRow[]> {
  return tx
    .select()
    .from(trainingImportErrors)
    .where(
      and(
        eq(trainingImportErrors.importId, importId),
        eq(trainingImportErrors.orgId, orgId),
        gt(trainingImportErrors.seq, afterSeq),
      ),
    )
    .orderBy(asc(trainingImportErrors.seq))
    .limit(limit);
}

// ---- staging ----

/** One connection for the whole import: temporary tables belong to the connection that made them. */
export type Staging = {
  /** Queries on the staging connection (withScope works on it). */
  db: Db;
  staffTable: string;
  recordsTable: string;
  copyStaff(text: string): Promise<void>;
  copyRecords(text: string): Promise<void>;
  /**
   * Claims the import for this connection until close: false when another process is running it (a
   * job whose lease ran out while it was still working is claimed again; the second run must not start).
   */
  claim(importId: string): Promise<boolean>;
  /** Drops the staging tables and gives the connection back. */
  close(): Promise<void>;
};

/** Columns of the staff staging table, in the order the COPY text gives them. */
export const stagedStaffColumns = [
  'line',
  'assignment_number',
  'employee_number',
  'first_name',
  'last_name',
  'email',
  'manager_email',
  'directorate',
  'department',
  'position_title',
  'staff_group',
  'assignment_status',
  'long_term_absence',
  'is_leaver',
  'required_level',
] as const;

export const stagedRecordColumns = ['assignment_number', 'course', 'level', 'completed_on', 'expires_on', 'no_expiry'] as const;

/** COPY's text format: tab-separated, \N for null, backslash escapes. */
export function copyField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => copyEscapes[c] ?? c) : value;
}
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

type PgliteDb = Db & { $client: PGlite };
type PgDb = Db & { $client: pg.Pool };

export async function openStaging(database: Database): Promise<Staging> {
  const suffix = randomBytes(6).toString('hex');
  const staffTable = `import_staff_${suffix}`;
  const recordsTable = `import_records_${suffix}`;
  let db: Db;
  let copy: (table: string, columns: readonly string[], text: string) => Promise<void>;
  let release: () => void = () => {};
  if (database.kind === 'embedded') {
    const client = (database.db as PgliteDb).$client;
    db = database.db;
    copy = async (table, columns, text) => {
      await client.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], { blob: new Blob([text]) });
    };
  } else {
    const client = await (database.db as PgDb).$client.connect();
    release = () => client.release();
    db = drizzlePg(client, { schema }) as unknown as Db;
    copy = (table, columns, text) =>
      new Promise<void>((resolve, reject) => {
        const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
        stream.on('error', reject);
        stream.on('finish', () => resolve());
        stream.end(text);
      });
  }
  try {
    // Staging tables live in temporary buffers; the default 8 MB spills a large file to disk. Settable
    // only before the connection's first temporary table, so a connection that had one keeps its size.
    await db.execute(sql.raw(`set temp_buffers = '128MB'`)).catch(() => {});
    await db.execute(
      sql.raw(`create temporary table ${staffTable} (
        line integer not null, assignment_number text not null, employee_number text not null,
        first_name text not null, last_name text not null, email text, manager_email text,
        directorate text not null, department text not null, position_title text not null,
        staff_group text not null, assignment_status text not null, long_term_absence boolean not null,
        is_leaver boolean not null, required_level text not null)`),
    );
    await db.execute(
      sql.raw(`create temporary table ${recordsTable} (
        assignment_number text not null, course text not null, level text not null,
        completed_on date not null, expires_on date, no_expiry boolean not null)`),
    );
    await db.execute(sql.raw(`grant select on ${staffTable}, ${recordsTable} to prevent_app`));
  } catch (error) {
    release();
    throw error;
  }
  return {
    db,
    staffTable,
    recordsTable,
    copyStaff: (text) => copy(staffTable, stagedStaffColumns, text),
    copyRecords: (text) => copy(recordsTable, stagedRecordColumns, text),
    async claim(importId) {
      const result = await db.execute(sql`select pg_try_advisory_lock(hashtext(${`training.import:${importId}`})) as claimed`);
      return rowsOf<{ claimed: boolean }>(result)[0]?.claimed === true;
    },
    async close() {
      try {
        await db.execute(sql.raw(`drop table if exists ${staffTable}, ${recordsTable}`));
        // Session-level locks outlive the import on a pooled connection unless let go.
        await db.execute(sql`select pg_advisory_unlock_all()`);
      } finally {
        release();
      }
    },
  };
}

/**
 * Indexes and statistics for the merge. The planner knows nothing of a temporary table until it is
 * analysed (autovacuum never does), and the staff table's statistics are stale part-way through the
 * merge, so the lookups the merge makes by assignment number must not depend on the plan it guesses:
 * without the index, marking leavers on a PostgreSQL server compared every staff row with every staged one.
 */
export async function analyseStaging(staging: Staging): Promise<void> {
  await staging.db.execute(sql.raw(`create index on ${staging.staffTable} (assignment_number)`));
  await staging.db.execute(sql.raw(`analyze ${staging.staffTable}`));
  await staging.db.execute(sql.raw(`analyze ${staging.recordsTable}`));
}

export type StaffMergeCounts = {
  added: number;
  updated: number;
  /** Marked as leavers now: staff who were not, and new rows that arrive as leavers. */
  leftNow: number;
  /** Of leftNow, the staff who were already recorded and not leavers. */
  staffLeaving: number;
  returned: number;
  inFile: number;
};

/**
 * Staff upserted by assignment number, the last row of the file winning. A row changes only where
 * something differs, so that importing the same file again leaves updated_at alone. A leaver keeps
 * the date they first left; someone back in the file as active has it cleared.
 */
export async function mergeStaff(
  tx: Executor,
  staging: Pick<Staging, 'staffTable'>,
  orgId: string,
  today: string,
  withEmail: { email: boolean; managerEmail: boolean },
): Promise<StaffMergeCounts> {
  const table = sql.raw(staging.staffTable);
  const detailColumns = [
    'employee_number',
    'first_name',
    'last_name',
    ...(withEmail.email ? ['email'] : []),
    ...(withEmail.managerEmail ? ['manager_email'] : []),
    'directorate',
    'department',
    'position_title',
    'staff_group',
    'assignment_status',
    'long_term_absence',
    'required_level',
  ];
  const list = (prefix: string) => sql.raw(detailColumns.map((c) => `${prefix}${c}`).join(', '));
  const leftOn = sql`case when excluded.left_on is null then null else coalesce(s.left_on, excluded.left_on) end`;
  const result = await tx.execute(sql`
    with incoming as (
      select distinct on (assignment_number) assignment_number, ${list('')},
             case when is_leaver then ${today}::date end as left_on
        from ${table}
       order by assignment_number, line desc
    ),
    before as (
      select s.assignment_number, s.left_on
        from staff s join incoming i on i.assignment_number = s.assignment_number
       where s.org_id = ${orgId}
    ),
    upserted as (
      insert into staff as s (org_id, assignment_number, ${list('')}, left_on)
      select ${orgId}, assignment_number, ${list('')}, left_on from incoming
      on conflict (org_id, assignment_number) do update
         set ${sql.raw(detailColumns.map((c) => `${c} = excluded.${c}`).join(', '))},
             left_on = ${leftOn},
             updated_at = now()
       where (${list('s.')}, s.left_on) is distinct from (${list('excluded.')}, ${leftOn})
      returning s.assignment_number, (s.xmax = 0) as inserted, s.left_on
    )
    select count(*) filter (where u.inserted)::int as added,
           count(*) filter (where not u.inserted)::int as updated,
           count(*) filter (where u.left_on is not null and b.left_on is null)::int as "leftNow",
           count(*) filter (where not u.inserted and u.left_on is not null and b.left_on is null)::int as "staffLeaving",
           count(*) filter (where not u.inserted and u.left_on is null and b.left_on is not null)::int as returned,
           (select count(*)::int from incoming) as "inFile"
      from upserted u left join before b using (assignment_number)`);
  const [counts] = rowsOf<StaffMergeCounts>(result);
  return counts ?? { added: 0, updated: 0, leftNow: 0, staffLeaving: 0, returned: 0, inFile: 0 };
}

/** Staff of the organisation the file no longer lists are leavers from the import date: kept, never deleted. */
export async function markMissingAsLeft(
  tx: Executor,
  staging: Pick<Staging, 'staffTable'>,
  orgId: string,
  today: string,
): Promise<number> {
  const table = sql.raw(staging.staffTable);
  const result = await tx.execute(sql`
    with gone as (
      update staff s set left_on = ${today}::date, updated_at = now()
       where s.org_id = ${orgId} and s.left_on is null
         and not exists (select 1 from ${table} i where i.assignment_number = s.assignment_number)
      returning 1
    )
    select count(*)::int as n from gone`);
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}

/** Prevent courses completed, one record per staff member, course and completion date: one seen before is left alone. */
export async function mergeRecords(
  tx: Executor,
  staging: Pick<Staging, 'recordsTable'>,
  orgId: string,
  importId: string,
): Promise<number> {
  const table = sql.raw(staging.recordsTable);
  const result = await tx.execute(sql`
    with added as (
      insert into training_records (org_id, staff_id, course, level, completed_on, expires_on, no_expiry, source, import_id)
      select ${orgId}, s.id, r.course, r.level, r.completed_on, r.expires_on, r.no_expiry, 'import', ${importId}
        from ${table} r join staff s on s.org_id = ${orgId} and s.assignment_number = r.assignment_number
        -- In the order of the unique index: each index page is visited once rather than at random.
       order by s.id, r.course, r.completed_on
      on conflict (staff_id, course, completed_on) do nothing
      returning 1
    )
    select count(*)::int as n from added`);
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}

export type Headcount = { staff: number; inScope: number };

/** Staff not marked as leavers, and of them those in scope (started, not on long-term absence) on the day. */
export async function headcountOf(tx: Executor, orgId: string, today: string): Promise<Headcount> {
  const result = await tx.execute(sql`
    select count(*)::int as staff,
           count(*) filter (where (started_on is null or started_on <= ${today}::date) and not long_term_absence)::int as "inScope"
      from staff
     where org_id = ${orgId} and (left_on is null or left_on > ${today}::date)`);
  return rowsOf<Headcount>(result)[0] ?? { staff: 0, inScope: 0 };
}
