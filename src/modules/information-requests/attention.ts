import { spokenDate } from '../../platform/dates.ts';
import type { AttentionSource } from '../home/service.ts';
import { counted } from '../home/service.ts';
import * as requests from './service.ts';

/** Requests received and not answered by their due date, for the Prevent leads. */
export const informationRequestsAttention: AttentionSource = async (db, ctx, today) => {
  if (!ctx.can('requests:manage')) return null;
  const overdue = (await requests.overdueFor(db, ctx, today)).sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  const [oldest] = overdue;
  if (!oldest) return [];
  const count = overdue.length;
  return [
    {
      text:
        count === 1
          ? `Information request overdue${oldest.caseReference ? ` (${oldest.caseReference})` : ''}: an answer was due on ${spokenDate(oldest.dueOn)}`
          : `${counted(count, 'information request', 'information requests')} overdue, the oldest due on ${spokenDate(oldest.dueOn)}`,
      href: count === 1 ? `/information-requests/${oldest.id}` : '/information-requests',
      urgency: 'overdue',
      date: oldest.dueOn,
      count,
    },
  ];
};
