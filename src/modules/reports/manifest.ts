import type { ModuleManifest } from '../../platform/modules.ts';
import { seedReportsDemo } from './demo.ts';
import { monthEndSchedule } from './month-end.ts';
import { reportsRoutes } from './routes.ts';

/**
 * Reporting: the month-end figures kept as a fixed record, the annual board report (web, PDF, Word) with its
 * approval, board date and sharing, the commissioner's and region's view of shared reports, and the
 * quarterly data return.
 */
export const reportsModule: ModuleManifest = {
  name: 'reports',
  routes: [reportsRoutes],
  schedules: [monthEndSchedule],
  demoSeed: seedReportsDemo,
};
