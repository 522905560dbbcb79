/**
 * The anonymiser's check on free text that leaves an organisation: a case study shared with the
 * learning group, a provider's self-assessment submitted to its ICB, an ICB's contract check read by
 * the provider. Every such text goes through identifiersIn before it is saved or sent, and is refused,
 * naming what was found and where, while it still looks identifying.
 */
import { InputError } from '../errors.ts';
import { anonymise, type Change, type ChangeKind, changeKinds, type KnownIdentifiers } from './anonymiser.ts';

/** In a case study: everything but ages, which are already bands (an age alone identifies no one). */
export const caseTextKinds: ReadonlySet<ChangeKind> = new Set(changeKinds.filter((k) => k !== 'age'));

/**
 * In an organisation's own texts (assurance, contracts): what points at a person. Dates, ages, web
 * addresses and other long numbers are ordinary there (a policy's review date, a contract reference).
 */
export const organisationTextKinds: ReadonlySet<ChangeKind> = new Set<ChangeKind>([
  'name',
  'handle',
  'nhsNumber',
  'dateOfBirth',
  'address',
  'postcode',
  'phone',
  'email',
  'school',
  'niNumber',
  'vehicle',
]);

/** Whether `text` holds `phrase` as whole words, in any case ("Sam" is not in "Samaritans"). */
function containsWord(text: string, phrase: string): boolean {
  const trimmed = phrase.trim();
  if (trimmed.length < 2) return false;
  const escaped = trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

export type IdentifierCheck = {
  /** What the record knows about the person (a case study's subject). */
  known?: KnownIdentifiers;
  /** What an earlier pass took out, and must not be typed back. */
  removed?: readonly Change[];
  kinds?: ReadonlySet<ChangeKind>;
};

/**
 * What in the text still looks identifying: every identifier an earlier pass took out (and a person may
 * have typed back), and whatever a fresh pass with what the record knows would change. Each once.
 */
export function identifiersIn(text: string, check: IdentifierCheck = {}): string[] {
  const { known = {}, removed = [], kinds = organisationTextKinds } = check;
  // Keyed in lower case: "Sam" found twice, once as typed back and once by the fresh pass, is one finding.
  const found = new Map<string, string>();
  const add = (s: string) => found.has(s.toLowerCase()) || found.set(s.toLowerCase(), s);
  for (const c of removed) {
    if (kinds.has(c.kind) && c.original !== c.replacement && containsWord(text, c.original)) add(c.original);
  }
  // Names taken out before are known names now: a first name typed back on its own is found too.
  const removedNames = removed.filter((c) => c.kind === 'name').map((c) => c.original);
  const knownNow = { ...known, names: [...(known.names ?? []), ...removedNames] };
  for (const c of anonymise(text, knownNow).changes) {
    if (kinds.has(c.kind) && c.original !== c.replacement) add(c.original);
  }
  return [...found.values()];
}

/** “Sam”, “LS1 4AB” */
export const quoted = (found: readonly string[]) => found.map((s) => `“${s}”`).join(', ');

/**
 * The organisation's texts that are about to leave it, by form field: a message for each field whose text
 * looks identifying, saying what was found. Empty when every text is clear. `label` starts the message
 * ("The findings").
 */
export function outgoingTextProblems(
  texts: Record<string, { label: string; text: string | null | undefined }>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const [field, { label, text }] of Object.entries(texts)) {
    if (!text) continue;
    const found = identifiersIn(text);
    if (found.length) {
      problems[field] =
        `${label} holds what looks like an identifier: ${quoted(found)}. ` +
        'It will be read outside your organisation: change or remove it (write a role, not a name)';
    }
  }
  return problems;
}

/** Refuses (changing nothing) while any of the texts looks identifying, with outgoingTextProblems' messages. */
export function refuseIdentifyingText(texts: Parameters<typeof outgoingTextProblems>[0]): void {
  const problems = outgoingTextProblems(texts);
  if (Object.keys(problems).length) throw new InputError(problems);
}
