/**
 * npm run bench: requests per second and latency for signed-in pages of the real app, next to a bare
 * Fastify route on the same machine. Measured, never pass/fail. See bench/README.md.
 *
 * The servers run in a child process (bench/servers.ts); this process signs in over HTTP and generates
 * the load with autocannon, only to 127.0.0.1.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPassword } from '../src/demo/seed.ts';
import { sessionCookie } from '../src/platform/sessions.ts';
import { type Measurement, runLoad, stopLoad } from './load.ts';
import type { ParentMessage, ServersMessage } from './servers.ts';

const demoAdmin = 'admin@northshire-ft.example';
/** The demo operational Prevent lead: the home page's "Needs attention" list is gathered for them from every module. */
const demoLead = 'prevent.lead@northshire-ft.example';

type Settings = { seconds: number; warmupSeconds: number; connections: number };

function wholeNumber(name: string, fallback: number, min: number, max: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

function readSettings(): Settings {
  return {
    seconds: wholeNumber('BENCH_SECONDS', 10, 1, 600),
    warmupSeconds: wholeNumber('BENCH_WARMUP_SECONDS', 2, 0, 60),
    connections: wholeNumber('BENCH_CONNECTIONS', 10, 1, 1000),
  };
}

type Scenario = {
  name: string;
  /** Which server: the real app or the bare Fastify baseline. */
  server: 'app' | 'bare';
  path: string;
  signedIn: boolean;
  /** Whom a signed-in scenario signs in as: the demo system administrator unless it says. */
  as?: string;
  /** Text the page must contain, checked once before the load, so that a redirect or error page is not measured. */
  expect: string;
  /** Asked for in the brief; the others break the cost down. */
  headline: boolean;
};

const scenarios: Scenario[] = [
  {
    name: 'bare Fastify GET / (small HTML)',
    server: 'bare',
    path: '/',
    signedIn: false,
    expect: 'Hello from bare Fastify',
    headline: true,
  },
  { name: 'app GET /ping (hooks, no DB)', server: 'app', path: '/ping', signedIn: false, expect: '"ok"', headline: false },
  {
    name: 'app GET /sign-in (render, no DB)',
    server: 'app',
    path: '/sign-in',
    signedIn: false,
    expect: 'name="_csrf"',
    headline: false,
  },
  { name: 'app GET /users (signed in)', server: 'app', path: '/users', signedIn: true, expect: demoAdmin, headline: true },
  {
    name: 'app GET / (home, a Prevent lead)',
    server: 'app',
    path: '/',
    signedIn: true,
    as: demoLead,
    expect: 'Needs attention',
    headline: true,
  },
  {
    name: 'app GET /organisations (signed in)',
    server: 'app',
    path: '/organisations',
    signedIn: true,
    expect: 'Northshire Teaching Hospitals NHS Foundation Trust',
    headline: true,
  },
];

type Ready = Extract<ServersMessage, { type: 'ready' }>;

function startServers(dataDir: string | undefined): { child: ChildProcess; ready: Promise<Ready>; exited: Promise<void> } {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'servers.ts');
  // fork keeps this process's execArgv, so the child runs TypeScript through tsx as this one does.
  const child = fork(script, [], {
    env: { ...process.env, ...(dataDir ? { BENCH_DATA_DIR: dataDir } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<Ready>((resolve, reject) => {
    child.on('message', (message: ServersMessage) => {
      if (message.type === 'ready') resolve(message);
      else reject(new Error(`The servers did not start:\n${message.message}`));
    });
    child.once('exit', (code) => reject(new Error(`The servers' process ended (exit code ${code}) before it was ready`)));
  });
  return { child, ready, exited };
}

/** Signs in as a browser would: GET the form for its CSRF cookie and token, then POST it. Returns the Cookie header. */
async function signIn(appUrl: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const at = pair.indexOf('=');
      if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  };
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

  const form = await fetch(`${appUrl}/sign-in`, { redirect: 'manual' });
  remember(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error(`GET /sign-in gave ${form.status} without a CSRF token`);

  const response = await fetch(`${appUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password: demoPassword, next: '/' }).toString(),
  });
  remember(response);
  const body = await response.text();
  const session = jar.get(sessionCookie);
  if (response.status !== 303 || response.headers.get('location') !== '/' || !session) {
    throw new Error(`Could not sign in as ${email}: ${response.status} ${body.slice(0, 300)}`);
  }
  // Only the session cookie: a signed-in GET needs nothing else, and then sets no cookie of its own.
  return `${sessionCookie}=${session}`;
}

async function checkPage(url: string, headers: Record<string, string>, expect: string): Promise<void> {
  const response = await fetch(url, { headers, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200 || !body.includes(expect)) {
    throw new Error(
      `${url} is not the page to measure: ${response.status} ${response.headers.get('location') ?? ''} ${body.slice(0, 300)}`,
    );
  }
}

/** Set on Ctrl-C: the run stops early, cleans up, and prints no results. */
let interrupted = false;

type Row = { scenario: Scenario; measurement: Measurement };

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
/** Two decimals, or two significant digits for ratios below 0.1, so that 0.004 does not print as 0.00. */
const ratio = (value: number) =>
  !Number.isFinite(value) ? '-' : value >= 0.1 ? value.toFixed(2) : String(Number(value.toPrecision(2)));

function table(rows: Row[]): string {
  const bare = rows.find((r) => r.scenario.server === 'bare')?.measurement.requestsPerSecond ?? Number.NaN;
  const header = ['Scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'KiB/resp', 'vs bare'];
  const lines = rows.map(({ scenario, measurement: m }) => [
    `${scenario.headline ? '' : '  '}${scenario.name}`,
    fixed(m.requestsPerSecond, 0),
    fixed(m.p50, 2),
    fixed(m.p95, 2),
    fixed(m.p99, 2),
    fixed(m.bytesPerResponse / 1024, 1),
    scenario.server === 'bare' ? '1.00× (baseline)' : `${ratio(m.requestsPerSecond / bare)}× of bare Fastify`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [format(header), rule, ...lines.map(format)].map((l) => l.trimEnd()).join('\n');
}

function failureNotes(rows: Row[]): string[] {
  const notes: string[] = [];
  for (const { scenario, measurement: m } of rows) {
    const f = m.failures;
    if (f.non2xx || f.errors || f.timeouts) {
      notes.push(
        `WARNING ${scenario.name}: ${f.non2xx} non-2xx, ${f.errors} errors, ${f.timeouts} time-outs (status codes: ${f.statusCodes || 'none'}); its figures are not comparable.`,
      );
    }
  }
  return notes;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-'));
  const autocannonVersion = (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;

  const loadBefore = os.loadavg()[0] ?? 0;
  const servers = startServers(dataDir);
  const onSignal = () => {
    interrupted = true;
    stopLoad();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    process.stderr.write(databaseUrl ? 'Preparing the server database…\n' : 'Preparing an embedded database…\n');
    const ready = await servers.ready;
    const cookies = new Map<string, string>();
    const cookieFor = async (email: string) => {
      const found = cookies.get(email) ?? (await signIn(ready.appUrl, email));
      cookies.set(email, found);
      return found;
    };

    const rows: Row[] = [];
    for (const scenario of scenarios) {
      if (interrupted) break;
      const url = `${scenario.server === 'app' ? ready.appUrl : ready.bareUrl}${scenario.path}`;
      const headers: Record<string, string> = scenario.signedIn ? { cookie: await cookieFor(scenario.as ?? demoAdmin) } : {};
      await checkPage(url, headers, scenario.expect);
      process.stderr.write(`  ${scenario.name}: warming up ${settings.warmupSeconds} s, measuring ${settings.seconds} s…\n`);
      if (settings.warmupSeconds > 0) {
        await runLoad({ url, headers, connections: settings.connections, seconds: settings.warmupSeconds });
      }
      if (interrupted) break;
      const measurement = await runLoad({ url, headers, connections: settings.connections, seconds: settings.seconds });
      rows.push({ scenario, measurement });
    }
    if (interrupted) throw new Error('Interrupted');

    const db = ready.database;
    const cpus = os.cpus();
    const loadAfter = os.loadavg()[0] ?? 0;
    const busy = loadBefore > cpus.length / 2;
    const output = [
      '',
      'Prevent Assure benchmark',
      `  Node ${process.version} on ${os.platform()} ${os.arch()}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'})`,
      `  Database: ${db.kind} (${db.kind === 'embedded' ? 'PGlite' : 'PostgreSQL server'} ${db.version}, ${db.location}; demo ${db.demo})`,
      `  Load: autocannon ${autocannonVersion}, ${settings.connections} connections, ${settings.seconds} s per scenario after ${settings.warmupSeconds} s warm-up, 127.0.0.1 only`,
      '  Servers in one child process, load generator in this one; signed in as the demo system administrator, or the scenario says whom.',
      `  Load average (1 min): ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after${busy ? ' — other work was running on this machine: figures are noisy, compare ratios, rerun when it is idle' : ''}`,
      ...(process.env.NODE_ENV === 'development' ? ['  NODE_ENV=development: templates are recompiled on every request.'] : []),
      '',
      table(rows),
      '',
      '  Indented rows break the cost down: framework hooks alone, then a page render without the database.',
      ...failureNotes(rows).map((n) => `  ${n}`),
      '',
    ];
    console.log(output.join('\n'));
  } finally {
    if (servers.child.connected) servers.child.send({ type: 'stop' } satisfies ParentMessage);
    else if (servers.child.exitCode === null) servers.child.kill('SIGTERM');
    const timeout = setTimeout(() => servers.child.kill('SIGKILL'), 15_000);
    await servers.exited;
    clearTimeout(timeout);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Benchmarks of their own that run after the page scenarios, in this process, each printing its own
 * table. BENCH_ONLY=NAME runs just one of them (or "pages" for the page scenarios alone).
 */
const moreBenchmarks: { name: string; run: () => Promise<string> }[] = [
  { name: 'import', run: async () => (await import('./import.ts')).benchImport() },
  { name: 'compliance', run: async () => (await import('./compliance.ts')).benchCompliance() },
  { name: 'oversight', run: async () => (await import('./oversight.ts')).benchOversight() },
  { name: 'board-report', run: async () => (await import('./board-report.ts')).benchBoardReport() },
];

/**
 * `--smoke`: every benchmark once in a small form (a second a scenario, a few thousand rows), so that CI
 * fails when a benchmark can no longer run. Its figures are too short to compare; settings in the
 * environment still win.
 */
const smokeSettings: Record<string, string> = {
  BENCH_SECONDS: '1',
  BENCH_WARMUP_SECONDS: '0',
  BENCH_CONNECTIONS: '2',
  BENCH_IMPORT_ROWS: '3000',
  BENCH_COMPLIANCE_RUNS: '3',
  BENCH_TRUST_STAFF: '300',
  BENCH_REGION_STAFF: '2000',
  BENCH_OVERSIGHT_RUNS: '3',
  BENCH_OVERSIGHT_STAFF: '20',
  BENCH_REPORT_RUNS: '1',
  BENCH_REPORT_STAFF: '300',
  BENCH_REPORT_CONCERNS: '12',
};

function readArguments(args: string[]): void {
  for (const arg of args) {
    if (arg !== '--smoke') throw new Error(`Unknown argument "${arg}": the only one is --smoke (see bench/README.md)`);
    for (const [name, value] of Object.entries(smokeSettings)) process.env[name] ||= value;
    process.stderr.write('Smoke run: each benchmark once, briefly, to show it runs; its figures are not measurements.\n');
  }
  const only = process.env.BENCH_ONLY || undefined;
  const names = ['pages', ...moreBenchmarks.map((b) => b.name)];
  if (only !== undefined && !names.includes(only)) {
    throw new Error(`BENCH_ONLY must be one of ${names.join(', ')}, not "${only}"`);
  }
}

async function everything(): Promise<void> {
  readArguments(process.argv.slice(2));
  const only = process.env.BENCH_ONLY || undefined;
  if (only === undefined || only === 'pages') await main();
  for (const benchmark of moreBenchmarks) {
    if (interrupted) throw new Error('Interrupted');
    if (only === undefined || only === benchmark.name) console.log(await benchmark.run());
  }
}

everything().then(
  () => process.exit(0),
  (error: unknown) => {
    if (interrupted) {
      console.error('Interrupted: nothing measured is printed.');
      process.exit(130);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
