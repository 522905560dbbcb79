import type { ModuleManifest } from '../../platform/modules.ts';
import { retentionRoutes, retentionSection } from './routes.ts';

/** Keeping or erasing closed cases. */
export const retentionModule: ModuleManifest = { name: 'retention', routes: [retentionRoutes], caseSection: retentionSection };
