import type { ModuleManifest } from '../../platform/modules.ts';

/** The multi-agency engagement log. */
export const partnershipModule: ModuleManifest = { name: 'partnership' };
