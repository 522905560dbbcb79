import type { FastifyInstance } from 'fastify';
import { todayInLondon } from '../../../platform/dates.ts';
import type { AppDeps } from '../../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../../platform/web.ts';
import { complianceTarget, levelNames } from '../rules.ts';
import { type TrainingLevel, trainingLevels } from '../schema.ts';
import { forecastChart } from './chart.ts';
import * as plan from './service.ts';

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

const levelItems = (selected: unknown) => {
  const chosen = [selected].flat();
  return trainingLevels.map((level) => ({ value: level, text: levelNames[level], checked: chosen.includes(level) }));
};

const trainerItems = (trainers: plan.Trainer[], selected: unknown) => [
  { value: '', text: 'Not chosen yet', selected: !selected },
  ...trainers.map((t) => ({
    value: t.id,
    text: `${t.name} (${t.levels.map((l: TrainingLevel) => levelNames[l]).join(', ')})`,
    selected: t.id === selected,
  })),
];

export function trainingPlanRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
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

  // Trainers

  app.get('/training/plan/trainers', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('training/plan/views/trainers.njk', {
      trainers: await plan.trainersOf(db, ctx),
      levelNames,
      canManage: ctx.can('training:manage'),
    });
  });

  const trainerForm = 'training/plan/views/trainer-form.njk';

  app.get('/training/plan/trainers/new', { config: { access: 'training:manage' } }, async (_request, reply) =>
    reply.page(trainerForm, { values: {}, levelItems: levelItems([]), action: '/training/plan/trainers' }),
  );

  app.post('/training/plan/trainers', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      await plan.addTrainer(db, ctx, body);
      return reply.redirect('/training/plan/trainers', 303);
    } catch (error) {
      return showFormErrors(reply, error, trainerForm, {
        values: body,
        levelItems: levelItems(body.levels),
        action: '/training/plan/trainers',
      });
    }
  });

  app.get('/training/plan/trainers/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const trainer = await plan.getTrainer(db, ctx, idParam(request));
    return reply.page(trainerForm, {
      trainer,
      values: trainer,
      levelItems: levelItems(trainer.levels),
      action: `/training/plan/trainers/${trainer.id}`,
    });
  });

  app.post('/training/plan/trainers/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const trainer = await plan.getTrainer(db, ctx, idParam(request));
    const body = formBody(request);
    try {
      await plan.updateTrainer(db, ctx, trainer.id, body);
      return reply.redirect('/training/plan/trainers', 303);
    } catch (error) {
      return showFormErrors(reply, error, trainerForm, {
        trainer,
        values: body,
        levelItems: levelItems(body.levels),
        action: `/training/plan/trainers/${trainer.id}`,
      });
    }
  });

  app.post('/training/plan/trainers/:id/remove', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const trainer = await plan.getTrainer(db, ctx, idParam(request));
    try {
      await plan.removeTrainer(db, ctx, trainer.id);
      return reply.redirect('/training/plan/trainers', 303);
    } catch (error) {
      return showFormErrors(reply, error, trainerForm, {
        trainer,
        values: trainer,
        levelItems: levelItems(trainer.levels),
        action: `/training/plan/trainers/${trainer.id}`,
      });
    }
  });

  // Sessions

  app.get('/training/plan/sessions', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const today = todayInLondon();
    const sessions = await plan.sessionsOf(db, ctx);
    return reply.page('training/plan/views/sessions.njk', {
      upcoming: sessions.filter((s) => !s.cancelledAt && s.heldOn >= today),
      past: sessions.filter((s) => !s.cancelledAt && s.heldOn < today).reverse(),
      cancelled: sessions.filter((s) => s.cancelledAt),
      levelNames,
      canManage: ctx.can('training:manage'),
    });
  });

  const sessionForm = 'training/plan/views/session-form.njk';
  const sessionFormData = async (ctx: ReturnType<typeof contextOf>, values: Record<string, unknown>) => ({
    values,
    levelItems: levelItems(values.level),
    trainerItems: trainerItems(await plan.trainersOf(db, ctx), values.trainerId),
  });

  app.get('/training/plan/sessions/new', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page(sessionForm, { ...(await sessionFormData(ctx, {})), action: '/training/plan/sessions' });
  });

  app.post('/training/plan/sessions', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      await plan.addSession(db, ctx, body);
      return reply.redirect('/training/plan/sessions', 303);
    } catch (error) {
      return showFormErrors(reply, error, sessionForm, {
        ...(await sessionFormData(ctx, body)),
        action: '/training/plan/sessions',
      });
    }
  });

  app.get('/training/plan/sessions/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const session = await plan.getSession(db, ctx, idParam(request));
    return reply.page(sessionForm, {
      session,
      ...(await sessionFormData(ctx, { ...session, seats: String(session.seats) })),
      action: `/training/plan/sessions/${session.id}`,
    });
  });

  app.post('/training/plan/sessions/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const session = await plan.getSession(db, ctx, idParam(request));
    const body = formBody(request);
    try {
      await plan.updateSession(db, ctx, session.id, body);
      return reply.redirect('/training/plan/sessions', 303);
    } catch (error) {
      return showFormErrors(reply, error, sessionForm, {
        session,
        ...(await sessionFormData(ctx, body)),
        action: `/training/plan/sessions/${session.id}`,
      });
    }
  });

  app.post('/training/plan/sessions/:id/cancel', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    await plan.cancelSession(db, ctx, idParam(request));
    return reply.redirect('/training/plan/sessions', 303);
  });
}
