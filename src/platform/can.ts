import type { OrganisationKind } from '../modules/organisations/schema.ts';
import type { Permission } from './permissions.ts';

/** Whom the rules are about: the permissions they hold where they act now, and that organisation. */
export type Holder = { permissions: ReadonlySet<Permission>; activeOrg: { id: string; kind: OrganisationKind } };

/**
 * What the signed-in person may do: services ask `ctx.can`, views `can`, the same object for one request.
 * `can(permission)` asks the role table; the named rules combine a permission with where the person acts,
 * so that no service or template decides by a role's name.
 */
export type Can = {
  (permission: Permission): boolean;
  /** A Prevent lead's part in concern cases: every case of the organisation, and the leads' decisions on it. */
  readonly leadCases: boolean;
  /** At an ICB: reaches the providers it commissions. */
  readonly reachCommissionedProviders: boolean;
  /** At an NHS England region: reaches the organisations in the region. */
  readonly reachRegion: boolean;
  /** Sees the concern figures of each provider in reach (suppressed), rather than the own organisation's. */
  readonly seeProvidersConcernFigures: boolean;
  /** Holds the permission and acts for that organisation now: its own records, never another's it can read. */
  actFor(orgId: string, permission: Permission): boolean;
};

function build(holder: Holder): Can {
  const has = (permission: Permission) => holder.permissions.has(permission);
  const org = holder.activeOrg;
  const reachCommissionedProviders = org.kind === 'icb' && has('organisations:commissioned');
  const reachRegion = org.kind === 'nhse_region' && has('organisations:region');
  return Object.assign(has, {
    leadCases: has('concerns:manage'),
    reachCommissionedProviders,
    reachRegion,
    seeProvidersConcernFigures: has('concerns:providers') && (reachCommissionedProviders || reachRegion),
    actFor: (orgId: string, permission: Permission) => orgId === org.id && has(permission),
  });
}

// Keyed by the user object that a request's session loads, so a request builds its `can` once.
const built = new WeakMap<Holder, Can>();

/** The person's `can`, built on first use for this user object and shared after. */
export function canFor(holder: Holder): Can {
  let can = built.get(holder);
  if (!can) {
    can = build(holder);
    built.set(holder, can);
  }
  return can;
}

/** For a page shown to someone not signed in: nothing is allowed (every rule needs a permission, whatever the kind). */
export const nobody: Can = build({ permissions: new Set(), activeOrg: { id: '', kind: 'nhs_trust' } });
