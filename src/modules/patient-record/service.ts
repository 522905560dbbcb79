import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { OrganisationSummary, RequestContext } from '../../platform/context.ts';
import { todayInLondon } from '../../platform/dates.ts';
import { InputError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import {
  addEvent,
  auditChange,
  type CaseSummary,
  neutralMarkerText,
  type OpenCase,
  requireLead,
  requireNotErased,
  updateMarker,
  withCase,
} from '../concerns/service.ts';
import { currentLeadsFor } from '../leads/service.ts';

export { neutralMarkerText };

export const markerMaxLength = 200;

/**
 * Words that would tell anyone who opens the shared record what the concern is about. A marker
 * seen by every clinician can itself disclose and stigmatise, so using them is the lead's
 * deliberate choice, never a slip.
 */
const disclosingWords = /\b(prevent|radicali[sz]|extremis|terror|channel)/i;

export function markerMentionsPrevent(text: string): boolean {
  return disclosingWords.test(text);
}

/** The marker's text as it appears on the record: the neutral default unless the lead chose otherwise. */
export const markerTextOf = (c: Pick<CaseSummary, 'markerText'>): string => c.markerText ?? neutralMarkerText;

/**
 * The marker is in force once a lead has put it on the record, while the case is open; a closed or
 * erased case's marker is not.
 */
export const markerActive = (c: Pick<CaseSummary, 'status' | 'erasedAt' | 'markerPlacedAt'>): boolean =>
  c.markerPlacedAt !== null && c.status !== 'closed' && !c.erasedAt;

/** Said wherever the marker would be (the case page, the handover, the flag export) until a lead decides. */
export const noMarkerText = 'No marker: a Prevent lead has not decided to put a marker on the patient record';

// ---- the decision to place it ----

const placeFields = z.object({
  place: z.enum(['yes', 'no'], { error: 'Choose whether to put the marker on the patient record' }),
});

/**
 * A Prevent lead decides, usually at triage, whether the marker goes on the patient record; they can take
 * it off again while the case is open. Audited, and in the chronology.
 */
export async function decideMarker(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const { place } = parseInput(placeFields, input);
  await withCase(db, ctx, id, null, async (open) => {
    requireLead(open, 'decide on the record marker');
    requireNotErased(open);
    if (open.case.subjectType !== 'patient')
      throw new InputError({ place: 'This case is not about a patient: there is no patient record to put a marker on' });
    if (open.case.status === 'closed') throw new InputError({ place: 'The case is closed: its marker is no longer in force' });
    const placed = open.case.markerPlacedAt !== null;
    if ((place === 'yes') === placed) return;
    await updateMarker(open, { markerText: open.case.markerText, markerPlacedAt: place === 'yes' ? new Date() : null });
    await addEvent(
      open,
      'marker',
      place === 'yes' ? 'Marker put on the patient record by a lead’s decision' : 'Marker taken off the patient record',
    );
    await auditChange(open, place === 'yes' ? 'concern.marker_placed' : 'concern.marker_removed', {});
  });
}

// ---- the marker's text ----

const markerFields = z.object({
  useDefault: z.preprocess(blankToUndefined, z.literal('yes').optional()),
  markerText: z.preprocess(
    blankToUndefined,
    z
      .string()
      .max(markerMaxLength, `The marker text must be ${markerMaxLength} characters or fewer`)
      .refine((v) => !/[\r\n]/.test(v), 'The marker text must be a single line')
      .optional(),
  ),
  confirmPrevent: z.preprocess(blankToUndefined, z.literal('yes', { error: 'Tick the box or leave it empty' }).optional()),
});

export const preventRefusal =
  'The marker text mentions Prevent, radicalisation, extremism, terrorism or Channel. Everyone who opens the patient’s record sees the marker, so these words can disclose the concern and stigmatise the person. Use the neutral default, or tick “I have decided the marker should mention Prevent” if you have decided it must.';

/** What the lead chose: back to the default (null), or their own words. */
function chosenText(input: unknown): { text: string | null; mentionsPrevent: boolean } {
  const fields = parseInput(markerFields, input);
  if (fields.useDefault) return { text: null, mentionsPrevent: false };
  if (!fields.markerText) {
    throw new InputError({ markerText: 'Enter the marker text, or use the neutral default' });
  }
  const mentionsPrevent = markerMentionsPrevent(fields.markerText);
  if (mentionsPrevent && !fields.confirmPrevent) throw new InputError({ confirmPrevent: preventRefusal });
  // The default written out is the default: it should follow any change to the default's wording.
  return { text: fields.markerText === neutralMarkerText ? null : fields.markerText, mentionsPrevent };
}

/** A Prevent lead sets the text of the marker on the patient record, or puts the neutral default back. */
export async function setMarkerText(db: Db, ctx: RequestContext, id: string, input: unknown): Promise<void> {
  const chosen = chosenText(input);
  await withCase(db, ctx, id, null, async (open) => {
    requireLead(open, 'change the record marker');
    requireNotErased(open);
    await updateMarker(open, { markerText: chosen.text, markerPlacedAt: open.case.markerPlacedAt });
    const summary =
      chosen.text === null
        ? 'Record marker set to the neutral default'
        : `Record marker text changed${chosen.mentionsPrevent ? ' (mentions Prevent, by the lead’s decision)' : ''}`;
    await addEvent(open, 'marker', summary, chosen.text);
    await auditChange(open, 'concern.marker_changed', { mentionsPrevent: chosen.mentionsPrevent });
  });
}

// ---- the handover summary ----

export type HandoverContact = {
  organisation: string;
  lead: { name: string; email: string | null; phone: string | null } | null;
};

/**
 * What goes with a patient who is transferred: who they are, the marker and who to ask.
 * Never the narrative: sending that is an information sharing decision of its own.
 */
export async function handoverSummary(db: Db, ctx: RequestContext, id: string) {
  const found = await withCase(db, ctx, id, 'handover', async (open) => {
    if (open.case.erasedAt) {
      throw new InputError({ form: 'This case’s personal data has been erased: there is no one to hand over' });
    }
    return {
      case: open.case,
      markerText: markerTextOf(open.case),
      markerPlaced: open.case.markerPlacedAt !== null,
      markerActive: markerActive(open.case),
      noMarkerText,
    };
  });
  // Read after the case was opened, so that nothing is looked up for someone refused the case.
  const orgId = ctx.user.activeOrg.id;
  const leads = (await currentLeadsFor(db, ctx, [orgId])).get(orgId);
  const operational = leads?.operational ?? null;
  const contact: HandoverContact = {
    organisation: ctx.user.activeOrg.name,
    lead: operational ? { name: operational.personName, email: operational.email, phone: operational.phone } : null,
  };
  return { ...found, contact, printedBy: ctx.user.displayName, printedAt: new Date() };
}

// ---- the FHIR Flag ----

export const flagProfile = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Flag';
export const caseReferenceSystem = 'https://prevent-assure.nhs.uk/Id/case-reference';
export const nhsNumberSystem = 'https://fhir.nhs.uk/Id/nhs-number';
export const odsCodeSystem = 'https://fhir.nhs.uk/Id/ods-organization-code';
const flagCategorySystem = 'http://terminology.hl7.org/CodeSystem/flag-category';

type Identifier = { system: string; value: string };

/** A FHIR R4 Flag in the UK Core profile's shape: only the elements we fill. */
export type FlagResource = {
  resourceType: 'Flag';
  id: string;
  meta: { profile: [typeof flagProfile] };
  identifier: [Identifier];
  status: 'active' | 'inactive';
  category: [{ coding: [{ system: typeof flagCategorySystem; code: 'safety'; display: 'Safety' }] }];
  code: { text: string };
  subject: { identifier?: Identifier; display?: string };
  period: { start: string; end?: string };
  author: { identifier: Identifier; display: string };
};

export type FlagCase = Pick<
  CaseSummary,
  | 'id'
  | 'reference'
  | 'markerText'
  | 'markerPlacedAt'
  | 'subjectName'
  | 'nhsNumber'
  | 'status'
  | 'raisedAt'
  | 'closedAt'
  | 'erasedAt'
>;

/**
 * The marker as a FHIR Flag another system can load. The code is text only: there is no agreed
 * SNOMED CT concept for this marker, and an invented one would mislead the receiving system.
 */
export function flagResource(c: FlagCase, author: Pick<OrganisationSummary, 'odsCode' | 'name'>): FlagResource {
  const closed = c.status === 'closed' && c.closedAt !== null;
  return {
    resourceType: 'Flag',
    id: c.id,
    meta: { profile: [flagProfile] },
    identifier: [{ system: caseReferenceSystem, value: c.reference }],
    status: markerActive(c) ? 'active' : 'inactive',
    category: [{ coding: [{ system: flagCategorySystem, code: 'safety', display: 'Safety' }] }],
    code: { text: markerTextOf(c) },
    subject: {
      ...(c.nhsNumber ? { identifier: { system: nhsNumberSystem, value: c.nhsNumber } } : {}),
      ...(c.subjectName ? { display: c.subjectName } : {}),
    },
    period: {
      start: todayInLondon(c.markerPlacedAt ?? c.raisedAt),
      ...(closed && c.closedAt ? { end: todayInLondon(c.closedAt) } : {}),
    },
    author: { identifier: { system: odsCodeSystem, value: author.odsCode }, display: author.name },
  };
}

/** The marker as a FHIR Flag, for a patient only; the export is audited and noted in the chronology. */
export async function exportFlag(db: Db, ctx: RequestContext, id: string): Promise<{ reference: string; flag: FlagResource }> {
  return withCase(db, ctx, id, 'flag export', async (open) => {
    if (open.case.erasedAt) {
      throw new InputError({ form: 'This case’s personal data has been erased: there is no one to flag' });
    }
    if (open.case.subjectType !== 'patient') {
      throw new InputError({
        form: 'A record marker can be exported only for a patient: this case is not about a patient, so there is no patient record to flag',
      });
    }
    if (open.case.markerPlacedAt === null) throw new InputError({ form: `${noMarkerText}, so there is nothing to export.` });
    // A GET changes nothing: the export is in the audit trail, and so in the chronology, as a view.
    return { reference: open.case.reference, flag: flagResource(open.case, ctx.user.activeOrg) };
  });
}

// ---- the case page ----

/** What the case page shows of the marker; the form is for the leads. */
export function caseSectionData(open: OpenCase) {
  const text = markerTextOf(open.case);
  return {
    caseId: open.case.id,
    markerText: text,
    isDefault: open.case.markerText === null,
    mentionsPrevent: markerMentionsPrevent(text),
    active: markerActive(open.case),
    placed: open.case.markerPlacedAt !== null,
    placedAt: open.case.markerPlacedAt,
    closed: open.case.status === 'closed',
    noMarkerText,
    isPatient: open.case.subjectType === 'patient',
    erased: open.case.erasedAt !== null,
    canChange: open.ctx.can.leadCases && open.case.erasedAt === null,
    neutralMarkerText,
    maxLength: markerMaxLength,
  };
}
