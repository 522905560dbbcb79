import { spokenDate } from '../../platform/dates.ts';
import type { AttentionItem, AttentionSource } from '../home/service.ts';
import { counted } from '../home/service.ts';
import * as lessons from './service.ts';

/** Overdue lessons learned actions (the review's, by case reference) and learning group actions. */
export const lessonsAttention: AttentionSource = async (db, ctx, today) => {
  const overdue = await lessons.overdueActionsFor(db, ctx, today);
  if (overdue === null) return null;
  const lines: AttentionItem[] = [];
  const [review] = overdue.review;
  if (review) {
    const count = overdue.review.length;
    lines.push({
      text:
        count === 1
          ? `Lessons learned action overdue (${review.caseReference}): it was due on ${spokenDate(review.dueOn)}`
          : `${counted(count, 'lessons learned action', 'lessons learned actions')} overdue, the oldest due on ${spokenDate(review.dueOn)}`,
      href: count === 1 ? `/lessons/reviews/${review.reviewId}#actions` : '/lessons',
      urgency: 'overdue',
      date: review.dueOn,
      count,
    });
  }
  const [group] = overdue.group;
  if (group) {
    const count = overdue.group.length;
    lines.push({
      text: `${counted(count, 'learning group action', 'learning group actions')} overdue, the ${count === 1 ? '' : 'oldest '}due on ${spokenDate(group.dueOn)}`,
      href: '/learning#actions',
      urgency: 'overdue',
      date: group.dueOn,
      count,
    });
  }
  return lines;
};
