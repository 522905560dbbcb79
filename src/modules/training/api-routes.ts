import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { actorFor, requireToken, tokenOf, unreadableBodyIs } from '../api-tokens/api-access.ts';
import * as training from './service.ts';

/** POST /api/v1/training-records: another system sends completed training, with a token. */
export function trainingApiRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  app.post(
    '/api/v1/training-records',
    {
      config: { access: 'api-token', kind: 'api' },
      onRequest: requireToken(db, 'training:write'),
      // Up to training.maxRecordsPerCall records of a few hundred bytes each.
      bodyLimit: 4 * 1024 * 1024,
      errorHandler: unreadableBodyIs('Send the records as a JSON object, with Content-Type: application/json'),
    },
    async (request, reply) => {
      const token = tokenOf(request);
      try {
        const result = await training.receiveRecords(
          db,
          { orgId: token.orgId, actor: actorFor(token, request.ip) },
          request.body,
        );
        return reply.code(201).send(result);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return reply.code(400).send({ error: 'Invalid input: nothing was recorded', fields: error.fieldErrors });
      }
    },
  );
}
