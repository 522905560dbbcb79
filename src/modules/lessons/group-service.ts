import { z } from 'zod';
import type { Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { refuseIdentifyingText } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as organisations from '../organisations/service.ts';
import * as repository from './repository.ts';
import type { PartnerKind } from './schema.ts';
import { actionFields, actionStatusField, actionStatusNames, optionalText, themeCounts } from './service.ts';

/**
 * The multi-agency lessons learned group a commissioner hosts. Its members are the commissioner and
 * the providers it commissions; they read the group's case studies, meetings and actions. Partner
 * agencies' members (police, local authority) have no account: the host records them, their
 * attendance and their actions. Only the host records meetings and actions; an action's owning
 * organisation may mark it done, and the host does so for a partner's.
 */
export type Group = {
  host: organisations.Organisation;
  members: organisations.Organisation[];
  /** Whether the person acts for the host, with the right to run the group. */
  isHost: boolean;
};

export const noGroup = 'Your organisation has no commissioner here, so it belongs to no lessons learned group';

export async function groupOf(db: Db, ctx: RequestContext): Promise<Group> {
  const area = await organisations.commissioningAreaOf(db, ctx.user.activeOrg.id);
  if (!area) throw new NotFoundError('learning group');
  return {
    host: area.commissioner,
    members: area.members,
    isHost: ctx.can.actFor(area.commissioner.id, 'learning:manage'),
  };
}

export function requireHost(group: Group): void {
  if (!group.isHost) throw new ForbiddenError('Only the commissioner hosting the group records its meetings and actions');
}

const nameIn = (group: Group) => {
  const names = new Map(group.members.map((o) => [o.id, o.name]));
  return (id: string) => names.get(id) ?? 'A former member';
};

export const partnerKindNames: Record<PartnerKind, string> = {
  police: 'Police',
  local_authority: 'Local authority',
  other: 'Other partner agency',
};

export type PartnerView = repository.PartnerMemberRow & { kindName: string; current: boolean };

const partnerView = (row: repository.PartnerMemberRow): PartnerView => ({
  ...row,
  kindName: partnerKindNames[row.kind],
  current: row.endedOn === null,
});

/** The group's partner members, current ones first (ended ones stay: past meetings and actions name them). */
export const partnersIn = async (tx: Executor, group: Group) => (await repository.partnersOf(tx, group.host.id)).map(partnerView);

export type GroupActionView = repository.GroupActionRow & {
  ownerOrgName: string;
  statusName: string;
  overdue: boolean;
  canChange: boolean;
};

const groupActionView = (
  group: Group,
  ctx: RequestContext,
  partners: readonly PartnerView[],
  row: repository.GroupActionRow,
  today: string,
): GroupActionView => {
  const partner = row.partnerMemberId ? partners.find((p) => p.id === row.partnerMemberId) : undefined;
  return {
    ...row,
    // A partner's action is the host's to track, so the host's leads change it and are reminded of it.
    ownerOrgName: partner ? `${partner.agency} (partner, tracked by ${group.host.name})` : nameIn(group)(row.ownerOrgId),
    statusName: actionStatusNames[row.status],
    overdue: row.status === 'open' && row.dueOn < today,
    canChange: group.isHost || row.ownerOrgId === ctx.user.activeOrg.id,
  };
};

const themeQuery = z.object({
  theme: z.preprocess(blankToUndefined, z.string().max(40, 'Choose a theme from the list').optional()),
});

/** The group's page: case studies (by theme, if one is chosen), the themes across them, meetings and actions. */
export async function groupPage(db: Db, ctx: RequestContext, query: unknown, today = todayInLondon()) {
  const { theme } = parseInput(themeQuery, query);
  const group = await groupOf(db, ctx);
  return withScope(db, ctx.scope, async (tx) => {
    const studies = await repository.groupCaseStudies(tx, group.host.id);
    const name = nameIn(group);
    const partners = await partnersIn(tx, group);
    const actions = (await repository.groupActionsOf(tx, group.host.id)).map((a) =>
      groupActionView(group, ctx, partners, a, today),
    );
    return {
      group,
      partners,
      theme: theme ?? null,
      themes: themeCounts(studies.map((s) => s.themes)),
      caseStudies: studies
        .filter((s) => !theme || s.themes.includes(theme))
        .map((s) => ({ id: s.id, title: s.title, themes: s.themes, from: name(s.fromOrgId), sharedAt: s.sharedAt })),
      meetings: await repository.meetingsOf(tx, group.host.id),
      actions,
      openActions: actions.filter((a) => a.status === 'open').length,
      overdueActions: actions.filter((a) => a.overdue).length,
    };
  });
}

/** A shared case study, as approved: each read is recorded. */
export async function readCaseStudy(db: Db, ctx: RequestContext, id: string) {
  const group = await groupOf(db, ctx);
  return withScope(db, ctx.scope, async (tx) => {
    const row = await repository.groupCaseStudyById(tx, group.host.id, id);
    if (!row) throw new NotFoundError('case study');
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'shared_case_study.read',
      recordType: 'shared_case_study',
      recordId: id,
      details: { group: group.host.odsCode },
    });
    return { group, caseStudy: { ...row, from: nameIn(group)(row.fromOrgId) } };
  });
}

// ---- meetings ----

const meetingFields = z.object({
  heldOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date of the meeting' }).refine(isRealDate, 'Enter a real date'),
  ),
  attendees: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter who attended' }).max(4000, 'Attendees must be 4000 characters or fewer'),
  ),
  // A form sends one ticked box as a string and several as a list.
  partnerIds: z.preprocess(
    (v) => (v === undefined || v === '' ? [] : [v].flat()),
    z.array(z.uuid({ error: 'Choose partner members of the group' })).max(100, 'Choose at most 100 partner members'),
  ),
  notes: optionalText('Notes', 10_000),
  agreedLearning: optionalText('Agreed learning', 10_000),
});

/**
 * The partner members ticked as attending: current members of the group, or, on a meeting already
 * recorded, those recorded before (their membership may have ended since).
 */
async function attendingPartners(tx: Executor, group: Group, ids: readonly string[], recorded: readonly string[] = []) {
  const partners = await partnersIn(tx, group);
  const unique = [...new Set(ids)];
  const allowed = (id: string) => partners.some((p) => p.id === id && (p.current || recorded.includes(id)));
  if (!unique.every(allowed)) throw new InputError({ partnerIds: 'Choose partner members of the group' });
  return unique;
}

function meetingRow(input: unknown, today: string) {
  const f = parseInput(meetingFields, input);
  if (f.heldOn > today)
    throw new InputError({ heldOn: 'Record a meeting once it has been held: the date cannot be in the future' });
  // Every member organisation reads the meeting (who attended is listed by name and role on purpose).
  refuseIdentifyingText({
    notes: { label: 'The notes', text: f.notes },
    agreedLearning: { label: 'The agreed learning', text: f.agreedLearning },
  });
  return {
    fields: { heldOn: f.heldOn, attendees: f.attendees, notes: f.notes ?? null, agreedLearning: f.agreedLearning ?? null },
    partnerIds: f.partnerIds,
  };
}

export async function addMeeting(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<string> {
  const group = await groupOf(db, ctx);
  requireHost(group);
  const { fields, partnerIds } = meetingRow(input, today);
  return withScope(db, ctx.scope, async (tx) => {
    const partners = await attendingPartners(tx, group, partnerIds);
    const meeting = await repository.insertMeeting(tx, { groupOrgId: group.host.id, ...fields });
    await repository.setMeetingPartners(tx, group.host.id, meeting.id, partners);
    await audit.record(tx, ctx.actor, {
      orgId: group.host.id,
      action: 'learning_meeting.added',
      recordType: 'learning_meeting',
      recordId: meeting.id,
      details: { heldOn: fields.heldOn, partners: partners.length },
    });
    return meeting.id;
  });
}

export async function getMeeting(db: Db, ctx: RequestContext, id: string, today = todayInLondon()) {
  const group = await groupOf(db, ctx);
  return withScope(db, ctx.scope, async (tx) => {
    const meeting = await repository.meetingById(tx, group.host.id, id);
    if (!meeting) throw new NotFoundError('meeting');
    const partners = await partnersIn(tx, group);
    const attendingIds = await repository.meetingPartnerIds(tx, group.host.id, id);
    const actions = (await repository.groupActionsOf(tx, group.host.id))
      .filter((a) => a.meetingId === id)
      .map((a) => groupActionView(group, ctx, partners, a, today));
    return {
      group,
      meeting,
      actions,
      partners,
      partnerAttendees: partners.filter((p) => attendingIds.includes(p.id)),
    };
  });
}

export async function updateMeeting(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  const group = await groupOf(db, ctx);
  requireHost(group);
  const { fields, partnerIds } = meetingRow(input, today);
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.meetingById(tx, group.host.id, id))) throw new NotFoundError('meeting');
    const recorded = await repository.meetingPartnerIds(tx, group.host.id, id);
    const partners = await attendingPartners(tx, group, partnerIds, recorded);
    await repository.updateMeeting(tx, group.host.id, id, fields);
    await repository.setMeetingPartners(tx, group.host.id, id, partners);
    await audit.record(tx, ctx.actor, {
      orgId: group.host.id,
      action: 'learning_meeting.updated',
      recordType: 'learning_meeting',
      recordId: id,
      details: { heldOn: fields.heldOn, partners: partners.length },
    });
  });
}

// ---- actions ----

/** The owner list's value for a partner member: an organisation's is its id. */
const partnerPrefix = 'partner:';
const ownerPattern = /^(partner:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const groupActionFields = actionFields.extend({
  ownerOrgId: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Choose the organisation that owns the action' }).regex(ownerPattern, 'Choose an owner from the list'),
  ),
  // Named by the partner member chosen; for an organisation, the person who will do it.
  owner: optionalText('The owner', 120),
  meetingId: z.preprocess(blankToUndefined, z.uuid({ error: 'Choose a meeting from the list' }).optional()),
});

/** Who owns the action: a member organisation (and a person in it), or a current partner member the host tracks it for. */
async function ownerOf(tx: Executor, group: Group, chosen: string, owner: string | undefined) {
  if (chosen.startsWith(partnerPrefix)) {
    const partner = await repository.partnerById(tx, group.host.id, chosen.slice(partnerPrefix.length).toLowerCase());
    if (!partner || partner.endedOn) throw new InputError({ ownerOrgId: 'Choose a current partner member of the group' });
    return { ownerOrgId: group.host.id, partnerMemberId: partner.id, owner: partner.name };
  }
  if (!group.members.some((o) => o.id === chosen)) throw new InputError({ ownerOrgId: 'Choose an organisation in the group' });
  if (!owner) throw new InputError({ owner: 'Enter who owns the action' });
  return { ownerOrgId: chosen, partnerMemberId: null, owner };
}

/** An action the group agreed, owned by someone in any member organisation, or by a partner member. */
export async function addGroupAction(db: Db, ctx: RequestContext, input: unknown): Promise<string> {
  const group = await groupOf(db, ctx);
  requireHost(group);
  const f = parseInput(groupActionFields, input);
  refuseIdentifyingText({ description: { label: 'The action', text: f.description } });
  return withScope(db, ctx.scope, async (tx) => {
    const owner = await ownerOf(tx, group, f.ownerOrgId, f.owner);
    if (f.meetingId && !(await repository.meetingById(tx, group.host.id, f.meetingId)))
      throw new InputError({ meetingId: 'Choose one of the group’s meetings' });
    const action = await repository.insertGroupAction(tx, {
      groupOrgId: group.host.id,
      meetingId: f.meetingId ?? null,
      description: f.description,
      ...owner,
      dueOn: f.dueOn,
    });
    await audit.record(tx, ctx.actor, {
      orgId: group.host.id,
      action: 'learning_action.added',
      recordType: 'learning_action',
      recordId: action.id,
      details: { ownerOrgId: owner.ownerOrgId, partnerMemberId: owner.partnerMemberId, dueOn: f.dueOn },
    });
    return action.id;
  });
}

/** The host, or the organisation that owns the action, marks it done (or open again). */
export async function setGroupActionStatus(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const { status } = parseInput(actionStatusField, input);
  const group = await groupOf(db, ctx);
  await withScope(db, ctx.scope, async (tx) => {
    const action = await repository.groupActionById(tx, group.host.id, id);
    if (!action) throw new NotFoundError('action');
    if (!group.isHost && action.ownerOrgId !== ctx.user.activeOrg.id)
      throw new ForbiddenError('Only the host or the organisation that owns the action can change it');
    await repository.setGroupActionStatus(tx, id, status, status === 'done' ? (action.doneOn ?? today) : null);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: status === 'done' ? 'learning_action.done' : 'learning_action.reopened',
      recordType: 'learning_action',
      recordId: id,
      details: { group: group.host.odsCode },
    });
  });
}

export const ownerItems = (group: Group, partners: readonly PartnerView[], selected?: unknown) => [
  { value: '', text: 'Choose an organisation or partner member' },
  ...group.members.map((o) => ({ value: o.id, text: o.name, selected: o.id === selected })),
  ...partners
    .filter((p) => p.current)
    .map((p) => ({
      value: `${partnerPrefix}${p.id}`,
      text: `${p.name}, ${p.agency} (partner member)`,
      selected: `${partnerPrefix}${p.id}` === selected,
    })),
];
