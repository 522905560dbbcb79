import type { ModuleManifest } from '../../platform/modules.ts';

/** Information requests in and out. */
export const informationRequestsModule: ModuleManifest = { name: 'information-requests' };
