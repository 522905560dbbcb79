import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import type { Actor } from '../audit/service.ts';
import * as audit from '../audit/service.ts';
import * as repository from './repository.ts';
import { type TokenScope, tokenScopes } from './schema.ts';

export { type TokenScope, tokenScopes };
export type ApiToken = repository.TokenSummary;

export const scopeNames: Record<TokenScope, string> = {
  'concerns:create': 'Raise concerns (POST /api/v1/concerns)',
  'training:write': 'Send training records (POST /api/v1/training-records)',
};

const secretPrefix = 'pa_';
/** `pa_` and 32 random bytes in base64url (43 characters): anything else cannot be a token, and is not looked up. */
const secretShape = /^pa_[A-Za-z0-9_-]{43}$/;

const newSecret = () => `${secretPrefix}${randomBytes(32).toString('base64url')}`;

/**
 * The secret is 256 random bits, so a fast hash is right: there is nothing to guess, and a slow
 * password hash would only slow every API call down. Finding the token by its hash (an indexed
 * lookup) rather than comparing secrets means the secret itself is never stored or compared.
 */
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

const isScope = (value: string): value is TokenScope => (tokenScopes as readonly string[]).includes(value);

const newToken = z.object({
  name: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'Enter a name for the token, like the system that will use it' })
      .max(100, 'The name must be 100 characters or fewer'),
  ),
  // A form sends one ticked box as a string and several as a list; the command line sends a list.
  scopes: z.preprocess(
    (v) => (v === undefined || v === '' ? [] : [v].flat()),
    z
      .array(z.string({ error: 'Choose what the token may do' }))
      .refine((scopes) => scopes.length > 0, 'Choose at least one thing the token may do')
      .refine((scopes) => scopes.every(isScope), {
        error: (issue) =>
          `There is no scope "${(issue.input as string[]).find((s) => !isScope(s))}". Use one of: ${tokenScopes.join(', ')}`,
      })
      .transform((scopes) => [...new Set(scopes.filter(isScope))]),
  ),
});

/** A token just made: the secret is here, and nowhere else, ever again. */
export type CreatedToken = { token: ApiToken; secret: string };

async function create(tx: Tx, actor: Actor, orgId: string, input: unknown): Promise<CreatedToken> {
  const fields = parseInput(newToken, input);
  const secret = newSecret();
  const token = await repository.insert(tx, {
    orgId,
    name: fields.name,
    scopes: fields.scopes,
    tokenHash: hashOf(secret),
    createdBy: actor.userId,
  });
  await audit.record(tx, actor, {
    orgId,
    action: 'api_token.created',
    recordType: 'api_token',
    recordId: token.id,
    details: { name: token.name, scopes: token.scopes.join(',') },
  });
  return { token, secret };
}

async function revoke(tx: Tx, actor: Actor, token: ApiToken, now: Date): Promise<boolean> {
  if (!(await repository.revoke(tx, token.orgId, token.id, now))) return false;
  await audit.record(tx, actor, {
    orgId: token.orgId,
    action: 'api_token.revoked',
    recordType: 'api_token',
    recordId: token.id,
    details: { name: token.name },
  });
  return true;
}

// ---- for an administrator in the app: their own organisation's tokens ----

export async function createToken(db: Db, ctx: RequestContext, input: unknown): Promise<CreatedToken> {
  return withScope(db, ctx.scope, (tx) => create(tx, ctx.actor, ctx.user.activeOrg.id, input));
}

export async function listTokens(db: Db, ctx: RequestContext): Promise<ApiToken[]> {
  return withScope(db, ctx.scope, (tx) => repository.tokensOf(tx, ctx.user.activeOrg.id));
}

/** Revokes one of the organisation's tokens; revoking one already revoked changes nothing. */
export async function revokeToken(db: Db, ctx: RequestContext, id: string, now = new Date()): Promise<void> {
  await withScope(db, ctx.scope, async (tx) => {
    const token = await repository.tokenIn(tx, ctx.user.activeOrg.id, id);
    if (!token) throw new NotFoundError('API token');
    await revoke(tx, ctx.actor, token, now);
  });
}

// ---- for the command line, which names the organisation ----

export async function createTokenFor(db: Db, actor: Actor, orgId: string, input: unknown): Promise<CreatedToken> {
  return withScope(db, { userId: null, orgIds: [orgId] }, (tx) => create(tx, actor, orgId, input));
}

export async function listTokensFor(db: Db, orgId: string): Promise<ApiToken[]> {
  return withScope(db, { userId: null, orgIds: [orgId] }, (tx) => repository.tokensOf(tx, orgId));
}

/** The token revoked, and whether this call revoked it (false: it already was). Undefined if there is no such token. */
export async function revokeAnyToken(
  db: Db,
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<{ token: ApiToken; revoked: boolean } | undefined> {
  const found = await repository.anyById(db, id);
  if (!found) return undefined;
  return withScope(db, { userId: null, orgIds: [found.orgId] }, async (tx) => ({
    token: found,
    revoked: await revoke(tx, actor, found, now),
  }));
}

// ---- for the API ----

export type Authentication = { ok: true; token: ApiToken } | { ok: false; problem: 'missing' | 'invalid' | 'revoked' };

/**
 * The token an `Authorization: Bearer …` header carries, if it is live; its use is recorded. A token
 * acts only for the organisation it was made for: the caller gets its organisation from here, never
 * from what the request says.
 */
export async function authenticate(db: Db, authorization: string | undefined, now = new Date()): Promise<Authentication> {
  const secret = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
  if (!secret) return { ok: false, problem: 'missing' };
  if (!secretShape.test(secret)) return { ok: false, problem: 'invalid' };
  const token = await repository.anyByHash(db, hashOf(secret));
  if (!token) return { ok: false, problem: 'invalid' };
  if (token.revokedAt) return { ok: false, problem: 'revoked' };
  await withScope(db, { userId: null, orgIds: [token.orgId] }, (tx) => repository.markUsed(tx, token.id, now));
  return { ok: true, token: { ...token, lastUsedAt: now } };
}

export const allows = (token: ApiToken, scope: TokenScope) => token.scopes.includes(scope);

/** Who the audit trail and the chronology say acted, when a token did. */
export const actorFor = (token: ApiToken, ip: string | null): Actor => ({
  userId: null,
  label: `API token "${token.name}"`,
  ip,
});
