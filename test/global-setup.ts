import type { TestProject } from 'vitest/node';
import { createTemplate, dropTemplate, type Template } from './databases.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    template: Template;
  }
}

/**
 * Every lane (vitest.config.ts) runs this setup in the one main process: the first builds the template,
 * the others share it, and the last to finish drops it.
 */
type Shared = { template: Promise<Template>; users: number };
const store = globalThis as typeof globalThis & { preventAssureTemplate?: Shared };

export default async function setup(project: TestProject) {
  if (!store.preventAssureTemplate) {
    const template = createTemplate(process.env.DATABASE_URL);
    store.preventAssureTemplate = { template, users: 0 };
    const built = await template;
    console.log(
      built.kind === 'server'
        ? `Tests run on the PostgreSQL server (a fresh database per test file, from ${built.name}); the browser lane runs on the embedded database only`
        : 'Tests run on the embedded database (a fresh copy per test file). Set DATABASE_URL to run them on a PostgreSQL server.',
    );
  }
  const shared = store.preventAssureTemplate;
  shared.users++;
  project.provide('template', await shared.template);
  return async () => {
    shared.users--;
    if (shared.users > 0) return;
    store.preventAssureTemplate = undefined;
    await dropTemplate(await shared.template);
  };
}
