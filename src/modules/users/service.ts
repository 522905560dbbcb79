import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { CurrentUser, OrganisationSummary, RequestContext } from '../../platform/context.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { hashPassword, passwordProblem } from '../../platform/passwords.ts';
import { caseDataRoles, isRole, permissionsOf, type Role, roles } from '../../platform/permissions.ts';
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
const role = z.enum(roles, { error: 'Choose a role' });

const newUser = z.object({ email, displayName, role });

const invitationDays = 7;

/** The job that tells an organisation's Prevent leads someone was given a role that opens concern cases. */
export const caseRoleGrantedJob = 'users.case-role-granted';

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

/**
 * Creates a person with a role in the administrator's organisation and an invitation to set a
 * password. A person who already has an account (in another organisation) is given the role.
 */
export async function createUser(db: Db, ctx: RequestContext, input: unknown): Promise<Invitation> {
  const fields = parseInput(newUser, input);
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const existing = await repository.byEmail(tx, fields.email);
    if (existing) {
      const held = await repository.grantsOfUserInOrganisation(tx, existing.id, orgId);
      if (held.length > 0) throw new InputError({ email: 'This person already has an account in your organisation' });
    }
    const user = existing ?? (await repository.insert(tx, { email: fields.email, displayName: fields.displayName }));
    await guardCaseDataRole(tx, ctx, user.id, fields.role, user.displayName);
    await repository.insertGrant(tx, { orgId, userId: user.id, role: fields.role, grantedBy: ctx.user.id });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: existing ? 'user.added' : 'user.created',
      recordType: 'user',
      recordId: user.id,
      details: { email: user.email, role: fields.role },
    });
    const { path, expiresAt } = await invite(tx, ctx.actor, orgId, user.id);
    return { userId: user.id, path, expiresAt, existingAccount: existing !== undefined };
  });
}

/** The first administrator on a real install, from the command line. */
export async function createAdministrator(
  db: Db,
  actor: Actor,
  input: { email: string; displayName: string; orgId: string; role: Role; password?: string | undefined },
): Promise<{ user: User; invitationPath?: string }> {
  const fields = parseInput(newUser, input);
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
    await repository.insertGrant(tx, { orgId: input.orgId, userId: user.id, role: fields.role, grantedBy: null });
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
    if (member.user.deactivatedAt) throw new InputError({ form: 'Reactivate this account before inviting the person again' });
    const { path, expiresAt } = await invite(tx, ctx.actor, ctx.user.activeOrg.id, userId);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'user.invited',
      recordType: 'user',
      recordId: userId,
    });
    return { userId, path, expiresAt, existingAccount: true };
  });
}

export type Person = repository.Person;
export type OrganisationMember = { user: Person; grants: repository.GrantRow[] };

export async function listMembers(db: Db, ctx: RequestContext): Promise<OrganisationMember[]> {
  return withScope(db, ctx.scope, (tx) => repository.usersInOrganisation(tx, ctx.user.activeOrg.id));
}

/** A person in the administrator's organisation; anyone else is "not found". */
export async function getMember(db: Db, ctx: RequestContext, userId: string): Promise<OrganisationMember> {
  return withScope(db, ctx.scope, (tx) => memberIn(tx, ctx, userId));
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
    await guardCaseDataRole(tx, ctx, userId, fields.role, member.user.displayName);
    const grant = await repository.insertGrant(tx, {
      orgId: ctx.user.activeOrg.id,
      userId,
      role: fields.role,
      grantedBy: ctx.user.id,
    });
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'role.granted',
      recordType: 'user',
      recordId: userId,
      details: { role: fields.role, grantId: grant.id },
    });
  });
}

export async function revokeRole(db: Db, ctx: RequestContext, userId: string, grantId: string): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    const member = await memberIn(tx, ctx, userId);
    const grant = member.grants.find((g) => g.id === grantId && g.revokedAt === null);
    if (!grant) throw new NotFoundError('role');
    if (userId === ctx.user.id && grant.role === 'system_admin') {
      throw new InputError({ role: 'You cannot remove your own administrator role: ask another administrator' });
    }
    await repository.revokeGrant(tx, grantId, ctx.user.activeOrg.id, ctx.user.id);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'role.revoked',
      recordType: 'user',
      recordId: userId,
      details: { role: grant.role, grantId },
    });
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
    await memberIn(tx, ctx, userId);
    if (userId === ctx.user.id) throw new InputError({ form: 'You cannot deactivate your own account' });
    await repository.update(tx, userId, { deactivatedAt: active ? null : new Date(), failedSignIns: 0, lockedUntil: null });
    if (!active) await endSessions(tx, userId);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: active ? 'user.reactivated' : 'user.deactivated',
      recordType: 'user',
      recordId: userId,
    });
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
    if (!member.user.totpEnabledAt) {
      throw new InputError({ form: 'Multi-factor authentication is not set up for this person' });
    }
    await repository.update(tx, userId, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    await endSessions(tx, userId);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'mfa.reset',
      recordType: 'user',
      recordId: userId,
    });
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

export async function invitationFor(tx: Tx, token: string) {
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const invitation = await repository.openInvitation(tx, tokenHash);
  if (!invitation) return undefined;
  const user = await repository.byId(tx, invitation.userId);
  if (!user || user.deactivatedAt) return undefined;
  return { tokenHash, invitation, user };
}

export const markInvitationUsed = repository.markInvitationUsed;
export { isRole };
