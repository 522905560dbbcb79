import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
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

  it('finds an edited entry and a removed entry', async () => {
    await t.database.exec('alter table audit_events disable trigger audit_events_append_only');
    try {
      const original = rowsOf<{ action: string }>(
        await t.database.db.execute(sql`select action from audit_events where seq = 4`),
      )[0]?.action;
      await t.database.exec("update audit_events set action = 'organisation.deleted' where seq = 4");
      const edited = await audit.verify(t.database.db);
      expect(edited).toMatchObject({ ok: false, brokenAt: { seq: 4, reason: expect.stringMatching(/edited/) } });
      await t.database.exec(`update audit_events set action = '${original}' where seq = 4`);
      expect((await audit.verify(t.database.db)).ok).toBe(true);
      await t.database.exec('delete from audit_events where seq = 6');
      expect(await audit.verify(t.database.db)).toMatchObject({
        ok: false,
        brokenAt: { seq: 7, reason: expect.stringMatching(/removed/) },
      });
    } finally {
      await t.database.exec('alter table audit_events enable trigger audit_events_append_only');
    }
  });

  it('shows administrators and Prevent leads their organisation’s entries, with filters', async () => {
    const lead = await signedIn(t.app, demo.operationalLead);
    const all = textOf((await lead.get('/audit')).body);
    expect(all).toContain('sign-in');
    expect(all).toContain('user.created');
    const tableOf = (html: string) => textOf(/<table[\s\S]*<\/table>/.exec(html)?.[0] ?? '');
    const signIns = tableOf((await lead.get('/audit?action=sign-in')).body);
    expect(signIns).toContain('Jordan Ellis');
    expect(signIns).not.toContain('user.created');
    const byActor = textOf((await lead.get('/audit?actor=nobody-at-all')).body);
    expect(byActor).toContain('No entries match');
    const badDates = await lead.get('/audit?from=2026-05-01&to=2026-04-01');
    expect(badDates.statusCode).toBe(400);
    expect(textOf(badDates.body)).toContain('The “to” date must be on or after the “from” date');
    const notADate = await lead.get('/audit?from=yesterday');
    expect(textOf(notADate.body)).toContain('Enter a date like 2026-04-01');
  });
});
