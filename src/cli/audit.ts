import { type Command, describeDatabase, type Group, parseFlags, say, withDatabase } from './common.ts';

const verifyCommand: Command = {
  group: 'audit',
  name: 'verify',
  usage: 'audit verify',
  summary: 'Check that no audit entry has been edited or removed',
  details:
    'Every audit entry holds the hash of the one before it. This walks the whole trail, every\n' +
    'organisation’s, and recomputes each hash. It exits 0 if the chain is intact, or names the first\n' +
    'entry that does not fit and exits 1.',
  async run(args) {
    parseFlags(args, {});
    const audit = await import('../modules/audit/service.ts');
    return withDatabase('current', async (database) => {
      // The connecting role owns the table, so row-level security does not narrow it to one organisation.
      const result = await audit.verify(database.db);
      if (result.ok) {
        say(`Audit trail intact: ${result.checked} entries checked in ${describeDatabase(database)}.`);
        return 0;
      }
      const { seq, id, reason } = result.brokenAt;
      say(`Audit trail BROKEN at entry seq ${seq} (id ${id}): ${reason}.`);
      say(`The ${result.checked} entries before it are intact. Nothing after it was checked.`);
      return 1;
    });
  },
};

export const auditGroup: Group = {
  name: 'audit',
  summary: 'The audit trail',
  commands: [verifyCommand],
};
