import { InputError } from '../platform/errors.ts';
import { type Command, parseFlags, requireFlags, say, table, withDatabase } from './common.ts';

/**
 * `training compliance`: an organisation's Prevent training compliance per required level, for
 * scripts and for people without the app to hand. Counts only, never a name.
 */
export const complianceCommand: Command = {
  group: 'training',
  name: 'compliance',
  usage: 'training compliance --org ODS [--as-at YYYY-MM-DD] [--json]',
  summary: 'Show an organisation’s Prevent training compliance by required level',
  details:
    'Prints, for each level staff need (basic Prevent awareness, level 3), the staff in scope, how\n' +
    'many are up to date and the percentage against the 85% target, as at a date.\n\n' +
    'Flags:\n' +
    '  --org ODS            the ODS code of the organisation (see "org list")\n' +
    '  --as-at YYYY-MM-DD   the date to count at (default: today); records expire, so past and future dates differ\n' +
    '  --json               print JSON instead of a table:\n' +
    '                       {"org":"RZ1","asAt":"…","target":85,"levels":[{"level":"basic","inScope":…,"compliant":…,"percent":…,"rag":…}, …]}',
  fieldFlags: { orgId: '--org', asAt: '--as-at' },
  async run(args) {
    const flags = parseFlags(args, { org: { type: 'string' }, 'as-at': { type: 'string' }, json: { type: 'boolean' } });
    requireFlags(flags, ['org']);
    const [training, rules, organisations] = await Promise.all([
      import('../modules/training/service.ts'),
      import('../modules/training/rules.ts'),
      import('../modules/organisations/service.ts'),
    ]);
    const asAt = training.asAtOrToday(flags['as-at']);
    return withDatabase('current', async (database) => {
      const code = (flags.org ?? '').trim().toUpperCase();
      const org = await organisations.findByOdsCode(database.db, code);
      if (!org) throw new InputError({ orgId: `No organisation has the ODS code ${code} (see "org list")` });
      const levels = await training.levelCountsForOrganisation(database.db, org.id, asAt);
      if (flags.json) {
        const out = levels.map((l) => ({
          level: l.level,
          inScope: l.inScope,
          compliant: l.compliant,
          expiringSoon: l.expiringSoon,
          expired: l.expired,
          neverTrained: l.neverTrained,
          percent: l.percent,
          rag: l.rag,
        }));
        say(JSON.stringify({ org: org.odsCode, asAt, target: rules.complianceTarget, levels: out }));
        return 0;
      }
      say(`${org.name} (${org.odsCode}): Prevent training as at ${asAt}, target ${rules.complianceTarget}%`);
      say('');
      say(
        table([
          ['Level', 'In scope', 'Up to date', 'Percent', 'RAG'],
          ...levels.map((l) => [
            rules.levelNames[l.level],
            String(l.inScope),
            String(l.compliant),
            l.percent === null ? '-' : `${l.percent}%`,
            l.rag ?? '-',
          ]),
        ]),
      );
      return 0;
    });
  },
};
