import type { ModuleManifest } from '../modules.ts';
import { failedJobRoutes } from './routes.ts';

/** The job queue's own page: the jobs that used all their tries, for system administrators. */
export const jobsModule: ModuleManifest = { name: 'jobs', routes: [failedJobRoutes] };
