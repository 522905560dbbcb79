/**
 * The record of each organisation's annual Prevent reports to its board: the versions, their approval, the
 * board meeting and their sharing. The reports module writes and draws them; it sits below assurance so that
 * the core standards' reporting requirement is computed from this record.
 */
import type { Executor } from '../../db/client.ts';
import * as repository from './repository.ts';

export { boardReportStatuses, type ResourcesAnswer, resourcesAnswers } from './schema.ts';
export type BoardReport = repository.BoardReportRow;

export const reportsOf = repository.reportsOf;
export const reportById = repository.reportById;
export const insertReport = repository.insertReport;
export const updateReport = repository.updateReport;
export const sharedReportsOf = repository.sharedReportsOf;

/** The latest board meeting an approved report was presented at, on or before a day, by organisation. */
export type BoardReportStanding = { year: number; version: number; presentedOn: string; minuteReference: string | null };

/** For assurance against the core standards: each organisation's latest presented report as at `day`, or none. */
export async function boardReportStandingOf(
  tx: Executor,
  orgIds: readonly string[],
  day: string,
): Promise<Map<string, BoardReportStanding | null>> {
  const rows = await repository.presentedReportsOf(tx, orgIds, day);
  return new Map(
    orgIds.map((orgId) => {
      const latest = rows.find((r) => r.orgId === orgId);
      return [
        orgId,
        latest?.presentedOn
          ? {
              year: latest.year,
              version: latest.version,
              presentedOn: latest.presentedOn,
              minuteReference: latest.minuteReference,
            }
          : null,
      ];
    }),
  );
}
