import { createHash } from 'node:crypto';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type Run, runCli, runCliInProcess, stackFrame } from '../../test/cli.ts';
import { type DetachedDatabase, detachedCopyOfTemplate } from '../../test/databases.ts';
import * as apiTokens from '../modules/api-tokens/service.ts';
import * as audit from '../modules/audit/service.ts';
import * as organisations from '../modules/organisations/service.ts';

/** The real launcher in a child process, as an operator runs it (see cli.test.ts). */
const cli = (target: Pick<DetachedDatabase, 'env'>, args: string[]) => runCli(target.env, args);
/** The same command in this process (test/cli.ts): seconds faster; the child runs above prove the launcher. */
const run = (target: Pick<DetachedDatabase, 'env'>, args: string[]) => runCliInProcess(target.env, args);

let target: DetachedDatabase | undefined;
afterAll(async () => {
  await target?.remove();
});

async function inProcess<T>(work: (db: Awaited<ReturnType<DetachedDatabase['open']>>) => Promise<T>): Promise<T> {
  if (!target) throw new Error('no database');
  const database = await target.open();
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

describe('prevent-assure token', { timeout: 600_000 }, () => {
  it('creates a token printed once that works for its organisation only, lists it without the secret, and revokes it', async () => {
    target = await detachedCopyOfTemplate(inject('template'));
    const db = target;

    const created = await cli(db, ['token', 'create', '--org', 'rz2', '--scopes', 'concerns:create', '--name', 'Dales Datix']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const secrets = created.stdout.match(/^pa_[A-Za-z0-9_-]{43}$/gm) ?? [];
    expect(secrets).toHaveLength(1);
    const secret = secrets[0] ?? '';
    expect(created.stdout).toContain('Created API token "Dales Datix"');
    expect(created.stdout).toContain('(RZ2)');
    expect(created.stdout).toContain('shown only this once');

    // Typing mistakes are caught before the database is opened, so they run side by side.
    const [missing, unknownScope, noScope, unknownFlag, noId, badId] = await Promise.all([
      run(db, ['token', 'create', '--org', 'RZ1']),
      run(db, ['token', 'create', '--org', 'RZ1', '--scopes', 'concerns:create,concerns:delete']),
      run(db, ['token', 'create', '--org', 'RZ1', '--scopes', ',']),
      // One mistake through the launcher too: exit code 2, the message on standard error only.
      cli(db, ['token', 'create', '--org', 'RZ1', '--scopes', 'concerns:create', '--colour', 'blue']),
      run(db, ['token', 'revoke']),
      run(db, ['token', 'revoke', 'not-an-id']),
    ]);
    const unknownOrg = await run(db, ['token', 'create', '--org', 'ABC', '--scopes', 'concerns:create']);
    const expectations: [Run, string][] = [
      [missing, 'Missing --scopes'],
      [unknownScope, '--scopes: There is no scope "concerns:delete". Use one of: concerns:create'],
      [noScope, '--scopes: Give at least one scope'],
      [unknownFlag, 'Unknown flag --colour'],
      [noId, 'Say which token to revoke'],
      [badId, '"not-an-id" is not a token id'],
      [unknownOrg, '--org: No organisation has the ODS code ABC'],
    ];
    for (const [result, message] of expectations) {
      expect({ code: result.code, stdout: result.stdout }, message).toEqual({ code: 2, stdout: '' });
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(stackFrame);
    }
    expect(missing.stderr).toContain('Usage: prevent-assure token create --org ODS --scopes SCOPES');

    const tokenId = await inProcess(async (database) => {
      const rz2 = (await organisations.findByOdsCode(database.db, 'RZ2'))?.id;
      const rows = (
        (await database.db.execute(
          sql`select id, org_id, name, scopes, token_hash, (api_tokens.*)::text as whole from api_tokens`,
        )) as {
          rows: { id: string; org_id: string; name: string; scopes: string[]; token_hash: string; whole: string }[];
        }
      ).rows;
      // Only the token made: none of the refused commands stored one.
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row).toMatchObject({ org_id: rz2, name: 'Dales Datix', scopes: ['concerns:create'] });
      expect(row?.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      expect(row?.whole).not.toContain(secret.slice(3));
      // It works, for its own organisation.
      const authenticated = await apiTokens.authenticate(database.db, `Bearer ${secret}`);
      expect(authenticated).toMatchObject({ ok: true, token: { orgId: rz2, name: 'Dales Datix' } });
      const entries = await audit.search(database.db, { orgId: rz2 ?? '' }, 5, 0);
      expect(entries.map((e) => [e.action, e.actorLabel])).toContainEqual([
        'api_token.created',
        `command line (${os.userInfo().username})`,
      ]);
      return row?.id ?? '';
    });

    const listed = await cli(db, ['token', 'list', '--org', 'RZ2']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(new RegExp(`${tokenId}\\s+Dales Datix\\s+concerns:create`));
    expect(listed.stdout).not.toContain(secret);
    const empty = await run(db, ['token', 'list', '--org', 'RZ1']);
    expect(empty).toMatchObject({ code: 0, stderr: '' });
    expect(empty.stdout).toContain('RZ1 has no API tokens');

    const revoked = await run(db, ['token', 'revoke', tokenId]);
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(revoked.stdout).toContain('Revoked API token "Dales Datix"');
    const again = await run(db, ['token', 'revoke', tokenId]);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain('already revoked');

    await inProcess(async (database) => {
      expect(await apiTokens.authenticate(database.db, `Bearer ${secret}`)).toEqual({ ok: false, problem: 'revoked' });
      expect((await audit.verify(database.db)).ok).toBe(true);
    });
  });

  it('is in the help', async () => {
    // Help never opens the database.
    const nowhere = { env: { DATA_DIR: '/nonexistent/prevent-assure-data' } };
    const [help, commandHelp] = await Promise.all([run(nowhere, ['--help']), run(nowhere, ['help', 'token', 'create'])]);
    expect(help.code).toBe(0);
    for (const command of ['token create', 'token list', 'token revoke']) expect(help.stdout).toContain(command);
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain('Usage: prevent-assure token create --org ODS --scopes SCOPES [--name NAME]');
    expect(commandHelp.stdout).toContain('concerns:create');
  });
});
