import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { chartSvg } from '../../platform/documents/svg.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, errorList, formBody, idParam } from '../../platform/web.ts';
import * as evidence from './service.ts';

export function evidenceRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/evidence', { config: { access: 'evidence:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await evidence.evidenceIndex(db, ctx);
    return reply.page('evidence/views/index.njk', {
      ...found,
      slugs: evidence.pageSlugs,
      titles: evidence.pageTitles,
      canSeeInspectors: ctx.can('evidence:inspectors'),
    });
  });

  app.get('/evidence/pack.zip', { config: { access: 'evidence:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { zip } = await evidence.packFor(db, ctx.actor, ctx.user.activeOrg);
    reply.header('content-disposition', `attachment; filename="cqc-evidence-${ctx.user.activeOrg.odsCode}.zip"`);
    return reply.type('application/zip').send(zip);
  });

  app.get('/evidence/inspectors', { config: { access: 'evidence:inspectors' } }, async (request, reply) =>
    reply.page('evidence/views/inspectors.njk', {
      ...(await evidence.inspectorsPage(db, contextOf(request))),
      values: {},
      errors: {},
    }),
  );

  app.post('/evidence/inspectors', { config: { access: 'evidence:grant' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const given = await evidence.grantInspector(db, ctx, body);
      const origin = `${request.protocol}://${request.host}`;
      return reply.page('evidence/views/granted.njk', {
        given,
        link: given.invitation ? `${origin}${given.invitation.path}` : null,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      reply.code(400);
      return reply.page('evidence/views/inspectors.njk', {
        ...(await evidence.inspectorsPage(db, ctx)),
        values: body,
        errors: error.fieldErrors,
        errorList: errorList(error.fieldErrors),
      });
    }
  });

  app.post('/evidence/inspectors/:id/end', { config: { access: 'evidence:grant' } }, async (request, reply) => {
    await evidence.endInspector(db, contextOf(request), idParam(request));
    return reply.redirect('/evidence/inspectors', 303);
  });

  app.get('/evidence/policies/:policyId/:versionId', { config: { access: 'evidence:read' } }, async (request, reply) => {
    const document = await evidence.policyDocument(
      db,
      contextOf(request),
      idParam(request, 'policyId'),
      idParam(request, 'versionId'),
    );
    reply.header('content-disposition', `attachment; filename="${document.name.replace(/["\\\r\n]/g, '')}"`);
    return reply.type(document.contentType).send(document.bytes);
  });

  app.get('/evidence/:page', { config: { access: 'evidence:read' } }, async (request, reply) => {
    const { page } = request.params as { page: string };
    const shown = await evidence.evidencePage(db, contextOf(request), page);
    return reply.page('evidence/views/page.njk', { ...shown, svg: chartSvg });
  });
}
