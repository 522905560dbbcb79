/** Calendar dates as the NHS works them: YYYY-MM-DD strings in the Europe/London day. */
import { isBankHoliday } from './bank-holidays.ts';

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The months in English, January first: monthNames[0] is January. */
export const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export function todayInLondon(now: Date = new Date()): string {
  return londonDay.format(now);
}

const longDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A day as a message says it: "1 December 2026". */
export function spokenDate(day: string): string {
  return longDay.format(new Date(`${day}T00:00:00Z`));
}

export function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function isWorkingDay(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isBankHoliday(day);
}

/** The day that is `days` working days after `day` (weekends and bank holidays skipped). */
export function addWorkingDays(day: string, days: number): string {
  let current = day;
  let left = days;
  while (left > 0) {
    current = addDays(current, 1);
    if (isWorkingDay(current)) left--;
  }
  return current;
}

/** The same day `months` later; the 31st becomes the month's last day where it has no 31st. */
export function addMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date, lastDay));
  return target.toISOString().slice(0, 10);
}

const londonWallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The instant a London wall clock shows as `day` `time` (HH:MM), in GMT or BST. */
export function londonDateTime(day: string, time: string): Date {
  const asIfUtc = new Date(`${day}T${time}:00Z`);
  const parts = Object.fromEntries(londonWallClock.formatToParts(asIfUtc).map((p) => [p.type, p.value]));
  const wall = new Date(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:00Z`);
  return new Date(asIfUtc.getTime() - (wall.getTime() - asIfUtc.getTime()));
}

/** The NHS financial year (1 April to 31 March) a day falls in, named by the year it starts. */
export function financialYearOf(day: string): number {
  const year = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) >= 4 ? year : year - 1;
}

/** A financial year in words: April 2026 to March 2027. */
export const financialYearLabel = (year: number) => `April ${year} to March ${year + 1}`;
