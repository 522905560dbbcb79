import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp, testConfig, testDatabase } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import type { Database } from '../db/client.ts';
import { loggedUrl } from './request-log.ts';

const placeholder = '[redacted]';

describe('addresses in the request log', () => {
  it('keeps the path, drops the query string', () => {
    expect(loggedUrl('/concerns?q=9434765919')).toBe('/concerns');
    expect(loggedUrl('/users/4a1e7c0e-2d7b-4b4e-9a55-0c1f3e2d9b10/roles')).toBe(
      '/users/4a1e7c0e-2d7b-4b4e-9a55-0c1f3e2d9b10/roles',
    );
  });

  it('replaces an invitation’s one-time token, however the address is written', () => {
    const token = 'Qm9va3MgYXJlIGdvb2Qgc2VjcmV0cw';
    for (const [url, logged] of [
      [`/invitations/${token}`, `/invitations/${placeholder}`],
      [`/invitations/${token}?next=%2F`, `/invitations/${placeholder}`],
      [`/invitations/${token}/`, `/invitations/${placeholder}/`],
      [`//invitations/${token}`, `//invitations/${placeholder}`],
      [`/Invitations/${token}`, `/Invitations/${placeholder}`],
      [`/invitations/${token}%E0%A4%A`, `/invitations/${placeholder}`],
      [`/invitations/${token};x=1`, `/invitations/${placeholder}`],
    ] as const) {
      expect(loggedUrl(url), url).toBe(logged);
    }
  });

  describe('in the app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await testApp();
    });
    afterAll(() => t.close());

    it('covers every route whose address carries a secret (a token, key, code or secret)', () => {
      const secretParameter = /^:\w*(token|key|secret|code|password)\w*$/i;
      const secretRoutes = t.app.routeAccess.filter((r) => r.url.split('/').some((s) => secretParameter.test(s)));
      // Today the invitation link alone; a new route with a secret in its address must be covered here too.
      expect(secretRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
        'GET /invitations/:token',
        'HEAD /invitations/:token',
        'POST /invitations/:token',
      ]);
      for (const route of secretRoutes) {
        const url = route.url
          .split('/')
          .map((s) => (secretParameter.test(s) ? 'SECRETvalue123' : s.startsWith(':') ? 'some-id' : s))
          .join('/');
        expect(loggedUrl(url), route.url).not.toContain('SECRETvalue123');
      }
    });
  });

  describe('end to end, through the service’s logger', () => {
    let database: Database;
    beforeAll(async () => {
      database = await testDatabase();
    });
    afterAll(() => database.close());

    it('writes no invitation token to the log, for a good address or one the router cannot read', async () => {
      const lines: string[] = [];
      const app = await buildApp(database, testConfig({ logLevel: 'info' }), { logStream: { write: (l) => lines.push(l) } });
      const token = randomBytes(24).toString('base64url');
      try {
        expect((await app.inject({ method: 'GET', url: `/invitations/${token}` })).statusCode).toBe(404);
        expect((await app.inject({ method: 'GET', url: `/invitations/${token}%E0%A4%A?x=1` })).statusCode).toBe(400);
        expect((await app.inject({ method: 'GET', url: '/sign-in?next=%2Fconcerns' })).statusCode).toBe(200);
      } finally {
        await app.close();
      }
      const log = lines.join('');
      expect(log).not.toContain(token);
      const urls = lines.map((l) => JSON.parse(l) as { req?: { url?: string } }).flatMap((e) => (e.req?.url ? [e.req.url] : []));
      expect(urls).toEqual([`/invitations/${placeholder}`, `/invitations/${placeholder}`, '/sign-in']);
    });
  });
});
