import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testCaseDataKey } from '../../test/databases.ts';
import { CaseDataKeyError, keyedHash, parseCaseDataKey, resolveCaseDataKey, seal, unseal, useCaseDataKey } from './encryption.ts';
import { formatNhsNumber, normaliseNhsNumber } from './nhs-number.ts';

describe('encryption of case data', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-key-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a key file for the embedded database once, readable by its owner only, and reuses it', () => {
    const dataDir = path.join(dir, 'data');
    const first = resolveCaseDataKey({ configured: undefined, dataDir, embedded: true });
    const file = path.join(dataDir, 'case-data.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBe(32);
    expect(resolveCaseDataKey({ configured: undefined, dataDir, embedded: true }).equals(first)).toBe(true);
  });

  it('refuses a server install without a configured key, and a key of the wrong size', () => {
    expect(() => resolveCaseDataKey({ configured: undefined, dataDir: dir, embedded: false })).toThrow(CaseDataKeyError);
    expect(() => resolveCaseDataKey({ configured: undefined, dataDir: dir, embedded: false })).toThrow(
      /CASE_DATA_KEY must be set when DATABASE_URL is set/,
    );
    expect(() => parseCaseDataKey('too-short')).toThrow(/32 random bytes/);
    expect(parseCaseDataKey('00'.repeat(32)).length).toBe(32);
  });

  it('seals with a fresh nonce each time, opens with the same key only, and detects tampering', () => {
    useCaseDataKey(parseCaseDataKey(testCaseDataKey));
    const a = seal('Quillon Varga');
    const b = seal('Quillon Varga');
    expect(a).not.toBe(b);
    expect(a).not.toContain('Quillon');
    expect(unseal(a)).toBe('Quillon Varga');
    expect(seal(null)).toBeNull();
    const tampered = `${a?.slice(0, -4)}AAAA`;
    expect(() => unseal(tampered)).toThrow();
    useCaseDataKey(Buffer.alloc(32, 9));
    expect(() => unseal(a)).toThrow();
    useCaseDataKey(parseCaseDataKey(testCaseDataKey));
  });

  it('hashes an NHS number the same way every time, under the key', () => {
    useCaseDataKey(parseCaseDataKey(testCaseDataKey));
    const hash = keyedHash('9990000018');
    expect(keyedHash('9990000018')).toBe(hash);
    expect(hash).not.toContain('9990000018');
    useCaseDataKey(Buffer.alloc(32, 9));
    expect(keyedHash('9990000018')).not.toBe(hash);
    useCaseDataKey(parseCaseDataKey(testCaseDataKey));
  });
});

describe('NHS numbers', () => {
  it('accepts ten digits with a right check digit, in any spacing, and refuses the rest', () => {
    expect(normaliseNhsNumber('999 000 0018')).toBe('9990000018');
    expect(normaliseNhsNumber('999-000-0018')).toBe('9990000018');
    expect(normaliseNhsNumber('485 777 3456')).toBeNull(); // the NHS's own example has a wrong check digit
    expect(normaliseNhsNumber('999000001')).toBeNull();
    expect(normaliseNhsNumber('99900000188')).toBeNull();
    expect(normaliseNhsNumber('abcdefghij')).toBeNull();
    // A remainder that gives 10 is never a valid check digit.
    expect(normaliseNhsNumber('0000000060')).toBeNull();
    expect(formatNhsNumber('9990000018')).toBe('999 000 0018');
  });
});
