import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { identifiersIn, quoted } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, spokenDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as concerns from '../concerns/service.ts';
import * as sharing from '../sharing/service.ts';
import * as repository from './repository.ts';
import { type RequestDirection, requestDirections } from './schema.ts';

export type InformationRequest = repository.RequestRow & { partnerLabel: string; status: RequestStatus };
export type RequestStatus = 'answered' | 'overdue' | 'awaiting';
export { type RequestDirection, requestDirections };
export const partnerNames = sharing.partnerNames;
export const partners = sharing.partners;

export const statusNames: Record<RequestStatus, string> = {
  answered: 'Answered',
  overdue: 'Overdue',
  awaiting: 'Awaiting answer',
};

const required = (label: string, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `Enter ${label}` })
      .max(max, `${label[0]?.toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`),
  );
const realDate = (missing: string) =>
  z.preprocess(blankToUndefined, z.string({ error: missing }).refine(isRealDate, 'The date must be a real date'));

const requestFields = z.object({
  direction: z.enum(requestDirections, { error: 'Say whether the request was received or made' }),
  partner: z.enum(sharing.partners, { error: 'Choose the partner' }),
  partnerName: required('the agency and the person’s role or name', 160),
  askedOn: realDate('Enter the date of the request'),
  dueOn: realDate('Enter the date an answer is due'),
  whatAsked: required('what was asked', 2_000),
  caseChoice: z.enum(['existing', 'new', 'none'], { error: 'Say which case the request is about' }),
  caseReference: z.preprocess(blankToUndefined, z.string().max(40).optional()),
});

function statusOf(row: repository.RequestRow, today: string): RequestStatus {
  return row.respondedOn ? 'answered' : row.dueOn < today ? 'overdue' : 'awaiting';
}

const asRequest = (row: repository.RequestRow, today: string): InformationRequest => {
  const partner = (sharing.partners as readonly string[]).includes(row.partner) ? (row.partner as sharing.Partner) : 'other';
  return { ...row, partnerLabel: `${row.partnerName} (${sharing.partnerNames[partner]})`, status: statusOf(row, today) };
};

const orgOf = (ctx: RequestContext) => ctx.user.activeOrg.id;

export async function requestList(db: Db, ctx: RequestContext, today = todayInLondon()) {
  return withScope(db, ctx.scope, async (tx) => (await repository.requestsOf(tx, orgOf(ctx))).map((r) => asRequest(r, today)));
}

/** Checks everything the form holds before anything is recorded: each problem named by its field. */
function validRequest(input: unknown, today: string) {
  const f = parseInput(requestFields, input);
  const problems: Record<string, string> = {};
  if (f.askedOn > today) problems.askedOn = 'The date of the request must be today or in the past';
  if (f.dueOn < f.askedOn) problems.dueOn = 'The date an answer is due must be on or after the date of the request';
  if (f.direction === 'in' && f.caseChoice === 'none')
    problems.caseChoice = 'A request received is about a person: link it to their case, or open a case for it';
  if (f.caseChoice === 'existing' && !f.caseReference) problems.caseReference = 'Enter the case reference, like PC-2026-0001';
  // The request is seen by everyone who keeps the list; who it is about stays sealed on the case.
  const found = identifiersIn(f.whatAsked);
  if (found.length)
    problems.whatAsked = `What was asked holds what looks like an identifier: ${quoted(found)}. Say what was asked without naming the person: the case holds who it is about`;
  if (Object.keys(problems).length) throw new InputError(problems);
  return f;
}

/** The case the request is about: one the lead names by reference, or a new one opened from the person's details. */
async function caseFor(
  db: Db,
  ctx: RequestContext,
  f: ReturnType<typeof validRequest>,
  body: Record<string, unknown>,
  now: Date,
) {
  if (f.caseChoice === 'none') return null;
  if (f.caseChoice === 'existing') {
    const found = await concerns.leadCaseByReference(db, ctx, f.caseReference ?? '');
    if (!found)
      throw new InputError({
        caseReference: `No case of yours has the reference ${f.caseReference}: check it, or open a new case`,
      });
    return found;
  }
  const partnerLabel = `${f.partnerName} (${sharing.partnerNames[f.partner]})`;
  const today = todayInLondon(now);
  // The person's details go where every concern's do, sealed on the case, under its need-to-know rules.
  return concerns.raiseConcern(
    db,
    { kind: 'person', ctx },
    {
      subjectType: body.subjectType,
      subjectName: body.subjectName,
      nhsNumber: body.nhsNumber,
      dateOfBirth: body.dateOfBirth,
      isChild: body.isChild,
      narrative: `Information request ${f.direction === 'in' ? 'from' : 'to'} ${partnerLabel} on ${spokenDate(f.askedOn)}: ${f.whatAsked}`,
      observedAt: f.askedOn === today ? now.toISOString() : `${f.askedOn}T12:00`,
      location: `Not seen: an information request ${f.direction === 'in' ? 'from' : 'to'} ${sharing.partnerNames[f.partner]}`,
      immediateRisk: 'no',
    },
    now,
  );
}

/** Records a request, linked to its case (opening one if asked). Nothing is kept if any field is wrong. */
export async function recordRequest(db: Db, ctx: RequestContext, input: unknown, now = new Date()) {
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const f = validRequest(input, todayInLondon(now));
  const linked = await caseFor(db, ctx, f, body, now);
  return withScope(db, ctx.scope, async (tx) => {
    const created = await repository.insertRequest(tx, {
      orgId: orgOf(ctx),
      direction: f.direction,
      partner: f.partner,
      partnerName: f.partnerName,
      askedOn: f.askedOn,
      dueOn: f.dueOn,
      whatAsked: f.whatAsked,
      caseId: linked?.id ?? null,
      caseReference: linked?.reference ?? null,
      recordedBy: ctx.user.id,
    });
    await audit.record(tx, ctx.actor, {
      orgId: orgOf(ctx),
      action: 'information-request.recorded',
      recordType: 'information_request',
      recordId: created.id,
      details: {
        direction: f.direction,
        partner: f.partner,
        caseReference: linked?.reference ?? null,
        openedCase: f.caseChoice === 'new',
      },
    });
    return created;
  });
}

/**
 * A request with, where it is linked to a case, the case's standing sharing decisions to answer it by: reading them
 * opens the case, which is audited like every other read of a case.
 */
export async function requestPage(db: Db, ctx: RequestContext, id: string, today = todayInLondon()) {
  const request = await withScope(db, ctx.scope, (tx) => repository.requestById(tx, orgOf(ctx), id));
  if (!request) throw new NotFoundError('information request');
  if (!request.caseId) return { request: asRequest(request, today), decisions: [] };
  const decisions = await concerns.withCase(db, ctx, request.caseId, 'information request', async (open) =>
    (await sharing.protocolOf(open)).decisions.filter((d) => d.correctedBy === null),
  );
  return { request: asRequest(request, today), decisions };
}

const responseFields = z.object({
  respondedOn: realDate('Enter the date of the answer'),
  sharingDecisionId: z.preprocess(blankToUndefined, z.string().optional()),
});

/**
 * Records the answer. A request received is answered by a sharing decision on its case (what was shared, or not,
 * and on what lawful basis): the decision is recorded there, through the information sharing protocol, and chosen here.
 */
export async function recordResponse(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  const f = parseInput(responseFields, input);
  const request = await withScope(db, ctx.scope, (tx) => repository.requestById(tx, orgOf(ctx), id));
  if (!request) throw new NotFoundError('information request');
  const problems: Record<string, string> = {};
  if (f.respondedOn > today) problems.respondedOn = 'The date of the answer must be today or in the past';
  if (f.respondedOn < request.askedOn)
    problems.respondedOn = 'The date of the answer must be on or after the date of the request';
  if (request.direction === 'in' && !f.sharingDecisionId)
    problems.sharingDecisionId =
      'Choose the sharing decision that answers the request: record it on the case first if there is none';
  if (Object.keys(problems).length) throw new InputError(problems);
  const save = async (tx: Tx) => {
    await repository.recordResponse(tx, orgOf(ctx), id, {
      respondedOn: f.respondedOn,
      sharingDecisionId: f.sharingDecisionId ?? null,
    });
    await audit.record(tx, ctx.actor, {
      orgId: orgOf(ctx),
      action: 'information-request.answered',
      recordType: 'information_request',
      recordId: id,
      details: { respondedOn: f.respondedOn, caseReference: request.caseReference },
    });
  };
  if (!request.caseId || !f.sharingDecisionId) return withScope(db, ctx.scope, save);
  const decisionId = f.sharingDecisionId;
  await concerns.withCase(db, ctx, request.caseId, null, async (open) => {
    const standing = (await sharing.protocolOf(open)).decisions.filter((d) => d.correctedBy === null);
    if (!standing.some((d) => d.id === decisionId))
      throw new InputError({ sharingDecisionId: 'Choose one of the case’s sharing decisions' });
    await save(open.tx);
  });
}

/** The requests about one case, for its page (the case is already open, in its transaction). */
export async function requestsOfCase(open: concerns.OpenCase, today = todayInLondon()): Promise<InformationRequest[]> {
  return (await repository.requestsOfCase(open.tx, open.case.orgId, open.case.id)).map((r) => asRequest(r, today));
}

// ---- figures and reminders ----

export type RequestFigures = {
  received: number;
  answered: number;
  answeredOnTime: number;
  /** Received requests unanswered and past due on the as-at date, whenever they were asked. */
  overdue: number;
  made: number;
};

/** Requests asked in [from, to], and those overdue on the as-at date, inside a transaction scoped to the organisation. */
export async function requestFiguresIn(tx: Tx, orgId: string, from: string, to: string, asAt: string): Promise<RequestFigures> {
  const all = await repository.requestsOf(tx, orgId);
  const asked = all.filter((r) => r.askedOn >= from && r.askedOn <= to);
  const received = asked.filter((r) => r.direction === 'in');
  const answered = received.filter((r) => r.respondedOn !== null && r.respondedOn <= asAt);
  return {
    received: received.length,
    answered: answered.length,
    answeredOnTime: answered.filter((r) => (r.respondedOn ?? '') <= r.dueOn).length,
    overdue: all.filter(
      (r) => r.direction === 'in' && r.askedOn <= asAt && r.dueOn < asAt && (r.respondedOn === null || r.respondedOn > asAt),
    ).length,
    made: asked.filter((r) => r.direction === 'out').length,
  };
}

export async function overdueFor(db: Db, ctx: RequestContext, today: string): Promise<InformationRequest[]> {
  return (await requestList(db, ctx, today)).filter((r) => r.status === 'overdue');
}

export async function overdueRequests(db: Db, today: string): Promise<repository.RequestRow[]> {
  return repository.overdueRequests(db, today);
}
