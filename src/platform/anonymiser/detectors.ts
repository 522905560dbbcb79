import { hasValidCheckDigit } from '../nhs-number.ts';
import {
  AGE_NUMBER,
  type AnonymiseOptions,
  ageBand,
  ageValue,
  CAP,
  type ChangeKind,
  checked,
  DAY,
  escapeRegExp,
  type Finder,
  fullYear,
  generalDate,
  type KnownIdentifiers,
  literal,
  MONTH,
  monthIndex,
  NA,
  NB,
  type ParsedDate,
  parseDate,
  rank,
  WEEKDAY,
  YEAR,
  YEAR4,
} from './finder.ts';
import { findUntoldIdentifiers } from './untold.ts';
import { genericStreets, notInitials, notNames, schoolWords, titleWords, wordNames } from './vocabulary.ts';

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
    `${NB}(?:${CAP}\\s+|&\\s+){1,4}(?:Ltd|Limited|PLC|plc|LLP|Inc|& Co|and Sons|& Sons|Garage|Motors|Cafe|Café|Restaurant|Takeaway|Warehouse|Builders|Logistics|Haulage|Scaffolding|Tyres|Nails|Carpets|Plumbing|Roofing|Electrical|Electricals|Construction|Joinery|Transport|Removals|Salon|Barbers|Pharmacy|Autos|Car Wash|Couriers|Cleaning|Security|Recruitment|Bakery|Butchers|Kebabs|Pizza|Fitness|Gym)${NA}`,
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
  'mother|mum|mam|father|dad|stepfather|step-father|stepdad|step-dad|stepmother|step-mother|stepmum|step-mum|brother|sister|half-brother|half-sister|stepbrother|stepsister|son|daughter|stepson|stepdaughter|uncle|aunt|auntie|aunty|cousin|nephew|niece|grandmother|grandma|gran|nan|nana|grandfather|grandad|granddad|grandpa|grandson|granddaughter|friend|friends|best friend|boyfriend|girlfriend|partner|ex-partner|husband|wife|fianc[ée]e?|carer|foster carer|neighbour|neighbours|teacher|tutor|mentor|classmate|peer|associate|named|called|known as|aka|a\\.k\\.a\\.|alias|nicknamed|child|children|baby|sibling|siblings|parent|parents|guardian|lodger|flatmate|housemate|colleague|manager|employer|landlord|landlady|worker|key worker|keyworker|coordinator|co-ordinator|nurse|charge nurse|midwife|doctor|consultant|therapist|practitioner|officer|social worker|support worker|youth worker|caseworker|assistant|receptionist|supervisor|coach|instructor|imam|pastor|vicar';

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

/** Runs every detector over the text, in the order their findings build on each other. */
export function findIdentifiers(f: Finder, known: KnownIdentifiers, options: AnonymiseOptions): void {
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
  findUntoldIdentifiers(f);
  findListedNames(f);
  findNamesSeenElsewhere(f);
  findListedNames(f);
}
