import type { ModuleManifest } from '../../platform/modules.ts';
import { seedContractsDemo } from './demo.ts';
import { contractActionReminders } from './reminders.ts';
import { contractRoutes } from './routes.ts';
import { checkRecordedJob, tellBothSides } from './service.ts';

/**
 * The commissioner's contract register and contract quality checks: both sides are told of a check
 * by a job enqueued with it, and overdue actions reach their owners' leads.
 */
export const contractsModule: ModuleManifest = {
  name: 'contracts',
  routes: [contractRoutes],
  jobHandlers: { [checkRecordedJob]: tellBothSides },
  reminders: { contracts: contractActionReminders },
  demoSeed: seedContractsDemo,
};
