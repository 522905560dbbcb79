import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeKindOf } from './web.ts';

export type WebSecurityOptions = { secureCookies: boolean };

/** Security headers on every response, with a fresh nonce for the one inline script the NHS template needs. */
export function setUpWebSecurity(app: FastifyInstance, options: WebSecurityOptions): void {
  app.decorateRequest('cspNonce', '');
  app.addHook('onRequest', async (request, reply) => {
    sendSecurityHeaders(request, reply, options);
  });
}

/**
 * Gives the request its nonce and the reply its security headers. Also called for an address the
 * router cannot read, which Fastify answers before any hook runs.
 */
export function sendSecurityHeaders(request: FastifyRequest, reply: FastifyReply, options: WebSecurityOptions): void {
  request.cspNonce = randomBytes(16).toString('base64');
  reply.headers({
    'content-security-policy': [
      "default-src 'self'",
      `script-src 'self' 'nonce-${request.cspNonce}'`,
      "style-src 'self'",
      // nhsuk-frontend's stylesheet loads the Frutiger web font from the NHS asset host.
      "font-src 'self' https://assets.nhs.uk",
      "img-src 'self' data:",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'cross-origin-opener-policy': 'same-origin',
    ...(options.secureCookies ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  });
  // Pages carry personal and confidential data: never cache them.
  if (routeKindOf(request) !== 'asset') reply.header('cache-control', 'no-store');
}
