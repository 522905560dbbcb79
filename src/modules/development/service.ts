import { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addMonths, isRealDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { type Role, roleNames } from '../../platform/permissions.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as leads from '../leads/service.ts';
import * as users from '../users/service.ts';
import * as repository from './repository.ts';
import { type ActivityKind, activityKinds } from './schema.ts';

export { type ActivityKind, activityKinds };
export type Activity = repository.ActivityRow;

export const activityKindNames: Record<ActivityKind, string> = {
  course: 'Course',
  supervision: 'Supervision',
  conference: 'Conference',
  national_update: 'National Prevent update',
  regional_update: 'Regional Prevent update',
  other: 'Other',
};

/** Sums of hours kept to the hundredth, as they are recorded, without floating-point dust. */
const roundHours = (n: number) => Math.round(n * 100) / 100;

/** Development counts over the 12 months to a day, as the core standards' "ongoing" programme is read. */
export const windowMonths = 12;

/** Whose development the core standards ask about: the Prevent leads (a commissioner lead is the ICB's) and safeguarding practitioners. */
const leadRoles: readonly Role[] = ['accountable_lead', 'operational_lead', 'commissioner_lead'];
const practitionerRole: Role = 'safeguarding_practitioner';

export type Person = {
  userId: string;
  name: string;
  /** A lead has a development plan; a safeguarding practitioner has development records only. */
  isLead: boolean;
  /** "Operational Prevent lead", or the roles they hold. */
  roleLabel: string;
};

/**
 * The organisation's Prevent leads and safeguarding practitioners today: whoever holds a lead post (with an
 * account) or a lead role, then whoever holds the practitioner role, each once.
 */
async function peopleIn(tx: Executor, orgId: string, today: string): Promise<Person[]> {
  const held = (await leads.currentLeadsOf(tx, [orgId], today)).get(orgId);
  const people = new Map<string, Person>();
  for (const post of leads.leadPosts) {
    const appointment = held?.[post];
    if (!appointment?.userId) continue;
    const known = people.get(appointment.userId);
    const label = leads.postNames[post];
    people.set(appointment.userId, {
      userId: appointment.userId,
      name: appointment.personName,
      isLead: true,
      roleLabel: known ? `${known.roleLabel} and ${label.toLowerCase()}` : label,
    });
  }
  for (const role of [...leadRoles, practitionerRole]) {
    for (const holder of await users.activeHoldersOfRoles(tx, orgId, [role])) {
      const known = people.get(holder.id);
      if (known) continue;
      people.set(holder.id, {
        userId: holder.id,
        name: holder.displayName,
        isLead: role !== practitionerRole,
        roleLabel: roleNames[role],
      });
    }
  }
  return [...people.values()];
}

/** A lead or practitioner of the organisation; anyone else, or a practitioner when a lead is asked for, is not found. */
export async function personIn(
  tx: Executor,
  orgId: string,
  userId: string,
  today: string,
  { lead = false } = {},
): Promise<Person> {
  const found = (await peopleIn(tx, orgId, today)).find((p) => p.userId === userId);
  if (!found || (lead && !found.isLead)) throw new NotFoundError('person');
  return found;
}

export type PersonSummary = Person & {
  activities: number;
  hours: number;
  lastOn: string | null;
  openTargets: number;
  overdueTargets: number;
};

/** The list page: each lead and practitioner with their activities, hours in the last 12 months and plan. */
export async function developmentList(
  db: Db,
  ctx: RequestContext,
  today = todayInLondon(),
): Promise<{ leads: PersonSummary[]; practitioners: PersonSummary[] }> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const people = await peopleIn(tx, orgId, today);
    const totals = await repository.activityTotalsOf(tx, [orgId], addMonths(today, -windowMonths), today);
    const targets = await repository.targetTotalsOf(tx, [orgId], today);
    const summaries = people.map((person): PersonSummary => {
      const t = totals.find((row) => row.userId === person.userId);
      const plan = targets.find((row) => row.userId === person.userId);
      return {
        ...person,
        activities: t?.everActivities ?? 0,
        hours: t?.hours ?? 0,
        lastOn: t?.lastOn ?? null,
        openTargets: plan?.open ?? 0,
        overdueTargets: plan?.overdue ?? 0,
      };
    });
    const byName = (a: PersonSummary, b: PersonSummary) => a.name.localeCompare(b.name);
    return {
      leads: summaries.filter((s) => s.isLead).sort(byName),
      practitioners: summaries.filter((s) => !s.isLead).sort(byName),
    };
  });
}

export type Target = repository.TargetRow & { overdue: boolean };

export type PersonPage = {
  person: Person;
  activities: Activity[];
  hoursInWindow: number;
  targets: Target[];
};

const isOverdue = (t: repository.TargetRow, today: string) => t.status !== 'met' && t.dueOn < today;

/** A person's page: their activities, newest first, and a lead's plan. Anyone not in the organisation is not found. */
export async function personPage(db: Db, ctx: RequestContext, userId: string, today = todayInLondon()): Promise<PersonPage> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const person = await personIn(tx, orgId, userId, today);
    const activities = await repository.activitiesOf(tx, orgId, userId);
    const after = addMonths(today, -windowMonths);
    const hoursInWindow = activities
      .filter((a) => a.heldOn > after && a.heldOn <= today)
      .reduce((sum, a) => sum + Number(a.hours), 0);
    const targets = person.isLead
      ? (await repository.targetsOf(tx, orgId, userId)).map((t) => ({ ...t, overdue: isOverdue(t, today) }))
      : [];
    return { person, activities, hoursInWindow: roundHours(hoursInWindow), targets };
  });
}

/** A person of the organisation, for a form's heading; a practitioner when `lead` is asked for is not found. */
export async function getPerson(
  db: Db,
  ctx: RequestContext,
  userId: string,
  { lead = false } = {},
  today = todayInLondon(),
): Promise<Person> {
  return withScope(db, ctx.scope, (tx) => personIn(tx, ctx.user.activeOrg.id, userId, today, { lead }));
}

const requiredText = (max: number, missing: string, label: string) =>
  z.preprocess(blankToUndefined, z.string({ error: missing }).max(max, `${label} must be ${max} characters or fewer`));

/** Hours as typed: a number with at most two decimal places, more than 0 and at most 100. */
const hours = z.preprocess(
  blankToUndefined,
  z
    .string({ error: 'Enter the hours, like 1.5' })
    .regex(/^\d{1,3}(\.\d{1,2})?$|^\.\d{1,2}$/, 'Enter the hours as a number, like 1.5, with no more than 2 decimal places')
    .transform(Number)
    .refine((n) => n > 0, 'The hours must be more than 0')
    .refine((n) => n <= 100, 'The hours must be 100 or fewer'),
);

const activityFields = z.object({
  kind: z.enum(activityKinds, { error: 'Choose the kind of activity' }),
  heldOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date of the activity' }).refine(isRealDate, 'The date of the activity must be a real date'),
  ),
  hours,
  title: requiredText(160, 'Enter the title of the activity', 'Title'),
  provider: requiredText(160, 'Enter who provided it', 'Provider'),
  evidence: z.preprocess(blankToUndefined, z.string().max(200, 'Evidence must be 200 characters or fewer').optional()),
});

function activityRow(input: unknown, today: string): repository.ActivityFields {
  const fields = parseInput(activityFields, input);
  if (fields.heldOn > today) throw new InputError({ heldOn: 'The date of the activity cannot be in the future' });
  return {
    kind: fields.kind,
    heldOn: fields.heldOn,
    hours: fields.hours.toFixed(2),
    title: fields.title,
    provider: fields.provider,
    evidence: fields.evidence ?? null,
  };
}

async function recordActivity(
  tx: Tx,
  ctx: RequestContext,
  action: string,
  activity: repository.ActivityFields & { id: string; userId: string },
) {
  await audit.record(tx, ctx.actor, {
    orgId: ctx.user.activeOrg.id,
    action,
    recordType: 'development_activity',
    recordId: activity.id,
    details: { person: activity.userId, kind: activity.kind, heldOn: activity.heldOn, hours: activity.hours },
  });
}

export async function addActivity(
  db: Db,
  ctx: RequestContext,
  userId: string,
  input: unknown,
  today = todayInLondon(),
): Promise<Activity> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    await personIn(tx, orgId, userId, today);
    const row = activityRow(input, today);
    const created = await repository.insertActivity(tx, { ...row, orgId, userId, recordedBy: ctx.user.id });
    await recordActivity(tx, ctx, 'development.activity.added', created);
    return created;
  });
}

export async function getActivity(db: Db, ctx: RequestContext, id: string): Promise<Activity> {
  const found = await withScope(db, ctx.scope, (tx) => repository.activityById(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('activity');
  return found;
}

export async function updateActivity(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<Activity> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const found = await repository.activityById(tx, orgId, id);
    if (!found) throw new NotFoundError('activity');
    const row = activityRow(input, today);
    await repository.updateActivity(tx, orgId, id, row);
    await recordActivity(tx, ctx, 'development.activity.updated', { ...row, id, userId: found.userId });
    return { ...found, ...row };
  });
}

export async function removeActivity(db: Db, ctx: RequestContext, id: string): Promise<Activity> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const found = await repository.activityById(tx, orgId, id);
    if (!found) throw new NotFoundError('activity');
    await repository.archiveActivity(tx, orgId, id);
    await recordActivity(tx, ctx, 'development.activity.removed', found);
    return found;
  });
}

/** One person's development as at a day: over the 12 months to it, and their plan's targets open then. */
export type PersonFigures = {
  /** Their account; null for a lead in post with no account. */
  userId: string | null;
  name: string;
  /** A lead in post with no account has no development records in the service. */
  hasAccount: boolean;
  activities: number;
  hours: number;
  lastOn: string | null;
  openTargets: number;
  overdueTargets: number;
};

export type DevelopmentFigures = {
  /** Each person in a lead post on the day (someone holding both posts once), with the posts they hold. */
  leads: (PersonFigures & { posts: leads.LeadPost[] })[];
  /** The safeguarding practitioners (today's holders of the role, leads in post aside), as counts. */
  practitioners: { people: number; withDevelopment: number; activities: number; hours: number };
};

/**
 * The development of each organisation's Prevent leads in post and its safeguarding practitioners as at a day,
 * in a unit of work the caller has already scoped to the organisations (the self-assessment and the board report).
 */
export async function developmentFiguresOf(
  tx: Executor,
  orgIds: readonly string[],
  asAt: string,
): Promise<Map<string, DevelopmentFigures>> {
  const leadsOf = await leads.currentLeadsOf(tx, orgIds, asAt);
  const totals = await repository.activityTotalsOf(tx, orgIds, addMonths(asAt, -windowMonths), asAt);
  const targets = await repository.targetTotalsOf(tx, orgIds, asAt);
  const figuresOf = (orgId: string, userId: string | null, name: string): PersonFigures => {
    const t = userId ? totals.find((row) => row.orgId === orgId && row.userId === userId) : undefined;
    const plan = userId ? targets.find((row) => row.orgId === orgId && row.userId === userId) : undefined;
    return {
      userId,
      name,
      hasAccount: userId !== null,
      activities: t?.activities ?? 0,
      hours: t?.hours ?? 0,
      lastOn: t?.lastOn ?? null,
      openTargets: plan?.open ?? 0,
      overdueTargets: plan?.overdue ?? 0,
    };
  };
  const result = new Map<string, DevelopmentFigures>();
  for (const orgId of orgIds) {
    const inPost: DevelopmentFigures['leads'] = [];
    for (const post of leads.leadPosts) {
      const appointment = leadsOf.get(orgId)?.[post];
      if (!appointment) continue;
      const same = inPost.find((l) => (appointment.userId ? l.userId === appointment.userId : l.name === appointment.personName));
      if (same) same.posts.push(post);
      else inPost.push({ ...figuresOf(orgId, appointment.userId, appointment.personName), posts: [post] });
    }
    const leadIds = new Set(inPost.map((l) => l.userId));
    const practitioners = (await users.activeHoldersOfRoles(tx, orgId, [practitionerRole]))
      .filter((p) => !leadIds.has(p.id))
      .map((p) => figuresOf(orgId, p.id, p.displayName));
    result.set(orgId, {
      leads: inPost,
      practitioners: {
        people: practitioners.length,
        withDevelopment: practitioners.filter((p) => p.activities > 0).length,
        activities: practitioners.reduce((sum, p) => sum + p.activities, 0),
        hours: roundHours(practitioners.reduce((sum, p) => sum + p.hours, 0)),
      },
    });
  }
  return result;
}

/** developmentFiguresOf for one organisation. */
export async function developmentFiguresIn(tx: Executor, orgId: string, asAt: string): Promise<DevelopmentFigures> {
  return (await developmentFiguresOf(tx, [orgId], asAt)).get(orgId) as DevelopmentFigures;
}
