import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../../platform/deps.ts';
import { InputError } from '../../../platform/errors.ts';
import { contextOf, formBody, showFormErrors } from '../../../platform/web.ts';
import { importFields, levelNames, statusScopeNames, statusScopes } from '../rules.ts';
import { trainingLevels } from '../schema.ts';
import * as setup from './settings-service.ts';

/** The settings form's values: saved (or default) settings, or what was sent. */
function settingsValues(settings: Omit<setup.ImportSettings, 'isDefault'>) {
  const values: Record<string, string> = {};
  for (const field of importFields) values[setup.columnFieldName(field)] = settings.columnMapping[field] ?? '';
  settings.competenceRules.forEach((rule, index) => {
    const names = setup.ruleFieldNames(index);
    values[names.phrases] = rule.phrases.join(', ');
    values[names.level] = rule.level;
  });
  for (const scope of statusScopes) values[setup.statusFieldName(scope)] = settings.statusMapping[scope].join('\n');
  values[setup.leaverPercentFieldName] = String(settings.leaverConfirmationPercent);
  return values;
}

/** Rule rows to show: every row sent or saved, and a few blank ones to add to. */
function ruleRows(values: Record<string, unknown>, errors: Record<string, string> = {}) {
  let last = -1;
  for (let index = 0; index < setup.maxRules; index++) {
    const names = setup.ruleFieldNames(index);
    const phrases = values[names.phrases];
    if ((typeof phrases === 'string' && phrases.trim() !== '') || errors[names.phrases] || errors[names.level]) last = index;
  }
  const count = Math.min(setup.maxRules, last + 1 + 3);
  return Array.from({ length: count }, (_, index) => {
    const names = setup.ruleFieldNames(index);
    const level = values[names.level];
    return {
      number: index + 1,
      phrasesName: names.phrases,
      levelName: names.level,
      phrases: typeof values[names.phrases] === 'string' ? values[names.phrases] : '',
      levelItems: [
        { value: '', text: 'Choose a level', selected: !level },
        ...trainingLevels.map((l) => ({ value: l, text: levelNames[l], selected: level === l })),
      ],
    };
  });
}

/** The organisation's import settings: the column headings, the course rules, the assignment statuses and the leavers' threshold. */
export function importSettingsRoutes(app: FastifyInstance, { database }: AppDeps): void {
  const db = database.db;

  const settingsPage = (
    reply: FastifyReply,
    values: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    error?: InputError,
  ) => {
    const data = {
      values,
      fields: importFields.map((field) => ({
        field,
        name: setup.columnFieldName(field),
        label: setup.fieldNames[field],
      })),
      rules: ruleRows(values, error?.fieldErrors),
      statusBoxes: statusScopes.map((scope) => ({ name: setup.statusFieldName(scope), label: statusScopeNames[scope] })),
      leaverPercentName: setup.leaverPercentFieldName,
      ...extra,
    };
    if (error) return showFormErrors(reply, error, 'training/import/views/settings.njk', data);
    return reply.page('training/import/views/settings.njk', data);
  };

  app.get('/training/import/settings', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const settings = await setup.importSettings(db, ctx);
    const query = request.query as Record<string, unknown>;
    return settingsPage(reply, settingsValues(settings), {
      isDefault: settings.isDefault,
      saved: query.saved === 'yes' ? 'saved' : query.saved === 'reset' ? 'reset' : null,
    });
  });

  app.post('/training/import/settings', { config: { access: 'training:manage' } }, async (request, reply) => {
    const ctx = contextOf(request);
    const body = formBody(request);
    if (body.action === 'reset') {
      await setup.resetImportSettings(db, ctx);
      return reply.redirect('/training/import/settings?saved=reset', 303);
    }
    try {
      await setup.saveImportSettings(db, ctx, body);
      return reply.redirect('/training/import/settings?saved=yes', 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return settingsPage(reply, body, {}, error);
    }
  });
}
