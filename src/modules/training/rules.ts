/*
 * The training rules that do not need the database, shared by the service, the import and the
 * delivery plan: levels, the default training needs analysis, which courses are Prevent, who is
 * in scope, and the red/amber/green against the 85 % target.
 */
import { addMonths } from '../../platform/dates.ts';
import type { ColumnMapping, CompetenceRule, NeedsAnalysisRules, TrainingLevel } from './schema.ts';

export const levelNames: Record<TrainingLevel, string> = {
  basic: 'Basic Prevent awareness',
  level3: 'Level 3 (face to face)',
};

/** The NHS England target: at least 85 % of staff trained to the level their role needs. */
export const complianceTarget = 85;
/** Amber: within this many percentage points below the target. */
export const amberBand = 5;
/** Prevent refreshers are due every 3 years (the CSTF's period for both subjects). */
export const refresherYears = 3;

/**
 * When a record expires if its source gives no date: `years` after completion, the same day of the
 * month, or the month's last day when it has no such day (29 February → 28 February). Never later
 * than the anniversary, so no one counts as up to date for a day they are not. One rule for the
 * import, the form and the API.
 */
export function defaultExpiry(completedOn: string, years: number = refresherYears): string {
  return addMonths(completedOn, 12 * years);
}
/** "Expiring soon" on the compliance page. */
export const expiringSoonDays = 90;
/** Staff and their managers are reminded this many days before the training expires. */
export const reminderDays = 60;

/** Level 3 covers basic awareness: a record of `held` satisfies a need for `needed`. */
export function covers(held: TrainingLevel, needed: TrainingLevel): boolean {
  return held === 'level3' || needed === 'basic';
}

/** Registered clinical staff groups need level 3 (NHS England Prevent training and competencies framework, 2025). */
export const defaultNeedsAnalysis: NeedsAnalysisRules = {
  rules: [
    { staffGroup: 'Nursing and Midwifery Registered', level: 'level3' },
    { staffGroup: 'Medical and Dental', level: 'level3' },
    { staffGroup: 'Allied Health Professionals', level: 'level3' },
  ],
  otherwise: 'basic',
};

const fold = (text: string) => text.trim().toLowerCase();

/** The level a staff member needs under the analysis: the first rule that matches, otherwise its default. */
export function requiredLevelFor(analysis: NeedsAnalysisRules, staffGroup: string, positionTitle: string): TrainingLevel {
  for (const rule of analysis.rules) {
    if (rule.staffGroup !== undefined && fold(rule.staffGroup) !== fold(staffGroup)) continue;
    if (rule.positionContains !== undefined && !fold(positionTitle).includes(fold(rule.positionContains))) continue;
    return rule.level;
  }
  return analysis.otherwise;
}

/**
 * Which courses in the staff record export are Prevent training, and at which level: a course
 * matches a rule when its name contains every phrase (any case). Level 3 rules come first, since
 * "Level 3" names would otherwise also match the broader basic rules.
 */
export const defaultCompetenceRules: CompetenceRule[] = [
  { phrases: ['Preventing Radicalisation', 'Level 3'], level: 'level3' },
  { phrases: ['Preventing Radicalisation', 'WRAP'], level: 'level3' },
  { phrases: ['Preventing Radicalisation', 'Basic'], level: 'basic' },
  { phrases: ['Preventing Radicalisation', 'Level 1'], level: 'basic' },
  { phrases: ['Preventing Radicalisation', 'Level 2'], level: 'basic' },
];

/** The Prevent level of a course, or undefined for a course that is not Prevent training. */
export function levelOfCourse(rules: readonly CompetenceRule[], courseName: string): TrainingLevel | undefined {
  const name = fold(courseName);
  return rules.find((rule) => rule.phrases.every((phrase) => name.includes(fold(phrase))))?.level;
}

/** The fields an import fills, and the heading ESR gives each in its statutory and mandatory training export. */
export const importFields = [
  'employeeNumber',
  'assignmentNumber',
  'firstName',
  'lastName',
  'organisation',
  'directorate',
  'department',
  'positionTitle',
  'staffGroup',
  'assignmentStatus',
  'competenceName',
  'achievementDate',
  'expiryDate',
  'email',
  'managerEmail',
] as const;
export type ImportField = (typeof importFields)[number];

/** The default mapping: ESR's own headings. The two e-mail columns are not in ESR's export; map them if yours has them. */
export const defaultColumnMapping: ColumnMapping = {
  employeeNumber: 'Employee Number',
  assignmentNumber: 'Assignment Number',
  firstName: 'First Name',
  lastName: 'Last Name',
  organisation: 'Organisation',
  directorate: 'Directorate',
  department: 'Department',
  positionTitle: 'Position Title',
  staffGroup: 'Staff Group',
  assignmentStatus: 'Assignment Status',
  competenceName: 'Competence Name',
  achievementDate: 'Achievement Date',
  expiryDate: 'Expiry Date',
  email: '',
  managerEmail: '',
};

/** Where an assignment status puts a person: counted, away for a long time, or gone. */
export const statusScopes = ['in_scope', 'long_term_absence', 'leaver'] as const;
export type StatusScope = (typeof statusScopes)[number];
/** The assignment statuses the import knows, by where they put a person. */
export type StatusMapping = Record<StatusScope, string[]>;

export const statusScopeNames: Record<StatusScope, string> = {
  in_scope: 'In scope',
  long_term_absence: 'Long-term absence (out of scope until back)',
  leaver: 'Leaver',
};

/**
 * The statuses ESR's exports use, and common local variants. A status not listed here (or in the
 * organisation's settings) stops the import until someone says where it belongs: guessing put
 * "Long Term Absence" in scope when only a few words were recognised.
 */
export const defaultStatusMapping: StatusMapping = {
  in_scope: ['Active Assignment', 'Active', 'Acting Up', 'Internal Secondment', 'Phased Return'],
  long_term_absence: [
    'Suspend Assignment',
    'Suspended',
    'Maternity & Adoption',
    'Maternity and Adoption',
    'Maternity Leave',
    'Adoption Leave',
    'Shared Parental Leave',
    'Career Break',
    'Long Term Absence',
    'Long Term Sickness',
    'Long Term Sick',
    'Out on External Secondment',
    'External Secondment',
  ],
  leaver: ['Terminate Assignment', 'Terminated', 'Leaver', 'Left'],
};

/** A status as the mapping compares it: capital letters, spaces at the ends and runs of spaces do not matter. */
export const foldStatus = (status: string) => status.trim().toLowerCase().replace(/\s+/g, ' ');

/** Where the mapping puts this status; undefined when it does not know it. */
export function scopeOfStatus(mapping: StatusMapping, assignmentStatus: string): StatusScope | undefined {
  const status = foldStatus(assignmentStatus);
  return statusScopes.find((scope) => mapping[scope].some((known) => foldStatus(known) === status));
}

/** A lookup for many rows: one map built from the mapping. */
export function statusLookup(mapping: StatusMapping): (assignmentStatus: string) => StatusScope | undefined {
  const known = new Map<string, StatusScope>();
  for (const scope of statusScopes) for (const status of mapping[scope]) known.set(foldStatus(status), scope);
  return (assignmentStatus) => known.get(foldStatus(assignmentStatus));
}

/**
 * An import that would make more than this share of the organisation's staff leavers asks for the
 * number to be confirmed first (the import settings can change it): a partial file must not empty the trust.
 */
export const defaultLeaverConfirmationPercent = 10;

/** Whether so many leavers out of so many staff needs the number confirmed. */
export function leaversNeedConfirmation(leavers: number, staffBefore: number, percent: number): boolean {
  return leavers > 0 && leavers * 100 > staffBefore * percent;
}

/** A headcount in scope this much below the last month end's is flagged on the compliance pages. */
export const headcountFallPercent = 10;

/** Whether the headcount in scope fell sharply from `before` to `now`. */
export function headcountFellSharply(before: number, now: number): boolean {
  return before > 0 && (before - now) * 100 > before * headcountFallPercent;
}

export type Rag = 'red' | 'amber' | 'green';

/** Whole-number percentage, rounded down so that 84.9 % never shows as 85 %; null with nobody in scope. */
export function percentOf(compliant: number, inScope: number): number | null {
  return inScope === 0 ? null : Math.floor((compliant * 1000) / inScope) / 10;
}

/** Red below 80 %, amber from 80 % up to 85 %, green at or above 85 %. */
export function ragOf(percent: number | null): Rag | null {
  if (percent === null) return null;
  if (percent >= complianceTarget) return 'green';
  if (percent >= complianceTarget - amberBand) return 'amber';
  return 'red';
}
