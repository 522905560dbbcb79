import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createTemplate, dropTemplate, type Template } from './databases.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    template: Template;
    /** A folder for the run, where the browser lane notes the page structures axe has passed (e2e/browser.ts). */
    axeChecked: string;
  }
}

/**
 * Every lane (vitest.config.ts) runs this setup in the one main process: the first builds the template,
 * the others share it, and the last to finish drops it.
 */
type Shared = { template: Promise<Template>; axeChecked: string; users: number };
const store = globalThis as typeof globalThis & { preventAssureTemplate?: Shared };

export default async function setup(project: TestProject) {
  if (!store.preventAssureTemplate) {
    const template = createTemplate(process.env.DATABASE_URL);
    const axeChecked = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-axe-checked-'));
    store.preventAssureTemplate = { template, axeChecked, users: 0 };
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
  project.provide('axeChecked', shared.axeChecked);
  return async () => {
    shared.users--;
    if (shared.users > 0) return;
    store.preventAssureTemplate = undefined;
    fs.rmSync(shared.axeChecked, { recursive: true, force: true });
    await dropTemplate(await shared.template);
  };
}
