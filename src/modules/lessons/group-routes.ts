import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as learning from './group-service.ts';
import * as partners from './partner-service.ts';

/** The meeting form: the partner members to tick are the current ones, and any recorded on the meeting before. */
async function meetingForm(db: Db, ctx: ReturnType<typeof contextOf>, values: Record<string, unknown>, meetingId?: string) {
  const page = meetingId ? await learning.getMeeting(db, ctx, meetingId) : null;
  const { group, partners: all } = page ?? (await learning.groupPage(db, ctx, {}));
  const recorded = page?.partnerAttendees.map((p) => p.id) ?? [];
  const ticked = values.partnerIds === undefined ? recorded : [values.partnerIds].flat();
  return {
    group,
    meeting: page?.meeting,
    values,
    action: meetingId ? `/learning/meetings/${meetingId}` : '/learning/meetings',
    partnerItems: all
      .filter((p) => p.current || recorded.includes(p.id))
      .map((p) => ({ value: p.id, text: `${p.name}, ${p.agency}`, checked: ticked.includes(p.id) })),
  };
}

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
    const ctx = contextOf(request);
    learning.requireHost(await learning.groupOf(db, ctx));
    return reply.page('lessons/views/meeting-form.njk', await meetingForm(db, ctx, {}));
  });

  app.post('/learning/meetings', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const id = await learning.addMeeting(db, ctx, body);
      return reply.redirect(`/learning/meetings/${id}`, 303);
    } catch (error) {
      return showFormErrors(
        reply,
        error,
        'lessons/views/meeting-form.njk',
        await meetingForm(db, ctx, { partnerIds: [], ...body }),
      );
    }
  });

  app.get('/learning/meetings/:id', { config: { access: 'learning:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('lessons/views/meeting.njk', await learning.getMeeting(db, ctx, idParam(request)));
  });

  app.get('/learning/meetings/:id/edit', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const { meeting } = await learning.getMeeting(db, ctx, id);
    return reply.page('lessons/views/meeting-form.njk', await meetingForm(db, ctx, meeting, id));
  });

  app.post('/learning/meetings/:id', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await learning.updateMeeting(db, ctx, id, body);
      return reply.redirect(`/learning/meetings/${id}`, 303);
    } catch (error) {
      return showFormErrors(
        reply,
        error,
        'lessons/views/meeting-form.njk',
        await meetingForm(db, ctx, { partnerIds: [], ...body }, id),
      );
    }
  });

  // ---- actions ----

  async function actionForm(ctx: ReturnType<typeof contextOf>, values: Record<string, unknown>) {
    const { group, meetings, partners } = await learning.groupPage(db, ctx, {});
    return {
      group,
      values,
      ownerItems: learning.ownerItems(group, partners, values.ownerOrgId),
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

/** The host records the partner agencies' members of its group, and ends their membership. */
export function partnerRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  const partnerForm = (values: Record<string, unknown>) => ({ values, kindItems: partners.partnerKindItems(values.kind) });

  app.get('/learning/partners/new', { config: { access: 'learning:manage' } }, async (request, reply) => {
    learning.requireHost(await learning.groupOf(db, contextOf(request)));
    return reply.page('lessons/views/group-partner-form.njk', partnerForm({}));
  });

  app.post('/learning/partners', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const body = formBody(request);
    try {
      await partners.addPartner(db, contextOf(request), body);
      return reply.redirect('/learning#partners', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'lessons/views/group-partner-form.njk', partnerForm(body));
    }
  });

  app.post('/learning/partners/:id/end', { config: { access: 'learning:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    try {
      await partners.endPartner(db, ctx, idParam(request));
      return reply.redirect('/learning#partners', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'lessons/views/group.njk', await learning.groupPage(db, ctx, {}));
    }
  });
}
