import { z } from 'zod';
import type { Database, Db, Executor } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addMonths, addWorkingDays, isRealDate, todayInLondon } from '../../platform/dates.ts';
import type { ReportDocument } from '../../platform/documents/document.ts';
import { seal, unseal, unsealOrPlain } from '../../platform/encryption.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import { preventLeadRoles } from '../../platform/permissions.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import {
  addEvent,
  applyMove,
  auditChange,
  casesStillOpen,
  type OpenCase,
  requireLead,
  requireNotErased,
  settingsFor,
  statusNames,
  withCase,
  withLeadCases,
} from '../concerns/service.ts';
import type { Reminder } from '../notifications/service.ts';
import { protocolOf, sharedWith } from '../sharing/service.ts';
import { referralMade } from './events.ts';
import { personRows, referralDocumentOf, standingPoliceDecision, startingValues } from './referral-form.ts';
import * as repository from './repository.ts';
import type { FollowUpKind } from './schema.ts';

// ---- the words ----

export const sentHows = ['secure_email', 'online_form', 'phone', 'in_person', 'other'] as const;
export type SentHow = (typeof sentHows)[number];
export const sentHowNames: Record<SentHow, string> = {
  secure_email: 'Secure e-mail',
  online_form: 'Online referral form',
  phone: 'Phone',
  in_person: 'In person',
  other: 'Another way',
};

export const pathways = ['channel_panel', 'police_managed', 'no_further_action', 'other_agency'] as const;
export type Pathway = (typeof pathways)[number];
export const pathwayNames: Record<Pathway, string> = {
  channel_panel: 'Taken to a Channel panel',
  police_managed: 'Managed by police (Prevent case management)',
  no_further_action: 'No further action by police',
  other_agency: 'Passed to another agency',
};

export const followUpNames: Record<FollowUpKind, string> = {
  police_feedback: 'Police initial assessment feedback',
  channel_review_6_months: 'Channel review at 6 months',
  channel_review_12_months: 'Channel review at 12 months',
};

/** What the reminder asks the leads to do: no more than the case reference goes with it. */
const followUpActions: Record<FollowUpKind, string> = {
  police_feedback: 'chase police Prevent for initial assessment feedback',
  channel_review_6_months: 'review the Channel support at 6 months',
  channel_review_12_months: 'review the Channel support at 12 months',
};

/** Where a lead records the decision to share with police Prevent (the sharing module's form). */
export const sharingDecisionLink = (caseId: string) => `/concerns/${caseId}/decisions/new`;

export const notAtDecision = 'Move the case to Decision before referring';
export const noSharingDecision =
  'Record a decision to share information with police Prevent before referring: the referral discloses to police';

// ---- fields ----

const requiredText = (message: string, label: string, max: number) =>
  z.preprocess(blankToUndefined, z.string({ error: message }).max(max, `${label} must be ${max} characters or fewer`));

const optionalText = (label: string, max: number) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const optionalDay = (message: string) => z.preprocess(blankToUndefined, z.string().refine(isRealDate, message).optional());

const referralFields = z.object({
  concern: requiredText('Enter the concern: what you are referring and why', 'The concern', 20_000),
  complexNeeds: optionalText('Complex needs', 5_000),
  otherAgencies: optionalText('Other agencies involved', 5_000),
  otherInformation: optionalText('Other information', 10_000),
  referredOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date you referred' }).refine(isRealDate, 'Enter a real date referred'),
  ),
  policeReference: optionalText('The police reference', 100),
  sentHow: z.enum(sentHows, { error: 'Choose how the referral was sent' }),
});

const outcomeFields = z.object({
  policeReference: optionalText('The police reference', 100),
  pathway: z.preprocess(blankToUndefined, z.enum(pathways, { error: 'Choose what police Prevent decided' }).optional()),
  pathwayOn: optionalDay('Enter a real date for the decision'),
  outcome: optionalText('The outcome', 10_000),
  feedbackReceivedOn: optionalDay('Enter a real date the feedback was received'),
  feedback: optionalText('The feedback', 10_000),
  channelContribution: optionalText('Your contribution to Channel', 10_000),
});

// ---- referring ----

/** Why the case cannot be referred now, by the field the page shows it against; empty when it can. */
async function referralBlockers(open: OpenCase): Promise<Record<string, string>> {
  if (open.case.status !== 'decision') return { status: notAtDecision };
  if (!(await sharedWith(open, 'police_prevent'))) return { sharing: noSharingDecision };
  return {};
}

/**
 * The referral form: only a lead, only for a case that can be referred. It starts from what the case
 * holds (the account, the checks, the decision to share) and shows the person as the case has them.
 */
export async function referralForm(db: Db, ctx: RequestContext, caseId: string, now = new Date()) {
  return withCase(db, ctx, caseId, 'referral form', async (open) => {
    requireLead(open, 'refer a case to police Prevent');
    requireNotErased(open);
    const blockers = await referralBlockers(open);
    return {
      case: open.case,
      blockers,
      person: personRows(open.case),
      starting: Object.keys(blockers).length ? {} : await startingValues(open, now),
    };
  });
}

/** The referral as recorded, as the national Prevent referral form: for a lead to send to police Prevent. */
export async function referralDocument(
  db: Db,
  ctx: RequestContext,
  caseId: string,
  referralId: string,
): Promise<{ document: ReportDocument; reference: string }> {
  return withCase(db, ctx, caseId, 'referral form document', async (open) => {
    requireLead(open, 'download a referral form');
    requireNotErased(open);
    const referral = viewOf(await openReferral(open, referralId));
    const decision = standingPoliceDecision((await protocolOf(open)).decisions);
    const referrer = { organisation: ctx.user.activeOrg.name, name: ctx.user.displayName, email: ctx.user.email };
    return { document: referralDocumentOf(open.case, referral, decision, referrer), reference: open.case.reference };
  });
}

/**
 * Records the referral to police Prevent and moves the case to Referred, in one transaction:
 * the information sharing protocol requires a recorded decision to share with police first.
 * Police feedback on their initial assessment is then chased after the organisation's working days.
 */
export async function refer(db: Db, ctx: RequestContext, caseId: string, input: unknown, now = new Date()): Promise<string> {
  const fields = parseInput(referralFields, input);
  if (fields.referredOn > todayInLondon(now))
    throw new InputError({ referredOn: 'The date referred must be today or in the past' });
  return withCase(db, ctx, caseId, null, async (open) => {
    requireLead(open, 'refer a case to police Prevent');
    requireNotErased(open);
    const blockers = await referralBlockers(open);
    if (Object.keys(blockers).length) throw new InputError(blockers);
    const { orgId, id } = open.case;
    const referral = await repository.insertReferral(open.tx, {
      orgId,
      caseId: id,
      referredOn: fields.referredOn,
      policeReference: seal(fields.policeReference),
      sentHow: fields.sentHow,
      concernSealed: seal(fields.concern),
      complexNeedsSealed: seal(fields.complexNeeds),
      otherAgenciesSealed: seal(fields.otherAgencies),
      otherInformationSealed: seal(fields.otherInformation),
      recordedBy: ctx.user.id,
      recordedAt: now,
      updatedAt: now,
    });
    await applyMove(open, 'referred', 'Referred to police Prevent', now);
    // In this transaction: every referral starts its lessons learned review, or is not made.
    await emit(referralMade, { open, referralId: referral.id, referredOn: fields.referredOn });
    const settings = await settingsFor(open.tx, orgId);
    const feedbackDue = addWorkingDays(fields.referredOn, settings.policeFeedbackWorkingDays);
    await repository.insertFollowUp(open.tx, { orgId, caseId: id, kind: 'police_feedback', dueOn: feedbackDue });
    await addEvent(
      open,
      'referral',
      `Referred to police Prevent on ${fields.referredOn} (${sentHowNames[fields.sentHow].toLowerCase()}); police feedback due ${feedbackDue}`,
      referralDetail(fields),
      now,
    );
    await auditChange(open, 'concern.referred', { sentHow: fields.sentHow, referredOn: fields.referredOn });
    return referral.id;
  });
}

/** The referral as sent, for the chronology (sealed there). */
function referralDetail(fields: z.infer<typeof referralFields>): string {
  return [
    `The concern: ${fields.concern}`,
    fields.complexNeeds && `Complex needs: ${fields.complexNeeds}`,
    fields.otherAgencies && `Other agencies involved: ${fields.otherAgencies}`,
    fields.otherInformation && `Other information: ${fields.otherInformation}`,
    fields.policeReference && `Police reference: ${fields.policeReference}`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

// ---- the outcome ----

export type ReferralView = {
  id: string;
  referredOn: string;
  policeReference: string | null;
  sentHow: string;
  sentHowName: string;
  concern: string | null;
  complexNeeds: string | null;
  otherAgencies: string | null;
  otherInformation: string | null;
  pathway: string | null;
  pathwayName: string | null;
  pathwayOn: string | null;
  outcome: string | null;
  feedbackReceivedOn: string | null;
  feedback: string | null;
  channelContribution: string | null;
};

function viewOf(row: repository.ReferralRow): ReferralView {
  return {
    id: row.id,
    referredOn: row.referredOn,
    policeReference: unsealOrPlain(row.policeReference),
    sentHow: row.sentHow,
    sentHowName: sentHowNames[row.sentHow as SentHow] ?? row.sentHow,
    concern: unseal(row.concernSealed),
    complexNeeds: unseal(row.complexNeedsSealed),
    otherAgencies: unseal(row.otherAgenciesSealed),
    otherInformation: unseal(row.otherInformationSealed),
    pathway: row.pathway,
    pathwayName: row.pathway ? (pathwayNames[row.pathway as Pathway] ?? row.pathway) : null,
    pathwayOn: row.pathwayOn,
    outcome: unseal(row.outcomeSealed),
    feedbackReceivedOn: row.feedbackReceivedOn,
    feedback: unseal(row.feedbackSealed),
    channelContribution: unseal(row.channelContributionSealed),
  };
}

async function openReferral(open: OpenCase, referralId: string): Promise<repository.ReferralRow> {
  const row = await repository.referralById(open.tx, open.case.orgId, open.case.id, referralId);
  if (!row) throw new NotFoundError('referral');
  return row;
}

export async function outcomeForm(db: Db, ctx: RequestContext, caseId: string, referralId: string) {
  return withCase(db, ctx, caseId, 'referral outcome form', async (open) => {
    requireLead(open, 'record the outcome of a referral');
    requireNotErased(open);
    return { case: open.case, referral: viewOf(await openReferral(open, referralId)) };
  });
}

/**
 * Records what came of the referral, in as many goes as it takes: the referral row is updated
 * (the only record here that changes), and each change goes into the chronology and the audit.
 * Feedback received closes the chase for it; a Channel panel starts its 6- and 12-month reviews.
 */
export async function recordOutcome(
  db: Db,
  ctx: RequestContext,
  caseId: string,
  referralId: string,
  input: unknown,
  now = new Date(),
): Promise<void> {
  const fields = parseInput(outcomeFields, input);
  const today = todayInLondon(now);
  await withCase(db, ctx, caseId, null, async (open) => {
    requireLead(open, 'record the outcome of a referral');
    requireNotErased(open);
    const row = await openReferral(open, referralId);
    const problems: Record<string, string> = {};
    if (fields.pathway && !fields.pathwayOn) problems.pathwayOn = 'Enter the date of the police decision';
    if (fields.pathwayOn && !fields.pathway) problems.pathway = 'Choose what police Prevent decided';
    if (fields.pathwayOn && fields.pathwayOn > today)
      problems.pathwayOn = 'The date of the decision must be today or in the past';
    if (fields.pathwayOn && fields.pathwayOn < row.referredOn && !problems.pathwayOn)
      problems.pathwayOn = `The date of the decision cannot be before the referral (${row.referredOn})`;
    if (fields.feedback && !fields.feedbackReceivedOn) problems.feedbackReceivedOn = 'Enter the date the feedback was received';
    if (fields.feedbackReceivedOn && !fields.feedback) problems.feedback = 'Enter the feedback police Prevent gave';
    if (fields.feedbackReceivedOn && fields.feedbackReceivedOn > today)
      problems.feedbackReceivedOn = 'The date the feedback was received must be today or in the past';
    if (fields.feedbackReceivedOn && fields.feedbackReceivedOn < row.referredOn && !problems.feedbackReceivedOn)
      problems.feedbackReceivedOn = `The date the feedback was received cannot be before the referral (${row.referredOn})`;
    if (Object.keys(problems).length) throw new InputError(problems);

    const before = viewOf(row);
    const changes: repository.ReferralChanges = {};
    const changed: string[] = [];
    const detail: string[] = [];
    // A reference, once given, is the one police use: it is not overwritten from this form.
    if (fields.policeReference && !row.policeReference) {
      changes.policeReference = seal(fields.policeReference);
      changed.push('police reference');
      detail.push(`Police reference: ${fields.policeReference}`);
    }
    if (fields.pathway && (fields.pathway !== row.pathway || fields.pathwayOn !== row.pathwayOn)) {
      changes.pathway = fields.pathway;
      changes.pathwayOn = fields.pathwayOn ?? null;
      changed.push(`decision: ${pathwayNames[fields.pathway].toLowerCase()} on ${fields.pathwayOn}`);
    }
    if (fields.outcome && fields.outcome !== before.outcome) {
      changes.outcomeSealed = seal(fields.outcome);
      changed.push('outcome');
      detail.push(`Outcome: ${fields.outcome}`);
    }
    if (
      fields.feedbackReceivedOn &&
      (fields.feedbackReceivedOn !== row.feedbackReceivedOn || fields.feedback !== before.feedback)
    ) {
      changes.feedbackReceivedOn = fields.feedbackReceivedOn;
      changes.feedbackSealed = seal(fields.feedback);
      changed.push(`feedback received on ${fields.feedbackReceivedOn}`);
      detail.push(`Feedback: ${fields.feedback}`);
    }
    if (fields.channelContribution && fields.channelContribution !== before.channelContribution) {
      changes.channelContributionSealed = seal(fields.channelContribution);
      changed.push('contribution to Channel');
      detail.push(`Contribution to Channel: ${fields.channelContribution}`);
    }
    if (!changed.length) throw new InputError({ form: 'Nothing has changed: enter what you have learned since the referral' });

    const { orgId, id } = open.case;
    await repository.updateReferral(open.tx, orgId, row.id, changes);
    await addEvent(
      open,
      'referral-outcome',
      `Referral outcome recorded: ${changed.join('; ')}`,
      detail.join('\n\n') || null,
      now,
    );

    if (changes.feedbackReceivedOn) {
      const waiting = (await repository.followUpsOfKindSince(open.tx, orgId, id, 'police_feedback', row.referredOn)).filter(
        (f) => !f.doneAt,
      );
      for (const followUp of waiting) {
        await repository.markFollowUpDone(open.tx, orgId, followUp.id, ctx.user.id, now);
        await addEvent(open, 'follow-up', `Done: ${followUpNames.police_feedback} (feedback received)`, null, now);
      }
    }
    if (changes.pathway === 'channel_panel' && changes.pathwayOn) {
      for (const [kind, months] of [
        ['channel_review_6_months', 6],
        ['channel_review_12_months', 12],
      ] as const) {
        const existing = await repository.followUpsOfKindSince(open.tx, orgId, id, kind, row.referredOn);
        if (existing.length) continue;
        const dueOn = addMonths(changes.pathwayOn, months);
        await repository.insertFollowUp(open.tx, { orgId, caseId: id, kind, dueOn });
        await addEvent(open, 'follow-up', `${followUpNames[kind]} due ${dueOn}`, null, now);
      }
    }
    await auditChange(open, 'concern.referral_outcome', {
      referralId: row.id,
      pathway: changes.pathway ?? null,
      pathwayOn: changes.pathwayOn ?? null,
      feedbackReceivedOn: changes.feedbackReceivedOn ?? null,
      policeReferenceAdded: changes.policeReference !== undefined,
      outcomeChanged: changes.outcomeSealed !== undefined,
      channelContributionChanged: changes.channelContributionSealed !== undefined,
    });
  });
}

// ---- follow-ups ----

export async function markDone(db: Db, ctx: RequestContext, caseId: string, followUpId: string, now = new Date()) {
  await withCase(db, ctx, caseId, null, async (open) => {
    requireNotErased(open);
    const followUp = await repository.followUpById(open.tx, open.case.orgId, open.case.id, followUpId);
    if (!followUp) throw new NotFoundError('follow-up');
    if (!(await repository.markFollowUpDone(open.tx, open.case.orgId, followUp.id, ctx.user.id, now))) {
      throw new InputError({ followUps: `${followUpNames[followUp.kind]} was already marked done` });
    }
    await addEvent(open, 'follow-up', `Done: ${followUpNames[followUp.kind]} (due ${followUp.dueOn})`, null, now);
    await auditChange(open, 'concern.follow_up_done', { followUpId: followUp.id, kind: followUp.kind, dueOn: followUp.dueOn });
  });
}

// ---- the case page ----

/** What the case page shows of referrals, inside the page's own transaction. */
export async function referralSection(open: OpenCase, now = new Date()) {
  const { tx, case: c } = open;
  const today = todayInLondon(now);
  const rows = await repository.referralsOf(tx, c.orgId, c.id);
  const followUps = (await repository.followUpsOf(tx, c.orgId, c.id)).map((f) => ({
    id: f.id,
    name: followUpNames[f.kind],
    dueOn: f.dueOn,
    done: f.doneAt !== null,
    doneAt: f.doneAt,
    overdue: f.doneAt === null && f.dueOn < today,
    dueToday: f.doneAt === null && f.dueOn === today,
  }));
  const working = !c.erasedAt;
  return {
    caseId: c.id,
    show: rows.length > 0 || c.status === 'decision',
    referrals: rows.map(viewOf),
    followUps,
    canRefer: working && open.ctx.can.leadCases && c.status === 'decision',
    canRecordOutcome: working && open.ctx.can.leadCases && c.status === 'referred',
    canDownloadForm: working && open.ctx.can.leadCases,
    canMarkDone: working,
    statusName: statusNames[c.status],
  };
}

// ---- reminders ----

/**
 * Follow-ups due today or overdue and not done, to the organisation's Prevent leads: neutral
 * words and the case reference only, never the person. One reminder per follow-up and due date.
 */
export async function followUpReminders(database: Database, today: string): Promise<Reminder[]> {
  const due = await repository.followUpsDue(database.db, today);
  // A closed or erased case has nothing left to chase.
  const cases = await casesStillOpen(
    database.db,
    due.map((f) => f.caseId),
  );
  return due.flatMap((f) => {
    const reference = cases.get(f.caseId);
    if (!reference) return [];
    const what = `Case ${reference}: ${followUpActions[f.kind]} (due ${f.dueOn})`;
    return {
      key: `follow-up:${f.id}:${f.dueOn}`,
      orgId: f.orgId,
      roles: preventLeadRoles,
      title: f.dueOn < today ? `Case ${reference}: follow-up overdue` : `Case ${reference}: follow-up due today`,
      body: `${what}. Open the case to record it or mark it done.`,
      link: `/concerns/${f.caseId}#referral`,
    };
  });
}

export type FollowUpToDo = { caseId: string; reference: string; kind: FollowUpKind; dueOn: string };

/**
 * The own organisation's follow-ups due by today and not done, on cases still open, earliest first: for
 * the Prevent leads (null for anyone else). The case reference only, never the person.
 */
export async function followUpsToDo(db: Db, ctx: RequestContext, today: string): Promise<FollowUpToDo[] | null> {
  return withLeadCases(db, ctx, async (tx, orgId) => {
    const due = await repository.followUpsDueIn(tx, orgId, today);
    const open = await casesStillOpen(
      tx,
      due.map((f) => f.caseId),
    );
    return due.flatMap((f) => {
      const reference = open.get(f.caseId);
      return reference ? [{ caseId: f.caseId, reference, kind: f.kind, dueOn: f.dueOn }] : [];
    });
  });
}

// ---- counts, for assurance against the core standards ----

export type ReferredCases = {
  /** Referrals made in the period (a case can be referred more than once). */
  referrals: number;
  /** The cases referred, by id only: whose lessons learned reviews the lessons module counts. */
  caseIds: string[];
  /** Of those cases, how many have a decision on sharing with police Prevent recorded. */
  withSharingDecision: number;
};

/**
 * Each organisation's referrals to police Prevent made in [from, before), in the caller's scope. No case
 * row is read: the database counts them in one query (see referredCases in the repository).
 */
export async function referredCasesOf(
  tx: Executor,
  orgIds: readonly string[],
  period: { from: string; before: string },
): Promise<Map<string, ReferredCases>> {
  const all = orgIds.length ? await repository.referredCases(tx, period.from, period.before) : [];
  return new Map(
    orgIds.map((orgId) => {
      const rows = all.filter((r) => r.org_id === orgId);
      const cases: ReferredCases = {
        referrals: rows.reduce((n, r) => n + Number(r.referrals), 0),
        caseIds: rows.map((r) => r.case_id),
        withSharingDecision: rows.filter((r) => r.sharing_decided).length,
      };
      return [orgId, cases];
    }),
  );
}
