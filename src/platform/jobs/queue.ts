/**
 * The job queue's rules: background work kept in the database (the jobs table), so there is no
 * other server, nothing is lost on a restart, the same code runs on the embedded database and on a
 * PostgreSQL server, and several instances may run side by side. A job is enqueued in the
 * transaction that makes the change it follows from, so it exists exactly when the change does.
 * Payloads hold ids, not personal data. The runner is runner.ts.
 */
import type { Database, Executor } from '../../db/client.ts';
import * as repository from './repository.ts';

export type Job = repository.JobRow;
export type ClaimedJob = repository.ClaimedJob;

/** A job is tried at most this many times; after that it stays in the table, unfinished, on the list of failed jobs. */
export const maxJobAttempts = 5;
/** How long a claimed job is reserved for the instance running it. */
export const jobLeaseSeconds = 5 * 60;

/** Seconds before the next try after the nth failed one: 1, 5, 25, 125 minutes, so an outage of hours is ridden out. */
export function retryDelaySeconds(attempts: number): number {
  return 60 * 5 ** Math.max(0, attempts - 1);
}

/** Adds a job inside the caller's transaction (a request's, as prevent_app): it commits or rolls back with the change. */
export async function enqueueJob(
  tx: Executor,
  kind: string,
  payload: Record<string, unknown>,
  runAfter?: Date | undefined,
): Promise<string> {
  if (!kind) throw new Error('A job needs a kind');
  return repository.insertJob(tx, { kind, payload, runAfter });
}

/** The next due job of a kind this instance can run, reserved for it; undefined if there is none. */
export async function claimNextJob(db: Executor, kinds: string[]): Promise<ClaimedJob | undefined> {
  const [job] = await repository.claimDueJobs(db, kinds, 1, maxJobAttempts, jobLeaseSeconds);
  return job;
}

export const finishJob = (db: Executor, id: string) => repository.finishJob(db, id);

/** Records a failed try; the job is due again after a delay, unless it has used all its tries. */
export async function failJob(db: Executor, job: ClaimedJob, error: string): Promise<{ willRetry: boolean }> {
  await repository.failJob(db, job.id, error, retryDelaySeconds(job.attempts));
  return { willRetry: job.attempts < maxJobAttempts };
}

export const findJob = (db: Executor, id: string) => repository.jobById(db, id);
export const jobsOfKind = (db: Executor, kind: string) => repository.jobsOfKind(db, kind);

/**
 * Enqueues a job of this kind unless one is already waiting: with `onlyFuture`, only one not yet
 * due counts (so a job of the kind that is running now can book its successor). Safe when several
 * instances do it at once: an advisory lock on the kind makes them take turns, and each one's count
 * sees what the one before it committed.
 */
export async function scheduleUnlessPending(
  database: Database,
  kind: string,
  runAfter: Date,
  options: { onlyFuture: boolean },
): Promise<boolean> {
  return database.db.transaction(async (tx) => {
    await repository.lockKind(tx, kind);
    if ((await repository.countPending(tx, kind, maxJobAttempts, options.onlyFuture)) > 0) return false;
    await repository.insertJob(tx, { kind, payload: {}, runAfter });
    return true;
  });
}

/** Finished jobs are kept a while for looking into problems, then removed. */
export const removeFinishedJobsBefore = (db: Executor, before: Date) => repository.removeFinishedBefore(db, before);

const emailAddress = /[^\s<>"'@]+@[^\s<>"'@]+/g;

/** What is kept or logged of a failure: short, and with anything that looks like an e-mail address taken out. */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'Non-error thrown';
  return text.replace(emailAddress, '[address]').slice(0, 500);
}

/** A job that used all its tries: what an administrator may see of it (never its payload). */
export type FailedJob = {
  id: string;
  kind: string;
  attempts: number;
  lastError: string | null;
  lastTriedAt: Date;
  createdAt: Date;
};

/**
 * The failed jobs an administrator of the organisation may see: those whose payload names it, and
 * those for no one organisation (the daily scans, an e-mail). The jobs table has no row-level
 * security (it belongs to the service, not to an organisation), so this filter is the only one.
 */
export async function failedJobsFor(db: Executor, orgId: string, limit = 200): Promise<FailedJob[]> {
  const rows = await repository.deadJobs(db, maxJobAttempts, orgId, limit);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    attempts: row.attempts,
    lastError: row.lastError,
    // The last failure pushed run_after on by the delay it would have waited: take it back off.
    lastTriedAt: new Date(row.runAfter.getTime() - retryDelaySeconds(row.attempts) * 1000),
    createdAt: row.createdAt,
  }));
}
