import { spokenDate, todayInLondon } from '../../platform/dates.ts';
import type { Block, ReportDocument, Section } from '../../platform/documents/document.ts';
import type { CaseSummary, OpenCase } from '../concerns/service.ts';
import { type Decision, type DecisionInHistory, protocolOf, type RecordCheck } from '../sharing/service.ts';

/*
 * The referral to police Prevent, from what the case already holds: the form starts from the account of
 * the concern, the checks for existing records and the decision to share, for the lead to edit; and the
 * referral as recorded becomes the national Prevent referral form, as a PDF or Word document to send.
 */

/** The person, as the case holds them: shown beside the form and written on the document. */
export function personRows(c: CaseSummary): [string, string][] {
  return [
    ['Name', c.subjectName ?? 'Not known'],
    ['Date of birth', c.dateOfBirth ? spokenDate(c.dateOfBirth) : 'Not known'],
    ['NHS number', c.nhsNumberFormatted ?? 'Not known'],
    ['Child or adult', c.isChild ? 'Child (under 18)' : 'Adult'],
  ];
}

/** The decision to share with police Prevent that still stands: the latest not corrected since. */
export function standingPoliceDecision(decisions: readonly DecisionInHistory[]): Decision | null {
  const standing = decisions.filter((d) => d.partner === 'police_prevent' && d.shared && !d.correctedBy);
  return standing.at(-1) ?? null;
}

function checkLine(check: RecordCheck): string {
  const found = check.findings ? `. ${check.findings}` : '';
  return `${check.systems}, searched ${spokenDate(check.searchedOn)}: ${check.knownName}${found}`;
}

/** What was shared and on what lawful basis, in words. */
export function sharingLines(decision: Decision): string[] {
  const basis = [decision.article6Label, decision.article9Label, decision.schedule1Label].filter(Boolean).join('; ');
  return [
    `Shared with police Prevent: ${decision.information ?? 'as recorded on the case'}.`,
    `Lawful basis: ${basis || 'as recorded on the case'}.`,
    `Consent: ${decision.consentName}${decision.consentNote ? ` (${decision.consentNote})` : ''}.`,
  ];
}

/** The form's first values: the account, the checks and the decision to share, for the lead to edit. */
export async function startingValues(open: OpenCase, now: Date): Promise<Record<string, string>> {
  const c = open.case;
  const { checks, decisions } = await protocolOf(open);
  const decision = standingPoliceDecision(decisions);
  const seen = `Seen or heard on ${spokenDate(todayInLondon(c.observedAt))}${c.location ? `, ${c.location}` : ''}.`;
  return {
    concern: [c.narrative ?? '', seen].filter((part) => part !== '').join('\n\n'),
    otherAgencies: checks.map(checkLine).join('\n'),
    otherInformation: decision ? sharingLines(decision).join('\n') : '',
    referredOn: todayInLondon(now),
  };
}

export type RecordedReferral = {
  referredOn: string;
  sentHowName: string;
  policeReference: string | null;
  concern: string | null;
  complexNeeds: string | null;
  otherAgencies: string | null;
  otherInformation: string | null;
};

export type Referrer = { organisation: string; name: string; email: string };

const paragraphs = (text: string | null, none: string): Block[] =>
  (text?.trim() ? text.split(/\n\s*\n/) : [none]).map((part) => ({ kind: 'paragraph', text: part.trim() }));

const detailsTable = (caption: string, rows: [string, string][]): Block => ({
  kind: 'table',
  caption,
  columns: ['Detail', 'Given'],
  rows,
});

/** The national Prevent referral form's sections, filled from the case and the referral as recorded. */
export function referralDocumentOf(
  c: CaseSummary,
  referral: RecordedReferral,
  decision: Decision | null,
  referrer: Referrer,
): ReportDocument {
  const section = (heading: string, blocks: Block[]): Section => ({ heading, level: 1, blocks });
  return {
    title: 'Prevent referral form',
    subtitle: [referrer.organisation, `Case ${c.reference}`, `Referred on ${spokenDate(referral.referredOn)}`],
    sections: [
      section('The person referred', [detailsTable('The person referred', personRows(c))]),
      section('The referrer', [
        detailsTable('The referrer', [
          ['Organisation', referrer.organisation],
          ['Name', referrer.name],
          ['E-mail address', referrer.email],
          ['Date referred', spokenDate(referral.referredOn)],
          ['How it was sent', referral.sentHowName],
          ['Police reference', referral.policeReference ?? 'Not given yet'],
        ]),
      ]),
      section('The concern', paragraphs(referral.concern, 'Erased')),
      section('Complex needs', paragraphs(referral.complexNeeds, 'None given.')),
      section('Other agencies involved', paragraphs(referral.otherAgencies, 'None given.')),
      section('Other information', paragraphs(referral.otherInformation, 'None given.')),
      section(
        'Information sharing',
        decision
          ? sharingLines(decision).map((text) => ({ kind: 'paragraph', text }))
          : [{ kind: 'paragraph', text: 'The decision to share is recorded on the case.' }],
      ),
    ],
    footer: `OFFICIAL-SENSITIVE. For police Prevent. From ${referrer.organisation}, case ${c.reference}.`,
  };
}
