import { describe, expect, it } from 'vitest';
import { bankHolidaysOf, isBankHoliday } from './bank-holidays.ts';
import { addWorkingDays } from './dates.ts';

const sorted = (days: ReadonlySet<string>) => [...days].sort();

describe('bank holidays in England and Wales', () => {
  it('are the days gov.uk lists, substitute days and one-off days included', () => {
    expect(sorted(bankHolidaysOf(2027))).toEqual([
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-03',
      '2027-05-31',
      '2027-08-30',
      '2027-12-25',
      '2027-12-26',
      '2027-12-27',
      '2027-12-28',
    ]);
    // The late Queen's funeral and the coronation were proclaimed for one year each.
    expect(isBankHoliday('2022-09-19')).toBe(true);
    expect(isBankHoliday('2023-05-08')).toBe(true);
    expect(isBankHoliday('2024-05-08')).toBe(false);
  });

  it('go on past the end of any hand-kept list: working days skip Easter 2031 and Christmas 2030', () => {
    // Good Friday 2031 is 11 April and Easter Monday the 14th.
    expect(addWorkingDays('2031-04-10', 1)).toBe('2031-04-15');
    // Christmas 2030 is a Wednesday; Boxing Day a Thursday.
    expect(addWorkingDays('2030-12-24', 1)).toBe('2030-12-27');
  });
});
