import { describe, expect, it } from 'vitest';
import { hiddenText, type Sum, sharedCount, sharedFigures, sharedPercentage } from './suppression.ts';

type Table = Record<string, number>;
const textsOf = (table: Table, sums: Sum[]) =>
  Object.values(sharedFigures(table, sums))
    .map((s) => s.text)
    .join(' | ');

/**
 * The strongest reader: knows the rule and tries every table that could lie behind what is shown. Groups
 * every possible table by what it shows, and checks that wherever a count is hidden, the tables that look the
 * same hold more than one value for it.
 */
function expectNothingWorkedOut(tables: Table[], sums: Sum[]): number {
  const seen = new Map<string, Table[]>();
  for (const table of tables) {
    const key = textsOf(table, sums);
    seen.set(key, [...(seen.get(key) ?? []), table]);
  }
  let hidden = 0;
  for (const [key, alike] of seen) {
    const first = alike[0] ?? {};
    const shown = sharedFigures(first, sums);
    for (const name of Object.keys(first)) {
      if (shown[name]?.text !== hiddenText) continue;
      hidden++;
      expect(new Set(alike.map((t) => t[name])).size, `${key}: ${name}`).toBeGreaterThan(1);
    }
  }
  return hidden;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('the small-number gate for figures that leave the organisation', () => {
  it('hides 1 to 4, keeps 0, and rounds the rest to the nearest 5', () => {
    expect([0, 1, 4, 5, 7, 8, 12, 13, 240].map((n) => sharedCount(n).text)).toEqual([
      '0',
      hiddenText,
      hiddenText,
      '5',
      '5',
      '10',
      '10',
      '15',
      '240',
    ]);
    expect(sharedCount(3).value).toBeNull();
    expect(() => sharedCount(-1)).toThrow(/whole number/);
    expect(() => sharedCount(2.5)).toThrow(/whole number/);
  });

  it('does not let the total give a hidden count away (the review’s example: 10 in all, 6 and 0 shown)', () => {
    const sums = [{ total: 'total', parts: ['a', 'b', 'c'] }];
    // Before, the total and the other counts were exact: 10 − 6 − 0 = 4.
    const shown = sharedFigures({ total: 10, a: 6, b: 0, c: 4 }, sums);
    expect(Object.values(shown).map((s) => s.text)).toEqual(['not shown', '5', '0', hiddenText]);
    // A count on its own is rounded: 6 is shown as 5, so the rows alone give nothing away either.
    expect(sharedFigures({ a: 6, b: 0, c: 4 }).a.text).toBe('5');
    const tables = range(15).flatMap((a) => range(15).flatMap((b) => range(15).map((c) => ({ total: a + b + c, a, b, c }))));
    expect(expectNothingWorkedOut(tables, sums)).toBeGreaterThan(50);
  });

  it('withholds a total made only of hidden counts that would otherwise give them away (10 from two hidden: both 4)', () => {
    const shown = sharedFigures({ total: 8, a: 4, b: 4, c: 0 }, [{ total: 'total', parts: ['a', 'b', 'c'] }]);
    expect(shown.total.text).toBe('not shown');
    expect(shown.a.text).toBe(hiddenText);
  });

  it('keeps hidden counts hidden in a table of organisations with a total row', () => {
    const sums = [{ total: 'all', parts: ['rz1', 'rz2', 'nz3'] }];
    const tables = range(12).flatMap((rz1) =>
      range(12).flatMap((rz2) => range(12).map((nz3) => ({ all: rz1 + rz2 + nz3, rz1, rz2, nz3 }))),
    );
    expectNothingWorkedOut(tables, sums);
  });

  it('refuses a sum that names a count it was not given', () => {
    expect(() => sharedFigures({ a: 1 }, [{ total: 'a', parts: ['b'] }])).toThrow(/No count called b/);
  });

  it('hides a percentage of a group that is itself too small to show', () => {
    expect(sharedPercentage(50, 4)).toBeNull();
    expect(sharedPercentage(50, 0)).toBeNull();
    expect(sharedPercentage(86, 5)).toBe(86);
  });
});
