/**
 * The board report's sections on the people and partnerships that deliver Prevent: the development of the leads
 * and safeguarding practitioners, the multi-agency meetings the organisation took part in by kind and quarter,
 * and the information requests it received and made. Counts through the report's figure book; the leads are
 * named as the report's leads table names them; no meeting's name or contribution leaves the engagement log.
 */
import { spokenDate } from '../../platform/dates.ts';
import type { Block, Section } from '../../platform/documents/document.ts';
import type { FigureBook } from '../../platform/figure-book.ts';
import type * as development from '../development/service.ts';
import * as partnership from '../partnership/service.ts';
import type { ReportFigures } from './figures.ts';

const quarterHeadings = ['April to June', 'July to September', 'October to December', 'January to March'];

export function partnershipSection(figures: ReportFigures, book: FigureBook): Section {
  const { quarters } = figures.partnership;
  const rowNames = partnership.engagementKinds.map((kind) => {
    const cells = quarters.map((q, i) => book.count(`partnership.${kind}.${i}`, q.byKind[kind]));
    const total = book.count(
      `partnership.${kind}.year`,
      quarters.reduce((n, q) => n + q.byKind[kind], 0),
    );
    book.sum(total, cells);
    return { kind, cells, total };
  });
  const columnTotals = quarters.map((q, i) => {
    const total = book.count(`partnership.all.${i}`, q.total);
    book.sum(
      total,
      rowNames.map((r) => r.cells[i] ?? ''),
    );
    return total;
  });
  const yearTotal = book.count(
    'partnership.all.year',
    quarters.reduce((n, q) => n + q.total, 0),
  );
  book.sum(yearTotal, columnTotals);
  book.sum(
    yearTotal,
    rowNames.map((r) => r.total),
  );

  const r = figures.requests;
  const received = book.count('requests.received', r.received);
  const answered = book.count('requests.answered', r.answered);
  const onTime = book.count('requests.onTime', r.answeredOnTime);
  const overdue = book.count('requests.overdue', r.overdue);
  const made = book.count('requests.made', r.made);
  const actionsOverdue = book.count('partnership.actionsOverdue', figures.partnership.overdueActions);

  const blocks: Block[] = [
    {
      kind: 'table',
      caption: 'Multi-agency meetings and forums the organisation took part in this year',
      columns: ['Kind of meeting', ...quarterHeadings, 'Year'],
      rows: [
        ...rowNames.map((row) => [
          partnership.engagementKindNames[row.kind],
          ...row.cells.map((c) => book.text(c)),
          book.text(row.total),
        ]),
        ['All meetings', ...columnTotals.map((c) => book.text(c)), book.text(yearTotal)],
      ],
    },
    {
      kind: 'paragraph',
      text: `Actions agreed at these meetings and overdue on ${spokenDate(figures.asAt)}: ${book.text(actionsOverdue)}.`,
    },
    {
      kind: 'table',
      caption: 'Information requests this year',
      columns: ['Received', 'Answered', 'Answered on time', 'Overdue now', 'Made of partners'],
      rows: [[received, answered, onTime, overdue, made].map((c) => book.text(c))],
    },
  ];
  return { heading: 'Multi-agency partnership', level: 1, blocks };
}

/** The leads in post by name with what they did in the 12 months to the as-at date, and the practitioners as counts. */
export function developmentSection(d: development.DevelopmentFigures, asAt: string, book: FigureBook): Section {
  const rows = d.leads.map((l, i) => {
    const activities = book.count(`development.lead${i}.activities`, l.activities);
    const overdue = book.count(`development.lead${i}.overdue`, l.overdueTargets);
    return [
      l.name,
      l.hasAccount ? book.text(activities) : 'No account in Prevent Assure',
      l.hasAccount ? String(l.hours) : '',
      l.hasAccount ? book.text(overdue) : '',
    ];
  });
  const people = book.count('development.practitioners', d.practitioners.people);
  const developed = book.count('development.practitionersDeveloped', d.practitioners.withDevelopment);
  const blocks: Block[] = [
    rows.length
      ? {
          kind: 'table',
          caption: `Development of the Prevent leads in the 12 months to ${spokenDate(asAt)}`,
          columns: ['Lead', 'Activities', 'Hours', 'Plan targets overdue'],
          rows,
        }
      : { kind: 'paragraph', text: 'No Prevent lead is in post.' },
    {
      kind: 'paragraph',
      text: `Safeguarding practitioners with development recorded in the same 12 months: ${book.text(developed)} of ${book.text(people)}.`,
    },
  ];
  return { heading: 'Development of the Prevent leads and safeguarding staff', level: 1, blocks };
}
