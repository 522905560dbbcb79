import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, isRealDate, todayInLondon } from '../../platform/dates.ts';
import { seal } from '../../platform/encryption.ts';
import { InputError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as concerns from '../concerns/service.ts';

// ---- the organisation's rules ----

const whole = (label: string, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `Enter ${label}` })
      .regex(/^\d+$/, `${label[0]?.toUpperCase()}${label.slice(1)} must be a whole number from ${min} to ${max}`)
      .transform(Number)
      .refine(
        (n) => n >= min && n <= max,
        `${label[0]?.toUpperCase()}${label.slice(1)} must be a whole number from ${min} to ${max}`,
      ),
  );

const settingsFields = z.object({
  policeFeedbackWorkingDays: whole('the number of working days before police feedback is chased', 1, 30),
  retentionYearsReferred: whole('how many years to keep a case that was referred', 1, 100),
  retentionYearsNotReferred: whole('how many years to keep a case that was not referred', 1, 100),
});

export async function settingsOf(db: Db, ctx: RequestContext): Promise<concerns.ConcernSettings> {
  return withScope(db, ctx.scope, (tx) => concerns.settingsFor(tx, ctx.user.activeOrg.id));
}

/** The rules apply to cases closed from now on: a closed case keeps the review date it was given. */
export async function saveSettings(db: Db, ctx: RequestContext, input: unknown): Promise<void> {
  const settings = parseInput(settingsFields, input);
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    await concerns.saveSettings(tx, orgId, ctx.user.id, settings);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'concern.settings_changed',
      recordType: 'concern_settings',
      recordId: orgId,
      details: { ...settings },
    });
  });
}

// ---- the retention review ----

export async function reviewsDue(db: Db, ctx: RequestContext, today = todayInLondon()) {
  return concerns.retentionReviewsDue(db, ctx, today);
}

/** Why a case cannot be erased today, or null when it can. */
function erasureProblem(c: concerns.CaseSummary, today: string): string | null {
  if (c.erasedAt) return `The personal data in case ${c.reference} has already been erased`;
  if (c.status !== 'closed') {
    return `Case ${c.reference} is not closed (it is ${c.statusName.toLowerCase()}): only a closed case can have its personal data erased`;
  }
  if (!c.retentionReviewOn || c.retentionReviewOn > today) {
    return `Case ${c.reference} is kept until its retention review date${c.retentionReviewOn ? ` (${c.retentionReviewOn})` : ''}: its personal data can be erased only from then`;
  }
  return null;
}

/** What the erase page shows: the record, and whether it can be erased now. Opening it is audited like any read of a case. */
export async function erasurePage(db: Db, ctx: RequestContext, id: string, today = todayInLondon()) {
  return concerns.withCase(db, ctx, id, 'erase', async (open) => {
    concerns.requireLead(open, 'erase a case’s personal data');
    return { case: open.case, problem: erasureProblem(open.case, today) };
  });
}

const erasureFields = z.object({
  reason: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter why the personal data is being erased' }).max(2_000, 'The reason must be 2000 characters or fewer'),
  ),
});

/**
 * Erases the personal data of a closed case whose retention date has come. The chronology
 * says it happened (no detail: there is nothing personal left to hold); the audit trail keeps
 * the reference and the reason, sealed.
 */
export async function erase(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  const { reason } = parseInput(erasureFields, input);
  return concerns.withCase(db, ctx, id, null, async (open) => {
    concerns.requireLead(open, 'erase a case’s personal data');
    const problem = erasureProblem(open.case, today);
    if (problem) throw new InputError({ form: problem });
    await concerns.erasePersonalData(open);
    await concerns.addEvent(open, 'erased', 'Personal data erased under the retention rules');
    // The reason may describe the person: sealed, as a break-glass reason is.
    await concerns.auditChange(open, 'concern.erased', { reasonSealed: seal(reason) });
    return open.case.reference;
  });
}

/** What the extend page shows. */
export async function extensionPage(db: Db, ctx: RequestContext, id: string) {
  return concerns.withCase(db, ctx, id, 'retention', async (open) => {
    concerns.requireLead(open, 'change how long a case is kept');
    return { case: open.case };
  });
}

const extensionFields = z.object({
  until: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the new retention review date' }).refine(isRealDate, 'Enter a real date'),
  ),
  reason: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter why the case is being kept longer' }).max(2_000, 'The reason must be 2000 characters or fewer'),
  ),
});

/** Keeps a closed case longer, to a later review date, with the reason in the (sealed) chronology. */
export async function extend(db: Db, ctx: RequestContext, id: string, input: unknown, today = todayInLondon()) {
  const { until, reason } = parseInput(extensionFields, input);
  if (until <= today) throw new InputError({ until: 'The new retention review date must be in the future' });
  if (until > addDays(today, Math.round(100 * 365.25))) {
    throw new InputError({ until: 'The new retention review date must be within 100 years' });
  }
  await concerns.withCase(db, ctx, id, null, async (open) => {
    concerns.requireLead(open, 'change how long a case is kept');
    concerns.requireNotErased(open);
    const c = open.case;
    if (c.status !== 'closed') throw new InputError({ form: `Case ${c.reference} is not closed: it is kept while it is open` });
    if (c.retentionReviewOn && until <= c.retentionReviewOn) {
      throw new InputError({ until: `The new date must be after the current retention review date (${c.retentionReviewOn})` });
    }
    const previous = c.retentionReviewOn;
    await concerns.setRetentionReviewDate(open, until);
    await concerns.addEvent(open, 'retention-extended', `Retention review date extended to ${until}`, reason);
    await concerns.auditChange(open, 'concern.retention_extended', { from: previous, until });
  });
}
