import { addDays, spokenDate } from '../../platform/dates.ts';
import type { AttentionSource } from '../home/service.ts';
import * as risks from './service.ts';

/** How far ahead the home page warns that the CTLP review falls due. */
export const ctlpWarningDays = 30;

/** The CTLP annual review, once it is overdue or due within 30 days, for those who keep the register. */
export const risksAttention: AttentionSource = async (db, ctx, today) => {
  const status = await risks.ctlpReviewFor(db, ctx, today);
  if (status === null) return null;
  if (status.overdue) {
    return [
      {
        text: status.dueOn
          ? `CTLP annual review overdue: it was due by ${spokenDate(status.dueOn)}`
          : 'CTLP annual review overdue: this year’s briefing has not been signed off',
        href: '/risks/ctlp',
        urgency: 'overdue',
        ...(status.dueOn ? { date: status.dueOn } : {}),
      },
    ];
  }
  if (status.dueOn && status.dueOn <= addDays(today, ctlpWarningDays)) {
    return [
      { text: `CTLP annual review due by ${spokenDate(status.dueOn)}`, href: '/risks/ctlp', urgency: 'due', date: status.dueOn },
    ];
  }
  return [];
};
