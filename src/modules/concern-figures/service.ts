import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { londonDateTime, todayInLondon } from '../../platform/dates.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as concerns from '../concerns/service.ts';
import * as organisations from '../organisations/service.ts';
import type { Pathway } from '../referrals/service.ts';

/** Below this, a count outside the organisation could point to a person: it is shown as "fewer than 5". */
export const smallNumberLimit = 5;

/** How many financial years can be chosen, the current one included. */
const yearsShown = 3;

/** The financial year (1 April to 31 March) a day falls in, by the year it starts. */
export function financialYearOf(day: string): number {
  const year = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) >= 4 ? year : year - 1;
}

export type Period = { startYear: number; label: string; from: Date; before: Date };

function periodOf(startYear: number): Period {
  return {
    startYear,
    label: `1 April ${startYear} to 31 March ${startYear + 1}`,
    from: londonDateTime(`${startYear}-04-01`, '00:00'),
    before: londonDateTime(`${startYear + 1}-04-01`, '00:00'),
  };
}

export type Figures = {
  raised: number;
  open: number;
  referredStatus: number;
  otherRoute: number;
  noFurtherAction: number;
  closed: number;
  referred: number;
  channel: number;
  policeManaged: number;
  children: number;
  adults: number;
  bySubjectType: Record<concerns.SubjectType, number>;
};

/** What the police decided, in the referrals module's words: typed, so that a renamed pathway fails to compile here. */
const channelPathway: Pathway = 'channel_panel';
const policePathway: Pathway = 'police_managed';

function emptyFigures(): Figures {
  return {
    raised: 0,
    open: 0,
    referredStatus: 0,
    otherRoute: 0,
    noFurtherAction: 0,
    closed: 0,
    referred: 0,
    channel: 0,
    policeManaged: 0,
    children: 0,
    adults: 0,
    bySubjectType: { patient: 0, staff: 0, visitor: 0, other: 0 },
  };
}

function add(figures: Figures, row: concerns.CaseCount): void {
  const n = row.cases;
  figures.raised += n;
  if (concerns.openStatuses.includes(row.status)) figures.open += n;
  else if (row.status === 'referred') figures.referredStatus += n;
  else if (row.status === 'other_route') figures.otherRoute += n;
  else if (row.status === 'no_further_action') figures.noFurtherAction += n;
  else if (row.status === 'closed') figures.closed += n;
  if (row.referred) {
    figures.referred += n;
    if (row.pathway === channelPathway) figures.channel += n;
    if (row.pathway === policePathway) figures.policeManaged += n;
  }
  if (row.isChild) figures.children += n;
  else figures.adults += n;
  figures.bySubjectType[row.subjectType] += n;
}

/** A count as shown: exact, or "fewer than 5" when it could identify someone to a reader outside the organisation. */
export type Shown = { value: number | null; text: string };

function shownAs(n: number, suppress: boolean): Shown {
  if (suppress && n > 0 && n < smallNumberLimit) return { value: null, text: `fewer than ${smallNumberLimit}` };
  return { value: n, text: String(n) };
}

function shownFigures(figures: Figures, suppress: boolean) {
  const show = (n: number) => shownAs(n, suppress);
  return {
    raised: show(figures.raised),
    open: show(figures.open),
    referredStatus: show(figures.referredStatus),
    otherRoute: show(figures.otherRoute),
    noFurtherAction: show(figures.noFurtherAction),
    closed: show(figures.closed),
    referred: show(figures.referred),
    channel: show(figures.channel),
    policeManaged: show(figures.policeManaged),
    children: show(figures.children),
    adults: show(figures.adults),
    bySubjectType: Object.fromEntries(concerns.subjectTypes.map((t) => [t, show(figures.bySubjectType[t])])) as Record<
      concerns.SubjectType,
      Shown
    >,
  };
}

/**
 * A commissioner sees the providers it commissions and a regional lead the providers in its region
 * (from outside, with small numbers suppressed); everyone else sees their own organisation.
 */
function looksAcross(ctx: RequestContext): boolean {
  const org = ctx.user.activeOrg;
  return (
    (org.kind === 'icb' && ctx.user.roles.includes('commissioner_lead')) ||
    (org.kind === 'nhse_region' && ctx.user.roles.includes('regional_lead'))
  );
}

const query = (years: number[]) =>
  z.object({
    year: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'Choose a financial year from the list' })
        .int('Choose a financial year from the list')
        .refine((y) => years.includes(y), 'Choose a financial year from the list')
        .optional(),
    ),
  });

/**
 * Counts of concerns for a financial year, per organisation in reach. Counted by a database
 * function in a scope widened to those organisations: no case row is ever read here.
 */
export async function figuresFor(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()) {
  const current = financialYearOf(today);
  const years = Array.from({ length: yearsShown }, (_, i) => current - i);
  const chosen = parseInput(query(years), input).year ?? current;
  const period = periodOf(chosen);
  const across = looksAcross(ctx);
  const orgs = across
    ? await organisations.providersInReach(db, ctx)
    : [{ id: ctx.user.activeOrg.id, name: ctx.user.activeOrg.name, odsCode: ctx.user.activeOrg.odsCode }];
  const orgIds = orgs.map((o) => o.id);
  // The scope is widened to the organisations in reach, which the lines above limited to those the person may see.
  const rows = orgIds.length
    ? await withScope(db, { userId: ctx.user.id, orgIds }, (tx) => concerns.caseCounts(tx, period.from, period.before))
    : [];
  // Small numbers can point at a person: only the organisation's own Prevent leads, who may open its cases anyway, see them exactly.
  const suppressed = across || !concerns.isLead(ctx);
  const byOrg = new Map(orgIds.map((id) => [id, emptyFigures()]));
  const total = emptyFigures();
  for (const row of rows) {
    const figures = byOrg.get(row.orgId);
    if (!figures) continue;
    add(figures, row);
    add(total, row);
  }
  return {
    period,
    periods: years.map(periodOf),
    across,
    suppressed,
    organisations: orgs.map((o) => ({
      name: o.name,
      odsCode: o.odsCode,
      figures: shownFigures(byOrg.get(o.id) ?? emptyFigures(), suppressed),
    })),
    total: across ? shownFigures(total, true) : null,
  };
}
