import type { Database } from '../../db/client.ts';
import { spokenDate } from '../../platform/dates.ts';
import { preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import * as requests from './service.ts';

/** An overdue request, once for each due date, to the Prevent leads: by case reference, never what was asked. */
export async function informationRequestReminders(database: Database, today: string): Promise<Reminder[]> {
  return (await requests.overdueRequests(database.db, today)).map((r) => ({
    key: `information-request-overdue:${r.id}:${r.dueOn}`,
    orgId: r.orgId,
    roles: preventLeadRoles,
    title: `Information request overdue${r.caseReference ? ` (${r.caseReference})` : ''}`,
    body: `An information request ${r.direction === 'in' ? 'received' : 'made'} on ${spokenDate(r.askedOn)} was due an answer on ${spokenDate(r.dueOn)}.`,
    link: `/information-requests/${r.id}`,
  }));
}
