import type { Scope } from '../db/tenancy.ts';
import type { OrganisationKind } from '../modules/organisations/schema.ts';
import { type Can, canFor } from './can.ts';
import type { Permission, Role } from './permissions.ts';

/** Who did something, and from where. Every audited change names one: there is no anonymous write. */
export type Actor = {
  userId: string | null;
  label: string;
  ip: string | null;
};

export type OrganisationSummary = { id: string; odsCode: string; name: string; kind: OrganisationKind; region: string };

export type Grant = { id: string; orgId: string; role: Role };

/** The signed-in person, as every service sees them: who, acting for which organisation, allowed what. */
export type CurrentUser = {
  id: string;
  email: string;
  displayName: string;
  mfaEnabled: boolean;
  /** Every organisation the person holds a role in. */
  organisations: OrganisationSummary[];
  activeOrg: OrganisationSummary;
  /** For showing the person their roles: decisions ask `can` (RequestContext), never a role's name. */
  roles: Role[];
  permissions: Set<Permission>;
  /** Unread notifications, for the header; loaded with the session (capped, see notifications service). */
  unreadNotifications?: number;
};

/** What a service needs to act for a request: who, what they may do, and the database scope they act in. */
export type RequestContext = {
  user: CurrentUser;
  /** Ask this, never the roles: `ctx.can('risks:edit')`, `ctx.can.leadCases` (see can.ts). Views get the same object. */
  can: Can;
  actor: Actor;
  scope: Scope;
};

export function contextFor(user: CurrentUser, ip: string | null): RequestContext {
  return {
    user,
    can: canFor(user),
    actor: { userId: user.id, label: `${user.displayName} <${user.email}>`, ip },
    scope: { userId: user.id, orgIds: [user.activeOrg.id] },
  };
}
