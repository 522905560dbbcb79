import type { ModuleManifest } from '../../platform/modules.ts';
import { informationRequestsAttention } from './attention.ts';
import { seedInformationRequestsDemo } from './demo.ts';
import { informationRequestReminders } from './reminders.ts';
import { informationRequestRoutes, informationRequestsSection } from './routes.ts';

/** Information requests in and out, each linked to the case it is about. The home page lists the overdue ones. */
export const informationRequestsModule: ModuleManifest = {
  name: 'information-requests',
  routes: [informationRequestRoutes],
  caseSection: informationRequestsSection,
  reminders: { informationRequests: informationRequestReminders },
  attention: informationRequestsAttention,
  demoSeed: seedInformationRequestsDemo,
};
