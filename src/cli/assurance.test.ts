import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliInProcess } from '../../test/cli.ts';
import { type DetachedDatabase, detachedCopyOfTemplate, testCaseDataKey } from '../../test/databases.ts';
import { currentEdition, requirementsFor } from '../modules/standards/service.ts';

/*
 * Runs the command in this process (a child process costs seconds of CPU on the embedded database),
 * through the command line's own main(), so that its messages and exit codes are the operator's.
 */
let target: DetachedDatabase;

beforeAll(async () => {
  target = await detachedCopyOfTemplate(inject('template'));
});
afterAll(async () => {
  await target.remove();
});

function run(...args: string[]) {
  // A server's configuration names the case data key, as the service's does.
  const settings: Record<string, string> = { ...target.env };
  if (settings.DATABASE_URL !== undefined) settings.CASE_DATA_KEY ??= testCaseDataKey;
  return runCliInProcess(settings, ['assurance', 'status', ...args]);
}

type Row = { id: string; section: string; text: string; result: string; computed: boolean; reason: string };

describe('prevent-assure assurance status', { timeout: 120_000 }, () => {
  it('prints every requirement that applies to the organisation, with its result, as JSON or as text', async () => {
    const json = await run('--org', 'rz1', '--as-at', '2026-12-01', '--json');
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Row[];
    const applying = requirementsFor(currentEdition(), 'nhs_foundation_trust');
    expect(rows.map((r) => r.id)).toEqual(applying.map((r) => r.id));
    for (const [i, row] of rows.entries()) {
      const requirement = applying[i];
      expect(Object.keys(row)).toEqual(['id', 'section', 'text', 'result', 'computed', 'reason']);
      expect(row).toMatchObject({ section: requirement?.section, text: requirement?.text, computed: !!requirement?.rule });
      expect(['met', 'partly_met', 'not_met', 'not_assessed']).toContain(row.result);
      expect(row.reason).not.toBe('');
      if (!requirement?.rule) expect(row.result).toBe('not_assessed');
    }
    const board = rows.find((r) => applying.find((a) => a.id === r.id)?.rule === 'board-report');
    // Computed from the board reports (the demo's was presented on the day it was loaded, after this as-at date).
    if (board) expect(board).toMatchObject({ computed: true, reason: expect.stringContaining('presented to the board') });

    const text = await run('--org', 'RZ1', '--as-at', '2026-12-01');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Northshire');
    expect(text.stdout).toContain('(RZ1) against');
    expect(text.stdout).toContain('as at 2026-12-01');
    const [first] = rows;
    expect(text.stdout).toContain(`${first?.id}  `);
    expect(text.stdout).toContain(`  Reason: ${first?.reason}`);
    expect(text.stdout).toContain(`  Computed from the records: ${first?.computed ? 'yes' : 'no'}`);
    expect(text.stdout).toContain(`${rows.length} requirements: `);
  });

  it('refuses an unknown organisation, a date that is not real, a missing or unknown flag, with exit code 2', async () => {
    const unknown = await run('--org', 'XX9');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('--org: No organisation has the ODS code XX9 (see "org list")');
    const badDate = await run('--org', 'RZ1', '--as-at', '2026-02-30');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--as-at: Enter a real date, like 2026-03-31');
    const missing = await run('--as-at', '2026-01-01');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Missing --org');
    const extra = await run('--org', 'RZ1', '--colour');
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('Unknown flag --colour');
  });
});
