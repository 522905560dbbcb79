import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type DetachedDatabase, detachedCopyOfTemplate } from '../../test/databases.ts';
import { InputError } from '../platform/errors.ts';
import { complianceCommand } from './training-compliance.ts';

/*
 * Runs the command in this process (a child process costs seconds of CPU on the embedded
 * database); the launcher, exit codes and error printing are covered for every command by cli.test.ts.
 */
let target: DetachedDatabase;
const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };

beforeAll(async () => {
  target = await detachedCopyOfTemplate(inject('template'));
  delete process.env.DATABASE_URL;
  Object.assign(process.env, target.env);
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await target.remove();
});

async function output(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await complianceCommand.run(args), stdout };
  } finally {
    spy.mockRestore();
  }
}

describe('prevent-assure training compliance', { timeout: 120_000 }, () => {
  it('prints each level’s staff in scope, up to date and percentage, as a table or as JSON', async () => {
    const json = await output(['--org', 'rz1', '--as-at', '2026-12-01', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ org: 'RZ1', asAt: '2026-12-01', target: 85 });
    expect(parsed.levels.map((l: { level: string }) => l.level)).toEqual(['basic', 'level3']);
    for (const level of parsed.levels) {
      expect(level.inScope).toBeGreaterThan(0);
      expect(level.compliant).toBeLessThanOrEqual(level.inScope);
      expect(level.percent).toBe(Math.floor((level.compliant * 1000) / level.inScope) / 10);
      expect(level.compliant + level.expired + level.neverTrained).toBe(level.inScope);
    }
    const shown = await output(['--org', 'RZ1', '--as-at', '2026-12-01']);
    expect(shown.stdout).toContain('Prevent training as at 2026-12-01, target 85%');
    const basic = parsed.levels[0];
    expect(shown.stdout).toMatch(
      new RegExp(`Basic Prevent awareness\\s+${basic.inScope}\\s+${basic.compliant}\\s+${basic.percent}%`),
    );
  });

  it('names the flag that is wrong', async () => {
    await expect(complianceCommand.run(['--org', 'RZ1', '--as-at', '2026-02-30'])).rejects.toThrow(InputError);
    await expect(complianceCommand.run(['--org', 'XX9'])).rejects.toMatchObject({
      fieldErrors: { orgId: 'No organisation has the ODS code XX9 (see "org list")' },
    });
    await expect(complianceCommand.run(['--as-at', '2026-01-01'])).rejects.toThrow('Missing --org');
  });
});
