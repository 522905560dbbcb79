import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { InputError } from '../../platform/errors.ts';
import { contextOf, idParam } from '../../platform/web.ts';
import { type CaseSectionSource, caseChangeRoute } from '../concerns/routes.ts';
import * as patientRecord from './service.ts';

export const patientRecordSection: CaseSectionSource = async (open) => ({
  template: 'patient-record/views/case-section.njk',
  data: patientRecord.caseSectionData(open),
});

/** A request that cannot be answered for this case (erased, or not a patient): said plainly, with the way back. */
function refused(reply: FastifyReply, caseId: string, error: unknown): FastifyReply {
  if (!(error instanceof InputError)) throw error;
  reply.code(400);
  return reply.page('patient-record/views/refused.njk', { caseId, message: Object.values(error.fieldErrors).join(' ') });
}

export function patientRecordRoutes(app: FastifyInstance, deps: AppDeps): void {
  const db = deps.database.db;

  caseChangeRoute(app, deps, '/concerns/:id/marker', 'concerns:manage', patientRecord.setMarkerText, 'patient-record');
  caseChangeRoute(app, deps, '/concerns/:id/marker/decision', 'concerns:manage', patientRecord.decideMarker, 'patient-record');

  app.get('/concerns/:id/handover', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const id = idParam(request);
    try {
      return reply.page('patient-record/views/handover.njk', await patientRecord.handoverSummary(db, contextOf(request), id));
    } catch (error) {
      return refused(reply, id, error);
    }
  });

  app.get('/concerns/:id/flag.json', { config: { access: 'concerns:work' } }, async (request, reply) => {
    const id = idParam(request);
    try {
      const { reference, flag } = await patientRecord.exportFlag(db, contextOf(request), id);
      return reply
        .type('application/fhir+json; charset=utf-8')
        .header('content-disposition', `attachment; filename="flag-${reference}.json"`)
        .send(JSON.stringify(flag, null, 2));
    } catch (error) {
      return refused(reply, id, error);
    }
  });
}
