import type { Database } from '../../db/client.ts';
import { spokenDate } from '../../platform/dates.ts';
import { commissionerLeadRoles, preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import { overdueActions } from './service.ts';

/**
 * Each self-assessment action past its due date and not done, once: for the organisation's Prevent leads (at an
 * ICB, its commissioner leads). The key holds the due date, so an action given a new date is reminded afresh.
 */
export async function overdueActionReminders(database: Database, today: string): Promise<Reminder[]> {
  return (await overdueActions(database.db, today)).map((action) => ({
    key: `self-assessment-action-overdue:${action.id}:${action.dueOn}`,
    orgId: action.orgId,
    roles: [...preventLeadRoles, ...commissionerLeadRoles],
    title: 'Self-assessment action overdue',
    body: `An action for core standard ${action.requirementId}, owned by ${action.owner}, was due by ${spokenDate(action.dueOn)}: ${action.description}`,
    link: '/assurance',
  }));
}
