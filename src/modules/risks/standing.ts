/* The register's and the CTLP's standing against the core standards: assurance reads these, in its caller's scope. */
import type { Executor } from '../../db/client.ts';
import { addMonths, todayInLondon } from '../../platform/dates.ts';
import { ctlpStatusOf, financialYearOf, yearLabel } from './ctlp-status.ts';
import * as repository from './repository.ts';

/** Open risks, and how many were reviewed, or added, in the 12 months to a day; the latest such day. */
export type RegisterStanding = { recorded: number; open: number; openReviewed: number; lastReviewedOn: string | null };

/** Each organisation's register standing on a day, in one query. */
export async function registerStandingOf(
  tx: Executor,
  orgIds: readonly string[],
  day: string,
): Promise<Map<string, RegisterStanding>> {
  const since = addMonths(day, -12);
  const all = (await repository.latestReviewsOf(tx, orgIds, day))
    .map((r) => ({ ...r, added: todayInLondon(r.createdAt) }))
    .filter((r) => r.added <= day)
    .map((r) => ({
      orgId: r.orgId,
      open: r.status === 'open',
      looked: [r.added, r.lastReviewedOn ?? ''].sort()[1] as string,
    }));
  return new Map(
    orgIds.map((orgId) => {
      const rows = all.filter((r) => r.orgId === orgId);
      const open = rows.filter((r) => r.open);
      const standing: RegisterStanding = {
        recorded: rows.length,
        open: open.length,
        openReviewed: open.filter((r) => r.looked > since).length,
        lastReviewedOn:
          rows
            .map((r) => r.looked)
            .sort()
            .at(-1) ?? null,
      };
      return [orgId, standing];
    }),
  );
}

export type CtlpStanding = Pick<repository.CtlpRow, 'year' | 'briefingReceivedOn' | 'reviewedOn' | 'signedOffOn'> & {
  label: string;
  lastSignOffOn: string | null;
};

/**
 * Each organisation's CTLP record of the financial year `day` falls in, as it stood that day, and the latest
 * sign-off of any year, in one query.
 */
export async function ctlpStandingOf(tx: Executor, orgIds: readonly string[], day: string): Promise<Map<string, CtlpStanding>> {
  const year = financialYearOf(day);
  const all = (await repository.ctlpRecordsOfOrgs(tx, orgIds)).map((r) =>
    r.signedOffOn && r.signedOffOn > day ? { ...r, signedOffOn: null } : r,
  );
  return new Map(
    orgIds.map((orgId) => {
      const records = all.filter((r) => r.orgId === orgId);
      const current = records.find((r) => r.year === year);
      const standing: CtlpStanding = {
        year,
        label: yearLabel(year),
        briefingReceivedOn: current?.briefingReceivedOn ?? null,
        reviewedOn: current?.reviewedOn ?? null,
        signedOffOn: current?.signedOffOn ?? null,
        lastSignOffOn: ctlpStatusOf(records, day).lastSignOffOn,
      };
      return [orgId, standing];
    }),
  );
}
