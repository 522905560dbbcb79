import { type SharedCount, type Sum, sharedFigures, sharedPercentage } from './suppression.ts';

/**
 * Every count a generated document shows (a board report, a page of the CQC evidence pack), named, with the
 * sums between them a reader knows: shown exactly (the organisation's own copy, when chosen) or through the
 * one small-number gate. A section declares its counts and sums before it reads any of them as text.
 */
export class FigureBook {
  private readonly counts: Record<string, number> = {};
  private readonly sums: Sum[] = [];
  private shown: Record<string, SharedCount> | null = null;

  constructor(private readonly exact: boolean) {}

  count(name: string, value: number): string {
    this.counts[name] = value;
    this.shown = null;
    return name;
  }

  sum(total: string, parts: string[]): void {
    this.sums.push({ total, parts });
    this.shown = null;
  }

  text(name: string): string {
    if (!this.shown) {
      this.shown = this.exact
        ? Object.fromEntries(Object.entries(this.counts).map(([k, v]) => [k, { value: v, text: String(v) }]))
        : sharedFigures(this.counts, this.sums);
    }
    const shown = this.shown[name];
    if (!shown) throw new Error(`No count called ${name}`);
    return shown.text;
  }

  exactCopy(): boolean {
    return this.exact;
  }

  value(name: string): number | null {
    this.text(name);
    return this.shown?.[name]?.value ?? null;
  }

  /** A percentage of a group: hidden outside the organisation when the group is small. */
  percent(percent: number | null, groupSize: number): number | null {
    return this.exact ? percent : sharedPercentage(percent, groupSize);
  }
}
