import type { FastifyInstance } from 'fastify';
import { migrationStatus } from '../../db/migrate.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { roleNames } from '../../platform/permissions.ts';

export function homeRoutes(app: FastifyInstance, { database }: AppDeps): void {
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = request.session?.user;
    return reply.page('home/views/home.njk', { roleNames: user?.roles.map((r) => roleNames[r]) ?? [] });
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
