/**
 * The CQC evidence for an organisation: the pages an inspector reads (the self-assessment, the Prevent policy
 * and linked policies, training compliance, the latest approved board report, the risk register and CTLP
 * review, the multi-agency contacts and partnership work, lessons learned), each a document, and the files that go with them.
 * It leaves the organisation, so every count goes through the small-number gate; it holds no case and no
 * one a concern was about.
 */
import { zipSync } from 'fflate';
import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import { identifiersIn } from '../../platform/anonymiser/outgoing.ts';
import type { OrganisationSummary } from '../../platform/context.ts';
import { addDays, spokenDate, todayInLondon } from '../../platform/dates.ts';
import type { Block, ReportDocument, Section } from '../../platform/documents/document.ts';
import { reportPdf } from '../../platform/documents/pdf.ts';
import { FigureBook } from '../../platform/figure-book.ts';
import { suppressionNote } from '../../platform/suppression.ts';
import * as contacts from '../contacts/service.ts';
import * as development from '../development/service.ts';
import * as informationRequests from '../information-requests/service.ts';
import * as lessons from '../lessons/service.ts';
import * as partnership from '../partnership/service.ts';
import * as policies from '../policies/service.ts';
import { developmentSection } from '../reports/partnership-content.ts';
import { escapeHtml, reportHtml } from '../reports/render-html.ts';
import * as reports from '../reports/service.ts';
import * as risks from '../risks/service.ts';
import * as selfAssessment from '../self-assessment/service.ts';
import * as training from '../training/service.ts';

export type EvidenceOrganisation = Pick<OrganisationSummary, 'id' | 'name' | 'odsCode' | 'kind'> & {
  commissionerId?: string | null;
};

export const pageSlugs = [
  'self-assessment',
  'policies',
  'training',
  'board-report',
  'risks',
  'contacts',
  'partnership',
  'development',
  'lessons',
] as const;
export type PageSlug = (typeof pageSlugs)[number];

export const pageTitles: Record<PageSlug, string> = {
  'self-assessment': 'Self-assessment against the Prevent core standards',
  policies: 'Prevent policy and linked policies',
  training: 'Prevent training compliance',
  'board-report': 'Annual Prevent report to the board',
  risks: 'Prevent risk register and CTLP review',
  contacts: 'Multi-agency contacts',
  partnership: 'Multi-agency partnership',
  development: 'Development of the Prevent leads and safeguarding staff',
  lessons: 'Lessons learned',
};

/** A policy's current document as it goes into the pack. */
export type PolicyFile = { policyId: string; versionId: string; title: string; fileName: string };

export type Evidence = {
  org: EvidenceOrganisation;
  generatedOn: string;
  pages: Record<PageSlug, ReportDocument>;
  policyFiles: PolicyFile[];
  /** The board report's version, when one has been approved. */
  boardReport: { version: number; year: number } | null;
};

const paragraph = (text: string, emphasis = false): Block => ({ kind: 'paragraph', text, ...(emphasis ? { emphasis } : {}) });
const footer = `Prepared for inspection. No case, and no one a concern was about, is named in it. ${suppressionNote}`;

function page(evidence: Pick<Evidence, 'org' | 'generatedOn'>, slug: PageSlug, sections: Section[]): ReportDocument {
  return {
    title: pageTitles[slug],
    subtitle: [`${evidence.org.name} (${evidence.org.odsCode})`, `As at ${spokenDate(evidence.generatedOn)}`],
    sections,
    footer,
  };
}

function selfAssessmentSections(version: selfAssessment.VersionView | null): Section[] {
  if (!version) return [{ heading: 'This year', level: 1, blocks: [paragraph('Not started for this year.', true)] }];
  const c = version.counts;
  return [
    {
      heading: `${version.label}, version ${version.assessment.version}`,
      level: 1,
      blocks: [
        paragraph(`${version.statusName}. Against ${version.edition.title}.`),
        {
          kind: 'table',
          caption: 'Requirements by result',
          columns: ['Met', 'Partly met', 'Not met', 'Not applicable', 'Not assessed'],
          rows: [[c.met, c.partly_met, c.not_met, c.not_applicable, c.not_assessed].map(String)],
        },
        ...(version.frozen && version.assessment.narrative ? [paragraph(version.assessment.narrative)] : []),
      ],
    },
    ...version.sections.map(
      (section): Section => ({
        heading: section.name,
        level: 2,
        blocks: [
          {
            kind: 'table',
            caption: section.name,
            columns: ['Requirement', 'Result'],
            rows: section.requirements.map((r) => [`${r.requirement.id}: ${r.requirement.text}`, r.resultName]),
          },
        ],
      }),
    ),
  ];
}

function policySections(entries: policies.RegisterEntry[]): { sections: Section[]; files: PolicyFile[] } {
  const files = entries.flatMap((e, i) =>
    e.current
      ? [
          {
            policyId: e.policy.id,
            versionId: e.current.id,
            title: e.policy.title,
            fileName: `policies/${String(i + 1).padStart(2, '0')}-${e.current.documentName.replace(/[^A-Za-z0-9._-]+/g, '-')}`,
          },
        ]
      : [],
  );
  const reviewNames = { in_date: 'In date', review_due: 'Review due soon', overdue: 'Review overdue' } as const;
  return {
    files,
    sections: [
      {
        heading: 'Policy register',
        level: 1,
        blocks: entries.length
          ? [
              {
                kind: 'table',
                caption: 'Policies and their current versions',
                columns: ['Policy', 'Kind', 'Version', 'Approved', 'Next review', 'Standing'],
                rows: entries.map((e) => [
                  e.policy.title,
                  e.kindName,
                  e.current?.version ?? 'No version',
                  e.current ? spokenDate(e.current.approvedOn) : '',
                  e.current ? spokenDate(e.current.nextReviewOn) : '',
                  e.review ? reviewNames[e.review] : '',
                ]),
              },
              ...entries
                .filter((e) => e.missing.length)
                .map((e) => ({ kind: 'list' as const, items: e.missing.map((m) => `${e.policy.title} lacks: ${m.text}`) })),
            ]
          : [paragraph('No policy is recorded.', true)],
      },
    ],
  };
}

function trainingSections(figures: training.ComplianceFigures): Section[] {
  const book = new FigureBook(false);
  const rowsOf = (list: (training.Figures & { name: string })[], prefix: string) => {
    const named = list.map((f, i) => ({
      name: f.name || 'Not recorded',
      inScope: book.count(`${prefix}${i}.inScope`, f.inScope),
      compliant: book.count(`${prefix}${i}.compliant`, f.compliant),
      percent: book.percent(f.percent, f.inScope),
    }));
    return () =>
      named.map((r) => [
        r.name,
        book.text(r.inScope),
        book.text(r.compliant),
        r.percent === null ? 'not shown' : `${r.percent}%`,
      ]);
  };
  const levels = rowsOf(
    figures.byLevel.map((l) => ({ ...l, name: training.levelNames[l.level] })),
    'level',
  );
  const groups = rowsOf(figures.byStaffGroup, 'group');
  const columns = ['', 'In scope', 'Up to date', 'Compliance'];
  return [
    {
      heading: 'Compliance by level',
      level: 1,
      blocks: [
        paragraph(`Against the target of 85% of staff in scope up to date, on ${spokenDate(figures.asAt)}.`),
        { kind: 'table', caption: 'By level', columns: ['Level', ...columns.slice(1)], rows: levels() },
      ],
    },
    {
      heading: 'Compliance by staff group',
      level: 1,
      blocks: [
        { kind: 'table', caption: 'By staff group (all levels)', columns: ['Staff group', ...columns.slice(1)], rows: groups() },
      ],
    },
  ];
}

function riskSections(register: risks.Register, ctlp: risks.CtlpStanding | null): Section[] {
  const book = new FigureBook(false);
  const open = register.risks.filter((r) => r.status === 'open');
  const bands = risks.bands.map((band) => book.count(`band.${band}`, open.filter((r) => r.current.band === band).length));
  return [
    {
      heading: 'Open risks',
      level: 1,
      blocks: [
        {
          kind: 'table',
          caption: 'Open risks by band',
          columns: ['Band', 'Open risks'],
          rows: risks.bands.map((band, i) => [risks.bandNames[band], book.text(bands[i] ?? '')]),
        },
        open.length
          ? {
              kind: 'table',
              caption: 'Open risks, highest current score first',
              columns: ['Risk', 'Category', 'Current score', 'Owner'],
              rows: open.map((r) => [r.title, r.categoryName, `${r.current.score} ${risks.bandNames[r.current.band]}`, r.owner]),
            }
          : paragraph('No open risks are recorded.'),
      ],
    },
    {
      heading: 'Counter terrorism local profile (CTLP)',
      level: 1,
      blocks: [
        ctlp
          ? {
              kind: 'table',
              caption: `CTLP for ${ctlp.label}`,
              columns: ['Briefing received', 'Reviewed', 'Review signed off by the accountable lead'],
              rows: [
                [ctlp.briefingReceivedOn, ctlp.reviewedOn, ctlp.signedOffOn].map((d) => (d ? spokenDate(d) : 'Not recorded')),
              ],
            }
          : paragraph('No CTLP record for this year.', true),
      ],
    },
  ];
}

/** Text typed in the organisation, as it may leave it: withheld whole if the anonymiser finds an identifier in it. */
const outgoing = (text: string) => (identifiersIn(text).length ? 'Withheld: it looks as if it identifies someone' : text);

function partnershipSections(
  meetings: partnership.Engagement[],
  figures: partnership.PartnershipFigures,
  requests: informationRequests.RequestFigures,
): Section[] {
  const book = new FigureBook(false);
  const kinds = partnership.engagementKinds.map((kind) => book.count(`kind.${kind}`, figures.lastYear.byKind[kind]));
  const total = book.count('total', figures.lastYear.total);
  book.sum(total, kinds);
  const requestCounts = [requests.received, requests.answered, requests.answeredOnTime, requests.overdue, requests.made].map(
    (n, i) => book.count(`requests.${i}`, n),
  );
  return [
    {
      heading: 'Meetings and forums in the last 12 months',
      level: 1,
      blocks: [
        {
          kind: 'table',
          caption: 'By kind',
          columns: ['Kind of meeting', 'Meetings'],
          rows: [
            ...partnership.engagementKinds.map((kind, i) => [partnership.engagementKindNames[kind], book.text(kinds[i] ?? '')]),
            ['All meetings', book.text(total)],
          ],
        },
        meetings.length
          ? {
              kind: 'table',
              caption: 'Each meeting, latest first',
              columns: ['Date', 'Meeting', 'Partner agencies', 'What the organisation contributed'],
              rows: meetings.map((m) => [
                spokenDate(m.heldOn),
                `${outgoing(m.title)} (${partnership.engagementKindNames[m.kind]})`,
                m.partnerAgencies.map(outgoing).join(', '),
                outgoing(m.contribution),
              ]),
            }
          : paragraph('No multi-agency meetings are recorded for the last 12 months.', true),
      ],
    },
    {
      heading: 'Information requests in the last 12 months',
      level: 1,
      blocks: [
        {
          kind: 'table',
          caption: 'Requests from and to partners',
          columns: ['Received', 'Answered', 'Answered on time', 'Overdue now', 'Made of partners'],
          rows: [requestCounts.map((c) => book.text(c))],
        },
      ],
    },
  ];
}

function contactSections(directory: { own: contacts.Contact[]; fromCommissioner: contacts.Contact[] }): Section[] {
  const rows = (list: contacts.Contact[]) =>
    list.map((c) => [
      contacts.contactRoleNames[c.role],
      c.name,
      c.organisation,
      c.lastContactOn ? spokenDate(c.lastContactOn) : '',
    ]);
  const columns = ['Role', 'Name', 'Organisation', 'Last contact'];
  return [
    {
      heading: 'The organisation’s contacts',
      level: 1,
      blocks: directory.own.length
        ? [{ kind: 'table', caption: 'Multi-agency contacts', columns, rows: rows(directory.own) }]
        : [paragraph('No contacts are recorded.', true)],
    },
    ...(directory.fromCommissioner.length
      ? [
          {
            heading: 'Shared by the commissioning ICB',
            level: 1 as const,
            blocks: [
              { kind: 'table' as const, caption: 'Contacts the ICB shares', columns, rows: rows(directory.fromCommissioner) },
            ],
          },
        ]
      : []),
  ];
}

function lessonsSections(figures: lessons.LessonsFigures): Section[] {
  const book = new FigureBook(false);
  const started = book.count('started', figures.reviews.started);
  const parts = [
    book.count('toDo', figures.reviews.toDo),
    book.count('inProgress', figures.reviews.inProgress),
    book.count('complete', figures.reviews.complete),
  ];
  book.sum(started, parts);
  const actions = [
    book.count('open', figures.actions.open),
    book.count('overdue', figures.actions.overdue),
    book.count('done', figures.actions.done),
  ];
  const studies = [book.count('approved', figures.caseStudies.approved), book.count('shared', figures.caseStudies.shared)];
  return [
    {
      heading: 'Reviews in the last 12 months',
      level: 1,
      blocks: [
        {
          kind: 'table',
          caption: 'Lessons learned reviews started',
          columns: ['Started', 'To do', 'In progress', 'Complete'],
          rows: [[book.text(started), ...parts.map((p) => book.text(p))]],
        },
        {
          kind: 'table',
          caption: 'Their actions',
          columns: ['Open', 'Overdue', 'Done'],
          rows: [actions.map((a) => book.text(a))],
        },
        {
          kind: 'table',
          caption: 'Case studies',
          columns: ['Approved', 'Shared with the learning group'],
          rows: [studies.map((s) => book.text(s))],
        },
        figures.themes.length ? { kind: 'list', items: figures.themes.map((t) => t.theme) } : paragraph('No themes recorded.'),
      ],
    },
  ];
}

type Base = Pick<Evidence, 'org' | 'generatedOn'>;
type Built = { document: ReportDocument; policyFiles?: PolicyFile[]; boardReport?: Evidence['boardReport'] };

/** In the organisation's own scope, with nobody signed in: what the evidence is built from. */
const ownScope = (org: EvidenceOrganisation) => ({ userId: null, orgIds: [org.id] });

/** Each page built on its own, so that a page viewed reads only what it shows. */
const builders: Record<PageSlug, (db: Db, base: Base) => Promise<Built>> = {
  'self-assessment': async (db, base) => {
    const version = await selfAssessment.latestVersionOf(
      db,
      base.org,
      reports.financialYearOf(base.generatedOn),
      base.generatedOn,
    );
    return { document: page(base, 'self-assessment', selfAssessmentSections(version)) };
  },
  policies: async (db, base) => {
    const entries = await withScope(db, ownScope(base.org), (tx) =>
      policies.registerIn(tx, { ...base.org, commissionerId: base.org.commissionerId ?? null }, base.generatedOn),
    );
    const built = policySections(entries);
    return { document: page(base, 'policies', built.sections), policyFiles: built.files };
  },
  training: async (db, base) => {
    const figures = await withScope(db, ownScope(base.org), (tx) =>
      training.complianceFiguresIn(tx, base.org.id, base.generatedOn),
    );
    return { document: page(base, 'training', trainingSections(figures)) };
  },
  'board-report': async (db, base) => {
    const board = await reports.latestSharedCopyOf(db, base.org.id);
    if (!board) {
      const none: Section = {
        heading: 'Not yet approved',
        level: 1,
        blocks: [paragraph('No board report has been approved.', true)],
      };
      return { document: page(base, 'board-report', [none]), boardReport: null };
    }
    return { document: board.document, boardReport: { version: board.report.version, year: board.report.year } };
  },
  risks: async (db, base) => {
    const { register, ctlp } = await withScope(db, ownScope(base.org), async (tx) => ({
      register: await risks.registerIn(tx, base.org.id),
      ctlp: (await risks.ctlpStandingOf(tx, [base.org.id], base.generatedOn)).get(base.org.id) ?? null,
    }));
    return { document: page(base, 'risks', riskSections(register, ctlp)) };
  },
  contacts: async (db, base) => {
    const directory = await withScope(db, ownScope(base.org), (tx) => contacts.directoryIn(tx, base.org.id));
    return { document: page(base, 'contacts', contactSections(directory)) };
  },
  partnership: async (db, base) => {
    const today = base.generatedOn;
    const gathered = await withScope(db, ownScope(base.org), async (tx) => ({
      meetings: await partnership.engagementsForEvidenceIn(tx, base.org.id, today),
      figures: await partnership.partnershipFiguresIn(tx, base.org.id, today),
      requests: await informationRequests.requestFiguresIn(tx, base.org.id, addDays(today, -365), today, today),
    }));
    return { document: page(base, 'partnership', partnershipSections(gathered.meetings, gathered.figures, gathered.requests)) };
  },
  development: async (db, base) => {
    const figures = await withScope(db, ownScope(base.org), (tx) =>
      development.developmentFiguresIn(tx, base.org.id, base.generatedOn),
    );
    return { document: page(base, 'development', [developmentSection(figures, base.generatedOn, new FigureBook(false))]) };
  },
  lessons: async (db, base) => {
    const today = base.generatedOn;
    const figures = await withScope(db, ownScope(base.org), (tx) =>
      lessons.lessonsFiguresIn(tx, base.org.id, { from: addDays(today, -365), before: addDays(today, 1) }, today),
    );
    return { document: page(base, 'lessons', lessonsSections(figures)) };
  },
};

/** One page of the evidence, with the policy documents it lists (the policies page). */
export async function evidencePageOf(db: Db, org: EvidenceOrganisation, slug: PageSlug, today = todayInLondon()): Promise<Built> {
  return builders[slug](db, { org, generatedOn: today });
}

/** Everything the inspector reads (the pack). */
export async function evidenceOf(db: Db, org: EvidenceOrganisation, today = todayInLondon()): Promise<Evidence> {
  const base = { org, generatedOn: today };
  const built = {} as Record<PageSlug, Built>;
  for (const slug of pageSlugs) built[slug] = await builders[slug](db, base);
  return {
    ...base,
    pages: Object.fromEntries(pageSlugs.map((slug) => [slug, built[slug].document])) as Record<PageSlug, ReportDocument>,
    policyFiles: built.policies.policyFiles ?? [],
    boardReport: built['board-report'].boardReport ?? null,
  };
}

/** The pack's first page: what it holds, each a link to its file. */
function indexHtml(evidence: Evidence): string {
  const item = (href: string, text: string) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>`;
  const pages = pageSlugs.map((slug) => item(`${slug}.html`, pageTitles[slug])).join('\n');
  const files = [
    ...evidence.policyFiles.map((f) => item(f.fileName, `${f.title} (the approved document)`)),
    ...(evidence.boardReport
      ? [item('board-report.pdf', `Annual Prevent report to the board, version ${evidence.boardReport.version} (PDF)`)]
      : []),
  ].join('\n');
  const title = `CQC evidence: Prevent duty, ${evidence.org.name}`;
  return `<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { font-family: "Frutiger W01", Arial, sans-serif; color: #212b32; max-width: 50em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(evidence.org.name)} (${escapeHtml(evidence.org.odsCode)}), prepared on ${escapeHtml(spokenDate(evidence.generatedOn))} by Prevent Assure.</p>
<p>It holds no identifiable case data: no case, and no one a concern was about, is named. Small numbers are suppressed.</p>
<h2>Pages</h2>
<ul>
${pages}
</ul>
<h2>Documents</h2>
<ul>
${files || '<li>None</li>'}
</ul>
</main></body>
</html>
`;
}

/** The pack as one zip: the index page, each page as a self-contained web page, the policy documents, the board report as PDF. */
export async function packZip(db: Db, evidence: Evidence): Promise<Buffer> {
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = { 'index.html': encoder.encode(indexHtml(evidence)) };
  for (const slug of pageSlugs) files[`${slug}.html`] = encoder.encode(reportHtml(evidence.pages[slug]));
  if (evidence.boardReport) files['board-report.pdf'] = await reportPdf(evidence.pages['board-report']);
  await withScope(db, { userId: null, orgIds: [evidence.org.id] }, async (tx) => {
    for (const file of evidence.policyFiles)
      files[file.fileName] = (await policies.documentIn(tx, file.policyId, file.versionId)).bytes;
  });
  return Buffer.from(zipSync(files, { level: 6 }));
}
