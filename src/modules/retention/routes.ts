import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import type { CaseSectionSource } from '../concerns/routes.ts';
import { closureReasons } from '../concerns/workflow.ts';
import * as retention from './service.ts';

// A closed case's page tells its leads when it comes up for retention review, and what they can do then.
export const retentionSection: CaseSectionSource = async (open) => ({
  template: 'retention/views/case-section.njk',
  data: { show: open.ctx.can.leadCases && open.case.status === 'closed' && !open.case.erasedAt },
});

export function retentionRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/concerns/settings', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const values = await retention.settingsOf(db, contextOf(request));
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return reply.page('retention/views/settings.njk', { values, saved });
  });

  app.post('/concerns/settings', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const body = formBody(request);
    try {
      await retention.saveSettings(db, contextOf(request), body);
      return reply.redirect('/concerns/settings?saved=1', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'retention/views/settings.njk', { values: body });
    }
  });

  app.get('/concerns/retention', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const due = await retention.reviewsDue(db, contextOf(request));
    const extended = (request.query as Record<string, unknown>).extended === '1';
    return reply.page('retention/views/list.njk', { due, extended });
  });

  app.get('/concerns/:id/retention/extend', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const page = await retention.extensionPage(db, contextOf(request), idParam(request));
    return reply.page('retention/views/extend.njk', { ...page, values: {} });
  });

  app.post('/concerns/:id/retention/extend', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await retention.extend(db, ctx, id, body);
      return reply.redirect('/concerns/retention?extended=1', 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const page = await retention.extensionPage(db, ctx, id);
      return showFormErrors(reply, error, 'retention/views/extend.njk', { ...page, values: body });
    }
  });

  app.get('/concerns/:id/erase', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const page = await retention.erasurePage(db, contextOf(request), idParam(request));
    return reply.page('retention/views/erase.njk', { ...page, closureReasons, values: {} });
  });

  app.post('/concerns/:id/erase', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await retention.erase(db, ctx, id, body);
      return reply.redirect(`/concerns/${id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const page = await retention.erasurePage(db, ctx, id);
      return showFormErrors(reply, error, 'retention/views/erase.njk', { ...page, closureReasons, values: body });
    }
  });
}
