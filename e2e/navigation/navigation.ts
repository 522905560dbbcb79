import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { navigationFor } from '../../src/platform/navigation.ts';
import { permissions, permissionsOf, type Role } from '../../src/platform/permissions.ts';
import { demo } from '../../test/harness.ts';
import {
  type BrowserApp,
  browserProblems,
  checkAccessibility,
  describeInBrowser,
  headerNavigation,
  screenshot,
  signIn,
  startBrowserApp,
  textOf,
} from '../browser.ts';

export type Account = {
  key: keyof typeof demo;
  role: Role;
  name: string;
  /**
   * What the role is for, written out rather than read from the code, so that the test can
   * disagree with it: navigation items this person must see and must not see.
   */
  sees: string[];
  never: string[];
};

// Everyone can raise a concern; no one but the Prevent leads and practitioners sees a case.
const noPermissions = {
  sees: ['Home', 'Raise a concern', 'My training'],
  never: [
    'Organisations',
    'Users',
    'Audit trail',
    'Concerns',
    'Training',
    'Risks',
    'Lessons learned',
    'Learning group',
    'Contracts',
  ],
};
const preventLead = {
  sees: [
    'Home',
    'Raise a concern',
    'Concerns',
    'Concern figures',
    'Training',
    'Organisations',
    'Audit trail',
    'Risks',
    'Lessons learned',
    'Learning group',
    'Contracts',
  ],
  never: ['Users', 'API tokens', 'Providers’ training'],
};

/** Every demo account (see src/demo/seed.ts). */
export const accounts: Account[] = [
  { key: 'staff', role: 'staff', name: 'Sam Okafor', ...noPermissions },
  {
    key: 'practitioner',
    role: 'safeguarding_practitioner',
    name: 'Priya Natarajan',
    sees: ['Home', 'Raise a concern', 'Concerns'],
    never: ['Organisations', 'Users', 'Audit trail', 'Concern figures', 'Risks', 'Lessons learned', 'Learning group'],
  },
  { key: 'operationalLead', role: 'operational_lead', name: 'Jordan Ellis', ...preventLead },
  { key: 'accountableLead', role: 'accountable_lead', name: 'Morgan Hale', ...preventLead },
  {
    key: 'trainingAdmin',
    role: 'training_admin',
    name: 'Taylor Brook',
    sees: ['Home', 'Raise a concern', 'My training', 'Training'],
    never: ['Organisations', 'Users', 'Audit trail', 'Concerns', 'Concern figures', 'Risks'],
  },
  {
    key: 'boardViewer',
    role: 'board_viewer',
    name: 'Casey Marsh',
    sees: ['Home', 'Raise a concern', 'Concern figures', 'Training', 'Organisations', 'Risks', 'Audit trail'],
    never: ['Users', 'Concerns', 'Lessons learned', 'Learning group'],
  },
  {
    key: 'systemAdmin',
    role: 'system_admin',
    name: 'Robin Carter',
    sees: ['Home', 'Organisations', 'Users', 'Audit trail', 'API tokens', 'Risks'],
    never: ['Concerns', 'Concern figures'],
  },
  { key: 'otherTrustLead', role: 'operational_lead', name: 'Avery Quinn', ...preventLead },
  { key: 'independentLead', role: 'operational_lead', name: 'Rowan Pike', ...preventLead },
  {
    key: 'commissioner',
    role: 'commissioner_lead',
    name: 'Dana Whitfield',
    sees: [
      'Home',
      'Concern figures',
      'Providers’ training',
      'Providers',
      'Organisations',
      'Audit trail',
      'Risks',
      'Learning group',
      'Contracts',
    ],
    never: ['Users', 'Concerns', 'Training', 'Lessons learned'],
  },
  {
    key: 'icbAdmin',
    role: 'system_admin',
    name: 'Lee Farrow',
    sees: ['Home', 'Organisations', 'Users', 'Audit trail', 'API tokens', 'Risks'],
    never: ['Concerns', 'Concern figures'],
  },
  {
    key: 'regionalLead',
    role: 'regional_lead',
    name: 'Harper Lowe',
    sees: ['Home', 'Concern figures', 'Providers’ training', 'Organisations', 'Regional learning'],
    never: ['Users', 'Audit trail', 'Concerns', 'Training', 'Risks', 'Lessons learned', 'Learning group', 'Contracts'],
  },
  {
    key: 'inspector',
    role: 'cqc_inspector',
    name: 'Alex Rivers',
    sees: ['Home', 'Raise a concern', 'My training', 'CQC evidence'],
    never: [...noPermissions.never, 'Reports', 'Concern figures', 'Self-assessment', 'Policies'],
  },
];

/** The header navigation a role should get: navigationFor with the role's permissions from rolePermissions. */
export const navigationOf = (role: Role) => navigationFor(permissionsOf([role]), '/').map((item) => item.text);
/** Every navigation item there is, with its page. */
const everyItem = navigationFor(new Set(permissions), '/');
const hrefOf = (text: string) => everyItem.find((item) => item.text === text)?.href;

/** Links that are not pages of the app to check: the JSON status endpoint, and files. */
const notPages = [/^\/health$/, /^\/ping$/, /^\/assets\//];

const idPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** A page's kind, such as /users/:id: one of each kind is visited per person. */
const kindOf = (pathname: string) =>
  // A self-assessment's requirement pages are one kind, whatever the requirement (their ids are not uuids).
  pathname.replace(idPattern, ':id').replace(/\/requirements\/[^/]+$/, '/requirements/:requirement');

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** The app's own pages this page links to (same origin, not fragments of this page). */
async function linksOn(page: Page, baseUrl: string): Promise<string[]> {
  // Evidence links point to organisations' own intranets on purpose; they are marked rel="external".
  const hrefs = await page
    .locator('a[href]:not([rel~="external"])')
    .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
  const found: string[] = [];
  for (const href of hrefs) {
    const url = new URL(href);
    if (url.origin !== baseUrl) throw new Error(`${page.url()} links away from the app, to ${href}`);
    if (url.pathname === pathOf(page) && url.hash) continue; // the skip link and the error summary's links
    if (notPages.some((p) => p.test(url.pathname))) continue;
    found.push(url.pathname + url.search);
  }
  return found;
}

/**
 * The accounts, in the groups that run as separate test files (in parallel), of about the same length.
 * Every page is checked with axe unless a page of the same structure has passed already in this run, for
 * this account or another (checkAccessibility in ../browser.ts).
 */
export const groups = {
  operationalLeads: ['operationalLead', 'otherTrustLead', 'independentLead'],
  administrators: ['systemAdmin', 'icbAdmin', 'accountableLead'],
  trustStaff: ['staff', 'practitioner', 'boardViewer', 'inspector'],
  partners: ['commissioner', 'regionalLead', 'trainingAdmin'],
} satisfies Record<string, Account['key'][]>;

// One person after another, each in a new context of the one browser. Each test has its own
// time limit, and every browser step within it its own 60 seconds.
export function describeNavigation(keys: Account['key'][]): void {
  describeInBrowser('navigation and accessibility, role by role', { timeout: 600_000 }, () => {
    let b: BrowserApp;
    beforeAll(async () => {
      b = await startBrowserApp();
    });
    afterAll(() => b?.close());

    for (const account of accounts.filter((a) => keys.includes(a.key))) {
      it(`${account.key} (${account.role}): sees only their navigation; every page one level from it passes axe`, async () => {
        const page = await b.newPage();
        const navigation = navigationOf(account.role);
        const held = permissionsOf([account.role]);
        await signIn(page, demo[account.key]);
        expect(pathOf(page)).toBe('/');
        await expect(textOf(page.getByRole('banner'))).resolves.toContain(account.name);
        expect(await headerNavigation(page)).toEqual(navigation);
        // The home page offers the same places as cards.
        const cards = await page.locator('main .nhsuk-card__link').allInnerTexts();
        expect(cards.map((c) => c.trim())).toEqual(navigation.filter((n) => n !== 'Home'));
        await checkAccessibility(page);
        await screenshot(page, `${account.key}-home`);

        // The home page's links (the header's navigation and account links, the cards, the footer),
        // then the links on those pages: one page of each kind, each checked with axe.
        const checked = new Set<string>(['/']);
        let toVisit = await linksOn(page, b.baseUrl);
        for (let depth = 1; depth <= 2; depth++) {
          const next: string[] = [];
          for (const url of toVisit) {
            const kind = kindOf(new URL(url, b.baseUrl).pathname);
            if (checked.has(kind)) continue;
            checked.add(kind);
            const response = await page.goto(url).catch((error: Error) => {
              // A file to download (a policy document, an export) is not a page to check.
              if (/Download is starting/.test(error.message)) return 'download' as const;
              throw error;
            });
            if (response === 'download') continue;
            expect(response?.status(), `${account.key} followed a link to ${url}`).toBe(200);
            if (!response?.headers()['content-type']?.startsWith('text/html')) continue;
            checked.add(kindOf(pathOf(page))); // where a redirect led
            const item = everyItem.find((i) => i.href === kind);
            if (item) await expect(textOf(page.locator('header [aria-current="page"]'))).resolves.toBe(item.text);
            await checkAccessibility(page);
            await screenshot(page, `${account.key}${kind.replace(/[/:]+/g, '-')}`);
            if (depth < 2) next.push(...(await linksOn(page, b.baseUrl)));
          }
          toVisit = next;
        }
        for (const item of navigation) expect(checked.has(hrefOf(item) ?? '?'), item).toBe(true);
        for (const kind of ['/account', '/account/password', '/account/mfa', '/accessibility']) {
          expect(checked.has(kind), kind).toBe(true);
        }

        // What the navigation leaves out is closed to the role: the 403 page (checked with axe once).
        for (const item of everyItem) {
          if (navigation.includes(item.text)) continue;
          const response = await page.goto(item.href);
          expect(response?.status(), item.href).toBe(403);
          await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('You do not have access to this page');
          await checkAccessibility(page);
        }
        // Adding a provider (an ICB administrator's task) is not linked for every administrator; check it too.
        if (held.has('organisations:manage') && !checked.has('/organisations/new')) {
          const response = await page.goto('/organisations/new');
          expect([200, 403]).toContain(response?.status());
          await checkAccessibility(page);
        }

        // Pages that do not exist, and records that are not there (or not theirs).
        let response = await page.goto('/no-such-page');
        expect(response?.status()).toBe(404);
        await expect(textOf(page.getByRole('heading', { level: 1 }))).resolves.toBe('Page not found');
        await expect(textOf(page.getByRole('banner'))).resolves.toContain(account.name);
        await checkAccessibility(page);
        if (held.has('organisations:read')) {
          response = await page.goto('/organisations/00000000-0000-4000-8000-000000000000');
          expect(response?.status()).toBe(404);
        }

        expect(browserProblems(page)).toEqual([]);
        await page.context().close();
      });
    }
  });
}
