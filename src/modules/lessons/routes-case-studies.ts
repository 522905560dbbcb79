import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as caseStudies from './case-study-service.ts';
import * as lessons from './service.ts';

/** Case studies: drafted from a review through the anonymiser, edited, approved, shared and withdrawn. */
export function caseStudyRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;

  const datesItems = (selected: unknown) => [
    { value: 'month', text: 'Show exact dates as their month, like March 2026', checked: (selected ?? 'month') === 'month' },
    { value: 'quarter', text: 'Show exact dates as their quarter, like January to March 2026', checked: selected === 'quarter' },
  ];

  app.get('/lessons/reviews/:id/case-studies/new', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const start = await caseStudies.caseStudyStart(db, ctx, idParam(request));
    return reply.page('lessons/views/case-study-new.njk', {
      ...start,
      values: { summary: start.summary, themes: lessons.themesText(start.review.themes) },
      datesItems: datesItems('month'),
    });
  });

  app.post('/lessons/reviews/:id/case-studies', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      const studyId = await caseStudies.draftCaseStudy(db, ctx, id, body);
      return reply.redirect(`/lessons/case-studies/${studyId}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const start = await caseStudies.caseStudyStart(db, ctx, id);
      return showFormErrors(reply, error, 'lessons/views/case-study-new.njk', {
        ...start,
        values: body,
        datesItems: datesItems(body.dates),
      });
    }
  });

  async function caseStudyPage(ctx: ReturnType<typeof contextOf>, id: string, values?: Record<string, unknown>) {
    const study = await caseStudies.getCaseStudy(db, ctx, id);
    return {
      study,
      values: values ?? { title: study.title, text: study.draft, themes: lessons.themesText(study.themes) },
    };
  }

  app.get('/lessons/case-studies/:id', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('lessons/views/case-study.njk', await caseStudyPage(ctx, idParam(request)));
  });

  app.post('/lessons/case-studies/:id', { config: { access: 'lessons:review' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await caseStudies.saveCaseStudy(db, ctx, id, body);
      return reply.redirect(`/lessons/case-studies/${id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'lessons/views/case-study.njk', await caseStudyPage(ctx, id, body));
    }
  });

  /** approve, share and withdraw: each a button on the case study's page. */
  const caseStudyAction = (
    path: string,
    change: (
      db: typeof deps.database.db,
      ctx: ReturnType<typeof contextOf>,
      id: string,
      body: Record<string, unknown>,
    ) => Promise<void>,
  ) =>
    app.post(`/lessons/case-studies/:id/${path}`, { config: { access: 'lessons:review' } }, async (request, reply) => {
      const ctx = contextOf(request);
      const id = idParam(request);
      try {
        await change(db, ctx, id, formBody(request));
        return reply.redirect(`/lessons/case-studies/${id}`, 303);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return showFormErrors(reply, error, 'lessons/views/case-study.njk', await caseStudyPage(ctx, id));
      }
    });

  caseStudyAction('approve', (db, ctx, id, body) => caseStudies.approveCaseStudy(db, ctx, id, body));
  caseStudyAction('share', (db, ctx, id) => caseStudies.shareCaseStudy(db, ctx, id));
  caseStudyAction('withdraw', (db, ctx, id) => caseStudies.withdrawCaseStudy(db, ctx, id));
}
