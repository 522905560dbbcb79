import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as contacts from './service.ts';

const roleItems = (selected?: unknown) =>
  contacts.contactRoles.map((role) => ({ value: role, text: contacts.contactRoleNames[role], checked: role === selected }));

export function contactRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/contacts', { config: { access: 'contacts:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { own, fromCommissioner } = await contacts.directory(db, ctx);
    return reply.page('contacts/views/list.njk', {
      own,
      fromCommissioner,
      roleNames: contacts.contactRoleNames,
      canEdit: ctx.can('contacts:edit'),
      missing: contacts.contactRoles.filter(
        (r) => r !== 'other' && !own.some((c) => c.role === r) && !fromCommissioner.some((c) => c.role === r),
      ),
    });
  });

  app.get('/contacts/new', { config: { access: 'contacts:edit' } }, async (_request, reply) =>
    reply.page('contacts/views/form.njk', { values: {}, roleItems: roleItems(), action: '/contacts' }),
  );

  app.post('/contacts', { config: { access: 'contacts:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      await contacts.addContact(db, ctx, body);
      return reply.redirect('/contacts', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'contacts/views/form.njk', {
        values: body,
        roleItems: roleItems(body.role),
        action: '/contacts',
      });
    }
  });

  app.get('/contacts/:id', { config: { access: 'contacts:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const contact = await contacts.getContact(db, ctx, idParam(request));
    return reply.page('contacts/views/form.njk', {
      contact,
      values: { ...contact, sharedWithProviders: contact.sharedWithProviders ? 'yes' : '' },
      roleItems: roleItems(contact.role),
      action: `/contacts/${contact.id}`,
    });
  });

  app.post('/contacts/:id', { config: { access: 'contacts:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const contact = await contacts.getContact(db, ctx, id);
    const body = formBody(request);
    try {
      await contacts.updateContact(db, ctx, id, body);
      return reply.redirect('/contacts', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'contacts/views/form.njk', {
        contact,
        values: body,
        roleItems: roleItems(body.role),
        action: `/contacts/${id}`,
      });
    }
  });

  app.post('/contacts/:id/remove', { config: { access: 'contacts:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    await contacts.removeContact(db, ctx, idParam(request));
    return reply.redirect('/contacts', 303);
  });
}
