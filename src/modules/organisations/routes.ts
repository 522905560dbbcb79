import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as leads from '../leads/service.ts';
import * as organisations from './service.ts';

const kindItems = (selected?: unknown) =>
  organisations.organisationKinds.map((kind) => ({
    value: kind,
    text: organisations.kindNames[kind],
    checked: kind === selected,
  }));

export function organisationRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/organisations', { config: { access: 'organisations:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const list = await organisations.organisationsInReach(db, ctx);
    const commissioners = new Map(list.map((o) => [o.id, o]));
    const withLeads = list.filter((o) => o.kind !== 'nhse_region');
    const current = await leads.currentLeadsFor(
      db,
      ctx,
      withLeads.map((o) => o.id),
    );
    return reply.page('organisations/views/list.njk', {
      organisations: list.map((o) => ({
        ...o,
        kindName: organisations.kindNames[o.kind],
        commissioner: o.commissionerId ? (commissioners.get(o.commissionerId)?.odsCode ?? '') : '',
        vacant: current.has(o.id) ? leads.vacantPosts(current.get(o.id) ?? { accountable: null, operational: null }) : [],
      })),
      postNames: leads.postNames,
      canManage: ctx.can('organisations:manage'),
      canAdd: ctx.can('organisations:manage') && ctx.user.activeOrg.kind === 'icb',
    });
  });

  app.get('/organisations/new', { config: { access: 'organisations:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    if (ctx.user.activeOrg.kind !== 'icb') return reply.page('organisations/views/added-by-icb.njk');
    return reply.page('organisations/views/new.njk', {
      values: { commissionerOds: ctx.user.activeOrg.odsCode, region: ctx.user.activeOrg.region },
      kinds: kindItems(),
    });
  });

  app.post('/organisations', { config: { access: 'organisations:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const created = await organisations.addProvider(db, ctx, body);
      return reply.redirect(`/organisations/${created.id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'organisations/views/new.njk', { values: body, kinds: kindItems(body.kind) });
    }
  });

  app.get('/organisations/:id', { config: { access: 'organisations:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const organisation = await organisations.getInReach(db, ctx, idParam(request));
    const commissioner = organisation.commissionerId ? await organisations.findById(db, organisation.commissionerId) : undefined;
    const current =
      organisation.kind === 'nhse_region' ? null : (await leads.currentLeadsFor(db, ctx, [organisation.id])).get(organisation.id);
    return reply.page('organisations/views/show.njk', {
      organisation,
      leads: current ?? null,
      vacant: current ? leads.vacantPosts(current) : [],
      postNames: leads.postNames,
      kindName: organisations.kindNames[organisation.kind],
      commissioner,
      canManage: ctx.can('organisations:manage'),
    });
  });

  app.get('/organisations/:id/edit', { config: { access: 'organisations:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const organisation = await organisations.getInReach(db, ctx, idParam(request));
    const commissioner = organisation.commissionerId ? await organisations.findById(db, organisation.commissionerId) : undefined;
    return reply.page('organisations/views/edit.njk', {
      organisation,
      values: { name: organisation.name, region: organisation.region, commissionerOds: commissioner?.odsCode ?? '' },
    });
  });

  app.post('/organisations/:id', { config: { access: 'organisations:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const organisation = await organisations.getInReach(db, ctx, id);
    const body = formBody(request);
    try {
      await organisations.updateOrganisation(db, ctx, id, body);
      return reply.redirect(`/organisations/${id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'organisations/views/edit.njk', { organisation, values: body });
    }
  });
}
