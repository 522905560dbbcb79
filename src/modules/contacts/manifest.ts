import type { ModuleManifest } from '../../platform/modules.ts';
import { contactRoutes } from './routes.ts';

/** Multi-agency contacts. */
export const contactsModule: ModuleManifest = { name: 'contacts', routes: [contactRoutes] };
