/**
 * Runs the queue's jobs with the handlers the modules declare in their manifests (jobHandlers and
 * schedules): the runner is handed the module list and knows no module itself.
 */
import type { Database } from '../../db/client.ts';
import type { JobContext, JobHandler, JobLogger, ModuleManifest, Schedule } from '../modules.ts';
import { claimNextJob, describeFailure, failJob, finishJob, scheduleUnlessPending } from './queue.ts';

const silent: JobLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Every kind of job the modules can run, with its handler; a kind declared twice is a mistake, found at start. */
export function jobHandlersOf(modules: readonly ModuleManifest[]): Map<string, JobHandler> {
  const handlers = new Map<string, JobHandler>();
  const add = (module: ModuleManifest, kind: string, handler: JobHandler) => {
    if (handlers.has(kind)) throw new Error(`Job kind ${kind} has two handlers (the second from the ${module.name} module)`);
    handlers.set(kind, handler);
  };
  for (const module of modules) {
    for (const [kind, handler] of Object.entries(module.jobHandlers ?? {})) add(module, kind, handler);
    for (const schedule of module.schedules ?? []) add(module, schedule.kind, runOnSchedule(schedule));
  }
  return handlers;
}

export const schedulesOf = (modules: readonly ModuleManifest[]): Schedule[] => modules.flatMap((m) => m.schedules ?? []);

/** A scheduled run books the next one first: a run that fails all its tries must not end the timetable. */
function runOnSchedule(schedule: Schedule): JobHandler {
  return async (database, payload, context) => {
    await scheduleUnlessPending(database, schedule.kind, schedule.next(new Date()), { onlyFuture: true });
    await schedule.run(database, payload, context);
  };
}

/** Makes sure a run of the schedule is waiting: one due now, on a database that has never had one. */
export async function ensureScheduled(database: Database, schedule: Pick<Schedule, 'kind'>): Promise<void> {
  await scheduleUnlessPending(database, schedule.kind, new Date(), { onlyFuture: false });
}

/** A cap on one call, so a handler that keeps enqueueing due work cannot keep it going for ever. */
const maxJobsPerRun = 1000;

/**
 * Claims and runs, one at a time, every job that is due and has a handler among the modules,
 * including jobs those jobs enqueue. Returns how many were run (succeeded or failed).
 */
export async function runDueJobs(
  database: Database,
  modules: readonly ModuleManifest[],
  logger: JobLogger = silent,
): Promise<number> {
  return runJobs(database, jobHandlersOf(modules), { logger, modules }, () => true);
}

async function runJobs(
  database: Database,
  handlers: Map<string, JobHandler>,
  context: JobContext,
  carryOn: () => boolean,
): Promise<number> {
  const { logger } = context;
  let ran = 0;
  while (ran < maxJobsPerRun && carryOn()) {
    // Only kinds this process can run: an instance of an older release leaves newer kinds to the others.
    const job = await claimNextJob(database.db, [...handlers.keys()]);
    if (!job) break;
    ran++;
    const handler = handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`No handler for job kind ${job.kind}`);
      await handler(database, job.payload, context);
      await finishJob(database.db, job.id);
    } catch (error) {
      const described = describeFailure(error);
      const { willRetry } = await failJob(database.db, job, described);
      const details = { job: job.id, kind: job.kind, attempts: job.attempts, error: described };
      if (willRetry) logger.warn(details, 'job failed; it will be tried again');
      else logger.error(details, 'job failed for the last time; it stays in the jobs table unfinished');
    }
  }
  return ran;
}

export type JobRunner = {
  /** Stops polling and waits for the job in hand to finish. */
  stop(): Promise<void>;
  /** Looks for due jobs now rather than at the next poll. */
  kick(): void;
};

/** Polls for due jobs every `intervalMs` in this process. Started by main.ts; tests call runDueJobs instead. */
export function startJobRunner(
  database: Database,
  modules: readonly ModuleManifest[],
  options: { intervalMs: number; logger?: JobLogger },
): JobRunner {
  const logger = options.logger ?? silent;
  const handlers = jobHandlersOf(modules);
  const context: JobContext = { logger, modules };
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
    for (const schedule of schedulesOf(modules)) {
      try {
        await ensureScheduled(database, schedule);
      } catch (error) {
        logger.error({ kind: schedule.kind, error: describeFailure(error) }, 'could not schedule a timetabled job');
      }
    }
    while (!stopped) {
      kicked = false;
      try {
        await runJobs(database, handlers, context, () => !stopped);
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
