import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { assertCsrf, contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import { attachmentHeader } from './documents.ts';
import * as policies from './service.ts';

/** What a policy form may carry besides the file: a few fields, the checklist and its sections. */
const uploadLimits = {
  fileSize: policies.maxDocumentBytes,
  files: 1,
  fields: 40,
  fieldSize: 4 * 1024,
  parts: 42,
  headerPairs: 50,
};

class BadUpload extends Error {
  readonly statusCode = 400;
}

type UploadForm = { fields: Record<string, string | string[]>; file: policies.UploadedFile | undefined };

async function discard(stream: NodeJS.ReadableStream): Promise<void> {
  await pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
}

/**
 * Reads a multipart form: its fields, and the file in `document` held in memory up to the
 * size limit (the rest is read and thrown away, so that the page can say it was too large).
 * The CSRF token is checked here, once the fields are known, before anything is changed.
 */
async function readUploadForm(request: FastifyRequest): Promise<UploadForm> {
  const fields: Record<string, string | string[]> = Object.create(null);
  let file: policies.UploadedFile | undefined;
  try {
    for await (const part of request.parts({ limits: uploadLimits })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'document' || file) {
          await discard(part.file);
          continue;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        file = { filename: part.filename ?? '', bytes: Buffer.concat(chunks), truncated: part.file.truncated };
      } else {
        const value = typeof part.value === 'string' ? part.value : '';
        const earlier = fields[part.fieldname];
        fields[part.fieldname] = earlier === undefined ? value : [...[earlier].flat(), value];
      }
    }
  } catch (error) {
    // Malformed multipart (no boundary, cut short) is the sender's fault, not the server's.
    const status = (error as { statusCode?: number }).statusCode;
    if (status === undefined || status >= 500) throw new BadUpload('The form could not be read');
    throw error;
  }
  assertCsrf(request, fields._csrf);
  return { fields, file };
}

/** A post that is not multipart cannot carry the document: nothing is read or changed. */
function notMultipart(reply: FastifyReply): FastifyReply {
  reply.code(415);
  return reply.page('errors/400.njk', { message: 'This form sends a document. Go back, choose the file and try again.' });
}

const kindItems = (selected: unknown) =>
  policies.policyKinds.map((kind) => ({ value: kind, text: policies.kindNames[kind], checked: kind === selected }));

/** The checklist as the form shows it: each item with its tick and section, from what was sent (or nothing). */
function checklistItems(orgKind: Parameters<typeof policies.requiredContentsFor>[0], values: Record<string, unknown>) {
  const ticked = new Set([values.checklist ?? []].flat());
  return policies.requiredContentsFor(orgKind).map((item) => ({
    ...item,
    checked: ticked.has(item.key),
    sectionField: policies.sectionField(item.key),
    section: typeof values[policies.sectionField(item.key)] === 'string' ? values[policies.sectionField(item.key)] : '',
  }));
}

export function policyRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Multipart parsing only where documents are uploaded: every other form keeps the app's small body limit.
  app.register(async (scoped) => {
    await scoped.register(multipart, { limits: uploadLimits, throwFileSizeLimit: false });
    registerRoutes(scoped, deps);
  });
}

function registerRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  const maxSize = `${Math.round(policies.maxDocumentBytes / (1024 * 1024))} MB`;

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

  const versionForm = async (
    reply: FastifyReply,
    ctx: ReturnType<typeof contextOf>,
    id: string,
    values: Record<string, unknown>,
    error?: InputError,
  ) => {
    const page = await policies.versionFormOf(db, ctx, id);
    const data = { ...page, values, checklist: checklistItems(page.org.kind, values), maxSize };
    if (!error) return reply.page('policies/views/new-version.njk', data);
    return showFormErrors(reply, error, 'policies/views/new-version.njk', { ...data, fileAgain: !error.fieldErrors.document });
  };

  app.get('/policies/:id/versions/new', { config: { access: 'policies:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const page = await policies.versionFormOf(db, ctx, id);
    // The new version starts from the current one's ticks: usually most of the document is unchanged.
    const values: Record<string, unknown> = { approver: page.current?.approver ?? '' };
    if (page.current) {
      values.checklist = page.current.checklist.filter((c) => c.present).map((c) => c.key);
      for (const c of page.current.checklist) values[policies.sectionField(c.key)] = c.section ?? '';
    }
    return versionForm(reply, ctx, id, values);
  });

  app.post('/policies/:id/versions', { config: { access: 'policies:edit', multipartCsrf: true } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    if (!request.isMultipart()) return notMultipart(reply);
    const { fields, file } = await readUploadForm(request);
    try {
      await policies.addVersion(db, ctx, id, fields, file);
      return reply.redirect(`/policies/${id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return versionForm(reply, ctx, id, fields, error);
    }
  });

  app.get('/policies/:id/versions/:versionId', { config: { access: 'policies:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const page = await policies.versionPage(db, ctx, idParam(request), idParam(request, 'versionId'));
    return reply.page('policies/views/version.njk', page);
  });

  app.get('/policies/:id/versions/:versionId/document', { config: { access: 'policies:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const document = await policies.downloadDocument(db, ctx, idParam(request), idParam(request, 'versionId'));
    return reply
      .type(document.contentType)
      .header('content-disposition', attachmentHeader(document.name))
      .header('content-length', String(document.bytes.length))
      .header('x-content-sha256', document.sha256)
      .send(document.bytes);
  });

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
