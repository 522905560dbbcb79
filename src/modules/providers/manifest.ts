import type { ModuleManifest } from '../../platform/modules.ts';
import { providersAttention } from './attention.ts';
import { providerRoutes } from './routes.ts';

/** The commissioner's view of its providers; the commissioner's home page counts the providers with overdue items. */
export const providersModule: ModuleManifest = { name: 'providers', routes: [providerRoutes], attention: providersAttention };
