import type { ModuleManifest } from '../../platform/modules.ts';
import { seedProgrammeDemo } from './demo.ts';
import { programmeReminders } from './reminders.ts';
import { programmeRoutes } from './routes.ts';

/** The annual work programme. */
export const programmeModule: ModuleManifest = {
  name: 'programme',
  routes: [programmeRoutes],
  reminders: { programme: programmeReminders },
  demoSeed: seedProgrammeDemo,
};
