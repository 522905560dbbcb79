import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as plans from './plan-service.ts';
import * as development from './service.ts';

const kindItems = (selected?: unknown) =>
  development.activityKinds.map((kind) => ({
    value: kind,
    text: development.activityKindNames[kind],
    checked: kind === selected,
  }));

const statusItems = (selected?: unknown) =>
  plans.targetStatuses.map((status) => ({ value: status, text: plans.targetStatusNames[status], checked: status === selected }));

const personHref = (userId: string) => `/development/people/${userId}`;

export function developmentRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/development', { config: { access: 'development:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('development/views/list.njk', { ...(await development.developmentList(db, ctx)) });
  });

  app.get('/development/people/:userId', { config: { access: 'development:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const page = await development.personPage(db, ctx, idParam(request, 'userId'));
    return reply.page('development/views/person.njk', {
      ...page,
      kindNames: development.activityKindNames,
      statusNames: plans.targetStatusNames,
      canEdit: ctx.can('development:edit'),
    });
  });

  app.get('/development/people/:userId/activities/new', { config: { access: 'development:edit' } }, async (request, reply) => {
    const person = await development.getPerson(db, contextOf(request), idParam(request, 'userId'));
    return reply.page('development/views/activity-form.njk', {
      person,
      values: {},
      kindItems: kindItems(),
      action: `${personHref(person.userId)}/activities`,
    });
  });

  app.post('/development/people/:userId/activities', { config: { access: 'development:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const person = await development.getPerson(db, ctx, idParam(request, 'userId'));
    const body = formBody(request);
    try {
      await development.addActivity(db, ctx, person.userId, body);
      return reply.redirect(personHref(person.userId), 303);
    } catch (error) {
      return showFormErrors(reply, error, 'development/views/activity-form.njk', {
        person,
        values: body,
        kindItems: kindItems(body.kind),
        action: `${personHref(person.userId)}/activities`,
      });
    }
  });

  app.get('/development/activities/:id', { config: { access: 'development:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const activity = await development.getActivity(db, ctx, idParam(request));
    const person = await development.getPerson(db, ctx, activity.userId);
    return reply.page('development/views/activity-form.njk', {
      person,
      activity,
      values: activity,
      kindItems: kindItems(activity.kind),
      action: `/development/activities/${activity.id}`,
    });
  });

  app.post('/development/activities/:id', { config: { access: 'development:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const activity = await development.getActivity(db, ctx, idParam(request));
    const person = await development.getPerson(db, ctx, activity.userId);
    const body = formBody(request);
    try {
      await development.updateActivity(db, ctx, activity.id, body);
      return reply.redirect(personHref(person.userId), 303);
    } catch (error) {
      return showFormErrors(reply, error, 'development/views/activity-form.njk', {
        person,
        activity,
        values: body,
        kindItems: kindItems(body.kind),
        action: `/development/activities/${activity.id}`,
      });
    }
  });

  app.post('/development/activities/:id/remove', { config: { access: 'development:edit' } }, async (request, reply) => {
    const removed = await development.removeActivity(db, contextOf(request), idParam(request));
    return reply.redirect(personHref(removed.userId), 303);
  });

  planRoutes(app, db);
}

function planRoutes(app: FastifyInstance, db: AppDeps['database']['db']): void {
  app.get('/development/people/:userId/targets/new', { config: { access: 'development:edit' } }, async (request, reply) => {
    const person = await development.getPerson(db, contextOf(request), idParam(request, 'userId'), { lead: true });
    return reply.page('development/views/target-form.njk', {
      person,
      values: { status: 'not_started' },
      statusItems: statusItems('not_started'),
      action: `${personHref(person.userId)}/targets`,
    });
  });

  app.post('/development/people/:userId/targets', { config: { access: 'development:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const person = await development.getPerson(db, ctx, idParam(request, 'userId'), { lead: true });
    const body = formBody(request);
    try {
      await plans.addTarget(db, ctx, person.userId, body);
      return reply.redirect(`${personHref(person.userId)}#plan`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'development/views/target-form.njk', {
        person,
        values: body,
        statusItems: statusItems(body.status),
        action: `${personHref(person.userId)}/targets`,
      });
    }
  });

  app.get('/development/targets/:id', { config: { access: 'development:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const target = await plans.getTarget(db, ctx, idParam(request));
    const person = await development.getPerson(db, ctx, target.userId);
    return reply.page('development/views/target-form.njk', {
      person,
      target,
      values: target,
      statusItems: statusItems(target.status),
      action: `/development/targets/${target.id}`,
    });
  });

  app.post('/development/targets/:id', { config: { access: 'development:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const target = await plans.getTarget(db, ctx, idParam(request));
    const person = await development.getPerson(db, ctx, target.userId);
    const body = formBody(request);
    try {
      await plans.updateTarget(db, ctx, target.id, body);
      return reply.redirect(`${personHref(person.userId)}#plan`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'development/views/target-form.njk', {
        person,
        target,
        values: body,
        statusItems: statusItems(body.status),
        action: `/development/targets/${target.id}`,
      });
    }
  });

  app.post('/development/targets/:id/remove', { config: { access: 'development:edit' } }, async (request, reply) => {
    const removed = await plans.removeTarget(db, contextOf(request), idParam(request));
    return reply.redirect(`${personHref(removed.userId)}#plan`, 303);
  });
}
