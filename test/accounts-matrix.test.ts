import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as organisations from '../src/modules/organisations/service.ts';
import { anotherIcbsProvider, newUser } from './factories.ts';
import { demo, signedIn, type TestApp, testApp, type Visitor } from './harness.ts';

/**
 * The authorisation matrix's rows for the routes that change an account, with a person who holds roles in two
 * organisations (A, the demo's foundation trust, and B, another ICB's provider). An administrator of only one
 * of them may give and remove that organisation's roles, nothing else; an administrator of both may change the
 * account; an administrator of a third organisation does not find the person at all.
 */
type Actor = 'admin of A only' | 'admin of B only' | 'admin of A and B' | 'admin of C';
type Row = {
  route: string;
  path: (ids: Ids) => string;
  fields?: (ids: Ids) => Record<string, string>;
  expect: Record<Actor, number>;
};
type Ids = { person: string; grantInA: string; grantInB: string; personEmail: string };

const everyAccountRoute: Row[] = [
  {
    route: 'POST /users/:id/roles',
    path: (ids) => `/users/${ids.person}/roles`,
    fields: () => ({ role: 'training_admin' }),
    expect: { 'admin of A only': 303, 'admin of B only': 303, 'admin of A and B': 303, 'admin of C': 404 },
  },
  {
    route: 'POST /users/:id/roles/:grantId/revoke',
    // Another organisation's grant: never reachable from here.
    path: (ids) => `/users/${ids.person}/roles/${ids.grantInB}/revoke`,
    expect: { 'admin of A only': 404, 'admin of B only': 303, 'admin of A and B': 404, 'admin of C': 404 },
  },
  {
    route: 'POST /users/:id/mfa/reset',
    path: (ids) => `/users/${ids.person}/mfa/reset`,
    expect: { 'admin of A only': 403, 'admin of B only': 403, 'admin of A and B': 303, 'admin of C': 404 },
  },
  {
    route: 'POST /users/:id/invitation',
    path: (ids) => `/users/${ids.person}/invitation`,
    expect: { 'admin of A only': 403, 'admin of B only': 403, 'admin of A and B': 200, 'admin of C': 404 },
  },
  {
    route: 'POST /users/:id/deactivate',
    path: (ids) => `/users/${ids.person}/deactivate`,
    expect: { 'admin of A only': 403, 'admin of B only': 403, 'admin of A and B': 303, 'admin of C': 404 },
  },
  {
    route: 'POST /users/:id/reactivate',
    path: (ids) => `/users/${ids.person}/reactivate`,
    expect: { 'admin of A only': 403, 'admin of B only': 403, 'admin of A and B': 303, 'admin of C': 404 },
  },
  // Last: for the administrator of C, it makes the person a member of C.
  {
    route: 'POST /users',
    path: () => '/users',
    fields: (ids) => ({ email: ids.personEmail, displayName: 'A New Name', role: 'board_viewer' }),
    // A and B already hold the person: refused. C gives a role only (the account is untouched: checked below).
    expect: { 'admin of A only': 400, 'admin of B only': 400, 'admin of A and B': 400, 'admin of C': 200 },
  },
];

type Rows<T> = { rows: T[] };

describe('account-changing routes, for a person with roles in two organisations', () => {
  let t: TestApp;
  const visitors = new Map<Actor, Visitor>();
  const orgs = { a: '', b: '' };
  let people = 0;

  /** A fresh person for each test, so that no test depends on another having run. */
  async function twoOrganisationPerson(): Promise<Ids> {
    people++;
    const person = await newUser(t.database, {
      email: `two.organisations.${people}@example.nhs.uk`,
      displayName: 'Quinn Twofold',
      roles: [
        { orgId: orgs.a, role: 'staff' },
        { orgId: orgs.b, role: 'staff' },
      ],
      mfa: true,
    });
    const grants = (
      (await t.database.db.execute(sql`select id, org_id from role_grants where user_id = ${person.id}`)) as unknown as Rows<{
        id: string;
        org_id: string;
      }>
    ).rows;
    return {
      person: person.id,
      personEmail: person.email,
      grantInA: grants.find((g) => g.org_id === orgs.a)?.id ?? '',
      grantInB: grants.find((g) => g.org_id === orgs.b)?.id ?? '',
    };
  }

  /** What only the person (or an administrator of all their organisations) may change. */
  const account = async (ids: Ids) =>
    (
      (await t.database.db.execute(
        sql`select display_name, password_hash, totp_enabled_at, deactivated_at,
              (select count(*)::int from invitations i where i.user_id = u.id) as invitations
            from users u where id = ${ids.person}`,
      )) as unknown as Rows<Record<string, unknown>>
    ).rows[0];

  beforeAll(async () => {
    t = await testApp();
    orgs.a = (await organisations.findByOdsCode(t.database.db, 'RZ1'))?.id ?? '';
    const b = await anotherIcbsProvider(t.database, '7');
    const c = await anotherIcbsProvider(t.database, '6');
    orgs.b = b.provider.id;
    await newUser(t.database, {
      email: 'admin.both@example.nhs.uk',
      displayName: 'Kit Both',
      roles: [
        { orgId: orgs.a, role: 'system_admin' },
        { orgId: orgs.b, role: 'system_admin' },
      ],
    });
    visitors.set('admin of A only', await signedIn(t.app, demo.systemAdmin));
    visitors.set('admin of B only', await signedIn(t.app, b.admin.email));
    // The demo's foundation trust comes first by name, so it is this administrator's active organisation.
    visitors.set('admin of A and B', await signedIn(t.app, 'admin.both@example.nhs.uk'));
    visitors.set('admin of C', await signedIn(t.app, c.admin.email));
  });
  afterAll(() => t.close());

  it('has a row for every route that changes a person or their roles', () => {
    const routes = t.app.routeAccess
      .filter((r) => r.method === 'POST' && (r.url === '/users' || r.url.startsWith('/users/')))
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.sort()).toEqual(everyAccountRoute.map((r) => r.route).sort());
  });

  for (const actor of ['admin of C', 'admin of A only', 'admin of B only'] as const) {
    it(`lets the ${actor} change nothing of the account itself`, async () => {
      const ids = await twoOrganisationPerson();
      const before = await account(ids);
      const visitor = visitors.get(actor);
      for (const row of everyAccountRoute) {
        const response = await visitor?.post(row.path(ids), row.fields?.(ids) ?? {});
        expect(response?.statusCode, `${actor}: ${row.route}`).toBe(row.expect[actor]);
        expect(await account(ids), `${actor}: ${row.route}`).toEqual(before);
      }
    });
  }

  it('lets an administrator of both organisations change the account', async () => {
    const ids = await twoOrganisationPerson();
    const visitor = visitors.get('admin of A and B');
    for (const row of everyAccountRoute) {
      const response = await visitor?.post(row.path(ids), row.fields?.(ids) ?? {});
      expect(response?.statusCode, row.route).toBe(row.expect['admin of A and B']);
    }
    const after = await account(ids);
    expect(after?.totp_enabled_at).toBeNull();
    expect(after?.invitations).toBe(1);
    expect(after?.deactivated_at).toBeNull();
  });
});
