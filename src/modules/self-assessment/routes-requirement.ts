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

/**
 * Handles one of the requirement page's ordinary forms: `save` with what was sent, then on to the address
 * `next` gives; bad input shows the page again with the messages and what was typed, in the form it came from.
 */
export async function saveOnRequirement(
  request: FastifyRequest,
  reply: FastifyReply,
  db: Db,
  form: keyof FormValues,
  save: (ctx: RequestContext, id: string, requirementId: string, body: Record<string, unknown>) => Promise<unknown>,
  next: (id: string, requirementId: string) => string,
): Promise<FastifyReply> {
  const ctx = contextOf(request);
  const id = idParam(request);
  const requirementId = requirementParam(request);
  const body = formBody(request);
  try {
    await save(ctx, id, requirementId, body);
    return reply.redirect(next(id, requirementId), 303);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return showRequirement(reply, db, ctx, id, requirementId, { [form]: body }, error);
  }
}

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

  app.post('/assurance/:id/requirements/:requirementId', { config: { access: 'assessment:edit' } }, (request, reply) =>
    saveOnRequirement(
      request,
      reply,
      db,
      'answerValues',
      (ctx, id, requirementId, body) => assessments.saveAnswer(db, ctx, id, requirementId, body),
      (id, requirementId) => `/assurance/${id}#${encodeURIComponent(requirementId)}`,
    ),
  );

  app.post('/assurance/:id/requirements/:requirementId/actions', { config: { access: 'assessment:edit' } }, (request, reply) =>
    saveOnRequirement(
      request,
      reply,
      db,
      'actionValues',
      (ctx, id, requirementId, body) => assessments.addAction(db, ctx, id, requirementId, body),
      (id, requirementId) => `${pathOf(id, requirementId)}#actions`,
    ),
  );

  app.post('/assurance/:id/actions/:actionId', { config: { access: 'assessment:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const action = await assessments.setActionStatus(db, ctx, idParam(request, 'actionId'), formBody(request));
    return reply.redirect(`${pathOf(id, action.requirementId)}#actions`, 303);
  });
}
