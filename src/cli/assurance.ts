import { isRealDate, todayInLondon } from '../platform/dates.ts';
import { InputError } from '../platform/errors.ts';
import { type Command, type Group, parseFlags, requireFlags, say, withDatabase } from './common.ts';

const resultNames = {
  met: 'met',
  partly_met: 'partly met',
  not_met: 'not met',
  not_assessed: 'not assessed',
} as const;

/**
 * `assurance status`: each requirement of the core standards that applies to an organisation, with the
 * result computed from its records where a rule computes it. For scripts and for people without the app to hand.
 */
export const statusCommand: Command = {
  group: 'assurance',
  name: 'status',
  usage: 'assurance status --org ODS [--as-at YYYY-MM-DD] [--json]',
  summary: 'Show an organisation’s results against the core standards, computed from its records',
  details:
    'Prints each requirement of the current edition of the NHS England Prevent core standards that applies\n' +
    'to the organisation (a commissioner’s or a provider’s), with its result as at a date: met, partly met\n' +
    'or not met where a rule computes it from the records (leads, work programme, policy, risk register,\n' +
    'CTLP, training, lessons learned, sharing decisions), and the reason in words; "not assessed" where a\n' +
    'person assesses it in the self-assessment.\n\n' +
    'Flags:\n' +
    '  --org ODS            the ODS code of the organisation (see "org list")\n' +
    '  --as-at YYYY-MM-DD   the date to work the results out at (default: today)\n' +
    '  --json               print a JSON array instead, one object per requirement:\n' +
    '                       {"id","section","text","result":"met|partly_met|not_met|not_assessed","computed":true|false,"reason"}',
  fieldFlags: { orgId: '--org', asAt: '--as-at' },
  async run(args) {
    const flags = parseFlags(args, { org: { type: 'string' }, 'as-at': { type: 'string' }, json: { type: 'boolean' } });
    requireFlags(flags, ['org']);
    const asAt = flags['as-at'] ?? todayInLondon();
    if (!isRealDate(asAt)) throw new InputError({ asAt: 'Enter a real date, like 2026-03-31' });
    const [assurance, organisations, standards] = await Promise.all([
      import('../modules/assurance/service.ts'),
      import('../modules/organisations/service.ts'),
      import('../modules/standards/service.ts'),
    ]);
    return withDatabase('current', async (database) => {
      const code = (flags.org ?? '').trim().toUpperCase();
      const org = await organisations.findByOdsCode(database.db, code);
      if (!org) throw new InputError({ orgId: `No organisation has the ODS code ${code} (see "org list")` });
      const edition = standards.currentEdition();
      const statuses = await assurance.assuranceStatusOf(database.db, org, asAt, edition);
      const rows = statuses.map((s) => ({
        id: s.requirement.id,
        section: s.requirement.section,
        text: s.requirement.text,
        result: s.outcome.result,
        computed: s.computed,
        reason: s.outcome.reason,
      }));
      if (flags.json) {
        say(JSON.stringify(rows, null, 2));
        return 0;
      }
      say(`${org.name} (${org.odsCode}) against ${edition.title}, as at ${asAt}`);
      if (rows.length === 0) {
        say(`\nNo requirement of this edition applies to an organisation of this kind (${organisations.kindNames[org.kind]}).`);
        return 0;
      }
      for (const row of rows) {
        say('');
        say(`${row.id}  ${resultNames[row.result]}`);
        say(`  Section: ${row.section}`);
        say(`  ${row.text}`);
        say(`  Computed from the records: ${row.computed ? 'yes' : 'no'}`);
        say(`  Reason: ${row.reason}`);
      }
      const counts = Object.entries(resultNames)
        .map(([result, name]) => `${rows.filter((r) => r.result === result).length} ${name}`)
        .join(', ');
      say(`\n${rows.length} requirements: ${counts}`);
      return 0;
    });
  },
};

export const assuranceGroup: Group = {
  name: 'assurance',
  summary: 'Results against the core standards',
  commands: [statusCommand],
};
