import type { Database } from '../../db/client.ts';
import { spokenDate } from '../../platform/dates.ts';
import { commissionerLeadRoles, preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import { overdueActionsEverywhere } from './service.ts';

/**
 * An overdue action from a contract quality check, to the leads of the organisation that owns it
 * (the provider's Prevent leads, or the ICB's commissioner lead), once: the key holds the due date,
 * so an action given a new date is reminded afresh, and nothing twice.
 */
export async function contractActionReminders(database: Database, today: string): Promise<Reminder[]> {
  return (await overdueActionsEverywhere(database, today)).map((a) => ({
    key: `contract-action-overdue:${a.id}:${a.dueOn}`,
    orgId: a.ownerOrgId,
    roles: a.ownedByProvider ? preventLeadRoles : commissionerLeadRoles,
    title: a.ownedByProvider
      ? 'Contract quality check action overdue'
      : `${a.providerName}: contract quality check action overdue`,
    body: `“${a.description}”, owned by ${a.ownerName}, from ${a.icbName}’s contract quality check of ${a.providerName}, was due on ${spokenDate(a.dueOn)}. Do it and mark it done.`,
    link: `/contracts/checks/${a.checkId}`,
  }));
}
