import type { ModuleManifest } from '../../platform/modules.ts';
import { providerRoutes } from './routes.ts';

/** The commissioner's view of its providers. */
export const providersModule: ModuleManifest = { name: 'providers', routes: [providerRoutes] };
