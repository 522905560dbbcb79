import type { AttentionItem, AttentionSource } from '../home/service.ts';
import { complianceTarget, levelNames } from './rules.ts';
import * as training from './service.ts';

/** Each level of Prevent training below the 85 % target, linking to the staff who need it at that level. */
export const trainingAttention: AttentionSource = async (db, ctx, today) => {
  const below = await training.levelsBelowTarget(db, ctx, today);
  if (below === null) return null;
  return below.map(
    (l): AttentionItem => ({
      text: `${levelNames[l.level]}: ${l.percent} % of ${l.inScope} staff trained, below the ${complianceTarget} % target (${l.inScope - l.compliant} to train)`,
      href: `/training/staff?requiredLevel=${l.level}`,
      urgency: 'overdue',
      count: l.inScope - l.compliant,
    }),
  );
};
