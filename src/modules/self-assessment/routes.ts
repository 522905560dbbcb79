import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, errorList, formBody, idParam } from '../../platform/web.ts';
import { evidenceRoutes } from './routes-evidence.ts';
import { linkOpener } from './routes-links.ts';
import { requirementRoutes } from './routes-requirement.ts';
import { submissionRoutes } from './routes-submissions.ts';
import * as assessments from './service.ts';
import * as submissions from './submissions.ts';

/** What the pages of a version may do, from the person's permissions and the version's state. */
function abilities(ctx: RequestContext, version: assessments.VersionView, isLatest: boolean, hasCommissioner: boolean) {
  const status = version.assessment.status;
  const canEdit = ctx.can('assessment:edit');
  return {
    canEdit: canEdit && status === 'draft',
    canSignOff: ctx.can('assessment:sign-off') && status === 'draft',
    canNewVersion: canEdit && isLatest && ['signed_off', 'returned', 'accepted'].includes(status),
    canSubmit: canEdit && isLatest && status === 'signed_off' && hasCommissioner,
  };
}

/** A version's page (the year's latest at /assurance, any at /assurance/:id), with errors from one of its forms. */
async function showVersion(
  reply: FastifyReply,
  db: Db,
  ctx: RequestContext,
  id: string | null,
  extra: { narrative?: unknown; error?: InputError } = {},
): Promise<FastifyReply> {
  const overview = await assessments.overview(db, ctx);
  const version = id ? await assessments.versionPage(db, ctx, id) : overview.current;
  const latestOfYear = version ? (await assessments.ownVersions(db, ctx)).find((v) => v.year === version.assessment.year) : null;
  const isLatest = !!version && latestOfYear?.id === version.assessment.id;
  if (extra.error) reply.code(400);
  return reply.page('self-assessment/views/version.njk', {
    year: overview.year,
    yearLabel: overview.label,
    version,
    isCurrentPage: id === null,
    isLatest,
    ...(version ? abilities(ctx, version, isLatest, ctx.user.activeOrg.kind !== 'icb') : {}),
    canStart: ctx.can('assessment:edit') && !overview.current,
    opens: linkOpener(reply, ctx),
    narrative: extra.narrative ?? version?.assessment.narrative ?? '',
    errors: extra.error?.fieldErrors ?? {},
    errorList: extra.error ? errorList(extra.error.fieldErrors) : undefined,
  });
}

/** The entry point the manifest registers: the self-assessment's pages, its requirements', evidence and the submissions'. */
export function selfAssessmentRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/assurance', { config: { access: 'assessment:read' } }, async (request, reply) =>
    showVersion(reply, db, contextOf(request), null),
  );

  app.post('/assurance', { config: { access: 'assessment:edit' } }, async (request, reply) => {
    await assessments.startAssessment(db, contextOf(request));
    return reply.redirect('/assurance', 303);
  });

  app.get('/assurance/history', { config: { access: 'assessment:read' } }, async (request, reply) =>
    reply.page('self-assessment/views/history.njk', await submissions.historyPage(db, contextOf(request))),
  );

  // The commissioner's pages: static paths, before /assurance/:id in meaning (the router prefers them anyway).
  submissionRoutes(app, db);

  app.get('/assurance/:id', { config: { access: 'assessment:read' } }, async (request, reply) =>
    showVersion(reply, db, contextOf(request), idParam(request)),
  );

  /** Runs a form's change, then back to the version; bad input shows the version again with the messages. */
  const change = (
    path: string,
    access: 'assessment:edit' | 'assessment:sign-off',
    act: (ctx: RequestContext, id: string, body: Record<string, unknown>) => Promise<string>,
  ) =>
    app.post(path, { config: { access } }, async (request, reply) => {
      const ctx = contextOf(request);
      const id = idParam(request);
      const body = formBody(request);
      try {
        return reply.redirect(await act(ctx, id, body), 303);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return showVersion(reply, db, ctx, id, { error, narrative: body.narrative });
      }
    });

  change('/assurance/:id/narrative', 'assessment:edit', async (ctx, id, body) => {
    await assessments.saveNarrative(db, ctx, id, body);
    return `/assurance/${id}#narrative`;
  });
  change('/assurance/:id/new-version', 'assessment:edit', async (ctx, id) => {
    const created = await assessments.newVersion(db, ctx, id);
    return `/assurance/${created.id}`;
  });
  change('/assurance/:id/submit', 'assessment:edit', async (ctx, id) => {
    await submissions.submit(db, ctx, id);
    return `/assurance/${id}`;
  });

  app.get('/assurance/:id/sign-off', { config: { access: 'assessment:sign-off' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const version = await assessments.versionPage(db, ctx, idParam(request));
    return reply.page('self-assessment/views/sign-off.njk', { version, problems: assessments.signOffProblems(version) });
  });

  app.post('/assurance/:id/sign-off', { config: { access: 'assessment:sign-off' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    try {
      await assessments.signOff(db, ctx, id);
      return reply.redirect(`/assurance/${id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const version = await assessments.versionPage(db, ctx, id);
      reply.code(400);
      return reply.page('self-assessment/views/sign-off.njk', {
        version,
        problems: assessments.signOffProblems(version),
        errors: error.fieldErrors,
        errorList: errorList(error.fieldErrors),
      });
    }
  });

  requirementRoutes(app, db);
  evidenceRoutes(app, db);
}
