import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../../platform/web.ts';
import { levelNames } from '../rules.ts';
import { levelItems } from './form-items.ts';
import * as plan from './service.ts';

/** The trainers who deliver the plan's sessions: listed, added, changed and removed. */
export function trainerRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

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
}
