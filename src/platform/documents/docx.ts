import { Resvg } from '@resvg/resvg-js';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Table as DocxTable,
  Footer,
  HeadingLevel,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Block, Chart, ReportDocument, Section, Table } from './document.ts';
import { chartDescription, chartSvg, embeddedFonts, fitColumns } from './svg.ts';

/**
 * A report as a Word file. Headings use Word's own Heading 1 and Heading 2 styles, so the navigation pane
 * and a table of contents work; each chart is the web page's SVG, with a PNG of it for Word versions that
 * cannot show SVG, and is followed by its table.
 */

const colours = { text: '212B32', secondary: '4C6272', blue: '005EB8', border: 'D8DDE0', headerFill: 'F0F4F5' };
/** The chart's size in pixels at 96 to the inch: the width between A4's 2 cm margins. */
const chartSize = { width: 640, height: 320 };
/** The PNG is drawn at three times the chart's size, so that it stays sharp when printed. */
const pngZoom = 3;
const twipsPerCm = 567;
const page = { width: 11906, height: 16838, margin: 2 * twipsPerCm };
const contentWidth = page.width - 2 * page.margin;
/** Arial at the tables' 10 pt averages a little over half an em a character: near enough to share out the width. */
const twipsPerCharacter = 115;
const cellMargin = { top: 60, bottom: 60, left: 100, right: 100 };

export async function reportDocx(document: ReportDocument): Promise<Buffer> {
  const doc = new Document({
    title: document.title,
    creator: 'Prevent Assure',
    lastModifiedBy: 'Prevent Assure',
    description: document.subtitle.join('\n'),
    styles: styles(),
    sections: [
      {
        properties: {
          page: {
            size: { width: page.width, height: page.height },
            margin: { top: page.margin, bottom: page.margin, left: page.margin, right: page.margin },
          },
        },
        footers: { default: footer(document.footer) },
        children: [...titleBlock(document), ...document.sections.flatMap(section)],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** Arial by default (Frutiger is not on the readers' machines); sizes are in half-points. */
function styles() {
  // The outline level is what the navigation pane and a table of contents read.
  const heading = (size: number, before: number, outlineLevel: number) => ({
    run: { font: 'Arial', size, bold: true, color: colours.text },
    paragraph: { spacing: { before, after: 120 }, keepNext: true, outlineLevel },
  });
  return {
    default: {
      document: {
        run: { font: 'Arial', size: 22, color: colours.text },
        paragraph: { spacing: { after: 120, line: 276, lineRule: LineRuleType.AUTO } },
      },
      title: { run: { font: 'Arial', size: 44, bold: true, color: colours.text }, paragraph: { spacing: { after: 120 } } },
      heading1: heading(32, 360, 0),
      heading2: heading(26, 240, 1),
      caption: {
        run: { font: 'Arial', size: 22, bold: true, color: colours.text },
        paragraph: { spacing: { before: 120, after: 80 } },
      },
    },
  };
}

function titleBlock(document: ReportDocument): Paragraph[] {
  const subtitle = document.subtitle.map(
    (line, index) =>
      new Paragraph({
        children: [new TextRun({ text: line, size: 24, color: colours.secondary })],
        spacing: { after: index === document.subtitle.length - 1 ? 240 : 0 },
        border:
          index === document.subtitle.length - 1
            ? { bottom: { style: BorderStyle.SINGLE, size: 16, color: colours.blue, space: 8 } }
            : undefined,
      }),
  );
  return [new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(document.title)] }), ...subtitle];
}

function section(part: Section): (Paragraph | DocxTable)[] {
  const heading = new Paragraph({
    heading: part.level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
    children: [new TextRun(part.heading)],
  });
  return [heading, ...part.blocks.flatMap(block)];
}

function block(item: Block): (Paragraph | DocxTable)[] {
  switch (item.kind) {
    case 'paragraph':
      if (!item.emphasis) return [new Paragraph({ children: [new TextRun(item.text)] })];
      // Bold beside a blue bar, as the web page's inset text.
      return [
        new Paragraph({
          children: [new TextRun({ text: item.text, bold: true })],
          indent: { left: 240 },
          border: { left: { style: BorderStyle.SINGLE, size: 36, color: colours.blue, space: 10 } },
        }),
      ];
    case 'list':
      return item.items.map((text) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun(text)] }));
    case 'table':
      return table(item);
    case 'chart':
      return chart(item);
  }
}

function cell(text: string, header: boolean, width: number): TableCell {
  return new TableCell({
    children: [new Paragraph({ spacing: { after: 0 }, children: [new TextRun({ text, bold: header, size: 20 })] })],
    shading: header ? { type: ShadingType.CLEAR, color: 'auto', fill: colours.headerFill } : undefined,
    margins: cellMargin,
    width: { size: width, type: WidthType.DXA },
  });
}

/** Widths in twips from the length of the text, since Word (and LibreOffice) do not fit columns to it on opening. */
function columnWidths(item: Table): number[] {
  const room = (text: string) => text.length * twipsPerCharacter + cellMargin.left + cellMargin.right;
  const longestWord = (text: string) => Math.max(0, ...text.split(/\s+/).map(room));
  const needs = item.columns.map((column, index) => {
    const cells = item.rows.map((row) => row[index] ?? '');
    // Headers are bold, a little wider than the same letters in the body.
    return {
      min: Math.max(longestWord(column) * 1.1, ...cells.map(longestWord)),
      max: Math.max(room(column) * 1.1, ...cells.map(room)),
    };
  });
  return fitColumns(needs, contentWidth).map((width) => Math.floor(width));
}

/** The caption is kept with the table, and the header row repeats at the top of every page the table runs on. */
function table(item: Table): (Paragraph | DocxTable)[] {
  const border = { style: BorderStyle.SINGLE, size: 4, color: colours.border };
  const widths = columnWidths(item);
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: item.columns.map((text, index) => cell(text, true, widths[index] ?? 0)),
  });
  const rows = item.rows.map(
    (row) => new TableRow({ cantSplit: true, children: widths.map((width, index) => cell(row[index] ?? '', false, width)) }),
  );
  return [
    new Paragraph({ style: 'Caption', keepNext: true, children: [new TextRun(item.caption)] }),
    new DocxTable({
      width: { size: contentWidth, type: WidthType.DXA },
      columnWidths: widths,
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
      rows: [header, ...rows],
    }),
    new Paragraph({ spacing: { after: 120 }, children: [] }),
  ];
}

/** The chart's PNG stand-in, drawn with the same embedded font as the PDF so it does not depend on the server's fonts. */
export function chartPng(svg: string, zoom = pngZoom): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: '#ffffff',
    font: {
      fontFiles: [embeddedFonts.regular, embeddedFonts.bold],
      loadSystemFonts: false,
      defaultFontFamily: 'Arimo',
      sansSerifFamily: 'Arimo',
    },
  });
  return resvg.render().asPng();
}

function chart(item: Chart): (Paragraph | DocxTable)[] {
  const svg = chartSvg(item, chartSize);
  const image = new ImageRun({
    type: 'svg',
    data: Buffer.from(svg),
    fallback: { type: 'png', data: chartPng(svg) },
    transformation: chartSize,
    altText: { name: item.title, title: item.title, description: chartDescription(item) },
  });
  return [
    new Paragraph({ keepNext: true, children: [new TextRun({ text: item.title, bold: true, size: 24 })] }),
    new Paragraph({ keepNext: true, children: [image] }),
    ...table(item.table),
  ];
}

function footer(text: string): Footer {
  return new Footer({
    children: [
      new Paragraph({
        border: { top: { style: BorderStyle.SINGLE, size: 4, color: colours.border, space: 6 } },
        spacing: { after: 0 },
        children: [new TextRun({ text, size: 16, color: colours.secondary })],
      }),
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        spacing: { after: 0 },
        children: [
          new TextRun({
            size: 16,
            color: colours.secondary,
            children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES],
          }),
        ],
      }),
    ],
  });
}
