/** What route modules are built with (defined beside the module manifest, which names it too). */
export type { AppDeps } from './modules.ts';
