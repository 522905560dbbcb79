/*
 * Bank holidays in England and Wales, for counting working days (the police feedback chase). Worked out
 * for any year by date-holidays (a maintained library with the rules: Easter, the first and last Mondays
 * of May, substitute days), so that nothing runs out at the end of a hand-kept list.
 */
import Holidays from 'date-holidays';

/**
 * One-off days the library does not have yet (a coronation, a state funeral: proclaimed months ahead),
 * and days it lists that turn out not to be holidays. Add each with where it was announced.
 */
export const bankHolidayOverrides: { added: readonly string[]; removed: readonly string[] } = { added: [], removed: [] };

const englandAndWales = new Holidays('GB', 'ENG');
const byYear = new Map<number, ReadonlySet<string>>();

/** The year's bank holidays as ISO dates, substitute days included, with the overrides applied. */
export function bankHolidaysOf(year: number): ReadonlySet<string> {
  let days = byYear.get(year);
  if (!days) {
    const found = new Set(
      englandAndWales
        .getHolidays(year)
        .filter((holiday) => holiday.type === 'public' || holiday.type === 'bank')
        .map((holiday) => holiday.date.slice(0, 10)),
    );
    for (const day of bankHolidayOverrides.added) if (day.startsWith(`${year}-`)) found.add(day);
    for (const day of bankHolidayOverrides.removed) found.delete(day);
    days = found;
    byYear.set(year, days);
  }
  return days;
}

export function isBankHoliday(day: string): boolean {
  return bankHolidaysOf(Number(day.slice(0, 4))).has(day);
}
