import { z } from 'zod';
import type { Db, Executor } from '../../db/client.ts';
import { type Scope, withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined } from '../../platform/validation.ts';
import type { Actor } from '../audit/service.ts';
import * as audit from '../audit/service.ts';
import type { OrganisationKind } from '../organisations/service.ts';
import * as organisations from '../organisations/service.ts';
import { type ChecklistItem, missingContents, requiredContentsFor } from './contents.ts';
import { documentFormats, formatOf, maxDocumentBytes, sha256Of, storedNameFor } from './documents.ts';
import * as repository from './repository.ts';
import { type ReviewState, reviewStateOf } from './reviews.ts';
import { type PolicyKind, policyKinds } from './schema.ts';

// The routes, the providers module and the tests take all of policies through this service.
export { type ChecklistItem, missingContents, requiredContentsFor } from './contents.ts';
/** How a stored document is offered for download (the self-assessment's evidence files use it too). */
export { attachmentHeader } from './documents.ts';
export {
  type FrameworkStanding,
  frameworkStandingOf,
  type PolicyStatus,
  policyStatus,
  type ReviewReminder,
  type ReviewState,
  type ReviewToDo,
  reviewReminders,
  reviewStateOf,
  reviewsToDo,
  reviewWarningDays,
} from './reviews.ts';
export { maxDocumentBytes, type PolicyKind, policyKinds };
export type Policy = repository.PolicyRow;
export type PolicyVersion = repository.VersionRow;

export const kindNames: Record<PolicyKind, string> = {
  prevent_framework: 'Prevent framework or policy',
  hr: 'Human resources (HR)',
  estates: 'Estates',
  safeguarding: 'Safeguarding',
  it_acceptable_use: 'IT acceptable use',
  room_hire: 'Room hire by external organisations',
  notice_boards: 'Notice boards',
  leaflets: 'Leaflets and other materials',
  information_governance: 'Information governance',
  other: 'Other',
};

/** Who records a change: a person acting for their organisation, or the demo loader. */
export type PolicyAuthor = { actor: Actor; userId: string | null; orgId: string; orgKind: OrganisationKind };

function authorOf(ctx: RequestContext): PolicyAuthor {
  return { actor: ctx.actor, userId: ctx.user.id, orgId: ctx.user.activeOrg.id, orgKind: ctx.user.activeOrg.kind };
}

const scopeOf = (author: PolicyAuthor): Scope => ({ userId: author.userId, orgIds: [author.orgId] });

/** A file as it arrived: the name the browser sent, and the bytes (cut short at the limit, when `truncated`). */
export type UploadedFile = { filename: string; bytes: Buffer; truncated: boolean };

export type CheckedDocument = { name: string; contentType: string; size: number; sha256: string; bytes: Buffer };

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/**
 * Checks an uploaded document by its content (PDF or Word, within the size limit): the checked file, or what is
 * wrong with it in words. Other modules that take documents (the self-assessment's evidence) check them here too.
 */
export async function checkDocument(
  file: UploadedFile | undefined,
  missing = 'Choose the policy document: a PDF or Word file',
): Promise<CheckedDocument | string> {
  if (!file || (file.filename === '' && file.bytes.length === 0)) return missing;
  if (file.truncated || file.bytes.length > maxDocumentBytes) {
    return `The file must be smaller than ${megabytes(maxDocumentBytes)}`;
  }
  if (file.bytes.length === 0) return 'The chosen file is empty';
  const format = await formatOf(file.bytes);
  if (!format) return 'The file must be a PDF or a Word document (.docx or .doc)';
  return {
    name: storedNameFor(file.filename, format),
    contentType: documentFormats[format].contentType,
    size: file.bytes.length,
    sha256: sha256Of(file.bytes),
    bytes: file.bytes,
  };
}

const requiredText = (message: string, max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string({ error: message }).max(max, `${label} must be ${max} characters or fewer`));
const day = (message: string) =>
  z.preprocess(blankToUndefined, z.string({ error: message }).refine(isRealDate, 'Enter a real date'));

const policyFields = z.object({
  title: requiredText('Enter the policy’s title', 200, 'Title'),
  kind: z.enum(policyKinds, { error: 'Choose what kind of policy it is' }),
});

const versionFields = z.object({
  version: requiredText('Enter the version, like 2.0', 20, 'Version'),
  approvedOn: day('Enter the date it was approved'),
  approver: requiredText('Enter who approved it, like the trust board or a committee', 200, 'Approver'),
  nextReviewOn: day('Enter the date of the next review'),
});

/** Parses with zod, keeping every field's first message rather than stopping at the first field. */
function fieldsOf<S extends z.ZodType>(schema: S, input: unknown, errors: Record<string, string>): z.infer<S> | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  return undefined;
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];

export const sectionField = (key: string) => `section-${key}`;

/**
 * The checklist as ticked on the form: field `checklist` lists the ticked items, and each
 * ticked item needs `section-<item>`, where the document covers it.
 */
function checklistOf(orgKind: OrganisationKind, input: Record<string, unknown>, errors: Record<string, string>) {
  const ticked = new Set(asList(input.checklist));
  return requiredContentsFor(orgKind).map((item) => {
    const present = ticked.has(item.key);
    const section = present ? blankToUndefined(input[sectionField(item.key)]) : undefined;
    if (present && typeof section !== 'string') {
      errors[sectionField(item.key)] = `Enter where the document covers this, like “section 4.2”: ${item.text}`;
    } else if (typeof section === 'string' && section.length > 100) {
      errors[sectionField(item.key)] = 'The section must be 100 characters or fewer';
    }
    return { item: item.key, present, section: typeof section === 'string' ? section : null };
  });
}

type VersionInput = z.infer<typeof versionFields>;

function versionDateErrors(fields: VersionInput, today: string, errors: Record<string, string>, current?: PolicyVersion) {
  if (fields.approvedOn > today) errors.approvedOn ??= 'The approval date must be today or in the past';
  if (current && fields.approvedOn < current.approvedOn) {
    errors.approvedOn ??= `The approval date must be on or after that of the current version ${current.version} (${current.approvedOn})`;
  }
  if (fields.nextReviewOn <= fields.approvedOn) errors.nextReviewOn ??= 'The next review date must be after the approval date';
}

async function recordVersion(
  tx: Executor,
  author: PolicyAuthor,
  policy: Policy,
  fields: VersionInput,
  document: CheckedDocument,
  checklist: ReturnType<typeof checklistOf> | null,
): Promise<PolicyVersion> {
  const version = await repository.insertVersion(tx, {
    orgId: author.orgId,
    policyId: policy.id,
    version: fields.version,
    approvedOn: fields.approvedOn,
    approver: fields.approver,
    nextReviewOn: fields.nextReviewOn,
    documentName: document.name,
    documentType: document.contentType,
    documentSize: document.size,
    documentSha256: document.sha256,
    document: document.bytes,
    recordedBy: author.userId,
  });
  if (checklist) {
    await repository.insertChecklist(
      tx,
      checklist.map((entry) => ({ ...entry, orgId: author.orgId, versionId: version.id })),
    );
  }
  await audit.record(tx, author.actor, {
    orgId: author.orgId,
    action: 'policy.version.recorded',
    recordType: 'policy_version',
    recordId: version.id,
    details: {
      policyId: policy.id,
      version: version.version,
      approvedOn: version.approvedOn,
      approver: version.approver,
      nextReviewOn: version.nextReviewOn,
      documentName: version.documentName,
      documentType: version.documentType,
      documentSize: version.documentSize,
      documentSha256: version.documentSha256,
      ...(checklist ? { contentsTicked: checklist.filter((c) => c.present).length, contentsRequired: checklist.length } : {}),
    },
  });
  return version;
}

/** A new policy with its first version, in one go: a policy without an approved document is not in the register. */
export async function createPolicyAs(
  db: Db,
  author: PolicyAuthor,
  input: Record<string, unknown>,
  file: UploadedFile | undefined,
  today = todayInLondon(),
): Promise<Policy> {
  const errors: Record<string, string> = {};
  const policyInput = fieldsOf(policyFields, input, errors);
  const versionInput = fieldsOf(versionFields, input, errors);
  if (versionInput) versionDateErrors(versionInput, today, errors);
  // Messages in the order of the form's fields: the error summary lists them so.
  const document = await checkDocument(file);
  if (typeof document === 'string') errors.document = document;
  // The checklist is checked whenever the kind is the framework, so that its mistakes show with the others.
  const checklist = input.kind === 'prevent_framework' ? checklistOf(author.orgKind, input, errors) : null;
  if (!policyInput || !versionInput || typeof document === 'string' || Object.keys(errors).length > 0) {
    throw new InputError(errors);
  }
  return withScope(db, scopeOf(author), async (tx) => {
    const policy = await repository.insertPolicy(tx, { orgId: author.orgId, title: policyInput.title, kind: policyInput.kind });
    await audit.record(tx, author.actor, {
      orgId: author.orgId,
      action: 'policy.created',
      recordType: 'policy',
      recordId: policy.id,
      details: { title: policy.title, kind: policy.kind },
    });
    await recordVersion(tx, author, policy, versionInput, document, checklist);
    return policy;
  });
}

export const createPolicy = (
  db: Db,
  ctx: RequestContext,
  input: Record<string, unknown>,
  file: UploadedFile | undefined,
  today = todayInLondon(),
) => createPolicyAs(db, authorOf(ctx), input, file, today);

/** A new approved version: it becomes current and the one it replaces is kept, read-only. */
export async function addVersionAs(
  db: Db,
  author: PolicyAuthor,
  policyId: string,
  input: Record<string, unknown>,
  file: UploadedFile | undefined,
  today = todayInLondon(),
): Promise<PolicyVersion> {
  // The file is checked before the transaction: reading a ZIP's directory need not hold a lock.
  const document = await checkDocument(file);
  return withScope(db, scopeOf(author), async (tx) => {
    const policy = await repository.lockPolicy(tx, author.orgId, policyId);
    if (!policy) throw new NotFoundError('policy');
    const [current] = await repository.currentVersionsOf(tx, [policy.id]);
    const errors: Record<string, string> = {};
    const fields = fieldsOf(versionFields, input, errors);
    if (fields) {
      versionDateErrors(fields, today, errors, current);
      const taken = (await repository.versionsOf(tx, policy.id)).some((v) => v.version === fields.version);
      if (taken) errors.version ??= `Version ${fields.version} is already recorded: give this one a new number`;
    }
    if (typeof document === 'string') errors.document = document;
    const checklist = policy.kind === 'prevent_framework' ? checklistOf(author.orgKind, input, errors) : null;
    if (!fields || typeof document === 'string' || Object.keys(errors).length > 0) throw new InputError(errors);
    if (current) {
      await repository.supersede(tx, author.orgId, current.id, new Date());
      await audit.record(tx, author.actor, {
        orgId: author.orgId,
        action: 'policy.version.superseded',
        recordType: 'policy_version',
        recordId: current.id,
        details: { policyId: policy.id, version: current.version },
      });
    }
    return recordVersion(tx, author, policy, fields, document, checklist);
  });
}

export const addVersion = (
  db: Db,
  ctx: RequestContext,
  policyId: string,
  input: Record<string, unknown>,
  file: UploadedFile | undefined,
  today = todayInLondon(),
) => addVersionAs(db, authorOf(ctx), policyId, input, file, today);

const linkInput = z.object({
  linkedPolicyId: z.preprocess(blankToUndefined, z.string({ error: 'Choose the policy to link' })),
});

const notYours = 'Choose one of your organisation’s own policies';

export async function linkPoliciesAs(db: Db, author: PolicyAuthor, policyId: string, input: unknown): Promise<void> {
  await withScope(db, scopeOf(author), async (tx) => {
    const policy = await repository.policyById(tx, policyId);
    if (policy?.orgId !== author.orgId) throw new NotFoundError('policy');
    const errors: Record<string, string> = {};
    const fields = fieldsOf(linkInput, input, errors);
    if (!fields) throw new InputError(errors);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (!uuid.test(fields.linkedPolicyId)) throw new InputError({ linkedPolicyId: notYours });
    const linkedId = fields.linkedPolicyId.toLowerCase();
    if (linkedId === policy.id) throw new InputError({ linkedPolicyId: 'A policy cannot be linked to itself' });
    // A commissioner can read its providers' policies, so the organisation is checked, not left to what is visible.
    const linked = await repository.policyById(tx, linkedId);
    if (linked?.orgId !== author.orgId) throw new InputError({ linkedPolicyId: notYours });
    if (await repository.linkBetween(tx, policy.id, linked.id)) {
      throw new InputError({ linkedPolicyId: `${policy.title} and ${linked.title} are already linked` });
    }
    await repository.insertLink(tx, { orgId: author.orgId, policyId: policy.id, linkedPolicyId: linked.id });
    await audit.record(tx, author.actor, {
      orgId: author.orgId,
      action: 'policy.linked',
      recordType: 'policy',
      recordId: policy.id,
      details: { linkedPolicyId: linked.id, title: policy.title, linkedTitle: linked.title },
    });
  });
}

export const linkPolicies = (db: Db, ctx: RequestContext, policyId: string, input: unknown) =>
  linkPoliciesAs(db, authorOf(ctx), policyId, input);

export async function unlinkPolicies(db: Db, ctx: RequestContext, policyId: string, linkedId: string): Promise<void> {
  const author = authorOf(ctx);
  await withScope(db, scopeOf(author), async (tx) => {
    const policy = await repository.policyById(tx, policyId);
    if (policy?.orgId !== author.orgId) throw new NotFoundError('policy');
    const removed = await repository.deleteLink(tx, author.orgId, policy.id, linkedId);
    if (removed === 0) throw new NotFoundError('link');
    await audit.record(tx, author.actor, {
      orgId: author.orgId,
      action: 'policy.unlinked',
      recordType: 'policy',
      recordId: policy.id,
      details: { linkedPolicyId: linkedId },
    });
  });
}

type OrgSummary = { id: string; name: string; odsCode: string; kind: OrganisationKind; commissionerId: string | null };

/**
 * The organisation whose register is asked for: the person's own, or, for an ICB's
 * commissioners and administrators, a provider it commissions. Anything else is not found.
 */
async function registerOrg(db: Db, ctx: RequestContext, orgId: string | undefined): Promise<OrgSummary> {
  const org = await organisations.getInReach(db, ctx, orgId ?? ctx.user.activeOrg.id);
  if (org.id !== ctx.user.activeOrg.id && org.commissionerId !== ctx.user.activeOrg.id) throw new NotFoundError('organisation');
  return org;
}

const canEditIn = (ctx: RequestContext, orgId: string) => ctx.can.actFor(orgId, 'policies:edit');

export type RegisterEntry = {
  policy: Policy;
  kindName: string;
  current: PolicyVersion | undefined;
  review: ReviewState | undefined;
  /** Required contents not ticked in the current version; empty for policies other than the Prevent framework. */
  missing: ChecklistItem[];
};

async function entriesFor(tx: Executor, org: OrgSummary, list: Policy[], today: string): Promise<RegisterEntry[]> {
  const current = new Map(
    (
      await repository.currentVersionsOf(
        tx,
        list.map((p) => p.id),
      )
    ).map((v) => [v.policyId, v]),
  );
  const frameworkVersions = list.filter((p) => p.kind === 'prevent_framework').flatMap((p) => current.get(p.id)?.id ?? []);
  const checklist = await repository.checklistOf(tx, frameworkVersions);
  return list.map((policy) => {
    const version = current.get(policy.id);
    return {
      policy,
      kindName: kindNames[policy.kind],
      current: version,
      review: version ? reviewStateOf(version.nextReviewOn, today) : undefined,
      missing:
        policy.kind === 'prevent_framework' && version
          ? missingContents(
              org.kind,
              checklist.filter((c) => c.versionId === version.id),
            )
          : [],
    };
  });
}

/** An organisation's policy register, for its own people or its commissioner. */
export async function register(db: Db, ctx: RequestContext, orgId?: string, today = todayInLondon()) {
  const org = await registerOrg(db, ctx, orgId);
  const entries = await withScope(db, ctx.scope, async (tx) =>
    entriesFor(tx, org, await repository.policiesOf(tx, org.id), today),
  );
  const providers =
    org.id === ctx.user.activeOrg.id && org.kind === 'icb'
      ? (await organisations.providersInReach(db, ctx)).filter((p) => p.commissionerId === org.id)
      : [];
  return { org, entries, providers, canEdit: canEditIn(ctx, org.id) };
}

/** An organisation's register inside a transaction already scoped to it, with nobody signed in (the CQC evidence). */
export async function registerIn(tx: Executor, org: OrgSummary, today: string): Promise<RegisterEntry[]> {
  return entriesFor(tx, org, await repository.policiesOf(tx, org.id), today);
}

/** A version's document inside a transaction scoped to its organisation; the caller records who took it. */
export async function documentIn(tx: Executor, policyId: string, versionId: string) {
  const version = await repository.versionWithDocument(tx, policyId, versionId);
  if (!version) throw new NotFoundError('version');
  return { name: version.documentName, contentType: version.documentType, bytes: version.document };
}

export type VersionDetail = PolicyVersion & { checklist: (ChecklistItem & { present: boolean; section: string | null })[] };

function withChecklist(orgKind: OrganisationKind, version: PolicyVersion, rows: repository.ChecklistRow[]): VersionDetail {
  const mine = rows.filter((r) => r.versionId === version.id);
  return {
    ...version,
    checklist: requiredContentsFor(orgKind).map((item) => {
      const row = mine.find((r) => r.item === item.key);
      return { ...item, present: row?.present ?? false, section: row?.section ?? null };
    }),
  };
}

/**
 * A policy the person may read (row-level security hides the rest), and its organisation.
 * Its own transaction: the embedded database has one connection, so nothing may query
 * outside a transaction while one is open.
 */
async function visiblePolicy(db: Db, ctx: RequestContext, id: string): Promise<{ policy: Policy; org: OrgSummary }> {
  const policy = await withScope(db, ctx.scope, (tx) => repository.policyById(tx, id));
  if (!policy) throw new NotFoundError('policy');
  return { policy, org: await registerOrg(db, ctx, policy.orgId) };
}

/** A policy with every version (newest first), its checklist and its links, for its page. */
export async function policyPage(db: Db, ctx: RequestContext, id: string, today = todayInLondon()) {
  const { policy, org } = await visiblePolicy(db, ctx, id);
  return withScope(db, ctx.scope, async (tx) => {
    const versions = await repository.versionsOf(tx, policy.id);
    const checklist =
      policy.kind === 'prevent_framework'
        ? await repository.checklistOf(
            tx,
            versions.map((v) => v.id),
          )
        : [];
    const details = versions.map((v) => withChecklist(org.kind, v, checklist));
    const current = details.find((v) => v.supersededAt === null);
    const links = await repository.linksOf(tx, policy.id);
    const linkedIds = new Set(links.map((l) => (l.policyId === policy.id ? l.linkedPolicyId : l.policyId)));
    const all = await repository.policiesOf(tx, policy.orgId);
    return {
      org,
      policy,
      kindName: kindNames[policy.kind],
      current,
      superseded: details.filter((v) => v.supersededAt !== null),
      review: current ? reviewStateOf(current.nextReviewOn, today) : undefined,
      missing: policy.kind === 'prevent_framework' && current ? current.checklist.filter((c) => !c.present) : [],
      linked: all.filter((p) => linkedIds.has(p.id)).map((p) => ({ ...p, kindName: kindNames[p.kind] })),
      linkCandidates: all.filter((p) => p.id !== policy.id && !linkedIds.has(p.id)),
      canEdit: canEditIn(ctx, policy.orgId),
    };
  });
}

/** What the new-version form needs: the policy, its current version, and the checklist for its organisation. */
export async function versionFormOf(db: Db, ctx: RequestContext, id: string) {
  const page = await policyPage(db, ctx, id);
  if (!page.canEdit) throw new NotFoundError('policy');
  return page;
}

export async function versionPage(db: Db, ctx: RequestContext, id: string, versionId: string) {
  const { policy, org } = await visiblePolicy(db, ctx, id);
  return withScope(db, ctx.scope, async (tx) => {
    const version = (await repository.versionsOf(tx, policy.id)).find((v) => v.id === versionId);
    if (!version) throw new NotFoundError('version');
    const checklist = policy.kind === 'prevent_framework' ? await repository.checklistOf(tx, [version.id]) : [];
    return { org, policy, kindName: kindNames[policy.kind], version: withChecklist(org.kind, version, checklist) };
  });
}

/** A version's document, as stored; the download is in the audit trail of the policy's organisation. */
export async function downloadDocument(db: Db, ctx: RequestContext, id: string, versionId: string) {
  const { policy } = await visiblePolicy(db, ctx, id);
  return withScope(db, ctx.scope, async (tx) => {
    const version = await repository.versionWithDocument(tx, policy.id, versionId);
    if (!version) throw new NotFoundError('version');
    await audit.record(tx, ctx.actor, {
      orgId: policy.orgId,
      action: 'policy.document.downloaded',
      recordType: 'policy_version',
      recordId: version.id,
      details: {
        policyId: policy.id,
        version: version.version,
        documentSha256: version.documentSha256,
        byOrganisation: ctx.user.activeOrg.odsCode,
      },
    });
    return {
      name: version.documentName,
      contentType: version.documentType,
      sha256: version.documentSha256,
      bytes: version.document,
    };
  });
}
