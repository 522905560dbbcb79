import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrlOf } from '../../../test/databases.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { modules } from '../../app.ts';
import { type Database, openDatabase } from '../../db/client.ts';
import { noScope, withScope } from '../../db/tenancy.ts';
import { reminderScanKind } from '../../modules/notifications/service.ts';
import * as organisations from '../../modules/organisations/service.ts';
import type { ModuleManifest } from '../modules.ts';
import { enqueueJob, failedJobsFor, findJob, jobsOfKind, maxJobAttempts, scheduleUnlessPending } from './queue.ts';
import { runDueJobs as runJobsOf, startJobRunner } from './runner.ts';

// Test jobs, declared as a module's would be, after the app's modules.
const recorded: Record<string, unknown>[] = [];
let flakyFailuresLeft = 0;
const dailyRuns: string[] = [];
const testModule: ModuleManifest = {
  name: 'test',
  jobHandlers: {
    'test.record': async (_database, payload) => {
      recorded.push(payload);
    },
    'test.flaky': async () => {
      if (flakyFailuresLeft > 0) {
        flakyFailuresLeft--;
        throw new Error('The partner system refused the update for jordan.ellis@northshire-ft.example');
      }
    },
    'test.broken': async () => {
      throw new Error('always broken');
    },
  },
  schedules: [
    {
      kind: 'test.daily',
      next: (now) => new Date(now.getTime() + 86_400_000),
      run: async (_database, _payload) => {
        dailyRuns.push(new Date().toISOString());
      },
    },
  ],
};
const withTestModule = [...modules(), testModule];
// The daily schedule is the story of one test only: a runner of any other test must not book or run it first.
const withTestJobsOnly = [...modules(), { ...testModule, schedules: [] }];
const runDueJobs = (database: Database) => runJobsOf(database, withTestModule);

/** Waits for a condition, checking often; how long it took is never what a test asserts. */
async function eventually(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('the job queue', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await testApp();
    // Whatever the demo left due is not this file's business.
    await runDueJobs(t.database);
  });
  afterAll(() => t.close());

  const job = async (kind: string) => {
    const [found] = await jobsOfKind(t.database.db, kind);
    if (!found) throw new Error(`no ${kind} job`);
    return found;
  };
  const jobById = async (id: string) => {
    const found = await findJob(t.database.db, id);
    if (!found) throw new Error(`no job ${id}`);
    return found;
  };
  const makeDue = (id: string) => t.database.exec(`update jobs set run_after = now() where id = '${id}'`);

  it('enqueues a job only if the transaction that asked for it commits', async () => {
    await expect(
      withScope(t.database.db, noScope, async (tx) => {
        // A kind of its own, so that the jobs other tests enqueue are not counted here.
        await enqueueJob(tx, 'test.never-committed', { n: 0 });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await jobsOfKind(t.database.db, 'test.never-committed')).toEqual([]);
  });

  it('runs a due job once and marks it finished', async () => {
    recorded.length = 0;
    const id = await withScope(t.database.db, noScope, (tx) => enqueueJob(tx, 'test.record', { n: 1 }));
    expect(await runDueJobs(t.database)).toBe(1);
    expect(recorded).toEqual([{ n: 1 }]);
    const done = await jobById(id);
    expect(done.finishedAt).not.toBeNull();
    expect(done.attempts).toBe(1);
    expect(await runDueJobs(t.database)).toBe(0);
    expect(recorded).toHaveLength(1);
  });

  it('runs each job once when several runners claim at the same time', async () => {
    recorded.length = 0;
    await withScope(t.database.db, noScope, async (tx) => {
      for (let n = 0; n < 12; n++) await enqueueJob(tx, 'test.record', { n: `parallel-${n}` });
    });
    const counts = await Promise.all([runDueJobs(t.database), runDueJobs(t.database), runDueJobs(t.database)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(recorded.map((p) => p.n).sort()).toEqual(Array.from({ length: 12 }, (_, n) => `parallel-${n}`).sort());
  });

  it('waits until a job’s time before running it', async () => {
    await withScope(t.database.db, noScope, (tx) =>
      enqueueJob(tx, 'test.record', { n: 'later' }, new Date(Date.now() + 3_600_000)),
    );
    expect(await runDueJobs(t.database)).toBe(0);
    expect(recorded).not.toContainEqual({ n: 'later' });
  });

  it('retries a failing job later, counting attempts and keeping the error without personal data', async () => {
    flakyFailuresLeft = 2;
    await withScope(t.database.db, noScope, (tx) => enqueueJob(tx, 'test.flaky', {}));
    expect(await runDueJobs(t.database)).toBe(1);
    let flaky = await job('test.flaky');
    expect(flaky.attempts).toBe(1);
    expect(flaky.finishedAt).toBeNull();
    expect(flaky.lastError).toContain('The partner system refused the update');
    expect(flaky.lastError).not.toContain('jordan.ellis');
    expect(flaky.runAfter.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(await runDueJobs(t.database)).toBe(0);

    await makeDue(flaky.id);
    await runDueJobs(t.database);
    await makeDue(flaky.id);
    await runDueJobs(t.database);
    flaky = await job('test.flaky');
    expect(flaky.attempts).toBe(3);
    expect(flaky.finishedAt).not.toBeNull();
  });

  it('gives up after five attempts, leaving the job in the table', async () => {
    const id = await withScope(t.database.db, noScope, (tx) => enqueueJob(tx, 'test.broken', {}));
    for (let i = 0; i < 7; i++) {
      await makeDue(id);
      await runDueJobs(t.database);
    }
    const broken = await jobById(id);
    expect(broken.attempts).toBe(maxJobAttempts);
    expect(broken.finishedAt).toBeNull();
    expect(broken.lastError).toBe('Error: always broken');
  });

  it('leaves jobs of a kind it has no handler for to an instance that has one', async () => {
    await withScope(t.database.db, noScope, (tx) => enqueueJob(tx, 'test.unknown-here', {}));
    expect(await runDueJobs(t.database)).toBe(0);
    expect((await job('test.unknown-here')).attempts).toBe(0);
  });

  it('runs jobs in the background until stopped, and at once when kicked', async () => {
    const runner = startJobRunner(t.database, withTestJobsOnly, { intervalMs: 60_000 });
    await withScope(t.database.db, noScope, (tx) => enqueueJob(tx, 'test.record', { n: 'background' }));
    runner.kick();
    for (let i = 0; i < 100 && !recorded.some((p) => p.n === 'background'); i++) await new Promise((r) => setTimeout(r, 50));
    await runner.stop();
    expect(recorded).toContainEqual({ n: 'background' });
    const waitingScans = (await jobsOfKind(t.database.db, reminderScanKind)).filter((j) => j.finishedAt === null);
    expect(waitingScans).toHaveLength(1);
  });

  it('books a scheduled job once and runs it once when two instances start together', async () => {
    // On a server the second instance has its own connections, as another process would; the embedded
    // database has one connection, so there the two runners take turns on it.
    const url = serverUrlOf(t.database);
    const other = url ? await openDatabase({ databaseUrl: url, dataDir: '', purpose: 'tests', maxConnections: 2 }) : t.database;
    try {
      const booked = await Promise.all(
        Array.from({ length: 6 }, (_, n) =>
          scheduleUnlessPending(n % 2 ? other : t.database, 'test.booked-once', new Date(), { onlyFuture: false }),
        ),
      );
      expect(booked.filter(Boolean)).toHaveLength(1);
      expect(await jobsOfKind(t.database.db, 'test.booked-once')).toHaveLength(1);

      const first = startJobRunner(t.database, withTestModule, { intervalMs: 60_000 });
      const second = startJobRunner(other, withTestModule, { intervalMs: 60_000 });
      const dailyJobs = () => jobsOfKind(t.database.db, 'test.daily');
      await eventually(async () => (await dailyJobs()).length === 2 && (await dailyJobs()).some((j) => j.finishedAt));
      first.kick();
      second.kick();
      await Promise.all([first.stop(), second.stop()]);

      expect(dailyRuns).toHaveLength(1);
      const [ran, next, ...more] = await dailyJobs();
      expect(more).toEqual([]);
      expect(ran?.finishedAt).not.toBeNull();
      expect(ran?.attempts).toBe(1);
      expect(next?.finishedAt).toBeNull();
      expect(next?.runAfter.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    } finally {
      if (other !== t.database) await other.close();
    }
  });

  it('lists the jobs that used all their tries for system administrators, without their payloads', async () => {
    const trustId = (await organisations.findByOdsCode(t.database.db, 'RZ1'))?.id ?? '';
    const otherTrustId = (await organisations.findByOdsCode(t.database.db, 'RZ2'))?.id ?? '';
    const ids = await withScope(t.database.db, noScope, async (tx) => [
      await enqueueJob(tx, 'test.broken', { orgId: trustId, note: 'payload-of-our-own' }),
      await enqueueJob(tx, 'test.broken', { orgId: otherTrustId, note: 'payload-of-another-trust' }),
      await enqueueJob(tx, 'test.broken', { note: 'payload-of-no-organisation' }),
    ]);
    for (let i = 0; i < maxJobAttempts; i++) {
      for (const id of ids) await makeDue(id);
      await runDueJobs(t.database);
    }
    // Other tests leave failed jobs too: only this test's count.
    const failed = (await failedJobsFor(t.database.db, trustId)).filter((f) => ids.includes(f.id));
    const kinds = failed.map((f) => f.kind);
    // This trust's failure, and the one that named no organisation; not the other trust's.
    expect(kinds.filter((k) => k === 'test.broken')).toHaveLength(2);
    expect(failed.every((f) => f.attempts === maxJobAttempts && f.lastError === 'Error: always broken')).toBe(true);
    expect(failed[0]?.lastTriedAt.getTime()).toBeLessThanOrEqual(Date.now());

    const admin = await signedIn(t.app, demo.systemAdmin);
    const page = await admin.get('/jobs/failed');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Background jobs that failed');
    expect(text).toContain('test.broken');
    expect(text).toContain('Error: always broken');
    expect(page.body).not.toContain('payload-of-our-own');
    expect(page.body).not.toContain('payload-of-another-trust');
    expect(page.body).not.toContain('payload-of-no-organisation');
    expect((await (await signedIn(t.app, demo.operationalLead)).get('/jobs/failed')).statusCode).toBe(403);
  });
});
