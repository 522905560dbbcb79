import { z } from 'zod';
import type { Database, Db, Executor, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { csvCell } from '../../platform/csv.ts';
import { addDays, addMonths, isRealDate, spokenDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { type SharedCount, sharedCount, sharedPercentage } from '../../platform/suppression.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import type { Actor } from '../audit/service.ts';
import * as audit from '../audit/service.ts';
import type { Reminder } from '../notifications/service.ts';
import * as repository from './repository.ts';
import {
  defaultExpiry,
  defaultNeedsAnalysis,
  expiringSoonDays,
  isLongTermAbsence,
  levelNames,
  percentOf,
  type Rag,
  ragOf,
  reminderDays,
  requiredLevelFor,
} from './rules.ts';
import { type NeedsAnalysisRules, type NeedsRule, type RecordSource, type TrainingLevel, trainingLevels } from './schema.ts';

export { levelNames, type TrainingLevel, trainingLevels };
export type StaffMember = repository.StaffRow;
export type TrainingRecord = repository.RecordRow;

export type Figures = repository.ComplianceCounts & { percent: number | null; rag: Rag | null };
export type LevelCompliance = Figures & { level: TrainingLevel };

const withFigures = <T extends repository.ComplianceCounts>(counts: T): T & Figures => {
  const percent = percentOf(counts.compliant, counts.inScope);
  return { ...counts, percent, rag: ragOf(percent) };
};

const emptyCounts: repository.ComplianceCounts = { inScope: 0, compliant: 0, expiringSoon: 0, expired: 0, neverTrained: 0 };

/** "As at" dates come from people and the command line: a real date or today. */
export function asAtOrToday(value: unknown, today = todayInLondon()): string {
  if (value === undefined || value === '') return today;
  if (typeof value !== 'string' || !isRealDate(value)) throw new InputError({ asAt: 'Enter a real date, like 2026-03-31' });
  return value;
}

/** The last day of the month the date falls in. */
export function monthEnd(day: string): string {
  return addDays(addMonths(`${day.slice(0, 7)}-01`, 1), -1);
}

/** The ends of the `count` months before the as-at date's month, oldest first, then the as-at date itself. */
export function trendDates(asAt: string, count = 12): string[] {
  const dates: string[] = [];
  for (let back = count; back >= 1; back--) dates.push(monthEnd(addMonths(`${asAt.slice(0, 7)}-01`, -back)));
  return [...dates, asAt];
}

// ---- the training needs analysis ----

/** The analysis in force for the organisation: its newest version, or the national default before it has one. */
export async function needsAnalysisIn(tx: Executor, orgId: string): Promise<NeedsAnalysisRules> {
  return (await repository.latestNeedsAnalysis(tx, orgId))?.rules ?? defaultNeedsAnalysis;
}

export type NeedsAnalysisView = {
  current: { version: number; approvedBy: string; approvedOn: string; notes: string | null } | null;
  rules: NeedsAnalysisRules;
  history: repository.NeedsAnalysisRow[];
};

export async function needsAnalysis(db: Db, ctx: RequestContext): Promise<NeedsAnalysisView> {
  return withScope(db, ctx.scope, async (tx) => {
    const history = await repository.needsAnalyses(tx, ctx.user.activeOrg.id);
    const [latest] = history;
    return {
      current: latest
        ? { version: latest.version, approvedBy: latest.approvedBy, approvedOn: latest.approvedOn, notes: latest.notes }
        : null,
      rules: latest?.rules ?? defaultNeedsAnalysis,
      history,
    };
  });
}

const level = z.enum(trainingLevels, { error: 'Choose basic Prevent awareness or level 3' });
const shortText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

/** A form posts rules as parallel lists: staffGroup[i], positionContains[i], level[i]; blank rows are dropped. */
const needsAnalysisForm = z.object({
  rules: z
    .array(
      z.object({
        staffGroup: shortText(120, 'Staff group'),
        positionContains: shortText(120, 'Position'),
        level: z.preprocess(blankToUndefined, level.optional()),
      }),
    )
    .max(100, 'A needs analysis holds at most 100 rules'),
  otherwise: level,
  approvedBy: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter who approved this needs analysis' }).max(120, 'Approver must be 120 characters or fewer'),
  ),
  approvedOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date it was approved' }).refine(isRealDate, 'Enter a real date, like 2026-04-01'),
  ),
  notes: shortText(2000, 'Notes'),
});

export function needsRulesFromForm(body: Record<string, unknown>): unknown {
  const list = (value: unknown) => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  const groups = list(body.staffGroup);
  const positions = list(body.positionContains);
  const levels = list(body.level);
  const rows = Math.max(groups.length, positions.length, levels.length);
  const rules = Array.from({ length: rows }, (_, i) => ({
    staffGroup: groups[i],
    positionContains: positions[i],
    level: levels[i],
  }));
  return { ...body, rules };
}

/** Records a new version of the analysis and re-derives every staff member's required level from it. */
export async function saveNeedsAnalysis(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<number> {
  // Field errors and rule errors are shown together, so that one correction round is enough.
  let fields: z.infer<typeof needsAnalysisForm> | undefined;
  const errors: Record<string, string> = {};
  try {
    fields = parseInput(needsAnalysisForm, input);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    Object.assign(errors, error.fieldErrors);
  }
  const posted = ((input as { rules?: unknown }).rules ?? []) as Record<string, unknown>[];
  const rules: NeedsRule[] = [];
  posted.forEach((raw, i) => {
    const staffGroup = blankToUndefined(raw.staffGroup) as string | undefined;
    const positionContains = blankToUndefined(raw.positionContains) as string | undefined;
    const needed = blankToUndefined(raw.level);
    if (!staffGroup && !positionContains && !needed) return;
    const at = `staffGroup-${i + 1}`;
    if (!staffGroup && !positionContains) errors[at] = `Rule ${i + 1}: enter a staff group, a position, or both`;
    else if (needed !== 'basic' && needed !== 'level3') errors[at] = `Rule ${i + 1}: choose the level it needs`;
    else rules.push({ ...(staffGroup ? { staffGroup } : {}), ...(positionContains ? { positionContains } : {}), level: needed });
  });
  if (fields && fields.approvedOn > today) errors.approvedOn = 'The date it was approved cannot be in the future';
  if (!fields || Object.keys(errors).length) throw new InputError(errors);
  const analysis: NeedsAnalysisRules = { rules, otherwise: fields.otherwise };
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const latest = await repository.latestNeedsAnalysis(tx, orgId);
    const version = (latest?.version ?? 0) + 1;
    const saved = await repository.insertNeedsAnalysis(tx, {
      orgId,
      version,
      rules: analysis,
      approvedBy: fields.approvedBy,
      approvedOn: fields.approvedOn,
      notes: fields.notes ?? null,
      createdBy: ctx.user.id,
    });
    const changed = await applyNeedsAnalysis(tx, orgId, analysis);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.needs-analysis.approved',
      recordType: 'training_needs_analysis',
      recordId: saved.id,
      details: { version, rules: rules.length, staffChanged: changed },
    });
    return version;
  });
}

/** Sets each staff member's required level from the analysis; returns how many changed. */
async function applyNeedsAnalysis(tx: Tx, orgId: string, analysis: NeedsAnalysisRules): Promise<number> {
  const people = await repository.staffForLevels(tx, orgId);
  const toChange: Record<TrainingLevel, string[]> = { basic: [], level3: [] };
  for (const person of people) {
    const needed = requiredLevelFor(analysis, person.staffGroup, person.positionTitle);
    if (needed !== person.requiredLevel) toChange[needed].push(person.id);
  }
  for (const needed of trainingLevels) await repository.setRequiredLevels(tx, orgId, needed, toChange[needed]);
  await repository.refreshFigures(tx, orgId, []);
  return toChange.basic.length + toChange.level3.length;
}

// ---- compliance ----

export type ComplianceFigures = {
  asAt: string;
  total: Figures;
  byLevel: LevelCompliance[];
  byDirectorate: (Figures & { name: string })[];
  byDepartment: (Figures & { name: string })[];
  byStaffGroup: (Figures & { name: string })[];
};

/** The organisation's compliance as at a date, overall and by level, directorate, department and staff group. */
export async function complianceFigures(db: Db, ctx: RequestContext, asAt: string): Promise<ComplianceFigures> {
  const rows = await withScope(db, ctx.scope, (tx) =>
    repository.complianceBreakdown(tx, ctx.user.activeOrg.id, asAt, asAt >= todayInLondon(), expiringSoonDays),
  );
  const of = (breakdown: repository.GroupedCounts['breakdown']) =>
    rows
      .filter((r) => r.breakdown === breakdown)
      .map(({ breakdown: _b, key, ...counts }) => ({ name: key, ...withFigures(counts) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  const total = rows.find((r) => r.breakdown === 'total');
  return {
    asAt,
    total: withFigures(total ? { ...emptyCounts, ...pickCounts(total) } : emptyCounts),
    byLevel: trainingLevels.map((lvl) => {
      const found = rows.find((r) => r.breakdown === 'level' && r.key === lvl);
      return { level: lvl, ...withFigures(found ? pickCounts(found) : emptyCounts) };
    }),
    byDirectorate: of('directorate'),
    byDepartment: of('department'),
    byStaffGroup: of('staffGroup'),
  };
}

const pickCounts = (r: repository.ComplianceCounts): repository.ComplianceCounts => ({
  inScope: r.inScope,
  compliant: r.compliant,
  expiringSoon: r.expiringSoon,
  expired: r.expired,
  neverTrained: r.neverTrained,
});

/** Per level at each date, inside a transaction already scoped to the organisation. */
export async function levelCountsIn(tx: Tx, orgId: string, dates: string[]): Promise<Map<string, LevelCompliance[]>> {
  const rows = await countsWithCache(tx, [orgId], dates);
  return new Map(dates.map((asAt) => [asAt, levelsAt(rows, orgId, asAt)]));
}

/**
 * Figures per organisation, level and date: today and later from the expiries kept on staff rows
 * (quick), past dates from the cache, counting and caching any past date not there yet.
 */
async function countsWithCache(
  tx: Tx,
  orgIds: string[],
  dates: string[],
  today = todayInLondon(),
): Promise<repository.LevelCounts[]> {
  const past = dates.filter((d) => d < today);
  const cached = await repository.snapshots(tx, orgIds, past);
  const held = new Set(cached.map((r) => `${r.orgId}|${r.asAt}`));
  const missing = past.filter((d) => orgIds.some((o) => !held.has(`${o}|${d}`)));
  const counted = await repository.levelCounts(
    tx,
    orgIds,
    [...missing, ...dates.filter((d) => d >= today)],
    today,
    expiringSoonDays,
  );
  // Every organisation, date and level is kept, noughts included, so that an empty one is not counted again.
  const toKeep: repository.LevelCounts[] = [];
  for (const orgId of orgIds)
    for (const asAt of missing) {
      if (held.has(`${orgId}|${asAt}`)) continue;
      for (const lvl of trainingLevels) {
        const found = counted.find((r) => r.orgId === orgId && r.asAt === asAt && r.level === lvl);
        toKeep.push(found ?? { orgId, asAt, level: lvl, ...emptyCounts });
      }
    }
  await repository.saveSnapshots(tx, toKeep);
  return [...cached, ...counted];
}

function levelsAt(rows: repository.LevelCounts[], orgId: string, asAt: string): LevelCompliance[] {
  return trainingLevels.map((lvl) => {
    const found = rows.find((r) => r.orgId === orgId && r.asAt === asAt && r.level === lvl);
    return { level: lvl, ...withFigures(found ? pickCounts(found) : emptyCounts) };
  });
}

/** The organisation's compliance per level at each date (trends, the forecast). */
export async function levelCountsAt(db: Db, ctx: RequestContext, dates: string[]): Promise<Map<string, LevelCompliance[]>> {
  return withScope(db, ctx.scope, (tx) => levelCountsIn(tx, ctx.user.activeOrg.id, dates));
}

/** After a bulk change (an import): every staff member's kept expiries, and no cached past figures. */
export const refreshFiguresIn = (tx: Tx, orgId: string) => repository.refreshFigures(tx, orgId);

/** For the command line: one organisation's figures per level as at a date, with nobody signed in. */
export async function levelCountsForOrganisation(db: Db, orgId: string, asAt: string): Promise<LevelCompliance[]> {
  const byDate = await withScope(db, { userId: null, orgIds: [orgId] }, (tx) => levelCountsIn(tx, orgId, [asAt]));
  return byDate.get(asAt) ?? [];
}

/**
 * A level's figures as they leave the provider: the headcount through the small-number gate, and the
 * percentage only where that headcount may be shown (a percentage of 3 people points at each of them).
 */
export type SharedLevelCompliance = {
  level: TrainingLevel;
  inScope: SharedCount;
  percent: number | null;
  rag: Rag | null;
  /** True when there are people in scope but too few to show their figures. */
  tooFew: boolean;
};

function sharedLevel(figures: LevelCompliance): SharedLevelCompliance {
  const percent = sharedPercentage(figures.percent, figures.inScope);
  return {
    level: figures.level,
    inScope: sharedCount(figures.inScope),
    percent,
    rag: ragOf(percent),
    tooFew: figures.inScope > 0 && percent === null,
  };
}

export type ProviderCompliance = {
  org: { id: string; name: string; odsCode: string };
  now: SharedLevelCompliance[];
  trend: { asAt: string; levels: SharedLevelCompliance[] }[];
};

/**
 * Each commissioned provider's compliance by level, and its trend. The figures are counted in a
 * scope opened for the providers and only counts leave this function, through the small-number
 * gate: the commissioner never reads a provider's staff.
 */
export async function providersCompliance(
  db: Db,
  ctx: RequestContext,
  providers: { id: string; name: string; odsCode: string }[],
  asAt: string,
): Promise<ProviderCompliance[]> {
  if (providers.length === 0) return [];
  const dates = trendDates(asAt);
  const rows = await withScope(db, { userId: ctx.user.id, orgIds: providers.map((p) => p.id) }, (tx) =>
    countsWithCache(
      tx,
      providers.map((p) => p.id),
      dates,
    ),
  );
  return providers.map((org) => ({
    org,
    now: levelsAt(rows, org.id, asAt).map(sharedLevel),
    trend: dates.map((date) => ({ asAt: date, levels: levelsAt(rows, org.id, date).map(sharedLevel) })),
  }));
}

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

const emailField = z.preprocess(
  blankToUndefined,
  z.email({ error: 'Enter an e-mail address in the correct format, like name@nhs.net' }).max(254).optional(),
);
const dateField = (label: string) =>
  z.preprocess(blankToUndefined, z.string().refine(isRealDate, `${label}: enter a real date, like 2026-04-01`).optional());

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

function staffFields(fields: z.infer<typeof staffInput>, analysis: NeedsAnalysisRules): repository.StaffFields {
  if (fields.startedOn && fields.leftOn && fields.leftOn < fields.startedOn)
    throw new InputError({ leftOn: 'The leaving date must be on or after the start date' });
  const status = fields.assignmentStatus ?? 'Active Assignment';
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
    longTermAbsence: isLongTermAbsence(status),
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
    const created = await repository.insertStaff(tx, orgId, staffFields(fields, await needsAnalysisIn(tx, orgId)));
    await repository.refreshFigures(tx, orgId, [created.id]);
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
    await repository.updateStaff(tx, orgId, id, staffFields(fields, await needsAnalysisIn(tx, orgId)));
    await repository.refreshFigures(tx, orgId, [id]);
    await audit.record(tx, ctx.actor, { orgId, action: 'training.staff.updated', recordType: 'staff', recordId: id });
  });
}

const recordInput = z.object({
  course: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the course name' }).max(300, 'Course name must be 300 characters or fewer'),
  ),
  level,
  completedOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date it was completed' }).refine(isRealDate, 'Enter a real date, like 2026-04-01'),
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
  const expiry = expiryOf(fields, today);
  if (expiry.error) throw new InputError(expiry.error);
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    if (!(await repository.staffById(tx, orgId, staffId))) throw new NotFoundError('staff member');
    const added = await repository.insertRecords(tx, orgId, [
      { staffId, course: fields.course, level: fields.level, completedOn: fields.completedOn, ...expiry, source: 'manual' },
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
