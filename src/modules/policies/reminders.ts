import type { Database } from '../../db/client.ts';
import { spokenDate } from '../../platform/dates.ts';
import { preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import { reviewReminders, reviewWarningDays } from './service.ts';

/**
 * Policy reviews for the Prevent leads: one reminder when a current version comes within
 * 30 days of its review date, and one more once it is overdue. The key names the version,
 * so recording a reviewed version starts afresh and nothing is sent twice.
 */
export async function policyReviewReminders(database: Database, today: string): Promise<Reminder[]> {
  const due = await reviewReminders(database.db, today);
  return due.map((d) =>
    d.state === 'overdue'
      ? {
          key: `policy-review-overdue:${d.versionId}`,
          orgId: d.orgId,
          roles: preventLeadRoles,
          title: `Policy review overdue: ${d.policyTitle}`,
          body: `Version ${d.version} of ${d.policyTitle} was due for review on ${spokenDate(d.nextReviewOn)}. Review it and record the approved version in the policy register.`,
          link: `/policies/${d.policyId}`,
        }
      : {
          key: `policy-review-due:${d.versionId}`,
          orgId: d.orgId,
          roles: preventLeadRoles,
          title: `Policy review due: ${d.policyTitle}`,
          body: `Version ${d.version} of ${d.policyTitle} is due for review on ${spokenDate(d.nextReviewOn)}, within ${reviewWarningDays} days.`,
          link: `/policies/${d.policyId}`,
        },
  );
}
