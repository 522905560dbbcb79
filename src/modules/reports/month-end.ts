/**
 * Each organisation's figures for each month, kept once as a fixed record. The month-end job keeps the
 * month just ended for every organisation; a past month asked for and never kept (the service was not
 * running, or the organisation is new to it) is counted when first asked for, marked as counted later,
 * and kept. Trends and reports read these, so a later import or edit changes today's figures, never a
 * past month's.
 */
import type { Database, Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { addDays, addMonths, londonDateTime, todayInLondon } from '../../platform/dates.ts';
import type { JobHandler, Schedule } from '../../platform/modules.ts';
import * as concerns from '../concerns/service.ts';
import * as lessons from '../lessons/service.ts';
import * as organisations from '../organisations/service.ts';
import type { Pathway } from '../referrals/service.ts';
import * as risks from '../risks/service.ts';
import * as training from '../training/service.ts';
import { type MonthFigures, type Route, routes } from './month-figures.ts';
import * as repository from './repository.ts';

export { type MonthFigures, type Route, routes };

export type KeptMonth = { month: string; figures: MonthFigures; computedLater: boolean; keptAt: Date | null };

const channelPathway: Pathway = 'channel_panel';

/** The first day of a month given as 2026-03. */
const firstDay = (month: string) => `${month}-01`;
export const monthOf = (day: string) => day.slice(0, 7);
export const nextMonth = (month: string) => monthOf(addMonths(firstDay(month), 1));
export const lastDayOf = (month: string) => addDays(firstDay(nextMonth(month)), -1);

/** The months from `first` to `last`, both included. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  for (let m = first; m <= last; m = nextMonth(m)) months.push(m);
  return months;
}

/** Kept within this many days of the month's end, the figures are the month end's own; kept later, they say so. */
const onTimeDays = 2;

function routeOf(status: concerns.CaseStatus): Route {
  if (status === 'referred') return 'referred';
  if (status === 'other_route') return 'otherRoute';
  if (status === 'no_further_action') return 'noFurtherAction';
  if (status === 'closed') return 'closed';
  return 'open';
}

/** Counts the month's figures now, inside a transaction scoped to the organisation. */
async function countMonth(tx: Tx, orgId: string, month: string, today: string): Promise<MonthFigures> {
  const end = lastDayOf(month);
  const levels = (await training.levelCountsIn(tx, orgId, [end])).get(end) ?? [];
  const trainingFigures = Object.fromEntries(
    training.trainingLevels.map((level) => {
      const found = levels.find((l) => l.level === level);
      return [
        level,
        {
          inScope: found?.inScope ?? 0,
          compliant: found?.compliant ?? 0,
          expired: found?.expired ?? 0,
          neverTrained: found?.neverTrained ?? 0,
        },
      ];
    }),
  ) as MonthFigures['training'];
  const from = londonDateTime(firstDay(month), '00:00');
  const before = londonDateTime(firstDay(nextMonth(month)), '00:00');
  const cases = (await concerns.caseCounts(tx, from, before)).filter((c) => c.orgId === orgId);
  const bySubjectType = { patient: 0, staff: 0, visitor: 0, other: 0 } as Record<concerns.SubjectType, number>;
  const byRoute = Object.fromEntries(routes.map((r) => [r, 0])) as Record<Route, number>;
  let referrals = 0;
  let channel = 0;
  for (const c of cases) {
    bySubjectType[c.subjectType] += c.cases;
    byRoute[routeOf(c.status)] += c.cases;
    if (c.referred) referrals += c.cases;
    if (c.referred && c.pathway === channelPathway) channel += c.cases;
  }
  const learned = await lessons.lessonsFiguresIn(tx, orgId, { from: firstDay(month), before: firstDay(nextMonth(month)) }, today);
  return {
    training: trainingFigures,
    concerns: { raised: cases.reduce((n, c) => n + c.cases, 0), bySubjectType, byRoute },
    referrals,
    channel,
    lessons: {
      reviewsStarted: learned.reviews.started,
      reviewsComplete: learned.reviews.complete,
      actionsOpen: learned.actions.open,
      actionsDone: learned.actions.done,
    },
    risks: await risks.openRisksByBandIn(tx, orgId),
  };
}

/**
 * The organisations' figures for the months, inside a transaction whose scope holds them. Ended months are
 * read as kept, or counted and kept now (marked as counted later when it is past the month's end); the
 * month in progress, if asked for, is counted and not kept.
 */
export async function monthFiguresIn(
  tx: Tx,
  orgIds: readonly string[],
  months: readonly string[],
  today = todayInLondon(),
): Promise<Map<string, KeptMonth[]>> {
  const kept = await repository.keptMonths(tx, orgIds, months);
  const current = monthOf(today);
  const result = new Map<string, KeptMonth[]>();
  for (const orgId of orgIds) {
    const list: KeptMonth[] = [];
    for (const month of months) {
      if (month > current) continue;
      const found = kept.find((k) => k.orgId === orgId && k.month === month);
      if (found) {
        list.push({ month, figures: found.figures, computedLater: found.computedLater, keptAt: found.keptAt });
        continue;
      }
      const figures = await countMonth(tx, orgId, month, today);
      if (month === current) {
        list.push({ month, figures, computedLater: false, keptAt: null });
        continue;
      }
      const computedLater = today > addDays(lastDayOf(month), onTimeDays);
      const row = await repository.keepMonth(tx, { orgId, month, figures, computedLater });
      list.push({ month, figures: row.figures, computedLater: row.computedLater, keptAt: row.keptAt });
    }
    result.set(orgId, list);
  }
  return result;
}

/** Keeps the month just ended for every organisation that has not kept it yet: the month-end job. */
export async function keepLastMonth(database: Database, today = todayInLondon()): Promise<number> {
  const month = monthOf(addMonths(`${monthOf(today)}-01`, -1));
  let keptNow = 0;
  for (const org of await organisations.allOrganisationIds(database.db)) {
    await withScope(database.db, { userId: null, orgIds: [org] }, async (tx) => {
      const before = await repository.keptMonths(tx, [org], [month]);
      if (before.length > 0) return;
      await monthFiguresIn(tx, [org], [month], today);
      keptNow++;
    });
  }
  return keptNow;
}

export const monthEndJob = 'reports.month-end';

const keepLastMonthJob: JobHandler = async (database, _payload, { logger }) => {
  const kept = await keepLastMonth(database);
  logger.info({ kept }, 'Month-end figures kept');
};

/** Every day soon after midnight: on the first of a month it keeps the month just ended; on other days it fills any gap. */
export const monthEndSchedule: Schedule = {
  kind: monthEndJob,
  next: (now) => {
    const tomorrow = addDays(todayInLondon(now), 1);
    return londonDateTime(tomorrow, '00:30');
  },
  run: keepLastMonthJob,
};

/** One organisation's months in its own scope, with nobody signed in (the command line, the benchmark). */
export async function monthFiguresFor(db: Db, orgId: string, months: readonly string[], today = todayInLondon()) {
  const byOrg = await withScope(db, { userId: null, orgIds: [orgId] }, (tx) => monthFiguresIn(tx, [orgId], months, today));
  return byOrg.get(orgId) ?? [];
}
