import type { ModuleManifest } from '../../platform/modules.ts';
import { risksAttention } from './attention.ts';
import { seedRisksDemo } from './demo.ts';
import { ctlpReminders } from './reminders.ts';
import { riskRoutes } from './routes.ts';

/** The risk register and the counter terrorism local profile; the home page lists the CTLP review when due. */
export const risksModule: ModuleManifest = {
  name: 'risks',
  routes: [riskRoutes],
  reminders: { ctlp: ctlpReminders },
  attention: risksAttention,
  demoSeed: seedRisksDemo,
};
