/*
 * A case's chronology: what happened to it, in order, and who looked at it. Views come from the audit trail
 * (every read is kept there) and are summarised here, so that reloading a page is not a new line.
 */
import { unseal } from '../../platform/encryption.ts';
import * as audit from '../audit/service.ts';
import type { OpenCase } from './access.ts';
import * as repository from './repository.ts';

export type ChronologyEntry = { at: Date; who: string; kind: string; summary: string; detail: string | null };
export type CaseView = { at: Date; who: string; page: string };
/** What happened to the case, in order; and who looked at it, summarised (every read stays in the audit trail). */
export type Chronology = { events: ChronologyEntry[]; views: CaseView[]; viewers: number };

/** The same person loading the same page again within this long (a reload, a form sent back) is one view. */
export const sameViewMinutes = 5;

/** Views in time order, each run of one person's reloads of one page within sameViewMinutes counted once. */
export function collapseViews(views: readonly CaseView[]): CaseView[] {
  const lastSeen = new Map<string, number>();
  const kept: CaseView[] = [];
  for (const view of [...views].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const key = `${view.who}\u0000${view.page}`;
    const previous = lastSeen.get(key);
    lastSeen.set(key, view.at.getTime());
    if (previous !== undefined && view.at.getTime() - previous <= sameViewMinutes * 60_000) continue;
    kept.push(view);
  }
  return kept;
}

export async function chronologyOf(open: OpenCase): Promise<Chronology> {
  const events = await repository.eventsOf(open.tx, open.case.orgId, open.case.id);
  const viewed = await audit.search(
    open.tx,
    { orgId: open.case.orgId, action: 'concern.viewed', recordId: open.case.id },
    5_000,
    0,
  );
  const views = collapseViews(
    viewed.map((v) => ({
      at: v.occurredAt,
      who: v.actorLabel.replace(/ <[^>]*>$/, ''),
      page: String(v.details.page ?? 'case'),
    })),
  );
  return {
    events: events
      .map((e) => ({
        at: e.occurredAt,
        who: e.actorLabel,
        kind: e.kind,
        summary: e.summary,
        detail: unseal(e.detailSealed),
      }))
      .sort((a, b) => a.at.getTime() - b.at.getTime()),
    views,
    viewers: new Set(views.map((v) => v.who)).size,
  };
}
