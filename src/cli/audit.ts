import fs from 'node:fs';
import type { Checkpoint } from '../modules/audit/service.ts';
import {
  type Command,
  CommandFailed,
  describeDatabase,
  type Group,
  parseFlags,
  programName,
  requireFlags,
  say,
  UsageError,
  useAuditKeysOf,
  withDatabase,
} from './common.ts';

/** The checkpoint a file holds, read before the database is opened: a wrong file is bad input (exit 2). */
async function readCheckpointFile(file: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new CommandFailed(`Cannot read the checkpoint ${file}: ${why}.`, 2);
  }
  const { NotACheckpointError, readCheckpoint } = await import('../modules/audit/service.ts');
  try {
    return readCheckpoint(text);
  } catch (error) {
    if (error instanceof NotACheckpointError) {
      throw new CommandFailed(
        `${file} is not an audit checkpoint: ${error.message}. A checkpoint is the file "audit checkpoint --out" writes, ` +
          'the one the accountable lead downloads, or a line of the log with the message "audit checkpoint".',
        2,
      );
    }
    throw error;
  }
}

const verifyCommand: Command = {
  group: 'audit',
  name: 'verify',
  usage: 'audit verify [--checkpoint FILE]',
  summary: 'Check that no audit entry has been edited, removed or reordered',
  details:
    'Every audit entry holds the hash of the one before it, made with the audit key (AUDIT_KEY, or on\n' +
    'the embedded database DATA_DIR/audit.key). This walks the whole trail, every organisation’s, and\n' +
    'recomputes each hash. It says how many entries are from before the chain was keyed (hashed without\n' +
    'the key), which only a checkpoint taken since protects.\n\n' +
    'The chain alone cannot show that its last entries were removed. A checkpoint can: it names the\n' +
    'last entry at a moment, and is kept apart from the database.\n\n' +
    'Flags:\n' +
    '  --checkpoint FILE  also check that the entry the checkpoint names is still there, unchanged. FILE is\n' +
    '                     one written by "audit checkpoint --out", one downloaded by the accountable lead,\n' +
    '                     or a line of the service\'s log with the message "audit checkpoint".\n\n' +
    'It exits 0 if all is intact, 1 naming the first entry that does not fit or what the checkpoint\n' +
    'covers that is gone or changed, and 2 if FILE cannot be read or is not a checkpoint.',
  async run(args) {
    const flags = parseFlags(args, { checkpoint: { type: 'string' } });
    if (flags.checkpoint === '') throw new UsageError('--checkpoint needs a file name');
    const file = flags.checkpoint;
    const checkpoint = file === undefined ? undefined : await readCheckpointFile(file);
    const audit = await import('../modules/audit/service.ts');
    return withDatabase('current', async (database, config) => {
      await useAuditKeysOf(config, { make: false });
      // The connecting role owns the table, so row-level security does not narrow it to one organisation.
      const result = await audit.verify(database.db, { checkpoint });
      const unkeyed =
        result.unkeyed === 0
          ? 'none of them from before the chain was keyed'
          : `${result.unkeyed} of them from before the chain was keyed (hashed without the audit key: only a checkpoint taken since protects them)`;
      if (result.brokenAt) {
        const { seq, id, reason } = result.brokenAt;
        say(`Audit trail BROKEN at entry seq ${seq} (id ${id}): ${reason}.`);
        say(`The ${result.checked} entries before it are intact, ${unkeyed}. Nothing after it was checked.`);
      } else {
        say(`Audit trail intact: ${result.checked} entries checked in ${describeDatabase(database)}, ${unkeyed}.`);
      }
      if (checkpoint) {
        const which = `the checkpoint ${file} (entry seq ${checkpoint.seq}, taken at ${checkpoint.at})`;
        if (result.checkpointProblem) say(`Checkpoint NOT MATCHED: ${result.checkpointProblem}.`);
        else say(`The trail still holds everything ${which} covers, unchanged.`);
      }
      return result.ok ? 0 : 1;
    });
  },
};

const checkpointCommand: Command = {
  group: 'audit',
  name: 'checkpoint',
  usage: 'audit checkpoint --out FILE',
  summary: 'Write a checkpoint of the audit trail, to keep apart from the database',
  details:
    'Writes FILE: the seq and hash of the trail’s last entry and the time, as JSON. Keep it somewhere the\n' +
    'database’s administrators cannot change; "audit verify --checkpoint FILE" then shows whether any\n' +
    'entry it covers has been removed or changed. The service also writes one to its log every day\n' +
    '(message "audit checkpoint"), and the accountable Prevent lead can download one from the audit page.\n\n' +
    'Flags:\n' +
    '  --out FILE  required: where to write it. A file that exists is never written over (exit 2).',
  async run(args) {
    const flags = parseFlags(args, { out: { type: 'string' } });
    requireFlags(flags, ['out']);
    const out = flags.out ?? '';
    if (out === '') throw new UsageError('--out needs a file name');
    const exists = () =>
      new CommandFailed(`${out} already exists: a checkpoint is never written over another. Give a new file name.`, 2);
    if (fs.existsSync(out)) throw exists();
    const audit = await import('../modules/audit/service.ts');
    return withDatabase('current', async (database) => {
      const checkpoint = await audit.takeCheckpoint(database.db);
      try {
        fs.writeFileSync(out, audit.checkpointFile(checkpoint), { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists();
        throw new CommandFailed(`Cannot write ${out}: ${(error as Error).message}`, 2);
      }
      say(`Wrote a checkpoint of the audit trail in ${describeDatabase(database)} to ${out}:`);
      say(`  entry seq ${checkpoint.seq}, hash ${checkpoint.hash}, taken at ${checkpoint.at}.`);
      say(`Keep it apart from the database. Check the trail against it with: ${programName} audit verify --checkpoint ${out}`);
      return 0;
    });
  },
};

export const auditGroup: Group = {
  name: 'audit',
  summary: 'The audit trail',
  commands: [verifyCommand, checkpointCommand],
};
