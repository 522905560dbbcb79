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
import { defaultColumnMapping, defaultCompetenceRules, type ImportField, importFields } from '../rules.ts';
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
    isDefault: !saved,
  };
}

export async function importSettings(db: Db, ctx: RequestContext): Promise<ImportSettings> {
  return withScope(db, ctx.scope, (tx) => importSettingsIn(tx, ctx.user.activeOrg.id));
}

/** Form field names: one per mapped field, and a phrases and level field per rule row. */
export const columnFieldName = (field: ImportField) => `column-${field}`;
export const ruleFieldNames = (index: number) => ({ phrases: `rule-${index}-phrases`, level: `rule-${index}-level` });
export const maxRules = 50;

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
  if (Object.keys(errors).length > 0) throw new InputError(errors);
  return { columnMapping, competenceRules };
}

export async function saveImportSettings(db: Db, ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  const settings = settingsFromForm(body);
  const orgId = ctx.user.activeOrg.id;
  await withScope(db, ctx.scope, async (tx) => {
    await repository.saveSettings(tx, orgId, settings.columnMapping, settings.competenceRules);
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
