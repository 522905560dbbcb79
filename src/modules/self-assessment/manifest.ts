import type { ModuleManifest } from '../../platform/modules.ts';
import { selfAssessmentAttention } from './attention.ts';
import { seedSelfAssessmentDemo } from './demo.ts';
import { overdueActionReminders } from './reminders.ts';
import { selfAssessmentRoutes } from './routes.ts';
import { tellBothSides, toldJob } from './submissions.ts';

/**
 * The self-assessment against the core standards: each organisation's, per financial year, in versions; a
 * provider's submitted to its commissioning ICB, which accepts it or returns it with comments (both are told by a job).
 */
export const selfAssessmentModule: ModuleManifest = {
  name: 'self-assessment',
  routes: [selfAssessmentRoutes],
  jobHandlers: { [toldJob]: tellBothSides },
  reminders: { 'self-assessment-actions': overdueActionReminders },
  attention: selfAssessmentAttention,
  demoSeed: seedSelfAssessmentDemo,
};
