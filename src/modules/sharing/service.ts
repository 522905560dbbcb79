import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isRealDate, todayInLondon } from '../../platform/dates.ts';
import { seal, unseal, unsealOrPlain } from '../../platform/encryption.ts';
import { InputError } from '../../platform/errors.ts';
import { blankToUndefined, parseInput } from '../../platform/validation.ts';
import { addEvent, auditChange, type OpenCase, requireNotErased, withCase } from '../concerns/service.ts';
import * as repository from './repository.ts';
import { type KnownToService, knownToServiceAnswers } from './schema.ts';

/*
 * The information sharing protocol (core standards for providers, "Information management"):
 * check for existing records, then record the information shared or not shared, with whom, on
 * what lawful basis, and the rationale. Decisions are never edited: a correction is a new one.
 */

// ---- the words the pages and the chronology use ----

export const partners = ['police_prevent', 'local_authority', 'channel_panel', 'gp', 'other_provider', 'other'] as const;
export type Partner = (typeof partners)[number];

export const partnerNames: Record<Partner, string> = {
  police_prevent: 'Police Prevent (Counter Terrorism Policing)',
  local_authority: 'Local authority (Prevent or safeguarding team)',
  channel_panel: 'Channel panel',
  gp: 'The person’s GP',
  other_provider: 'Another health or care provider',
  other: 'Another organisation',
};

/** The partner as the chronology's summary names it, mid-sentence. Never the partner's own name: that is typed text. */
const partnerInSummary: Record<Partner, string> = {
  police_prevent: 'police Prevent',
  local_authority: 'the local authority',
  channel_panel: 'the Channel panel',
  gp: 'the GP',
  other_provider: 'another provider',
  other: 'another organisation',
};

const needsPartnerName: readonly Partner[] = ['other_provider', 'other'];

/** UK GDPR article 6(1): the lawful basis for any sharing of personal data. */
export const article6Bases = {
  '6(1)(a)': 'Consent – the person has agreed to this sharing',
  '6(1)(b)': 'Contract – needed for a contract with the person',
  '6(1)(c)': 'Legal obligation – the law requires us to share',
  '6(1)(d)': 'Vital interests – needed to protect someone’s life',
  '6(1)(e)': 'Public task – needed for our official functions, such as safeguarding and the Prevent duty',
  '6(1)(f)': 'Legitimate interests – not for a public authority carrying out its tasks',
} as const;
export type Article6Basis = keyof typeof article6Bases;

/** UK GDPR article 9(2): the extra condition for health or other special category data. */
export const article9Conditions = {
  '9(2)(a)': 'Explicit consent – the person has explicitly agreed',
  '9(2)(b)': 'Employment, social security and social protection law',
  '9(2)(c)': 'Vital interests – to protect someone’s life when the person cannot consent',
  '9(2)(f)': 'Legal claims – establishing, exercising or defending legal claims, or the courts',
  '9(2)(g)': 'Substantial public interest – for example safeguarding, or preventing crime',
  '9(2)(h)': 'Health or social care – providing care or treatment, or managing services',
} as const;
export type Article9Condition = keyof typeof article9Conditions;

/** Data Protection Act 2018 schedule 1 conditions, each with the article 9 condition it goes with. */
export const schedule1Conditions = {
  para1: { label: 'Part 1 paragraph 1 – employment, social security and social protection', article9: '9(2)(b)' },
  para2: { label: 'Part 1 paragraph 2 – health or social care purposes', article9: '9(2)(h)' },
  para6: { label: 'Part 2 paragraph 6 – statutory and government purposes', article9: '9(2)(g)' },
  para10: { label: 'Part 2 paragraph 10 – preventing or detecting unlawful acts', article9: '9(2)(g)' },
  para18: {
    label: 'Part 2 paragraph 18 – safeguarding of children and of individuals at risk',
    article9: '9(2)(g)',
  },
} as const satisfies Record<string, { label: string; article9: Article9Condition }>;
export type Schedule1Condition = keyof typeof schedule1Conditions;

/** Article 9 conditions that the DPA 2018 (section 10) lets us rely on only with a schedule 1 condition too. */
const needsSchedule1: readonly Article9Condition[] = ['9(2)(b)', '9(2)(g)', '9(2)(h)'];

export const consentAnswers = ['given', 'refused', 'not_sought'] as const;
export type Consent = (typeof consentAnswers)[number];
export const consentNames: Record<Consent, string> = {
  given: 'Given',
  refused: 'Refused',
  not_sought: 'Not sought',
};

export { type KnownToService, knownToServiceAnswers };
export const knownToServiceNames: Record<KnownToService, string> = {
  known: 'Known to the service',
  not_known: 'Not known to the service',
  unclear: 'Unclear',
};

// ---- form rules ----

const optionalText = (label: string, max: number) =>
  z.preprocess(blankToUndefined, z.string().max(max, `${label} must be ${max} characters or fewer`).optional());

const requiredText = (message: string, label: string, max: number) =>
  z.preprocess(blankToUndefined, z.string({ error: message }).max(max, `${label} must be ${max} characters or fewer`));

const pastDate = (message: string, what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: message })
      .refine(isRealDate, `Enter a real date for ${what}`)
      .refine((d) => d >= '2000-01-01', `Enter a date after 2000 for ${what}`),
  );

const toBoolean = (v: unknown) => (v === 'yes' ? true : v === 'no' ? false : undefined);

const checkFields = z.object({
  systems: requiredText('Enter the systems you searched', 'The systems searched', 2_000),
  searchedOn: pastDate('Enter the date you searched', 'the date searched'),
  searchedBy: optionalText('The name of who searched', 200),
  knownToService: z.enum(knownToServiceAnswers, { error: 'Say whether the person was known to the service' }),
  findings: optionalText('What was found', 10_000),
});

const keysOf = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

const decisionFields = z.object({
  information: requiredText('Enter what information the decision is about', 'The information', 10_000),
  partner: z.enum(partners, { error: 'Choose who the information is shared with, or would have been' }),
  partnerName: optionalText('The partner’s name', 300),
  shared: z.preprocess(toBoolean, z.boolean({ error: 'Say whether the information was shared' })),
  article6Basis: z.preprocess(
    blankToUndefined,
    z.enum(keysOf(article6Bases), { error: 'Choose the lawful basis under UK GDPR article 6' }).optional(),
  ),
  // Needed only when the information is shared: the rules below say so.
  specialCategory: z.preprocess(toBoolean, z.boolean().optional()),
  article9Condition: z.preprocess(
    blankToUndefined,
    z.enum(keysOf(article9Conditions), { error: 'Choose the UK GDPR article 9 condition' }).optional(),
  ),
  schedule1Condition: z.preprocess(
    blankToUndefined,
    z.enum(keysOf(schedule1Conditions), { error: 'Choose the DPA 2018 schedule 1 condition' }).optional(),
  ),
  consent: z.enum(consentAnswers, { error: 'Say whether the person consented' }),
  consentNote: optionalText('The reason about consent', 5_000),
  rationale: requiredText('Enter the rationale: why the information was shared or not shared', 'The rationale', 10_000),
  decidedBy: optionalText('The name of who decided', 200),
  decidedOn: pastDate('Enter the date the decision was made', 'the date decided'),
  corrects: z.preprocess(blankToUndefined, z.uuid({ error: 'The decision to correct is not one of this case’s' }).optional()),
});

type DecisionFields = z.infer<typeof decisionFields>;

/** The rules between fields: what the law and the standard need for a decision to stand on its own. */
function decisionProblems(f: DecisionFields, today: string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (needsPartnerName.includes(f.partner) && !f.partnerName) problems.partnerName = 'Enter the name of the organisation';
  if (f.decidedOn > today) problems.decidedOn = 'The date decided must be today or in the past';
  if (f.shared) {
    if (!f.article6Basis) problems.article6Basis = 'Choose the lawful basis under UK GDPR article 6 for sharing';
    if (f.specialCategory === undefined) {
      problems.specialCategory = 'Say whether the information includes health or other special category data';
    }
  }
  if (f.specialCategory && (f.shared || f.article9Condition || f.schedule1Condition)) {
    if (!f.article9Condition) {
      problems.article9Condition = 'Choose the UK GDPR article 9 condition for sharing special category data';
    } else if (f.schedule1Condition) {
      const goesWith = schedule1Conditions[f.schedule1Condition].article9;
      if (goesWith !== f.article9Condition) {
        problems.schedule1Condition = `That schedule 1 condition goes with article ${goesWith}, not ${f.article9Condition}`;
      }
    } else if (needsSchedule1.includes(f.article9Condition)) {
      problems.schedule1Condition = `Choose the DPA 2018 schedule 1 condition: article ${f.article9Condition} needs one`;
    }
  }
  if (f.consent !== 'given') {
    if (f.article6Basis === '6(1)(a)') problems.article6Basis = 'Consent cannot be the lawful basis: the person did not give it';
    if (f.specialCategory && f.article9Condition === '9(2)(a)') {
      problems.article9Condition = 'Explicit consent cannot be the condition: the person did not give it';
    }
    if (!f.consentNote) {
      problems.consentNote =
        f.consent === 'refused'
          ? 'Say why the decision stands although the person refused consent'
          : 'Say why consent was not sought';
    }
  }
  return problems;
}

// ---- reading ----

export type RecordCheck = {
  id: string;
  systems: string;
  searchedOn: string;
  searchedBy: string;
  knownToService: KnownToService;
  knownName: string;
  findings: string | null;
  recordedAt: Date;
};

export type Decision = {
  id: string;
  information: string | null;
  partner: Partner;
  partnerName: string | null;
  /** The partner as a person reads it: the organisation's own name where one was given. */
  partnerLabel: string;
  article6Basis: Article6Basis | null;
  article6Label: string | null;
  article9Condition: Article9Condition | null;
  article9Label: string | null;
  schedule1Condition: Schedule1Condition | null;
  schedule1Label: string | null;
  consent: Consent;
  consentName: string;
  consentNote: string | null;
  shared: boolean;
  rationale: string | null;
  decidedBy: string;
  decidedOn: string;
  correctsId: string | null;
  recordedAt: Date;
};

const isPartner = (v: string): v is Partner => (partners as readonly string[]).includes(v);
const isArticle6 = (v: string): v is Article6Basis => v in article6Bases;
const isArticle9 = (v: string): v is Article9Condition => v in article9Conditions;
const isSchedule1 = (v: string): v is Schedule1Condition => v in schedule1Conditions;
const isConsent = (v: string): v is Consent => (consentAnswers as readonly string[]).includes(v);

function checkOf(row: repository.RecordCheckRow): RecordCheck {
  return {
    id: row.id,
    systems: unsealOrPlain(row.systems) ?? '',
    searchedOn: row.searchedOn,
    searchedBy: row.searchedBy,
    knownToService: row.knownToService,
    knownName: knownToServiceNames[row.knownToService],
    findings: unseal(row.findingsSealed),
    recordedAt: row.recordedAt,
  };
}

function decisionOf(row: repository.DecisionRow): Decision {
  const partner = isPartner(row.partner) ? row.partner : 'other';
  const article6 = isArticle6(row.article6Basis) ? row.article6Basis : null;
  const article9 = row.article9Condition && isArticle9(row.article9Condition) ? row.article9Condition : null;
  const schedule1 = row.schedule1Condition && isSchedule1(row.schedule1Condition) ? row.schedule1Condition : null;
  const consent = isConsent(row.consent) ? row.consent : 'not_sought';
  return {
    id: row.id,
    information: unseal(row.informationSealed),
    partner,
    partnerName: row.partnerName,
    partnerLabel: row.partnerName ? `${row.partnerName} (${partnerNames[partner]})` : partnerNames[partner],
    article6Basis: article6,
    article6Label: article6 ? `${article6} ${article6Bases[article6]}` : null,
    article9Condition: article9,
    article9Label: article9 ? `${article9} ${article9Conditions[article9]}` : null,
    schedule1Condition: schedule1,
    schedule1Label: schedule1 ? schedule1Conditions[schedule1].label : null,
    consent,
    consentName: consentNames[consent],
    consentNote: unseal(row.consentNoteSealed),
    shared: row.shared,
    rationale: unseal(row.rationaleSealed),
    decidedBy: row.decidedBy,
    decidedOn: row.decidedOn,
    correctsId: row.correctsId,
    recordedAt: row.recordedAt,
  };
}

/** Each decision with the one it corrects and the one that corrects it, for the case page. */
export type DecisionInHistory = Decision & { corrects: Decision | null; correctedBy: Decision | null };

export async function protocolOf(open: OpenCase): Promise<{ checks: RecordCheck[]; decisions: DecisionInHistory[] }> {
  const { tx, case: c } = open;
  const checks = (await repository.checksOf(tx, c.orgId, c.id)).map(checkOf);
  const decisions = (await repository.decisionsOf(tx, c.orgId, c.id)).map(decisionOf);
  const byId = new Map(decisions.map((d) => [d.id, d]));
  const correctionOf = new Map(decisions.filter((d) => d.correctsId).map((d) => [d.correctsId, d]));
  return {
    checks,
    decisions: decisions.map((d) => ({
      ...d,
      corrects: d.correctsId ? (byId.get(d.correctsId) ?? null) : null,
      correctedBy: correctionOf.get(d.id) ?? null,
    })),
  };
}

/**
 * Whether the case has a decision to share with this partner that still stands (no later
 * decision corrects it). The referrals module asks this before a referral goes out.
 */
export async function sharedWith(open: OpenCase, partner: Partner): Promise<boolean> {
  const rows = await repository.decisionsOf(open.tx, open.case.orgId, open.case.id);
  const corrected = new Set(rows.map((r) => r.correctsId).filter((id) => id !== null));
  return rows.some((r) => r.partner === partner && r.shared && !corrected.has(r.id));
}

// ---- the forms ----

export type FormPage = { case: { id: string; reference: string }; values: Record<string, unknown> };

/** The check form for a case, started with today's date and the person's own name. */
export async function checkForm(db: Db, ctx: RequestContext, caseId: string, values?: Record<string, unknown>) {
  return withCase(db, ctx, caseId, 'record check form', async (open): Promise<FormPage> => {
    requireNotErased(open);
    return {
      case: { id: open.case.id, reference: open.case.reference },
      values: values ?? { searchedOn: todayInLondon(), searchedBy: ctx.user.displayName },
    };
  });
}

/** What the decision form shows about the decision being corrected. */
export type CorrectedSummary = { id: string; decidedOn: string; partnerLabel: string; shared: boolean };

/** The decision form; for a correction, filled in from the decision it corrects, to change what was wrong. */
export async function decisionForm(
  db: Db,
  ctx: RequestContext,
  caseId: string,
  corrects: string | undefined,
  values?: Record<string, unknown>,
) {
  return withCase(db, ctx, caseId, 'sharing decision form', async (open) => {
    requireNotErased(open);
    const fresh = { decidedOn: todayInLondon(), decidedBy: ctx.user.displayName };
    let corrected: CorrectedSummary | null = null;
    let start: Record<string, unknown> = fresh;
    if (corrects) {
      const original = await correctable(open, corrects);
      corrected = {
        id: original.id,
        decidedOn: original.decidedOn,
        partnerLabel: original.partnerLabel,
        shared: original.shared,
      };
      start = {
        ...fresh,
        corrects: original.id,
        information: original.information,
        partner: original.partner,
        partnerName: original.partnerName,
        shared: original.shared ? 'yes' : 'no',
        article6Basis: original.article6Basis,
        specialCategory: original.article9Condition ? 'yes' : original.shared ? 'no' : undefined,
        article9Condition: original.article9Condition,
        schedule1Condition: original.schedule1Condition,
        consent: original.consent,
        consentNote: original.consentNote,
        rationale: original.rationale,
        decidedBy: original.decidedBy,
        decidedOn: original.decidedOn,
      };
    }
    return { case: { id: open.case.id, reference: open.case.reference }, corrected, values: values ?? start };
  });
}

/** A decision of this case that has not been corrected already: a correction corrects the latest word. */
async function correctable(open: OpenCase, id: string): Promise<Decision> {
  const row = z.uuid().safeParse(id).success
    ? await repository.decisionOnCase(open.tx, open.case.orgId, open.case.id, id)
    : undefined;
  if (!row) throw new InputError({ corrects: 'The decision to correct is not one of this case’s' });
  if (await repository.correctionOf(open.tx, open.case.orgId, row.id)) {
    throw new InputError({ corrects: 'That decision has already been corrected: correct the latest decision instead' });
  }
  return decisionOf(row);
}

// ---- recording ----

export async function recordCheck(db: Db, ctx: RequestContext, caseId: string, input: unknown, now = new Date()) {
  const fields = parseInput(checkFields, input);
  const problems: Record<string, string> = {};
  if (fields.searchedOn > todayInLondon(now)) problems.searchedOn = 'The date searched must be today or in the past';
  if (fields.knownToService === 'known' && !fields.findings) {
    problems.findings = 'Say what was found: the person was known to the service';
  }
  if (Object.keys(problems).length) throw new InputError(problems);
  await withCase(db, ctx, caseId, null, async (open) => {
    requireNotErased(open);
    await repository.insertCheck(open.tx, {
      orgId: open.case.orgId,
      caseId: open.case.id,
      systems: seal(fields.systems) ?? '',
      searchedOn: fields.searchedOn,
      searchedBy: fields.searchedBy ?? ctx.user.displayName,
      knownToService: fields.knownToService,
      findingsSealed: seal(fields.findings),
      recordedBy: ctx.user.id,
      recordedAt: now,
    });
    const detail = [`Systems searched: ${fields.systems}`, fields.findings ? `Found: ${fields.findings}` : null]
      .filter(Boolean)
      .join('\n\n');
    await addEvent(
      open,
      'record-check',
      `Check for existing records: ${knownToServiceNames[fields.knownToService].toLowerCase()}`,
      detail,
      now,
    );
    await auditChange(open, 'concern.record_check', {
      knownToService: fields.knownToService,
      searchedOn: fields.searchedOn,
    });
  });
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayName = (day: string) => longDate.format(new Date(`${day}T00:00:00Z`));

/** The chronology's one line: the partner and the law, never what was shared (that is sealed, in the detail). */
function decisionSummary(f: DecisionFields, corrected: Decision | null): string {
  const law = [
    f.article6Basis ? `UK GDPR ${f.article6Basis}` : null,
    f.article9Condition && f.specialCategory
      ? `${f.article9Condition}${f.schedule1Condition ? ` with DPA 2018 Sch 1 ${f.schedule1Condition.replace('para', 'para ')}` : ''}`
      : null,
  ]
    .filter(Boolean)
    .join('; ');
  const what = `${f.shared ? 'shared with' : 'not shared with'} ${partnerInSummary[f.partner]}`;
  const correction = corrected ? `, correcting the decision of ${dayName(corrected.decidedOn)}` : '';
  return `Sharing decision: ${what}${law ? ` (${law})` : ''}${correction}`;
}

export async function recordDecision(db: Db, ctx: RequestContext, caseId: string, input: unknown, now = new Date()) {
  const fields = parseInput(decisionFields, input);
  const problems = decisionProblems(fields, todayInLondon(now));
  if (Object.keys(problems).length) throw new InputError(problems);
  const special = fields.specialCategory === true;
  await withCase(db, ctx, caseId, null, async (open) => {
    requireNotErased(open);
    const corrected = fields.corrects ? await correctable(open, fields.corrects) : null;
    const created = await repository.insertDecision(open.tx, {
      orgId: open.case.orgId,
      caseId: open.case.id,
      informationSealed: seal(fields.information),
      partner: fields.partner,
      partnerName: needsPartnerName.includes(fields.partner) ? (fields.partnerName ?? null) : null,
      // The column is required; a decision not to share may rest on no basis at all.
      article6Basis: fields.article6Basis ?? '',
      article9Condition: special ? (fields.article9Condition ?? null) : null,
      schedule1Condition: special ? (fields.schedule1Condition ?? null) : null,
      consent: fields.consent,
      consentNoteSealed: seal(fields.consentNote),
      shared: fields.shared,
      rationaleSealed: seal(fields.rationale),
      decidedBy: fields.decidedBy ?? ctx.user.displayName,
      decidedOn: fields.decidedOn,
      correctsId: corrected?.id ?? null,
      recordedBy: ctx.user.id,
      recordedAt: now,
    });
    const detail = [
      `Information: ${fields.information}`,
      fields.partnerName ? `Partner: ${fields.partnerName}` : null,
      `Rationale: ${fields.rationale}`,
      fields.consentNote ? `Consent (${consentNames[fields.consent].toLowerCase()}): ${fields.consentNote}` : null,
    ]
      .filter(Boolean)
      .join('\n\n');
    await addEvent(open, 'sharing-decision', decisionSummary(fields, corrected), detail, now);
    await auditChange(open, 'concern.sharing_decision', {
      decision: created.id,
      partner: fields.partner,
      shared: fields.shared,
      article6Basis: fields.article6Basis ?? null,
      article9Condition: created.article9Condition,
      corrects: corrected?.id ?? null,
    });
  });
}
