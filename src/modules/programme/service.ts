import type { Database, Db, Executor, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import * as audit from '../audit/service.ts';
import type { OrganisationKind } from '../organisations/service.ts';
import * as users from '../users/service.ts';
import type { ItemRow, ProgrammeRow } from './repository.ts';
import * as repository from './repository.ts';
import { type EvidenceLink, type ItemStatus, itemStatuses, type ProgrammeArea, programmeAreas } from './schema.ts';
import {
  currentYearIn,
  dayWithin,
  oneYearOn,
  type ProgrammeYear,
  programmeFor,
  programmeYearWindow,
  startMonthOf,
  windowFor,
  yearLabel,
  yearOf,
} from './years.ts';

export { type EvidenceLink, type ItemStatus, itemStatuses, type ProgrammeArea, programmeAreas };
export type Programme = ProgrammeRow;
export type Item = ItemRow;
// The routes, the demo and the tests take all of the programme through this service.
export { addItem, deleteItem, maxEvidenceLinks, parseEvidence, updateItem } from './items.ts';
export {
  currentYear,
  dayWithin,
  defaultYearStartMonth,
  oneYearOn,
  type ProgrammeYear,
  programmeYearContaining,
  programmeYearWindow,
  updateSettings,
  yearLabel,
  yearOf,
  yearStartMonth,
} from './years.ts';

export const areaNames: Record<ProgrammeArea, string> = {
  training_needs_analysis: 'Training needs analysis',
  risk_assessment: 'Risk assessment',
  changes: 'Changes to legislation, guidance and the organisation',
  local_delivery: 'Local Prevent delivery, Channel and the partnership plan',
  primary_care: 'Engaging GPs and other primary care',
  other: 'Other',
};

export const statusNames: Record<ItemStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  done: 'Done',
};

// ---------------------------------------------------------------------------------------------
// What the standard requires

type RequiredItem = { area: ProgrammeArea; title: string };

const commissionerItems: RequiredItem[] = [
  {
    area: 'training_needs_analysis',
    title: 'Undertake and maintain a training needs analysis for the board’s own staff and to support providers across the area',
  },
  {
    area: 'risk_assessment',
    title:
      'Undertake a risk assessment to inform training requirements and the management of risk to and from people susceptible to radicalisation',
  },
  {
    area: 'changes',
    title: 'Take account of changes to legislation and guidance, and of organisational, structural and staff changes',
  },
  {
    area: 'local_delivery',
    title:
      'Engage with local Prevent delivery, including Channel, and contribute to the local multi-agency Prevent partnership plan',
  },
  { area: 'primary_care', title: 'Put in place measures to engage GPs and other primary care providers with Prevent' },
];

const providerItems: RequiredItem[] = [
  {
    area: 'training_needs_analysis',
    title:
      'Undertake and maintain a Prevent training needs analysis, aligned to the NHS England Prevent training and competencies framework',
  },
  {
    area: 'risk_assessment',
    title:
      'Undertake a risk assessment, reflecting the counter terrorism local profile, to inform training and the management of Prevent risk',
  },
  {
    area: 'changes',
    title: 'Take account of changes to legislation and guidance, and of organisational, structural and staff changes',
  },
  {
    area: 'local_delivery',
    title:
      'Engage with local Prevent delivery, including Channel, and contribute to the local multi-agency Prevent partnership plan',
  },
];

/** The items a new programme starts with: commissioners (ICBs) also engage primary care. */
export function requiredItemsFor(kind: OrganisationKind): RequiredItem[] {
  if (kind === 'icb') return commissionerItems;
  if (kind === 'nhse_region') {
    throw new InputError({ form: 'NHS England regions do not keep a Prevent work programme of their own' });
  }
  return providerItems;
}

// ---------------------------------------------------------------------------------------------
// Reading

export type Progress = {
  total: number;
  done: number;
  inProgress: number;
  notStarted: number;
  percent: number;
  overdue: number;
};

export const isOverdue = (item: Pick<Item, 'status' | 'dueOn'>, today: string) =>
  item.status !== 'done' && item.dueOn !== null && item.dueOn < today;

export function progressOf(items: Pick<Item, 'status' | 'dueOn'>[], today: string): Progress {
  const count = (status: ItemStatus) => items.filter((i) => i.status === status).length;
  const done = count('done');
  return {
    total: items.length,
    done,
    inProgress: count('in_progress'),
    notStarted: count('not_started'),
    percent: items.length ? Math.round((done / items.length) * 100) : 0,
    overdue: items.filter((i) => isOverdue(i, today)).length,
  };
}

/**
 * Progress of the programme running on `today` for an organisation, or null if none is.
 * Reads with the caller's scope: call it inside a unit of work whose scope may read that
 * organisation (itself, or its commissioning ICB: row-level security lets a commissioner read).
 */
export async function programmeProgress(
  db: Executor,
  orgId: string,
  today: string,
): Promise<{ year: number; total: number; done: number; percent: number; overdue: number } | null> {
  const programme = await repository.programmeContaining(db, orgId, today);
  if (!programme) return null;
  const { total, done, percent, overdue } = progressOf(await repository.itemsOf(db, programme.id), today);
  return { year: yearOf(programme), total, done, percent, overdue };
}

export type ProgrammeStanding = {
  year: number;
  label: string;
  total: number;
  done: number;
  overdue: number;
  /** The names of the areas the standard requires of this kind of organisation that no item covers. */
  missingAreas: string[];
};

/**
 * Each organisation's programme running on `day` measured against the standard: its items, those overdue,
 * and the required areas it does not cover; null if none is running. Two queries in the caller's scope.
 */
export async function programmeStandingOf(
  tx: Executor,
  orgs: readonly { id: string; kind: OrganisationKind }[],
  day: string,
): Promise<Map<string, ProgrammeStanding | null>> {
  const programmes = await repository.programmesContaining(
    tx,
    orgs.map((o) => o.id),
    day,
  );
  const allItems = await repository.itemsOfProgrammes(
    tx,
    programmes.map((p) => p.id),
  );
  return new Map(
    orgs.map(({ id, kind }) => {
      const programme = programmes.find((p) => p.orgId === id);
      if (!programme) return [id, null];
      const items = allItems.filter((i) => i.programmeId === programme.id);
      const { total, done, overdue } = progressOf(items, day);
      const held = new Set(items.map((i) => i.area));
      const missingAreas = requiredItemsFor(kind)
        .filter((r) => !held.has(r.area))
        .map((r) => areaNames[r.area]);
      const label = yearLabel(programme.startsOn, programme.endsOn);
      return [id, { year: yearOf(programme), label, total, done, overdue, missingAreas }];
    }),
  );
}

export type DueItem = repository.DueItemRow;

/** How far ahead a reminder warns that an item is due. */
export const dueSoonDays = 14;

/**
 * For reminders: every organisation's items not done that fall due within 14 days (today
 * included), and those already overdue. Runs as the service itself, across organisations.
 */
export async function dueAndOverdueItems(
  database: Database | Executor,
  today: string,
): Promise<{ dueSoon: DueItem[]; overdue: DueItem[] }> {
  const db = 'exec' in database && 'kind' in database ? database.db : database;
  return {
    dueSoon: await repository.openItemsDueBetween(db, today, addDays(today, dueSoonDays)),
    overdue: await repository.openItemsDueBefore(db, today),
  };
}

/**
 * The own organisation's items not done that are overdue or fall due within 14 days (today included),
 * for those who may update them; null for anyone else.
 */
export async function itemsToUpdate(
  db: Db,
  ctx: RequestContext,
  today: string,
): Promise<{ dueSoon: DueItem[]; overdue: DueItem[] } | null> {
  const orgId = ctx.user.activeOrg.id;
  if (!ctx.can.actFor(orgId, 'programme:edit')) return null;
  const open = await withScope(db, ctx.scope, (tx) => repository.openItemsOfDueBy(tx, orgId, addDays(today, dueSoonDays)));
  return { overdue: open.filter((i) => i.dueOn < today), dueSoon: open.filter((i) => i.dueOn >= today) };
}

export type ItemView = Item & { ownerLabel: string; overdue: boolean; areaName: string; statusName: string };

export type YearSummary = { year: number; label: string; total: number; done: number; percent: number };

export type ProgrammePage = {
  year: number;
  label: string;
  currentYear: number;
  programme: (Programme & { label: string; copiedFromYear: number | null }) | null;
  /** The dates a programme for this year would run, when there is none yet. */
  proposed: ProgrammeYear | null;
  items: ItemView[];
  progress: Progress;
  years: YearSummary[];
  /** The year may be started now: the current year or the next. */
  canStart: boolean;
  /** Last year's programme, which this year's can be copied forward from. */
  previousYear: number | null;
  /** The next year's programme can be started from this one. */
  canCopyForward: boolean;
  notKept: boolean;
};

async function ownerNames(db: Db, ctx: RequestContext): Promise<Map<string, string>> {
  const members = await users.listMembers(db, ctx);
  return new Map(members.map((m) => [m.user.id, m.user.displayName]));
}

function viewOf(item: Item, names: Map<string, string>, today: string): ItemView {
  const ownerLabel = item.ownerUserId ? (names.get(item.ownerUserId) ?? 'A former member of staff') : (item.ownerName ?? '');
  return {
    ...item,
    ownerLabel,
    overdue: isOverdue(item, today),
    areaName: areaNames[item.area],
    statusName: statusNames[item.status],
  };
}

export async function programmePage(
  db: Db,
  ctx: RequestContext,
  year: number | null,
  today = todayInLondon(),
): Promise<ProgrammePage> {
  const org = ctx.user.activeOrg;
  const names = await ownerNames(db, ctx);
  return withScope(db, ctx.scope, async (tx) => {
    const current = await currentYearIn(tx, org.id, today);
    const shown = year ?? current;
    const all = await repository.programmesOf(tx, org.id);
    const programme = all.find((p) => yearOf(p) === shown);
    const items = programme ? (await repository.itemsOf(tx, programme.id)).map((i) => viewOf(i, names, today)) : [];
    const notKept = org.kind === 'nhse_region';
    const startable = !programme && !notKept && (shown === current || shown === current + 1);
    let proposed: ProgrammeYear | null = null;
    if (startable) {
      try {
        proposed = await windowFor(tx, org.id, shown);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
      }
    }
    const copiedFrom = programme?.copiedFrom ? all.find((p) => p.id === programme.copiedFrom) : undefined;
    const hasYear = (y: number) => all.some((p) => yearOf(p) === y);
    return {
      year: shown,
      label: programme
        ? yearLabel(programme.startsOn, programme.endsOn)
        : yearLabel(...labelDates(shown, proposed, await startMonthOf(tx, org.id))),
      currentYear: current,
      programme: programme
        ? {
            ...programme,
            label: yearLabel(programme.startsOn, programme.endsOn),
            copiedFromYear: copiedFrom ? yearOf(copiedFrom) : null,
          }
        : null,
      proposed,
      items,
      progress: progressOf(items, today),
      years: all.map((p) => ({
        year: yearOf(p),
        label: yearLabel(p.startsOn, p.endsOn),
        total: p.total,
        done: p.done,
        percent: p.total ? Math.round((p.done / p.total) * 100) : 0,
      })),
      canStart: proposed !== null,
      previousYear: proposed && hasYear(shown - 1) ? shown - 1 : null,
      canCopyForward: programme !== undefined && !hasYear(shown + 1) && shown <= current,
      notKept,
    };
  });
}

function labelDates(year: number, proposed: ProgrammeYear | null, startMonth: number): [string, string] {
  if (proposed) return [proposed.startsOn, proposed.endsOn];
  // A year with no programme, and none that could be started now: named as the settings would make it.
  const window = programmeYearWindow(year, startMonth);
  return [window.startsOn, window.endsOn];
}

/** The organisation's programme for a year; another organisation's, or none, is not found. */
export async function getProgramme(
  db: Db,
  ctx: RequestContext,
  year: number,
): Promise<Programme & { year: number; label: string }> {
  const programme = await withScope(db, ctx.scope, (tx) => repository.programmeStartingIn(tx, ctx.user.activeOrg.id, year));
  if (!programme) throw new NotFoundError('work programme');
  return { ...programme, year, label: yearLabel(programme.startsOn, programme.endsOn) };
}

export async function getItem(
  db: Db,
  ctx: RequestContext,
  id: string,
  today = todayInLondon(),
): Promise<{ item: ItemView; programme: Programme & { year: number; label: string } }> {
  const names = await ownerNames(db, ctx);
  const found = await withScope(db, ctx.scope, (tx) => repository.itemOf(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('work programme item');
  const { item, programme } = found;
  return {
    item: viewOf(item, names, today),
    programme: { ...programme, year: yearOf(programme), label: yearLabel(programme.startsOn, programme.endsOn) },
  };
}

/** People who can own an item: those with a current role in the organisation. */
export async function ownerChoices(db: Db, ctx: RequestContext): Promise<{ id: string; name: string }[]> {
  return (await users.activeMembers(db, ctx)).map((u) => ({ id: u.id, name: u.displayName }));
}

// ---------------------------------------------------------------------------------------------
// Changing

/** Only this year's and next year's programmes may be started: earlier ones are history, later ones too far ahead to plan. */
async function checkStartable(tx: Tx, orgId: string, year: number, today: string): Promise<ProgrammeYear> {
  const existing = await repository.programmeStartingIn(tx, orgId, year);
  if (existing) {
    throw new InputError({
      form: `The ${yearLabel(existing.startsOn, existing.endsOn)} programme has already been started`,
    });
  }
  const current = await currentYearIn(tx, orgId, today);
  if (year !== current && year !== current + 1) {
    throw new InputError({ form: 'You can start only this year’s programme or next year’s' });
  }
  return windowFor(tx, orgId, year);
}

/** Starts a year's programme with the items the standard requires of this kind of organisation. */
export async function startProgramme(db: Db, ctx: RequestContext, year: number, today = todayInLondon()): Promise<Programme> {
  const org = ctx.user.activeOrg;
  const required = requiredItemsFor(org.kind);
  return withScope(db, ctx.scope, async (tx) => {
    const window = await checkStartable(tx, org.id, year, today);
    const programme = await repository.insertProgramme(tx, {
      orgId: org.id,
      startsOn: window.startsOn,
      endsOn: window.endsOn,
    });
    // Due by the year's end unless the lead sets an earlier date: nothing is left without one to be reminded about.
    await repository.insertItems(
      tx,
      required.map((r, position) => ({
        orgId: org.id,
        programmeId: programme.id,
        area: r.area,
        title: r.title,
        required: true,
        dueOn: window.endsOn,
        position,
      })),
    );
    await audit.record(tx, ctx.actor, {
      orgId: org.id,
      action: 'programme.started',
      recordType: 'work_programme',
      recordId: programme.id,
      details: { year, startsOn: window.startsOn, endsOn: window.endsOn, items: required.length },
    });
    return programme;
  });
}

/**
 * Starts next year's programme from this one: the same items and owners, due dates a year
 * on, every item not started again, with no notes or evidence (those belong to the year they were written in).
 */
export async function copyForward(db: Db, ctx: RequestContext, fromYear: number, today = todayInLondon()): Promise<Programme> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const source = await programmeFor(tx, orgId, fromYear);
    const existing = await repository.programmeStartingIn(tx, orgId, fromYear + 1);
    if (existing) {
      throw new InputError({
        form: `The ${yearLabel(existing.startsOn, existing.endsOn)} programme already exists, so this one cannot be copied forward to it`,
      });
    }
    const window = await checkStartable(tx, orgId, fromYear + 1, today);
    const programme = await repository.insertProgramme(tx, {
      orgId,
      startsOn: window.startsOn,
      endsOn: window.endsOn,
      copiedFrom: source.id,
    });
    const items = await repository.itemsOf(tx, source.id);
    // After a change of start month the new year is shorter or longer: a date a year on is kept inside it.
    await repository.insertItems(
      tx,
      items.map((item) => ({
        orgId,
        programmeId: programme.id,
        area: item.area,
        title: item.title,
        required: item.required,
        ownerUserId: item.ownerUserId,
        ownerName: item.ownerName,
        dueOn: item.dueOn ? dayWithin(oneYearOn(item.dueOn), window) : null,
        status: 'not_started' as const,
        notes: null,
        evidence: [],
        position: item.position,
      })),
    );
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'programme.copied_forward',
      recordType: 'work_programme',
      recordId: programme.id,
      details: { year: fromYear + 1, fromYear, copiedFrom: source.id, items: items.length },
    });
    return programme;
  });
}

export type LinkableItem = { id: string; title: string; programmeLabel: string };

/**
 * Every item of an organisation's work programmes, the latest year first, for another record to say
 * which items reflect it (the CTLP record). Runs in the caller's transaction and scope.
 */
export async function linkableItems(tx: Executor, orgId: string): Promise<LinkableItem[]> {
  const programmes = [...(await repository.programmesOf(tx, orgId))].sort((a, b) => b.startsOn.localeCompare(a.startsOn));
  const items: LinkableItem[] = [];
  for (const p of programmes) {
    const programmeLabel = yearLabel(p.startsOn, p.endsOn);
    for (const item of await repository.itemsOf(tx, p.id)) items.push({ id: item.id, title: item.title, programmeLabel });
  }
  return items;
}
