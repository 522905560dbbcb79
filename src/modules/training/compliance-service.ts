import type { Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, addMonths, isRealDate, todayInLondon } from '../../platform/dates.ts';
import { InputError } from '../../platform/errors.ts';
import { type SharedCount, sharedCount, sharedPercentage } from '../../platform/suppression.ts';
import * as repository from './repository.ts';
import { complianceTarget, expiringSoonDays, headcountFellSharply, percentOf, type Rag, ragOf } from './rules.ts';
import { type TrainingLevel, trainingLevels } from './schema.ts';
import { type AnnualUpdateFigures, annualUpdateFiguresIn } from './updates/service.ts';

export type Figures = repository.ComplianceCounts & { percent: number | null; rag: Rag | null };
export type LevelCompliance = Figures & { level: TrainingLevel };

const withFigures = <T extends repository.ComplianceCounts>(counts: T): T & Figures => {
  const percent = percentOf(counts.compliant, counts.inScope);
  return { ...counts, percent, rag: ragOf(percent) };
};

const emptyCounts: repository.ComplianceCounts = { inScope: 0, compliant: 0, expiringSoon: 0, expired: 0, neverTrained: 0 };

/** "As at" dates come from people and the command line: a real date or today. */
export function asAtOrToday(value: unknown, today = todayInLondon()): string {
  if (value === undefined || value === '') return today;
  if (typeof value !== 'string' || !isRealDate(value)) throw new InputError({ asAt: 'Enter a real date' });
  return value;
}

/** The last day of the month the date falls in. */
export function monthEnd(day: string): string {
  return addDays(addMonths(`${day.slice(0, 7)}-01`, 1), -1);
}

/** The ends of the `count` months before the as-at date's month, oldest first, then the as-at date itself. */
export function trendDates(asAt: string, count = 12): string[] {
  const dates: string[] = [];
  for (let back = count; back >= 1; back--) dates.push(monthEnd(addMonths(`${asAt.slice(0, 7)}-01`, -back)));
  return [...dates, asAt];
}

// ---- compliance ----

/** Staff in scope at the last month end before a date and on the date: set only when it fell sharply. */
export type HeadcountFall = { monthEnd: string; before: number; now: number };

/** The month end before the date's month. */
export const lastMonthEnd = (asAt: string) => monthEnd(addMonths(`${asAt.slice(0, 7)}-01`, -1));

const totalInScope = (levels: readonly LevelCompliance[]) => levels.reduce((sum, l) => sum + l.inScope, 0);

function headcountFall(
  monthEndLevels: readonly LevelCompliance[],
  nowLevels: readonly LevelCompliance[],
  asAt: string,
): HeadcountFall | null {
  const before = totalInScope(monthEndLevels);
  const now = totalInScope(nowLevels);
  return headcountFellSharply(before, now) ? { monthEnd: lastMonthEnd(asAt), before, now } : null;
}

export type ComplianceFigures = {
  asAt: string;
  /** A partial import shows here first: staff in scope fell sharply since the last month end. */
  headcountFall: HeadcountFall | null;
  total: Figures;
  byLevel: LevelCompliance[];
  byDirectorate: (Figures & { name: string })[];
  byDepartment: (Figures & { name: string })[];
  byStaffGroup: (Figures & { name: string })[];
  /** Staff in scope who had an annual update in the 12 months to the date: counted apart, never part of compliance. */
  annualUpdates: AnnualUpdateFigures;
};

/** The organisation's compliance as at a date, overall and by level, directorate, department and staff group. */
export async function complianceFigures(db: Db, ctx: RequestContext, asAt: string): Promise<ComplianceFigures> {
  return withScope(db, ctx.scope, (tx) => complianceFiguresIn(tx, ctx.user.activeOrg.id, asAt));
}

/** As complianceFigures, for one organisation inside a transaction already scoped to it (the board report). */
export async function complianceFiguresIn(tx: Tx, orgId: string, asAt: string): Promise<ComplianceFigures> {
  const rows = await repository.complianceBreakdown(tx, orgId, asAt, asAt >= todayInLondon(), expiringSoonDays);
  const of = (breakdown: repository.GroupedCounts['breakdown']) =>
    rows
      .filter((r) => r.breakdown === breakdown)
      .map(({ breakdown: _b, key, ...counts }) => ({ name: key, ...withFigures(counts) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  const total = rows.find((r) => r.breakdown === 'total');
  const byLevel = trainingLevels.map((lvl) => {
    const found = rows.find((r) => r.breakdown === 'level' && r.key === lvl);
    return { level: lvl, ...withFigures(found ? pickCounts(found) : emptyCounts) };
  });
  const monthEndLevels = (await levelCountsIn(tx, orgId, [lastMonthEnd(asAt)])).get(lastMonthEnd(asAt)) ?? [];
  return {
    asAt,
    headcountFall: headcountFall(monthEndLevels, byLevel, asAt),
    total: withFigures(total ? { ...emptyCounts, ...pickCounts(total) } : emptyCounts),
    byLevel,
    byDirectorate: of('directorate'),
    byDepartment: of('department'),
    byStaffGroup: of('staffGroup'),
    annualUpdates: await annualUpdateFiguresIn(tx, orgId, asAt),
  };
}

const pickCounts = (r: repository.ComplianceCounts): repository.ComplianceCounts => ({
  inScope: r.inScope,
  compliant: r.compliant,
  expiringSoon: r.expiringSoon,
  expired: r.expired,
  neverTrained: r.neverTrained,
});

/** Per level at each date, inside a transaction already scoped to the organisation. */
export async function levelCountsIn(tx: Tx, orgId: string, dates: string[]): Promise<Map<string, LevelCompliance[]>> {
  const rows = await countsWithCache(tx, [orgId], dates);
  return new Map(dates.map((asAt) => [asAt, levelsAt(rows, orgId, asAt)]));
}

/** Several organisations' figures per level on one day, by organisation. */
export async function levelCountsOfOrgs(
  tx: Tx,
  orgIds: readonly string[],
  asAt: string,
): Promise<Map<string, LevelCompliance[]>> {
  const rows = orgIds.length ? await countsWithCache(tx, [...orgIds], [asAt]) : [];
  return new Map(orgIds.map((orgId) => [orgId, levelsAt(rows, orgId, asAt)]));
}

/**
 * Figures per organisation, level and date: today and later from the expiries kept on staff rows
 * (quick), past dates from the cache, counting and caching any past date not there yet.
 */
async function countsWithCache(
  tx: Tx,
  orgIds: string[],
  dates: string[],
  today = todayInLondon(),
): Promise<repository.LevelCounts[]> {
  const past = dates.filter((d) => d < today);
  const cached = await repository.snapshots(tx, orgIds, past);
  const held = new Set(cached.map((r) => `${r.orgId}|${r.asAt}`));
  const missing = past.filter((d) => orgIds.some((o) => !held.has(`${o}|${d}`)));
  const counted = await repository.levelCounts(
    tx,
    orgIds,
    [...missing, ...dates.filter((d) => d >= today)],
    today,
    expiringSoonDays,
  );
  // Every organisation, date and level is kept, noughts included, so that an empty one is not counted again.
  const toKeep: repository.LevelCounts[] = [];
  for (const orgId of orgIds)
    for (const asAt of missing) {
      if (held.has(`${orgId}|${asAt}`)) continue;
      for (const lvl of trainingLevels) {
        const found = counted.find((r) => r.orgId === orgId && r.asAt === asAt && r.level === lvl);
        toKeep.push(found ?? { orgId, asAt, level: lvl, ...emptyCounts });
      }
    }
  await repository.saveSnapshots(tx, toKeep);
  return [...cached, ...counted];
}

function levelsAt(rows: repository.LevelCounts[], orgId: string, asAt: string): LevelCompliance[] {
  return trainingLevels.map((lvl) => {
    const found = rows.find((r) => r.orgId === orgId && r.asAt === asAt && r.level === lvl);
    return { level: lvl, ...withFigures(found ? pickCounts(found) : emptyCounts) };
  });
}

/** The organisation's compliance per level at each date (trends, the forecast). */
export async function levelCountsAt(db: Db, ctx: RequestContext, dates: string[]): Promise<Map<string, LevelCompliance[]>> {
  return withScope(db, ctx.scope, (tx) => levelCountsIn(tx, ctx.user.activeOrg.id, dates));
}

/**
 * The own organisation's levels below the 85 % target today (levels with nobody in scope are not), for
 * those who see and follow up its staff's training; null for anyone else.
 */
export async function levelsBelowTarget(db: Db, ctx: RequestContext, today: string): Promise<LevelCompliance[] | null> {
  if (!ctx.can.actFor(ctx.user.activeOrg.id, 'training:staff')) return null;
  const levels = (await levelCountsAt(db, ctx, [today])).get(today) ?? [];
  return levels.filter((l) => l.inScope > 0 && l.percent !== null && l.percent < complianceTarget);
}

/** After a bulk change (an import): every staff member's kept expiries; past days recounted, past month ends kept as they were. */
export const refreshFiguresIn = (tx: Tx, orgId: string) => repository.refreshFigures(tx, orgId);

/** Starts and ends periods of long-term absence on the day, after the staff rows changed (an import). */
export const syncAbsencesIn = (tx: Tx, orgId: string, day: string) => repository.syncAbsences(tx, orgId, day);

/** For the command line: one organisation's figures per level as at a date, with nobody signed in. */
export async function levelCountsForOrganisation(db: Db, orgId: string, asAt: string): Promise<LevelCompliance[]> {
  const byDate = await withScope(db, { userId: null, orgIds: [orgId] }, (tx) => levelCountsIn(tx, orgId, [asAt]));
  return byDate.get(asAt) ?? [];
}

/**
 * A level's figures as they leave the provider: the headcount through the small-number gate, and the
 * percentage only where that headcount may be shown (a percentage of 3 people points at each of them).
 */
export type SharedLevelCompliance = {
  level: TrainingLevel;
  inScope: SharedCount;
  percent: number | null;
  rag: Rag | null;
  /** True when there are people in scope but too few to show their figures. */
  tooFew: boolean;
};

function sharedLevel(figures: LevelCompliance): SharedLevelCompliance {
  const percent = sharedPercentage(figures.percent, figures.inScope);
  return {
    level: figures.level,
    inScope: sharedCount(figures.inScope),
    percent,
    rag: ragOf(percent),
    tooFew: figures.inScope > 0 && percent === null,
  };
}

export type ProviderCompliance = {
  org: { id: string; name: string; odsCode: string };
  now: SharedLevelCompliance[];
  /** Staff in scope fell sharply since the last month end (the counts through the small-number gate). */
  headcountFall: { monthEnd: string; before: SharedCount; now: SharedCount } | null;
  trend: { asAt: string; levels: SharedLevelCompliance[] }[];
};

/**
 * Each commissioned provider's compliance by level, and its trend. The figures are counted in a
 * scope opened for the providers and only counts leave this function, through the small-number
 * gate: the commissioner never reads a provider's staff.
 */
export async function providersCompliance(
  db: Db,
  ctx: RequestContext,
  providers: { id: string; name: string; odsCode: string }[],
  asAt: string,
): Promise<ProviderCompliance[]> {
  if (providers.length === 0) return [];
  const dates = trendDates(asAt);
  const rows = await withScope(db, { userId: ctx.user.id, orgIds: providers.map((p) => p.id) }, (tx) =>
    countsWithCache(
      tx,
      providers.map((p) => p.id),
      dates,
    ),
  );
  const previous = lastMonthEnd(asAt);
  return providers.map((org) => {
    const fall = headcountFall(levelsAt(rows, org.id, previous), levelsAt(rows, org.id, asAt), asAt);
    return {
      org,
      now: levelsAt(rows, org.id, asAt).map(sharedLevel),
      headcountFall: fall && { monthEnd: fall.monthEnd, before: sharedCount(fall.before), now: sharedCount(fall.now) },
      trend: dates.map((date) => ({ asAt: date, levels: levelsAt(rows, org.id, date).map(sharedLevel) })),
    };
  });
}
