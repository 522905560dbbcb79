import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { parseAuditKeys, useAuditKeys } from '../src/modules/audit/keys.ts';
import { parseCaseDataKey, useCaseDataKey } from '../src/platform/encryption.ts';

/** The tests' case data key: not a secret, it protects only synthetic demo data. */
export const testCaseDataKey = Buffer.alloc(32, 7).toString('base64');
/** The tests' audit key, for the same reason: the demo's audit entries are hashed with it. */
export const testAuditKey = Buffer.alloc(32, 8).toString('base64');

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
  useCaseDataKey(parseCaseDataKey(testCaseDataKey));
  useAuditKeys(parseAuditKeys(testAuditKey));
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
  // As the service leaves it: the command line, pointed at a copy as its DATA_DIR, verifies with the same key.
  fs.writeFileSync(path.join(dir, 'audit.key'), `${testAuditKey}\n`, { mode: 0o600 });
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

/**
 * A database for a second process (the command line under test) to open: nothing in this process
 * holds it, because the embedded database may be open in only one process at a time.
 */
export type DetachedDatabase = {
  kind: Template['kind'];
  /** What points the service or the command line at it: DATA_DIR for the embedded database, DATABASE_URL for a server. */
  env: { DATA_DIR: string } | { DATABASE_URL: string };
  /** Opens it in this process, for set-up and checks; close it before another process needs it. */
  open(): Promise<Database>;
  remove(): Promise<void>;
};

function detachedEmbedded(dir: string, dataDir: string): DetachedDatabase {
  return {
    kind: 'embedded',
    env: { DATA_DIR: dataDir },
    open: () => openDatabase({ dataDir, purpose: 'tests' }),
    remove: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function detachedServer(template: Extract<Template, { kind: 'server' }>, name: string): DetachedDatabase {
  const url = withDatabaseName(template.url, name);
  return {
    kind: 'server',
    env: { DATABASE_URL: url },
    open: () => openDatabase({ databaseUrl: url, dataDir: '', purpose: 'tests', maxConnections: 2 }),
    remove: () => adminQuery(template.url, `drop database if exists ${name} with (force)`),
  };
}

/** A fresh copy of the migrated demo template, not opened. */
export async function detachedCopyOfTemplate(template: Template): Promise<DetachedDatabase> {
  if (template.kind === 'embedded') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-test-'));
    fs.cpSync(template.dir, dir, { recursive: true });
    return detachedEmbedded(dir, dir);
  }
  const name = `pa_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(template.url, `create database ${name} template ${template.name}`);
  return detachedServer(template, name);
}

/** A database with nothing in it: a data directory that does not exist yet, or an empty database on the server. */
export async function detachedEmptyDatabase(template: Template): Promise<DetachedDatabase> {
  if (template.kind === 'embedded') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-test-'));
    return detachedEmbedded(dir, path.join(dir, 'data'));
  }
  const name = `pa_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(template.url, `create database ${name}`);
  return detachedServer(template, name);
}
