import { spokenDate } from '../../platform/dates.ts';
import type { AttentionItem, AttentionSource } from '../home/service.ts';
import { counted } from '../home/service.ts';
import * as programme from './service.ts';

/** One line for the overdue items and one for those due within 14 days: the item itself when there is one, else the programme. */
export const programmeAttention: AttentionSource = async (db, ctx, today) => {
  const items = await programme.itemsToUpdate(db, ctx, today);
  if (items === null) return null;
  const lines: AttentionItem[] = [];
  const [firstOverdue] = items.overdue;
  if (firstOverdue) {
    const count = items.overdue.length;
    lines.push({
      text:
        count === 1
          ? `Work programme item overdue: “${firstOverdue.title}”, due on ${spokenDate(firstOverdue.dueOn)}`
          : `${counted(count, 'work programme item', 'work programme items')} overdue, the oldest due on ${spokenDate(firstOverdue.dueOn)}`,
      href: count === 1 ? `/programme/items/${firstOverdue.id}` : '/programme',
      urgency: 'overdue',
      date: firstOverdue.dueOn,
      count,
    });
  }
  const [firstDue] = items.dueSoon;
  if (firstDue) {
    const count = items.dueSoon.length;
    lines.push({
      text:
        count === 1
          ? `Work programme item due on ${spokenDate(firstDue.dueOn)}: “${firstDue.title}”`
          : `${counted(count, 'work programme item', 'work programme items')} due within ${programme.dueSoonDays} days, the first on ${spokenDate(firstDue.dueOn)}`,
      href: count === 1 ? `/programme/items/${firstDue.id}` : '/programme',
      urgency: 'due',
      date: firstDue.dueOn,
      count,
    });
  }
  return lines;
};
