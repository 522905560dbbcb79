import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, idParam } from '../../platform/web.ts';
import * as notifications from './service.ts';

const pageSize = 50;

function pageNumber(query: unknown): number {
  const page = Number((query as Record<string, unknown> | undefined)?.page);
  return Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1;
}

export function notificationRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/notifications', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const page = pageNumber(request.query);
    const { notifications: items, more } = await notifications.listMine(db, ctx, {
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return reply.page('notifications/views/list.njk', {
      items,
      unread: items.some((n) => n.readAt === null),
      previous: page > 1 ? `/notifications?page=${page - 1}` : null,
      next: more ? `/notifications?page=${page + 1}` : null,
    });
  });

  app.post('/notifications/read', { config: { access: 'signed-in' } }, async (request, reply) => {
    await notifications.markAllRead(db, contextOf(request));
    return reply.redirect('/notifications', 303);
  });

  app.post('/notifications/:id/read', { config: { access: 'signed-in' } }, async (request, reply) => {
    await notifications.markRead(db, contextOf(request), idParam(request));
    return reply.redirect('/notifications', 303);
  });
}
