import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testCaseDataKey } from '../../../test/databases.ts';
import { auditKeysFor, loadConfig } from '../../config.ts';
import { AuditKeyError, auditKeyId, parseAuditKeys, resolveAuditKeys } from './keys.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const keyA = Buffer.alloc(32, 1).toString('base64');
const keyB = Buffer.alloc(32, 2).toString('hex');

describe('the audit key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-audit-key-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a key file for the embedded database once, readable by its owner only, and reuses it', () => {
    const dataDir = path.join(dir, 'data');
    expect(() => resolveAuditKeys({ configured: undefined, dataDir, embedded: true, make: false })).toThrow(
      /There is no audit key: AUDIT_KEY is not set and .*audit\.key does not exist/,
    );
    const [first] = resolveAuditKeys({ configured: undefined, dataDir, embedded: true });
    expect(fs.statSync(path.join(dataDir, 'audit.key')).mode & 0o777).toBe(0o600);
    expect(first?.secret.length).toBe(32);
    const [again] = resolveAuditKeys({ configured: undefined, dataDir, embedded: true, make: false });
    expect(again?.secret.equals(first?.secret as Buffer)).toBe(true);
    // A rotation on the embedded database lists the keys in the file, as AUDIT_KEY would.
    fs.writeFileSync(path.join(dataDir, 'audit.key'), `${keyA},${fs.readFileSync(path.join(dataDir, 'audit.key'), 'utf8')}`);
    const rotated = resolveAuditKeys({ configured: undefined, dataDir, embedded: true });
    expect(rotated.map((k) => k.secret)).toEqual([Buffer.alloc(32, 1), first?.secret]);
    fs.writeFileSync(path.join(dataDir, 'audit.key'), 'garbled\n');
    expect(() => resolveAuditKeys({ configured: undefined, dataDir, embedded: true })).toThrow(
      `${path.join(dataDir, 'audit.key')} must be 32 random bytes`,
    );
  });

  it('is required with DATABASE_URL, and names a malformed or repeated key', () => {
    const server = loadConfig({ DATABASE_URL: 'postgres://localhost/prevent', DATA_DIR: dir });
    expect(() => auditKeysFor(server)).toThrow(AuditKeyError);
    expect(() => auditKeysFor(server)).toThrow(/^AUDIT_KEY must be set when DATABASE_URL is set/);
    expect(() => auditKeysFor({ ...server, auditKey: 'too-short' })).toThrow(/^AUDIT_KEY must be 32 random bytes/);
    expect(() => parseAuditKeys(`${keyA},nope`)).toThrow(/^The second key in AUDIT_KEY must be 32 random bytes/);
    expect(() => parseAuditKeys(`${keyA}, ${keyA}`)).toThrow('The second key in AUDIT_KEY is the same as the first.');
    expect(() => parseAuditKeys(' , ')).toThrow(/^AUDIT_KEY is empty/);
  });

  it('holds the current key first and older ones after it, each named by a fingerprint, never the key', () => {
    const keys = parseAuditKeys(` ${keyA} , ${keyB} `);
    expect(keys.map((k) => k.secret)).toEqual([Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);
    expect(keys.map((k) => k.id)).toEqual([auditKeyId(Buffer.alloc(32, 1)), auditKeyId(Buffer.alloc(32, 2))]);
    for (const key of keys) {
      expect(key.id).toMatch(/^[0-9a-f]{16}$/);
      expect(key.secret.toString('hex')).not.toContain(key.id);
    }
  });

  it('stops the service at start on a server without AUDIT_KEY, before it connects, with the message alone', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Nothing listens on port 1: had the service tried to connect, the message would be about that.
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/prevent',
      CASE_DATA_KEY: testCaseDataKey,
      AUDIT_KEY: '',
      DATA_DIR: path.join(dir, 'service'),
    };
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env, timeout: 120_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      "AUDIT_KEY must be set when DATABASE_URL is set: the audit trail's hashes are made with it. Make one with: openssl rand -base64 32",
    );
    expect(run.stdout).toBe('');
  });
});
