import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import { levelItems, shared } from './pages.ts';
import * as training from './service.ts';
import { staffPage, staffView } from './staff-routes.ts';

/** Training records: one added by hand on a person's page, and the signed-in person's own. */
export function recordRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.post('/training/staff/:id/records', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await training.addRecord(db, ctx, id, body);
      return reply.redirect(`/training/staff/${id}`, 303);
    } catch (error) {
      const extra = { recordValues: body, levelItems: levelItems(body.level) };
      return showFormErrors(reply, error, staffView, await staffPage(db, request, extra));
    }
  });

  app.get('/training/mine', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('training/views/mine.njk', { ...shared, mine: await training.myTraining(db, ctx) });
  });
}
