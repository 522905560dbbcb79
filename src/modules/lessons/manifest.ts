import { on } from '../../platform/events.ts';
import type { ModuleManifest } from '../../platform/modules.ts';
import { referralMade } from '../referrals/events.ts';
import { lessonsAttention } from './attention.ts';
import { seedLessonsDemo } from './demo.ts';
import { learningGroupRoutes, partnerRoutes } from './group-routes.ts';
import { lessonsReminders } from './reminders.ts';
import { lessonsRoutes, lessonsSection } from './routes.ts';
import { regionLearningRoutes } from './routes-region.ts';
import { startReviewForReferral } from './service.ts';

/**
 * Lessons learned reviews, case studies, the learning group (with its partner members) and the region's view of
 * its groups' case studies. Every referral starts a review, in the referral's transaction. The home page lists
 * the overdue actions.
 */
export const lessonsModule: ModuleManifest = {
  name: 'lessons',
  routes: [lessonsRoutes, learningGroupRoutes, partnerRoutes, regionLearningRoutes],
  caseSection: lessonsSection,
  events: [on(referralMade, ({ open, referralId, referredOn }) => startReviewForReferral(open, referralId, referredOn))],
  reminders: { lessons: lessonsReminders },
  attention: lessonsAttention,
  demoSeed: seedLessonsDemo,
};
