import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess, stackFrame } from '../../test/cli.ts';
import { currentEdition } from '../modules/standards/service.ts';

/*
 * `standards list` reads the standards files and no database, so it runs in this process (and once
 * through the real launcher) with nothing set up.
 */
const noDatabase = { DATA_DIR: '/nonexistent/prevent-assure-data' };

describe('prevent-assure standards list', { timeout: 120_000 }, () => {
  it('prints the current edition’s requirements as a table: id, section, whom they apply to, text', async () => {
    const run = await runCli(noDatabase, ['standards', 'list']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const edition = currentEdition();
    expect(run.stdout).toContain(`${edition.title}, edition ${edition.edition} (published ${edition.published})`);
    expect(run.stdout).toMatch(/^Id\s+Section\s+Applies to\s+Text$/m);
    expect(run.stdout).toMatch(
      /^P-LEAD-4\s+Core standards for providers of NHS services › Prevent leads\s+provider\s+The commissioner is kept informed at all times of the identity of the person holding the position\.$/m,
    );
    for (const requirement of edition.requirements) expect(run.stdout).toMatch(new RegExp(`^${requirement.id} `, 'm'));
    expect(run.stdout).toContain(`${edition.requirements.length} requirements.`);
    expect(run.stdout).toContain('Open Government Licence v3.0');
  });

  it('prints JSON with --json, and the edition asked for with --edition', async () => {
    const json = await runCliInProcess(noDatabase, ['standards', 'list', '--json']);
    expect(json.code).toBe(0);
    const edition = currentEdition();
    expect(JSON.parse(json.stdout)).toEqual(
      edition.requirements.map((r) => ({ id: r.id, section: r.section, appliesTo: r.appliesTo, text: r.text })),
    );
    const named = await runCliInProcess(noDatabase, ['standards', 'list', '--edition', '2024', '--json']);
    expect(named).toMatchObject({ code: 0, stdout: json.stdout });
  });

  it('answers an unknown edition, flag or word with what is wrong and exit code 2', async () => {
    const unknownEdition = await runCliInProcess(noDatabase, ['standards', 'list', '--edition', '2019']);
    expect(unknownEdition).toMatchObject({ code: 2, stdout: '' });
    expect(unknownEdition.stderr).toContain(
      '--edition: There is no edition "2019" of the core standards. The editions are: 2024',
    );
    const noValue = await runCliInProcess(noDatabase, ['standards', 'list', '--edition']);
    expect(noValue).toMatchObject({ code: 2 });
    expect(noValue.stderr).toContain('--edition needs a value');
    const unknownFlag = await runCliInProcess(noDatabase, ['standards', 'list', '--csv']);
    expect(unknownFlag).toMatchObject({ code: 2, stdout: '' });
    expect(unknownFlag.stderr).toContain('standards list: Unknown flag --csv');
    expect(unknownFlag.stderr).toContain('Usage: prevent-assure standards list [--edition EDITION] [--json]');
    const word = await runCliInProcess(noDatabase, ['standards', 'list', 'providers']);
    expect(word).toMatchObject({ code: 2 });
    expect(word.stderr).toContain('Unexpected word "providers"');
    const unknownCommand = await runCliInProcess(noDatabase, ['standards', 'show']);
    expect(unknownCommand).toMatchObject({ code: 2 });
    expect(unknownCommand.stderr).toContain('Unknown command "standards show"');
    for (const run of [unknownEdition, noValue, unknownFlag, word, unknownCommand]) expect(run.stderr).not.toMatch(stackFrame);
  });

  it('explains itself', async () => {
    const overview = await runCliInProcess(noDatabase, ['help']);
    expect(overview.stdout).toContain('standards list');
    const help = await runCliInProcess(noDatabase, ['standards', 'list', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: prevent-assure standards list [--edition EDITION] [--json]');
    expect(help.stdout).toContain('Editions: 2024 (published 2024-10-03)');
  });
});
