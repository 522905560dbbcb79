import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, londonDateTime, spokenDate, todayInLondon } from '../../platform/dates.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { type SharedCount, type Sum, sharedCount, sharedFigures, sharedPercentage } from '../../platform/suppression.ts';
import * as assurance from '../assurance/service.ts';
import * as concerns from '../concerns/service.ts';
import * as organisations from '../organisations/service.ts';
import { submissionsList } from '../self-assessment/submissions.ts';
import { currentEdition, type Edition, type Requirement, requirementsFor } from '../standards/service.ts';

export type Result = assurance.Result;

export const resultNames: Record<Result, string> = {
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_assessed: 'Not assessed',
};
export const resultOrder: readonly Result[] = ['met', 'partly_met', 'not_met', 'not_assessed'];

/**
 * The standard section a requirement counts under, as the heat map's columns: the document's section without
 * the "Core standards for providers of NHS services ›" part, and every training requirement under "Training".
 */
export function standardSectionOf(requirement: Pick<Requirement, 'section'>): string {
  const parts = requirement.section.split('›').map((p) => p.trim());
  if (/training/i.test(parts[0] ?? '')) return 'Training';
  return parts.at(-1) ?? requirement.section;
}

/** The sections of the current edition that apply to providers, in the document's order. */
export function providerSections(): string[] {
  const requirements = currentEdition().requirements.filter((r) => r.appliesTo !== 'commissioner');
  return [...new Set(requirements.map(standardSectionOf))];
}

/**
 * A section's results rolled up: of the results the records give (a result of "not assessed" gives none),
 * any not met → not met; all met → met; otherwise partly met; and none at all → not assessed.
 */
export function rollUp(results: readonly Result[]): Result {
  const given = results.filter((r) => r !== 'not_assessed');
  if (given.length === 0) return 'not_assessed';
  if (given.includes('not_met')) return 'not_met';
  if (given.every((r) => r === 'met')) return 'met';
  return 'partly_met';
}

/** A provider's status as its commissioner (or its region) sees it: the figures the rules read, and each requirement's result. */
export type ProviderAssurance = {
  org: organisations.Organisation;
  figures: assurance.AssuranceFigures;
  statuses: assurance.RequirementStatus[];
};

/**
 * Each provider in the person's reach (an ICB's commissioner: the providers it commissions; a region's lead:
 * those in the region) with its status as at `asAt`, or only the one with the id `only`: an id outside the
 * reach is not found. The providers' figures are gathered through the assurance service in one scope of
 * those providers, each figure one query across them.
 */
export async function providersAssurance(
  db: Db,
  ctx: RequestContext,
  asAt: string,
  only?: string,
  edition: Edition = currentEdition(),
): Promise<ProviderAssurance[]> {
  const inReach = await organisations.providersInReach(db, ctx);
  const chosen = only === undefined ? inReach : inReach.filter((org) => org.id === only);
  if (only !== undefined && chosen.length === 0) throw new NotFoundError('organisation');
  const figuresOf = await assurance.assuranceFiguresOf(
    db,
    { userId: ctx.user.id, orgIds: chosen.map((org) => org.id) },
    chosen,
    asAt,
  );
  return chosen.map((org) => {
    const figures = figuresOf.get(org.id);
    if (!figures) throw new Error(`No figures gathered for ${org.id}`);
    const statuses = requirementsFor(edition, org.kind).map(
      (requirement): assurance.RequirementStatus =>
        requirement.rule
          ? { requirement, computed: true, outcome: assurance.evaluate(requirement.rule, figures, asAt) }
          : { requirement, computed: false, outcome: { result: 'not_assessed', reason: assurance.notComputedReason, links: [] } },
    );
    return { org, figures, statuses };
  });
}

/** An id for a section in a link (the provider page's heading). */
export const sectionAnchor = (section: string) =>
  `section-${section
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;

/** Where a heat map cell leads: the provider's assessment page, at the section. */
export const providerHref = (orgId: string, section?: string) =>
  `/assurance/providers/${orgId}${section ? `#${sectionAnchor(section)}` : ''}`;

export type Cell = { section: string; result: Result; text: string; href: string };
export type LevelShown = { name: string; inScope: SharedCount; percent: number | null; text: string };

/** One provider's row of the heat map, every count through the small-number gate. */
export type ProviderRow = {
  org: { id: string; name: string; odsCode: string };
  cells: Cell[];
  training: LevelShown[];
  vacantPosts: string[];
  programmeOverdue: SharedCount;
  lessonsActionsOverdue: SharedCount;
  ctlpOverdue: boolean;
  concernsRaised: SharedCount;
  referrals: SharedCount;
};

export type HeatMap = { asAt: string; sections: string[]; levels: string[]; providers: ProviderRow[]; period: string };

const postNames = { accountable: 'Accountable lead', operational: 'Operational lead' } as const;

function cellsOf(assured: ProviderAssurance, sections: string[]): Cell[] {
  return sections.map((section) => {
    const result = rollUp(
      assured.statuses.filter((s) => standardSectionOf(s.requirement) === section).map((s) => s.outcome.result),
    );
    return { section, result, text: resultNames[result], href: providerHref(assured.org.id, section) };
  });
}

function trainingOf(figures: assurance.AssuranceFigures, levels: string[]): LevelShown[] {
  return levels.map((name) => {
    const level = figures.training.find((l) => l.name === name);
    if (!level) return { name, inScope: sharedCount(0), percent: null, text: 'None in scope' };
    const percent = sharedPercentage(level.percent, level.inScope);
    const text = level.inScope === 0 ? 'None in scope' : percent === null ? 'Too few to show' : `${percent}%`;
    return { name, inScope: sharedCount(level.inScope), percent, text };
  });
}

/** From 1 April of the financial year the day falls in, to the end of the day. */
function yearTo(asAt: string): { from: Date; before: Date; label: string } {
  const year = Number(asAt.slice(0, 4)) - (Number(asAt.slice(5, 7)) >= 4 ? 0 : 1);
  return {
    from: londonDateTime(`${year}-04-01`, '00:00'),
    before: londonDateTime(addDays(asAt, 1), '00:00'),
    label: `1 April ${year} to ${spokenDate(asAt)}`,
  };
}

/** Concerns raised and referred in the period, per provider: counted by the database, no case row read. */
async function concernCounts(db: Db, ctx: RequestContext, orgIds: string[], asAt: string) {
  const period = yearTo(asAt);
  const byOrg = new Map(orgIds.map((id) => [id, { raised: 0, referred: 0 }]));
  if (orgIds.length === 0) return { byOrg, label: period.label };
  const rows = await withScope(db, { userId: ctx.user.id, orgIds }, (tx) => concerns.caseCounts(tx, period.from, period.before));
  for (const row of rows) {
    const counts = byOrg.get(row.orgId);
    if (!counts) continue;
    counts.raised += row.cases;
    if (row.referred) counts.referred += row.cases;
  }
  return { byOrg, label: period.label };
}

/** The commissioner's heat map: each provider the ICB commissions, its sections rolled up, and its figures. */
export async function heatMap(db: Db, ctx: RequestContext, asAt = todayInLondon()): Promise<HeatMap> {
  if (!ctx.can.reachCommissionedProviders) throw new ForbiddenError('Only an ICB’s commissioner sees its providers’ assurance');
  const assured = await providersAssurance(db, ctx, asAt);
  const sections = providerSections();
  const levels = [...new Set(assured.flatMap((a) => a.figures.training.map((l) => l.name)))];
  const counted = await concernCounts(
    db,
    ctx,
    assured.map((a) => a.org.id),
    asAt,
  );
  const providers = assured.map((a): ProviderRow => {
    const { figures } = a;
    const concernsOf = counted.byOrg.get(a.org.id) ?? { raised: 0, referred: 0 };
    return {
      org: { id: a.org.id, name: a.org.name, odsCode: a.org.odsCode },
      cells: cellsOf(a, sections),
      training: trainingOf(figures, levels),
      vacantPosts: (['accountable', 'operational'] as const).filter((p) => !figures.leads[p]).map((p) => postNames[p]),
      programmeOverdue: sharedCount(figures.programme?.overdue ?? 0),
      lessonsActionsOverdue: sharedCount(figures.referrals.reviews.overdueActions),
      ctlpOverdue: assurance.evaluate('ctlp-reviewed', figures, asAt).result !== 'met',
      concernsRaised: sharedCount(concernsOf.raised),
      referrals: sharedCount(concernsOf.referred),
    };
  });
  return { asAt, sections, levels, providers, period: counted.label };
}

/** One provider's computed results, for its commissioner: 404 for a provider the ICB does not commission. */
export async function providerResults(db: Db, ctx: RequestContext, orgId: string, asAt = todayInLondon()) {
  if (!ctx.can.reachCommissionedProviders) throw new ForbiddenError('Only an ICB’s commissioner sees its providers’ assurance');
  const [assured] = await providersAssurance(db, ctx, asAt, orgId);
  if (!assured) throw new Error('unreachable');
  const sections = providerSections().map((section) => {
    const statuses = assured.statuses.filter((s) => standardSectionOf(s.requirement) === section);
    const result = rollUp(statuses.map((s) => s.outcome.result));
    return { section, anchor: sectionAnchor(section), result, text: resultNames[result], statuses };
  });
  return { asAt, org: assured.org, sections, assessment: await submittedAssessmentOf(db, ctx, orgId) };
}

/** The provider's latest self-assessment submitted to the ICB, for a link beside its computed results (null if none, or not the person's to review). */
async function submittedAssessmentOf(db: Db, ctx: RequestContext, orgId: string) {
  if (!ctx.can('assessment:review')) return null;
  const latest = (await submissionsList(db, ctx)).find((row) => row.org.id === orgId)?.latest;
  return latest
    ? { href: `/assurance/submissions/${latest.id}`, text: `${latest.label}, version ${latest.version}: ${latest.statusName}` }
    : null;
}

/** One ICB of the region: how many of its providers have each result in each section, through the gate. */
export type IcbRow = {
  name: string;
  odsCode: string;
  providers: SharedCount;
  sections: { section: string; counts: Record<Result, SharedCount> }[];
};

export type RegionView = { asAt: string; sections: string[]; icbs: IcbRow[] };

/**
 * The regional lead's view: each ICB of the region with its providers' sections counted by result. Counts
 * only, as one table through the gate: a section's four counts add up to the ICB's providers, so a total
 * over a hidden count is withheld.
 */
export async function regionView(db: Db, ctx: RequestContext, asAt = todayInLondon()): Promise<RegionView> {
  if (!ctx.can.reachRegion) throw new ForbiddenError('Only a region’s lead sees the region’s assurance');
  const assured = await providersAssurance(db, ctx, asAt);
  const sections = providerSections();
  const icbs = (await organisations.organisationsInReach(db, ctx)).filter((o) => o.kind === 'icb');
  const groups = icbs.map((icb) => ({ icb, members: assured.filter((a) => a.org.commissionerId === icb.id) }));
  const counts: Record<string, number> = {};
  const sums: Sum[] = [];
  groups.forEach(({ members }, i) => {
    counts[`${i}.providers`] = members.length;
    sections.forEach((section, j) => {
      const results = members.map((m) => cellsOf(m, [section])[0]?.result ?? 'not_assessed');
      for (const result of resultOrder) counts[`${i}.${j}.${result}`] = results.filter((r) => r === result).length;
      sums.push({ total: `${i}.providers`, parts: resultOrder.map((r) => `${i}.${j}.${r}`) });
    });
  });
  const shown = sharedFigures(counts, sums);
  const get = (key: string): SharedCount => shown[key] ?? { value: null, text: 'not shown' };
  return {
    asAt,
    sections,
    icbs: groups.map(({ icb }, i) => ({
      name: icb.name,
      odsCode: icb.odsCode,
      providers: get(`${i}.providers`),
      sections: sections.map((section, j) => ({
        section,
        counts: Object.fromEntries(resultOrder.map((r) => [r, get(`${i}.${j}.${r}`)])) as Record<Result, SharedCount>,
      })),
    })),
  };
}
