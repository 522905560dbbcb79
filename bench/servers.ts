/**
 * The servers under test, in a child process of bench/index.ts so that the load generator does not share
 * their event loop: the real app on the demo database, and a bare Fastify app with one route.
 * Both listen on 127.0.0.1, port 0. They stop, and the embedded database closes, when the parent says so
 * or goes away.
 */
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';
import { auditKeysFor, caseDataKeyFor, loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { isDemoLoaded, seedDemoIfEmpty } from '../src/demo/seed.ts';
import { useAuditKeys } from '../src/modules/audit/keys.ts';
import { useCaseDataKey } from '../src/platform/encryption.ts';

/** What the child tells its parent. */
export type ServersMessage =
  | {
      type: 'ready';
      appUrl: string;
      bareUrl: string;
      database: { kind: Database['kind']; location: string; version: string; demo: 'loaded now' | 'already loaded' };
    }
  | { type: 'failed'; message: string };

/** What the parent tells the child. */
export type ParentMessage = { type: 'stop' };

/** A database the benchmark will not load the demo into; reported without a stack trace. */
class NotThrowawayError extends Error {}

const dataDir = process.env.BENCH_DATA_DIR;
const databaseUrl = process.env.DATABASE_URL || undefined;

function send(message: ServersMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/servers.ts is started by bench/index.ts (npm run bench), not on its own.');
  if (!databaseUrl && !dataDir) throw new Error('BENCH_DATA_DIR is not set');

  // A clean environment: only what the benchmark chooses, whatever else the shell exports.
  const config = loadConfig({
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    DATA_DIR: dataDir ?? '/nonexistent',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    REQUIRE_MFA: 'false',
    DEMO: 'true',
    // The benchmark's own throw-away keys: its data is the synthetic demo, removed afterwards.
    CASE_DATA_KEY: Buffer.alloc(32, 9).toString('base64'),
    AUDIT_KEY: Buffer.alloc(32, 10).toString('base64'),
  });

  const stoppers: (() => Promise<unknown>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (code: number) => {
    stopping ??= (async () => {
      for (const close of stoppers.reverse()) {
        try {
          await close();
        } catch (error) {
          console.error('bench servers: while stopping:', error);
        }
      }
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(code);
    })();
    return stopping;
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') void stop(0);
  });
  process.on('disconnect', () => void stop(1));
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));

  try {
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      purpose: 'npm run bench',
    });
    stoppers.push(() => database.close());

    await migrate(database);
    // The demo's cases are encrypted and its changes audited, as the service does before it loads them.
    useCaseDataKey(caseDataKeyFor(config));
    useAuditKeys(auditKeysFor(config));
    let demo: 'loaded now' | 'already loaded' = 'already loaded';
    if (!(await isDemoLoaded(database))) {
      const seeded = await seedDemoIfEmpty(database);
      if (!seeded) {
        throw new NotThrowawayError(
          `The database at ${database.location} holds organisations but not the demo. ` +
            'The benchmark loads published demo passwords: give it an empty, throwaway database.',
        );
      }
      demo = 'loaded now';
    }
    const version = await database.db.execute(sql`show server_version`);
    const serverVersion = String((version as unknown as { rows: { server_version: string }[] }).rows[0]?.server_version ?? '?');

    const app = await buildApp(database, config);
    stoppers.push(() => app.close());
    const appUrl = await app.listen({ host: config.host, port: 0 });

    const bare = Fastify({ logger: false });
    bare.get('/', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><title>Bare</title><p>Hello from bare Fastify.</p>'),
    );
    stoppers.push(() => bare.close());
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

    send({
      type: 'ready',
      appUrl,
      bareUrl,
      database: { kind: database.kind, location: database.location, version: serverVersion, demo },
    });
  } catch (error) {
    // Stopping closes the database under whatever was running; that is not a failure to report.
    if (stopping) return;
    const message =
      error instanceof NotThrowawayError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    send({ type: 'failed', message });
    await stop(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
