/*
 * Reading a staff record (ESR) statutory and mandatory training export, as the files really come:
 * UTF-8 with or without a byte order mark, or Windows-1252 when saved from Excel on Windows; CRLF
 * line ends; quoted fields with commas and quotes; blank lines. Streams: the file is never held in
 * memory, so a million rows read in the memory of a few thousand.
 *
 * No database here: each row comes out checked (zod), with what is wrong with it named by the line
 * of the file (the heading row is line 1), the column heading, and the value.
 */
import fs from 'node:fs';
import { Parser } from 'csv-parse';
import { z } from 'zod';
import { defaultExpiry, type ImportField, importFields } from '../rules.ts';
import type { ColumnMapping } from '../schema.ts';

export type EsrEncoding = 'utf-8' | 'windows-1252';

/** One staff assignment and one of its competences, as a row of the export. */
export type EsrRow = {
  line: number;
  employeeNumber: string;
  assignmentNumber: string;
  firstName: string;
  lastName: string;
  organisation: string;
  directorate: string;
  department: string;
  positionTitle: string;
  staffGroup: string;
  assignmentStatus: string;
  competenceName: string;
  /** ISO date; null where the competence was never achieved (the person still counts as staff). */
  achievedOn: string | null;
  /** ISO date as the file gives it; null when blank or "No expiry". */
  expiresOn: string | null;
  noExpiry: boolean;
  /** Null when the mapping has no e-mail column (so that a hand-entered address is kept). */
  email: string | null | undefined;
  managerEmail: string | null | undefined;
};

/** What is wrong with one value of one row. `column` is the file's own heading. */
export type RowProblem = { line: number; column: string; value: string; message: string };

export type ReadItem = { ok: true; row: EsrRow } | { ok: false; line: number; problems: RowProblem[] };

/** The whole file cannot be read (a heading missing, not CSV at all, no rows): nothing in it is used. */
export class EsrFileError extends Error {}

/** Shared with the caller, which reports progress while rows are read. */
export type ReadProgress = { bytesRead: number; bytesTotal: number; rowsRead: number };

export const wholeRow = '(whole row)';

const monthNumbers: Record<string, string> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

const slashDate = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const monthNameDate = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/;
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

export const dateFormats = 'dd/mm/yyyy, dd-Mon-yyyy (like 05-Mar-2024) or yyyy-mm-dd';

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Arithmetic rather than Date objects: it runs twice for each of a million rows. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (daysInMonth[month - 1] ?? 0));
}

function readDate(text: string): { date: string } | { problem: string } {
  let year: string | undefined;
  let month: string | undefined;
  let day: string | undefined;
  const slash = slashDate.exec(text);
  const named = slash ? null : monthNameDate.exec(text);
  const plain = slash || named ? null : isoDate.exec(text);
  if (slash) [, day, month, year] = slash;
  else if (named) {
    month = monthNumbers[named[2]?.toLowerCase() ?? ''];
    if (!month) return { problem: `Not a date: "${named[2]}" is not a month. Use ${dateFormats}` };
    [day, , year] = [named[1], undefined, named[3]];
  } else if (plain) [, year, month, day] = plain;
  if (year === undefined || month === undefined || day === undefined) {
    return { problem: `Not a date in a form we read. Use ${dateFormats}` };
  }
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return { problem: 'Not a real date' };
  if (year < '1900' || year > '2199') return { problem: 'Not a likely date: check the year' };
  return { date: `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` };
}

// A staff record export repeats the same few thousand dates across its rows.
const knownDates = new Map<string, { date: string } | { problem: string }>();

/** A date as ESR (or a spreadsheet) writes it, as an ISO date; or what is wrong with it. */
export function parseEsrDate(text: string): { date: string } | { problem: string } {
  let result = knownDates.get(text);
  if (result === undefined) {
    if (knownDates.size >= 20_000) knownDates.clear();
    result = readDate(text);
    knownDates.set(text, result);
  }
  return result;
}

/** The expiry that counts: the record's own, or the refresher period after completion when the file gives none. */
export function expiryOf(row: Pick<EsrRow, 'achievedOn' | 'expiresOn' | 'noExpiry'>, refresherYears: number): string | null {
  if (row.noExpiry || row.achievedOn === null) return null;
  if (row.expiresOn !== null) return row.expiresOn;
  return defaultExpiry(row.achievedOn, refresherYears);
}

const noExpiryText = 'no expiry';

/**
 * The row schema: one zod schema gives every row's problems, each against its field. Messages are
 * short, because they are shown after the column heading ("line 7, Achievement Date: Not a real date").
 */
function rowSchema(today: string) {
  const required = (max: number) =>
    z.string().trim().min(1, 'Blank: every row needs one').max(max, `Longer than ${max} characters`);
  const optional = (max: number) => z.string().trim().max(max, `Longer than ${max} characters`);
  const email = z
    .string()
    .trim()
    .max(254, 'Longer than 254 characters')
    .refine((v) => v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), 'Not an e-mail address')
    .optional();
  const date = z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (value === '') return null;
      const parsed = parseEsrDate(value);
      if ('date' in parsed) return parsed.date;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    });
  const expiry = z
    .string()
    .trim()
    .transform((value, ctx): { expiresOn: string | null; noExpiry: boolean } => {
      if (value === '') return { expiresOn: null, noExpiry: false };
      if (value.toLowerCase() === noExpiryText) return { expiresOn: null, noExpiry: true };
      const parsed = parseEsrDate(value);
      if ('date' in parsed) return { expiresOn: parsed.date, noExpiry: false };
      ctx.addIssue({ code: 'custom', message: `${parsed.problem}, or "No expiry"` });
      return z.NEVER;
    });
  return z
    .object({
      employeeNumber: required(30),
      assignmentNumber: required(30),
      firstName: required(100),
      lastName: required(100),
      organisation: optional(200),
      directorate: optional(200),
      department: optional(200),
      positionTitle: optional(200),
      staffGroup: optional(100),
      assignmentStatus: optional(100),
      competenceName: required(300),
      achievementDate: date,
      expiryDate: expiry,
      email,
      managerEmail: email,
    })
    .superRefine((row, ctx) => {
      if (row.achievementDate !== null && row.achievementDate > today) {
        ctx.addIssue({
          code: 'custom',
          path: ['achievementDate'],
          message: `In the future: training cannot be achieved after today (${today})`,
        });
      }
      if (row.achievementDate !== null && row.expiryDate.expiresOn !== null && row.expiryDate.expiresOn < row.achievementDate) {
        ctx.addIssue({ code: 'custom', path: ['expiryDate'], message: 'Before the achievement date' });
      }
    });
}

/** Which column of the file holds each field the mapping names. */
export type ColumnPlan = { field: ImportField; heading: string; index: number }[];

const foldHeading = (heading: string) => heading.replace(/\s+/g, ' ').trim().toLowerCase();

/** Matches the heading row to the mapping (any case, spacing tidied). Every heading the mapping names must be there. */
export function planColumns(headings: readonly string[], mapping: ColumnMapping): ColumnPlan {
  const positions = new Map<string, number>();
  headings.forEach((heading, index) => {
    const key = foldHeading(heading);
    if (!positions.has(key)) positions.set(key, index);
  });
  const plan: ColumnPlan = [];
  const missing: string[] = [];
  for (const field of importFields) {
    const heading = (mapping[field] ?? '').trim();
    if (heading === '') continue;
    const index = positions.get(foldHeading(heading));
    if (index === undefined) missing.push(heading);
    else plan.push({ field, heading, index });
  }
  if (missing.length > 0) {
    const named = missing.map((h) => `"${h}"`).join(', ');
    throw new EsrFileError(
      `The file has no column headed ${named}. Check that it is the staff record export, or change the column mapping in the import settings to the headings your file uses.`,
    );
  }
  return plan;
}

const chunkSize = 256 * 1024;

/**
 * UTF-8 unless the bytes cannot be UTF-8: then Windows-1252, which Excel on Windows writes and in
 * which every byte is a character. Decided by a first pass over the bytes: decoding costs a fraction
 * of parsing, and a restart half-way would have to undo what was staged.
 */
export async function detectEncoding(filePath: string): Promise<EsrEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(filePath, { highWaterMark: chunkSize })) {
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return 'utf-8';
  } catch (error) {
    if (error instanceof TypeError) return 'windows-1252';
    throw error;
  }
}

/** Decoded text of the file, with CRLF made LF (csv-parse counts a quoted CRLF as two lines) and a BOM dropped. */
async function* decodedText(filePath: string, encoding: EsrEncoding, progress: ReadProgress): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  let pendingCr = false;
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: chunkSize })) {
    progress.bytesRead += (chunk as Buffer).length;
    let text = decoder.decode(chunk as Buffer, { stream: true });
    if (pendingCr) text = `\r${text}`;
    pendingCr = text.endsWith('\r');
    if (pendingCr) text = text.slice(0, -1);
    yield text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  }
  const rest = (pendingCr ? '\r' : '') + decoder.decode();
  if (rest !== '') yield rest.replace(/\r\n?/g, '\n');
}

const blankRecord = (record: readonly string[]) => record.every((value) => value.trim() === '');

export type ReadOptions = {
  mapping: ColumnMapping;
  /** The import date: an achievement date after it is wrong. */
  today: string;
  encoding?: EsrEncoding;
  progress?: ReadProgress;
};

/** csv-parse's parsing engine, which its stream and sync APIs both drive (see streamingParser). */
type ParseEngine = {
  parse(chunk: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
  info: { lines: number; empty_lines: number };
};

/**
 * csv-parse driven chunk by chunk, as its own Transform stream drives it, so that each record arrives
 * synchronously with the line the parser has reached. Through the stream API the same parse ran at
 * little more than half the speed (object-mode stream and an info object per record), and a record's
 * line number could only come from that copied info object. Guarded by the tests of this module.
 */
function streamingParser(): ParseEngine {
  const parser = new Parser({
    skip_empty_lines: true,
    relax_column_count: true,
    // A stray quote inside a name (O"Neil) is a character, not a reason to refuse the file.
    relax_quotes: true,
  }) as unknown as { api?: ParseEngine };
  if (!parser.api || typeof parser.api.parse !== 'function')
    throw new Error('csv-parse no longer has the engine this reader drives');
  return parser.api;
}

/**
 * Every row of the file, checked, in file order, a chunk of the file at a time (a few thousand rows:
 * memory stays bounded whatever the file's size). Throws EsrFileError before the first row when the
 * file cannot be used at all.
 */
export async function* readEsrRows(filePath: string, options: ReadOptions): AsyncGenerator<ReadItem[]> {
  const progress = options.progress ?? { bytesRead: 0, bytesTotal: 0, rowsRead: 0 };
  progress.bytesTotal = fs.statSync(filePath).size;
  const encoding = options.encoding ?? (await detectEncoding(filePath));
  const engine = streamingParser();
  const schema = rowSchema(options.today);
  let plan: ColumnPlan | undefined;
  let width = 0;
  let previousEnd = 0;
  let previousEmpty = 0;
  let hasEmail = false;
  let hasManagerEmail = false;
  let items: ReadItem[] = [];

  const onRecord = (record: string[]) => {
    // The line the record starts on: after the previous one, and after any blank lines skipped between.
    const line = previousEnd + 1 + (engine.info.empty_lines - previousEmpty);
    previousEnd = engine.info.lines;
    previousEmpty = engine.info.empty_lines;
    if (!plan) {
      plan = planColumns(record, options.mapping);
      width = record.length;
      hasEmail = plan.some((c) => c.field === 'email');
      hasManagerEmail = plan.some((c) => c.field === 'managerEmail');
      return;
    }
    // Spreadsheets save empty rows as a line of commas.
    if (blankRecord(record)) return;
    progress.rowsRead++;
    items.push(checkRow(record, line));
  };

  const checkRow = (record: string[], line: number): ReadItem => {
    const columns = plan ?? [];
    if (record.length !== width) {
      return {
        ok: false,
        line,
        problems: [
          {
            line,
            column: wholeRow,
            value: record.join(',').slice(0, 200),
            message: `Has ${record.length} ${record.length === 1 ? 'column' : 'columns'}; the heading row has ${width}. Check for a comma in a value that is not in quotes`,
          },
        ],
      };
    }
    const input: Record<string, string> = { email: '', managerEmail: '' };
    for (const column of columns) input[column.field] = record[column.index] ?? '';
    const result = schema.safeParse(input);
    if (!result.success) {
      const problems: RowProblem[] = [];
      const seen = new Set<string>();
      for (const issue of result.error.issues) {
        const field = String(issue.path[0] ?? '');
        if (seen.has(field)) continue;
        seen.add(field);
        const column = columns.find((c) => c.field === field);
        problems.push({ line, column: column?.heading ?? wholeRow, value: input[field] ?? '', message: issue.message });
      }
      return { ok: false, line, problems };
    }
    const v = result.data;
    return {
      ok: true,
      row: {
        line,
        employeeNumber: v.employeeNumber,
        assignmentNumber: v.assignmentNumber,
        firstName: v.firstName,
        lastName: v.lastName,
        organisation: v.organisation,
        directorate: v.directorate,
        department: v.department,
        positionTitle: v.positionTitle,
        staffGroup: v.staffGroup,
        assignmentStatus: v.assignmentStatus === '' ? 'Active Assignment' : v.assignmentStatus,
        competenceName: v.competenceName,
        achievedOn: v.achievementDate,
        expiresOn: v.expiryDate.expiresOn,
        noExpiry: v.expiryDate.noExpiry,
        email: hasEmail ? v.email || null : undefined,
        managerEmail: hasManagerEmail ? v.managerEmail || null : undefined,
      },
    };
  };

  const feed = (text: string | undefined, end: boolean) => {
    const error = engine.parse(text === undefined ? undefined : Buffer.from(text, 'utf8'), end, onRecord, () => {});
    if (!error) return;
    if (error instanceof EsrFileError) throw error;
    throw new EsrFileError(`The file could not be read as CSV after line ${previousEnd}: ${error.message}`);
  };

  for await (const text of decodedText(filePath, encoding, progress)) {
    feed(text, false);
    if (items.length > 0) {
      yield items;
      items = [];
    }
  }
  feed(undefined, true);
  if (items.length > 0) yield items;
  if (!plan) throw new EsrFileError('The file is empty: it has no heading row.');
  if (progress.rowsRead === 0) throw new EsrFileError('The file has a heading row but no staff rows.');
}
