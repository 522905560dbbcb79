import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as register from './courses/service.ts';
import { asAtFrom, courseItems, levelItems, queryOf, shared } from './pages.ts';
import * as training from './service.ts';

/** Rows per page of the staff list; the CSV export has them all. */
const staffPageSize = 100;

const staffForm = 'training/views/staff-form.njk';
export const staffView = 'training/views/staff.njk';

/** A person's page: their status and records, and the form to add a record (`extra` for what was sent). */
export async function staffPage(db: Db, request: FastifyRequest, extra: Record<string, unknown> = {}) {
  const ctx = contextOf(request);
  const detail = await training.staffDetail(db, ctx, idParam(request));
  const canManage = ctx.can('training:manage');
  const chosen = (extra.recordValues as Record<string, unknown> | undefined)?.courseId;
  return {
    ...shared,
    ...detail,
    canManage,
    courseItems: canManage ? courseItems(await register.coursesInUse(db, ctx), chosen) : [],
    levelItems: levelItems(undefined),
    recordValues: {},
    ...extra,
  };
}

/** The list's date and filter from the query; a wrong one is named on the page and left out. */
function staffQuery(request: FastifyRequest) {
  const ctx = contextOf(request);
  const { asAt, errors: dateErrors } = asAtFrom(request);
  let filter: training.StaffListFilter = {};
  let errors = dateErrors ?? {};
  try {
    filter = training.parseStaffFilter(queryOf(request));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    errors = { ...errors, ...error.fieldErrors };
  }
  return { ctx, asAt, filter, errors };
}

/** The staff list (a page at a time, and whole as CSV), and adding and changing a member of staff. */
export function staffRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.get('/training/staff', { config: { access: 'training:staff' } }, async (request, reply) => {
    const { ctx, asAt, filter, errors } = staffQuery(request);
    const query = queryOf(request);
    const requested = Number.parseInt(String(query.page ?? '1'), 10) || 1;
    const { rows, total, page, pages } = await training.staffListPage(db, ctx, asAt, filter, {
      page: requested,
      size: staffPageSize,
    });
    const params = new URLSearchParams();
    for (const key of ['asAt', 'directorate', 'department', 'staffGroup', 'requiredLevel', 'status', 'name'])
      if (typeof query[key] === 'string' && query[key]) params.set(key, query[key] as string);
    const link = (p: number) => `/training/staff?${new URLSearchParams([...params, ['page', String(p)]])}`;
    return reply.page('training/views/staff-list.njk', {
      ...shared,
      asAt,
      filter,
      values: { ...filter, asAt: query.asAt ?? '' },
      errors: Object.keys(errors).length ? errors : undefined,
      options: await training.staffFilterOptions(db, ctx),
      levelItems: levelItems(filter.requiredLevel, 'Any level'),
      statusItems: [
        { value: '', text: 'Any status', selected: !filter.status },
        ...training.staffStatuses.map((s) => ({ value: s, text: training.statusNames[s], selected: s === filter.status })),
      ],
      rows,
      total,
      page,
      pages,
      previous: page > 1 ? link(page - 1) : null,
      next: page < pages ? link(page + 1) : null,
      csvLink: `/training/staff.csv${params.size ? `?${params}` : ''}`,
      canManage: ctx.can('training:manage'),
    });
  });

  app.get('/training/staff.csv', { config: { access: 'training:staff' } }, async (request, reply) => {
    const { ctx, asAt, filter } = staffQuery(request);
    const rows = await training.staffList(db, ctx, asAt, filter);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="prevent-training-staff-${asAt}.csv"`)
      .send(`\uFEFF${training.staffListCsv(rows)}`);
  });

  app.get('/training/staff/new', { config: { access: 'training:manage' } }, async (_request, reply) =>
    reply.page(staffForm, { values: {}, action: '/training/staff' }),
  );

  app.post('/training/staff', { config: { access: 'training:manage' } }, async (request, reply) => {
    const body = formBody(request);
    try {
      const created = await training.addStaff(db, contextOf(request), body);
      return reply.redirect(`/training/staff/${created.id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, staffForm, { values: body, action: '/training/staff' });
    }
  });

  app.get('/training/staff/:id', { config: { access: 'training:staff' } }, async (request, reply) =>
    reply.page(staffView, await staffPage(db, request)),
  );

  app.get('/training/staff/:id/edit', { config: { access: 'training:manage' } }, async (request, reply) => {
    const { member } = await training.staffDetail(db, contextOf(request), idParam(request));
    return reply.page(staffForm, { member, values: member, action: `/training/staff/${member.id}` });
  });

  app.post('/training/staff/:id', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const { member } = await training.staffDetail(db, ctx, id);
    const body = formBody(request);
    try {
      await training.updateStaff(db, ctx, id, body);
      return reply.redirect(`/training/staff/${id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, staffForm, { member, values: body, action: `/training/staff/${id}` });
    }
  });
}
