import { spokenDate, todayInLondon } from '../../platform/dates.ts';
import type { AttentionItem, AttentionSource } from '../home/service.ts';
import { counted } from '../home/service.ts';
import { withLeadCases } from './access.ts';
import * as repository from './repository.ts';

/**
 * For the Prevent leads: the new concerns waiting to be triaged, and the open cases whose review date
 * has come. Counts only, so nothing on the home page says who a case is about.
 */
export const concernsAttention: AttentionSource = async (db, ctx, today) => {
  const waiting = await withLeadCases(db, ctx, (tx, orgId) => repository.waitingCases(tx, orgId, today));
  if (waiting === null) return null;
  const lines: AttentionItem[] = [];
  if (waiting.newCount > 0 && waiting.oldestRaisedAt) {
    const raisedOn = todayInLondon(waiting.oldestRaisedAt);
    const urgent = waiting.immediateRisk > 0 ? ` (${waiting.immediateRisk} marked as an immediate risk)` : '';
    const when = waiting.newCount === 1 ? `raised on ${spokenDate(raisedOn)}` : `the oldest raised on ${spokenDate(raisedOn)}`;
    lines.push({
      text: `${counted(waiting.newCount, 'new concern', 'new concerns')} to triage${urgent}, ${when}`,
      href: '/concerns?status=new',
      urgency: 'new',
      date: raisedOn,
      count: waiting.newCount,
    });
  }
  if (waiting.reviewsDue > 0 && waiting.earliestReview) {
    const overdue = waiting.earliestReview < today;
    lines.push({
      text: `${counted(waiting.reviewsDue, 'case review', 'case reviews')} due, the ${waiting.reviewsDue === 1 ? '' : 'earliest '}review date ${overdue ? 'was' : 'is'} ${spokenDate(waiting.earliestReview)}`,
      href: '/concerns?status=open&sort=review',
      urgency: overdue ? 'overdue' : 'due',
      date: waiting.earliestReview,
      count: waiting.reviewsDue,
    });
  }
  return lines;
};
