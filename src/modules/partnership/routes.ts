import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as partnership from './service.ts';

const kindItems = (selected?: unknown) =>
  partnership.engagementKinds.map((kind) => ({
    value: kind,
    text: partnership.engagementKindNames[kind],
    checked: kind === selected,
  }));

/** The form's values from a stored meeting: the lists one name per line. */
const formValues = (e: partnership.Engagement) => ({
  ...e,
  ourAttendees: e.ourAttendees.join('\n'),
  partnerAgencies: e.partnerAgencies.join('\n'),
});

export function partnershipRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  const formPage = 'partnership/views/form.njk';
  const meetingPage = 'partnership/views/meeting.njk';

  app.get('/partnership', { config: { access: 'partnership:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const log = await partnership.partnershipLog(db, ctx);
    return reply.page('partnership/views/log.njk', {
      ...log,
      kindNames: partnership.engagementKindNames,
      kinds: partnership.engagementKinds,
      canEdit: ctx.can('partnership:edit'),
    });
  });

  app.get('/partnership/new', { config: { access: 'partnership:edit' } }, async (_request, reply) =>
    reply.page(formPage, { values: {}, kindItems: kindItems(), action: '/partnership' }),
  );

  app.post('/partnership', { config: { access: 'partnership:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const created = await partnership.recordEngagement(db, ctx, body);
      return reply.redirect(`/partnership/meetings/${created.id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, formPage, { values: body, kindItems: kindItems(body.kind), action: '/partnership' });
    }
  });

  const showMeeting = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const ctx = contextOf(request);
    const found = await partnership.getEngagement(db, ctx, idParam(request));
    return { ...found, kindNames: partnership.engagementKindNames, canEdit: ctx.can('partnership:edit'), values: {}, ...extra };
  };

  app.get('/partnership/meetings/:id', { config: { access: 'partnership:read' } }, async (request, reply) =>
    reply.page(meetingPage, await showMeeting(request)),
  );

  app.get('/partnership/meetings/:id/edit', { config: { access: 'partnership:edit' } }, async (request, reply) => {
    const { engagement } = await partnership.getEngagement(db, contextOf(request), idParam(request));
    return reply.page(formPage, {
      engagement,
      values: formValues(engagement),
      kindItems: kindItems(engagement.kind),
      action: `/partnership/meetings/${engagement.id}`,
    });
  });

  app.post('/partnership/meetings/:id', { config: { access: 'partnership:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const { engagement } = await partnership.getEngagement(db, ctx, id);
    const body = formBody(request);
    try {
      await partnership.changeEngagement(db, ctx, id, body);
      return reply.redirect(`/partnership/meetings/${id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, formPage, {
        engagement,
        values: body,
        kindItems: kindItems(body.kind),
        action: `/partnership/meetings/${id}`,
      });
    }
  });

  app.post('/partnership/meetings/:id/remove', { config: { access: 'partnership:edit' } }, async (request, reply) => {
    await partnership.removeEngagement(db, contextOf(request), idParam(request));
    return reply.redirect('/partnership', 303);
  });

  app.post('/partnership/meetings/:id/actions', { config: { access: 'partnership:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await partnership.addAction(db, ctx, id, body);
      return reply.redirect(`/partnership/meetings/${id}#actions`, 303);
    } catch (error) {
      return showFormErrors(reply, error, meetingPage, await showMeeting(request, { values: body }));
    }
  });

  app.post('/partnership/actions/:id/status', { config: { access: 'partnership:edit' } }, async (request, reply) => {
    const done = formBody(request).status === 'done';
    const meetingId = await partnership.setActionDone(db, contextOf(request), idParam(request), done);
    return reply.redirect(`/partnership/meetings/${meetingId}#actions`, 303);
  });
}
