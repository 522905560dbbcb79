import type { ModuleManifest } from '../../platform/modules.ts';
import { seedTrainingDemo } from './demo.ts';
import { importJob, importJobKind } from './import/service.ts';
import { trainingRoutes } from './routes.ts';
import { expiryReminders } from './service.ts';

/** Training compliance: staff and records, the import, the delivery plan, the API, and reminders before training expires. */
export const trainingModule: ModuleManifest = {
  name: 'training',
  routes: [trainingRoutes],
  jobHandlers: { [importJobKind]: importJob },
  reminders: { 'training-expiry': expiryReminders },
  demoSeed: seedTrainingDemo,
};
