import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { financialYearOf, londonDateTime, todayInLondon } from '../../platform/dates.ts';
import { type SharedCount, type Sum, sharedFigures, suppressionNote } from '../../platform/suppression.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as concerns from '../concerns/service.ts';
import * as organisations from '../organisations/service.ts';
import type { Pathway } from '../referrals/service.ts';

/** How many financial years can be chosen, the current one included. */
const yearsShown = 3;

export { financialYearOf };

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

/** A count as shown: exact, or through the small-number gate when it leaves the organisation. */
export type Shown = SharedCount;
export type ShownFigures = Omit<{ [K in keyof Figures]: Shown }, 'bySubjectType'> & {
  bySubjectType: Record<concerns.SubjectType, Shown>;
};

type Flat = Record<string, number>;
const plainKeys = [
  'raised',
  'open',
  'referredStatus',
  'otherRoute',
  'noFurtherAction',
  'closed',
  'referred',
  'channel',
  'policeManaged',
  'children',
  'adults',
] as const;

function flatten(prefix: string, figures: Figures, into: Flat): void {
  for (const key of plainKeys) into[`${prefix}.${key}`] = figures[key];
  for (const type of concerns.subjectTypes) into[`${prefix}.${type}`] = figures.bySubjectType[type];
}

/** The sums a reader knows: the concerns raised, split by status, by age and by who the concern is about. */
function sumsOf(prefix: string): Sum[] {
  const raised = `${prefix}.raised`;
  const of = (keys: readonly string[]) => keys.map((k) => `${prefix}.${k}`);
  return [
    { total: raised, parts: of(['open', 'referredStatus', 'otherRoute', 'noFurtherAction', 'closed']) },
    { total: raised, parts: of(['children', 'adults']) },
    { total: raised, parts: of(concerns.subjectTypes) },
  ];
}

function unflatten(prefix: string, shown: Record<string, Shown>): ShownFigures {
  const get = (key: string): Shown => shown[`${prefix}.${key}`] ?? { value: null, text: 'not shown' };
  return {
    ...(Object.fromEntries(plainKeys.map((k) => [k, get(k)])) as Omit<ShownFigures, 'bySubjectType'>),
    bySubjectType: Object.fromEntries(concerns.subjectTypes.map((t) => [t, get(t)])) as Record<concerns.SubjectType, Shown>,
  };
}

const exactly = (n: number): Shown => ({ value: n, text: String(n) });

/** The organisation's own Prevent leads see exact counts of their own cases. */
function exactFigures(figures: Figures): ShownFigures {
  return {
    ...(Object.fromEntries(plainKeys.map((k) => [k, exactly(figures[k])])) as Omit<ShownFigures, 'bySubjectType'>),
    bySubjectType: Object.fromEntries(concerns.subjectTypes.map((t) => [t, exactly(figures.bySubjectType[t])])) as Record<
      concerns.SubjectType,
      Shown
    >,
  };
}

/**
 * Everyone else's figures go through the one small-number gate, as one table: each organisation's own sums,
 * and the total row as the sum of the organisations' rows, so that no hidden count can be worked out.
 */
function gatedFigures(rows: Figures[], total: Figures | null): { rows: ShownFigures[]; total: ShownFigures | null } {
  const counts: Flat = {};
  const sums: Sum[] = [];
  rows.forEach((figures, i) => {
    flatten(`row${i}`, figures, counts);
    sums.push(...sumsOf(`row${i}`));
  });
  if (total) {
    flatten('total', total, counts);
    sums.push(...sumsOf('total'));
    for (const key of [...plainKeys, ...concerns.subjectTypes]) {
      sums.push({ total: `total.${key}`, parts: rows.map((_, i) => `row${i}.${key}`) });
    }
  }
  const shown = sharedFigures(counts, sums);
  return { rows: rows.map((_, i) => unflatten(`row${i}`, shown)), total: total ? unflatten('total', shown) : null };
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
  // A commissioner sees the providers it commissions and a regional lead those in its region (from
  // outside, with small numbers suppressed); everyone else sees their own organisation.
  const across = ctx.can.seeProvidersConcernFigures;
  const orgs = across
    ? await organisations.providersInReach(db, ctx)
    : [{ id: ctx.user.activeOrg.id, name: ctx.user.activeOrg.name, odsCode: ctx.user.activeOrg.odsCode }];
  const orgIds = orgs.map((o) => o.id);
  // The scope is widened to the organisations in reach, which the lines above limited to those the person may see.
  const rows = orgIds.length
    ? await withScope(db, { userId: ctx.user.id, orgIds }, (tx) => concerns.caseCounts(tx, period.from, period.before))
    : [];
  // Small numbers can point at a person: only the organisation's own Prevent leads, who may open its cases anyway, see them exactly.
  const suppressed = across || !ctx.can('concerns:exact-figures');
  const byOrg = new Map(orgIds.map((id) => [id, emptyFigures()]));
  const total = emptyFigures();
  for (const row of rows) {
    const figures = byOrg.get(row.orgId);
    if (!figures) continue;
    add(figures, row);
    add(total, row);
  }
  const figures = orgs.map((o) => byOrg.get(o.id) ?? emptyFigures());
  const shown = suppressed ? gatedFigures(figures, across ? total : null) : { rows: figures.map(exactFigures), total: null };
  return {
    period,
    periods: years.map(periodOf),
    across,
    suppressed,
    suppressionNote,
    organisations: orgs.map((o, i) => ({ name: o.name, odsCode: o.odsCode, figures: shown.rows[i] })),
    total: shown.total,
  };
}
