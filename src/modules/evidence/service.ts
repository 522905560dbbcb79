/**
 * The CQC evidence: the pages an inspector reads, the pack to hand over, and time-limited access for a named
 * inspector. Every page viewed and every pack taken is in the organisation's audit trail.
 */
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as policies from '../policies/service.ts';
import * as users from '../users/service.ts';
import {
  type Evidence,
  type EvidenceOrganisation,
  evidenceOf,
  evidencePageOf,
  type PageSlug,
  packZip,
  pageSlugs,
  pageTitles,
} from './pack.ts';

export { type Evidence, type PageSlug, pageSlugs, pageTitles };

async function recordView(
  db: Db,
  actor: Actor,
  orgId: string,
  action: string,
  details: Record<string, string | number | boolean | null>,
) {
  await withScope(db, { userId: actor.userId, orgIds: [orgId] }, (tx) =>
    audit.record(tx, actor, { orgId, action, recordType: 'evidence', details }),
  );
}

/** The pack as a zip, recorded in the organisation's audit trail. */
export async function packFor(db: Db, actor: Actor, org: EvidenceOrganisation): Promise<{ zip: Buffer; contents: string }> {
  const evidence = await evidenceOf(db, org);
  const zip = await packZip(db, evidence);
  await recordView(db, actor, org.id, 'evidence.pack.taken', { policies: evidence.policyFiles.length });
  const contents = `${pageSlugs.length} pages, ${evidence.policyFiles.length} policy documents${evidence.boardReport ? ', the board report' : ''}`;
  return { zip, contents };
}

const ownOrg = (ctx: RequestContext): EvidenceOrganisation => ctx.user.activeOrg;

/** The index: what the evidence holds. Viewing it is recorded. */
export async function evidenceIndex(db: Db, ctx: RequestContext): Promise<{ org: EvidenceOrganisation }> {
  await recordView(db, ctx.actor, ctx.user.activeOrg.id, 'evidence.viewed', { page: 'index' });
  return { org: ownOrg(ctx) };
}

export function isPageSlug(value: string): value is PageSlug {
  return (pageSlugs as readonly string[]).includes(value);
}

/** One page of the evidence; viewing it is recorded. */
export async function evidencePage(db: Db, ctx: RequestContext, slug: string) {
  if (!isPageSlug(slug)) throw new NotFoundError();
  const built = await evidencePageOf(db, ownOrg(ctx), slug);
  await recordView(db, ctx.actor, ctx.user.activeOrg.id, 'evidence.viewed', { page: slug });
  return { slug, document: built.document, policyFiles: built.policyFiles ?? [] };
}

/** A policy document the evidence lists (a current version of the organisation's own); anything else is not found. */
export async function policyDocument(db: Db, ctx: RequestContext, policyId: string, versionId: string) {
  const { policyFiles = [] } = await evidencePageOf(db, ownOrg(ctx), 'policies');
  const file = policyFiles.find((f) => f.policyId === policyId && f.versionId === versionId);
  if (!file) throw new NotFoundError();
  const document = await withScope(db, { userId: null, orgIds: [ctx.user.activeOrg.id] }, (tx) =>
    policies.documentIn(tx, policyId, versionId),
  );
  await recordView(db, ctx.actor, ctx.user.activeOrg.id, 'evidence.viewed', { page: 'policy-document', title: file.title });
  return document;
}

// ---- inspector access ----

export const inspectorRole = 'cqc_inspector' as const;
/** The longest an inspector's access may run, in days (the database holds it to this too). */
export const maxInspectorDays = 30;

const grantFields = z.object({
  displayName: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the inspector’s full name' }).max(120, 'The name must be 120 characters or fewer'),
  ),
  email: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z.email({ error: 'Enter the inspector’s e-mail address, like name@cqc.org.uk' }).max(254),
  ),
  days: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `Enter for how many days, a whole number from 1 to ${maxInspectorDays}` })
      .int(`Enter for how many days, a whole number from 1 to ${maxInspectorDays}`)
      .min(1, `Enter for how many days, a whole number from 1 to ${maxInspectorDays}`)
      .max(maxInspectorDays, `Access is for ${maxInspectorDays} days at most`),
  ),
});

export type InspectorGrant = users.TimeLimitedGrant & { state: 'running' | 'ended early' | 'ended' };
export type EvidenceView = { at: Date; who: string; page: string };

/** Who was given access, until when, and every evidence page viewed with it. */
export async function inspectorsPage(db: Db, ctx: RequestContext, now = new Date()) {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const grants = (await users.timeLimitedGrantsOf(tx, orgId, inspectorRole)).map(
      (g): InspectorGrant => ({
        ...g,
        state: g.revokedAt ? 'ended early' : g.expiresAt && g.expiresAt > now ? 'running' : 'ended',
      }),
    );
    const inspectors = new Set(grants.map((g) => g.userId));
    const views: EvidenceView[] = [];
    for (const action of ['evidence.viewed', 'evidence.pack.taken']) {
      for (const row of await audit.search(tx, { orgId, action }, 1000, 0)) {
        if (!row.actorUserId || !inspectors.has(row.actorUserId)) continue;
        const details = (row.details ?? {}) as Record<string, unknown>;
        const page = action === 'evidence.pack.taken' ? 'the evidence pack (zip)' : pageName(details);
        views.push({ at: row.occurredAt, who: row.actorLabel, page });
      }
    }
    views.sort((a, b) => b.at.getTime() - a.at.getTime());
    return { grants, views, canGrant: ctx.can('evidence:grant') };
  });
}

function pageName(details: Record<string, unknown>): string {
  const page = String(details.page ?? '');
  if (page === 'index') return 'The evidence index';
  if (page === 'policy-document') return `Policy document: ${String(details.title ?? '')}`;
  return isPageSlug(page) ? pageTitles[page] : page;
}

/** The accountable lead gives a named inspector read-only access to the evidence for 1 to 30 days. */
export async function grantInspector(db: Db, ctx: RequestContext, input: unknown, now = new Date()) {
  if (!ctx.can('evidence:grant')) throw new ForbiddenError('Only the accountable Prevent lead gives an inspector access');
  const fields = parseInput(grantFields, input);
  const expiresAt = new Date(now.getTime() + fields.days * 86_400_000);
  return withScope(db, ctx.scope, async (tx) => {
    const given = await users.grantUntil(tx, ctx, fields, inspectorRole, expiresAt);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'evidence.inspector.granted',
      recordType: 'role_grant',
      recordId: given.grant.id,
      details: { email: fields.email, until: expiresAt.toISOString() },
    });
    return { ...given, expiresAt, email: fields.email };
  });
}

/** Ends an inspector's access before its end. */
export async function endInspector(db: Db, ctx: RequestContext, grantId: string): Promise<void> {
  if (!ctx.can('evidence:grant')) throw new ForbiddenError('Only the accountable Prevent lead ends an inspector’s access');
  if (!z.uuid().safeParse(grantId).success) throw new NotFoundError();
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await users.endGrantEarly(tx, ctx, grantId, inspectorRole))) throw new NotFoundError();
  });
}
