import type { FastifyInstance } from 'fastify';
import { withScope } from '../../db/tenancy.ts';
import type { AppDeps } from '../modules.ts';
import { contextOf } from '../web.ts';
import { failedJobsFor, maxJobAttempts } from './queue.ts';

/** The jobs that used all their tries, for system administrators to look into: no payloads, since one may hold an address. */
export function failedJobRoutes(app: FastifyInstance, { database }: AppDeps): void {
  app.get('/jobs/failed', { config: { access: 'users:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const failed = await withScope(database.db, ctx.scope, (tx) => failedJobsFor(tx, ctx.user.activeOrg.id));
    return reply.page('jobs/views/failed.njk', { failed, maxJobAttempts });
  });
}
