import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import { monthNames } from '../../platform/dates.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as programme from './service.ts';

/** A programme year from the URL (2026 = the year starting in 2026); anything else is simply not found. */
function yearParam(request: FastifyRequest): number {
  const value = (request.params as Record<string, string>).year ?? '';
  if (!/^\d{4}$/.test(value)) throw new NotFoundError('work programme');
  const year = Number(value);
  if (year < 2000 || year > 2100) throw new NotFoundError('work programme');
  return year;
}

const statusFilters = [...programme.itemStatuses, 'overdue'] as const;
type StatusFilter = (typeof statusFilters)[number];

function statusFilterOf(request: FastifyRequest): StatusFilter | null {
  const value = (request.query as Record<string, unknown> | undefined)?.status;
  return typeof value === 'string' && (statusFilters as readonly string[]).includes(value) ? (value as StatusFilter) : null;
}

const areaItems = (selected?: unknown) => [
  { value: '', text: 'Choose a part of the standard' },
  ...programme.programmeAreas.map((area) => ({
    value: area,
    text: programme.areaNames[area],
    selected: area === selected,
  })),
];

const statusItems = (selected?: unknown) =>
  programme.itemStatuses.map((status) => ({
    value: status,
    text: programme.statusNames[status],
    checked: status === (selected || 'not_started'),
  }));

/** Form rows for evidence links: those held, and two more to add (up to the limit). */
function evidenceRows(values: Record<string, unknown>, held: number): { label: unknown; url: unknown }[] {
  let rows = Math.min(programme.maxEvidenceLinks, Math.max(held + 2, 2));
  for (let i = 0; i < programme.maxEvidenceLinks; i++) {
    if (`evidence${i}Label` in values || `evidence${i}Url` in values) rows = Math.max(rows, i + 1);
  }
  return Array.from({ length: rows }, (_, i) => ({ label: values[`evidence${i}Label`], url: values[`evidence${i}Url`] }));
}

function valuesOfItem(item: programme.Item): Record<string, unknown> {
  const values: Record<string, unknown> = {
    title: item.title,
    area: item.area,
    ownerUserId: item.ownerUserId ?? '',
    ownerName: item.ownerName ?? '',
    dueOn: item.dueOn ?? '',
    status: item.status,
    notes: item.notes ?? '',
  };
  item.evidence.forEach((link, i) => {
    values[`evidence${i}Label`] = link.label;
    values[`evidence${i}Url`] = link.url;
  });
  return values;
}

async function itemFormData(
  db: Db,
  ctx: RequestContext,
  values: Record<string, unknown>,
  held: number,
  formerOwner?: { id: string; name: string },
) {
  const owners = await programme.ownerChoices(db, ctx);
  if (formerOwner && !owners.some((o) => o.id === formerOwner.id)) {
    owners.push({ id: formerOwner.id, name: `${formerOwner.name} (no longer has a role here)` });
  }
  return {
    values,
    areas: areaItems(values.area),
    statuses: statusItems(values.status),
    owners: [
      { value: '', text: 'Nobody chosen' },
      ...owners.map((o) => ({ value: o.id, text: o.name, selected: o.id === values.ownerUserId })),
    ],
    evidenceRows: evidenceRows(values, held),
  };
}

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

  app.get('/programme/:year/items/new', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getProgramme(db, ctx, yearParam(request));
    return reply.page('programme/views/item-form.njk', {
      programme: found,
      action: `/programme/${found.year}/items`,
      ...(await itemFormData(db, ctx, { area: 'other', status: 'not_started' }, 0)),
    });
  });

  app.post('/programme/:year/items', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getProgramme(db, ctx, yearParam(request));
    const body = formBody(request);
    try {
      await programme.addItem(db, ctx, found.year, body);
      return reply.redirect(`/programme/${found.year}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return showFormErrors(reply, error, 'programme/views/item-form.njk', {
        programme: found,
        action: `/programme/${found.year}/items`,
        ...(await itemFormData(db, ctx, body, 0)),
      });
    }
  });

  app.get('/programme/items/:id', { config: { access: 'programme:read' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getItem(db, ctx, idParam(request));
    return reply.page('programme/views/item.njk', { ...found, canEdit: ctx.can('programme:edit') });
  });

  app.get('/programme/items/:id/edit', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getItem(db, ctx, idParam(request));
    const owner = found.item.ownerUserId ? { id: found.item.ownerUserId, name: found.item.ownerLabel } : undefined;
    return reply.page('programme/views/item-form.njk', {
      ...found,
      action: `/programme/items/${found.item.id}`,
      ...(await itemFormData(db, ctx, valuesOfItem(found.item), found.item.evidence.length, owner)),
    });
  });

  app.post('/programme/items/:id', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getItem(db, ctx, idParam(request));
    const body = formBody(request);
    try {
      await programme.updateItem(db, ctx, found.item.id, body);
      return reply.redirect(`/programme/items/${found.item.id}`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const owner = found.item.ownerUserId ? { id: found.item.ownerUserId, name: found.item.ownerLabel } : undefined;
      return showFormErrors(reply, error, 'programme/views/item-form.njk', {
        ...found,
        action: `/programme/items/${found.item.id}`,
        ...(await itemFormData(db, ctx, body, found.item.evidence.length, owner)),
      });
    }
  });

  app.get('/programme/items/:id/delete', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const found = await programme.getItem(db, contextOf(request), idParam(request));
    return reply.page('programme/views/delete.njk', found);
  });

  app.post('/programme/items/:id/delete', { config: { access: 'programme:edit' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const found = await programme.getItem(db, ctx, idParam(request));
    try {
      const year = await programme.deleteItem(db, ctx, found.item.id);
      return reply.redirect(`/programme/${year}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, 'programme/views/delete.njk', found);
    }
  });
}

function monthItems(selected: number) {
  return monthNames.map((name, i) => ({ value: String(i + 1), text: name, selected: i + 1 === selected }));
}
