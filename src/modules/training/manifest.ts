import type { ModuleManifest } from '../../platform/modules.ts';
import { trainingAttention } from './attention.ts';
import { seedTrainingDemo } from './demo.ts';
import { importJobKind } from './import/service.ts';
import { discardJob, discardJobKind, importJob } from './import/uploads.ts';
import { trainingRoutes } from './routes.ts';
import { expiryReminders } from './service.ts';

/**
 * Training compliance: staff and records, the import, the delivery plan, the API, and reminders before training
 * expires. The home page lists each level below the 85 % target.
 */
export const trainingModule: ModuleManifest = {
  name: 'training',
  routes: [trainingRoutes],
  jobHandlers: { [importJobKind]: importJob, [discardJobKind]: discardJob },
  reminders: { 'training-expiry': expiryReminders },
  attention: trainingAttention,
  demoSeed: seedTrainingDemo,
};
