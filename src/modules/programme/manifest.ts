import type { ModuleManifest } from '../../platform/modules.ts';
import { programmeAttention } from './attention.ts';
import { seedProgrammeDemo } from './demo.ts';
import { programmeReminders } from './reminders.ts';
import { programmeRoutes } from './routes.ts';

/** The annual work programme; the home page lists its overdue items and those due soon. */
export const programmeModule: ModuleManifest = {
  name: 'programme',
  routes: [programmeRoutes],
  reminders: { programme: programmeReminders },
  attention: programmeAttention,
  demoSeed: seedProgrammeDemo,
};
