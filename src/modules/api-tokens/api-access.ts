import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import * as apiTokens from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The live token an API request was authenticated with (set only on 'api-token' routes). */
    apiToken: apiTokens.ApiToken | null;
  }
}

const refusals = {
  missing: 'Send an API token in the Authorization header, as: Bearer TOKEN',
  invalid: 'The API token is not valid',
  revoked: 'The API token has been revoked',
} as const;

/**
 * An API route's onRequest hook: checks the bearer token before the body is even read, so that nobody
 * without a token learns anything from how their body is judged. 401 with a challenge, or 403 for a
 * token without the scope. The route then finds the token in request.apiToken.
 */
export function requireToken(db: Db, scope: apiTokens.TokenScope) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await apiTokens.authenticate(db, request.headers.authorization);
    if (!result.ok) {
      const challenge = result.problem === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
      return reply.code(401).header('www-authenticate', challenge).send({ error: refusals[result.problem] });
    }
    if (!apiTokens.allows(result.token, scope)) {
      return reply.code(403).send({ error: `This API token may not do this: it needs the scope ${scope}` });
    }
    request.apiToken = result.token;
  };
}

/** The token the route's requireToken hook found; a route without the hook is a mistake, not a caller's. */
export function tokenOf(request: FastifyRequest): apiTokens.ApiToken {
  const token = request.apiToken;
  if (!token) throw new Error('The API token check did not run');
  return token;
}

/** An API route's error handler: a body that could not be read as JSON is bad input like any other, 400 in the API's own words. */
export function unreadableBodyIs(message: string) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    if (error.code?.startsWith('FST_ERR_CTP_') && error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(400).send({ error: message });
    }
    throw error;
  };
}

export const actorFor = apiTokens.actorFor;
