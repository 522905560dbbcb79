import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { Actor } from '../modules/audit/service.ts';

// Modules that reach the database (zod, Drizzle, PGlite, argon2) take over a second to load, so commands
// import them when they run: help and typing mistakes answer at once, and never wait for them.

export const programName = 'prevent-assure';

/** A mistake in how the command was typed: shown with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** The command could not do its job for a reason the operator must put right: exit code 1, or 2 for bad configuration. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export type Command = {
  group: string;
  /** '' for a command of one word (such as anonymise): its group has only this command. */
  name: string;
  /** Everything after the program name, flags included. */
  usage: string;
  summary: string;
  /** The rest of `help` for this command: what it does, the flags, what it prints. A function if it needs a module loaded. */
  details: string | (() => Promise<string>);
  /** Which flag carries each field a service names in an InputError, so that the message points at what to retype. */
  fieldFlags?: Record<string, string>;
  run(args: string[]): Promise<number>;
};

export type Group = { name: string; summary: string; commands: Command[] };

/** The words that run a command: "token create", or "anonymise" for a command of one word. */
export const commandWords = (command: Pick<Command, 'group' | 'name'>) =>
  command.name ? `${command.group} ${command.name}` : command.group;

type Flags = NonNullable<ParseArgsConfig['options']>;

/** util.parseArgs, strict, with its errors rewritten as usage errors an operator can act on. */
export function parseFlags<const F extends Flags>(args: string[], flags: F) {
  try {
    return parseArgs({ args, options: flags, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw asUsageError(
      error,
      Object.values(flags).some((f) => f.type === 'string'),
    );
  }
}

function asUsageError(error: unknown, takesValues: boolean): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const message = (error as Error).message ?? '';
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`Unknown flag ${flag}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(message.includes('does not take') ? `${flag} takes no value` : `${flag} needs a value`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const word = /'([^']*)'/.exec(message)?.[1] ?? '';
      // Where flags take values, the usual cause is a name with spaces typed without quotes.
      const hint = takesValues ? ': put a value that has spaces in quotes, like --name "Northshire Trust"' : '';
      return new UsageError(`Unexpected word "${word}"${hint}`);
    }
    default:
      return error;
  }
}

export function requireFlags(values: Record<string, unknown>, names: readonly string[]): void {
  const missing = names.filter((n) => values[n] === undefined).map((n) => `--${n}`);
  if (missing.length === 1) throw new UsageError(`Missing ${missing[0]}`);
  if (missing.length > 1) throw new UsageError(`Missing ${missing.join(', ')}`);
}

/** Where a command reads and writes: the process's own streams, unless a caller (the tests) runs it with others. */
export type Streams = {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; destroy?(): void };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
};
const streamsOfRun = new AsyncLocalStorage<Streams>();
/** The streams of the command running now. */
export const streams = (): Streams => streamsOfRun.getStore() ?? process;
/** Runs `work` (a command) with its input and output on `io`: how the tests run commands without a child process. */
export const withStreams = <T>(io: Streams, work: () => Promise<T>): Promise<T> => streamsOfRun.run(io, work);

export const say = (text: string) => streams().stdout.write(`${text}\n`);
export const complain = (text: string) => streams().stderr.write(`${text}\n`);

/** Whoever runs the command line is recorded by their login name; there is no account behind it. */
export function commandLineActor(): Actor {
  let username: string;
  try {
    username = os.userInfo().username;
  } catch {
    // A container user with no passwd entry has no name to give.
    username = process.env.USER ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
  return { userId: null, label: `command line (${username})`, ip: null };
}

export function describeDatabase(database: Pick<Database, 'kind' | 'location'>): string {
  return database.kind === 'embedded'
    ? `the embedded database in ${database.location}`
    : `the PostgreSQL server at ${database.location}`;
}

/**
 * - `migrate`: a command that changes data brings the schema up to date first, so that it works on a new DATA_DIR.
 * - `current`: a command that only reads refuses a database that is missing or behind, rather than creating or changing it.
 * - `as-is`: opens whatever is there (db migrate itself).
 */
export type Preparation = 'migrate' | 'current' | 'as-is';

/**
 * Sets the audit keys for this command, as the service resolves them (AUDIT_KEY, or the embedded database's
 * key file, made only if `make`); a missing or malformed key is bad configuration (exit 2).
 */
export async function useAuditKeysOf(config: Config, options: { make: boolean }): Promise<void> {
  const [{ auditKeysFor }, { AuditKeyError, useAuditKeys }] = await Promise.all([
    import('../config.ts'),
    import('../modules/audit/keys.ts'),
  ]);
  try {
    useAuditKeys(auditKeysFor(config, options));
  } catch (error) {
    if (error instanceof AuditKeyError) throw new CommandFailed(error.message, 2);
    throw error;
  }
}

/**
 * Opens the service's database for one command and always closes it, however the command ends.
 * A command that changes data writes audit entries, so it gets the audit keys first.
 */
export async function withDatabase<T>(
  preparation: Preparation,
  work: (database: Database, config: Config) => Promise<T>,
): Promise<T> {
  const [{ ConfigError, loadConfig }, { openDatabase }, { migrate, migrationStatus }] = await Promise.all([
    import('../config.ts'),
    import('../db/client.ts'),
    import('../db/migrate.ts'),
  ]);
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandFailed(error.message, 2);
    throw error;
  }
  // Opening an empty directory would create a database (seconds, hundreds of MB) just to report that it is empty.
  if (preparation === 'current' && !config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'PG_VERSION'))) {
    throw new CommandFailed(
      `There is no database in ${config.dataDir} yet. Create it with "${programName} db migrate", or start the service. ` +
        'To use a PostgreSQL server instead, set DATABASE_URL.',
    );
  }
  // A configured key, or a server's missing one, is checked before anything is opened or created; the embedded
  // database's key file is read, or made, once its data directory is locked.
  const keyFileOnly = !config.auditKey && !config.databaseUrl;
  if (preparation === 'migrate' && !keyFileOnly) await useAuditKeysOf(config, { make: true });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    purpose: 'the prevent-assure command line',
  });
  try {
    try {
      // migrationStatus reads an unreachable server as one with no migrations: find out which it is first.
      await database.exec('select 1');
    } catch (error) {
      throw new CommandFailed(`Could not reach ${describeDatabase(database)}: ${(error as Error).message}`);
    }
    if (preparation === 'migrate' && keyFileOnly) await useAuditKeysOf(config, { make: true });
    if (preparation === 'migrate') await migrate(database);
    if (preparation === 'current') {
      const status = await migrationStatus(database);
      if (status.applied < status.expected) {
        throw new CommandFailed(
          `Only ${status.applied} of ${status.expected} migrations are applied to ${describeDatabase(database)}. ` +
            `Bring it up to date with "${programName} db migrate" first.`,
        );
      }
    }
    return await work(database, config);
  } finally {
    await database.close();
  }
}

/** Lines of equal-width columns; the last column is not padded so that lines carry no trailing spaces. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
