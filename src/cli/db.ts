import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import {
  type Command,
  CommandFailed,
  complain,
  describeDatabase,
  type Group,
  parseFlags,
  programName,
  say,
  table,
  UsageError,
  withDatabase,
} from './common.ts';

const migrateCommand: Command = {
  group: 'db',
  name: 'migrate',
  usage: 'db migrate',
  summary: 'Create the database tables, or bring them up to date',
  details:
    'Applies the migrations this version has that the database has not, then seals any free text about a case\n' +
    'that an earlier version stored in plain text (with CASE_DATA_KEY). Safe to run again: it changes nothing\n' +
    'when the database is up to date. The service also does this when it starts.',
  async run(args) {
    parseFlags(args, {});
    const { migrate, migrationStatus } = await import('../db/migrate.ts');
    return withDatabase('as-is', async (database, config) => {
      const before = await migrationStatus(database);
      await migrate(database);
      const after = await migrationStatus(database);
      const applied = after.applied - before.applied;
      say(
        applied === 0
          ? `Nothing to do: ${describeDatabase(database)} has all ${after.applied} migrations.`
          : `Applied ${applied} migration${applied === 1 ? '' : 's'} to ${describeDatabase(database)} (now ${after.applied} of ${after.expected}).`,
      );
      const sealed = await sealPlainTextWithKey(database, config);
      if (sealed)
        say(`Sealed ${sealed} value${sealed === 1 ? '' : 's'} of free text that an earlier version stored in plain text.`);
      return 0;
    });
  },
};

/**
 * Seals the free text an earlier version stored in plain text, when the key is at hand. Without it (a
 * server with no CASE_DATA_KEY) the migrations still count as done: the service seals it when it starts.
 */
async function sealPlainTextWithKey(database: Database, config: Config): Promise<number> {
  const [{ caseDataKeyFor }, { useCaseDataKey, CaseDataKeyError }, { sealPlainText }] = await Promise.all([
    import('../config.ts'),
    import('../platform/encryption.ts'),
    import('../db/seal-backfill.ts'),
  ]);
  try {
    useCaseDataKey(caseDataKeyFor(config));
  } catch (error) {
    if (!(error instanceof CaseDataKeyError)) throw error;
    complain(
      'CASE_DATA_KEY is not set, so free text an earlier version stored in plain text was not sealed: the service seals it when it starts.',
    );
    return 0;
  }
  return sealPlainText(database.db);
}

const seedCommand: Command = {
  group: 'db',
  name: 'seed',
  usage: 'db seed --demo',
  summary: 'Load the synthetic demo organisations and accounts',
  details: async () => {
    const { demoPassword } = await import('../demo/seed.ts');
    return (
      'Loads five invented organisations and an account for every role, all with the published password\n' +
      `"${demoPassword}". Only into an empty database: never into a real install.\n` +
      'If the demo is already loaded it says so and changes nothing.\n\n' +
      'Flags:\n' +
      '  --demo   required: says that the synthetic demo is what you mean to load'
    );
  },
  async run(args) {
    const flags = parseFlags(args, { demo: { type: 'boolean' } });
    if (!flags.demo) {
      throw new UsageError(
        'The only data this loads is the synthetic demo, whose accounts share a published password. ' +
          'Add --demo to say that is what you want.',
      );
    }
    const { demoPassword, isDemoLoaded, seedDemoIfEmpty } = await import('../demo/seed.ts');
    return withDatabase('migrate', async (database, config) => {
      // The demo's concern cases are encrypted with the service's key, so the service can read them.
      const [{ caseDataKeyFor }, { useCaseDataKey, CaseDataKeyError }] = await Promise.all([
        import('../config.ts'),
        import('../platform/encryption.ts'),
      ]);
      try {
        useCaseDataKey(caseDataKeyFor(config));
      } catch (error) {
        if (error instanceof CaseDataKeyError) throw new CommandFailed(error.message, 2);
        throw error;
      }
      if (await isDemoLoaded(database)) {
        say(`The demo is already loaded in ${describeDatabase(database)}. Nothing changed.`);
        return 0;
      }
      const accounts = await seedDemoIfEmpty(database);
      if (!accounts) {
        throw new CommandFailed(
          `The demo was not loaded: ${describeDatabase(database)} already holds other organisations, and the demo's ` +
            'accounts share a published password. Load it only into an empty DATA_DIR or database.',
        );
      }
      say(`Loaded the synthetic demo into ${describeDatabase(database)}.`);
      say(`Demo accounts (every password is "${demoPassword}"):`);
      say(table(accounts.map((a) => [`  ${a.email}`, `${a.role}, ${a.organisation}`])));
      say(`Start the service and sign in with any of them; "${programName} org list" shows the organisations.`);
      return 0;
    });
  },
};

export const dbGroup: Group = {
  name: 'db',
  summary: 'The database itself',
  commands: [migrateCommand, seedCommand],
};
