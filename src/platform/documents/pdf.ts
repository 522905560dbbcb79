import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { Block, Chart, List, Paragraph, ReportDocument, Section, Table } from './document.ts';
import { chartSvg, embeddedFonts, fitColumns } from './svg.ts';

/**
 * A report as an A4 PDF. Text is set in the embedded Arimo (Arial's metrics, standing in for Frutiger) so
 * the file looks the same on every machine and its text can be searched and copied; charts are drawn as
 * vectors from the same SVG the web page shows, each followed by its table.
 */

type Doc = PDFKit.PDFDocument;

const margins = { top: 56, bottom: 72, left: 56, right: 56 };
const pageWidth = 595.28;
const contentWidth = pageWidth - margins.left - margins.right;

const colours = { text: '#212b32', secondary: '#4c6272', blue: '#005eb8', border: '#d8dde0', headerFill: '#f0f4f5' };
const bodySize = 11;
const tableSize = 9.5;
const cellPadding = 4;
const chartSize = { width: 640, height: 320 };

export async function reportPdf(document: ReportDocument): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins,
    bufferPages: true,
    lang: 'en-GB',
    displayTitle: true,
    // Start in the embedded font, so that no unembedded standard font is ever named in the file.
    font: embeddedFonts.regular,
    info: { Title: document.title, Author: 'Prevent Assure', Creator: 'Prevent Assure' },
  });
  const finished = collect(doc);
  titleBlock(doc, document);
  let chapter: PDFKit.PDFOutline | undefined;
  for (const section of document.sections) {
    chapter = heading(doc, section, chapter);
    for (const block of section.blocks) drawBlock(doc, block);
  }
  footers(doc, document.footer);
  doc.end();
  return finished;
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    doc.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function font(doc: Doc, size: number, options: { bold?: boolean; colour?: string } = {}): Doc {
  return doc
    .font(options.bold ? embeddedFonts.bold : embeddedFonts.regular)
    .fontSize(size)
    .fillColor(options.colour ?? colours.text);
}

function pageBottom(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

/** Starts a new page unless `height` more fits on this one (keeps a heading with what follows, a chart whole). */
function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > pageBottom(doc)) doc.addPage();
}

function titleBlock(doc: Doc, document: ReportDocument): void {
  font(doc, 22, { bold: true }).text(document.title, margins.left, doc.y, { width: contentWidth });
  doc.moveDown(0.3);
  font(doc, 12, { colour: colours.secondary });
  for (const line of document.subtitle) doc.text(line, { width: contentWidth, lineGap: 2 });
  doc.y += 10;
  doc
    .moveTo(margins.left, doc.y)
    .lineTo(margins.left + contentWidth, doc.y)
    .lineWidth(2)
    .strokeColor(colours.blue)
    .stroke();
  doc.y += 14;
}

/** A heading, and its bookmark: level 2 sections sit under the level 1 section before them. */
function heading(doc: Doc, section: Section, chapter: PDFKit.PDFOutline | undefined): PDFKit.PDFOutline | undefined {
  const size = section.level === 1 ? 16 : 13;
  const atTop = doc.y <= doc.page.margins.top + 1;
  if (!atTop) doc.y += section.level === 1 ? 14 : 8;
  ensureSpace(doc, size * 1.4 + 3 * bodySize * 1.4);
  font(doc, size, { bold: true }).text(section.heading, margins.left, doc.y, { width: contentWidth });
  doc.y += 4;
  if (section.level === 1) return doc.outline.addItem(section.heading, { expanded: true });
  (chapter ?? doc.outline).addItem(section.heading);
  return chapter;
}

function drawBlock(doc: Doc, block: Block): void {
  if (block.kind === 'paragraph') drawParagraph(doc, block);
  else if (block.kind === 'list') drawList(doc, block);
  else if (block.kind === 'table') drawTable(doc, block);
  else drawChart(doc, block);
}

/** An emphasised paragraph is set bold beside a blue bar, like the NHS inset text it stands for on the web. */
function drawParagraph(doc: Doc, paragraph: Paragraph): void {
  const options = { width: contentWidth, lineGap: 2 };
  if (!paragraph.emphasis) {
    font(doc, bodySize).text(paragraph.text, margins.left, doc.y, options);
    doc.y += 6;
    return;
  }
  const inset = { width: contentWidth - 16, lineGap: 2 };
  const height = font(doc, bodySize, { bold: true }).heightOfString(paragraph.text, inset);
  ensureSpace(doc, Math.min(height, pageBottom(doc) - doc.page.margins.top));
  const top = doc.y;
  doc.text(paragraph.text, margins.left + 16, top, inset);
  if (doc.y > top) doc.rect(margins.left, top - 2, 4, doc.y - top + 2).fill(colours.blue);
  doc.x = margins.left;
  doc.y += 8;
}

function drawList(doc: Doc, list: List): void {
  const options = { width: contentWidth - 16, lineGap: 2 };
  for (const item of list.items) {
    ensureSpace(doc, bodySize * 1.4);
    const top = doc.y;
    doc.circle(margins.left + 5, top + bodySize * 0.55, 1.8).fill(colours.text);
    font(doc, bodySize).text(item, margins.left + 16, top, options);
    doc.y += 3;
  }
  doc.x = margins.left;
  doc.y += 4;
}

/** Column widths from the text they hold, measured in the font the table is set in. */
function columnWidths(doc: Doc, table: Table): number[] {
  const measure = (text: string, bold: boolean) => font(doc, tableSize, { bold }).widthOfString(text) + 2 * cellPadding;
  const longestWord = (text: string, bold: boolean) => Math.max(0, ...text.split(/\s+/).map((word) => measure(word, bold)));
  const needs = table.columns.map((column, index) => {
    const cells = table.rows.map((row) => row[index] ?? '');
    return {
      min: Math.max(longestWord(column, true), ...cells.map((cell) => longestWord(cell, false))),
      max: Math.max(measure(column, true), ...cells.map((cell) => measure(cell, false))),
    };
  });
  return fitColumns(needs, contentWidth);
}

function rowHeight(doc: Doc, cells: string[], widths: number[], header: boolean): number {
  font(doc, tableSize, { bold: header });
  const heights = widths.map((width, index) => doc.heightOfString(cells[index] ?? '', { width: width - 2 * cellPadding }));
  return Math.max(tableSize, ...heights) + 2 * cellPadding;
}

function drawRow(doc: Doc, cells: string[], widths: number[], header: boolean): void {
  const top = doc.y;
  const height = rowHeight(doc, cells, widths, header);
  if (header) doc.rect(margins.left, top, contentWidth, height).fill(colours.headerFill);
  let x = margins.left;
  widths.forEach((width, index) => {
    font(doc, tableSize, { bold: header }).text(cells[index] ?? '', x + cellPadding, top + cellPadding, {
      width: width - 2 * cellPadding,
    });
    x += width;
  });
  doc
    .moveTo(margins.left, top + height)
    .lineTo(margins.left + contentWidth, top + height)
    .lineWidth(header ? 1.5 : 0.75)
    .strokeColor(header ? colours.secondary : colours.border)
    .stroke();
  doc.x = margins.left;
  doc.y = top + height;
}

/** A table under its caption; when a row does not fit, it goes on the next page under the header row again. */
function drawTable(doc: Doc, table: Table): void {
  const widths = columnWidths(doc, table);
  const headerHeight = rowHeight(doc, table.columns, widths, true);
  const firstRow = table.rows[0] ? rowHeight(doc, table.rows[0], widths, false) : 0;
  const captionHeight = font(doc, bodySize, { bold: true }).heightOfString(table.caption, { width: contentWidth });
  ensureSpace(doc, captionHeight + 4 + headerHeight + firstRow);
  doc.text(table.caption, margins.left, doc.y, { width: contentWidth });
  doc.y += 4;
  drawRow(doc, table.columns, widths, true);
  for (const row of table.rows) {
    if (doc.y + rowHeight(doc, row, widths, false) > pageBottom(doc)) {
      doc.addPage();
      drawRow(doc, table.columns, widths, true);
    }
    drawRow(doc, row, widths, false);
  }
  doc.x = margins.left;
  doc.y += 14;
}

/** The chart as vectors at the width of the text, with its title above and its table after. */
function drawChart(doc: Doc, chart: Chart): void {
  const height = (contentWidth * chartSize.height) / chartSize.width;
  const titleHeight = font(doc, 12, { bold: true }).heightOfString(chart.title, { width: contentWidth });
  ensureSpace(doc, titleHeight + 6 + height);
  doc.text(chart.title, margins.left, doc.y, { width: contentWidth });
  const top = doc.y + 6;
  SVGtoPDF(doc, chartSvg(chart, chartSize), margins.left, top, {
    width: contentWidth,
    height,
    fontCallback: (_family, bold) => (bold ? embeddedFonts.bold : embeddedFonts.regular),
  });
  doc.x = margins.left;
  doc.y = top + height + 10;
  drawTable(doc, chart.table);
}

/** Written last, when the number of pages is known, into the bottom margin of every buffered page. */
function footers(doc: Doc, footer: string): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);
    const bottom = doc.page.margins.bottom;
    // Text below the bottom margin would otherwise start a new page.
    doc.page.margins.bottom = 0;
    const top = doc.page.height - bottom + 18;
    doc
      .moveTo(margins.left, top - 6)
      .lineTo(margins.left + contentWidth, top - 6)
      .lineWidth(0.5)
      .strokeColor(colours.border)
      .stroke();
    font(doc, 8, { colour: colours.secondary }).text(footer, margins.left, top, { width: contentWidth - 80, lineGap: 1 });
    doc.text(`Page ${index + 1} of ${range.count}`, margins.left + contentWidth - 75, top, { width: 75, align: 'right' });
    doc.page.margins.bottom = bottom;
  }
}
