import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import type { ModuleManifest } from '../../platform/modules.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as access from './access.ts';
import { chronologyOf, sameViewMinutes } from './chronology.ts';
import { raisingRoutes } from './routes-raising.ts';
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

/** The entry point the manifest registers: raising a concern (routes-raising.ts), then working the cases. */
export function concernRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;

  raisingRoutes(app, deps);

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
      chronology: await chronologyOf(open),
      sameViewMinutes,
      printedBy: ctx.user.displayName,
      printedAt: new Date(),
    }));
    return reply.page('concerns/views/chronology.njk', page);
  });
}
