import { and, asc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.ts';
import { caseFollowUps, type FollowUpKind, referrals } from './schema.ts';

export type ReferralRow = typeof referrals.$inferSelect;
export type NewReferralRow = typeof referrals.$inferInsert;
export type FollowUpRow = typeof caseFollowUps.$inferSelect;

/* Case scope (withCase) must be open in the transaction: row-level security hides these tables otherwise. */

export async function insertReferral(tx: Tx, values: NewReferralRow): Promise<ReferralRow> {
  const [row] = await tx.insert(referrals).values(values).returning();
  if (!row) throw new Error('Referral not inserted');
  return row;
}

export async function referralsOf(tx: Tx, orgId: string, caseId: string): Promise<ReferralRow[]> {
  return tx
    .select()
    .from(referrals)
    .where(and(eq(referrals.orgId, orgId), eq(referrals.caseId, caseId)))
    .orderBy(asc(referrals.referredOn), asc(referrals.recordedAt));
}

export async function referralById(tx: Tx, orgId: string, caseId: string, id: string): Promise<ReferralRow | undefined> {
  const [row] = await tx
    .select()
    .from(referrals)
    .where(and(eq(referrals.orgId, orgId), eq(referrals.caseId, caseId), eq(referrals.id, id)));
  return row;
}

export type ReferralChanges = Partial<
  Pick<
    NewReferralRow,
    | 'policeReference'
    | 'pathway'
    | 'pathwayOn'
    | 'outcomeSealed'
    | 'feedbackReceivedOn'
    | 'feedbackSealed'
    | 'channelContributionSealed'
  >
>;

export async function updateReferral(tx: Tx, orgId: string, id: string, changes: ReferralChanges): Promise<void> {
  await tx
    .update(referrals)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(referrals.orgId, orgId), eq(referrals.id, id)));
}

export async function insertFollowUp(
  tx: Tx,
  values: { orgId: string; caseId: string; kind: FollowUpKind; dueOn: string },
): Promise<FollowUpRow> {
  const [row] = await tx.insert(caseFollowUps).values(values).returning();
  if (!row) throw new Error('Follow-up not inserted');
  return row;
}

export async function followUpsOf(tx: Tx, orgId: string, caseId: string): Promise<FollowUpRow[]> {
  return tx
    .select()
    .from(caseFollowUps)
    .where(and(eq(caseFollowUps.orgId, orgId), eq(caseFollowUps.caseId, caseId)))
    .orderBy(asc(caseFollowUps.dueOn), asc(caseFollowUps.kind));
}

export async function followUpById(tx: Tx, orgId: string, caseId: string, id: string): Promise<FollowUpRow | undefined> {
  const [row] = await tx
    .select()
    .from(caseFollowUps)
    .where(and(eq(caseFollowUps.orgId, orgId), eq(caseFollowUps.caseId, caseId), eq(caseFollowUps.id, id)));
  return row;
}

/** Follow-ups of a kind on the case due on or after a day: those that belong to a referral made that day or later. */
export async function followUpsOfKindSince(
  tx: Tx,
  orgId: string,
  caseId: string,
  kind: FollowUpKind,
  since: string,
): Promise<FollowUpRow[]> {
  return tx
    .select()
    .from(caseFollowUps)
    .where(
      and(
        eq(caseFollowUps.orgId, orgId),
        eq(caseFollowUps.caseId, caseId),
        eq(caseFollowUps.kind, kind),
        gte(caseFollowUps.dueOn, since),
      ),
    );
}

/** Marks done; false if it was done already (so two people pressing the button record it once). */
export async function markFollowUpDone(tx: Tx, orgId: string, id: string, userId: string, at: Date): Promise<boolean> {
  const done = await tx
    .update(caseFollowUps)
    .set({ doneAt: at, doneBy: userId })
    .where(and(eq(caseFollowUps.orgId, orgId), eq(caseFollowUps.id, id), isNull(caseFollowUps.doneAt)))
    .returning({ id: caseFollowUps.id });
  return done.length > 0;
}

export type DueFollowUp = {
  id: string;
  orgId: string;
  caseId: string;
  kind: FollowUpKind;
  dueOn: string;
};

/** Every organisation's follow-ups due by `today` and not done, for the daily reminder scan (run as the owner). */
export async function followUpsDue(db: Executor, today: string): Promise<DueFollowUp[]> {
  return db
    .select({
      id: caseFollowUps.id,
      orgId: caseFollowUps.orgId,
      caseId: caseFollowUps.caseId,
      kind: caseFollowUps.kind,
      dueOn: caseFollowUps.dueOn,
    })
    .from(caseFollowUps)
    .where(and(isNull(caseFollowUps.doneAt), lte(caseFollowUps.dueOn, today)))
    .orderBy(asc(caseFollowUps.dueOn));
}

/** One organisation's follow-ups due by `today` and not done (case scope open), earliest first. */
export async function followUpsDueIn(tx: Tx, orgId: string, today: string): Promise<DueFollowUp[]> {
  return tx
    .select({
      id: caseFollowUps.id,
      orgId: caseFollowUps.orgId,
      caseId: caseFollowUps.caseId,
      kind: caseFollowUps.kind,
      dueOn: caseFollowUps.dueOn,
    })
    .from(caseFollowUps)
    .where(and(eq(caseFollowUps.orgId, orgId), isNull(caseFollowUps.doneAt), lte(caseFollowUps.dueOn, today)))
    .orderBy(asc(caseFollowUps.dueOn));
}

export type ReferredCaseRow = { org_id: string; case_id: string; referrals: number; sharing_decided: boolean };

/**
 * The cases of the organisations in the transaction's scope referred in [from, before), by id only, and
 * whether a decision on sharing with police Prevent is recorded on each: a security-definer function, so
 * no case row is read and no case scope is needed.
 */
export async function referredCases(tx: Executor, from: string, before: string): Promise<ReferredCaseRow[]> {
  const result = await tx.execute(sql`select * from referred_cases(${from}::date, ${before}::date)`);
  return (result as unknown as { rows: ReferredCaseRow[] }).rows;
}
