import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../platform/errors.ts';
import {
  type Command,
  CommandFailed,
  commandLineActor,
  complain,
  type Group,
  say,
  streams,
  UsageError,
  withDatabase,
} from './common.ts';

/** At most this many problems are printed; the rest are counted. */
const shownProblems = 50;

const options = {
  org: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'confirm-leavers': { type: 'string' },
} as const;

type ImportArgs = { file: string; org: string; dryRun: boolean; confirmedLeavers: number | null };

function readArgs(args: string[]): ImportArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const flag = /'(-[^' ]+)/.exec((error as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`Unknown flag ${flag}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(
        (error as Error).message.includes('does not take') ? `${flag} takes no value` : `${flag} needs a value`,
      );
    }
    throw error;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new UsageError('Say which file to import');
  if (extra.length > 0) throw new UsageError(`Unexpected word "${extra[0]}": give one file (in quotes if its name has spaces)`);
  if (parsed.values.org === undefined) throw new UsageError('Missing --org');
  const confirm = parsed.values['confirm-leavers'];
  if (confirm !== undefined && !/^\d{1,9}$/.test(confirm))
    throw new UsageError(`--confirm-leavers takes the number of staff who will become leavers, such as 235 (not "${confirm}")`);
  return {
    file,
    org: parsed.values.org,
    dryRun: parsed.values['dry-run'] === true,
    confirmedLeavers: confirm === undefined ? null : Number(confirm),
  };
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** A bar redrawn in place on a terminal; a line every few seconds in a log; nothing for a quick file. */
function progressReporter(): { update(p: { bytesRead: number; bytesTotal: number; rowsRead: number }): void; done(): void } {
  const { stderr } = streams();
  const tty = stderr.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  return {
    update(p) {
      const percent = p.bytesTotal > 0 ? Math.min(100, Math.floor((p.bytesRead * 100) / p.bytesTotal)) : 0;
      const text = `${percent}% (${megabytes(p.bytesRead)} of ${megabytes(p.bytesTotal)}, ${p.rowsRead.toLocaleString('en-GB')} rows)`;
      if (tty) {
        const width = 30;
        const filled = Math.round((percent / 100) * width);
        stderr.write(`\rChecking [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}\u001b[K`);
        drawn = true;
      } else if (Date.now() - lastLine >= 10_000) {
        if (lastLine !== 0) complain(`Checked ${text}`);
        lastLine = Date.now();
      }
    },
    done() {
      if (drawn) stderr.write('\r\u001b[K');
    },
  };
}

const importTrainingCommand: Command = {
  group: 'import',
  name: 'training',
  usage: 'import training FILE --org ODS [--dry-run] [--confirm-leavers N]',
  summary: 'Import staff and Prevent training records from a staff record (ESR) export',
  details:
    'Imports the statutory and mandatory training compliance export of the Electronic Staff Record\n' +
    '(CSV: UTF-8 or Windows-1252) for one organisation, with its column mapping and course rules (see\n' +
    '"Import settings" in the app). All or nothing: if any row has a problem, nothing is imported and every\n' +
    'problem is printed to standard error as "line N, COLUMN: problem (value "…")" (the first 50, then a\n' +
    "count); the full list is kept with the import in the app. Staff in the organisation's records but not\n" +
    'in the file are marked as leavers. Importing the same file again changes nothing.\n\n' +
    'A file that would make more staff leavers than the import settings allow without confirmation (10% of\n' +
    'the staff unless changed) is not imported: the command names the number and exits 2. Check the file\n' +
    'holds the whole organisation; to import it anyway, run it again with --confirm-leavers and that number.\n\n' +
    'On a terminal a progress bar is drawn on standard error; in a log, a line every 10 seconds.\n\n' +
    'Flags:\n' +
    '  --org ODS     the ODS code of the organisation the staff belong to (see "org list")\n' +
    '  --dry-run     check the file and print what it would change, without importing it\n' +
    '  --confirm-leavers N\n' +
    '                import even though N staff become leavers (N must be the number the import finds)\n\n' +
    'Exit code 2 also when any row has a problem, the file cannot be read or the leavers need confirming:\n' +
    'nothing was imported.',
  fieldFlags: { orgId: '--org', file: 'FILE' },
  async run(args) {
    const { file, org: ods, dryRun, confirmedLeavers } = readArgs(args);
    // Checked before the database is opened, so that a typing mistake never waits for (or holds) its lock.
    let bytes: number;
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile()) throw new InputError({ file: `${file} is not a file` });
      bytes = stat.size;
      fs.accessSync(file, fs.constants.R_OK);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError({
        file: `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}`,
      });
    }
    const [imports, uploads, history, organisations] = await Promise.all([
      import('../modules/training/import/service.ts'),
      import('../modules/training/import/uploads.ts'),
      import('../modules/training/import/history.ts'),
      import('../modules/organisations/service.ts'),
    ]);
    return withDatabase('migrate', async (database) => {
      const code = ods.trim().toUpperCase();
      const org = await organisations.findByOdsCode(database.db, code);
      if (!org) throw new InputError({ orgId: `No organisation has the ODS code ${code} (see "org list")` });
      const started = await uploads.startDirectImport(database.db, org.id, { name: path.basename(file), bytes, dryRun });
      const progress = progressReporter();
      let outcome: Awaited<ReturnType<typeof imports.runImport>>;
      try {
        outcome = await imports.runImport({
          database,
          orgId: org.id,
          importId: started.id,
          filePath: file,
          dryRun,
          confirmedLeavers,
          actor: commandLineActor(),
          scope: { userId: null, orgIds: [org.id] },
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.done();
      }
      if (outcome.status === 'failed') {
        throw new CommandFailed(`${outcome.failure ?? 'The file could not be read.'}\nNothing was imported.`, 2);
      }
      if (outcome.status === 'invalid') {
        const lines = outcome.problems.slice(0, shownProblems).map(history.describeProblem);
        if (outcome.errorCount > lines.length) lines.push(`and ${outcome.errorCount - lines.length} more`);
        complain(lines.join('\n'));
        throw new CommandFailed(
          `${file}: ${outcome.errorCount} ${outcome.errorCount === 1 ? 'problem' : 'problems'} in ${outcome.rowsRead} rows. Nothing was imported.`,
          2,
        );
      }
      const s = outcome.summary;
      if (outcome.status === 'unconfirmed' && s) {
        const percent = s.staffBefore > 0 ? Math.round((s.staffLeaving * 1000) / s.staffBefore) / 10 : 0;
        const wrong =
          confirmedLeavers === null
            ? ''
            : `--confirm-leavers ${confirmedLeavers} does not match: the file makes ${s.staffLeaving}.\n`;
        throw new CommandFailed(
          `${wrong}${file} would make ${s.staffLeaving} of ${s.staffBefore} staff leavers (${percent}%), more than the ` +
            `${s.leaverConfirmationPercent}% the import settings allow without confirmation; staff in scope would fall ` +
            `from ${s.inScopeBefore} to ${s.inScopeAfter}.\nNothing was imported. Check the file holds the whole ` +
            `organisation; to import it anyway, run again with --confirm-leavers ${s.staffLeaving}.`,
          2,
        );
      }
      say(
        dryRun
          ? `Checked ${file} for ${org.name} (${org.odsCode}): no problems in ${outcome.rowsRead} rows. Nothing was imported; importing it would change:`
          : `Imported ${file} for ${org.name} (${org.odsCode}): ${outcome.rowsRead} rows.`,
      );
      if (s) {
        say(`  staff in the file:           ${s.staffInFile}`);
        say(`  staff added:                 ${s.staffAdded}`);
        say(`  staff whose details changed: ${s.staffUpdated}`);
        say(`  staff marked as leavers:     ${s.staffLeft} (${s.staffLeaving} of the ${s.staffBefore} staff recorded before)`);
        say(`  staff in scope:              ${s.inScopeBefore} before, ${s.inScopeAfter} after`);
        say(`  leavers back in the file:    ${s.staffReturned}`);
        say(`  Prevent course rows:         ${s.preventRows} (other courses: ${s.otherCourses}, not kept)`);
        say(`  training records added:      ${s.recordsAdded}`);
        if (s.conflictingDetails > 0) {
          say(
            `  rows whose details differ from an earlier row of the same assignment: ${s.conflictingDetails} (the last is used)`,
          );
        }
      }
      return 0;
    });
  },
};

export const importGroup: Group = {
  name: 'import',
  summary: 'Import data from other systems',
  commands: [importTrainingCommand],
};
