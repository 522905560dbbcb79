import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { noScope, setScope, withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { seal, unseal } from '../../platform/encryption.ts';
import { InputError } from '../../platform/errors.ts';
import { hashPassword, passwordMatches } from '../../platform/passwords.ts';
import { caseDataPermission } from '../../platform/permissions.ts';
import type { LoadedSession } from '../../platform/sessions.ts';
import * as sessions from '../../platform/sessions.ts';
import { checkTotp, newTotpSecret, totpUri } from '../../platform/totp.ts';
import { parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as users from '../users/service.ts';
import { addressDelaySeconds, addressWaitMessage, addressWindowMinutes } from './sign-in-limits.ts';

export type SignInPolicy = { requireMfa: boolean; sessionHours: number };

const credentials = z.object({
  email: z.string({ error: 'Enter your e-mail address' }).trim().min(1, 'Enter your e-mail address').max(254),
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(1024),
});

export type SignInResult = { token: string; next: 'done' | 'mfa-challenge' | 'mfa-enrolment' };

const wrongDetails = 'Enter a correct e-mail address and password';

export async function signIn(db: Db, policy: SignInPolicy, input: unknown, ip: string): Promise<SignInResult> {
  const fields = parseInput(credentials, input);
  const outcome = await withScope(db, noScope, async (tx): Promise<SignInResult | { error: string }> => {
    // Too early, the password is not checked and nothing is recorded: refusals must not lengthen the wait of
    // everyone else on a shared address, nor count against the account named.
    const recent = await sessions.recentFailedSignInsFrom(tx, ip, addressWindowMinutes);
    const wait = addressDelaySeconds(recent.failures) - (recent.secondsSinceLast ?? Number.POSITIVE_INFINITY);
    if (wait > 0) return { error: addressWaitMessage(Math.ceil(wait)) };
    const user = await users.findByEmail(tx, fields.email);
    const matches = await passwordMatches(user?.passwordHash ?? null, fields.password);
    const locked = user?.lockedUntil && user.lockedUntil > new Date();
    if (!user || !matches || locked || user.deactivatedAt) {
      await sessions.recordSignInAttempt(tx, ip, false);
      if (user && !locked) await users.recordFailedSignIn(tx, user.id);
      await audit.record(
        tx,
        { userId: user?.id ?? null, label: user ? user.email : 'unknown account', ip },
        {
          orgId: null,
          action: 'sign-in.failed',
          recordType: 'user',
          ...(user ? { recordId: user.id } : {}),
          details: {
            reason: !user ? 'unknown e-mail' : locked ? 'locked' : user.deactivatedAt ? 'deactivated' : 'wrong password',
          },
        },
      );
      return {
        error: locked
          ? 'This account is locked for 15 minutes after repeated failed sign-ins. Try again later or ask your administrator'
          : wrongDetails,
      };
    }
    await setScope(tx, { userId: user.id, orgIds: [] });
    const person = await users.describeUser(tx, user.id, null);
    if (!person) {
      await sessions.recordSignInAttempt(tx, ip, false);
      return { error: 'Your account has no role in any organisation. Ask your administrator to give you one' };
    }
    const needsMfa = policy.requireMfa && person.organisations.length > 0 && (await holdsCaseDataRole(tx, user.id));
    const next = user.totpEnabledAt ? 'mfa-challenge' : needsMfa ? 'mfa-enrolment' : 'done';
    await users.updateUser(tx, user.id, { failedSignIns: 0, lockedUntil: null });
    await sessions.recordSignInAttempt(tx, ip, true);
    await sessions.clearStale(tx);
    const token = await sessions.startSession(
      tx,
      user.id,
      person.activeOrg.id,
      next === 'done' ? 'signed-in' : next,
      policy.sessionHours,
    );
    await audit.record(
      tx,
      { userId: user.id, label: `${person.displayName} <${person.email}>`, ip },
      {
        orgId: person.activeOrg.id,
        action: next === 'done' ? 'sign-in' : 'sign-in.password-accepted',
        recordType: 'user',
        recordId: user.id,
      },
    );
    return { token, next };
  });
  if ('error' in outcome) throw new InputError({ email: outcome.error });
  return outcome;
}

async function holdsCaseDataRole(tx: Parameters<typeof users.describeUser>[0], userId: string): Promise<boolean> {
  // Any organisation counts: a person who can see case data anywhere signs in with a second factor.
  const person = await users.describeUser(tx, userId, null);
  if (!person) return false;
  for (const org of person.organisations) {
    const inOrg = await users.describeUser(tx, userId, org.id);
    if (inOrg?.permissions.has(caseDataPermission)) return true;
  }
  return false;
}

const codeField = z.object({
  code: z
    .string({ error: 'Enter the 6-digit code from your authenticator app' })
    .transform((c) => c.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'The code is 6 digits, like 123456')),
});

/** The second step of sign-in: a code from the person's authenticator app. */
export async function completeMfaChallenge(
  db: Db,
  policy: SignInPolicy,
  session: LoadedSession,
  input: unknown,
  ip: string,
): Promise<string> {
  const { code } = parseInput(codeField, input);
  const outcome = await withScope(
    db,
    { userId: session.user.id, orgIds: [] },
    async (tx): Promise<{ error: string } | { token: string }> => {
      const user = await users.findById(tx, session.user.id);
      if (!user?.totpSecret || !user.totpEnabledAt)
        return { error: 'Multi-factor authentication is not set up for this account' };
      if (user.lockedUntil && user.lockedUntil > new Date()) {
        return { error: 'This account is locked for 15 minutes after repeated failed attempts. Try again later' };
      }
      const step = await checkTotp(totpSecretOf(user.totpSecret), code, user.totpLastStep);
      const actor = { userId: user.id, label: `${user.displayName} <${user.email}>`, ip };
      if (step === null) {
        await users.recordFailedSignIn(tx, user.id);
        await audit.record(tx, actor, { orgId: null, action: 'mfa.failed', recordType: 'user', recordId: user.id });
        return { error: 'The code is not right, or it was already used. Enter the newest code from your authenticator app' };
      }
      await users.updateUser(tx, user.id, { totpLastStep: step, failedSignIns: 0 });
      const token = await sessions.promoteToSignedIn(tx, session, policy.sessionHours);
      await audit.record(tx, actor, {
        orgId: session.user.activeOrg.id,
        action: 'sign-in',
        recordType: 'user',
        recordId: user.id,
        details: { mfa: true },
      });
      return { token };
    },
  );
  if ('error' in outcome) throw new InputError({ code: outcome.error });
  return outcome.token;
}

/**
 * The second factor's secret is sealed with the case data key, so that a copy of the database
 * alone cannot make codes. Secrets stored before it was sealed are read as they are.
 */
function totpSecretOf(stored: string): string {
  return stored.startsWith('v1.') ? (unseal(stored) ?? '') : stored;
}

/** Starts (or restarts) enrolment: a new secret, not yet in use until a code from it is confirmed. */
export async function beginMfaEnrolment(db: Db, session: LoadedSession): Promise<{ secret: string; uri: string }> {
  return withScope(db, { userId: session.user.id, orgIds: [] }, async (tx) => {
    const user = await users.findById(tx, session.user.id);
    if (user?.totpSecret && !user.totpEnabledAt) {
      const secret = totpSecretOf(user.totpSecret);
      return { secret, uri: totpUri(secret, user.email) };
    }
    const secret = newTotpSecret();
    // An enrolled person who re-enrols keeps their old secret working until the new one is confirmed.
    if (!user?.totpEnabledAt) await users.updateUser(tx, session.user.id, { totpSecret: seal(secret) });
    return { secret, uri: totpUri(secret, session.user.email) };
  });
}

/** Confirms enrolment with a first code; returns the new session token (the session id changes). */
export async function confirmMfaEnrolment(
  db: Db,
  policy: SignInPolicy,
  session: LoadedSession,
  input: unknown,
  ip: string,
): Promise<string> {
  const { code } = parseInput(codeField, input);
  const outcome = await withScope(
    db,
    { userId: session.user.id, orgIds: [session.user.activeOrg.id] },
    async (tx): Promise<{ error: string } | { token: string }> => {
      const user = await users.findById(tx, session.user.id);
      if (!user?.totpSecret) return { error: 'Start again: open this page to get a new key' };
      if (user.totpEnabledAt) return { error: 'Multi-factor authentication is already set up for this account' };
      const step = await checkTotp(totpSecretOf(user.totpSecret), code, null);
      if (step === null) return { error: 'The code is not right. Check the key was entered correctly and enter the newest code' };
      await users.updateUser(tx, user.id, { totpEnabledAt: new Date(), totpLastStep: step });
      const token = await sessions.promoteToSignedIn(tx, session, policy.sessionHours);
      const actor = { userId: user.id, label: `${user.displayName} <${user.email}>`, ip };
      await users.recordOwnAccountChange(tx, actor, session.user.activeOrg.id, user.id, 'mfa.enrolled');
      return { token };
    },
  );
  if ('error' in outcome) throw new InputError({ code: outcome.error });
  return outcome.token;
}

export async function signOut(db: Db, session: LoadedSession, ip: string): Promise<void> {
  await withScope(db, { userId: session.user.id, orgIds: [session.user.activeOrg.id] }, async (tx) => {
    await sessions.endSession(tx, session.idHash);
    await audit.record(
      tx,
      { userId: session.user.id, label: `${session.user.displayName} <${session.user.email}>`, ip },
      {
        orgId: session.user.activeOrg.id,
        action: 'sign-out',
        recordType: 'user',
        recordId: session.user.id,
      },
    );
  });
}

export async function switchOrganisation(db: Db, ctx: RequestContext, session: LoadedSession, orgId: unknown): Promise<void> {
  const target = ctx.user.organisations.find((o) => o.id === orgId);
  if (!target) throw new InputError({ orgId: 'Choose one of your organisations' });
  await withScope(db, { userId: ctx.user.id, orgIds: [target.id] }, async (tx) => {
    await sessions.setActiveOrganisation(tx, session.idHash, target.id);
    await audit.record(tx, ctx.actor, {
      orgId: target.id,
      action: 'organisation.switched',
      recordType: 'organisation',
      recordId: target.id,
    });
  });
}

const passwordChange = z.object({
  currentPassword: z.string({ error: 'Enter your current password' }).min(1, 'Enter your current password'),
});

export async function changePassword(db: Db, ctx: RequestContext, input: unknown): Promise<void> {
  const { currentPassword } = parseInput(passwordChange, input);
  const password = users.acceptablePassword(input, ctx.user);
  const error = await withScope(db, ctx.scope, async (tx) => {
    const user = await users.findById(tx, ctx.user.id);
    if (!user || !(await passwordMatches(user.passwordHash, currentPassword))) return 'Your current password is not right';
    await users.updateUser(tx, user.id, { passwordHash: await hashPassword(password) });
    // Other sessions may belong to someone who learnt the old password.
    await sessions.endAllSessionsOf(tx, user.id);
    await users.recordOwnAccountChange(tx, ctx.actor, ctx.user.activeOrg.id, user.id, 'password.changed');
    return null;
  });
  if (error) throw new InputError({ currentPassword: error });
}

/** An invited person chooses their password. Returns false if the link is unknown, used or expired. */
export async function acceptInvitation(db: Db, token: string, input: unknown, ip: string): Promise<boolean> {
  return withScope(db, noScope, async (tx) => {
    const found = await users.invitationFor(tx, token);
    if (!found) return false;
    const password = users.acceptablePassword(input, found.user);
    // Claim the link before setting the password: of two uses at once, only one may set it.
    if (!(await users.markInvitationUsed(tx, found.tokenHash))) return false;
    await users.updateUser(tx, found.user.id, {
      passwordHash: await hashPassword(password),
      failedSignIns: 0,
      lockedUntil: null,
    });
    const actor = { userId: found.user.id, label: found.user.email, ip };
    await users.recordOwnAccountChange(tx, actor, found.invitation.orgId, found.user.id, 'invitation.accepted');
    return true;
  });
}

export async function invitationIsOpen(db: Db, token: string): Promise<{ email: string } | undefined> {
  return withScope(db, noScope, async (tx) => {
    const found = await users.invitationFor(tx, token);
    return found ? { email: found.user.email } : undefined;
  });
}
