import fs from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertCsrf } from '../../../platform/web.ts';
import { maxUploadBytes } from './service.ts';

/** The upload form: one file and a couple of fields. The file goes to disk as it arrives, never into memory. */
export const uploadLimits = {
  fileSize: maxUploadBytes,
  files: 1,
  fields: 5,
  fieldSize: 1024,
  parts: 6,
  headerPairs: 50,
};

class BadUpload extends Error {
  readonly statusCode = 400;
}

async function discard(stream: NodeJS.ReadableStream): Promise<void> {
  await pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
}

type Upload = { fields: Record<string, string>; file: { name: string; bytes: number; truncated: boolean } | undefined };

/** Streams the file in `file` to `target`; the CSRF token is checked once the fields are read, before anything is recorded. */
export async function receiveUpload(request: FastifyRequest, target: string): Promise<Upload> {
  const fields: Record<string, string> = Object.create(null);
  let file: Upload['file'];
  try {
    for await (const part of request.parts({ limits: uploadLimits })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) {
          await discard(part.file);
          continue;
        }
        await pipeline(part.file, fs.createWriteStream(target));
        file = { name: part.filename ?? '', bytes: fs.statSync(target).size, truncated: part.file.truncated };
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] ??= part.value;
      }
    }
  } catch (error) {
    fs.rmSync(target, { force: true });
    // Malformed multipart (no boundary, cut short) is the sender's fault, not the server's.
    const status = (error as { statusCode?: number }).statusCode;
    if (status === undefined || status >= 500) throw new BadUpload('The form could not be read');
    throw error;
  }
  try {
    assertCsrf(request, fields._csrf);
  } catch (error) {
    fs.rmSync(target, { force: true });
    throw error;
  }
  return { fields, file };
}

export function notMultipart(reply: FastifyReply): FastifyReply {
  reply.code(415);
  return reply.page('errors/400.njk', { message: 'This form sends a file. Go back, choose the file and try again.' });
}
