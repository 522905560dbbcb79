import { DataDirectoryLockedError } from '../db/lock.ts';
import { InputError } from '../platform/errors.ts';
import { anonymiseGroup } from './anonymise.ts';
import { assuranceGroup } from './assurance.ts';
import { auditGroup } from './audit.ts';
import {
  type Command,
  CommandFailed,
  commandWords,
  complain,
  type Group,
  programName,
  say,
  table,
  UsageError,
} from './common.ts';
import { dbGroup } from './db.ts';
import { orgGroup } from './org.ts';
import { reportGroup } from './report.ts';
import { standardsGroup } from './standards.ts';
import { tokenGroup } from './token.ts';
import { importGroup } from './training.ts';
import { complianceCommand } from './training-compliance.ts';
import { userGroup } from './user.ts';

const trainingGroup: Group = { name: 'training', summary: 'Prevent training figures', commands: [complianceCommand] };

const groups: Group[] = [
  dbGroup,
  orgGroup,
  userGroup,
  tokenGroup,
  auditGroup,
  trainingGroup,
  importGroup,
  reportGroup,
  anonymiseGroup,
  standardsGroup,
  assuranceGroup,
];

const exitCodes =
  'Exit codes:\n' +
  '  0  done\n' +
  '  1  could not be done: the database is open in another process or unreachable, or the audit trail is broken\n' +
  '  2  a wrong command, flag or value; nothing was changed';

const environment =
  'It works on the service’s own database, configured as for the service: the PostgreSQL server in\n' +
  'DATABASE_URL if set, otherwise the embedded database in DATA_DIR (default ./data). The embedded\n' +
  'database can be open in only one process at a time: stop the service before using it.';

function overview(): string {
  const lines = groups.flatMap((g) => g.commands.map((c) => [`  ${commandWords(c)}`, c.summary]));
  lines.push(['  help [COMMAND]', 'Explain a command, e.g. help org add']);
  return [
    `Usage: ${programName} COMMAND [FLAGS]`,
    '',
    'Commands:',
    table(lines),
    '',
    environment,
    '',
    exitCodes,
    '',
    `Run "${programName} help COMMAND" (or add --help to it) for its flags.`,
  ].join('\n');
}

function groupHelp(group: Group): string {
  return [
    `${group.summary}:`,
    '',
    ...group.commands.map((c) => `  ${programName} ${c.usage}\n      ${c.summary}`),
    '',
    `Run "${programName} help ${group.name} COMMAND" for its flags.`,
  ].join('\n');
}

async function commandHelp(command: Command): Promise<string> {
  const details = typeof command.details === 'string' ? command.details : await command.details();
  return [`Usage: ${programName} ${command.usage}`, '', `${command.summary}.`, '', details, '', exitCodes].join('\n');
}

function wrongUse(problem: string, usage: string): number {
  complain(`${programName}: ${problem}\n\n${usage}`);
  return 2;
}

/** help, help GROUP, help GROUP COMMAND. */
async function help(words: string[]): Promise<number> {
  const [groupName, commandName, ...extra] = words;
  if (groupName === undefined) {
    say(overview());
    return 0;
  }
  const group = groups.find((g) => g.name === groupName);
  if (!group || extra.length > 0) return wrongUse(`No help for "${words.join(' ')}": there is no such command.`, overview());
  const single = group.commands.find((c) => c.name === '');
  if (single && commandName === undefined) {
    say(await commandHelp(single));
    return 0;
  }
  if (commandName === undefined) {
    say(groupHelp(group));
    return 0;
  }
  const command = group.commands.find((c) => c.name === commandName);
  if (!command) return wrongUse(`No help for "${words.join(' ')}": there is no such command.`, groupHelp(group));
  say(await commandHelp(command));
  return 0;
}

const isHelpFlag = (word: string | undefined) => word === '--help' || word === '-h';

/** Failures become messages an operator can act on; only a fault in the program itself shows a stack trace. */
function report(error: unknown, command: Command): number {
  if (error instanceof UsageError) {
    return wrongUse(
      `${commandWords(command)}: ${error.message}`,
      `Usage: ${programName} ${command.usage}\nRun "${programName} help ${commandWords(command)}" for details.`,
    );
  }
  if (error instanceof InputError) {
    const lines = Object.entries(error.fieldErrors).map(([field, message]) => {
      const flag = command.fieldFlags?.[field];
      return flag ? `${flag}: ${message}` : message;
    });
    complain(`${lines.join('\n')}\nNothing was changed.`);
    return 2;
  }
  if (error instanceof CommandFailed) {
    complain(error.message);
    return error.exitCode;
  }
  if (error instanceof DataDirectoryLockedError) {
    complain(error.message);
    return 1;
  }
  // System and PostgreSQL errors (refused connection, wrong password, missing database) carry a code and a plain message.
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string') {
    complain(`${programName} ${commandWords(command)} failed: ${error.message} (${code})`);
    return 1;
  }
  complain(`${programName} ${commandWords(command)} failed unexpectedly:`);
  complain(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  const [groupName, commandName, ...args] = argv;
  if (groupName === undefined) return wrongUse('Say which command to run.', overview());
  if (groupName === 'help') return help(argv.slice(1));
  if (isHelpFlag(groupName)) return help([]);
  const group = groups.find((g) => g.name === groupName);
  if (!group) {
    const what = groupName.startsWith('-') ? `Unknown flag ${groupName}` : `Unknown command "${groupName}"`;
    return wrongUse(`${what}.`, overview());
  }
  const single = group.commands.find((c) => c.name === '');
  if (single) return runCommand(single, argv.slice(1));
  if (isHelpFlag(commandName)) return help([group.name]);
  if (commandName === undefined) return wrongUse(`"${group.name}" needs a command.`, groupHelp(group));
  const command = group.commands.find((c) => c.name === commandName);
  if (!command) return wrongUse(`Unknown command "${group.name} ${commandName}".`, groupHelp(group));
  return runCommand(command, args);
}

async function runCommand(command: Command, args: string[]): Promise<number> {
  const flags = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (flags.some(isHelpFlag)) return help(command.name ? [command.group, command.name] : [command.group]);
  try {
    return await command.run(args);
  } catch (error) {
    return report(error, command);
  }
}
