/*
 * Annual Prevent updates — briefings, newsletters, sessions — between the 3-yearly refreshers. They
 * are kept apart from training records: an update never changes an expiry or the compliance figures,
 * and is counted on its own (who in scope had one in the last 12 months).
 */
import { z } from 'zod';
import type { Db, Executor } from '../../../db/client.ts';
import { withScope } from '../../../db/tenancy.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { addMonths, isRealDate, todayInLondon } from '../../../platform/dates.ts';
import { InputError, NotFoundError } from '../../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../../platform/validation.ts';
import * as audit from '../../audit/service.ts';
import { shortText } from '../fields.ts';
import { percentOf } from '../rules.ts';
import { type TrainingLevel, trainingLevels, type UpdateGroupKind, type UpdateKind, updateKinds } from '../schema.ts';
import * as repository from './repository.ts';

export type Update = repository.UpdateWithCount;
export type Recipient = repository.Recipient;
export { updateKinds };

export const kindNames: Record<UpdateKind, string> = {
  briefing: 'Briefing',
  newsletter: 'Newsletter',
  session: 'Session',
};

export const audiences = ['people', 'department', 'staffGroup'] as const;
export const audienceNames: Record<(typeof audiences)[number], string> = {
  people: 'People chosen one by one',
  department: 'A whole department',
  staffGroup: 'A whole staff group',
};
export const groupKindNames: Record<UpdateGroupKind, string> = { department: 'Department', staffGroup: 'Staff group' };

/** An update counts for this long: the framework's annual update between refreshers. */
export const updateWindowMonths = 12;
/** Most numbers one update may list; a bigger audience is a department or staff group. */
const maxPeople = 2000;

const required = (max: number, missing: string, label: string) =>
  z.preprocess(blankToUndefined, z.string({ error: missing }).max(max, `${label} must be ${max} characters or fewer`));

const updateInput = z.object({
  kind: z.enum(updateKinds, { error: 'Choose the kind of update: briefing, newsletter or session' }),
  title: required(200, 'Enter the title of the update', 'Title'),
  heldOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date of the update' }).refine(isRealDate, 'Date of the update: enter a real date'),
  ),
  deliveredBy: required(120, 'Enter who delivered or sent the update', 'Delivered by'),
  audience: z.enum(audiences, { error: 'Choose who had the update' }),
  department: shortText(200, 'Department'),
  staffGroup: shortText(200, 'Staff group'),
  people: shortText(40000, 'The list of people'),
});

const numbersIn = (text: string | undefined) => [...new Set((text ?? '').split(/[\s,;]+/).filter(Boolean))];

/** The staff the update went to, and the group it names; every wrong field is named. */
async function recipientsFor(
  tx: Executor,
  orgId: string,
  fields: z.infer<typeof updateInput>,
): Promise<{ staffIds: string[]; groupKind: UpdateGroupKind | null; groupName: string | null }> {
  if (fields.audience === 'people') {
    const numbers = numbersIn(fields.people);
    if (numbers.length === 0)
      throw new InputError({ people: 'Enter the employee or assignment numbers of the people who had the update' });
    if (numbers.length > maxPeople)
      throw new InputError({
        people: `Enter at most ${maxPeople} numbers, or record the update for a department or staff group`,
      });
    const found = await repository.staffByNumbers(tx, orgId, numbers);
    const known = new Set(found.flatMap((s) => [s.employeeNumber, s.assignmentNumber]));
    const unknown = numbers.filter((n) => !known.has(n));
    if (unknown.length)
      throw new InputError({
        people: `No member of staff has the number ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}: check the list`,
      });
    return { staffIds: [...new Set(found.map((s) => s.id))], groupKind: null, groupName: null };
  }
  const kind: UpdateGroupKind = fields.audience;
  const name = fields[kind];
  const label = kind === 'department' ? 'department' : 'staff group';
  if (!name) throw new InputError({ [kind]: `Choose the ${label} that had the update` });
  const staffIds = await repository.staffInGroup(tx, orgId, kind, name, fields.heldOn);
  if (staffIds.length === 0)
    throw new InputError({ [kind]: `Nobody in the ${label} “${name}” was in scope on the date of the update` });
  return { staffIds, groupKind: kind, groupName: name };
}

export async function recordUpdate(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()) {
  const fields = parseInput(updateInput, input);
  if (fields.heldOn > today) throw new InputError({ heldOn: 'The date of the update cannot be in the future' });
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const { staffIds, groupKind, groupName } = await recipientsFor(tx, orgId, fields);
    const created = await repository.insertUpdate(
      tx,
      orgId,
      {
        kind: fields.kind,
        title: fields.title,
        heldOn: fields.heldOn,
        deliveredBy: fields.deliveredBy,
        groupKind,
        groupName,
        createdBy: ctx.user.id,
      },
      staffIds,
    );
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.update.recorded',
      recordType: 'training_update',
      recordId: created.id,
      details: { kind: fields.kind, heldOn: fields.heldOn, people: staffIds.length },
    });
    return created;
  });
}

export async function updates(db: Db, ctx: RequestContext): Promise<Update[]> {
  return withScope(db, ctx.scope, (tx) => repository.updatesOf(tx, ctx.user.activeOrg.id));
}

export async function updateDetail(
  db: Db,
  ctx: RequestContext,
  id: string,
): Promise<{ update: repository.UpdateRow; recipients: Recipient[] }> {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const update = await repository.updateById(tx, orgId, id);
    if (!update) throw new NotFoundError('annual update');
    return { update, recipients: await repository.recipientsOf(tx, orgId, id) };
  });
}

/** Removes an update recorded by mistake, with who had it. */
export async function removeUpdate(db: Db, ctx: RequestContext, id: string): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const update = await repository.updateById(tx, orgId, id);
    if (!update) throw new NotFoundError('annual update');
    await repository.deleteUpdate(tx, orgId, id);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.update.removed',
      recordType: 'training_update',
      recordId: id,
      details: { kind: update.kind, heldOn: update.heldOn },
    });
  });
}

// ---- figures ----

export type UpdateFigures = { inScope: number; updated: number; percent: number | null };
export type AnnualUpdateFigures = {
  asAt: string;
  /** Updates held after this date and by the as-at date count. */
  since: string;
  total: UpdateFigures;
  byLevel: (UpdateFigures & { level: TrainingLevel })[];
};

/**
 * Staff in scope on the date who had an annual update in the 12 months to it, of those in scope, per
 * required level and overall; inside a transaction already scoped to the organisation (the compliance
 * page, and any other module's figures).
 */
export async function annualUpdateFiguresIn(tx: Executor, orgId: string, asAt: string): Promise<AnnualUpdateFigures> {
  const since = addMonths(asAt, -updateWindowMonths);
  const rows = await repository.annualUpdateCounts(tx, orgId, since, asAt);
  const byLevel = trainingLevels.map((level) => {
    const found = rows.find((r) => r.level === level);
    const inScope = found?.inScope ?? 0;
    const updated = found?.updated ?? 0;
    return { level, inScope, updated, percent: percentOf(updated, inScope) };
  });
  const inScope = byLevel.reduce((sum, l) => sum + l.inScope, 0);
  const updated = byLevel.reduce((sum, l) => sum + l.updated, 0);
  return { asAt, since, total: { inScope, updated, percent: percentOf(updated, inScope) }, byLevel };
}
