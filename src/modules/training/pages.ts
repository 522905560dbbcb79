import type { FastifyRequest } from 'fastify';
import { InputError } from '../../platform/errors.ts';
import type { Course } from './courses/service.ts';
import { complianceTarget, expiringSoonDays, levelNames } from './rules.ts';
import * as training from './service.ts';

/* What the training pages share, whichever route file draws them. */

/** Names and thresholds every training page may show. */
export const shared = { levelNames, statusNames: training.statusNames, target: complianceTarget, soonDays: expiringSoonDays };

export const levelItems = (selected?: unknown, blank?: string) => [
  ...(blank === undefined ? [] : [{ value: '', text: blank, selected: !selected }]),
  ...training.trainingLevels.map((l) => ({ value: l, text: levelNames[l], selected: l === selected, checked: l === selected })),
];

export const queryOf = (request: FastifyRequest) => request.query as Record<string, unknown>;

/** The as-at date of a page, or today; a wrong one is shown on the page and today's figures are used. */
export function asAtFrom(request: FastifyRequest): { asAt: string; errors?: Record<string, string> } {
  try {
    return { asAt: training.asAtOrToday(queryOf(request).asAt) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { asAt: training.asAtOrToday(undefined), errors: error.fieldErrors };
  }
}

/** The registered courses a record may point to, each named with its level (the level must match the record's). */
export const courseItems = (courses: readonly Course[], selected?: unknown) => [
  { value: '', text: 'None of these', selected: !selected },
  ...courses.map((c) => ({ value: c.id, text: `${c.title} (${levelNames[c.level]})`, selected: c.id === selected })),
];
