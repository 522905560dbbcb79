import type { AttentionItem, AttentionSource } from '../home/service.ts';
import * as selfAssessment from './service.ts';
import { submissionsList } from './submissions.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The self-assessment's lines of the home page: for those who keep it, this year's assessment returned
 * by the ICB and the requirements it has as not met; for an ICB's reviewer, the providers' assessments
 * waiting for a decision.
 */
export const selfAssessmentAttention: AttentionSource = async (db, ctx, today) => {
  const keeps = ctx.can('assessment:edit');
  const reviews = ctx.can('assessment:review');
  if (!keeps && !reviews) return null;
  const items: AttentionItem[] = [];
  if (keeps) items.push(...(await ownAssessmentLines(db, ctx, today)));
  if (reviews) {
    const waiting = (await submissionsList(db, ctx)).filter((row) => row.latest?.status === 'submitted');
    if (waiting.length > 0) {
      items.push({
        text: `${plural(waiting.length, 'provider’s self-assessment', 'providers’ self-assessments')} to accept or return`,
        href: '/assurance/submissions',
        urgency: 'new',
        count: waiting.length,
      });
    }
  }
  return items;
};

async function ownAssessmentLines(...[db, ctx, today]: Parameters<AttentionSource>): Promise<AttentionItem[]> {
  const current = await selfAssessment.currentStanding(db, ctx, today);
  if (!current) return [];
  const items: AttentionItem[] = [];
  const href = `/assurance/${current.assessment.id}`;
  if (current.assessment.status === 'returned') {
    items.push({ text: `This year’s self-assessment was returned by the ICB: ${current.label}`, href, urgency: 'due' });
  }
  const { notMet } = current;
  if (notMet > 0) {
    items.push({
      text: `${plural(notMet, 'requirement', 'requirements')} of the core standards not met in this year’s self-assessment`,
      href,
      urgency: 'due',
      count: notMet,
    });
  }
  return items;
}
