import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import type { CaseSectionSource } from '../concerns/routes.ts';
import * as concerns from '../concerns/service.ts';
import * as requests from './service.ts';

const items = <T extends string>(values: readonly T[], names: Record<T, string>, selected?: unknown) =>
  values.map((value) => ({ value, text: names[value], checked: value === selected }));

/** What the request form needs to draw itself again with what was typed. */
function formData(values: Record<string, unknown>) {
  const direction = values.direction === 'out' ? 'out' : 'in';
  return {
    values: { ...values, direction },
    direction,
    partnerItems: items(requests.partners, requests.partnerNames, values.partner),
    subjectTypeItems: items(concerns.subjectTypes, concerns.subjectTypeNames, values.subjectType),
  };
}

/** The requests about a case, on its page, for its Prevent leads. */
export const informationRequestsSection: CaseSectionSource = async (open) => ({
  template: 'information-requests/views/case-section.njk',
  data: { requests: open.ctx.can('requests:manage') ? await requests.requestsOfCase(open) : null },
});

export function informationRequestRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;
  const formPage = 'information-requests/views/form.njk';
  const requestPage = 'information-requests/views/request.njk';

  app.get('/information-requests', { config: { access: 'requests:manage' } }, async (request, reply) => {
    const list = await requests.requestList(db, contextOf(request));
    return reply.page('information-requests/views/list.njk', {
      received: list.filter((r) => r.direction === 'in'),
      made: list.filter((r) => r.direction === 'out'),
      statusNames: requests.statusNames,
    });
  });

  app.get('/information-requests/new', { config: { access: 'requests:manage' } }, async (request, reply) => {
    const direction = (request.query as Record<string, unknown>).direction;
    return reply.page(formPage, formData({ direction, caseChoice: direction === 'out' ? 'none' : undefined }));
  });

  app.post('/information-requests', { config: { access: 'requests:manage' } }, async (request, reply) => {
    const body = formBody(request);
    try {
      const created = await requests.recordRequest(db, contextOf(request), body);
      return reply.redirect(`/information-requests/${created.id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, formPage, formData(body));
    }
  });

  const pageData = async (request: Parameters<typeof contextOf>[0]) => ({
    ...(await requests.requestPage(db, contextOf(request), idParam(request))),
    statusNames: requests.statusNames,
    values: {},
  });

  app.get('/information-requests/:id', { config: { access: 'requests:manage' } }, async (request, reply) =>
    reply.page(requestPage, await pageData(request)),
  );

  app.post('/information-requests/:id/answer', { config: { access: 'requests:manage' } }, async (request, reply) => {
    const id = idParam(request);
    const body = formBody(request);
    try {
      await requests.recordResponse(db, contextOf(request), id, body);
      return reply.redirect(`/information-requests/${id}`, 303);
    } catch (error) {
      return showFormErrors(reply, error, requestPage, { ...(await pageData(request)), values: body });
    }
  });
}
