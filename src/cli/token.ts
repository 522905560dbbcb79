import type { Executor } from '../db/client.ts';
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
  UsageError,
  withDatabase,
} from './common.ts';

const loadTokens = () => import('../modules/api-tokens/service.ts');

const scopeLines = async () => {
  const { tokenScopes, scopeNames } = await loadTokens();
  return tokenScopes.map((s) => `                        ${s.padEnd(20)}${scopeNames[s]}`).join('\n');
};

/** The organisation an --org flag names, or an InputError pointing at the flag. */
async function organisationFor(db: Executor, ods: string) {
  const organisations = await import('../modules/organisations/service.ts');
  const code = ods.trim().toUpperCase();
  const org = await organisations.findByOdsCode(db, code);
  if (!org) throw new InputError({ orgId: `No organisation has the ODS code ${code} (see "org list")` });
  return org;
}

const when = (date: Date | null) => (date ? date.toISOString().slice(0, 16).replace('T', ' ') : '-');

const createCommand: Command = {
  group: 'token',
  name: 'create',
  usage: 'token create --org ODS --scopes SCOPES [--name NAME]',
  summary: 'Create an API token for an organisation and print it, once',
  details: async () =>
    'Creates a token another system (such as an incident reporting system) sends to the API as\n' +
    '"Authorization: Bearer TOKEN". It acts only for the one organisation. The token is printed on a line\n' +
    'of its own, this once: only its hash is stored, so copy it now.\n\n' +
    'Flags:\n' +
    '  --org ODS             the ODS code of the organisation the token acts for (see "org list")\n' +
    '  --scopes SCOPES       what it may do, separated by commas; one or more of:\n' +
    `${await scopeLines()}\n` +
    '  --name NAME           which system will use it (in quotes if it has spaces);\n' +
    '                        "Created on the command line" if left out',
  fieldFlags: { orgId: '--org', scopes: '--scopes', name: '--name' },
  async run(args) {
    const flags = parseFlags(args, { org: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string' } });
    requireFlags(flags, ['org', 'scopes']);
    const tokens = await loadTokens();
    const scopes = (flags.scopes ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const input = { name: flags.name ?? 'Created on the command line', scopes };
    // Checked before the database is opened, so that a typing mistake never waits for (or holds) its lock.
    const unknown = scopes.find((s) => !(tokens.tokenScopes as readonly string[]).includes(s));
    if (unknown !== undefined || scopes.length === 0) {
      throw new InputError({
        scopes:
          unknown === undefined
            ? `Give at least one scope: ${tokens.tokenScopes.join(', ')}`
            : `There is no scope "${unknown}". Use one of: ${tokens.tokenScopes.join(', ')}`,
      });
    }
    return withDatabase('migrate', async (database) => {
      const org = await organisationFor(database.db, flags.org ?? '');
      const { token, secret } = await tokens.createTokenFor(database.db, commandLineActor(), org.id, input);
      say(
        `Created API token "${token.name}" (id ${token.id}) for ${org.name} (${org.odsCode}), scopes ${token.scopes.join(', ')}:`,
      );
      say('');
      say(secret);
      say('');
      say('It is shown only this once: only its hash is stored. Send it as "Authorization: Bearer TOKEN".');
      return 0;
    });
  },
};

const listCommand: Command = {
  group: 'token',
  name: 'list',
  usage: 'token list --org ODS',
  summary: 'List an organisation’s API tokens (never the tokens themselves)',
  details:
    'Prints each of the organisation’s API tokens: id, name, scopes, when it was created, last used\n' +
    'and revoked. The token itself cannot be shown: only its hash is stored.\n\n' +
    'Flags:\n' +
    '  --org ODS   the ODS code of the organisation (see "org list")',
  fieldFlags: { orgId: '--org' },
  async run(args) {
    const flags = parseFlags(args, { org: { type: 'string' } });
    requireFlags(flags, ['org']);
    const tokens = await loadTokens();
    return withDatabase('current', async (database) => {
      const org = await organisationFor(database.db, flags.org ?? '');
      const listed = await tokens.listTokensFor(database.db, org.id);
      if (listed.length === 0) {
        say(`${org.odsCode} has no API tokens. Create one with "${programName} token create".`);
        return 0;
      }
      say(
        table([
          ['ID', 'Name', 'Scopes', 'Created', 'Last used', 'Revoked'],
          ...listed.map((t) => [t.id, t.name, t.scopes.join(','), when(t.createdAt), when(t.lastUsedAt), when(t.revokedAt)]),
        ]),
      );
      return 0;
    });
  },
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const revokeCommand: Command = {
  group: 'token',
  name: 'revoke',
  usage: 'token revoke ID',
  summary: 'Revoke an API token: it stops working at once',
  details:
    'Revokes the API token with this id (see "token list"). Every request with it is refused from then on.\n' +
    'Revoking a token that is already revoked changes nothing.',
  async run(args) {
    const words = args.filter((a) => a !== '--');
    const flag = words.find((w) => w.startsWith('-'));
    if (flag) throw new UsageError(`Unknown flag ${flag}`);
    if (words.length === 0) throw new UsageError('Say which token to revoke, by its id');
    if (words.length > 1) throw new UsageError(`Unexpected word "${words[1]}": give one token id`);
    const id = words[0] ?? '';
    if (!uuidPattern.test(id)) throw new InputError({ id: `"${id}" is not a token id (see "token list")` });
    const tokens = await loadTokens();
    return withDatabase('migrate', async (database) => {
      const result = await tokens.revokeAnyToken(database.db, commandLineActor(), id.toLowerCase());
      if (!result) throw new InputError({ id: `No API token has the id ${id} (see "token list")` });
      say(
        result.revoked
          ? `Revoked API token "${result.token.name}" (id ${result.token.id}).`
          : `API token "${result.token.name}" (id ${result.token.id}) was already revoked. Nothing changed.`,
      );
      return 0;
    });
  },
};

export const tokenGroup: Group = {
  name: 'token',
  summary: 'API tokens other systems use',
  commands: [createCommand, listCommand, revokeCommand],
};
