import { z } from 'zod';
import { isRealDate } from '../../platform/dates.ts';
import { blankToUndefined } from '../../platform/validation.ts';
import { trainingLevels } from './schema.ts';

/* Form fields that more than one of the training services reads, worded the same wherever they appear. */

export const level = z.enum(trainingLevels, { error: 'Choose basic Prevent awareness or level 3' });
export const shortText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

export const emailField = z.preprocess(
  blankToUndefined,
  z.email({ error: 'Enter an e-mail address in the correct format, like name@nhs.net' }).max(254).optional(),
);
export const dateField = (label: string) =>
  z.preprocess(blankToUndefined, z.string().refine(isRealDate, `${label}: enter a real date, like 2026-04-01`).optional());
