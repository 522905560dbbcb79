import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../../platform/deps.ts';
import { contextOf, formBody, showFormErrors } from '../../../platform/web.ts';
import { complianceTarget } from '../rules.ts';
import { forecastChart } from './chart.ts';
import * as plan from './service.ts';
import { sessionRoutes } from './session-routes.ts';
import { trainerRoutes } from './trainer-routes.ts';

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateText = (day: string) => longDate.format(new Date(`${day}T00:00:00Z`));
const percentText = (percent: number | null) => (percent === null ? 'no staff in scope' : `${percent} %`);

/** The chart of one level, and the sentence a screen reader hears for it. */
function chartOf(forecast: plan.Forecast, level: plan.LevelForecast): string {
  const first = level.points[0];
  const last = level.points[level.points.length - 1];
  if (!first || !last) return '';
  const description =
    `${level.name}: ${percentText(first.percent)} compliant on ${dateText(forecast.asAt)}. ` +
    `On ${dateText(last.date)}: ${percentText(last.percent)} if nothing else happens, ` +
    `${percentText(last.withSessionsPercent)} with the planned sessions. The target is ${complianceTarget} %. ` +
    'The table after the chart gives the figures for every month.';
  return forecastChart({
    id: `forecast-${level.level}`,
    title: `${level.name}: forecast compliance, month by month`,
    description,
    target: complianceTarget,
    points: level.points.map((p) => ({ date: p.date, nothingElse: p.percent, withSessions: p.withSessionsPercent })),
  });
}

/** The delivery plan: the forecast page here, then its trainers and sessions. */
export function trainingPlanRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;
  const pageView = 'training/plan/views/plan.njk';

  app.get('/training/plan', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const query = request.query as Record<string, unknown>;
    const canManage = ctx.can('training:manage');
    const show = async (forecast: plan.Forecast, values: Record<string, unknown>) => ({
      forecast,
      charts: Object.fromEntries(forecast.levels.map((l) => [l.level, chartOf(forecast, l)])),
      values,
      canManage,
      complianceTarget,
    });
    try {
      const forecast = await plan.forecastFor(db, ctx, query);
      return reply.page(pageView, await show(forecast, { asAt: query['as-at'] ?? '', target: forecast.target }));
    } catch (error) {
      // The figures for the defaults, with the dates that were wrong kept in the form beside their message.
      return showFormErrors(
        reply,
        error,
        pageView,
        await show(await plan.forecastFor(db, ctx, {}), { asAt: query['as-at'] ?? '', target: query.target ?? '' }),
      );
    }
  });

  const elearningView = 'training/plan/views/elearning-form.njk';

  app.get('/training/plan/elearning', { config: { access: 'training:manage' } }, async (request, reply) =>
    reply.page(elearningView, { values: await plan.elearningPlacesOf(db, contextOf(request)) }),
  );

  app.post('/training/plan/elearning', { config: { access: 'training:manage' } }, async (request, reply) => {
    const body = formBody(request);
    try {
      await plan.setElearningPlaces(db, contextOf(request), body);
      return reply.redirect('/training/plan', 303);
    } catch (error) {
      return showFormErrors(reply, error, elearningView, { values: body });
    }
  });

  trainerRoutes(app, deps);
  sessionRoutes(app, deps);
}
