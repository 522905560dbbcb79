import { describe, expect, it } from 'vitest';
import { caseTextKinds, identifiersIn, outgoingTextProblems } from './outgoing.ts';

describe('the check on text that leaves an organisation', () => {
  it('in a case study: finds identifiers typed back in, as whole words only', () => {
    const removed = [{ start: 0, end: 3, original: 'Sam', replacement: '[name]', kind: 'name' as const }];
    const asCase = (text: string, r = removed) => identifiersIn(text, { removed: r, kinds: caseTextKinds });
    expect(asCase('Referred to the Samaritans.')).toEqual([]);
    expect(asCase('Then sam called.')).toEqual(['Sam']);
    expect(asCase('Call 07700 900123.', [])).toEqual(['07700 900123']);
    // The anonymiser's own output is not held back: placeholders, months and age bands pass.
    expect(asCase('[name], aged 16–17, was seen in March 2026 at [school].', [])).toEqual([]);
  });

  it('in an organisation’s own text: what points at a person, not dates, references or web addresses', () => {
    expect(
      identifiersIn('Policy reviewed on 12 March 2026; contract NHS-2025-00412; see https://intranet.example/prevent.'),
    ).toEqual([]);
    expect(identifiersIn('Dr Morgan Hale will update it. NHS number 943 476 5919, LS1 4AB, 0113 496 0000.')).toEqual([
      'Morgan Hale',
      '943 476 5919',
      'LS1 4AB',
      '0113 496 0000',
    ]);
  });

  it('names each field that looks identifying and what is in it, and passes clear and empty fields', () => {
    const problems = outgoingTextProblems({
      findings: { label: 'The findings', text: 'Seen with her brother Ali at 12 Acacia Avenue.' },
      note: { label: 'The note', text: 'Training is at 86 % for level 3.' },
      empty: { label: 'Nothing', text: null },
    });
    expect(Object.keys(problems)).toEqual(['findings']);
    expect(problems.findings).toMatch(/^The findings holds what looks like an identifier: “Ali”, “12 Acacia Avenue”\. /);
    expect(problems.findings).toContain('will be read outside your organisation');
  });
});
