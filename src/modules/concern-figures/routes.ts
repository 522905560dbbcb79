import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, showFormErrors } from '../../platform/web.ts';
import * as concerns from '../concerns/service.ts';
import * as figures from './service.ts';

export function concernFiguresRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  const view = 'concern-figures/views/summary.njk';
  const names = { subjectTypeNames: concerns.subjectTypeNames, subjectTypes: concerns.subjectTypes };

  app.get('/concerns/summary', { config: { access: 'concerns:counts' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const query = request.query as Record<string, unknown>;
    try {
      return reply.page(view, { ...names, ...(await figures.figuresFor(db, ctx, query)) });
    } catch (error) {
      return showFormErrors(reply, error, view, { ...names, ...(await figures.figuresFor(db, ctx, {})) });
    }
  });
}
