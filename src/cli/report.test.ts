import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliInProcess } from '../../test/cli.ts';
import { type DetachedDatabase, detachedCopyOfTemplate, testCaseDataKey } from '../../test/databases.ts';
import { docxXml, pdfText, zipFiles } from '../../test/documents.ts';
import { columns, quarterContaining } from '../modules/reports/data-return.ts';
import { financialYearOf } from '../modules/reports/service.ts';
import { todayInLondon } from '../platform/dates.ts';

/* Runs the command in this process, through the command line's own main(), on a copy of the demo database. */
let target: DetachedDatabase;
let scratch: string;

beforeAll(async () => {
  target = await detachedCopyOfTemplate(inject('template'));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-report-'));
});
afterAll(async () => {
  await target.remove();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function run(...args: string[]) {
  const settings: Record<string, string> = { ...target.env };
  if (settings.DATABASE_URL !== undefined) settings.CASE_DATA_KEY ??= testCaseDataKey;
  return runCliInProcess(settings, ['report', ...args]);
}

const lastYear = String(financialYearOf(todayInLondon()) - 1);
const thisYear = String(financialYearOf(todayInLondon()));

describe('prevent-assure report', { timeout: 120_000 }, () => {
  it('writes the approved board report as a web page, a PDF and a Word file, and the draft with --draft', async () => {
    const html = path.join(scratch, 'board.html');
    const written = await run('board', '--org', 'rz1', '--year', lastYear, '--format', 'html', '--out', html);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('Annual Prevent report to the board');
    expect(page).toContain('approved');
    expect(page).toContain('<svg');

    const pdf = path.join(scratch, 'board.pdf');
    expect((await run('board', '--org', 'RZ1', '--year', lastYear, '--format', 'pdf', '--out', pdf)).code).toBe(0);
    expect(await pdfText(fs.readFileSync(pdf))).toContain('Training compliance');
    const docx = path.join(scratch, 'board.docx');
    expect((await run('board', '--org', 'RZ1', '--year', lastYear, '--format', 'docx', '--out', docx)).code).toBe(0);
    expect(await docxXml(fs.readFileSync(docx))).toContain('Whether resources are adequate');

    const draft = path.join(scratch, 'draft.html');
    const drafted = await run('board', '--org', 'RZ1', '--year', thisYear, '--format', 'html', '--out', draft, '--draft');
    expect(drafted.stderr).toBe('');
    expect(drafted.code).toBe(0);
    expect(fs.readFileSync(draft, 'utf8')).toContain('draft, not approved');
  });

  it('refuses what is wrong, naming it, and writes nothing', async () => {
    const out = path.join(scratch, 'never.pdf');
    const cases: [string[], RegExp][] = [
      [['board', '--org', 'RZ1', '--year', lastYear, '--format', 'odt', '--out', out], /--format/],
      [['board', '--org', 'RZ1', '--year', 'last', '--format', 'pdf', '--out', out], /--year/],
      [['board', '--org', 'XX9', '--year', lastYear, '--format', 'pdf', '--out', out], /XX9/],
      [['board', '--org', 'RZ2', '--year', lastYear, '--format', 'pdf', '--out', out], /no approved board report/],
      [['board', '--org', 'RZ1', '--year', lastYear, '--format', 'pdf'], /--out/],
      [['data-return', '--org', 'RZ1', '--quarter', '2026-Q7', '--out', out], /--quarter|2026-Q3/],
    ];
    for (const [args, message] of cases) {
      const refused = await run(...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
    expect(fs.existsSync(out)).toBe(false);
    // A file that exists is never written over.
    const taken = path.join(scratch, 'taken.csv');
    fs.writeFileSync(taken, 'mine');
    const quarter = quarterContaining(todayInLondon()).code;
    expect((await run('data-return', '--org', 'RZ1', '--quarter', quarter, '--out', taken)).code).toBe(2);
    expect(fs.readFileSync(taken, 'utf8')).toBe('mine');
  });

  it('writes the quarterly data return; an ICB’s holds its providers and the total', async () => {
    const quarter = quarterContaining(todayInLondon()).code;
    const out = path.join(scratch, 'icb.csv');
    const written = await run('data-return', '--org', 'QZZ', '--quarter', quarter, '--out', out);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    const lines = fs
      .readFileSync(out, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(columns.join(','));
    const codes = lines.slice(1).map((l) => l.split(',')[1]);
    expect(codes[0]).toBe('QZZ');
    expect(codes).toContain('RZ1');
    expect(codes[codes.length - 1]).toBe('TOTAL');
    expect(lines.slice(1).every((l) => l.startsWith(`${quarter},`))).toBe(true);
  });

  it('writes the CQC evidence pack as a zip, and never over a file', async () => {
    const out = path.join(scratch, 'pack.zip');
    const written = await run('cqc-pack', '--org', 'RZ1', '--out', out);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/9 pages/);
    const files = await zipFiles(fs.readFileSync(out));
    expect([...files.keys()]).toEqual(expect.arrayContaining(['index.html', 'training.html', 'board-report.pdf']));
    const again = await run('cqc-pack', '--org', 'RZ1', '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect((await run('cqc-pack', '--org', 'RZ1')).stderr).toMatch(/--out/);
  });
});
