import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { desc, sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCliInProcess } from '../../test/cli.ts';
import {
  type DetachedDatabase,
  detachedCopyOfTemplate,
  detachedEmptyDatabase,
  testAuditKey,
  testCaseDataKey,
} from '../../test/databases.ts';
import type { Database } from '../db/client.ts';
import { lockDataDirectory } from '../db/lock.ts';
import * as account from '../modules/account/service.ts';
import { parseAuditKeys, useAuditKeys } from '../modules/audit/keys.ts';
import { auditEvents } from '../modules/audit/schema.ts';
import * as audit from '../modules/audit/service.ts';
import * as organisations from '../modules/organisations/service.ts';
import * as users from '../modules/users/service.ts';
import { parseCaseDataKey, unseal, useCaseDataKey } from '../platform/encryption.ts';

const launcher = fileURLToPath(new URL('../../bin/prevent-assure.js', import.meta.url));
const template = inject('template');
const embedded = template.kind === 'embedded';
const demoRegion = 'Northshire and Dales (demo region)';
const stackFrame = /\n\s+at /;

type Run = { code: number | null; stdout: string; stderr: string };

// Each command is a Node.js process loading PGlite: more than two at a time only slows a 2-core machine down.
const maxChildren = 2;
let childrenRunning = 0;
const waitingForChild: (() => void)[] = [];
const children = new Set<ChildProcess>();

async function childSlot(): Promise<void> {
  if (childrenRunning < maxChildren) {
    childrenRunning++;
    return;
  }
  await new Promise<void>((resolve) => waitingForChild.push(resolve));
}

function releaseChildSlot(): void {
  const next = waitingForChild.shift();
  if (next) next();
  else childrenRunning--;
}

const targets = new Set<DetachedDatabase>();

// This process checks the trails the commands write, with the key they write them with.
useAuditKeys(parseAuditKeys(testAuditKey));

// A test that times out must leave neither its commands running nor its database behind.
afterAll(async () => {
  for (const child of children) child.kill();
  for (const target of targets) await target.remove();
});

function isDetached(target: DetachedDatabase | Record<string, string>): target is DetachedDatabase {
  return typeof (target as DetachedDatabase).open === 'function';
}

/** The real launcher in a child process, as an operator runs it. */
async function cli(target: DetachedDatabase | Record<string, string>, args: string[], input?: string): Promise<Run> {
  const settings: Record<string, string> = isDetached(target) ? target.env : target;
  const env: NodeJS.ProcessEnv = { ...process.env, ...settings };
  // The child must see only the database it is pointed at.
  if (settings.DATABASE_URL === undefined) delete env.DATABASE_URL;
  // A server install configures its case data and audit keys (the embedded one makes key files in DATA_DIR).
  if (settings.DATABASE_URL !== undefined && settings.CASE_DATA_KEY === undefined) env.CASE_DATA_KEY = testCaseDataKey;
  if (settings.AUDIT_KEY === undefined) {
    if (settings.DATABASE_URL === undefined) delete env.AUDIT_KEY;
    else env.AUDIT_KEY = testAuditKey;
  }
  await childSlot();
  return new Promise<Run>((resolve, reject) => {
    // Run from a temporary directory, so that a default ./data could never land in the repository.
    const child = spawn(process.execPath, [launcher, ...args], { env, cwd: os.tmpdir(), timeout: 180_000 });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  }).finally(releaseChildSlot);
}

/**
 * The same command run by main() in this test process (test/cli.ts), with the same environment as cli() gives
 * the child: seconds faster each. Every command family keeps runs through cli(), which prove the launcher itself.
 */
function run(target: DetachedDatabase | Record<string, string>, args: string[], input?: string): Promise<Run> {
  const settings: Record<string, string> = { ...(isDetached(target) ? target.env : target) };
  if (settings.DATABASE_URL !== undefined && settings.CASE_DATA_KEY === undefined) settings.CASE_DATA_KEY = testCaseDataKey;
  return runCliInProcess(settings, args, { input });
}

/** Opens the database in this test process, for set-up and checks, and closes it so that the next command can. */
async function inProcess<T>(target: DetachedDatabase, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await target.open();
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** A database of its own for one test, removed afterwards (by afterAll, if the test timed out). */
async function withTarget(
  create: typeof detachedCopyOfTemplate,
  work: (target: DetachedDatabase) => Promise<void>,
): Promise<void> {
  const target = await create(template);
  targets.add(target);
  try {
    await work(target);
  } finally {
    targets.delete(target);
    await target.remove();
  }
}

const withCopy = (work: (target: DetachedDatabase) => Promise<void>) => withTarget(detachedCopyOfTemplate, work);
const withEmpty = (work: (target: DetachedDatabase) => Promise<void>) => withTarget(detachedEmptyDatabase, work);

type Listed = { odsCode: string; name: string; kind: string; region: string; commissionerOds: string | null };

// Each test has its own database, so they run side by side; the commands within one test run in turn,
// because the embedded database can be open in only one process at a time.
// The limit is generous because commands wait their turn for a child slot and a busy machine slows each one
// down; a command that hangs is still caught, by the child's own timeout.
describe.concurrent('the prevent-assure command line', { timeout: 600_000 }, () => {
  it('explains itself, and answers anything unknown with what is wrong, the usage and exit code 2', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-cli-'));
    const nowhere = { DATA_DIR: path.join(scratch, 'data') };
    try {
      const [help, commandHelp, helpFlag, nothing, unknown, unknownSub, badFlag, noDemo, badConfig, refused] = await Promise.all([
        cli(nowhere, ['--help']),
        run(nowhere, ['help', 'org', 'add']),
        run(nowhere, ['user', 'add', '--help']),
        run(nowhere, []),
        cli(nowhere, ['frobnicate']),
        run(nowhere, ['org', 'remove']),
        run(nowhere, ['audit', 'verify', '--quick']),
        run(nowhere, ['db', 'seed']),
        run({ DATABASE_URL: 'mysql://localhost/prevent' }, ['org', 'list']),
        cli({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/prevent' }, ['org', 'list']),
      ]);
      expect(help.code).toBe(0);
      for (const command of [
        'db migrate',
        'db seed',
        'org list',
        'org add',
        'user add',
        'audit verify',
        'audit checkpoint',
        'Exit codes',
      ]) {
        expect(help.stdout).toContain(command);
      }
      expect(commandHelp).toMatchObject({ code: 0 });
      expect(commandHelp.stdout).toContain('prevent-assure org add --ods CODE --name NAME --kind KIND');
      expect(commandHelp.stdout).toContain('nhs_foundation_trust');
      expect(helpFlag).toMatchObject({ code: 0 });
      expect(helpFlag.stdout).toContain('--password-stdin');

      expect(nothing).toMatchObject({ code: 2 });
      expect(nothing.stderr).toContain('Usage: prevent-assure COMMAND');
      expect(unknown).toMatchObject({ code: 2 });
      expect(unknown.stderr).toContain('Unknown command "frobnicate"');
      expect(unknown.stderr).toContain('Usage: prevent-assure COMMAND');
      expect(unknownSub).toMatchObject({ code: 2 });
      expect(unknownSub.stderr).toContain('Unknown command "org remove"');
      expect(unknownSub.stderr).toContain('prevent-assure org add');
      expect(badFlag).toMatchObject({ code: 2 });
      expect(badFlag.stderr).toContain('Unknown flag --quick');
      expect(badFlag.stderr).toContain('Usage: prevent-assure audit verify');
      expect(noDemo).toMatchObject({ code: 2 });
      expect(noDemo.stderr).toContain('--demo');

      expect(badConfig).toMatchObject({ code: 2 });
      expect(badConfig.stderr).toContain('DATABASE_URL: must start with postgres://');
      expect(refused).toMatchObject({ code: 1 });
      expect(refused.stderr).toContain('Could not reach the PostgreSQL server at postgres://postgres@127.0.0.1:1/prevent');
      expect(refused.stderr).toContain('ECONNREFUSED');

      for (const result of [nothing, unknown, unknownSub, badFlag, noDemo, badConfig, refused]) {
        expect(result.stderr).not.toMatch(stackFrame);
      }
      // Wrong usage is caught before the database is touched: no data directory was created.
      expect(fs.existsSync(nowhere.DATA_DIR)).toBe(false);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  // One database for listing and adding: each command costs seconds, so the list before and after the changes tells both.
  it('lists the organisations, adds one, and refuses bad input naming the flag, with exit code 2 and nothing added', () =>
    withCopy(async (target) => {
      const tableRun = await cli(target, ['org', 'list']);
      expect(tableRun).toMatchObject({ code: 0, stderr: '' });
      const lines = tableRun.stdout.split('\n');
      expect(lines[0]).toMatch(/^ODS\s+Name\s+Kind\s+Commissioner$/);
      expect(tableRun.stdout).toMatch(/RZ1\s+Northshire Teaching Hospitals NHS Foundation Trust\s+NHS foundation trust\s+QZZ/);
      expect(tableRun.stdout).toMatch(/QZZ\s+NHS Northshire Integrated Care Board\s+Integrated care board\s+-/);
      expect(tableRun.stdout).toContain('5 organisations');
      // Aligned: every row's kind starts in the heading's column.
      const kindColumn = lines[0]?.indexOf('Kind') ?? -1;
      for (const line of lines.slice(1, 6)) expect(line.slice(kindColumn - 2, kindColumn + 1)).toMatch(/^ {2}\S$/);

      const added = await run(target, [
        'org',
        'add',
        '--ods',
        'rz9',
        '--name',
        'Northshire Community NHS Trust',
        '--kind',
        'nhs_trust',
        '--commissioner',
        'QZZ',
      ]);
      expect(added).toMatchObject({ code: 0, stderr: '' });
      expect(added.stdout).toContain('Added RZ9 Northshire Community NHS Trust');

      const orgAdd = (...flags: string[]) => ['org', 'add', ...flags];
      const refusedByDatabase = async (): Promise<[Run, Run]> => [
        await run(
          target,
          orgAdd('--ods', 'RZ8', '--name', 'No ICB', '--kind', 'nhs_trust', '--commissioner', 'QXX', '--region', 'R'),
        ),
        await run(target, orgAdd('--ods', 'RZ1', '--name', 'Twice', '--kind', 'nhs_trust', '--region', demoRegion)),
      ];
      // Mistakes found without the database never open it, so they can run alongside.
      const [[unknownCommissioner, duplicate], badOds, noRegion, missing, unknownKind, unknownFlag] = await Promise.all([
        refusedByDatabase(),
        run(target, orgAdd('--ods', 'XYZ', '--name', 'Wrong Code', '--kind', 'nhs_trust', '--region', demoRegion)),
        run(target, orgAdd('--ods', 'NQ9', '--name', 'No region', '--kind', 'independent_provider')),
        run(target, orgAdd('--name', 'No code', '--kind', 'nhs_trust', '--region', demoRegion)),
        run(target, orgAdd('--ods', 'RZ7', '--name', 'Odd kind', '--kind', 'trust', '--region', demoRegion)),
        run(target, orgAdd('--ods', 'RZ7', '--name', 'Colourful', '--kind', 'nhs_trust', '--colour', 'blue')),
      ]);
      const expectations: [Run, string][] = [
        [badOds, '--ods: ODS code XYZ does not fit: a trust code is 3 characters starting with R'],
        [unknownCommissioner, '--commissioner: No ICB has the ODS code QXX'],
        [duplicate, '--ods: An organisation with the ODS code RZ1 already exists'],
        [noRegion, '--region: Give the region'],
        [missing, 'Missing --ods'],
        [unknownKind, '--kind: There is no kind "trust"'],
        [unknownFlag, 'Unknown flag --colour'],
      ];
      for (const [result, message] of expectations) {
        expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toContain(message);
        expect(result.stderr).not.toMatch(stackFrame);
      }
      for (const result of [missing, unknownFlag]) expect(result.stderr).toContain('Usage: prevent-assure org add');

      const jsonRun = await run(target, ['org', 'list', '--json']);
      expect(jsonRun).toMatchObject({ code: 0, stderr: '' });
      const listed = JSON.parse(jsonRun.stdout) as Listed[];
      const byOds = Object.fromEntries(listed.map((o) => [o.odsCode, o]));
      // The five demo organisations and the one added: none of the refused ones.
      expect(Object.keys(byOds).sort()).toEqual(['NZ3', 'QZZ', 'RZ1', 'RZ2', 'RZ9', 'Y99']);
      for (const provider of ['RZ1', 'RZ2', 'NZ3']) expect(byOds[provider]?.commissionerOds).toBe('QZZ');
      for (const other of ['QZZ', 'Y99']) expect(byOds[other]?.commissionerOds).toBeNull();
      expect(byOds.RZ1).toEqual({
        odsCode: 'RZ1',
        name: 'Northshire Teaching Hospitals NHS Foundation Trust',
        kind: 'nhs_foundation_trust',
        region: demoRegion,
        commissionerOds: 'QZZ',
      });
      expect(byOds.RZ9).toEqual({
        odsCode: 'RZ9',
        name: 'Northshire Community NHS Trust',
        kind: 'nhs_trust',
        region: demoRegion,
        commissionerOds: 'QZZ',
      });

      await inProcess(target, async (database) => {
        const rz9 = await organisations.findByOdsCode(database.db, 'RZ9');
        const entries = await audit.search(database.db, { orgId: rz9?.id ?? '' }, 10, 0);
        expect(entries.map((e) => [e.action, e.actorLabel, e.actorUserId])).toEqual([
          ['organisation.created', `command line (${os.userInfo().username})`, null],
        ]);
        const verified = await audit.verify(database.db);
        expect(verified.ok).toBe(true);
      });
    }));

  it('adds a person with a password from standard input, or with an invitation', () =>
    withCopy(async (target) => {
      const password = 'lantern-orchard-velvet-91';
      const withPassword = await cli(
        target,
        ['user', 'add', '--email', 'Alex.Morgan@Example.org', '--name', 'Alex Morgan', '--org', 'rz1', '--password-stdin'],
        `${password}\nthis second line is ignored\n`,
      );
      expect(withPassword).toMatchObject({ code: 0, stderr: '' });
      expect(withPassword.stdout).toContain('Added Alex Morgan <alex.morgan@example.org> as System administrator');
      expect(withPassword.stdout).not.toContain(password);

      const invited = await run(target, [
        'user',
        'add',
        '--email',
        'bea@example.org',
        '--name',
        'Bea Lane',
        '--org',
        'RZ2',
        '--role',
        'operational_lead',
      ]);
      expect(invited).toMatchObject({ code: 0, stderr: '' });
      expect(invited.stdout).toContain('as Operational Prevent lead at Dales Community and Mental Health NHS Trust');
      const invitation = /^ {2}(\/invitations\/[A-Za-z0-9_-]+)$/m.exec(invited.stdout)?.[1];
      expect(invitation).toBeDefined();
      expect(invited.stdout).toContain("Open it on the service's address");

      const unknownOrg = await run(target, ['user', 'add', '--email', 'cy@example.org', '--name', 'Cy Dee', '--org', 'ABC']);
      const weakPassword = await run(
        target,
        ['user', 'add', '--email', 'di@example.org', '--name', 'Di Eve', '--org', 'RZ1', '--password-stdin'],
        'short\n',
      );
      expect(unknownOrg).toMatchObject({ code: 2, stdout: '' });
      expect(unknownOrg.stderr).toContain('--org: No organisation has the ODS code ABC');
      expect(weakPassword).toMatchObject({ code: 2, stdout: '' });
      expect(weakPassword.stderr).toContain('--password-stdin: Password must be at least 12 characters long');

      await inProcess(target, async (database) => {
        expect(await users.findByEmail(database.db, 'cy@example.org')).toBeUndefined();
        expect(await users.findByEmail(database.db, 'di@example.org')).toBeUndefined();
        expect((await users.findByEmail(database.db, 'bea@example.org'))?.passwordHash).toBeNull();
        expect((await audit.verify(database.db)).ok).toBe(true);

        // The sign-in and invitation checks the pages make, without a web server: on a busy machine Fastify's
        // plugin start-up limit, not the command line, would decide the outcome.
        const policy = { requireMfa: false, sessionHours: 8 };
        const signedIn = await account.signIn(database.db, policy, { email: 'alex.morgan@example.org', password }, '127.0.0.1');
        expect(signedIn.next).toBe('done');
        const token = invitation?.replace('/invitations/', '') ?? '';
        expect(await account.invitationIsOpen(database.db, token)).toEqual({ email: 'bea@example.org' });
      });
    }));

  it('verifies the audit trail, and names the first entry that was removed or edited', () =>
    withCopy(async (target) => {
      const intact = await run(target, ['audit', 'verify']);
      expect(intact).toMatchObject({ code: 0, stderr: '' });
      expect(intact.stdout).toMatch(/^Audit trail intact: \d+ entries checked/);

      // As the database owner, who alone can get past the append-only trigger.
      const tamper = (sql: string) =>
        inProcess(target, (database) =>
          database.exec(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; ${sql}`),
        );
      await tamper('DELETE FROM audit_events WHERE seq = 5;');
      const removed = await cli(target, ['audit', 'verify']);
      expect(removed.code).toBe(1);
      expect(removed.stdout).toMatch(/seq 6\b/);
      expect(removed.stdout).toContain('the entry it was chained to was removed or altered');
      expect(removed.stdout).toContain('The 4 entries before it are intact, none of them from before the chain was keyed');

      await tamper(`UPDATE audit_events SET action = 'x' WHERE seq = 3;`);
      const edited = await run(target, ['audit', 'verify']);
      expect(edited.code).toBe(1);
      expect(edited.stdout).toMatch(/seq 3\b/);
      expect(edited.stdout).toContain('it was edited');
      expect(edited.stderr).toBe('');
    }));

  it('writes a checkpoint, and verify against it names the last entries removed since and a rehashed entry', () =>
    withCopy(async (target) => {
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-checkpoint-'));
      const file = path.join(scratch, 'checkpoint.json');
      const read = (name: string) => fs.readFileSync(path.join(scratch, name), 'utf8');
      try {
        const written = await cli(target, ['audit', 'checkpoint', '--out', file]);
        expect(written).toMatchObject({ code: 0, stderr: '' });
        const checkpoint = JSON.parse(read('checkpoint.json')) as { seq: number; hash: string; at: string };
        expect(written.stdout).toContain(`entry seq ${checkpoint.seq}, hash ${checkpoint.hash}, taken at ${checkpoint.at}`);
        expect(written.stdout).toContain(`prevent-assure audit verify --checkpoint ${file}`);
        const overwrite = await run(target, ['audit', 'checkpoint', '--out', file]);
        expect(overwrite).toMatchObject({ code: 2, stdout: '' });
        expect(overwrite.stderr).toContain(`${file} already exists: a checkpoint is never written over another`);
        expect(read('checkpoint.json')).toContain(checkpoint.hash);

        const intact = await run(target, ['audit', 'verify', '--checkpoint', file]);
        expect(intact).toMatchObject({ code: 0, stderr: '' });
        expect(intact.stdout).toContain('none of them from before the chain was keyed');
        expect(intact.stdout).toContain(`The trail still holds everything the checkpoint ${file} (entry seq ${checkpoint.seq}`);

        // As the database owner: the last three entries go, and the one left at the end is passed off as unkeyed.
        // The fourth entry from the end, by seq: seqs can have gaps (a change that rolled back used one).
        const kept = await inProcess(target, async (database) => {
          const last = await database.db
            .select({ seq: auditEvents.seq })
            .from(auditEvents)
            .orderBy(desc(auditEvents.seq))
            .limit(4);
          return last[3]?.seq ?? 0;
        });
        await inProcess(target, (database) =>
          database.exec(
            'ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; ' +
              `DELETE FROM audit_events WHERE seq > ${kept};`,
          ),
        );
        const cut = await cli(target, ['audit', 'verify', '--checkpoint', file]);
        expect(cut).toMatchObject({ code: 1, stderr: '' });
        expect(cut.stdout).toMatch(/^Audit trail intact: \d+ entries checked/);
        expect(cut.stdout).toContain(
          `Checkpoint NOT MATCHED: the entries after seq ${kept} up to seq ${checkpoint.seq}, which the checkpoint taken at ${checkpoint.at} covers, are gone.`,
        );
        const withoutCheckpoint = await run(target, ['audit', 'verify']);
        expect(withoutCheckpoint.code).toBe(0);

        await inProcess(target, (database) => database.exec(`UPDATE audit_events SET key_id = NULL WHERE seq = ${kept};`));
        const unkeyed = await run(target, ['audit', 'verify']);
        expect(unkeyed).toMatchObject({ code: 1, stderr: '' });
        expect(unkeyed.stdout).toContain(`Audit trail BROKEN at entry seq ${kept} (id `);
        expect(unkeyed.stdout).toContain('it was hashed without the audit key, after entries hashed with it');

        fs.writeFileSync(path.join(scratch, 'notes.txt'), 'not a checkpoint\n');
        fs.writeFileSync(path.join(scratch, 'no-seq.json'), JSON.stringify({ hash: checkpoint.hash, at: checkpoint.at }));
        const [missing, notJson, noSeq, noOut, emptyName] = await Promise.all([
          run(target, ['audit', 'verify', '--checkpoint', path.join(scratch, 'nowhere.json')]),
          run(target, ['audit', 'verify', '--checkpoint', path.join(scratch, 'notes.txt')]),
          run(target, ['audit', 'verify', '--checkpoint', path.join(scratch, 'no-seq.json')]),
          run(target, ['audit', 'checkpoint']),
          run(target, ['audit', 'verify', '--checkpoint=']),
        ]);
        for (const result of [missing, notJson, noSeq, noOut, emptyName]) {
          expect(result).toMatchObject({ code: 2, stdout: '' });
          expect(result.stderr).not.toMatch(stackFrame);
        }
        expect(missing.stderr).toContain(
          `Cannot read the checkpoint ${path.join(scratch, 'nowhere.json')}: there is no such file.`,
        );
        expect(notJson.stderr).toContain(`${path.join(scratch, 'notes.txt')} is not an audit checkpoint: it is not JSON.`);
        expect(noSeq.stderr).toContain('is not an audit checkpoint: its seq is missing or not a whole number.');
        expect(noOut.stderr).toContain('audit checkpoint: Missing --out');
        expect(noOut.stderr).toContain('Usage: prevent-assure audit checkpoint --out FILE');
        expect(emptyName.stderr).toContain('--checkpoint needs a file name');
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    }));

  it('sets up an empty database: db migrate, then db seed --demo once', () =>
    withEmpty(async (target) => {
      const tooEarly = await run(target, ['org', 'list']);
      expect(tooEarly.code).toBe(1);
      expect(tooEarly.stderr).toContain('prevent-assure db migrate');
      // Reading must not create a database as a side effect.
      if ('DATA_DIR' in target.env) expect(fs.existsSync(target.env.DATA_DIR)).toBe(false);

      const migrated = await run(target, ['db', 'migrate']);
      expect(migrated).toMatchObject({ code: 0, stderr: '' });
      expect(migrated.stdout).toMatch(/^Applied \d+ migrations to /);
      const again = await run(target, ['db', 'migrate']);
      expect(again).toMatchObject({ code: 0, stderr: '' });
      expect(again.stdout).toContain('Nothing to do');

      if (!embedded) {
        const keyless = await cli({ ...target.env, CASE_DATA_KEY: '' }, ['db', 'seed', '--demo']);
        expect(keyless.code).toBe(2);
        expect(keyless.stderr).toContain('CASE_DATA_KEY must be set when DATABASE_URL is set');
        const noAuditKey = await run({ ...target.env, AUDIT_KEY: '' }, ['db', 'seed', '--demo']);
        expect(noAuditKey).toMatchObject({ code: 2, stdout: '' });
        expect(noAuditKey.stderr).toContain('AUDIT_KEY must be set when DATABASE_URL is set');
      }
      const seeded = await cli(target, ['db', 'seed', '--demo']);
      expect(seeded).toMatchObject({ code: 0, stderr: '' });
      expect(seeded.stdout).toContain('admin@northshire-ft.example');
      expect(seeded.stdout).toContain('demo-prevent-assure');
      const reseeded = await cli(target, ['db', 'seed', '--demo']);
      expect(reseeded).toMatchObject({ code: 0, stderr: '' });
      expect(reseeded.stdout).toContain('already loaded');
      expect(reseeded.stdout).toContain('Nothing changed');
    }));

  it('db migrate seals, once, free text an earlier version stored in plain text', () =>
    withCopy(async (target) => {
      const withKey = { ...target.env, CASE_DATA_KEY: testCaseDataKey };
      const policeReference = () =>
        inProcess(target, async (database) => {
          const result = await database.db.execute(
            sql`select police_reference as v from referrals where police_reference is not null order by id limit 1`,
          );
          return String((result as unknown as { rows: { v: string }[] }).rows[0]?.v);
        });
      await inProcess(target, (database) =>
        database.db.execute(
          sql`update referrals set police_reference = 'CTP-PLAIN-0001' where id = (select id from referrals where police_reference is not null order by id limit 1)`,
        ),
      );
      const sealed = await run(withKey, ['db', 'migrate']);
      expect(sealed).toMatchObject({ code: 0, stderr: '' });
      expect(sealed.stdout).toContain('Sealed 1 value of free text that an earlier version stored in plain text.');
      const stored = await policeReference();
      expect(stored.startsWith('v1.')).toBe(true);
      useCaseDataKey(parseCaseDataKey(testCaseDataKey));
      expect(unseal(stored)).toBe('CTP-PLAIN-0001');
      const again = await run(withKey, ['db', 'migrate']);
      expect(again).toMatchObject({ code: 0, stderr: '' });
      expect(again.stdout).not.toContain('Sealed');
    }));

  it.skipIf(!embedded)('refuses, with exit code 1 and no stack trace, an embedded database open in another process', () =>
    withEmpty(async (target) => {
      const dataDir = 'DATA_DIR' in target.env ? target.env.DATA_DIR : '';
      // This test process is the other process: it holds the lock as the service would.
      const release = lockDataDirectory(dataDir, 'the Prevent Assure service');
      try {
        const run = await cli(target, [
          'org',
          'add',
          '--ods',
          'RZ9',
          '--name',
          'Locked Out',
          '--kind',
          'nhs_trust',
          '--region',
          'R',
        ]);
        expect(run).toMatchObject({ code: 1, stdout: '' });
        expect(run.stderr).toContain('open in another process');
        expect(run.stderr).toContain(`pid ${process.pid}, the Prevent Assure service`);
        expect(run.stderr).not.toMatch(stackFrame);
        // Only the lock file: nothing was created.
        expect(fs.readdirSync(dataDir)).toEqual(['prevent-assure.lock']);
      } finally {
        release();
      }
    }),
  );
});
