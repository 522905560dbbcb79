import type { ModuleManifest } from '../../platform/modules.ts';
import { referralSection, referralsRoutes } from './routes.ts';
import { followUpReminders } from './service.ts';

/** Referrals to police Prevent and their outcomes. Each referral emits referralMade (events.ts) in its transaction. */
export const referralsModule: ModuleManifest = {
  name: 'referrals',
  routes: [referralsRoutes],
  caseSection: referralSection,
  reminders: { 'referral follow-ups': followUpReminders },
};
