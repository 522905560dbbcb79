import { monthNames } from '../dates.ts';
import { notNames, protectedTerms, titleWords } from './vocabulary.ts';

/*
 * What the anonymiser's detectors work with: the kinds of change, the pieces their patterns are
 * built from, reading dates and ages, and the Finder that collects candidates and settles overlaps.
 */

export type KnownIdentifiers = { names?: string[]; nhsNumbers?: string[]; dateOfBirth?: string; addresses?: string[] };

export const changeKinds = [
  'name',
  'handle',
  'nhsNumber',
  'dateOfBirth',
  'date',
  'age',
  'address',
  'postcode',
  'phone',
  'email',
  'url',
  'school',
  'workplace',
  'niNumber',
  'recordNumber',
  'vehicle',
  'number',
] as const;
export type ChangeKind = (typeof changeKinds)[number];

export type AnonymiseOptions = {
  /** What an exact date becomes: its month ("March 2024", the default) or its quarter ("January to March 2024"). */
  dates?: 'month' | 'quarter';
};

export const placeholders: Record<Exclude<ChangeKind, 'date' | 'age'>, string> = {
  name: '[name]',
  handle: '[name]',
  nhsNumber: '[NHS number]',
  dateOfBirth: '[date]',
  address: '[address]',
  postcode: '[postcode]',
  phone: '[phone]',
  email: '[email]',
  url: '[web address]',
  school: '[school]',
  workplace: '[workplace]',
  niNumber: '[NI number]',
  recordNumber: '[record number]',
  vehicle: '[vehicle registration]',
  number: '[number]',
};

// ---------------------------------------------------------------------------------------------
// Regular-expression pieces

const WC = '[\\p{L}\\p{N}_]';
/** Word boundaries that also work for letters outside ASCII. */
export const NB = `(?<!${WC})`;
export const NA = `(?!${WC})`;
const APOS = "['’]";
/** A capitalised word: Khan, O'Brien, Smith-Jones, Zoë, McDonald. */
export const CAP = `\\p{Lu}(?:[\\p{L}'’-]*\\p{L})?`;

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A literal with flexible whitespace and either apostrophe. */
export function literal(s: string): string {
  return s
    .trim()
    .split(/\s+/)
    .map((w) => escapeRegExp(w).replace(/['’]/g, APOS))
    .join('[\\s\\u00a0]+');
}

export const MONTH =
  '(?:[Jj]anuary|[Ff]ebruary|[Mm]arch|[Aa]pril|[Mm]ay|[Jj]une|[Jj]uly|[Aa]ugust|[Ss]eptember|[Oo]ctober|[Nn]ovember|[Dd]ecember|(?:[Jj]an|[Ff]eb|[Mm]ar|[Aa]pr|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ept?|[Oo]ct|[Nn]ov|[Dd]ec)(?:\\.(?=\\s+\\d))?)(?!\\p{L})';
export const WEEKDAY =
  '(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\\.?,?\\s+';
export const DAY = '(?:3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?';
export const YEAR4 = '(?:19|20)\\d{2}';
export const YEAR = `(?:${YEAR4}|['’]\\d{2})`;

const NUMBER_WORDS =
  '(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)';
export const AGE_NUMBER = `(?:\\d{1,3}|${NUMBER_WORDS})`;

const wordValues: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

export function ageValue(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const parts = text.toLowerCase().split(/[- ]/);
  let total = 0;
  for (const p of parts) {
    const v = wordValues[p];
    if (v === undefined) return null;
    total += v;
  }
  return total;
}

/** Age bands that keep the safeguarding meaning: a child, a young teenager, an older teenager, a young adult. */
export function ageBand(age: number, compact = false): string {
  if (age < 10) return compact ? 'under-10' : 'under 10';
  const bands: [number, number][] = [
    [10, 12],
    [13, 15],
    [16, 17],
    [18, 24],
    [25, 34],
    [35, 44],
    [45, 54],
    [55, 64],
    [65, 74],
    [75, 84],
  ];
  for (const [lo, hi] of bands) if (age <= hi) return `${lo}–${hi}`;
  return compact ? '85-plus' : '85 or over';
}

// ---------------------------------------------------------------------------------------------
// Dates

export type ParsedDate = { year: number | null; month: number; day: number | null };

export function monthIndex(word: string): number | null {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return null;
  const i = monthNames.findIndex((m) => m.toLowerCase().startsWith(w));
  return i < 0 ? null : i;
}

export function fullYear(text: string): number {
  const digits = text.replace(/['’]/g, '');
  if (digits.length === 4) return Number(digits);
  const yy = Number(digits);
  return yy <= 50 ? 2000 + yy : 1900 + yy;
}

function validDay(day: number, month: number): boolean {
  return day >= 1 && day <= ([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month] ?? 0);
}

/** A date written in a common UK form, or null. Numbers are day first (12/03/2024), unless that cannot be. */
export function parseDate(text: string): ParsedDate | null {
  const s = text.trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(s);
  if (m) return checked(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$/.exec(s);
  if (m) {
    let [day, month] = [Number(m[1]), Number(m[2])];
    if (month > 12 && day <= 12) [day, month] = [month, day];
    return checked(day, month - 1, fullYear(m[3] ?? ''));
  }
  m = new RegExp(
    `^(?:${WEEKDAY})?(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?\\s+(${MONTH})(?:,?\\s+(${YEAR}))?$`,
    'u',
  ).exec(s);
  if (m) return checked(Number(m[1]), monthIndex(m[2] ?? '') ?? -1, m[3] ? fullYear(m[3]) : null);
  m = new RegExp(`^(?:${WEEKDAY})?(${MONTH})\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(${YEAR}))?$`, 'u').exec(s);
  if (m) return checked(Number(m[2]), monthIndex(m[1] ?? '') ?? -1, m[3] ? fullYear(m[3]) : null);
  return null;
}

export function checked(day: number, month: number, year: number | null): ParsedDate | null {
  if (month < 0 || month > 11 || !validDay(day, month)) return null;
  return { year, month, day };
}

const quarterNames = ['January to March', 'April to June', 'July to September', 'October to December'];

export function generalDate(date: ParsedDate, options: AnonymiseOptions): string {
  if (date.year === null) return '[date]';
  if (options.dates === 'quarter') return `${quarterNames[Math.floor(date.month / 3)]} ${date.year}`;
  return `${monthNames[date.month]} ${date.year}`;
}

// ---------------------------------------------------------------------------------------------
// Candidates and how overlaps are settled

type Candidate = {
  start: number;
  end: number;
  kind: ChangeKind;
  replacement: string;
  /** Wins over a candidate of the same length. */
  rank: number;
  /** Found by a heuristic: dropped where it touches a protected term. */
  soft: boolean;
};

export const rank = {
  knownName: 100,
  knownAddress: 100,
  knownNhs: 100,
  dob: 95,
  email: 90,
  url: 85,
  nhs: 80,
  phone: 75,
  postcode: 70,
  address: 65,
  date: 60,
  handle: 58,
  school: 55,
  workplace: 50,
  titleName: 45,
  relationName: 44,
  knownPart: 40,
  guessedName: 35,
  age: 30,
  number: 20,
};

let protectedPattern: RegExp | undefined;
const nameWord = new RegExp(`(?:\\p{Lu}\\.|${CAP})`, 'uy');

export class Finder {
  readonly candidates: Candidate[] = [];
  /** 1 where a protected term is. */
  readonly protectedMask: Uint8Array;

  constructor(readonly text: string) {
    this.protectedMask = new Uint8Array(text.length);
    protectedPattern ??= new RegExp(
      `${NB}(?:${[...protectedTerms]
        .sort((a, b) => b.length - a.length)
        .map(literal)
        .join('|')})${NA}`,
      'giu',
    );
    for (const m of text.matchAll(protectedPattern)) this.protectedMask.fill(1, m.index, m.index + m[0].length);
  }

  add(start: number, end: number, kind: ChangeKind, rankValue: number, soft: boolean, replacement?: string): void {
    if (end <= start) return;
    const text = replacement ?? (placeholders as Record<string, string>)[kind] ?? '[removed]';
    this.candidates.push({ start, end, kind, replacement: text, rank: rankValue, soft });
  }

  isProtected(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.protectedMask[i]) return true;
    return false;
  }

  /** Could this word be a name? Not a stop word, a protected term, a title, or a month or day (unless allowMonths). */
  nameLike(word: string, start: number, allowMonths = false): boolean {
    const core = word.replace(/\.$/, '');
    const lower = core.toLowerCase();
    if (notNames.has(lower) && !(allowMonths && monthNames.some((m) => m.toLowerCase() === lower))) return false;
    if (!allowMonths && monthIndex(core) !== null && monthNames.some((m) => m.toLowerCase() === lower)) return false;
    if (titleWords.has(core)) return false;
    return !this.isProtected(start, start + core.length);
  }

  /**
   * A run of up to max capitalised words starting at pos ("Yusuf Rahman", "J. Smith"), stopping at a word that
   * cannot be a name. The end leaves out a possessive ('s). Null if the first word cannot be a name.
   */
  nameRun(pos: number, max: number, allowMonths = false): number | null {
    const word = nameWord;
    let i = pos;
    let end: number | null = null;
    for (let count = 0; count < max; count++) {
      word.lastIndex = i;
      const m = word.exec(this.text);
      if (!m) break;
      let w = m[0];
      const after = this.text[i + w.length] ?? '';
      if (/[\p{L}\p{N}]/u.test(after)) break;
      const possessive = /['’]s$/.test(w) && w.length > 3;
      if (possessive) w = w.slice(0, -2);
      if (!this.nameLike(w, i, allowMonths || count > 0)) break;
      // An initial counts only in front of a name.
      if (/^\p{Lu}\.?$/u.test(w) && !/^\.?\s\p{Lu}/u.test(this.text.slice(i + 1, i + 4))) break;
      end = i + w.length;
      if (possessive) break;
      const next = this.text.slice(end, end + 2);
      if (!/^ \p{Lu}/u.test(next)) break;
      i = end + 1;
    }
    return end;
  }

  /** The chosen changes, in order, without overlaps. */
  resolve(): Candidate[] {
    const usable = this.candidates.filter((c) => !(c.soft && this.isProtected(c.start, c.end)));
    usable.sort((a, b) => b.end - b.start - (a.end - a.start) || b.rank - a.rank || a.start - b.start);
    let chosen: Candidate[] = [];
    for (const c of usable) {
      const overlapping = chosen.filter((o) => o.start < c.end && c.start < o.end);
      if (overlapping.length === 0) {
        chosen.push(c);
        continue;
      }
      if (overlapping.some((o) => o.start <= c.start && c.end <= o.end)) continue;
      // Two identifiers that overlap become one change: nothing of either may survive.
      const group = [...overlapping, c];
      const base = group.filter((g) => g.kind !== 'age').sort((a, b) => b.rank - a.rank)[0] ?? c;
      const merged: Candidate = {
        ...base,
        start: Math.min(...group.map((g) => g.start)),
        end: Math.max(...group.map((g) => g.end)),
        replacement: base.kind === 'age' || base.kind === 'date' ? '[removed]' : base.replacement,
      };
      if (base.kind === 'date') merged.replacement = '[date]';
      chosen = chosen.filter((o) => !overlapping.includes(o));
      chosen.push(merged);
    }
    return chosen.sort((a, b) => a.start - b.start);
  }
}
