import type { FastifyReply } from 'fastify';
import type { RequestContext } from '../../platform/context.ts';

/**
 * Whether the person can open a path of the service, from the routes' own declared access: a link to a
 * record (a rule's, or evidence) is shown as a link only to those who can open it, and as words to anyone else.
 */
export function linkOpener(reply: FastifyReply, ctx: RequestContext): (href: string) => boolean {
  const routes = reply.server.routeAccess
    .filter((r) => r.method === 'GET')
    .map((r) => ({
      access: r.access,
      params: (r.url.match(/[:*]/g) ?? []).length,
      pattern: new RegExp(
        `^${r.url
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/:[A-Za-z]+/g, '[^/]+')
          .replace(/\*/g, '.*')}$`,
      ),
    }))
    .sort((a, b) => a.params - b.params);
  return (href: string) => {
    const path = href.split(/[?#]/)[0] ?? '';
    const route = routes.find((r) => r.pattern.test(path));
    if (!route) return false;
    if (route.access === 'public' || route.access === 'signed-in') return true;
    if (route.access === 'api-token') return false;
    return ctx.can(route.access);
  };
}
