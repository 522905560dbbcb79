import type { Database } from '../../db/client.ts';
import { spokenDate } from '../../platform/dates.ts';
import { commissionerLeadRoles, preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import * as partnership from './service.ts';

/**
 * Overdue actions agreed at a multi-agency meeting, once each (the key holds the due date, so a new due date is
 * reminded afresh), to the organisation's Prevent leads — at an ICB, its commissioner lead, who is its Prevent lead.
 */
export async function partnershipReminders(database: Database, today: string): Promise<Reminder[]> {
  return (await partnership.overdueActions(database.db, today)).map((a) => ({
    key: `partnership-action-overdue:${a.id}:${a.dueOn}`,
    orgId: a.orgId,
    roles: [...preventLeadRoles, ...commissionerLeadRoles],
    title: 'Multi-agency action overdue',
    body: `“${a.description}”, agreed at ${a.meetingTitle} on ${spokenDate(a.heldOn)} and owned by ${a.owner}, was due on ${spokenDate(a.dueOn)}.`,
    link: `/partnership/meetings/${a.engagementId}#actions`,
  }));
}
