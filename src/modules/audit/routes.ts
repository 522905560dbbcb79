import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { withScope } from '../../db/tenancy.ts';
import { csvCell } from '../../platform/csv.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import { contextOf, errorList } from '../../platform/web.ts';
import * as audit from './service.ts';
import { actionInWords, auditLineOf, isCaseData } from './words.ts';

const pageSize = 50;
const isoDate = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a real date')
    .refine((d) => !Number.isNaN(Date.parse(d)), 'Enter a real date')
    .optional(),
);
const filters = z.object({
  action: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  actor: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  recordId: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  from: isoDate,
  to: isoDate,
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

type Chosen = z.infer<typeof filters>;

/** The filters as the search takes them. */
const searchOf = (orgId: string, chosen: Chosen): audit.AuditFilter => ({
  orgId,
  action: chosen.action,
  actor: chosen.actor,
  recordId: chosen.recordId,
  from: chosen.from ? new Date(`${chosen.from}T00:00:00Z`) : undefined,
  to: chosen.to ? new Date(Date.parse(`${chosen.to}T00:00:00Z`) + 86_400_000) : undefined,
});

function chosenFilters(query: Record<string, unknown>): Chosen {
  const chosen = parseInput(filters, query);
  if (chosen.from && chosen.to && chosen.from > chosen.to)
    throw new InputError({ to: 'The “to” date must be on or after the “from” date' });
  return chosen;
}

/** The export holds at most this many entries; the page says to narrow the filters for more. */
const exportLimit = 100_000;

export function auditRoutes(app: FastifyInstance, { database }: AppDeps): void {
  app.get('/audit', { config: { access: 'audit:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const query = request.query as Record<string, unknown>;
    let chosen: Chosen;
    try {
      chosen = chosenFilters(query);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      reply.code(400);
      return reply.page('audit/views/list.njk', {
        canCheckpoint: ctx.can('audit:checkpoint'),
        lines: [],
        actions: [],
        values: query,
        errors: error.fieldErrors,
        errorList: errorList(error.fieldErrors),
      });
    }
    const { events, actions } = await withScope(database.db, ctx.scope, async (tx) => ({
      events: await audit.search(tx, searchOf(ctx.user.activeOrg.id, chosen), pageSize + 1, (chosen.page - 1) * pageSize),
      actions: await audit.actionsUsed(tx, ctx.user.activeOrg.id),
    }));
    const params = new URLSearchParams(
      Object.entries({ ...chosen, page: undefined }).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    return reply.page('audit/views/list.njk', {
      canCheckpoint: ctx.can('audit:checkpoint'),
      lines: events.slice(0, pageSize).map((e) => auditLineOf(e, (permission) => ctx.can(permission))),
      actions: actions.map((code) => ({ code, words: actionInWords(code) })).sort((a, b) => a.words.localeCompare(b.words)),
      values: chosen,
      exportHref: `/audit/export.csv?${params}`,
      previous: chosen.page > 1 ? `/audit?${params}&page=${chosen.page - 1}` : null,
      next: events.length > pageSize ? `/audit?${params}&page=${chosen.page + 1}` : null,
    });
  });

  /**
   * The entries the filters find, as CSV with the codes and ids the page puts in words. Entries about concern
   * cases keep their record id and details only for those who work cases.
   */
  app.get('/audit/export.csv', { config: { access: 'audit:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const chosen = chosenFilters(request.query as Record<string, unknown>);
    const seesCaseData = ctx.can('concerns:manage');
    const rows = await withScope(database.db, ctx.scope, (tx) =>
      audit.search(tx, searchOf(ctx.user.activeOrg.id, chosen), exportLimit, 0),
    );
    const header = ['Sequence', 'When (UTC)', 'Who', 'Action', 'Record type', 'Record id', 'From', 'Details'];
    const lines = rows.map((r) => {
      const hidden = isCaseData(r) && !seesCaseData;
      return [
        r.seq,
        r.occurredAt.toISOString(),
        r.actorLabel,
        r.action,
        r.recordType ?? '',
        hidden ? '' : (r.recordId ?? ''),
        r.ip ?? '',
        hidden ? '' : JSON.stringify(r.details),
      ]
        .map(csvCell)
        .join(',');
    });
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-trail-${day}.csv"`)
      .send(`${[header.join(','), ...lines].join('\r\n')}\r\n`);
  });

  app.get('/audit/checkpoint', { config: { access: 'audit:checkpoint' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const checkpoint = await withScope(database.db, ctx.scope, (tx) =>
      audit.handOutCheckpoint(tx, ctx.actor, ctx.user.activeOrg.id),
    );
    const day = checkpoint.at.slice(0, 10);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-checkpoint-${day}-seq-${checkpoint.seq}.json"`)
      .send(audit.checkpointFile(checkpoint));
  });
}
