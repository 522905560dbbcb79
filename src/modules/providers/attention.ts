import type { AttentionItem, AttentionSource } from '../home/service.ts';
import { counted } from '../home/service.ts';
import * as providers from './service.ts';

const have = (count: number) => (count === 1 ? 'has' : 'have');

/**
 * For an ICB's commissioner: how many of its providers have a vacant lead post, overdue work programme
 * items or policies overdue for review, as the providers page shows them, with a link to it.
 */
export const providersAttention: AttentionSource = async (db, ctx, today) => {
  if (!ctx.can('providers:read') || !ctx.can.reachCommissionedProviders) return null;
  const overview = await providers.providerOverview(db, ctx, today);
  const lines: AttentionItem[] = [];
  const add = (count: number, what: string) => {
    if (count > 0)
      lines.push({
        text: `${counted(count, 'provider', 'providers')} ${have(count)} ${what}`,
        href: '/providers',
        urgency: 'overdue',
        count,
      });
  };
  add(overview.filter((p) => p.vacant.length > 0).length, 'a vacant Prevent lead post');
  const overdueItems = overview.reduce((sum, p) => sum + (p.programme?.overdue ?? 0), 0);
  add(
    overview.filter((p) => (p.programme?.overdue ?? 0) > 0).length,
    `overdue work programme items (${counted(overdueItems, 'item', 'items')} in all)`,
  );
  add(overview.filter((p) => p.policies.overdue > 0).length, 'policies overdue for review');
  return lines;
};
