import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import type { CaseSectionSource } from '../concerns/routes.ts';
import * as sharing from './service.ts';

/** The words every page of the protocol needs to show the choices. */
const choices = {
  partnerNames: sharing.partnerNames,
  article6Bases: sharing.article6Bases,
  article9Conditions: sharing.article9Conditions,
  schedule1Conditions: sharing.schedule1Conditions,
  consentNames: sharing.consentNames,
  knownToServiceNames: sharing.knownToServiceNames,
};

export const sharingSection: CaseSectionSource = async (open) => ({
  template: 'sharing/views/case-section.njk',
  data: { ...(await sharing.protocolOf(open)), erased: open.case.erasedAt !== null },
});

const queryValue = (query: unknown, name: string): string | undefined => {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export function sharingRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/concerns/:id/checks/new', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const page = await sharing.checkForm(db, contextOf(request), idParam(request));
    return reply.page('sharing/views/check.njk', { ...choices, ...page });
  });

  app.post('/concerns/:id/checks', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await sharing.recordCheck(db, ctx, id, body);
      return reply.redirect(`/concerns/${id}#checks`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const page = await sharing.checkForm(db, ctx, id, body);
      return showFormErrors(reply, error, 'sharing/views/check.njk', { ...choices, ...page });
    }
  });

  app.get('/concerns/:id/decisions/new', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const corrects = queryValue(request.query, 'corrects');
    const page = await sharing.decisionForm(db, contextOf(request), idParam(request), corrects);
    return reply.page('sharing/views/decision.njk', { ...choices, ...page });
  });

  app.post('/concerns/:id/decisions', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await sharing.recordDecision(db, ctx, id, body);
      return reply.redirect(`/concerns/${id}#decisions`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // The decision it claims to correct may be the problem: show the form as a new decision then.
      const corrects = typeof body.corrects === 'string' && !error.fieldErrors.corrects ? body.corrects : undefined;
      const page = await sharing.decisionForm(db, ctx, id, corrects || undefined, body);
      return showFormErrors(reply, error, 'sharing/views/decision.njk', { ...choices, ...page });
    }
  });
}
