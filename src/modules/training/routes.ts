import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { suppressionNote } from '../../platform/suppression.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as organisations from '../organisations/service.ts';
import { complianceTarget, expiringSoonDays, levelNames } from './rules.ts';
import * as training from './service.ts';

/** Rows per page of the staff list; the CSV export has them all. */
const staffPageSize = 100;

const levelItems = (selected?: unknown, blank?: string) => [
  ...(blank === undefined ? [] : [{ value: '', text: blank, selected: !selected }]),
  ...training.trainingLevels.map((l) => ({ value: l, text: levelNames[l], selected: l === selected, checked: l === selected })),
];

const queryOf = (request: FastifyRequest) => request.query as Record<string, unknown>;

export function trainingRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  const shared = { levelNames, statusNames: training.statusNames, target: complianceTarget, soonDays: expiringSoonDays };

  /** The as-at date of a page, or today; a wrong one is shown on the page and today's figures are used. */
  const asAtFrom = (request: FastifyRequest): { asAt: string; errors?: Record<string, string> } => {
    try {
      return { asAt: training.asAtOrToday(queryOf(request).asAt) };
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return { asAt: training.asAtOrToday(undefined), errors: error.fieldErrors };
    }
  };

  app.get('/training', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { asAt, errors } = asAtFrom(request);
    return reply.page('training/views/dashboard.njk', {
      ...shared,
      figures: await training.complianceFigures(db, ctx, asAt),
      values: { asAt: queryOf(request).asAt ?? '' },
      errors,
      canSeeStaff: ctx.can('training:staff'),
      canManage: ctx.can('training:manage'),
    });
  });

  app.get('/training/trend', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { asAt, errors } = asAtFrom(request);
    const dates = training.trendDates(asAt);
    const byDate = await training.levelCountsAt(db, ctx, dates);
    return reply.page('training/views/trend.njk', {
      ...shared,
      asAt,
      trend: dates.map((date) => ({ asAt: date, levels: byDate.get(date) ?? [] })),
      values: { asAt: queryOf(request).asAt ?? '' },
      errors,
    });
  });

  const staffQuery = (request: FastifyRequest) => {
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
  };

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

  const staffForm = 'training/views/staff-form.njk';

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

  const staffPage = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const ctx = contextOf(request);
    const detail = await training.staffDetail(db, ctx, idParam(request));
    return {
      ...shared,
      ...detail,
      canManage: ctx.can('training:manage'),
      levelItems: levelItems(undefined),
      recordValues: {},
      ...extra,
    };
  };

  app.get('/training/staff/:id', { config: { access: 'training:staff' } }, async (request, reply) =>
    reply.page('training/views/staff.njk', await staffPage(request)),
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

  app.post('/training/staff/:id/records', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const id = idParam(request);
    const body = formBody(request);
    try {
      await training.addRecord(db, ctx, id, body);
      return reply.redirect(`/training/staff/${id}`, 303);
    } catch (error) {
      const extra = { recordValues: body, levelItems: levelItems(body.level) };
      return showFormErrors(reply, error, 'training/views/staff.njk', await staffPage(request, extra));
    }
  });

  const needsView = 'training/views/needs-analysis.njk';
  const needsPage = async (request: FastifyRequest) => {
    const ctx = contextOf(request);
    const analysis = await training.needsAnalysis(db, ctx);
    return { ...shared, analysis, canManage: ctx.can('training:manage') };
  };

  app.get('/training/needs-analysis', { config: { access: 'training:compliance' } }, async (request, reply) => {
    const page = await needsPage(request);
    return reply.page(needsView, { ...page, values: formValues(page.analysis.rules) });
  });

  app.post('/training/needs-analysis', { config: { access: 'training:manage' } }, async (request, reply) => {
    const body = formBody(request);
    try {
      await training.saveNeedsAnalysis(db, contextOf(request), training.needsRulesFromForm(body));
      return reply.redirect('/training/needs-analysis', 303);
    } catch (error) {
      return showFormErrors(reply, error, needsView, { ...(await needsPage(request)), values: postedValues(body) });
    }
  });

  app.get('/training/mine', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request);
    return reply.page('training/views/mine.njk', { ...shared, mine: await training.myTraining(db, ctx) });
  });

  app.get('/training/providers', { config: { access: 'training:providers' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const { asAt, errors } = asAtFrom(request);
    const providers = await organisations.providersInReach(db, ctx);
    return reply.page('training/views/providers.njk', {
      ...shared,
      asAt,
      providers: await training.providersCompliance(db, ctx, providers, asAt),
      suppressionNote,
      values: { asAt: queryOf(request).asAt ?? '' },
      errors,
    });
  });
}

/** The needs analysis form: the rules in force, and three blank rows to add more. */
function formValues(analysis: { rules: { staffGroup?: string; positionContains?: string; level: string }[]; otherwise: string }) {
  const blank = { staffGroup: '', positionContains: '', level: '' };
  return { rules: [...analysis.rules.map((r) => ({ ...blank, ...r })), blank, blank, blank], otherwise: analysis.otherwise };
}

function postedValues(body: Record<string, unknown>) {
  const rules = (training.needsRulesFromForm(body) as { rules: Record<string, unknown>[] }).rules;
  return { ...body, rules };
}
