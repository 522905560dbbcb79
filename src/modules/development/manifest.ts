import type { ModuleManifest } from '../../platform/modules.ts';

/** Development of the Prevent leads and safeguarding staff. */
export const developmentModule: ModuleManifest = { name: 'development' };
