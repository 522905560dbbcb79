import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseDataPermission,
  caseDataRoles,
  type Permission,
  permissions,
  type Role,
  rolePermissions,
  roles,
  rolesWith,
} from '../src/platform/permissions.ts';
import { setUpRouteRegistry } from '../src/platform/web.ts';
import { demo, signedIn, type TestApp, testApp, type Visitor } from './harness.ts';

/** The demo account that holds each role (src/demo/seed.ts). */
const accountFor: Record<Role, string> = {
  staff: demo.staff,
  safeguarding_practitioner: demo.practitioner,
  operational_lead: demo.operationalLead,
  accountable_lead: demo.accountableLead,
  training_admin: demo.trainingAdmin,
  board_viewer: demo.boardViewer,
  commissioner_lead: demo.commissioner,
  regional_lead: demo.regionalLead,
  system_admin: demo.systemAdmin,
  cqc_inspector: demo.inspector,
};

/**
 * Who must hold each permission, written out by hand so that a change to the role table
 * shows up here as a decision, not as an accident.
 */
const expectedHolders: Record<Permission, Role[]> = {
  'organisations:read': [
    'operational_lead',
    'accountable_lead',
    'board_viewer',
    'commissioner_lead',
    'regional_lead',
    'system_admin',
  ],
  'organisations:manage': ['system_admin'],
  'organisations:commissioned': ['commissioner_lead', 'system_admin'],
  'organisations:region': ['regional_lead'],
  'providers:read': ['commissioner_lead', 'regional_lead'],
  'users:manage': ['system_admin'],
  'audit:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead', 'system_admin'],
  'audit:checkpoint': ['accountable_lead'],
  'leads:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead', 'system_admin'],
  'leads:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead', 'system_admin'],
  'contacts:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead', 'system_admin'],
  'contacts:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead', 'system_admin'],
  'partnership:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead'],
  'partnership:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead'],
  'requests:manage': ['operational_lead', 'accountable_lead'],
  'development:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead'],
  'development:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead'],
  'programme:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead', 'system_admin'],
  'programme:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead', 'system_admin'],
  'risks:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead', 'system_admin'],
  'risks:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead'],
  'risks:providers': ['commissioner_lead'],
  'ctlp:sign-off': ['accountable_lead'],
  'lessons:review': ['operational_lead', 'accountable_lead'],
  'learning:read': ['operational_lead', 'accountable_lead', 'commissioner_lead'],
  'learning:manage': ['commissioner_lead'],
  'learning:region': ['regional_lead'],
  'policies:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead', 'system_admin'],
  'policies:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead', 'system_admin'],
  'concerns:work': ['safeguarding_practitioner', 'operational_lead', 'accountable_lead'],
  'concerns:manage': ['operational_lead', 'accountable_lead'],
  'concerns:counts': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead', 'regional_lead'],
  'concerns:exact-figures': ['operational_lead', 'accountable_lead'],
  'concerns:providers': ['commissioner_lead', 'regional_lead'],
  'api-tokens:manage': ['system_admin'],
  'training:compliance': ['operational_lead', 'accountable_lead', 'training_admin', 'board_viewer'],
  'training:staff': ['operational_lead', 'accountable_lead', 'training_admin'],
  'training:manage': ['training_admin'],
  'training:providers': ['commissioner_lead', 'regional_lead'],
  'contracts:read': ['operational_lead', 'accountable_lead', 'commissioner_lead'],
  'contracts:manage': ['commissioner_lead'],
  'assurance:providers': ['commissioner_lead'],
  'assurance:region': ['regional_lead'],
  'assessment:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead'],
  'assessment:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead'],
  'reports:read': ['operational_lead', 'accountable_lead', 'board_viewer', 'commissioner_lead'],
  'reports:edit': ['operational_lead', 'accountable_lead', 'commissioner_lead'],
  'reports:approve': ['accountable_lead'],
  'reports:providers': ['commissioner_lead', 'regional_lead'],
  'evidence:read': ['operational_lead', 'accountable_lead', 'cqc_inspector'],
  'evidence:inspectors': ['operational_lead', 'accountable_lead'],
  'evidence:grant': ['accountable_lead'],
  'assessment:sign-off': ['accountable_lead'],
  'assessment:review': ['commissioner_lead'],
};

const holders = (permission: Permission) => roles.filter((role) => rolePermissions[role].includes(permission));

/** A concrete URL for a route pattern: parameters become well-formed ids that exist nowhere. */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, () => randomUUID());

describe('the authorisation matrix', () => {
  let t: TestApp;
  const visitors = new Map<Role, Visitor>();

  beforeAll(async () => {
    t = await testApp();
    for (const role of roles) visitors.set(role, await signedIn(t.app, accountFor[role]));
  });
  afterAll(() => t.close());

  it('gives each permission to exactly the roles the product intends', () => {
    for (const permission of permissions) expect(holders(permission), permission).toEqual(expectedHolders[permission]);
  });

  it('takes the roles that open cases (second factor, leads told of grants, who may be assigned) from the table', () => {
    expect(caseDataRoles).toEqual(expectedHolders[caseDataPermission]);
    for (const permission of permissions) expect(rolesWith(permission), permission).toEqual(expectedHolders[permission]);
  });

  it('refuses to register a route that does not say who may use it', async () => {
    const app = Fastify();
    setUpRouteRegistry(app);
    expect(() => app.get('/undeclared', async () => 'x')).toThrow(/does not declare who may use it/);
    await app.close();
  });

  it('sends a visitor who is not signed in to sign in, for every route that is not public', async () => {
    const routes = t.app.routeAccess.filter((r) => r.access !== 'public' && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((r) => r.access === 'api-token').map((r) => `${r.method} ${r.url}`)).toContain('POST /api/v1/concerns');
    for (const route of routes) {
      const response = await t.app.inject({ method: route.method as 'GET', url: concrete(route.url) });
      if (route.access === 'api-token') {
        // Another system, not a person: asked for a token, never sent to sign in.
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(response.headers['www-authenticate'], `${route.method} ${route.url}`).toMatch(/^Bearer\b/);
      } else if (route.url.startsWith('/api/')) expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      else {
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(303);
        expect(response.headers.location).toMatch(/^\/sign-in\?next=/);
      }
    }
  });

  it('lets through every role that holds a route’s permission and refuses every other, on every route', async () => {
    const checked: string[] = [];
    for (const route of t.app.routeAccess) {
      if (route.access === 'public' || route.method === 'HEAD') continue;
      for (const role of roles) {
        const visitor = visitors.get(role);
        if (!visitor) throw new Error(role);
        const url = concrete(route.url);
        const response = route.method === 'GET' ? await visitor.get(url) : await visitor.post(url, {});
        const where = `${role} ${route.method} ${route.url} (${route.access})`;
        checked.push(where);
        if (route.access === 'api-token') {
          // A session cookie never authorises the API, whatever the person's role: only a token does.
          expect(response.statusCode, where).toBe(401);
          continue;
        }
        const allowed = route.access === 'signed-in' || rolePermissions[role].includes(route.access);
        if (allowed) expect(response.statusCode, where).not.toBe(403);
        else expect(response.statusCode, where).toBe(403);
        expect(response.statusCode, where).toBeLessThan(500);
      }
    }
    // Every role against every non-public route: the matrix is complete, not a sample.
    const nonPublic = t.app.routeAccess.filter((r) => r.access !== 'public' && r.method !== 'HEAD').length;
    expect(checked.length).toBe(nonPublic * roles.length);
    // Every route × every role: it grows with the product, so it gets more time than one request's worth.
  }, 600_000);

  it('shows a 403 page in NHS style that says what to do', async () => {
    const staff = visitors.get('staff');
    const response = await staff?.get('/users');
    expect(response?.statusCode).toBe(403);
    expect(response?.body).toContain('You do not have access to this page');
    expect(response?.body).toContain('nhsuk-header');
  });
});
