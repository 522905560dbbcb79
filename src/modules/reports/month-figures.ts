/** The shape of a month's kept figures (the month_end_figures table's JSON), apart from the code that counts them. */
import type { SubjectType } from '../concerns/schema.ts';
import type { Band } from '../risks/schema.ts';
import type { TrainingLevel } from '../training/schema.ts';

export type LevelFigures = { inScope: number; compliant: number; expired: number; neverTrained: number };

/** How the cases raised in the month stood when the month was kept. */
export const routes = ['open', 'referred', 'otherRoute', 'noFurtherAction', 'closed'] as const;
export type Route = (typeof routes)[number];

export type MonthFigures = {
  /** Training at the month's last day, per required level. */
  training: Record<TrainingLevel, LevelFigures>;
  concerns: {
    raised: number;
    bySubjectType: Record<SubjectType, number>;
    byRoute: Record<Route, number>;
  };
  /** Of the concerns raised in the month: referred to police Prevent, and taken to a Channel panel. */
  referrals: number;
  channel: number;
  lessons: { reviewsStarted: number; reviewsComplete: number; actionsOpen: number; actionsDone: number };
  /** Open risks on the register by band when the month was kept. */
  risks: Record<Band, number>;
};
