import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

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
