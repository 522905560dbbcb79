import type { TestProject } from 'vitest/node';
import { createTemplate, dropTemplate, type Template } from './databases.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    template: Template;
  }
}

export default async function setup(project: TestProject) {
  const template = await createTemplate(process.env.DATABASE_URL);
  console.log(
    template.kind === 'server'
      ? `Tests run on the PostgreSQL server (a fresh database per test file, from ${template.name})`
      : 'Tests run on the embedded database (a fresh copy per test file). Set DATABASE_URL to run them on a PostgreSQL server.',
  );
  project.provide('template', template);
  return async () => dropTemplate(template);
}
