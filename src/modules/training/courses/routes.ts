import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../../platform/web.ts';
import { levelItems } from '../pages.ts';
import { levelNames } from '../rules.ts';
import * as register from './service.ts';

const formView = 'training/courses/views/form.njk';

const asList = (value: unknown) => (value === undefined || value === '' ? [] : [value].flat());

/** The choices of the course form, with those sent (or held) marked. */
function choices(values: Record<string, unknown>) {
  const ticked = asList(values.content);
  return {
    levelItems: levelItems(values.level),
    deliveryItems: register.courseDeliveries.map((d) => ({
      value: d,
      text: register.deliveryNames[d],
      checked: d === values.delivery,
    })),
    contentItems: register.courseContents.map((c) => ({
      value: c,
      text: register.contentNames[c],
      checked: ticked.includes(c),
    })),
  };
}

/** The course register: listed for whoever reads the training figures; added, changed and retired by training administrators. */
export function courseRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/training/courses', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('training/courses/views/list.njk', {
      courses: await register.courses(db, ctx),
      levelNames,
      deliveryNames: register.deliveryNames,
      contentNames: register.contentNames,
      canManage: ctx.can('training:manage'),
    });
  });

  app.get('/training/courses/new', { config: { access: 'training:manage' } }, async (_request, reply) =>
    reply.page(formView, { values: {}, ...choices({}), action: '/training/courses' }),
  );

  app.post('/training/courses', { config: { access: 'training:manage' } }, async (request, reply) => {
    const body = formBody(request);
    try {
      await register.addCourse(db, contextOf(request), body);
      return reply.redirect('/training/courses', 303);
    } catch (error) {
      return showFormErrors(reply, error, formView, { values: body, ...choices(body), action: '/training/courses' });
    }
  });

  app.get('/training/courses/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const course = await register.getCourse(db, contextOf(request), idParam(request));
    return reply.page(formView, { course, values: course, ...choices(course), action: `/training/courses/${course.id}` });
  });

  app.post('/training/courses/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const course = await register.getCourse(db, ctx, idParam(request));
    const body = formBody(request);
    try {
      await register.updateCourse(db, ctx, course.id, body);
      return reply.redirect('/training/courses', 303);
    } catch (error) {
      return showFormErrors(reply, error, formView, {
        course,
        values: body,
        ...choices(body),
        action: `/training/courses/${course.id}`,
      });
    }
  });

  app.post('/training/courses/:id/retire', { config: { access: 'training:manage' } }, async (request, reply) => {
    await register.retireCourse(db, contextOf(request), idParam(request));
    return reply.redirect('/training/courses', 303);
  });
}
