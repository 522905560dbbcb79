import readline from 'node:readline';
import { InputError } from '../platform/errors.ts';
import { isRole, roleNames, roles } from '../platform/permissions.ts';
import { type Command, commandLineActor, type Group, parseFlags, requireFlags, say, streams, withDatabase } from './common.ts';

const roleLines = roles.map((r) => `                      ${r.padEnd(26)}${roleNames[r]}`).join('\n');

/** The first line of standard input: a password piped in never appears in the process list or shell history. */
async function firstLineOfStdin(): Promise<string> {
  const { stdin, stderr } = streams();
  if (stdin.isTTY) stderr.write('Password (shown as you type; pipe it in to avoid that): ');
  const lines = readline.createInterface({ input: stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
    // Without this an open terminal or pipe keeps the process waiting for more input.
    stdin.destroy?.();
  }
}

const addCommand: Command = {
  group: 'user',
  name: 'add',
  usage: 'user add --email EMAIL --name NAME --org ODS [--role ROLE] [--password-stdin]',
  summary: 'Add a person, a system administrator unless --role says otherwise',
  details:
    'Creates an account with one role in one organisation: how the first administrator of a real install\n' +
    'is made. Without --password-stdin it prints a one-time invitation link, which the person opens to\n' +
    'choose their own password.\n\n' +
    'Flags:\n' +
    '  --email EMAIL       their e-mail address, which they sign in with\n' +
    '  --name NAME         their full name (in quotes if it has spaces)\n' +
    '  --org ODS           the ODS code of their organisation (see "org list")\n' +
    '  --role ROLE         system_admin unless given; one of:\n' +
    `${roleLines}\n` +
    '  --password-stdin    set the password to the first line of standard input, e.g.\n' +
    '                      printf "%s\\n" "$PASSWORD" | prevent-assure user add ... --password-stdin',
  fieldFlags: { email: '--email', displayName: '--name', orgId: '--org', role: '--role', password: '--password-stdin' },
  async run(args) {
    const flags = parseFlags(args, {
      email: { type: 'string' },
      name: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    });
    requireFlags(flags, ['email', 'name', 'org']);
    const role = flags.role ?? 'system_admin';
    if (!isRole(role)) throw new InputError({ role: `There is no role "${role}". Use one of: ${roles.join(', ')}` });
    // Read before opening the database, so that a slow typist does not hold the embedded database's lock.
    const password = flags['password-stdin'] ? await firstLineOfStdin() : undefined;
    if (password === '') {
      throw new InputError({ password: 'Standard input held no password: give it on the first line, or leave out the flag' });
    }
    const [organisations, users] = await Promise.all([
      import('../modules/organisations/service.ts'),
      import('../modules/users/service.ts'),
    ]);
    return withDatabase('migrate', async (database, config) => {
      const ods = (flags.org ?? '').trim().toUpperCase();
      const org = await organisations.findByOdsCode(database.db, ods);
      if (!org) throw new InputError({ orgId: `No organisation has the ODS code ${ods} (see "org list")` });
      const created = await users.createAdministrator(database.db, commandLineActor(), {
        email: flags.email ?? '',
        displayName: flags.name ?? '',
        orgId: org.id,
        role,
        password,
      });
      say(`Added ${created.user.displayName} <${created.user.email}> as ${roleNames[role]} at ${org.name} (${org.odsCode}).`);
      if (created.invitationPath) {
        const host = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
        say('');
        say('They have no password yet. Give them this one-time invitation to choose one:');
        say('');
        say(`  ${created.invitationPath}`);
        say('');
        say(`Open it on the service's address, for example http://${host}:${config.port}${created.invitationPath}`);
        say('It is shown only this once: only its hash is stored.');
      } else {
        say('They can sign in with the password given.');
      }
      return 0;
    });
  },
};

export const userGroup: Group = {
  name: 'user',
  summary: 'People who sign in',
  commands: [addCommand],
};
