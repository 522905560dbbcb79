import type { ModuleManifest } from '../../platform/modules.ts';
import { policiesAttention } from './attention.ts';
import { seedPoliciesDemo } from './demo.ts';
import { policyReviewReminders } from './reminders.ts';
import { policyRoutes } from './routes.ts';

/** The policy register; the home page lists the reviews due and overdue. */
export const policiesModule: ModuleManifest = {
  name: 'policies',
  routes: [policyRoutes],
  reminders: { policies: policyReviewReminders },
  attention: policiesAttention,
  demoSeed: seedPoliciesDemo,
};
