import type { ModuleManifest } from '../../platform/modules.ts';
import { accountRoutes } from './routes.ts';

/** Signing in and out, second factors, invitations, and a person's own account. */
export const accountModule: ModuleManifest = { name: 'account', routes: [accountRoutes] };
