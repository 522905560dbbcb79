import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { groupOf, partnerKindNames, requireHost } from './group-service.ts';
import * as repository from './repository.ts';
import { partnerKinds } from './schema.ts';

/**
 * The learning group's partner members: people from police, a local authority's Prevent team or another
 * agency, recorded by the host. Every member organisation reads their names and agencies, as it reads
 * who attended a meeting: they sit in the group in that role on purpose.
 */
const partnerFields = z.object({
  name: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the partner member’s name' }).max(120, 'The name must be 120 characters or fewer'),
  ),
  agency: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Enter the agency they come from, like Counter Terrorism Policing' })
      .max(120, 'The agency must be 120 characters or fewer'),
  ),
  kind: z.enum(partnerKinds, { error: 'Choose the kind of agency: police, local authority or other' }),
});

export const partnerKindItems = (selected: unknown) =>
  partnerKinds.map((value) => ({ value, text: partnerKindNames[value], checked: value === selected }));

export async function addPartner(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<string> {
  const group = await groupOf(db, ctx);
  requireHost(group);
  const f = parseInput(partnerFields, input);
  return withScope(db, ctx.scope, async (tx) => {
    const partner = await repository.insertPartner(tx, { orgId: group.host.id, ...f, joinedOn: today });
    await audit.record(tx, ctx.actor, {
      orgId: group.host.id,
      action: 'learning_partner.added',
      recordType: 'learning_partner_member',
      recordId: partner.id,
      details: { agency: f.agency, kind: f.kind },
    });
    return partner.id;
  });
}

/** Ends the membership: the partner stays named on the meetings they attended and the actions they owned. */
export async function endPartner(db: Db, ctx: RequestContext, id: string, today = todayInLondon()): Promise<void> {
  const group = await groupOf(db, ctx);
  requireHost(group);
  await withScope(db, ctx.scope, async (tx) => {
    const partner = await repository.partnerById(tx, group.host.id, id);
    if (!partner) throw new NotFoundError('partner member');
    // A membership ended the day it started keeps its order (ended on or after it began).
    const endedOn = today < partner.joinedOn ? partner.joinedOn : today;
    if (!(await repository.endPartner(tx, group.host.id, id, endedOn)))
      throw new InputError({ partner: 'This partner member’s membership has already ended' });
    await audit.record(tx, ctx.actor, {
      orgId: group.host.id,
      action: 'learning_partner.ended',
      recordType: 'learning_partner_member',
      recordId: id,
      details: { agency: partner.agency, endedOn },
    });
  });
}
