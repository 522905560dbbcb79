/**
 * The board report's section on multi-agency work: the meetings the organisation took part in, by kind and
 * quarter, and the information requests it received and made. Counts only, through the report's figure book;
 * no meeting's name or contribution leaves the engagement log.
 */
import { spokenDate } from '../../platform/dates.ts';
import type { Block, Section } from '../../platform/documents/document.ts';
import type { FigureBook } from '../../platform/figure-book.ts';
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
