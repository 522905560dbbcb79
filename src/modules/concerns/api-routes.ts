import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { actorFor, requireToken, tokenOf, unreadableBodyIs } from '../api-tokens/api-access.ts';
import * as concerns from './service.ts';

/** The service's field names as the API's body spells them: the person is under `subject`. */
const apiFieldPaths: Record<string, string> = {
  subjectType: 'subject.type',
  subjectName: 'subject.name',
  nhsNumber: 'subject.nhsNumber',
  dateOfBirth: 'subject.dateOfBirth',
  isChild: 'subject.isChild',
};

const apiFields = (fieldErrors: Record<string, string>) =>
  Object.fromEntries(Object.entries(fieldErrors).map(([field, message]) => [apiFieldPaths[field] ?? field, message]));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const notAnObject = 'Send the concern as a JSON object, with Content-Type: application/json';

/** POST /api/v1/concerns: another system (an incident reporting system) passes a concern on, with a token. */
export function concernApiRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.post(
    '/api/v1/concerns',
    {
      config: { access: 'api-token', kind: 'api' },
      onRequest: requireToken(db, 'concerns:create'),
      errorHandler: unreadableBodyIs(notAnObject),
    },
    async (request, reply) => {
      const token = tokenOf(request);
      const body = request.body;
      if (!isObject(body)) return reply.code(400).send({ error: notAnObject });
      const subject = isObject(body.subject) ? body.subject : {};
      const input = {
        subjectType: subject.type,
        subjectName: subject.name,
        nhsNumber: subject.nhsNumber,
        dateOfBirth: subject.dateOfBirth,
        isChild: subject.isChild,
        narrative: body.narrative,
        observedAt: body.observedAt,
        location: body.location,
        immediateRisk: body.immediateRisk,
      };
      try {
        const raised = await concerns.raiseConcern(
          db,
          { kind: 'system', orgId: token.orgId, tokenId: token.id, actor: actorFor(token, request.ip) },
          input,
        );
        // The case itself is for the organisation's Prevent leads, in the app.
        return reply.code(201).header('location', `/concerns/${raised.id}`).send({ id: raised.id, reference: raised.reference });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return reply.code(400).send({ error: 'Invalid input', fields: apiFields(error.fieldErrors) });
      }
    },
  );
}
