import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import { itemFormData, valuesOfItem } from './item-form.ts';
import * as programme from './service.ts';

/** A programme year from the URL (2026 = the year starting in 2026); anything else is simply not found. */
export function yearParam(request: FastifyRequest): number {
  const value = (request.params as Record<string, string>).year ?? '';
  if (!/^\d{4}$/.test(value)) throw new NotFoundError('work programme');
  const year = Number(value);
  if (year < 2000 || year > 2100) throw new NotFoundError('work programme');
  return year;
}

/** The programme's items: adding one to a year, reading, editing and deleting it. */
export function itemRoutes(app: FastifyInstance, db: Db): void {
  app.get('/programme/:year/items/new', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getProgramme(db, ctx, yearParam(request));
    return reply.page('programme/views/item-form.njk', {
      programme: found,
      action: `/programme/${found.year}/items`,
      ...(await itemFormData(db, ctx, { area: 'other', status: 'not_started' }, 0)),
    });
  });

  app.post('/programme/:year/items', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getProgramme(db, ctx, yearParam(request));
    const body = formBody(request);
    try {
      await programme.addItem(db, ctx, found.year, body);
      return reply.redirect(`/programme/${found.year}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'programme/views/item-form.njk', {
        programme: found,
        action: `/programme/${found.year}/items`,
        ...(await itemFormData(db, ctx, body, 0)),
      });
    }
  });

  app.get('/programme/items/:id', { config: { access: 'programme:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getItem(db, ctx, idParam(request));
    return reply.page('programme/views/item.njk', { ...found, canEdit: ctx.can('programme:edit') });
  });

  app.get('/programme/items/:id/edit', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getItem(db, ctx, idParam(request));
    const owner = found.item.ownerUserId ? { id: found.item.ownerUserId, name: found.item.ownerLabel } : undefined;
    return reply.page('programme/views/item-form.njk', {
      ...found,
      action: `/programme/items/${found.item.id}`,
      ...(await itemFormData(db, ctx, valuesOfItem(found.item), found.item.evidence.length, owner)),
    });
  });

  app.post('/programme/items/:id', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getItem(db, ctx, idParam(request));
    const body = formBody(request);
    try {
      await programme.updateItem(db, ctx, found.item.id, body);
      return reply.redirect(`/programme/items/${found.item.id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const owner = found.item.ownerUserId ? { id: found.item.ownerUserId, name: found.item.ownerLabel } : undefined;
      return showFormErrors(reply, error, 'programme/views/item-form.njk', {
        ...found,
        action: `/programme/items/${found.item.id}`,
        ...(await itemFormData(db, ctx, body, found.item.evidence.length, owner)),
      });
    }
  });

  app.get('/programme/items/:id/delete', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const found = await programme.getItem(db, contextOf(request), idParam(request));
    return reply.page('programme/views/delete.njk', found);
  });

  app.post('/programme/items/:id/delete', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getItem(db, ctx, idParam(request));
    try {
      const year = await programme.deleteItem(db, ctx, found.item.id);
      return reply.redirect(`/programme/${year}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'programme/views/delete.njk', found);
    }
  });
}
