import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { suppressionNote } from '../../platform/suppression.ts';
import { contextOf, idParam, showFormErrors } from '../../platform/web.ts';
import * as region from './region-service.ts';

/** The regional lead's learning: the region's groups' shared case studies, their themes, and those featured. */
export function regionLearningRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  const notes = { suppressionNote, heldBackText: region.heldBackText };

  app.get('/learning/region', { config: { access: 'learning:region' } }, async (request, reply) => {
    return reply.page('lessons/views/region.njk', { ...notes, ...(await region.regionLearning(db, contextOf(request))) });
  });

  app.get('/learning/region/case-studies/:id', { config: { access: 'learning:region' } }, async (request, reply) => {
    const page = await region.regionalStudy(db, contextOf(request), idParam(request));
    return reply.page('lessons/views/region-case-study.njk', { ...notes, ...page });
  });

  for (const [path, featured] of [
    ['feature', true],
    ['unfeature', false],
  ] as const) {
    app.post(`/learning/region/case-studies/:id/${path}`, { config: { access: 'learning:region' } }, async (request, reply) => {
      const ctx = contextOf(request);
      const id = idParam(request);
      try {
        await region.setFeatured(db, ctx, id, featured);
        return reply.redirect(`/learning/region/case-studies/${id}`, 303);
      } catch (error) {
        const page = await region.regionalStudy(db, ctx, id);
        return showFormErrors(reply, error, 'lessons/views/region-case-study.njk', { ...notes, ...page });
      }
    });
  }
}
