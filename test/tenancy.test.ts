import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withScope } from '../src/db/tenancy.ts';
import * as organisations from '../src/modules/organisations/service.ts';
import * as users from '../src/modules/users/service.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from './harness.ts';
import { databaseRefusal } from './refusals.ts';

type Rows<T> = { rows: T[] };

const rowsOf = <T>(result: unknown) => (result as Rows<T>).rows;

describe('tenancy', () => {
  let t: TestApp;
  let rz1: string;
  let rz2: string;
  let rz1AdminId: string;
  let rz2LeadId: string;

  beforeAll(async () => {
    t = await testApp();
    const db = t.database.db;
    rz1 = (await organisations.findByOdsCode(db, 'RZ1'))?.id ?? '';
    rz2 = (await organisations.findByOdsCode(db, 'RZ2'))?.id ?? '';
    rz1AdminId = (await users.findByEmail(db, demo.systemAdmin))?.id ?? '';
    rz2LeadId = (await users.findByEmail(db, demo.otherTrustLead))?.id ?? '';
  });
  afterAll(() => t.close());

  describe('in the database (row-level security)', () => {
    it('requests run as a role that is neither a superuser, nor able to bypass row-level security, nor the tables’ owner', async () => {
      const [role] = rowsOf<{ rolsuper: boolean; rolbypassrls: boolean }>(
        await t.database.db.execute(sql`select rolsuper, rolbypassrls from pg_roles where rolname = 'prevent_app'`),
      );
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
      const owners = rowsOf<{ tableowner: string }>(
        await t.database.db.execute(sql`select distinct tableowner from pg_tables where schemaname = 'public'`),
      );
      expect(owners.map((o) => o.tableowner)).not.toContain('prevent_app');
      const who = await withScope(t.database.db, { userId: null, orgIds: [rz1] }, async (tx) =>
        rowsOf<{ current_user: string }>(await tx.execute(sql`select current_user`)),
      );
      expect(who[0]?.current_user).toBe('prevent_app');
    });

    it('returns only the current organisation’s rows from a query with its organisation filter left out', async () => {
      const all = rowsOf<{ org_id: string }>(await t.database.db.execute(sql`select org_id from role_grants`));
      expect(new Set(all.map((r) => r.org_id)).size).toBeGreaterThan(2);

      const seen = await withScope(t.database.db, { userId: null, orgIds: [rz1] }, async (tx) => ({
        grants: rowsOf<{ org_id: string }>(await tx.execute(sql`select org_id from role_grants`)),
        audit: rowsOf<{ org_id: string }>(await tx.execute(sql`select org_id from audit_events`)),
      }));
      expect(seen.grants.length).toBeGreaterThan(0);
      expect(seen.grants.every((r) => r.org_id === rz1)).toBe(true);
      expect(seen.audit.length).toBeGreaterThan(0);
      expect(seen.audit.every((r) => r.org_id === rz1)).toBe(true);
    });

    it('sees nothing with no organisation in scope', async () => {
      const seen = await withScope(t.database.db, { userId: null, orgIds: [] }, async (tx) =>
        rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from audit_events`)),
      );
      expect(seen[0]?.n).toBe(0);
    });

    it('refuses to write a row for another organisation', async () => {
      const refusal = await databaseRefusal(
        withScope(t.database.db, { userId: null, orgIds: [rz1] }, (tx) =>
          tx.execute(sql`insert into role_grants (org_id, user_id, role) values (${rz2}, ${rz2LeadId}, 'system_admin')`),
        ),
      );
      expect(refusal).toMatch(/row-level security/);
    });

    it('cannot change or delete the audit trail, even through the app role', async () => {
      expect(
        await databaseRefusal(
          withScope(t.database.db, { userId: null, orgIds: [rz1] }, (tx) =>
            tx.execute(sql`update audit_events set action = 'x'`),
          ),
        ),
      ).toMatch(/permission denied/);
      // Even the owner, who is not subject to grants, is stopped by the trigger.
      expect(await databaseRefusal(t.database.db.execute(sql`delete from audit_events`))).toMatch(/append-only/);
    });
  });

  describe('through the pages', () => {
    it('answers 404, not 403, for another organisation’s user, and changes nothing', async () => {
      const icbAdmin = await signedIn(t.app, demo.icbAdmin);
      for (const url of [`/users/${rz1AdminId}`, `/users/${rz2LeadId}`]) {
        const page = await icbAdmin.get(url);
        expect(page.statusCode, url).toBe(404);
        expect(textOf(page.body)).toContain('Page not found');
      }
      const before = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from role_grants`));
      for (const [url, fields] of [
        [`/users/${rz1AdminId}/roles`, { role: 'board_viewer' }],
        [`/users/${rz1AdminId}/deactivate`, {}],
        [`/users/${rz1AdminId}/invitation`, {}],
      ] as const) {
        expect((await icbAdmin.post(url, fields)).statusCode, url).toBe(404);
      }
      const after = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from role_grants`));
      expect(after).toEqual(before);
      expect((await users.findById(t.database.db, rz1AdminId))?.deactivatedAt).toBeNull();
    });

    it('does not list or reveal another provider to a provider, and does not leak guessed ids', async () => {
      const admin = await signedIn(t.app, demo.systemAdmin);
      const list = textOf((await admin.get('/organisations')).body);
      expect(list).toContain('Northshire Teaching Hospitals');
      expect(list).not.toContain('Dales Community');
      expect((await admin.get(`/organisations/${rz2}`)).statusCode).toBe(404);
      expect((await admin.get(`/organisations/${randomUUID()}`)).statusCode).toBe(404);
      expect((await admin.post(`/organisations/${rz2}`, { name: 'Taken over', region: 'x' })).statusCode).toBe(404);
      expect((await organisations.findById(t.database.db, rz2))?.name).toBe('Dales Community and Mental Health NHS Trust');
      const users = textOf((await admin.get('/users')).body);
      expect(users).not.toContain('Avery Quinn');
    });

    it('lets the commissioning ICB see its providers, and a provider lead only their own organisation', async () => {
      const commissioner = await signedIn(t.app, demo.commissioner);
      const list = textOf((await commissioner.get('/organisations')).body);
      for (const name of ['Northshire Teaching Hospitals', 'Dales Community', 'Harbourside Independent'])
        expect(list).toContain(name);
      expect((await commissioner.get(`/organisations/${rz2}`)).statusCode).toBe(200);
      const otherLead = await signedIn(t.app, demo.otherTrustLead);
      expect((await otherLead.get(`/organisations/${rz1}`)).statusCode).toBe(404);
    });

    it('shows an organisation’s audit trail only to that organisation', async () => {
      const icbAdmin = await signedIn(t.app, demo.icbAdmin);
      const trail = textOf((await icbAdmin.get('/audit')).body);
      expect(trail).toContain('Lee Farrow');
      expect(trail).not.toContain('Robin Carter');
    });
  });
});
