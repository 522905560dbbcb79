/**
 * Roles and what each may do, as data. Every route names one permission (or 'public' /
 * 'signed-in'); the authorisation matrix test reads this table and every registered route.
 */
export const roles = [
  'staff',
  'safeguarding_practitioner',
  'operational_lead',
  'accountable_lead',
  'training_admin',
  'board_viewer',
  'commissioner_lead',
  'regional_lead',
  'system_admin',
] as const;
export type Role = (typeof roles)[number];

export const roleNames: Record<Role, string> = {
  staff: 'Staff member',
  safeguarding_practitioner: 'Safeguarding practitioner',
  operational_lead: 'Operational Prevent lead',
  accountable_lead: 'Accountable Prevent lead',
  training_admin: 'Training administrator',
  board_viewer: 'Board or auditor viewer',
  commissioner_lead: 'Commissioner lead',
  regional_lead: 'Regional lead',
  system_admin: 'System administrator',
};

export const permissions = [
  'organisations:read',
  'organisations:manage',
  'providers:read',
  'users:manage',
  'audit:read',
  /** Download a checkpoint of the audit trail, a witness kept outside the database: the accountable lead. */
  'audit:checkpoint',
  'leads:read',
  'leads:edit',
  'contacts:read',
  'contacts:edit',
  'programme:read',
  'programme:edit',
  /** The risk register and the CTLP record. */
  'risks:read',
  'risks:edit',
  /** Each commissioned provider's risk register and CTLP record, read only. */
  'risks:providers',
  /** Lessons learned reviews of the organisation's cases, their actions, and case studies (anonymise, approve, share). */
  'lessons:review',
  /** The commissioner's multi-agency lessons learned group: shared case studies, meetings, agreed learning, actions. */
  'learning:read',
  /** Hosting the learning group: meetings, agreed learning and actions. */
  'learning:manage',
  'policies:read',
  'policies:edit',
  /** Open and work concern cases: leads see all of their organisation's, practitioners those assigned to them. */
  'concerns:work',
  /** Assign, decide, refer, close, retention and settings: the Prevent leads. */
  'concerns:manage',
  /** Counts of concerns and referrals, never a case. */
  'concerns:counts',
  'api-tokens:manage',
  /** Compliance figures of the organisation's training (counts and percentages). */
  'training:compliance',
  /** The staff list: each named person's training status. */
  'training:staff',
  /** Import and enter staff and training records, the training needs analysis and the delivery plan. */
  'training:manage',
  /** Each commissioned provider's training compliance, as counts only. */
  'training:providers',
] as const;
export type Permission = (typeof permissions)[number];

/** Route access: a permission, or one of the two levels that need none. */
export type Access = Permission | 'public' | 'signed-in';

/**
 * What a route may declare: a page's access, or 'api-token' for the API, where another system sends a
 * bearer token instead of signing in and the route checks the token itself. Kept apart from Access so
 * that a page or menu item can never be opened by a token.
 */
export type RouteAccessLevel = Access | 'api-token';

export const rolePermissions: Record<Role, readonly Permission[]> = {
  staff: [],
  safeguarding_practitioner: ['concerns:work'],
  operational_lead: [
    'organisations:read',
    'audit:read',
    'leads:read',
    'leads:edit',
    'contacts:read',
    'contacts:edit',
    'programme:read',
    'programme:edit',
    'risks:read',
    'risks:edit',
    'lessons:review',
    'learning:read',
    'policies:read',
    'policies:edit',
    'concerns:work',
    'concerns:manage',
    'concerns:counts',
    'training:compliance',
    'training:staff',
  ],
  accountable_lead: [
    'organisations:read',
    'audit:read',
    'audit:checkpoint',
    'leads:read',
    'leads:edit',
    'contacts:read',
    'contacts:edit',
    'programme:read',
    'programme:edit',
    'risks:read',
    'risks:edit',
    'lessons:review',
    'learning:read',
    'policies:read',
    'policies:edit',
    'concerns:work',
    'concerns:manage',
    'concerns:counts',
    'training:compliance',
    'training:staff',
  ],
  training_admin: ['training:compliance', 'training:staff', 'training:manage'],
  board_viewer: [
    'organisations:read',
    'leads:read',
    'contacts:read',
    'programme:read',
    'risks:read',
    'policies:read',
    'concerns:counts',
    'training:compliance',
  ],
  commissioner_lead: [
    'organisations:read',
    'providers:read',
    'audit:read',
    'leads:read',
    'leads:edit',
    'contacts:read',
    'contacts:edit',
    'programme:read',
    // The ICB's own programme and policies: the commissioner lead is the ICB's Prevent lead.
    'programme:edit',
    // A commissioner keeps its own register; it may read its providers' (row-level security), not change them.
    'risks:read',
    'risks:edit',
    'risks:providers',
    'learning:read',
    'learning:manage',
    'policies:read',
    'policies:edit',
    'concerns:counts',
    'training:providers',
  ],
  regional_lead: ['organisations:read', 'providers:read', 'concerns:counts', 'training:providers'],
  system_admin: [
    'organisations:read',
    'organisations:manage',
    'users:manage',
    'audit:read',
    'leads:read',
    'leads:edit',
    'contacts:read',
    'contacts:edit',
    'programme:read',
    'programme:edit',
    'risks:read',
    'policies:read',
    'policies:edit',
    'api-tokens:manage',
  ],
};

/** Roles that can see identifiable case data: multi-factor sign-in is required for them when REQUIRE_MFA is on. */
export const caseDataRoles: readonly Role[] = ['safeguarding_practitioner', 'operational_lead', 'accountable_lead'];

export function permissionsOf(held: readonly Role[]): Set<Permission> {
  return new Set(held.flatMap((role) => rolePermissions[role]));
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
