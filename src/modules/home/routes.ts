import type { FastifyInstance } from 'fastify';
import { migrationStatus } from '../../db/migrate.ts';
import { todayInLondon } from '../../platform/dates.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { roleNames } from '../../platform/permissions.ts';
import { contextOf } from '../../platform/web.ts';
import { attentionFor, staffSectionsFor, urgencyNames } from './service.ts';

export function homeRoutes(app: FastifyInstance, { database, modules }: AppDeps): void {
  /** What needs doing, for those who may act on it; for everyone else, who their Prevent leads are and how to raise a concern. */
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const today = todayInLondon();
    const attention = await attentionFor(modules, database.db, ctx, today);
    const staffSections = attention === null ? await staffSectionsFor(modules, database.db, ctx, today) : [];
    return reply.page('home/views/home.njk', {
      roleNames: ctx.user.roles.map((r) => roleNames[r]),
      showAttention: attention !== null,
      attention: attention ?? [],
      staffSections,
      urgencyNames,
    });
  });

  app.get('/accessibility', { config: { access: 'public' } }, async (_request, reply) =>
    reply.page('home/views/accessibility.njk'),
  );

  app.get('/ping', { config: { access: 'public', kind: 'probe' } }, async () => ({ status: 'ok' }));

  /** For load balancers and monitoring: the database answers and its schema is the code's. */
  app.get('/health', { config: { access: 'public', kind: 'probe' } }, async (_request, reply) => {
    try {
      const { expected, applied } = await migrationStatus(database);
      const current = applied === expected;
      return reply.code(current ? 200 : 503).send({
        status: current ? 'ok' : 'migrations pending',
        database: { kind: database.kind, reachable: true },
        migrations: { expected, applied, current },
      });
    } catch {
      return reply.code(503).send({ status: 'database unreachable', database: { kind: database.kind, reachable: false } });
    }
  });
}
