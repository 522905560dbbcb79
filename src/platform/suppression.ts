/**
 * The one gate for figures that leave the organisation (a commissioner's, a region's, a shared report's):
 * small counts could point to a person. The NHS's usual practice for figures about people: a count of 1 to
 * 4 is not shown, and every other count is rounded to the nearest 5, totals included, so that subtracting the
 * shown cells from an exact total no longer gives a hidden one away (10 in all, 6 and 0 shown: the hidden one
 * was 4). A total over a hidden count is withheld as well (see sharedFigures).
 */

/** Counts from 1 to this less one are not shown. */
export const smallNumberLimit = 5;
/** Every count shown is a multiple of this. */
export const roundingBase = 5;

export const hiddenText = `fewer than ${smallNumberLimit}`;
export const withheldText = 'not shown';

/** A count as shown outside the organisation: `value` is null where it is hidden or withheld. */
export type SharedCount = { value: number | null; text: string };

/** A count on its own as it may leave the organisation: 0 as 0, 1 to 4 hidden, anything else to the nearest 5. */
export function sharedCount(count: number): SharedCount {
  if (!Number.isInteger(count) || count < 0) throw new Error(`A count is a whole number, 0 or more (not ${count})`);
  if (count === 0) return { value: 0, text: '0' };
  if (count < smallNumberLimit) return { value: null, text: hiddenText };
  const rounded = Math.round(count / roundingBase) * roundingBase;
  return { value: rounded, text: String(rounded) };
}

/** A sum the reader knows holds: `total` is the sum of `parts` (names of counts in the same figures). */
export type Sum = { total: string; parts: string[] };

const withheld: SharedCount = { value: null, text: withheldText };

/**
 * Figures that leave the organisation, with the sums between them that a reader knows (a total and its rows;
 * the same total split two ways). Every count goes through sharedCount; then a total with a part that is not
 * shown is withheld too: rounding alone leaves corners where it would give the part away (10 in all from two
 * hidden counts and a 0: both are 4). A withheld total that is itself part of a sum withholds that sum's total.
 */
export function sharedFigures<K extends string>(counts: Record<K, number>, sums: readonly Sum[] = []): Record<K, SharedCount> {
  const names = Object.keys(counts) as K[];
  const shown = new Map<string, SharedCount>(names.map((name) => [name, sharedCount(counts[name])]));
  for (const sum of sums) {
    for (const name of [sum.total, ...sum.parts]) if (!shown.has(name)) throw new Error(`No count called ${name}`);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const sum of sums) {
      const total = shown.get(sum.total);
      if (total?.value === null || total?.value === undefined) continue;
      if (sum.parts.some((part) => shown.get(part)?.value === null)) {
        shown.set(sum.total, withheld);
        changed = true;
      }
    }
  }
  return Object.fromEntries(names.map((name) => [name, shown.get(name) ?? withheld])) as Record<K, SharedCount>;
}

/**
 * A percentage of a group shared outside the organisation: hidden when the group itself would be, since
 * "50 % of fewer than 5" points to people as surely as the count does.
 */
export function sharedPercentage(percent: number | null, groupSize: number): number | null {
  return groupSize < smallNumberLimit ? null : percent;
}

/** What a page says once about the figures it shows: the reader must know they are rounded. */
export const suppressionNote = `Small numbers could identify a person, so a count from 1 to ${smallNumberLimit - 1} is shown as “${hiddenText}”, every other count is rounded to the nearest ${roundingBase}, and a total that includes a hidden count is “${withheldText}”. Totals are rounded on their own, so they may not equal the sum of the rows.`;
