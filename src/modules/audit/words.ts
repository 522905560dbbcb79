/*
 * The audit trail in words, for the page: who did what to which record, and when. The codes and ids stay
 * in the CSV export, where tools read them. An entry about a concern case shows its reference and a link
 * only to those who work cases; anyone else (the board or auditor viewer, an administrator) reads that a
 * case was viewed or changed, without which.
 */
import type { Permission } from '../../platform/permissions.ts';
import type { AuditRow } from './repository.ts';

/** The actions people meet most, in words. Any other is worded from its code (actionInWords). */
const actionWords: Record<string, string> = {
  'sign-in': 'Signed in',
  'sign-in.failed': 'Sign-in refused',
  'sign-out': 'Signed out',
  'mfa.failed': 'Security code refused at sign-in',
  'organisation.switched': 'Switched organisation',
  'concern.raised': 'Raised a concern',
  'concern.viewed': 'Viewed a concern case',
  'concern.list_viewed': 'Viewed the list of concern cases',
  'concern.break_glass': 'Opened a concern case by break-glass',
  'concern.moved': 'Moved a concern case on',
  'concern.assigned': 'Assigned someone to a concern case',
  'concern.unassigned': 'Took someone off a concern case',
  'concern.note_added': 'Added a note to a concern case',
  'concern.record_check': 'Recorded a check for existing records',
  'concern.sharing_decision': 'Recorded an information sharing decision',
  'concern.referred': 'Referred a concern to police Prevent',
  'concern.referral_outcome': 'Recorded the outcome of a referral',
  'concern.review_date_set': 'Set a concern case’s review date',
  'concern.follow_up_done': 'Marked a follow-up done',
  'concern.marker_changed': 'Changed the patient record marker’s text',
  'concern.marker_placed': 'Put the marker on the patient record',
  'concern.marker_removed': 'Took the marker off the patient record',
  'concern.retention_extended': 'Kept a concern case longer',
  'concern.erased': 'Erased a concern case’s personal data',
  'concern.settings_changed': 'Changed the concern settings',
  'partnership.recorded': 'Recorded a multi-agency meeting',
  'partnership.changed': 'Changed a multi-agency meeting',
  'partnership.removed': 'Removed a multi-agency meeting',
  'partnership.action-added': 'Added an action agreed at a multi-agency meeting',
  'partnership.action-done': 'Marked a multi-agency action done',
  'partnership.action-reopened': 'Reopened a multi-agency action',
  'information-request.recorded': 'Recorded an information request',
  'information-request.answered': 'Recorded the answer to an information request',
  'development.activity.added': 'Recorded a development activity',
  'development.activity.updated': 'Changed a development activity',
  'development.activity.removed': 'Removed a development activity',
  'development.target.added': 'Added a development plan target',
  'development.target.updated': 'Changed a development plan target',
  'development.target.removed': 'Removed a development plan target',
  'training.course.added': 'Registered a Prevent course',
  'training.course.updated': 'Changed a registered Prevent course',
  'training.course.retired': 'Retired a registered Prevent course',
  'training.update.recorded': 'Recorded an annual Prevent update',
  'training.update.removed': 'Removed an annual Prevent update',
  'training.imported': 'Imported staff and training records',
  'training.import.leavers-confirmed': 'Confirmed the leavers of a staff record import',
  'training.import-settings.saved': 'Saved the import settings',
  'training.import-settings.reset': 'Reset the import settings to the defaults',
  'training.needs-analysis.approved': 'Approved a training needs analysis',
  'training.record.added': 'Added a training record',
  'training.records.received': 'Received training records by API',
  'training.staff.added': 'Added a staff member',
  'training.staff.updated': 'Changed a staff member’s details',
  'audit.checkpoint.downloaded': 'Downloaded a checkpoint of the audit trail',
  'policy.document.downloaded': 'Downloaded a policy document',
  'lessons_review.viewed': 'Viewed a lessons learned review',
  'case_study.viewed': 'Viewed a case study',
  'shared_case_study.read': 'Read a shared case study',
};

/** The first part of a code, as a noun, for codes worded from their parts. */
const domainWords: Record<string, string> = {
  api_token: 'API token',
  'board-report': 'Board report',
  case_study: 'Case study',
  concern: 'Concern case',
  contact: 'Contact',
  contract: 'Contract',
  contract_action: 'Contract action',
  contract_check: 'Contract check',
  ctlp: 'Counter-terrorism local profile',
  evidence: 'CQC evidence',
  lead: 'Prevent lead',
  learning_action: 'Learning group action',
  learning_meeting: 'Learning group meeting',
  lessons_action: 'Lessons learned action',
  lessons_review: 'Lessons learned review',
  organisation: 'Organisation',
  policy: 'Policy',
  programme: 'Work programme',
  report: 'Report',
  risk: 'Risk',
  self_assessment: 'Self-assessment',
  trainer: 'Trainer',
  training: 'Training',
  training_session: 'Training session',
  user: 'User account',
};

const spaced = (code: string) => code.replace(/[_-]+/g, ' ').trim();
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** An action in words: "Viewed a concern case", or for a code not listed, "Risk: reviewed". */
export function actionInWords(action: string): string {
  const known = actionWords[action];
  if (known) return known;
  const [domain = '', ...rest] = action.split('.');
  const noun = domainWords[domain] ?? capitalised(spaced(domain));
  return rest.length > 0 ? `${noun}: ${rest.map(spaced).join(', ')}` : noun;
}

/** A record's page, and the permission its route asks for: the trail links it only for those who may open it. */
type RecordPage = { href: (id: string) => string; access: Permission };
type RecordKind = { name: string; page?: RecordPage; caseData?: true };

/** What each kind of record is called, and where its page is. */
const recordKinds: Record<string, RecordKind> = {
  concern_case: { name: 'Concern case', page: { href: (id) => `/concerns/${id}`, access: 'concerns:work' }, caseData: true },
  lessons_review: {
    name: 'Lessons learned review',
    page: { href: (id) => `/lessons/reviews/${id}`, access: 'lessons:review' },
    caseData: true,
  },
  lessons_action: { name: 'Lessons learned action', caseData: true },
  training_import: {
    name: 'Staff record import',
    page: { href: (id) => `/training/imports/${id}`, access: 'training:manage' },
  },
  staff: { name: 'Staff member', page: { href: (id) => `/training/staff/${id}`, access: 'training:staff' } },
  policy: { name: 'Policy', page: { href: (id) => `/policies/${id}`, access: 'policies:read' } },
  policy_version: { name: 'Policy version' },
  risk: { name: 'Risk', page: { href: (id) => `/risks/${id}`, access: 'risks:read' } },
  partnership_engagement: {
    name: 'Multi-agency meeting',
    page: { href: (id) => `/partnership/meetings/${id}`, access: 'partnership:read' },
  },
  partnership_action: { name: 'Multi-agency action' },
  // What was asked is in words checked for identifiers; who it is about stays on the case.
  information_request: {
    name: 'Information request',
    page: { href: (id) => `/information-requests/${id}`, access: 'requests:manage' },
  },
  board_report: { name: 'Board report', page: { href: (id) => `/reports/board/${id}`, access: 'reports:read' } },
  user: { name: 'User account', page: { href: (id) => `/users/${id}`, access: 'users:manage' } },
  organisation: {
    name: 'Organisation',
    page: { href: (id) => `/organisations/${id}`, access: 'organisations:read' },
  },
};

export type AuditLine = {
  at: Date;
  who: string;
  what: string;
  /** The record, by its reference or title where the entry names one; null for entries about no record. */
  record: { text: string; href: string | null } | null;
  from: string | null;
};

/** Whether an entry is about a concern case or what is drawn from one. */
export const isCaseData = (row: Pick<AuditRow, 'recordType' | 'action'>) =>
  recordKinds[row.recordType ?? '']?.caseData === true || row.action.startsWith('concern.');

/** One entry as the page shows it, for a reader who holds the permissions `may` says yes to. */
export function auditLineOf(row: AuditRow, may: (permission: Permission) => boolean): AuditLine {
  const seesCaseData = may('concerns:manage');
  const kind = row.recordType ? (recordKinds[row.recordType] ?? { name: capitalised(spaced(row.recordType)) }) : null;
  const hidden = isCaseData(row) && !seesCaseData;
  const named = row.details.reference ?? row.details.title ?? row.details.name ?? row.details.fileName;
  let record: AuditLine['record'] = null;
  if (kind && hidden) record = { text: `A ${kind.name.toLowerCase()}`, href: null };
  else if (kind) {
    record = {
      text: typeof named === 'string' && named.trim() !== '' ? `${kind.name} ${named}` : kind.name,
      href: row.recordId && kind.page && may(kind.page.access) ? kind.page.href(row.recordId) : null,
    };
  }
  return {
    at: row.occurredAt,
    // Name and e-mail address, as recorded at the time: two people may share a name.
    who: row.actorLabel,
    what: actionInWords(row.action),
    record,
    from: row.ip,
  };
}
