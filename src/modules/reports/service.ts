/**
 * The annual Prevent report to the board: a draft whose figures are generated each time it is read, the
 * sections a person writes, approval by the accountable lead (which freezes the board's copy and the
 * shared copy, each with a checksum), the date the board saw it, and sharing with the commissioner and
 * the region.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { outgoingTextProblems, refuseIdentifyingText } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { financialYearLabel, financialYearOf, isRealDate, spokenDate, todayInLondon } from '../../platform/dates.ts';
import type { ReportDocument } from '../../platform/documents/document.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as boardReports from '../board-reports/service.ts';
import * as organisations from '../organisations/service.ts';
import { boardReportDocument, type Standing, type WrittenSections } from './content.ts';
import { type ReportOrganisation, reportFiguresOf } from './figures.ts';

export type BoardReport = boardReports.BoardReport;

/** How many financial years a report can be started for: this one and the two before. */
const yearsOffered = 3;

export { financialYearOf };

export const yearsToChoose = (today = todayInLondon()) =>
  Array.from({ length: yearsOffered }, (_, i) => financialYearOf(today) - i).map((year) => ({
    year,
    label: financialYearLabel(year),
  }));

/**
 * A document's checksum: SHA-256 of its JSON with keys in a fixed order, since the database keeps JSON
 * with its keys reordered.
 */
export function checksumOf(document: ReportDocument): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(document)))
    .digest('hex');
}

function mustEdit(ctx: RequestContext): void {
  if (!ctx.can('reports:edit')) throw new ForbiddenError('Only the Prevent leads change the board report');
}

async function ownReport(db: Db, ctx: RequestContext, id: string): Promise<BoardReport> {
  if (!z.uuid().safeParse(id).success) throw new NotFoundError();
  const row = await withScope(db, ctx.scope, (tx) => boardReports.reportById(tx, ctx.user.activeOrg.id, id));
  if (!row) throw new NotFoundError();
  return row;
}

export async function reportList(db: Db, ctx: RequestContext, today = todayInLondon()) {
  const reports = await withScope(db, ctx.scope, (tx) => boardReports.reportsOf(tx, ctx.user.activeOrg.id));
  return { reports: reports.map((r) => ({ ...r, yearLabel: financialYearLabel(r.year) })), years: yearsToChoose(today) };
}

const yearField = (today: string) =>
  z.object({
    year: z.coerce
      .number({ error: 'Choose the financial year the report covers' })
      .int('Choose the financial year the report covers')
      .refine((y) => yearsToChoose(today).some((c) => c.year === y), 'Choose the financial year the report covers'),
  });

/** The year's draft: the one being written, or a new version carrying over what the latest one says. */
export async function startDraft(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<BoardReport> {
  mustEdit(ctx);
  const { year } = parseInput(yearField(today), input);
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const ofYear = (await boardReports.reportsOf(tx, orgId)).filter((r) => r.year === year);
    const draft = ofYear.find((r) => r.status === 'draft');
    if (draft) return draft;
    const latest = ofYear[0];
    const row = await boardReports.insertReport(tx, {
      orgId,
      year,
      version: (latest?.version ?? 0) + 1,
      significantIncidents: latest?.significantIncidents ?? null,
      resourcesAnswer: latest?.resourcesAnswer ?? null,
      resourcesStatement: latest?.resourcesStatement ?? null,
      priorities: latest?.priorities ?? null,
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'board-report.started',
      recordType: 'board_report',
      recordId: row.id,
      details: { year, version: row.version },
    });
    return row;
  });
}

const text = (label: string, max: number) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const writtenFields = z.object({
  significantIncidents: text('Significant incidents', 4000),
  resourcesAnswer: z.preprocess(
    blankToUndefined,
    z.enum(boardReports.resourcesAnswers, { error: 'Choose whether the resources are adequate' }).optional(),
  ),
  resourcesStatement: text('The statement on resources', 4000),
  priorities: text('The priorities for next year', 4000),
});

/** The texts that leave the organisation with the shared copy: checked for anything that points at a person. */
const writtenTexts = (w: WrittenSections) => ({
  significantIncidents: { label: 'Significant incidents', text: w.significantIncidents },
  resourcesStatement: { label: 'The statement on resources', text: w.resourcesStatement },
  priorities: { label: 'The priorities for next year', text: w.priorities },
});

const writtenOf = (row: BoardReport): WrittenSections => ({
  significantIncidents: row.significantIncidents,
  resourcesAnswer: row.resourcesAnswer,
  resourcesStatement: row.resourcesStatement,
  priorities: row.priorities,
});

function mustBeDraft(row: BoardReport): void {
  if (row.status !== 'draft') throw new InputError({ status: 'This version is approved and cannot change: start a new version' });
}

export async function saveWritten(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  mustEdit(ctx);
  const row = await ownReport(db, ctx, id);
  mustBeDraft(row);
  const fields = parseInput(writtenFields, input);
  const written: WrittenSections = {
    significantIncidents: fields.significantIncidents ?? null,
    resourcesAnswer: fields.resourcesAnswer ?? null,
    resourcesStatement: fields.resourcesStatement ?? null,
    priorities: fields.priorities ?? null,
  };
  refuseIdentifyingText(writtenTexts(written));
  await withScope(db, ctx.scope, async (tx) => {
    await boardReports.updateReport(tx, row.orgId, row.id, written);
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'board-report.written',
      recordType: 'board_report',
      recordId: row.id,
    });
  });
}

const standingOf = (row: BoardReport): Standing => ({
  version: row.version,
  status: row.status === 'draft' ? 'draft, not approved' : 'approved',
  approvedBy: row.approvedByName,
  approvedOn: row.approvedAt ? spokenDate(todayInLondon(row.approvedAt)) : null,
});

/** A draft as it would be approved now: figures generated from today's records. */
async function draftDocument(db: Db, ctx: RequestContext, row: BoardReport, audience: 'board' | 'shared', today: string) {
  const figures = await reportFiguresOf(db, ctx.user.activeOrg, row.year, today, ctx.scope);
  return boardReportDocument(figures, writtenOf(row), standingOf(row), { audience, exact: row.exactCountsForBoard });
}

/** A frozen copy, refused if it no longer matches the checksum it was approved with. */
function frozen(document: ReportDocument | null, checksum: string | null): ReportDocument {
  if (!document || !checksum || checksumOf(document) !== checksum) {
    throw new Error('An approved board report no longer matches its checksum');
  }
  return document;
}

export type ReportView = { report: BoardReport; yearLabel: string; document: ReportDocument };

/** One of the organisation's own versions: the board's copy (approved) or the draft as generated now. */
export async function reportPage(db: Db, ctx: RequestContext, id: string, today = todayInLondon()): Promise<ReportView> {
  const row = await ownReport(db, ctx, id);
  const document =
    row.status === 'approved' ? frozen(row.boardCopy, row.boardChecksum) : await draftDocument(db, ctx, row, 'board', today);
  return { report: row, yearLabel: financialYearLabel(row.year), document };
}

const approvalFields = z.object({
  exactCounts: z.preprocess((v) => v === 'yes', z.boolean()),
  confirm: z.literal('yes', { error: 'Confirm that you approve the report and sign the statement on resources' }),
});

/**
 * The accountable lead approves: the board's copy (exact counts only if chosen) and the shared copy (always
 * suppressed) are kept as they are now, with checksums. Every text in the shared copy is checked first.
 */
export async function approve(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  if (!ctx.can('reports:approve')) throw new ForbiddenError('Only the accountable Prevent lead approves the board report');
  const row = await ownReport(db, ctx, id);
  mustBeDraft(row);
  const { exactCounts } = parseInput(approvalFields, input);
  if (!row.resourcesAnswer) {
    throw new InputError({ resourcesAnswer: 'Say whether the resources are adequate before approving the report' });
  }
  const now = new Date();
  const approved: BoardReport = { ...row, status: 'approved', approvedByName: ctx.user.displayName, approvedAt: now };
  const figures = await reportFiguresOf(db, ctx.user.activeOrg, row.year, today, ctx.scope);
  const boardCopy = boardReportDocument(figures, writtenOf(row), standingOf(approved), { audience: 'board', exact: exactCounts });
  const sharedCopy = boardReportDocument(figures, writtenOf(row), standingOf(approved), { audience: 'shared', exact: false });
  const problems = outgoingTextProblems({
    ...writtenTexts(writtenOf(row)),
    // Free text the report takes from other records; the leads' names are meant to be there.
    themes: { label: 'A lessons learned theme in the report', text: figures.lessons.themes.map((t) => t.theme).join('\n') },
    policies: { label: 'A policy title in the report', text: figures.frameworks.map((f) => f.title).join('\n') },
  });
  if (Object.keys(problems).length) throw new InputError(problems);
  await withScope(db, ctx.scope, async (tx) => {
    await boardReports.updateReport(tx, row.orgId, row.id, {
      status: 'approved',
      exactCountsForBoard: exactCounts,
      approvedByUserId: ctx.user.id,
      approvedByName: ctx.user.displayName,
      approvedAt: now,
      boardCopy,
      boardChecksum: checksumOf(boardCopy),
      sharedCopy,
      sharedChecksum: checksumOf(sharedCopy),
    });
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'board-report.approved',
      recordType: 'board_report',
      recordId: row.id,
      details: { year: row.year, version: row.version, exactCounts, checksum: checksumOf(boardCopy) },
    });
  });
}

const presentedFields = (approvedOn: string, today: string) =>
  z.object({
    presentedOn: z
      .string({ error: 'Enter the date of the board meeting' })
      .refine(isRealDate, 'Enter the date of the board meeting as a real date')
      .refine((d) => d <= today, 'The board meeting cannot be in the future')
      .refine((d) => d >= approvedOn, 'The board meeting cannot be before the report was approved'),
    minuteReference: z.preprocess(
      blankToUndefined,
      z
        .string({ error: 'Enter the reference of the board’s minute' })
        .max(100, 'The minute reference must be 100 characters or fewer'),
    ),
  });

export async function recordPresented(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  mustEdit(ctx);
  const row = await ownReport(db, ctx, id);
  if (row.status !== 'approved' || !row.approvedAt) {
    throw new InputError({ presentedOn: 'Only an approved report is presented to the board' });
  }
  const fields = parseInput(presentedFields(todayInLondon(row.approvedAt), today), input);
  refuseIdentifyingText({ minuteReference: { label: 'The minute reference', text: fields.minuteReference } });
  await withScope(db, ctx.scope, async (tx) => {
    await boardReports.updateReport(tx, row.orgId, row.id, fields);
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'board-report.presented',
      recordType: 'board_report',
      recordId: row.id,
      details: fields,
    });
  });
}

/** Shares the approved report, once the board has seen it, with the commissioner and the region. */
export async function share(db: Db, ctx: RequestContext, id: string): Promise<void> {
  mustEdit(ctx);
  const row = await ownReport(db, ctx, id);
  if (row.status !== 'approved') throw new InputError({ share: 'Only an approved report can be shared' });
  if (!row.presentedOn) throw new InputError({ share: 'Record when the board saw the report before sharing it' });
  if (row.sharedAt) return;
  await withScope(db, ctx.scope, async (tx) => {
    await boardReports.updateReport(tx, row.orgId, row.id, { sharedAt: new Date() });
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'board-report.shared',
      recordType: 'board_report',
      recordId: row.id,
    });
  });
}

/** The document to download: the board's copy of an approved version, or the draft as generated now. */
export async function documentFor(db: Db, ctx: RequestContext, id: string, today = todayInLondon()) {
  return (await reportPage(db, ctx, id, today)).document;
}

// ---- the commissioner's and the region's view ----

export type SharedReport = {
  report: BoardReport;
  org: { id: string; name: string; odsCode: string };
  yearLabel: string;
};

/** The reports the providers in reach shared, newest year first. Only their shared (suppressed) copies are read. */
export async function sharedReports(db: Db, ctx: RequestContext): Promise<SharedReport[]> {
  const providers = await organisations.providersInReach(db, ctx);
  if (providers.length === 0) return [];
  // The scope is widened to the providers in reach, which the line above limited to those the person may see.
  const rows = await withScope(db, { userId: ctx.user.id, orgIds: providers.map((p) => p.id) }, (tx) =>
    boardReports.sharedReportsOf(
      tx,
      providers.map((p) => p.id),
    ),
  );
  return rows.flatMap((report) => {
    const org = providers.find((p) => p.id === report.orgId);
    return org
      ? [{ report, org: { id: org.id, name: org.name, odsCode: org.odsCode }, yearLabel: financialYearLabel(report.year) }]
      : [];
  });
}

/** One shared report of a provider in reach, as its shared copy; anything else is not found. */
export async function sharedReport(
  db: Db,
  ctx: RequestContext,
  id: string,
): Promise<SharedReport & { document: ReportDocument }> {
  const found = (await sharedReports(db, ctx)).find((s) => s.report.id === id);
  if (!found) throw new NotFoundError();
  return { ...found, document: frozen(found.report.sharedCopy, found.report.sharedChecksum) };
}

// ---- with nobody signed in: the command line ----

/**
 * An organisation's board report for a year as the command line gives it: the latest approved version's
 * board copy, or with `draft` the current draft generated now (in the organisation's own scope).
 */
export async function boardDocumentOf(
  db: Db,
  org: ReportOrganisation,
  year: number,
  draft: boolean,
  today = todayInLondon(),
): Promise<{ report: BoardReport; document: ReportDocument }> {
  const ofYear = (await withScope(db, { userId: null, orgIds: [org.id] }, (tx) => boardReports.reportsOf(tx, org.id))).filter(
    (r) => r.year === year,
  );
  if (draft) {
    const row = ofYear.find((r) => r.status === 'draft');
    if (!row) throw new InputError({ draft: `${org.odsCode} has no draft board report for ${financialYearLabel(year)}` });
    const figures = await reportFiguresOf(db, org, year, today);
    return {
      report: row,
      document: boardReportDocument(figures, writtenOf(row), standingOf(row), {
        audience: 'board',
        exact: row.exactCountsForBoard,
      }),
    };
  }
  const row = ofYear.find((r) => r.status === 'approved');
  if (!row) {
    throw new InputError({
      year: `${org.odsCode} has no approved board report for ${financialYearLabel(year)} (add --draft for the draft)`,
    });
  }
  return { report: row, document: frozen(row.boardCopy, row.boardChecksum) };
}

/** The organisation's latest approved board report, as its shared copy (small numbers suppressed), or null. */
export async function latestSharedCopyOf(
  db: Db,
  orgId: string,
): Promise<{ report: BoardReport; document: ReportDocument } | null> {
  const rows = await withScope(db, { userId: null, orgIds: [orgId] }, (tx) => boardReports.reportsOf(tx, orgId));
  const row = rows.find((r) => r.status === 'approved');
  return row ? { report: row, document: frozen(row.sharedCopy, row.sharedChecksum) } : null;
}
