import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf } from '../../platform/web.ts';
import * as leads from '../leads/service.ts';
import * as providers from './service.ts';

export function providerRoutes(app: FastifyInstance, { database }: AppDeps): void {
  app.get('/providers', { config: { access: 'providers:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const overview = await providers.providerOverview(database.db, ctx);
    return reply.page('providers/views/list.njk', { overview, postNames: leads.postNames });
  });
}
