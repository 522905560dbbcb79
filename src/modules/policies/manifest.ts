import type { ModuleManifest } from '../../platform/modules.ts';
import { seedPoliciesDemo } from './demo.ts';
import { policyReviewReminders } from './reminders.ts';
import { policyRoutes } from './routes.ts';

/** The policy register. */
export const policiesModule: ModuleManifest = {
  name: 'policies',
  routes: [policyRoutes],
  reminders: { policies: policyReviewReminders },
  demoSeed: seedPoliciesDemo,
};
