import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, errorList, formBody, idParam } from '../../platform/web.ts';
import * as submissions from './submissions.ts';

/** The commissioner's pages: its providers' submitted self-assessments, and the decision on each. */
export function submissionRoutes(app: FastifyInstance, db: Db): void {
  app.get('/assurance/submissions', { config: { access: 'assessment:review' } }, async (request, reply) =>
    reply.page('self-assessment/views/submissions.njk', { providers: await submissions.submissionsList(db, contextOf(request)) }),
  );

  app.get('/assurance/submissions/:id', { config: { access: 'assessment:review' } }, async (request, reply) => {
    const page = await submissions.submissionPage(db, contextOf(request), idParam(request));
    return reply.page('self-assessment/views/submission.njk', { ...page, values: {} });
  });

  app.post('/assurance/submissions/:id', { config: { access: 'assessment:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await submissions.decide(db, ctx, id, body);
      return reply.redirect(`/assurance/submissions/${id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const page = await submissions.submissionPage(db, ctx, id);
      reply.code(400);
      return reply.page('self-assessment/views/submission.njk', {
        ...page,
        values: body,
        errors: error.fieldErrors,
        errorList: errorList(error.fieldErrors),
      });
    }
  });
}
