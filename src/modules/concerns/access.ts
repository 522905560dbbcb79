import { z } from 'zod';
import type { Database, Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { seal, unseal, unsealOrPlain } from '../../platform/encryption.ts';
import { InputError, NotFoundError, RefusalWithPage } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs/queue.ts';
import { formatNhsNumber } from '../../platform/nhs-number.ts';
import { caseDataPermission, preventLeadRoles, rolesWith } from '../../platform/permissions.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { notifyRoles } from '../notifications/service.ts';
import * as users from '../users/service.ts';
import * as repository from './repository.ts';
import type { CaseStatus, SubjectType } from './schema.ts';
import { statusNames } from './workflow.ts';

/**
 * Who may open a case, and how: a lead any case in the organisation, a practitioner the cases
 * assigned to them, or another by break-glass with a written reason the leads are told of.
 * Everything other modules do to a case goes through withCase, so these rules hold for them too.
 */

/** How long a break-glass opening lasts before the practitioner must give a reason again. */
export const breakGlassHours = 8;

// ---- opening a case ----

export type CaseAccess = 'lead' | 'assigned' | 'break-glass';

/** A safeguarding practitioner who is not assigned: they may open the case only by break-glass. */
export class BreakGlassNeeded extends RefusalWithPage {
  constructor(caseId: string, reference: string, values: Record<string, unknown> = {}) {
    super('Not assigned to this case', 403, 'concerns/views/break-glass.njk', {
      caseId,
      reference,
      hours: breakGlassHours,
      values,
    });
  }
}

export type CaseSummary = {
  id: string;
  orgId: string;
  reference: string;
  status: CaseStatus;
  statusName: string;
  subjectType: SubjectType;
  subjectName: string | null;
  nhsNumber: string | null;
  nhsNumberFormatted: string | null;
  dateOfBirth: string | null;
  isChild: boolean;
  narrative: string | null;
  location: string | null;
  observedAt: Date;
  immediateRisk: boolean;
  raisedAt: Date;
  raisedBy: string | null;
  raisedByTokenId: string | null;
  referredAt: Date | null;
  reviewOn: string | null;
  markerText: string | null;
  markerPlacedAt: Date | null;
  closureReason: string | null;
  closedAt: Date | null;
  retentionReviewOn: string | null;
  erasedAt: Date | null;
};

export function summaryOf(row: repository.CaseRow): CaseSummary {
  const nhsNumber = unseal(row.subjectNhsNumberSealed);
  return {
    id: row.id,
    orgId: row.orgId,
    reference: row.reference,
    status: row.status,
    statusName: statusNames[row.status],
    subjectType: row.subjectType,
    subjectName: unseal(row.subjectNameSealed),
    nhsNumber,
    nhsNumberFormatted: nhsNumber ? formatNhsNumber(nhsNumber) : null,
    dateOfBirth: unseal(row.subjectDateOfBirthSealed),
    isChild: row.subjectIsChild,
    narrative: unseal(row.narrativeSealed),
    location: unseal(row.locationSealed),
    observedAt: row.observedAt,
    immediateRisk: row.immediateRisk,
    raisedAt: row.raisedAt,
    raisedBy: row.raisedBy,
    raisedByTokenId: row.raisedByTokenId,
    referredAt: row.referredAt,
    reviewOn: row.reviewOn,
    markerText: unsealOrPlain(row.markerText),
    markerPlacedAt: row.markerPlacedAt,
    closureReason: row.closureReason,
    closedAt: row.closedAt,
    retentionReviewOn: row.retentionReviewOn,
    erasedAt: row.erasedAt,
  };
}

/** An open case inside its transaction: what other modules' services work with. */
export type OpenCase = { case: CaseSummary; access: CaseAccess; tx: Tx; ctx: RequestContext };

async function accessOf(tx: Tx, ctx: RequestContext, row: repository.CaseRow, now: Date): Promise<CaseAccess | null> {
  if (ctx.can.leadCases) return 'lead';
  if (!ctx.can('concerns:work')) return null;
  const assigned = await repository.openAssignments(tx, row.orgId, row.id);
  if (assigned.some((a) => a.userId === ctx.user.id)) return 'assigned';
  if (await repository.activeBreakGlass(tx, row.orgId, row.id, ctx.user.id, now)) return 'break-glass';
  return null;
}

/**
 * Opens a case for someone allowed to see it, in one transaction, and runs `work` with it.
 * `viewed` names what was looked at: the read is written to the audit trail (every read of a
 * case is). Changes record their own audit entry instead and pass null.
 * Another organisation's case, or one that does not exist, is not found; a practitioner not
 * assigned to it is asked for a break-glass reason.
 */
export async function withCase<T>(
  db: Db,
  ctx: RequestContext,
  id: string,
  viewed: string | null,
  work: (open: OpenCase) => Promise<T>,
  now = new Date(),
): Promise<T> {
  return withScope(db, ctx.scope, async (tx) => {
    await repository.enableCaseAccess(tx);
    const orgId = ctx.user.activeOrg.id;
    const row = viewed === null ? await repository.caseByIdForChange(tx, orgId, id) : await repository.caseById(tx, orgId, id);
    if (!row) throw new NotFoundError('case');
    const access = await accessOf(tx, ctx, row, now);
    if (!access) {
      if (ctx.can('concerns:work')) throw new BreakGlassNeeded(row.id, row.reference);
      throw new NotFoundError('case');
    }
    // Break-glass is for seeing, in a hurry; working the case is for those assigned to it.
    if (viewed === null && access === 'break-glass') {
      throw new InputError({
        form: 'You opened this case by break-glass, which lets you read it. To change it, ask a Prevent lead to assign you.',
      });
    }
    if (viewed !== null) {
      await audit.record(tx, ctx.actor, {
        orgId: row.orgId,
        action: 'concern.viewed',
        recordType: 'concern_case',
        recordId: row.id,
        details: { reference: row.reference, page: viewed, access },
      });
    }
    return work({ case: summaryOf(row), access, tx, ctx });
  });
}

/**
 * For figures about the organisation's own cases that only its Prevent leads may have (the home page's
 * counts): runs `work` in one transaction with the case tables open, or returns null for anyone else.
 * Nothing is audited as a view: `work` must return counts and references, never what a case says.
 */
export async function withLeadCases<T>(
  db: Db,
  ctx: RequestContext,
  work: (tx: Tx, orgId: string) => Promise<T>,
): Promise<T | null> {
  if (!ctx.can.leadCases) return null;
  return withScope(db, ctx.scope, async (tx) => {
    await repository.enableCaseAccess(tx);
    return work(tx, ctx.user.activeOrg.id);
  });
}

/** Adds to the case's chronology. `detail` is what was written about the person: it is sealed. */
export async function addEvent(
  open: OpenCase,
  kind: string,
  summary: string,
  detail?: string | null,
  occurredAt = new Date(),
): Promise<void> {
  await repository.insertEvent(open.tx, {
    orgId: open.case.orgId,
    caseId: open.case.id,
    occurredAt,
    actorUserId: open.ctx.user.id,
    actorLabel: open.ctx.user.displayName,
    kind,
    summary,
    detailSealed: seal(detail ?? null),
  });
}

/** Audits a change to a case (never personal data in the details: the chronology holds that, sealed). */
export async function auditChange(
  open: OpenCase,
  action: string,
  details: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  await audit.record(open.tx, open.ctx.actor, {
    orgId: open.case.orgId,
    action,
    recordType: 'concern_case',
    recordId: open.case.id,
    details: { reference: open.case.reference, ...details },
  });
}

export function requireLead(open: OpenCase, what: string): void {
  if (!open.ctx.can.leadCases) throw new InputError({ form: `Only a Prevent lead can ${what}` });
}

export function requireNotErased(open: OpenCase): void {
  if (open.case.erasedAt)
    throw new InputError({ form: 'This case’s personal data has been erased: it can no longer be changed' });
}

// ---- assignment ----

/** Who may be assigned to work a case: whoever holds a role that opens cases. */
const workerRoles = rolesWith(caseDataPermission);

export async function workersIn(tx: Tx, orgId: string) {
  const people = await users.activeHoldersOfRoles(tx, orgId, workerRoles);
  return people.map((p) => ({ id: p.id, displayName: p.displayName }));
}

const assignFields = z.object({ userId: z.uuid({ error: 'Choose a person to assign' }) });

export async function assign(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const { userId } = parseInput(assignFields, input);
  await withCase(db, ctx, id, null, async (open) => {
    requireLead(open, 'assign a case');
    requireNotErased(open);
    const person = (await workersIn(open.tx, open.case.orgId)).find((p) => p.id === userId);
    if (!person) throw new InputError({ userId: 'Choose a safeguarding practitioner or Prevent lead from the list' });
    const current = await repository.openAssignments(open.tx, open.case.orgId, open.case.id);
    if (current.some((a) => a.userId === userId)) throw new InputError({ userId: `${person.displayName} is already assigned` });
    await repository.insertAssignment(open.tx, { orgId: open.case.orgId, caseId: open.case.id, userId, assignedBy: ctx.user.id });
    await addEvent(open, 'assigned', `Assigned to ${person.displayName}`);
    await auditChange(open, 'concern.assigned', { userId });
  });
}

export async function unassign(db: Db, ctx: RequestContext, id: string, userId: string): Promise<void> {
  await withCase(db, ctx, id, null, async (open) => {
    requireLead(open, 'change who is assigned');
    const ended = await repository.endAssignment(open.tx, open.case.orgId, open.case.id, userId);
    if (!ended) throw new NotFoundError('assignment');
    const person = (await workersIn(open.tx, open.case.orgId)).find((p) => p.id === userId);
    await addEvent(open, 'unassigned', `No longer assigned: ${person?.displayName ?? 'former member'}`);
    await auditChange(open, 'concern.unassigned', { userId });
  });
}

// ---- the access record ----

export type Viewer = { who: string; times: number; last: Date };

/** Who has opened the case, from the audit trail: the leads can see that access was need-to-know. */
export async function viewersOf(tx: Tx, orgId: string, caseId: string): Promise<Viewer[]> {
  const views = await audit.search(tx, { orgId, action: 'concern.viewed', recordId: caseId }, 500, 0);
  const byWho = new Map<string, Viewer>();
  for (const v of views) {
    const seen = byWho.get(v.actorLabel);
    if (seen) {
      seen.times++;
      if (v.occurredAt > seen.last) seen.last = v.occurredAt;
    } else byWho.set(v.actorLabel, { who: v.actorLabel, times: 1, last: v.occurredAt });
  }
  return [...byWho.values()].sort((a, b) => b.last.getTime() - a.last.getTime());
}

/** A lead's view of who opened the case by break-glass, and why. */
export async function breakGlassOpenings(tx: Tx, orgId: string, caseId: string, nameOf: Map<string, string>) {
  return (await repository.breakGlassOf(tx, orgId, caseId)).map((b) => ({
    ...b,
    reason: b.reason ? unseal(b.reason) : '(erased with the case)',
    who: nameOf.get(b.userId) ?? 'Former member',
  }));
}

// ---- break-glass ----

const breakGlassFields = z.object({
  reason: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Say why you need to open this case' })
      .min(20, 'Say why you need to open this case, in at least 20 characters')
      .max(2_000, 'The reason must be 2000 characters or fewer'),
  ),
});

/**
 * Opens a case to a safeguarding practitioner who is not assigned to it, for a few hours, with
 * their written reason: audited, kept on the case and sent to the leads at once.
 */
export async function breakGlass(db: Db, ctx: RequestContext, id: string, input: unknown, now = new Date()): Promise<void> {
  const { reason } = parseInput(breakGlassFields, input);
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    await repository.enableCaseAccess(tx);
    const row = await repository.caseById(tx, orgId, id);
    if (!row || !ctx.can('concerns:work')) throw new NotFoundError('case');
    await repository.insertBreakGlass(tx, {
      orgId,
      caseId: id,
      userId: ctx.user.id,
      // The reason may describe the person: sealed like the rest of the case, and shown to the leads only.
      reason: seal(reason) ?? '',
      openedAt: now,
      expiresAt: new Date(now.getTime() + breakGlassHours * 3_600_000),
    });
    await repository.insertEvent(tx, {
      orgId,
      caseId: id,
      occurredAt: now,
      actorUserId: ctx.user.id,
      actorLabel: ctx.user.displayName,
      kind: 'break-glass',
      summary: `Opened by break-glass for ${breakGlassHours} hours`,
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'concern.break_glass',
      recordType: 'concern_case',
      recordId: id,
      // Tamper-evident with the rest of the trail, and still not readable without the key.
      details: { reference: row.reference, reasonSealed: seal(reason) },
    });
    await enqueueJob(tx, breakGlassJob, { caseId: id, who: ctx.user.displayName });
  });
}

export const breakGlassJob = 'concerns.break-glass';

/** Tells the leads someone opened a case by break-glass. */
export async function tellLeadsOfBreakGlass(database: Database, payload: Record<string, unknown>): Promise<void> {
  const row = await repository.caseInAnyOrganisation(database.db, String(payload.caseId));
  if (!row) return;
  await notifyRoles(database, row.orgId, preventLeadRoles, {
    kind: 'concern-break-glass',
    title: `Break-glass access to ${row.reference}`,
    body: `${String(payload.who)} opened case ${row.reference} by break-glass, giving a reason. See the case's access record.`,
    link: `/concerns/${row.id}#access`,
  });
}
