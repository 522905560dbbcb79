import fs from 'node:fs';
import { createRequire } from 'node:module';
import wordListPath from 'word-list';
import { ageBand, CAP, type Finder, NA, NB, rank } from './finder.ts';
import { namesAlsoWords } from './vocabulary.ts';

/*
 * Identifiers the record was not told about, found by what they are rather than by what the case holds:
 * people's names from a list of given names and surnames, National Insurance numbers, hospital and other
 * record numbers, vehicle registrations, usernames, ages said plainly and the street someone lives on.
 *
 * The names are the humannames list (about 200,000 given names and surnames from censuses and social
 * media, in many languages) less every word in an English dictionary (word-list, from SCOWL): "Jake" and
 * "Priya" are names, "Will" and "Mark" are words that may be names, left to their context (a title, a
 * family word, a name beside them). words/names-also-words.txt puts back the common names that the
 * dictionary also holds ("Kyle", "Ruby"), and words/not-names.txt keeps faiths, places and the like.
 */

let personalNames: Set<string> | undefined;

/** The name list less the dictionary, lower case; read the first time a text is anonymised (about 0.2 s). */
function namesList(): Set<string> {
  if (personalNames) return personalNames;
  const require = createRequire(import.meta.url);
  const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n');
  const english = new Set(lines(wordListPath));
  const names = new Set<string>();
  for (const line of lines(require.resolve('humannames/list.txt'))) {
    const lower = line.trim().toLowerCase();
    if (lower.length >= 2 && !english.has(lower)) names.add(lower);
  }
  for (const name of namesAlsoWords) names.add(name);
  personalNames = names;
  return names;
}

/** Whether a capitalised word is someone's name by the list: "Jake", "Okonkwo", "O'Neill", "Smith-Jones". */
export function isListedName(word: string): boolean {
  if (word.length < 2 || word === word.toUpperCase()) return false; // acronyms: CAMHS, ISIS
  const names = namesList();
  const lower = word.toLowerCase().replace(/’/g, "'");
  if (names.has(lower)) return true;
  const parts = lower.split('-');
  return parts.length > 1 && parts.every((p) => names.has(p));
}

const capitalisedWord = new RegExp(`${NB}${CAP}${NA}`, 'gu');

function findNamesFromList(f: Finder): void {
  for (const m of f.text.matchAll(capitalisedWord)) {
    const word = m[0].replace(/['’]s$/, '');
    if (!isListedName(word) || !f.nameLike(word, m.index)) continue;
    // A surname after the given name: "Sarah Jenkins".
    const end = f.nameRun(m.index, 3) ?? m.index + word.length;
    f.add(m.index, end, 'name', rank.guessedName, true);
  }
}

function findNiNumbers(f: Finder): void {
  // Any two letters, as people copy them (the QQ of HMRC's examples too), six digits and A to D.
  const re = /(?<![\p{L}\p{N}])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\p{L}\p{N}])/giu;
  for (const m of f.text.matchAll(re)) {
    f.add(m.index, m.index + m[0].length, 'niNumber', rank.nhs, false);
  }
}

const RECORD_CUE =
  '(?:hospital|patient|unit|case|client|record|medical record|PAS|MRN|RiO|SystmOne|EMIS|crime|incident|reference|ref|police|CAD|log|ID|student|pupil|UPN|staff|employee|payroll|passport|driving licen[cs]e|Home Office|HO)';

// After words that say what it is: "hospital number K123456", "MRN: 00123456", "crime ref 14/55123/24".
const cuedRecordNumber = new RegExp(
  `${NB}${RECORD_CUE}\\s*(?:number|no\\.?|num|#|reference|ref\\.?)?\\s*(?:is|was|:|=|of)?\\s*([A-Z0-9][A-Z0-9/-]*\\d[A-Z0-9/-]*)${NA}`,
  'giu',
);

function findRecordNumbers(f: Finder): void {
  for (const m of f.text.matchAll(cuedRecordNumber)) {
    const id = (m[1] ?? '').replace(/[/-]+$/, '');
    const digits = id.replace(/\D/g, '').length;
    if (digits < 4 || /^(?:19|20)\d{2}$/.test(id)) continue;
    const start = m.index + m[0].length - (m[1] ?? '').length;
    f.add(start, start + id.length, 'recordNumber', rank.number + 1, false);
  }
  // Letters then six or more digits, as hospital numbers are written: "RX1234567", "K0123456".
  for (const m of f.text.matchAll(/(?<![\p{L}\p{N}/-])\p{Lu}{1,4}\/?\d{6,}(?![\p{L}\p{N}])/gu)) {
    f.add(m.index, m.index + m[0].length, 'recordNumber', rank.number + 1, false);
  }
}

function findVehicleRegistrations(f: Finder): void {
  const forms = [
    /(?<![\p{L}\p{N}])[A-Z]{2}\d{2} ?[A-Z]{3}(?![\p{L}\p{N}])/gu, // since 2001: AB12 CDE
    /(?<![\p{L}\p{N}])[A-HJ-NP-Y]\d{1,3} ?[A-Z]{3}(?![\p{L}\p{N}])/gu, // 1983–2001: P123 ABC
    /(?<![\p{L}\p{N}])[A-Z]{3} ?\d{1,3}[A-HJ-NP-Y](?![\p{L}\p{N}])/gu, // 1963–1983: ABC 123P
  ];
  for (const re of forms) {
    for (const m of f.text.matchAll(re)) f.add(m.index, m.index + m[0].length, 'vehicle', rank.postcode, false);
  }
  const cued =
    /\b(?:reg(?:istration)?(?:\s+(?:number|no\.?|plate))?|number plate|plate)\s*(?:is|was|:)?\s*([A-Z0-9]{2,4} ?[A-Z0-9]{3})(?![\p{L}\p{N}])/giu;
  for (const m of f.text.matchAll(cued)) {
    const start = m.index + m[0].length - (m[1] ?? '').length;
    if (/\d/.test(m[1] ?? '')) f.add(start, m.index + m[0].length, 'vehicle', rank.postcode, false);
  }
}

/** Nouns for a username: what follows is one when a linking word or quote says so, or it looks like one. */
const USERNAME_NOUN =
  '(?:username|user name|handle|gamertag|gamer tag|screen name|account name|profile name|online name|display name|channel name|server name|(?:Discord|Telegram|TikTok|Instagram|Snapchat|Roblox|Reddit|X|Twitter|YouTube|Xbox|PlayStation|PSN|Steam) (?:name|account|handle|username|ID|tag))';
/** Phrases that end by naming: what follows is the name used. */
const USERNAME_VERB =
  '(?:goes by|posts as|posting as|posted as|plays as|playing as|known online as|calls (?:himself|herself|themselves)|called (?:himself|herself|themselves))';

/** Looks like a username rather than a word: has a digit or an underscore, or capitals inside ("ShadowWolf"). */
const usernameShaped = (token: string) =>
  token.length >= 3 && (/[\d_]/.test(token) || /\p{Ll}\p{Lu}/u.test(token)) && /\p{L}/u.test(token);

const cuedUsername = new RegExp(
  `${NB}(?:${USERNAME_NOUN}${NA}\\s*(is|was|:|as|called|of)?|(${USERNAME_VERB}))\\s*(["“‘'])?([\\p{L}\\p{N}_.]+)`,
  'giu',
);

function findUsernames(f: Finder): void {
  for (const m of f.text.matchAll(cuedUsername)) {
    const token = (m[4] ?? '').replace(/[.]+$/, '');
    if (token === '' || /^(?:the|a|an|his|her|their|on|in|it|that|this|to|and|or)$/i.test(token)) continue;
    // "his username is ShadowKnight", "goes by 'Reaper'"; a bare noun only before what looks like a username.
    if (!m[1] && !m[2] && !m[3] && !usernameShaped(token)) continue;
    const start = m.index + m[0].length - (m[4] ?? '').length;
    f.add(start, start + token.length, 'handle', rank.handle, true);
  }
  // Anywhere: wolfpack_88, xX_Shadow_Xx, Ghost1488.
  for (const m of f.text.matchAll(/(?<![\p{L}\p{N}_@./-])[\p{L}\p{N}]*(?:_[\p{L}\p{N}_]*|\p{L}{3,}\d{2,})(?![\p{L}\p{N}_])/gu)) {
    if (usernameShaped(m[0]) && !/^(?:covid|sars|mp|ks|y)\d+$/i.test(m[0]))
      f.add(m.index, m.index + m[0].length, 'handle', rank.handle, true);
  }
}

function findPlainAges(f: Finder): void {
  const forms = [
    // "Jake is 15.", "now 16 and", "was 17,"
    /(?<=\b(?:is|was|now|just|turned|turns|aged)\s)(\d{1,2})(?=\s*(?:[.,;)]|and\b|but\b|$))/gmu,
    // "15 years of age", "at the age of 15", "age of 15"
    /\b(\d{1,3})(?=\s+years?\s+of\s+age\b)/gu,
    /(?<=\bage\s+of\s+)(\d{1,3})\b/giu,
    // "Kacper Nowak, 19, drove": a number set off by commas straight after a name.
    /(?<=\p{Lu}[\p{L}'’-]+,\s)(\d{1,2})(?=,)/gu,
  ];
  for (const re of forms) {
    for (const m of f.text.matchAll(re)) {
      const age = Number(m[1]);
      if (age > 0 && age <= 110) f.add(m.index, m.index + m[0].length, 'age', rank.age, false, ageBand(age));
    }
  }
}

const STREET_WORDS =
  'Street|St|Road|Rd|Avenue|Ave|Lane|Drive|Close|Crescent|Terrace|Grove|Gardens|Mews|Court|Place|Way|Walk|Square|Row|Hill|Park|Parade|Rise|View|Green|Vale|Estate|Flats|House';

/** Where someone lives or was seen: "lives on Meadowbank Estate", "hangs out near Pinfold Park". */
const streetAfterCue = new RegExp(
  `\\b(?:lives?|living|lived|stays?|staying|stayed|moved|moving|resides?|residing|residence|address|home|flat|house|found|seen|spotted|hangs? out|hanging (?:out|around)|near|outside|behind|off)\\s+(?:on|in|at|to|off|near|around|is|was|of)?\\s*(?:the\\s+)?((?:${CAP}\\s+){1,3}(?:${STREET_WORDS}))${NA}`,
  'gu',
);
/** After "on", "off" or "along": "on Shaw Heath", "off Tanyard Lane". */
const streetAfterOn = new RegExp(
  `\\b(?:on|off|along|down|up)\\s+((?:${CAP}\\s+){1,3}(?:${STREET_WORDS}|Heath|Moor|Common|Brow|Top|Fold|Side|Bridge))${NA}`,
  'gu',
);

/** Streets named without a house number. */
function findUnnumberedStreets(f: Finder): void {
  for (const re of [streetAfterCue, streetAfterOn]) {
    for (const m of f.text.matchAll(re)) {
      const street = m[1] ?? '';
      const start = m.index + m[0].length - street.length;
      if (f.nameLike(street.split(/\s+/)[0] ?? '', start, true))
        f.add(start, start + street.length, 'address', rank.address, true);
    }
  }
}

/** Runs the detectors of what the record was not told. Names last: they build on what the others found. */
export function findUntoldIdentifiers(f: Finder): void {
  findNiNumbers(f);
  findRecordNumbers(f);
  findVehicleRegistrations(f);
  findUsernames(f);
  findPlainAges(f);
  findUnnumberedStreets(f);
  findNamesFromList(f);
}
