import { z } from 'zod';
import type { Database, Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { csvCell } from '../../platform/csv.ts';
import { addDays, isRealDate, spokenDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import type { Actor } from '../audit/service.ts';
import * as audit from '../audit/service.ts';
import type { Reminder } from '../notifications/service.ts';
import { courseForRecordIn } from './courses/service.ts';
import { dateField, emailField, level, shortText } from './fields.ts';
import { importSettingsIn } from './import/settings-service.ts';
import { needsAnalysisIn } from './needs-service.ts';
import * as repository from './repository.ts';
import {
  defaultExpiry,
  expiringSoonDays,
  levelNames,
  reminderDays,
  requiredLevelFor,
  type StatusMapping,
  scopeOfStatus,
} from './rules.ts';
import { type NeedsAnalysisRules, type RecordSource, type TrainingLevel, trainingLevels } from './schema.ts';

/*
 * The training module's service: staff, their records and status, records sent by API, and the
 * expiry reminders. Compliance figures and the needs analysis have files of their own; what the
 * command line, other modules and the tests use of them is re-exported here, so that outside the
 * module this file stays the one way in.
 */
export {
  asAtOrToday,
  type ComplianceFigures,
  complianceFigures,
  complianceFiguresIn,
  type Figures,
  type LevelCompliance,
  levelCountsAt,
  levelCountsForOrganisation,
  levelCountsIn,
  levelCountsOfOrgs,
  levelsBelowTarget,
  monthEnd,
  type ProviderCompliance,
  providersCompliance,
  refreshFiguresIn,
  type SharedLevelCompliance,
  trendDates,
} from './compliance-service.ts';
export {
  type ApprovedNeedsAnalysis,
  approvedNeedsAnalysesOf,
  type NeedsAnalysisView,
  needsAnalysis,
  needsAnalysisIn,
  needsRulesFromForm,
  saveNeedsAnalysis,
} from './needs-service.ts';

export { type Forecast, forecastOf } from './plan/service.ts';
export { percentOf } from './rules.ts';
export { levelNames, type TrainingLevel, trainingLevels };
export type StaffMember = repository.StaffRow;
export type TrainingRecord = repository.RecordRow;

// ---- staff and their status ----

export const staffStatuses = ['compliant', 'expiring', 'expired', 'never', 'out_of_scope'] as const;
export type StaffStatus = (typeof staffStatuses)[number];

export const statusNames: Record<StaffStatus, string> = {
  compliant: 'Up to date',
  expiring: `Expires within ${expiringSoonDays} days`,
  expired: 'Expired',
  never: 'Never trained',
  out_of_scope: 'Out of scope',
};

export type StaffWithStatus = repository.StaffStatusRow & { status: StaffStatus; outOfScopeReason: string | null };

function statusOf(row: repository.StaffStatusRow, asAt: string): { status: StaffStatus; outOfScopeReason: string | null } {
  if (row.leftOn !== null && row.leftOn <= asAt) return { status: 'out_of_scope', outOfScopeReason: `Left on ${row.leftOn}` };
  if (row.longTermAbsence) return { status: 'out_of_scope', outOfScopeReason: `Long-term absence (${row.assignmentStatus})` };
  if (row.startedOn !== null && row.startedOn > asAt)
    return { status: 'out_of_scope', outOfScopeReason: `Starts on ${row.startedOn}` };
  if (row.bestExpiresOn === null) return { status: 'never', outOfScopeReason: null };
  if (row.bestExpiresOn !== 'infinity' && row.bestExpiresOn <= asAt) return { status: 'expired', outOfScopeReason: null };
  if (row.bestExpiresOn !== 'infinity' && row.bestExpiresOn <= addDays(asAt, expiringSoonDays))
    return { status: 'expiring', outOfScopeReason: null };
  return { status: 'compliant', outOfScopeReason: null };
}

const staffFilterInput = z.object({
  directorate: shortText(200, 'Directorate'),
  department: shortText(200, 'Department'),
  staffGroup: shortText(200, 'Staff group'),
  requiredLevel: z.preprocess(blankToUndefined, level.optional()),
  status: z.preprocess(blankToUndefined, z.enum(staffStatuses, { error: 'Choose a status from the list' }).optional()),
  name: shortText(200, 'Name'),
});
export type StaffListFilter = z.infer<typeof staffFilterInput>;

export function parseStaffFilter(query: unknown): StaffListFilter {
  return parseInput(staffFilterInput, query);
}

/** The list's filter as the repository takes it: out-of-scope staff only when asked for by status. */
function staffQueryOf(filter: StaffListFilter): repository.StaffFilter {
  const { status, ...fields } = filter;
  return {
    ...fields,
    includeOutOfScope: status === 'out_of_scope',
    status: status === undefined ? undefined : { name: status, soonDays: expiringSoonDays },
  };
}

const withStatus =
  (asAt: string) =>
  (row: repository.StaffStatusRow): StaffWithStatus => ({ ...row, ...statusOf(row, asAt) });

/** The whole staff list with each person's status as at the date, filtered (the CSV export). */
export async function staffList(db: Db, ctx: RequestContext, asAt: string, filter: StaffListFilter): Promise<StaffWithStatus[]> {
  const rows = await withScope(db, ctx.scope, (tx) =>
    repository.staffWithBestRecord(tx, ctx.user.activeOrg.id, asAt, staffQueryOf(filter)),
  );
  return rows.map(withStatus(asAt));
}

export type StaffListPage = { rows: StaffWithStatus[]; total: number; page: number; pages: number };

/** One page of the staff list, paged in the database; a page number past either end gives the first or the last page. */
export async function staffListPage(
  db: Db,
  ctx: RequestContext,
  asAt: string,
  filter: StaffListFilter,
  requested: { page: number; size: number },
): Promise<StaffListPage> {
  const orgId = ctx.user.activeOrg.id;
  const query = staffQueryOf(filter);
  return withScope(db, ctx.scope, async (tx) => {
    const total = await repository.staffCount(tx, orgId, asAt, query);
    const pages = Math.max(1, Math.ceil(total / requested.size));
    const page = Math.min(pages, Math.max(1, requested.page));
    const rows = await repository.staffWithBestRecord(tx, orgId, asAt, query, undefined, {
      limit: requested.size,
      offset: (page - 1) * requested.size,
    });
    return { rows: rows.map(withStatus(asAt)), total, page, pages };
  });
}

export async function staffFilterOptions(db: Db, ctx: RequestContext) {
  return withScope(db, ctx.scope, (tx) => repository.distinctValues(tx, ctx.user.activeOrg.id));
}

export function staffListCsv(rows: StaffWithStatus[]): string {
  const header = [
    'Employee Number',
    'Assignment Number',
    'First Name',
    'Last Name',
    'Directorate',
    'Department',
    'Position Title',
    'Staff Group',
    'Required Level',
    'Status',
    'Course',
    'Completed',
    'Expires',
  ];
  const lines = rows.map((r) =>
    [
      r.employeeNumber,
      r.assignmentNumber,
      r.firstName,
      r.lastName,
      r.directorate,
      r.department,
      r.positionTitle,
      r.staffGroup,
      levelNames[r.requiredLevel],
      r.outOfScopeReason ?? statusNames[r.status],
      r.bestCourse,
      r.bestCompletedOn,
      r.bestExpiresOn === 'infinity' ? 'No expiry' : r.bestExpiresOn,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

export type StaffDetail = { member: StaffWithStatus; records: TrainingRecord[] };

export async function staffDetail(db: Db, ctx: RequestContext, id: string, asAt = todayInLondon()): Promise<StaffDetail> {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const [member] = await repository.staffWithBestRecord(tx, orgId, asAt, { includeOutOfScope: true }, { id });
    if (!member) throw new NotFoundError('staff member');
    return { member: { ...member, ...statusOf(member, asAt) }, records: await repository.recordsOf(tx, orgId, id) };
  });
}

/** The signed-in person's own assignments and records, found by their e-mail address on the staff record. */
export async function myTraining(db: Db, ctx: RequestContext, asAt = todayInLondon()): Promise<StaffDetail[]> {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const rows = await repository.staffWithBestRecord(tx, orgId, asAt, { includeOutOfScope: true }, { email: ctx.user.email });
    const mine: StaffDetail[] = [];
    for (const row of rows)
      mine.push({ member: { ...row, ...statusOf(row, asAt) }, records: await repository.recordsOf(tx, orgId, row.id) });
    return mine;
  });
}

// ---- entering staff and records ----

const staffInput = z.object({
  employeeNumber: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the employee number' }).max(30, 'Employee number must be 30 characters or fewer'),
  ),
  assignmentNumber: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the assignment number' }).max(30, 'Assignment number must be 30 characters or fewer'),
  ),
  firstName: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the first name' }).max(100, 'First name must be 100 characters or fewer'),
  ),
  lastName: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the last name' }).max(100, 'Last name must be 100 characters or fewer'),
  ),
  email: emailField,
  managerEmail: emailField,
  directorate: shortText(200, 'Directorate'),
  department: shortText(200, 'Department'),
  positionTitle: shortText(200, 'Position title'),
  staffGroup: shortText(200, 'Staff group'),
  assignmentStatus: shortText(100, 'Assignment status'),
  startedOn: dateField('Start date'),
  leftOn: dateField('Leaving date'),
});

/** The rules a staff member's fields are read with: the training needs analysis and the import settings' statuses. */
type StaffRules = { analysis: NeedsAnalysisRules; statuses: StatusMapping };

async function staffRulesIn(tx: Executor, orgId: string): Promise<StaffRules> {
  return { analysis: await needsAnalysisIn(tx, orgId), statuses: (await importSettingsIn(tx, orgId)).statusMapping };
}

function staffFields(fields: z.infer<typeof staffInput>, { analysis, statuses }: StaffRules): repository.StaffFields {
  if (fields.startedOn && fields.leftOn && fields.leftOn < fields.startedOn)
    throw new InputError({ leftOn: 'The leaving date must be on or after the start date' });
  const status = fields.assignmentStatus ?? 'Active Assignment';
  const scope = scopeOfStatus(statuses, status);
  if (!scope)
    throw new InputError({
      assignmentStatus: `“${status}” is not an assignment status in the import settings: use one that is, such as Active Assignment or Long Term Absence, or add it there first`,
    });
  if (scope === 'leaver' && !fields.leftOn)
    throw new InputError({ leftOn: `Enter the leaving date: the status “${status}” means the person has left` });
  return {
    employeeNumber: fields.employeeNumber,
    assignmentNumber: fields.assignmentNumber,
    firstName: fields.firstName,
    lastName: fields.lastName,
    email: fields.email ?? null,
    managerEmail: fields.managerEmail ?? null,
    directorate: fields.directorate ?? '',
    department: fields.department ?? '',
    positionTitle: fields.positionTitle ?? '',
    staffGroup: fields.staffGroup ?? '',
    assignmentStatus: status,
    longTermAbsence: scope === 'long_term_absence',
    startedOn: fields.startedOn ?? null,
    leftOn: fields.leftOn ?? null,
    requiredLevel: requiredLevelFor(analysis, fields.staffGroup ?? '', fields.positionTitle ?? ''),
  };
}

export async function addStaff(db: Db, ctx: RequestContext, input: unknown): Promise<StaffMember> {
  const fields = parseInput(staffInput, input);
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    if (await repository.staffByAssignment(tx, orgId, fields.assignmentNumber))
      throw new InputError({ assignmentNumber: 'A staff member with this assignment number is already recorded' });
    const created = await repository.insertStaff(tx, orgId, staffFields(fields, await staffRulesIn(tx, orgId)));
    await repository.refreshFigures(tx, orgId, [created.id]);
    await repository.syncAbsences(tx, orgId, todayInLondon());
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.staff.added',
      recordType: 'staff',
      recordId: created.id,
    });
    return created;
  });
}

export async function updateStaff(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const fields = parseInput(staffInput, input);
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    if (!(await repository.staffById(tx, orgId, id))) throw new NotFoundError('staff member');
    const other = await repository.staffByAssignment(tx, orgId, fields.assignmentNumber);
    if (other && other.id !== id) throw new InputError({ assignmentNumber: 'Another staff member has this assignment number' });
    await repository.updateStaff(tx, orgId, id, staffFields(fields, await staffRulesIn(tx, orgId)));
    await repository.refreshFigures(tx, orgId, [id]);
    // A change of assignment status starts or ends a period of absence today.
    await repository.syncAbsences(tx, orgId, todayInLondon());
    await audit.record(tx, ctx.actor, { orgId, action: 'training.staff.updated', recordType: 'staff', recordId: id });
  });
}

const recordInput = z.object({
  courseId: z.preprocess(blankToUndefined, z.string().optional()),
  course: shortText(300, 'Course name'),
  level,
  completedOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date it was completed' }).refine(isRealDate, 'Enter a real date'),
  ),
  expiresOn: dateField('Expiry date'),
  noExpiry: z.preprocess((v) => v === 'yes' || v === true, z.boolean()),
});

/** The expiry a record counts to: its own, or the 3-yearly refresher when it gives none. */
function expiryOf(
  fields: { completedOn: string; expiresOn?: string | undefined; noExpiry: boolean },
  today: string,
): { expiresOn: string | null; noExpiry: boolean; error?: Record<string, string> } {
  if (fields.completedOn > today)
    return { expiresOn: null, noExpiry: false, error: { completedOn: 'The completion date cannot be in the future' } };
  if (fields.noExpiry && fields.expiresOn)
    return { expiresOn: null, noExpiry: true, error: { expiresOn: 'Give an expiry date or tick "no expiry", not both' } };
  if (fields.noExpiry) return { expiresOn: null, noExpiry: true };
  if (fields.expiresOn && fields.expiresOn <= fields.completedOn)
    return { expiresOn: null, noExpiry: false, error: { expiresOn: 'The expiry date must be after the completion date' } };
  return { expiresOn: fields.expiresOn ?? defaultExpiry(fields.completedOn), noExpiry: false };
}

export async function addRecord(
  db: Db,
  ctx: RequestContext,
  staffId: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const fields = parseInput(recordInput, input);
  if (!fields.course && !fields.courseId)
    throw new InputError({ course: 'Enter the course name, or choose a registered course' });
  const expiry = expiryOf(fields, today);
  if (expiry.error) throw new InputError(expiry.error);
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    if (!(await repository.staffById(tx, orgId, staffId))) throw new NotFoundError('staff member');
    const registered = await courseForRecordIn(tx, orgId, fields.courseId, fields.level);
    const course = fields.course ?? registered?.title ?? '';
    const added = await repository.insertRecords(tx, orgId, [
      {
        staffId,
        course,
        courseId: registered?.id ?? null,
        level: fields.level,
        completedOn: fields.completedOn,
        ...expiry,
        source: 'manual',
      },
    ]);
    if (added === 0) throw new InputError({ course: 'This course is already recorded as completed on that date' });
    await repository.refreshFigures(tx, orgId, [staffId]);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.record.added',
      recordType: 'staff',
      recordId: staffId,
      details: { level: fields.level, completedOn: fields.completedOn },
    });
  });
}

// ---- the API: records pushed by another system ----

/** Most records in one API call; more go in several calls. */
export const maxRecordsPerCall = 5000;

const apiRecord = z.object({
  employeeNumber: z.string({ error: 'Give the employee number' }).trim().min(1, 'Give the employee number').max(30),
  assignmentNumber: z.string({ error: 'Give the assignment number' }).trim().min(1, 'Give the assignment number').max(30),
  firstName: z.string().trim().max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
  email: z.email({ error: 'Give an e-mail address in the correct format' }).optional(),
  directorate: z.string().max(200).optional(),
  department: z.string().max(200).optional(),
  positionTitle: z.string().max(200).optional(),
  staffGroup: z.string().max(200).optional(),
  course: z.string({ error: 'Give the course name' }).trim().min(1, 'Give the course name').max(300),
  level,
  completedOn: z.string({ error: 'Give the completion date' }).refine(isRealDate, 'Give a real date as YYYY-MM-DD'),
  expiresOn: z.string().refine(isRealDate, 'Give a real date as YYYY-MM-DD').optional(),
  noExpiry: z.boolean({ error: 'noExpiry must be true or false' }).optional(),
});
const apiBody = z.object(
  {
    records: z
      .array(apiRecord, { error: 'Give "records", a list of training records' })
      .min(1, 'Give at least one record')
      .max(maxRecordsPerCall, `Give at most ${maxRecordsPerCall} records in one call`),
  },
  { error: 'The body must be a JSON object with "records"' },
);

export type ApiResult = { received: number; recordsAdded: number; staffAdded: number };

/**
 * Training records from another system (a learning management system), all or nothing. A staff
 * member not yet known is added when the record gives their name; otherwise the record is refused.
 */
export async function receiveRecords(
  db: Db,
  caller: { orgId: string; actor: Actor },
  input: unknown,
  today = todayInLondon(),
): Promise<ApiResult> {
  const body = parseInput(apiBody, input);
  const expiries = body.records.map((r, i) => {
    const expiry = expiryOf({ completedOn: r.completedOn, expiresOn: r.expiresOn, noExpiry: r.noExpiry ?? false }, today);
    return { expiry, errors: expiry.error ? prefixed(`records.${i}`, expiry.error) : {} };
  });
  const errors = Object.assign({}, ...expiries.map((e) => e.errors)) as Record<string, string>;
  if (Object.keys(errors).length) throw new InputError(errors);
  return withScope(db, { userId: null, orgIds: [caller.orgId] }, async (tx) => {
    const analysis = await needsAnalysisIn(tx, caller.orgId);
    const staffIds = new Map<string, string>();
    let staffAdded = 0;
    const missing: Record<string, string> = {};
    for (const [i, r] of body.records.entries()) {
      if (staffIds.has(r.assignmentNumber)) continue;
      const known = await repository.staffByAssignment(tx, caller.orgId, r.assignmentNumber);
      if (known) {
        staffIds.set(r.assignmentNumber, known.id);
        continue;
      }
      if (!r.firstName || !r.lastName) {
        missing[`records.${i}.firstName`] =
          `Assignment ${r.assignmentNumber} is not known: give firstName and lastName to add the staff member`;
        continue;
      }
      const created = await repository.insertStaff(tx, caller.orgId, {
        employeeNumber: r.employeeNumber,
        assignmentNumber: r.assignmentNumber,
        firstName: r.firstName,
        lastName: r.lastName,
        email: r.email ?? null,
        managerEmail: null,
        directorate: r.directorate ?? '',
        department: r.department ?? '',
        positionTitle: r.positionTitle ?? '',
        staffGroup: r.staffGroup ?? '',
        assignmentStatus: 'Active Assignment',
        longTermAbsence: false,
        startedOn: null,
        leftOn: null,
        requiredLevel: requiredLevelFor(analysis, r.staffGroup ?? '', r.positionTitle ?? ''),
      });
      staffIds.set(r.assignmentNumber, created.id);
      staffAdded++;
    }
    // Nothing is kept unless every record can be: the transaction rolls back with the error.
    if (Object.keys(missing).length) throw new InputError(missing);
    const source: RecordSource = 'api';
    const recordsAdded = await repository.insertRecords(
      tx,
      caller.orgId,
      body.records.map((r, i) => ({
        staffId: staffIds.get(r.assignmentNumber) as string,
        course: r.course,
        level: r.level,
        completedOn: r.completedOn,
        expiresOn: expiries[i]?.expiry.expiresOn ?? null,
        noExpiry: expiries[i]?.expiry.noExpiry ?? false,
        source,
      })),
    );
    await repository.refreshFigures(tx, caller.orgId, [...staffIds.values()]);
    await audit.record(tx, caller.actor, {
      orgId: caller.orgId,
      action: 'training.records.received',
      recordType: 'training_records',
      details: { received: body.records.length, recordsAdded, staffAdded },
    });
    return { received: body.records.length, recordsAdded, staffAdded };
  });
}

const prefixed = (prefix: string, errors: Record<string, string>) =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${prefix}.${k}`, v]));

// ---- reminders ----

/**
 * Staff whose Prevent training expires within 60 days, and their managers, once per expiry date:
 * by e-mail from the staff record (the person need not have an account). The message names the
 * level and the date, nothing about anyone else.
 */
export async function expiryReminders(database: Database, today: string): Promise<Reminder[]> {
  const due = await repository.expiringInWindow(database.db, today, addDays(today, reminderDays));
  return due.map((person) => ({
    key: `expiry:${person.staffId}:${person.expiresOn}`,
    orgId: person.orgId,
    roles: [],
    title: 'Your Prevent training is due for renewal',
    body:
      `Prevent training (${levelNames[person.level].toLowerCase()}) expires on ${spokenDate(person.expiresOn)}. ` +
      'Book a place on a session before then. If you manage this member of staff, please make sure they do.',
    link: '/training/mine',
    addresses: [person.email, person.managerEmail].filter((a): a is string => Boolean(a)),
  }));
}
