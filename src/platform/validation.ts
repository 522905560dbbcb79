import type { z } from 'zod';
import { InputError } from './errors.ts';

/** Parses with a zod schema; on failure, an InputError with one message per field (the first for each). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || 'form';
    fieldErrors[field] ??= issue.message;
  }
  throw new InputError(fieldErrors);
}

/** Trims form text; an empty field becomes undefined so that optional fields read as absent. */
export function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
