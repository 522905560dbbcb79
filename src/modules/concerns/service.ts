import { z } from 'zod';
import type { Database, Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, isRealDate, londonDateTime, todayInLondon } from '../../platform/dates.ts';
import { keyedHash, seal } from '../../platform/encryption.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs/queue.ts';
import { normaliseNhsNumber } from '../../platform/nhs-number.ts';
import { preventLeadRoles } from '../../platform/permissions.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { notifyRoles, type ReminderSource } from '../notifications/service.ts';
import * as users from '../users/service.ts';
import {
  addEvent,
  auditChange,
  breakGlassOpenings,
  type CaseSummary,
  type OpenCase,
  requireNotErased,
  summaryOf,
  viewersOf,
  withCase,
  withLeadCases,
  workersIn,
} from './access.ts';
import * as repository from './repository.ts';
import { type CaseStatus, caseStatuses, type SubjectType, subjectTypes } from './schema.ts';
import { type ClosureReason, checkMove, closureReasons, movesFrom, openStatuses, statusNames } from './workflow.ts';

// Other modules open cases through this service; the access rules live beside it.
export {
  addEvent,
  assign,
  auditChange,
  BreakGlassNeeded,
  type CaseSummary,
  type OpenCase,
  requireLead,
  requireNotErased,
  unassign,
  withCase,
  withLeadCases,
} from './access.ts';
export { type CaseStatus, caseStatuses, closureReasons, type SubjectType, statusNames, subjectTypes };

export const subjectTypeNames: Record<SubjectType, string> = {
  patient: 'Patient',
  staff: 'Staff member',
  visitor: 'Visitor',
  other: 'Someone else',
};

/** The marker's text on a shared record unless the lead chooses otherwise: it must not itself disclose or stigmatise. */
export const neutralMarkerText = 'Safeguarding information held – contact the safeguarding team';

// ---- raising a concern ----

const requiredText = (label: string, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `Enter ${label}` })
      .max(max, `${label[0]?.toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`),
  );

const yesNo = (message: string) =>
  z.preprocess(
    (v) => (v === 'yes' || v === true ? true : v === 'no' || v === false ? false : undefined),
    z.boolean({ error: message }),
  );

/** What a concern says, from the form or the API: the same rules for both. */
const concernFields = z.object({
  subjectType: z.enum(subjectTypes, { error: 'Choose who the concern is about' }),
  subjectName: requiredText('their name, or a description if you do not know it', 200),
  nhsNumber: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v, ctx) => {
        const digits = normaliseNhsNumber(v);
        if (!digits) {
          ctx.addIssue({ code: 'custom', message: 'Enter a valid 10-digit NHS number, like 485 777 3456, or leave it blank' });
          return z.NEVER;
        }
        return digits;
      })
      .optional(),
  ),
  dateOfBirth: z.preprocess(
    blankToUndefined,
    z.string().refine(isRealDate, 'Enter a real date of birth, like 1984-03-15, or leave it blank').optional(),
  ),
  isChild: z.preprocess(
    (v) => (v === 'yes' || v === true ? true : v === 'no' || v === false ? false : undefined),
    z.boolean().optional(),
  ),
  narrative: requiredText('what you saw or heard', 10_000),
  observedAt: z.preprocess(
    blankToUndefined,
    z.iso.datetime({ offset: true, local: true, error: 'Enter when it happened, as a date and a time' }),
  ),
  location: requiredText('where it happened', 300),
  immediateRisk: yesNo('Say whether anyone is at immediate risk'),
});

export type ConcernInput = z.input<typeof concernFields>;

/** Under 18 on the day in question. */
function childOn(dateOfBirth: string, day: string): boolean {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  return age < 18;
}

function validConcern(input: unknown, now: Date) {
  const fields = parseInput(concernFields, input);
  // A time written without an offset is the time on a London clock (the form sends that).
  const observedAt = /[zZ]|[+-]\d\d:?\d\d$/.test(fields.observedAt)
    ? new Date(fields.observedAt)
    : londonDateTime(fields.observedAt.slice(0, 10), fields.observedAt.slice(11, 16));
  const problems: Record<string, string> = {};
  if (observedAt.getTime() > now.getTime() + 5 * 60_000) problems.observedAt = 'When it happened must be in the past';
  const today = todayInLondon(now);
  if (fields.dateOfBirth && fields.dateOfBirth > today) problems.dateOfBirth = 'The date of birth must be in the past';
  if (fields.dateOfBirth && fields.dateOfBirth < '1900-01-01') problems.dateOfBirth = 'Enter a date of birth after 1900';
  const childByDate = fields.dateOfBirth ? childOn(fields.dateOfBirth, today) : undefined;
  if (fields.isChild === undefined && childByDate === undefined) {
    problems.isChild = 'Say whether the person is a child (under 18)';
  }
  if (Object.keys(problems).length) throw new InputError(problems);
  return { ...fields, observedAt, isChild: childByDate ?? fields.isChild ?? false };
}

export type RaisedConcern = { id: string; reference: string };

/** Who raised it: a signed-in person through the form, or another system through the API. */
export type Raiser =
  | { kind: 'person'; ctx: RequestContext }
  | { kind: 'system'; orgId: string; tokenId: string; actor: audit.Actor };

/**
 * Records a concern and tells the organisation's Prevent leads (by a job that commits with it).
 * The person who raised it gets its reference, and nothing of the case after that.
 */
export async function raiseConcern(db: Db, raiser: Raiser, input: unknown, now = new Date()): Promise<RaisedConcern> {
  const fields = validConcern(input, now);
  const orgId = raiser.kind === 'person' ? raiser.ctx.user.activeOrg.id : raiser.orgId;
  const actor = raiser.kind === 'person' ? raiser.ctx.actor : raiser.actor;
  const scope = raiser.kind === 'person' ? raiser.ctx.scope : { userId: null, orgIds: [orgId] };
  return withScope(db, scope, async (tx) => {
    await repository.enableCaseAccess(tx);
    const year = Number(todayInLondon(now).slice(0, 4));
    const number = await repository.nextReferenceNumber(tx, orgId, year);
    const reference = `PC-${year}-${String(number).padStart(4, '0')}`;
    const created = await repository.insertCase(tx, {
      orgId,
      reference,
      status: 'new',
      subjectType: fields.subjectType,
      subjectNameSealed: seal(fields.subjectName),
      subjectNhsNumberSealed: seal(fields.nhsNumber),
      subjectNhsNumberHash: fields.nhsNumber ? keyedHash(fields.nhsNumber) : null,
      subjectDateOfBirthSealed: seal(fields.dateOfBirth),
      subjectIsChild: fields.isChild,
      narrativeSealed: seal(fields.narrative),
      locationSealed: seal(fields.location),
      observedAt: fields.observedAt,
      immediateRisk: fields.immediateRisk,
      raisedBy: raiser.kind === 'person' ? raiser.ctx.user.id : null,
      raisedByTokenId: raiser.kind === 'system' ? raiser.tokenId : null,
      raisedAt: now,
    });
    const via = raiser.kind === 'person' ? 'the form' : 'the API';
    await repository.insertEvent(tx, {
      orgId,
      caseId: created.id,
      occurredAt: now,
      actorUserId: actor.userId,
      actorLabel: raiser.kind === 'person' ? raiser.ctx.user.displayName : actor.label,
      kind: 'raised',
      summary: `Concern raised through ${via}${fields.immediateRisk ? ', marked as an immediate risk' : ''}`,
    });
    await audit.record(tx, actor, {
      orgId,
      action: 'concern.raised',
      recordType: 'concern_case',
      recordId: created.id,
      details: { reference, via: raiser.kind === 'person' ? 'form' : 'api', immediateRisk: fields.immediateRisk },
    });
    await enqueueJob(tx, concernRaisedJob, { caseId: created.id });
    return { id: created.id, reference };
  });
}

/**
 * One of the organisation's cases by its reference, for a Prevent lead linking another record to it (an information
 * request): its id and reference only, nothing it says. Null when there is no such case, or for anyone but a lead.
 */
export async function leadCaseByReference(db: Db, ctx: RequestContext, reference: string) {
  return (await withLeadCases(db, ctx, (tx, orgId) => repository.caseByReference(tx, orgId, reference))) ?? null;
}

/** What the person who raised a concern may see of it: that it arrived, and its reference. */
export async function receiptFor(db: Db, ctx: RequestContext, id: string) {
  const found = await withScope(db, ctx.scope, async (tx) => {
    await repository.enableCaseAccess(tx);
    return repository.receiptOf(tx, ctx.user.activeOrg.id, id, ctx.user.id);
  });
  if (!found) throw new NotFoundError('concern');
  return found;
}

export const concernRaisedJob = 'concerns.raised';

/** Tells the leads a concern arrived. Only the reference and a link: never who it is about, in the app or by e-mail. */
export async function tellLeadsOfConcern(database: Database, payload: Record<string, unknown>): Promise<void> {
  const row = await repository.caseInAnyOrganisation(database.db, String(payload.caseId));
  if (!row) return;
  await notifyRoles(database, row.orgId, preventLeadRoles, {
    kind: 'concern-raised',
    title: `New Prevent concern ${row.reference}${row.immediateRisk ? ' – immediate risk' : ''}`,
    body: `A concern was raised on ${row.raisedAt.toISOString().slice(0, 10)}${row.immediateRisk ? ' and marked as an immediate risk' : ''}. Open it in Prevent Assure to triage it.`,
    link: `/concerns/${row.id}`,
  });
}

// ---- the case list ----

const listQuery = z.object({
  status: z.preprocess(blankToUndefined, z.enum([...caseStatuses, 'open'], { error: 'Choose a status' }).optional()),
  subjectType: z.preprocess(blankToUndefined, z.enum(subjectTypes, { error: 'Choose who it is about' }).optional()),
  immediateRisk: z.preprocess(blankToUndefined, z.enum(['yes', 'no'], { error: 'Choose yes or no' }).optional()),
  nhsNumber: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v, c) => {
        const digits = normaliseNhsNumber(v);
        if (!digits) {
          c.addIssue({ code: 'custom', message: 'Enter a valid 10-digit NHS number' });
          return z.NEVER;
        }
        return digits;
      })
      .optional(),
  ),
  assignedTo: z.preprocess(blankToUndefined, z.union([z.literal('me'), z.uuid()], { error: 'Choose a person' }).optional()),
  sort: z.preprocess(blankToUndefined, z.enum(['raised', 'reference', 'status', 'review']).default('raised')),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(1)),
});

export const pageSize = 25;

/**
 * The cases a person may work: a lead sees every case in the organisation, a practitioner only
 * those assigned to them. The list shows names, so looking at it is audited like opening a case.
 */
export async function listCases(db: Db, ctx: RequestContext, query: unknown) {
  const filter = parseInput(listQuery, query);
  const orgId = ctx.user.activeOrg.id;
  const lead = ctx.can.leadCases;
  return withScope(db, ctx.scope, async (tx) => {
    await repository.enableCaseAccess(tx);
    const assignedTo = !lead ? ctx.user.id : filter.assignedTo === 'me' ? ctx.user.id : filter.assignedTo;
    const { rows, total } = await repository.listCases(
      tx,
      orgId,
      {
        statuses: filter.status === 'open' ? [...openStatuses] : filter.status ? [filter.status] : undefined,
        subjectType: filter.subjectType,
        immediateRisk: filter.immediateRisk === undefined ? undefined : filter.immediateRisk === 'yes',
        nhsNumberHash: filter.nhsNumber ? keyedHash(filter.nhsNumber) : undefined,
        assignedTo,
      },
      filter.sort,
      pageSize,
      (filter.page - 1) * pageSize,
    );
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'concern.list_viewed',
      recordType: 'concern_case',
      details: { shown: rows.map((r) => r.reference).join(' '), total, nhsNumberSearch: filter.nhsNumber !== undefined },
    });
    // Finding a person by NHS number tells the searcher they have a case: that is a view of each case found.
    if (filter.nhsNumber) {
      for (const r of rows) {
        await audit.record(tx, ctx.actor, {
          orgId,
          action: 'concern.viewed',
          recordType: 'concern_case',
          recordId: r.id,
          details: { reference: r.reference, page: 'NHS number search', access: lead ? 'lead' : 'assigned' },
        });
      }
    }
    const people = await workersIn(tx, orgId);
    const nameOf = new Map(people.map((p) => [p.id, p.displayName]));
    return {
      filter,
      total,
      page: filter.page,
      pages: Math.max(1, Math.ceil(total / pageSize)),
      cases: rows.map((r) => ({ ...summaryOf(r), assignees: r.assignees.map((id) => nameOf.get(id) ?? 'Former member') })),
      workers: people,
    };
  });
}

// ---- the case page ----

export async function caseDetails(open: OpenCase) {
  const { tx, case: c } = open;
  const assignments = await repository.openAssignments(tx, c.orgId, c.id);
  const people = await workersIn(tx, c.orgId);
  const nameOf = new Map(people.map((p) => [p.id, p.displayName]));
  const lead = open.ctx.can.leadCases;
  const breakGlass = lead ? await breakGlassOpenings(tx, c.orgId, c.id, nameOf) : [];
  const raiser = c.raisedBy ? await users.findById(tx, c.raisedBy) : undefined;
  return {
    raisedBy: raiser ? raiser.displayName : c.raisedByTokenId ? 'another system, through the API' : null,
    assigned: assignments.map((a) => ({ userId: a.userId, name: nameOf.get(a.userId) ?? 'Former member', since: a.assignedAt })),
    assignable: people.filter((p) => !assignments.some((a) => a.userId === p.id)),
    moves: c.erasedAt ? [] : movesFrom(c.status, lead),
    viewers: lead ? await viewersOf(tx, c.orgId, c.id) : [],
    breakGlass,
    markerText: c.markerText ?? neutralMarkerText,
  };
}

// ---- changes ----

const moveFields = z.object({
  to: z.enum(caseStatuses, { error: 'Choose what happens next' }),
  reason: requiredText('why', 2_000),
  closureReason: z.preprocess(
    blankToUndefined,
    z
      .enum(Object.keys(closureReasons) as [ClosureReason, ...ClosureReason[]], { error: 'Choose why the case is closed' })
      .optional(),
  ),
});

/** Retention rules in force for the organisation (defaults until a lead sets them). */
export const defaultSettings = { policeFeedbackWorkingDays: 5, retentionYearsReferred: 6, retentionYearsNotReferred: 3 };

export async function settingsFor(tx: Tx, orgId: string) {
  const saved = await repository.settingsOf(tx, orgId);
  return saved
    ? {
        policeFeedbackWorkingDays: saved.policeFeedbackWorkingDays,
        retentionYearsReferred: saved.retentionYearsReferred,
        retentionYearsNotReferred: saved.retentionYearsNotReferred,
      }
    : defaultSettings;
}

/** Moves a case on: who, when and why go into its chronology; an outcome the leads answer for is theirs alone. */
export async function moveCase(db: Db, ctx: RequestContext, id: string, input: unknown, now = new Date()): Promise<void> {
  const fields = parseInput(moveFields, input);
  await withCase(db, ctx, id, null, async (open) => {
    requireNotErased(open);
    if (fields.to === 'referred') {
      throw new InputError({ to: 'Record the referral itself to refer the case: use “Refer to police Prevent”' });
    }
    const check = checkMove(open.case.status, fields.to, open.ctx.can.leadCases);
    if (!check.ok) throw new InputError({ to: check.reason });
    if (fields.to === 'closed' && !fields.closureReason) throw new InputError({ closureReason: 'Choose why the case is closed' });
    await applyMove(open, fields.to, fields.reason, now, fields.closureReason);
  });
}

/**
 * Changes the status and records it. Used by moveCase and by the referrals module (a recorded
 * referral moves the case to 'referred'). On closing, the retention review date is set.
 */
export async function applyMove(
  open: OpenCase,
  to: CaseStatus,
  reason: string,
  now: Date,
  closureReason?: ClosureReason,
): Promise<void> {
  const from = open.case.status;
  const changes: Parameters<typeof repository.updateCase>[3] = { status: to };
  if (to === 'closed') {
    const settings = await settingsFor(open.tx, open.case.orgId);
    const years = open.case.referredAt ? settings.retentionYearsReferred : settings.retentionYearsNotReferred;
    changes.closedAt = now;
    changes.closureReason = closureReason ?? 'other';
    changes.retentionReviewOn = addDays(todayInLondon(now), Math.round(years * 365.25));
  }
  if (to === 'referred') changes.referredAt = now;
  if (from === 'closed') {
    changes.closedAt = null;
    changes.closureReason = null;
    changes.retentionReviewOn = null;
  }
  await repository.updateCase(open.tx, open.case.orgId, open.case.id, changes);
  const closing = to === 'closed' ? ` (${closureReasons[closureReason ?? 'other']})` : '';
  await addEvent(open, 'status', `${statusNames[from]} → ${statusNames[to]}${closing}`, reason, now);
  await auditChange(open, 'concern.moved', { from, to, closureReason: closureReason ?? null });
  open.case.status = to;
}

const noteFields = z.object({ note: requiredText('the note', 10_000) });

export async function addNote(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const { note } = parseInput(noteFields, input);
  await withCase(db, ctx, id, null, async (open) => {
    requireNotErased(open);
    await addEvent(open, 'note', 'Note added', note);
    await auditChange(open, 'concern.note_added');
  });
}

const reviewFields = z.object({
  reviewOn: z.preprocess(blankToUndefined, z.string({ error: 'Enter the review date' }).refine(isRealDate, 'Enter a real date')),
});

/** The case's own review date: the daily reminder scan tells the leads when it comes. */
export async function setReviewDate(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  const { reviewOn } = parseInput(reviewFields, input);
  if (reviewOn < today) throw new InputError({ reviewOn: 'The review date must be today or later' });
  await withCase(db, ctx, id, null, async (open) => {
    requireNotErased(open);
    await repository.updateCase(open.tx, open.case.orgId, open.case.id, { reviewOn });
    await addEvent(open, 'review-date', `Review date set for ${reviewOn}`);
    await auditChange(open, 'concern.review_date_set', { reviewOn });
  });
}

/** The marker on the patient record: its text (null: the neutral default), and when it was put on the record (null: not). */
export async function updateMarker(open: OpenCase, marker: Pick<CaseSummary, 'markerText' | 'markerPlacedAt'>): Promise<void> {
  requireNotErased(open);
  await repository.updateCase(open.tx, open.case.orgId, open.case.id, { ...marker, markerText: seal(marker.markerText) });
  Object.assign(open.case, marker);
}

// ---- reminders ----

/** For reminder scans run as the owner: the reference of each case that is neither closed nor erased. */
export async function casesStillOpen(db: Db, ids: string[]): Promise<Map<string, string>> {
  const rows = await repository.referencesOfOpenCases(db, ids);
  return new Map(rows.map((r) => [r.id, r.reference]));
}

/** A case's review date has come. */
export const caseReviewReminders: ReminderSource = async (database, today) => {
  const due = await repository.reviewsDue(database.db, today);
  return due.map((c) => ({
    key: `concern-review:${c.id}:${c.reviewOn}`,
    orgId: c.orgId,
    roles: preventLeadRoles,
    title: `Case ${c.reference}: review due`,
    body: `The review date set for case ${c.reference} (${c.reviewOn}) has come. Open the case to review it.`,
    link: `/concerns/${c.id}`,
  }));
};

export { openStatuses };

// ---- retention ----

export type ConcernSettings = typeof defaultSettings;

/** Saves the organisation's rules; the retention module checks and audits them. */
export async function saveSettings(tx: Tx, orgId: string, userId: string, settings: ConcernSettings): Promise<void> {
  await repository.saveSettings(tx, { orgId, ...settings, updatedBy: userId });
}

/** A closed case as the retention review lists it: about the record, never the person. */
export type RetentionReviewItem = {
  id: string;
  reference: string;
  closedAt: Date | null;
  closureReason: string | null;
  closureReasonName: string;
  retentionReviewOn: string | null;
  referred: boolean;
};

/** The organisation's closed cases whose retention review date has come and whose personal data is still held. */
export async function retentionReviewsDue(db: Db, ctx: RequestContext, today: string): Promise<RetentionReviewItem[]> {
  if (!ctx.can.leadCases) return [];
  return withScope(db, ctx.scope, async (tx) => {
    await repository.enableCaseAccess(tx);
    const rows = await repository.dueForRetentionReview(tx, ctx.user.activeOrg.id, today);
    return rows
      .filter((r) => r.status === 'closed')
      .map((r) => ({
        id: r.id,
        reference: r.reference,
        closedAt: r.closedAt,
        closureReason: r.closureReason,
        closureReasonName: closureReasons[(r.closureReason ?? 'other') as ClosureReason] ?? closureReasons.other,
        retentionReviewOn: r.retentionReviewOn,
        referred: r.referredAt !== null,
      }));
  });
}

/** Sets a new retention review date on an open case (the retention module checks the rules and records why). */
export async function setRetentionReviewDate(open: OpenCase, day: string): Promise<void> {
  requireNotErased(open);
  await repository.updateCase(open.tx, open.case.orgId, open.case.id, { retentionReviewOn: day });
  open.case.retentionReviewOn = day;
}

/**
 * Removes the case's personal data, in the case's transaction, by the database function that
 * reaches every table holding it. What is left is the stub the figures count.
 */
export async function erasePersonalData(open: OpenCase): Promise<void> {
  requireNotErased(open);
  if (!(await repository.erase(open.tx, open.case.id))) throw new NotFoundError('case');
  Object.assign(open.case, {
    subjectName: null,
    nhsNumber: null,
    nhsNumberFormatted: null,
    dateOfBirth: null,
    narrative: null,
    location: null,
    markerText: null,
    erasedAt: new Date(),
  });
}

/** The leads are told once when a closed case comes up for retention review (again if it is kept longer). */
export const retentionReviewReminders: ReminderSource = async (database, today) => {
  const due = await repository.retentionReviewsDueEverywhere(database.db, today);
  return due.map((c) => ({
    key: `concern-retention:${c.id}:${c.retentionReviewOn}`,
    orgId: c.orgId,
    roles: preventLeadRoles,
    title: `Case ${c.reference}: retention review due`,
    body: `Closed case ${c.reference} has reached its retention review date (${c.retentionReviewOn}). Keep it longer, with a reason, or erase its personal data.`,
    link: '/concerns/retention',
  }));
};

// ---- figures ----

/** One group of cases counted together: no identifiers, only what the figures break down by. */
export type CaseCount = {
  orgId: string;
  status: CaseStatus;
  subjectType: SubjectType;
  isChild: boolean;
  referred: boolean;
  pathway: string | null;
  cases: number;
};

/**
 * Counts of cases raised in [from, before) for the organisations in the transaction's scope.
 * A database function counts them: whoever calls this reads no case row.
 */
export async function caseCounts(tx: Tx, from: Date, before: Date): Promise<CaseCount[]> {
  const rows = await repository.counts(tx, from, before);
  return rows.map((r) => ({
    orgId: r.org_id,
    status: r.status,
    subjectType: r.subject_type,
    isChild: r.subject_is_child,
    referred: r.referred,
    pathway: r.pathway,
    cases: Number(r.cases),
  }));
}
