import { createHmac } from 'node:crypto';
import path from 'node:path';
import { readOrMakeKeyFile } from '../../platform/encryption.ts';

/**
 * The audit key: the secret that makes each entry's hash an HMAC, so that someone who can write to
 * the database (a superuser, a restored backup) cannot recompute the chain after changing it. It is
 * held by the service, never stored in the database: an entry names only the key's id.
 *
 * AUDIT_KEY may hold several keys separated by commas. The first makes new entries; the others are
 * older keys kept so that the entries they made still verify (see "Key rotation" in the README).
 */

const keyFileName = 'audit.key';
const makeOne = 'Make one with: openssl rand -base64 32';

export class AuditKeyError extends Error {}

export type AuditKey = { id: string; secret: Buffer };

/** What an entry stores to name its key: a fingerprint, from which the key cannot be worked out. */
export function auditKeyId(secret: Buffer): string {
  return createHmac('sha256', secret).update('prevent-assure audit key id').digest('hex').slice(0, 16);
}

const ordinal = (n: number) => ['first', 'second', 'third', 'fourth', 'fifth'][n] ?? `${n + 1}th`;

/**
 * Keys written as base64 or 64 hex digits, each 32 bytes, separated by commas; the first is the current one.
 * `source` names where they were written, for the messages.
 */
export function parseAuditKeys(text: string, source = 'AUDIT_KEY'): AuditKey[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.every((part) => part === '')) throw new AuditKeyError(`${source} is empty. ${makeOne}`);
  const keys = parts.map((part, i): AuditKey => {
    const secret = /^[0-9a-f]{64}$/i.test(part) ? Buffer.from(part, 'hex') : Buffer.from(part, 'base64');
    if (secret.length !== 32) {
      const which = parts.length > 1 ? `The ${ordinal(i)} key in ${source}` : source;
      throw new AuditKeyError(
        `${which} must be 32 random bytes, written as base64 (44 characters) or hex (64 characters); ` +
          `several keys are separated by commas, the current one first. ${makeOne}`,
      );
    }
    return { id: auditKeyId(secret), secret };
  });
  const ids = keys.map((k) => k.id);
  const repeated = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (repeated >= 0) {
    const original = ids.indexOf(ids[repeated] ?? '');
    throw new AuditKeyError(`The ${ordinal(repeated)} key in ${source} is the same as the ${ordinal(original)}.`);
  }
  return keys;
}

/**
 * The keys the service uses: AUDIT_KEY when set; otherwise, for the embedded database only, the key
 * file DATA_DIR/audit.key, made on first use (unless `make` is false: a command that only checks the
 * trail must not make a key, which would verify nothing). A server install must say where its key is.
 */
export function resolveAuditKeys(options: {
  configured: string | undefined;
  dataDir: string;
  embedded: boolean;
  make?: boolean;
}): AuditKey[] {
  if (options.configured) return parseAuditKeys(options.configured);
  if (!options.embedded) {
    throw new AuditKeyError(
      `AUDIT_KEY must be set when DATABASE_URL is set: the audit trail's hashes are made with it. ${makeOne}`,
    );
  }
  const file = path.join(options.dataDir, keyFileName);
  const text = readOrMakeKeyFile(options.dataDir, keyFileName, options.make ?? true);
  if (text === null) {
    throw new AuditKeyError(
      `There is no audit key: AUDIT_KEY is not set and ${file} does not exist (the service makes it when it first starts).`,
    );
  }
  return parseAuditKeys(text, file);
}

let held: readonly AuditKey[] = [];

/** Sets the keys for this process, newest first: the first makes new entries, all of them verify. */
export function useAuditKeys(keys: readonly AuditKey[]): void {
  if (keys.length === 0) throw new AuditKeyError('At least one audit key is needed');
  held = [...keys];
}

export function currentAuditKey(): AuditKey {
  const [first] = held;
  if (!first) throw new Error('The audit key has not been set (useAuditKeys)');
  return first;
}

/** The key with this id, if the service holds it, and its age: 0 for the current key, 1 for the one before, and so on. */
export function heldAuditKey(id: string): { key: AuditKey; age: number } | undefined {
  currentAuditKey();
  const age = held.findIndex((k) => k.id === id);
  const key = held[age];
  return key ? { key, age } : undefined;
}
