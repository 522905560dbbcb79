import type { Database } from '../../db/client.ts';
import { spokenDate } from '../../platform/dates.ts';
import { preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import { overdueCtlpReviews } from './service.ts';

/**
 * The CTLP annual review, for the Prevent leads: one reminder once it is overdue. The key holds the
 * last sign-off, so a new sign-off that lapses in its turn is reminded afresh, and nothing twice.
 */
export async function ctlpReminders(database: Database, today: string): Promise<Reminder[]> {
  return (await overdueCtlpReviews(database, today)).map(({ orgId, status }) => ({
    key: `ctlp-review-overdue:${orgId}:${status.lastSignOffOn ?? 'never'}`,
    orgId,
    roles: preventLeadRoles,
    title: 'CTLP annual review overdue',
    body: status.dueOn
      ? `The annual review of the counter terrorism local profile was due by ${spokenDate(status.dueOn)}, 12 months after the last sign-off. Review it and ask the accountable Prevent lead to sign it off.`
      : 'This year’s counter terrorism local profile briefing has been recorded but its review has never been signed off. Review it and ask the accountable Prevent lead to sign it off.',
    link: '/risks/ctlp',
  }));
}
