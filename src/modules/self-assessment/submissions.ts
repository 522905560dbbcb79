import { z } from 'zod';
import type { Database, Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { outgoingTextProblems } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { todayInLondon } from '../../platform/dates.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs/queue.ts';
import { commissionerLeadRoles, preventLeadRoles } from '../../platform/permissions.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { notifyRoles } from '../notifications/service.ts';
import * as organisations from '../organisations/service.ts';
import * as repository from './repository.ts';
import { statusColours, statusNames, yearLabel } from './results.ts';
import type { SubmissionEvent } from './schema.ts';
import { type AssessedOrg, type Assessment, buildVersion, type VersionView } from './service.ts';

/* A provider's signed-off self-assessment, submitted to its commissioning ICB, which accepts it or returns it with comments. */

export const eventNames: Record<SubmissionEvent, string> = {
  submitted: 'Submitted to the ICB',
  returned: 'Returned with comments',
  accepted: 'Accepted',
};

export const toldJob = 'self-assessment.told';

/** A provider submits its latest version, signed off, to its commissioning ICB; both are told. */
export async function submit(db: Db, ctx: RequestContext, id: string): Promise<void> {
  if (!ctx.can('assessment:edit')) throw new ForbiddenError('Only the Prevent leads submit the self-assessment');
  const org = await organisations.findById(db, ctx.user.activeOrg.id);
  await withScope(db, ctx.scope, async (tx) => {
    const row = await repository.assessmentById(tx, id);
    if (!row || row.orgId !== ctx.user.activeOrg.id) throw new NotFoundError('self-assessment');
    if (!org?.commissionerId)
      throw new InputError({ form: 'Your organisation has no commissioning ICB recorded to submit the self-assessment to' });
    const [latest] = await repository.versionsOf(tx, row.orgId, row.year);
    if (latest?.id !== row.id) throw new InputError({ form: `Version ${row.version} is not the latest version` });
    if (row.status !== 'signed_off')
      throw new InputError({
        form:
          row.status === 'draft'
            ? 'The accountable Prevent lead must sign off this version before it is submitted'
            : `Version ${row.version} is ${statusNames[row.status].toLowerCase()}: it cannot be submitted again`,
      });
    if (!(await repository.moveStatus(tx, id, 'signed_off', { status: 'submitted', submittedAt: new Date() })))
      throw new InputError({ form: 'This version has just been submitted' });
    const event = await repository.insertEvent(tx, {
      orgId: row.orgId,
      commissionerId: org.commissionerId,
      assessmentId: id,
      year: row.year,
      version: row.version,
      event: 'submitted',
      byUserId: ctx.user.id,
      byName: ctx.user.displayName,
      comment: null,
    });
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.submitted',
      recordType: 'self_assessment',
      recordId: id,
      details: { year: row.year, version: row.version, commissioner: org.commissionerId },
    });
    await enqueueJob(tx, toldJob, { eventId: event.id });
  });
}

// ---- the commissioner's side ----

export type Provider = AssessedOrg & { kindName: string };

/** The providers the active ICB commissions, and no others: every id is checked against this list before anything is read. */
async function commissionedProviders(db: Db, ctx: RequestContext): Promise<Provider[]> {
  if (!ctx.can('assessment:review')) throw new ForbiddenError('Only a commissioner reviews its providers’ self-assessments');
  const icb = ctx.user.activeOrg;
  return (await organisations.providersInReach(db, ctx))
    .filter((o) => o.commissionerId === icb.id)
    .map((o) => ({ id: o.id, name: o.name, odsCode: o.odsCode, kind: o.kind, kindName: organisations.kindNames[o.kind] }));
}

export type SubmissionRow = {
  org: Provider;
  /** The provider's latest submitted version, or null when it has never submitted one. */
  latest: (Assessment & { label: string; statusName: string; statusColour: string }) | null;
};

/** Each commissioned provider with its latest submitted self-assessment (drafts and unsubmitted versions are never seen). */
export async function submissionsList(db: Db, ctx: RequestContext): Promise<SubmissionRow[]> {
  const providers = await commissionedProviders(db, ctx);
  const versions = await withScope(db, ctx.scope, (tx) =>
    repository.submittedVersionsOf(
      tx,
      providers.map((p) => p.id),
    ),
  );
  return providers.map((org) => {
    const latest = versions.find((v) => v.orgId === org.id);
    return {
      org,
      latest: latest
        ? {
            ...latest,
            label: yearLabel(latest.year),
            statusName: statusNames[latest.status],
            statusColour: statusColours[latest.status],
          }
        : null,
    };
  });
}

export type HistoryEntry = repository.EventRow & {
  eventName: string;
  comments: { requirementId: string; comment: string }[];
};

async function historyOf(tx: Parameters<typeof repository.eventsOf>[0], orgId: string, year?: number): Promise<HistoryEntry[]> {
  const events = await repository.eventsOf(tx, orgId, year);
  const comments = await repository.commentsOf(
    tx,
    events.map((e) => e.id),
  );
  return events.map((e) => ({
    ...e,
    eventName: eventNames[e.event],
    comments: comments.filter((c) => c.eventId === e.id).map((c) => ({ requirementId: c.requirementId, comment: c.comment })),
  }));
}

export type SubmissionPage = { version: VersionView; history: HistoryEntry[]; canDecide: boolean };

/** A commissioned provider's submitted version, to read and decide on. Anyone else's id, or a version never submitted, is not found. */
export async function submissionPage(db: Db, ctx: RequestContext, id: string, today = todayInLondon()): Promise<SubmissionPage> {
  const providers = await commissionedProviders(db, ctx);
  return withScope(db, ctx.scope, async (tx) => {
    const row = await repository.assessmentById(tx, id);
    const org = row && providers.find((p) => p.id === row.orgId);
    if (!row || !org || !row.submittedAt) throw new NotFoundError('self-assessment');
    return {
      version: await buildVersion(tx, row, org, null, today),
      history: await historyOf(tx, row.orgId, row.year),
      canDecide: row.status === 'submitted',
    };
  });
}

const decisionFields = z.object({
  decision: z.enum(['accept', 'return'], { error: 'Choose whether to accept the self-assessment or return it' }),
  comment: z.preprocess(
    blankToUndefined,
    z.string().max(4000, 'The overall comment must be 4000 characters or fewer').optional(),
  ),
});

/**
 * The comments on single requirements, from fields named `comment-<requirement id>`, and what is wrong with
 * them by field: too long, or identifying (the provider reads them).
 */
function requirementComments(input: unknown, requirementIds: string[]) {
  const fields = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const comments: { requirementId: string; comment: string }[] = [];
  const texts: Parameters<typeof outgoingTextProblems>[0] = {};
  const errors: Record<string, string> = {};
  for (const requirementId of requirementIds) {
    const value = blankToUndefined(fields[`comment-${requirementId}`]);
    if (typeof value !== 'string') continue;
    if (value.length > 2000)
      errors[`comment-${requirementId}`] = `The comment on ${requirementId} must be 2000 characters or fewer`;
    else texts[`comment-${requirementId}`] = { label: `The comment on ${requirementId}`, text: value };
    comments.push({ requirementId, comment: value });
  }
  return { comments, errors: { ...errors, ...outgoingTextProblems(texts) } };
}

/**
 * The commissioner accepts a submitted version, or returns it with an overall comment (required) and a comment
 * on any requirement; the provider is told, and the decision joins the history.
 */
export async function decide(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<SubmissionEvent> {
  const page = await submissionPage(db, ctx, id, today);
  const f = parseInput(decisionFields, input);
  const { comments, errors } = requirementComments(
    input,
    page.version.requirements.map((r) => r.requirement.id),
  );
  // The provider reads the comments.
  Object.assign(errors, outgoingTextProblems({ comment: { label: 'The comment', text: f.comment } }));
  if (f.decision === 'return' && !f.comment)
    errors.comment = 'Enter an overall comment saying what the provider must change before you return it';
  if (Object.keys(errors).length) throw new InputError(errors);
  if (!page.canDecide) throw new InputError({ form: `This version is ${page.version.statusName.toLowerCase()} already` });
  const event: SubmissionEvent = f.decision === 'accept' ? 'accepted' : 'returned';
  const row = page.version.assessment;
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.moveStatus(tx, id, 'submitted', { status: event })))
      throw new InputError({ form: 'This version has just been decided on by someone else' });
    const created = await repository.insertEvent(tx, {
      orgId: row.orgId,
      commissionerId: ctx.user.activeOrg.id,
      assessmentId: id,
      year: row.year,
      version: row.version,
      event,
      byUserId: ctx.user.id,
      byName: ctx.user.displayName,
      comment: f.comment ?? null,
    });
    await repository.insertComments(
      tx,
      comments.map((c) => ({ ...c, orgId: row.orgId, commissionerId: ctx.user.activeOrg.id, eventId: created.id })),
    );
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: `self_assessment.${event}`,
      recordType: 'self_assessment',
      recordId: id,
      details: { year: row.year, version: row.version, byOrganisation: ctx.user.activeOrg.odsCode, comments: comments.length },
    });
    await enqueueJob(tx, toldJob, { eventId: created.id });
  });
  return event;
}

// ---- history ----

export type HistoryPage = {
  versions: (Assessment & { label: string; statusName: string; statusColour: string })[];
  history: HistoryEntry[];
};

/** Every version of the organisation's own assessments and everything that passed between it and its ICB. */
export async function historyPage(db: Db, ctx: RequestContext): Promise<HistoryPage> {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const versions = await repository.allVersionsOf(tx, orgId);
    return {
      versions: versions.map((v) => ({
        ...v,
        label: yearLabel(v.year),
        statusName: statusNames[v.status],
        statusColour: statusColours[v.status],
      })),
      history: (await historyOf(tx, orgId)).reverse(),
    };
  });
}

// ---- telling both sides ----

/** The job: tells the provider's Prevent leads and the ICB's commissioner leads what happened, each with a link to act. */
export async function tellBothSides(database: Database, payload: Record<string, unknown>): Promise<void> {
  const event = await repository.eventById(database.db, String(payload.eventId));
  if (!event) return;
  const provider = await organisations.findById(database.db, event.orgId);
  const icb = await organisations.findById(database.db, event.commissionerId);
  if (!provider || !icb) return;
  const what = `the Prevent self-assessment for ${yearLabel(event.year)} (version ${event.version})`;
  const kind = `self-assessment-${event.event}`;
  const messages: Record<SubmissionEvent, { provider: [string, string]; icb: [string, string] }> = {
    submitted: {
      provider: ['Self-assessment submitted', `${event.byName} submitted ${what} to ${icb.name}.`],
      icb: [
        `${provider.name}: self-assessment submitted`,
        `${provider.name} (${provider.odsCode}) submitted ${what} for review.`,
      ],
    },
    returned: {
      provider: [
        'Self-assessment returned with comments',
        `${icb.name} returned ${what} with comments. Read them, start a new version, and submit it again once signed off.`,
      ],
      icb: [`${provider.name}: self-assessment returned`, `${event.byName} returned ${what} of ${provider.name} with comments.`],
    },
    accepted: {
      provider: ['Self-assessment accepted', `${icb.name} accepted ${what}.`],
      icb: [`${provider.name}: self-assessment accepted`, `${event.byName} accepted ${what} of ${provider.name}.`],
    },
  };
  const m = messages[event.event];
  await notifyRoles(database, provider.id, preventLeadRoles, {
    kind,
    title: m.provider[0],
    body: m.provider[1],
    link: `/assurance/${event.assessmentId}`,
  });
  await notifyRoles(database, icb.id, commissionerLeadRoles, {
    kind,
    title: m.icb[0],
    body: m.icb[1],
    link: `/assurance/submissions/${event.assessmentId}`,
  });
}
