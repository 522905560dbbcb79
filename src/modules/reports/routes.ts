import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { sendDocument } from '../../platform/documents/send.ts';
import { chartSvg } from '../../platform/documents/svg.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, errorList, formBody, idParam } from '../../platform/web.ts';
import * as dataReturn from './data-return.ts';
import * as reports from './service.ts';

const fileName = (odsCode: string, year: number, version: number) => `board-report-${odsCode}-${year}-v${version}`;

/** What the person may do with a version, from their permissions and its state. */
function abilities(ctx: RequestContext, report: reports.BoardReport) {
  const canEdit = ctx.can('reports:edit');
  return {
    canEdit: canEdit && report.status === 'draft',
    canApprove: ctx.can('reports:approve') && report.status === 'draft',
    canPresent: canEdit && report.status === 'approved' && !report.presentedOn,
    canShare: canEdit && report.status === 'approved' && !!report.presentedOn && !report.sharedAt,
    canNewVersion: canEdit && report.status === 'approved',
  };
}

async function showReport(
  reply: FastifyReply,
  db: Db,
  ctx: RequestContext,
  id: string,
  extra: { error?: InputError; values?: Record<string, unknown> } = {},
) {
  const view = await reports.reportPage(db, ctx, id);
  if (extra.error) reply.code(400);
  const written = view.report;
  return reply.page('reports/views/report.njk', {
    ...view,
    ...abilities(ctx, view.report),
    svg: chartSvg,
    values: extra.values ?? {
      significantIncidents: written.significantIncidents,
      resourcesAnswer: written.resourcesAnswer,
      resourcesStatement: written.resourcesStatement,
      priorities: written.priorities,
      exactCounts: written.exactCountsForBoard ? 'yes' : undefined,
    },
    errors: extra.error?.fieldErrors ?? {},
    errorList: extra.error ? errorList(extra.error.fieldErrors) : undefined,
  });
}

export function reportsRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/reports', { config: { access: 'reports:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('reports/views/list.njk', {
      ...(await reports.reportList(db, ctx)),
      quarters: dataReturn.quartersToChoose(),
      canStart: ctx.can('reports:edit'),
      combined: ctx.user.activeOrg.kind === 'icb',
    });
  });

  app.post('/reports/board', { config: { access: 'reports:edit' } }, async (request, reply) => {
    const report = await reports.startDraft(db, contextOf(request), formBody(request));
    return reply.redirect(`/reports/board/${report.id}`, 303);
  });

  app.get('/reports/board/:id', { config: { access: 'reports:read' } }, async (request, reply) =>
    showReport(reply, db, contextOf(request), idParam(request)),
  );

  for (const format of ['pdf', 'docx'] as const) {
    app.get(`/reports/board/:id/report.${format}`, { config: { access: 'reports:read' } }, async (request, reply) => {
      const view = await reports.reportPage(db, contextOf(request), idParam(request));
      const { odsCode } = contextOf(request).user.activeOrg;
      return sendDocument(reply, view.document, fileName(odsCode, view.report.year, view.report.version), format);
    });
    app.get(`/reports/providers/:id/report.${format}`, { config: { access: 'reports:providers' } }, async (request, reply) => {
      const shared = await reports.sharedReport(db, contextOf(request), idParam(request));
      return sendDocument(
        reply,
        shared.document,
        fileName(shared.org.odsCode, shared.report.year, shared.report.version),
        format,
      );
    });
  }

  /** Runs a form's change, then back to the report; bad input shows the report again with the messages. */
  const change = (
    path: string,
    access: 'reports:edit' | 'reports:approve',
    act: (ctx: RequestContext, id: string, body: Record<string, unknown>) => Promise<string | undefined>,
  ) =>
    app.post(path, { config: { access } }, async (request, reply) => {
      const ctx = contextOf(request);
      const id = idParam(request);
      const body = formBody(request);
      try {
        return reply.redirect((await act(ctx, id, body)) ?? `/reports/board/${id}`, 303);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return showReport(reply, db, ctx, id, { error, values: body });
      }
    });

  change('/reports/board/:id/written', 'reports:edit', (ctx, id, body) =>
    reports.saveWritten(db, ctx, id, body).then(() => `/reports/board/${id}#written`),
  );
  change('/reports/board/:id/approve', 'reports:approve', (ctx, id, body) =>
    reports.approve(db, ctx, id, body).then(() => undefined),
  );
  change('/reports/board/:id/presented', 'reports:edit', (ctx, id, body) =>
    reports.recordPresented(db, ctx, id, body).then(() => undefined),
  );
  change('/reports/board/:id/share', 'reports:edit', (ctx, id) => reports.share(db, ctx, id).then(() => undefined));
  change('/reports/board/:id/new-version', 'reports:edit', async (ctx, id) => {
    const current = await reports.reportPage(db, ctx, id);
    const next = await reports.startDraft(db, ctx, { year: current.report.year });
    return `/reports/board/${next.id}`;
  });

  app.get('/reports/data-return.csv', { config: { access: 'reports:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { quarter } = request.query as { quarter?: string };
    const rows = await dataReturn.dataReturnFor(db, ctx, quarter);
    reply.header('content-disposition', `attachment; filename="data-return-${ctx.user.activeOrg.odsCode}-${rows.quarter}.csv"`);
    return reply.type('text/csv; charset=utf-8').send(`\uFEFF${dataReturn.csvOf(rows)}`);
  });

  app.get('/reports/providers', { config: { access: 'reports:providers' } }, async (request, reply) =>
    reply.page('reports/views/providers.njk', { shared: await reports.sharedReports(db, contextOf(request)) }),
  );

  app.get('/reports/providers/:id', { config: { access: 'reports:providers' } }, async (request, reply) => {
    const shared = await reports.sharedReport(db, contextOf(request), idParam(request));
    return reply.page('reports/views/shared.njk', { ...shared, svg: chartSvg });
  });
}
