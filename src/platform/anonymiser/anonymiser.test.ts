import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Identifier, keptRatio, Narrative, protectedOccurrences, Random, survives } from '../../../test/narratives.ts';
import { monthNames } from '../dates.ts';
import { hasValidCheckDigit } from '../nhs-number.ts';
import { ageBand, anonymise, checkKnownIdentifiers, type KnownIdentifiers, parseDate, summariseChanges } from './anonymiser.ts';

// ---------------------------------------------------------------------------------------------
// A generator of synthetic narratives. Every name, number and place is invented; a seeded PRNG makes
// each run the same.

const firstNames = [
  'Aisha',
  'Callum',
  'Declan',
  'Ebony',
  'Farhan',
  'Gemma',
  'Hamza',
  'Imogen',
  'Jayden',
  'Kacper',
  'Leah',
  'Mohammed',
  'Niamh',
  'Oliver',
  'Priya',
  'Reuben',
  'Saoirse',
  'Tyler',
  'Zainab',
  'Bartosz',
  'Chloe',
  'Dylan',
  'Zoë',
  'Siân',
  'Amara',
  'Bilal',
  'Connor',
  'Darcy',
  'Eliza',
  'Finley',
  'May',
  'Grace',
  'Rose',
  'Jack',
];
const surnames = [
  'Khan',
  'Okafor',
  'Brennan',
  'Kowalski',
  'Hughes',
  'Patel',
  'MacLeod',
  "O'Connor",
  'Smith-Jones',
  'Begum',
  'Nowak',
  'Fairweather',
  'Ashworth',
  'Thornton',
  'Abadi',
  'Rahman',
  'Lindqvist',
  'Adeyemi',
  'Whitlock',
  'Ferreira',
  'Hall',
  'Moss',
];
const streetNames = [
  'Acacia',
  'Larkspur',
  'Fennel',
  'Cobblestone',
  'Wrenfield',
  'Marlpit',
  'Heron',
  'Bramble',
  'Saxon',
  'Juniper',
];
const streetSuffixes = [
  'Avenue',
  'Road',
  'Street',
  'Close',
  'Lane',
  'Drive',
  'Crescent',
  'Court',
  'Way',
  'Terrace',
  'Gardens',
  'Grove',
];
const towns = ['Northtown', 'Dalesby', 'Eastmoor', 'Kirkhaven', 'Lowbridge'];
const schoolNames = [
  "St Aidan's",
  'Riverside',
  'Moorfield',
  'Hollins Green',
  'Brackenbury',
  "St Mary's Church of England",
  'Oakwood',
  'Kingsmead',
  'Thornbury',
];
const schoolTypes = [
  'Primary School',
  'Academy',
  'High School',
  'College',
  'Sixth Form College',
  'Community School',
  'Primary',
  'Free School',
];
const workplaceNames = [
  'Tesco Extra',
  'Greggs',
  'Brightwell Logistics Ltd',
  'Speedy Parcels',
  'Harlow & Daughters',
  'Dales Motors',
];
const titles = ['Dr', 'Mrs', 'Mr', 'Ms', 'Miss', 'PC', 'Prof', 'Mx', 'DC'];
const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const numberWords = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const numberWordsTeens = ['thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];

type Person = { first: string; last: string };
const nameParts = (s: string) => s.split(/[\s-]+/).filter((p) => p.length > 1);

function validNhsNumber(r: Random): string {
  for (;;) {
    const digits = String(r.int(4, 7)) + r.digits(8);
    for (let check = 0; check <= 9; check++) if (hasValidCheckDigit(digits + check)) return digits + check;
  }
}

function invalidTenDigits(r: Random): string {
  for (;;) {
    const n = String(r.int(1, 9)) + r.digits(9);
    if (!hasValidCheckDigit(n)) return n;
  }
}

function spaced(r: Random, digits: string): string {
  switch (r.int(0, 4)) {
    case 0:
      return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
    case 1:
      return digits;
    case 2:
      return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
    case 3:
      return `${digits.slice(0, 3)} ${digits.slice(3)}`;
    default:
      return digits.match(/.{2}/g)?.join(' ') ?? digits;
  }
}

function phone(r: Random): { text: string; digits: string } {
  const mobile = `7700${r.digits(6)}`;
  const formats: (() => string)[] = [
    () => `0${mobile.slice(0, 4)} ${mobile.slice(4)}`,
    () => `0${mobile}`,
    () => `+44 ${mobile.slice(0, 4)} ${mobile.slice(4)}`,
    () => `+44 (0)${mobile.slice(0, 4)} ${mobile.slice(4, 7)} ${mobile.slice(7)}`,
    () => `0044 ${mobile.slice(0, 4)} ${mobile.slice(4)}`,
    () => `0${mobile.slice(0, 4)}-${mobile.slice(4, 7)}-${mobile.slice(7)}`,
  ];
  const landline = `161${r.digits(7)}`;
  const london = `20${r.digits(8)}`;
  const other = `1632${r.digits(6)}`;
  const lines: [() => string, string][] = [
    [() => `0${landline.slice(0, 3)} ${landline.slice(3, 6)} ${landline.slice(6)}`, landline],
    [() => `(0${landline.slice(0, 3)}) ${landline.slice(3, 6)} ${landline.slice(6)}`, landline],
    [() => `0${london.slice(0, 2)} ${london.slice(2, 6)} ${london.slice(6)}`, london],
    [() => `0${other.slice(0, 4)} ${other.slice(4)}`, other],
  ];
  if (r.chance(0.5)) return { text: r.pick(formats)(), digits: mobile };
  const [format, digits] = r.pick(lines);
  return { text: format(), digits };
}

type DateParts = { year: number; month: number; day: number };

/** A date in one of the common UK forms; `core` is what must not survive, `general` what should replace it. */
function dateText(r: Random, d: DateParts): { text: string; core: string; general: string | null } {
  const dd = String(d.day).padStart(2, '0');
  const mm = String(d.month + 1).padStart(2, '0');
  const yy = String(d.year).slice(2);
  const ord = `${d.day}${d.day % 10 === 1 && d.day !== 11 ? 'st' : d.day % 10 === 2 && d.day !== 12 ? 'nd' : d.day % 10 === 3 && d.day !== 13 ? 'rd' : 'th'}`;
  const month = monthNames[d.month] ?? '';
  const general = `${month} ${d.year}`;
  const forms: { text: string; core: string; general: string | null }[] = [
    { text: `${dd}/${mm}/${d.year}`, core: `${dd}/${mm}/${d.year}`, general },
    { text: `${d.day}/${d.month + 1}/${yy}`, core: `${d.day}/${d.month + 1}/${yy}`, general },
    { text: `${dd}-${mm}-${yy}`, core: `${dd}-${mm}-${yy}`, general },
    { text: `${dd}.${mm}.${d.year}`, core: `${dd}.${mm}.${d.year}`, general },
    { text: `${d.day} ${month} ${d.year}`, core: `${d.day} ${month}`, general },
    { text: `${ord} ${month} ${d.year}`, core: `${ord} ${month}`, general },
    { text: `${ord} of ${month} ${d.year}`, core: `${ord} of ${month}`, general },
    { text: `${r.pick(weekdays)} ${d.day} ${month} ${d.year}`, core: `${d.day} ${month}`, general },
    { text: `${month} ${ord} ${d.year}`, core: `${month} ${ord}`, general },
    { text: `${month} ${d.day}, ${d.year}`, core: `${month} ${d.day}`, general },
    { text: `${d.day} ${month.slice(0, 3)} ${d.year}`, core: `${d.day} ${month.slice(0, 3)}`, general },
    { text: `${d.year}-${mm}-${dd}`, core: `${d.year}-${mm}-${dd}`, general },
    { text: `${ord} of ${month}`, core: `${ord} of ${month}`, general: null },
    { text: `${d.day} ${month}`, core: `${d.day} ${month}`, general: null },
    { text: `${month} ${ord}`, core: `${month} ${ord}`, general: null },
  ];
  return r.pick(forms);
}

function randomDate(r: Random, from: number, to: number): DateParts {
  const month = r.int(0, 11);
  return { year: r.int(from, to), month, day: r.int(1, month === 1 ? 28 : 30) };
}

function ageText(r: Random, age: number): { text: string; band: string } {
  const word = age <= 12 ? numberWords[age] : age <= 19 ? numberWordsTeens[age - 13] : undefined;
  const forms = [
    { text: `aged ${age}`, band: `aged ${ageBand(age)}` },
    { text: `${age}-year-old`, band: `${ageBand(age, true)}-year-old` },
    { text: `${age} years old`, band: `${ageBand(age, true)} years old` },
    { text: `age ${age}`, band: `age ${ageBand(age)}` },
  ];
  if (word) forms.push({ text: `aged ${word}`, band: `aged ${ageBand(age)}` });
  return r.pick(forms);
}

function postcode(r: Random): string {
  const letters = 'ABDEFGHJLNPRSTUWXYZ';
  const outward = r.chance(0.5) ? r.pick([...letters]) + r.pick([...letters]) : r.pick([...letters]);
  return `${outward}${r.int(1, 9)}${r.chance(0.3) ? r.int(0, 9) : ''} ${r.int(1, 9)}${r.pick([...letters])}${r.pick([...letters])}`;
}

const lower = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

/** One narrative with the record's knowledge; every identifier in it is listed with what must not survive. */
function generate(seed: number): { narrative: Narrative; known: KnownIdentifiers } {
  const r = new Random(seed);
  const people = r.shuffle([...firstNames]);
  const lasts = r.shuffle([...surnames]);
  const subject: Person = { first: people[0] ?? '', last: lasts[0] ?? '' };
  const mother: Person = { first: people[1] ?? '', last: r.chance(0.5) ? subject.last : (lasts[1] ?? '') };
  const brother: Person = { first: people[2] ?? '', last: subject.last };
  const friend = people[3] ?? '';
  const other = people[4] ?? '';
  const professional = () => {
    const title = r.pick(titles);
    const last = lasts[r.int(2, lasts.length - 1)] ?? '';
    const first = people[r.int(5, people.length - 1)] ?? '';
    const withFirst = r.chance(0.3);
    const text = withFirst ? `${first} ${last}` : last;
    return { title, id: name(text) };
  };
  const name = (text: string): Identifier => ({ kind: 'name', text, probes: nameParts(text) });
  const nhs = validNhsNumber(r);
  const dob = randomDate(r, 2006, 2016);
  const street = `${r.int(1, 180)}${r.chance(0.1) ? 'A' : ''} ${r.pick(streetNames)} ${r.pick(streetSuffixes)}`;
  const flat = r.chance(0.3) ? `Flat ${r.int(1, 12)}, ` : '';
  const town = r.pick(towns);
  const code = postcode(r);
  const address = `${flat}${street}, ${town}, ${code}`;
  const streetName = street.replace(/^\d+A?\s+/, '');
  const school = `${r.pick(schoolNames)} ${r.pick(schoolTypes)}`;
  const schoolDistinct = school
    .split(' ')
    .filter((w) => !/^(?:St|of|Church|England|Primary|School|Academy|High|College|Sixth|Form|Community|Free)$/.test(w));
  const workplace = r.pick(workplaceNames);
  const age = r.int(6, 17);
  const adultAge = r.int(18, 70);

  const known: KnownIdentifiers = {
    names: [`${subject.first} ${subject.last}`, `${mother.first} ${mother.last}`],
    nhsNumbers: [nhs],
    dateOfBirth: `${dob.year}-${String(dob.month + 1).padStart(2, '0')}-${String(dob.day).padStart(2, '0')}`,
    addresses: [address],
  };
  const brotherKnown = r.chance(0.5);
  if (brotherKnown) known.names?.push(`${brother.first} ${brother.last}`);

  const n = new Narrative();
  const date = () => {
    const d = dateText(r, randomDate(r, 2019, 2025));
    return { kind: 'date', text: d.text, probes: [d.core], expectInOutput: d.general ?? '[date]' } as Identifier;
  };
  const ageId = (a: number): Identifier => {
    const t = ageText(r, a);
    return { kind: 'age', text: t.text, probes: [t.text], expectInOutput: t.band };
  };
  const fullName = name(`${subject.first} ${subject.last}`);
  const subjectFirst = name(subject.first);
  const dobText = dateText(r, dob);

  n.say(
    `Summary of concern about {} ({}), NHS number {}, date of birth {}.`,
    fullName,
    ageId(age),
    {
      kind: 'nhs',
      text: spaced(r, nhs),
      probes: [nhs],
    },
    { kind: 'dob', text: dobText.text, probes: [dobText.core] },
  );
  n.say(
    '{} lives at {} with her mother, {}, and {} brother {}.',
    subjectFirst,
    {
      kind: 'address',
      text: address,
      probes: [street, streetName, code],
    },
    name(`${mother.first} ${mother.last}`),
    { kind: 'plain', text: r.pick(['her', 'his', 'their']), probes: [] },
    name(brotherKnown || r.chance(0.5) ? `${brother.first} ${brother.last}` : brother.first),
  );

  const sentences: (() => void)[] = [
    () => n.say('Channel panel met on {} and agreed support through the Prevent pathway.', date()),
    () => {
      const p = professional();
      n.say(
        `The DSL at {}, ${p.title} {}, made a Prevent referral on {}.`,
        { kind: 'school', text: school, probes: [school, ...schoolDistinct] },
        p.id,
        date(),
      );
    },
    () =>
      n.say(`{}'s GP, Dr {}, was worried about {} mental health.`, subjectFirst, name(lasts[3] ?? ''), {
        kind: 'plain',
        text: 'their',
        probes: [],
      }),
    () => n.say('{} was seen in A&E on {} after self-harm and was admitted to the ward.', subjectFirst, date()),
    () => n.say('CAMHS and children’s social care were informed. The school nurse and the health visitor shared what they knew.'),
    () =>
      n.say(
        '{} has been sharing extreme right-wing material online as {} and through {}.',
        subjectFirst,
        {
          kind: 'handle',
          text: `@${lower(subject.first)}_${r.digits(2)}`,
          probes: [`@${lower(subject.first)}`],
        },
        {
          kind: 'url',
          text: r.pick([
            `https://www.example.com/u/${lower(subject.last)}${r.digits(2)}`,
            `www.example.org/profile/${r.digits(4)}`,
            `facebook.com/${lower(subject.first)}.${lower(subject.last)}${r.digits(2)}`,
            `t.me/${lower(subject.first)}${r.digits(3)}`,
          ]),
          probes: [],
        },
      ),
    () => {
      const p = phone(r);
      n.say(
        'Mum can be reached on {} or at {}.',
        { kind: 'phone', text: p.text, probes: [p.digits] },
        {
          kind: 'email',
          text: `${lower(mother.first)}.${lower(mother.last)}${r.digits(2)}@${r.pick(['example.com', 'mail.example.co.uk', 'example.net'])}`,
          probes: [`${lower(mother.first)}.${lower(mother.last)}`],
        },
      );
    },
    () => n.say('Counter Terrorism Policing (CTP) and the police Prevent officer reviewed the case with MASH.'),
    () =>
      n.say(
        '{} works part-time at {} and is {}.',
        name(`${mother.first}`),
        { kind: 'workplace', text: workplace, probes: nameParts(workplace).filter((w) => !/^(?:Ltd|&)$/.test(w)) },
        ageId(adultAge),
      ),
    () => n.say('Islamist propaganda was found on a shared phone; the ICB safeguarding lead and the Home Office were told.'),
    () => {
      const p = professional();
      n.say(`${p.title} {} from the Prevent team visited on {}.`, p.id, date());
    },
    () =>
      n.say(
        '{} and {} were seen together near {} on {}.',
        subjectFirst,
        name(friend),
        { kind: 'school', text: school, probes: [school, ...schoolDistinct] },
        date(),
      ),
    () => n.say('A friend called {} said {} had talked about violence.', name(other), subjectFirst),
    () => {
      const ref = invalidTenDigits(r);
      n.say('The incident reference is {}.', { kind: 'number', text: spaced(r, ref), probes: [ref] });
    },
    () => n.say('Her brother, {}, is {} and was also spoken to.', name(brother.first), ageId(r.int(5, 25))),
    () => n.say('The family moved from {} on {}.', { kind: 'postcode', text: postcode(r), probes: [] }, date()),
    () => {
      const p = phone(r);
      n.say('The safeguarding team called {} on {}.', { kind: 'phone', text: p.text, probes: [p.digits] }, date());
    },
    () =>
      n.say('{} visits {} at {} most weekends.', subjectFirst, name(`${brother.first} ${brother.last}`), {
        kind: 'address',
        text: `${r.int(1, 90)} ${r.pick(streetNames)} ${r.pick(streetSuffixes)}`,
        probes: [],
      }),
  ];
  for (const s of r.shuffle(sentences).slice(0, r.int(8, sentences.length))) s();
  // Probes that are only a part of the rendered text (address, url, postcode) default to the whole text.
  for (const s of n.segments)
    if (s.identifier && s.identifier.probes.length === 0 && s.identifier.kind !== 'plain')
      s.identifier.probes = [s.identifier.text];
  return { narrative: n, known };
}

// ---------------------------------------------------------------------------------------------
// Checks

describe('anonymise: generated narratives', { timeout: 180_000 }, () => {
  it('removes every identifier from 500 generated narratives, keeps the domain terms and most of the rest', () => {
    let identifiers = 0;
    let removed = 0;
    let kept = 0;
    let words = 0;
    let protectedSeen = 0;
    let changesTotal = 0;
    let changesOnIdentifiers = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= 500; seed++) {
      const { narrative, known } = generate(seed);
      const input = narrative.text;
      const result = anonymise(input, known);
      // Offsets point into the original.
      for (const c of result.changes) {
        if (input.slice(c.start, c.end) !== c.original)
          failures.push(`seed ${seed}: change ${JSON.stringify(c)} is not at its offsets`);
      }
      let at = 0;
      const idSpans: [number, number][] = [];
      for (const s of narrative.segments) {
        const id = s.identifier;
        if (id && id.kind !== 'plain') {
          idSpans.push([at, at + s.text.length]);
          identifiers++;
          const left = id.probes.filter((p) => survives(result.text, p));
          if (left.length === 0) removed++;
          else failures.push(`seed ${seed}: ${id.kind} "${id.text}" left ${JSON.stringify(left)} in:\n${result.text}`);
          if (id.expectInOutput && !result.text.includes(id.expectInOutput)) {
            failures.push(`seed ${seed}: ${id.kind} "${id.text}" should become "${id.expectInOutput}":\n${result.text}`);
          }
        }
        at += s.text.length;
      }
      const k = keptRatio(narrative.segments, result.changes);
      kept += k.kept;
      words += k.total;
      for (const p of protectedOccurrences(input)) {
        if (idSpans.some(([s, e]) => s < p.end && p.start < e)) continue;
        protectedSeen++;
        const hit = result.changes.find((c) => c.start < p.end && p.start < c.end);
        if (hit) failures.push(`seed ${seed}: protected "${p.term}" replaced by ${hit.kind} "${hit.original}"`);
      }
      changesTotal += result.changes.length;
      changesOnIdentifiers += result.changes.filter((c) => idSpans.some(([s, e]) => s < c.end && c.start < e)).length;
    }
    const recall = removed / identifiers;
    const keptShare = kept / words;
    console.log(
      `anonymiser, 500 generated narratives: recall ${(recall * 100).toFixed(2)} % (${removed} of ${identifiers} identifiers removed); ` +
        `non-identifying words kept ${(keptShare * 100).toFixed(2)} % (${kept} of ${words}); ` +
        `${protectedSeen} domain terms, all kept; ${changesTotal - changesOnIdentifiers} of ${changesTotal} changes touched no identifier`,
    );
    expect(failures.slice(0, 5)).toEqual([]);
    expect(recall).toBe(1);
    expect(keptShare).toBeGreaterThan(0.95);
  });

  it('is deterministic', () => {
    const { narrative, known } = generate(42);
    expect(anonymise(narrative.text, known)).toEqual(anonymise(narrative.text, known));
  });
});

// ---------------------------------------------------------------------------------------------
// The hand-written corpus: corpus/NAME.txt, what the record knows (NAME.known.json) and what must go or stay
// (NAME.expect.json: { "remove": [...], "keep": [...] }).

const corpusDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

describe('anonymise: the hand-written corpus', () => {
  const files = fs
    .readdirSync(corpusDir)
    .filter((f) => f.endsWith('.txt'))
    .sort();

  it('has about ten narratives, each with what its record knows', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('removes everything listed in each narrative and keeps the learning', () => {
    // Told: what the record's known file holds (a name, its parts, the address); untold: everything else listed.
    const count = { told: 0, toldRemoved: 0, untold: 0, untoldRemoved: 0 };
    let kept = 0;
    let words = 0;
    const failures: string[] = [];
    for (const file of files) {
      const base = file.replace(/\.txt$/, '');
      const text = fs.readFileSync(path.join(corpusDir, file), 'utf8');
      const knownCheck = checkKnownIdentifiers(JSON.parse(fs.readFileSync(path.join(corpusDir, `${base}.known.json`), 'utf8')));
      if (!knownCheck.ok) throw new Error(`${base}.known.json: ${knownCheck.field} ${knownCheck.problem}`);
      const expected = JSON.parse(fs.readFileSync(path.join(corpusDir, `${base}.expect.json`), 'utf8')) as {
        remove: string[];
        untold?: string[];
        keep: string[];
      };
      const knownText = JSON.stringify(knownCheck.known).toLowerCase();
      const result = anonymise(text, knownCheck.known);
      const listed = [...expected.remove, ...(expected.untold ?? [])];
      for (const probe of listed) {
        const told = knownText.includes(probe.toLowerCase());
        count[told ? 'told' : 'untold']++;
        if (survives(result.text, probe)) failures.push(`${file}: "${probe}" survived`);
        else count[told ? 'toldRemoved' : 'untoldRemoved']++;
      }
      for (const term of expected.keep) {
        if (!result.text.includes(term)) failures.push(`${file}: "${term}" was not kept`);
      }
      // Kept text: the words of the original outside every listed identifier.
      const idSpans: [number, number][] = [];
      for (const probe of listed) {
        let i = text.indexOf(probe);
        while (i >= 0) {
          idSpans.push([i, i + probe.length]);
          i = text.indexOf(probe, i + 1);
        }
      }
      for (const w of text.matchAll(/[\p{L}\p{N}&']+/gu)) {
        const start = w.index;
        const end = start + w[0].length;
        if (idSpans.some(([s, e]) => s < end && start < e)) continue;
        words++;
        if (!result.changes.some((c) => c.start < end && start < c.end)) kept++;
      }
    }
    const percent = (a: number, b: number) => `${((a / b) * 100).toFixed(2)} % (${a} of ${b})`;
    console.log(
      `anonymiser, hand-written corpus (${files.length} narratives): told identifiers removed ${percent(count.toldRemoved, count.told)}; ` +
        `untold identifiers removed ${percent(count.untoldRemoved, count.untold)}; other words kept ${percent(kept, words)}`,
    );
    expect(failures).toEqual([]);
    expect(kept / words).toBeGreaterThan(0.9);
  });
});

// ---------------------------------------------------------------------------------------------
// Edge cases, by hand

const run = (text: string, known?: KnownIdentifiers) => anonymise(text, known).text;

describe('anonymise: edge cases', () => {
  it('tells an NHS number from another ten-digit number by its check digit', () => {
    expect(hasValidCheckDigit('9434765919')).toBe(true);
    expect(run('NHS number 943 476 5919.')).toBe('NHS number [NHS number].');
    expect(run('NHS number 943-476-5919 and 9434765919.')).toBe('NHS number [NHS number] and [NHS number].');
    // Fails the check: not an NHS number, but a long number is still taken out.
    const failing = anonymise('Reference 943 476 5918 was logged.');
    expect(failing.text).toBe('Reference [number] was logged.');
    expect(failing.changes.map((c) => c.kind)).toEqual(['number']);
    // Ten digits starting 0 that fail the check are a phone number.
    expect(run('Call 0161 496 0000 or 0800 123 456.')).toBe('Call [phone] or [phone].');
  });

  it('keeps "Channel" at the start of a sentence and other protected words, even after a title', () => {
    const text =
      'Channel panel agreed support. Prevent was consulted. Dr Prevent and Mrs Channel are not names here. The DSL told MASH.';
    expect(run(text)).toBe(text);
    expect(run('Channel met on 2 March 2024.')).toBe('Channel met in March 2024.');
  });

  it('removes "Dr Khan" but keeps "the GP"', () => {
    expect(run('Dr Khan, the GP, saw her.')).toBe('Dr [name], the GP, saw her.');
    expect(run('The GP and Mrs Okafor-Brown spoke.')).toBe('The GP and Mrs [name] spoke.');
  });

  it('tells May the month from May a known name', () => {
    const known = { names: ['May Thompson'] };
    expect(run('May told staff in May 2024 that on 3 May she was scared. May 12th was the panel.', known)).toBe(
      '[name] told staff in May 2024 that on [date] she was scared. [date] was the panel.',
    );
    // Without the name known, "May" on its own is left alone.
    expect(run('In May the panel met.')).toBe('In May the panel met.');
  });

  it('removes known names in any case, with possessives, initials and relatives', () => {
    const known = { names: ['Aisha Khan'] };
    expect(run("AISHA KHAN and aisha. Aisha's brother Yusuf Khan. The Khans. A. Khan. AK said.", known)).toBe(
      "[name] and [name]. [name]'s brother [name]. The [name]. [name]. [name] said.",
    );
    expect(run('Aisha, Callum and Leah were seen.', known)).toBe('[name], [name] and [name] were seen.');
  });

  it('turns dates into months, or [date] without a year', () => {
    const cases: [string, string][] = [
      ['12/03/2024', 'March 2024'],
      ['12-03-24', 'March 2024'],
      ['12.03.2024', 'March 2024'],
      ['12 March 2024', 'March 2024'],
      ['12th of March 2024', 'March 2024'],
      ['Tuesday 12th March 2024', 'March 2024'],
      ['March 12th 2024', 'March 2024'],
      ['March 12, 2024', 'March 2024'],
      ['12 Mar 2024', 'March 2024'],
      ['2024-03-12', 'March 2024'],
      ['2024-03-12T14:30:00Z', 'March 2024'],
      ['12th of March', '[date]'],
      ['March 12th', '[date]'],
    ];
    for (const [date, expected] of cases) expect(run(`Seen ${date}.`), date).toBe(`Seen ${expected}.`);
    expect(run('Seen on 12/03/2024.')).toBe('Seen in March 2024.');
    expect(anonymise('Seen 12/03/2024.', {}, { dates: 'quarter' }).text).toBe('Seen January to March 2024.');
    // A month and year already say no more than a month.
    expect(run('Seen in March 2024.')).toBe('Seen in March 2024.');
  });

  it('removes the date of birth whole, in any form', () => {
    const known = { dateOfBirth: '2009-03-14' };
    expect(run('DOB 14/03/2009. Her birthday, 14 March, passed. Born March 2009.', known)).toBe(
      'DOB [date]. Her birthday, [date], passed. Born [date].',
    );
    expect(run('Born in 2009.')).toBe('Born in [date].');
  });

  it('generalises ages to bands that keep the safeguarding meaning', () => {
    expect(ageBand(7)).toBe('under 10');
    expect(ageBand(12)).toBe('10–12');
    expect(ageBand(15)).toBe('13–15');
    expect(ageBand(17)).toBe('16–17');
    expect(ageBand(19)).toBe('18–24');
    expect(ageBand(90)).toBe('85 or over');
    expect(run('A 15-year-old, aged 16, 9 years old, age: 30, aged fourteen, 17yo.')).toBe(
      'A 13–15-year-old, aged 16–17, under-10 years old, age: 25–34, aged 13–15, 16–17yo.',
    );
    expect(run('Aisha (15) was seen.', { names: ['Aisha Khan'] })).toBe('[name] (13–15) was seen.');
    // Durations are not ages.
    expect(run('She has lived here for 15 years.')).toBe('She has lived here for 15 years.');
  });

  it('removes postcodes, phones, e-mail and web addresses and handles', () => {
    expect(
      run(
        'NT1 4AB, +44 7700 900123, (0161) 496 0000, jo.bloggs@example.com, https://example.com/x?y=1, www.example.org, @jo_b99.',
      ),
    ).toBe('[postcode], [phone], [phone], [email], [web address], [web address], [name].');
  });

  it('removes street addresses, schools and workplaces', () => {
    expect(run('She lives at Flat 3, 22 High Street, Northtown, NT1 4AB.')).toBe('She lives at [address].');
    expect(run('He lives at 14 Acacia Avenue with his dad.')).toBe('He lives at [address] with his dad.');
    expect(run('She goes to the shops on the High Street.')).toBe('She goes to the shops on the High Street.');
    expect(run("St Mary's Primary School and Riverside Academy and the University of Northshire.")).toBe(
      '[school] and [school] and the [school].',
    );
    expect(run('His dad works at Tesco Extra on Saturdays; his uncle is employed by Brightwell Logistics Ltd.')).toBe(
      'His dad works at [workplace] on Saturdays; his uncle is employed by [workplace].',
    );
    expect(run('The school nurse and the Prevent lead met. School staff were told.')).toBe(
      'The school nurse and the Prevent lead met. School staff were told.',
    );
  });

  it('uses what the record knows about the address', () => {
    const known = { addresses: ['7 Larkspur Close, Dalesby, DL4 2QT'] };
    expect(run('Police went to 7 Larkspur Close. Larkspur Close is quiet. The DL4 2QT area and DL4.', known)).toBe(
      'Police went to [address]. [address] is quiet. The [postcode] area and [postcode].',
    );
  });

  it('reports each change with offsets into the original text', () => {
    const text = 'Mr Smith rang 07700 900123 on 1/2/2024.';
    const { changes } = anonymise(text);
    expect(changes).toEqual([
      { start: 3, end: 8, original: 'Smith', replacement: '[name]', kind: 'name' },
      { start: 14, end: 26, original: '07700 900123', replacement: '[phone]', kind: 'phone' },
      { start: 27, end: 38, original: 'on 1/2/2024', replacement: 'in February 2024', kind: 'date' },
    ]);
    expect(summariseChanges(changes)).toBe('1 name, 1 date, 1 phone number');
  });

  it('parses dates and checks what the record knows', () => {
    expect(parseDate('14/03/2009')).toEqual({ year: 2009, month: 2, day: 14 });
    expect(parseDate('2009-03-14')).toEqual({ year: 2009, month: 2, day: 14 });
    expect(parseDate('14 March 2009')).toEqual({ year: 2009, month: 2, day: 14 });
    expect(parseDate('31/02/2009')).toBeNull();
    expect(checkKnownIdentifiers({ names: ['A B'], nhsNumbers: ['943 476 5919'], dateOfBirth: '', addresses: [] })).toMatchObject(
      {
        ok: true,
      },
    );
    expect(checkKnownIdentifiers({ names: 'A B' })).toMatchObject({ ok: false, field: 'names' });
    expect(checkKnownIdentifiers({ names: ['A', 3] })).toMatchObject({ ok: false, field: 'names[1]' });
    expect(checkKnownIdentifiers({ name: [] })).toMatchObject({ ok: false, field: 'name' });
    expect(checkKnownIdentifiers({ nhsNumbers: ['123'] })).toMatchObject({ ok: false, field: 'nhsNumbers[0]' });
    expect(checkKnownIdentifiers({ dateOfBirth: 'soon' })).toMatchObject({ ok: false, field: 'dateOfBirth' });
    expect(checkKnownIdentifiers([])).toMatchObject({ ok: false });
  });
});
