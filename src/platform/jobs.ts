/**
 * Background work kept in the database (the jobs table): no other server, nothing lost on a
 * restart, the same code on the embedded database and on a PostgreSQL server, and several
 * instances may run side by side. A job is enqueued in the transaction that makes the change
 * it follows from, so it exists exactly when the change does.
 *
 * Handlers run as the connecting role (not row-level-security scoped) and may run more than
 * once (a retry after a failure part-way, or a lease that ran out): make them idempotent.
 * Payloads hold ids, not personal data.
 */
import type { Database, Executor } from '../db/client.ts';
import * as audit from '../modules/audit/service.ts';
import * as notifications from '../modules/notifications/service.ts';
import { addDays, todayInLondon } from './dates.ts';

export type JobHandler = (database: Database, payload: Record<string, unknown>, logger: JobLogger) => Promise<void>;

/** The little of a logger the runner needs; Fastify's (pino) logger fits. */
export type JobLogger = {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
};

const silent: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

const handlers = new Map<string, JobHandler>();

/** Names the code that runs jobs of a kind. Register at module load, so every process that loads the module can run them. */
export function registerJobHandler(kind: string, handler: JobHandler): void {
  if (handlers.has(kind) && handlers.get(kind) !== handler) throw new Error(`Job kind ${kind} already has a handler`);
  handlers.set(kind, handler);
}

/** Adds a job inside the caller's transaction (a request's, as prevent_app): it commits or rolls back with the change. */
export async function enqueueJob(tx: Executor, kind: string, payload: Record<string, unknown>, runAfter?: Date): Promise<void> {
  await notifications.enqueueJob(tx, kind, payload, runAfter);
}

const emailAddress = /[^\s<>"'@]+@[^\s<>"'@]+/g;

/** What is kept of a failure: short, and with anything that looks like an e-mail address taken out. */
function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : 'Non-error thrown';
  return text.replace(emailAddress, '[address]').slice(0, 500);
}

/** A cap on one call, so a handler that keeps enqueueing due work cannot keep it going for ever. */
const maxJobsPerRun = 1000;

/**
 * Claims and runs, one at a time, every job that is due and has a handler here, including jobs
 * those jobs enqueue. Returns how many were run (succeeded or failed).
 */
export async function runDueJobs(database: Database, logger: JobLogger = silent): Promise<number> {
  return runJobs(database, logger, () => true);
}

async function runJobs(database: Database, logger: JobLogger, carryOn: () => boolean): Promise<number> {
  let ran = 0;
  while (ran < maxJobsPerRun && carryOn()) {
    // Only kinds this process can run: an instance of an older release leaves newer kinds to the others.
    const job = await notifications.claimNextJob(database.db, [...handlers.keys()]);
    if (!job) break;
    ran++;
    const handler = handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`No handler for job kind ${job.kind}`);
      await handler(database, job.payload, logger);
      await notifications.finishJob(database.db, job.id);
    } catch (error) {
      const described = describeFailure(error);
      const { willRetry } = await notifications.failJob(database.db, job, described);
      const details = { job: job.id, kind: job.kind, attempts: job.attempts, error: described };
      if (willRetry) logger.warn(details, 'job failed; it will be tried again');
      else logger.error(details, 'job failed for the last time; it stays in the jobs table unfinished');
    }
  }
  return ran;
}

// ---- the daily reminder scan ----

export const reminderScanKind = 'reminders.scan';
/** Reminders go out early, before the working day. */
const reminderHour = 6;
const keepFinishedJobsDays = 30;

const londonHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' });

/** The instant that is `hour`:00 on `day` in London (GMT or BST). */
export function londonTime(day: string, hour: number): Date {
  const asIfUtc = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
  const offsetHours = Number(londonHour.format(asIfUtc)) - hour;
  return new Date(asIfUtc.getTime() - offsetHours * 3_600_000);
}

export function nextReminderScan(now: Date = new Date()): Date {
  return londonTime(addDays(todayInLondon(now), 1), reminderHour);
}

async function scanReminders(database: Database): Promise<void> {
  // The successor first: a scan that fails all its tries must not end the daily scans.
  await notifications.scheduleUnlessPending(database, reminderScanKind, nextReminderScan(), { onlyFuture: true });
  const result = await notifications.sendDueReminders(database, todayInLondon());
  await notifications.removeFinishedJobsBefore(database.db, new Date(Date.now() - keepFinishedJobsDays * 86_400_000));
  if (result.failed.length) throw new Error(`Reminder sources failed: ${result.failed.join(', ')}`);
}

/** Makes sure a reminder scan is waiting (one due now, on a database that has never had one). */
export async function ensureReminderScan(database: Database): Promise<void> {
  await notifications.scheduleUnlessPending(database, reminderScanKind, new Date(), { onlyFuture: false });
}

// ---- the daily audit checkpoint ----

export const auditCheckpointKind = 'audit.checkpoint';

/**
 * The chain's head written to the log once a day: the log is kept apart from the database, so an
 * entry removed from the end of the trail after it was logged shows when verified against it.
 */
async function logAuditCheckpoint(database: Database, _payload: Record<string, unknown>, logger: JobLogger): Promise<void> {
  await notifications.scheduleUnlessPending(database, auditCheckpointKind, londonTime(addDays(todayInLondon(), 1), 0), {
    onlyFuture: true,
  });
  const { seq, hash, at } = await audit.takeCheckpoint(database.db);
  logger.info({ seq, hash, at }, 'audit checkpoint');
}

/** Makes sure a checkpoint is waiting (one due now, on a database that has never had one). */
export async function ensureAuditCheckpoint(database: Database): Promise<void> {
  await notifications.scheduleUnlessPending(database, auditCheckpointKind, new Date(), { onlyFuture: false });
}

// By the kind's name and through a wrapper: the notifications module and this one import each other (through
// the users module), so its exports may not be initialised yet while this module is.
registerJobHandler('notifications.mail', (database, payload) => notifications.sendNotificationMail(database, payload));
registerJobHandler('notifications.mail-address', (_database, payload) => notifications.sendAddressMail(payload));
registerJobHandler(reminderScanKind, scanReminders);
registerJobHandler(auditCheckpointKind, logAuditCheckpoint);

// ---- the runner ----

export type JobRunner = {
  /** Stops polling and waits for the job in hand to finish. */
  stop(): Promise<void>;
  /** Looks for due jobs now rather than at the next poll. */
  kick(): void;
};

/** Polls for due jobs every `intervalMs` in this process. Started by main.ts; tests call runDueJobs instead. */
export function startJobRunner(database: Database, options: { intervalMs: number; logger?: JobLogger }): JobRunner {
  const logger = options.logger ?? silent;
  let stopped = false;
  let kicked = false;
  let wake: (() => void) | null = null;

  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      // The runner alone must not keep the process alive.
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    try {
      await ensureReminderScan(database);
    } catch (error) {
      logger.error({ error: describeFailure(error) }, 'could not schedule the reminder scan');
    }
    try {
      await ensureAuditCheckpoint(database);
    } catch (error) {
      logger.error({ error: describeFailure(error) }, 'could not schedule the daily audit checkpoint');
    }
    while (!stopped) {
      kicked = false;
      try {
        await runJobs(database, logger, () => !stopped);
      } catch (error) {
        // e.g. the database server is restarting: try again at the next poll.
        logger.error({ error: describeFailure(error) }, 'job runner could not reach the jobs table');
      }
      if (!stopped && !kicked) await pause();
      wake = null;
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
    kick() {
      kicked = true;
      wake?.();
    },
  };
}
