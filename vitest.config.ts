import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Three lanes (`npm run test:fast`, `test:cli`, `test:browser`); `npm test` runs them all in one pool.
 * The fast lane is every unit and service test; the command-line lane launches real processes (the
 * launcher, the service); the browser lane drives Chromium.
 */
const commandLine = ['src/cli/**/*.test.ts', 'src/modules/audit/keys.test.ts'];
const browser = ['e2e/**/*.test.ts'];

/**
 * The longest files first, so that the run does not end on one of them alone. Vitest orders by the
 * durations it remembers, but a clean clone (CI) has none: then the navigation files (each a few
 * accounts walking every page with axe), the rest of the browser lane, the command line, the fast lane.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) =>
      file.moduleId.includes('/e2e/navigation/') ? 0 : ['browser', 'cli', 'fast'].indexOf(file.project.name) + 1;
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    // One template database for every lane in a run (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // Each test file opens its own database; PGlite takes ~400 MB, so two at a time on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    sequence: { sequencer: LongestFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: commandLine, isolate: false },
      },
      { extends: true, test: { name: 'cli', include: commandLine } },
      // The browser files build their own app and database and change no module state of their own, so they
      // share a worker's loaded modules (as the fast lane does) instead of loading the app again per file.
      { extends: true, test: { name: 'browser', include: browser, isolate: false } },
    ],
  },
});
