import type { ModuleManifest } from '../../platform/modules.ts';
import { seedRisksDemo } from './demo.ts';
import { ctlpReminders } from './reminders.ts';
import { riskRoutes } from './routes.ts';

/** The risk register and the counter terrorism local profile. */
export const risksModule: ModuleManifest = {
  name: 'risks',
  routes: [riskRoutes],
  reminders: { ctlp: ctlpReminders },
  demoSeed: seedRisksDemo,
};
