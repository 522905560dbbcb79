import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { joinDateParts } from '../../platform/date-parts.ts';
import { assertCsrf } from '../../platform/web.ts';
import * as policies from './service.ts';

/* The forms that send a document (a new policy, a new version): reading them, and what they show. */

export const maxSize = `${Math.round(policies.maxDocumentBytes / (1024 * 1024))} MB`;

/** What a policy form may carry besides the file: a few fields, the checklist and its sections. */
export const uploadLimits = {
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
export async function readUploadForm(request: FastifyRequest): Promise<UploadForm> {
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
  // A multipart body is read here, after the hook that joins the date boxes of other forms.
  joinDateParts(fields);
  return { fields, file };
}

/** A post that is not multipart cannot carry the document: nothing is read or changed. */
export function notMultipart(reply: FastifyReply): FastifyReply {
  reply.code(415);
  return reply.page('errors/400.njk', { message: 'This form sends a document. Go back, choose the file and try again.' });
}

/** The checklist as the form shows it: each item with its tick and section, from what was sent (or nothing). */
export function checklistItems(orgKind: Parameters<typeof policies.requiredContentsFor>[0], values: Record<string, unknown>) {
  const ticked = new Set([values.checklist ?? []].flat());
  return policies.requiredContentsFor(orgKind).map((item) => ({
    ...item,
    checked: ticked.has(item.key),
    sectionField: policies.sectionField(item.key),
    section: typeof values[policies.sectionField(item.key)] === 'string' ? values[policies.sectionField(item.key)] : '',
  }));
}
