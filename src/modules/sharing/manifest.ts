import type { ModuleManifest } from '../../platform/modules.ts';
import { sharingRoutes, sharingSection } from './routes.ts';

/** The information sharing protocol: record checks and decisions to share. */
export const sharingModule: ModuleManifest = { name: 'sharing', routes: [sharingRoutes], caseSection: sharingSection };
