import { z } from 'zod';
import type { Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as repository from './repository.ts';
import { type ContactRole, contactRoles } from './schema.ts';

export type Contact = repository.ContactRow;
export { type ContactRole, contactRoles };

export const contactRoleNames: Record<ContactRole, string> = {
  ctp_lead: 'Counter Terrorism Policing lead',
  local_authority_prevent_lead: 'Local authority Prevent lead',
  channel_panel_chair: 'Channel panel chair',
  home_office_lead: 'Home Office lead',
  regional_prevent_forum: 'Regional Prevent forum',
  community_safety_partnership: 'Community safety partnership',
  prevent_board: 'CONTEST or Prevent delivery board',
  childrens_safeguarding_partnership: 'Children’s safeguarding partnership',
  adults_safeguarding_partnership: 'Adults’ safeguarding partnership',
  other: 'Other partner',
};

const text = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const contactFields = z.object({
  role: z.enum(contactRoles, { error: 'Choose the contact’s role' }),
  name: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the contact’s name' }).max(120, 'Name must be 120 characters or fewer'),
  ),
  organisation: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the contact’s organisation' }).max(160, 'Organisation must be 160 characters or fewer'),
  ),
  email: z.preprocess(
    blankToUndefined,
    z.email({ error: 'Enter an e-mail address in the correct format, like name@police.uk' }).optional(),
  ),
  phone: text(40, 'Phone number'),
  notes: text(2000, 'Notes'),
  lastContactOn: z.preprocess(blankToUndefined, z.string().refine(isRealDate, 'Enter a real date').optional()),
  sharedWithProviders: z.preprocess((v) => v === 'yes' || v === true, z.boolean()),
});

function toRow(ctx: RequestContext, input: unknown, today: string): repository.ContactFields {
  const fields = parseInput(contactFields, input);
  if (fields.lastContactOn && fields.lastContactOn > today)
    throw new InputError({ lastContactOn: 'The date of last contact cannot be in the future' });
  if (fields.sharedWithProviders && ctx.user.activeOrg.kind !== 'icb') {
    throw new InputError({ sharedWithProviders: 'Only a commissioning ICB shares contacts with its providers' });
  }
  return {
    role: fields.role,
    name: fields.name,
    organisation: fields.organisation,
    email: fields.email ?? null,
    phone: fields.phone ?? null,
    notes: fields.notes ?? null,
    lastContactOn: fields.lastContactOn ?? null,
    sharedWithProviders: fields.sharedWithProviders,
  };
}

/** The organisation's own directory, and what its commissioner shares with it. */
export async function directory(db: Db, ctx: RequestContext): Promise<{ own: Contact[]; fromCommissioner: Contact[] }> {
  return withScope(db, ctx.scope, (tx) => directoryIn(tx, ctx.user.activeOrg.id));
}

/** As directory, for one organisation inside a transaction already scoped to it (the CQC evidence). */
export async function directoryIn(tx: Executor, orgId: string): Promise<{ own: Contact[]; fromCommissioner: Contact[] }> {
  return { own: await repository.ofOrganisation(tx, orgId), fromCommissioner: await repository.sharedWith(tx, orgId) };
}

export async function getContact(db: Db, ctx: RequestContext, id: string): Promise<Contact> {
  const found = await withScope(db, ctx.scope, (tx) => repository.byId(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('contact');
  return found;
}

export async function addContact(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<Contact> {
  const row = toRow(ctx, input, today);
  return withScope(db, ctx.scope, async (tx) => {
    const created = await repository.insert(tx, ctx.user.activeOrg.id, row);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'contact.added',
      recordType: 'contact',
      recordId: created.id,
      details: { role: row.role, shared: row.sharedWithProviders ?? false },
    });
    return created;
  });
}

export async function updateContact(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const row = toRow(ctx, input, today);
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.byId(tx, ctx.user.activeOrg.id, id))) throw new NotFoundError('contact');
    await repository.update(tx, ctx.user.activeOrg.id, id, row);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'contact.updated',
      recordType: 'contact',
      recordId: id,
      details: { role: row.role, shared: row.sharedWithProviders ?? false },
    });
  });
}

export async function removeContact(db: Db, ctx: RequestContext, id: string): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.byId(tx, ctx.user.activeOrg.id, id))) throw new NotFoundError('contact');
    await repository.archive(tx, ctx.user.activeOrg.id, id);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'contact.removed',
      recordType: 'contact',
      recordId: id,
    });
  });
}
