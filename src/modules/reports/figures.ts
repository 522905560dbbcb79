/**
 * What the annual board report says, gathered from the other modules for one organisation and one NHS
 * financial year: counts, standings and the kept month-end figures, never a case or a person at risk.
 */
import type { Db } from '../../db/client.ts';
import { type Scope, withScope } from '../../db/tenancy.ts';
import type { OrganisationSummary } from '../../platform/context.ts';
import { addDays, addMonths, financialYearLabel, todayInLondon } from '../../platform/dates.ts';
import * as development from '../development/service.ts';
import * as informationRequests from '../information-requests/service.ts';
import * as leads from '../leads/service.ts';
import * as lessons from '../lessons/service.ts';
import * as partnership from '../partnership/service.ts';
import * as policies from '../policies/service.ts';
import * as programme from '../programme/service.ts';
import * as risks from '../risks/service.ts';
import * as selfAssessment from '../self-assessment/service.ts';
import * as training from '../training/service.ts';
import { type KeptMonth, lastDayOf, monthFiguresIn, monthOf, monthsBetween } from './month-end.ts';

export type ReportOrganisation = Pick<OrganisationSummary, 'id' | 'name' | 'odsCode' | 'kind'>;

export type ReportFigures = {
  org: ReportOrganisation;
  year: number;
  /** April 2026 to March 2027. */
  yearLabel: string;
  /** The day the figures stand at: the year's last day, or today while the year runs. */
  asAt: string;
  yearEnded: boolean;
  leads: leads.CurrentLeads;
  programme: programme.ProgrammeStanding | null;
  frameworks: policies.FrameworkStanding[];
  training: training.ComplianceFigures;
  forecast: training.Forecast;
  /** The year's months that have ended, as kept. */
  months: KeptMonth[];
  lessons: lessons.LessonsFigures;
  risksByBand: Record<risks.Band, number>;
  ctlp: risks.CtlpStanding | null;
  selfAssessment: selfAssessment.YearStanding | null;
  /** The engagement log: the year's meetings by kind and quarter, and overdue actions. */
  partnership: partnership.PartnershipFigures;
  /** Information requests asked from the year's start to the as-at date. */
  requests: informationRequests.RequestFigures;
  /** The development of the leads in post and the safeguarding practitioners in the 12 months to the as-at date. */
  development: development.DevelopmentFigures;
};

/** The months of a financial year that have ended by `today`. */
export function endedMonthsOf(year: number, today: string): string[] {
  const first = `${year}-04`;
  const lastEnded = monthOf(addMonths(`${monthOf(today)}-01`, -1));
  const last = lastEnded < `${year + 1}-03` ? lastEnded : `${year + 1}-03`;
  return last < first ? [] : monthsBetween(first, last);
}

/**
 * Gathers the report's figures in the scope given: the signed-in person's for a page, the organisation's
 * own for the command line and the benchmark.
 */
export async function reportFiguresOf(
  db: Db,
  org: ReportOrganisation,
  year: number,
  today = todayInLondon(),
  scope: Scope = { userId: null, orgIds: [org.id] },
): Promise<ReportFigures> {
  const yearEnd = lastDayOf(`${year + 1}-03`);
  const yearEnded = today > yearEnd;
  const asAt = yearEnded ? yearEnd : today;
  const gathered = await withScope(db, scope, async (tx) => ({
    leads: (await leads.currentLeadsOf(tx, [org.id], asAt)).get(org.id),
    programme: (await programme.programmeStandingOf(tx, [org], asAt)).get(org.id) ?? null,
    frameworks: (await policies.frameworkStandingOf(tx, [org])).get(org.id) ?? [],
    training: await training.complianceFiguresIn(tx, org.id, asAt),
    months: (await monthFiguresIn(tx, [org.id], endedMonthsOf(year, today), today)).get(org.id) ?? [],
    lessons: await lessons.lessonsFiguresIn(tx, org.id, { from: `${year}-04-01`, before: addDays(yearEnd, 1) }, today),
    risksByBand: await risks.openRisksByBandIn(tx, org.id),
    ctlp: (await risks.ctlpStandingOf(tx, [org.id], asAt)).get(org.id) ?? null,
    partnership: await partnership.partnershipFiguresIn(tx, org.id, asAt),
    requests: await informationRequests.requestFiguresIn(tx, org.id, `${year}-04-01`, asAt, asAt),
    development: await development.developmentFiguresIn(tx, org.id, asAt),
  }));
  const forecast = await training.forecastOf(db, scope, org.id, asAt, addMonths(asAt, 12));
  const standing = await selfAssessment.yearStandingOf(db, org, year, today, scope);
  return {
    org,
    year,
    yearLabel: financialYearLabel(year),
    asAt,
    yearEnded,
    leads: gathered.leads ?? { accountable: null, operational: null },
    programme: gathered.programme,
    frameworks: gathered.frameworks,
    training: gathered.training,
    forecast,
    months: gathered.months,
    lessons: gathered.lessons,
    risksByBand: gathered.risksByBand,
    ctlp: gathered.ctlp,
    selfAssessment: standing,
    partnership: gathered.partnership,
    requests: gathered.requests,
    development: gathered.development,
  };
}
