import { z } from 'zod';
import type { Database, Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { outgoingTextProblems, refuseIdentifyingText } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import * as organisations from '../organisations/service.ts';
import { type LinkableItem, linkableItems } from '../programme/service.ts';
import { type CtlpStatus, ctlpStatusOf, financialYearOf, yearLabel } from './ctlp-status.ts';
import * as repository from './repository.ts';
import { type Band, type RiskCategory, type RiskStatus, riskCategories, riskStatuses } from './schema.ts';

export {
  type CtlpStanding,
  ctlpStandingOf,
  type RegisterStanding,
  registerStandingOf,
} from './standing.ts';
// The CTLP review's dates and status are worked out in ctlp-status.ts; outside the module, this file is the one way in.
export { type CtlpStatus, ctlpStatusOf, financialYearOf, yearLabel };
export type Risk = repository.RiskRow;
export type Review = repository.ReviewRow;
export type CtlpRecord = repository.CtlpRow;
export { type RiskCategory, riskCategories, riskStatuses };

export const categoryNames: Record<RiskCategory, string> = {
  ctlp: 'Local threat picture (CTLP)',
  priority_area: 'Prevent priority area',
  contest_delivery_group: 'CONTEST or Prevent delivery group issue',
  training: 'Training',
  estates_room_hire: 'Estates and room hire',
  it_misuse: 'IT misuse',
  information_sharing: 'Information sharing',
  staffing_resources: 'Staffing and resources',
};

export const statusNames: Record<RiskStatus, string> = { open: 'Open', closed: 'Closed' };

export const likelihoodNames = ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'] as const;
export const impactNames = ['Negligible', 'Minor', 'Moderate', 'Major', 'Catastrophic'] as const;

// ---- scores ----

export type { Band };
export const bandNames: Record<Band, string> = { low: 'Low', moderate: 'Moderate', high: 'High', extreme: 'Extreme' };

export const score = (likelihood: number, impact: number) => likelihood * impact;

/** The usual NHS 5 × 5 bands: 1–3 low, 4–6 moderate, 8–12 high, 15–25 extreme. */
export function bandOf(value: number): Band {
  if (value >= 15) return 'extreme';
  if (value >= 8) return 'high';
  if (value >= 4) return 'moderate';
  return 'low';
}

export type Scored = { likelihood: number; impact: number; score: number; band: Band };
const scored = (likelihood: number, impact: number): Scored => {
  const value = score(likelihood, impact);
  return { likelihood, impact, score: value, band: bandOf(value) };
};

export type RiskView = Risk & {
  categoryName: string;
  statusName: string;
  inherent: Scored;
  current: Scored;
  target: Scored;
};

export function viewOf(risk: Risk): RiskView {
  return {
    ...risk,
    categoryName: categoryNames[risk.category],
    statusName: statusNames[risk.status],
    inherent: scored(risk.inherentLikelihood, risk.inherentImpact),
    current: scored(risk.currentLikelihood, risk.currentImpact),
    target: scored(risk.targetLikelihood, risk.targetImpact),
  };
}

export type MatrixCell = { likelihood: number; impact: number; score: number; band: Band; count: number };
/** Rows from impact 5 (top) to 1; in each, likelihood 1 to 5. */
export type Matrix = { impact: number; cells: MatrixCell[] }[];

/** Counts of open risks at each current likelihood and impact. */
export function matrixOf(list: Risk[]): Matrix {
  const rows: Matrix = [];
  for (let impact = 5; impact >= 1; impact--) {
    const cells: MatrixCell[] = [];
    for (let likelihood = 1; likelihood <= 5; likelihood++) {
      const count = list.filter(
        (r) => r.status === 'open' && r.currentLikelihood === likelihood && r.currentImpact === impact,
      ).length;
      cells.push({ ...scored(likelihood, impact), count });
    }
    rows.push({ impact, cells });
  }
  return rows;
}

// ---- validation ----

const optionalText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const rating = (label: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `Choose the ${label}` })
      .regex(/^[1-5]$/, `The ${label} must be a whole number from 1 to 5`)
      .transform(Number),
  );

const riskFields = z.object({
  title: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter a title for the risk' }).max(200, 'Title must be 200 characters or fewer'),
  ),
  category: z.enum(riskCategories, { error: 'Choose the risk’s category' }),
  owner: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the name of the risk’s owner' }).max(120, 'Owner must be 120 characters or fewer'),
  ),
  inherentLikelihood: rating('inherent likelihood'),
  inherentImpact: rating('inherent impact'),
  currentLikelihood: rating('current likelihood'),
  currentImpact: rating('current impact'),
  targetLikelihood: rating('target likelihood'),
  targetImpact: rating('target impact'),
  controls: optionalText(4000, 'Controls'),
  actions: optionalText(4000, 'Actions'),
  eprrReference: optionalText(100, 'EPRR register reference'),
  counterFraudReference: optionalText(100, 'Counter fraud register reference'),
  status: z.preprocess((v) => v ?? 'open', z.enum(riskStatuses, { error: 'Choose whether the risk is open or closed' })),
});

function toRiskRow(input: unknown): repository.RiskFields {
  const f = parseInput(riskFields, input);
  // The commissioner reads its providers' registers.
  const errors: Record<string, string> = outgoingTextProblems({
    title: { label: 'The title', text: f.title },
    controls: { label: 'The controls', text: f.controls },
    actions: { label: 'The actions', text: f.actions },
  });
  if (score(f.currentLikelihood, f.currentImpact) > score(f.inherentLikelihood, f.inherentImpact))
    errors.currentLikelihood = 'The current score cannot be higher than the inherent score (before controls)';
  if (score(f.targetLikelihood, f.targetImpact) > score(f.currentLikelihood, f.currentImpact))
    errors.targetLikelihood = 'The target score cannot be higher than the current score';
  if (Object.keys(errors).length) throw new InputError(errors);
  return {
    title: f.title,
    category: f.category,
    owner: f.owner,
    inherentLikelihood: f.inherentLikelihood,
    inherentImpact: f.inherentImpact,
    currentLikelihood: f.currentLikelihood,
    currentImpact: f.currentImpact,
    targetLikelihood: f.targetLikelihood,
    targetImpact: f.targetImpact,
    controls: f.controls ?? null,
    actions: f.actions ?? null,
    eprrReference: f.eprrReference ?? null,
    counterFraudReference: f.counterFraudReference ?? null,
    status: f.status,
  };
}

const pastDate = (missing: string) =>
  z.preprocess(blankToUndefined, z.string({ error: missing }).refine(isRealDate, 'Enter a real date'));

const reviewFields = z.object({
  reviewedOn: pastDate('Enter the date of the review'),
  reviewer: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the name of the reviewer' }).max(120, 'Reviewer must be 120 characters or fewer'),
  ),
  note: optionalText(4000, 'Note'),
  likelihood: rating('current likelihood'),
  impact: rating('current impact'),
});

// ---- the register ----

export type Register = { risks: RiskView[]; matrix: Matrix; openCount: number };

/** The organisation's register, highest current score first, and the heat map of its open risks. */
export async function register(db: Db, ctx: RequestContext): Promise<Register> {
  return withScope(db, ctx.scope, (tx) => registerIn(tx, ctx.user.activeOrg.id));
}

/** As register, for one organisation inside a transaction already scoped to it (the CQC evidence). */
export async function registerIn(tx: Executor, orgId: string): Promise<Register> {
  return registerOf(await repository.risksOf(tx, orgId));
}

/** A register as its pages show it: the risks (already in order), the heat map and the count of open risks. */
function registerOf(list: Risk[]): Register {
  return { risks: list.map(viewOf), matrix: matrixOf(list), openCount: list.filter((r) => r.status === 'open').length };
}

export async function getRisk(db: Db, ctx: RequestContext, id: string): Promise<RiskView & { reviews: Review[] }> {
  return withScope(db, ctx.scope, async (tx) => {
    const risk = await repository.riskById(tx, ctx.user.activeOrg.id, id);
    if (!risk) throw new NotFoundError('risk');
    return { ...viewOf(risk), reviews: await repository.reviewsOf(tx, ctx.user.activeOrg.id, id) };
  });
}

const scoresOf = (row: repository.RiskFields) => ({
  inherent: score(row.inherentLikelihood, row.inherentImpact),
  current: score(row.currentLikelihood, row.currentImpact),
  target: score(row.targetLikelihood, row.targetImpact),
});

export async function addRisk(db: Db, ctx: RequestContext, input: unknown): Promise<Risk> {
  const row = toRiskRow(input);
  return withScope(db, ctx.scope, async (tx) => {
    const created = await repository.insertRisk(tx, ctx.user.activeOrg.id, row);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'risk.added',
      recordType: 'risk',
      recordId: created.id,
      details: { category: row.category, ...scoresOf(row) },
    });
    return created;
  });
}

export async function updateRisk(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const row = toRiskRow(input);
  await withScope(db, ctx.scope, async (tx) => {
    if (!(await repository.riskById(tx, ctx.user.activeOrg.id, id))) throw new NotFoundError('risk');
    await repository.updateRisk(tx, ctx.user.activeOrg.id, id, row);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'risk.updated',
      recordType: 'risk',
      recordId: id,
      details: { category: row.category, status: row.status ?? 'open', ...scoresOf(row) },
    });
  });
}

/** Records a review; its likelihood and impact become the risk's current ones. Earlier reviews stay as they were. */
export async function reviewRisk(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const f = parseInput(reviewFields, input);
  if (f.reviewedOn > today) throw new InputError({ reviewedOn: 'The date of the review cannot be in the future' });
  refuseIdentifyingText({ note: { label: 'The note', text: f.note } });
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const risk = await repository.riskById(tx, orgId, id);
    if (!risk) throw new NotFoundError('risk');
    await repository.insertReview(tx, orgId, id, {
      reviewedOn: f.reviewedOn,
      reviewer: f.reviewer,
      note: f.note ?? null,
      likelihood: f.likelihood,
      impact: f.impact,
    });
    await repository.updateRisk(tx, orgId, id, { currentLikelihood: f.likelihood, currentImpact: f.impact });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'risk.reviewed',
      recordType: 'risk',
      recordId: id,
      details: {
        reviewedOn: f.reviewedOn,
        from: score(risk.currentLikelihood, risk.currentImpact),
        to: score(f.likelihood, f.impact),
      },
    });
  });
}

// ---- CTLP ----

/** The own organisation's CTLP review status, for those who keep its register; null for anyone else. */
export async function ctlpReviewFor(db: Db, ctx: RequestContext, today: string): Promise<CtlpStatus | null> {
  const orgId = ctx.user.activeOrg.id;
  if (!ctx.can.actFor(orgId, 'risks:edit')) return null;
  return ctlpStatusOf(await withScope(db, ctx.scope, (tx) => repository.ctlpRecordsOf(tx, orgId)), today);
}

export type CtlpView = CtlpRecord & { label: string; risks: RiskView[]; items: LinkableItem[] };

export type CtlpPage = {
  currentYear: number;
  currentLabel: string;
  status: CtlpStatus;
  records: CtlpView[];
};

export async function ctlpPage(db: Db, ctx: RequestContext, today = todayInLondon()): Promise<CtlpPage> {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const list = (await repository.risksOf(tx, orgId)).map(viewOf);
    const currentYear = financialYearOf(today);
    return { currentYear, currentLabel: yearLabel(currentYear), ...(await ctlpOf(tx, orgId, list, today)) };
  });
}

/** An organisation's CTLP records, the latest year first, each with the risks (of `list`) that reflect it, and the review status. */
async function ctlpOf(
  tx: Executor,
  orgId: string,
  list: RiskView[],
  today: string,
): Promise<{ status: CtlpStatus; records: CtlpView[] }> {
  const records = await repository.ctlpRecordsOf(tx, orgId);
  const ids = records.map((r) => r.id);
  const links = await repository.linkedRiskIds(tx, orgId, ids);
  const itemLinks = await repository.linkedItemIds(tx, orgId, ids);
  const items = itemLinks.length ? await linkableItems(tx, orgId) : [];
  return {
    status: ctlpStatusOf(records, today),
    records: records.map((r) => ({
      ...r,
      label: yearLabel(r.year),
      risks: list.filter((risk) => links.some((l) => l.ctlpId === r.id && l.riskId === risk.id)),
      items: items.filter((item) => itemLinks.some((l) => l.ctlpId === r.id && l.itemId === item.id)),
    })),
  };
}

/** A year from the URL: one the service records (from 2015 to next year), else not found. */
export function parseYear(value: string | undefined, today = todayInLondon()): number {
  if (!value || !/^\d{4}$/.test(value)) throw new NotFoundError('year');
  const year = Number(value);
  if (year < 2015 || year > financialYearOf(today) + 1) throw new NotFoundError('year');
  return year;
}

export async function getCtlp(
  db: Db,
  ctx: RequestContext,
  year: number,
): Promise<{
  record: CtlpView | null;
  risks: RiskView[];
  linked: string[];
  items: LinkableItem[];
  linkedItems: string[];
}> {
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const record = await repository.ctlpByYear(tx, orgId, year);
    const list = (await repository.risksOf(tx, orgId)).map(viewOf);
    const items = await linkableItems(tx, orgId);
    const linked = record ? (await repository.linkedRiskIds(tx, orgId, [record.id])).map((l) => l.riskId) : [];
    const linkedItems = record ? (await repository.linkedItemIds(tx, orgId, [record.id])).map((l) => l.itemId) : [];
    return {
      record: record
        ? {
            ...record,
            label: yearLabel(year),
            risks: list.filter((r) => linked.includes(r.id)),
            items: items.filter((i) => linkedItems.includes(i.id)),
          }
        : null,
      risks: list,
      linked,
      items,
      linkedItems,
    };
  });
}

const asList = (v: unknown) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);

const ctlpFields = z.object({
  briefingReceivedOn: z.preprocess(blankToUndefined, z.string().refine(isRealDate, 'Enter a real date').optional()),
  themes: optionalText(4000, 'Themes'),
  priorityArea: z.enum(['yes', 'no'], { error: 'Say whether the area is a Prevent priority area' }),
  programmeReferences: optionalText(2000, 'Other work programme references'),
  riskIds: z.preprocess(asList, z.array(z.string())),
  itemIds: z.preprocess(asList, z.array(z.string())),
});

export async function saveCtlp(
  db: Db,
  ctx: RequestContext,
  year: number,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  const f = parseInput(ctlpFields, input);
  if (f.briefingReceivedOn && f.briefingReceivedOn > today)
    throw new InputError({ briefingReceivedOn: 'The date the briefing was received cannot be in the future' });
  refuseIdentifyingText({
    themes: { label: 'The themes', text: f.themes },
    programmeReferences: { label: 'The other references', text: f.programmeReferences },
  });
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const own = new Set((await repository.risksOf(tx, orgId)).map((r) => r.id));
    const riskIds = [...new Set(f.riskIds)];
    if (riskIds.some((id) => !own.has(id))) throw new InputError({ riskIds: 'Choose risks from your own register' });
    const ownItems = new Set((await linkableItems(tx, orgId)).map((i) => i.id));
    const itemIds = [...new Set(f.itemIds)];
    if (itemIds.some((id) => !ownItems.has(id))) throw new InputError({ itemIds: 'Choose items from your own work programme' });
    const record = await repository.upsertCtlp(tx, orgId, year, {
      briefingReceivedOn: f.briefingReceivedOn ?? null,
      themes: f.themes ?? null,
      priorityArea: f.priorityArea === 'yes',
      programmeReferences: f.programmeReferences ?? null,
    });
    await repository.setLinkedRisks(tx, orgId, record.id, riskIds);
    await repository.setLinkedItems(tx, orgId, record.id, itemIds);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'ctlp.saved',
      recordType: 'ctlp',
      recordId: record.id,
      details: { year, priorityArea: f.priorityArea === 'yes', risks: riskIds.length, programmeItems: itemIds.length },
    });
  });
}

const signOffFields = z.object({ reviewedOn: pastDate('Enter the date of the annual review') });

/** The accountable lead, and no one else, signs off a year's annual review; their name and the day are kept. */
export async function signOffCtlp(
  db: Db,
  ctx: RequestContext,
  year: number,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  if (!ctx.can('ctlp:sign-off')) throw new ForbiddenError('Only the accountable Prevent lead signs off the CTLP review');
  const f = parseInput(signOffFields, input);
  if (f.reviewedOn > today) throw new InputError({ reviewedOn: 'The date of the review cannot be in the future' });
  await withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const record = await repository.ctlpByYear(tx, orgId, year);
    if (!record) throw new NotFoundError('CTLP record');
    await repository.signOffCtlp(tx, orgId, record.id, {
      reviewedOn: f.reviewedOn,
      signedOffByUserId: ctx.user.id,
      signedOffByName: ctx.user.displayName,
      signedOffOn: today,
    });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'ctlp.signed_off',
      recordType: 'ctlp',
      recordId: record.id,
      details: { year, reviewedOn: f.reviewedOn },
    });
  });
}

/** Organisations whose CTLP review is overdue, for the reminder scan (every organisation: no tenant scope). */
export async function overdueCtlpReviews(
  database: Database | Executor,
  today: string,
): Promise<{ orgId: string; status: CtlpStatus }[]> {
  const db = 'exec' in database && 'kind' in database ? database.db : (database as Executor);
  const byOrg = new Map<string, CtlpRecord[]>();
  for (const record of await repository.allCtlpRecords(db)) {
    byOrg.set(record.orgId, [...(byOrg.get(record.orgId) ?? []), record]);
  }
  return [...byOrg].map(([orgId, records]) => ({ orgId, status: ctlpStatusOf(records, today) })).filter((o) => o.status.overdue);
}

// ---- the commissioner's read-only view of its providers' registers ----

export type Provider = { id: string; name: string; odsCode: string; kindName: string };

export type ProviderRiskSummary = {
  /** Every risk in the register, open or closed: none means the provider has no register. */
  recorded: number;
  open: number;
  /** Open risks with a current score of 15 to 25. */
  extreme: number;
  /** Open risks with a current score of 8 to 12. */
  high: number;
  /** The highest current score of an open risk, with its band. */
  highest: { score: number; band: Band } | null;
  ctlp: CtlpStatus;
};

/** One provider's figures, worked out from its counts of risks by status and current score and its CTLP records. */
export function providerSummaryOf(counts: repository.ScoreCount[], records: CtlpRecord[], today: string): ProviderRiskSummary {
  const open = counts.filter((c) => c.status === 'open');
  const total = (list: repository.ScoreCount[]) => list.reduce((n, c) => n + c.count, 0);
  const top = open.reduce<number | null>((max, c) => (max === null || c.score > max ? c.score : max), null);
  return {
    recorded: total(counts),
    open: total(open),
    extreme: total(open.filter((c) => bandOf(c.score) === 'extreme')),
    high: total(open.filter((c) => bandOf(c.score) === 'high')),
    highest: top === null ? null : { score: top, band: bandOf(top) },
    ctlp: ctlpStatusOf(records, today),
  };
}

/**
 * The providers the active ICB commissions, and no others: the commissioner's pages check every
 * provider id against this list before reading anything, rather than rely on row-level security alone.
 */
async function commissionedProviders(db: Db, ctx: RequestContext): Promise<Provider[]> {
  if (!ctx.can('risks:providers')) throw new ForbiddenError('Only a commissioner reads its providers’ risk registers');
  const icb = ctx.user.activeOrg;
  return (await organisations.providersInReach(db, ctx))
    .filter((o) => o.commissionerId === icb.id)
    .map((o) => ({ id: o.id, name: o.name, odsCode: o.odsCode, kindName: organisations.kindNames[o.kind] }));
}

/** Each commissioned provider with the figures of its register and its CTLP review, in the order of their names. */
export async function providersOverview(
  db: Db,
  ctx: RequestContext,
  today = todayInLondon(),
): Promise<(ProviderRiskSummary & { org: Provider })[]> {
  const providers = await commissionedProviders(db, ctx);
  const ids = providers.map((p) => p.id);
  // The commissioner's own scope: row-level security lets it read, never change, its providers' rows.
  const { counts, records } = await withScope(db, ctx.scope, async (tx) => ({
    counts: await repository.scoreCountsOf(tx, ids),
    records: await repository.ctlpRecordsOfOrgs(tx, ids),
  }));
  return providers.map((org) => ({
    org,
    ...providerSummaryOf(
      counts.filter((c) => c.orgId === org.id),
      records.filter((r) => r.orgId === org.id),
      today,
    ),
  }));
}

export type ProviderRegister = Register & { org: Provider; ctlp: { status: CtlpStatus; records: CtlpView[] } };

/** One commissioned provider's register and CTLP records, to read. Any other id is not found. */
export async function providerRegister(
  db: Db,
  ctx: RequestContext,
  orgId: string,
  today = todayInLondon(),
): Promise<ProviderRegister> {
  const providers = await commissionedProviders(db, ctx);
  const org = providers.find((p) => p.id === orgId);
  if (!org) throw new NotFoundError('provider');
  return withScope(db, ctx.scope, async (tx) => {
    const list = await repository.risksOf(tx, org.id);
    const register = registerOf(list);
    return { org, ...register, ctlp: await ctlpOf(tx, org.id, register.risks, today) };
  });
}

export const bands: readonly Band[] = ['low', 'moderate', 'high', 'extreme'];

/** How many of the organisation's open risks are in each band now, inside a transaction scoped to it (month-end figures, reports). */
export async function openRisksByBandIn(tx: Executor, orgId: string): Promise<Record<Band, number>> {
  const counted: Record<Band, number> = { low: 0, moderate: 0, high: 0, extreme: 0 };
  for (const row of await repository.scoreCountsOf(tx, [orgId])) {
    if (row.status === 'open') counted[bandOf(row.score)] += row.count;
  }
  return counted;
}
