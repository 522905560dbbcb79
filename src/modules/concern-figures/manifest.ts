import type { ModuleManifest } from '../../platform/modules.ts';
import { concernFiguresRoutes } from './routes.ts';

/** Counts of concerns for boards, commissioners and regions, through the suppression gate. */
export const concernFiguresModule: ModuleManifest = { name: 'concern-figures', routes: [concernFiguresRoutes] };
