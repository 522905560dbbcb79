import type { ModuleManifest } from '../../platform/modules.ts';
import { trainingApiRoutes } from './api-routes.ts';
import { seedTrainingDemo } from './demo.ts';
import { trainingImportRoutes } from './import/routes.ts';
import { importJob, importJobKind } from './import/service.ts';
import { trainingPlanRoutes } from './plan/routes.ts';
import { trainingRoutes } from './routes.ts';
import { expiryReminders } from './service.ts';

/** Training compliance: staff and records, the import, the delivery plan, the API, and reminders before training expires. */
export const trainingModule: ModuleManifest = {
  name: 'training',
  routes: [trainingRoutes, trainingImportRoutes, trainingPlanRoutes, trainingApiRoutes],
  jobHandlers: { [importJobKind]: importJob },
  reminders: { 'training-expiry': expiryReminders },
  demoSeed: seedTrainingDemo,
};
