import { and, asc, eq, gt, gte, isNull, lte } from 'drizzle-orm';
import type { Executor } from '../../../db/client.ts';
import { type TrainingLevel, trainers, trainingElearningPlaces, trainingSessions } from '../schema.ts';

export type TrainerRow = typeof trainers.$inferSelect;
export type TrainerFields = Pick<typeof trainers.$inferInsert, 'name' | 'levels' | 'learnersPerMonth'>;
export type SessionRow = typeof trainingSessions.$inferSelect;
export type SessionFields = Pick<typeof trainingSessions.$inferInsert, 'heldOn' | 'level' | 'seats' | 'trainerId' | 'venue'>;
/** A session with the name of its trainer, who may since have been removed from the plan. */
export type SessionWithTrainer = SessionRow & { trainerName: string | null };

/** Trainers still in the delivery plan (removed ones are kept so that past sessions still name them). */
export async function activeTrainers(tx: Executor, orgId: string): Promise<TrainerRow[]> {
  return tx
    .select()
    .from(trainers)
    .where(and(eq(trainers.orgId, orgId), isNull(trainers.archivedAt)))
    .orderBy(asc(trainers.name));
}

export async function trainerById(tx: Executor, orgId: string, id: string): Promise<TrainerRow | undefined> {
  const [row] = await tx
    .select()
    .from(trainers)
    .where(and(eq(trainers.orgId, orgId), eq(trainers.id, id), isNull(trainers.archivedAt)));
  return row;
}

export async function insertTrainer(tx: Executor, orgId: string, fields: TrainerFields): Promise<TrainerRow> {
  const [row] = await tx
    .insert(trainers)
    .values({ ...fields, orgId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateTrainer(tx: Executor, orgId: string, id: string, fields: TrainerFields): Promise<void> {
  await tx
    .update(trainers)
    .set(fields)
    .where(and(eq(trainers.orgId, orgId), eq(trainers.id, id)));
}

export async function archiveTrainer(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx
    .update(trainers)
    .set({ archivedAt: new Date() })
    .where(and(eq(trainers.orgId, orgId), eq(trainers.id, id)));
}

const sessionColumns = {
  id: trainingSessions.id,
  orgId: trainingSessions.orgId,
  heldOn: trainingSessions.heldOn,
  level: trainingSessions.level,
  seats: trainingSessions.seats,
  trainerId: trainingSessions.trainerId,
  venue: trainingSessions.venue,
  cancelledAt: trainingSessions.cancelledAt,
  createdAt: trainingSessions.createdAt,
  trainerName: trainers.name,
};

/** Every session of the organisation, planned and cancelled, in date order. */
export async function sessionsOf(tx: Executor, orgId: string): Promise<SessionWithTrainer[]> {
  return tx
    .select(sessionColumns)
    .from(trainingSessions)
    .leftJoin(trainers, and(eq(trainers.id, trainingSessions.trainerId), eq(trainers.orgId, orgId)))
    .where(eq(trainingSessions.orgId, orgId))
    .orderBy(asc(trainingSessions.heldOn), asc(trainingSessions.createdAt));
}

/** Sessions not cancelled, held after `after` and on or before `onOrBefore`: the ones the forecast counts. */
export async function plannedSessionsBetween(
  tx: Executor,
  orgId: string,
  after: string,
  onOrBefore: string,
): Promise<SessionRow[]> {
  return tx
    .select()
    .from(trainingSessions)
    .where(
      and(
        eq(trainingSessions.orgId, orgId),
        isNull(trainingSessions.cancelledAt),
        gt(trainingSessions.heldOn, after),
        lte(trainingSessions.heldOn, onOrBefore),
      ),
    )
    .orderBy(asc(trainingSessions.heldOn));
}

/** A trainer's sessions from a date on that are not cancelled: what removing them, or narrowing their levels, would orphan. */
export async function upcomingSessionsOfTrainer(
  tx: Executor,
  orgId: string,
  trainerId: string,
  from: string,
): Promise<SessionRow[]> {
  return tx
    .select()
    .from(trainingSessions)
    .where(
      and(
        eq(trainingSessions.orgId, orgId),
        eq(trainingSessions.trainerId, trainerId),
        isNull(trainingSessions.cancelledAt),
        gte(trainingSessions.heldOn, from),
      ),
    )
    .orderBy(asc(trainingSessions.heldOn));
}

export async function sessionById(tx: Executor, orgId: string, id: string): Promise<SessionWithTrainer | undefined> {
  const [row] = await tx
    .select(sessionColumns)
    .from(trainingSessions)
    .leftJoin(trainers, and(eq(trainers.id, trainingSessions.trainerId), eq(trainers.orgId, orgId)))
    .where(and(eq(trainingSessions.orgId, orgId), eq(trainingSessions.id, id)));
  return row;
}

export async function insertSession(tx: Executor, orgId: string, fields: SessionFields): Promise<SessionRow> {
  const [row] = await tx
    .insert(trainingSessions)
    .values({ ...fields, orgId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateSession(tx: Executor, orgId: string, id: string, fields: SessionFields): Promise<void> {
  await tx
    .update(trainingSessions)
    .set(fields)
    .where(and(eq(trainingSessions.orgId, orgId), eq(trainingSessions.id, id)));
}

export async function cancelSession(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx
    .update(trainingSessions)
    .set({ cancelledAt: new Date() })
    .where(and(eq(trainingSessions.orgId, orgId), eq(trainingSessions.id, id)));
}

/** E-learning places a month per level; a level not set has none. */
export async function elearningPlaces(tx: Executor, orgId: string): Promise<Record<TrainingLevel, number>> {
  const rows = await tx.select().from(trainingElearningPlaces).where(eq(trainingElearningPlaces.orgId, orgId));
  const places: Record<TrainingLevel, number> = { basic: 0, level3: 0 };
  for (const row of rows) places[row.level] = row.placesPerMonth;
  return places;
}

export async function saveElearningPlaces(tx: Executor, orgId: string, level: TrainingLevel, placesPerMonth: number) {
  await tx
    .insert(trainingElearningPlaces)
    .values({ orgId, level, placesPerMonth })
    .onConflictDoUpdate({
      target: [trainingElearningPlaces.orgId, trainingElearningPlaces.level],
      set: { placesPerMonth, updatedAt: new Date() },
    });
}
