import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { trainingApiRoutes } from './api-routes.ts';
import { complianceRoutes } from './compliance-routes.ts';
import { courseRoutes } from './courses/routes.ts';
import { trainingImportRoutes } from './import/routes.ts';
import { trainingPlanRoutes } from './plan/routes.ts';
import { recordRoutes } from './record-routes.ts';
import { staffRoutes } from './staff-routes.ts';
import { updateRoutes } from './updates/routes.ts';

/** Every route of the training module, one file per resource; the manifest registers this alone. */
export function trainingRoutes(app: FastifyInstance, deps: AppDeps): void {
  complianceRoutes(app, deps);
  staffRoutes(app, deps);
  recordRoutes(app, deps);
  trainingImportRoutes(app, deps);
  trainingPlanRoutes(app, deps);
  courseRoutes(app, deps);
  updateRoutes(app, deps);
  trainingApiRoutes(app, deps);
}
