import type { ModuleManifest } from '../../platform/modules.ts';
import { apiTokensRoutes } from './routes.ts';

/** Tokens other systems call the API with. The API's routes are in the modules they serve (concerns, training). */
export const apiTokensModule: ModuleManifest = { name: 'api-tokens', routes: [apiTokensRoutes] };
