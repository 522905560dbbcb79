import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as concerns from '../concerns/service.ts';
import * as training from '../training/service.ts';
import * as apiTokens from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The live token an API request was authenticated with (set only on 'api-token' routes). */
    apiToken: apiTokens.ApiToken | null;
  }
}

const scopeItems = (ticked: unknown) => {
  const chosen = new Set([ticked ?? []].flat());
  return apiTokens.tokenScopes.map((scope) => ({
    value: scope,
    text: apiTokens.scopeNames[scope],
    checked: chosen.has(scope),
  }));
};

/** The service's field names as the API's body spells them: the person is under `subject`. */
const apiFieldPaths: Record<string, string> = {
  subjectType: 'subject.type',
  subjectName: 'subject.name',
  nhsNumber: 'subject.nhsNumber',
  dateOfBirth: 'subject.dateOfBirth',
  isChild: 'subject.isChild',
};

const apiFields = (fieldErrors: Record<string, string>) =>
  Object.fromEntries(Object.entries(fieldErrors).map(([field, message]) => [apiFieldPaths[field] ?? field, message]));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const notAnObject = 'Send the concern as a JSON object, with Content-Type: application/json';

const refusals = {
  missing: 'Send an API token in the Authorization header, as: Bearer TOKEN',
  invalid: 'The API token is not valid',
  revoked: 'The API token has been revoked',
} as const;

/**
 * Checks the bearer token before the body is even read, so that nobody without a token learns
 * anything from how their body is judged. 401 with a challenge, or 403 for a token without the scope.
 */
function requireToken(db: Parameters<typeof apiTokens.authenticate>[0], scope: apiTokens.TokenScope) {
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

export function apiTokensRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  app.decorateRequest('apiToken', null);

  // ---- the administrator's pages ----

  const listPage = async (request: FastifyRequest, values: Record<string, unknown> = {}) => ({
    tokens: await apiTokens.listTokens(db, contextOf(request)),
    scopeNames: apiTokens.scopeNames,
    scopeItems: scopeItems(values.scopes),
    values,
  });

  app.get('/api-tokens', { config: { access: 'api-tokens:manage' } }, async (request, reply) =>
    reply.page('api-tokens/views/list.njk', await listPage(request)),
  );

  app.post('/api-tokens', { config: { access: 'api-tokens:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const created = await apiTokens.createToken(db, ctx, body);
      // The secret is on this page only: no browser or proxy may keep a copy.
      reply.header('cache-control', 'no-store');
      return reply.page('api-tokens/views/created.njk', {
        token: created.token,
        secret: created.secret,
        scopeNames: apiTokens.scopeNames,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'api-tokens/views/list.njk', await listPage(request, body));
    }
  });

  app.post('/api-tokens/:id/revoke', { config: { access: 'api-tokens:manage' } }, async (request, reply) => {
    await apiTokens.revokeToken(db, contextOf(request), idParam(request));
    return reply.redirect('/api-tokens', 303);
  });

  // ---- the API ----

  app.post(
    '/api/v1/concerns',
    {
      config: { access: 'api-token' },
      onRequest: requireToken(db, 'concerns:create'),
      // A body that could not be read as JSON is bad input like any other: 400, in the API's own words.
      errorHandler: (error: FastifyError, _request, reply) => {
        if (error.code?.startsWith('FST_ERR_CTP_') && error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return reply.code(400).send({ error: notAnObject });
        }
        throw error;
      },
    },
    async (request, reply) => {
      const token = request.apiToken;
      if (!token) throw new Error('The API token check did not run');
      const body = request.body;
      if (!isObject(body)) return reply.code(400).send({ error: notAnObject });
      const subject = isObject(body.subject) ? body.subject : {};
      const input = {
        subjectType: subject.type,
        subjectName: subject.name,
        nhsNumber: subject.nhsNumber,
        dateOfBirth: subject.dateOfBirth,
        isChild: subject.isChild,
        narrative: body.narrative,
        observedAt: body.observedAt,
        location: body.location,
        immediateRisk: body.immediateRisk,
      };
      try {
        const raised = await concerns.raiseConcern(
          db,
          { kind: 'system', orgId: token.orgId, tokenId: token.id, actor: apiTokens.actorFor(token, request.ip) },
          input,
        );
        // The case itself is for the organisation's Prevent leads, in the app.
        return reply.code(201).header('location', `/concerns/${raised.id}`).send({ id: raised.id, reference: raised.reference });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return reply.code(400).send({ error: 'Invalid input', fields: apiFields(error.fieldErrors) });
      }
    },
  );

  app.post(
    '/api/v1/training-records',
    {
      config: { access: 'api-token' },
      onRequest: requireToken(db, 'training:write'),
      // Up to training.maxRecordsPerCall records of a few hundred bytes each.
      bodyLimit: 4 * 1024 * 1024,
      errorHandler: (error: FastifyError, _request, reply) => {
        if (error.code?.startsWith('FST_ERR_CTP_') && error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return reply.code(400).send({ error: 'Send the records as a JSON object, with Content-Type: application/json' });
        }
        throw error;
      },
    },
    async (request, reply) => {
      const token = request.apiToken;
      if (!token) throw new Error('The API token check did not run');
      try {
        const result = await training.receiveRecords(
          db,
          { orgId: token.orgId, actor: apiTokens.actorFor(token, request.ip) },
          request.body,
        );
        return reply.code(201).send(result);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return reply.code(400).send({ error: 'Invalid input: nothing was recorded', fields: error.fieldErrors });
      }
    },
  );
}
