import fs from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { auditKeysFor, behindProxy, type Config, caseDataKeyFor } from './config.ts';
import type { Database } from './db/client.ts';
import { accountRoutes } from './modules/account/routes.ts';
import { apiTokensRoutes } from './modules/api-tokens/routes.ts';
import { useAuditKeys } from './modules/audit/keys.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { concernFiguresRoutes } from './modules/concern-figures/routes.ts';
import { concernRoutes } from './modules/concerns/routes.ts';
import { contactRoutes } from './modules/contacts/routes.ts';
import { homeRoutes } from './modules/home/routes.ts';
import { patientRecordRoutes } from './modules/patient-record/routes.ts';
import { referralsRoutes } from './modules/referrals/routes.ts';
import { retentionRoutes } from './modules/retention/routes.ts';
import { sharingRoutes } from './modules/sharing/routes.ts';
// Registers the training expiry reminders with the daily reminder scan.
import './modules/training/reminders.ts';
import { trainingImportRoutes } from './modules/training/import-routes.ts';
import { trainingPlanRoutes } from './modules/training/plan-routes.ts';
import { trainingRoutes } from './modules/training/routes.ts';
import './modules/leads/reminders.ts';
import './modules/lessons/reminders.ts';
import { leadRoutes } from './modules/leads/routes.ts';
import { learningGroupRoutes } from './modules/lessons/group-routes.ts';
import { lessonsRoutes } from './modules/lessons/routes.ts';
import { notificationRoutes } from './modules/notifications/routes.ts';
import { organisationRoutes } from './modules/organisations/routes.ts';
import { policyRoutes } from './modules/policies/routes.ts';
// Registers the policy review reminders with the daily reminder scan.
import './modules/policies/reminders.ts';
// Registers the work programme due and overdue reminders with the daily reminder scan.
import './modules/programme/reminders.ts';
import { programmeRoutes } from './modules/programme/routes.ts';
import { providerRoutes } from './modules/providers/routes.ts';
// Registers the CTLP annual review reminder with the daily reminder scan.
import './modules/risks/reminders.ts';
import { riskRoutes } from './modules/risks/routes.ts';
// Tells the Prevent leads of changes to who can open concern cases, and a person of a role given to them.
import './modules/users/notices.ts';
import { userRoutes } from './modules/users/routes.ts';
import type { AppDeps } from './platform/deps.ts';
import { useCaseDataKey } from './platform/encryption.ts';
import { configureMail } from './platform/mail.ts';
import { fastifyTrustProxy } from './platform/proxies.ts';
import { loggedUrl } from './platform/request-log.ts';
import { sendSecurityHeaders, setUpWebSecurity } from './platform/security.ts';
import { createViewEnvironment, frontendAssets } from './platform/views.ts';
import {
  type RouteAccess,
  setUpAuthorisation,
  setUpCsrf,
  setUpErrorPages,
  setUpPages,
  setUpRouteRegistry,
  setUpSessions,
} from './platform/web.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route and who may use it, for the authorisation matrix. */
    routeAccess: RouteAccess[];
  }
}

/** Form posts are small; anything larger is refused before it is read. */
const bodyLimitBytes = 64 * 1024;

/** Where the request log goes instead of standard output (the tests read it). */
export type BuildOptions = { logStream?: { write(line: string): void } };

/** Builds the app: every plugin and module's routes, in a fixed order. It does not listen. */
export async function buildApp(database: Database, config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const views = createViewEnvironment();
  const webSecurity = { secureCookies: behindProxy(config) };
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            redact: ['req.headers.cookie', 'req.headers.authorization'],
            // The path alone, with any secret in it replaced (see loggedUrl).
            serializers: {
              req: (request: { method: string; url: string; id: string }) => ({
                id: request.id,
                method: request.method,
                url: loggedUrl(request.url),
              }),
            },
          },
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: bodyLimitBytes,
    // Errors from bad ids are ours to answer (404), not the router's.
    routerOptions: { maxParamLength: 200 },
    // An address the router cannot read (bad percent-encoding) gets the service's own 400 page, not Fastify's JSON.
    // The router answers before any hook or decoration, so the page is rendered and given the security headers here,
    // as for a visitor not signed in.
    frameworkErrors: (_error, request, routerReply) => {
      const reply = routerReply as unknown as FastifyReply;
      sendSecurityHeaders(request, reply, webSecurity);
      if (request.url.startsWith('/api/')) return reply.code(400).send({ error: 'The address is not valid' });
      const html = views.render('errors/400.njk', {
        message: 'The address is not valid. Check it, or go back and try again.',
        navigation: [],
        currentPath: '/',
        cspNonce: request.cspNonce,
      });
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(html as never);
    },
  });
  app.decorate('routeAccess', setUpRouteRegistry(app));
  setUpWebSecurity(app, webSecurity);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: bodyLimitBytes });
  setUpPages(app, views);
  setUpErrorPages(app);
  setUpStaticAssets(app);
  setUpSessions(app, database.db);
  setUpAuthorisation(app);
  setUpCsrf(app, webSecurity);

  configureMail(config, app.log);
  useCaseDataKey(caseDataKeyFor(config));
  useAuditKeys(auditKeysFor(config));
  const deps: AppDeps = { database, config };
  for (const routes of [
    homeRoutes,
    accountRoutes,
    organisationRoutes,
    userRoutes,
    auditRoutes,
    leadRoutes,
    providerRoutes,
    contactRoutes,
    programmeRoutes,
    riskRoutes,
    notificationRoutes,
    policyRoutes,
    concernRoutes,
    // After concernRoutes: these add to the case page and hang their pages off /concerns/:id.
    sharingRoutes,
    referralsRoutes,
    patientRecordRoutes,
    retentionRoutes,
    lessonsRoutes,
    learningGroupRoutes,
    concernFiguresRoutes,
    apiTokensRoutes,
    trainingRoutes,
    trainingImportRoutes,
    trainingPlanRoutes,
  ])
    routes(app, deps);
  await app.ready();
  return app;
}

function setUpStaticAssets(app: FastifyInstance): void {
  app.register(fastifyStatic, { root: frontendAssets.images, prefix: '/assets/', decorateReply: false, maxAge: '1d' });
  const file = (url: string, path: string, type: string) =>
    app.get(url, { config: { access: 'public' } }, async (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=86400').send(fs.createReadStream(path)),
    );
  file('/assets/nhsuk-frontend.min.css', frontendAssets.css, 'text/css; charset=utf-8');
  file('/assets/nhsuk-frontend.min.js', frontendAssets.js, 'text/javascript; charset=utf-8');
  file('/assets/app.css', frontendAssets.ownCss, 'text/css; charset=utf-8');
  file('/assets/init.js', frontendAssets.init, 'text/javascript; charset=utf-8');
}
