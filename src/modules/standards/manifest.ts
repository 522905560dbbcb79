import type { ModuleManifest } from '../../platform/modules.ts';

/** The core standards as data (standards/*.json): no pages, tables or jobs of its own; the assurance modules read its service. */
export const standardsModule: ModuleManifest = { name: 'standards' };
