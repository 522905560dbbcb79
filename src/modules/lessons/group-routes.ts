import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as learning from './group-service.ts';

export function learningGroupRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/learning', { config: { access: 'learning:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('lessons/views/group.njk', await learning.groupPage(db, ctx, request.query));
  });

  app.get('/learning/case-studies/:id', { config: { access: 'learning:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('lessons/views/group-case-study.njk', await learning.readCaseStudy(db, ctx, idParam(request)));
  });

  // ---- meetings ----

  app.get('/learning/meetings/new', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const group = await learning.groupOf(db, contextOf(request));
    return reply.page('lessons/views/meeting-form.njk', { group, values: {}, action: '/learning/meetings' });
  });

  app.post('/learning/meetings', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const id = await learning.addMeeting(db, ctx, body);
      return reply.redirect(`/learning/meetings/${id}`, 303);
    } catch (error) {
      const group = await learning.groupOf(db, ctx);
      return showFormErrors(reply, error, 'lessons/views/meeting-form.njk', {
        group,
        values: body,
        action: '/learning/meetings',
      });
    }
  });

  app.get('/learning/meetings/:id', { config: { access: 'learning:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('lessons/views/meeting.njk', await learning.getMeeting(db, ctx, idParam(request)));
  });

  app.get('/learning/meetings/:id/edit', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const { group, meeting } = await learning.getMeeting(db, ctx, id);
    return reply.page('lessons/views/meeting-form.njk', { group, meeting, values: meeting, action: `/learning/meetings/${id}` });
  });

  app.post('/learning/meetings/:id', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await learning.updateMeeting(db, ctx, id, body);
      return reply.redirect(`/learning/meetings/${id}`, 303);
    } catch (error) {
      const { group, meeting } = await learning.getMeeting(db, ctx, id);
      return showFormErrors(reply, error, 'lessons/views/meeting-form.njk', {
        group,
        meeting,
        values: body,
        action: `/learning/meetings/${id}`,
      });
    }
  });

  // ---- actions ----

  async function actionForm(ctx: ReturnType<typeof contextOf>, values: Record<string, unknown>) {
    const { group, meetings } = await learning.groupPage(db, ctx, {});
    return {
      group,
      values,
      ownerItems: learning.ownerItems(group, values.ownerOrgId),
      meetingItems: [
        { value: '', text: 'Not from a meeting' },
        ...meetings.map((m) => ({ value: m.id, text: `Meeting of ${m.heldOn}`, selected: m.id === values.meetingId })),
      ],
    };
  }

  app.get('/learning/actions/new', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const meetingId = (request.query as Record<string, unknown>).meeting;
    return reply.page('lessons/views/group-action-form.njk', await actionForm(ctx, { meetingId }));
  });

  app.post('/learning/actions', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      await learning.addGroupAction(db, ctx, body);
      return reply.redirect('/learning#actions', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'lessons/views/group-action-form.njk', await actionForm(ctx, body));
    }
  });

  app.post('/learning/actions/:id/status', { config: { access: 'learning:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    try {
      await learning.setGroupActionStatus(db, ctx, id, formBody(request));
      return reply.redirect('/learning#actions', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'lessons/views/group.njk', await learning.groupPage(db, ctx, {}));
    }
  });
}
