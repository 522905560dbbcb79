import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/demo/seed.ts';

/** Where tests find the database they copy: a PGlite directory, or a database on the server. */
export type Template = { kind: 'embedded'; dir: string } | { kind: 'server'; url: string; name: string };

function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Builds the template once per run: migrated, with the demo loaded. */
export async function createTemplate(serverUrl: string | undefined): Promise<Template> {
  if (serverUrl) {
    const name = `pa_template_${process.pid}_${randomBytes(3).toString('hex')}`;
    await adminQuery(serverUrl, `create database ${name}`);
    const database = await openDatabase({ databaseUrl: withDatabaseName(serverUrl, name), dataDir: '', purpose: 'tests' });
    await migrate(database);
    await seedDemo(database);
    await database.close();
    return { kind: 'server', url: serverUrl, name };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-template-'));
  const database = await openDatabase({ dataDir: dir, purpose: 'test template' });
  await migrate(database);
  await seedDemo(database);
  await database.close();
  return { kind: 'embedded', dir };
}

export async function dropTemplate(template: Template): Promise<void> {
  if (template.kind === 'embedded') fs.rmSync(template.dir, { recursive: true, force: true });
  else await adminQuery(template.url, `drop database if exists ${template.name}`);
}

/** A fresh copy of the template for one test file; closing it removes it. */
export async function copyOfTemplate(template: Template): Promise<Database> {
  if (template.kind === 'embedded') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-test-'));
    fs.cpSync(template.dir, dir, { recursive: true });
    const database = await openDatabase({ dataDir: dir, purpose: 'tests' });
    return {
      ...database,
      close: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `pa_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(template.url, `create database ${name} template ${template.name}`);
  const database = await openDatabase({
    databaseUrl: withDatabaseName(template.url, name),
    dataDir: '',
    purpose: 'tests',
    maxConnections: 4,
  });
  return {
    ...database,
    close: async () => {
      await database.close();
      await adminQuery(template.url, `drop database if exists ${name}`);
    },
  };
}

/** The server URL a copy lives at, for tests that start a second process against it. */
export function serverUrlOf(database: Database): string | undefined {
  return database.kind === 'server' ? database.location : undefined;
}
