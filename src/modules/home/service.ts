import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { ModuleManifest } from '../../platform/modules.ts';

/*
 * The home page's "Needs attention" list, and what it shows to people with nothing to act on. The home
 * module owns both, and every module listed after it contributes its own through its manifest, as the
 * daily reminders and the case page's sections are gathered: the home page never reads another module.
 */

/** How pressing a line is, most pressing first: past its date, due now or soon, new work waiting to be picked up. */
export const urgencies = ['overdue', 'due', 'new'] as const;
export type Urgency = (typeof urgencies)[number];

export const urgencyNames: Record<Urgency, string> = { overdue: 'Overdue', due: 'Due', new: 'New' };

/** One line of the list: what needs doing, said in words, and the page to do it on. */
export type AttentionItem = {
  /** What, and how many or when, as a sentence: "2 new concerns to triage, the oldest raised on 1 December 2026". */
  text: string;
  /** The page where the person acts on it (a list filtered to these, or the one record when there is one). */
  href: string;
  urgency: Urgency;
  /** YYYY-MM-DD: the date that makes it pressing (the earliest due date, or when the oldest came in). Earlier first. */
  date?: string;
  /** How many records the line stands for, when it counts them (new concerns, overdue items, staff to train). */
  count?: number;
};

/**
 * A module's part of the list, for the person signed in, acting for their active organisation, on `today`.
 * It returns null when the person holds no permission to act on what it would list (so it is not theirs
 * to see, and a person for whom every source returns null sees the staff home page instead), and an empty
 * list when they may act but nothing is due. It reads through its own module's service, in the person's
 * scope, and returns counts and references only: never a person's name or anything about a case's subject.
 */
export type AttentionSource = (db: Db, ctx: RequestContext, today: string) => Promise<AttentionItem[] | null>;

/** A section of the home page for people with nothing to act on (members of staff): who to turn to, and how. */
export type HomeSection = { template: string; data: Record<string, unknown> };
export type HomeSectionSource = (db: Db, ctx: RequestContext, today: string) => Promise<HomeSection | null>;

declare module '../../platform/modules.ts' {
  interface ModuleManifest {
    /** The module's lines of the home page's "Needs attention" list (see AttentionSource). */
    attention?: AttentionSource;
    /** The module's section of the staff home page, shown to a person with no "Needs attention" list; null to add none. */
    staffHomeSection?: HomeSectionSource;
  }
}

const rank = (urgency: Urgency) => urgencies.indexOf(urgency);

/** Most pressing first: overdue, due, then new; within each the earliest date first (undated last), then module order. */
export function sortAttention(items: readonly AttentionItem[]): AttentionItem[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        rank(a.item.urgency) - rank(b.item.urgency) ||
        (a.item.date ?? '9999-12-31').localeCompare(b.item.date ?? '9999-12-31') ||
        a.index - b.index,
    )
    .map(({ item }) => item);
}

/**
 * Every module's lines for the person, sorted (lines that tie keep the order of the modules), or null when
 * no module has anything this person may act on. The sources are asked at once: each is a short unit of
 * work of its own that takes no second connection while it holds one, and asked one after another they
 * made the page wait for each round trip in turn (about 1.7 times as long in the benchmark).
 */
export async function attentionFor(
  modules: readonly ModuleManifest[],
  db: Db,
  ctx: RequestContext,
  today: string,
): Promise<AttentionItem[] | null> {
  const found = await Promise.all(modules.map((module) => (module.attention ? module.attention(db, ctx, today) : null)));
  const applying = found.filter((items): items is AttentionItem[] => items !== null);
  return applying.length > 0 ? sortAttention(applying.flat()) : null;
}

/** The sections of the staff home page, in the order of the modules. */
export async function staffSectionsFor(
  modules: readonly ModuleManifest[],
  db: Db,
  ctx: RequestContext,
  today: string,
): Promise<HomeSection[]> {
  const sections: HomeSection[] = [];
  for (const module of modules) {
    const section = module.staffHomeSection ? await module.staffHomeSection(db, ctx, today) : null;
    if (section) sections.push(section);
  }
  return sections;
}

/** "1 item" or "3 items": a count and its noun, for the lines' words. */
export const counted = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
