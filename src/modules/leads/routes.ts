import type { FastifyInstance } from 'fastify';
import { todayInLondon } from '../../platform/dates.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as users from '../users/service.ts';
import * as leads from './service.ts';

export function leadRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/leads', { config: { access: 'leads:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { current, history } = await leads.leadsPage(db, ctx);
    return reply.page('leads/views/list.njk', {
      current,
      history,
      vacant: leads.vacantPosts(current),
      postNames: leads.postNames,
      canEdit: ctx.can('leads:edit'),
      today: todayInLondon(),
    });
  });

  const newForm = async (request: Parameters<typeof contextOf>[0], values: Record<string, unknown>) => {
    const ctx = contextOf(request);
    const people = await users.activeMembers(db, ctx);
    return {
      values,
      postNames: leads.postNames,
      people: [
        { value: '', text: 'Someone who does not use Prevent Assure' },
        ...people.map((p) => ({ value: p.id, text: `${p.displayName} (${p.email})`, selected: p.id === values.userId })),
      ],
    };
  };

  app.get('/leads/new', { config: { access: 'leads:edit' } }, async (request, reply) => {
    const post = (request.query as Record<string, string | undefined>).post;
    return reply.page('leads/views/new.njk', await newForm(request, { post, startsOn: todayInLondon() }));
  });

  app.post('/leads', { config: { access: 'leads:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      await leads.appoint(db, ctx, body);
      return reply.redirect('/leads?recorded=1', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'leads/views/new.njk', await newForm(request, body));
    }
  });

  app.get('/leads/:id/end', { config: { access: 'leads:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const appointment = await leads.getAppointment(db, ctx, idParam(request));
    return reply.page('leads/views/end.njk', { appointment, postNames: leads.postNames, values: { endsOn: todayInLondon() } });
  });

  app.post('/leads/:id/end', { config: { access: 'leads:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const appointment = await leads.getAppointment(db, ctx, id);
    const body = formBody(request);
    try {
      await leads.endAppointment(db, ctx, id, body);
      return reply.redirect('/leads', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'leads/views/end.njk', { appointment, postNames: leads.postNames, values: body });
    }
  });
}
