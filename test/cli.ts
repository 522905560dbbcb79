import { spawn } from 'node:child_process';
import os from 'node:os';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { testAuditKey } from './databases.ts';

const launcher = fileURLToPath(new URL('../bin/prevent-assure.js', import.meta.url));

/** A stack trace in a command's output: a command must fail with a message, never with one of these. */
export const stackFrame = /\n\s+at /;

export type Run = { code: number | null; stdout: string; stderr: string };

// Each command is a Node.js process: more than two at a time only slows a 2-core machine down.
let running = 0;
const waiting: (() => void)[] = [];
async function slot(): Promise<void> {
  if (running < 2) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
}
function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

/**
 * The real launcher in a child process, as an operator runs it, from a temporary directory (so a
 * default ./data never lands in the repository), with `settings` over this process's environment.
 * The child sees only the database it is pointed at: DATABASE_URL is dropped unless `settings` has it.
 */
export async function runCli(
  settings: Record<string, string>,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<Run> {
  await slot();
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, ...settings };
    if (settings.DATABASE_URL === undefined) delete env.DATABASE_URL;
    // As an install has it: a server's AUDIT_KEY is configured, the embedded database's is the key file in DATA_DIR.
    if (settings.AUDIT_KEY === undefined) {
      if (settings.DATABASE_URL === undefined) delete env.AUDIT_KEY;
      else env.AUDIT_KEY = testAuditKey;
    }
    return await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [launcher, ...args], {
        env,
        cwd: os.tmpdir(),
        timeout: options.timeoutMs ?? 180_000,
      });
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
      child.stdin.end(options.input ?? '');
    });
  } finally {
    release();
  }
}

/** Output of a command run in this process, collected as written (as the child's pipes would collect it). */
function collector(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const write = (chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  return { stream: { write } as unknown as NodeJS.WritableStream, text: () => text };
}

// Commands run in this process one at a time: each sees the environment it is given, and the embedded
// database's lock (one per process) cannot tell two of them apart.
let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * The command line's own main(), as the launcher calls it, but in this process: the same commands, messages
 * and exit codes without a Node.js start-up and app import (seconds each) per command. Its environment is
 * this process's with `settings` over it and DATABASE_URL dropped unless `settings` has it, as for runCli;
 * standard input is `input`, and standard output and error are collected separately.
 * Keep some runs of each command family on runCli, so that the launcher itself stays tested end to end.
 * Not for a command that sets process-wide state the test process depends on (db seed sets the case data key;
 * a command that changes data sets the audit key, which is why AUDIT_KEY is the tests' own unless given).
 */
export function runCliInProcess(
  settings: Record<string, string>,
  args: string[],
  options: { input?: string } = {},
): Promise<Run> {
  const run = inProcessQueue.then(async (): Promise<Run> => {
    const { main } = await import('../src/cli/main.ts');
    const { withStreams } = await import('../src/cli/common.ts');
    const saved = new Map<string, string | undefined>();
    const set = (name: string, value: string | undefined) => {
      if (!saved.has(name)) saved.set(name, process.env[name]);
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    };
    for (const [name, value] of Object.entries(settings)) set(name, value);
    if (settings.DATABASE_URL === undefined) set('DATABASE_URL', undefined);
    // The audit key a command sets is this process's too: the tests' own, unless a test gives another.
    if (settings.AUDIT_KEY === undefined) set('AUDIT_KEY', testAuditKey);
    const stdout = collector();
    const stderr = collector();
    const stdin = Readable.from(options.input ? [Buffer.from(options.input)] : []);
    try {
      let code: number;
      try {
        code = await withStreams({ stdin, stdout: stdout.stream, stderr: stderr.stream }, () => main(args));
      } catch (error) {
        // What Node.js does with an error main() lets escape: the stack on standard error, exit code 1.
        stderr.stream.write(error instanceof Error ? (error.stack ?? error.message) : String(error));
        code = 1;
      }
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
  inProcessQueue = run.catch(() => {});
  return run;
}
