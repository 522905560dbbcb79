import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuditKey } from '../../../test/databases.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { runDueJobs } from '../../../test/modules.ts';
import type { Tx } from '../../db/client.ts';
import { jobsOfKind } from '../../platform/jobs/queue.ts';
import { type AuditKey, auditKeyId, parseAuditKeys, useAuditKeys } from './keys.ts';
import { auditEvents } from './schema.ts';
import * as audit from './service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

describe('the audit trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('chains every entry to the one before it, from the demo data onwards', async () => {
    const result = await audit.verify(t.database.db);
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(15);
  });

  it('is written in the same transaction as the change: a change that fails leaves no entry', async () => {
    const count = async () =>
      rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from audit_events`))[0]?.n;
    const before = await count();
    await expect(
      t.database.db.transaction(async (tx) => {
        await audit.record(tx, { userId: null, label: 'test', ip: null }, { orgId: null, action: 'test.rolled-back' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await count()).toBe(before);
    expect((await audit.verify(t.database.db)).ok).toBe(true);
  });

  it('refuses an entry with no actor', async () => {
    await expect(
      audit.record(t.database.db, { userId: null, label: '', ip: null }, { orgId: null, action: 'x' }),
    ).rejects.toThrow(/needs an actor/);
  });

  /** Runs `work` as the owner with the append-only trigger off, and undoes all of it afterwards. */
  async function tampered<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const undo = Symbol('undo');
    let value: T | undefined;
    try {
      await t.database.db.transaction(async (tx) => {
        await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
        value = await work(tx);
        throw undo;
      });
    } catch (error) {
      if (error !== undo) throw error;
    }
    return value as T;
  }

  it('finds an edited entry and a removed entry', async () => {
    const edited = await tampered(async (tx) => {
      await tx.execute(sql`update audit_events set action = 'organisation.deleted' where seq = 4`);
      return audit.verify(tx);
    });
    expect(edited).toMatchObject({ ok: false, brokenAt: { seq: 4, reason: expect.stringMatching(/edited/) } });
    expect((await audit.verify(t.database.db)).ok).toBe(true);
    const removed = await tampered(async (tx) => {
      await tx.execute(sql`delete from audit_events where seq = 6`);
      return audit.verify(tx);
    });
    expect(removed).toMatchObject({ ok: false, brokenAt: { seq: 7, reason: expect.stringMatching(/removed/) } });
  });

  describe('against someone who can write to the database (the owner, a superuser)', () => {
    type Row = typeof auditEvents.$inferSelect;
    const testKeys = () => parseAuditKeys(testAuditKey);
    const otherKey = parseAuditKeys(Buffer.alloc(32, 1).toString('base64'))[0] as AuditKey;

    const rows = (tx: Tx) => tx.select().from(auditEvents).orderBy(asc(auditEvents.seq));

    /** What someone does to hide an edit: recomputes every hash from `fromSeq` to the end, their way. */
    async function rehash(
      tx: Tx,
      fromSeq: number,
      hashed: (prevHash: string, row: Row) => { hash: string; keyId: string | null },
    ) {
      const all = await rows(tx);
      let prevHash = all.filter((r) => r.seq < fromSeq).at(-1)?.hash ?? 'genesis';
      for (const row of all.filter((r) => r.seq >= fromSeq)) {
        const { hash, keyId } = hashed(prevHash, row);
        await tx.update(auditEvents).set({ prevHash, hash, keyId }).where(eq(auditEvents.seq, row.seq));
        prevHash = hash;
      }
    }
    const withoutKey = (prevHash: string, row: Row) => ({ hash: audit.unkeyedHashOf(prevHash, row), keyId: null });
    const withKey = (key: AuditKey) => (prevHash: string, row: Row) => ({
      hash: audit.keyedHashOf(key.secret, prevHash, row),
      keyId: key.id,
    });

    const editAction = (tx: Tx, seq: number) =>
      tx.update(auditEvents).set({ action: 'organisation.deleted' }).where(eq(auditEvents.seq, seq));

    it('keys every entry on a new database: each names the key that made its hash, and none is unkeyed', async () => {
      const result = await audit.verify(t.database.db);
      expect(result).toMatchObject({ ok: true, unkeyed: 0 });
      const keyIds = new Set((await rows(t.database.db as unknown as Tx)).map((r) => r.keyId));
      expect([...keyIds]).toEqual([auditKeyId(testKeys()[0]?.secret as Buffer)]);
    });

    it('names an edited entry whose later hashes were all recomputed with plain SHA-256, without the key', async () => {
      const last = (await rows(t.database.db as unknown as Tx)).at(-1)?.seq ?? 0;
      const seq = last - 4;
      const asBefore = await tampered(async (tx) => {
        await editAction(tx, seq);
        await rehash(tx, seq, withoutKey);
        return audit.verify(tx);
      });
      expect(asBefore).toMatchObject({ ok: false, brokenAt: { seq, reason: expect.stringMatching(/without the audit key/) } });

      // The same, leaving each entry's key id as it was.
      const keptKeyId = await tampered(async (tx) => {
        await editAction(tx, seq);
        await rehash(tx, seq, (prevHash, row) => ({ hash: audit.unkeyedHashOf(prevHash, row), keyId: row.keyId }));
        return audit.verify(tx);
      });
      expect(keptKeyId).toMatchObject({
        ok: false,
        brokenAt: { seq, reason: expect.stringMatching(/does not match its hash.*without the audit key/) },
      });
    });

    it('names an edited entry whose later hashes were recomputed with a key the service does not hold', async () => {
      const last = (await rows(t.database.db as unknown as Tx)).at(-1)?.seq ?? 0;
      const seq = last - 3;
      const ownKeyId = await tampered(async (tx) => {
        await editAction(tx, seq);
        await rehash(tx, seq, withKey(otherKey));
        return audit.verify(tx);
      });
      expect(ownKeyId).toMatchObject({
        ok: false,
        brokenAt: { seq, reason: expect.stringMatching(/key the service does not hold/) },
      });
      expect(ownKeyId.brokenAt?.reason).toContain(otherKey.id);

      const realKeyId = await tampered(async (tx) => {
        await editAction(tx, seq);
        const real = testKeys()[0] as AuditKey;
        await rehash(tx, seq, (prevHash, row) => ({ hash: audit.keyedHashOf(otherKey.secret, prevHash, row), keyId: real.id }));
        return audit.verify(tx);
      });
      expect(realKeyId).toMatchObject({ ok: false, brokenAt: { seq, reason: expect.stringMatching(/does not match its hash/) } });
    });

    it('names two entries swapped, whole or their content only', async () => {
      const all = await rows(t.database.db as unknown as Tx);
      const a = all.at(-6) as Row;
      const b = all.at(-5) as Row;
      const { seq: _a, ...aFields } = a;
      const { seq: _b, ...bFields } = b;
      const swappedWhole = await tampered(async (tx) => {
        // Entry ids are unique: the first takes a stand-in id while the second takes its place.
        await tx.update(auditEvents).set({ id: '00000000-0000-4000-8000-000000000000' }).where(eq(auditEvents.seq, a.seq));
        await tx.update(auditEvents).set(aFields).where(eq(auditEvents.seq, b.seq));
        await tx.update(auditEvents).set(bFields).where(eq(auditEvents.seq, a.seq));
        return audit.verify(tx);
      });
      expect(swappedWhole).toMatchObject({
        ok: false,
        brokenAt: { seq: a.seq, id: b.id, reason: expect.stringMatching(/out of order/) },
      });
      // It names the entry it really follows: the one that was before it, now moved after it.
      expect(swappedWhole.brokenAt?.reason).toContain(`chained to entry seq ${b.seq}`);

      const swappedContent = await tampered(async (tx) => {
        await tx.update(auditEvents).set({ action: b.action, details: b.details }).where(eq(auditEvents.seq, a.seq));
        await tx.update(auditEvents).set({ action: a.action, details: a.details }).where(eq(auditEvents.seq, b.seq));
        return audit.verify(tx);
      });
      expect(swappedContent).toMatchObject({
        ok: false,
        brokenAt: { seq: a.seq, reason: expect.stringMatching(/does not match its hash/) },
      });
    });

    it('finds with a checkpoint the last entries removed, which the chain alone cannot show', async () => {
      const checkpoint = await audit.takeCheckpoint(t.database.db);
      const kept = (await rows(t.database.db as unknown as Tx)).at(-4)?.seq ?? 0;
      const [alone, withCheckpoint, appendedAfter] = await tampered(async (tx) => {
        await tx.delete(auditEvents).where(sql`${auditEvents.seq} > ${kept}`);
        const results = [await audit.verify(tx), await audit.verify(tx, { checkpoint })];
        // The service carries on adding entries after the cut: still found.
        await audit.record(tx, { userId: null, label: 'test', ip: null }, { orgId: null, action: 'test.after-the-cut' });
        return [...results, await audit.verify(tx, { checkpoint })];
      });
      expect(alone).toMatchObject({ ok: true });
      for (const result of [withCheckpoint, appendedAfter]) {
        expect(result?.ok).toBe(false);
        expect(result?.brokenAt).toBeNull();
        expect(result?.checkpointProblem).toBe(
          `the entries after seq ${kept} up to seq ${checkpoint.seq}, which the checkpoint taken at ${checkpoint.at} covers, are gone`,
        );
      }
    });

    it('finds with a checkpoint an entry changed since, even with every later hash recomputed with the key', async () => {
      const checkpoint = await audit.takeCheckpoint(t.database.db);
      expect(await audit.verify(t.database.db, { checkpoint })).toMatchObject({ ok: true, checkpointProblem: null });
      const seq = checkpoint.seq - 2;
      const [keyed, unkeyedFromTheStart] = await tampered(async (tx) => {
        await editAction(tx, seq);
        await rehash(tx, seq, withKey(testKeys()[0] as AuditKey));
        const keyed = await audit.verify(tx, { checkpoint });
        // The whole trail passed off as written before the chain was keyed: only the checkpoint shows it.
        await rehash(tx, 1, withoutKey);
        return [keyed, await audit.verify(tx, { checkpoint })];
      });
      for (const result of [keyed, unkeyedFromTheStart]) {
        expect(result).toMatchObject({
          ok: false,
          brokenAt: null,
          checkpointProblem: `entry seq ${checkpoint.seq} has changed since the checkpoint taken at ${checkpoint.at}`,
        });
      }
      expect(unkeyedFromTheStart?.unkeyed).toBe(unkeyedFromTheStart?.checked);
    });

    it('accepts entries from before the chain was keyed as its beginning only, and counts them', async () => {
      const all = await rows(t.database.db as unknown as Tx);
      const firstKeyed = all[10]?.seq ?? 0;
      const prefix = await tampered(async (tx) => {
        // As an install that upgraded: the first entries hashed without a key, the rest with one.
        await rehash(tx, 1, (prevHash, row) =>
          row.seq < firstKeyed ? withoutKey(prevHash, row) : withKey(testKeys()[0] as AuditKey)(prevHash, row),
        );
        return audit.verify(tx);
      });
      expect(prefix).toMatchObject({ ok: true, unkeyed: 10, checked: all.length });
    });

    it('verifies entries made with an older key after a rotation, and names one whose key was dropped', async () => {
      const [oldKey] = testKeys() as [AuditKey];
      const newKey = parseAuditKeys(Buffer.alloc(32, 2).toString('base64'))[0] as AuditKey;
      const actor = { userId: null, label: 'test', ip: null };
      try {
        const [rotated, dropped, newest] = await tampered(async (tx) => {
          useAuditKeys([newKey, oldKey]);
          await audit.record(tx, actor, { orgId: null, action: 'test.after-rotation' });
          const rotated = await audit.verify(tx);
          useAuditKeys([newKey]);
          const newest = (await rows(tx)).at(-1);
          return [rotated, await audit.verify(tx), newest];
        });
        expect(rotated).toMatchObject({ ok: true });
        expect(newest?.keyId).toBe(newKey.id);

        // Someone who learnt the old key cannot rewrite with it what was made after the rotation (all of it
        // passed off as made before would show against the checkpoint taken after the rotation).
        const retiredKey = await tampered(async (tx) => {
          useAuditKeys([newKey, oldKey]);
          await audit.record(tx, actor, { orgId: null, action: 'test.after-rotation' });
          await audit.record(tx, actor, { orgId: null, action: 'test.after-rotation' });
          const last = (await rows(tx)).at(-1) as Row;
          await tx.update(auditEvents).set({ action: 'test.rewritten' }).where(eq(auditEvents.seq, last.seq));
          await rehash(tx, last.seq, withKey(oldKey));
          return { seq: last.seq, result: await audit.verify(tx) };
        });
        expect(retiredKey.result).toMatchObject({
          ok: false,
          brokenAt: { seq: retiredKey.seq, reason: expect.stringMatching(/older audit key .* than entries before it/) },
        });
        expect(dropped).toMatchObject({
          ok: false,
          brokenAt: { seq: 1, reason: expect.stringMatching(/key the service does not hold/) },
        });
        expect(dropped?.brokenAt?.reason).toContain(oldKey.id);
      } finally {
        useAuditKeys(testKeys());
      }
    });

    it('writes a checkpoint to the log every day, taken by the job runner', async () => {
      await audit.ensureAuditCheckpoint(t.database);
      await audit.ensureAuditCheckpoint(t.database);
      const logged: { details: Record<string, unknown>; message: string }[] = [];
      const info = (details: Record<string, unknown>, message: string) => logged.push({ details, message });
      await runDueJobs(t.database, { info, warn: info, error: info });
      const head = (await rows(t.database.db as unknown as Tx)).at(-1) as Row;
      const checkpoints = logged.filter((l) => l.message === 'audit checkpoint');
      expect(checkpoints).toHaveLength(1);
      expect(checkpoints[0]?.details).toMatchObject({ seq: head.seq, hash: head.hash, at: expect.any(String) });
      // A line of the log is a checkpoint that verify accepts.
      const fromLog = audit.readCheckpoint(JSON.stringify({ level: 30, msg: 'audit checkpoint', ...checkpoints[0]?.details }));
      expect(await audit.verify(t.database.db, { checkpoint: fromLog })).toMatchObject({ ok: true });
      const waiting = (await jobsOfKind(t.database.db, audit.auditCheckpointKind)).filter((j) => j.finishedAt === null);
      expect(waiting).toHaveLength(1);
      expect(waiting[0]?.runAfter.getTime()).toBeGreaterThan(Date.now() + 60_000);
    });
  });

  it('lets the accountable Prevent lead download a checkpoint, and audits the download', async () => {
    const director = await signedIn(t.app, demo.accountableLead);
    const page = await director.get('/audit');
    expect(page.body).toContain('href="/audit/checkpoint"');
    const download = await director.get('/audit/checkpoint');
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toMatch(/^application\/json/);
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-checkpoint-\d{4}-\d{2}-\d{2}-seq-\d+\.json"$/,
    );
    const checkpoint = audit.readCheckpoint(download.body);
    expect(await audit.verify(t.database.db, { checkpoint })).toMatchObject({ ok: true, checkpointProblem: null });
    const entries = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'audit.checkpoint.downloaded'));
    expect(entries.map((e) => [e.actorLabel, e.details.seq, e.details.hash])).toEqual([
      [expect.stringContaining('Morgan Hale'), checkpoint.seq, checkpoint.hash],
    ]);

    const lead = await signedIn(t.app, demo.operationalLead);
    expect((await lead.get('/audit')).body).not.toContain('/audit/checkpoint');
    expect((await lead.get('/audit/checkpoint')).statusCode).toBe(403);
  });

  it('shows administrators and Prevent leads their organisation’s entries in words, with filters', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const tableOf = (html: string) => textOf(/<table[\s\S]*<\/table>/.exec(html)?.[0] ?? '');
    const all = tableOf((await lead.get('/audit')).body);
    expect(all).toContain('Signed in');
    expect(tableOf((await lead.get('/audit?action=user.created')).body)).toContain('User account: created');
    // Codes and ids stay in the export.
    expect(all).not.toMatch(/\bsign-in\b|user\.created|[0-9a-f]{8}-[0-9a-f]{4}-/);
    const signIns = tableOf((await lead.get('/audit?action=sign-in')).body);
    expect(signIns).toContain('Jordan Ellis');
    expect(signIns).not.toContain('User account: created');
    const byActor = textOf((await lead.get('/audit?actor=nobody-at-all')).body);
    expect(byActor).toContain('No entries match');
    const badDates = await lead.get('/audit?from=2026-05-01&to=2026-04-01');
    expect(badDates.statusCode).toBe(400);
    expect(textOf(badDates.body)).toContain('The “to” date must be on or after the “from” date');
    const notADate = await lead.get('/audit?from=yesterday');
    expect(textOf(notADate.body)).toContain('Enter a real date');
    expect((await lead.get('/audit/export.csv?from=yesterday')).statusCode).toBe(400);

    const csv = await lead.get('/audit/export.csv?action=sign-in');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = csv.body.trim().split('\r\n');
    expect(header).toBe('Sequence,When (UTC),Who,Action,Record type,Record id,From,Details');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split(',')[3]).toBe('sign-in');
  });

  it('names a concern case by its reference, linked, for leads; the board viewer reads that a case was seen, not which', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const id = /href="\/concerns\/([0-9a-f-]{36})"/.exec((await lead.get('/concerns')).body)?.[1];
    const [row] = rowsOf<{ id: string; reference: string }>(
      await t.database.db.execute(sql`select id, reference from concern_cases where id = ${id ?? null}`),
    );
    if (!row) throw new Error('the lead has no concern case in the demo data');
    expect((await lead.get(`/concerns/${row.id}`)).statusCode).toBe(200);
    const forLead = (await lead.get('/audit?action=concern.viewed')).body;
    expect(forLead).toContain(`<a href="/concerns/${row.id}">Concern case ${row.reference}</a>`);
    expect(textOf(forLead)).toContain('Viewed a concern case');

    const board = await signedIn(t.app, demo.boardViewer);
    const forBoard = await board.get('/audit?action=concern.viewed');
    expect(forBoard.statusCode).toBe(200);
    expect(textOf(forBoard.body)).toMatch(/What Viewed a concern case Record A concern case/);
    expect(forBoard.body).not.toContain(row.reference);
    expect(forBoard.body).not.toContain(row.id);
    const boardCsv = (await board.get('/audit/export.csv?action=concern.viewed')).body;
    expect(boardCsv).not.toContain(row.reference);
    const leadCsv = (await lead.get('/audit/export.csv?action=concern.viewed')).body;
    expect(leadCsv).toContain(row.reference);
  });

  it('links a record only for a reader who may open its page; the page then opens', async () => {
    const userLinks = (html: string) => [...html.matchAll(/href="(\/users\/[0-9a-f-]{36})"/g)].map((m) => m[1] ?? '');
    const admin = await signedIn(t.app, demo.systemAdmin);
    const forAdmin = userLinks((await admin.get('/audit?action=sign-in')).body);
    expect(forAdmin.length).toBeGreaterThan(0);
    expect((await admin.get(forAdmin[0] ?? '')).statusCode).toBe(200);
    // A Prevent lead reads the trail but does not manage accounts: the entry names the account, unlinked.
    const lead = await signedIn(t.app, demo.operationalLead);
    const forLead = (await lead.get('/audit?action=sign-in')).body;
    expect(userLinks(forLead)).toEqual([]);
    expect(textOf(forLead)).toContain('Record User account');
  });
});
