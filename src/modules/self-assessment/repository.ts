import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, lt, ne } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import {
  type AssessmentStatus,
  selfAssessmentActions,
  selfAssessmentAnswers,
  selfAssessmentComments,
  selfAssessmentEvents,
  selfAssessmentEvidence,
  selfAssessments,
} from './schema.ts';

export type AssessmentRow = typeof selfAssessments.$inferSelect;
export type AnswerRow = typeof selfAssessmentAnswers.$inferSelect;
export type AnswerFields = Omit<typeof selfAssessmentAnswers.$inferInsert, 'id' | 'orgId' | 'assessmentId' | 'requirementId'>;
export type EvidenceRow = Omit<typeof selfAssessmentEvidence.$inferSelect, 'file'>;
export type EvidenceFields = Omit<typeof selfAssessmentEvidence.$inferInsert, 'id' | 'orgId' | 'assessmentId' | 'createdAt'>;
export type ActionRow = typeof selfAssessmentActions.$inferSelect;
export type EventRow = typeof selfAssessmentEvents.$inferSelect;
export type CommentRow = typeof selfAssessmentComments.$inferSelect;

// ---- versions ----

/** An organisation's versions of a year's assessment, the latest first. */
export async function versionsOf(tx: Executor, orgId: string, year: number): Promise<AssessmentRow[]> {
  return tx
    .select()
    .from(selfAssessments)
    .where(and(eq(selfAssessments.orgId, orgId), eq(selfAssessments.year, year)))
    .orderBy(desc(selfAssessments.version));
}

/** Every version of every year an organisation has, the latest year and version first. */
export async function allVersionsOf(tx: Executor, orgId: string): Promise<AssessmentRow[]> {
  return tx
    .select()
    .from(selfAssessments)
    .where(eq(selfAssessments.orgId, orgId))
    .orderBy(desc(selfAssessments.year), desc(selfAssessments.version));
}

export async function assessmentById(tx: Executor, id: string): Promise<AssessmentRow | undefined> {
  const [row] = await tx.select().from(selfAssessments).where(eq(selfAssessments.id, id));
  return row;
}

export async function insertAssessment(
  tx: Executor,
  fields: { orgId: string; year: number; version: number; edition: string; narrative: string | null },
): Promise<AssessmentRow> {
  const [row] = await tx.insert(selfAssessments).values(fields).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateAssessment(
  tx: Executor,
  id: string,
  fields: Partial<
    Pick<AssessmentRow, 'status' | 'narrative' | 'signedOffByUserId' | 'signedOffByName' | 'signedOffAt' | 'submittedAt'>
  >,
): Promise<void> {
  await tx
    .update(selfAssessments)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(selfAssessments.id, id));
}

/** Moves a version from one status to another; false if it was not in `from` (someone else moved it first). */
export async function moveStatus(
  tx: Executor,
  id: string,
  from: AssessmentStatus,
  fields: Partial<Pick<AssessmentRow, 'status' | 'submittedAt'>> & { status: AssessmentStatus },
): Promise<boolean> {
  const rows = await tx
    .update(selfAssessments)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(selfAssessments.id, id), eq(selfAssessments.status, from)))
    .returning({ id: selfAssessments.id });
  return rows.length === 1;
}

/** Versions of the given organisations that have been submitted at least once, the latest first. */
export async function submittedVersionsOf(tx: Executor, orgIds: string[]): Promise<AssessmentRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select()
    .from(selfAssessments)
    .where(and(inArray(selfAssessments.orgId, orgIds), isNotNull(selfAssessments.submittedAt)))
    .orderBy(desc(selfAssessments.year), desc(selfAssessments.version));
}

// ---- answers ----

export async function answersOf(tx: Executor, assessmentId: string): Promise<AnswerRow[]> {
  return tx.select().from(selfAssessmentAnswers).where(eq(selfAssessmentAnswers.assessmentId, assessmentId));
}

export async function saveAnswer(
  tx: Executor,
  orgId: string,
  assessmentId: string,
  requirementId: string,
  fields: AnswerFields,
): Promise<void> {
  await tx
    .insert(selfAssessmentAnswers)
    .values({ ...fields, orgId, assessmentId, requirementId })
    .onConflictDoUpdate({
      target: [selfAssessmentAnswers.assessmentId, selfAssessmentAnswers.requirementId],
      set: { ...fields, updatedAt: new Date() },
    });
}

// ---- evidence ----

const { file: _file, ...evidenceColumns } = getTableColumns(selfAssessmentEvidence);

export async function evidenceOf(tx: Executor, assessmentId: string): Promise<EvidenceRow[]> {
  return tx
    .select(evidenceColumns)
    .from(selfAssessmentEvidence)
    .where(eq(selfAssessmentEvidence.assessmentId, assessmentId))
    .orderBy(asc(selfAssessmentEvidence.createdAt), asc(selfAssessmentEvidence.id));
}

export async function evidenceWithFile(
  tx: Executor,
  assessmentId: string,
  id: string,
): Promise<(EvidenceRow & { file: Buffer | null }) | undefined> {
  const [row] = await tx
    .select()
    .from(selfAssessmentEvidence)
    .where(and(eq(selfAssessmentEvidence.id, id), eq(selfAssessmentEvidence.assessmentId, assessmentId)));
  return row;
}

export async function insertEvidence(tx: Executor, orgId: string, assessmentId: string, fields: EvidenceFields): Promise<string> {
  const [row] = await tx
    .insert(selfAssessmentEvidence)
    .values({ ...fields, orgId, assessmentId })
    .returning({ id: selfAssessmentEvidence.id });
  if (!row) throw new Error('insert returned nothing');
  return row.id;
}

export async function deleteEvidence(tx: Executor, assessmentId: string, id: string): Promise<void> {
  await tx
    .delete(selfAssessmentEvidence)
    .where(and(eq(selfAssessmentEvidence.id, id), eq(selfAssessmentEvidence.assessmentId, assessmentId)));
}

/** Copies a version's answers (a person's part only: the computed results are the new version's own) and evidence to another. */
export async function copyVersion(tx: Executor, orgId: string, fromId: string, toId: string): Promise<void> {
  const answers = await answersOf(tx, fromId);
  if (answers.length) {
    await tx.insert(selfAssessmentAnswers).values(
      answers.map((a) => ({
        orgId,
        assessmentId: toId,
        requirementId: a.requirementId,
        result: a.result,
        reason: a.reason,
        note: a.note,
        overrideResult: a.overrideResult,
        overrideReason: a.overrideReason,
        answeredByName: a.answeredByName,
      })),
    );
  }
  const evidence = await tx.select().from(selfAssessmentEvidence).where(eq(selfAssessmentEvidence.assessmentId, fromId));
  if (evidence.length) {
    await tx
      .insert(selfAssessmentEvidence)
      .values(evidence.map(({ id: _id, createdAt: _at, ...e }) => ({ ...e, orgId, assessmentId: toId })));
  }
}

// ---- actions ----

export async function actionsOf(tx: Executor, orgId: string, year: number): Promise<ActionRow[]> {
  return tx
    .select()
    .from(selfAssessmentActions)
    .where(and(eq(selfAssessmentActions.orgId, orgId), eq(selfAssessmentActions.year, year)))
    .orderBy(asc(selfAssessmentActions.dueOn), asc(selfAssessmentActions.createdAt));
}

export async function actionById(tx: Executor, orgId: string, id: string): Promise<ActionRow | undefined> {
  const [row] = await tx
    .select()
    .from(selfAssessmentActions)
    .where(and(eq(selfAssessmentActions.id, id), eq(selfAssessmentActions.orgId, orgId)));
  return row;
}

export async function insertAction(
  tx: Executor,
  fields: Pick<ActionRow, 'orgId' | 'year' | 'requirementId' | 'description' | 'owner' | 'dueOn'>,
): Promise<ActionRow> {
  const [row] = await tx.insert(selfAssessmentActions).values(fields).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateActionStatus(tx: Executor, orgId: string, id: string, status: ActionRow['status']): Promise<void> {
  await tx
    .update(selfAssessmentActions)
    .set({ status, updatedAt: new Date() })
    .where(and(eq(selfAssessmentActions.id, id), eq(selfAssessmentActions.orgId, orgId)));
}

/** Every organisation's actions not done and due before `today`, for the reminder scan (no tenant scope). */
export async function overdueActions(db: Executor, today: string): Promise<ActionRow[]> {
  return db
    .select()
    .from(selfAssessmentActions)
    .where(and(ne(selfAssessmentActions.status, 'done'), lt(selfAssessmentActions.dueOn, today)))
    .orderBy(asc(selfAssessmentActions.orgId), asc(selfAssessmentActions.dueOn));
}

// ---- submissions ----

export async function insertEvent(
  tx: Executor,
  fields: Omit<typeof selfAssessmentEvents.$inferInsert, 'id' | 'at'>,
): Promise<EventRow> {
  const [row] = await tx.insert(selfAssessmentEvents).values(fields).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function insertComments(
  tx: Executor,
  rows: { orgId: string; commissionerId: string; eventId: string; requirementId: string; comment: string }[],
): Promise<void> {
  if (rows.length) await tx.insert(selfAssessmentComments).values(rows);
}

/** A provider's history for a year (or every year), the earliest first. */
export async function eventsOf(tx: Executor, orgId: string, year?: number): Promise<EventRow[]> {
  return tx
    .select()
    .from(selfAssessmentEvents)
    .where(
      year === undefined
        ? eq(selfAssessmentEvents.orgId, orgId)
        : and(eq(selfAssessmentEvents.orgId, orgId), eq(selfAssessmentEvents.year, year)),
    )
    .orderBy(asc(selfAssessmentEvents.at), asc(selfAssessmentEvents.id));
}

export async function eventById(tx: Executor, id: string): Promise<EventRow | undefined> {
  const [row] = await tx.select().from(selfAssessmentEvents).where(eq(selfAssessmentEvents.id, id));
  return row;
}

export async function commentsOf(tx: Executor, eventIds: string[]): Promise<CommentRow[]> {
  if (eventIds.length === 0) return [];
  return tx.select().from(selfAssessmentComments).where(inArray(selfAssessmentComments.eventId, eventIds));
}
