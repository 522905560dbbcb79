import type { CaseStatus } from './schema.ts';

/** The case's status machine, as data: which moves exist, and who may make each. */

export const statusNames: Record<CaseStatus, string> = {
  new: 'New',
  triage: 'Triage',
  gathering_information: 'Gathering information',
  decision: 'Decision',
  referred: 'Referred to police Prevent',
  other_route: 'Other safeguarding route',
  no_further_action: 'No further action',
  closed: 'Closed',
};

/**
 * Who moves a case: `worker` is anyone working it (a lead, or a practitioner assigned to it);
 * `lead` is the organisation's Prevent leads only, for the decisions they answer for.
 */
export type Mover = 'worker' | 'lead';

type Move = { to: CaseStatus; by: Mover; label: string };

const moves: Record<CaseStatus, Move[]> = {
  new: [
    { to: 'triage', by: 'worker', label: 'Start triage' },
    { to: 'no_further_action', by: 'lead', label: 'No further action' },
  ],
  triage: [
    { to: 'gathering_information', by: 'worker', label: 'Gather information' },
    { to: 'other_route', by: 'lead', label: 'Other safeguarding route' },
    { to: 'no_further_action', by: 'lead', label: 'No further action' },
  ],
  gathering_information: [
    { to: 'decision', by: 'worker', label: 'Ready for a decision' },
    { to: 'triage', by: 'worker', label: 'Back to triage' },
  ],
  // 'referred' is reached by recording the referral itself (the referrals module), not by a bare move.
  decision: [
    { to: 'gathering_information', by: 'worker', label: 'Gather more information' },
    { to: 'other_route', by: 'lead', label: 'Other safeguarding route' },
    { to: 'no_further_action', by: 'lead', label: 'No further action' },
  ],
  referred: [{ to: 'closed', by: 'lead', label: 'Close the case' }],
  other_route: [{ to: 'closed', by: 'lead', label: 'Close the case' }],
  no_further_action: [{ to: 'closed', by: 'lead', label: 'Close the case' }],
  closed: [{ to: 'triage', by: 'lead', label: 'Reopen the case' }],
};

/** The moves open from a status to someone who is (or is not) a lead. */
export function movesFrom(status: CaseStatus, isLead: boolean): Move[] {
  return moves[status].filter((m) => m.by === 'worker' || isLead);
}

export type MoveCheck = { ok: true } | { ok: false; reason: string };

export function checkMove(from: CaseStatus, to: CaseStatus, isLead: boolean): MoveCheck {
  const move = moves[from].find((m) => m.to === to);
  if (!move) {
    const open = moves[from].map((m) => statusNames[m.to]).join(', ');
    return { ok: false, reason: `A case in ${statusNames[from]} cannot move to ${statusNames[to]}. It can move to: ${open}` };
  }
  if (move.by === 'lead' && !isLead) {
    return { ok: false, reason: `Only a Prevent lead can move a case to ${statusNames[to]}` };
  }
  return { ok: true };
}

/** The case is open while it is being worked; once an outcome is reached, only closing is left. */
export const openStatuses: readonly CaseStatus[] = ['new', 'triage', 'gathering_information', 'decision'];

export const closureReasons = {
  channel_support_completed: 'Channel support completed',
  police_managed: 'Managed by police; no further health action',
  other_route_completed: 'Passed to another safeguarding route',
  no_concern_found: 'No Prevent concern after triage',
  person_moved: 'The person moved away or was transferred',
  duplicate: 'Duplicate of another case',
  other: 'Other (say why)',
} as const;
export type ClosureReason = keyof typeof closureReasons;
