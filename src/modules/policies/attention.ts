import { spokenDate } from '../../platform/dates.ts';
import type { AttentionItem, AttentionSource } from '../home/service.ts';
import * as policies from './service.ts';

/** Each policy overdue for review, or due within 30 days, for those who record its reviewed version. */
export const policiesAttention: AttentionSource = async (db, ctx, today) => {
  const due = await policies.reviewsToDo(db, ctx, today);
  if (due === null) return null;
  return due.map(
    (p): AttentionItem => ({
      text:
        p.state === 'overdue'
          ? `${p.title}: review overdue, it was due on ${spokenDate(p.nextReviewOn)}`
          : `${p.title}: review due by ${spokenDate(p.nextReviewOn)}`,
      href: `/policies/${p.policyId}`,
      urgency: p.state === 'overdue' ? 'overdue' : 'due',
      date: p.nextReviewOn,
    }),
  );
};
