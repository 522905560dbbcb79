import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Encryption at rest for what a concern case says about a person (name, date of birth, NHS
 * number, narratives): AES-256-GCM with a key from configuration. The database, its backups
 * and anyone reading them see only ciphertext. NHS numbers also get a keyed hash (HMAC-SHA256)
 * so that a case can be found by number without decrypting every case.
 */

const keyFileName = 'case-data.key';
const format = 'v1';

type Keys = { seal: Buffer; hash: Buffer };
let keys: Keys | undefined;

export class CaseDataKeyError extends Error {}

/** A 32-byte key written as base64 or as 64 hex digits. */
export function parseCaseDataKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new CaseDataKeyError(
      'CASE_DATA_KEY must be 32 random bytes, written as base64 (44 characters) or hex (64 characters). Make one with: openssl rand -base64 32',
    );
  }
  return key;
}

/**
 * The key the service uses: CASE_DATA_KEY when set; otherwise, for the embedded database only, a key
 * file in the data directory, made on first use and readable by its owner alone. A server install
 * must say where its key is: a key made silently beside the code would be lost with the container.
 */
export function resolveCaseDataKey(options: { configured: string | undefined; dataDir: string; embedded: boolean }): Buffer {
  if (options.configured) return parseCaseDataKey(options.configured);
  if (!options.embedded) {
    throw new CaseDataKeyError(
      'CASE_DATA_KEY must be set when DATABASE_URL is set: concern case data is encrypted with it. Make one with: openssl rand -base64 32',
    );
  }
  return parseCaseDataKey(readOrMakeKeyFile(options.dataDir, keyFileName, true) ?? '');
}

/**
 * A key file in the embedded database's data directory: its text, made (32 random bytes, base64,
 * readable by its owner alone) if it does not exist and `make` is true; null if it does not exist.
 */
export function readOrMakeKeyFile(dataDir: string, fileName: string, make: boolean): string | null {
  const file = path.join(dataDir, fileName);
  if (make) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      // 'wx' fails if the file exists: a key is never overwritten.
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !make) return null;
    throw error;
  }
}

/** Sets the key for this process; separate keys for sealing and hashing are derived from it. */
export function useCaseDataKey(master: Buffer): void {
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `prevent-assure ${label}`, 32));
  keys = { seal: derive('case data encryption'), hash: derive('case data search hash') };
}

function currentKeys(): Keys {
  if (!keys) throw new Error('The case data key has not been set (useCaseDataKey)');
  return keys;
}

/** Ciphertext for a text, or null for no text. A fresh random nonce every time, so equal texts do not look equal. */
export function seal(plain: string | null | undefined): string | null {
  if (plain === null || plain === undefined) return null;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', currentKeys().seal, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${format}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** The text back; throws if the ciphertext was altered or sealed with another key. */
export function unseal(sealed: string | null | undefined): string | null {
  if (sealed === null || sealed === undefined) return null;
  const [version, payload] = sealed.split('.', 2);
  if (version !== format || !payload) throw new Error('Not sealed case data');
  const bytes = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', currentKeys().seal, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}

/** A keyed hash for finding a value without storing it: the same value always gives the same hash. */
export function keyedHash(value: string): string {
  return createHmac('sha256', currentKeys().hash).update(value).digest('hex');
}

/** How every sealed value starts: a stored value without it was written in plain, before its column was sealed. */
export const sealedPrefix = `${format}.`;

/**
 * The text of a column that held plain text before it was sealed: a sealed value is unsealed, an
 * older plain one reads as it is until the backfill (src/db/seal-backfill.ts) seals it.
 */
export function unsealOrPlain(stored: string | null | undefined): string | null {
  if (stored === null || stored === undefined) return null;
  return stored.startsWith(sealedPrefix) ? unseal(stored) : stored;
}
