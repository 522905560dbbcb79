/**
 * The anonymiser: turns a case summary into a case study that can leave the organisation.
 *
 * It finds identifiers two ways: from what the case record knows (names, NHS numbers, date of
 * birth, addresses) and from patterns (NHS numbers validated by their check digit, dates, ages,
 * postcodes, phone numbers, e-mail and web addresses, handles, street addresses, names after
 * titles or words like "brother", schools and workplaces). Each is replaced by a neutral
 * placeholder ("[name]"), exact dates become a month (or quarter) and ages a band. Words that
 * carry the learning (Prevent, Channel, safeguarding, the services involved) are never replaced.
 *
 * Pure and deterministic: no network, no clock, no dependencies. Every change is reported with
 * its offsets in the ORIGINAL text, so that a page can highlight each one side by side. It is a
 * first pass: a person reads, edits and approves the result before anything is shared.
 */
import { monthNames } from '../../platform/dates.ts';
import { hasValidCheckDigit } from '../../platform/nhs-number.ts';

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
  'number',
] as const;
export type ChangeKind = (typeof changeKinds)[number];

/** start and end are offsets into the original text; original is text.slice(start, end). */
export type Change = { start: number; end: number; original: string; replacement: string; kind: ChangeKind };

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
  number: '[number]',
};

const kindLabels: Record<ChangeKind, [string, string]> = {
  name: ['name', 'names'],
  handle: ['social media handle', 'social media handles'],
  nhsNumber: ['NHS number', 'NHS numbers'],
  dateOfBirth: ['date of birth', 'dates of birth'],
  date: ['date', 'dates'],
  age: ['age', 'ages'],
  address: ['address', 'addresses'],
  postcode: ['postcode', 'postcodes'],
  phone: ['phone number', 'phone numbers'],
  email: ['e-mail address', 'e-mail addresses'],
  url: ['web address', 'web addresses'],
  school: ['school', 'schools'],
  workplace: ['workplace', 'workplaces'],
  number: ['other long number', 'other long numbers'],
};

/** "3 names, 1 NHS number, 2 dates" (in a fixed order), or "nothing" when there were no changes. */
export function summariseChanges(changes: readonly Change[]): string {
  const counts = new Map<ChangeKind, number>();
  for (const c of changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  const parts = changeKinds
    .filter((k) => counts.has(k))
    .map((k) => {
      const n = counts.get(k) ?? 0;
      return `${n} ${kindLabels[k][n === 1 ? 0 : 1]}`;
    });
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

// ---------------------------------------------------------------------------------------------
// What the record knows: checking its shape (for the command line's --known file and for forms)

export type KnownCheck = { ok: true; known: KnownIdentifiers } | { ok: false; field: string; problem: string };

const knownFields = ['names', 'nhsNumbers', 'dateOfBirth', 'addresses'] as const;

/** Checks that a parsed JSON value has the shape of KnownIdentifiers, naming the first field that does not. */
export function checkKnownIdentifiers(value: unknown): KnownCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, field: '(top level)', problem: `must be an object with the fields ${knownFields.join(', ')}` };
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(knownFields as readonly string[]).includes(key)) {
      return { ok: false, field: key, problem: `is not a field this file can have; the fields are ${knownFields.join(', ')}` };
    }
  }
  const known: KnownIdentifiers = {};
  for (const field of ['names', 'nhsNumbers', 'addresses'] as const) {
    const list = record[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return { ok: false, field, problem: 'must be a list of strings, like ["…"]' };
    for (const [i, item] of list.entries()) {
      if (typeof item !== 'string') return { ok: false, field: `${field}[${i}]`, problem: 'must be a string' };
      if (field === 'nhsNumbers' && !/^\d{10}$/.test(item.replace(/[\s-]/g, ''))) {
        return { ok: false, field: `${field}[${i}]`, problem: `"${item}" is not an NHS number: it needs 10 digits` };
      }
    }
    known[field] = list as string[];
  }
  const dob = record.dateOfBirth;
  if (dob !== undefined) {
    if (typeof dob !== 'string') return { ok: false, field: 'dateOfBirth', problem: 'must be a string, like "2009-03-14"' };
    if (dob.trim() !== '' && !parseDate(dob)) {
      return { ok: false, field: 'dateOfBirth', problem: `"${dob}" is not a date; write it like 2009-03-14 or 14/03/2009` };
    }
    known.dateOfBirth = dob;
  }
  return { ok: true, known };
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/** Words and phrases that carry the learning: never replaced, whatever their case or what comes before them. */
export const protectedTerms: readonly string[] = [
  'Prevent',
  'Prevent duty',
  'Prevent lead',
  'Prevent priority area',
  'Channel',
  'Channel panel',
  'safeguarding',
  'Designated Safeguarding Lead',
  'DSL',
  'MASH',
  'CTP',
  'Counter Terrorism Policing',
  'Counter Terrorism',
  'CT Policing',
  'CTU',
  'police',
  'GP',
  'A&E',
  'ED',
  'emergency department',
  'CAMHS',
  'mental health',
  'Mental Health Act',
  'social care',
  "children's social care",
  'adult social care',
  'social services',
  'social worker',
  'school nurse',
  'health visitor',
  'ward',
  'ICB',
  'NHS',
  'NHS England',
  'NHS 111',
  'Home Office',
  'extreme right-wing',
  'right-wing',
  'left-wing',
  'Islamist',
  'Islamism',
  'extremism',
  'extremist',
  'radicalisation',
  'terrorism',
  'terrorist',
  'CONTEST',
  'LADO',
  'MARAC',
  'MAPPA',
  'early help',
  'Youth Offending Team',
  'YOT',
  'Youth Justice Service',
  'probation',
  'crisis team',
  'liaison psychiatry',
  'Talking Therapies',
  'primary care',
  'local authority',
  'council',
  'SENCO',
  'EHCP',
  'SEND',
  'ADHD',
  'autism',
  'Ofsted',
  'CQC',
  'incel',
  'mixed, unclear or unstable',
  'MUU',
  'XRW',
  'Royal College of Psychiatrists',
  'Royal College of Nursing',
  'Royal College of General Practitioners',
  'Crown Court',
  "Magistrates' Court",
  'Telegram',
  'TikTok',
  'YouTube',
  'Discord',
  'Snapchat',
  'Instagram',
  'Facebook',
  'WhatsApp',
  'Roblox',
  'Reddit',
  '111',
  '999',
];

/** Capitalised words that are not names: sentence openers, roles, family words, days, groups. Lower case. */
const notNames = new Set(
  (
    'the a an this that these those he she they it we i his her their its our my your you him them ' +
    'on in at by for from to with of and but or nor so if as when while after before during since until then ' +
    'later also however both all no yes not today yesterday tomorrow tonight now here there where what who why how ' +
    'initially subsequently meanwhile following overall unfortunately additionally previously recently eventually ' +
    'finally firstly secondly thirdly sadly separately further furthermore again once twice staff everyone nobody ' +
    'mum mam dad mother father nan nana gran grandma grandad granddad grandmother grandfather parent parents ' +
    'brother sister son daughter aunt auntie uncle cousin family baby child children boy girl man woman ' +
    'monday tuesday wednesday thursday friday saturday sunday weekend christmas easter ramadan eid diwali ' +
    'english british muslim christian sikh hindu jewish catholic polish somali pakistani bangladeshi indian ' +
    'romanian syrian afghan kurdish irish scottish welsh arab arabic urdu white black asian ' +
    'lead leads manager team panel officer worker consultant registrar practitioner specialist visitor advisor ' +
    'adviser coordinator co-ordinator champion nurse doctor teacher head headteacher deputy chair clinician ' +
    'service services unit department trust board group hospital practice surgery clinic centre center ' +
    'referral referrals concern concerns case review meeting strategy plan report assessment notes note ' +
    'year term month week day morning afternoon evening night am pm ok uk us eu un id it hr pe re tv ' +
    'street road avenue lane drive close school academy college university primary secondary online internet ' +
    'north south east west northern southern eastern western central greater upper lower new old great little ' +
    'is was are were has had have will would could should may might must can did does do be been being'
  ).split(/\s+/),
);

/** Names that are also ordinary words: matched only when capitalised, and a month only outside date phrases. */
const wordNames = new Set(
  (
    'april may june july august will mark rose grace hope faith joy bill pat sue drew jack amber summer dawn ' +
    'iris lily holly ivy robin sky skye star honey rich young white black green brown king wood hill hall baker ' +
    'cook page price bishop mason carter hunter ward nurse bird fox lamb moon rivers woods banks marsh dean miles ' +
    'chase frank guy ray reed rob sandy victor penny ruby pearl crystal heather jade jasmine daisy poppy violet ' +
    'autumn winter storm river brook forest ash hazel olive sterling cash gay art bob dick jean sunny'
  ).split(/\s+/),
);

/** Upper-case letter pairs that are abbreviations rather than someone's initials. */
const notInitials = new Set(
  'GP ED AE PC DC DS DI CT MH SW OK UK US EU ID IT HR PE RE TV AM PM NA NB PS MP OT SN HV RN DR MR MS SE NE NW SW CE RC AI IP'.split(
    ' ',
  ),
);

// ---------------------------------------------------------------------------------------------
// Regular-expression pieces

const WC = '[\\p{L}\\p{N}_]';
/** Word boundaries that also work for letters outside ASCII. */
const NB = `(?<!${WC})`;
const NA = `(?!${WC})`;
const APOS = "['’]";
/** A capitalised word: Khan, O'Brien, Smith-Jones, Zoë, McDonald. */
const CAP = `\\p{Lu}(?:[\\p{L}'’-]*\\p{L})?`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A literal with flexible whitespace and either apostrophe. */
function literal(s: string): string {
  return s
    .trim()
    .split(/\s+/)
    .map((w) => escapeRegExp(w).replace(/['’]/g, APOS))
    .join('[\\s\\u00a0]+');
}

const MONTH =
  '(?:[Jj]anuary|[Ff]ebruary|[Mm]arch|[Aa]pril|[Mm]ay|[Jj]une|[Jj]uly|[Aa]ugust|[Ss]eptember|[Oo]ctober|[Nn]ovember|[Dd]ecember|(?:[Jj]an|[Ff]eb|[Mm]ar|[Aa]pr|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ept?|[Oo]ct|[Nn]ov|[Dd]ec)(?:\\.(?=\\s+\\d))?)(?!\\p{L})';
const WEEKDAY =
  '(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\\.?,?\\s+';
const DAY = '(?:3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?';
const YEAR4 = '(?:19|20)\\d{2}';
const YEAR = `(?:${YEAR4}|['’]\\d{2})`;

const NUMBER_WORDS =
  '(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)';
const AGE_NUMBER = `(?:\\d{1,3}|${NUMBER_WORDS})`;

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

function ageValue(text: string): number | null {
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

type ParsedDate = { year: number | null; month: number; day: number | null };

function monthIndex(word: string): number | null {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return null;
  const i = monthNames.findIndex((m) => m.toLowerCase().startsWith(w));
  return i < 0 ? null : i;
}

function fullYear(text: string): number {
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

function checked(day: number, month: number, year: number | null): ParsedDate | null {
  if (month < 0 || month > 11 || !validDay(day, month)) return null;
  return { year, month, day };
}

const quarterNames = ['January to March', 'April to June', 'July to September', 'October to December'];

function generalDate(date: ParsedDate, options: AnonymiseOptions): string {
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

const rank = {
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

class Finder {
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

const titleWords = new Set(
  (
    'Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lady Lord Rev Revd Reverend Fr Father Sister Brother Nurse Matron ' +
    'PC PCSO DC DS DI DCI Sgt Sergeant Inspector Constable Detective Officer Cllr Councillor Imam Rabbi Pastor Sheikh ' +
    'Coach Judge Master'
  ).split(' '),
);

// ---------------------------------------------------------------------------------------------
// The detectors

function findEmails(f: Finder): void {
  for (const m of f.text.matchAll(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g)) {
    f.add(m.index, m.index + m[0].length, 'email', rank.email, false);
  }
}

function trimUrl(s: string): string {
  let url = s.replace(/[.,;:!?'"’”]+$/, '');
  // A closing bracket belongs to the address only if it opened one.
  while (url.endsWith(')') && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = url.slice(0, -1);
  return url;
}

function findUrls(f: Finder): void {
  const patterns = [
    /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi,
    /(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|uk|io|me|tv|gg|info|biz|co|app|ly|xyz|online|site)(?![\w-])(?:\/[^\s<>"]*)?/gi,
  ];
  for (const re of patterns) {
    for (const m of f.text.matchAll(re)) {
      const url = trimUrl(m[0]);
      f.add(m.index, m.index + url.length, 'url', rank.url, false);
    }
  }
}

function findHandles(f: Finder): void {
  for (const m of f.text.matchAll(/(?<![\p{L}\p{N}_.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?/gu)) {
    f.add(m.index, m.index + m[0].length, 'handle', rank.handle, false);
  }
}

const nhsCue = /\bNHS\b[^.\n]{0,25}$/i;

function findNumbers(f: Finder): void {
  // Digit groups joined by single spaces or hyphens: 485 777 3456, 485-777-3456, 4857773456.
  for (const m of f.text.matchAll(/(?<![\p{L}\p{N}])\d+(?:[ \u00a0-]\d+)*(?![\p{L}\p{N}])/gu)) {
    const groups: { start: number; end: number; digits: string }[] = [];
    for (const g of m[0].matchAll(/\d+/g))
      groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length, digits: g[0] });
    for (let i = 0; i < groups.length; i++) {
      let digits = '';
      for (let j = i; j < groups.length; j++) {
        const last = groups[j];
        if (!last) break;
        digits += last.digits;
        if (digits.length > 10) break;
        if (digits.length !== 10 || !hasValidCheckDigit(digits)) continue;
        const start = groups[i]?.start ?? last.start;
        // Ten digits starting with 0 are a phone number unless the text says NHS just before.
        if (digits.startsWith('0') && !nhsCue.test(f.text.slice(Math.max(0, start - 40), start))) continue;
        f.add(start, last.end, 'nhsNumber', rank.nhs, false);
      }
    }
    const total = groups.reduce((n, g) => n + g.digits.length, 0);
    // Any other long number (a case reference, a mistyped NHS number) may identify someone too.
    if (total >= 8) f.add(m.index, m.index + m[0].length, 'number', rank.number, false);
  }
}

function findPhones(f: Finder): void {
  const re = /(?<![\p{N}+])(?:(?:\+\s?44|0044)\s?(?:\(0\)\s?)?\(?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}(?!\p{N})/gu;
  for (const m of f.text.matchAll(re)) f.add(m.index, m.index + m[0].length, 'phone', rank.phone, false);
}

const POSTCODE = '(?:[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}|[a-z]{1,2}\\d[a-z\\d]?\\s?\\d[a-z]{2})';

function findPostcodes(f: Finder): void {
  for (const m of f.text.matchAll(new RegExp(`${NB}(?:GIR ?0AA|${POSTCODE})${NA}`, 'gu'))) {
    f.add(m.index, m.index + m[0].length, 'postcode', rank.postcode, false);
  }
}

const STRONG_SUFFIX =
  'Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Crescent|Cres|Terrace|Grove|Gardens|Gdns|Mews|Boulevard|Wynd';
const WEAK_SUFFIX =
  'Dr|Court|Ct|Place|Pl|Way|Walk|Square|Sq|Row|Hill|Park|Parade|Rise|View|Green|Vale|Circus|Wharf|Yard|Mount|Gate|Chase|Fold|Brow|Bank|Croft|Meadows?|Heights|End|Passage|Approach|Quay|Villas|Cottages|Estate|House|Lodge|Tower|Towers|Buildings';
/** Street names too common to identify anyone without a house number. */
const genericStreets = new Set(['high', 'main', 'church', 'station', 'market', 'mill', 'park', 'london', 'the']);

function findAddresses(f: Finder): void {
  const words = `(?:${CAP}\\s+){1,3}`;
  const tail = `(?:,?\\s+(?:${CAP}\\s?){1,2}(?:,\\s*(?:${CAP}\\s?){1,2})?,?\\s+${POSTCODE}${NA})?`;
  const numbered = new RegExp(
    `${NB}(?:(?:Flat|Apartment|Apt|Unit|Room)\\s+\\d+[A-Za-z]?,?\\s+)?(?:\\d+[A-Za-z]?(?:[-–]\\d+)?,?\\s+)${words}(?:${STRONG_SUFFIX}|${WEAK_SUFFIX})${NA}${tail}`,
    'gu',
  );
  const flatOnly = new RegExp(
    `${NB}(?:Flat|Apartment|Apt|Unit)\\s+\\d+[A-Za-z]?,?\\s+${words}(?:${STRONG_SUFFIX}|${WEAK_SUFFIX})${NA}${tail}`,
    'gu',
  );
  for (const re of [numbered, flatOnly]) {
    for (const m of f.text.matchAll(re)) f.add(m.index, m.index + m[0].length, 'address', rank.address, false);
  }
  // Without a house number: "lives on Acacia Avenue". Only the strong suffixes, and not "High Street".
  const unnumbered = new RegExp(`${NB}((?:${CAP}\\s+){1,3})(?:${STRONG_SUFFIX})${NA}`, 'gu');
  for (const m of f.text.matchAll(unnumbered)) {
    let start = m.index;
    const names = (m[1] ?? '').trim().split(/\s+/);
    for (let first = names[0]; first !== undefined && !f.nameLike(first, start, true); first = names[0]) {
      start = f.text.indexOf(first, start) + first.length;
      start += /^\s+/.exec(f.text.slice(start))?.[0].length ?? 0;
      names.shift();
    }
    if (names.length === 0) continue;
    if (names.length === 1 && genericStreets.has((names[0] ?? '').toLowerCase())) continue;
    f.add(start, m.index + m[0].length, 'address', rank.address, true);
  }
}

function dobCue(text: string, start: number): boolean {
  return /(?:\bborn|\bDOB|\bD\.O\.B\.?|date of birth|birthday)\W{0,3}(?:(?:on|in|is|was)\s+)?(?:the\s+)?$/i.test(
    text.slice(Math.max(0, start - 30), start),
  );
}

function findDates(f: Finder, options: AnonymiseOptions, dob: ParsedDate | null): void {
  const isDob = (d: ParsedDate, start: number) =>
    dobCue(f.text, start) ||
    (dob !== null && d.day === dob.day && d.month === dob.month && (d.year === null || d.year === dob.year));
  const addDate = (start: number, end: number, d: ParsedDate | null) => {
    if (!d) return;
    if (isDob(d, start)) {
      f.add(start, end, 'dateOfBirth', rank.dob, false);
      return;
    }
    const general = generalDate(d, options);
    // "on 12 March 2024" becomes "in March 2024", not "on March 2024".
    const on = general.startsWith('[') ? null : /(?<![\p{L}])([Oo])n\s+$/u.exec(f.text.slice(Math.max(0, start - 4), start));
    if (on) f.add(start - on[0].length, end, 'date', rank.date, false, `${on[1] === 'O' ? 'In' : 'in'} ${general}`);
    else f.add(start, end, 'date', rank.date, false, general);
  };
  const dayMonth = new RegExp(
    `${NB}(?:${WEEKDAY})?(?:the\\s+)?(${DAY})(?:\\s+of)?\\s+(${MONTH})(?:,?\\s+(${YEAR})(?!\\d))?`,
    'gu',
  );
  for (const m of f.text.matchAll(dayMonth)) {
    addDate(
      m.index,
      m.index + m[0].length,
      checked(Number.parseInt(m[1] ?? '', 10), monthIndex(m[2] ?? '') ?? -1, m[3] ? fullYear(m[3]) : null),
    );
  }
  const monthDay = new RegExp(
    `${NB}(?:${WEEKDAY})?(${MONTH})\\s+(?:the\\s+)?(${DAY})(?![\\d:])(?:,?\\s+(${YEAR})(?!\\d))?`,
    'gu',
  );
  for (const m of f.text.matchAll(monthDay)) {
    // "May 15 years ago" or "March 12-year-old" are not dates.
    if (/^\s*[-–]?\s*(?:years?|yrs?)\b/i.test(f.text.slice(m.index + m[0].length, m.index + m[0].length + 8))) continue;
    addDate(
      m.index,
      m.index + m[0].length,
      checked(Number.parseInt(m[2] ?? '', 10), monthIndex(m[1] ?? '') ?? -1, m[3] ? fullYear(m[3]) : null),
    );
  }
  const numeric = /(?<![\d/.-])(?:(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})|(\d{4})([/-])(\d{1,2})\6(\d{1,2}))(?!\d|[/-]\d|\.\d)/g;
  for (const m of f.text.matchAll(numeric)) {
    let end = m.index + m[0].length;
    const time = /^[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/.exec(f.text.slice(end));
    if (m[5] && time?.[0].startsWith('T')) end += time[0].length;
    addDate(m.index, end, parseDate(m[0]));
  }
  // Day and month with no year after a word that says it is a date: "on 12/03".
  const short = /(?<=\b(?:on|from|until|till|since|by|dated|before|after|between|and|of)\s)(\d{1,2})\/(\d{1,2})(?![/\d])/gi;
  for (const m of f.text.matchAll(short)) {
    addDate(m.index, m.index + m[0].length, checked(Number(m[1]), Number(m[2]) - 1, null));
  }
  // The year or month of birth: "born in 2009", "DOB March 2009".
  const birthYear = new RegExp(
    `(?:\\bborn|\\bDOB|\\bD\\.O\\.B\\.?|date of birth)\\W{0,3}(?:(?:on|in|is|was)\\s+)?((?:${MONTH},?\\s+)?${YEAR4})(?!\\d)`,
    'giu',
  );
  for (const m of f.text.matchAll(birthYear)) {
    const start = m.index + m[0].length - (m[1] ?? '').length;
    f.add(start, m.index + m[0].length, 'dateOfBirth', rank.dob, false);
  }
  if (dob?.year) {
    const monthYear = new RegExp(`${NB}(${MONTH}),?\\s+(${YEAR4})${NA}`, 'gu');
    for (const m of f.text.matchAll(monthYear)) {
      if (monthIndex(m[1] ?? '') === dob.month && Number(m[2]) === dob.year) {
        f.add(m.index, m.index + m[0].length, 'dateOfBirth', rank.dob, false);
      }
    }
  }
}

function findAges(f: Finder): void {
  const n = AGE_NUMBER;
  const addAge = (start: number, end: number, first: string, second: string | undefined, compact: boolean) => {
    const age = ageValue(first);
    if (age === null || age <= 0 || age > 120) return;
    let replacement = ageBand(age, compact);
    const other = second === undefined ? null : ageValue(second);
    if (other !== null && other > age && ageBand(other, compact) !== replacement) {
      replacement = `${replacement} to ${ageBand(other, compact)}`;
    }
    f.add(start, end, 'age', rank.age, false, replacement);
  };
  const forms: [RegExp, boolean][] = [
    // aged 15, age: 15, aged 15-16, turned 16
    [new RegExp(`${NB}(?:aged|age|ages|turned|turns|turning)\\s*:?\\s*(${n})(?:\\s*[-–]\\s*(${n}))?${NA}`, 'dgiu'), false],
    // 15-year-old, 15 year old, 15 years old, 15 yrs old
    [new RegExp(`${NB}(${n})(?:\\s*[-–]\\s*(${n}))?[- ](?:year|yr)s?[- ]old${NA}`, 'dgiu'), true],
    // 15yo, 15 y/o
    [/(?<![\p{L}\p{N}_])(\d{1,3})()\s?(?:yo|y\/o|y\.o\.?)(?![\p{L}\p{N}])/dgiu, true],
  ];
  for (const [re, compact] of forms) {
    for (const m of f.text.matchAll(re)) {
      const first = m.indices?.[1];
      if (!first) continue;
      const second = m[2] ? m.indices?.[2] : undefined;
      addAge(first[0], second ? second[1] : first[1], m[1] ?? '', m[2] || undefined, compact);
    }
  }
  // "Aisha (15)": an age in brackets straight after a name.
  for (const m of f.text.matchAll(/\((\d{1,2})(?:\s*(?:yrs?|years?|y\/o|yo))?\)/gu)) {
    const before = f.text.slice(Math.max(0, m.index - 30), m.index);
    if (!/(?:\p{Lu}[\p{L}'’-]*|\])['’]?s?\s?$/u.test(before)) continue;
    addAge(m.index + 1, m.index + 1 + (m[1]?.length ?? 0), m[1] ?? '', undefined, false);
  }
}

const SCHOOL_KEYWORDS =
  'Sixth Form College|Sixth Form|Primary School|Secondary School|High School|Grammar School|Infant School|Infants School|Junior School|Free School|Community School|Special School|Studio School|Pupil Referral Unit|School|Academy|College|University|Nursery|Primary|High|Juniors|Infants|PRU|UTC';
const schoolWords = new Set(
  'primary secondary high grammar infant infants junior juniors free community special catholic church england c e ce rc of the and & roman sixth form st saint st. upon on in de le la'.split(
    ' ',
  ),
);

function findSchools(f: Finder): void {
  const re = new RegExp(`${NB}(?:${SCHOOL_KEYWORDS})${NA}`, 'gu');
  for (const m of f.text.matchAll(re)) {
    const keyword = m[0];
    let end = m.index + keyword.length;
    const after = f.text.slice(end, end + 40);
    if (/^(?:Primary|High|Juniors|Infants)$/.test(keyword) && /^\s+\p{Lu}/u.test(after)) continue;
    if (/^\s+Hospitals?\b/.test(after)) continue;
    // Walk back over the words of the name: "St Mary's Church of England".
    const wordsBefore = f.text.slice(Math.max(0, m.index - 120), m.index);
    const tokens = [...wordsBefore.matchAll(/(\S+)(\s+)/g)];
    let start = m.index;
    let distinctive = false;
    let taken = 0;
    for (let i = tokens.length - 1; i >= 0 && taken < 6; i--) {
      const token = tokens[i];
      if (!token) break;
      const word = token[1] ?? '';
      const wordStart = m.index - wordsBefore.length + token.index;
      if (token[2] !== ' ' && token[2] !== '\u00a0') break;
      const lower = word.toLowerCase();
      const capital = new RegExp(`^(?:St\\.?|${CAP})$`, 'u').test(word);
      const connector = /^(?:of|the|and|&|upon|on|in|de|le|la)$/.test(word);
      if (!capital && !connector) break;
      if (capital && !schoolWords.has(lower) && !f.nameLike(word.replace(/['’]s$/, ''), wordStart, true)) break;
      if (capital && !schoolWords.has(lower)) distinctive = true;
      start = wordStart;
      taken++;
    }
    // Leading connectors are not part of the name.
    let lead = f.text.slice(start, m.index);
    while (/^(?:of|the|and|&|upon|on|in|de|le|la)\s+/.test(lead)) {
      const cut = /^\S+\s+/.exec(lead)?.[0].length ?? 0;
      start += cut;
      lead = lead.slice(cut);
    }
    // "University of Northshire", "College of West Dales".
    const of = new RegExp(`^\\s+of\\s+(?:the\\s+)?(?:${CAP}\\s?){1,3}`, 'u').exec(after);
    if (of) {
      const trimmed = of[0].replace(/\s+$/, '');
      const last = trimmed.split(/\s+/).pop() ?? '';
      if (f.nameLike(last, end + trimmed.length - last.length, true)) {
        end += trimmed.length;
        distinctive = true;
      }
    }
    if (!distinctive) continue;
    f.add(start, end, 'school', rank.school, true);
  }
}

function findWorkplaces(f: Finder): void {
  const cue =
    /\b(?:works?|worked|working|employed|employment|job|jobs|shifts?|placement|apprenticeship|apprentice|volunteers?|volunteered|volunteering|employer|employers)\b(?:,?\s+(?:as\s+(?:an?\s+)?[\p{Ll}-]+(?:\s+[\p{Ll}-]+)?|part[- ]time|full[- ]time|weekends|evenings|nights|there|now|currently|still|also|locally))*\s*(?:at|for|by|with|is|was|:)\s+(?:the\s+|a\s+)?/giu;
  for (const m of f.text.matchAll(cue)) {
    const start = m.index + m[0].length;
    const run = new RegExp(
      `(?:${CAP}|\\p{Lu}{2,})(?:(?:\\s+|\\s*&\\s*)(?:${CAP}|\\p{Lu}{2,}|Ltd|plc|PLC|LLP|Co\\.?)){0,4}`,
      'uy',
    );
    run.lastIndex = start;
    const r = run.exec(f.text);
    if (!r) continue;
    // Stop at the first word that cannot be part of a name.
    let end = start;
    for (const w of r[0].matchAll(/\S+/g)) {
      const wordStart = start + w.index;
      const word = w[0].replace(/['’]s$/, '');
      if (word !== '&' && !/^(?:Ltd|plc|PLC|LLP|Co\.?)$/.test(word) && !f.nameLike(word, wordStart, true)) break;
      end = wordStart + word.length;
    }
    if (end > start) f.add(start, end, 'workplace', rank.workplace, true);
  }
  const company = new RegExp(
    `${NB}(?:${CAP}\\s+|&\\s+){1,4}(?:Ltd|Limited|PLC|plc|LLP|Inc|& Co|and Sons|& Sons|Garage|Motors|Cafe|Café|Restaurant|Takeaway|Warehouse|Builders|Logistics|Haulage)${NA}`,
    'gu',
  );
  for (const m of f.text.matchAll(company)) {
    let start = m.index;
    const words = m[0].split(/\s+/);
    // Drop leading words that cannot be part of a name.
    for (const w of words) {
      if (w === '&' || f.nameLike(w, start, true)) break;
      start += w.length + (/^\s+/.exec(f.text.slice(start + w.length))?.[0].length ?? 0);
    }
    if (start < m.index + m[0].length - 3) f.add(start, m.index + m[0].length, 'workplace', rank.workplace, true);
  }
}

function findTitledNames(f: Finder): void {
  const titles = [...titleWords].join('|');
  const re = new RegExp(`${NB}(?:(?:${titles})\\.?\\s+)+`, 'gu');
  for (const m of f.text.matchAll(re)) {
    const start = m.index + m[0].length;
    const end = f.nameRun(start, 3, true);
    if (end !== null) f.add(start, end, 'name', rank.titleName, true);
  }
}

const RELATION =
  'mother|mum|mam|father|dad|stepfather|step-father|stepdad|step-dad|stepmother|step-mother|stepmum|step-mum|brother|sister|half-brother|half-sister|stepbrother|stepsister|son|daughter|stepson|stepdaughter|uncle|aunt|auntie|aunty|cousin|nephew|niece|grandmother|grandma|gran|nan|nana|grandfather|grandad|granddad|grandpa|grandson|granddaughter|friend|friends|best friend|boyfriend|girlfriend|partner|ex-partner|husband|wife|fianc[ée]e?|carer|foster carer|neighbour|neighbours|teacher|tutor|mentor|classmate|peer|associate|named|called|known as|aka|a\\.k\\.a\\.|alias|nicknamed|child|children|baby|sibling|siblings|parent|parents|guardian|lodger|flatmate|housemate|colleague|manager|employer|landlord|landlady|worker|key worker|keyworker';

function findRelationNames(f: Finder): void {
  const re = new RegExp(`${NB}(?:${RELATION})(?:['’]s)?(?:\\s*[,(:]\\s*|\\s+)`, 'giu');
  for (const m of f.text.matchAll(re)) {
    const start = m.index + m[0].length;
    const end = f.nameRun(start, 3, true);
    if (end !== null) f.add(start, end, 'name', rank.relationName, true);
  }
}

function findKnownNames(f: Finder, names: readonly string[]): void {
  const parts = new Set<string>();
  const surnames = new Set<string>();
  const firsts = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    // The whole name, any case.
    const whole = new RegExp(`${NB}${literal(name)}${NA}`, 'giu');
    for (const m of f.text.matchAll(whole)) f.add(m.index, m.index + m[0].length, 'name', rank.knownName, false);
    const words = name.split(/\s+/).filter((w) => !titleWords.has(w.replace(/\.$/, '')));
    for (const [i, word] of words.entries()) {
      for (const part of [word, ...(word.includes('-') ? word.split('-') : [])]) {
        const clean = part.replace(/^[^\p{L}]+|[^\p{L}'’]+$/gu, '');
        if (clean.replace(/['’]/g, '').length < 2) continue;
        parts.add(clean);
        if (i === 0) firsts.add(clean);
        if (i > 0 && i === words.length - 1) surnames.add(clean);
      }
    }
    // Initials: "AK", "A.K." for Aisha Khan.
    const letters = words.map((w) => w[0]?.toUpperCase() ?? '').filter((c) => /\p{Lu}/u.test(c));
    const sets = new Set([letters.join(''), `${letters[0] ?? ''}${letters.at(-1) ?? ''}`]);
    for (const initials of sets) {
      if (initials.length < 2 || initials.length > 3 || notInitials.has(initials)) continue;
      const dotted = `${initials.split('').join('\\.\\s?')}\\.?`;
      for (const m of f.text.matchAll(new RegExp(`${NB}(?:${initials}|${dotted})(?![\\p{L}\\p{N}])`, 'gu'))) {
        f.add(m.index, m.index + m[0].length, 'name', rank.knownPart, true);
      }
    }
  }
  for (const part of parts) {
    const lower = part.toLowerCase();
    const isWord = wordNames.has(lower) || notNames.has(lower) || monthIndex(part) !== null;
    const pattern = literal(part);
    // Names that are words (May, Rose, Ward) only when capitalised; others in any case, and "the Khans".
    const re = isWord
      ? new RegExp(`${NB}(?:${pattern}|${literal(part.toUpperCase())})${NA}`, 'gu')
      : new RegExp(`${NB}${pattern}(?:s)?${NA}`, 'giu');
    for (const m of f.text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (isWord) {
        const after = f.text.slice(end, end + 12);
        const before = f.text.slice(Math.max(0, start - 24), start);
        // May the month: "in May 2024", "3 May", "May 3rd", "early May", "mid-May".
        if (monthIndex(part) !== null) {
          if (/^,?\s+(?:the\s+)?\d/.test(after)) continue;
          if (/(?<!\d)\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?$/.test(before)) continue;
          if (
            /\b(?:in|since|until|till|during|early|late|mid|last|next|this|(?:end|start|beginning|middle) of)[\s-]+$/i.test(
              before,
            )
          )
            continue;
          if (/-$/.test(before)) continue;
        }
        // A word name followed by a number is a thing: "Ward 7".
        if (/^\s+\d/.test(after) && monthIndex(part) === null) continue;
      }
      f.add(start, end, 'name', rank.knownPart, !isWord ? f.isProtected(start, end) : true);
      // "J. Khan": an initial in front of a known name.
      const initial = /(?<![\p{L}\p{N}])\p{Lu}\.?\s$/u.exec(f.text.slice(Math.max(0, start - 4), start));
      if (initial) f.add(start - initial[0].length, end, 'name', rank.knownPart, true);
    }
  }
  // Names next to known ones: "Yusuf Khan" (a relative), "Aisha Jane Khan" (a middle name).
  const alternation = (set: Set<string>) =>
    [...set]
      .sort((a, b) => b.length - a.length)
      .map(literal)
      .join('|');
  if (surnames.size > 0) {
    const before = new RegExp(`${NB}(${CAP})(?=\\s+(?:${alternation(surnames)})${NA})`, 'gu');
    for (const m of f.text.matchAll(before)) {
      // A month right before a surname is a first name: "May Khan".
      if (f.nameLike(m[1] ?? '', m.index, true)) f.add(m.index, m.index + (m[1] ?? '').length, 'name', rank.guessedName, true);
    }
  }
  if (firsts.size > 0) {
    const after = new RegExp(`(?<=${NB}(?:${alternation(firsts)})\\s)(${CAP})${NA}`, 'gu');
    for (const m of f.text.matchAll(after)) {
      const word = (m[1] ?? '').replace(/['’]s$/, '');
      if (f.nameLike(word, m.index)) f.add(m.index, m.index + word.length, 'name', rank.guessedName, true);
    }
  }
}

/** "Aisha, Yusuf and Amina": a capitalised word listed with a name is a name. Repeats while it finds more. */
function findListedNames(f: Finder): void {
  for (let round = 0; round < 4; round++) {
    const names = f.candidates.filter((c) => c.kind === 'name');
    const before = f.candidates.length;
    const seen = new Set(f.candidates.map((c) => `${c.start}:${c.end}`));
    for (const c of names) {
      const next = /^(?:,\s*|\s+and\s+|\s*&\s*)/.exec(f.text.slice(c.end, c.end + 8));
      if (next) {
        const start = c.end + next[0].length;
        // "Aisha and May were seen": a month listed with a name is a name too, unless a year or day follows.
        const end = f.nameRun(start, 2, !/^\S+\s+\d/.test(f.text.slice(start, start + 20)));
        if (end !== null && !seen.has(`${start}:${end}`)) {
          f.add(start, end, 'name', rank.guessedName, true);
          seen.add(`${start}:${end}`);
        }
      }
      const prev = new RegExp(`(?<![\\p{L}'’-])(${CAP})(?:,\\s*|\\s+and\\s+|\\s*&\\s*)$`, 'u').exec(
        f.text.slice(Math.max(0, c.start - 40), c.start),
      );
      if (prev) {
        const start = c.start - prev[0].length;
        const end = start + (prev[1] ?? '').length;
        // A name at the start of a sentence is fine; a stop word ("However, Aisha") is not a name.
        if (f.nameLike(prev[1] ?? '', start) && !seen.has(`${start}:${end}`)) {
          f.add(start, end, 'name', rank.guessedName, true);
          seen.add(`${start}:${end}`);
        }
      }
    }
    if (f.candidates.length === before) break;
  }
}

/**
 * A name found once by its context ("Mx Eliza Ferreira", "stepdad, Kyle Barton") is a name wherever it stands
 * capitalised: "Eliza discussed it", "Kyle works at".
 */
function findNamesSeenElsewhere(f: Finder): void {
  const learned = new Set<string>();
  for (const c of f.candidates) {
    if (c.kind !== 'name' || c.rank > rank.titleName || f.isProtected(c.start, c.end)) continue;
    for (const w of f.text.slice(c.start, c.end).matchAll(new RegExp(CAP, 'gu'))) {
      const word = w[0].replace(/['’]s$/, '');
      if (word.length >= 2 && f.nameLike(word, c.start + w.index)) learned.add(word);
    }
  }
  if (learned.size === 0) return;
  const re = new RegExp(
    `${NB}(?:${[...learned]
      .sort((a, b) => b.length - a.length)
      .map(literal)
      .join('|')})${NA}`,
    'gu',
  );
  for (const m of f.text.matchAll(re)) {
    if (f.nameLike(m[0], m.index)) f.add(m.index, m.index + m[0].length, 'name', rank.guessedName, true);
  }
}

function findKnownNhsNumbers(f: Finder, numbers: readonly string[]): void {
  for (const raw of numbers) {
    const digits = raw.replace(/\D/g, '');
    if (digits.length < 6) continue;
    const re = new RegExp(`(?<!\\d)${digits.split('').join('[\\s\\u00a0-]*')}(?!\\d)`, 'g');
    for (const m of f.text.matchAll(re)) f.add(m.index, m.index + m[0].length, 'nhsNumber', rank.knownNhs, false);
  }
}

function findKnownAddresses(f: Finder, addresses: readonly string[]): void {
  for (const raw of addresses) {
    const parts = raw
      .split(/[,\n]+/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (parts.length === 0) continue;
    const add = (pattern: string, kind: ChangeKind) => {
      for (const m of f.text.matchAll(new RegExp(`${NB}${pattern}${NA}`, 'giu'))) {
        f.add(m.index, m.index + m[0].length, kind, rank.knownAddress, false);
      }
    };
    add(parts.map(literal).join('[,\\s]+'), 'address');
    for (const [i, part] of parts.entries()) {
      const postcode = /^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$/i.exec(part);
      if (postcode) {
        add(`${escapeRegExp(postcode[1] ?? '')}\\s*${escapeRegExp(postcode[2] ?? '')}`, 'postcode');
        // The first half alone ("NT1") says roughly where; replaced where it stands in capitals.
        for (const m of f.text.matchAll(new RegExp(`${NB}${escapeRegExp((postcode[1] ?? '').toUpperCase())}${NA}`, 'gu'))) {
          f.add(m.index, m.index + m[0].length, 'postcode', rank.knownAddress - 1, false);
        }
        continue;
      }
      // The first line (a house name or number and street) and any part with a number; a town is kept.
      if (i === 0 || /\d/.test(part)) {
        add(literal(part), 'address');
        const street = /^(?:(?:Flat|Apartment|Apt|Unit)\s+\d+\w?\s+)?\d+[A-Za-z]?\s+(.+)$/.exec(part);
        if (street && !genericStreets.has((street[1]?.split(/\s+/)[0] ?? '').toLowerCase()))
          add(literal(street[1] ?? ''), 'address');
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Removes direct identifiers from a case summary. Deterministic: the same text and knowledge always give
 * the same result. Each change says where it was in the original text, what was there and what replaced it.
 */
export function anonymise(
  text: string,
  known: KnownIdentifiers = {},
  options: AnonymiseOptions = {},
): { text: string; changes: Change[] } {
  const f = new Finder(text);
  const dob = known.dateOfBirth ? parseDate(known.dateOfBirth) : null;
  findKnownNhsNumbers(f, known.nhsNumbers ?? []);
  findKnownAddresses(f, known.addresses ?? []);
  findKnownNames(f, known.names ?? []);
  findEmails(f);
  findUrls(f);
  findHandles(f);
  findNumbers(f);
  findPhones(f);
  findPostcodes(f);
  findAddresses(f);
  findDates(f, options, dob);
  findAges(f);
  findSchools(f);
  findWorkplaces(f);
  findTitledNames(f);
  findRelationNames(f);
  findListedNames(f);
  findNamesSeenElsewhere(f);
  findListedNames(f);

  const changes: Change[] = [];
  let out = '';
  let at = 0;
  for (const c of f.resolve()) {
    out += text.slice(at, c.start) + c.replacement;
    changes.push({ start: c.start, end: c.end, original: text.slice(c.start, c.end), replacement: c.replacement, kind: c.kind });
    at = c.end;
  }
  out += text.slice(at);
  return { text: out, changes };
}
