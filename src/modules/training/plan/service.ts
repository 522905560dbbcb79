/*
 * The delivery plan: who delivers Prevent training and which sessions are planned, and the
 * 12-month forecast of compliance that shows how the 85 % target "has been or will be achieved".
 * The arithmetic is in plain exported functions so that it can be checked on numbers worked out by hand.
 */
import { z } from 'zod';
import type { Db, Tx } from '../../../db/client.ts';
import { type Scope, withScope } from '../../../db/tenancy.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { addMonths, isRealDate, todayInLondon } from '../../../platform/dates.ts';
import { InputError, NotFoundError } from '../../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../../platform/validation.ts';
import * as audit from '../../audit/service.ts';
import { levelCountsIn } from '../compliance-service.ts';
import { complianceTarget, levelNames, percentOf } from '../rules.ts';
import { type TrainingLevel, trainingLevels } from '../schema.ts';
import * as repository from './repository.ts';

export type Trainer = repository.TrainerRow;
export type Session = repository.SessionWithTrainer;

/** How far ahead the forecast looks. */
export const forecastMonths = 12;
/** A target further off than one refresher cycle says little about the plan in hand. */
export const maxTargetMonths = 36;
export const maxSeats = 500;
export const maxLearnersPerMonth = 1000;
/** Sessions are planned at most this far ahead. */
const maxPlanYears = 5;

// ---------------------------------------------------------------------------------------------
// The arithmetic
// ---------------------------------------------------------------------------------------------

/** The last day of the month that `day` falls in. */
export function monthEndOf(day: string): string {
  const [year, month] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** The next `count` month-ends after `asAt` (a month-end as-at date is already counted, so its month is not repeated). */
export function monthEndsAfter(asAt: string, count = forecastMonths): string[] {
  const ends: string[] = [];
  let end = monthEndOf(asAt);
  if (end === asAt) end = monthEndOf(addMonths(`${asAt.slice(0, 8)}01`, 1));
  for (let i = 0; i < count; i++) {
    ends.push(end);
    end = monthEndOf(addMonths(`${end.slice(0, 8)}01`, 1));
  }
  return ends;
}

/**
 * Whole months from `from` to `to` (a part month is not counted, so the pace asked for is never too
 * slow), and at least one: a target less than a month away still needs its completions in that month.
 */
export function monthsBetween(from: string, to: string): number {
  let months = 0;
  while (months < 1200 && addMonths(from, months + 1) <= to) months++;
  return Math.max(1, months);
}

export type LevelPoint = { inScope: number; compliant: number };
export type LevelFigures = Record<TrainingLevel, LevelPoint>;
export type SeatCounts = Record<TrainingLevel, number>;

const noSeats = (): SeatCounts => ({ basic: 0, level3: 0 });

/** Seats of sessions held after `after` and on or before `onOrBefore`, per level. The caller leaves out cancelled sessions. */
export function seatsBetween(
  sessions: readonly { heldOn: string; level: TrainingLevel; seats: number }[],
  after: string,
  onOrBefore: string,
): SeatCounts {
  const seats = noSeats();
  for (const session of sessions) {
    if (session.heldOn > after && session.heldOn <= onOrBefore) seats[session.level] += session.seats;
  }
  return seats;
}

/** The month-ends after `after` and on or before `onOrBefore`: a month's e-learning places count at its end. */
export function monthEndsBetween(after: string, onOrBefore: string): number {
  let count = 0;
  let end = monthEndOf(after);
  if (end === after) end = monthEndOf(addMonths(`${after.slice(0, 8)}01`, 1));
  while (end <= onOrBefore && count < 1200) {
    count++;
    end = monthEndOf(addMonths(`${end.slice(0, 8)}01`, 1));
  }
  return count;
}

/** E-learning places per level from `after` to `onOrBefore`: the places a month for each month that ends in between. */
export function elearningBetween(perMonth: SeatCounts, after: string, onOrBefore: string): SeatCounts {
  const months = monthEndsBetween(after, onOrBefore);
  return { basic: perMonth.basic * months, level3: perMonth.level3 * months };
}

const plus = (a: SeatCounts, b: SeatCounts): SeatCounts => ({ basic: a.basic + b.basic, level3: a.level3 + b.level3 });

export type WithSessions = Record<TrainingLevel, LevelPoint & { filled: number }>;

/**
 * Compliance once the seats are filled: each seat trains one member of staff who is not
 * compliant, so no more seats count than there are such staff. Level 3 covers basic awareness,
 * so level 3 seats left over once every level 3 need is met fill basic needs.
 */
export function withPlannedSessions(counts: LevelFigures, seats: SeatCounts): WithSessions {
  const level3Gap = Math.max(0, counts.level3.inScope - counts.level3.compliant);
  const level3Filled = Math.min(seats.level3, level3Gap);
  const spare = seats.level3 - level3Filled;
  const basicGap = Math.max(0, counts.basic.inScope - counts.basic.compliant);
  const basicFilled = Math.min(seats.basic + spare, basicGap);
  return {
    level3: { inScope: counts.level3.inScope, compliant: counts.level3.compliant + level3Filled, filled: level3Filled },
    basic: { inScope: counts.basic.inScope, compliant: counts.basic.compliant + basicFilled, filled: basicFilled },
  };
}

/** How many compliant staff 85 % of `inScope` is, rounded up (84.9 % is not 85 %). */
export function targetCount(inScope: number): number {
  return Math.ceil((complianceTarget * inScope) / 100);
}

/** Completions a month needed to have at least 85 % compliant on the target date, from the figures there if nothing else happens. */
export function completionsNeeded(inScopeAtTarget: number, compliantAtTarget: number, months: number): number {
  const gap = Math.max(0, targetCount(inScopeAtTarget) - compliantAtTarget);
  return Math.ceil(gap / Math.max(1, months));
}

/** Learners a month the active trainers who may deliver `level` can take between them. */
export function trainerCapacity(
  list: readonly { levels: readonly string[]; learnersPerMonth: number }[],
  level: TrainingLevel,
): number {
  return list.filter((t) => t.levels.includes(level)).reduce((sum, t) => sum + t.learnersPerMonth, 0);
}

// ---------------------------------------------------------------------------------------------
// The forecast
// ---------------------------------------------------------------------------------------------

export type ForecastPoint = {
  date: string;
  inScope: number;
  /** If nothing else happens: today's records, with expiries rolling off. */
  compliant: number;
  percent: number | null;
  /** Seats of this level held after the as-at date, up to this date. */
  seats: number;
  /** E-learning places of this level from the as-at date up to this date. */
  elearning: number;
  withSessions: number;
  withSessionsPercent: number | null;
};

export type LevelNeed = {
  inScope: number;
  compliant: number;
  percent: number | null;
  targetCount: number;
  gap: number;
  perMonth: number;
  capacity: number;
  capacityEnough: boolean;
  seats: number;
  /** Average over the months to the target, to one decimal place. */
  seatsPerMonth: number;
  /** E-learning places a month, and in all to the target date: counted with the seats. */
  elearningPerMonth: number;
  elearning: number;
  seatsEnough: boolean;
  withSessions: number;
  withSessionsPercent: number | null;
};

export type LevelForecast = {
  level: TrainingLevel;
  name: string;
  /** The as-at date first, then the next 12 month-ends. */
  points: ForecastPoint[];
  need: LevelNeed;
};

export type Forecast = {
  asAt: string;
  target: string;
  months: number;
  levels: LevelForecast[];
  trainerCount: number;
  sessionsWithoutTrainer: number;
};

const forecastQuery = z.object({
  asAt: z.preprocess(blankToUndefined, z.string().refine(isRealDate, 'Enter the as-at date as a real date').optional()),
  target: z.preprocess(blankToUndefined, z.string().refine(isRealDate, 'Enter the target date as a real date').optional()),
});

/** The as-at and target dates the page asks for, checked; the defaults are today and 12 months on. */
export function forecastDates(query: Record<string, unknown>, today = todayInLondon()): { asAt: string; target: string } {
  const fields = parseInput(forecastQuery, { asAt: query['as-at'] ?? query.asAt, target: query.target });
  const asAt = fields.asAt ?? today;
  const target = fields.target ?? addMonths(asAt, forecastMonths);
  if (target <= asAt) throw new InputError({ target: 'The target date must be after the as-at date' });
  if (target > addMonths(asAt, maxTargetMonths))
    throw new InputError({ target: `The target date must be within ${maxTargetMonths / 12} years of the as-at date` });
  return { asAt, target };
}

const zeroFigures = (): LevelFigures => ({ basic: { inScope: 0, compliant: 0 }, level3: { inScope: 0, compliant: 0 } });

function figuresOf(counts: readonly { level: string; inScope: number; compliant: number }[] | undefined): LevelFigures {
  const figures = zeroFigures();
  for (const c of counts ?? []) {
    if (c.level === 'basic' || c.level === 'level3') figures[c.level] = { inScope: c.inScope, compliant: c.compliant };
  }
  return figures;
}

export async function forecastFor(
  db: Db,
  ctx: RequestContext,
  query: Record<string, unknown>,
  today = todayInLondon(),
): Promise<Forecast> {
  const { asAt, target } = forecastDates(query, today);
  return forecastOf(db, ctx.scope, ctx.user.activeOrg.id, asAt, target);
}

/** The forecast of an organisation's compliance from `asAt` to `target`, in the scope given (the person's, or the organisation's own). */
export async function forecastOf(db: Db, scope: Scope, orgId: string, asAt: string, target: string): Promise<Forecast> {
  const ends = monthEndsAfter(asAt);
  const dates = [asAt, ...ends];
  const lastEnd = ends[ends.length - 1] ?? asAt;
  const last = target > lastEnd ? target : lastEnd;
  // One transaction, so that the figures, the sessions and the trainers are read at the same moment.
  const { sessions, trainerList, counts, places } = await withScope(db, scope, async (tx) => ({
    sessions: await repository.plannedSessionsBetween(tx, orgId, asAt, last),
    trainerList: await repository.activeTrainers(tx, orgId),
    places: await repository.elearningPlaces(tx, orgId),
    counts: await levelCountsIn(tx, orgId, [...new Set([...dates, target])]),
  }));
  const months = monthsBetween(asAt, target);

  const perDate = dates.map((date) => {
    const figures = figuresOf(counts.get(date));
    const seats = seatsBetween(sessions, asAt, date);
    const elearning = elearningBetween(places, asAt, date);
    return { date, figures, seats, elearning, planned: withPlannedSessions(figures, plus(seats, elearning)) };
  });
  const atTarget = figuresOf(counts.get(target));
  const seatsToTarget = seatsBetween(sessions, asAt, target);
  const elearningToTarget = elearningBetween(places, asAt, target);
  const plannedAtTarget = withPlannedSessions(atTarget, plus(seatsToTarget, elearningToTarget));

  const levels = trainingLevels.map((level): LevelForecast => {
    const { inScope, compliant } = atTarget[level];
    const perMonth = completionsNeeded(inScope, compliant, months);
    const capacity = trainerCapacity(trainerList, level);
    const gap = Math.max(0, targetCount(inScope) - compliant);
    return {
      level,
      name: levelNames[level],
      points: perDate.map(({ date, figures, seats, elearning, planned }) => ({
        date,
        inScope: figures[level].inScope,
        compliant: figures[level].compliant,
        percent: percentOf(figures[level].compliant, figures[level].inScope),
        seats: seats[level],
        elearning: elearning[level],
        withSessions: planned[level].compliant,
        withSessionsPercent: percentOf(planned[level].compliant, planned[level].inScope),
      })),
      need: {
        inScope,
        compliant,
        percent: percentOf(compliant, inScope),
        targetCount: targetCount(inScope),
        gap,
        perMonth,
        capacity,
        capacityEnough: capacity >= perMonth,
        seats: seatsToTarget[level],
        seatsPerMonth: Math.floor((seatsToTarget[level] * 10) / months) / 10,
        elearningPerMonth: places[level],
        elearning: elearningToTarget[level],
        seatsEnough: plannedAtTarget[level].compliant >= targetCount(inScope),
        withSessions: plannedAtTarget[level].compliant,
        withSessionsPercent: percentOf(plannedAtTarget[level].compliant, inScope),
      },
    };
  });
  return {
    asAt,
    target,
    months,
    levels,
    trainerCount: trainerList.length,
    sessionsWithoutTrainer: sessions.filter((s) => s.trainerId === null && s.heldOn <= target).length,
  };
}

// ---------------------------------------------------------------------------------------------
// Trainers
// ---------------------------------------------------------------------------------------------

const wholeNumber = (min: number, max: number, message: string) =>
  z.preprocess(
    (value) => {
      const v = blankToUndefined(value);
      return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    },
    z.number({ error: message }).int(message).min(min, message).max(max, message),
  );

const asList = (value: unknown) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

const trainerFields = z.object({
  name: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the trainer’s name' }).max(120, 'The trainer’s name must be 120 characters or fewer'),
  ),
  levels: z.preprocess(
    asList,
    z
      .array(z.string())
      .min(1, 'Choose at least one level the trainer may deliver')
      .refine(
        (levels) => levels.every((level) => (trainingLevels as readonly string[]).includes(level)),
        'Choose the levels from the list',
      )
      .transform((levels) => trainingLevels.filter((level) => levels.includes(level))),
  ),
  learnersPerMonth: wholeNumber(
    1,
    maxLearnersPerMonth,
    `Enter how many learners a month the trainer can take, as a whole number from 1 to ${maxLearnersPerMonth.toLocaleString('en-GB')}`,
  ),
});

export async function trainersOf(db: Db, ctx: RequestContext): Promise<Trainer[]> {
  return withScope(db, ctx.scope, (tx) => repository.activeTrainers(tx, ctx.user.activeOrg.id));
}

export async function getTrainer(db: Db, ctx: RequestContext, id: string): Promise<Trainer> {
  const found = await withScope(db, ctx.scope, (tx) => repository.trainerById(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('trainer');
  return found;
}

const levelList = (levels: readonly TrainingLevel[]) => levels.join(',');

export async function addTrainer(db: Db, ctx: RequestContext, input: unknown): Promise<Trainer> {
  const fields = parseInput(trainerFields, input);
  return withScope(db, ctx.scope, async (tx) => {
    const created = await repository.insertTrainer(tx, ctx.user.activeOrg.id, fields);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'trainer.added',
      recordType: 'trainer',
      recordId: created.id,
      details: { levels: levelList(fields.levels), learnersPerMonth: fields.learnersPerMonth },
    });
    return created;
  });
}

const sessionList = (sessions: readonly { heldOn: string }[]) => {
  const dates = sessions.slice(0, 3).map((s) => s.heldOn);
  return sessions.length > 3 ? `${dates.join(', ')} and ${sessions.length - 3} more` : dates.join(', ');
};

export async function updateTrainer(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const fields = parseInput(trainerFields, input);
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.trainerById(tx, orgId, id))) throw new NotFoundError('trainer');
    // A trainer may not lose a level they are still booked to deliver: the plan would claim sessions nobody can run.
    const stranded = (await repository.upcomingSessionsOfTrainer(tx, orgId, id, today)).filter(
      (s) => !fields.levels.includes(s.level),
    );
    const first = stranded[0];
    if (first) {
      throw new InputError({
        levels: `This trainer is planned to deliver ${levelNames[first.level]} sessions (${sessionList(stranded)}). Give those sessions to another trainer or cancel them first`,
      });
    }
    await repository.updateTrainer(tx, orgId, id, fields);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'trainer.updated',
      recordType: 'trainer',
      recordId: id,
      details: { levels: levelList(fields.levels), learnersPerMonth: fields.learnersPerMonth },
    });
  });
}

export async function removeTrainer(db: Db, ctx: RequestContext, id: string, today = todayInLondon()): Promise<void> {
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.trainerById(tx, orgId, id))) throw new NotFoundError('trainer');
    const upcoming = await repository.upcomingSessionsOfTrainer(tx, orgId, id, today);
    if (upcoming.length > 0) {
      throw new InputError({
        trainer: `This trainer is planned to deliver sessions (${sessionList(upcoming)}). Give those sessions to another trainer or cancel them before removing the trainer`,
      });
    }
    // Kept, not deleted, so that past sessions still say who delivered them.
    await repository.archiveTrainer(tx, orgId, id);
    await audit.record(tx, ctx.actor, { orgId, action: 'trainer.removed', recordType: 'trainer', recordId: id });
  });
}

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

const sessionFields = z.object({
  heldOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date of the session' }).refine(isRealDate, 'Enter the date of the session as a real date'),
  ),
  level: z.enum(trainingLevels, { error: 'Choose the level of the session' }),
  seats: wholeNumber(1, maxSeats, `Enter the number of seats as a whole number from 1 to ${maxSeats}`),
  trainerId: z.preprocess(blankToUndefined, z.string().optional()),
  venue: z.preprocess(blankToUndefined, z.string().max(200, 'The venue must be 200 characters or fewer').optional()),
});

export async function sessionsOf(db: Db, ctx: RequestContext): Promise<Session[]> {
  return withScope(db, ctx.scope, (tx) => repository.sessionsOf(tx, ctx.user.activeOrg.id));
}

export async function getSession(db: Db, ctx: RequestContext, id: string): Promise<Session> {
  const found = await withScope(db, ctx.scope, (tx) => repository.sessionById(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('training session');
  return found;
}

/** Checks a session's fields, its trainer included, inside the transaction that writes it. */
async function sessionRow(tx: Tx, orgId: string, input: unknown, today: string): Promise<repository.SessionFields> {
  const fields = parseInput(sessionFields, input);
  if (fields.heldOn > addMonths(today, maxPlanYears * 12)) {
    throw new InputError({ heldOn: `The date of the session must be within ${maxPlanYears} years from today` });
  }
  let trainerId: string | null = null;
  if (fields.trainerId !== undefined) {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(fields.trainerId);
    const trainer = uuid ? await repository.trainerById(tx, orgId, fields.trainerId) : undefined;
    if (!trainer) throw new InputError({ trainerId: 'Choose a trainer from the list' });
    if (!trainer.levels.includes(fields.level)) {
      throw new InputError({
        trainerId: `${trainer.name} may not deliver ${levelNames[fields.level]}: choose another trainer, or change the level`,
      });
    }
    trainerId = trainer.id;
  }
  return { heldOn: fields.heldOn, level: fields.level, seats: fields.seats, trainerId, venue: fields.venue ?? null };
}

export async function addSession(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<Session> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const row = await sessionRow(tx, orgId, input, today);
    const created = await repository.insertSession(tx, orgId, row);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training_session.planned',
      recordType: 'training_session',
      recordId: created.id,
      details: { heldOn: row.heldOn, level: row.level, seats: row.seats },
    });
    return { ...created, trainerName: null };
  });
}

export async function updateSession(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    const existing = await repository.sessionById(tx, orgId, id);
    if (!existing) throw new NotFoundError('training session');
    if (existing.cancelledAt)
      throw new InputError({ form: 'This session was cancelled and cannot be changed. Plan a new session instead' });
    const row = await sessionRow(tx, orgId, input, today);
    await repository.updateSession(tx, orgId, id, row);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training_session.updated',
      recordType: 'training_session',
      recordId: id,
      details: { heldOn: row.heldOn, level: row.level, seats: row.seats },
    });
  });
}

export async function cancelSession(db: Db, ctx: RequestContext, id: string): Promise<void> {
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    const existing = await repository.sessionById(tx, orgId, id);
    if (!existing) throw new NotFoundError('training session');
    // Cancelling twice changes nothing, and is not audited twice.
    if (existing.cancelledAt) return;
    await repository.cancelSession(tx, orgId, id);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training_session.cancelled',
      recordType: 'training_session',
      recordId: id,
      details: { heldOn: existing.heldOn, level: existing.level, seats: existing.seats },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// E-learning places
// ---------------------------------------------------------------------------------------------

const elearningFields = z.object({
  basic: wholeNumber(
    0,
    maxLearnersPerMonth,
    `Enter the basic Prevent awareness e-learning places a month as a whole number from 0 to ${maxLearnersPerMonth.toLocaleString('en-GB')}`,
  ),
  level3: wholeNumber(
    0,
    maxLearnersPerMonth,
    `Enter the level 3 e-learning places a month as a whole number from 0 to ${maxLearnersPerMonth.toLocaleString('en-GB')}`,
  ),
});

/** E-learning places a month per level (0 when none are set). */
export async function elearningPlacesOf(db: Db, ctx: RequestContext): Promise<SeatCounts> {
  return withScope(db, ctx.scope, (tx) => repository.elearningPlaces(tx, ctx.user.activeOrg.id));
}

export async function setElearningPlaces(db: Db, ctx: RequestContext, input: unknown): Promise<void> {
  const fields = parseInput(elearningFields, input);
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    for (const level of trainingLevels) await repository.saveElearningPlaces(tx, orgId, level, fields[level]);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.elearning_places.set',
      recordType: 'training_elearning_places',
      details: { basic: fields.basic, level3: fields.level3 },
    });
  });
}
