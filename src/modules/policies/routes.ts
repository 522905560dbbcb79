import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import { checklistItems, maxSize, notMultipart, readUploadForm, uploadLimits } from './routes-upload.ts';
import { versionRoutes } from './routes-versions.ts';
import * as policies from './service.ts';

const kindItems = (selected: unknown) =>
  policies.policyKinds.map((kind) => ({ value: kind, text: policies.kindNames[kind], checked: kind === selected }));

/** The entry point the manifest registers: policies and their links here, their versions in routes-versions.ts. */
export function policyRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Multipart parsing only where documents are uploaded: every other form keeps the app's small body limit.
  app.register(async (scoped) => {
    await scoped.register(multipart, { limits: uploadLimits, throwFileSizeLimit: false });
    registerRoutes(scoped, deps);
  });
}

function registerRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/policies', { config: { access: 'policies:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const query = request.query as Record<string, unknown>;
    const orgId = typeof query.org === 'string' && query.org !== '' ? query.org : undefined;
    const page = await policies.register(db, ctx, orgId);
    return reply.page('policies/views/list.njk', { ...page, own: page.org.id === ctx.user.activeOrg.id });
  });

  const newPolicyData = (ctx: ReturnType<typeof contextOf>, values: Record<string, unknown>, fileAgain = false) => ({
    values,
    kinds: kindItems(values.kind),
    checklist: checklistItems(ctx.user.activeOrg.kind, values),
    maxSize,
    fileAgain,
  });

  app.get('/policies/new', { config: { access: 'policies:edit' } }, async (request, reply) => {
    return reply.page('policies/views/new.njk', newPolicyData(contextOf(request), {}));
  });

  app.post('/policies', { config: { access: 'policies:edit', multipartCsrf: true } }, async (request, reply) => {
    const ctx = contextOf(request);
    if (!request.isMultipart()) return notMultipart(reply);
    const { fields, file } = await readUploadForm(request);
    try {
      const created = await policies.createPolicy(db, ctx, fields, file);
      return reply.redirect(`/policies/${created.id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'policies/views/new.njk', newPolicyData(ctx, fields, !error.fieldErrors.document));
    }
  });

  app.get('/policies/:id', { config: { access: 'policies:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const page = await policies.policyPage(db, ctx, idParam(request));
    return reply.page('policies/views/show.njk', page);
  });

  versionRoutes(app, db);

  app.post('/policies/:id/links', { config: { access: 'policies:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await policies.linkPolicies(db, ctx, id, body);
      return reply.redirect(`/policies/${id}#links`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const page = await policies.policyPage(db, ctx, id);
      return showFormErrors(reply, error, 'policies/views/show.njk', { ...page, values: body });
    }
  });

  app.post('/policies/:id/links/:linkedId/remove', { config: { access: 'policies:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    await policies.unlinkPolicies(db, ctx, id, idParam(request, 'linkedId'));
    return reply.redirect(`/policies/${id}#links`, 303);
  });
}
