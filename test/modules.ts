import { modules } from '../src/app.ts';
import type { Database } from '../src/db/client.ts';
import { reminderSourcesOf, sendDueReminders as sendRemindersFrom } from '../src/modules/notifications/service.ts';
import { runDueJobs as runJobsOf } from '../src/platform/jobs/runner.ts';
import type { JobLogger } from '../src/platform/modules.ts';

/** Runs every due job with the handlers of the app's modules, as the service's runner does. */
export const runDueJobs = (database: Database, logger?: JobLogger) => runJobsOf(database, modules(), logger);

/** Today's reminders from every module's sources, as the daily scan sends them. */
export const sendDueReminders = (database: Database, today: string) =>
  sendRemindersFrom(database, today, reminderSourcesOf(modules()));
