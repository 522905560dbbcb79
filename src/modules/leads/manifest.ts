import type { ModuleManifest } from '../../platform/modules.ts';
import { seedLeadsDemo } from './demo.ts';
import { vacancyReminders } from './reminders.ts';
import { leadRoutes } from './routes.ts';
import { leadChangedJob, tellCommissioner } from './service.ts';

/** The Prevent leads: a change of lead is told to the commissioning ICB by a job enqueued with the change. */
export const leadsModule: ModuleManifest = {
  name: 'leads',
  routes: [leadRoutes],
  jobHandlers: { [leadChangedJob]: tellCommissioner },
  reminders: { leads: vacancyReminders },
  demoSeed: seedLeadsDemo,
};
