import { diffArrays } from 'diff';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { anonymise, type Change, type KnownIdentifiers, summariseChanges } from '../../platform/anonymiser/anonymiser.ts';
import { caseTextKinds, identifiersIn, quoted } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { seal, unseal, unsealOrPlain } from '../../platform/encryption.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { type OpenCase, requireLead, requireNotErased, withCase } from '../concerns/service.ts';
import * as organisations from '../organisations/service.ts';
import * as repository from './repository.ts';
import type { CaseStudyStatus } from './schema.ts';
import { themesField, themesText } from './service.ts';

export const caseStudyStatusNames: Record<CaseStudyStatus, string> = {
  draft: 'Draft: not approved',
  approved: 'Approved for sharing',
};

/** Nothing leaves the organisation until a person has read the case study and approved it. */
export const notApproved = 'Approve the case study before sharing it: nothing is shared until a person approves it';

// ---- writing a case study ----

const lines = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
    : [];

const draftFields = z.object({
  title: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter a title for the case study' }).max(200, 'The title must be 200 characters or fewer'),
  ),
  summary: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the case summary to anonymise' }).max(20_000, 'The summary must be 20000 characters or fewer'),
  ),
  otherNames: z.preprocess(lines, z.array(z.string().max(120, 'Each name must be 120 characters or fewer')).max(50)),
  addresses: z.preprocess(lines, z.array(z.string().max(300, 'Each address must be 300 characters or fewer')).max(20)),
  dates: z.preprocess((v) => v ?? 'month', z.enum(['month', 'quarter'], { error: 'Choose how exact dates are shown' })),
  themes: themesField,
});

/** What the case record knows about the person, with the names and addresses the lead adds (relatives, say). */
function knownOf(open: OpenCase, otherNames: string[] = [], addresses: string[] = []): KnownIdentifiers {
  const c = open.case;
  return {
    names: [...(c.subjectName ? [c.subjectName] : []), ...otherNames],
    nhsNumbers: c.nhsNumber ? [c.nhsNumber] : [],
    ...(c.dateOfBirth ? { dateOfBirth: c.dateOfBirth } : {}),
    addresses,
  };
}

async function reviewOf(db: Db, ctx: RequestContext, reviewId: string): Promise<repository.ReviewRow> {
  const review = await withScope(db, ctx.scope, (tx) => repository.reviewById(tx, ctx.user.activeOrg.id, reviewId));
  if (!review) throw new NotFoundError('review');
  return review;
}

/**
 * The start of a case study: the case's own account and the review's learning points, for the lead to
 * shape into a summary. Reading the account is a read of the case, audited as one.
 */
export async function caseStudyStart(db: Db, ctx: RequestContext, reviewId: string) {
  const review = await reviewOf(db, ctx, reviewId);
  return withCase(db, ctx, review.caseId, 'case study summary', async (open) => {
    requireLead(open, 'write a case study');
    const learning = unseal(review.learningPointsSealed);
    return {
      review: { id: review.id, caseReference: review.caseReference, themes: review.themes },
      erased: !!open.case.erasedAt,
      summary: [open.case.narrative, learning && `Learning points: ${learning}`].filter(Boolean).join('\n\n'),
      knows: {
        name: !!open.case.subjectName,
        nhsNumber: !!open.case.nhsNumber,
        dateOfBirth: !!open.case.dateOfBirth,
      },
    };
  });
}

/**
 * Runs the anonymiser over the lead's summary, with what the case record knows, and keeps the
 * result as a draft. The summary, the draft and the title are sealed: until approved they may
 * identify someone. The title is the lead's own words, not drawn from the record, so it is kept as
 * typed; the approval check reads it as it reads the text.
 */
export async function draftCaseStudy(db: Db, ctx: RequestContext, reviewId: string, input: unknown): Promise<string> {
  const f = parseInput(draftFields, input);
  const review = await reviewOf(db, ctx, reviewId);
  return withCase(db, ctx, review.caseId, null, async (open) => {
    requireLead(open, 'write a case study');
    requireNotErased(open);
    const result = anonymise(f.summary, knownOf(open, f.otherNames, f.addresses), { dates: f.dates });
    const study = await repository.insertCaseStudy(open.tx, {
      orgId: open.case.orgId,
      reviewId,
      caseId: open.case.id,
      title: seal(f.title) ?? '',
      originalSealed: seal(f.summary),
      changesSealed: seal(JSON.stringify(result.changes)),
      draftSealed: seal(result.text),
      themes: f.themes.length ? f.themes : review.themes,
    });
    await audit.record(open.tx, ctx.actor, {
      orgId: open.case.orgId,
      action: 'case_study.drafted',
      recordType: 'case_study',
      recordId: study.id,
      details: { reference: open.case.reference, changed: summariseChanges(result.changes) },
    });
    return study.id;
  });
}

// ---- the side-by-side page ----

/** A run of text, marked when it is what changed: removed on the original's side, added on the result's. */
export type Piece = { text: string; changed: boolean };

/** Words as a reader sees them: runs of non-space, with the spaces between kept as their own tokens. */
const wordsOf = (text: string) => text.split(/(\s+)/).filter((t) => t !== '');

/**
 * The original and the current text side by side, word by word (a word being everything between
 * spaces, so an e-mail address or "Wren," is marked whole): what the anonymiser and the lead took out
 * is marked on the left, what replaced it on the right.
 */
export function sideBySide(original: string, result: string): { original: Piece[]; result: Piece[] } {
  const parts = diffArrays(wordsOf(original), wordsOf(result));
  const side = (keep: (p: (typeof parts)[number]) => boolean, changed: (p: (typeof parts)[number]) => boolean) =>
    tidy(parts.filter(keep).flatMap((p) => p.value.map((text) => ({ text, changed: changed(p) }))));
  return {
    original: side(
      (p) => !p.added,
      (p) => !!p.removed,
    ),
    result: side(
      (p) => !p.removed,
      (p) => !!p.added,
    ),
  };
}

/** One mark per run of changed words: the spaces between them inside it, the spaces around it outside. */
function tidy(tokens: Piece[]): Piece[] {
  const space = (t: Piece | undefined) => !!t && /^\s+$/.test(t.text);
  const out: Piece[] = [];
  tokens.forEach((t, i) => {
    const changed = space(t)
      ? !!tokens[i - 1]?.changed && !space(tokens[i - 1]) && !!tokens[i + 1]?.changed && !space(tokens[i + 1])
      : t.changed;
    const last = out.at(-1);
    if (last && last.changed === changed) last.text += t.text;
    else out.push({ text: t.text, changed });
  });
  return out;
}

export type CaseStudyView = {
  id: string;
  reviewId: string;
  caseReference: string;
  title: string;
  status: CaseStudyStatus;
  statusName: string;
  themes: string[];
  original: string | null;
  draft: string | null;
  changes: Change[];
  changeSummary: string;
  sides: { original: Piece[]; result: Piece[] } | null;
  approvedText: string | null;
  approvedByName: string | null;
  approvedAt: Date | null;
  shared: { sharedAt: Date; sharedByName: string; groupName: string } | null;
  createdAt: Date;
};

async function viewIn(tx: Tx, ctx: RequestContext, id: string): Promise<CaseStudyView> {
  const orgId = ctx.user.activeOrg.id;
  const row = await repository.caseStudyById(tx, orgId, id);
  if (!row) throw new NotFoundError('case study');
  const review = await repository.reviewById(tx, orgId, row.reviewId);
  const original = unseal(row.originalSealed);
  const draft = unseal(row.draftSealed);
  const changes = JSON.parse(unseal(row.changesSealed) ?? '[]') as Change[];
  const [copy] = await repository.sharedCopiesOf(tx, [row.id]);
  const area = copy ? await organisations.commissioningAreaOf(tx, orgId) : null;
  return {
    id: row.id,
    reviewId: row.reviewId,
    caseReference: review?.caseReference ?? '',
    title: unsealOrPlain(row.title) ?? '',
    status: row.status,
    statusName: caseStudyStatusNames[row.status],
    themes: row.themes,
    original,
    draft,
    changes,
    changeSummary: summariseChanges(changes),
    sides: original !== null && draft !== null ? sideBySide(original, draft) : null,
    approvedText: row.approvedText,
    approvedByName: row.approvedByName,
    approvedAt: row.approvedAt,
    shared: copy
      ? { sharedAt: copy.sharedAt, sharedByName: copy.sharedByName, groupName: area?.commissioner.name ?? 'the learning group' }
      : null,
    createdAt: row.createdAt,
  };
}

/** The case study with the original it came from: identifiable until approved, so every read is audited. */
export async function getCaseStudy(db: Db, ctx: RequestContext, id: string): Promise<CaseStudyView> {
  return withScope(db, ctx.scope, async (tx) => {
    const view = await viewIn(tx, ctx, id);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'case_study.viewed',
      recordType: 'case_study',
      recordId: id,
      details: { reference: view.caseReference, status: view.status },
    });
    return view;
  });
}

/** The case studies written from a review, for its page. */
export async function caseStudiesOfReview(db: Db, ctx: RequestContext, reviewId: string) {
  return withScope(db, ctx.scope, async (tx) => {
    const rows = await repository.caseStudiesOf(tx, ctx.user.activeOrg.id, reviewId);
    const shared = new Set(
      (
        await repository.sharedCopiesOf(
          tx,
          rows.map((r) => r.id),
        )
      ).map((c) => c.caseStudyId),
    );
    return rows.map((r) => ({
      id: r.id,
      title: unsealOrPlain(r.title) ?? '',
      status: r.status,
      statusName: caseStudyStatusNames[r.status],
      shared: shared.has(r.id),
      createdAt: r.createdAt,
    }));
  });
}

// ---- editing and approving ----

const editFields = z.object({
  title: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter a title for the case study' }).max(200, 'The title must be 200 characters or fewer'),
  ),
  text: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the text of the case study' }).max(20_000, 'The text must be 20000 characters or fewer'),
  ),
  themes: themesField,
});

/** Saves the lead's edits. Changing an approved case study withdraws its approval: it must be read and approved again. */
export async function saveCaseStudy(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const f = parseInput(editFields, input);
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const row = await repository.caseStudyForChange(tx, orgId, id);
    if (!row) throw new NotFoundError('case study');
    const changed =
      f.title !== unsealOrPlain(row.title) ||
      f.text !== unseal(row.draftSealed) ||
      themesText(f.themes) !== themesText(row.themes);
    if (!changed) return;
    const unapproving = row.status === 'approved';
    await repository.updateCaseStudy(tx, orgId, id, {
      title: seal(f.title) ?? '',
      draftSealed: seal(f.text),
      themes: f.themes,
      ...(unapproving ? { status: 'draft', approvedText: null, approvedBy: null, approvedByName: null, approvedAt: null } : {}),
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: unapproving ? 'case_study.edited_approval_withdrawn' : 'case_study.edited',
      recordType: 'case_study',
      recordId: id,
      details: { themes: themesText(f.themes) },
    });
  });
}

/** What a case study takes out of the organisation when it is shared: each part is checked alike. */
type Outgoing = { title: string; text: string; themes: readonly string[] };

/**
 * What still looks identifying in each part of a case study that would leave the organisation, as
 * messages by field: the title and the text, and the themes, which are typed as free tags (not chosen
 * from a list), so a name can be typed into one. Empty when nothing is found.
 */
function identifiersLeftIn(
  outgoing: Outgoing,
  known: KnownIdentifiers,
  removed: readonly Change[],
): Partial<Record<keyof Outgoing, string>> {
  const found = (texts: readonly string[]) => [
    ...new Map(
      texts.flatMap((t) => identifiersIn(t, { known, removed, kinds: caseTextKinds })).map((s) => [s.toLowerCase(), s] as const),
    ).values(),
  ];
  const problems: Partial<Record<keyof Outgoing, string>> = {};
  for (const [field, texts, holds] of [
    ['title', [outgoing.title], 'The title still holds'],
    ['text', [outgoing.text], 'The text still holds'],
    ['themes', outgoing.themes, 'The themes still hold'],
  ] as const) {
    const left = found(texts);
    if (left.length) {
      problems[field] = `${holds} what looks like an identifier: ${quoted(left)}. Change or remove it, save, then approve`;
    }
  }
  return problems;
}

/** Refuses, naming each field and what is in it, while any part of the case study still looks identifying. */
function requireNoIdentifierLeft(outgoing: Outgoing, known: KnownIdentifiers, removed: readonly Change[]): void {
  const problems = identifiersLeftIn(outgoing, known, removed);
  if (Object.keys(problems).length) throw new InputError(problems);
}

const approveFields = z.object({
  confirm: z.literal('yes', { error: 'Confirm that you have read the case study and it identifies no one' }),
});

/**
 * A lead approves the case study as it stands, after reading it. Refused while its title, text or
 * themes still hold something the anonymiser would take out, or something it took out before.
 */
export async function approveCaseStudy(db: Db, ctx: RequestContext, id: string, input: unknown, now = new Date()) {
  parseInput(approveFields, input);
  const caseId = await withScope(db, ctx.scope, async (tx) => {
    const row = await repository.caseStudyById(tx, ctx.user.activeOrg.id, id);
    if (!row) throw new NotFoundError('case study');
    return row.caseId;
  });
  await withCase(db, ctx, caseId, null, async (open) => {
    requireLead(open, 'approve a case study');
    const orgId = open.case.orgId;
    const row = await repository.caseStudyForChange(open.tx, orgId, id);
    if (!row) throw new NotFoundError('case study');
    if (row.status === 'approved') return;
    const text = unseal(row.draftSealed);
    if (!text) throw new InputError({ text: 'This case study has no text to approve' });
    const removed = JSON.parse(unseal(row.changesSealed) ?? '[]') as Change[];
    requireNoIdentifierLeft({ title: unsealOrPlain(row.title) ?? '', text, themes: row.themes }, knownOf(open), removed);
    await repository.updateCaseStudy(open.tx, orgId, id, {
      status: 'approved',
      approvedText: text,
      approvedBy: ctx.user.id,
      approvedByName: ctx.user.displayName,
      approvedAt: now,
    });
    await audit.record(open.tx, ctx.actor, {
      orgId,
      action: 'case_study.approved',
      recordType: 'case_study',
      recordId: id,
      details: { reference: open.case.reference },
    });
  });
}

// ---- sharing with the learning group ----

/**
 * Shares a copy of the approved text (never the draft or the original) with the commissioner's
 * lessons learned group. Edits made afterwards do not reach the copy. What is copied (title, text,
 * themes) is checked again as at approval, against what the record knows now: a case study approved
 * before its title was checked, or before the record learned a name, is held back.
 */
export async function shareCaseStudy(db: Db, ctx: RequestContext, id: string): Promise<void> {
  const caseId = await withScope(db, ctx.scope, async (tx) => {
    const row = await repository.caseStudyById(tx, ctx.user.activeOrg.id, id);
    if (!row) throw new NotFoundError('case study');
    return row.caseId;
  });
  await withCase(db, ctx, caseId, null, async (open) => {
    requireLead(open, 'share a case study');
    const tx = open.tx;
    const orgId = open.case.orgId;
    const row = await repository.caseStudyForChange(tx, orgId, id);
    if (!row) throw new NotFoundError('case study');
    if (row.status !== 'approved' || !row.approvedText) throw new InputError({ share: notApproved });
    if ((await repository.sharedCopiesOf(tx, [id])).length)
      throw new InputError({ share: 'This case study is already shared with the learning group' });
    const title = unsealOrPlain(row.title) ?? '';
    const removed = JSON.parse(unseal(row.changesSealed) ?? '[]') as Change[];
    requireNoIdentifierLeft({ title, text: row.approvedText, themes: row.themes }, knownOf(open), removed);
    const area = await organisations.commissioningAreaOf(tx, orgId);
    if (!area || area.commissioner.id === orgId)
      throw new InputError({ share: 'Your organisation has no commissioner here, so it has no learning group to share with' });
    // The copy's title stays plain: it has just passed the check, and the group reads it.
    const copy = await repository.insertSharedCaseStudy(tx, {
      groupOrgId: area.commissioner.id,
      fromOrgId: orgId,
      caseStudyId: id,
      title,
      body: row.approvedText,
      themes: row.themes,
      sharedByName: ctx.user.displayName,
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'case_study.shared',
      recordType: 'case_study',
      recordId: id,
      details: { group: area.commissioner.odsCode, copy: copy.id },
    });
  });
}

/** Takes the organisation's copy out of the learning group. */
export async function withdrawCaseStudy(db: Db, ctx: RequestContext, id: string): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const row = await repository.caseStudyById(tx, orgId, id);
    if (!row) throw new NotFoundError('case study');
    const removed = await repository.withdrawSharedCaseStudy(tx, orgId, id);
    if (!removed) throw new InputError({ share: 'This case study is not shared with the learning group' });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'case_study.withdrawn',
      recordType: 'case_study',
      recordId: id,
    });
  });
}
