import { and, asc, desc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { policies, policyChecklistEntries, policyLinks, policyVersions } from './schema.ts';

export type PolicyRow = typeof policies.$inferSelect;
export type VersionWithDocument = typeof policyVersions.$inferSelect;
/** A version without its document: pages list versions often and the bytes only on download. */
export type VersionRow = Omit<VersionWithDocument, 'document'>;
export type ChecklistRow = typeof policyChecklistEntries.$inferSelect;
export type LinkRow = typeof policyLinks.$inferSelect;

const versionColumns = {
  id: policyVersions.id,
  orgId: policyVersions.orgId,
  policyId: policyVersions.policyId,
  version: policyVersions.version,
  approvedOn: policyVersions.approvedOn,
  approver: policyVersions.approver,
  nextReviewOn: policyVersions.nextReviewOn,
  documentName: policyVersions.documentName,
  documentType: policyVersions.documentType,
  documentSize: policyVersions.documentSize,
  documentSha256: policyVersions.documentSha256,
  recordedBy: policyVersions.recordedBy,
  recordedAt: policyVersions.recordedAt,
  supersededAt: policyVersions.supersededAt,
};

export async function policiesOf(tx: Executor, orgId: string): Promise<PolicyRow[]> {
  return tx.select().from(policies).where(eq(policies.orgId, orgId)).orderBy(asc(policies.title), asc(policies.createdAt));
}

export async function policyById(tx: Executor, id: string): Promise<PolicyRow | undefined> {
  const [row] = await tx.select().from(policies).where(eq(policies.id, id));
  return row;
}

/** The policy row, locked: versions of one policy are recorded one at a time, so only one is ever current. */
export async function lockPolicy(tx: Executor, orgId: string, id: string): Promise<PolicyRow | undefined> {
  const [row] = await tx
    .select()
    .from(policies)
    .where(and(eq(policies.id, id), eq(policies.orgId, orgId)))
    .for('update');
  return row;
}

export async function insertPolicy(tx: Executor, row: typeof policies.$inferInsert): Promise<PolicyRow> {
  const [created] = await tx.insert(policies).values(row).returning();
  if (!created) throw new Error('insert returned nothing');
  return created;
}

/** Every version of a policy, newest first. */
export async function versionsOf(tx: Executor, policyId: string): Promise<VersionRow[]> {
  return tx
    .select(versionColumns)
    .from(policyVersions)
    .where(eq(policyVersions.policyId, policyId))
    .orderBy(desc(policyVersions.recordedAt));
}

/** The current (not superseded) version of each policy given. */
export async function currentVersionsOf(tx: Executor, policyIds: readonly string[]): Promise<VersionRow[]> {
  if (policyIds.length === 0) return [];
  return tx
    .select(versionColumns)
    .from(policyVersions)
    .where(and(inArray(policyVersions.policyId, [...policyIds]), isNull(policyVersions.supersededAt)));
}

export async function versionWithDocument(
  tx: Executor,
  policyId: string,
  versionId: string,
): Promise<VersionWithDocument | undefined> {
  const [row] = await tx
    .select()
    .from(policyVersions)
    .where(and(eq(policyVersions.id, versionId), eq(policyVersions.policyId, policyId)));
  return row;
}

export async function insertVersion(tx: Executor, row: typeof policyVersions.$inferInsert): Promise<VersionRow> {
  const [created] = await tx.insert(policyVersions).values(row).returning(versionColumns);
  if (!created) throw new Error('insert returned nothing');
  return created;
}

export async function supersede(tx: Executor, orgId: string, versionId: string, at: Date): Promise<void> {
  await tx
    .update(policyVersions)
    .set({ supersededAt: at })
    .where(and(eq(policyVersions.id, versionId), eq(policyVersions.orgId, orgId), isNull(policyVersions.supersededAt)));
}

export async function checklistOf(tx: Executor, versionIds: readonly string[]): Promise<ChecklistRow[]> {
  if (versionIds.length === 0) return [];
  return tx
    .select()
    .from(policyChecklistEntries)
    .where(inArray(policyChecklistEntries.versionId, [...versionIds]));
}

export async function insertChecklist(tx: Executor, rows: (typeof policyChecklistEntries.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await tx.insert(policyChecklistEntries).values(rows);
}

/** Links in either direction: a link is one row, shown on both policies. */
export async function linksOf(tx: Executor, policyId: string): Promise<LinkRow[]> {
  return tx
    .select()
    .from(policyLinks)
    .where(or(eq(policyLinks.policyId, policyId), eq(policyLinks.linkedPolicyId, policyId)));
}

export async function linkBetween(tx: Executor, a: string, b: string): Promise<LinkRow | undefined> {
  const [row] = await tx
    .select()
    .from(policyLinks)
    .where(
      or(
        and(eq(policyLinks.policyId, a), eq(policyLinks.linkedPolicyId, b)),
        and(eq(policyLinks.policyId, b), eq(policyLinks.linkedPolicyId, a)),
      ),
    );
  return row;
}

export async function insertLink(tx: Executor, row: typeof policyLinks.$inferInsert): Promise<void> {
  await tx.insert(policyLinks).values(row);
}

export async function deleteLink(tx: Executor, orgId: string, a: string, b: string): Promise<number> {
  const removed = await tx
    .delete(policyLinks)
    .where(
      and(
        eq(policyLinks.orgId, orgId),
        or(
          and(eq(policyLinks.policyId, a), eq(policyLinks.linkedPolicyId, b)),
          and(eq(policyLinks.policyId, b), eq(policyLinks.linkedPolicyId, a)),
        ),
      ),
    )
    .returning({ policyId: policyLinks.policyId });
  return removed.length;
}

export type CurrentVersionSummary = {
  orgId: string;
  policyId: string;
  title: string;
  kind: PolicyRow['kind'];
  versionId: string;
  version: string;
  nextReviewOn: string;
};

const currentSummaryColumns = {
  orgId: policies.orgId,
  policyId: policies.id,
  title: policies.title,
  kind: policies.kind,
  versionId: policyVersions.id,
  version: policyVersions.version,
  nextReviewOn: policyVersions.nextReviewOn,
};

/** The organisations' policies with their current versions. */
export async function currentSummariesOf(tx: Executor, orgIds: readonly string[]): Promise<CurrentVersionSummary[]> {
  if (orgIds.length === 0) return [];
  return tx
    .select(currentSummaryColumns)
    .from(policies)
    .innerJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), isNull(policyVersions.supersededAt)))
    .where(inArray(policies.orgId, [...orgIds]))
    .orderBy(asc(policies.title));
}

/** Current versions, in every organisation, whose next review is on or before `until`. */
export async function currentReviewsDueBy(tx: Executor, until: string): Promise<CurrentVersionSummary[]> {
  return tx
    .select(currentSummaryColumns)
    .from(policies)
    .innerJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), isNull(policyVersions.supersededAt)))
    .where(lte(policyVersions.nextReviewOn, until))
    .orderBy(asc(policyVersions.nextReviewOn), asc(policies.title));
}
