import type { Db, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { outgoingTextProblems } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import { type SharedCount, sharedCount } from '../../platform/suppression.ts';
import * as audit from '../audit/service.ts';
import * as organisations from '../organisations/service.ts';
import * as repository from './repository.ts';
import { themeCounts } from './service.ts';

/**
 * The regional lead's view of the learning groups of the ICBs in its region: the case studies their
 * providers approved and shared (already anonymised), counted by theme, and those the region features
 * for regional learning. Never a case: only the shared copies are read. Each text shown is checked
 * again as outgoing text, and a copy that fails is held back rather than shown; counts pass the gate.
 */
export type RegionalStudy = {
  id: string;
  groupName: string;
  sharedAt: Date;
  /** Null when held back: the title, text and themes are not shown. */
  title: string | null;
  body: string | null;
  themes: string[];
  heldBack: boolean;
  featured: { byName: string; at: Date } | null;
};

export const heldBackText =
  'Held back: its text looks as if it may identify someone, so it is not shown here. The provider that shared it can withdraw and correct it.';

type Region = { region: organisations.Organisation; icbs: organisations.Organisation[] };

async function regionOf(db: Db, ctx: RequestContext): Promise<Region> {
  const region = ctx.user.activeOrg;
  if (!ctx.can.reachRegion || !ctx.can.actFor(region.id, 'learning:region'))
    throw new ForbiddenError('Only a region’s lead sees the region’s learning');
  const reach = await organisations.organisationsInReach(db, ctx);
  const own = reach.find((o) => o.id === region.id);
  if (!own) throw new NotFoundError('region');
  return { region: own, icbs: reach.filter((o) => o.kind === 'icb') };
}

/** The region's own rows and the shared copies of its ICBs' groups, nothing else of theirs. */
const inRegion = <T>(db: Db, ctx: RequestContext, r: Region, work: (tx: Tx) => Promise<T>) =>
  withScope(db, { userId: ctx.user.id, orgIds: [r.region.id, ...r.icbs.map((o) => o.id)] }, work);

function studyView(r: Region, row: repository.SharedCaseStudyRow, featured?: repository.FeaturedRow): RegionalStudy {
  const problems = outgoingTextProblems({
    title: { label: 'The title', text: row.title },
    body: { label: 'The text', text: row.body },
    themes: { label: 'The themes', text: row.themes.join('\n') },
  });
  const heldBack = Object.keys(problems).length > 0;
  return {
    id: row.id,
    groupName: r.icbs.find((o) => o.id === row.groupOrgId)?.name ?? 'A learning group',
    sharedAt: row.sharedAt,
    title: heldBack ? null : row.title,
    body: heldBack ? null : row.body,
    themes: heldBack ? [] : row.themes,
    heldBack,
    featured: featured ? { byName: featured.featuredByName, at: featured.featuredAt } : null,
  };
}

async function studiesIn(tx: Tx, r: Region): Promise<RegionalStudy[]> {
  const rows = await repository.caseStudiesOfGroups(
    tx,
    r.icbs.map((o) => o.id),
  );
  const featured = new Map((await repository.featuredOf(tx, r.region.id)).map((f) => [f.sharedCaseStudyId, f]));
  const studies = rows.map((row) => studyView(r, row, featured.get(row.id)));
  // Featured first, the latest featured first; then the rest as shared, the latest first.
  const featuredAt = (s: RegionalStudy) => s.featured?.at.getTime() ?? 0;
  return [
    ...studies.filter((s) => s.featured).sort((a, b) => featuredAt(b) - featuredAt(a)),
    ...studies.filter((s) => !s.featured),
  ];
}

export type ThemeCount = { theme: string; count: SharedCount };

/** Each theme across the studies shown, through the gate (a study has several themes, so no total is derived from them). */
export function regionalThemeCounts(studies: readonly RegionalStudy[]): ThemeCount[] {
  return themeCounts(studies.filter((s) => !s.heldBack).map((s) => s.themes)).map(({ theme, count }) => ({
    theme,
    count: sharedCount(count),
  }));
}

export async function regionLearning(db: Db, ctx: RequestContext) {
  const r = await regionOf(db, ctx);
  const studies = await inRegion(db, ctx, r, (tx) => studiesIn(tx, r));
  return {
    region: r.region,
    icbs: r.icbs,
    studies,
    total: sharedCount(studies.length),
    themes: regionalThemeCounts(studies),
  };
}

async function studyInRegion(tx: Tx, r: Region, id: string): Promise<RegionalStudy> {
  const study = (await studiesIn(tx, r)).find((s) => s.id === id);
  if (!study) throw new NotFoundError('case study');
  return study;
}

/** One shared case study of the region's groups: another region's is not found. Each read is recorded. */
export async function regionalStudy(db: Db, ctx: RequestContext, id: string) {
  const r = await regionOf(db, ctx);
  return inRegion(db, ctx, r, async (tx) => {
    const study = await studyInRegion(tx, r, id);
    await audit.record(tx, ctx.actor, {
      orgId: r.region.id,
      action: 'regional_case_study.read',
      recordType: 'shared_case_study',
      recordId: id,
    });
    return { region: r.region, study };
  });
}

/** Features the study for regional learning, or takes it out: who and when are kept, and audited. */
export async function setFeatured(db: Db, ctx: RequestContext, id: string, featured: boolean): Promise<void> {
  const r = await regionOf(db, ctx);
  await inRegion(db, ctx, r, async (tx) => {
    const study = await studyInRegion(tx, r, id);
    if (featured && study.heldBack) throw new InputError({ feature: heldBackText });
    const changed = featured
      ? await repository.insertFeatured(tx, {
          orgId: r.region.id,
          sharedCaseStudyId: id,
          featuredBy: ctx.user.id,
          featuredByName: ctx.user.displayName,
        })
      : (await repository.deleteFeatured(tx, r.region.id, id)) > 0;
    if (!changed) return;
    await audit.record(tx, ctx.actor, {
      orgId: r.region.id,
      action: featured ? 'regional_case_study.featured' : 'regional_case_study.unfeatured',
      recordType: 'shared_case_study',
      recordId: id,
    });
  });
}
