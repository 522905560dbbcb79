import type { OrganisationKind } from '../modules/organisations/schema.ts';
import { InputError } from '../platform/errors.ts';
import {
  type Command,
  commandLineActor,
  type Group,
  parseFlags,
  programName,
  requireFlags,
  say,
  table,
  withDatabase,
} from './common.ts';

const loadOrganisations = () => import('../modules/organisations/service.ts');

const listCommand: Command = {
  group: 'org',
  name: 'list',
  usage: 'org list [--json]',
  summary: 'List the organisations',
  details:
    'Prints every organisation: ODS code, name, kind and the ODS code of the ICB that commissions it.\n\n' +
    'Flags:\n' +
    '  --json   print a JSON array instead, each item with odsCode, name, kind, region and commissionerOds',
  async run(args) {
    const flags = parseFlags(args, { json: { type: 'boolean' } });
    const organisations = await loadOrganisations();
    return withDatabase('current', async (database) => {
      const all = await organisations.listAll(database.db);
      const odsById = new Map(all.map((o) => [o.id, o.odsCode]));
      const rows = all.map((o) => ({
        odsCode: o.odsCode,
        name: o.name,
        kind: o.kind,
        region: o.region,
        commissionerOds: o.commissionerId ? (odsById.get(o.commissionerId) ?? null) : null,
      }));
      if (flags.json) {
        say(JSON.stringify(rows, null, 2));
      } else if (rows.length === 0) {
        say(
          `No organisations yet. Add one with "${programName} org add", or load the demo with "${programName} db seed --demo".`,
        );
      } else {
        say(
          table([
            ['ODS', 'Name', 'Kind', 'Commissioner'],
            ...rows.map((r) => [r.odsCode, r.name, organisations.kindNames[r.kind], r.commissionerOds ?? '-']),
          ]),
        );
        say(`\n${rows.length} organisation${rows.length === 1 ? '' : 's'}`);
      }
      return 0;
    });
  },
};

const addCommand: Command = {
  group: 'org',
  name: 'add',
  usage: 'org add --ods CODE --name NAME --kind KIND [--commissioner ODS] [--region REGION]',
  summary: 'Add an organisation',
  details: async () => {
    const { organisationKinds, kindNames } = await loadOrganisations();
    const kindLines = organisationKinds.map((k) => `                          ${k.padEnd(22)}${kindNames[k]}`).join('\n');
    return (
      'Adds an organisation to the directory and records it in the audit trail.\n\n' +
      'Flags:\n' +
      '  --ods CODE            its ODS code; the shape depends on the kind (ICBs start with Q, trusts with R,\n' +
      '                        regions are Y and 2 digits, independent providers 3 to 5 characters)\n' +
      '  --name NAME           its full name (in quotes if it has spaces)\n' +
      '  --kind KIND           one of:\n' +
      `${kindLines}\n` +
      '  --commissioner ODS    for a provider: the ODS code of the ICB that commissions it\n' +
      '  --region REGION       the region; if left out, the commissioner’s region'
    );
  },
  fieldFlags: { odsCode: '--ods', name: '--name', kind: '--kind', commissionerOds: '--commissioner', region: '--region' },
  async run(args) {
    const flags = parseFlags(args, {
      ods: { type: 'string' },
      name: { type: 'string' },
      kind: { type: 'string' },
      commissioner: { type: 'string' },
      region: { type: 'string' },
    });
    requireFlags(flags, ['ods', 'name', 'kind']);
    const organisations = await loadOrganisations();
    const kind = flags.kind ?? '';
    const isKind = (value: string): value is OrganisationKind =>
      (organisations.organisationKinds as readonly string[]).includes(value);
    if (!isKind(kind)) {
      throw new InputError({ kind: `There is no kind "${kind}". Use one of: ${organisations.organisationKinds.join(', ')}` });
    }
    // What can be checked without the database is, so that a mistake never waits for (or holds) its lock.
    const odsProblem = organisations.odsCodeProblem((flags.ods ?? '').trim().toUpperCase(), kind);
    if (odsProblem) throw new InputError({ odsCode: odsProblem });
    if (flags.region === undefined && !flags.commissioner) {
      throw new InputError({ region: 'Give the region (or, for a provider, the --commissioner whose region it shares)' });
    }
    return withDatabase('migrate', async (database) => {
      let region = flags.region;
      if (region === undefined && flags.commissioner) {
        const commissioner = await organisations.findByOdsCode(database.db, flags.commissioner);
        if (commissioner?.kind !== 'icb') {
          throw new InputError({
            commissionerOds: `No ICB has the ODS code ${flags.commissioner.trim().toUpperCase()}, so there is no region to take from it`,
          });
        }
        region = commissioner.region;
      }
      const created = await organisations.addOrganisation(database.db, commandLineActor(), {
        odsCode: flags.ods,
        name: flags.name,
        kind,
        commissionerOds: flags.commissioner,
        region,
      });
      const commissioned = flags.commissioner ? `, commissioned by ${flags.commissioner.trim().toUpperCase()}` : '';
      say(
        `Added ${created.odsCode} ${created.name} (${organisations.kindNames[created.kind]}) in ${created.region}${commissioned}.`,
      );
      return 0;
    });
  },
};

export const orgGroup: Group = {
  name: 'org',
  summary: 'Organisations in the directory',
  commands: [listCommand, addCommand],
};
