/**
 * The annual board report as a document, built from its figures and the sections a person writes. Every
 * count goes through one book: exact for the organisation's own board when the accountable lead chose so,
 * otherwise through the small-number gate with the sums a reader knows, so that no hidden count can be
 * worked out from a total.
 */
import { monthNames, spokenDate } from '../../platform/dates.ts';
import type { Block, Chart, ReportDocument, Section, Table } from '../../platform/documents/document.ts';
import { FigureBook } from '../../platform/figure-book.ts';
import { suppressionNote } from '../../platform/suppression.ts';
import * as concerns from '../concerns/service.ts';
import * as leads from '../leads/service.ts';
import * as risks from '../risks/service.ts';
import * as selfAssessment from '../self-assessment/service.ts';
import * as training from '../training/service.ts';
import type { ReportFigures } from './figures.ts';
import { type Route, routes } from './month-end.ts';
import { developmentSection, partnershipSection } from './partnership-content.ts';

/** What a person writes into the report. */
export type WrittenSections = {
  significantIncidents: string | null;
  resourcesAnswer: 'adequate' | 'not_adequate' | null;
  resourcesStatement: string | null;
  priorities: string | null;
};

/** Who the copy is for: the organisation's board (exact counts if chosen) or outside it (always suppressed). */
export type CopyFor = { audience: 'board' | 'shared'; exact: boolean };

/** Where the report stands, for the lines under its title. */
export type Standing = { version: number; status: string; approvedBy: string | null; approvedOn: string | null };

const routeNames: Record<Route, string> = {
  open: 'Still open',
  referred: 'Referred to police Prevent',
  otherRoute: 'Another safeguarding route',
  noFurtherAction: 'No further action',
  closed: 'Closed',
};

/** A month as a chart's label: Apr 2026. */
const monthLabel = (month: string) => `${monthNames[Number(month.slice(5, 7)) - 1]?.slice(0, 3)} ${month.slice(0, 4)}`;

const percentText = (p: number | null) => (p === null ? 'not shown' : `${p}%`);
const paragraph = (text: string, emphasis = false): Block => ({ kind: 'paragraph', text, ...(emphasis ? { emphasis } : {}) });

function leadsSections(figures: ReportFigures): Section[] {
  const rows = leads.leadPosts.map((post) => {
    const appointment = figures.leads[post];
    return [
      leads.postNames[post],
      appointment ? appointment.personName : 'Vacant',
      appointment ? spokenDate(appointment.startsOn) : '',
    ];
  });
  const programme = figures.programme;
  const blocks: Block[] = [{ kind: 'table', caption: 'Prevent leads', columns: ['Post', 'Held by', 'Since'], rows }];
  const programmeBlocks: Block[] = programme
    ? [
        paragraph(
          `The work programme for ${programme.label} has ${programme.total} items: ${programme.done} done and ${programme.overdue} overdue.`,
        ),
        programme.missingAreas.length
          ? { kind: 'list', items: programme.missingAreas.map((a) => `No item covers: ${a}`) }
          : paragraph('Every area the core standards require is covered by an item.'),
      ]
    : [paragraph('No work programme covers the end of this period.', true)];
  const frameworks = figures.frameworks;
  const policyBlocks: Block[] = frameworks.length
    ? [
        {
          kind: 'table',
          caption: 'Prevent framework and policies',
          columns: ['Policy', 'Version', 'Next review', 'Required contents missing'],
          rows: frameworks.map((f) => [f.title, f.version, spokenDate(f.nextReviewOn), String(f.missingContents.length)]),
        },
      ]
    : [paragraph('No current Prevent framework or policy is recorded.', true)];
  return [
    { heading: 'Leads and governance', level: 1, blocks },
    { heading: 'Work programme delivery', level: 2, blocks: programmeBlocks },
    { heading: 'Policy status', level: 2, blocks: policyBlocks },
  ];
}

function trainingSection(figures: ReportFigures, book: FigureBook): Section[] {
  const levelRows = figures.training.byLevel.map((l) => {
    const k = `training.${l.level}`;
    const parts = [
      book.count(`${k}.compliant`, l.compliant),
      book.count(`${k}.expired`, l.expired),
      book.count(`${k}.never`, l.neverTrained),
    ];
    const inScope = book.count(`${k}.inScope`, l.inScope);
    book.sum(inScope, parts);
    return { name: training.levelNames[l.level], inScope, parts, percent: book.percent(l.percent, l.inScope) };
  });
  const byLevel: Table = {
    kind: 'table',
    caption: `Training compliance by level on ${spokenDate(figures.asAt)}`,
    columns: ['Level', 'In scope', 'Up to date', 'Expired', 'Never trained', 'Compliance'],
    rows: levelRows.map((r) => [r.name, book.text(r.inScope), ...r.parts.map((p) => book.text(p)), percentText(r.percent)]),
  };
  const groups = figures.training.byStaffGroup.map((g, i) => {
    const inScope = book.count(`group${i}.inScope`, g.inScope);
    const compliant = book.count(`group${i}.compliant`, g.compliant);
    return [g.name || 'Not recorded', inScope, compliant, book.percent(g.percent, g.inScope)] as const;
  });
  const byGroup: Table = {
    kind: 'table',
    caption: 'Training compliance by staff group (all levels)',
    columns: ['Staff group', 'In scope', 'Up to date', 'Compliance'],
    rows: groups.map(([name, inScope, compliant, p]) => [name, book.text(inScope), book.text(compliant), percentText(p)]),
  };
  const labels = figures.months.map((m) => monthLabel(m.month));
  const series = training.trainingLevels.map((level) => ({
    name: training.levelNames[level],
    values: figures.months.map((m) => {
      const f = m.figures.training[level];
      return book.percent(f.inScope ? Math.floor((f.compliant * 1000) / f.inScope) / 10 : null, f.inScope);
    }),
  }));
  const trend: Chart = {
    kind: 'chart',
    title: 'Training compliance at each month end',
    chartType: 'line',
    unit: '%',
    labels,
    series,
    target: { label: 'Target 85%', value: 85 },
    table: {
      kind: 'table',
      caption: 'Training compliance at each month end',
      columns: ['Month end', ...series.map((s) => s.name)],
      rows: labels.map((label, i) => [label, ...series.map((s) => percentText(s.values[i] ?? null))]),
    },
  };
  const forecast: Table = {
    kind: 'table',
    caption: `Forecast to ${spokenDate(figures.forecast.target)}`,
    columns: ['Level', 'Now', 'If nothing else is done', 'With the training sessions planned'],
    rows: figures.forecast.levels.map((l) => {
      const last = l.points[l.points.length - 1];
      const now = l.points[0];
      return [
        l.name,
        percentText(book.percent(now?.percent ?? null, now?.inScope ?? 0)),
        percentText(book.percent(last?.percent ?? null, last?.inScope ?? 0)),
        percentText(book.percent(last?.withSessionsPercent ?? null, last?.inScope ?? 0)),
      ];
    }),
  };
  const updates = figures.training.annualUpdates;
  const updateRows = [
    ...updates.byLevel.map((u) => ({ ...u, name: training.levelNames[u.level] })),
    { ...updates.total, name: 'All levels' },
  ].map((u, i) => {
    const inScope = book.count(`updates${i}.inScope`, u.inScope);
    const updated = book.count(`updates${i}.updated`, u.updated);
    return [u.name, book.text(inScope), book.text(updated), percentText(book.percent(u.percent, u.inScope))];
  });
  const annualUpdates: Table = {
    kind: 'table',
    caption: `Annual Prevent updates (briefings, newsletters, sessions) in the 12 months to ${spokenDate(figures.asAt)}`,
    columns: ['Level', 'In scope', 'Had an update', 'Share'],
    rows: updateRows,
  };
  return [
    { heading: 'Training compliance', level: 1, blocks: [byLevel, byGroup, annualUpdates] },
    {
      heading: 'Trend and forecast',
      level: 2,
      blocks: labels.length ? [trend, forecast] : [paragraph('No month of this year has ended yet.'), forecast],
    },
  ];
}

function activitySection(figures: ReportFigures, book: FigureBook): Section {
  const months = figures.months;
  const raised = months.map((m) => book.count(`m.${m.month}.raised`, m.figures.concerns.raised));
  const referred = months.map((m) => book.count(`m.${m.month}.referred`, m.figures.referrals));
  const channel = months.map((m) => book.count(`m.${m.month}.channel`, m.figures.channel));
  const total = (name: string, parts: string[], pick: (i: number) => number) => {
    const t = book.count(
      name,
      parts.reduce((n, _p, i) => n + pick(i), 0),
    );
    book.sum(t, parts);
    return t;
  };
  const raisedTotal = total('year.raised', raised, (i) => months[i]?.figures.concerns.raised ?? 0);
  const referredTotal = total('year.referred', referred, (i) => months[i]?.figures.referrals ?? 0);
  const channelTotal = total('year.channel', channel, (i) => months[i]?.figures.channel ?? 0);
  const bySubject = concerns.subjectTypes.map((type) =>
    book.count(
      `year.subject.${type}`,
      months.reduce((n, m) => n + m.figures.concerns.bySubjectType[type], 0),
    ),
  );
  book.sum(raisedTotal, bySubject);
  const byRoute = routes.map((route) =>
    book.count(
      `year.route.${route}`,
      months.reduce((n, m) => n + m.figures.concerns.byRoute[route], 0),
    ),
  );
  book.sum(raisedTotal, byRoute);
  const labels = months.map((m) => monthLabel(m.month));
  const chart: Chart = {
    kind: 'chart',
    title: 'Concerns raised, referrals and Channel each month',
    chartType: 'bar',
    unit: '',
    labels,
    series: [
      { name: 'Concerns raised', values: raised.map((n) => book.value(n)) },
      { name: 'Referred to police Prevent', values: referred.map((n) => book.value(n)) },
      { name: 'Taken to Channel', values: channel.map((n) => book.value(n)) },
    ],
    table: {
      kind: 'table',
      caption: 'Concerns raised, referrals and Channel each month',
      columns: ['Month', 'Concerns raised', 'Referred to police Prevent', 'Taken to Channel'],
      rows: [
        ...months.map((_m, i) => [
          labels[i] ?? '',
          book.text(raised[i] ?? ''),
          book.text(referred[i] ?? ''),
          book.text(channel[i] ?? ''),
        ]),
        ['The year so far', book.text(raisedTotal), book.text(referredTotal), book.text(channelTotal)],
      ],
    },
  };
  const later = months.filter((m) => m.computedLater).map((m) => monthLabel(m.month));
  return {
    heading: 'Concerns, referrals and Channel',
    level: 1,
    blocks: [
      paragraph('Counts only: this report holds nothing about any person a concern was about.'),
      ...(labels.length ? [chart] : [paragraph('No month of this year has ended yet.')]),
      {
        kind: 'table',
        caption: 'Concerns raised this year by who they were about',
        columns: ['About', 'Concerns'],
        rows: concerns.subjectTypes.map((t, i) => [concerns.subjectTypeNames[t], book.text(bySubject[i] ?? '')]),
      },
      {
        kind: 'table',
        caption: 'Where the concerns raised this year went',
        columns: ['Route', 'Concerns'],
        rows: routes.map((r, i) => [routeNames[r], book.text(byRoute[i] ?? '')]),
      },
      ...(later.length
        ? [paragraph(`The figures for ${later.join(', ')} were counted after the month ended, when first asked for.`)]
        : []),
    ],
  };
}

function lessonsAndRisksSections(figures: ReportFigures, book: FigureBook): Section[] {
  const l = figures.lessons;
  const started = book.count('lessons.started', l.reviews.started);
  const reviewParts = [
    book.count('lessons.toDo', l.reviews.toDo),
    book.count('lessons.inProgress', l.reviews.inProgress),
    book.count('lessons.complete', l.reviews.complete),
  ];
  book.sum(started, reviewParts);
  const actions = [
    book.count('lessons.actionsOpen', l.actions.open),
    book.count('lessons.actionsOverdue', l.actions.overdue),
    book.count('lessons.actionsDone', l.actions.done),
  ];
  const bandCounts = risks.bands.map((band) => book.count(`risks.${band}`, figures.risksByBand[band]));
  const ctlp = figures.ctlp;
  return [
    {
      heading: 'Lessons learned',
      level: 1,
      blocks: [
        {
          kind: 'table',
          caption: 'Lessons learned reviews started this year',
          columns: ['Reviews started', 'To do', 'In progress', 'Complete'],
          rows: [[book.text(started), ...reviewParts.map((p) => book.text(p))]],
        },
        {
          kind: 'table',
          caption: 'Their actions',
          columns: ['Open', 'Overdue', 'Done'],
          rows: [actions.map((a) => book.text(a))],
        },
        l.themes.length
          ? { kind: 'list', items: l.themes.map((t) => t.theme) }
          : paragraph('No themes were recorded from this year’s reviews.'),
      ],
    },
    {
      heading: 'Risks and the counter-terrorism local profile',
      level: 1,
      blocks: [
        {
          kind: 'table',
          caption: 'Open risks on the Prevent risk register by band',
          columns: ['Band', 'Open risks'],
          rows: risks.bands.map((band, i) => [risks.bandNames[band], book.text(bandCounts[i] ?? '')]),
        },
        ctlp
          ? paragraph(
              [
                `CTLP for ${ctlp.label}:`,
                ctlp.briefingReceivedOn ? `briefing received ${spokenDate(ctlp.briefingReceivedOn)};` : 'no briefing recorded;',
                ctlp.reviewedOn ? `reviewed ${spokenDate(ctlp.reviewedOn)};` : 'not yet reviewed;',
                ctlp.signedOffOn ? `signed off ${spokenDate(ctlp.signedOffOn)}.` : 'not yet signed off.',
              ].join(' '),
            )
          : paragraph('No CTLP record for this year.', true),
      ],
    },
  ];
}

function selfAssessmentSection(figures: ReportFigures): Section {
  const standing = figures.selfAssessment;
  if (!standing) {
    return {
      heading: 'Self-assessment against the core standards',
      level: 1,
      blocks: [paragraph('Not started for this year.', true)],
    };
  }
  const r = standing.results;
  return {
    heading: 'Self-assessment against the core standards',
    level: 1,
    blocks: [
      paragraph(
        `Version ${standing.assessment.version} for ${standing.label}: ${selfAssessment.statusNames[standing.assessment.status]}.`,
      ),
      {
        kind: 'table',
        caption: 'Requirements by result',
        columns: ['Met', 'Partly met', 'Not met', 'Not applicable', 'Not assessed'],
        rows: [[r.met, r.partly_met, r.not_met, r.not_applicable, r.not_assessed].map(String)],
      },
    ],
  };
}

function writtenSections(written: WrittenSections, standing: Standing): Section[] {
  const resources =
    written.resourcesAnswer === 'adequate'
      ? 'The accountable Prevent lead states that the resources for the Prevent duty are adequate.'
      : written.resourcesAnswer === 'not_adequate'
        ? 'The accountable Prevent lead states that the resources for the Prevent duty are not adequate.'
        : 'The statement on resources has not been made yet.';
  return [
    {
      heading: 'Significant incidents',
      level: 1,
      blocks: [paragraph(written.significantIncidents || 'None reported.')],
    },
    {
      heading: 'Whether resources are adequate',
      level: 1,
      blocks: [
        paragraph(resources, true),
        ...(written.resourcesStatement ? [paragraph(written.resourcesStatement)] : []),
        ...(standing.approvedBy
          ? [paragraph(`Signed: ${standing.approvedBy}, accountable Prevent lead, ${standing.approvedOn}.`)]
          : []),
      ],
    },
    { heading: 'Priorities for next year', level: 1, blocks: [paragraph(written.priorities || 'Not written yet.')] },
  ];
}

/** The report as a document for its audience. */
export function boardReportDocument(
  figures: ReportFigures,
  written: WrittenSections,
  standing: Standing,
  copy: CopyFor,
): ReportDocument {
  const book = new FigureBook(copy.exact && copy.audience === 'board');
  const period = figures.yearEnded
    ? `1 April ${figures.year} to 31 March ${figures.year + 1}`
    : `1 April ${figures.year} to ${spokenDate(figures.asAt)} (the year is not over)`;
  const sections = [
    ...leadsSections(figures),
    ...trainingSection(figures, book),
    activitySection(figures, book),
    ...lessonsAndRisksSections(figures, book),
    developmentSection(figures.development, figures.asAt, book),
    partnershipSection(figures, book),
    selfAssessmentSection(figures),
    ...writtenSections(written, standing),
  ];
  const exactNote = 'Counts are exact: this copy is for the organisation’s own board.';
  return {
    title: `Annual Prevent report to the board: ${figures.yearLabel}`,
    subtitle: [
      `${figures.org.name} (${figures.org.odsCode})`,
      `Period: ${period}`,
      `Version ${standing.version}: ${standing.status}`,
    ],
    sections,
    footer: `${copy.audience === 'shared' ? 'Shared copy. ' : ''}${book.exactCopy() ? exactNote : suppressionNote}`,
  };
}
