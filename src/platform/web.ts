import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type nunjucks from 'nunjucks';
import type { Db } from '../db/client.ts';
import { canFor, nobody } from './can.ts';
import { contextFor, type RequestContext } from './context.ts';
import { dateBoxProblem } from './date-parts.ts';
import { ForbiddenError, InputError, NotFoundError, RefusalWithPage } from './errors.ts';
import { navigationFor } from './navigation.ts';
import type { RouteAccessLevel } from './permissions.ts';
import { type LoadedSession, loadSession, type SessionLoaders, sessionCookie } from './sessions.ts';

/**
 * What a route answers, where it is not a page for a person: 'api' for other systems (JSON errors, a
 * bearer token instead of a session, no form token), 'asset' for a static file (no session, cached),
 * 'probe' for a load balancer or monitor (no session). The hooks decide by this, never by the address.
 */
export type RouteKind = 'page' | 'api' | 'asset' | 'probe';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may use the route: a permission, 'signed-in', 'public', or 'api-token' (an API route that
     * checks the caller's bearer token itself). Every route must say.
     */
    access?: RouteAccessLevel;
    /** What the route answers; a page for a person unless it says otherwise (see RouteKind). */
    kind?: RouteKind;
    /**
     * The route takes a multipart form (a file upload): its CSRF token is a field inside the
     * body, which only the route reads, so the route checks it itself with assertCsrf.
     */
    multipartCsrf?: boolean;
  }
  interface FastifyRequest {
    cspNonce: string;
    session: LoadedSession | null;
  }
  interface FastifyReply {
    page(template: string, data?: Record<string, unknown>): FastifyReply;
  }
}

export type RouteAccess = { method: string; url: string; access: RouteAccessLevel };

const anonymousCsrfCookie = 'pa_csrf';

/**
 * Every route with the access it declared, for the authorisation matrix. A plugin that registers a
 * route itself and cannot give it a config (the static files) has the route's config declared here
 * instead, by its exact address, in `declaredFor`.
 */
export function setUpRouteRegistry(
  app: FastifyInstance,
  declaredFor: Readonly<Record<string, FastifyContextConfig>> = {},
): RouteAccess[] {
  const registry: RouteAccess[] = [];
  app.addHook('onRoute', (route) => {
    const config = { ...declaredFor[route.url], ...route.config };
    const { access } = config;
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} does not declare who may use it (config.access)`);
    if (access === 'api-token' && config.kind !== 'api') {
      throw new Error(`Route ${String(route.method)} ${route.url} checks an API token, so it must declare kind: 'api'`);
    }
    route.config = config;
    for (const method of [route.method].flat()) registry.push({ method, url: route.url, access });
  });
  return registry;
}

/** The kind of route the request matched; a request no route matched is answered as a page. */
export function routeKindOf(request: FastifyRequest): RouteKind {
  return request.routeOptions.config?.kind ?? 'page';
}

export function setUpSessions(app: FastifyInstance, db: Db, loaders: SessionLoaders): void {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    // Files and probes need no session. Other systems call the API with a token: a browser's session cookie never authorises it.
    if (routeKindOf(request) !== 'page') return;
    request.session = await loadSession(db, loaders, request.cookies[sessionCookie]);
  });
}

/** The request's context for services. Only on routes whose access needs a signed-in user. */
export function contextOf(request: FastifyRequest): RequestContext {
  const session = request.session;
  if (session?.stage !== 'signed-in') throw new ForbiddenError('Not signed in');
  return contextFor(session.user, request.ip);
}

export function setUpAuthorisation(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    // An API route checks the caller's token itself, before the body is read.
    if (access === undefined || access === 'public' || access === 'api-token') return;
    const session = request.session;
    if (!session) {
      if (routeKindOf(request) === 'api') return reply.code(401).send({ error: 'Sign in first' });
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    if (session.stage === 'mfa-challenge') return reply.redirect('/sign-in/mfa', 303);
    if (session.stage === 'mfa-enrolment') return reply.redirect('/account/mfa', 303);
    if (access !== 'signed-in' && !canFor(session.user)(access)) throw new ForbiddenError();
  });
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Every form posts a token: the session's, or for a visitor not yet signed in, the one in
 * their own cookie. A page from another site cannot read either.
 */
export function setUpCsrf(app: FastifyInstance, options: { secureCookies: boolean }): void {
  app.addHook('preValidation', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') {
      if (!request.session && !request.cookies[anonymousCsrfCookie] && routeKindOf(request) !== 'asset') {
        const token = randomBytes(24).toString('base64url');
        request.cookies[anonymousCsrfCookie] = token;
        reply.setCookie(anonymousCsrfCookie, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: options.secureCookies,
        });
      }
      return;
    }
    if (routeKindOf(request) === 'api') return;
    // Only a route that declared it checks the token itself may skip this; any other multipart post has no token here, and fails.
    if (request.routeOptions.config?.multipartCsrf === true && isMultipart(request)) return;
    const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (!csrfMatches(request, sent)) {
      reply.code(403);
      return reply.page('errors/csrf.njk');
    }
  });
}

function isMultipart(request: FastifyRequest): boolean {
  return /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');
}

function csrfMatches(request: FastifyRequest, sent: unknown): boolean {
  const expected = request.session?.csrfToken ?? request.cookies[anonymousCsrfCookie];
  return typeof sent === 'string' && !!expected && sameToken(sent, expected);
}

/** A form whose token did not match: answered with the same page as the global check. */
export class CsrfError extends ForbiddenError {}

/** For routes with `multipartCsrf`: checks the token read from the multipart body, before anything is changed. */
export function assertCsrf(request: FastifyRequest, token: unknown): void {
  if (!csrfMatches(request, token)) throw new CsrfError('The form’s token does not match');
}

export function csrfTokenOf(request: FastifyRequest): string {
  // Cookies are not parsed for a request the router refused (see frameworkErrors in app.ts).
  return request.session?.csrfToken ?? request.cookies?.[anonymousCsrfCookie] ?? '';
}

export function setUpPages(app: FastifyInstance, env: nunjucks.Environment): void {
  app.decorateReply('page', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    const request = this.request;
    const session = request.session;
    const user = session?.stage === 'signed-in' ? session.user : null;
    const currentPath = request.url.split('?')[0] ?? '/';
    const html = env.render(template, {
      ...data,
      ...dateBoxErrors(request, data),
      user,
      // The same `can` the request's services asked: templates use its rules, not roles or ad hoc checks.
      can: user ? canFor(user) : nobody,
      stage: session?.stage ?? null,
      navigation: user ? navigationFor(user.permissions, currentPath) : [],
      csrfToken: csrfTokenOf(request),
      cspNonce: request.cspNonce,
      currentPath,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}

/**
 * On a page showing errors, a date typed in boxes gets the NHS date input's own words ("The date must include a
 * month", "The date must be a real date") in place of the service's, in the field and in the summary alike.
 */
function dateBoxErrors(request: FastifyRequest, data: Record<string, unknown>): Record<string, unknown> {
  const errors = data.errors as Record<string, string> | undefined;
  if (!errors || typeof errors !== 'object') return {};
  const sent = { ...(request.query as object), ...(formBody(request) as object) } as Record<string, unknown>;
  const boxed = Object.keys(errors).filter((field) => `${field}-day` in sent);
  if (boxed.length === 0) return {};
  const refined = Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [field, dateBoxProblem(sent, field) ?? message]),
  );
  // The summary links to the date's first box, as the NHS date input asks.
  const list = errorList(refined).map((item) =>
    boxed.includes(item.href.slice(1)) ? { ...item, href: `${item.href}-day` } : item,
  );
  return { errors: refined, errorList: list };
}

/** The NHS error summary's list: each message links to its field. */
export function errorList(fieldErrors: Record<string, string>) {
  return Object.entries(fieldErrors).map(([field, text]) => ({ text, href: `#${field}` }));
}

/** Renders a form again with its errors (400), or rethrows anything that is not bad input. */
export function showFormErrors(
  reply: FastifyReply,
  error: unknown,
  template: string,
  data: Record<string, unknown>,
): FastifyReply {
  if (!(error instanceof InputError)) throw error;
  reply.code(400);
  return reply.page(template, { ...data, errors: error.fieldErrors, errorList: errorList(error.fieldErrors) });
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record id from the URL; anything that is not a well-formed id is simply not found. */
export function idParam(request: FastifyRequest, name = 'id'): string {
  const value = (request.params as Record<string, string>)[name];
  if (!value || !uuidPattern.test(value)) throw new NotFoundError();
  return value.toLowerCase();
}

export function formBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

export function setUpErrorPages(app: FastifyInstance): void {
  // Every other address under /api/ belongs to the API too: not found, in JSON, before any body is read.
  const apiNotFound = async (_request: FastifyRequest, reply: FastifyReply) => reply.code(404).send({ error: 'Not found' });
  app.all('/api/*', { config: { access: 'public', kind: 'api' }, onRequest: apiNotFound }, apiNotFound);
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404);
    return reply.page('errors/404.njk');
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string; validation?: unknown }, request, reply) => {
    const api = routeKindOf(request) === 'api';
    let status = error instanceof NotFoundError ? 404 : error instanceof ForbiddenError ? 403 : (error.statusCode ?? 500);
    if (error instanceof InputError) status = 400;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(status);
    if (api) {
      const body =
        error instanceof InputError
          ? { error: 'Invalid input', fields: error.fieldErrors }
          : { error: status >= 500 ? 'Something went wrong' : error.message };
      return reply.send(body);
    }
    if (status === 404) return reply.page('errors/404.njk');
    if (error instanceof RefusalWithPage) return reply.page(error.template, error.data);
    if (error instanceof CsrfError) return reply.page('errors/csrf.njk');
    if (status === 403) return reply.page('errors/403.njk');
    if (status === 413) return reply.page('errors/400.njk', { message: 'What you sent is too large. Shorten it and try again.' });
    if (error instanceof InputError) return reply.page('errors/400.njk', { errorList: errorList(error.fieldErrors) });
    if (status < 500)
      return reply.page('errors/400.njk', { message: 'The request could not be understood. Go back and try again.' });
    return reply.page('errors/500.njk');
  });
}
