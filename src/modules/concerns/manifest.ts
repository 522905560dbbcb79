import type { ModuleManifest } from '../../platform/modules.ts';
import { breakGlassJob, tellLeadsOfBreakGlass } from './access.ts';
import { concernApiRoutes } from './api-routes.ts';
import { concernsAttention } from './attention.ts';
import { seedConcernsDemo } from './demo.ts';
import { concernRoutes } from './routes.ts';
import { caseReviewReminders, concernRaisedJob, retentionReviewReminders, tellLeadsOfConcern } from './service.ts';

/**
 * Concern cases: raising, working and closing them, the API for other systems, and the case page the modules
 * after it add to. The leads' home page counts the new concerns and the case reviews due.
 */
export const concernsModule: ModuleManifest = {
  name: 'concerns',
  routes: [concernRoutes, concernApiRoutes],
  jobHandlers: { [concernRaisedJob]: tellLeadsOfConcern, [breakGlassJob]: tellLeadsOfBreakGlass },
  reminders: { 'concern case reviews': caseReviewReminders, 'concern retention reviews': retentionReviewReminders },
  attention: concernsAttention,
  demoSeed: seedConcernsDemo,
};
