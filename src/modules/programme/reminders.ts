import type { Database } from '../../db/client.ts';
import { spokenDate } from '../../platform/dates.ts';
import { preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import { dueAndOverdueItems, dueSoonDays } from './service.ts';

/**
 * Work programme items for the Prevent leads: one reminder when an item comes within 14 days
 * of its due date, and one more once it is overdue. The key holds the due date, so moving the
 * date starts afresh and nothing is sent twice for the same date.
 */
export async function programmeReminders(database: Database, today: string): Promise<Reminder[]> {
  const { dueSoon, overdue } = await dueAndOverdueItems(database, today);
  return [
    ...dueSoon.map((item) => ({
      key: `programme-due:${item.id}:${item.dueOn}`,
      orgId: item.orgId,
      roles: preventLeadRoles,
      title: `Work programme item due on ${spokenDate(item.dueOn)}`,
      body: `“${item.title}” is due on ${spokenDate(item.dueOn)}, within ${dueSoonDays} days. Update its status and evidence in the work programme.`,
      link: `/programme/items/${item.id}`,
    })),
    ...overdue.map((item) => ({
      key: `programme-overdue:${item.id}:${item.dueOn}`,
      orgId: item.orgId,
      roles: preventLeadRoles,
      title: 'Work programme item overdue',
      body: `“${item.title}” was due on ${spokenDate(item.dueOn)} and is not done. Update it, or set a new due date.`,
      link: `/programme/items/${item.id}`,
    })),
  ];
}
