import path from 'node:path';
import { z } from 'zod';
import { type AuditKey, resolveAuditKeys } from './modules/audit/keys.ts';
import { resolveCaseDataKey } from './platform/encryption.ts';
import { parseTrustedProxies, type TrustedProxies } from './platform/proxies.ts';

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'must be true or false',
  })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

// An empty variable (SMTP_URL= in a compose file) means "not set", not "invalid".
const emptyAsUnset = (v: unknown) => (v === '' ? undefined : v);

const environment = z.object({
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DEMO: booleanText.optional(),
  REQUIRE_MFA: booleanText.optional(),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((text, context) => {
      const parsed = parseTrustedProxies(text);
      if ('problem' in parsed) {
        context.addIssue({ code: 'custom', message: parsed.problem });
        return z.NEVER;
      }
      return parsed.proxies;
    }),
  SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'must start with smtp:// or smtps://')
      .optional(),
  ),
  MAIL_FROM: z.string().min(3).max(200).default('Prevent Assure <no-reply@prevent-assure.invalid>'),
  CASE_DATA_KEY: z.preprocess(emptyAsUnset, z.string().optional()),
  AUDIT_KEY: z.preprocess(emptyAsUnset, z.string().optional()),
  PUBLIC_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^https?:\/\/[^\s?#]+$/, 'must be the service’s address, like https://prevent.example.nhs.uk')
      .optional(),
  ),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Load the synthetic demo on an empty database. Never on by default on a server: demo passwords are published. */
  demo: boolean;
  requireMfa: boolean;
  /** Whose X-Forwarded-For to believe; see behindProxy. */
  trustProxy: TrustedProxies;
  sessionHours: number;
  logLevel: z.infer<typeof environment>['LOG_LEVEL'];
  /** Where e-mail is sent; unset, e-mails are only logged (without personal data). */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The service's address as people reach it, for links in e-mails; unset, e-mails name the page's path only. */
  publicUrl: string | undefined;
  /** The key that encrypts concern case data (base64 or hex, 32 bytes); unset on the embedded database, a key file in DATA_DIR. */
  caseDataKey: string | undefined;
  /** The audit trail's HMAC keys, comma-separated, the current one first; unset on the embedded database, a key file in DATA_DIR. */
  auditKey: string | undefined;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Configuration is not valid:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const embedded = e.DATABASE_URL === undefined;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    demo: e.DEMO ?? embedded,
    // Production default is on; the embedded demo turns it off so that the demo accounts can sign in with a password alone.
    requireMfa: e.REQUIRE_MFA ?? !embedded,
    trustProxy: e.TRUST_PROXY,
    sessionHours: e.SESSION_HOURS,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    caseDataKey: e.CASE_DATA_KEY,
    auditKey: e.AUDIT_KEY,
  };
}

/** Behind a proxy, which is taken to end HTTPS: cookies are marked Secure and HSTS is sent. */
export function behindProxy(config: Pick<Config, 'trustProxy'>): boolean {
  return config.trustProxy !== false;
}

/** The key for concern case data: CASE_DATA_KEY, or on the embedded database a key file in DATA_DIR. */
export function caseDataKeyFor(config: Config): Buffer {
  return resolveCaseDataKey({ configured: config.caseDataKey, dataDir: config.dataDir, embedded: !config.databaseUrl });
}

/** The audit keys: AUDIT_KEY, or on the embedded database the key file DATA_DIR/audit.key (made unless `make` is false). */
export function auditKeysFor(config: Config, options: { make?: boolean } = {}): AuditKey[] {
  return resolveAuditKeys({ configured: config.auditKey, dataDir: config.dataDir, embedded: !config.databaseUrl, ...options });
}
