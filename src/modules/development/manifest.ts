import type { ModuleManifest } from '../../platform/modules.ts';
import { seedDevelopmentDemo } from './demo.ts';
import { developmentRoutes } from './routes.ts';

/** Development of the Prevent leads and safeguarding staff: activities, and each lead's development plan. */
export const developmentModule: ModuleManifest = {
  name: 'development',
  routes: [developmentRoutes],
  demoSeed: seedDevelopmentDemo,
};
