import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as apiTokens from './service.ts';

const scopeItems = (ticked: unknown) => {
  const chosen = new Set([ticked ?? []].flat());
  return apiTokens.tokenScopes.map((scope) => ({
    value: scope,
    text: apiTokens.scopeNames[scope],
    checked: chosen.has(scope),
  }));
};

export function apiTokensRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  // For the API routes of the modules listed after this one (see api-access.ts).
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
}
