import type { ModuleManifest } from '../../platform/modules.ts';
import { organisationRoutes } from './routes.ts';

/** The directory of organisations and who commissions whom. */
export const organisationsModule: ModuleManifest = { name: 'organisations', routes: [organisationRoutes] };
