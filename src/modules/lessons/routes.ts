import type { FastifyInstance } from 'fastify';
import { todayInLondon } from '../../platform/dates.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import { type CaseSectionSource, showCasePage } from '../concerns/routes.ts';
import { financialYearOf } from '../risks/service.ts';
import * as caseStudies from './case-study-service.ts';
import { caseStudyRoutes } from './routes-case-studies.ts';
import * as lessons from './service.ts';

export const lessonsSection: CaseSectionSource = async (open) => ({
  template: 'lessons/views/case-section.njk',
  data: await lessons.reviewSection(open),
});

const statusItems = (selected: unknown) =>
  lessons.reviewStatuses.map((value) => ({ value, text: lessons.statusNames[value], checked: value === selected }));

/** The entry point the manifest registers: lessons reviews, then the case studies drawn from them (routes-case-studies.ts). */
export function lessonsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;

  app.get('/lessons', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const year = financialYearOf(todayInLondon());
    const list = await lessons.reviewList(db, ctx);
    const figures = await lessons.lessonsFigures(db, ctx, { from: `${year}-04-01`, before: `${year + 1}-04-01` });
    return reply.page('lessons/views/list.njk', { ...list, figures, year });
  });

  // Started from the case page, for a case that was not referred (a referral starts its own).
  app.post('/concerns/:id/lessons-review', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    try {
      const reviewId = await lessons.startReview(db, ctx, id);
      return reply.redirect(`/lessons/reviews/${reviewId}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      reply.code(400);
      return showCasePage(reply, deps, ctx, id, { error, values: {} });
    }
  });

  async function reviewPage(ctx: ReturnType<typeof contextOf>, id: string) {
    const review = await lessons.getReview(db, ctx, id);
    return {
      review,
      studies: await caseStudies.caseStudiesOfReview(db, ctx, id),
      statusItems: statusItems(review.status),
      values: {
        wentWell: review.wentWell,
        couldBeBetter: review.couldBeBetter,
        learningPoints: review.learningPoints,
        themes: lessons.themesText(review.themes),
      },
      actionValues: {},
    };
  }

  app.get('/lessons/reviews/:id', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('lessons/views/review.njk', await reviewPage(ctx, idParam(request)));
  });

  app.post('/lessons/reviews/:id', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await lessons.saveReview(db, ctx, id, body);
      return reply.redirect(`/lessons/reviews/${id}`, 303);
    } catch (error) {
      const page = await reviewPage(ctx, id);
      return showFormErrors(reply, error, 'lessons/views/review.njk', {
        ...page,
        values: body,
        statusItems: statusItems(body.status),
      });
    }
  });

  app.post('/lessons/reviews/:id/actions', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await lessons.addAction(db, ctx, id, body);
      return reply.redirect(`/lessons/reviews/${id}#actions`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'lessons/views/review.njk', { ...(await reviewPage(ctx, id)), actionValues: body });
    }
  });

  app.post('/lessons/reviews/:id/actions/:actionId', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const actionId = idParam(request, 'actionId');
    try {
      await lessons.setActionStatus(db, ctx, id, actionId, formBody(request));
      return reply.redirect(`/lessons/reviews/${id}#actions`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'lessons/views/review.njk', await reviewPage(ctx, id));
    }
  });

  caseStudyRoutes(app, deps);
}
