import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliInProcess, stackFrame } from '../../test/cli.ts';
import { anonymise } from '../platform/anonymiser/anonymiser.ts';

const corpus = fileURLToPath(new URL('../platform/anonymiser/corpus/', import.meta.url));
/** The real launcher in a child process, with the narrative on standard input. It never needs a database. */
const cli = (args: string[], input = '') =>
  runCli({ DATA_DIR: '/nonexistent/prevent-assure-data' }, args, { input, timeoutMs: 120_000 });
/** The same command in this process (test/cli.ts): without a Node.js start-up each; the child runs prove the launcher. */
const run = (args: string[], input = '') => runCliInProcess({ DATA_DIR: '/nonexistent/prevent-assure-data' }, args, { input });

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'anonymise-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const where = path.join(scratch, name);
  fs.writeFileSync(where, content);
  return where;
}

describe('prevent-assure anonymise', { timeout: 300_000 }, () => {
  it('writes only the anonymised text to stdout and a one-line summary to stderr', async () => {
    const narrative = fs.readFileSync(path.join(corpus, '01-online-xrw.txt'), 'utf8');
    const knownFile = path.join(corpus, '01-online-xrw.known.json');
    const known = JSON.parse(fs.readFileSync(knownFile, 'utf8'));
    const plain = 'Dr Khan saw her on 12/03/2024.\nNHS number 943 476 5919.\n';
    const [withKnown, without, quarters] = await Promise.all([
      run(['anonymise', '--known', knownFile], narrative),
      cli(['anonymise'], plain),
      run(['anonymise', '--quarters'], plain),
    ]);
    expect(withKnown.code).toBe(0);
    expect(withKnown.stdout).toBe(anonymise(narrative, known).text);
    expect(withKnown.stdout).not.toContain('Callum');
    expect(withKnown.stdout).toContain('Channel panel');
    expect(withKnown.stderr).toMatch(/^Anonymised: \d+ names, .*\(\d+ changes\)\.\n$/);
    expect(withKnown.stderr.split('\n')).toHaveLength(2);

    expect(without).toEqual({
      code: 0,
      stdout: 'Dr [name] saw her in March 2024.\nNHS number [NHS number].\n',
      stderr: 'Anonymised: 1 name, 1 NHS number, 1 date (3 changes).\n',
    });
    expect(quarters.stdout).toBe('Dr [name] saw her in January to March 2024.\nNHS number [NHS number].\n');
  });

  it('refuses a --known file it cannot use, naming the file and the field, and writes nothing', async () => {
    const badJson = file('bad.json', '{"names": ["Aisha Khan",]}');
    const notList = file('not-list.json', '{"names": "Aisha Khan"}');
    const notString = file('not-string.json', '{"names": ["Aisha Khan", 7]}');
    const badNhs = file('bad-nhs.json', '{"nhsNumbers": ["123 456"]}');
    const badDob = file('bad-dob.json', '{"dateOfBirth": "next Tuesday"}');
    const unknownField = file('unknown-field.json', '{"name": ["Aisha Khan"]}');
    const notObject = file('array.json', '[]');
    const missing = path.join(scratch, 'missing.json');
    const input = 'Aisha Khan was seen.';
    const runs = await Promise.all(
      [badJson, notList, notString, badNhs, badDob, unknownField, notObject, missing].map((f) =>
        run(['anonymise', '--known', f], input),
      ),
    );
    const expectations: [string, string][] = [
      [badJson, 'not valid JSON'],
      [notList, 'names must be a list of strings'],
      [notString, 'names[1] must be a string'],
      [badNhs, 'nhsNumbers[0] "123 456" is not an NHS number'],
      [badDob, 'dateOfBirth "next Tuesday" is not a date'],
      [unknownField, 'name is not a field this file can have'],
      [notObject, '(top level) must be an object'],
      [missing, 'there is no such file'],
    ];
    for (const [i, [where, message]] of expectations.entries()) {
      const run = runs[i];
      expect({ code: run?.code, stdout: run?.stdout }, message).toEqual({ code: 2, stdout: '' });
      expect(run?.stderr).toContain(`--known ${where}: `);
      expect(run?.stderr).toContain(message);
      expect(run?.stderr).not.toMatch(stackFrame);
    }
  });

  it('explains itself and refuses typing mistakes', async () => {
    const [overview, help, helpFlag, badFlag, noValue, extra, tokenHelp] = await Promise.all([
      run(['--help']),
      run(['help', 'anonymise']),
      run(['anonymise', '--help']),
      cli(['anonymise', '--colour', 'blue'], 'text'),
      run(['anonymise', '--known'], 'text'),
      run(['anonymise', 'narrative.txt'], 'text'),
      run(['token', 'create', '--help']),
    ]);
    expect(overview.code).toBe(0);
    expect(overview.stdout).toMatch(/^ {2}anonymise +Turn a case summary into a case study/m);
    for (const run of [help, helpFlag]) {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: prevent-assure anonymise [--known FILE.json]');
      expect(run.stdout).toContain('"nhsNumbers"');
    }
    for (const [run, message] of [
      [badFlag, 'anonymise: Unknown flag --colour'],
      [noValue, 'anonymise: --known needs a value'],
      [extra, 'anonymise: Unexpected word "narrative.txt"'],
    ] as const) {
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Run "prevent-assure help anonymise" for details.');
    }
    // Two-word commands still find their own help.
    expect(tokenHelp.code).toBe(0);
    expect(tokenHelp.stdout).toContain('Usage: prevent-assure token create');
  });
});
