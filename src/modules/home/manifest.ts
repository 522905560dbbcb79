import type { ModuleManifest } from '../../platform/modules.ts';
import { homeRoutes } from './routes.ts';

/** The home page, the accessibility statement, and the probes for load balancers. */
export const homeModule: ModuleManifest = { name: 'home', routes: [homeRoutes] };
