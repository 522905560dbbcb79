/*
 * The organisation's import settings: which column heading holds each field of the staff record
 * export, and which course names count as which Prevent level. Without saved settings the
 * defaults apply.
 */
import { z } from 'zod';
import type { Db, Executor } from '../../../db/client.ts';
import { withScope } from '../../../db/tenancy.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { InputError } from '../../../platform/errors.ts';
import * as audit from '../../audit/service.ts';
import {
  defaultColumnMapping,
  defaultCompetenceRules,
  defaultLeaverConfirmationPercent,
  defaultStatusMapping,
  foldStatus,
  type ImportField,
  importFields,
  type StatusMapping,
  statusScopeNames,
  statusScopes,
} from '../rules.ts';
import { type CompetenceRule, type TrainingLevel, trainingLevels } from '../schema.ts';
import * as repository from './repository.ts';

export const fieldNames: Record<ImportField, string> = {
  employeeNumber: 'Employee number',
  assignmentNumber: 'Assignment number',
  firstName: 'First name',
  lastName: 'Last name',
  organisation: 'Organisation',
  directorate: 'Directorate',
  department: 'Department',
  positionTitle: 'Position title',
  staffGroup: 'Staff group',
  assignmentStatus: 'Assignment status',
  competenceName: 'Competence (course) name',
  achievementDate: 'Achievement date',
  expiryDate: 'Expiry date',
  email: 'E-mail address (optional)',
  managerEmail: 'Manager’s e-mail address (optional)',
};
const optionalFields: readonly ImportField[] = ['email', 'managerEmail'];

export type ImportSettings = {
  columnMapping: Record<ImportField, string>;
  competenceRules: CompetenceRule[];
  /** Where each assignment status puts a person; a status not in it stops the import. */
  statusMapping: StatusMapping;
  /** An import whose leavers are more than this percentage of the staff needs the number confirmed. */
  leaverConfirmationPercent: number;
  /** No settings saved: the defaults apply. */
  isDefault: boolean;
};

export async function importSettingsIn(tx: Executor, orgId: string): Promise<ImportSettings> {
  const saved = await repository.settingsOf(tx, orgId);
  const columnMapping = { ...defaultColumnMapping } as Record<ImportField, string>;
  if (saved) {
    // A field added to the product after the settings were saved takes its default heading.
    for (const field of importFields) {
      const heading = saved.columnMapping[field];
      if (typeof heading === 'string') columnMapping[field] = heading;
    }
  }
  return {
    columnMapping,
    competenceRules: saved ? saved.competenceRules : defaultCompetenceRules.map((r) => ({ ...r, phrases: [...r.phrases] })),
    statusMapping: savedStatusMapping(saved?.statusMapping),
    leaverConfirmationPercent: saved?.leaverConfirmationPercent ?? defaultLeaverConfirmationPercent,
    isDefault: !saved,
  };
}

/** Settings saved before statuses were part of them take the defaults. */
function savedStatusMapping(saved: Record<string, string[]> | null | undefined): StatusMapping {
  const mapping = {} as StatusMapping;
  for (const scope of statusScopes) mapping[scope] = [...(saved?.[scope] ?? (saved ? [] : defaultStatusMapping[scope]))];
  return mapping;
}

export async function importSettings(db: Db, ctx: RequestContext): Promise<ImportSettings> {
  return withScope(db, ctx.scope, (tx) => importSettingsIn(tx, ctx.user.activeOrg.id));
}

/** Form field names: one per mapped field, and a phrases and level field per rule row. */
export const columnFieldName = (field: ImportField) => `column-${field}`;
export const ruleFieldNames = (index: number) => ({ phrases: `rule-${index}-phrases`, level: `rule-${index}-level` });
export const maxRules = 50;
export const statusFieldName = (scope: (typeof statusScopes)[number]) => `statuses-${scope}`;
export const leaverPercentFieldName = 'leaverConfirmationPercent';
const maxStatuses = 200;

const heading = z.string().trim().max(100, 'Must be 100 characters or fewer');

/** Reads the settings form; an InputError names each field that is wrong. */
export function settingsFromForm(body: Record<string, unknown>): Omit<ImportSettings, 'isDefault'> {
  const errors: Record<string, string> = {};
  const columnMapping = {} as Record<ImportField, string>;
  const seen = new Map<string, ImportField>();
  for (const field of importFields) {
    const name = columnFieldName(field);
    const parsed = heading.safeParse(typeof body[name] === 'string' ? body[name] : '');
    if (!parsed.success) {
      errors[name] = `${fieldNames[field]}: ${parsed.error.issues[0]?.message ?? 'not valid'}`;
      continue;
    }
    const value = parsed.data;
    columnMapping[field] = value;
    if (value === '') {
      if (!optionalFields.includes(field))
        errors[name] = `Enter the heading of the column that holds the ${fieldNames[field].toLowerCase()}`;
      continue;
    }
    const key = value.toLowerCase();
    const earlier = seen.get(key);
    if (earlier)
      errors[name] =
        `“${value}” is already the heading for ${fieldNames[earlier].toLowerCase()}: each field needs its own column`;
    else seen.set(key, field);
  }
  const competenceRules: CompetenceRule[] = [];
  for (let index = 0; index < maxRules; index++) {
    const names = ruleFieldNames(index);
    const phrasesText = typeof body[names.phrases] === 'string' ? (body[names.phrases] as string) : undefined;
    if (phrasesText === undefined) continue;
    const phrases = phrasesText
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    // A rule row left blank is removed.
    if (phrases.length === 0) continue;
    const row = index + 1;
    if (phrases.length > 10) errors[names.phrases] = `Rule ${row}: give 10 phrases or fewer`;
    else if (phrases.some((p) => p.length > 100))
      errors[names.phrases] = `Rule ${row}: each phrase must be 100 characters or fewer`;
    const level = body[names.level];
    if (typeof level !== 'string' || !(trainingLevels as readonly string[]).includes(level)) {
      errors[names.level] = `Rule ${row}: choose the Prevent level these courses give`;
      continue;
    }
    competenceRules.push({ phrases, level: level as TrainingLevel });
  }
  if (competenceRules.length === 0 && Object.keys(errors).every((k) => !k.startsWith('rule-'))) {
    errors[ruleFieldNames(0).phrases] = 'Give at least one rule, or reset the settings to the defaults';
  }
  const statusMapping = statusMappingFromForm(body, errors);
  const leaverConfirmationPercent = leaverPercentFromForm(body, errors);
  if (Object.keys(errors).length > 0) throw new InputError(errors);
  return { columnMapping, competenceRules, statusMapping, leaverConfirmationPercent };
}

/** One status per line in each of the three boxes; a status may be in only one. */
function statusMappingFromForm(body: Record<string, unknown>, errors: Record<string, string>): StatusMapping {
  const mapping = {} as StatusMapping;
  const seen = new Map<string, (typeof statusScopes)[number]>();
  for (const scope of statusScopes) {
    const name = statusFieldName(scope);
    const text = typeof body[name] === 'string' ? (body[name] as string) : '';
    const statuses = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    mapping[scope] = statuses;
    const label = statusScopeNames[scope];
    if (statuses.length > maxStatuses) errors[name] = `${label}: give ${maxStatuses} statuses or fewer`;
    const long = statuses.find((status) => status.length > 100);
    if (long) errors[name] = `${label}: “${long.slice(0, 40)}…” is longer than 100 characters`;
    for (const status of statuses) {
      const earlier = seen.get(foldStatus(status));
      if (earlier && earlier !== scope && !errors[name])
        errors[name] =
          `${label}: “${status}” is also under ${statusScopeNames[earlier].toLowerCase()}: a status can be in one list only`;
      seen.set(foldStatus(status), scope);
    }
  }
  if (mapping.in_scope.length === 0 && !errors[statusFieldName('in_scope')])
    errors[statusFieldName('in_scope')] = 'Give at least one status that counts as in scope, such as Active Assignment';
  return mapping;
}

function leaverPercentFromForm(body: Record<string, unknown>, errors: Record<string, string>): number {
  const text = typeof body[leaverPercentFieldName] === 'string' ? (body[leaverPercentFieldName] as string).trim() : '';
  if (text === '') {
    errors[leaverPercentFieldName] = 'Enter the percentage of staff above which leavers need confirming, such as 10';
    return defaultLeaverConfirmationPercent;
  }
  const value = Number(text);
  if (!/^\d{1,3}$/.test(text) || value > 100) {
    errors[leaverPercentFieldName] = 'The percentage must be a whole number from 0 to 100';
    return defaultLeaverConfirmationPercent;
  }
  return value;
}

export async function saveImportSettings(db: Db, ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  const settings = settingsFromForm(body);
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    await repository.saveSettings(tx, orgId, settings);
    await audit.record(tx, ctx.actor, {
      orgId,
      action: 'training.import-settings.saved',
      details: { rules: settings.competenceRules.length },
    });
  });
}

export async function resetImportSettings(db: Db, ctx: RequestContext): Promise<void> {
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    await repository.removeSettings(tx, orgId);
    await audit.record(tx, ctx.actor, { orgId, action: 'training.import-settings.reset' });
  });
}
