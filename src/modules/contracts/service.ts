import { z } from 'zod';
import type { Database, Db, Executor } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { outgoingTextProblems, refuseIdentifyingText } from '../../platform/anonymiser/outgoing.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addMonths, isRealDate, spokenDate, todayInLondon } from '../../platform/dates.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs/queue.ts';
import { commissionerLeadRoles, preventLeadRoles } from '../../platform/permissions.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { notifyRoles } from '../notifications/service.ts';
import * as organisations from '../organisations/service.ts';
import * as repository from './repository.ts';
import {
  type CheckItem,
  type ContractFigures,
  checkedItemsOf,
  checkItemNames,
  checkItems,
  figuresOf,
  inForce,
  overdueOn,
  ratingNames,
  reviewOverdue,
} from './rules.ts';
import { type Rating, ratings } from './schema.ts';

export { type ContractFigures, checkItemNames, checkItems, ratingNames, ratings };
export type Contract = repository.ContractRow;
export type Organisation = organisations.Organisation;

// ---- whose register ----

/**
 * Which side of the register a person is on: an ICB's (the commissioner keeps the register of the
 * providers it commissions now), or a provider's (it reads its own contracts, checks and actions).
 */
export type Side =
  | { kind: 'commissioner'; icb: Organisation; providers: Organisation[]; canManage: boolean }
  | { kind: 'provider'; provider: Organisation; commissioner: Organisation | null };

/** The person's side, or null for an organisation that is neither an ICB nor a provider (a region). */
async function sideOrNull(db: Db, ctx: RequestContext): Promise<Side | null> {
  const active = ctx.user.activeOrg;
  const area = await organisations.commissioningAreaOf(db, active.id);
  if (active.kind === 'icb') {
    const icb = area?.commissioner ?? (await organisations.findById(db, active.id));
    if (!icb) throw new NotFoundError('organisation');
    const providers = (area?.members ?? []).filter((o) => organisations.providerKinds.includes(o.kind));
    return { kind: 'commissioner', icb, providers, canManage: ctx.can.actFor(icb.id, 'contracts:manage') };
  }
  if (!organisations.providerKinds.includes(active.kind)) return null;
  const provider = area?.members.find((o) => o.id === active.id) ?? (await organisations.findById(db, active.id));
  if (!provider) throw new NotFoundError('organisation');
  return { kind: 'provider', provider, commissioner: area?.commissioner ?? null };
}

export async function sideOf(db: Db, ctx: RequestContext): Promise<Side> {
  const side = await sideOrNull(db, ctx);
  if (!side) throw new ForbiddenError('Contracts are kept by an ICB and the providers it commissions');
  return side;
}

const reachOf = (side: Side): repository.Reach =>
  side.kind === 'commissioner'
    ? { icbOrgId: side.icb.id, providerOrgIds: side.providers.map((p) => p.id) }
    : { providerOrgId: side.provider.id };

/** Whether a row is the side's to read: the ICB's own with a provider it commissions now, or the provider's own. */
const reaches = (side: Side, row: { icbOrgId: string; providerOrgId: string }) =>
  side.kind === 'commissioner'
    ? row.icbOrgId === side.icb.id && side.providers.some((p) => p.id === row.providerOrgId)
    : row.providerOrgId === side.provider.id;

function managerOf(side: Side): Extract<Side, { kind: 'commissioner' }> {
  if (side.kind !== 'commissioner' || !side.canManage)
    throw new ForbiddenError('Only the commissioning ICB’s lead keeps the contract register');
  return side;
}

function providerIn(side: Side, providerId: string): Organisation {
  const found = side.kind === 'commissioner' ? side.providers.find((p) => p.id === providerId) : side.provider;
  if (!found || found.id !== providerId) throw new NotFoundError('provider');
  return found;
}

const nameOf = (side: Side, orgId: string) => {
  const all = side.kind === 'commissioner' ? [side.icb, ...side.providers] : [side.provider, side.commissioner];
  return all.find((o) => o?.id === orgId)?.name ?? 'A former commissioner';
};

// ---- views ----

export type ContractView = Contract & { inForce: boolean; reviewOverdue: boolean; ended: boolean };
export type CheckView = repository.CheckRow & {
  ratingName: string;
  checkedNames: string[];
  /** Each thing a check can look at, and whether this one did. */
  checkedAll: { name: string; checked: boolean }[];
  contractName: string;
  openActions: number;
  overdueActions: number;
};
export type ActionView = repository.ActionRow & {
  ownerOrgName: string;
  ownedByProvider: boolean;
  overdue: boolean;
  canMarkDone: boolean;
  checkedOn: string;
};

const contractView = (c: Contract, today: string): ContractView => ({
  ...c,
  inForce: inForce(c, today),
  reviewOverdue: reviewOverdue(c, today),
  ended: c.endsOn !== null && c.endsOn < today,
});

function actionView(side: Side, ctx: RequestContext, a: repository.ActionRow, checkedOn: string, today: string): ActionView {
  const mine = a.ownerOrgId === ctx.user.activeOrg.id && a.ownerOrgId === a.providerOrgId;
  return {
    ...a,
    ownerOrgName: nameOf(side, a.ownerOrgId),
    ownedByProvider: a.ownerOrgId === a.providerOrgId,
    overdue: overdueOn(a, checkedOn, today),
    canMarkDone: a.status === 'open' && ((side.kind === 'commissioner' && side.canManage) || (mine && ctx.can('contracts:read'))),
    checkedOn,
  };
}

function checkView(c: repository.CheckRow, contracts: Contract[], actions: repository.ActionRow[], today: string): CheckView {
  const own = actions.filter((a) => a.checkId === c.id);
  return {
    ...c,
    ratingName: ratingNames[c.rating],
    checkedNames: checkedItemsOf(c).map((item) => checkItemNames[item]),
    checkedAll: checkItems.map((item) => ({ name: checkItemNames[item], checked: checkedItemsOf(c).includes(item) })),
    contractName: contracts.find((k) => k.id === c.contractId)?.name ?? '',
    openActions: own.filter((a) => a.status === 'open').length,
    overdueActions: own.filter((a) => overdueOn(a, c.checkedOn, today)).length,
  };
}

// ---- figures ----

type Rows = { contracts: Contract[]; checks: repository.CheckRow[]; actions: repository.ActionRow[] };

async function rowsIn(tx: Executor, side: Side): Promise<Rows> {
  const reach = reachOf(side);
  return {
    contracts: await repository.contractsIn(tx, reach),
    checks: await repository.checksIn(tx, reach),
    actions: await repository.actionsIn(tx, reach),
  };
}

const figuresFor = (org: Organisation, rows: Rows, day: string) =>
  figuresOf(
    org,
    rows.contracts.filter((c) => c.providerOrgId === org.id),
    rows.checks.filter((c) => c.providerOrgId === org.id),
    rows.actions.filter((a) => a.providerOrgId === org.id),
    day,
  );

/**
 * The contract figures the assurance module reads, as they stood on `asAt`: for an ICB, one entry
 * per provider it commissions (in the order of their names); for a provider, one entry, its own
 * (all its contracts, whichever ICB holds them). Nothing for any other organisation. See
 * ContractFigures in rules.ts for what each figure means.
 */
export async function contractFigures(db: Db, ctx: RequestContext, asAt: string = todayInLondon()): Promise<ContractFigures[]> {
  const side = await sideOrNull(db, ctx);
  if (!side) return [];
  const rows = await withScope(db, ctx.scope, (tx) => rowsIn(tx, side));
  const orgs = side.kind === 'commissioner' ? side.providers : [side.provider];
  return orgs.map((org) => figuresFor(org, rows, asAt));
}

/**
 * For the core standards: how an ICB's register stands as at a day, in the caller's unit of work — how many
 * providers it commissions, how many have a contract in force holding SC32, how many had a quality check in
 * the 12 months to the day, and how many check actions are overdue.
 */
export async function contractStandingIn(tx: Executor, icbOrgId: string, asAt: string) {
  const area = await organisations.commissioningAreaOf(tx, icbOrgId);
  const icb = area?.commissioner ?? (await organisations.findById(tx, icbOrgId));
  if (!icb) throw new NotFoundError('organisation');
  const providers = (area?.members ?? []).filter((o) => organisations.providerKinds.includes(o.kind));
  const rows = await rowsIn(tx, { kind: 'commissioner', icb, providers, canManage: false });
  const figures = providers.map((org) => figuresFor(org, rows, asAt));
  const yearAgo = addMonths(asAt, -12);
  return {
    providers: figures.length,
    withSc32: figures.filter((f) => f.hasContract && f.sc32Included).length,
    checkedIn12Months: figures.filter((f) => f.lastCheck !== null && f.lastCheck.checkedOn > yearAgo).length,
    overdueActions: figures.reduce((n, f) => n + f.overdueActions, 0),
  };
}

// ---- pages ----

export type RegisterRow = ContractFigures & { kindName: string; contracts: ContractView[] };

/** The commissioner's register: one row per provider it commissions, with its contracts in force. */
export async function register(db: Db, ctx: RequestContext, today = todayInLondon()) {
  const side = await sideOf(db, ctx);
  if (side.kind !== 'commissioner') throw new ForbiddenError('Only an ICB keeps a contract register');
  const rows = await withScope(db, ctx.scope, (tx) => rowsIn(tx, side));
  const list: RegisterRow[] = side.providers.map((org) => ({
    ...figuresFor(org, rows, today),
    kindName: organisations.kindNames[org.kind],
    contracts: rows.contracts.filter((c) => c.providerOrgId === org.id && inForce(c, today)).map((c) => contractView(c, today)),
  }));
  return { side, providers: list, ratingNames };
}

/** One provider's contracts, their quality checks and the checks' actions: the ICB's for a provider, or the provider's own. */
export async function providerContracts(db: Db, ctx: RequestContext, providerId: string, today = todayInLondon()) {
  const side = await sideOf(db, ctx);
  const provider = providerIn(side, providerId);
  const rows = await withScope(db, ctx.scope, (tx) => rowsIn(tx, side));
  const own = (r: { providerOrgId: string }) => r.providerOrgId === provider.id;
  const contracts = rows.contracts.filter(own);
  const actions = rows.actions.filter(own);
  const checks = rows.checks.filter(own);
  const checkedOn = new Map(checks.map((c) => [c.id, c.checkedOn]));
  return {
    side,
    provider,
    commissionerName: side.kind === 'commissioner' ? side.icb.name : (side.commissioner?.name ?? null),
    canManage: side.kind === 'commissioner' && side.canManage,
    figures: figuresFor(provider, rows, today),
    contracts: contracts.map((c) => contractView(c, today)),
    checks: checks.map((c) => checkView(c, contracts, actions, today)),
    actions: actions
      .filter((a) => a.status === 'open')
      .map((a) => actionView(side, ctx, a, checkedOn.get(a.checkId) ?? '', today)),
  };
}

/** A contract the person's side reaches, or not found. */
export async function getContract(db: Db, ctx: RequestContext, id: string, today = todayInLondon()) {
  const side = await sideOf(db, ctx);
  const contract = await withScope(db, ctx.scope, (tx) => repository.contractById(tx, id));
  if (!contract || !reaches(side, contract)) throw new NotFoundError('contract');
  return { side, provider: providerIn(side, contract.providerOrgId), contract: contractView(contract, today) };
}

/** A quality check with its actions. */
export async function checkPage(db: Db, ctx: RequestContext, id: string, today = todayInLondon()) {
  const side = await sideOf(db, ctx);
  return withScope(db, ctx.scope, async (tx) => {
    const check = await repository.checkById(tx, id);
    if (!check || !reaches(side, check)) throw new NotFoundError('quality check');
    const contract = await repository.contractById(tx, check.contractId);
    if (!contract) throw new NotFoundError('contract');
    const actions = (await repository.actionsIn(tx, reachOf(side))).filter((a) => a.checkId === id);
    return {
      side,
      provider: providerIn(side, check.providerOrgId),
      icbName: nameOf(side, check.icbOrgId),
      canManage: side.kind === 'commissioner' && side.canManage,
      contract: contractView(contract, today),
      check: checkView(check, [contract], actions, today),
      actions: actions.map((a) => actionView(side, ctx, a, check.checkedOn, today)),
    };
  });
}

// ---- the contract form ----

const text = (label: string, max: number, missing: string) =>
  z.preprocess(blankToUndefined, z.string({ error: missing }).max(max, `${label} must be ${max} characters or fewer`));
const optionalText = (label: string, max: number) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());
const day = (missing: string, what: string) =>
  z.preprocess(blankToUndefined, z.string({ error: missing }).refine(isRealDate, `Enter a real ${what}`));
const optionalDay = (what: string) =>
  z.preprocess(blankToUndefined, z.string().refine(isRealDate, `Enter a real ${what}`).optional());

const contractFields = z.object({
  name: text('The contract’s name', 200, 'Enter the contract’s name'),
  reference: optionalText('The reference', 100),
  sc32Included: z.enum(['yes', 'no'], {
    error: 'Say whether the Prevent clauses of SC32 (Safeguarding) are in the contract',
  }),
  startsOn: day('Enter the date the contract starts', 'start date'),
  endsOn: optionalDay('end date'),
  reviewOn: day('Enter the date the contract is next to be reviewed', 'review date'),
  notes: optionalText('Notes', 4000),
});

function contractRow(input: unknown): repository.ContractFields {
  const f = parseInput(contractFields, input);
  // The provider reads its contracts' notes.
  const errors: Record<string, string> = outgoingTextProblems({ notes: { label: 'The notes', text: f.notes } });
  if (f.endsOn && f.endsOn < f.startsOn)
    errors.endsOn = `The end date cannot be before the start date (${spokenDate(f.startsOn)})`;
  if (f.reviewOn < f.startsOn) errors.reviewOn = `The review date cannot be before the start date (${spokenDate(f.startsOn)})`;
  if (Object.keys(errors).length) throw new InputError(errors);
  return {
    name: f.name,
    reference: f.reference ?? null,
    sc32Included: f.sc32Included === 'yes',
    startsOn: f.startsOn,
    endsOn: f.endsOn ?? null,
    reviewOn: f.reviewOn,
    notes: f.notes ?? null,
  };
}

const providerField = z.object({
  providerOrgId: z.preprocess(blankToUndefined, z.string({ error: 'Choose the provider the contract is with' })),
});

/** The commissioner adds a contract with a provider it commissions. */
export async function addContract(db: Db, ctx: RequestContext, input: unknown): Promise<Contract> {
  const side = managerOf(await sideOf(db, ctx));
  const picked = providerField.safeParse(input);
  const provider = picked.success ? side.providers.find((p) => p.id === picked.data.providerOrgId) : undefined;
  const errors: Record<string, string> = {};
  if (!provider)
    errors.providerOrgId = picked.success ? 'Choose a provider your ICB commissions' : 'Choose the provider the contract is with';
  let row: repository.ContractFields | undefined;
  try {
    row = contractRow(input);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    Object.assign(errors, error.fieldErrors);
  }
  if (!provider || !row || Object.keys(errors).length) throw new InputError(errors);
  const fields = row;
  return withScope(db, ctx.scope, async (tx) => {
    const created = await repository.insertContract(tx, { icbOrgId: side.icb.id, providerOrgId: provider.id }, fields);
    await audit.record(tx, ctx.actor, {
      orgId: side.icb.id,
      action: 'contract.added',
      recordType: 'contract',
      recordId: created.id,
      details: { provider: provider.odsCode, sc32Included: fields.sc32Included, reviewOn: fields.reviewOn },
    });
    return created;
  });
}

export async function updateContract(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const side = managerOf(await sideOf(db, ctx));
  await withScope(db, ctx.scope, async (tx) => {
    const contract = await repository.contractById(tx, id);
    if (!contract || !reaches(side, contract)) throw new NotFoundError('contract');
    const fields = contractRow(input);
    await repository.updateContract(tx, id, fields);
    await audit.record(tx, ctx.actor, {
      orgId: side.icb.id,
      action: 'contract.updated',
      recordType: 'contract',
      recordId: id,
      details: {
        provider: providerIn(side, contract.providerOrgId).odsCode,
        sc32Included: fields.sc32Included,
        reviewOn: fields.reviewOn,
        endsOn: fields.endsOn ?? null,
      },
    });
  });
}

// ---- quality checks ----

const asList = (v: unknown) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);

const checkFields = (today: string, contract: Contract) =>
  z.object({
    checkedOn: day('Enter the date of the check', 'date for the check')
      .refine((d) => d <= today, 'The date of the check cannot be in the future')
      .refine(
        (d) => d >= contract.startsOn,
        `The check cannot be before the contract started (${spokenDate(contract.startsOn)})`,
      ),
    checked: z.preprocess(
      asList,
      z
        .array(z.string())
        .min(1, 'Tick at least one thing you checked')
        .refine((list) => list.every((v) => (checkItems as readonly string[]).includes(v)), 'Tick only the things listed'),
    ),
    findings: text('Findings', 10_000, 'Enter what the check found'),
    rating: z.enum(ratings, { error: 'Choose a rating: assured, partly assured or not assured' }),
    checkedBy: text('Checked by', 120, 'Enter who did the check'),
  });

export const checkRecordedJob = 'contracts.check-recorded';

/** The commissioner records a quality check of a contract; both sides are told (a job, enqueued with it). */
export async function recordCheck(
  db: Db,
  ctx: RequestContext,
  contractId: string,
  input: unknown,
  today = todayInLondon(),
): Promise<string> {
  const side = managerOf(await sideOf(db, ctx));
  return withScope(db, ctx.scope, async (tx) => {
    const contract = await repository.contractById(tx, contractId);
    if (!contract || !reaches(side, contract)) throw new NotFoundError('contract');
    const f = parseInput(checkFields(today, contract), input);
    refuseIdentifyingText({ findings: { label: 'The findings', text: f.findings } });
    const ticked = new Set(f.checked as CheckItem[]);
    const check = await repository.insertCheck(tx, {
      icbOrgId: contract.icbOrgId,
      providerOrgId: contract.providerOrgId,
      contractId,
      checkedOn: f.checkedOn,
      checkedContract: ticked.has('contract'),
      checkedTraining: ticked.has('training'),
      checkedSafeguarding: ticked.has('safeguarding'),
      findings: f.findings,
      rating: f.rating,
      checkedBy: f.checkedBy,
      recordedBy: ctx.user.id,
    });
    await audit.record(tx, ctx.actor, {
      orgId: side.icb.id,
      action: 'contract_check.recorded',
      recordType: 'contract_check',
      recordId: check.id,
      details: {
        provider: providerIn(side, contract.providerOrgId).odsCode,
        contractId,
        checkedOn: f.checkedOn,
        checked: checkItems.filter((item) => ticked.has(item)).join(', '),
        rating: f.rating,
      },
    });
    await enqueueJob(tx, checkRecordedJob, { checkId: check.id });
    return check.id;
  });
}

/** The job: the provider's Prevent leads and the ICB's commissioner leads are told of a check. */
export async function tellBothSides(database: Database, payload: Record<string, unknown>): Promise<void> {
  const found = await repository.checkWithContract(database.db, String(payload.checkId));
  if (!found) return;
  const { check, contract } = found;
  const [icb, provider] = await Promise.all([
    organisations.findById(database.db, check.icbOrgId),
    organisations.findById(database.db, check.providerOrgId),
  ]);
  if (!icb || !provider) return;
  const body = `${icb.name} recorded a contract quality check of “${contract.name}” with ${provider.name}, done on ${spokenDate(check.checkedOn)}: ${ratingNames[check.rating].toLowerCase()}.`;
  const message = { kind: 'contract-check', body, link: `/contracts/checks/${check.id}` };
  await notifyRoles(database, provider.id, preventLeadRoles, { ...message, title: 'Contract quality check recorded' });
  await notifyRoles(database, icb.id, commissionerLeadRoles, {
    ...message,
    title: `${provider.name}: contract quality check recorded`,
  });
}

// ---- actions ----

const actionFields = (check: repository.CheckRow) =>
  z.object({
    description: text('The action', 2000, 'Enter what is to be done'),
    ownedBy: z.enum(['provider', 'icb'], { error: 'Choose who owns the action: the provider or the ICB' }),
    ownerName: text('The owner', 120, 'Enter the name of the person who owns the action'),
    dueOn: day('Enter the date the action is due', 'due date').refine(
      (d) => d >= check.checkedOn,
      `The due date cannot be before the check (${spokenDate(check.checkedOn)})`,
    ),
  });

/** The commissioner adds an action to a check, owned in the provider or in the ICB. */
export async function addAction(db: Db, ctx: RequestContext, checkId: string, input: unknown): Promise<void> {
  const side = managerOf(await sideOf(db, ctx));
  await withScope(db, ctx.scope, async (tx) => {
    const check = await repository.checkById(tx, checkId);
    if (!check || !reaches(side, check)) throw new NotFoundError('quality check');
    const f = parseInput(actionFields(check), input);
    refuseIdentifyingText({ description: { label: 'The action', text: f.description } });
    const action = await repository.insertAction(tx, {
      icbOrgId: check.icbOrgId,
      providerOrgId: check.providerOrgId,
      checkId,
      description: f.description,
      ownerOrgId: f.ownedBy === 'icb' ? check.icbOrgId : check.providerOrgId,
      ownerName: f.ownerName,
      dueOn: f.dueOn,
    });
    await audit.record(tx, ctx.actor, {
      orgId: side.icb.id,
      action: 'contract_action.added',
      recordType: 'contract_action',
      recordId: action.id,
      details: { provider: providerIn(side, check.providerOrgId).odsCode, checkId, ownedBy: f.ownedBy, dueOn: f.dueOn },
    });
  });
}

/**
 * Marks an action done today: the commissioner any of the register's, a provider's leads only the
 * actions their organisation owns. Marking one already done changes nothing. Returns its check.
 */
export async function markActionDone(db: Db, ctx: RequestContext, id: string, today = todayInLondon()): Promise<string> {
  const side = await sideOf(db, ctx);
  return withScope(db, ctx.scope, async (tx) => {
    const action = await repository.actionById(tx, id);
    if (!action || !reaches(side, action)) throw new NotFoundError('action');
    const check = await repository.checkById(tx, action.checkId);
    const view = actionView(side, ctx, action, check?.checkedOn ?? today, today);
    if (action.status === 'done') return action.checkId;
    if (!view.canMarkDone) throw new ForbiddenError('Only the ICB or the organisation that owns the action can mark it done');
    await repository.markActionDone(tx, id, today, ctx.user.displayName);
    await audit.record(tx, ctx.actor, {
      orgId: ctx.user.activeOrg.id,
      action: 'contract_action.done',
      recordType: 'contract_action',
      recordId: id,
      details: { checkId: action.checkId, ownedBy: view.ownedByProvider ? 'provider' : 'icb', doneOn: today },
    });
    return action.checkId;
  });
}

/** Open actions past their due date, everywhere, with who owns them: for the reminder scan (no tenant scope). */
export async function overdueActionsEverywhere(database: Database, today: string) {
  const actions = await repository.overdueActions(database.db, today);
  const ids = [...new Set(actions.flatMap((a) => [a.icbOrgId, a.providerOrgId]))];
  const names = new Map((await organisations.findByIds(database.db, ids)).map((o) => [o.id, o.name]));
  return actions.map((a) => ({
    ...a,
    ownedByProvider: a.ownerOrgId === a.providerOrgId,
    providerName: names.get(a.providerOrgId) ?? 'the provider',
    icbName: names.get(a.icbOrgId) ?? 'the ICB',
  }));
}

export type { Rating };
