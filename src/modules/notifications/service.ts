import type { Database, Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, londonDateTime, todayInLondon } from '../../platform/dates.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { describeFailure, enqueueJob, removeFinishedJobsBefore } from '../../platform/jobs/queue.ts';
import { ensureScheduled } from '../../platform/jobs/runner.ts';
import { linkInMail, sendMail } from '../../platform/mail.ts';
import type { JobLogger, ModuleManifest, Schedule } from '../../platform/modules.ts';
import type { Role } from '../../platform/permissions.ts';
import * as users from '../users/service.ts';
import * as repository from './repository.ts';

export type Notification = repository.NotificationRow;

export type NotificationMessage = { kind: string; title: string; body: string; link?: string };

// ---- notifications ----

/** The job that e-mails one notification: an outbox, so the e-mail commits with the notification and is retried if the server is down. */
export const mailJobKind = 'notifications.mail';

function checkLink(link: string | undefined): void {
  // A path on the service only: a notification must not send anyone elsewhere.
  if (link !== undefined && !/^\/(?![/\\])\S*$/.test(link)) throw new Error('A notification link must be a path on the service');
}

async function notifyPeopleIn(tx: Executor, orgId: string, userIds: string[], message: NotificationMessage): Promise<number> {
  checkLink(message.link);
  const created = await repository.insertNotifications(
    tx,
    userIds.map((userId) => ({
      orgId,
      userId,
      kind: message.kind,
      title: message.title,
      body: message.body,
      link: message.link ?? null,
    })),
  );
  for (const notification of created) {
    await enqueueJob(tx, mailJobKind, { notificationId: notification.id });
  }
  return userIds.length;
}

async function notifyRolesIn(tx: Executor, orgId: string, held: readonly Role[], message: NotificationMessage): Promise<number> {
  const people = await users.activeHoldersOfRoles(tx, orgId, held);
  return notifyPeopleIn(
    tx,
    orgId,
    people.map((person) => person.id),
    message,
  );
}

/**
 * Tells one person, in the app and by e-mail, about something an organisation did (the notification belongs
 * to that organisation). Runs as the owner, from a job handler. Nobody is told on a deactivated account.
 */
export async function notifyPerson(
  database: Database,
  userId: string,
  orgId: string,
  message: NotificationMessage,
): Promise<boolean> {
  return database.db.transaction(async (tx) => {
    const person = await users.findById(tx, userId);
    if (!person || person.deactivatedAt) return false;
    return (await notifyPeopleIn(tx, orgId, [userId], message)) > 0;
  });
}

/**
 * Tells everyone who can sign in and holds any of the roles in the organisation: a notification
 * in the app and an e-mail each (sent by the job runner). Runs as the owner, so call it from a
 * job handler, not from a request. Returns how many people were told.
 */
export async function notifyRoles(
  database: Database,
  orgId: string,
  roles: Role[],
  message: NotificationMessage,
): Promise<number> {
  return database.db.transaction((tx) => notifyRolesIn(tx, orgId, roles, message));
}

/** The job handler for mailJobKind. A notification or person gone since is nothing to send. */
export async function sendNotificationMail(database: Database, payload: Record<string, unknown>): Promise<void> {
  if (typeof payload.notificationId !== 'string') throw new Error('The job has no notification id');
  const notification = await repository.notificationById(database.db, payload.notificationId);
  if (!notification) return;
  const person = await users.findById(database.db, notification.userId);
  if (!person || person.deactivatedAt) return;
  const text = notification.link ? `${notification.body}\n\n${linkInMail(notification.link)}\n` : `${notification.body}\n`;
  await sendMail({ to: person.email, subject: notification.title, text, kind: notification.kind });
}

// ---- reminders ----

export type Reminder = {
  key: string;
  orgId: string;
  roles: Role[];
  title: string;
  body: string;
  link?: string;
  /**
   * People told by e-mail alone, who may have no account (e.g. a member of staff and their manager,
   * from the staff record). The address rides in the job's payload until it is sent: the one
   * exception to "payloads hold ids", kept short by the removal of finished jobs.
   */
  addresses?: string[];
};

/** The job that e-mails one reminder to one address (see Reminder.addresses). */
export const addressMailJobKind = 'notifications.mail-address';

/** The job handler for addressMailJobKind. */
export async function sendAddressMail(payload: Record<string, unknown>): Promise<void> {
  const { to, title, body, link, kind } = payload;
  if (typeof to !== 'string' || typeof title !== 'string' || typeof body !== 'string')
    throw new Error('The job is missing its message');
  const text = typeof link === 'string' ? `${body}\n\n${linkInMail(link)}\n` : `${body}\n`;
  await sendMail({ to, subject: title, text, kind: typeof kind === 'string' ? kind : 'reminder' });
}

export type ReminderSource = (database: Database, today: string) => Promise<Reminder[]>;

declare module '../../platform/modules.ts' {
  interface ModuleManifest {
    /**
     * The module's sources of the daily reminders, by name. A reminder is sent once per key, ever: put in
     * the key what makes it new (e.g. `review-30:<policy version id>`). Keys are kept per source name, so
     * a source is never renamed.
     */
    reminders?: Readonly<Record<string, ReminderSource>>;
  }
}

export type NamedReminderSource = { name: string; source: ReminderSource };

/** Every module's reminder sources, in the order the modules are listed; a name used twice is a mistake. */
export function reminderSourcesOf(modules: readonly ModuleManifest[]): NamedReminderSource[] {
  const sources: NamedReminderSource[] = [];
  for (const module of modules) {
    for (const [name, source] of Object.entries(module.reminders ?? {})) {
      if (sources.some((s) => s.name === name)) throw new Error(`Two reminder sources are called ${name}`);
      sources.push({ name, source });
    }
  }
  return sources;
}

export type ReminderScanResult = { sent: number; people: number; failed: string[] };

const silent: Pick<JobLogger, 'error'> = { error: () => {} };

/**
 * Asks every source for today's reminders and sends those not sent before. Each reminder's key,
 * notifications and e-mail jobs commit together, so a reminder is never sent twice nor half-sent.
 * One source failing does not stop the others; its name is in `failed`, and what went wrong is
 * logged with the source's name and the error, any e-mail address taken out (as for a failed job).
 */
export async function sendDueReminders(
  database: Database,
  today: string,
  sources: readonly NamedReminderSource[],
  logger: Pick<JobLogger, 'error'> = silent,
): Promise<ReminderScanResult> {
  const result: ReminderScanResult = { sent: 0, people: 0, failed: [] };
  const failed = (name: string, error: unknown, what: string) => {
    logger.error({ source: name, error: describeFailure(error) }, what);
    if (!result.failed.includes(name)) result.failed.push(name);
  };
  for (const { name, source } of sources) {
    let reminders: Reminder[];
    try {
      reminders = await source(database, today);
    } catch (error) {
      failed(name, error, 'a reminder source could not say what is due');
      continue;
    }
    for (const reminder of reminders) {
      try {
        const people = await database.db.transaction(async (tx) => {
          if (!(await repository.markReminderSent(tx, `${name}:${reminder.key}`))) return null;
          const told = await notifyRolesIn(tx, reminder.orgId, reminder.roles, {
            kind: name,
            title: reminder.title,
            body: reminder.body,
            ...(reminder.link === undefined ? {} : { link: reminder.link }),
          });
          const addresses = [...new Set((reminder.addresses ?? []).map((a) => a.trim().toLowerCase()).filter(Boolean))];
          for (const to of addresses) {
            const payload = { to, title: reminder.title, body: reminder.body, kind: name, link: reminder.link };
            await enqueueJob(tx, addressMailJobKind, payload);
          }
          return told + addresses.length;
        });
        if (people === null) continue;
        result.sent++;
        result.people += people;
      } catch (error) {
        failed(name, error, 'a reminder could not be sent');
      }
    }
  }
  return result;
}

// ---- the daily reminder scan ----

export const reminderScanKind = 'reminders.scan';
/** Reminders go out early, before the working day. */
const reminderTime = '06:00';
const keepFinishedJobsDays = 30;

export function nextReminderScan(now: Date = new Date()): Date {
  return londonDateTime(addDays(todayInLondon(now), 1), reminderTime);
}

/** Once a day, every module's reminders; and the jobs table is kept short. */
export const reminderScan: Schedule = {
  kind: reminderScanKind,
  next: nextReminderScan,
  async run(database, _payload, { logger, modules }) {
    const result = await sendDueReminders(database, todayInLondon(), reminderSourcesOf(modules), logger);
    await removeFinishedJobsBefore(database.db, new Date(Date.now() - keepFinishedJobsDays * 86_400_000));
    if (result.failed.length) throw new Error(`Reminder sources failed: ${result.failed.join(', ')}`);
  },
};

/** Makes sure a reminder scan is waiting (one due now, on a database that has never had one). */
export const ensureReminderScan = (database: Database) => ensureScheduled(database, reminderScan);

// ---- the signed-in person's notifications ----

/** Most counted for the header; beyond it, the header says "99+". */
export const unreadCountCap = 100;

/** For the header on every page: called inside the transaction that loads the session, with its scope set. */
export const unreadCountFor = (tx: Executor, userId: string) => repository.unreadCount(tx, userId, unreadCountCap);

export async function listMine(
  db: Db,
  ctx: RequestContext,
  page: { limit: number; offset: number },
): Promise<{ notifications: Notification[]; more: boolean }> {
  const rows = await withScope(db, ctx.scope, (tx) => repository.notificationsFor(tx, ctx.user.id, page.limit + 1, page.offset));
  return { notifications: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/** Marks one of the person's notifications read; anyone else's is "not found" (row-level security hides it too). */
export async function markRead(db: Db, ctx: RequestContext, id: string): Promise<void> {
  const changed = await withScope(db, ctx.scope, (tx) => repository.markRead(tx, ctx.user.id, id));
  if (changed === 0) throw new NotFoundError('notification');
}

export async function markAllRead(db: Db, ctx: RequestContext): Promise<number> {
  return withScope(db, ctx.scope, (tx) => repository.markAllRead(tx, ctx.user.id));
}
