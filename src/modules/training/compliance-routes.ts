import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { suppressionNote } from '../../platform/suppression.ts';
import { contextOf, formBody, showFormErrors } from '../../platform/web.ts';
import * as organisations from '../organisations/service.ts';
import * as compliance from './compliance-service.ts';
import * as needs from './needs-service.ts';
import { asAtFrom, queryOf, shared } from './pages.ts';

/** The figures: the dashboard, the trend, the commissioner's view of providers, and the needs analysis they count against. */
export function complianceRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/training', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { asAt, errors } = asAtFrom(request);
    return reply.page('training/views/dashboard.njk', {
      ...shared,
      figures: await compliance.complianceFigures(db, ctx, asAt),
      values: { asAt: queryOf(request).asAt ?? '' },
      errors,
      canSeeStaff: ctx.can('training:staff'),
      canManage: ctx.can('training:manage'),
    });
  });

  app.get('/training/trend', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { asAt, errors } = asAtFrom(request);
    const dates = compliance.trendDates(asAt);
    const byDate = await compliance.levelCountsAt(db, ctx, dates);
    return reply.page('training/views/trend.njk', {
      ...shared,
      asAt,
      trend: dates.map((date) => ({ asAt: date, levels: byDate.get(date) ?? [] })),
      values: { asAt: queryOf(request).asAt ?? '' },
      errors,
    });
  });

  const needsView = 'training/views/needs-analysis.njk';
  const needsPage = async (request: FastifyRequest) => {
    const ctx = contextOf(request);
    const analysis = await needs.needsAnalysis(db, ctx);
    return { ...shared, analysis, canManage: ctx.can('training:manage') };
  };

  app.get('/training/needs-analysis', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const page = await needsPage(request);
    return reply.page(needsView, { ...page, values: formValues(page.analysis.rules) });
  });

  app.post('/training/needs-analysis', { config: { access: 'training:manage' } }, async (request, reply) => {
    const body = formBody(request);
    try {
      await needs.saveNeedsAnalysis(db, contextOf(request), needs.needsRulesFromForm(body));
      return reply.redirect('/training/needs-analysis', 303);
    } catch (error) {
      return showFormErrors(reply, error, needsView, { ...(await needsPage(request)), values: postedValues(body) });
    }
  });

  app.get('/training/providers', { config: { access: 'training:providers' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { asAt, errors } = asAtFrom(request);
    const providers = await organisations.providersInReach(db, ctx);
    return reply.page('training/views/providers.njk', {
      ...shared,
      asAt,
      providers: await compliance.providersCompliance(db, ctx, providers, asAt),
      suppressionNote,
      values: { asAt: queryOf(request).asAt ?? '' },
      errors,
    });
  });
}

/** The needs analysis form: the rules in force, and three blank rows to add more. */
function formValues(analysis: { rules: { staffGroup?: string; positionContains?: string; level: string }[]; otherwise: string }) {
  const blank = { staffGroup: '', positionContains: '', level: '' };
  return { rules: [...analysis.rules.map((r) => ({ ...blank, ...r })), blank, blank, blank], otherwise: analysis.otherwise };
}

function postedValues(body: Record<string, unknown>) {
  const rules = (needs.needsRulesFromForm(body) as { rules: Record<string, unknown>[] }).rules;
  return { ...body, rules };
}
