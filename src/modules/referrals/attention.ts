import { spokenDate } from '../../platform/dates.ts';
import type { AttentionItem, AttentionSource, Urgency } from '../home/service.ts';
import type { FollowUpKind } from './schema.ts';
import * as referrals from './service.ts';

/** The two things a follow-up asks of the leads, each its own line of the home page. */
const groups: { kinds: FollowUpKind[]; what: string }[] = [
  { kinds: ['police_feedback'], what: 'police feedback to chase' },
  { kinds: ['channel_review_6_months', 'channel_review_12_months'], what: 'Channel review' },
];

/**
 * For the Prevent leads: police feedback to chase and Channel reviews, overdue and due today, each
 * linking to the case (by its reference) when there is one, else to the referred cases.
 */
export const referralsAttention: AttentionSource = async (db, ctx, today) => {
  const due = await referrals.followUpsToDo(db, ctx, today);
  if (due === null) return null;
  const lines: AttentionItem[] = [];
  for (const group of groups) {
    for (const urgency of ['overdue', 'due'] as Urgency[]) {
      const these = due.filter(
        (f) => group.kinds.includes(f.kind) && (urgency === 'overdue' ? f.dueOn < today : f.dueOn >= today),
      );
      const [first] = these;
      if (!first) continue;
      const overdue = urgency === 'overdue';
      lines.push({
        text:
          these.length === 1
            ? `Case ${first.reference}: ${group.what}, ${overdue ? `was due on ${spokenDate(first.dueOn)}` : 'due today'}`
            : `${these.length} cases: ${group.what}, ${overdue ? `the oldest was due on ${spokenDate(first.dueOn)}` : 'due today'}`,
        href: these.length === 1 ? `/concerns/${first.caseId}#referral` : '/concerns?status=referred',
        urgency,
        date: first.dueOn,
        count: these.length,
      });
    }
  }
  return lines;
};
