import type { FastifyInstance } from 'fastify';
import { todayInLondon } from '../../../platform/dates.ts';
import type { AppDeps } from '../../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../../platform/web.ts';
import { levelNames } from '../rules.ts';
import { levelItems, trainerItems } from './form-items.ts';
import * as plan from './service.ts';

/** The planned sessions: listed, booked, changed and cancelled. */
export function sessionRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

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
