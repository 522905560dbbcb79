import type { ModuleManifest } from '../../platform/modules.ts';

/**
 * Assurance against the core standards: each requirement's result computed from the other modules'
 * records (rules.ts), for the self-assessment, the commissioner's oversight and the command line.
 * No pages of its own yet.
 */
export const assuranceModule: ModuleManifest = { name: 'assurance' };
