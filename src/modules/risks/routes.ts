import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import { ctlpRoutes } from './routes-ctlp.ts';
import * as risks from './service.ts';

const categoryItems = (selected?: unknown) => [
  { value: '', text: 'Choose a category' },
  ...risks.riskCategories.map((c) => ({ value: c, text: risks.categoryNames[c], selected: c === selected })),
];

const ratingItems = (names: readonly string[], selected?: unknown) => [
  { value: '', text: 'Choose' },
  ...names.map((name, i) => ({
    value: String(i + 1),
    text: `${i + 1} – ${name}`,
    selected: String(i + 1) === String(selected ?? ''),
  })),
];

/** The select lists of the risk form, each with its value chosen. */
function riskFormData(values: Record<string, unknown>) {
  const l = (field: string) => ratingItems(risks.likelihoodNames, values[field]);
  const i = (field: string) => ratingItems(risks.impactNames, values[field]);
  return {
    values,
    categoryItems: categoryItems(values.category),
    ratings: {
      inherentLikelihood: l('inherentLikelihood'),
      inherentImpact: i('inherentImpact'),
      currentLikelihood: l('currentLikelihood'),
      currentImpact: i('currentImpact'),
      targetLikelihood: l('targetLikelihood'),
      targetImpact: i('targetImpact'),
    },
  };
}

/** The entry point the manifest registers: the risk register, with the CTLP pages from routes-ctlp.ts. */
export function riskRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/risks', { config: { access: 'risks:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const data = await risks.register(db, ctx);
    return reply.page('risks/views/list.njk', {
      ...data,
      bandNames: risks.bandNames,
      likelihoodNames: risks.likelihoodNames,
      impactNames: risks.impactNames,
      canEdit: ctx.can('risks:edit'),
      canSeeProviders: ctx.can('risks:providers'),
    });
  });

  app.get('/risks/new', { config: { access: 'risks:edit' } }, async (_request, reply) =>
    reply.page('risks/views/form.njk', { ...riskFormData({ status: 'open' }), action: '/risks' }),
  );

  app.post('/risks', { config: { access: 'risks:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const created = await risks.addRisk(db, ctx, body);
      return reply.redirect(`/risks/${created.id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'risks/views/form.njk', { ...riskFormData(body), action: '/risks' });
    }
  });

  // The CTLP pages come before /risks/:id in meaning; Fastify prefers the static path anyway.
  ctlpRoutes(app, db);

  // A commissioner's read-only view of its providers' registers: also before /risks/:id.
  app.get('/risks/providers', { config: { access: 'risks:providers' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('risks/views/providers.njk', { providers: await risks.providersOverview(db, ctx) });
  });

  app.get('/risks/providers/:orgId', { config: { access: 'risks:providers' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('risks/views/provider.njk', {
      ...(await risks.providerRegister(db, ctx, idParam(request, 'orgId'))),
      likelihoodNames: risks.likelihoodNames,
      impactNames: risks.impactNames,
    });
  });

  app.get('/risks/:id', { config: { access: 'risks:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const risk = await risks.getRisk(db, ctx, idParam(request));
    return reply.page('risks/views/risk.njk', {
      risk,
      bandNames: risks.bandNames,
      canEdit: ctx.can('risks:edit'),
    });
  });

  app.get('/risks/:id/edit', { config: { access: 'risks:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const risk = await risks.getRisk(db, ctx, idParam(request));
    return reply.page('risks/views/form.njk', { risk, ...riskFormData({ ...risk }), action: `/risks/${risk.id}` });
  });

  app.post('/risks/:id', { config: { access: 'risks:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const risk = await risks.getRisk(db, ctx, id);
    const body = formBody(request);
    try {
      await risks.updateRisk(db, ctx, id, body);
      return reply.redirect(`/risks/${id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'risks/views/form.njk', { risk, ...riskFormData(body), action: `/risks/${id}` });
    }
  });

  const reviewData = (risk: risks.RiskView, values: Record<string, unknown>) => ({
    risk,
    values,
    likelihoodItems: ratingItems(risks.likelihoodNames, values.likelihood),
    impactItems: ratingItems(risks.impactNames, values.impact),
  });

  app.get('/risks/:id/review', { config: { access: 'risks:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const risk = await risks.getRisk(db, ctx, idParam(request));
    return reply.page(
      'risks/views/review.njk',
      reviewData(risk, {
        reviewer: ctx.user.displayName,
        likelihood: risk.currentLikelihood,
        impact: risk.currentImpact,
      }),
    );
  });

  app.post('/risks/:id/review', { config: { access: 'risks:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const risk = await risks.getRisk(db, ctx, id);
    const body = formBody(request);
    try {
      await risks.reviewRisk(db, ctx, id, body);
      return reply.redirect(`/risks/${id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'risks/views/review.njk', reviewData(risk, body));
    }
  });
}
