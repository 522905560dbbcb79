import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { ctlpProgrammeItems, ctlpRecords, ctlpRisks, riskReviews, risks } from './schema.ts';

export type RiskRow = typeof risks.$inferSelect;
export type RiskFields = Omit<typeof risks.$inferInsert, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>;
export type ReviewRow = typeof riskReviews.$inferSelect;
export type ReviewFields = Omit<typeof riskReviews.$inferInsert, 'id' | 'orgId' | 'riskId' | 'createdAt'>;
export type CtlpRow = typeof ctlpRecords.$inferSelect;
export type CtlpFields = Pick<
  typeof ctlpRecords.$inferInsert,
  'briefingReceivedOn' | 'themes' | 'priorityArea' | 'programmeReferences'
>;

const currentScore = sql<number>`${risks.currentLikelihood} * ${risks.currentImpact}`;

/** The organisation's risks, highest current score first (then the most likely, then by title). */
export async function risksOf(tx: Executor, orgId: string): Promise<RiskRow[]> {
  return tx
    .select()
    .from(risks)
    .where(eq(risks.orgId, orgId))
    .orderBy(desc(currentScore), desc(risks.currentLikelihood), asc(risks.title), asc(risks.id));
}

/** Counts of risks by organisation, status and current score: what the commissioner's overview of its providers is worked out from. */
export type ScoreCount = { orgId: string; status: RiskRow['status']; score: number; count: number };

export async function scoreCountsOf(tx: Executor, orgIds: string[]): Promise<ScoreCount[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select({ orgId: risks.orgId, status: risks.status, score: currentScore, count: sql<number>`count(*)::int` })
    .from(risks)
    .where(inArray(risks.orgId, orgIds))
    .groupBy(risks.orgId, risks.status, currentScore);
}

/** Each of the organisation's risks with the day of its latest review on or before `day` (null if none). */
/** Each risk of the organisations, with its latest review on or before the day. */
export async function latestReviewsOf(
  tx: Executor,
  orgIds: readonly string[],
  day: string,
): Promise<{ orgId: string; status: RiskRow['status']; createdAt: Date; lastReviewedOn: string | null }[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select({
      orgId: risks.orgId,
      status: risks.status,
      createdAt: risks.createdAt,
      lastReviewedOn: sql<string | null>`max(${riskReviews.reviewedOn})::text`,
    })
    .from(risks)
    .leftJoin(riskReviews, and(eq(riskReviews.riskId, risks.id), lte(riskReviews.reviewedOn, day)))
    .where(inArray(risks.orgId, [...orgIds]))
    .groupBy(risks.id);
}

export async function riskById(tx: Executor, orgId: string, id: string): Promise<RiskRow | undefined> {
  const [row] = await tx
    .select()
    .from(risks)
    .where(and(eq(risks.id, id), eq(risks.orgId, orgId)));
  return row;
}

export async function insertRisk(tx: Executor, orgId: string, fields: RiskFields): Promise<RiskRow> {
  const [row] = await tx
    .insert(risks)
    .values({ ...fields, orgId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateRisk(tx: Executor, orgId: string, id: string, fields: Partial<RiskFields>): Promise<void> {
  await tx
    .update(risks)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(risks.id, id), eq(risks.orgId, orgId)));
}

export async function insertReview(tx: Executor, orgId: string, riskId: string, fields: ReviewFields): Promise<ReviewRow> {
  const [row] = await tx
    .insert(riskReviews)
    .values({ ...fields, orgId, riskId })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

/** A risk's reviews, the latest first. */
export async function reviewsOf(tx: Executor, orgId: string, riskId: string): Promise<ReviewRow[]> {
  return tx
    .select()
    .from(riskReviews)
    .where(and(eq(riskReviews.orgId, orgId), eq(riskReviews.riskId, riskId)))
    .orderBy(desc(riskReviews.reviewedOn), desc(riskReviews.createdAt));
}

// ---- CTLP ----

export async function ctlpRecordsOf(tx: Executor, orgId: string): Promise<CtlpRow[]> {
  return tx.select().from(ctlpRecords).where(eq(ctlpRecords.orgId, orgId)).orderBy(desc(ctlpRecords.year));
}

/** The CTLP records of several organisations, each organisation's latest year first. */
export async function ctlpRecordsOfOrgs(tx: Executor, orgIds: readonly string[]): Promise<CtlpRow[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select()
    .from(ctlpRecords)
    .where(inArray(ctlpRecords.orgId, [...orgIds]))
    .orderBy(asc(ctlpRecords.orgId), desc(ctlpRecords.year));
}

export async function ctlpByYear(tx: Executor, orgId: string, year: number): Promise<CtlpRow | undefined> {
  const [row] = await tx
    .select()
    .from(ctlpRecords)
    .where(and(eq(ctlpRecords.orgId, orgId), eq(ctlpRecords.year, year)));
  return row;
}

export async function upsertCtlp(tx: Executor, orgId: string, year: number, fields: CtlpFields): Promise<CtlpRow> {
  const [row] = await tx
    .insert(ctlpRecords)
    .values({ ...fields, orgId, year })
    .onConflictDoUpdate({ target: [ctlpRecords.orgId, ctlpRecords.year], set: { ...fields, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error('upsert returned nothing');
  return row;
}

export async function signOffCtlp(
  tx: Executor,
  orgId: string,
  id: string,
  fields: { reviewedOn: string; signedOffByUserId: string; signedOffByName: string; signedOffOn: string },
): Promise<void> {
  await tx
    .update(ctlpRecords)
    .set({ ...fields, updatedAt: new Date() })
    .where(and(eq(ctlpRecords.id, id), eq(ctlpRecords.orgId, orgId)));
}

export async function linkedRiskIds(
  tx: Executor,
  orgId: string,
  ctlpIds: string[],
): Promise<{ ctlpId: string; riskId: string }[]> {
  if (ctlpIds.length === 0) return [];
  return tx
    .select({ ctlpId: ctlpRisks.ctlpId, riskId: ctlpRisks.riskId })
    .from(ctlpRisks)
    .where(and(eq(ctlpRisks.orgId, orgId), inArray(ctlpRisks.ctlpId, ctlpIds)));
}

export async function setLinkedRisks(tx: Executor, orgId: string, ctlpId: string, riskIds: string[]): Promise<void> {
  await tx.delete(ctlpRisks).where(and(eq(ctlpRisks.orgId, orgId), eq(ctlpRisks.ctlpId, ctlpId)));
  if (riskIds.length) await tx.insert(ctlpRisks).values(riskIds.map((riskId) => ({ orgId, ctlpId, riskId })));
}

export async function linkedItemIds(
  tx: Executor,
  orgId: string,
  ctlpIds: string[],
): Promise<{ ctlpId: string; itemId: string }[]> {
  if (ctlpIds.length === 0) return [];
  return tx
    .select({ ctlpId: ctlpProgrammeItems.ctlpId, itemId: ctlpProgrammeItems.itemId })
    .from(ctlpProgrammeItems)
    .where(and(eq(ctlpProgrammeItems.orgId, orgId), inArray(ctlpProgrammeItems.ctlpId, ctlpIds)));
}

export async function setLinkedItems(tx: Executor, orgId: string, ctlpId: string, itemIds: string[]): Promise<void> {
  await tx.delete(ctlpProgrammeItems).where(and(eq(ctlpProgrammeItems.orgId, orgId), eq(ctlpProgrammeItems.ctlpId, ctlpId)));
  if (itemIds.length) await tx.insert(ctlpProgrammeItems).values(itemIds.map((itemId) => ({ orgId, ctlpId, itemId })));
}

/** Every organisation's CTLP records, for the daily reminder scan (not a request: no tenant scope). */
export async function allCtlpRecords(db: Executor): Promise<CtlpRow[]> {
  return db.select().from(ctlpRecords).orderBy(asc(ctlpRecords.orgId), asc(ctlpRecords.year));
}
