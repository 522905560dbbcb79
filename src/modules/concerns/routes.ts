import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import type { ModuleManifest } from '../../platform/modules.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as access from './access.ts';
import * as concerns from './service.ts';
import { closureReasons } from './workflow.ts';

/** What the case page shows from a module that hangs off a case (sharing, referrals, the patient record). */
export type CaseSection = { template: string; data: Record<string, unknown> };
export type CaseSectionSource = (open: concerns.OpenCase) => Promise<CaseSection>;

declare module '../../platform/modules.ts' {
  interface ModuleManifest {
    /** The module's section of a concern case's page, so that the concerns module does not reach into theirs. */
    caseSection?: CaseSectionSource;
  }
}

/** The case page's sections below the case's own, in the order the modules are listed in src/app.ts. */
const caseSectionsOf = (modules: readonly ModuleManifest[]): CaseSectionSource[] =>
  modules.flatMap((module) => (module.caseSection ? [module.caseSection] : []));

/** The form's fields as the service takes them: the date and time boxes become one London date-time. */
function concernFromForm(body: Record<string, unknown>): Record<string, unknown> {
  const day = typeof body.observedOn === 'string' ? body.observedOn.trim() : '';
  const time = typeof body.observedTime === 'string' ? body.observedTime.trim() : '';
  const problems: Record<string, string> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) problems.observedOn = 'Enter the date it happened, like 2026-11-23';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) problems.observedTime = 'Enter the time it happened, like 14:30';
  return { ...body, observedAt: Object.keys(problems).length ? undefined : `${day}T${time}`, problems };
}

const subjectTypeItems = (selected: unknown) =>
  concerns.subjectTypes.map((t) => ({ value: t, text: concerns.subjectTypeNames[t], checked: t === selected }));

/**
 * The case page with the sections other modules add. A form on the page that failed is shown
 * again, with its message and what was typed.
 */
export async function showCasePage(
  reply: FastifyReply,
  { database, modules }: AppDeps,
  ctx: RequestContext,
  id: string,
  failed?: { error: InputError; values: Record<string, unknown> },
): Promise<FastifyReply> {
  const page = await concerns.withCase(database.db, ctx, id, 'case', async (open) => ({
    case: open.case,
    access: open.access,
    ...(await concerns.caseDetails(open)),
    sections: await Promise.all(caseSectionsOf(modules).map((source) => source(open))),
  }));
  const data = {
    ...page,
    closureReasons,
    subjectTypeName: concerns.subjectTypeNames[page.case.subjectType],
    values: failed?.values ?? {},
  };
  if (failed) return showFormErrors(reply, failed.error, 'concerns/views/case.njk', data);
  return reply.page('concerns/views/case.njk', data);
}

/**
 * Registers a change made from a form on the case page: on success back to the page at `anchor`,
 * on bad input the case page again with the message.
 */
export function caseChangeRoute(
  app: FastifyInstance,
  deps: AppDeps,
  url: string,
  access: 'concerns:work' | 'concerns:manage',
  change: (db: Db, ctx: RequestContext, id: string, body: Record<string, unknown>) => Promise<unknown>,
  anchor: string,
): void {
  app.post(url, { config: { access } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await change(deps.database.db, ctx, id, body);
      return reply.redirect(`/concerns/${id}#${anchor}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showCasePage(reply, deps, ctx, id, { error, values: body });
    }
  });
}

export function concernRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;

  const raiseForm = (values: Record<string, unknown>) => ({ values, subjectTypes: subjectTypeItems(values.subjectType) });

  app.get('/concerns/new', { config: { access: 'signed-in' } }, async (_request, reply) => {
    return reply.page('concerns/views/raise.njk', raiseForm({}));
  });

  app.post('/concerns', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    const { problems, ...input } = concernFromForm(body);
    try {
      const raised = await concerns.raiseConcern(db, { kind: 'person', ctx }, input);
      return reply.redirect(`/concerns/${raised.id}/received`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // The date and time are one field to the service: its message belongs to the boxes the person typed in.
      const { observedAt, ...others } = error.fieldErrors;
      const typed = problems as Record<string, string>;
      const merged = new InputError({
        ...others,
        ...(observedAt && !typed.observedOn && !typed.observedTime ? { observedOn: observedAt } : {}),
        ...typed,
      });
      return showFormErrors(reply, merged, 'concerns/views/raise.njk', raiseForm(body));
    }
  });

  app.get('/concerns/:id/received', { config: { access: 'signed-in' } }, async (request, reply) => {
    const receipt = await concerns.receiptFor(db, contextOf(request), idParam(request));
    return reply.page('concerns/views/received.njk', { receipt });
  });

  app.get('/concerns', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const query = request.query as Record<string, unknown>;
    const data = { query, statusNames: concerns.statusNames, subjectTypeNames: concerns.subjectTypeNames };
    try {
      return reply.page('concerns/views/list.njk', { ...data, ...(await concerns.listCases(db, ctx, query)) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'concerns/views/list.njk', { ...data, ...(await concerns.listCases(db, ctx, {})) });
    }
  });

  app.get('/concerns/:id', { config: { access: 'concerns:work' } }, async (request, reply) => {
    return showCasePage(reply, deps, contextOf(request), idParam(request));
  });

  app.post('/concerns/:id/break-glass', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const id = idParam(request);
    const body = formBody(request);
    try {
      await access.breakGlass(db, contextOf(request), id, body);
      return reply.redirect(`/concerns/${id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'concerns/views/break-glass.njk', {
        caseId: id,
        hours: access.breakGlassHours,
        values: body,
      });
    }
  });

  caseChangeRoute(app, deps, '/concerns/:id/moves', 'concerns:work', concerns.moveCase, 'status');
  caseChangeRoute(app, deps, '/concerns/:id/notes', 'concerns:work', concerns.addNote, 'chronology');
  caseChangeRoute(app, deps, '/concerns/:id/review-date', 'concerns:work', concerns.setReviewDate, 'status');
  caseChangeRoute(app, deps, '/concerns/:id/assignments', 'concerns:manage', concerns.assign, 'assigned');

  app.post('/concerns/:id/assignments/:userId/remove', { config: { access: 'concerns:manage' } }, async (request, reply) => {
    const id = idParam(request);
    await concerns.unassign(db, contextOf(request), id, idParam(request, 'userId'));
    return reply.redirect(`/concerns/${id}#assigned`, 303);
  });

  app.get('/concerns/:id/chronology', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const page = await concerns.withCase(db, ctx, idParam(request), 'chronology', async (open) => ({
      case: open.case,
      entries: await concerns.chronologyOf(open),
      printedBy: ctx.user.displayName,
      printedAt: new Date(),
    }));
    return reply.page('concerns/views/chronology.njk', page);
  });
}
