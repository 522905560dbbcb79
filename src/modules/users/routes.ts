import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { roleNames, roles } from '../../platform/permissions.ts';
import { endAllSessionsOf } from '../../platform/sessions.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as users from './service.ts';

const roleItems = (selected?: unknown) => [
  { value: '', text: 'Choose a role' },
  ...roles.map((role) => ({ value: role, text: roleNames[role], selected: role === selected })),
];

export function userRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/users', { config: { access: 'users:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const members = await users.listMembers(db, ctx);
    return reply.page('users/views/list.njk', { members });
  });

  app.get('/users/new', { config: { access: 'users:manage' } }, async (_request, reply) =>
    reply.page('users/views/new.njk', { values: {}, roleItems: roleItems() }),
  );

  app.post('/users', { config: { access: 'users:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      const added = await users.createUser(db, ctx, body);
      if (added.kind === 'role-given') return reply.page('users/views/role-given.njk', { added });
      const origin = `${request.protocol}://${request.host}`;
      return reply.page('users/views/invited.njk', { invitation: added, link: `${origin}${added.path}`, email: body.email });
    } catch (error) {
      return showFormErrors(reply, error, 'users/views/new.njk', { values: body, roleItems: roleItems(body.role) });
    }
  });

  app.get('/users/:id', { config: { access: 'users:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const member = await users.getMember(db, ctx, idParam(request));
    return reply.page('users/views/show.njk', { member, roleItems: roleItems(), isSelf: member.user.id === ctx.user.id });
  });

  app.post('/users/:id/roles', { config: { access: 'users:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const member = await users.getMember(db, ctx, id);
    const body = formBody(request);
    try {
      await users.grantRole(db, ctx, id, body);
      return reply.redirect(`/users/${id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'users/views/show.njk', {
        member,
        roleItems: roleItems(body.role),
        isSelf: id === ctx.user.id,
      });
    }
  });

  app.post('/users/:id/roles/:grantId/revoke', { config: { access: 'users:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const member = await users.getMember(db, ctx, id);
    try {
      await users.revokeRole(db, ctx, id, idParam(request, 'grantId'));
      return reply.redirect(`/users/${id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'users/views/show.njk', { member, roleItems: roleItems(), isSelf: id === ctx.user.id });
    }
  });

  for (const [path, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/users/:id/${path}`, { config: { access: 'users:manage' } }, async (request, reply) => {
      const ctx = contextOf(request);
      const id = idParam(request);
      const member = await users.getMember(db, ctx, id);
      try {
        await users.setActive(db, ctx, id, active, endAllSessionsOf);
        return reply.redirect(`/users/${id}`, 303);
      } catch (error) {
        return showFormErrors(reply, error, 'users/views/show.njk', {
          member,
          roleItems: roleItems(),
          isSelf: id === ctx.user.id,
        });
      }
    });
  }

  app.post('/users/:id/mfa/reset', { config: { access: 'users:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const member = await users.getMember(db, ctx, id);
    try {
      await users.resetMfa(db, ctx, id, endAllSessionsOf);
      return reply.redirect(`/users/${id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'users/views/show.njk', { member, roleItems: roleItems(), isSelf: id === ctx.user.id });
    }
  });

  app.post('/users/:id/invitation', { config: { access: 'users:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const invitation = await users.reinvite(db, ctx, id);
    const member = await users.getMember(db, ctx, id);
    const origin = `${request.protocol}://${request.host}`;
    return reply.page('users/views/invited.njk', { invitation, link: `${origin}${invitation.path}`, email: member.user.email });
  });
}
