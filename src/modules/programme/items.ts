import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as users from '../users/service.ts';
import type { ItemRow, ProgrammeRow } from './repository.ts';
import * as repository from './repository.ts';
import { type EvidenceLink, type ItemStatus, itemStatuses, type ProgrammeArea, programmeAreas } from './schema.ts';
import { programmeFor, yearOf } from './years.ts';

/* The programme's items, the actions that make up the year's work: their rules, and adding, changing and deleting them. */

/** Evidence rows a form offers: a label and a web address each. */
export const maxEvidenceLinks = 10;

const optionalText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const itemFields = z.object({
  title: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter what the item is' }).max(200, 'The item must be 200 characters or fewer'),
  ),
  ownerUserId: z.preprocess(blankToUndefined, z.uuid({ error: 'Choose a person from the list' }).optional()),
  ownerName: optionalText(120, 'The owner’s name'),
  dueOn: z.preprocess(blankToUndefined, z.string({ error: 'Enter the date it is due' }).refine(isRealDate, 'Enter a real date')),
  status: z.enum(itemStatuses, { error: 'Choose the item’s status' }),
  notes: optionalText(5000, 'Notes'),
});

const areaField = z.object({
  area: z.enum(programmeAreas, { error: 'Choose the part of the standard this item covers' }),
});

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/** Evidence rows from the form (evidence0Label, evidence0Url, …): a blank row is skipped, a half-filled one is an error. */
export function parseEvidence(input: Record<string, unknown>): EvidenceLink[] {
  const links: EvidenceLink[] = [];
  const errors: Record<string, string> = {};
  for (let i = 0; i < maxEvidenceLinks; i++) {
    const label = blankToUndefined(input[`evidence${i}Label`]);
    const url = blankToUndefined(input[`evidence${i}Url`]);
    if (label === undefined && url === undefined) continue;
    if (typeof label !== 'string') errors[`evidence${i}Label`] = 'Enter a label for this link';
    else if (label.length > 200) errors[`evidence${i}Label`] = 'The label must be 200 characters or fewer';
    if (typeof url !== 'string') errors[`evidence${i}Url`] = 'Enter the web address this link goes to';
    else if (url.length > 2000 || !isWebAddress(url)) {
      errors[`evidence${i}Url`] = 'Enter a web address starting with https:// or http://, like https://intranet.example/tna';
    }
    if (typeof label === 'string' && typeof url === 'string') links.push({ label, url });
  }
  if (Object.keys(errors).length) throw new InputError(errors);
  return links;
}

type ItemInput = {
  title: string;
  area: ProgrammeArea | undefined;
  ownerUserId?: string | undefined;
  ownerName?: string | undefined;
  dueOn: string;
  status: ItemStatus;
  notes?: string | undefined;
  evidence: EvidenceLink[];
};

/**
 * Every problem with an item form at once, so that each shows next to its field: the form's
 * own rules, then the due date against the programme year and the owner against the organisation.
 * Someone who has since left may stay the owner of an item they already had (`keptOwner`), so its status can still be updated.
 */
async function validateItem(
  tx: Tx,
  orgId: string,
  programme: Pick<ProgrammeRow, 'startsOn' | 'endsOn'>,
  input: unknown,
  options: { withArea: boolean; keptOwner?: string | null },
): Promise<ItemInput> {
  const body = input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  const errors: Record<string, string> = {};
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      Object.assign(errors, error.fieldErrors);
      return undefined;
    }
  };
  const area = options.withArea ? attempt(() => parseInput(areaField, body).area) : undefined;
  const fields = attempt(() => parseInput(itemFields, body));
  const evidence = attempt(() => parseEvidence(body));

  const dueOn = blankToUndefined(body.dueOn);
  if (!errors.dueOn && typeof dueOn === 'string' && (dueOn < programme.startsOn || dueOn > programme.endsOn)) {
    errors.dueOn = `Enter a date within this programme year, from ${longDate(programme.startsOn)} to ${longDate(programme.endsOn)}`;
  }
  const ownerUserId = blankToUndefined(body.ownerUserId);
  if (!errors.ownerUserId && typeof ownerUserId === 'string' && ownerUserId !== options.keptOwner) {
    const member = await users.getMemberIn(tx, orgId, ownerUserId);
    if (!member || member.user.deactivatedAt) errors.ownerUserId = 'Choose a person from the list';
  }
  if (!errors.ownerUserId && ownerUserId !== undefined && blankToUndefined(body.ownerName) !== undefined) {
    errors.ownerName = 'Choose a person from the list or type a name, not both';
  }
  if (Object.keys(errors).length || !fields || !evidence) throw new InputError(errors);
  return { ...fields, area, evidence };
}

const longDateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const longDate = (day: string) => longDateFormat.format(new Date(`${day}T00:00:00Z`));

export async function addItem(db: Db, ctx: RequestContext, year: number, input: unknown): Promise<ItemRow> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const programme = await programmeFor(tx, orgId, year);
    const fields = await validateItem(tx, orgId, programme, input, { withArea: true });
    const [item] = await repository.insertItems(tx, [
      {
        orgId,
        programmeId: programme.id,
        area: fields.area ?? 'other',
        title: fields.title,
        required: false,
        ownerUserId: fields.ownerUserId ?? null,
        ownerName: fields.ownerUserId ? null : (fields.ownerName ?? null),
        dueOn: fields.dueOn,
        status: fields.status,
        notes: fields.notes ?? null,
        evidence: fields.evidence,
        position: await repository.nextPosition(tx, programme.id),
      },
    ]);
    if (!item) throw new Error('insert returned nothing');
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'programme.item_added',
      recordType: 'work_programme_item',
      recordId: item.id,
      details: { year, title: item.title, area: item.area, status: item.status, dueOn: item.dueOn },
    });
    return item;
  });
}

/** Changes an item. A required item keeps its area: it is there because the standard asks for that area. */
export async function updateItem(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    const current = await repository.itemOf(tx, orgId, id);
    if (!current) throw new NotFoundError('work programme item');
    const fields = await validateItem(tx, orgId, current.programme, input, {
      withArea: !current.item.required,
      keptOwner: current.item.ownerUserId,
    });
    await repository.updateItem(tx, orgId, id, {
      area: current.item.required ? current.item.area : (fields.area ?? current.item.area),
      title: fields.title,
      ownerUserId: fields.ownerUserId ?? null,
      ownerName: fields.ownerUserId ? null : (fields.ownerName ?? null),
      dueOn: fields.dueOn,
      status: fields.status,
      notes: fields.notes ?? null,
      evidence: fields.evidence,
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'programme.item_updated',
      recordType: 'work_programme_item',
      recordId: id,
      details: {
        title: fields.title,
        status: fields.status,
        previousStatus: current.item.status,
        dueOn: fields.dueOn,
        evidenceLinks: fields.evidence.length,
      },
    });
  });
}

/** Removes an item the organisation added; the standard's own items stay. Returns the programme year it was in. */
export async function deleteItem(db: Db, ctx: RequestContext, id: string): Promise<number> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const found = await repository.itemOf(tx, orgId, id);
    if (!found) throw new NotFoundError('work programme item');
    if (found.item.required) {
      throw new InputError({
        form: 'This item is required by the Prevent core standard, so it cannot be removed. You can change it instead.',
      });
    }
    if ((await repository.deleteItem(tx, orgId, id)) !== 1) throw new NotFoundError('work programme item');
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'programme.item_deleted',
      recordType: 'work_programme_item',
      recordId: id,
      details: { year: yearOf(found.programme), title: found.item.title },
    });
    return yearOf(found.programme);
  });
}
