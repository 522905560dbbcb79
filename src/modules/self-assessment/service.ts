import { z } from 'zod';
import type { Db, Executor } from '../../db/client.ts';
import { type Scope, withScope } from '../../db/tenancy.ts';
import { outgoingTextProblems, refuseIdentifyingText } from '../../platform/anonymiser/outgoing.ts';
import type { OrganisationSummary, RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { ForbiddenError, InputError, NotFoundError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import { assuranceStatus, type RequirementStatus, statusFor } from '../assurance/service.ts';
import * as audit from '../audit/service.ts';
import type { OrganisationKind } from '../organisations/service.ts';
import { currentEdition, type Edition, editionOf, type Requirement, requirementsFor } from '../standards/service.ts';
import * as repository from './repository.ts';
import {
  type Computed,
  computedOf,
  financialYearOf,
  hasComputedResult,
  isFrozen,
  type PersonAnswer,
  type Resolved,
  resultColours,
  resultNames,
  resultOf,
  type ShownResult,
  statusColours,
  statusNames,
  tally,
  yearLabel,
} from './results.ts';
import { assessmentActionStatuses, overrideResults, personResults } from './schema.ts';

export type Assessment = repository.AssessmentRow;
export type Evidence = repository.EvidenceRow;
export type Action = repository.ActionRow & { overdue: boolean; statusName: string };
export type Decision = repository.EventRow & { comments: Map<string, string> };
export { financialYearOf, resultNames, statusNames, yearLabel };

export const actionStatusNames = { open: 'Not started', in_progress: 'In progress', done: 'Done' } as const;

/** The organisation a version belongs to, as its pages name it. */
export type AssessedOrg = Pick<OrganisationSummary, 'id' | 'name' | 'odsCode' | 'kind'>;

export type RequirementView = {
  requirement: Requirement;
  /** What the rule says (null when no rule computes it). */
  computed: Computed | null;
  /** A rule gave met, partly met or not met: the person adds a note, or overrides a `not met` with a reason. */
  isComputed: boolean;
  answer: (PersonAnswer & { answeredByName: string | null }) | null;
  resolved: Resolved;
  resultName: string;
  resultColour: string;
  evidence: Evidence[];
  actions: Action[];
  /** The commissioner's comment on it at the latest decision of the year, if any. */
  comment: string | null;
};

export type VersionView = {
  assessment: Assessment;
  org: AssessedOrg;
  label: string;
  statusName: string;
  statusColour: string;
  frozen: boolean;
  edition: Pick<Edition, 'edition' | 'title'>;
  sections: { name: string; requirements: RequirementView[] }[];
  requirements: RequirementView[];
  counts: Record<ShownResult, number>;
  /** The commissioner's latest return or acceptance of this year's assessment (any version), with its comments. */
  latestDecision: Decision | null;
};

// ---- building a version's view ----

/** The requirements of an edition that apply to an organisation of this kind, in the edition's order. */
export function applicableRequirements(edition: string, kind: OrganisationKind): Requirement[] {
  return requirementsFor(editionOf(edition), kind);
}

function withOverdue(action: repository.ActionRow, today: string): Action {
  return { ...action, overdue: action.status !== 'done' && action.dueOn < today, statusName: actionStatusNames[action.status] };
}

/**
 * A version as its pages show it. A draft's computed results are today's (`live`); a frozen version's are
 * those stored when it was signed off, never recomputed.
 */
export async function buildVersion(
  tx: Executor,
  row: Assessment,
  org: AssessedOrg,
  live: RequirementStatus[] | null,
  today: string,
): Promise<VersionView> {
  // One after another: a transaction is one connection, which runs one query at a time (pg warns otherwise).
  const answers = await repository.answersOf(tx, row.id);
  const evidence = await repository.evidenceOf(tx, row.id);
  const actions = await repository.actionsOf(tx, row.orgId, row.year);
  const events = await repository.eventsOf(tx, row.orgId, row.year);
  const decided = events.filter((e) => e.event !== 'submitted').at(-1);
  const comments = decided ? await repository.commentsOf(tx, [decided.id]) : [];
  const latestDecision = decided ? { ...decided, comments: new Map(comments.map((c) => [c.requirementId, c.comment])) } : null;
  const frozen = isFrozen(row.status);
  const requirements = applicableRequirements(row.edition, org.kind).map((requirement): RequirementView => {
    const { answer, computed, resolved } = resultOf(requirement.id, answers, frozen, live);
    return {
      requirement,
      computed,
      isComputed: hasComputedResult(computed),
      answer: answer ?? null,
      resolved,
      resultName: resultNames[resolved.result],
      resultColour: resultColours[resolved.result],
      evidence: evidence.filter((e) => e.requirementId === requirement.id),
      actions: actions.filter((a) => a.requirementId === requirement.id).map((a) => withOverdue(a, today)),
      comment: latestDecision?.comments.get(requirement.id) ?? null,
    };
  });
  const sections: VersionView['sections'] = [];
  for (const r of requirements) {
    const section = sections.find((s) => s.name === r.requirement.section);
    if (section) section.requirements.push(r);
    else sections.push({ name: r.requirement.section, requirements: [r] });
  }
  const edition = editionOf(row.edition);
  return {
    assessment: row,
    org,
    label: yearLabel(row.year),
    statusName: statusNames[row.status],
    statusColour: statusColours[row.status],
    frozen,
    edition: { edition: edition.edition, title: edition.title },
    sections,
    requirements,
    counts: tally(requirements.map((r) => r.resolved.result)),
    latestDecision,
  };
}

const ownOrg = (ctx: RequestContext): AssessedOrg => {
  const { id, name, odsCode, kind } = ctx.user.activeOrg;
  return { id, name, odsCode, kind };
};

/** One of the organisation's own versions; anyone else's id is not found. */
async function ownVersion(db: Db, ctx: RequestContext, id: string): Promise<Assessment> {
  const row = await withScope(db, ctx.scope, (tx) => repository.assessmentById(tx, id));
  if (!row || row.orgId !== ctx.user.activeOrg.id) throw new NotFoundError('self-assessment');
  return row;
}

/** Today's computed results for a draft (none for a frozen version: it keeps its own). */
async function liveResults(db: Db, ctx: RequestContext, row: Assessment, today: string): Promise<RequirementStatus[] | null> {
  return isFrozen(row.status) ? null : assuranceStatus(db, ctx, today, editionOf(row.edition));
}

/** One of the organisation's own versions, as its page shows it. */
export async function versionPage(db: Db, ctx: RequestContext, id: string, today = todayInLondon()): Promise<VersionView> {
  const row = await ownVersion(db, ctx, id);
  const live = await liveResults(db, ctx, row, today);
  return withScope(db, ctx.scope, (tx) => buildVersion(tx, row, ownOrg(ctx), live, today));
}

export type Overview = {
  year: number;
  label: string;
  /** The year's latest version, or null before it is started. */
  current: VersionView | null;
  versions: Assessment[];
};

/** This year's self-assessment: its latest version, and the earlier ones. */
export async function overview(db: Db, ctx: RequestContext, today = todayInLondon()): Promise<Overview> {
  const year = financialYearOf(today);
  const versions = await withScope(db, ctx.scope, (tx) => repository.versionsOf(tx, ctx.user.activeOrg.id, year));
  const latest = versions[0];
  if (!latest) return { year, label: yearLabel(year), current: null, versions };
  return { year, label: yearLabel(year), current: await versionPage(db, ctx, latest.id, today), versions };
}

/**
 * What the home page says of this year's assessment: its latest version and how many requirements it has
 * as not met. The same results as the version's page, without reading its evidence, actions and comments.
 */
export async function currentStanding(
  db: Db,
  ctx: RequestContext,
  today = todayInLondon(),
): Promise<{ assessment: Assessment; label: string; notMet: number } | null> {
  const standing = await yearStandingOf(db, ctx.user.activeOrg, financialYearOf(today), today, ctx.scope);
  return standing && { assessment: standing.assessment, label: standing.label, notMet: standing.results.not_met };
}

export type YearStanding = { assessment: Assessment; label: string; results: Record<ShownResult, number> };

/**
 * The latest version of an organisation's self-assessment for a year and how many requirements it has at
 * each result, as its page shows them: for the home page and the board report. With nobody signed in (the
 * command line) the organisation's own scope is used.
 */
export async function yearStandingOf(
  db: Db,
  org: AssessedOrg,
  year: number,
  today = todayInLondon(),
  scope: Scope = { userId: null, orgIds: [org.id] },
): Promise<YearStanding | null> {
  const found = await withScope(db, scope, async (tx) => {
    const [latest] = await repository.versionsOf(tx, org.id, year);
    return latest ? { latest, answers: await repository.answersOf(tx, latest.id) } : null;
  });
  if (!found) return null;
  const { latest, answers } = found;
  const frozen = isFrozen(latest.status);
  const live = frozen ? null : await statusFor(db, scope, org, today, editionOf(latest.edition));
  const results = applicableRequirements(latest.edition, org.kind).map(
    (requirement) => resultOf(requirement.id, answers, frozen, live).resolved.result,
  );
  return { assessment: latest, label: yearLabel(latest.year), results: tally(results) };
}

/**
 * The latest version of an organisation's self-assessment for a year, as its page shows it, read in the
 * organisation's own scope with nobody signed in (the CQC evidence); null before one is started.
 */
export async function latestVersionOf(
  db: Db,
  org: AssessedOrg,
  year: number,
  today = todayInLondon(),
): Promise<VersionView | null> {
  const scope = { userId: null, orgIds: [org.id] };
  const [latest] = await withScope(db, scope, (tx) => repository.versionsOf(tx, org.id, year));
  if (!latest) return null;
  const live = isFrozen(latest.status) ? null : await statusFor(db, scope, org, today, editionOf(latest.edition));
  return withScope(db, scope, (tx) => buildVersion(tx, latest, org, live, today));
}

function mustEdit(ctx: RequestContext): void {
  if (!ctx.can('assessment:edit')) throw new ForbiddenError('Only the Prevent leads change the self-assessment');
}

/** Starts this year's self-assessment against the current edition of the standards; if it is started already, that one. */
export async function startAssessment(db: Db, ctx: RequestContext, today = todayInLondon()): Promise<Assessment> {
  mustEdit(ctx);
  const year = financialYearOf(today);
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const [latest] = await repository.versionsOf(tx, orgId, year);
    if (latest) return latest;
    const edition = currentEdition().edition;
    const created = await repository.insertAssessment(tx, { orgId, year, version: 1, edition, narrative: null });
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'self_assessment.started',
      recordType: 'self_assessment',
      recordId: created.id,
      details: { year, version: 1, edition },
    });
    return created;
  });
}

/** A draft of the organisation's own, to change; a frozen version says how to change it instead. */
async function ownDraft(tx: Executor, ctx: RequestContext, id: string): Promise<Assessment> {
  const row = await repository.assessmentById(tx, id);
  if (!row || row.orgId !== ctx.user.activeOrg.id) throw new NotFoundError('self-assessment');
  if (isFrozen(row.status))
    throw new InputError({
      form: `Version ${row.version} is ${statusNames[row.status].toLowerCase()} and cannot be changed: start a new version to change it`,
    });
  return row;
}

// ---- a requirement ----

export type RequirementPage = { version: VersionView; item: RequirementView; canEdit: boolean };

export async function requirementPage(
  db: Db,
  ctx: RequestContext,
  id: string,
  requirementId: string,
  today = todayInLondon(),
): Promise<RequirementPage> {
  const version = await versionPage(db, ctx, id, today);
  const item = version.requirements.find((r) => r.requirement.id === requirementId);
  if (!item) throw new NotFoundError('requirement');
  return { version, item, canEdit: ctx.can('assessment:edit') && !version.frozen };
}

const optionalText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const personAnswerFields = z.object({
  result: z.enum(personResults, { error: 'Choose a result: met, partly met, not met or not applicable' }),
  reason: optionalText(2000, 'The reason it does not apply'),
  note: optionalText(4000, 'Note'),
});

const computedAnswerFields = z.object({
  note: optionalText(4000, 'Note'),
  override: z.preprocess(blankToUndefined, z.enum(['none', ...overrideResults]).optional()),
  overrideReason: optionalText(2000, 'The reason for the override'),
});

/** What a person may record: a result for what no rule computes; a note, or an override of a `not met` with its reason, for what one does. */
export function answerFieldsFor(computed: Computed | null, input: unknown): repository.AnswerFields {
  if (!hasComputedResult(computed)) {
    const f = parseInput(personAnswerFields, input);
    if (f.result === 'not_applicable' && !f.reason)
      throw new InputError({ reason: 'Say why the requirement does not apply to your organisation' });
    refuseIdentifyingText({ reason: { label: 'The reason', text: f.reason }, note: { label: 'The note', text: f.note } });
    return {
      result: f.result,
      reason: f.result === 'not_applicable' ? (f.reason ?? null) : null,
      note: f.note ?? null,
      overrideResult: null,
      overrideReason: null,
    };
  }
  const f = parseInput(computedAnswerFields, input);
  const override = f.override && f.override !== 'none' ? f.override : null;
  if (override && computed.result !== 'not_met')
    throw new InputError({ override: 'Only a computed result of not met can be overridden' });
  if (override && !f.overrideReason)
    throw new InputError({ overrideReason: 'Give the reason for overriding the computed result: it is shown beside it' });
  refuseIdentifyingText({
    note: { label: 'The note', text: f.note },
    overrideReason: { label: 'The reason for the override', text: override ? f.overrideReason : null },
  });
  return {
    result: null,
    reason: null,
    note: f.note ?? null,
    overrideResult: override,
    overrideReason: override ? (f.overrideReason ?? null) : null,
  };
}

/** Records a person's part of a requirement's answer in a draft. */
export async function saveAnswer(
  db: Db,
  ctx: RequestContext,
  id: string,
  requirementId: string,
  input: unknown,
  today = todayInLondon(),
): Promise<void> {
  mustEdit(ctx);
  const row = await ownVersion(db, ctx, id);
  const requirement = applicableRequirements(row.edition, ctx.user.activeOrg.kind).find((r) => r.id === requirementId);
  if (!requirement) throw new NotFoundError('requirement');
  // Only a requirement a rule computes needs today's figures.
  const live = requirement.rule ? await liveResults(db, ctx, row, today) : null;
  const computed = computedOf(live?.find((s) => s.requirement.id === requirementId));
  const fields = answerFieldsFor(computed, input);
  await withScope(db, ctx.scope, async (tx) => {
    await ownDraft(tx, ctx, id);
    await repository.saveAnswer(tx, row.orgId, id, requirementId, { ...fields, answeredByName: ctx.user.displayName });
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.answered',
      recordType: 'self_assessment',
      recordId: id,
      details: {
        requirement: requirementId,
        result: fields.result ?? null,
        computedResult: computed?.result ?? null,
        override: fields.overrideResult ?? null,
        note: !!fields.note,
      },
    });
  });
}

const narrativeFields = z.object({ narrative: optionalText(20000, 'The narrative') });

export async function saveNarrative(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  mustEdit(ctx);
  const f = parseInput(narrativeFields, input);
  refuseIdentifyingText({ narrative: { label: 'The narrative', text: f.narrative } });
  await withScope(db, ctx.scope, async (tx) => {
    const row = await ownDraft(tx, ctx, id);
    await repository.updateAssessment(tx, id, { narrative: f.narrative ?? null });
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.narrative_saved',
      recordType: 'self_assessment',
      recordId: id,
      details: { characters: f.narrative?.length ?? 0 },
    });
  });
}

// ---- sign-off and versions ----

/**
 * What sign-off needs, as messages by field: a narrative, a result for every requirement no rule
 * computes (not applicable carries its reason already), and no text that looks identifying, since a
 * signed-off version goes to the commissioner (texts carried over from an earlier version are checked
 * again here). Empty when it may be signed off.
 */
export function signOffProblems(version: VersionView): Record<string, string> {
  const problems: Record<string, string> = outgoingTextProblems({
    narrative: { label: 'The narrative', text: version.assessment.narrative },
  });
  if (!version.assessment.narrative?.trim()) problems.narrative = 'Write the narrative before signing off';
  for (const r of version.requirements) {
    const field = `requirement-${r.requirement.id}`;
    if (r.resolved.source === 'none') {
      problems[field] = `Record a result for ${r.requirement.id} (${r.requirement.section})`;
      continue;
    }
    const texts = outgoingTextProblems({
      reason: { label: 'its reason', text: r.answer?.reason },
      note: { label: 'its note', text: r.answer?.note },
      overrideReason: { label: 'its reason for the override', text: r.answer?.overrideReason },
      ...Object.fromEntries(r.evidence.map((e, i) => [`evidence${i}`, { label: `its evidence “${e.title}”`, text: e.title }])),
      ...Object.fromEntries(r.actions.map((a, i) => [`action${i}`, { label: 'an action', text: a.description }])),
    });
    const first = Object.values(texts)[0];
    if (first) problems[field] = `${r.requirement.id}: ${first}`;
  }
  return problems;
}

/**
 * The accountable lead signs off a draft: from then on it is frozen, with its computed results stored as
 * they are today (never recomputed). Refused, changing nothing, while anything it needs is missing.
 */
export async function signOff(db: Db, ctx: RequestContext, id: string, today = todayInLondon()): Promise<void> {
  if (!ctx.can('assessment:sign-off'))
    throw new ForbiddenError('Only the accountable Prevent lead signs off the self-assessment');
  const row = await ownVersion(db, ctx, id);
  if (isFrozen(row.status)) throw new InputError({ form: `Version ${row.version} is already signed off` });
  const live = await liveResults(db, ctx, row, today);
  await withScope(db, ctx.scope, async (tx) => {
    const draft = await ownDraft(tx, ctx, id);
    const version = await buildVersion(tx, draft, ownOrg(ctx), live, today);
    const problems = signOffProblems(version);
    if (Object.keys(problems).length) throw new InputError(problems);
    for (const r of version.requirements) {
      await repository.saveAnswer(tx, draft.orgId, id, r.requirement.id, {
        computed: r.isComputed,
        computedResult: r.computed?.result ?? null,
        computedReason: r.computed?.reason ?? null,
        computedLinks: r.computed?.links ?? null,
      });
    }
    await repository.updateAssessment(tx, id, {
      status: 'signed_off',
      signedOffByUserId: ctx.user.id,
      signedOffByName: ctx.user.displayName,
      signedOffAt: new Date(),
    });
    await audit.record(tx, ctx.actor, {
      orgId: draft.orgId,
      action: 'self_assessment.signed_off',
      recordType: 'self_assessment',
      recordId: id,
      details: {
        year: draft.year,
        version: draft.version,
        met: version.counts.met,
        partlyMet: version.counts.partly_met,
        notMet: version.counts.not_met,
        notApplicable: version.counts.not_applicable,
      },
    });
  });
}

/**
 * Starts the next version from the year's latest, which must be frozen and not awaiting the commissioner:
 * the person's answers, narrative and evidence are carried over; the computed results are the new draft's own.
 */
export async function newVersion(db: Db, ctx: RequestContext, id: string): Promise<Assessment> {
  mustEdit(ctx);
  return withScope(db, ctx.scope, async (tx) => {
    const row = await repository.assessmentById(tx, id);
    if (!row || row.orgId !== ctx.user.activeOrg.id) throw new NotFoundError('self-assessment');
    const [latest] = await repository.versionsOf(tx, row.orgId, row.year);
    if (!latest || latest.id !== row.id)
      throw new InputError({ form: `Version ${row.version} is not the latest: start from version ${latest?.version}` });
    if (row.status === 'draft') throw new InputError({ form: 'This version is a draft: change it as it is' });
    if (row.status === 'submitted')
      throw new InputError({ form: 'This version is with the commissioner: wait for it to be accepted or returned' });
    const created = await repository.insertAssessment(tx, {
      orgId: row.orgId,
      year: row.year,
      version: row.version + 1,
      edition: row.edition,
      narrative: row.narrative,
    });
    await repository.copyVersion(tx, row.orgId, row.id, created.id);
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.new_version',
      recordType: 'self_assessment',
      recordId: created.id,
      details: { year: row.year, version: created.version, from: row.id },
    });
    return created;
  });
}

/** Every version of every year of the organisation's own assessments, the latest first. */
export async function ownVersions(db: Db, ctx: RequestContext): Promise<Assessment[]> {
  return withScope(db, ctx.scope, (tx) => repository.allVersionsOf(tx, ctx.user.activeOrg.id));
}

// ---- actions ----

const actionFields = z.object({
  description: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Describe the action' }).max(2000, 'The action must be 2000 characters or fewer'),
  ),
  owner: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter who owns the action' }).max(120, 'The owner must be 120 characters or fewer'),
  ),
  dueOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date the action is due' }).refine(isRealDate, 'Enter a real date'),
  ),
});

/** An action to meet a requirement: part of the year's plan, whichever version is current. */
export async function addAction(db: Db, ctx: RequestContext, id: string, requirementId: string, input: unknown): Promise<void> {
  mustEdit(ctx);
  const row = await ownVersion(db, ctx, id);
  if (!applicableRequirements(row.edition, ctx.user.activeOrg.kind).some((r) => r.id === requirementId))
    throw new NotFoundError('requirement');
  const f = parseInput(actionFields, input);
  refuseIdentifyingText({ description: { label: 'The action', text: f.description } });
  await withScope(db, ctx.scope, async (tx) => {
    const created = await repository.insertAction(tx, { orgId: row.orgId, year: row.year, requirementId, ...f });
    await audit.record(tx, ctx.actor, {
      orgId: row.orgId,
      action: 'self_assessment.action_added',
      recordType: 'self_assessment_action',
      recordId: created.id,
      details: { requirement: requirementId, dueOn: f.dueOn },
    });
  });
}

const actionStatusField = z.object({
  status: z.enum(assessmentActionStatuses, { error: 'Choose the action’s status' }),
});

export async function setActionStatus(
  db: Db,
  ctx: RequestContext,
  actionId: string,
  input: unknown,
): Promise<repository.ActionRow> {
  mustEdit(ctx);
  const f = parseInput(actionStatusField, input);
  return withScope(db, ctx.scope, async (tx) => {
    const action = await repository.actionById(tx, ctx.user.activeOrg.id, actionId);
    if (!action) throw new NotFoundError('action');
    await repository.updateActionStatus(tx, action.orgId, action.id, f.status);
    await audit.record(tx, ctx.actor, {
      orgId: action.orgId,
      action: 'self_assessment.action_updated',
      recordType: 'self_assessment_action',
      recordId: action.id,
      details: { from: action.status, to: f.status },
    });
    return action;
  });
}

/** Every organisation's overdue actions, for the reminder scan (runs as the owner: no tenant scope). */
export const overdueActions = (db: Executor, today: string) => repository.overdueActions(db, today);
