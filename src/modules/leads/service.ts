import { z } from 'zod';
import type { Database, Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, isRealDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs/queue.ts';
import { commissionerLeadRoles } from '../../platform/permissions.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { notifyRoles } from '../notifications/service.ts';
import * as organisations from '../organisations/service.ts';
import * as users from '../users/service.ts';
import * as repository from './repository.ts';
import { type LeadPost, leadPosts } from './schema.ts';

export type Appointment = repository.AppointmentRow;
export { type LeadPost, leadPosts };

export const postNames: Record<LeadPost, string> = {
  accountable: 'Accountable Prevent lead',
  operational: 'Operational Prevent lead',
};

export type CurrentLeads = Record<LeadPost, Appointment | null>;

function currentOf(appointments: Appointment[], orgId: string): CurrentLeads {
  const find = (post: LeadPost) => appointments.find((a) => a.orgId === orgId && a.post === post) ?? null;
  return { accountable: find('accountable'), operational: find('operational') };
}

/** Current holders of both posts in each organisation given (a vacant post is null). */
export async function currentLeadsFor(
  db: Db,
  ctx: RequestContext,
  orgIds: readonly string[],
  today = todayInLondon(),
): Promise<Map<string, CurrentLeads>> {
  // The scope is widened to the organisations asked about, which the caller has already limited to those in reach.
  const rows = await withScope(db, { userId: ctx.user.id, orgIds }, (tx) => repository.currentOn(tx, orgIds, today));
  return new Map(orgIds.map((id) => [id, currentOf(rows, id)]));
}

/**
 * The holders of both posts on a day at each organisation given, in one query, in a unit of work the
 * caller has already scoped to them (assurance against the core standards reads them so).
 */
export async function currentLeadsOf(tx: Executor, orgIds: readonly string[], day: string): Promise<Map<string, CurrentLeads>> {
  const appointments = await repository.currentOn(tx, orgIds, day);
  return new Map(orgIds.map((orgId) => [orgId, currentOf(appointments, orgId)]));
}

export function vacantPosts(leads: CurrentLeads): LeadPost[] {
  return leadPosts.filter((post) => leads[post] === null);
}

export async function leadsPage(db: Db, ctx: RequestContext, today = todayInLondon()) {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const all = await repository.history(tx, orgId);
    const current = currentOf(await repository.currentOn(tx, [orgId], today), orgId);
    return { current, history: all };
  });
}

/** Who holds the posts in the person's own organisation: anyone who works there may know who their Prevent leads are. */
export async function ownLeads(db: Db, ctx: RequestContext, today = todayInLondon()): Promise<CurrentLeads> {
  const orgId = ctx.user.activeOrg.id;
  return currentOf(await withScope(db, ctx.scope, (tx) => repository.currentOn(tx, [orgId], today)), orgId);
}

export type Vacancy = { post: LeadPost; postName: string; since: string | null };

/**
 * The own organisation's vacant posts and since when (null: never held), for those who may record who
 * holds them; null for anyone else. An NHS England region holds no such posts.
 */
export async function vacanciesToFill(db: Db, ctx: RequestContext, today = todayInLondon()): Promise<Vacancy[] | null> {
  const org = ctx.user.activeOrg;
  if (!ctx.can.actFor(org.id, 'leads:edit') || org.kind === 'nhse_region') return null;
  return withScope(db, ctx.scope, async (tx) => {
    const vacant = vacantPosts(currentOf(await repository.currentOn(tx, [org.id], today), org.id));
    if (vacant.length === 0) return [];
    const all = await repository.history(tx, org.id);
    return vacant.map((post) => {
      const last = all.find((a) => a.post === post && a.endsOn !== null && a.endsOn < today);
      return { post, postName: postNames[post], since: last?.endsOn ? addDays(last.endsOn, 1) : null };
    });
  });
}

const day = (message: string) =>
  z.preprocess(blankToUndefined, z.string({ error: message }).refine(isRealDate, 'Enter a real date'));
const optionalText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const appointment = z.object({
  post: z.enum(leadPosts, { error: 'Choose which post' }),
  userId: z.preprocess(blankToUndefined, z.uuid({ error: 'Choose a person from the list' }).optional()),
  personName: optionalText(120, 'Name'),
  jobTitle: optionalText(120, 'Job title'),
  email: z.preprocess(
    blankToUndefined,
    z.email({ error: 'Enter an e-mail address in the correct format, like name@nhs.net' }).optional(),
  ),
  phone: optionalText(40, 'Phone number'),
  startsOn: day('Enter the date they took up the post'),
});

/**
 * Records who now holds a post. The previous holder's appointment ends the day before;
 * the commissioning ICB is told at once (in the app and by e-mail) by a job that commits with it.
 */
export async function appoint(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<Appointment> {
  const fields = parseInput(appointment, input);
  if (!fields.userId && !fields.personName) {
    throw new InputError({ userId: 'Choose a person from the list, or enter the name of someone who does not use the service' });
  }
  if (fields.startsOn > addDays(today, 366)) throw new InputError({ startsOn: 'The start date must be within the next year' });
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    let personName = fields.personName ?? '';
    let email = fields.email ?? null;
    if (fields.userId) {
      const member = await users.getMemberIn(tx, orgId, fields.userId);
      if (!member || member.user.deactivatedAt) throw new InputError({ userId: 'Choose a person from the list' });
      personName = member.user.displayName;
      email ??= member.user.email;
    }
    const previous = await repository.openFor(tx, orgId, fields.post);
    if (previous) {
      const samePerson = fields.userId
        ? previous.userId === fields.userId
        : previous.personName.toLowerCase() === personName.toLowerCase();
      if (samePerson)
        throw new InputError({ userId: `${previous.personName} is already the ${postNames[fields.post].toLowerCase()}` });
      if (fields.startsOn <= previous.startsOn) {
        throw new InputError({ startsOn: `The new lead must start after the current lead started (${previous.startsOn})` });
      }
      await repository.end(tx, orgId, previous.id, addDays(fields.startsOn, -1));
    }
    const created = await repository.insert(tx, {
      orgId,
      post: fields.post,
      userId: fields.userId ?? null,
      personName,
      jobTitle: fields.jobTitle ?? null,
      email,
      phone: fields.phone ?? null,
      startsOn: fields.startsOn,
      recordedBy: ctx.user.id,
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'lead.appointed',
      recordType: 'lead_appointment',
      recordId: created.id,
      details: { post: fields.post, personName, startsOn: fields.startsOn, previous: previous?.id ?? null },
    });
    await enqueueJob(tx, leadChangedJob, { appointmentId: created.id, change: 'appointed' });
    return created;
  });
}

const ending = z.object({ endsOn: day('Enter the last day in post') });

/** Ends an appointment with no successor yet: the post is vacant from the next day, and the ICB is told. */
export async function endAppointment(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const { endsOn } = parseInput(ending, input);
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    const found = await repository.byId(tx, orgId, id);
    if (!found) throw new NotFoundError('appointment');
    if (found.endsOn) throw new InputError({ endsOn: 'This appointment has already ended' });
    if (endsOn < found.startsOn)
      throw new InputError({ endsOn: `The last day cannot be before they started (${found.startsOn})` });
    await repository.end(tx, orgId, id, endsOn);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'lead.ended',
      recordType: 'lead_appointment',
      recordId: id,
      details: { post: found.post, endsOn },
    });
    await enqueueJob(tx, leadChangedJob, { appointmentId: id, change: 'ended' });
  });
}

export async function getAppointment(db: Db, ctx: RequestContext, id: string): Promise<Appointment> {
  const found = await withScope(db, ctx.scope, (tx) => repository.byId(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('appointment');
  return found;
}

/** Every organisation's vacant posts, for reminders; runs as the owner (from a job). */
export async function vacantPostsEverywhere(database: Database, today: string) {
  const everyone = await organisations.listAll(database.db);
  const current = await repository.currentOn(
    database.db,
    everyone.map((o) => o.id),
    today,
  );
  const vacancies: { org: organisations.Organisation; post: LeadPost; postName: string; since: string | null }[] = [];
  for (const org of everyone.filter((o) => o.kind !== 'nhse_region')) {
    const leads = currentOf(current, org.id);
    for (const post of vacantPosts(leads)) {
      const last = (await repository.history(database.db, org.id)).find((a) => a.post === post && a.endsOn !== null);
      vacancies.push({ org, post, postName: postNames[post], since: last?.endsOn ? addDays(last.endsOn, 1) : null });
    }
  }
  return vacancies;
}

export const leadChangedJob = 'leads.changed';

/** Tells the commissioning ICB's commissioner leads of a change of lead, and records when. */
export async function tellCommissioner(database: Database, payload: Record<string, unknown>): Promise<void> {
  const db = database.db;
  const found = await repository.anyById(db, String(payload.appointmentId));
  if (!found) return;
  const org = await organisations.findById(db, found.orgId);
  if (!org?.commissionerId) return;
  const post = postNames[found.post].toLowerCase();
  const message =
    payload.change === 'ended'
      ? {
          title: `${org.name}: ${post} post ends`,
          body: `${found.personName} leaves the post of ${post} at ${org.name} (${org.odsCode}) after ${found.endsOn}. The post will be vacant until a successor is recorded.`,
        }
      : {
          title: `${org.name}: new ${post}`,
          body: `${found.personName}${found.jobTitle ? `, ${found.jobTitle},` : ''} is the ${post} at ${org.name} (${org.odsCode}) from ${found.startsOn}.`,
        };
  await notifyRoles(database, org.commissionerId, commissionerLeadRoles, {
    kind: 'lead-changed',
    ...message,
    link: '/providers',
  });
  await repository.markCommissionerNotified(db, found.id, new Date());
}
