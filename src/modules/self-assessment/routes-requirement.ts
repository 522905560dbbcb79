import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { contextOf, errorList, formBody, idParam } from '../../platform/web.ts';
import { maxDocumentBytes } from './evidence.ts';
import { resultNames } from './results.ts';
import { linkOpener } from './routes-links.ts';
import { personResults } from './schema.ts';
import * as assessments from './service.ts';

/** A requirement's id from the URL (like `P-LEAD-1`); anything else is simply not found. */
export function requirementParam(request: FastifyRequest): string {
  const value = (request.params as Record<string, string>).requirementId;
  if (!value || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,60}$/.test(value)) throw new NotFoundError('requirement');
  return value;
}

type FormValues = {
  answerValues?: Record<string, unknown>;
  linkValues?: Record<string, unknown>;
  fileValues?: Record<string, unknown>;
  actionValues?: Record<string, unknown>;
};

/** The requirement's page; with an error, the form that failed shows again with what was typed and the messages. */
export async function showRequirement(
  reply: FastifyReply,
  db: Db,
  ctx: RequestContext,
  id: string,
  requirementId: string,
  values: FormValues = {},
  error?: InputError,
): Promise<FastifyReply> {
  const page = await assessments.requirementPage(db, ctx, id, requirementId);
  const answer = page.item.answer;
  const answerValues = values.answerValues ?? {
    result: answer?.result ?? '',
    reason: answer?.reason ?? '',
    note: answer?.note ?? '',
    override: answer?.overrideResult ?? 'none',
    overrideReason: answer?.overrideReason ?? '',
  };
  if (error) reply.code(400);
  return reply.page('self-assessment/views/requirement.njk', {
    ...page,
    answerValues,
    linkValues: values.linkValues ?? {},
    fileValues: values.fileValues ?? {},
    actionValues: values.actionValues ?? {},
    resultItems: personResults.map((r) => ({ value: r, text: resultNames[r] })),
    actionStatusNames: assessments.actionStatusNames,
    opens: linkOpener(reply, ctx),
    maxSize: `${Math.round(maxDocumentBytes / (1024 * 1024))} MB`,
    errors: error?.fieldErrors ?? {},
    errorList: error ? errorList(error.fieldErrors) : undefined,
  });
}

export function requirementRoutes(app: FastifyInstance, db: Db): void {
  const pathOf = (id: string, requirementId: string) => `/assurance/${id}/requirements/${encodeURIComponent(requirementId)}`;

  app.get('/assurance/:id/requirements/:requirementId', { config: { access: 'assessment:read' } }, async (request, reply) =>
    showRequirement(reply, db, contextOf(request), idParam(request), requirementParam(request)),
  );

  app.post('/assurance/:id/requirements/:requirementId', { config: { access: 'assessment:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const requirementId = requirementParam(request);
    const body = formBody(request);
    try {
      await assessments.saveAnswer(db, ctx, id, requirementId, body);
      return reply.redirect(`/assurance/${id}#${encodeURIComponent(requirementId)}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showRequirement(reply, db, ctx, id, requirementId, { answerValues: body }, error);
    }
  });

  app.post(
    '/assurance/:id/requirements/:requirementId/actions',
    { config: { access: 'assessment:edit' } },
    async (request, reply) => {
      const ctx = contextOf(request);
      const id = idParam(request);
      const requirementId = requirementParam(request);
      const body = formBody(request);
      try {
        await assessments.addAction(db, ctx, id, requirementId, body);
        return reply.redirect(`${pathOf(id, requirementId)}#actions`, 303);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return showRequirement(reply, db, ctx, id, requirementId, { actionValues: body }, error);
      }
    },
  );

  app.post('/assurance/:id/actions/:actionId', { config: { access: 'assessment:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const action = await assessments.setActionStatus(db, ctx, idParam(request, 'actionId'), formBody(request));
    return reply.redirect(`${pathOf(id, action.requirementId)}#actions`, 303);
  });
}
