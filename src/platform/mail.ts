import { createHmac, randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';

export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  /** What kind of message this is (e.g. "policy-review-due"): the only description of it that is logged. */
  kind?: string;
};

/** The little of a logger that mail needs; Fastify's (pino) logger fits. */
export type MailLogger = {
  info(details: Record<string, unknown>, message: string): void;
};

type Mailer = { transport: Transporter | null; from: string; publicUrl: string | undefined; logger: MailLogger };

const silent: MailLogger = { info: () => {} };

// A keyed hash tells log lines about the same recipient apart without making addresses
// recoverable from the log (a plain hash of a known address can be looked up).
const recipientKey = randomBytes(32);

let mailer: Mailer = {
  transport: null,
  from: 'Prevent Assure <no-reply@prevent-assure.invalid>',
  publicUrl: undefined,
  logger: silent,
};

/**
 * Sets how e-mail leaves the service, for the whole process (the last call wins). With no
 * SMTP_URL, e-mails are logged by kind only. Called at start-up by buildApp.
 */
export function configureMail(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'publicUrl'>, logger: MailLogger = silent): void {
  const previous = mailer.transport;
  mailer = {
    transport: config.smtpUrl
      ? nodemailer.createTransport({
          url: config.smtpUrl,
          // Fail a send in bounded time so the job can retry, rather than hang the runner on a dead server.
          connectionTimeout: 20_000,
          greetingTimeout: 20_000,
          socketTimeout: 60_000,
        })
      : null,
    from: config.mailFrom,
    publicUrl: config.publicUrl,
    logger,
  };
  previous?.close();
}

/** A link to a page of the service as it should appear in an e-mail. */
export function linkInMail(path: string): string {
  return mailer.publicUrl ? `${mailer.publicUrl}${path}` : `Prevent Assure, page ${path}`;
}

export function recipientHash(address: string): string {
  return createHmac('sha256', recipientKey).update(address.trim().toLowerCase()).digest('hex').slice(0, 16);
}

/**
 * Sends one e-mail, or with no SMTP server configured, logs that one would have been sent.
 * Rejects if the server cannot be reached or refuses the message: callers (jobs) retry.
 */
export async function sendMail(message: MailMessage): Promise<void> {
  const kind = message.kind ?? 'message';
  if (!mailer.transport) {
    mailer.logger.info({ mail: 'not sent (SMTP_URL is not set)', kind, recipient: recipientHash(message.to) }, 'e-mail');
    return;
  }
  try {
    await mailer.transport.sendMail({ from: mailer.from, to: message.to, subject: message.subject, text: message.text });
  } catch (error) {
    throw new MailError(describeMailError(error), { cause: error });
  }
  mailer.logger.info({ mail: 'sent', kind, recipient: recipientHash(message.to) }, 'e-mail');
}

/** A failed send, whose message is safe to store and log. */
export class MailError extends Error {
  override readonly name = 'MailError';
}

/**
 * An error from sending, described without the addresses a server's reply may quote
 * (e.g. "550 <name@nhs.net>: mailbox unavailable"): safe to store and to log.
 */
export function describeMailError(error: unknown): string {
  const e = error as { code?: unknown; responseCode?: unknown; command?: unknown; message?: unknown };
  const parts = ['e-mail not sent'];
  if (typeof e.code === 'string') parts.push(e.code);
  // The system's reason for a socket error (ECONNREFUSED, ETIMEDOUT...) is only in the message.
  const reason = typeof e.message === 'string' ? /\b(E[A-Z]{4,})\b/.exec(e.message)?.[1] : undefined;
  if (reason && reason !== e.code) parts.push(reason);
  if (typeof e.responseCode === 'number') parts.push(`SMTP ${e.responseCode}`);
  if (typeof e.command === 'string') parts.push(`at ${e.command.split(' ')[0]}`);
  return parts.join(', ');
}
