import type { ModuleManifest } from '../../platform/modules.ts';
import { partnershipAttention } from './attention.ts';
import { seedPartnershipDemo } from './demo.ts';
import { partnershipReminders } from './reminders.ts';
import { partnershipRoutes } from './routes.ts';

/** The multi-agency engagement log and its agreed actions. The home page lists the overdue actions. */
export const partnershipModule: ModuleManifest = {
  name: 'partnership',
  routes: [partnershipRoutes],
  reminders: { partnership: partnershipReminders },
  attention: partnershipAttention,
  demoSeed: seedPartnershipDemo,
};
