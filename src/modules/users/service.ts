import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { CurrentUser, OrganisationSummary, RequestContext } from '../../platform/context.ts';
import { InputError, NotFoundError, RefusalWithPage } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs/queue.ts';
import { hashPassword, passwordProblem } from '../../platform/passwords.ts';
import {
  caseDataRoles,
  isRole,
  type Permission,
  permissionsOf,
  type Role,
  rolePermissions,
  roles,
} from '../../platform/permissions.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import type { Actor } from '../audit/service.ts';
import * as audit from '../audit/service.ts';
import * as repository from './repository.ts';

export type User = repository.UserRow;

/** The person behind a session as the services see them, or null if they may no longer sign in. */
export async function describeUser(tx: Executor, userId: string, activeOrgId: string | null): Promise<CurrentUser | null> {
  const user = await repository.personById(tx, userId);
  if (!user || user.deactivatedAt) return null;
  const grants = await repository.activeGrantsOf(tx, userId);
  if (grants.length === 0) return null;
  const organisations = new Map<string, OrganisationSummary>();
  for (const g of grants) organisations.set(g.org.id, g.org);
  const activeOrg = (activeOrgId && organisations.get(activeOrgId)) || grants[0]?.org;
  if (!activeOrg) return null;
  const heldRoles = grants.filter((g) => g.org.id === activeOrg.id).map((g) => g.role);
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    mfaEnabled: user.totpEnabledAt !== null,
    organisations: [...organisations.values()],
    activeOrg,
    roles: heldRoles,
    permissions: permissionsOf(heldRoles),
  };
}

export const findByEmail = (tx: Executor, email: string) => repository.byEmail(tx, normaliseEmail(email));
export const findById = (tx: Executor, id: string) => repository.byId(tx, id);
export const recordFailedSignIn = (tx: Executor, id: string) => repository.recordFailedSignIn(tx, id, 5, 15);
export const updateUser = repository.update;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const email = z.preprocess(
  (v) => (typeof v === 'string' ? normaliseEmail(v) || undefined : v),
  z.email({ error: 'Enter an e-mail address in the correct format, like name@nhs.net' }).max(254),
);
const displayName = z.preprocess(
  blankToUndefined,
  z.string({ error: 'Enter the person’s full name' }).max(120, 'Name must be 120 characters or fewer'),
);
/** Roles an administrator gives until revoked: an inspector's access is given for a set time, from the evidence page. */
export const timeLimitedRoles: readonly Role[] = ['cqc_inspector'];
const role = z
  .enum(roles, { error: 'Choose a role' })
  .refine(
    (r) => !timeLimitedRoles.includes(r),
    'A CQC inspector is given access for a set time by the accountable lead, from the CQC evidence page',
  );

const newUser = z.object({ email, displayName, role });

const invitationDays = 7;

/** The job that tells an organisation's Prevent leads someone was given a role that opens concern cases. */
export const caseRoleGrantedJob = 'users.case-role-granted';
/** The job that tells an organisation's Prevent leads someone no longer has a role that opens concern cases. */
export const caseRoleRemovedJob = 'users.case-role-removed';
/** The job that tells a person with an account that an organisation gave them a role, and which. */
export const roleGivenJob = 'users.role-given';
/** The job that tells the Prevent leads, wherever the account opens concern cases, that an administrator changed it. */
export const accountChangedJob = 'users.account-changed';

/** What an administrator did to an account itself (not to a role in their organisation). */
export type AccountChange = 'mfa-reset' | 'deactivated' | 'reactivated' | 'sign-in-link';

/**
 * Who can open concern cases is the leads' business, not only IT's: every grant of a case-data
 * role is told to them, and nobody may give one to themselves.
 */
async function guardCaseDataRole(tx: Tx, ctx: RequestContext, userId: string, role: Role, name: string): Promise<void> {
  if (!caseDataRoles.includes(role)) return;
  if (userId === ctx.user.id) {
    throw new InputError({
      role: 'You cannot give yourself a role that can open concern cases. Ask another administrator: the Prevent leads are told of every such role.',
    });
  }
  await enqueueJob(tx, caseRoleGrantedJob, { orgId: ctx.user.activeOrg.id, name, role, by: ctx.user.displayName });
}

/** Where an account holds a role now, and whether someone may change the account itself (password, MFA, status, name). */
type AccountReach = { orgIds: string[]; mayChange: boolean };

/**
 * An account belongs to the person. Only they, or an administrator of every organisation where it holds a
 * role, may change it: otherwise one organisation's administrator could take over a person another relies on.
 * A null actor is the command line's operator, who holds the database itself.
 */
async function accountReach(tx: Executor, actorUserId: string | null, userId: string): Promise<AccountReach> {
  const held = await repository.accountRoleGrants(tx, userId);
  const orgIds = [...new Set(held.map((g) => g.orgId))];
  if (actorUserId === null || actorUserId === userId) return { orgIds, mayChange: true };
  const actorGrants = await repository.accountRoleGrants(tx, actorUserId);
  const where = (permission: Permission) =>
    new Set(actorGrants.filter((g) => isRole(g.role) && permissionsOf([g.role]).has(permission)).map((g) => g.orgId));
  const administered = where('users:manage');
  // An accountable lead who gave an inspector access reaches that account while all it holds is such access.
  const givesInspectors = where('evidence:grant');
  const mayChange = held.every(
    (g) => administered.has(g.orgId) || (givesInspectors.has(g.orgId) && timeLimitedRoles.includes(g.role)),
  );
  return { orgIds, mayChange };
}

/** Refuses a change to an account held in organisations the administrator does not administer, saying so plainly. */
async function assertMayChangeAccount(tx: Tx, ctx: RequestContext, member: OrganisationMember): Promise<AccountReach> {
  const reach = await accountReach(tx, ctx.user.id, member.user.id);
  if (!reach.mayChange) {
    const reason =
      `${member.user.displayName} also has roles in other organisations. Their password, multi-factor authentication ` +
      'and whether their account is active can be changed only by them, or by an administrator of every organisation ' +
      `where they have a role. You can remove the roles they have in ${ctx.user.activeOrg.name}.`;
    throw new RefusalWithPage(reason, 403, 'errors/403.njk', { reason });
  }
  return reach;
}

/**
 * An account's history is kept wherever the account is used: the acting organisation and every organisation
 * where it holds a role each get the entry, so that no organisation's administrators act on it unseen.
 */
async function recordAccountEvent(
  tx: Tx,
  actor: Actor,
  acting: { id: string; odsCode: string | null },
  userId: string,
  action: string,
  details: Record<string, string> = {},
): Promise<void> {
  const { orgIds } = await accountReach(tx, null, userId);
  for (const orgId of new Set([acting.id, ...orgIds])) {
    const elsewhere = orgId !== acting.id && acting.odsCode !== null;
    await audit.record(tx, actor, {
      orgId,
      action,
      recordType: 'user',
      recordId: userId,
      details: elsewhere ? { ...details, byOrganisation: String(acting.odsCode) } : details,
    });
  }
}

/** Tells the Prevent leads of every organisation where the account can open concern cases. */
async function tellLeadsOfAccountChange(tx: Tx, ctx: RequestContext, userId: string, change: AccountChange): Promise<void> {
  await enqueueJob(tx, accountChangedJob, { userId, change, byUserId: ctx.user.id, byOrgId: ctx.user.activeOrg.id });
}

/** The organisations where an account holds a role that opens concern cases. For the leads' notices. */
export async function caseDataOrganisationsOf(tx: Executor, userId: string): Promise<string[]> {
  const grants = await repository.accountRoleGrants(tx, userId);
  return [...new Set(grants.filter((g) => caseDataRoles.includes(g.role)).map((g) => g.orgId))];
}

/** The link an invited person opens to choose a password. Shown once; only its hash is kept. */
export type Invitation = { userId: string; path: string; expiresAt: Date; existingAccount: boolean };

async function invite(tx: Tx, actor: Actor, orgId: string, userId: string): Promise<{ path: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + invitationDays * 86_400_000);
  await repository.insertInvitation(tx, {
    tokenHash: createHash('sha256').update(token).digest('hex'),
    orgId,
    userId,
    createdBy: actor.userId,
    expiresAt,
  });
  return { path: `/invitations/${token}`, expiresAt };
}

/** What adding a person did: invited a new account, or gave a role to a person who already has one. */
export type Added =
  | ({ kind: 'invited' } & Invitation)
  | { kind: 'role-given'; userId: string; displayName: string; role: Role; hasPassword: boolean };

/**
 * Adds a person with a role in the administrator's organisation. A new person gets an account and an
 * invitation to set a password. A person who already has an account (in another organisation) is given the
 * role and told: their account stays theirs, with its name, password, second factor and status untouched.
 */
export async function createUser(db: Db, ctx: RequestContext, input: unknown): Promise<Added> {
  const fields = parseInput(newUser, input);
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const existing = await repository.byEmail(tx, fields.email);
    if (existing) {
      const held = await repository.grantsOfUserInOrganisation(tx, existing.id, orgId);
      if (held.length > 0) throw new InputError({ email: 'This person already has an account in your organisation' });
      await giveRole(tx, ctx, existing.id, existing.displayName, fields.role, 'user.added');
      return {
        kind: 'role-given',
        userId: existing.id,
        displayName: existing.displayName,
        role: fields.role,
        hasPassword: existing.passwordHash !== null,
      };
    }
    const user = await repository.insert(tx, { email: fields.email, displayName: fields.displayName });
    await guardCaseDataRole(tx, ctx, user.id, fields.role, user.displayName);
    await repository.insertGrant(tx, { orgId, userId: user.id, role: fields.role, grantedBy: ctx.user.id });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'user.created',
      recordType: 'user',
      recordId: user.id,
      details: { email: user.email, role: fields.role },
    });
    const { path, expiresAt } = await invite(tx, ctx.actor, orgId, user.id);
    return { kind: 'invited', userId: user.id, path, expiresAt, existingAccount: false };
  });
}

/** A role in the administrator's organisation for an existing account: recorded wherever the account is used, and told to the person. */
async function giveRole(tx: Tx, ctx: RequestContext, userId: string, name: string, role: Role, action: string): Promise<void> {
  await guardCaseDataRole(tx, ctx, userId, role, name);
  const grant = await repository.insertGrant(tx, { orgId: ctx.user.activeOrg.id, userId, role, grantedBy: ctx.user.id });
  await recordAccountEvent(tx, ctx.actor, ctx.user.activeOrg, userId, action, { role, grantId: grant.id });
  if (userId !== ctx.user.id) {
    await enqueueJob(tx, roleGivenJob, { userId, orgId: ctx.user.activeOrg.id, role, byUserId: ctx.user.id });
  }
}

/** The first administrator on a real install, from the command line. */
export async function createAdministrator(
  db: Db,
  actor: Actor,
  input: { email: string; displayName: string; orgId: string; role: Role; password?: string | undefined; expiresAt?: Date },
): Promise<{ user: User; invitationPath?: string }> {
  const fields = parseInput(newUser.extend({ role: input.expiresAt ? z.enum(roles) : role }), input);
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, [fields.displayName, fields.email.split('@')[0] ?? '']);
    if (problem) throw new InputError({ password: problem });
  }
  return withScope(db, { userId: null, orgIds: [input.orgId] }, async (tx) => {
    if (await repository.byEmail(tx, fields.email)) {
      throw new InputError({ email: `An account with the e-mail address ${fields.email} already exists` });
    }
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const user = await repository.insert(tx, { email: fields.email, displayName: fields.displayName, passwordHash });
    await repository.insertGrant(tx, {
      orgId: input.orgId,
      userId: user.id,
      role: fields.role,
      grantedBy: null,
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
    });
    await audit.record(tx, actor, {
      orgId: input.orgId,
      action: 'user.created',
      recordType: 'user',
      recordId: user.id,
      details: { email: user.email, role: fields.role },
    });
    if (passwordHash) return { user };
    const { path } = await invite(tx, actor, input.orgId, user.id);
    return { user, invitationPath: path };
  });
}

/** A new link for someone who lost theirs or forgot their password; older links stop working only when they expire. */
export async function reinvite(db: Db, ctx: RequestContext, userId: string): Promise<Invitation> {
  return withScope(db, ctx.scope, async (tx) => {
    const member = await memberIn(tx, ctx, userId);
    await assertMayChangeAccount(tx, ctx, member);
    if (member.user.deactivatedAt) throw new InputError({ form: 'Reactivate this account before inviting the person again' });
    const { path, expiresAt } = await invite(tx, ctx.actor, ctx.user.activeOrg.id, userId);
    await recordAccountEvent(tx, ctx.actor, ctx.user.activeOrg, userId, 'user.invited');
    await tellLeadsOfAccountChange(tx, ctx, userId, 'sign-in-link');
    return { userId, path, expiresAt, existingAccount: true };
  });
}

export type Person = repository.Person;
export type OrganisationMember = { user: Person; grants: repository.GrantRow[] };

export async function listMembers(db: Db, ctx: RequestContext): Promise<OrganisationMember[]> {
  return withScope(db, ctx.scope, (tx) => repository.usersInOrganisation(tx, ctx.user.activeOrg.id));
}

/**
 * A person in the administrator's organisation; anyone else is "not found". `mayChangeAccount` is false when
 * the account also holds roles where this administrator is not one: then only its roles here are theirs to change.
 */
export async function getMember(
  db: Db,
  ctx: RequestContext,
  userId: string,
): Promise<OrganisationMember & { mayChangeAccount: boolean }> {
  return withScope(db, ctx.scope, async (tx) => {
    const member = await memberIn(tx, ctx, userId);
    return { ...member, mayChangeAccount: (await accountReach(tx, ctx.user.id, userId)).mayChange };
  });
}

/** A person with a current role in the organisation, or undefined. For other modules choosing people (e.g. a lead). */
export async function getMemberIn(tx: Tx, orgId: string, userId: string): Promise<OrganisationMember | undefined> {
  const grants = (await repository.grantsOfUserInOrganisation(tx, userId, orgId)).filter((g) => g.revokedAt === null);
  const user = grants.length ? await repository.personById(tx, userId) : undefined;
  return user ? { user, grants } : undefined;
}

/** People who can currently sign in with a role in the active organisation, for choosing from a list. */
export async function activeMembers(db: Db, ctx: RequestContext): Promise<Person[]> {
  const members = await listMembers(db, ctx);
  return members.filter((m) => !m.user.deactivatedAt && m.grants.some((g) => g.revokedAt === null)).map((m) => m.user);
}

async function memberIn(tx: Tx, ctx: RequestContext, userId: string): Promise<OrganisationMember> {
  const grants = await repository.grantsOfUserInOrganisation(tx, userId, ctx.user.activeOrg.id);
  const user = grants.length ? await repository.personById(tx, userId) : undefined;
  if (!user) throw new NotFoundError('user');
  return { user, grants };
}

export async function grantRole(db: Db, ctx: RequestContext, userId: string, input: unknown): Promise<void> {
  const fields = parseInput(z.object({ role }), input);
  await withScope(db, ctx.scope, async (tx) => {
    const member = await memberIn(tx, ctx, userId);
    if (member.grants.some((g) => g.role === fields.role && g.revokedAt === null)) {
      throw new InputError({ role: 'This person already has that role' });
    }
    await giveRole(tx, ctx, userId, member.user.displayName, fields.role, 'role.granted');
  });
}

export async function revokeRole(db: Db, ctx: RequestContext, userId: string, grantId: string): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    const member = await memberIn(tx, ctx, userId);
    const grant = member.grants.find((g) => g.id === grantId && g.revokedAt === null);
    if (!grant) throw new NotFoundError('role');
    // Whoever manages users could otherwise lock the organisation out of its own user management.
    if (userId === ctx.user.id && rolePermissions[grant.role].includes('users:manage')) {
      throw new InputError({ role: 'You cannot remove your own administrator role: ask another administrator' });
    }
    await repository.revokeGrant(tx, grantId, ctx.user.activeOrg.id, ctx.user.id);
    await recordAccountEvent(tx, ctx.actor, ctx.user.activeOrg, userId, 'role.revoked', { role: grant.role, grantId });
    if (caseDataRoles.includes(grant.role)) {
      await enqueueJob(tx, caseRoleRemovedJob, {
        orgId: ctx.user.activeOrg.id,
        name: member.user.displayName,
        role: grant.role,
        by: ctx.user.displayName,
      });
    }
  });
}

/** Stops a person signing in at all, and ends their sessions. Their records and history stay. */
export async function setActive(
  db: Db,
  ctx: RequestContext,
  userId: string,
  active: boolean,
  endSessions: (tx: Tx, userId: string) => Promise<void>,
): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    const member = await memberIn(tx, ctx, userId);
    if (userId === ctx.user.id) throw new InputError({ form: 'You cannot deactivate your own account' });
    await assertMayChangeAccount(tx, ctx, member);
    await repository.update(tx, userId, { deactivatedAt: active ? null : new Date(), failedSignIns: 0, lockedUntil: null });
    if (!active) await endSessions(tx, userId);
    await recordAccountEvent(tx, ctx.actor, ctx.user.activeOrg, userId, active ? 'user.reactivated' : 'user.deactivated');
    await tellLeadsOfAccountChange(tx, ctx, userId, active ? 'reactivated' : 'deactivated');
  });
}

/**
 * For a person who has lost their authenticator: they set it up again at their next sign-in
 * (where their role requires it). Their sessions end, since the old device may be in other hands.
 */
export async function resetMfa(
  db: Db,
  ctx: RequestContext,
  userId: string,
  endSessions: (tx: Tx, userId: string) => Promise<void>,
): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    const member = await memberIn(tx, ctx, userId);
    await assertMayChangeAccount(tx, ctx, member);
    if (!member.user.totpEnabledAt) {
      throw new InputError({ form: 'Multi-factor authentication is not set up for this person' });
    }
    await repository.update(tx, userId, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    await endSessions(tx, userId);
    await recordAccountEvent(tx, ctx.actor, ctx.user.activeOrg, userId, 'mfa.reset');
    await tellLeadsOfAccountChange(tx, ctx, userId, 'mfa-reset');
  });
}

/**
 * Everyone who can sign in and currently holds any of the roles in the organisation, each once.
 * Not scoped: for background work that runs as the owner (e.g. notifying an organisation's leads).
 */
export async function activeHoldersOfRoles(tx: Executor, orgId: string, held: readonly Role[]) {
  return repository.activeHoldersOf(tx, orgId, held);
}

const passwordFields = z.object({
  password: z.string({ error: 'Enter a password' }),
  confirmPassword: z.string({ error: 'Enter the password again' }),
});

/** Checks a chosen password against the rules; returns it, or throws an InputError for the form. */
export function acceptablePassword(input: unknown, user: Pick<User, 'displayName' | 'email'>): string {
  const fields = parseInput(passwordFields, input);
  const problem = passwordProblem(fields.password, [...user.displayName.split(/\s+/), user.email.split('@')[0] ?? '']);
  if (problem) throw new InputError({ password: problem });
  if (fields.password !== fields.confirmPassword) throw new InputError({ confirmPassword: 'The passwords do not match' });
  return fields.password;
}

/**
 * An open invitation and its account. A link sets the account's password, so it counts only while whoever made
 * it may still change the account: a link made before the account was shared with another organisation (or
 * before that rule existed) stops working.
 */
export async function invitationFor(tx: Tx, token: string) {
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const invitation = await repository.openInvitation(tx, tokenHash);
  if (!invitation) return undefined;
  const user = await repository.byId(tx, invitation.userId);
  if (!user || user.deactivatedAt) return undefined;
  if (!(await accountReach(tx, invitation.createdBy, user.id)).mayChange) return undefined;
  return { tokenHash, invitation, user };
}

/** Records a change a person made to their own account wherever it is used (password, second factor). */
export async function recordOwnAccountChange(tx: Tx, actor: Actor, orgId: string, userId: string, action: string) {
  await recordAccountEvent(tx, actor, { id: orgId, odsCode: null }, userId, action);
}

export const markInvitationUsed = repository.markInvitationUsed;
export { isRole };

// ---- roles for a set time: a CQC inspector's ----

export type TimeLimitedGrant = repository.GrantRow & { user: { id: string; email: string; displayName: string } };

/**
 * Gives a named person a role in the organisation until `expiresAt`: a new account with an invitation, or a
 * role for an existing account (which stays the person's own: nothing about it changes). The caller checks who
 * may give it. A role already held for a set time is extended, never doubled.
 */
export async function grantUntil(
  tx: Tx,
  ctx: RequestContext,
  person: { email: string; displayName: string },
  grantedRole: Role,
  expiresAt: Date,
): Promise<{ grant: repository.GrantRow; invitation: { path: string; expiresAt: Date } | null }> {
  const orgId = ctx.user.activeOrg.id;
  const existing = await repository.byEmail(tx, normaliseEmail(person.email));
  const user =
    existing ?? (await repository.insert(tx, { email: normaliseEmail(person.email), displayName: person.displayName }));
  if (existing) {
    const held = await repository.grantsOfUserInOrganisation(tx, existing.id, orgId);
    const live = held.filter((g) => g.revokedAt === null && (g.expiresAt === null || g.expiresAt > new Date()));
    if (live.some((g) => g.expiresAt === null)) {
      throw new InputError({ email: 'This person already has a role in your organisation' });
    }
    for (const g of live) await repository.revokeGrant(tx, g.id, orgId, ctx.user.id);
  }
  const grant = await repository.insertGrant(tx, {
    orgId,
    userId: user.id,
    role: grantedRole,
    grantedBy: ctx.user.id,
    expiresAt,
  });
  await recordAccountEvent(tx, ctx.actor, ctx.user.activeOrg, user.id, 'role.granted-until', {
    role: grantedRole,
    grantId: grant.id,
    until: expiresAt.toISOString(),
  });
  if (existing) {
    await enqueueJob(tx, roleGivenJob, { userId: user.id, orgId, role: grantedRole, byUserId: ctx.user.id });
    return { grant, invitation: null };
  }
  return { grant, invitation: await invite(tx, ctx.actor, orgId, user.id) };
}

/** The organisation's grants of a role for a set time, newest first, with whom each is for. */
export async function timeLimitedGrantsOf(tx: Tx, orgId: string, ofRole: Role): Promise<TimeLimitedGrant[]> {
  const members = await repository.usersInOrganisation(tx, orgId);
  return members
    .flatMap(({ user, grants }) =>
      grants
        .filter((g) => g.role === ofRole && g.expiresAt !== null)
        .map((g) => ({ ...g, user: { id: user.id, email: user.email, displayName: user.displayName } })),
    )
    .sort((a, b) => b.grantedAt.getTime() - a.grantedAt.getTime());
}

/** Ends a grant given for a set time before its end; false if there is no such grant still running. */
export async function endGrantEarly(tx: Tx, ctx: RequestContext, grantId: string, ofRole: Role): Promise<boolean> {
  const orgId = ctx.user.activeOrg.id;
  const running = (await timeLimitedGrantsOf(tx, orgId, ofRole)).find(
    (g) => g.id === grantId && g.revokedAt === null && g.expiresAt !== null && g.expiresAt > new Date(),
  );
  if (!running) return false;
  await repository.revokeGrant(tx, grantId, orgId, ctx.user.id);
  await recordAccountEvent(tx, ctx.actor, ctx.user.activeOrg, running.userId, 'role.ended-early', { role: ofRole, grantId });
  return true;
}
