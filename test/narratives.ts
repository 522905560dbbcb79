/*
 * Synthetic narratives for the anonymiser's tests: a seeded random source (each run the same), a
 * narrative written from plain text and identifiers, and the checks: whether an identifier survives
 * in the output, how many other words were kept, where the domain terms stand.
 */
import { type Change, protectedTerms } from '../src/platform/anonymiser/anonymiser.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [list[i], list[j]] = [list[j] as T, list[i] as T];
    }
    return list;
  }
}

export type Identifier = { kind: string; text: string; probes: string[]; expectInOutput?: string };
export type Segment = { text: string; identifier?: Identifier };

export class Narrative {
  readonly segments: Segment[] = [];
  /** Writes plain text and {placeholders}, each filled with an identifier. */
  say(template: string, ...identifiers: Identifier[]): void {
    const parts = template.split('{}');
    for (const [i, part] of parts.entries()) {
      if (part) this.segments.push({ text: part });
      const id = identifiers[i];
      if (i < parts.length - 1 && id) this.segments.push({ text: id.text, identifier: id });
    }
    this.segments.push({ text: ' ' });
  }
  get text(): string {
    return this.segments.map((s) => s.text).join('');
  }
}

const joined = /[\p{L}\p{N}_–]/u;

/** Whether a probe still appears in the output as a word of its own (so "15-year-old" is not in "13–15-year-old"). */
export function survives(output: string, probe: string): boolean {
  if (/^\d{9,}$/.test(probe)) {
    // Digits in any spacing: the last nine are enough to find a phone number however its prefix was written.
    const tail = probe.slice(-9);
    return new RegExp(tail.split('').join('[\\s()-]*')).test(output);
  }
  const month = /^(?:January|February|March|April|May|June|July|August|September|October|November|December)$/.test(probe);
  let from = 0;
  const haystack = /\p{Lu}/u.test(probe) && /\p{Ll}/u.test(probe) && !month ? output.toLowerCase() : output;
  const needle = haystack === output ? probe : probe.toLowerCase();
  for (;;) {
    const i = haystack.indexOf(needle, from);
    if (i < 0) return false;
    from = i + 1;
    const before = output.slice(Math.max(0, i - 6), i);
    if (/under-$/.test(before)) continue;
    const after = output[i + needle.length] ?? '';
    if (joined.test(before.slice(-1)) || joined.test(after)) continue;
    // A month-name probe ("May") is allowed in a generalised date ("May 2024").
    if (month && /^ \d{4}/.test(output.slice(i + needle.length))) continue;
    return true;
  }
}

export function keptRatio(segments: Segment[], changes: Change[]): { kept: number; total: number } {
  let at = 0;
  let kept = 0;
  let total = 0;
  for (const s of segments) {
    if (!s.identifier || s.identifier.kind === 'plain') {
      for (const w of s.text.matchAll(/[\p{L}\p{N}&']+/gu)) {
        const start = at + w.index;
        const end = start + w[0].length;
        total++;
        if (!changes.some((c) => c.start < end && start < c.end)) kept++;
      }
    }
    at += s.text.length;
  }
  return { kept, total };
}

const protectedPatterns = protectedTerms.map(
  (term) =>
    [term, new RegExp(`(?<![\\p{L}\\p{N}_])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_])`, 'giu')] as const,
);

export function protectedOccurrences(text: string): { start: number; end: number; term: string }[] {
  const found: { start: number; end: number; term: string }[] = [];
  for (const [term, re] of protectedPatterns) {
    for (const m of text.matchAll(re)) found.push({ start: m.index, end: m.index + m[0].length, term });
  }
  return found;
}
