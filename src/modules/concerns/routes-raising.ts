import type { FastifyInstance } from 'fastify';
import { isRealDate } from '../../platform/dates.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, formBody, idParam, showFormErrors } from '../../platform/web.ts';
import * as concerns from './service.ts';

/** The form's fields as the service takes them: the date and time boxes become one London date-time. */
function concernFromForm(body: Record<string, unknown>): Record<string, unknown> {
  const day = typeof body.observedOn === 'string' ? body.observedOn.trim() : '';
  const time = typeof body.observedTime === 'string' ? body.observedTime.trim() : '';
  const problems: Record<string, string> = {};
  if (day === '') problems.observedOn = 'Enter the date it happened';
  else if (!isRealDate(day)) problems.observedOn = 'The date it happened must be a real date';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) problems.observedTime = 'Enter the time it happened, like 14:30';
  return { ...body, observedAt: Object.keys(problems).length ? undefined : `${day}T${time}`, problems };
}

const subjectTypeItems = (selected: unknown) =>
  concerns.subjectTypes.map((t) => ({ value: t, text: concerns.subjectTypeNames[t], checked: t === selected }));

/** Raising a concern, open to anyone signed in, and the receipt that is all the raiser sees of it after. */
export function raisingRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;

  const raiseForm = (values: Record<string, unknown>) => ({ values, subjectTypes: subjectTypeItems(values.subjectType) });

  app.get('/concerns/new', { config: { access: 'signed-in' } }, async (_request, reply) => {
    return reply.page('concerns/views/raise.njk', raiseForm({}));
  });

  app.post('/concerns', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    const { problems, ...input } = concernFromForm(body);
    try {
      const raised = await concerns.raiseConcern(db, { kind: 'person', ctx }, input);
      return reply.redirect(`/concerns/${raised.id}/received`, 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // The date and time are one field to the service: its message belongs to the boxes the person typed in.
      const { observedAt, ...others } = error.fieldErrors;
      const typed = problems as Record<string, string>;
      const merged = new InputError({
        ...others,
        ...(observedAt && !typed.observedOn && !typed.observedTime ? { observedOn: observedAt } : {}),
        ...typed,
      });
      return showFormErrors(reply, merged, 'concerns/views/raise.njk', raiseForm(body));
    }
  });

  app.get('/concerns/:id/received', { config: { access: 'signed-in' } }, async (request, reply) => {
    const receipt = await concerns.receiptFor(db, contextOf(request), idParam(request));
    return reply.page('concerns/views/received.njk', { receipt });
  });
}
