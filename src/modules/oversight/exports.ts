import ExcelJS from 'exceljs';
import { csvCell } from '../../platform/csv.ts';
import { suppressionNote } from '../../platform/suppression.ts';
import { type HeatMap, type RegionView, resultNames, resultOrder } from './service.ts';

/** A view as a table of text: the page's figures, word for word, for the CSV file and the spreadsheet. */
export type Sheet = { name: string; head: string[]; rows: string[][] };

export function heatMapSheet(map: HeatMap): Sheet {
  return {
    name: 'Providers',
    head: [
      'Provider',
      'ODS code',
      ...map.sections,
      ...map.levels.flatMap((level) => [`${level}: in scope`, `${level}: up to date`]),
      'Vacant lead posts',
      'Programme items overdue',
      'Lessons learned actions overdue',
      'CTLP review',
      'Concerns raised',
      'Referrals',
    ],
    rows: map.providers.map((p) => [
      p.org.name,
      p.org.odsCode,
      ...p.cells.map((c) => c.text),
      ...p.training.flatMap((l) => [l.inScope.text, l.text]),
      p.vacantPosts.length ? p.vacantPosts.join(' and ') : 'None',
      p.programmeOverdue.text,
      p.lessonsActionsOverdue.text,
      p.ctlpOverdue ? 'Overdue' : 'Signed off',
      p.concernsRaised.text,
      p.referrals.text,
    ]),
  };
}

export function regionSheet(view: RegionView): Sheet {
  return {
    name: 'Region',
    head: [
      'ICB',
      'ODS code',
      'Providers',
      ...view.sections.flatMap((section) => resultOrder.map((r) => `${section}: ${resultNames[r].toLowerCase()}`)),
    ],
    rows: view.icbs.map((icb) => [
      icb.name,
      icb.odsCode,
      icb.providers.text,
      ...icb.sections.flatMap((s) => resultOrder.map((r) => s.counts[r].text)),
    ]),
  };
}

/** The sheet as CSV, every cell through csvCell (a cell a spreadsheet would run as a formula is kept as text). */
export function csvOf(sheet: Sheet): string {
  return `${[sheet.head, ...sheet.rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/**
 * The sheet as a spreadsheet (.xlsx): one worksheet, every cell a string as on the page (a number a person
 * reads as "fewer than 5" stays those words), and the note on small numbers below the table.
 */
export async function xlsxOf(sheet: Sheet, title: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Prevent Assure';
  book.title = title;
  const ws = book.addWorksheet(sheet.name);
  ws.addRow(sheet.head).font = { bold: true };
  for (const row of sheet.rows) ws.addRow(row);
  ws.addRow([]);
  ws.addRow([suppressionNote]);
  ws.columns.forEach((column, i) => {
    column.width = i === 0 ? 50 : 18;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
