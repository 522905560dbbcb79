import type { ModuleManifest } from '../../platform/modules.ts';
import { oversightRoutes } from './routes.ts';

/**
 * Oversight against the core standards: an ICB's heat map of its providers' results by standard section,
 * with their figures, and a region's counts of them by ICB; each as a page, a CSV file and a spreadsheet.
 */
export const oversightModule: ModuleManifest = { name: 'oversight', routes: [oversightRoutes] };
