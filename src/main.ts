import { buildApp, modules } from './app.ts';
import { auditKeysFor, ConfigError, caseDataKeyFor, loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { DataDirectoryLockedError } from './db/lock.ts';
import { migrate } from './db/migrate.ts';
import { sealPlainText } from './db/seal-backfill.ts';
import { demoPassword, seedDemoIfEmpty } from './demo/seed.ts';
import { AuditKeyError, useAuditKeys } from './modules/audit/keys.ts';
import { CaseDataKeyError, useCaseDataKey } from './platform/encryption.ts';
import { startJobRunner } from './platform/jobs/runner.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  // Before the database is opened: a server install without its keys stops here, having changed nothing.
  useCaseDataKey(caseDataKeyFor(config));
  useAuditKeys(auditKeysFor(config));
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    purpose: 'the Prevent Assure service',
  });
  await migrate(database);
  // Free text an earlier version stored in plain text: sealed once, here, as SQL cannot without the key.
  const sealed = await sealPlainText(database.db);
  const seeded = config.demo ? await seedDemoIfEmpty(database) : null;
  const app = await buildApp(database, config);
  // Polls often enough that a change notified "at once" (e.g. a new Prevent lead) arrives within seconds.
  const jobs = startJobRunner(database, modules(), { intervalMs: 5_000, logger: app.log });

  const shutdown = async () => {
    await jobs.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  const address = await app.listen({ port: config.port, host: config.host });
  const lines = [
    '',
    `Prevent Assure is running at ${address.replace('127.0.0.1', 'localhost')}`,
    `Database: ${database.kind === 'embedded' ? `embedded PostgreSQL in ${database.location}` : `PostgreSQL server at ${database.location}`}`,
    `Multi-factor authentication: ${config.requireMfa ? 'required for roles that see case data' : 'optional (REQUIRE_MFA=false)'}`,
  ];
  if (sealed)
    lines.push(`Sealed ${sealed} value${sealed === 1 ? '' : 's'} of free text that an earlier version stored in plain text`);
  if (seeded) {
    lines.push('', `Demo accounts (synthetic data; every password is "${demoPassword}"):`);
    for (const account of seeded) lines.push(`  ${account.email.padEnd(42)} ${account.role}, ${account.organisation}`);
  }
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof DataDirectoryLockedError ||
    error instanceof CaseDataKeyError ||
    error instanceof AuditKeyError
  ) {
    console.error(error.message);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
