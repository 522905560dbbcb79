import { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, isRealDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import type { ProgrammeRow } from './repository.ts';
import * as repository from './repository.ts';

/*
 * Programme years: each organisation's year starts in a month it chooses (April unless it says
 * otherwise), and a year's programme keeps the dates it was started with.
 */

/** April: the NHS financial year, which the standard's annual cycle follows unless an organisation chooses otherwise. */
export const defaultYearStartMonth = 4;

export type ProgrammeYear = { year: number; startsOn: string; endsOn: string };

const pad = (n: number) => String(n).padStart(2, '0');

/** The year as the organisation's settings define it, before any fitting to programmes already held. */
export function programmeYearWindow(year: number, startMonth: number): ProgrammeYear {
  const startsOn = `${year}-${pad(startMonth)}-01`;
  const endsOn = addDays(`${year + 1}-${pad(startMonth)}-01`, -1);
  return { year, startsOn, endsOn };
}

/** The programme year containing a day, named by the calendar year it starts in (2026 = April 2026 to March 2027). */
export function programmeYearContaining(day: string, startMonth: number): ProgrammeYear {
  const calendarYear = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return programmeYearWindow(month >= startMonth ? calendarYear : calendarYear - 1, startMonth);
}

export const yearOf = (programme: Pick<ProgrammeRow, 'startsOn'>) => Number(programme.startsOn.slice(0, 4));

export function yearLabel(startsOn: string, endsOn: string): string {
  const from = startsOn.slice(0, 4);
  const to = endsOn.slice(0, 4);
  return from === to ? from : `${from} to ${to}`;
}

/** The same day a year on; 29 February becomes 28 February. */
export function oneYearOn(day: string): string {
  const next = `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;
  return isRealDate(next) ? next : `${next.slice(0, 4)}-02-28`;
}

/** The day, or the nearer end of the period if it falls outside. */
export function dayWithin(day: string, period: { startsOn: string; endsOn: string }): string {
  if (day < period.startsOn) return period.startsOn;
  if (day > period.endsOn) return period.endsOn;
  return day;
}

export async function startMonthOf(tx: Executor, orgId: string): Promise<number> {
  return (await repository.yearStartMonth(tx, orgId)) ?? defaultYearStartMonth;
}

/**
 * The dates a new programme for a year would run. Programmes follow one another with no gap
 * or overlap, so after a change of start month the first programme is longer or shorter than a year.
 */
export async function windowFor(tx: Executor, orgId: string, year: number): Promise<ProgrammeYear> {
  const computed = programmeYearWindow(year, await startMonthOf(tx, orgId));
  let { startsOn, endsOn } = computed;
  const before = await repository.latestStartingBefore(tx, orgId, `${year}-01-01`);
  if (before && (yearOf(before) === year - 1 || before.endsOn >= startsOn)) startsOn = addDays(before.endsOn, 1);
  const after = await repository.earliestStartingAfter(tx, orgId, `${year}-12-31`);
  if (after && after.startsOn <= endsOn) endsOn = addDays(after.startsOn, -1);
  if (startsOn > endsOn || Number(startsOn.slice(0, 4)) !== year) {
    throw new InputError({ form: `A ${year} programme would overlap the programmes already recorded` });
  }
  return { year, startsOn, endsOn };
}

/**
 * The year whose programme is current: the one running today, or, if none is, the year
 * that contains today (or the one after, when that year's programme ended early because the start month moved).
 */
export async function currentYearIn(tx: Executor, orgId: string, today: string): Promise<number> {
  const running = await repository.programmeContaining(tx, orgId, today);
  if (running) return yearOf(running);
  const computed = programmeYearContaining(today, await startMonthOf(tx, orgId)).year;
  return (await repository.programmeStartingIn(tx, orgId, computed)) ? computed + 1 : computed;
}

export async function currentYear(db: Db, ctx: RequestContext, today = todayInLondon()): Promise<number> {
  return withScope(db, ctx.scope, (tx) => currentYearIn(tx, ctx.user.activeOrg.id, today));
}

/** A year's programme, which must have been started. */
export async function programmeFor(tx: Tx, orgId: string, year: number): Promise<ProgrammeRow> {
  const programme = await repository.programmeStartingIn(tx, orgId, year);
  if (!programme) throw new NotFoundError('work programme');
  return programme;
}

// ---- the month the year starts ----

export async function yearStartMonth(db: Db, ctx: RequestContext): Promise<number> {
  return withScope(db, ctx.scope, (tx) => startMonthOf(tx, ctx.user.activeOrg.id));
}

const settingsFields = z.object({
  yearStartMonth: z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,2}$/.test(v.trim()) ? Number(v) : v),
    z
      .number({ error: 'Choose the month the programme year starts' })
      .int()
      .min(1, 'Choose the month the programme year starts')
      .max(12, 'Choose the month the programme year starts'),
  ),
});

/** Sets the month the organisation's programme year starts. Programmes already started keep their dates. */
export async function updateSettings(db: Db, ctx: RequestContext, input: unknown): Promise<void> {
  const orgId = ctx.user.activeOrg.id;
  const { yearStartMonth: month } = parseInput(settingsFields, input);
  await withScope(db, ctx.scope, async (tx) => {
    const previous = await startMonthOf(tx, orgId);
    await repository.saveYearStartMonth(tx, orgId, month);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'programme.settings_changed',
      recordType: 'programme_settings',
      recordId: orgId,
      details: { yearStartMonth: month, previousYearStartMonth: previous },
    });
  });
}
