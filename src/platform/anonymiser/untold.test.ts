import { describe, expect, it } from 'vitest';
import { type Identifier, keptRatio, Narrative, protectedOccurrences, Random, survives } from '../../../test/narratives.ts';
import { anonymise, type KnownIdentifiers } from './anonymiser.ts';

/*
 * What the record was not told: narratives where the record knows only the subject, and everyone else
 * (relatives, friends, teachers, managers), the places they study and work, and their numbers, cars,
 * usernames, ages and streets appear as people write them. The names are invented spellings of names
 * common in England today, of many origins; none is taken from the anonymiser's own lists.
 */

const givenNames = [
  'Jake',
  'Priya',
  'Connor',
  'Amira',
  'Callum',
  'Zainab',
  'Kacper',
  'Niamh',
  'Tyler',
  'Ayesha',
  'Reece',
  'Fatima',
  'Declan',
  'Chantelle',
  'Jayden',
  'Imran',
  'Freya',
  'Tomasz',
  'Kwame',
  'Siobhan',
  'Bilal',
  'Kayleigh',
  'Ewan',
  'Harpreet',
  'Oluwaseun',
  'Wiktoria',
  'Darius',
  'Isla',
  'Arjun',
  'Demi',
  'Lachlan',
  'Nadia',
  'Bradley',
  'Yasmin',
  'Mehmet',
  'Alfie',
  'Gareth',
  'Rhys',
  'Shannon',
  'Tariq',
  'Kieran',
  'Aaliyah',
  'Liam',
  'Hamza',
  'Chloe',
  'Dylan',
  'Sophie',
  'Ethan',
  'Leah',
  'Adebayo',
];
const familyNames = [
  'Hargreaves',
  'Okonkwo',
  'Siddiqui',
  'Kaczmarek',
  'Pemberton',
  'Mahmood',
  'Donnelly',
  'Achterberg',
  'Bhatti',
  'Greenhalgh',
  'Oyelaran',
  'Wozniak',
  'Fitzgerald',
  'Chaudhry',
  'Ramsbottom',
  'Osei',
  'Henderson',
  'Nazir',
  'Kowalczyk',
  'Sutcliffe',
  'Mensah',
  'Gallagher',
  'Hussain',
  'Brennan',
];
const titles = ['Mr', 'Mrs', 'Ms', 'Miss', 'Dr', 'Mx'];
const schools = ['Ashgrove Academy', 'Northfield College', 'Kingsbury High School', 'Moorlands Primary School'];
const workplaces = ['Halden Carpets', 'Brookside Garage', 'Pennine Freight Ltd', 'Castlegate Pharmacy'];
const streets = ['Meadowbank', 'Coronation', 'Larchfield', 'Tanners', 'Gorsey', 'Pinfold'];
const streetKinds = ['Road', 'Street', 'Avenue', 'Lane', 'Close', 'Estate'];
const platforms = ['Discord', 'Telegram', 'TikTok', 'Roblox'];
const handleWords = ['wolf', 'shadow', 'iron', 'ghost', 'storm', 'knight', 'viking', 'saxon'];

const name = (text: string): Identifier => ({ kind: 'name', text, probes: text.split(/\s+/) });

function niNumber(r: Random): string {
  const letters = 'ABCEGHJKLMNPRSTWXYZ';
  const d = r.digits(6);
  const prefix = r.pick([...letters]) + r.pick([...letters]);
  return r.chance(0.5)
    ? `${prefix}${d}${r.pick(['A', 'B', 'C', 'D'])}`
    : `${prefix} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${r.pick(['A', 'B', 'C', 'D'])}`;
}

function registration(r: Random): string {
  const letters = 'ABCDEFGHJKLMNOPRSTUVWXY';
  const l = () => r.pick([...letters]);
  return `${l()}${l()}${r.int(10, 74)} ${l()}${l()}${l()}`;
}

/** One narrative: the record knows the subject; every other identifier in it is untold. */
function generate(seed: number): { narrative: Narrative; known: KnownIdentifiers; untold: Set<Identifier> } {
  const r = new Random(seed);
  const people = r.shuffle([...givenNames]);
  const families = r.shuffle([...familyNames]);
  const subject = `${people[0]} ${families[0]}`;
  const known: KnownIdentifiers = { names: [subject] };
  const untold = new Set<Identifier>();
  const other = (text: string, kind = 'name', probes = text.split(/\s+/)): Identifier => {
    const id: Identifier = { kind, text, probes };
    untold.add(id);
    return id;
  };
  const distinctive = (text: string, kind: string) => other(text, kind, [text.split(' ')[0] ?? '']);
  const friend = other(people[1] ?? '');
  const sibling = other(people[2] ?? '');
  const adult = other(`${people[3]} ${families[1]}`);
  const teacher = other(`${r.pick(titles)} ${families[2]}`, 'name', [families[2] ?? '']);
  const age = r.int(12, 17);
  const n = new Narrative();
  n.say('{} was referred to the Prevent lead by the Designated Safeguarding Lead.', name(subject));
  const sentences: (() => void)[] = [
    () => n.say('{} said {} had shown videos from an Extreme Right Wing channel.', sibling, friend),
    () => n.say('Staff spoke to {} about the messages, and {} agreed to a Channel panel.', friend, sibling),
    () => n.say('The Multi-Agency Safeguarding Hub heard that {} drives him to meetings.', adult),
    () => n.say('His teacher, {}, told the local authority.', teacher),
    () => n.say('{} is {} and lives with {}.', name(people[0] ?? ''), other(String(age), 'age', [String(age)]), sibling),
    () =>
      n.say(
        '{} attends {} and works weekends at {}.',
        friend,
        // The distinctive word: "School" is also in the placeholder "[school]".
        distinctive(r.pick(schools), 'school'),
        distinctive(r.pick(workplaces), 'workplace'),
      ),
    () => n.say('Her National Insurance number is {}.', other(niNumber(r), 'niNumber', [])),
    () => n.say('The hospital number is {} on the patient record.', other(`RX${r.digits(7)}`, 'recordNumber', [])),
    () => n.say('A car, registration {}, was seen outside the house.', other(registration(r), 'vehicle', [])),
    () =>
      n.say(
        'On {} he posts as {}.',
        { kind: 'plain', text: r.pick(platforms), probes: [] },
        other(`${r.pick(handleWords)}_${r.digits(2)}`, 'handle', []),
      ),
    () => n.say('The family now lives on {}.', other(`${r.pick(streets)} ${r.pick(streetKinds)}`, 'address', [])),
    () => n.say('Child and Adolescent Mental Health Services saw {} with {} from the youth club.', name(people[0] ?? ''), adult),
    () => n.say('Counter Terrorism Policing and the Home Office were told; the GP was informed of Islamist material.'),
    () =>
      n.say(
        '{} manager, {}, noticed the change.',
        { kind: 'plain', text: 'Her', probes: [] },
        other(`${people[4]} ${families[3]}`),
      ),
  ];
  for (const s of r.shuffle(sentences).slice(0, r.int(8, sentences.length))) s();
  for (const id of untold) if (id.probes.length === 0) id.probes = [id.text];
  return { narrative: n, known, untold };
}

describe('anonymise: what the record was not told', () => {
  it('removes 99 % of untold identifiers and keeps 95 % of other words, on 300 generated narratives', () => {
    let told = 0;
    let toldRemoved = 0;
    let untoldCount = 0;
    let untoldRemoved = 0;
    let kept = 0;
    let words = 0;
    const left: string[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const { narrative, known, untold } = generate(seed);
      const result = anonymise(narrative.text, known);
      const spans: [number, number][] = [];
      let at = 0;
      for (const s of narrative.segments) {
        const id = s.identifier;
        at += s.text.length;
        if (!id || id.kind === 'plain') continue;
        spans.push([at - s.text.length, at]);
        const gone = id.probes.every((p) => !survives(result.text, p));
        if (untold.has(id)) {
          untoldCount++;
          if (gone) untoldRemoved++;
          else left.push(`${id.kind} "${id.text}"`);
        } else {
          told++;
          if (gone) toldRemoved++;
        }
      }
      const k = keptRatio(narrative.segments, result.changes);
      kept += k.kept;
      words += k.total;
      for (const p of protectedOccurrences(narrative.text)) {
        if (spans.some(([start, end]) => start < p.end && p.start < end)) continue; // "GP" in an NI number
        const hit = result.changes.find((c) => c.start < p.end && p.start < c.end);
        if (hit) left.push(`domain term "${p.term}" replaced`);
      }
    }
    console.log(
      `anonymiser, 300 narratives with untold identifiers: told ${((toldRemoved / told) * 100).toFixed(2)} % removed (${toldRemoved} of ${told}); ` +
        `untold ${((untoldRemoved / untoldCount) * 100).toFixed(2)} % removed (${untoldRemoved} of ${untoldCount}); ` +
        `other words kept ${((kept / words) * 100).toFixed(2)} % (${kept} of ${words})`,
    );
    expect(left.filter((l) => l.startsWith('domain term'))).toEqual([]);
    expect(toldRemoved).toBe(told);
    expect(untoldRemoved / untoldCount, left.slice(0, 40).join('\n')).toBeGreaterThanOrEqual(0.99);
    expect(kept / words).toBeGreaterThanOrEqual(0.95);
  });

  it('finds a bare name it was not told, in any place in a sentence, and keeps the domain’s capitalised words', () => {
    const text =
      'Staff spoke to Jake. Priya said Connor had shared it. The Channel panel, the Multi-Agency Safeguarding Hub, ' +
      'Counter Terrorism Policing, Child and Adolescent Mental Health Services and the Home Office were told. ' +
      'The patient, seen by the GP and the local authority, held Extreme Right Wing and Islamist views; Prevent was involved.';
    const out = anonymise(text).text;
    expect(out).toBe(
      'Staff spoke to [name]. [name] said [name] had shared it. The Channel panel, the Multi-Agency Safeguarding Hub, ' +
        'Counter Terrorism Policing, Child and Adolescent Mental Health Services and the Home Office were told. ' +
        'The patient, seen by the GP and the local authority, held Extreme Right Wing and Islamist views; Prevent was involved.',
    );
  });

  it('removes National Insurance numbers, record numbers, vehicle registrations, usernames, plain ages and streets', () => {
    const out = anonymise(
      'NI number QQ 12 34 56 C; hospital number RX1234567; MRN: 00123456. A blue car, reg LV65 XKD. ' +
        'On Discord he goes by ShadowKnight and posts as wolf_88. Jake is 15. Hamza, 17 years of age, lives on Meadowbank Estate.',
    ).text;
    expect(out).toBe(
      'NI number [NI number]; hospital number [record number]; MRN: [record number]. A blue car, reg [vehicle registration]. ' +
        'On Discord he goes by [name] and posts as [name]. [name] is 13–15. [name], 16–17 years of age, lives on [address].',
    );
  });

  it('keeps faiths, places, countries and platforms that carry the learning', () => {
    const text =
      'He travelled from London to Syria, watched Telegram channels about Islam and ISIS, and attended the mosque in Ramadan.';
    expect(anonymise(text).text).toBe(text);
  });
});
