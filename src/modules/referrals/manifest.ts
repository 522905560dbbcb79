import type { ModuleManifest } from '../../platform/modules.ts';
import { referralsAttention } from './attention.ts';
import { referralSection, referralsRoutes } from './routes.ts';
import { followUpReminders } from './service.ts';

/**
 * Referrals to police Prevent and their outcomes. Each referral emits referralMade (events.ts) in its transaction.
 * The leads' home page lists the police feedback to chase and the Channel reviews due.
 */
export const referralsModule: ModuleManifest = {
  name: 'referrals',
  routes: [referralsRoutes],
  caseSection: referralSection,
  reminders: { 'referral follow-ups': followUpReminders },
  attention: referralsAttention,
};
