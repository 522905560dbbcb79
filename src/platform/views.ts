import path from 'node:path';
import nunjucks from 'nunjucks';
import { datePartsOf } from './date-parts.ts';
import { nhsukDist, projectRoot } from './paths.ts';
import { isRole, roleNames } from './permissions.ts';

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'Europe/London',
});

/**
 * Nunjucks with the NHS.UK frontend macros. Templates are found by their module:
 * "organisations/views/list.njk" is src/modules/organisations/views/list.njk, and a platform
 * piece's page likewise: "jobs/views/failed.njk" is src/platform/jobs/views/failed.njk.
 */
export function createViewEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [path.join(projectRoot, 'views'), path.join(projectRoot, 'src/modules'), path.join(projectRoot, 'src/platform'), nhsukDist],
      {
        noCache: process.env.NODE_ENV === 'development',
      },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  // nunjucks' own trim is a quadratic regex; the NHS macros pass long whitespace through it.
  // Same result, keeping the input's "safe" marking as nunjucks' own filter does.
  const { copySafeness } = (nunjucks as unknown as { runtime: { copySafeness: (from: unknown, to: string) => unknown } }).runtime;
  env.addFilter('trim', (value: unknown) => copySafeness(value, String(value ?? '').trim()));
  env.addFilter('date', (value: Date | string | null | undefined) => (value ? dateFormat.format(new Date(value)) : ''));
  env.addFilter('dateTime', (value: Date | string | null | undefined) => (value ? dateTimeFormat.format(new Date(value)) : ''));
  env.addFilter('dateParts', datePartsOf);
  env.addFilter('roleName', (role: string) => (isRole(role) ? roleNames[role] : role));
  env.addFilter('roleNames', (held: string[]) => held.map((r) => (isRole(r) ? roleNames[r] : r)).join(', '));
  return env;
}

/** The nhsuk-frontend stylesheet and script, served from node_modules under fixed names. */
export const frontendAssets = {
  css: path.join(nhsukDist, 'nhsuk/nhsuk-frontend.min.css'),
  js: path.join(nhsukDist, 'nhsuk/nhsuk-frontend.min.js'),
  images: path.join(nhsukDist, 'nhsuk/assets'),
  ownCss: path.join(projectRoot, 'views/assets/app.css'),
  init: path.join(projectRoot, 'views/assets/init.js'),
};
