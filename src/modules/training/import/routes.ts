import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../platform/deps.ts';
import { InputError } from '../../../platform/errors.ts';
import { assertCsrf, contextOf, formBody, idParam, showFormErrors } from '../../../platform/web.ts';
import { importFields, levelNames } from '../rules.ts';
import { trainingLevels } from '../schema.ts';
import * as imports from './service.ts';

/** The upload form: one file and a couple of fields. The file goes to disk as it arrives, never into memory. */
const uploadLimits = {
  fileSize: imports.maxUploadBytes,
  files: 1,
  fields: 5,
  fieldSize: 1024,
  parts: 6,
  headerPairs: 50,
};

const maxSizeText = `${Math.round(imports.maxUploadBytes / (1024 * 1024))} MB`;
const shownErrors = 500;

class BadUpload extends Error {
  readonly statusCode = 400;
}

async function discard(stream: NodeJS.ReadableStream): Promise<void> {
  await pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
}

type Upload = { fields: Record<string, string>; file: { name: string; bytes: number; truncated: boolean } | undefined };

/** Streams the file in `file` to `target`; the CSRF token is checked once the fields are read, before anything is recorded. */
async function receiveUpload(request: FastifyRequest, target: string): Promise<Upload> {
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

function notMultipart(reply: FastifyReply): FastifyReply {
  reply.code(415);
  return reply.page('errors/400.njk', { message: 'This form sends a file. Go back, choose the file and try again.' });
}

const statusTagColour: Record<string, string> = {
  waiting: 'nhsuk-tag--grey',
  checking: 'nhsuk-tag--blue',
  invalid: 'nhsuk-tag--red',
  checked: 'nhsuk-tag--green',
  imported: 'nhsuk-tag--green',
  failed: 'nhsuk-tag--red',
};

const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);

/** The settings form's values: saved (or default) settings, or what was sent. */
function settingsValues(settings: Omit<imports.ImportSettings, 'isDefault'>) {
  const values: Record<string, string> = {};
  for (const field of importFields) values[imports.columnFieldName(field)] = settings.columnMapping[field] ?? '';
  settings.competenceRules.forEach((rule, index) => {
    const names = imports.ruleFieldNames(index);
    values[names.phrases] = rule.phrases.join(', ');
    values[names.level] = rule.level;
  });
  return values;
}

/** Rule rows to show: every row sent or saved, and a few blank ones to add to. */
function ruleRows(values: Record<string, unknown>, errors: Record<string, string> = {}) {
  let last = -1;
  for (let index = 0; index < imports.maxRules; index++) {
    const names = imports.ruleFieldNames(index);
    const phrases = values[names.phrases];
    if ((typeof phrases === 'string' && phrases.trim() !== '') || errors[names.phrases] || errors[names.level]) last = index;
  }
  const count = Math.min(imports.maxRules, last + 1 + 3);
  return Array.from({ length: count }, (_, index) => {
    const names = imports.ruleFieldNames(index);
    const level = values[names.level];
    return {
      number: index + 1,
      phrasesName: names.phrases,
      levelName: names.level,
      phrases: typeof values[names.phrases] === 'string' ? values[names.phrases] : '',
      levelItems: [
        { value: '', text: 'Choose a level', selected: !level },
        ...trainingLevels.map((l) => ({ value: l, text: levelNames[l], selected: level === l })),
      ],
    };
  });
}

export function trainingImportRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Multipart parsing only where the file is uploaded: every other form keeps the app's small body limit.
  app.register(async (scoped) => {
    await scoped.register(multipart, { limits: uploadLimits, throwFileSizeLimit: false });
    registerRoutes(scoped, deps);
  });
}

function registerRoutes(app: FastifyInstance, { database, config }: AppDeps): void {
  const db = database.db;

  const uploadPage = async (
    reply: FastifyReply,
    ctx: ReturnType<typeof contextOf>,
    values: Record<string, unknown>,
    error?: InputError,
  ) => {
    const data = {
      values,
      maxSize: maxSizeText,
      recent: (await imports.recentImports(db, ctx)).map((i) => ({
        ...i,
        statusName: imports.statusNames[i.status],
        statusClass: statusTagColour[i.status],
      })),
    };
    if (error) return showFormErrors(reply, error, 'training/import/views/import.njk', data);
    return reply.page('training/import/views/import.njk', data);
  };

  app.get('/training/import', { config: { access: 'training:manage' } }, async (request, reply) =>
    uploadPage(reply, contextOf(request), {}),
  );

  app.post('/training/import', { config: { access: 'training:manage', multipartCsrf: true } }, async (request, reply) => {
    const ctx = contextOf(request);
    if (!request.isMultipart()) return notMultipart(reply);
    const id = randomUUID();
    const folder = imports.uploadDirectory(config.dataDir);
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const target = path.join(folder, `${id}.csv`);
    const { fields, file } = await receiveUpload(request, target);
    const checkOnly = fields.checkOnly === 'yes';
    let problem: string | undefined;
    if (!file || (file.bytes === 0 && file.name === '')) problem = 'Choose the staff record export to import';
    else if (file.truncated)
      problem = `The file is larger than ${maxSizeText}. Export fewer rows, or split the file and import each part.`;
    else if (file.bytes === 0) problem = 'The file is empty';
    if (problem || !file) {
      fs.rmSync(target, { force: true });
      return uploadPage(reply, ctx, { checkOnly }, new InputError({ file: problem ?? 'Choose the file' }));
    }
    const created = await imports.queueUpload(db, ctx, {
      id,
      fileName: path.basename(file.name) || 'upload.csv',
      filePath: target,
      bytes: file.bytes,
      dryRun: checkOnly,
    });
    return reply.redirect(`/training/imports/${created.id}`, 303);
  });

  app.get('/training/imports/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const page = await imports.importPage(db, ctx, idParam(request), shownErrors);
    const i = page.trainingImport;
    const running = i.status === 'waiting' || i.status === 'checking';
    const percent = i.bytesTotal > 0 ? Math.min(100, Math.floor((i.bytesRead * 100) / i.bytesTotal)) : 0;
    return reply.page('training/import/views/status.njk', {
      ...page,
      running,
      // Saving starts once the whole file is read; the page says so rather than sitting at 100 %.
      saving: i.status === 'checking' && i.bytesTotal > 0 && i.bytesRead >= i.bytesTotal,
      percent,
      readText: `${megabytes(i.bytesRead)} MB of ${megabytes(i.bytesTotal)} MB`,
      statusName: imports.statusNames[i.status],
      statusClass: statusTagColour[i.status],
      summary: i.summary ?? null,
    });
  });

  app.get('/training/imports/:id/errors.csv', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const found = await imports.importOf(db, ctx, id);
    const day = found.startedAt.toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-errors-${day}.csv"`)
      .send(Readable.from(imports.errorReportCsv(db, ctx, id)));
  });

  const settingsPage = (
    reply: FastifyReply,
    values: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    error?: InputError,
  ) => {
    const data = {
      values,
      fields: importFields.map((field) => ({
        field,
        name: imports.columnFieldName(field),
        label: imports.fieldNames[field],
      })),
      rules: ruleRows(values, error?.fieldErrors),
      ...extra,
    };
    if (error) return showFormErrors(reply, error, 'training/import/views/settings.njk', data);
    return reply.page('training/import/views/settings.njk', data);
  };

  app.get('/training/import/settings', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const settings = await imports.importSettings(db, ctx);
    const query = request.query as Record<string, unknown>;
    return settingsPage(reply, settingsValues(settings), {
      isDefault: settings.isDefault,
      saved: query.saved === 'yes' ? 'saved' : query.saved === 'reset' ? 'reset' : null,
    });
  });

  app.post('/training/import/settings', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    if (body.action === 'reset') {
      await imports.resetImportSettings(db, ctx);
      return reply.redirect('/training/import/settings?saved=reset', 303);
    }
    try {
      await imports.saveImportSettings(db, ctx, body);
      return reply.redirect('/training/import/settings?saved=yes', 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return settingsPage(reply, body, {}, error);
    }
  });
}
