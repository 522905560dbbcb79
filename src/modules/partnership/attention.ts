import { spokenDate } from '../../platform/dates.ts';
import type { AttentionSource } from '../home/service.ts';
import { counted } from '../home/service.ts';
import * as partnership from './service.ts';

/** Overdue actions agreed at multi-agency meetings, for those who keep the log. */
export const partnershipAttention: AttentionSource = async (db, ctx, today) => {
  if (!ctx.can('partnership:edit')) return null;
  const overdue = await partnership.overdueActionsFor(db, ctx, today);
  const [oldest] = overdue;
  if (!oldest) return [];
  const count = overdue.length;
  return [
    {
      text:
        count === 1
          ? `Multi-agency action overdue (${oldest.meetingTitle}): it was due on ${spokenDate(oldest.dueOn)}`
          : `${counted(count, 'multi-agency action', 'multi-agency actions')} overdue, the oldest due on ${spokenDate(oldest.dueOn)}`,
      href: count === 1 ? `/partnership/meetings/${oldest.engagementId}#actions` : '/partnership#actions',
      urgency: 'overdue',
      date: oldest.dueOn,
      count,
    },
  ];
};
