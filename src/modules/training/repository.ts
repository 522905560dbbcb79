import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { staff, type TrainingLevel, trainingComplianceSnapshots, trainingNeedsAnalyses, trainingRecords } from './schema.ts';

export type StaffRow = typeof staff.$inferSelect;
export type StaffFields = Omit<typeof staff.$inferInsert, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>;
export type RecordRow = typeof trainingRecords.$inferSelect;
export type NeedsAnalysisRow = typeof trainingNeedsAnalyses.$inferSelect;

/** The figures behind every compliance table: one row per group. */
export type ComplianceCounts = {
  inScope: number;
  compliant: number;
  expiringSoon: number;
  expired: number;
  neverTrained: number;
};

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** A training record's expiry, with "no expiry" as 'infinity' so that the latest one is max(). */
const recordExpiry = sql.raw(`case when r.no_expiry then 'infinity'::date else r.expires_on end`);

/** Whether the staff member (st) was on long-term absence on the day: a period of absence covers it. */
const absentAt = (day: string) =>
  sql`exists (select 1 from staff_absences ab where ab.staff_id = st.id and ab.from_on <= ${day}::date
                and (ab.until_on is null or ab.until_on > ${day}::date))`;

/**
 * Keeps the periods of absence in step with the staff rows after any change to them: a period opens on
 * the day for whoever is away now without one, and closes on the day for whoever is back. Someone added
 * in this transaction (created_at is its start) already away has been, as far as anyone can tell, since
 * before any date asked about: their record says nothing of when the absence began.
 */
export async function syncAbsences(tx: Executor, orgId: string, day: string): Promise<void> {
  await tx.execute(sql`
    update staff_absences ab set until_on = greatest(${day}::date, ab.from_on)
      from staff st
     where ab.staff_id = st.id and ab.org_id = ${orgId} and st.org_id = ${orgId}
       and ab.until_on is null and not st.long_term_absence`);
  await tx.execute(sql`
    insert into staff_absences (org_id, staff_id, from_on)
    select st.org_id, st.id, case when st.created_at >= now() then '-infinity'::date else ${day}::date end from staff st
     where st.org_id = ${orgId} and st.long_term_absence
       and not exists (select 1 from staff_absences ab where ab.staff_id = st.id and ab.until_on is null)`);
}

/*
 * Compliance as at a date, per staff member: in scope when started by then, not left by then and
 * not on long-term absence; the best record is the latest-expiring one of a level that covers the
 * need (level 3 covers basic), completed by then. A record is valid up to the day before it expires.
 * Records are grouped per person first and joined once (a hash join), rather than looked up per
 * person, which is what keeps an organisation of tens of thousands of staff quick.
 */
const staffAsAt = (orgIds: readonly string[], asAt: string, current: boolean) => {
  const orgs = `{${orgIds.join(',')}}`;
  // Today the staff row says who is away; before today, the periods of absence do.
  const inScope = sql`st.org_id = any(${orgs}::uuid[])
     and (st.started_on is null or st.started_on <= ${asAt}::date)
     and (st.left_on is null or st.left_on > ${asAt}::date)
     and not ${current ? sql`st.long_term_absence` : absentAt(asAt)}`;
  // Today and later: every record was completed by then, so the best expiries kept on the staff row are the answer.
  if (current)
    return sql`
    select st.org_id, st.required_level, st.directorate, st.department, st.staff_group,
           case when st.required_level = 'level3' then st.best_expiry_level3 else st.best_expiry_any end as best_expiry
      from staff st
     where ${inScope}`;
  return sql`
  select st.org_id, st.required_level, st.directorate, st.department, st.staff_group,
         case when st.required_level = 'level3' then best.level3 else best.any_level end as best_expiry
    from staff st
    left join (
      select r.staff_id,
             max(${recordExpiry}) as any_level,
             max(${recordExpiry}) filter (where r.level = 'level3') as level3
        from training_records r
       where r.org_id = any(${orgs}::uuid[]) and r.completed_on <= ${asAt}::date
       group by r.staff_id
    ) best on best.staff_id = st.id
   where ${inScope}`;
};

/**
 * Brings the best expiries kept on staff rows up to date with their records (all the organisation's
 * staff, or those named), and drops the organisation's cached past figures but its month ends. Call after every change
 * to staff, records or required levels.
 */
export async function refreshFigures(tx: Executor, orgId: string, staffIds?: readonly string[]): Promise<void> {
  const only = staffIds ? sql`and s.id = any(${`{${staffIds.join(',')}}`}::uuid[])` : sql``;
  await tx.execute(sql`
    update staff st set best_expiry_any = b.any_level, best_expiry_level3 = b.level3
      from (select s.id,
                   max(${recordExpiry}) as any_level,
                   max(${recordExpiry}) filter (where r.level = 'level3') as level3
              from staff s left join training_records r on r.staff_id = s.id
             where s.org_id = ${orgId} ${only}
             group by s.id) b
     where st.id = b.id
       and (st.best_expiry_any is distinct from b.any_level or st.best_expiry_level3 is distinct from b.level3)`);
  // A past month end is a fixed record (the trend, the month-end figures): only other cached days are recounted.
  await tx.execute(sql`
    delete from training_compliance_snapshots
     where org_id = ${orgId}
       and as_at <> (date_trunc('month', as_at) + interval '1 month - 1 day')::date`);
}

const countColumns = (asAt: string, soonDays: number) => sql`
  count(*)::int as "inScope",
  count(*) filter (where best_expiry > ${asAt}::date)::int as "compliant",
  count(*) filter (where best_expiry > ${asAt}::date and best_expiry <= ${asAt}::date + ${soonDays}::int)::int as "expiringSoon",
  count(*) filter (where best_expiry <= ${asAt}::date)::int as "expired",
  count(*) filter (where best_expiry is null)::int as "neverTrained"`;

export type GroupedCounts = ComplianceCounts & {
  /** Which breakdown the row belongs to. */
  breakdown: 'total' | 'level' | 'directorate' | 'department' | 'staffGroup';
  key: string;
};

/** The organisation's figures, overall and by required level, directorate, department and staff group, in one pass. */
export async function complianceBreakdown(
  tx: Executor,
  orgId: string,
  asAt: string,
  current: boolean,
  soonDays: number,
): Promise<GroupedCounts[]> {
  const result = await tx.execute(sql`
    with s as (${staffAsAt([orgId], asAt, current)})
    select case
             when grouping(required_level) = 0 then 'level'
             when grouping(directorate) = 0 then 'directorate'
             when grouping(department) = 0 then 'department'
             when grouping(staff_group) = 0 then 'staffGroup'
             else 'total' end as breakdown,
           coalesce(required_level, directorate, department, staff_group, '') as key,
           ${countColumns(asAt, soonDays)}
      from s
     group by grouping sets ((), (required_level), (directorate), (department), (staff_group))`);
  return rowsOf<GroupedCounts>(result);
}

export type LevelCounts = ComplianceCounts & { orgId: string; asAt: string; level: TrainingLevel };

/** Per organisation and required level, at each of the dates: for trends, forecasts and commissioners' views. */
export async function levelCounts(
  tx: Executor,
  orgIds: readonly string[],
  dates: readonly string[],
  today: string,
  soonDays: number,
): Promise<LevelCounts[]> {
  if (orgIds.length === 0 || dates.length === 0) return [];
  const all: LevelCounts[] = [];
  for (const asAt of dates) {
    const result = await tx.execute(sql`
      with s as (${staffAsAt(orgIds, asAt, asAt >= today)})
      select org_id as "orgId", ${asAt}::text as "asAt", required_level as level, ${countColumns(asAt, soonDays)}
        from s group by org_id, required_level`);
    all.push(...rowsOf<LevelCounts>(result));
  }
  return all;
}

/** Cached past figures for these organisations and dates. */
export async function snapshots(tx: Executor, orgIds: readonly string[], dates: readonly string[]): Promise<LevelCounts[]> {
  if (orgIds.length === 0 || dates.length === 0) return [];
  const result = await tx.execute(sql`
    select org_id as "orgId", as_at::text as "asAt", level, in_scope as "inScope", compliant,
           expiring_soon as "expiringSoon", expired, never_trained as "neverTrained"
      from training_compliance_snapshots
     where org_id = any(${`{${orgIds.join(',')}}`}::uuid[]) and as_at = any(${`{${dates.join(',')}}`}::date[])`);
  return rowsOf<LevelCounts>(result);
}

/** Keeps past figures just counted; a row already there (another request counted it too) is left alone. */
export async function saveSnapshots(tx: Executor, rows: readonly LevelCounts[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(trainingComplianceSnapshots)
    .values(
      rows.map((r) => ({
        orgId: r.orgId,
        asAt: r.asAt,
        level: r.level,
        inScope: r.inScope,
        compliant: r.compliant,
        expiringSoon: r.expiringSoon,
        expired: r.expired,
        neverTrained: r.neverTrained,
      })),
    )
    .onConflictDoNothing();
}

export type StaffStatusRow = StaffRow & {
  bestCourse: string | null;
  bestLevel: TrainingLevel | null;
  bestCompletedOn: string | null;
  /** 'infinity' for a record with no expiry. */
  bestExpiresOn: string | null;
};

export type StaffStatusName = 'compliant' | 'expiring' | 'expired' | 'never' | 'out_of_scope';

export type StaffFilter = {
  directorate?: string | undefined;
  department?: string | undefined;
  staffGroup?: string | undefined;
  requiredLevel?: TrainingLevel | undefined;
  name?: string | undefined;
  includeOutOfScope?: boolean | undefined;
  /** Only staff with this status as at the date; `soonDays` is how near an expiry counts as expiring. */
  status?: { name: StaffStatusName; soonDays: number } | undefined;
};

/** In scope as at the date (staff aliased st): started, not left and not on long-term absence. */
export const inScopeAt = (asAt: string) =>
  sql`(st.started_on is null or st.started_on <= ${asAt}::date) and (st.left_on is null or st.left_on > ${asAt}::date) and not ${absentAt(asAt)}`;

/**
 * The status filter in SQL, so that the list can be paged in the database. It must give the same
 * answer as the service's statusOf, which names each row's status on the page.
 */
function statusCondition(asAt: string, status: NonNullable<StaffFilter['status']>): SQL {
  const soon = sql`${asAt}::date + ${status.soonDays}::int`;
  switch (status.name) {
    case 'out_of_scope':
      return sql`not (${inScopeAt(asAt)})`;
    case 'never':
      return sql`best.expiry is null`;
    case 'expired':
      return sql`best.expiry <= ${asAt}::date`;
    case 'expiring':
      return sql`best.expiry > ${asAt}::date and best.expiry <= ${soon}`;
    case 'compliant':
      return sql`best.expiry > ${soon}`;
  }
}

/** The person's best record as at the date: the latest-expiring one of a level that covers their need. */
const bestRecordJoin = (asAt: string) => sql`
      left join lateral (
        select r.course, r.level, r.completed_on, ${recordExpiry} as expiry
          from training_records r
         where r.staff_id = st.id and r.completed_on <= ${asAt}::date
           and (r.level = 'level3' or st.required_level = 'basic')
         order by expiry desc nulls last, r.completed_on desc
         limit 1
      ) best on true`;

function staffConditions(orgId: string, asAt: string, filter: StaffFilter, where?: { id?: string; email?: string }): SQL {
  const conditions = [sql`st.org_id = ${orgId}`];
  if (filter.directorate) conditions.push(sql`st.directorate = ${filter.directorate}`);
  if (filter.department) conditions.push(sql`st.department = ${filter.department}`);
  if (filter.staffGroup) conditions.push(sql`st.staff_group = ${filter.staffGroup}`);
  if (filter.requiredLevel) conditions.push(sql`st.required_level = ${filter.requiredLevel}`);
  if (filter.name) {
    const pattern = `%${filter.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      sql`(st.first_name || ' ' || st.last_name ilike ${pattern} or st.employee_number = ${filter.name} or st.assignment_number = ${filter.name})`,
    );
  }
  if (!filter.includeOutOfScope) conditions.push(inScopeAt(asAt));
  if (filter.status) conditions.push(statusCondition(asAt, filter.status));
  if (where?.id) conditions.push(sql`st.id = ${where.id}`);
  if (where?.email) conditions.push(sql`lower(st.email) = lower(${where.email})`);
  return sql.join(conditions, sql` and `);
}

/** Staff with their best record as at the date, in name order, all or one page of them; status is named by the service. */
export async function staffWithBestRecord(
  tx: Executor,
  orgId: string,
  asAt: string,
  filter: StaffFilter,
  where?: { id?: string; email?: string },
  page?: { limit: number; offset: number },
): Promise<StaffStatusRow[]> {
  const paged = page ? sql`limit ${page.limit} offset ${page.offset}` : sql``;
  const result = await tx.execute(sql`
    select st.id, st.org_id as "orgId", st.employee_number as "employeeNumber", st.assignment_number as "assignmentNumber",
           st.first_name as "firstName", st.last_name as "lastName", st.email, st.manager_email as "managerEmail",
           st.directorate, st.department, st.position_title as "positionTitle", st.staff_group as "staffGroup",
           st.assignment_status as "assignmentStatus", ${absentAt(asAt)} as "longTermAbsence",
           st.started_on::text as "startedOn", st.left_on::text as "leftOn", st.required_level as "requiredLevel",
           st.created_at as "createdAt", st.updated_at as "updatedAt",
           best.course as "bestCourse", best.level as "bestLevel", best.completed_on::text as "bestCompletedOn",
           best.expiry::text as "bestExpiresOn"
      from staff st
      ${bestRecordJoin(asAt)}
     where ${staffConditions(orgId, asAt, filter, where)}
     order by st.last_name, st.first_name, st.assignment_number
     ${paged}`);
  return rowsOf<StaffStatusRow>(result);
}

/** How many staff the filter lists (the pages of the staff list). */
export async function staffCount(tx: Executor, orgId: string, asAt: string, filter: StaffFilter): Promise<number> {
  // Only a status by record needs each person's best record; the other filters read the staff row alone.
  const needsBest = filter.status !== undefined && filter.status.name !== 'out_of_scope';
  const result = await tx.execute(sql`
    select count(*)::int as count
      from staff st
      ${needsBest ? bestRecordJoin(asAt) : sql``}
     where ${staffConditions(orgId, asAt, filter)}`);
  return rowsOf<{ count: number }>(result)[0]?.count ?? 0;
}

/** The values present in a column, for the staff list's filters. */
export async function distinctValues(
  tx: Executor,
  orgId: string,
): Promise<Record<'directorate' | 'department' | 'staffGroup', string[]>> {
  const result = await tx.execute(sql`
    select 'directorate' as kind, directorate as value from staff where org_id = ${orgId} and directorate <> '' group by directorate
    union all select 'department', department from staff where org_id = ${orgId} and department <> '' group by department
    union all select 'staffGroup', staff_group from staff where org_id = ${orgId} and staff_group <> '' group by staff_group
    order by 1, 2`);
  const out: Record<'directorate' | 'department' | 'staffGroup', string[]> = { directorate: [], department: [], staffGroup: [] };
  for (const row of rowsOf<{ kind: keyof typeof out; value: string }>(result)) out[row.kind].push(row.value);
  return out;
}

export async function staffById(tx: Executor, orgId: string, id: string): Promise<StaffRow | undefined> {
  const [row] = await tx
    .select()
    .from(staff)
    .where(and(eq(staff.orgId, orgId), eq(staff.id, id)));
  return row;
}

export async function staffByAssignment(tx: Executor, orgId: string, assignmentNumber: string): Promise<StaffRow | undefined> {
  const [row] = await tx
    .select()
    .from(staff)
    .where(and(eq(staff.orgId, orgId), eq(staff.assignmentNumber, assignmentNumber)));
  return row;
}

export async function insertStaff(tx: Executor, orgId: string, fields: StaffFields): Promise<StaffRow> {
  const [row] = await tx
    .insert(staff)
    .values({ ...fields, orgId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateStaff(tx: Executor, orgId: string, id: string, fields: Partial<StaffFields>): Promise<void> {
  await tx
    .update(staff)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(staff.orgId, orgId), eq(staff.id, id)));
}

export async function recordsOf(tx: Executor, orgId: string, staffId: string): Promise<RecordRow[]> {
  return tx
    .select()
    .from(trainingRecords)
    .where(and(eq(trainingRecords.orgId, orgId), eq(trainingRecords.staffId, staffId)))
    .orderBy(desc(trainingRecords.completedOn));
}

export type NewRecord = Omit<typeof trainingRecords.$inferInsert, 'id' | 'orgId' | 'createdAt'>;

/** Adds records; one already held (same person, course and completion date) is left as it is. Returns how many were new. */
export async function insertRecords(tx: Executor, orgId: string, records: NewRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const inserted = await tx
    .insert(trainingRecords)
    .values(records.map((r) => ({ ...r, orgId })))
    .onConflictDoNothing()
    .returning({ id: trainingRecords.id });
  return inserted.length;
}

/** Every version of the organisations' needs analyses, the latest first. */
export async function needsAnalyses(tx: Executor, orgIds: readonly string[]): Promise<NeedsAnalysisRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select()
    .from(trainingNeedsAnalyses)
    .where(inArray(trainingNeedsAnalyses.orgId, [...orgIds]))
    .orderBy(desc(trainingNeedsAnalyses.version));
}

export async function latestNeedsAnalysis(tx: Executor, orgId: string): Promise<NeedsAnalysisRow | undefined> {
  const [row] = await tx
    .select()
    .from(trainingNeedsAnalyses)
    .where(eq(trainingNeedsAnalyses.orgId, orgId))
    .orderBy(desc(trainingNeedsAnalyses.version))
    .limit(1);
  return row;
}

export async function insertNeedsAnalysis(
  tx: Executor,
  row: Omit<typeof trainingNeedsAnalyses.$inferInsert, 'id' | 'createdAt'>,
): Promise<NeedsAnalysisRow> {
  const [created] = await tx.insert(trainingNeedsAnalyses).values(row).returning();
  if (!created) throw new Error('insert returned nothing');
  return created;
}

/** Staff whose required level differs from what the analysis gives, so that only they are updated. */
export async function staffForLevels(
  tx: Executor,
  orgId: string,
): Promise<Pick<StaffRow, 'id' | 'staffGroup' | 'positionTitle' | 'requiredLevel'>[]> {
  return tx
    .select({
      id: staff.id,
      staffGroup: staff.staffGroup,
      positionTitle: staff.positionTitle,
      requiredLevel: staff.requiredLevel,
    })
    .from(staff)
    .where(eq(staff.orgId, orgId))
    .orderBy(asc(staff.id));
}

export async function setRequiredLevels(tx: Executor, orgId: string, level: TrainingLevel, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(
    sql`update staff set required_level = ${level}, updated_at = now() where org_id = ${orgId} and id = any(${`{${ids.join(',')}}`}::uuid[])`,
  );
}

/** Staff in scope whose best record expires in the window, with the e-mail addresses to remind. Runs as the owner (reminder scan). */
export async function expiringInWindow(
  tx: Executor,
  from: string,
  to: string,
): Promise<
  { orgId: string; staffId: string; email: string | null; managerEmail: string | null; expiresOn: string; level: TrainingLevel }[]
> {
  const result = await tx.execute(sql`
    select st.org_id as "orgId", st.id as "staffId", st.email, st.manager_email as "managerEmail",
           best.expiry::text as "expiresOn", st.required_level as level
      from staff st
      join lateral (
        select max(${recordExpiry}) as expiry
          from training_records r
         where r.staff_id = st.id and r.completed_on <= ${from}::date
           and (r.level = 'level3' or st.required_level = 'basic')
      ) best on true
     where st.left_on is null and not st.long_term_absence
       and best.expiry > ${from}::date and best.expiry <= ${to}::date
       and (st.email is not null or st.manager_email is not null)`);
  return rowsOf(result);
}
