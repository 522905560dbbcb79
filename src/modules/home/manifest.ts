import type { ModuleManifest } from '../../platform/modules.ts';
import { homeRoutes } from './routes.ts';

/**
 * The home page, the accessibility statement, and the probes for load balancers. The home page's
 * "Needs attention" list and its staff sections are gathered from the modules after it (service.ts).
 */
export const homeModule: ModuleManifest = { name: 'home', routes: [homeRoutes] };
