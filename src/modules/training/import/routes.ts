import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../platform/deps.ts';
import { InputError } from '../../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../../platform/web.ts';
import * as history from './history.ts';
import * as imports from './service.ts';
import { importSettingsRoutes } from './settings-routes.ts';
import { notMultipart, receiveUpload, uploadLimits } from './upload.ts';
import * as uploads from './uploads.ts';

const maxSizeText = `${Math.round(imports.maxUploadBytes / (1024 * 1024))} MB`;
const shownErrors = 500;

const statusTagColour: Record<string, string> = {
  waiting: 'nhsuk-tag--grey',
  checking: 'nhsuk-tag--blue',
  invalid: 'nhsuk-tag--red',
  checked: 'nhsuk-tag--green',
  unconfirmed: 'nhsuk-tag--orange',
  imported: 'nhsuk-tag--green',
  failed: 'nhsuk-tag--red',
};

/** What the summary says about leavers and the headcount, in the words of the status page (older imports did not count it). */
function leaversOf(summary: imports.ImportSummary | null) {
  if (!summary || summary.staffBefore === undefined) return null;
  const percentOfStaff = summary.staffBefore > 0 ? Math.round((summary.staffLeaving * 1000) / summary.staffBefore) / 10 : 0;
  return {
    count: summary.staffLeaving,
    staffBefore: summary.staffBefore,
    percentOfStaff,
    inScopeBefore: summary.inScopeBefore,
    inScopeAfter: summary.inScopeAfter,
    threshold: summary.leaverConfirmationPercent,
    needsConfirmation: !imports.leaversAllowed(summary, null),
  };
}

const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);

export function trainingImportRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Multipart parsing only where the file is uploaded: every other form keeps the app's small body limit.
  app.register(async (scoped) => {
    await scoped.register(multipart, { limits: uploadLimits, throwFileSizeLimit: false });
    uploadRoutes(scoped, deps);
    importSettingsRoutes(scoped, deps);
  });
}

/** Uploading a file, following its import, and its error report. */
function uploadRoutes(app: FastifyInstance, { database, config }: AppDeps): void {
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
      recent: (await history.recentImports(db, ctx)).map((i) => ({
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
    const folder = uploads.uploadDirectory(config.dataDir);
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
    const created = await uploads.queueUpload(db, ctx, {
      id,
      fileName: path.basename(file.name) || 'upload.csv',
      filePath: target,
      bytes: file.bytes,
      dryRun: checkOnly,
    });
    return reply.redirect(`/training/imports/${created.id}`, 303);
  });

  const statusPage = async (request: FastifyRequest, reply: FastifyReply, error?: InputError) => {
    const ctx = contextOf(request);
    const page = await history.importPage(db, ctx, idParam(request), shownErrors);
    const i = page.trainingImport;
    const running = i.status === 'waiting' || i.status === 'checking';
    const percent = i.bytesTotal > 0 ? Math.min(100, Math.floor((i.bytesRead * 100) / i.bytesTotal)) : 0;
    const data = {
      ...page,
      running,
      // Saving starts once the whole file is read; the page says so rather than sitting at 100 %.
      saving: i.status === 'checking' && i.bytesTotal > 0 && i.bytesRead >= i.bytesTotal,
      percent,
      readText: `${megabytes(i.bytesRead)} MB of ${megabytes(i.bytesTotal)} MB`,
      statusName: imports.statusNames[i.status],
      statusClass: statusTagColour[i.status],
      summary: i.summary ?? null,
      leavers: leaversOf(i.summary as imports.ImportSummary | null),
      values: error ? formBody(request) : {},
    };
    if (error) return showFormErrors(reply, error, 'training/import/views/status.njk', data);
    return reply.page('training/import/views/status.njk', data);
  };

  app.get('/training/imports/:id', { config: { access: 'training:manage' } }, statusPage);

  app.post('/training/imports/:id/confirm-leavers', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    try {
      await uploads.confirmLeavers(db, ctx, id, formBody(request), config.dataDir);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return statusPage(request, reply, error);
    }
    return reply.redirect(`/training/imports/${id}`, 303);
  });

  app.get('/training/imports/:id/errors.csv', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const found = await history.importOf(db, ctx, id);
    const day = found.startedAt.toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-errors-${day}.csv"`)
      .send(Readable.from(history.errorReportCsv(db, ctx, id)));
  });
}
