import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { notifications, remindersSent } from './schema.ts';

export type NotificationRow = typeof notifications.$inferSelect;

// ---- reminders ----

/** Records a reminder's key; false if it was already there (sent before, or by another instance just now). */
export async function markReminderSent(tx: Executor, key: string): Promise<boolean> {
  const rows = await tx
    .insert(remindersSent)
    .values({ key })
    .onConflictDoNothing({ target: remindersSent.key })
    .returning({ key: remindersSent.key });
  return rows.length > 0;
}

// ---- notifications ----

export async function insertNotifications(
  tx: Executor,
  rows: (typeof notifications.$inferInsert)[],
): Promise<{ id: string; userId: string }[]> {
  if (rows.length === 0) return [];
  return tx.insert(notifications).values(rows).returning({ id: notifications.id, userId: notifications.userId });
}

export async function notificationById(tx: Executor, id: string): Promise<NotificationRow | undefined> {
  const [row] = await tx.select().from(notifications).where(eq(notifications.id, id));
  return row;
}

export async function notificationsFor(tx: Executor, userId: string, limit: number, offset: number): Promise<NotificationRow[]> {
  return tx
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit)
    .offset(offset);
}

/** Unread notifications, counted no higher than `cap`, so the header's count stays cheap however many pile up. */
export async function unreadCount(tx: Executor, userId: string, cap: number): Promise<number> {
  const capped = tx
    .select({ one: sql`1` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .limit(cap)
    .as('capped');
  const [row] = await tx.select({ n: count() }).from(capped);
  return Number(row?.n ?? 0);
}

export async function markRead(tx: Executor, userId: string, id: string): Promise<number> {
  const rows = await tx
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning({ id: notifications.id });
  return rows.length;
}

export async function markAllRead(tx: Executor, userId: string): Promise<number> {
  const rows = await tx
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
