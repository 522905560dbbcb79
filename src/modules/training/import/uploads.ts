/*
 * Uploads and their background jobs: an uploaded file is recorded and queued, the job runs the import
 * (service.ts), an import whose leavers need confirming waits for the number, and its file is removed
 * if no one confirms it. The command line records its own import row and runs the import directly.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database, Db } from '../../../db/client.ts';
import { type Scope, withScope } from '../../../db/tenancy.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { InputError, NotFoundError } from '../../../platform/errors.ts';
import { enqueueJob } from '../../../platform/jobs/queue.ts';
import type { Actor } from '../../audit/service.ts';
import * as audit from '../../audit/service.ts';
import * as users from '../../users/service.ts';
import * as repository from './repository.ts';
import {
  ImportAlreadyRunning,
  type ImportOutcome,
  type ImportSummary,
  importJobKind,
  runImport,
  type TrainingImport,
} from './service.ts';

/** An import row for the command line, which then runs the import itself. */
export async function startDirectImport(
  db: Db,
  orgId: string,
  file: { name: string; bytes: number; dryRun: boolean },
): Promise<TrainingImport> {
  return withScope(db, { userId: null, orgIds: [orgId] }, (tx) =>
    repository.insertImport(tx, orgId, {
      id: randomUUID(),
      fileName: file.name,
      dryRun: file.dryRun,
      status: 'checking',
      bytesTotal: file.bytes,
      startedBy: null,
    }),
  );
}

/** Where uploads wait for their job. */
export const uploadDirectory = (dataDir: string) => path.join(dataDir, 'imports');

/** Records an uploaded file and queues its import, in one transaction. The file is already at `filePath`. */
export async function queueUpload(
  db: Db,
  ctx: RequestContext,
  upload: { id: string; fileName: string; filePath: string; bytes: number; dryRun: boolean },
): Promise<TrainingImport> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const created = await repository.insertImport(tx, orgId, {
      id: upload.id,
      fileName: upload.fileName.slice(0, 200),
      dryRun: upload.dryRun,
      status: 'waiting',
      bytesTotal: upload.bytes,
      startedBy: ctx.user.id,
    });
    await enqueueJob(tx, importJobKind, { importId: created.id, orgId, file: upload.filePath });
    return created;
  });
}

/** The job that runs an uploaded file's import (importJobKind). */
export async function importJob(database: Database, payload: Record<string, unknown>): Promise<void> {
  const importId = String(payload.importId ?? '');
  const orgId = String(payload.orgId ?? '');
  const filePath = String(payload.file ?? '');
  const confirmedLeavers = typeof payload.confirmedLeavers === 'number' ? payload.confirmedLeavers : null;
  const scopeOf = (userId: string | null): Scope => ({ userId, orgIds: [orgId] });
  const found = await withScope(database.db, scopeOf(null), (tx) => repository.importById(tx, orgId, importId));
  // Already finished (a retry after the end): nothing to do.
  if (!found || (found.status !== 'waiting' && found.status !== 'checking')) return;
  const starter = found.startedBy ? await users.findById(database.db, found.startedBy) : undefined;
  const actor: Actor = starter
    ? { userId: starter.id, label: `${starter.displayName} <${starter.email}>`, ip: null }
    : { userId: null, label: 'training import job', ip: null };
  if (!fs.existsSync(filePath)) {
    await withScope(database.db, scopeOf(null), (tx) =>
      repository.finishImport(tx, orgId, importId, {
        status: 'failed',
        bytesRead: 0,
        rowsRead: 0,
        errorCount: 0,
        summary: null,
        failure: 'The uploaded file is no longer there. Upload it again.',
      }),
    );
    return;
  }
  let outcome: ImportOutcome;
  try {
    outcome = await runImport({
      database,
      orgId,
      importId,
      filePath,
      dryRun: found.dryRun,
      confirmedLeavers,
      actor,
      scope: scopeOf(found.startedBy),
    });
  } catch (error) {
    if (error instanceof ImportAlreadyRunning) return;
    throw error;
  }
  // The upload holds staff names: it is kept no longer than the import needs it. When its leavers need
  // confirming it waits a day for that (discardJob), then goes.
  if (outcome.status !== 'unconfirmed') fs.rmSync(filePath, { force: true });
  else {
    const due = new Date(Date.now() + unconfirmedKeptHours * 3600_000);
    await withScope(database.db, scopeOf(null), (tx) => enqueueJob(tx, discardJobKind, { importId, orgId, file: filePath }, due));
  }
}

export const discardJobKind = 'training.import.discard';

/** Removes the file of an import still waiting for its leavers to be confirmed (discardJobKind). */
export async function discardJob(database: Database, payload: Record<string, unknown>): Promise<void> {
  const orgId = String(payload.orgId ?? '');
  const importId = String(payload.importId ?? '');
  const found = await withScope(database.db, { userId: null, orgIds: [orgId] }, (tx) =>
    repository.importById(tx, orgId, importId),
  );
  // Confirmed since (and so running or done with the file): the import's own job removes it.
  if (found && found.status !== 'unconfirmed') return;
  const file = String(payload.file ?? '');
  if (file !== '') fs.rmSync(file, { force: true });
}

/** How long an import waits for its leavers to be confirmed before its file is removed. */
export const unconfirmedKeptHours = 24;

/**
 * Confirms the number of leavers an import needs confirming and runs it again. The number must be the
 * one the import found; the run checks it again, so a file that now makes a different number stops again.
 */
export async function confirmLeavers(
  db: Db,
  ctx: RequestContext,
  id: string,
  body: Record<string, unknown>,
  dataDir: string,
): Promise<void> {
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    const found = await repository.importById(tx, orgId, id);
    if (!found) throw new NotFoundError('import');
    const leavers = (found.summary as ImportSummary | null)?.staffLeaving;
    if (found.status !== 'unconfirmed' || leavers === undefined)
      throw new InputError({ confirmLeavers: 'This import is not waiting for its leavers to be confirmed' });
    const typed = typeof body.confirmLeavers === 'string' ? body.confirmLeavers.trim() : '';
    if (typed === '') throw new InputError({ confirmLeavers: `Enter the number of staff who will become leavers (${leavers})` });
    if (!/^\d+$/.test(typed) || Number(typed) !== leavers)
      throw new InputError({
        confirmLeavers: `Enter ${leavers}, the number of staff this file makes leavers: you entered ${typed.slice(0, 20)}`,
      });
    const filePath = path.join(uploadDirectory(dataDir), `${id}.csv`);
    if (!fs.existsSync(filePath))
      throw new InputError({
        confirmLeavers: `The file is no longer kept (files wait ${unconfirmedKeptHours} hours for a confirmation): upload it again`,
      });
    await repository.setProgress(tx, orgId, id, { status: 'waiting', bytesRead: 0, rowsRead: 0 });
    await enqueueJob(tx, importJobKind, { importId: id, orgId, file: filePath, confirmedLeavers: leavers });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.import.leavers-confirmed',
      recordType: 'training_import',
      recordId: id,
      details: { leavers },
    });
  });
}
