import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { refuseIdentifyingText } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, addMonths, financialYearOf, isRealDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as repository from './repository.ts';
import { type EngagementKind, engagementKinds } from './schema.ts';

export { type EngagementKind, engagementKinds };
export type Engagement = repository.EngagementRow;
export type Action = repository.ActionWithMeeting;

export const engagementKindNames: Record<EngagementKind, string> = {
  channel_panel: 'Channel panel',
  community_safety_partnership: 'Community safety partnership',
  prevent_board: 'CONTEST or Prevent delivery board',
  regional_prevent_forum: 'Regional Prevent forum',
  childrens_safeguarding_partnership: 'Children’s safeguarding partnership',
  adults_safeguarding_partnership: 'Adults’ safeguarding partnership',
  community_of_practice: 'Community of practice event you hosted',
  other: 'Other multi-agency meeting',
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

/** One name per line, blank lines dropped. */
const lines = (label: string, max: number) =>
  z.preprocess(
    (v) =>
      (Array.isArray(v) ? v.join('\n') : typeof v === 'string' ? v : '')
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
    z
      .array(z.string().max(160, `Each line of ${label} must be 160 characters or fewer`))
      .max(max, `List up to ${max} in ${label}`),
  );

const engagementFields = z.object({
  kind: z.enum(engagementKinds, { error: 'Choose what kind of meeting or forum it was' }),
  title: required('the name of the meeting', 200),
  heldOn: realDate('Enter the date of the meeting'),
  ourAttendees: lines('who attended from your organisation', 30),
  partnerAgencies: lines('the partner agencies', 30),
  contribution: required('what your organisation contributed', 4_000),
});

/** Checks a meeting as the form gives it: every field, the date not in the future, no case-identifiable text. */
function validEngagement(input: unknown, today: string): repository.EngagementFields {
  const f = parseInput(engagementFields, input);
  const problems: Record<string, string> = {};
  if (f.heldOn > today) problems.heldOn = 'The date of the meeting must be today or in the past';
  if (f.ourAttendees.length === 0) problems.ourAttendees = 'Enter who attended from your organisation, one per line';
  if (Object.keys(problems).length) throw new InputError(problems);
  // The log is evidence shown to the board, the commissioner and the CQC: it records the work, never a person at risk.
  refuseIdentifyingText({
    title: { label: 'The name of the meeting', text: f.title },
    contribution: { label: 'What your organisation contributed', text: f.contribution },
  });
  return f;
}

const actionFields = z.object({
  description: required('the action', 500),
  owner: required('who owns the action', 160),
  dueOn: realDate('Enter the date the action is due'),
});

function validAction(input: unknown): repository.ActionFields {
  const f = parseInput(actionFields, input);
  refuseIdentifyingText({ description: { label: 'The action', text: f.description } });
  return f;
}

const orgOf = (ctx: RequestContext) => ctx.user.activeOrg.id;

// ---- the log ----

export type ActionStatus = 'done' | 'overdue' | 'open';
export const actionStatusOf = (a: Pick<repository.ActionRow, 'doneOn' | 'dueOn'>, today: string): ActionStatus =>
  a.doneOn ? 'done' : a.dueOn < today ? 'overdue' : 'open';

/** The log page: every meeting, the actions agreed, and the year's counts by kind and quarter. */
export async function partnershipLog(db: Db, ctx: RequestContext, today = todayInLondon()) {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = orgOf(ctx);
    const year = financialYearOf(today);
    // One after another: a transaction is one connection, which runs one statement at a time.
    const engagements = await repository.engagementsOf(tx, orgId);
    const actions = await repository.actionsOf(tx, orgId);
    const days = await repository.engagementDaysBetween(tx, orgId, `${year}-04-01`, `${year + 1}-03-31`);
    return {
      engagements,
      actions: actions.map((a) => ({ ...a, status: actionStatusOf(a, today) })),
      year,
      quarters: countsByQuarter(days, year),
    };
  });
}

export async function getEngagement(db: Db, ctx: RequestContext, id: string, today = todayInLondon()) {
  return withScope(db, ctx.scope, async (tx) => {
    const engagement = await repository.engagementById(tx, orgOf(ctx), id);
    if (!engagement) throw new NotFoundError('meeting');
    const actions = (await repository.actionsOf(tx, orgOf(ctx))).filter((a) => a.engagementId === id);
    return { engagement, actions: actions.map((a) => ({ ...a, status: actionStatusOf(a, today) })) };
  });
}

export async function recordEngagement(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()) {
  const fields = validEngagement(input, today);
  return withScope(db, ctx.scope, async (tx) => {
    const created = await repository.insertEngagement(tx, { ...fields, orgId: orgOf(ctx), recordedBy: ctx.user.id });
    await audit.record(tx, ctx.actor, {
      orgId: orgOf(ctx),
      action: 'partnership.recorded',
      recordType: 'partnership_engagement',
      recordId: created.id,
      details: { kind: fields.kind, heldOn: fields.heldOn },
    });
    return created;
  });
}

export async function changeEngagement(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  const fields = validEngagement(input, today);
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.engagementById(tx, orgOf(ctx), id))) throw new NotFoundError('meeting');
    await repository.updateEngagement(tx, orgOf(ctx), id, fields);
    await audit.record(tx, ctx.actor, {
      orgId: orgOf(ctx),
      action: 'partnership.changed',
      recordType: 'partnership_engagement',
      recordId: id,
      details: { kind: fields.kind, heldOn: fields.heldOn },
    });
  });
}

export async function removeEngagement(db: Db, ctx: RequestContext, id: string) {
  await withScope(db, ctx.scope, async (tx) => {
    const engagement = await repository.engagementById(tx, orgOf(ctx), id);
    if (!engagement) throw new NotFoundError('meeting');
    await repository.deleteEngagement(tx, orgOf(ctx), id);
    await audit.record(tx, ctx.actor, {
      orgId: orgOf(ctx),
      action: 'partnership.removed',
      recordType: 'partnership_engagement',
      recordId: id,
      details: { kind: engagement.kind, heldOn: engagement.heldOn, title: engagement.title },
    });
  });
}

export async function addAction(db: Db, ctx: RequestContext, engagementId: string, input: unknown) {
  const fields = validAction(input);
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.engagementById(tx, orgOf(ctx), engagementId))) throw new NotFoundError('meeting');
    const created = await repository.insertAction(tx, { ...fields, orgId: orgOf(ctx), engagementId });
    await audit.record(tx, ctx.actor, {
      orgId: orgOf(ctx),
      action: 'partnership.action-added',
      recordType: 'partnership_action',
      recordId: created.id,
      details: { engagementId, dueOn: fields.dueOn },
    });
  });
}

/** Marks an action done (today) or open again. */
export async function setActionDone(db: Db, ctx: RequestContext, id: string, done: boolean, today = todayInLondon()) {
  return withScope(db, ctx.scope, async (tx) => {
    const action = await repository.actionById(tx, orgOf(ctx), id);
    if (!action) throw new NotFoundError('action');
    await repository.setActionDone(tx, orgOf(ctx), id, done ? today : null);
    await audit.record(tx, ctx.actor, {
      orgId: orgOf(ctx),
      action: done ? 'partnership.action-done' : 'partnership.action-reopened',
      recordType: 'partnership_action',
      recordId: id,
      details: { engagementId: action.engagementId },
    });
    return action.engagementId;
  });
}

// ---- figures ----

export type QuarterCounts = { label: string; from: string; to: string; total: number; byKind: Record<EngagementKind, number> };

const noKinds = (): Record<EngagementKind, number> =>
  Object.fromEntries(engagementKinds.map((k) => [k, 0])) as Record<EngagementKind, number>;

/** The financial year's four quarters (April to June first), each with its meetings counted by kind. */
export function countsByQuarter(days: readonly { kind: EngagementKind; heldOn: string }[], year: number): QuarterCounts[] {
  const starts = [`${year}-04-01`, `${year}-07-01`, `${year}-10-01`, `${year + 1}-01-01`];
  const names = ['April to June', 'July to September', 'October to December', 'January to March'];
  return starts.map((from, i) => {
    const to = i < 3 ? (starts[i + 1] as string) : `${year + 1}-04-01`;
    const inQuarter = days.filter((d) => d.heldOn >= from && d.heldOn < to);
    const byKind = noKinds();
    for (const d of inQuarter) byKind[d.kind]++;
    return { label: `${names[i]} ${from.slice(0, 4)}`, from, to: addDays(to, -1), total: inQuarter.length, byKind };
  });
}

/** What the self-assessment, the board report and the CQC evidence read of the log. */
export type PartnershipFigures = {
  /** Meetings in the 12 months to the as-at date, by kind. */
  lastYear: { total: number; byKind: Record<EngagementKind, number> };
  /** The 12 months to the as-at date in four three-month periods, oldest first: how many meetings in each. */
  periods: { from: string; to: string; total: number }[];
  /** Agreed actions open and past their due date on the as-at date. */
  overdueActions: number;
  /** The financial year the as-at date falls in, by quarter. */
  year: number;
  quarters: QuarterCounts[];
};

/** The log's figures for one organisation, inside a transaction already scoped to it. */
export async function partnershipFiguresIn(tx: Tx, orgId: string, asAt: string): Promise<PartnershipFigures> {
  const year = financialYearOf(asAt);
  const yearAgo = addMonths(asAt, -12);
  const from = yearAgo < `${year}-04-01` ? yearAgo : `${year}-04-01`;
  const days = await repository.engagementDaysBetween(tx, orgId, from, asAt);
  const actions = await repository.actionsOf(tx, orgId);
  const lastYearDays = days.filter((d) => d.heldOn > yearAgo);
  const byKind = noKinds();
  for (const d of lastYearDays) byKind[d.kind]++;
  const periods = [3, 2, 1, 0].map((n) => {
    const after = addMonths(asAt, -3 * (n + 1));
    const upTo = addMonths(asAt, -3 * n);
    return {
      from: addDays(after, 1),
      to: upTo,
      total: lastYearDays.filter((d) => d.heldOn > after && d.heldOn <= upTo).length,
    };
  });
  return {
    lastYear: { total: lastYearDays.length, byKind },
    periods,
    overdueActions: actions.filter((a) => a.dueOn < asAt && (a.doneOn === null || a.doneOn > asAt)).length,
    year,
    quarters: countsByQuarter(days, year),
  };
}

/** As partnershipFiguresIn, for the signed-in person's organisation. */
export async function partnershipFigures(db: Db, ctx: RequestContext, asAt = todayInLondon()) {
  return withScope(db, ctx.scope, (tx) => partnershipFiguresIn(tx, orgOf(ctx), asAt));
}

/** The meetings of the 12 months to the as-at date, for the CQC evidence. */
export async function engagementsForEvidenceIn(tx: Tx, orgId: string, asAt: string): Promise<Engagement[]> {
  const yearAgo = addMonths(asAt, -12);
  return (await repository.engagementsOf(tx, orgId)).filter((e) => e.heldOn > yearAgo && e.heldOn <= asAt);
}

/** Overdue actions of the signed-in person's organisation, for the leads' home page. */
export async function overdueActionsFor(db: Db, ctx: RequestContext, today: string): Promise<Action[]> {
  return withScope(db, ctx.scope, async (tx) =>
    (await repository.actionsOf(tx, orgOf(ctx))).filter((a) => actionStatusOf(a, today) === 'overdue'),
  );
}

/** Every organisation's overdue actions, for the daily reminders. */
export async function overdueActions(db: Db, today: string): Promise<Action[]> {
  return repository.overdueActions(db, today);
}
