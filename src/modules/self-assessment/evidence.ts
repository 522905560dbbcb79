import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { refuseIdentifyingText } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as organisations from '../organisations/service.ts';
import { checkDocument, maxDocumentBytes, type UploadedFile } from '../policies/service.ts';
import * as repository from './repository.ts';
import { isFrozen, isOwnPath } from './results.ts';
import { applicableRequirements } from './service.ts';

export { maxDocumentBytes, type UploadedFile };

/* Evidence for a requirement: links to records in the service, and uploaded files checked as policy documents are. */

const linkFields = z.object({
  title: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Enter what the record is, like “Prevent policy, version 3”' })
      .max(200, 'The title must be 200 characters or fewer'),
  ),
  href: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Enter the address of the record in Prevent Assure, like /policies/…' })
      .max(500, 'The address must be 500 characters or fewer')
      .refine(isOwnPath, 'Enter the address of a record in Prevent Assure: it starts with “/”, like /policies/…'),
  ),
});

const fileFields = z.object({
  fileTitle: z.preprocess(blankToUndefined, z.string().max(200, 'The title must be 200 characters or fewer').optional()),
});

/** A draft of the organisation's own and one of its requirements, to add evidence to. */
async function draftRequirement(db: Db, ctx: RequestContext, id: string, requirementId: string) {
  if (!ctx.can('assessment:edit')) throw new ForbiddenError('Only the Prevent leads change the self-assessment');
  const row = await withScope(db, ctx.scope, (tx) => repository.assessmentById(tx, id));
  if (!row || row.orgId !== ctx.user.activeOrg.id) throw new NotFoundError('self-assessment');
  if (!applicableRequirements(row.edition, ctx.user.activeOrg.kind).some((r) => r.id === requirementId))
    throw new NotFoundError('requirement');
  if (isFrozen(row.status)) throw new InputError({ form: 'This version is signed off: start a new version to add evidence' });
  return row;
}

export async function addLink(db: Db, ctx: RequestContext, id: string, requirementId: string, input: unknown): Promise<void> {
  const row = await draftRequirement(db, ctx, id, requirementId);
  const f = parseInput(linkFields, input);
  refuseIdentifyingText({ title: { label: 'The title', text: f.title } });
  await withScope(db, ctx.scope, async (tx) => {
    const evidenceId = await repository.insertEvidence(tx, row.orgId, id, {
      requirementId,
      kind: 'link',
      title: f.title,
      href: f.href,
      addedByName: ctx.user.displayName,
    });
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.evidence_added',
      recordType: 'self_assessment_evidence',
      recordId: evidenceId,
      details: { assessment: id, requirement: requirementId, kind: 'link', href: f.href },
    });
  });
}

/** An uploaded file: a PDF or Word document (judged by its content), within the size limit policy documents have. */
export async function addFile(
  db: Db,
  ctx: RequestContext,
  id: string,
  requirementId: string,
  input: unknown,
  file: UploadedFile | undefined,
): Promise<void> {
  const row = await draftRequirement(db, ctx, id, requirementId);
  const f = parseInput(fileFields, input);
  const document = await checkDocument(file, 'Choose the evidence file: a PDF or Word document');
  if (typeof document === 'string') throw new InputError({ document });
  // Without a title of its own, the file's name is its title, and goes to the commissioner with it.
  refuseIdentifyingText(
    f.fileTitle
      ? { fileTitle: { label: 'The title', text: f.fileTitle } }
      : { document: { label: 'The file’s name (its title, unless you give one)', text: document.name } },
  );
  await withScope(db, ctx.scope, async (tx) => {
    const evidenceId = await repository.insertEvidence(tx, row.orgId, id, {
      requirementId,
      kind: 'file',
      title: f.fileTitle ?? document.name,
      fileName: document.name,
      fileType: document.contentType,
      fileSize: document.size,
      fileSha256: document.sha256,
      file: document.bytes,
      addedByName: ctx.user.displayName,
    });
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.evidence_added',
      recordType: 'self_assessment_evidence',
      recordId: evidenceId,
      details: { assessment: id, requirement: requirementId, kind: 'file', sha256: document.sha256, size: document.size },
    });
  });
}

/** Removes evidence from a draft; a signed-off version keeps its evidence. Returns the requirement it was for. */
export async function removeEvidence(db: Db, ctx: RequestContext, id: string, evidenceId: string): Promise<string> {
  if (!ctx.can('assessment:edit')) throw new ForbiddenError('Only the Prevent leads change the self-assessment');
  return withScope(db, ctx.scope, async (tx) => {
    const row = await repository.assessmentById(tx, id);
    if (!row || row.orgId !== ctx.user.activeOrg.id) throw new NotFoundError('self-assessment');
    const found = await repository.evidenceWithFile(tx, id, evidenceId);
    if (!found) throw new NotFoundError('evidence');
    if (isFrozen(row.status)) throw new InputError({ form: 'This version is signed off: its evidence stays as it is' });
    await repository.deleteEvidence(tx, id, evidenceId);
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.evidence_removed',
      recordType: 'self_assessment_evidence',
      recordId: evidenceId,
      details: { assessment: id, requirement: found.requirementId, kind: found.kind },
    });
    return found.requirementId;
  });
}

/**
 * An evidence file, for the organisation's own people or its commissioning ICB once the version was
 * submitted (row-level security lets nobody else read it); the download is audited.
 */
export async function downloadEvidence(db: Db, ctx: RequestContext, id: string, evidenceId: string) {
  const row = await withScope(db, ctx.scope, (tx) => repository.assessmentById(tx, id));
  if (!row) throw new NotFoundError('self-assessment');
  const allowed =
    row.orgId === ctx.user.activeOrg.id
      ? ctx.can('assessment:read')
      : ctx.can('assessment:review') && !!row.submittedAt && (await commissions(db, ctx, row.orgId));
  if (!allowed) throw new NotFoundError('self-assessment');
  return withScope(db, ctx.scope, async (tx) => {
    const found = await repository.evidenceWithFile(tx, id, evidenceId);
    if (found?.kind !== 'file' || !found.file) throw new NotFoundError('evidence');
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.evidence_downloaded',
      recordType: 'self_assessment_evidence',
      recordId: evidenceId,
      details: { assessment: id, sha256: found.fileSha256, byOrganisation: ctx.user.activeOrg.odsCode },
    });
    return { name: found.fileName ?? 'evidence', contentType: found.fileType ?? 'application/octet-stream', bytes: found.file };
  });
}

/** Whether the active organisation is the commissioning ICB of `orgId`. */
async function commissions(db: Db, ctx: RequestContext, orgId: string): Promise<boolean> {
  const org = await organisations.findById(db, orgId);
  return !!org && org.commissionerId === ctx.user.activeOrg.id;
}
