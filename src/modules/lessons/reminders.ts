import type { Database } from '../../db/client.ts';
import { spokenDate } from '../../platform/dates.ts';
import { commissionerLeadRoles, preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import * as repository from './repository.ts';

/**
 * Overdue actions, once each (the key holds the due date, so a new due date is reminded afresh).
 * A review's action goes to its organisation's Prevent leads with the case reference only: what the
 * action says and who owns it are sealed on the review, and a notification is stored and e-mailed in
 * plain text. A group action goes to the leads
 * of the organisation that owns it and to the host's commissioner lead; a partner member's (the host owns it
 * on their behalf) to the host's commissioner lead alone.
 */
export async function lessonsReminders(database: Database, today: string): Promise<Reminder[]> {
  const reviewActions = (await repository.overdueReviewActions(database.db, today)).map(
    (a): Reminder => ({
      key: `lessons-action-overdue:${a.id}:${a.dueOn}`,
      orgId: a.orgId,
      roles: preventLeadRoles,
      title: `Lessons learned action overdue (${a.caseReference})`,
      body: `An action from the lessons learned review of ${a.caseReference} was due on ${spokenDate(a.dueOn)}. Open the review to see it, then mark it done or agree a new date.`,
      link: `/lessons/reviews/${a.reviewId}#actions`,
    }),
  );
  const groupActions = (await repository.overdueGroupActions(database.db, today)).flatMap((a): Reminder[] => {
    const body = a.partnerMemberId
      ? `“${a.description}”, owned by ${a.owner} of a partner agency, was due on ${spokenDate(a.dueOn)}. You track it for them: mark it done, or agree a new date.`
      : `“${a.description}”, owned by ${a.owner}, was due on ${spokenDate(a.dueOn)}.`;
    const reminder = { title: 'Lessons learned group action overdue', body, link: '/learning#actions' };
    const toOwner: Reminder = {
      ...reminder,
      key: `learning-action-overdue:${a.id}:${a.dueOn}`,
      orgId: a.ownerOrgId,
      roles: preventLeadRoles,
    };
    if (a.ownerOrgId === a.groupOrgId) return [{ ...toOwner, roles: commissionerLeadRoles }];
    return [
      toOwner,
      { ...reminder, key: `learning-action-overdue-host:${a.id}:${a.dueOn}`, orgId: a.groupOrgId, roles: commissionerLeadRoles },
    ];
  });
  return [...reviewActions, ...groupActions];
}
