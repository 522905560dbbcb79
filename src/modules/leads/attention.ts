import { spokenDate } from '../../platform/dates.ts';
import type { AttentionItem, AttentionSource, HomeSectionSource } from '../home/service.ts';
import * as leads from './service.ts';

/** "accountable Prevent lead": the post's name inside a sentence. */
const postInWords = (name: string) => `${name.charAt(0).toLowerCase()}${name.slice(1)}`;

/** A vacant post, for those who record who holds it: the core standards require both, so a vacancy is overdue. */
export const leadsAttention: AttentionSource = async (db, ctx, today) => {
  const vacancies = await leads.vacanciesToFill(db, ctx, today);
  if (vacancies === null) return null;
  return vacancies.map(
    (v): AttentionItem => ({
      text: v.since
        ? `No ${postInWords(v.postName)} since ${spokenDate(v.since)}: record who holds the post`
        : `No ${postInWords(v.postName)} has been recorded: record who holds the post`,
      href: `/leads/new?post=${v.post}`,
      urgency: 'overdue',
      ...(v.since ? { date: v.since } : {}),
    }),
  );
};

/** For members of staff: who their organisation's Prevent leads are, and how to reach them. */
export const leadsForStaff: HomeSectionSource = async (db, ctx, today) => {
  if (ctx.user.activeOrg.kind === 'nhse_region') return null;
  return {
    template: 'leads/views/home-section.njk',
    data: { current: await leads.ownLeads(db, ctx, today), postNames: leads.postNames },
  };
};
