/**
 * A generated report as a document: headed sections of paragraphs, lists, tables and charts, with every
 * figure already as text (exact, or through the small-number gate). The web page, the PDF and the Word
 * document are each drawn from one of these, so they cannot say different things; an approved report is
 * kept as this, frozen, with a checksum.
 */

/** A paragraph; `emphasis` marks a statement the reader must not miss (a signed statement, a warning). */
export type Paragraph = { kind: 'paragraph'; text: string; emphasis?: boolean };

export type List = { kind: 'list'; items: string[] };

/** A table: every cell already a string. The first column names the row. */
export type Table = { kind: 'table'; caption: string; columns: string[]; rows: string[][] };

/**
 * A chart of one or more series over the same labels (months, levels). Values are numbers or null where a
 * figure is not shown (suppressed, or nobody in scope); `unit` is '%' for percentages and '' for counts.
 * Every chart is followed in the document by a table of the same figures (the chart's `table`), for those
 * who cannot see the chart and for those who want the numbers.
 */
export type Chart = {
  kind: 'chart';
  title: string;
  chartType: 'line' | 'bar';
  unit: '%' | '';
  labels: string[];
  series: { name: string; values: (number | null)[] }[];
  /** A line across the chart (the 85 % compliance target), when there is one. */
  target?: { label: string; value: number };
  table: Table;
};

export type Block = Paragraph | List | Table | Chart;

/** A section: level 1 sections are the report's chapters, level 2 their parts. */
export type Section = { heading: string; level: 1 | 2; blocks: Block[] };

export type ReportDocument = {
  title: string;
  /** Lines under the title: the organisation, the period, the version and its standing. */
  subtitle: string[];
  sections: Section[];
  /** The last words on every page or at the end: who may read it, and how figures are shown. */
  footer: string;
};

/** Every string a document holds, in reading order: for the tests that search generated files, and for checks. */
export function textsOf(document: ReportDocument): string[] {
  const texts = [document.title, ...document.subtitle];
  for (const section of document.sections) {
    texts.push(section.heading);
    for (const block of section.blocks) texts.push(...blockTexts(block));
  }
  texts.push(document.footer);
  return texts;
}

function blockTexts(block: Block): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [block.text];
    case 'list':
      return block.items;
    case 'table':
      return [block.caption, ...block.columns, ...block.rows.flat()];
    case 'chart':
      return [block.title, ...blockTexts(block.table)];
  }
}
