import type { FastifyInstance, FastifyRequest } from 'fastify';
import { monthNames } from '../../platform/dates.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, showFormErrors } from '../../platform/web.ts';
import { itemRoutes, yearParam } from './routes-items.ts';
import * as programme from './service.ts';

const statusFilters = [...programme.itemStatuses, 'overdue'] as const;
type StatusFilter = (typeof statusFilters)[number];

function statusFilterOf(request: FastifyRequest): StatusFilter | null {
  const value = (request.query as Record<string, unknown> | undefined)?.status;
  return typeof value === 'string' && (statusFilters as readonly string[]).includes(value) ? (value as StatusFilter) : null;
}

/** The entry point the manifest registers: the programme, its years and settings, with its items from routes-items.ts. */
export function programmeRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  async function showProgramme(request: FastifyRequest, year: number | null) {
    const ctx = contextOf(request);
    const page = await programme.programmePage(db, ctx, year);
    const filter = statusFilterOf(request);
    const shown = page.items.filter((i) => !filter || (filter === 'overdue' ? i.overdue : i.status === filter));
    const counts: Record<StatusFilter, number> = {
      not_started: page.progress.notStarted,
      in_progress: page.progress.inProgress,
      done: page.progress.done,
      overdue: page.progress.overdue,
    };
    return {
      ...page,
      shownItems: shown,
      filter,
      filterName: filter ? (filter === 'overdue' ? 'Overdue' : programme.statusNames[filter]) : null,
      filters: statusFilters.map((f) => ({
        value: f,
        text: f === 'overdue' ? 'Overdue' : programme.statusNames[f],
        count: counts[f],
      })),
      required: page.notKept ? [] : programme.requiredItemsFor(ctx.user.activeOrg.kind),
      canEdit: ctx.can('programme:edit'),
    };
  }

  app.get('/programme', { config: { access: 'programme:read' } }, async (request, reply) =>
    reply.page('programme/views/programme.njk', await showProgramme(request, null)),
  );

  app.get('/programme/settings', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const month = await programme.yearStartMonth(db, ctx);
    return reply.page('programme/views/settings.njk', { values: { yearStartMonth: String(month) }, months: monthItems(month) });
  });

  app.post('/programme/settings', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    try {
      await programme.updateSettings(db, ctx, body);
      return reply.redirect('/programme', 303);
    } catch (error) {
      return showFormErrors(reply, error, 'programme/views/settings.njk', {
        values: body,
        months: monthItems(Number(body.yearStartMonth)),
      });
    }
  });

  app.get('/programme/:year', { config: { access: 'programme:read' } }, async (request, reply) =>
    reply.page('programme/views/programme.njk', await showProgramme(request, yearParam(request))),
  );

  app.post('/programme/:year/start', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const year = yearParam(request);
    try {
      await programme.startProgramme(db, contextOf(request), year);
      return reply.redirect(`/programme/${year}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'programme/views/programme.njk', await showProgramme(request, year));
    }
  });

  app.post('/programme/:year/copy-forward', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const year = yearParam(request);
    try {
      await programme.copyForward(db, contextOf(request), year);
      return reply.redirect(`/programme/${year + 1}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'programme/views/programme.njk', await showProgramme(request, year));
    }
  });

  itemRoutes(app, db);
}

function monthItems(selected: number) {
  return monthNames.map((name, i) => ({ value: String(i + 1), text: name, selected: i + 1 === selected }));
}
