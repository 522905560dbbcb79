import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as repository from './repository.ts';
import { type TargetStatus, targetStatuses } from './schema.ts';
import { personIn } from './service.ts';

/*
 * A Prevent lead's development plan: targets with a due date and a status. A target not met by its due
 * date is overdue, which the self-assessment reads.
 */

export { type TargetStatus, targetStatuses };
export type TargetRow = repository.TargetRow;

export const targetStatusNames: Record<TargetStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  met: 'Met',
};

const targetFields = z.object({
  description: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the target' }).max(300, 'The target must be 300 characters or fewer'),
  ),
  dueOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date the target is due' }).refine(isRealDate, 'The due date must be a real date'),
  ),
  status: z.enum(targetStatuses, { error: 'Choose the status of the target' }),
});

function targetRow(input: unknown, today: string, metBefore: string | null): repository.TargetFields {
  const fields = parseInput(targetFields, input);
  // The day it was met is kept while it stays met, so that a later edit does not move it.
  const metOn = fields.status === 'met' ? (metBefore ?? today) : null;
  return { description: fields.description, dueOn: fields.dueOn, status: fields.status, metOn };
}

async function recordTarget(
  tx: Tx,
  ctx: RequestContext,
  action: string,
  target: repository.TargetFields & { id: string; userId: string },
) {
  await audit.record(tx, ctx.actor, {
    orgId: ctx.user.activeOrg.id,
    action,
    recordType: 'development_target',
    recordId: target.id,
    details: { person: target.userId, dueOn: target.dueOn, status: target.status },
  });
}

/** Adds a target to a lead's plan; anyone who is not a lead of the organisation is not found. */
export async function addTarget(
  db: Db,
  ctx: RequestContext,
  userId: string,
  input: unknown,
  today = todayInLondon(),
): Promise<TargetRow> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    await personIn(tx, orgId, userId, today, { lead: true });
    const row = targetRow(input, today, null);
    const created = await repository.insertTarget(tx, { ...row, orgId, userId, setOn: today });
    await recordTarget(tx, ctx, 'development.target.added', created);
    return created;
  });
}

export async function getTarget(db: Db, ctx: RequestContext, id: string): Promise<TargetRow> {
  const found = await withScope(db, ctx.scope, (tx) => repository.targetById(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('target');
  return found;
}

export async function updateTarget(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<TargetRow> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const found = await repository.targetById(tx, orgId, id);
    if (!found) throw new NotFoundError('target');
    const row = targetRow(input, today, found.metOn);
    await repository.updateTarget(tx, orgId, id, row);
    await recordTarget(tx, ctx, 'development.target.updated', { ...row, id, userId: found.userId });
    return { ...found, ...row };
  });
}

export async function removeTarget(db: Db, ctx: RequestContext, id: string): Promise<TargetRow> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const found = await repository.targetById(tx, orgId, id);
    if (!found) throw new NotFoundError('target');
    await repository.archiveTarget(tx, orgId, id);
    await recordTarget(tx, ctx, 'development.target.removed', found);
    return found;
  });
}
