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
 * Pure and deterministic: no network, no clock, no dependencies; its word lists are plain files
 * in words/, read once when it loads. Every change is reported with its offsets in the
 * ORIGINAL text, so that a page can highlight each one side by side. It is a first pass: a person
 * reads, edits and approves the result before anything is shared.
 *
 * finder.ts holds what the detectors share and detectors.ts the detectors; outgoing.ts the check on
 * every free text that leaves an organisation.
 */

import { findIdentifiers } from './detectors.ts';
import { type AnonymiseOptions, type ChangeKind, changeKinds, Finder, type KnownIdentifiers, parseDate } from './finder.ts';

export {
  type AnonymiseOptions,
  ageBand,
  type ChangeKind,
  changeKinds,
  type KnownIdentifiers,
  parseDate,
  placeholders,
} from './finder.ts';
export { protectedTerms } from './vocabulary.ts';

/** start and end are offsets into the original text; original is text.slice(start, end). */
export type Change = { start: number; end: number; original: string; replacement: string; kind: ChangeKind };

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
  niNumber: ['National Insurance number', 'National Insurance numbers'],
  recordNumber: ['record number', 'record numbers'],
  vehicle: ['vehicle registration', 'vehicle registrations'],
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
  findIdentifiers(f, known, options);

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
