import type { ModuleManifest } from '../../platform/modules.ts';
import { evidenceRoutes } from './routes.ts';

/**
 * The CQC evidence: the pages an inspector reads and the pack to hand over, built from the other modules'
 * records with no case data; time-limited read-only access for a named inspector, every page viewed recorded.
 */
export const evidenceModule: ModuleManifest = { name: 'evidence', routes: [evidenceRoutes] };
