import { z } from 'zod';
import type { Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import type { Actor } from '../audit/service.ts';
import * as audit from '../audit/service.ts';
import type { OrganisationRow } from './repository.ts';
import * as repository from './repository.ts';
import { type OrganisationKind, organisationKinds } from './schema.ts';

export type Organisation = OrganisationRow;
export { type OrganisationKind, organisationKinds };

export const kindNames: Record<OrganisationKind, string> = {
  icb: 'Integrated care board',
  nhs_foundation_trust: 'NHS foundation trust',
  nhs_trust: 'NHS trust',
  independent_provider: 'Independent provider',
  nhse_region: 'NHS England region',
};

export const providerKinds: readonly OrganisationKind[] = ['nhs_foundation_trust', 'nhs_trust', 'independent_provider'];

/**
 * ODS code shapes by kind: ICBs start with Q, NHS trusts and foundation trusts with R,
 * NHS England regions with Y; independent providers have 3 to 5 characters and none of those prefixes.
 */
const odsPatterns: Record<OrganisationKind, { pattern: RegExp; rule: string }> = {
  icb: { pattern: /^Q[A-Z0-9]{2}$/, rule: 'an ICB code is 3 characters starting with Q, like QWO' },
  nhs_foundation_trust: { pattern: /^R[A-Z0-9]{2}$/, rule: 'a trust code is 3 characters starting with R, like RJ1' },
  nhs_trust: { pattern: /^R[A-Z0-9]{2}$/, rule: 'a trust code is 3 characters starting with R, like RJ1' },
  independent_provider: {
    pattern: /^(?![QRY])[A-Z0-9]{3,5}$/,
    rule: 'an independent provider code is 3 to 5 letters or digits, not starting with Q, R or Y, like NQ1',
  },
  nhse_region: { pattern: /^Y[0-9]{2}$/, rule: 'a region code is Y and 2 digits, like Y56' },
};

export function odsCodeProblem(odsCode: string, kind: OrganisationKind): string | undefined {
  const { pattern, rule } = odsPatterns[kind];
  return pattern.test(odsCode) ? undefined : `ODS code ${odsCode} does not fit: ${rule}`;
}

const organisationFields = {
  name: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the organisation’s name' }).max(200, 'Name must be 200 characters or fewer'),
  ),
  region: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the region' }).max(100, 'Region must be 100 characters or fewer'),
  ),
  commissionerOds: z.preprocess(
    (v) => (typeof blankToUndefined(v) === 'string' ? String(blankToUndefined(v)).toUpperCase() : undefined),
    z.string().optional(),
  ),
};

const newOrganisation = z.object({
  odsCode: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() || undefined : v),
    z.string({ error: 'Enter the ODS code' }).regex(/^[A-Z0-9]{3,5}$/, 'ODS code must be 3 to 5 letters or digits'),
  ),
  kind: z.enum(organisationKinds, { error: 'Choose the kind of organisation' }),
  ...organisationFields,
});
export type NewOrganisationInput = z.input<typeof newOrganisation>;

const organisationChanges = z.object(organisationFields);

async function resolveCommissioner(
  tx: Executor,
  kind: OrganisationKind,
  commissionerOds: string | undefined,
): Promise<string | null> {
  if (!commissionerOds) return null;
  if (!providerKinds.includes(kind)) {
    throw new InputError({ commissionerOds: 'Only a provider has a commissioner; leave this blank' });
  }
  const commissioner = await repository.byOdsCode(tx, commissionerOds);
  if (commissioner?.kind !== 'icb') {
    throw new InputError({ commissionerOds: `No ICB has the ODS code ${commissionerOds}` });
  }
  return commissioner.id;
}

/** Adds an organisation. Used by the admin pages (within reach) and the command line (operator). */
export async function addOrganisation(
  db: Db,
  actor: Actor,
  input: unknown,
  allowedCommissionerId?: string,
): Promise<Organisation> {
  const fields = parseInput(newOrganisation, input);
  const problem = odsCodeProblem(fields.odsCode, fields.kind);
  if (problem) throw new InputError({ odsCode: problem });
  return db.transaction(async (tx) => {
    if (await repository.byOdsCode(tx, fields.odsCode)) {
      throw new InputError({ odsCode: `An organisation with the ODS code ${fields.odsCode} already exists` });
    }
    const commissionerId = await resolveCommissioner(tx, fields.kind, fields.commissionerOds);
    if (allowedCommissionerId !== undefined && commissionerId !== allowedCommissionerId) {
      throw new InputError({ commissionerOds: 'You can add only providers that your ICB commissions' });
    }
    const created = await repository.insert(tx, {
      odsCode: fields.odsCode,
      name: fields.name,
      kind: fields.kind,
      region: fields.region,
      commissionerId,
    });
    await audit.record(tx, actor, {
      orgId: created.id,
      action: 'organisation.created',
      recordType: 'organisation',
      recordId: created.id,
      details: { odsCode: created.odsCode, name: created.name, kind: created.kind },
    });
    if (commissionerId) {
      await audit.record(tx, actor, {
        orgId: commissionerId,
        action: 'organisation.commissioned',
        recordType: 'organisation',
        recordId: created.id,
        details: { odsCode: created.odsCode },
      });
    }
    return created;
  });
}

/** An ICB's administrator adds a provider that the ICB commissions. */
export async function addProvider(db: Db, ctx: RequestContext, input: unknown): Promise<Organisation> {
  const icb = ctx.user.activeOrg;
  if (icb.kind !== 'icb')
    throw new InputError({ odsCode: 'Providers are added by the administrator of their commissioning ICB' });
  const fields = input && typeof input === 'object' ? input : {};
  const kind = (fields as { kind?: unknown }).kind;
  if (typeof kind === 'string' && !providerKinds.includes(kind as OrganisationKind)) {
    throw new InputError({ kind: 'Choose an NHS foundation trust, an NHS trust or an independent provider' });
  }
  return addOrganisation(db, ctx.actor, { ...fields, commissionerOds: icb.odsCode }, icb.id);
}

/**
 * The organisations a person may see in the directory from their active organisation: their own;
 * at an ICB, its providers for whoever holds organisations:commissioned (its commissioner lead and
 * administrator); at a region, its organisations for whoever holds organisations:region (the regional
 * lead). Identifiable case data is never reached this way.
 */
export async function organisationsInReach(db: Db, ctx: RequestContext): Promise<Organisation[]> {
  const org = ctx.user.activeOrg;
  if (ctx.can.reachCommissionedProviders) return repository.commissionedBy(db, org.id);
  if (ctx.can.reachRegion) return repository.inRegion(db, org.region);
  return repository.byIds(db, [org.id]);
}

export async function getInReach(db: Db, ctx: RequestContext, id: string): Promise<Organisation> {
  const found = (await organisationsInReach(db, ctx)).find((o) => o.id === id);
  if (!found) throw new NotFoundError('organisation');
  return found;
}

/** Providers commissioned by the active ICB (for commissioners), or in the active region (for regional leads). */
export async function providersInReach(db: Db, ctx: RequestContext): Promise<Organisation[]> {
  return (await organisationsInReach(db, ctx)).filter((o) => providerKinds.includes(o.kind));
}

export async function updateOrganisation(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const target = await getInReach(db, ctx, id);
  const fields = parseInput(organisationChanges, input);
  await withScope(db, ctx.scope, async (tx) => {
    const commissionerId = await resolveCommissioner(tx, target.kind, fields.commissionerOds);
    const active = ctx.user.activeOrg;
    if (active.kind === 'icb' && target.id !== active.id && commissionerId !== active.id) {
      throw new InputError({ commissionerOds: 'A provider you manage must stay commissioned by your ICB' });
    }
    // Who commissions a provider decides which ICB sees its assurance: only that ICB may change it.
    if (active.kind !== 'icb' && commissionerId !== target.commissionerId) {
      throw new InputError({ commissionerOds: 'Only the commissioning ICB can change who commissions this organisation' });
    }
    await repository.update(tx, id, { name: fields.name, region: fields.region, commissionerId });
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'organisation.updated',
      recordType: 'organisation',
      recordId: id,
      details: { name: fields.name, region: fields.region, commissionerOds: fields.commissionerOds ?? null },
    });
  });
}

export const listAll = (db: Executor) => repository.all(db);
export const findByOdsCode = (db: Executor, odsCode: string) => repository.byOdsCode(db, odsCode.trim().toUpperCase());
export const findById = (db: Executor, id: string) => repository.byId(db, id);
export const findByIds = (db: Executor, ids: readonly string[]) => repository.byIds(db, ids);

/**
 * The commissioning area an organisation belongs to: the ICB (itself, or its provider's commissioner)
 * and every organisation in it, the ICB included. Null for an organisation that no ICB commissions.
 */
export async function commissioningAreaOf(
  db: Executor,
  orgId: string,
): Promise<{ commissioner: Organisation; members: Organisation[] } | null> {
  const org = await repository.byId(db, orgId);
  if (!org) return null;
  const commissionerId = org.kind === 'icb' ? org.id : org.commissionerId;
  if (!commissionerId) return null;
  const members = await repository.commissionedBy(db, commissionerId);
  const commissioner = members.find((o) => o.id === commissionerId);
  return commissioner ? { commissioner, members } : null;
}

/** Every organisation's id, for work done for each of them with nobody signed in (the month-end figures). */
export async function allOrganisationIds(db: Executor): Promise<string[]> {
  return (await repository.all(db)).map((o) => o.id);
}

/** The providers an ICB commissions, with nobody signed in (the command line's data return). */
export async function commissionedProviders(db: Executor, icbId: string): Promise<Organisation[]> {
  return (await repository.commissionedBy(db, icbId)).filter((o) => o.id !== icbId && providerKinds.includes(o.kind));
}
