import { z } from 'zod';
import type { Db, Executor, Tx } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { InputError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import * as audit from '../audit/service.ts';
import { level, shortText } from './fields.ts';
import * as repository from './repository.ts';
import { defaultNeedsAnalysis, requiredLevelFor } from './rules.ts';
import { type NeedsAnalysisRules, type NeedsRule, type TrainingLevel, trainingLevels } from './schema.ts';

// ---- the training needs analysis ----

/** The analysis in force for the organisation: its newest version, or the national default before it has one. */
export async function needsAnalysisIn(tx: Executor, orgId: string): Promise<NeedsAnalysisRules> {
  return (await repository.latestNeedsAnalysis(tx, orgId))?.rules ?? defaultNeedsAnalysis;
}

export type ApprovedNeedsAnalysis = { version: number; approvedBy: string; approvedOn: string };

/** The newest version of each organisation's needs analysis approved on or before `day`, or null: one query in the caller's scope. */
export async function approvedNeedsAnalysesOf(
  tx: Executor,
  orgIds: readonly string[],
  day: string,
): Promise<Map<string, ApprovedNeedsAnalysis | null>> {
  const approved = (await repository.needsAnalyses(tx, orgIds))
    .filter((a) => a.approvedOn <= day)
    .sort((a, b) => b.approvedOn.localeCompare(a.approvedOn) || b.version - a.version);
  return new Map(
    orgIds.map((orgId) => {
      const latest = approved.find((a) => a.orgId === orgId);
      return [orgId, latest ? { version: latest.version, approvedBy: latest.approvedBy, approvedOn: latest.approvedOn } : null];
    }),
  );
}

export type NeedsAnalysisView = {
  current: { version: number; approvedBy: string; approvedOn: string; notes: string | null } | null;
  rules: NeedsAnalysisRules;
  history: repository.NeedsAnalysisRow[];
};

export async function needsAnalysis(db: Db, ctx: RequestContext): Promise<NeedsAnalysisView> {
  return withScope(db, ctx.scope, async (tx) => {
    const history = await repository.needsAnalyses(tx, [ctx.user.activeOrg.id]);
    const [latest] = history;
    return {
      current: latest
        ? { version: latest.version, approvedBy: latest.approvedBy, approvedOn: latest.approvedOn, notes: latest.notes }
        : null,
      rules: latest?.rules ?? defaultNeedsAnalysis,
      history,
    };
  });
}

/** A form posts rules as parallel lists: staffGroup[i], positionContains[i], level[i]; blank rows are dropped. */
const needsAnalysisForm = z.object({
  rules: z
    .array(
      z.object({
        staffGroup: shortText(120, 'Staff group'),
        positionContains: shortText(120, 'Position'),
        level: z.preprocess(blankToUndefined, level.optional()),
      }),
    )
    .max(100, 'A needs analysis holds at most 100 rules'),
  otherwise: level,
  approvedBy: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter who approved this needs analysis' }).max(120, 'Approver must be 120 characters or fewer'),
  ),
  approvedOn: z.preprocess(
    blankToUndefined,
    z.string({ error: 'Enter the date it was approved' }).refine(isRealDate, 'Enter a real date'),
  ),
  notes: shortText(2000, 'Notes'),
});

export function needsRulesFromForm(body: Record<string, unknown>): unknown {
  const list = (value: unknown) => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  const groups = list(body.staffGroup);
  const positions = list(body.positionContains);
  const levels = list(body.level);
  const rows = Math.max(groups.length, positions.length, levels.length);
  const rules = Array.from({ length: rows }, (_, i) => ({
    staffGroup: groups[i],
    positionContains: positions[i],
    level: levels[i],
  }));
  return { ...body, rules };
}

/** Records a new version of the analysis and re-derives every staff member's required level from it. */
export async function saveNeedsAnalysis(db: Db, ctx: RequestContext, input: unknown, today = todayInLondon()): Promise<number> {
  // Field errors and rule errors are shown together, so that one correction round is enough.
  let fields: z.infer<typeof needsAnalysisForm> | undefined;
  const errors: Record<string, string> = {};
  try {
    fields = parseInput(needsAnalysisForm, input);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    Object.assign(errors, error.fieldErrors);
  }
  const posted = ((input as { rules?: unknown }).rules ?? []) as Record<string, unknown>[];
  const rules: NeedsRule[] = [];
  posted.forEach((raw, i) => {
    const staffGroup = blankToUndefined(raw.staffGroup) as string | undefined;
    const positionContains = blankToUndefined(raw.positionContains) as string | undefined;
    const needed = blankToUndefined(raw.level);
    if (!staffGroup && !positionContains && !needed) return;
    const at = `staffGroup-${i + 1}`;
    if (!staffGroup && !positionContains) errors[at] = `Rule ${i + 1}: enter a staff group, a position, or both`;
    else if (needed !== 'basic' && needed !== 'level3') errors[at] = `Rule ${i + 1}: choose the level it needs`;
    else rules.push({ ...(staffGroup ? { staffGroup } : {}), ...(positionContains ? { positionContains } : {}), level: needed });
  });
  if (fields && fields.approvedOn > today) errors.approvedOn = 'The date it was approved cannot be in the future';
  if (!fields || Object.keys(errors).length) throw new InputError(errors);
  const analysis: NeedsAnalysisRules = { rules, otherwise: fields.otherwise };
  return withScope(db, ctx.scope, async (tx) => {
    const orgId = ctx.user.activeOrg.id;
    const latest = await repository.latestNeedsAnalysis(tx, orgId);
    const version = (latest?.version ?? 0) + 1;
    const saved = await repository.insertNeedsAnalysis(tx, {
      orgId,
      version,
      rules: analysis,
      approvedBy: fields.approvedBy,
      approvedOn: fields.approvedOn,
      notes: fields.notes ?? null,
      createdBy: ctx.user.id,
    });
    const changed = await applyNeedsAnalysis(tx, orgId, analysis);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.needs-analysis.approved',
      recordType: 'training_needs_analysis',
      recordId: saved.id,
      details: { version, rules: rules.length, staffChanged: changed },
    });
    return version;
  });
}

/** Sets each staff member's required level from the analysis; returns how many changed. */
async function applyNeedsAnalysis(tx: Tx, orgId: string, analysis: NeedsAnalysisRules): Promise<number> {
  const people = await repository.staffForLevels(tx, orgId);
  const toChange: Record<TrainingLevel, string[]> = { basic: [], level3: [] };
  for (const person of people) {
    const needed = requiredLevelFor(analysis, person.staffGroup, person.positionTitle);
    if (needed !== person.requiredLevel) toChange[needed].push(person.id);
  }
  for (const needed of trainingLevels) await repository.setRequiredLevels(tx, orgId, needed, toChange[needed]);
  await repository.refreshFigures(tx, orgId, []);
  return toChange.basic.length + toChange.level3.length;
}
