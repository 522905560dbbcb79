import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import { contextOf, formBody, showFormErrors } from '../../platform/web.ts';
import * as risks from './service.ts';

const yearParam = (params: unknown) => risks.parseYear((params as Record<string, string>).year);

/** The Counter-Terrorism Local Profile: each year's briefing, the risks and actions it links, and its sign-off. */
export function ctlpRoutes(app: FastifyInstance, db: Db): void {
  app.get('/risks/ctlp', { config: { access: 'risks:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('risks/views/ctlp.njk', await ctlpData(ctx));
  });

  async function ctlpData(ctx: ReturnType<typeof contextOf>) {
    return {
      ...(await risks.ctlpPage(db, ctx)),
      canEdit: ctx.can('risks:edit'),
      canSignOff: ctx.can('ctlp:sign-off'),
      values: {},
    };
  }

  app.get('/risks/ctlp/:year', { config: { access: 'risks:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const year = yearParam(request.params);
    const { record, risks: list, linked, items, linkedItems } = await risks.getCtlp(db, ctx, year);
    return reply.page('risks/views/ctlp-form.njk', {
      year,
      label: risks.yearLabel(year),
      record,
      risks: list,
      items,
      linkedItems,
      values: {
        briefingReceivedOn: record?.briefingReceivedOn ?? '',
        themes: record?.themes ?? '',
        priorityArea: record ? (record.priorityArea ? 'yes' : 'no') : '',
        programmeReferences: record?.programmeReferences ?? '',
      },
      linked,
    });
  });

  app.post('/risks/ctlp/:year', { config: { access: 'risks:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const year = yearParam(request.params);
    const body = formBody(request);
    try {
      await risks.saveCtlp(db, ctx, year, body);
      return reply.redirect('/risks/ctlp', 303);
    } catch (error) {
      const { record, risks: list, items } = await risks.getCtlp(db, ctx, year);
      const chosen = body.riskIds === undefined ? [] : [body.riskIds].flat().map(String);
      return showFormErrors(reply, error, 'risks/views/ctlp-form.njk', {
        year,
        label: risks.yearLabel(year),
        record,
        risks: list,
        items,
        linkedItems: body.itemIds === undefined ? [] : [body.itemIds].flat().map(String),
        values: body,
        linked: chosen,
      });
    }
  });

  app.post('/risks/ctlp/:year/sign-off', { config: { access: 'ctlp:sign-off' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const year = yearParam(request.params);
    const body = formBody(request);
    try {
      await risks.signOffCtlp(db, ctx, year, body);
      return reply.redirect('/risks/ctlp', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'risks/views/ctlp.njk', { ...(await ctlpData(ctx)), values: body, signOffYear: year });
    }
  });
}
