import type { ModuleManifest } from '../../platform/modules.ts';
import { auditRoutes } from './routes.ts';
import { dailyCheckpoint } from './service.ts';

/** The audit trail: its pages, and the checkpoint written to the log every night. */
export const auditModule: ModuleManifest = {
  name: 'audit',
  routes: [auditRoutes],
  schedules: [dailyCheckpoint],
};
