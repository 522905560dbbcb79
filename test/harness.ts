import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/client.ts';
import { demoPassword } from '../src/demo/seed.ts';
import { copyOfTemplate, testAuditKey, testCaseDataKey } from './databases.ts';

export { demoPassword };

/** Demo accounts by role (see src/demo/seed.ts): most at the foundation trust RZ1. */
export const demo = {
  staff: 'staff@northshire-ft.example',
  practitioner: 'practitioner@northshire-ft.example',
  operationalLead: 'prevent.lead@northshire-ft.example',
  accountableLead: 'director@northshire-ft.example',
  trainingAdmin: 'training@northshire-ft.example',
  boardViewer: 'board@northshire-ft.example',
  systemAdmin: 'admin@northshire-ft.example',
  otherTrustLead: 'prevent.lead@dales-trust.example',
  independentLead: 'prevent.lead@harbourside.example',
  commissioner: 'commissioner@northshire-icb.example',
  icbAdmin: 'admin@northshire-icb.example',
  regionalLead: 'regional@northshire-region.example',
  inspector: 'inspector@cqc.example',
} as const;

export const testDatabase = (): Promise<Database> => copyOfTemplate(inject('template'));

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      LOG_LEVEL: 'silent',
      REQUIRE_MFA: 'false',
      DATA_DIR: '/nonexistent',
      CASE_DATA_KEY: testCaseDataKey,
      AUDIT_KEY: testAuditKey,
    }),
    ...overrides,
  };
}

export type TestApp = { app: FastifyInstance; database: Database; close: () => Promise<void> };

/** The whole app on a fresh copy of the demo database. */
export async function testApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await testDatabase();
  const app = await buildApp(database, testConfig(overrides));
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** A browser-like visitor: keeps cookies and the latest CSRF token between requests. */
export class Visitor {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of response.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  /** Carries a cookie as if a response had set it: a session a test wrote itself (see signedInAs). */
  keepCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader } }));
  }

  /** Posts a form with the current CSRF token unless the fields say otherwise. */
  async post(url: string, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const payload = new URLSearchParams({ _csrf: this.csrf, ...fields }).toString();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
  }

  async signIn(email: string, password = demoPassword): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { email, password, next: '/' });
    await this.get('/');
    return response;
  }
}

export async function signedIn(app: FastifyInstance, email: string): Promise<Visitor> {
  const visitor = new Visitor(app);
  const response = await visitor.signIn(email);
  if (response.statusCode !== 303 || response.headers.location !== '/') {
    throw new Error(`Could not sign in as ${email}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  }
  return visitor;
}

/** The text of an HTML page without tags, for assertions on what a person reads. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|\s+/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}
