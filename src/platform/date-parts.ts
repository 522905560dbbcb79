import type { FastifyInstance } from 'fastify';
import { isRealDate, todayInLondon } from './dates.ts';

/*
 * The NHS date input: a date typed by a person comes as three boxes, NAME-day, NAME-month and NAME-year
 * (views/partials/date-field.njk). They are joined into NAME as YYYY-MM-DD before any route reads the
 * form or the query, so that services, the API and the command line all take one form of date. What
 * was typed is kept as typed ("2026--14", "26-3-15"): the service's own check then says the date is not
 * real, and the form shows the boxes as they were.
 */

const digitsOnly = /^\d+$/;

type Boxes = { day: string; month: string; year: string };

/** The three boxes of NAME as typed (trimmed), or null when the form did not send all three. */
function boxesOf(fields: Record<string, unknown>, name: string): Boxes | null {
  const box = (part: string) => {
    const value = fields[`${name}-${part}`];
    return typeof value === 'string' ? value.trim() : '';
  };
  if (!(`${name}-day` in fields) || !(`${name}-month` in fields) || !(`${name}-year` in fields)) return null;
  return { day: box('day'), month: box('month'), year: box('year') };
}

const padded = (box: string) => (digitsOnly.test(box) ? box.padStart(2, '0') : box);
const isBlank = (boxes: Boxes) => boxes.day === '' && boxes.month === '' && boxes.year === '';

/** Joins each NAME-day, NAME-month and NAME-year in `fields` into NAME. Leaves a NAME that came by itself. */
export function joinDateParts(fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields)) {
    if (!key.endsWith('-day')) continue;
    const name = key.slice(0, -'-day'.length);
    const boxes = boxesOf(fields, name);
    if (boxes) fields[name] = isBlank(boxes) ? '' : `${boxes.year}-${padded(boxes.month)}-${padded(boxes.day)}`;
  }
}

/**
 * What is wrong with the boxes of NAME as the NHS date input says it ("The date must include a month", "The
 * date must be a real date"), or null when they make a real date (the service then says what else is wrong).
 */
export function dateBoxProblem(fields: Record<string, unknown>, name: string): string | null {
  const boxes = boxesOf(fields, name);
  if (!boxes || isBlank(boxes)) return null;
  const missing = (['day', 'month', 'year'] as const).filter((box) => boxes[box] === '');
  if (missing.length > 0) return `The date must include a ${missing.join(' and a ')}`;
  if (!Object.values(boxes).every((box) => digitsOnly.test(box))) return 'The date must be in numbers, like 15 3 2027';
  if (boxes.year.length !== 4) return 'The year must include 4 numbers';
  return isRealDate(`${boxes.year}-${padded(boxes.month)}-${padded(boxes.day)}`) ? null : 'The date must be a real date';
}

/** The day, month and year boxes of a stored date or of what was typed, for the form. */
export function datePartsOf(value: unknown): { day: string; month: string; year: string } {
  const text = value instanceof Date ? todayInLondon(value) : typeof value === 'string' ? value : '';
  const [year = '', month = '', day = ''] = text.slice(0, 10).split('-');
  const unpadded = (box: string) => (digitsOnly.test(box) ? String(Number(box)) : box);
  return text === '' ? { day: '', month: '', year: '' } : { day: unpadded(day), month: unpadded(month), year };
}

/** Joins the boxes of every form and query before validation. */
export function setUpDateInputs(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const fields of [request.body, request.query]) {
      if (fields && typeof fields === 'object' && !Array.isArray(fields) && !Buffer.isBuffer(fields))
        joinDateParts(fields as Record<string, unknown>);
    }
  });
}
