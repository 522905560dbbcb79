import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as contracts from './service.ts';

const ratingItems = (selected?: unknown) =>
  contracts.ratings.map((r) => ({ value: r, text: contracts.ratingNames[r], checked: r === selected }));

const asList = (v: unknown) => (v === undefined || v === null || v === '' ? [] : [v].flat().map(String));

const checkItems = (selected: unknown) =>
  contracts.checkItems.map((item) => ({
    value: item,
    text: contracts.checkItemNames[item],
    checked: asList(selected).includes(item),
  }));

/** The contract form's values from a stored contract. */
const contractValues = (c: contracts.Contract) => ({
  name: c.name,
  reference: c.reference ?? '',
  sc32Included: c.sc32Included ? 'yes' : 'no',
  startsOn: c.startsOn,
  endsOn: c.endsOn ?? '',
  reviewOn: c.reviewOn,
  notes: c.notes ?? '',
});

/** The commissioner's contract register, its providers' contracts, quality checks and their actions. */
export function contractRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/contracts', { config: { access: 'contracts:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const side = await contracts.sideOf(db, ctx);
    if (side.kind === 'provider')
      return reply.page('contracts/views/provider.njk', await contracts.providerContracts(db, ctx, side.provider.id));
    return reply.page('contracts/views/register.njk', await contracts.register(db, ctx));
  });

  app.get('/contracts/providers/:orgId', { config: { access: 'contracts:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('contracts/views/provider.njk', await contracts.providerContracts(db, ctx, idParam(request, 'orgId')));
  });

  contractFormRoutes(app, db);
  checkRoutes(app, db);
}

function contractFormRoutes(app: FastifyInstance, db: Db): void {
  const newForm = async (ctx: RequestContext, values: Record<string, unknown>) => {
    const side = await contracts.sideOf(db, ctx);
    const providers = side.kind === 'commissioner' ? side.providers : [];
    return {
      values,
      action: '/contracts',
      providerItems: [
        { value: '', text: 'Choose a provider' },
        ...providers.map((p) => ({ value: p.id, text: p.name, selected: p.id === values.providerOrgId })),
      ],
    };
  };

  app.get('/contracts/new', { config: { access: 'contracts:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const provider = (request.query as Record<string, unknown>).provider;
    return reply.page('contracts/views/contract-form.njk', await newForm(ctx, { providerOrgId: provider }));
  });

  app.post('/contracts', { config: { access: 'contracts:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const created = await contracts.addContract(db, ctx, body);
      return reply.redirect(`/contracts/providers/${created.providerOrgId}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'contracts/views/contract-form.njk', await newForm(ctx, body));
    }
  });

  app.get('/contracts/:id/edit', { config: { access: 'contracts:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await contracts.getContract(db, ctx, idParam(request));
    return reply.page('contracts/views/contract-form.njk', {
      ...found,
      values: contractValues(found.contract),
      action: `/contracts/${found.contract.id}`,
    });
  });

  app.post('/contracts/:id', { config: { access: 'contracts:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await contracts.getContract(db, ctx, idParam(request));
    const body = formBody(request);
    try {
      await contracts.updateContract(db, ctx, found.contract.id, body);
      return reply.redirect(`/contracts/providers/${found.provider.id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'contracts/views/contract-form.njk', {
        ...found,
        values: body,
        action: `/contracts/${found.contract.id}`,
      });
    }
  });
}

function checkRoutes(app: FastifyInstance, db: Db): void {
  const checkForm = (found: Awaited<ReturnType<typeof contracts.getContract>>, values: Record<string, unknown>) => ({
    ...found,
    values,
    ratingItems: ratingItems(values.rating),
    checkItems: checkItems(values.checked),
  });

  app.get('/contracts/:id/checks/new', { config: { access: 'contracts:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await contracts.getContract(db, ctx, idParam(request));
    return reply.page('contracts/views/check-form.njk', checkForm(found, { checkedBy: ctx.user.displayName }));
  });

  app.post('/contracts/:id/checks', { config: { access: 'contracts:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await contracts.getContract(db, ctx, idParam(request));
    const body = formBody(request);
    try {
      const checkId = await contracts.recordCheck(db, ctx, found.contract.id, body);
      return reply.redirect(`/contracts/checks/${checkId}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'contracts/views/check-form.njk', checkForm(found, body));
    }
  });

  app.get('/contracts/checks/:id', { config: { access: 'contracts:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('contracts/views/check.njk', await contracts.checkPage(db, ctx, idParam(request)));
  });

  const actionForm = (found: Awaited<ReturnType<typeof contracts.checkPage>>, values: Record<string, unknown>) => ({
    ...found,
    values,
    ownerItems: [
      { value: 'provider', text: found.provider.name, checked: values.ownedBy === 'provider' },
      { value: 'icb', text: found.icbName, checked: values.ownedBy === 'icb' },
    ],
  });

  app.get('/contracts/checks/:id/actions/new', { config: { access: 'contracts:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await contracts.checkPage(db, ctx, idParam(request));
    if (!found.canManage) throw new ForbiddenError('Only the commissioning ICB adds actions');
    return reply.page('contracts/views/action-form.njk', actionForm(found, {}));
  });

  app.post('/contracts/checks/:id/actions', { config: { access: 'contracts:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await contracts.checkPage(db, ctx, idParam(request));
    const body = formBody(request);
    try {
      await contracts.addAction(db, ctx, found.check.id, body);
      return reply.redirect(`/contracts/checks/${found.check.id}#actions`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'contracts/views/action-form.njk', actionForm(found, body));
    }
  });

  app.post('/contracts/actions/:id/done', { config: { access: 'contracts:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const checkId = await contracts.markActionDone(db, ctx, idParam(request));
    return reply.redirect(`/contracts/checks/${checkId}#actions`, 303);
  });
}
