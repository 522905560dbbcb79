import type { ModuleManifest } from '../../platform/modules.ts';
import { leadsAttention, leadsForStaff } from './attention.ts';
import { seedLeadsDemo } from './demo.ts';
import { vacancyReminders } from './reminders.ts';
import { leadRoutes } from './routes.ts';
import { leadChangedJob, tellCommissioner } from './service.ts';

/**
 * The Prevent leads: a change of lead is told to the commissioning ICB by a job enqueued with the change.
 * The home page lists a vacant post to those who record leads, and shows staff who their leads are.
 */
export const leadsModule: ModuleManifest = {
  name: 'leads',
  routes: [leadRoutes],
  jobHandlers: { [leadChangedJob]: tellCommissioner },
  reminders: { leads: vacancyReminders },
  attention: leadsAttention,
  staffHomeSection: leadsForStaff,
  demoSeed: seedLeadsDemo,
};
