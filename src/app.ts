import fs from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { auditKeysFor, behindProxy, type Config, caseDataKeyFor } from './config.ts';
import type { Database } from './db/client.ts';
import { accountModule } from './modules/account/manifest.ts';
import { apiTokensModule } from './modules/api-tokens/manifest.ts';
import { assuranceModule } from './modules/assurance/manifest.ts';
import { useAuditKeys } from './modules/audit/keys.ts';
import { auditModule } from './modules/audit/manifest.ts';
import { boardReportsModule } from './modules/board-reports/manifest.ts';
import { concernFiguresModule } from './modules/concern-figures/manifest.ts';
import { concernsModule } from './modules/concerns/manifest.ts';
import { contactsModule } from './modules/contacts/manifest.ts';
import { contractsModule } from './modules/contracts/manifest.ts';
import { developmentModule } from './modules/development/manifest.ts';
import { evidenceModule } from './modules/evidence/manifest.ts';
import { homeModule } from './modules/home/manifest.ts';
import { informationRequestsModule } from './modules/information-requests/manifest.ts';
import { leadsModule } from './modules/leads/manifest.ts';
import { lessonsModule } from './modules/lessons/manifest.ts';
import { notificationsModule } from './modules/notifications/manifest.ts';
import { unreadCountFor } from './modules/notifications/service.ts';
import { organisationsModule } from './modules/organisations/manifest.ts';
import { oversightModule } from './modules/oversight/manifest.ts';
import { partnershipModule } from './modules/partnership/manifest.ts';
import { patientRecordModule } from './modules/patient-record/manifest.ts';
import { policiesModule } from './modules/policies/manifest.ts';
import { programmeModule } from './modules/programme/manifest.ts';
import { providersModule } from './modules/providers/manifest.ts';
import { referralsModule } from './modules/referrals/manifest.ts';
import { reportsModule } from './modules/reports/manifest.ts';
import { retentionModule } from './modules/retention/manifest.ts';
import { risksModule } from './modules/risks/manifest.ts';
import { selfAssessmentModule } from './modules/self-assessment/manifest.ts';
import { sharingModule } from './modules/sharing/manifest.ts';
import { standardsModule } from './modules/standards/manifest.ts';
import { trainingModule } from './modules/training/manifest.ts';
import { usersModule } from './modules/users/manifest.ts';
import { describeUser } from './modules/users/service.ts';
import { setUpDateInputs } from './platform/date-parts.ts';
import type { AppDeps } from './platform/deps.ts';
import { useCaseDataKey } from './platform/encryption.ts';
import { useEventSubscriptions } from './platform/events.ts';
import { jobsModule } from './platform/jobs/manifest.ts';
import { configureMail } from './platform/mail.ts';
import type { ModuleManifest } from './platform/modules.ts';
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

/**
 * Every module, in the order it is built. A module comes after every module it uses, and that order
 * is also the order of what they contribute: the sections of a concern case's page (patient record,
 * sharing, referrals, retention, lessons: the protocol's decisions come before the referral they
 * allow, and the review after the referral it follows), the daily reminders, the subscribers to an
 * event, and the demo data (each module's after the data it builds on).
 */
export function modules(): ModuleManifest[] {
  return [
    jobsModule,
    auditModule,
    organisationsModule,
    standardsModule,
    usersModule,
    notificationsModule,
    accountModule,
    homeModule,
    apiTokensModule,
    leadsModule,
    contactsModule,
    partnershipModule,
    policiesModule,
    programmeModule,
    risksModule,
    providersModule,
    contractsModule,
    concernsModule,
    patientRecordModule,
    sharingModule,
    referralsModule,
    // An incoming request about a person opens or joins a case, and its decision is a sharing decision.
    informationRequestsModule,
    retentionModule,
    lessonsModule,
    concernFiguresModule,
    trainingModule,
    // Reads who the leads are; the self-assessment reads it.
    developmentModule,
    // The record of the board reports, before the assurance that reads it (the reports module draws them).
    boardReportsModule,
    assuranceModule,
    selfAssessmentModule,
    // After the assurance and self-assessment modules, whose services it uses.
    oversightModule,
    // Reads almost every module above for the board report and the month-end figures.
    reportsModule,
    // The CQC evidence reads the reports module's board report, and the others'.
    evidenceModule,
  ];
}

/**
 * Puts in place what the modules do when another emits an event. Everything that runs the modules'
 * code without the app (the demo loader, the command line) calls this first, as buildApp does.
 */
export function wireModules(list: readonly ModuleManifest[] = modules()): readonly ModuleManifest[] {
  useEventSubscriptions(list.flatMap((module) => module.events ?? []));
  return list;
}

/** Where the request log goes instead of standard output (the tests read it). */
export type BuildOptions = { logStream?: { write(line: string): void } };

/** Builds the app: every plugin, then each module's routes in the order of modules(). It does not listen. */
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
      // No route matched an address the router cannot read, so only the address can say it was meant for the API.
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
  app.decorate(
    'routeAccess',
    setUpRouteRegistry(app, {
      // @fastify/static registers its route itself, without a config: the NHS.UK frontend's images.
      '/assets/*': { access: 'public', kind: 'asset' },
    }),
  );
  setUpWebSecurity(app, webSecurity);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: bodyLimitBytes });
  setUpPages(app, views);
  setUpErrorPages(app);
  setUpStaticAssets(app);
  // The platform loads sessions; who the person is and what they have unread come from the users and notifications modules.
  setUpSessions(app, database.db, { describeUser, unreadNotifications: unreadCountFor });
  setUpAuthorisation(app);
  setUpCsrf(app, webSecurity);
  setUpDateInputs(app);

  configureMail(config, app.log);
  useCaseDataKey(caseDataKeyFor(config));
  useAuditKeys(auditKeysFor(config));
  const deps: AppDeps = { database, config, modules: wireModules() };
  for (const module of deps.modules) for (const routes of module.routes ?? []) routes(app, deps);
  await app.ready();
  return app;
}

function setUpStaticAssets(app: FastifyInstance): void {
  app.register(fastifyStatic, { root: frontendAssets.images, prefix: '/assets/', decorateReply: false, maxAge: '1d' });
  const file = (url: string, path: string, type: string) =>
    app.get(url, { config: { access: 'public', kind: 'asset' } }, async (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=86400').send(fs.createReadStream(path)),
    );
  file('/assets/nhsuk-frontend.min.css', frontendAssets.css, 'text/css; charset=utf-8');
  file('/assets/nhsuk-frontend.min.js', frontendAssets.js, 'text/javascript; charset=utf-8');
  file('/assets/app.css', frontendAssets.ownCss, 'text/css; charset=utf-8');
  file('/assets/init.js', frontendAssets.init, 'text/javascript; charset=utf-8');
}
