import type { ModuleManifest } from '../../platform/modules.ts';
import { userRoutes } from './routes.ts';

/** Accounts and the roles organisations give them. What people are told of a change is the notifications module's. */
export const usersModule: ModuleManifest = { name: 'users', routes: [userRoutes] };
