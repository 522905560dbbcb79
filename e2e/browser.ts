/**
 * Browser tests: the real app, listening on 127.0.0.1, driven by Debian's Chromium through
 * playwright-core, with axe checking each page for WCAG 2.2 AA problems.
 *
 * Without Chromium the browser test files are skipped with a warning, except on CI
 * (CI=true), where a missing browser fails the run so that it cannot pass without them.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { describe, inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import type { Database } from '../src/db/client.ts';
import { demoPassword, testConfig, testDatabase } from '../test/harness.ts';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumAvailable = fs.existsSync(chromiumPath);

const onCi = !!process.env.CI && !['false', '0', 'no'].includes(process.env.CI.toLowerCase());

if (!chromiumAvailable) {
  if (onCi) {
    throw new Error(
      `Browser tests cannot run: Chromium not found at ${chromiumPath} (CI is set, so this is a failure, not a skip)`,
    );
  }
  console.warn(`Browser tests skipped: Chromium not found at ${chromiumPath} (install Debian's chromium package)`);
}

/**
 * The browser lane checks what a person's browser meets — pages, forms with and without JavaScript,
 * accessibility, journeys from page to page — and runs on the embedded database only. Everything beneath
 * the pages (every route for every role, every service and query) runs on both databases in the fast lane,
 * so a run with DATABASE_URL (CI's second run, on the PostgreSQL server) skips the browser lane.
 */
export const browserLaneSkippedOnServer = !!process.env.DATABASE_URL;

/** `describe` for browser tests: skipped on a server run, and when there is no Chromium (not on CI, which has already failed above). */
export const describeInBrowser = describe.skipIf(!chromiumAvailable || browserLaneSkippedOnServer);

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // There is no network: only the app itself may be reached. Every other host fails to resolve (the NHS
  // stylesheet asks for fonts from assets.nhs.uk; the pages fall back to Arial, as they would if that host
  // were down). Done here rather than with Playwright's request routing, which turns off the browser's
  // cache and so fetched the stylesheet and scripts again on every page.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** What a page did wrong in the browser itself: uncaught script errors and console errors (CSP refusals among them). */
const problemsOf = new WeakMap<Page, string[]>();

export type BrowserApp = {
  app: FastifyInstance;
  database: Database;
  browser: Browser;
  baseUrl: string;
  /** A page in a fresh browser context (its own cookies); axe needs pages from a context. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
};

/** Starts the app on a fresh copy of the demo database, listening on 127.0.0.1, and launches Chromium. */
export async function startBrowserApp(overrides: Partial<Config> = {}): Promise<BrowserApp> {
  const database = await testDatabase();
  let app: FastifyInstance | undefined;
  let browser: Browser;
  let baseUrl: string;
  try {
    app = await buildApp(database, testConfig(overrides));
    await app.listen({ host: '127.0.0.1', port: 0 });
    // The first render compiles the NHS.UK templates; do it before any test's clock starts.
    await app.inject('/sign-in');
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('The app is not listening on a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  } catch (error) {
    await app?.close();
    await database.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];

  return {
    app,
    database,
    browser,
    baseUrl,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', ...options });
      contexts.push(context);
      // Generous waits: the tests share a small machine with a database and a browser.
      context.setDefaultTimeout(60_000);
      context.setDefaultNavigationTimeout(60_000);
      const page = await context.newPage();
      const problems: string[] = [];
      problemsOf.set(page, problems);
      page.on('pageerror', (error) => problems.push(`${page.url()}: uncaught ${error.name}: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        // Hosts we made unreachable on purpose (the font host) report as failed loads; nothing else may.
        const source = message.location().url;
        if (source && new URL(source, baseUrl).hostname !== '127.0.0.1') return;
        if (/Failed to load resource: net::ERR_NAME_NOT_RESOLVED/.test(message.text())) return;
        // A page the app answers with an error status on purpose (a form with mistakes, 403, 404) is not a problem here.
        if (source === page.url() && /^Failed to load resource: the server responded with a status of/.test(message.text()))
          return;
        problems.push(`${page.url()}: console error: ${message.text()}`);
      });
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await app.close();
      await database.close();
    },
  };
}

/** Uncaught script errors and console errors the page has had so far (blocked font requests aside). */
export function browserProblems(page: Page): string[] {
  return [...(problemsOf.get(page) ?? [])];
}

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe-core itself, read once: put into each page as it is checked. */
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeViolation = {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
};

/**
 * The page's structure, without its words: each element with its tag and the attributes that change how
 * it is read (class, role, type, aria-*, and whether the others are empty), each piece of text as "T",
 * and a run of identical siblings (table rows, list items) as one. Two pages alike in this are alike to
 * axe, which judges markup, not what the words say: the same template with other records, or for
 * another role. The main part and the rest (header, footer) are taken apart, as every role has its own
 * header and each header is checked with its first page.
 */
async function structureOf(page: Page): Promise<{ main: string; around: string }> {
  const { main, around } = await page.evaluate(() => {
    const valued =
      /^(class|role|type|scope|colspan|rowspan|lang|open|hidden|disabled|checked|selected|multiple|tabindex|autocomplete|inputmode|aria-(?!describedby$|labelledby$|controls$|owns$).*)$/;
    const mainElement = document.querySelector('main');
    const skeleton = (node: Node, skipMain: boolean): string => {
      if (node.nodeType === Node.TEXT_NODE) return node.textContent?.trim() ? 'T' : '';
      if (node.nodeType !== Node.ELEMENT_NODE) return '';
      const element = node as Element;
      if (skipMain && element === mainElement) return '<main/>';
      const attributes = [...element.attributes]
        .map((a) => (valued.test(a.name) ? `${a.name}=${a.value}` : a.value ? a.name : `${a.name}=""`))
        .sort()
        .join(' ');
      const children: string[] = [];
      for (const child of element.childNodes) {
        const part = skeleton(child, skipMain);
        if (part && part !== children[children.length - 1]) children.push(part);
      }
      return `<${element.tagName} ${attributes}>${children.join('')}</>`;
    };
    const page = `${document.documentElement.lang}|${document.title.trim() ? 'T' : ''}|`;
    return {
      main: mainElement ? skeleton(mainElement, false) : '',
      around: page + skeleton(document.documentElement, true),
    };
  });
  const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);
  return { main: hash(main), around: hash(around) };
}

/** Where this run notes the structures axe has passed: shared by the browser files running side by side. */
const checkedFolder = (() => {
  try {
    return inject('axeChecked');
  } catch {
    return undefined;
  }
})();

/**
 * Runs axe on the page as it is now and fails with a readable list of every violation.
 * No rules or elements are excluded: fix the template instead. (If one ever must be, add
 * `rules: { id: { enabled: false } }` or an `exclude` to the run here with the reason written beside it.)
 *
 * A page whose main part and surroundings have both been checked already in this run, on any page of any test
 * (structureOf), is not checked again: the crawl of every role's pages spent most of its time checking the
 * same templates over and over. Pass `always` to check regardless.
 *
 * axe-core runs in the page itself (put there through the browser's own channel, so the app's CSP does not
 * apply): the same checks as @axe-core/playwright's AxeBuilder in its legacy mode, without its setup on
 * every call, which was half the time on an ordinary page. The app has no frames (its CSP forbids framing
 * and it embeds none), so nothing is lost by not going into frames.
 */
export async function checkAccessibility(page: Page, { always = false } = {}): Promise<void> {
  const structure = checkedFolder && !always ? await structureOf(page) : undefined;
  const noted = (part: string) => (checkedFolder ? path.join(checkedFolder, part) : '');
  if (structure && fs.existsSync(noted(`main-${structure.main}`)) && fs.existsSync(noted(`around-${structure.around}`))) return;
  // Noted before the check, so that a file running beside this one does not check the same structure at the
  // same time: should this check fail, the run fails with it, so nothing goes unchecked.
  if (structure) {
    fs.writeFileSync(noted(`main-${structure.main}`), page.url());
    fs.writeFileSync(noted(`around-${structure.around}`), page.url());
  }
  await runAxe(page);
}

async function runAxe(page: Page): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run: (options: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe.run({
        runOnly: { type: 'tag', values: tags },
        // Only violations are reported back: this does not change what axe checks, and saves time on every page.
        resultTypes: ['violations'],
      }),
    wcagTags,
  );
  if (results.violations.length === 0) return;
  const report = results.violations.map((violation) => {
    const nodes = violation.nodes.map((node) => {
      const summary = node.failureSummary ? `\n        ${node.failureSummary.replace(/\n/g, '\n        ')}` : '';
      return `      at ${node.target.map(String).join(' ')}${summary}`;
    });
    return [
      `  - ${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help}`,
      `    ${violation.helpUrl}`,
      ...nodes,
    ].join('\n');
  });
  throw new Error(`axe found ${results.violations.length} accessibility violation(s) on ${page.url()}:\n${report.join('\n')}`);
}

/** Clicks something that loads a new page (a link, a form's button) and waits until that page has loaded. */
export async function clickAndWait(page: Page, target: Locator): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  try {
    await target.click();
  } catch (error) {
    navigated.catch(() => {}); // the click's own error is the one to report
    throw error;
  }
  await navigated;
  await page.waitForLoadState('load');
}

/** Signs in through the sign-in form; leaves the page wherever the app sends the person next. */
export async function signIn(page: Page, email: string, password = demoPassword): Promise<void> {
  if (new URL(page.url()).pathname !== '/sign-in') await page.goto('/sign-in');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }));
}

/** Signs out with the header's Sign out button. */
export async function signOut(page: Page): Promise<void> {
  await clickAndWait(page, page.getByRole('banner').getByRole('button', { name: 'Sign out' }));
}

/** The text of an element as a person sees it (rendered, so without hidden parts such as `<script>`). */
export function textOf(locator: Locator): Promise<string> {
  return locator.innerText();
}

/** The header navigation's link texts, in order. */
export async function headerNavigation(page: Page): Promise<string[]> {
  const links = page.locator('header nav.nhsuk-header__navigation a.nhsuk-header__navigation-link');
  return (await links.allInnerTexts()).map((text) => text.trim());
}

/** Saves a full-page screenshot when E2E_SCREENSHOTS names a folder (for looking at the pages, not for comparing). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Types an ISO date (2026-11-23) into the NHS date input whose boxes are ID-day, ID-month and ID-year. */
export async function fillDate(page: Page, id: string, isoDate: string): Promise<void> {
  const [year = '', month = '', day = ''] = isoDate.split('-');
  await page.fill(`#${id}-day`, String(Number(day)));
  await page.fill(`#${id}-month`, String(Number(month)));
  await page.fill(`#${id}-year`, year);
}
