import { addMonths, financialYearLabel, financialYearOf } from '../../platform/dates.ts';
import type { CtlpRow } from './repository.ts';

/* The annual CTLP review's year and status: worked out from the records alone, without the database. */

export { financialYearOf };
export const yearLabel = financialYearLabel;

export type CtlpStatus = {
  /** The latest sign-off of any year. */
  lastSignOffOn: string | null;
  /** 12 months after the last sign-off: the next is due by then. */
  dueOn: string | null;
  overdue: boolean;
};

/**
 * The annual review is overdue when there has been no sign-off in the last 12 months, and either
 * there was one before (it has lapsed) or this year's briefing has come in and was never signed off.
 */
export function ctlpStatusOf(records: CtlpRow[], today: string): CtlpStatus {
  const signOffs = records.map((r) => r.signedOffOn).filter((d): d is string => !!d);
  const lastSignOffOn = signOffs.sort().at(-1) ?? null;
  const dueOn = lastSignOffOn ? addMonths(lastSignOffOn, 12) : null;
  const current = records.find((r) => r.year === financialYearOf(today));
  const briefedNotSignedOff = !!current?.briefingReceivedOn && !current.signedOffOn;
  const overdue = dueOn ? dueOn < today : briefedNotSignedOff;
  return { lastSignOffOn, dueOn, overdue };
}
