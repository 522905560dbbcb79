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
  /** Read-only access to an organisation's CQC evidence for a set time, given by its accountable lead; never a case. */
  'cqc_inspector',
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
  cqc_inspector: 'CQC inspector (for a set time)',
};

export const permissions = [
  'organisations:read',
  'organisations:manage',
  /** At an ICB: reach the providers it commissions (their directory entries, and what other permissions show of them). */
  'organisations:commissioned',
  /** At an NHS England region: reach every organisation in the region, as above. Never a case. */
  'organisations:region',
  'providers:read',
  'users:manage',
  'audit:read',
  /** Download a checkpoint of the audit trail, a witness kept outside the database: the accountable lead. */
  'audit:checkpoint',
  'leads:read',
  'leads:edit',
  'contacts:read',
  'contacts:edit',
  /** The multi-agency engagement log: meetings and forums the organisation takes part in, and their agreed actions. */
  'partnership:read',
  'partnership:edit',
  /** Information requests in (from police Prevent or a Channel panel) and out (to a partner): they concern people, so the Prevent leads. */
  'requests:manage',
  /** Development records of the Prevent leads and safeguarding staff, and the leads' development plans. */
  'development:read',
  'development:edit',
  'programme:read',
  'programme:edit',
  /** The risk register and the CTLP record. */
  'risks:read',
  'risks:edit',
  /** Each commissioned provider's risk register and CTLP record, read only. */
  'risks:providers',
  /** Sign off the year's annual review of the CTLP record: the accountable lead answers for it. */
  'ctlp:sign-off',
  /** Lessons learned reviews of the organisation's cases, their actions, and case studies (anonymise, approve, share). */
  'lessons:review',
  /** The commissioner's multi-agency lessons learned group: shared case studies, meetings, agreed learning, actions. */
  'learning:read',
  /** Hosting the learning group: meetings, agreed learning and actions. */
  'learning:manage',
  /** At an NHS England region: the approved case studies of the learning groups in the region, counts by theme, and featuring one. */
  'learning:region',
  'policies:read',
  'policies:edit',
  /** Open and work concern cases: leads see all of their organisation's, practitioners those assigned to them. */
  'concerns:work',
  /**
   * The Prevent leads' part: every case of the organisation, not only those assigned; assign, decide, refer,
   * close, retention and settings; who opened a case and every break-glass reason.
   */
  'concerns:manage',
  /** Counts of concerns and referrals, never a case. */
  'concerns:counts',
  /** The organisation's own concern figures exactly, small numbers shown: only for those who may open every case anyway. */
  'concerns:exact-figures',
  /** The concern figures of each provider in reach (commissioned, or in the region), small numbers suppressed. */
  'concerns:providers',
  'api-tokens:manage',
  /** Compliance figures of the organisation's training (counts and percentages). */
  'training:compliance',
  /** The staff list: each named person's training status. */
  'training:staff',
  /** Import and enter staff and training records, the training needs analysis and the delivery plan. */
  'training:manage',
  /** Each commissioned provider's training compliance, as counts only. */
  'training:providers',
  /**
   * The contract register: at an ICB, its contracts with the providers it commissions, their quality checks
   * and actions; at a provider, its own, to read, and its own actions to mark done.
   */
  'contracts:read',
  /** Keep the ICB's contract register: contracts, quality checks and their actions (the commissioner lead). */
  'contracts:manage',
  /** At an ICB: each commissioned provider's results against the core standards (the heat map) and its figures, small numbers suppressed. */
  'assurance:providers',
  /** At an NHS England region: how many of each ICB's providers meet each standard, counts only, suppressed. */
  'assurance:region',
  /** The organisation's own self-assessment against the core standards, every version, to read. */
  'assessment:read',
  /** Record results, notes, overrides, evidence and actions in a draft; start a new version; submit to the ICB. */
  'assessment:edit',
  /** Sign off a version of the self-assessment, which freezes it: the accountable lead answers for it. */
  'assessment:sign-off',
  /** At an ICB: read the self-assessments its providers submitted, and accept them or return them with comments. */
  'assessment:review',
  /** The organisation's annual board reports (every version) and its quarterly data return, to read and download. */
  'reports:read',
  /** Draft a board report, write its sections, record when the board saw it, share it, start a new version. */
  'reports:edit',
  /** Approve a board report, which freezes it: the accountable lead answers for it and signs the resources statement. */
  'reports:approve',
  /** The board reports the providers in reach shared (the ICB's, or the region's), small numbers suppressed. */
  'reports:providers',
  /** The organisation's CQC evidence pages and pack: read only, every page viewed recorded. */
  'evidence:read',
  /** Who was given inspector access, until when, and every evidence page they viewed: the Prevent leads. */
  'evidence:inspectors',
  /** Give a named inspector time-limited access to the evidence, or end it early: the accountable lead. */
  'evidence:grant',
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

/**
 * What both Prevent leads may do, kept in one list so that the two cannot drift apart: the operational lead
 * runs the duty day to day, the accountable lead answers for it and holds a few things more.
 */
const preventLeadPermissions: readonly Permission[] = [
  'organisations:read',
  'audit:read',
  'leads:read',
  'leads:edit',
  'contacts:read',
  'contacts:edit',
  'partnership:read',
  'partnership:edit',
  'requests:manage',
  'development:read',
  'development:edit',
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
  'concerns:exact-figures',
  'training:compliance',
  'training:staff',
  'contracts:read',
  'assessment:read',
  'assessment:edit',
  'reports:read',
  'reports:edit',
  'evidence:read',
  'evidence:inspectors',
];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  staff: [],
  safeguarding_practitioner: ['concerns:work'],
  operational_lead: [...preventLeadPermissions],
  accountable_lead: [
    ...preventLeadPermissions,
    'audit:checkpoint',
    'ctlp:sign-off',
    'assessment:sign-off',
    'reports:approve',
    'evidence:grant',
  ],
  training_admin: ['training:compliance', 'training:staff', 'training:manage'],
  board_viewer: [
    'organisations:read',
    'leads:read',
    'contacts:read',
    'partnership:read',
    'development:read',
    'programme:read',
    'risks:read',
    'policies:read',
    'concerns:counts',
    'training:compliance',
    'assessment:read',
    'reports:read',
    'audit:read',
  ],
  commissioner_lead: [
    'organisations:read',
    'organisations:commissioned',
    'providers:read',
    'audit:read',
    'leads:read',
    'leads:edit',
    'contacts:read',
    'contacts:edit',
    // The ICB's own engagement log and the development of its own Prevent lead.
    'partnership:read',
    'partnership:edit',
    'development:read',
    'development:edit',
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
    'concerns:providers',
    'training:providers',
    'contracts:read',
    'contracts:manage',
    'assurance:providers',
    // The ICB's own self-assessment (commissioner requirements), and its providers' submitted ones.
    'assessment:read',
    'assessment:edit',
    'assessment:review',
    // The ICB's own board report and data return (its providers' combined with its own), and the reports its providers shared.
    'reports:read',
    'reports:edit',
    'reports:providers',
  ],
  regional_lead: [
    'organisations:read',
    'organisations:region',
    'providers:read',
    'concerns:counts',
    'concerns:providers',
    'training:providers',
    'assurance:region',
    'reports:providers',
    'learning:region',
  ],
  system_admin: [
    'organisations:read',
    'organisations:manage',
    // An ICB's administrator keeps the directory entries of the providers it commissions.
    'organisations:commissioned',
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
  cqc_inspector: ['evidence:read'],
};

export function permissionsOf(held: readonly Role[]): Set<Permission> {
  return new Set(held.flatMap((role) => rolePermissions[role]));
}

/** The roles that carry a permission, in the order of `roles`. */
export function rolesWith(permission: Permission): Role[] {
  return roles.filter((role) => rolePermissions[role].includes(permission));
}

/**
 * Opening concern cases shows identifiable data about a person: whoever holds it anywhere signs in with a
 * second factor (REQUIRE_MFA), and the Prevent leads are told of every grant and removal of a role that carries it.
 */
export const caseDataPermission: Permission = 'concerns:work';
/** The roles that carry `caseDataPermission`. */
export const caseDataRoles: readonly Role[] = rolesWith(caseDataPermission);

/**
 * Whom a notice for "the Prevent leads" goes to. Telling people is addressing a post, like a letter to the
 * Prevent lead, so it names roles; what anyone may do is decided by permission, never by this list.
 */
export const preventLeadRoles: Role[] = ['operational_lead', 'accountable_lead'];
/** Whom a notice for an ICB's commissioner lead goes to (addressing a post, as above). */
export const commissionerLeadRoles: Role[] = ['commissioner_lead'];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
