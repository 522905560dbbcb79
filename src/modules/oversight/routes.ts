import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { suppressionNote } from '../../platform/suppression.ts';
import { contextOf } from '../../platform/web.ts';
import { csvOf, heatMapSheet, regionSheet, type Sheet, xlsxOf } from './exports.ts';
import * as oversight from './service.ts';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function download(reply: FastifyReply, sheet: Sheet, file: string, format: 'csv' | 'xlsx', title: string) {
  reply.header('content-disposition', `attachment; filename="${file}.${format}"`);
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(`\uFEFF${csvOf(sheet)}`);
  return xlsxOf(sheet, title).then((body) => reply.type(xlsxType).send(body));
}

export function oversightRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  const names = { resultNames: oversight.resultNames, resultOrder: oversight.resultOrder, suppressionNote };

  app.get('/assurance/providers', { config: { access: 'assurance:providers' } }, async (request, reply) => {
    const map = await oversight.heatMap(db, contextOf(request));
    return reply.page('oversight/views/providers.njk', { ...names, map });
  });

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(`/assurance/providers.${format}`, { config: { access: 'assurance:providers' } }, async (request, reply) => {
      const map = await oversight.heatMap(db, contextOf(request));
      return download(reply, heatMapSheet(map), `providers-assurance-${map.asAt}`, format, 'Providers’ assurance');
    });
    app.get(`/assurance/region.${format}`, { config: { access: 'assurance:region' } }, async (request, reply) => {
      const view = await oversight.regionView(db, contextOf(request));
      return download(reply, regionSheet(view), `region-assurance-${view.asAt}`, format, 'Region’s assurance');
    });
  }

  app.get('/assurance/providers/:orgId', { config: { access: 'assurance:providers' } }, async (request, reply) => {
    const { orgId } = request.params as { orgId: string };
    const results = await oversight.providerResults(db, contextOf(request), orgId);
    return reply.page('oversight/views/provider.njk', { ...names, results });
  });

  app.get('/assurance/region', { config: { access: 'assurance:region' } }, async (request, reply) => {
    const view = await oversight.regionView(db, contextOf(request));
    return reply.page('oversight/views/region.njk', { ...names, view });
  });
}
