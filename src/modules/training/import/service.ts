/*
 * Importing a staff record (ESR) export: all or nothing. Every row is checked first while valid rows
 * are staged; one invalid row and nothing is written, and the report says which rows and why. A clean
 * file is merged in one transaction: staff added or updated (only where something differs, so the
 * same file twice changes nothing), staff the file no longer lists marked as leavers (never deleted),
 * and completed Prevent courses added as training records.
 *
 * Uploads run as a background job (the file can be hundreds of megabytes; uploads.ts); the command line
 * runs the same import directly. history.ts reads the imports run and their error reports.
 */
import type { Database, Tx } from '../../../db/client.ts';
import { type Scope, withScope } from '../../../db/tenancy.ts';
import { todayInLondon } from '../../../platform/dates.ts';
import type { Actor } from '../../audit/service.ts';
import * as audit from '../../audit/service.ts';
import { refreshFiguresIn, syncAbsencesIn } from '../compliance-service.ts';
import { linkImportedRecordsIn } from '../courses/service.ts';
import { needsAnalysisIn } from '../needs-service.ts';
import {
  leaversNeedConfirmation,
  levelOfCourse,
  refresherYears,
  requiredLevelFor,
  type StatusScope,
  statusLookup,
} from '../rules.ts';
import type { ImportStatus, NeedsAnalysisRules, TrainingLevel } from '../schema.ts';
import { EsrFileError, type EsrRow, expiryOf, type ReadProgress, type RowProblem, readEsrRows } from './esr-csv.ts';
import * as repository from './repository.ts';
import { type ImportSettings, importSettingsIn } from './settings-service.ts';

/** The tests read the stored settings as a run reads them, through the service. */
export { importSettingsIn };

export type TrainingImport = repository.ImportRow;
export type ImportError = repository.ImportErrorRow;
export type { RowProblem };

export const importJobKind = 'training.import';
/** The report keeps this many problems; the import counts them all. */
export const keptErrors = 5000;
/** Uploads up to this size: a million-row export is about 200 MB. */
export const maxUploadBytes = 300 * 1024 * 1024;
/** Rows per COPY into the staging tables: large enough to be fast, small enough to keep memory flat. */
const stagingBatchRows = 10_000;
const progressEveryMs = 1000;

export const statusNames: Record<ImportStatus, string> = {
  waiting: 'Waiting to start',
  checking: 'Checking',
  invalid: 'Not imported: rows with errors',
  checked: 'Checked: no errors',
  unconfirmed: 'Not imported: confirm the leavers',
  imported: 'Imported',
  failed: 'Could not be read',
};

/** What an import did (or, checked only, would do). */
export type ImportSummary = {
  rowsRead: number;
  staffInFile: number;
  staffAdded: number;
  staffUpdated: number;
  staffLeft: number;
  staffReturned: number;
  preventRows: number;
  otherCourses: number;
  recordsInFile: number;
  recordsAdded: number;
  /** Rows whose personal details differ from the row before for the same assignment (the last one is used). */
  conflictingDetails: number;
  /** Of staffLeft, the staff already recorded and not leavers: the number a large import must have confirmed. */
  staffLeaving: number;
  /** Staff not marked as leavers before the import, and staff in scope (not left, not on long-term absence) before and after it. */
  staffBefore: number;
  inScopeBefore: number;
  inScopeAfter: number;
  /** Leavers above this percentage of staffBefore need the number confirmed (the settings when the import ran). */
  leaverConfirmationPercent: number;
};

export type ImportOutcome = {
  status: Extract<ImportStatus, 'imported' | 'checked' | 'unconfirmed' | 'invalid' | 'failed'>;
  bytesRead: number;
  bytesTotal: number;
  rowsRead: number;
  errorCount: number;
  /** The first problems, in file order (at most keptErrors). */
  problems: RowProblem[];
  summary: ImportSummary | null;
  failure: string | null;
};

// ---- the import ----

export type ImportRun = {
  database: Database;
  orgId: string;
  importId: string;
  filePath: string;
  dryRun: boolean;
  /**
   * The number of leavers the person confirmed: an import that would make more leavers than the
   * settings allow goes ahead only when this is exactly that number.
   */
  confirmedLeavers?: number | null;
  actor: Actor;
  scope: Scope;
  today?: string;
  /** Called about once a second while the file is read. */
  onProgress?: (progress: Readonly<ReadProgress>) => void;
  /** How long each step of the merge took, for the benchmark. */
  onStep?: (step: string, milliseconds: number) => void;
};

/** Another process is running this import (a job claimed again after its lease ran out). */
export class ImportAlreadyRunning extends Error {
  constructor() {
    super('This import is already running in another process');
  }
}

/**
 * Thrown inside the merge transaction to undo it once the counts are known: a check-only run, or an
 * import whose leavers need confirming.
 */
class MergeUndone extends Error {
  constructor(readonly summary: ImportSummary) {
    super('merge undone');
  }
}

/** Remembers a few thousand answers to a function that is asked the same few questions a million times. */
function remembered<T>(work: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined && !known.has(key)) {
      if (known.size >= 10_000) known.clear();
      value = work(key);
      known.set(key, value);
    }
    return value as T;
  };
}

const f = repository.copyField;

/** A run under way: what it was asked, its staging connection, and what it has found so far (kept for the report if it stops). */
type Importing = {
  run: ImportRun;
  staging: repository.Staging;
  today: string;
  progress: ReadProgress;
  /** The first problems, in file order (at most keptErrors). */
  problems: RowProblem[];
  errorCount: number;
};

/** The counts of the file's rows that the summary reports, whatever the merge changes. */
type FileCounts = { preventRows: number; otherCourses: number; recordsInFile: number; conflictingDetails: number };

/** The file after the stage step: invalid (nothing was staged), or staged for the merge. */
type Staged = {
  invalid: boolean;
  counts: FileCounts;
  withEmail: { email: boolean; managerEmail: boolean };
  leaverConfirmationPercent: number;
};

/** An assignment status the settings do not know: how many rows have it, and the first of their lines. */
type UnknownStatus = { status: string; rows: number; lines: number[] };
const linesNamed = 10;

/** The answers a row needs from the settings and the needs analysis, remembered because a file asks the same few a million times. */
type RowAnswers = {
  levelOf: (course: string) => TrainingLevel | null;
  requiredLevel: (groupAndPosition: string) => TrainingLevel;
  statusScope: (assignmentStatus: string) => StatusScope | undefined;
};

function rowAnswers(settings: ImportSettings, analysis: NeedsAnalysisRules): RowAnswers {
  return {
    levelOf: remembered((course) => levelOfCourse(settings.competenceRules, course) ?? null),
    requiredLevel: remembered((key) => {
      const [staffGroup = '', positionTitle = ''] = key.split('\u0000');
      return requiredLevelFor(analysis, staffGroup, positionTitle);
    }),
    statusScope: statusLookup(settings.statusMapping),
  };
}

/** The personal details that, when they differ from the row before for the same assignment, are staged again. */
function detailsOf(row: EsrRow): string {
  return [
    row.employeeNumber,
    row.firstName,
    row.lastName,
    row.email ?? '',
    row.managerEmail ?? '',
    row.directorate,
    row.department,
    row.positionTitle,
    row.staffGroup,
    row.assignmentStatus,
  ].join('\u0000');
}

/** A row of the staff staging table, in COPY text form (repository.stagedStaffColumns). */
function staffLineOf(row: EsrRow, answers: RowAnswers, scope: StatusScope): string {
  return [
    row.line,
    f(row.assignmentNumber),
    f(row.employeeNumber),
    f(row.firstName),
    f(row.lastName),
    f(row.email),
    f(row.managerEmail),
    f(row.directorate),
    f(row.department),
    f(row.positionTitle),
    f(row.staffGroup),
    f(row.assignmentStatus),
    scope === 'long_term_absence',
    scope === 'leaver',
    answers.requiredLevel(`${row.staffGroup}\u0000${row.positionTitle}`),
  ].join('\t');
}

/** A row of the records staging table, in COPY text form (repository.stagedRecordColumns). */
function recordLineOf(row: EsrRow, level: TrainingLevel): string {
  return [
    f(row.assignmentNumber),
    f(row.competenceName),
    level,
    row.achievedOn,
    f(expiryOf(row, refresherYears)),
    row.noExpiry,
  ].join('\t');
}

/** Writes the import's progress to its row about once a second (or now, when forced), for the status page. */
function progressReporter({ run, staging, progress }: Importing): (force?: boolean) => Promise<void> {
  let lastReport = Date.now();
  return async (force = false) => {
    if (!force && Date.now() - lastReport < progressEveryMs) return;
    lastReport = Date.now();
    run.onProgress?.(progress);
    await withScope(staging.db, run.scope, (tx) =>
      repository.setProgress(tx, run.orgId, run.importId, {
        status: 'checking',
        bytesRead: progress.bytesRead,
        rowsRead: progress.rowsRead,
        bytesTotal: progress.bytesTotal,
      }),
    );
  };
}

/**
 * One COPY in flight while the next rows are read: a database server loads one batch as this process
 * checks the next. A failed COPY is reported when the next one waits for it.
 */
function stagingCopier(): {
  send: (copy: (text: string) => Promise<void>, lines: string[]) => Promise<void>;
  done: () => Promise<void>;
} {
  let copying: Promise<void> = Promise.resolve();
  return {
    send: async (copy, lines) => {
      await copying;
      copying = copy(`${lines.join('\n')}\n`);
      copying.catch(() => {});
    },
    done: () => copying,
  };
}

/**
 * Stage step: reads and checks every row of the file, and copies the valid ones into the staging
 * tables. Problems are counted on `importing`; after the first invalid row nothing more is staged.
 */
async function stage(importing: Importing): Promise<Staged> {
  const { run, staging, progress, today } = importing;
  const { settings, analysis } = await withScope(staging.db, run.scope, async (tx) => ({
    settings: await importSettingsIn(tx, run.orgId),
    analysis: await needsAnalysisIn(tx, run.orgId),
  }));
  const mapping = settings.columnMapping;
  const withEmail = { email: mapping.email.trim() !== '', managerEmail: mapping.managerEmail.trim() !== '' };
  const answers = rowAnswers(settings, analysis);
  const counts: FileCounts = { preventRows: 0, otherCourses: 0, recordsInFile: 0, conflictingDetails: 0 };
  const copier = stagingCopier();
  const report = progressReporter(importing);
  let staffLines: string[] = [];
  let recordLines: string[] = [];
  let lastAssignment = '';
  let lastDetails = '';
  let invalid = false;
  const unknownStatuses = new Map<string, UnknownStatus>();
  await report(true);

  for await (const items of readEsrRows(run.filePath, { mapping, today, progress })) {
    for (const item of items) {
      if (!item.ok) {
        invalid = true;
        importing.errorCount += item.problems.length;
        for (const problem of item.problems) if (importing.problems.length < keptErrors) importing.problems.push(problem);
        continue;
      }
      const row = item.row;
      const scope = answers.statusScope(row.assignmentStatus);
      if (!scope) {
        invalid = true;
        noteUnknownStatus(unknownStatuses, row);
      }
      const level = answers.levelOf(row.competenceName);
      if (level) counts.preventRows++;
      else counts.otherCourses++;
      const hasRecord = level !== null && row.achievedOn !== null;
      if (hasRecord) counts.recordsInFile++;
      // Once a row is invalid nothing will be written: the rest is only checked.
      if (invalid) continue;
      const details = detailsOf(row);
      // An export has a row per competence: a person's details are staged once, unless they change.
      if (row.assignmentNumber !== lastAssignment || details !== lastDetails) {
        if (row.assignmentNumber === lastAssignment) counts.conflictingDetails++;
        staffLines.push(staffLineOf(row, answers, scope ?? 'in_scope'));
        lastAssignment = row.assignmentNumber;
        lastDetails = details;
      }
      if (hasRecord && level) recordLines.push(recordLineOf(row, level));
    }
    if (invalid) {
      staffLines = [];
      recordLines = [];
    }
    if (staffLines.length >= stagingBatchRows) {
      await copier.send(staging.copyStaff, staffLines);
      staffLines = [];
    }
    if (recordLines.length >= stagingBatchRows) {
      await copier.send(staging.copyRecords, recordLines);
      recordLines = [];
    }
    await report();
  }
  await report(true);
  reportUnknownStatuses(importing, unknownStatuses, mapping.assignmentStatus);

  const staged = { invalid, counts, withEmail, leaverConfirmationPercent: settings.leaverConfirmationPercent };
  if (invalid) return staged;
  if (staffLines.length > 0) await copier.send(staging.copyStaff, staffLines);
  if (recordLines.length > 0) await copier.send(staging.copyRecords, recordLines);
  await copier.done();
  return staged;
}

function noteUnknownStatus(unknown: Map<string, UnknownStatus>, row: EsrRow): void {
  const key = row.assignmentStatus.trim().toLowerCase();
  const found = unknown.get(key) ?? { status: row.assignmentStatus.trim(), rows: 0, lines: [] };
  found.rows++;
  if (found.lines.length < linesNamed) found.lines.push(row.line);
  unknown.set(key, found);
}

/**
 * One problem per status the settings do not know, with how many rows have it and on which lines; kept
 * ahead of the row problems, so that a file with thousands of those still names every unknown status.
 */
function reportUnknownStatuses(importing: Importing, unknown: Map<string, UnknownStatus>, column: string): void {
  if (unknown.size === 0) return;
  const problems = [...unknown.values()].map(({ status, rows, lines }): RowProblem => {
    const more = rows > lines.length ? ` and ${rows - lines.length} more` : '';
    const where = `${rows === 1 ? 'line' : 'lines'} ${lines.join(', ')}${more}`;
    return {
      line: lines[0] ?? 0,
      column,
      value: status,
      message:
        `“${status}” is not an assignment status the import settings know (${rows} ${rows === 1 ? 'row' : 'rows'}: ${where}). ` +
        'Add it to the import settings as in scope, long-term absence or leaver, then import the file again',
    };
  });
  importing.errorCount += problems.length;
  importing.problems = [...problems, ...importing.problems].slice(0, keptErrors);
}

/** Runs one step of the merge, telling the benchmark how long it took. */
async function timed<T>(run: ImportRun, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  run.onStep?.(step, performance.now() - started);
  return result;
}

/** Merge step: applies the staged file to the organisation's staff and records, in `tx`, and says what changed. */
async function merge(tx: Tx, { run, staging, today, progress }: Importing, staged: Staged): Promise<ImportSummary> {
  const { orgId, importId } = run;
  const before = await repository.headcountOf(tx, orgId, today);
  const merged = await timed(run, 'staff', () => repository.mergeStaff(tx, staging, orgId, today, staged.withEmail));
  const missing = await timed(run, 'leavers', () => repository.markMissingAsLeft(tx, staging, orgId, today));
  await timed(run, 'absences', () => syncAbsencesIn(tx, orgId, today));
  const recordsAdded = await timed(run, 'records', () => repository.mergeRecords(tx, staging, orgId, importId));
  if (recordsAdded > 0) await linkImportedRecordsIn(tx, orgId, importId);
  const after = await repository.headcountOf(tx, orgId, today);
  // The figures kept on staff rows follow the change; a check only is undone, and an unchanged file changed nothing.
  if (!run.dryRun && merged.added + merged.updated + missing + recordsAdded > 0) {
    await timed(run, 'figures', () => refreshFiguresIn(tx, orgId));
  }
  return {
    rowsRead: progress.rowsRead,
    staffInFile: merged.inFile,
    staffAdded: merged.added,
    staffUpdated: merged.updated,
    staffLeft: merged.leftNow + missing,
    staffLeaving: merged.staffLeaving + missing,
    staffReturned: merged.returned,
    preventRows: staged.counts.preventRows,
    otherCourses: staged.counts.otherCourses,
    recordsInFile: staged.counts.recordsInFile,
    recordsAdded,
    conflictingDetails: staged.counts.conflictingDetails,
    staffBefore: before.staff,
    inScopeBefore: before.inScope,
    inScopeAfter: after.inScope,
    leaverConfirmationPercent: staged.leaverConfirmationPercent,
  };
}

/** Whether an import with this summary may go ahead: its leavers are few enough, or their number was confirmed. */
export function leaversAllowed(summary: ImportSummary, confirmedLeavers: number | null | undefined): boolean {
  return (
    !leaversNeedConfirmation(summary.staffLeaving, summary.staffBefore, summary.leaverConfirmationPercent) ||
    confirmedLeavers === summary.staffLeaving
  );
}

/**
 * The merge in one transaction, recorded as imported; undone for a check only, and for an import whose
 * leavers need a confirmation it does not have (the summary then says how many).
 */
async function mergeOrUndo(importing: Importing, staged: Staged): Promise<{ summary: ImportSummary; kept: boolean }> {
  const { run } = importing;
  return withScope(importing.staging.db, run.scope, async (tx) => {
    const summary = await merge(tx, importing, staged);
    if (run.dryRun || !leaversAllowed(summary, run.confirmedLeavers)) throw new MergeUndone(summary);
    await recordImported(tx, importing, summary);
    return { summary, kept: true };
  }).catch((error: unknown) => {
    if (!(error instanceof MergeUndone)) throw error;
    return { summary: error.summary, kept: false };
  });
}

/** Record step, for a run that wrote nothing: its error report and outcome on the import's row. */
async function recordOutcome(
  importing: Importing,
  outcome: Omit<ImportOutcome, 'bytesRead' | 'bytesTotal' | 'rowsRead' | 'errorCount' | 'problems'>,
): Promise<ImportOutcome> {
  const { run, staging, progress, problems, errorCount } = importing;
  const result: ImportOutcome = { ...outcome, ...progress, errorCount, problems };
  await withScope(staging.db, run.scope, async (tx) => {
    await repository.removeErrors(tx, run.orgId, run.importId);
    await repository.insertErrors(
      tx,
      run.orgId,
      run.importId,
      problems.map((p, seq) => ({ seq: seq + 1, ...p })),
    );
    await repository.finishImport(tx, run.orgId, run.importId, {
      status: result.status,
      bytesRead: result.bytesRead,
      rowsRead: result.rowsRead,
      errorCount,
      summary: result.summary,
      failure: result.failure,
    });
  });
  return result;
}

/** Record step, for a run that imported: the import's row and the audit trail, in the merge's transaction. */
async function recordImported(tx: Tx, { run, progress }: Importing, summary: ImportSummary): Promise<void> {
  await repository.finishImport(tx, run.orgId, run.importId, {
    status: 'imported',
    bytesRead: progress.bytesRead,
    rowsRead: progress.rowsRead,
    errorCount: 0,
    summary,
    failure: null,
  });
  await audit.record(tx, run.actor, {
    orgId: run.orgId,
    action: 'training.imported',
    recordType: 'training_import',
    recordId: run.importId,
    details: { ...summary },
  });
}

/** Runs one import to its end and records the outcome on the import's row. */
export async function runImport(run: ImportRun): Promise<ImportOutcome> {
  const today = run.today ?? todayInLondon();
  const staging = await repository.openStaging(run.database);
  if (!(await staging.claim(run.importId))) {
    await staging.close();
    throw new ImportAlreadyRunning();
  }
  const importing: Importing = {
    run,
    staging,
    today,
    progress: { bytesRead: 0, bytesTotal: 0, rowsRead: 0 },
    problems: [],
    errorCount: 0,
  };
  try {
    const staged = await stage(importing);
    if (staged.invalid) return await recordOutcome(importing, { status: 'invalid', summary: null, failure: null });
    await timed(run, 'analyse staging', () => repository.analyseStaging(staging));
    const { summary, kept } = await mergeOrUndo(importing, staged);
    if (!kept) return await recordOutcome(importing, { status: run.dryRun ? 'checked' : 'unconfirmed', summary, failure: null });
    return { status: 'imported', ...importing.progress, errorCount: 0, problems: [], summary, failure: null };
  } catch (error) {
    if (error instanceof EsrFileError)
      return await recordOutcome(importing, { status: 'failed', summary: null, failure: error.message });
    await recordOutcome(importing, {
      status: 'failed',
      summary: null,
      failure:
        'The import stopped because of a fault in the service. Nothing was imported. Try again, and tell your system administrator if it happens again.',
    }).catch(() => {});
    throw error;
  } finally {
    await staging.close();
  }
}
