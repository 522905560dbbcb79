import { spokenDate } from '../../platform/dates.ts';
import type { RecordLink, RuleOutcome } from './rule-outcome.ts';

/*
 * The rules for the partnership side of the duty: taking part in the local multi-agency Prevent arrangements,
 * building a community of practice, and answering Channel and police requests. Pure functions of the engagement
 * log's and the information requests' figures, like the other rules.
 */

export type PartnershipAssurance = {
  /** Meetings and forums in the 12 months to the as-at date. */
  total: number;
  byKind: { name: string; count: number }[];
  /** The three-month periods of those 12 months with no meeting at all. */
  quietPeriods: { from: string; to: string }[];
  /** Community of practice events the organisation hosted in the 12 months. */
  communityOfPractice: number;
  /** Actions agreed at the meetings, open and past due on the as-at date. */
  overdueActions: number;
};

export type RequestsAssurance = { received: number; answered: number; answeredOnTime: number; overdue: number };

const outcome = (result: RuleOutcome['result'], reason: string, ...links: RecordLink[]): RuleOutcome => ({
  result,
  reason,
  links,
});
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const partnershipLink: RecordLink = { text: 'Multi-agency partnership', href: '/partnership' };
const requestsLink: RecordLink = { text: 'Information requests', href: '/information-requests' };

/** Part of the local multi-agency arrangements: meetings in every three months of the last 12, no agreed action overdue. */
export function multiAgencyEngagement(p: PartnershipAssurance, asAt: string): RuleOutcome {
  const period = `in the 12 months to ${spokenDate(asAt)}`;
  if (p.total === 0) return outcome('not_met', `No multi-agency meeting or forum is recorded ${period}.`, partnershipLink);
  const kinds = p.byKind.map((k) => `${k.name} ${k.count}`).join(', ');
  const gaps = p.quietPeriods.map((q) => `${spokenDate(q.from)} to ${spokenDate(q.to)}`);
  const problems = [
    ...(gaps.length ? [`none from ${gaps.join(', nor from ')}`] : []),
    ...(p.overdueActions ? [`${count(p.overdueActions, 'agreed action is', 'agreed actions are')} overdue`] : []),
  ];
  const took = `${count(p.total, 'multi-agency meeting', 'multi-agency meetings')} ${period} (${kinds})`;
  if (problems.length) return outcome('partly_met', `${took}, but ${problems.join('; and ')}.`, partnershipLink);
  return outcome('met', `${took}, in every three months, with no agreed action overdue.`, partnershipLink);
}

/** A community of practice: at least one event the organisation hosted in the last 12 months. */
export function communityOfPractice(p: PartnershipAssurance, asAt: string): RuleOutcome {
  if (p.communityOfPractice > 0) {
    return outcome(
      'met',
      `${count(p.communityOfPractice, 'community of practice event', 'community of practice events')} hosted in the 12 months to ${spokenDate(asAt)}.`,
      partnershipLink,
    );
  }
  return outcome(
    'not_met',
    `No community of practice event hosted is recorded in the 12 months to ${spokenDate(asAt)}.`,
    partnershipLink,
  );
}

/** Responsive to Channel and police requests: every request received in the last 12 months answered by its due date. */
export function requestsAnswered(r: RequestsAssurance, asAt: string): RuleOutcome {
  const period = `in the 12 months to ${spokenDate(asAt)}`;
  if (r.received === 0 && r.overdue === 0) {
    return outcome('not_assessed', `No information request was received ${period}, so there is none to measure.`, requestsLink);
  }
  const answered = `${r.answeredOnTime} of ${count(r.received, 'request', 'requests')} received ${period} answered by the date due`;
  const overdue = r.overdue ? `; ${count(r.overdue, 'request is', 'requests are')} overdue now` : '';
  const result = r.answeredOnTime === r.received && r.overdue === 0 ? 'met' : r.answered === 0 ? 'not_met' : 'partly_met';
  return outcome(result, `${answered}${overdue}.`, requestsLink);
}
