import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import { InputError } from '../../platform/errors.ts';
import { assertCsrf, contextOf, idParam } from '../../platform/web.ts';
import { attachmentHeader } from '../policies/service.ts';
import * as evidence from './evidence.ts';
import { requirementParam, saveOnRequirement, showRequirement } from './routes-requirement.ts';

/* Evidence for a requirement: a link to a record (an ordinary form), or a file (multipart, read here). */

const uploadLimits = {
  fileSize: evidence.maxDocumentBytes,
  files: 1,
  fields: 10,
  fieldSize: 4 * 1024,
  parts: 12,
  headerPairs: 50,
};

class BadUpload extends Error {
  readonly statusCode = 400;
}

async function discard(stream: NodeJS.ReadableStream): Promise<void> {
  await pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
}

/** The fields and the file in `document` (held in memory up to the limit); the CSRF token is checked before anything changes. */
async function readUpload(request: FastifyRequest) {
  const fields: Record<string, string> = Object.create(null);
  let file: evidence.UploadedFile | undefined;
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
      } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
    }
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === undefined || status >= 500) throw new BadUpload('The form could not be read');
    throw error;
  }
  assertCsrf(request, fields._csrf);
  return { fields, file };
}

function notMultipart(reply: FastifyReply): FastifyReply {
  reply.code(415);
  return reply.page('errors/400.njk', { message: 'This form sends a file. Go back, choose the file and try again.' });
}

export function evidenceRoutes(app: FastifyInstance, db: Db): void {
  // Multipart parsing only for the upload: every other form keeps the app's small body limit.
  app.register(async (scoped) => {
    await scoped.register(multipart, { limits: uploadLimits, throwFileSizeLimit: false });
    scoped.post(
      '/assurance/:id/requirements/:requirementId/files',
      { config: { access: 'assessment:edit', multipartCsrf: true } },
      async (request, reply) => {
        const ctx = contextOf(request);
        const id = idParam(request);
        const requirementId = requirementParam(request);
        if (!request.isMultipart()) return notMultipart(reply);
        const { fields, file } = await readUpload(request);
        try {
          await evidence.addFile(db, ctx, id, requirementId, fields, file);
          return reply.redirect(`/assurance/${id}/requirements/${encodeURIComponent(requirementId)}#evidence`, 303);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          return showRequirement(reply, db, ctx, id, requirementId, { fileValues: fields }, error);
        }
      },
    );
  });

  app.post('/assurance/:id/requirements/:requirementId/links', { config: { access: 'assessment:edit' } }, (request, reply) =>
    saveOnRequirement(
      request,
      reply,
      db,
      'linkValues',
      (ctx, id, requirementId, body) => evidence.addLink(db, ctx, id, requirementId, body),
      (id, requirementId) => `/assurance/${id}/requirements/${encodeURIComponent(requirementId)}#evidence`,
    ),
  );

  app.post('/assurance/:id/evidence/:evidenceId/remove', { config: { access: 'assessment:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const requirementId = await evidence.removeEvidence(db, ctx, id, idParam(request, 'evidenceId'));
    return reply.redirect(`/assurance/${id}/requirements/${encodeURIComponent(requirementId)}#evidence`, 303);
  });

  const download = async (request: FastifyRequest, reply: FastifyReply) => {
    const file = await evidence.downloadEvidence(db, contextOf(request), idParam(request), idParam(request, 'evidenceId'));
    return reply
      .type(file.contentType)
      .header('content-disposition', attachmentHeader(file.name))
      .header('content-length', String(file.bytes.length))
      .send(file.bytes);
  };
  app.get('/assurance/:id/evidence/:evidenceId', { config: { access: 'assessment:read' } }, download);
  // The commissioner's way to the same file of a provider's submitted version.
  app.get('/assurance/submissions/:id/evidence/:evidenceId', { config: { access: 'assessment:review' } }, download);
}
