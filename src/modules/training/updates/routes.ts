import type { FastifyInstance } from 'fastify';
import type { Db } from '../../../db/client.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { AppDeps } from '../../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../../platform/web.ts';
import { staffFilterOptions } from '../service.ts';
import * as annual from './service.ts';

const formView = 'training/updates/views/form.njk';

const option = (blank: string, list: readonly string[], selected: unknown) => [
  { value: '', text: blank, selected: !selected },
  ...list.map((value) => ({ value, text: value, selected: value === selected })),
];

/** The update form's choices: kinds, who had it, and the departments and staff groups the staff records hold. */
async function formPage(db: Db, ctx: RequestContext, values: Record<string, unknown>) {
  const options = await staffFilterOptions(db, ctx);
  return {
    values,
    kindItems: annual.updateKinds.map((k) => ({ value: k, text: annual.kindNames[k], checked: k === values.kind })),
    audienceItems: annual.audiences.map((a) => ({ value: a, text: annual.audienceNames[a], checked: a === values.audience })),
    departmentItems: option('Choose a department', options.department, values.department),
    staffGroupItems: option('Choose a staff group', options.staffGroup, values.staffGroup),
  };
}

/** Annual updates: listed for whoever reads the training figures; recorded and removed by training administrators. */
export function updateRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/training/updates', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('training/updates/views/list.njk', {
      updates: await annual.updates(db, ctx),
      kindNames: annual.kindNames,
      groupKindNames: annual.groupKindNames,
      canManage: ctx.can('training:manage'),
    });
  });

  app.get('/training/updates/new', { config: { access: 'training:manage' } }, async (request, reply) =>
    reply.page(formView, await formPage(db, contextOf(request), {})),
  );

  app.post('/training/updates', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      await annual.recordUpdate(db, ctx, body);
      return reply.redirect('/training/updates', 303);
    } catch (error) {
      return showFormErrors(reply, error, formView, await formPage(db, ctx, body));
    }
  });

  app.get('/training/updates/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const detail = await annual.updateDetail(db, contextOf(request), idParam(request));
    return reply.page('training/updates/views/update.njk', {
      ...detail,
      kindNames: annual.kindNames,
      groupKindNames: annual.groupKindNames,
    });
  });

  app.post('/training/updates/:id/remove', { config: { access: 'training:manage' } }, async (request, reply) => {
    await annual.removeUpdate(db, contextOf(request), idParam(request));
    return reply.redirect('/training/updates', 303);
  });
}
