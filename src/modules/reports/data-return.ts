/**
 * The quarterly data return: an organisation's Prevent training and activity figures for a quarter of the
 * NHS financial year (2026-Q3 is October to December 2026), from the kept month-end figures, every count
 * through the small-number gate since the return leaves the organisation. An ICB's return holds its own
 * row, one row per provider it commissions, and the ICB total.
 */
import type { Db } from '../../db/client.ts';
import { type Scope, withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { csvCell } from '../../platform/csv.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { InputError } from '../../platform/errors.ts';
import { type SharedCount, type Sum, sharedFigures, sharedPercentage } from '../../platform/suppression.ts';
import * as organisations from '../organisations/service.ts';
import * as training from '../training/service.ts';
import { type KeptMonth, lastDayOf, monthFiguresIn, monthOf, monthsBetween, nextMonth } from './month-end.ts';

export type Quarter = { code: string; first: string; last: string; from: string; to: string };

const quarterPattern = /^(\d{4})-Q([1-4])$/;

/** A quarter of the NHS financial year by its code: 2026-Q1 is April to June 2026, 2026-Q4 January to March 2027. */
export function quarterOf(code: string): Quarter | null {
  const match = quarterPattern.exec(code.trim().toUpperCase());
  if (!match) return null;
  const year = Number(match[1]);
  const n = Number(match[2]);
  const firstMonth = n === 4 ? `${year + 1}-01` : `${year}-${String(n * 3 + 1).padStart(2, '0')}`;
  const lastMonth = nextMonth(nextMonth(firstMonth));
  return { code: `${year}-Q${n}`, first: firstMonth, last: lastMonth, from: `${firstMonth}-01`, to: lastDayOf(lastMonth) };
}

export function quarterContaining(day: string): Quarter {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const code = month >= 4 ? `${year}-Q${Math.floor((month - 4) / 3) + 1}` : `${year - 1}-Q4`;
  return quarterOf(code) as Quarter;
}

/** The quarter in progress and the seven before it, newest first. */
export function quartersToChoose(today = todayInLondon()): Quarter[] {
  const list = [quarterContaining(today)];
  while (list.length < 8) list.push(quarterContaining(addDays((list[list.length - 1] as Quarter).from, -1)));
  return list;
}

const quarterMessage = 'Enter the quarter as the year it starts and its number, like 2026-Q3 (October to December 2026)';

/** The quarter asked for, checked: a real one that has started. */
export function parseQuarter(value: unknown, today = todayInLondon()): Quarter {
  if (value === undefined || value === '') return quarterContaining(today);
  const quarter = typeof value === 'string' ? quarterOf(value) : null;
  if (!quarter) throw new InputError({ quarter: quarterMessage });
  if (quarter.from > today) throw new InputError({ quarter: `${quarter.code} has not started yet` });
  return quarter;
}

export const columns = [
  'quarter',
  'ods_code',
  'organisation',
  'figures_to',
  'basic_in_scope',
  'basic_up_to_date',
  'basic_compliance_percent',
  'level3_in_scope',
  'level3_up_to_date',
  'level3_compliance_percent',
  'concerns_raised',
  'referrals_to_police_prevent',
  'cases_taken_to_channel',
] as const;

export type DataReturn = { quarter: string; figuresTo: string; rows: Record<(typeof columns)[number], string>[] };

type OrgFigures = { odsCode: string; name: string; counts: Record<string, number> };

const countNames = [
  'basic_in_scope',
  'basic_up_to_date',
  'level3_in_scope',
  'level3_up_to_date',
  'concerns_raised',
  'referrals_to_police_prevent',
  'cases_taken_to_channel',
] as const;

function countsOf(months: KeptMonth[], atEnd: KeptMonth | undefined): Record<string, number> {
  const sum = (pick: (m: KeptMonth) => number) => months.reduce((n, m) => n + pick(m), 0);
  return {
    basic_in_scope: atEnd?.figures.training.basic.inScope ?? 0,
    basic_up_to_date: atEnd?.figures.training.basic.compliant ?? 0,
    level3_in_scope: atEnd?.figures.training.level3.inScope ?? 0,
    level3_up_to_date: atEnd?.figures.training.level3.compliant ?? 0,
    concerns_raised: sum((m) => m.figures.concerns.raised),
    referrals_to_police_prevent: sum((m) => m.figures.referrals),
    cases_taken_to_channel: sum((m) => m.figures.channel),
  };
}

/** Each organisation's row and the total (for more than one), through the gate as one table. */
function gated(quarter: Quarter, figuresTo: string, orgs: OrgFigures[]): DataReturn['rows'] {
  const withTotal =
    orgs.length > 1
      ? [
          ...orgs,
          {
            odsCode: 'TOTAL',
            name: 'All organisations above',
            counts: Object.fromEntries(countNames.map((c) => [c, orgs.reduce((n, o) => n + (o.counts[c] ?? 0), 0)])),
          },
        ]
      : orgs;
  const counts: Record<string, number> = {};
  const sums: Sum[] = [];
  withTotal.forEach((o, i) => {
    for (const c of countNames) counts[`${i}.${c}`] = o.counts[c] ?? 0;
  });
  if (withTotal.length > orgs.length) {
    for (const c of countNames) sums.push({ total: `${orgs.length}.${c}`, parts: orgs.map((_o, i) => `${i}.${c}`) });
  }
  const shown = sharedFigures(counts, sums);
  const text = (i: number, c: string) => (shown[`${i}.${c}`] as SharedCount).text;
  const percent = (o: OrgFigures, level: 'basic' | 'level3') => {
    const inScope = o.counts[`${level}_in_scope`] ?? 0;
    const upToDate = o.counts[`${level}_up_to_date`] ?? 0;
    const p = sharedPercentage(training.percentOf(upToDate, inScope), inScope);
    return p === null ? '' : String(p);
  };
  return withTotal.map((o, i) => ({
    quarter: quarter.code,
    ods_code: o.odsCode,
    organisation: o.name,
    figures_to: figuresTo,
    basic_in_scope: text(i, 'basic_in_scope'),
    basic_up_to_date: text(i, 'basic_up_to_date'),
    basic_compliance_percent: percent(o, 'basic'),
    level3_in_scope: text(i, 'level3_in_scope'),
    level3_up_to_date: text(i, 'level3_up_to_date'),
    level3_compliance_percent: percent(o, 'level3'),
    concerns_raised: text(i, 'concerns_raised'),
    referrals_to_police_prevent: text(i, 'referrals_to_police_prevent'),
    cases_taken_to_channel: text(i, 'cases_taken_to_channel'),
  }));
}

/** The return for the organisations given (the first is the one it is made for), in the scope given. */
export async function dataReturnOf(
  db: Db,
  scope: Scope,
  orgs: readonly { id: string; odsCode: string; name: string }[],
  quarter: Quarter,
  today = todayInLondon(),
): Promise<DataReturn> {
  const months = monthsBetween(quarter.first, quarter.last).filter((m) => m <= monthOf(today));
  const figuresTo = quarter.to < today ? quarter.to : today;
  const byOrg = await withScope(db, scope, (tx) =>
    monthFiguresIn(
      tx,
      orgs.map((o) => o.id),
      months,
      today,
    ),
  );
  const rows = orgs.map((o) => {
    const kept = byOrg.get(o.id) ?? [];
    return { odsCode: o.odsCode, name: o.name, counts: countsOf(kept, kept[kept.length - 1]) };
  });
  return { quarter: quarter.code, figuresTo, rows: gated(quarter, figuresTo, rows) };
}

/** The signed-in person's organisation's return; an ICB's holds its providers' too. */
export async function dataReturnFor(db: Db, ctx: RequestContext, quarterCode: unknown, today = todayInLondon()) {
  const quarter = parseQuarter(quarterCode, today);
  const own = ctx.user.activeOrg;
  const providers =
    own.kind === 'icb' ? (await organisations.providersInReach(db, ctx)).filter((p) => p.commissionerId === own.id) : [];
  const orgs = [own, ...providers];
  // Widened to the ICB's own providers, which the line above limited to those the person may see.
  return dataReturnOf(db, { userId: ctx.user.id, orgIds: orgs.map((o) => o.id) }, orgs, quarter, today);
}

export function csvOf(dataReturn: DataReturn): string {
  const lines = [columns.join(','), ...dataReturn.rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
