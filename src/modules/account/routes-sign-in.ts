import type { FastifyInstance, FastifyReply } from 'fastify';
import { behindProxy } from '../../config.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { sessionCookie } from '../../platform/sessions.ts';
import { formBody, showFormErrors } from '../../platform/web.ts';
import * as account from './service.ts';

/**
 * Only a path on this site, so that the sign-in page cannot be used to send people elsewhere.
 * Printable ASCII only, no backslash: browsers drop tabs and newlines from a URL ("/\t/evil" is
 * "//evil"), and a control character in a Location header is a server error.
 */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(next) ? next : '/';
}

/** Signing in and out, and the second factor: the challenge, and enrolment mid-sign-in or from "Your account". */
export function signInRoutes(app: FastifyInstance, { database, config }: AppDeps): void {
  const db = database.db;
  const secure = behindProxy(config);
  const policy = { requireMfa: config.requireMfa, sessionHours: config.sessionHours };

  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(sessionCookie, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: config.sessionHours * 3600,
    });

  app.get('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    if (request.session?.stage === 'signed-in') return reply.redirect('/', 303);
    const query = request.query as Record<string, string | undefined>;
    const notice = query.signedOut
      ? 'You have signed out.'
      : query.passwordSet
        ? 'Your password is set. Sign in with it now.'
        : query.passwordChanged
          ? 'Your password was changed and you were signed out everywhere. Sign in with your new password.'
          : null;
    return reply.page('account/views/sign-in.njk', { next: safeNext(query.next), values: {}, notice });
  });

  app.post('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const body = formBody(request);
    const next = safeNext(body.next);
    try {
      const result = await account.signIn(db, policy, body, request.ip);
      setSessionCookie(reply, result.token);
      if (result.next === 'mfa-challenge') return reply.redirect(`/sign-in/mfa?next=${encodeURIComponent(next)}`, 303);
      if (result.next === 'mfa-enrolment') return reply.redirect('/account/mfa', 303);
      return reply.redirect(next, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'account/views/sign-in.njk', { next, values: { email: body.email } });
    }
  });

  app.get('/sign-in/mfa', { config: { access: 'public' } }, async (request, reply) => {
    if (request.session?.stage !== 'mfa-challenge') return reply.redirect('/sign-in', 303);
    const query = request.query as Record<string, string | undefined>;
    return reply.page('account/views/mfa-challenge.njk', { next: safeNext(query.next) });
  });

  app.post('/sign-in/mfa', { config: { access: 'public' } }, async (request, reply) => {
    const session = request.session;
    if (session?.stage !== 'mfa-challenge') return reply.redirect('/sign-in', 303);
    const body = formBody(request);
    try {
      setSessionCookie(reply, await account.completeMfaChallenge(db, policy, session, body, request.ip));
      return reply.redirect(safeNext(body.next), 303);
    } catch (error) {
      return showFormErrors(reply, error, 'account/views/mfa-challenge.njk', { next: safeNext(body.next) });
    }
  });

  // Enrolment is reached both mid-sign-in (when MFA is required) and from "Your account".
  app.get('/account/mfa', { config: { access: 'public' } }, async (request, reply) => {
    const session = request.session;
    if (!session || session.stage === 'mfa-challenge') return reply.redirect('/sign-in', 303);
    if (session.user.mfaEnabled) return reply.page('account/views/mfa-enrolled.njk');
    const enrolment = await account.beginMfaEnrolment(db, session);
    return reply.page('account/views/mfa-enrol.njk', { enrolment, required: session.stage === 'mfa-enrolment' });
  });

  app.post('/account/mfa', { config: { access: 'public' } }, async (request, reply) => {
    const session = request.session;
    if (!session || session.stage === 'mfa-challenge') return reply.redirect('/sign-in', 303);
    try {
      setSessionCookie(reply, await account.confirmMfaEnrolment(db, policy, session, formBody(request), request.ip));
      return reply.redirect('/account?mfa=enrolled', 303);
    } catch (error) {
      const enrolment = await account.beginMfaEnrolment(db, session);
      return showFormErrors(reply, error, 'account/views/mfa-enrol.njk', {
        enrolment,
        required: session.stage === 'mfa-enrolment',
      });
    }
  });

  app.post('/sign-out', { config: { access: 'public' } }, async (request, reply) => {
    if (request.session) await account.signOut(db, request.session, request.ip);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.redirect('/sign-in?signedOut=1', 303);
  });
}
