import fs from 'node:fs';
import { InputError } from '../platform/errors.ts';
import { type Command, CommandFailed, type Group, parseFlags, requireFlags, say, UsageError, withDatabase } from './common.ts';

const formats = ['html', 'pdf', 'docx'] as const;

/** Writes a new file, never over one that exists; any problem names the file (exit 2). */
function writeNew(out: string, body: string | Buffer): void {
  try {
    fs.writeFileSync(out, body, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CommandFailed(`${out} already exists: give a new file name. Nothing was written.`, 2);
    throw new CommandFailed(`Cannot write ${out}: ${(error as Error).message}. Nothing was written.`, 2);
  }
}

function outFlag(value: string | undefined): string {
  const out = value ?? '';
  if (out === '') throw new UsageError('--out needs a file name');
  if (fs.existsSync(out)) throw new CommandFailed(`${out} already exists: give a new file name. Nothing was written.`, 2);
  return out;
}

async function organisationByCode(
  db: Parameters<typeof import('../modules/organisations/service.ts').findByOdsCode>[0],
  org?: string,
) {
  const organisations = await import('../modules/organisations/service.ts');
  const code = (org ?? '').trim().toUpperCase();
  const found = await organisations.findByOdsCode(db, code);
  if (!found) throw new InputError({ orgId: `No organisation has the ODS code ${code} (see "org list")` });
  return found;
}

async function renderAs(format: (typeof formats)[number], document: import('../platform/documents/document.ts').ReportDocument) {
  if (format === 'html') return (await import('../modules/reports/render-html.ts')).reportHtml(document);
  if (format === 'pdf') return (await import('../platform/documents/pdf.ts')).reportPdf(document);
  return (await import('../platform/documents/docx.ts')).reportDocx(document);
}

/** `report board`: the annual board report as a file. */
export const boardCommand: Command = {
  group: 'report',
  name: 'board',
  usage: 'report board --org ODS --year YYYY --format html|pdf|docx --out FILE [--draft]',
  summary: 'Write an organisation’s annual Prevent report to its board as a web page, PDF or Word file',
  details:
    'Writes the latest approved version of the organisation’s annual Prevent report to its board for a\n' +
    'financial year, exactly as approved (its checksum is checked first), or with --draft the current draft\n' +
    'with its figures worked out now. The board’s copy: exact counts only where the accountable lead chose so.\n\n' +
    'Flags:\n' +
    '  --org ODS             the ODS code of the organisation (see "org list")\n' +
    '  --year YYYY           the financial year, by the year it starts: 2025 is April 2025 to March 2026\n' +
    '  --format FORMAT       html (one self-contained page), pdf or docx\n' +
    '  --out FILE            where to write it; a file that exists is never written over (exit 2)\n' +
    '  --draft               the current draft instead of the latest approved version',
  fieldFlags: { orgId: '--org', year: '--year', format: '--format', draft: '--draft' },
  async run(args) {
    const flags = parseFlags(args, {
      org: { type: 'string' },
      year: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      draft: { type: 'boolean' },
    });
    requireFlags(flags, ['org', 'year', 'format', 'out']);
    const format = flags.format as (typeof formats)[number];
    if (!formats.includes(format)) throw new InputError({ format: 'Give the format as html, pdf or docx' });
    if (!/^\d{4}$/.test(flags.year ?? ''))
      throw new InputError({ year: 'Give the financial year as the year it starts, like 2025' });
    const out = outFlag(flags.out);
    const reports = await import('../modules/reports/service.ts');
    return withDatabase('current', async (database) => {
      const org = await organisationByCode(database.db, flags.org);
      const { report, document } = await reports.boardDocumentOf(database.db, org, Number(flags.year), !!flags.draft);
      const body = await renderAs(format, document);
      writeNew(out, body);
      say(
        `Wrote ${org.odsCode}’s board report for ${document.title.split(': ').pop()}, version ${report.version} (${report.status}), to ${out}.`,
      );
      return 0;
    });
  },
};

/** `report data-return`: the quarterly data return as CSV. */
export const dataReturnCommand: Command = {
  group: 'report',
  name: 'data-return',
  usage: 'report data-return --org ODS --quarter YYYY-QN --out FILE.csv',
  summary: 'Write an organisation’s quarterly Prevent data return as CSV',
  details:
    'Writes the Prevent training and activity figures for a quarter of the NHS financial year (2026-Q3 is\n' +
    'October to December 2026), from the figures kept at each month end, with small numbers suppressed.\n' +
    'For an ICB: its own row, one per provider it commissions, and the total. The columns are in the README.\n\n' +
    'Flags:\n' +
    '  --org ODS          the ODS code of the organisation (see "org list")\n' +
    '  --quarter YYYY-QN  the quarter, by the year its financial year starts and its number (1 to 4)\n' +
    '  --out FILE.csv     where to write it; a file that exists is never written over (exit 2)',
  fieldFlags: { orgId: '--org', quarter: '--quarter' },
  async run(args) {
    const flags = parseFlags(args, { org: { type: 'string' }, quarter: { type: 'string' }, out: { type: 'string' } });
    requireFlags(flags, ['org', 'quarter', 'out']);
    const dataReturn = await import('../modules/reports/data-return.ts');
    const quarter = dataReturn.parseQuarter(flags.quarter ?? '');
    const out = outFlag(flags.out);
    const organisations = await import('../modules/organisations/service.ts');
    return withDatabase('current', async (database) => {
      const org = await organisationByCode(database.db, flags.org);
      const providers = org.kind === 'icb' ? await organisations.commissionedProviders(database.db, org.id) : [];
      const orgs = [org, ...providers];
      const figures = await dataReturn.dataReturnOf(database.db, { userId: null, orgIds: orgs.map((o) => o.id) }, orgs, quarter);
      writeNew(out, `\uFEFF${dataReturn.csvOf(figures)}`);
      say(
        `Wrote the ${quarter.code} data return of ${org.odsCode} (${figures.rows.length} rows, figures to ${figures.figuresTo}) to ${out}.`,
      );
      return 0;
    });
  },
};

/** `report cqc-pack`: the CQC evidence pack as one zip. */
export const cqcPackCommand: Command = {
  group: 'report',
  name: 'cqc-pack',
  usage: 'report cqc-pack --org ODS --out FILE.zip',
  summary: 'Write an organisation’s CQC evidence pack for the Prevent duty as a zip',
  details:
    'Writes one zip for an inspection: index.html, linking the current self-assessment, the Prevent policy\n' +
    'and linked policies (with their approved documents), the training compliance summary by level and staff\n' +
    'group, the latest approved board report (web page and PDF), the risk register summary and CTLP review,\n' +
    'the multi-agency contacts and the lessons learned summary. No identifiable case data; small numbers\n' +
    'suppressed. The pack is recorded in the organisation’s audit trail.\n\n' +
    'Flags:\n' +
    '  --org ODS       the ODS code of the organisation (see "org list")\n' +
    '  --out FILE.zip  where to write it; a file that exists is never written over (exit 2)',
  fieldFlags: { orgId: '--org' },
  async run(args) {
    const flags = parseFlags(args, { org: { type: 'string' }, out: { type: 'string' } });
    requireFlags(flags, ['org', 'out']);
    const out = outFlag(flags.out);
    const [evidence, { commandLineActor }] = await Promise.all([import('../modules/evidence/service.ts'), import('./common.ts')]);
    return withDatabase('migrate', async (database) => {
      const org = await organisationByCode(database.db, flags.org);
      // Taking the pack is recorded in the audit trail: a change, so the database is brought up to date and the audit key is needed.
      const { zip, contents } = await evidence.packFor(database.db, commandLineActor(), org);
      writeNew(out, zip);
      say(`Wrote the CQC evidence pack of ${org.odsCode} (${contents}) to ${out}.`);
      return 0;
    });
  },
};

export const reportGroup: Group = {
  name: 'report',
  summary: 'Board reports, data returns and the CQC evidence pack',
  commands: [boardCommand, dataReturnCommand, cqcPackCommand],
};
