import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../db/client.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, idParam, showFormErrors } from '../../platform/web.ts';
import { attachmentHeader } from './documents.ts';
import { checklistItems, maxSize, notMultipart, readUploadForm } from './routes-upload.ts';
import * as policies from './service.ts';

/** A policy's versions: uploading a new one, reading one, and downloading its document. */
export function versionRoutes(app: FastifyInstance, db: Db): void {
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
}
