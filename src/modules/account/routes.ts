import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { sessionCookie } from '../../platform/sessions.ts';
import { contextOf, formBody, showFormErrors } from '../../platform/web.ts';
import { signInRoutes } from './routes-sign-in.ts';
import * as account from './service.ts';

/** The entry point the manifest registers: signing in (routes-sign-in.ts), a person's own account, and invitations. */
export function accountRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;
  signInRoutes(app, deps);

  app.get('/account', { config: { access: 'signed-in' } }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    return reply.page('account/views/account.njk', {
      notice: query.mfa === 'enrolled' ? 'mfa' : query.switched ? 'switched' : null,
    });
  });

  app.post('/account/organisation', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const session = request.session;
    if (!session) return reply.redirect('/sign-in', 303);
    try {
      await account.switchOrganisation(db, ctx, session, formBody(request).orgId);
      return reply.redirect('/account?switched=1', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'account/views/account.njk', {});
    }
  });

  app.get('/account/password', { config: { access: 'signed-in' } }, async (_request, reply) =>
    reply.page('account/views/password.njk'),
  );

  app.post('/account/password', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request);
    try {
      await account.changePassword(db, ctx, formBody(request));
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.redirect('/sign-in?passwordChanged=1', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'account/views/password.njk', {});
    }
  });

  app.get('/invitations/:token', { config: { access: 'public' } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const invitation = token.length <= 100 ? await account.invitationIsOpen(db, token) : undefined;
    if (!invitation) return reply.code(404).page('account/views/invitation-closed.njk');
    return reply.page('account/views/invitation.njk', { email: invitation.email, token });
  });

  app.post('/invitations/:token', { config: { access: 'public' } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const invitation = token.length <= 100 ? await account.invitationIsOpen(db, token) : undefined;
    if (!invitation) return reply.code(404).page('account/views/invitation-closed.njk');
    try {
      if (!(await account.acceptInvitation(db, token, formBody(request), request.ip))) {
        throw new InputError({ password: 'This invitation can no longer be used' });
      }
      return reply.redirect('/sign-in?passwordSet=1', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'account/views/invitation.njk', { email: invitation.email, token });
    }
  });
}
