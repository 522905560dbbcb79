import { describe, expect, it } from 'vitest';
import { docxXml, pdfOutline, pdfText, zipParts } from '../../../test/documents.ts';
import type { Chart, ReportDocument } from './document.ts';
import { reportDocx } from './docx.ts';
import { reportPdf } from './pdf.ts';
import { chartSvg } from './svg.ts';

const months = ['Apr 2026', 'May 2026', 'Jun 2026', 'Jul 2026', 'Aug 2026', 'Sep 2026'];

const lineChart: Chart = {
  kind: 'chart',
  title: 'Training compliance by month',
  chartType: 'line',
  unit: '%',
  labels: months,
  series: [
    { name: 'Level 1 and 2', values: [78, 81, null, 86, 88, 90] },
    { name: 'Level 3', values: [60, 64, 66, 70, 73, 75] },
  ],
  target: { label: 'Target', value: 85 },
  table: {
    kind: 'table',
    caption: 'Training compliance by month',
    columns: ['Month', 'Level 1 and 2', 'Level 3'],
    rows: months.map((month, index) => [month, index === 2 ? 'Not shown' : `${78 + index}%`, `${60 + index}%`]),
  },
};

const barChart: Chart = {
  kind: 'chart',
  title: 'Referrals by quarter',
  chartType: 'bar',
  unit: '',
  labels: ['Q1', 'Q2', 'Q3', 'Q4'],
  series: [
    { name: 'Referrals', values: [3, 7, null, 12] },
    { name: 'Concerns raised', values: [10, 14, 9, 23] },
  ],
  table: {
    kind: 'table',
    caption: 'Referrals by quarter',
    columns: ['Quarter', 'Referrals', 'Concerns raised'],
    rows: [
      ['Q1', '3', '10'],
      ['Q2', '7', '14'],
      ['Q3', 'Fewer than 5', '9'],
      ['Q4', '12', '23'],
    ],
  },
};

const report: ReportDocument = {
  title: 'Prevent assurance report 2026 to 2027',
  subtitle: ['Northshire Community NHS Trust', '1 April 2026 to 30 September 2026', 'Version 1, draft'],
  sections: [
    {
      heading: 'Training compliance',
      level: 1,
      blocks: [
        { kind: 'paragraph', text: 'Compliance with Prevent training at each level, by month.' },
        { kind: 'paragraph', text: 'Signed by the Prevent lead.', emphasis: true },
        { kind: 'list', items: ['Level 1 and 2 met the target from July.', 'Level 3 stayed below the target.'] },
        lineChart,
        {
          kind: 'table',
          caption: 'Staff in scope by directorate',
          columns: ['Directorate', 'Staff in scope', 'Notes'],
          // Enough rows to run onto another page, where the header row is drawn again.
          rows: Array.from({ length: 45 }, (_, index) => [
            `Directorate ${index + 1}`,
            `${100 + index}`,
            index === 0 ? 'Includes bank staff on contracts of more than three months, who are counted once.' : '',
          ]),
        },
      ],
    },
    { heading: 'Referrals', level: 2, blocks: [barChart] },
  ],
  footer: 'OFFICIAL-SENSITIVE: for the board and the Prevent lead only.',
};

/** Text as pdf.js reads it, with runs and line breaks folded to single spaces. */
const squeezed = (text: string) => text.replace(/\s+/g, ' ');

describe('chart SVG', () => {
  it('is a titled, labelled image with one marker per shown value', () => {
    const svg = chartSvg(lineChart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/role="img"/);
    const title = /<title id="([^"]+)">Training compliance by month<\/title>/.exec(svg);
    expect(title).not.toBeNull();
    expect(svg).toContain(`aria-labelledby="${title?.[1]}`);
    expect(svg).toContain('font-family="Frutiger W01, Arial, sans-serif"');
    expect(svg).not.toMatch(/<script|<style|href=|@import|url\(/);
    // Level 1 and 2 has a null in June: five markers, none for June.
    expect(svg.match(/class="point" data-series="0"/g)).toHaveLength(5);
    expect(svg.match(/class="point" data-series="1"/g)).toHaveLength(6);
    expect(svg).not.toContain('Level 1 and 2, Jun 2026');
    expect(svg).toContain('Level 3, Jun 2026: 66%');
    // The gap splits the line in two.
    expect(svg.match(/<path d="M[^"]*" fill="none" stroke="#005eb8"/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('Target (85%)');
    expect(svg).toContain('>100%</text>');
    for (const month of months) expect(svg).toContain(`>${month}</text>`);
  });

  it('draws a bar per shown value, and none for a value not shown', () => {
    const svg = chartSvg(barChart);
    expect(svg.match(/<rect class="point" data-series="0"/g)).toHaveLength(3);
    expect(svg.match(/<rect class="point" data-series="1"/g)).toHaveLength(4);
    expect(svg).not.toContain('Referrals, Q3');
    expect(svg).toContain('fill="#005eb8"');
    expect(svg).toContain('fill="#003087"');
    expect(svg).not.toContain('stroke-dasharray');
    // Counts get whole-number ticks above the largest value, not a percentage scale.
    expect(svg).toContain('>25</text>');
    expect(svg).not.toContain('%</text>');
  });
});

describe('report PDF', () => {
  it('holds the text, the bookmarks and a footer on every page', async () => {
    const pdf = await reportPdf(report);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/FontFile2');
    expect(await pdfOutline(pdf)).toEqual(['Training compliance', 'Referrals']);
    const text = squeezed(await pdfText(pdf));
    for (const expected of [
      report.title,
      'Northshire Community NHS Trust',
      'Training compliance',
      'Referrals',
      'Signed by the Prevent lead.',
      'Level 3 stayed below the target.',
      'Fewer than 5',
      'Staff in scope by directorate',
      'Directorate 45',
      'Target (85%)',
    ]) {
      expect(text).toContain(expected);
    }
    const pages = text.match(/Page \d+ of (\d+)/g) ?? [];
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.at(-1)).toBe(`Page ${pages.length} of ${pages.length}`);
    expect(text.split(report.footer).length - 1).toBe(pages.length);
    // The long table's header row is drawn again on the page it runs onto.
    expect(text.split('Staff in scope Notes').length - 1).toBeGreaterThanOrEqual(2);
  });
});

describe('report Word file', () => {
  it('uses Word heading styles, repeats table headers and carries each chart as SVG and PNG', async () => {
    const docx = await reportDocx(report);
    const body = await docxXml(docx);
    // The style and the words in one paragraph.
    expect(body).toMatch(/<w:pStyle w:val="Heading1"\/>(?:(?!<\/w:p>).)*>Training compliance</);
    expect(body).toMatch(/<w:pStyle w:val="Heading2"\/>(?:(?!<\/w:p>).)*>Referrals</);
    expect(body).toContain('<w:tblHeader/>');
    for (const cell of ['Fewer than 5', 'Directorate 45', 'Staff in scope', 'Level 3 stayed below the target.']) {
      expect(body).toContain(cell);
    }
    const media = (await zipParts(docx)).filter((name) => name.startsWith('word/media/'));
    expect(media.filter((name) => name.endsWith('.svg'))).toHaveLength(2);
    expect(media.filter((name) => name.endsWith('.png'))).toHaveLength(2);
    const footers = await Promise.all(
      (await zipParts(docx)).filter((name) => /^word\/footer\d+\.xml$/.test(name)).map((name) => docxXml(docx, name)),
    );
    expect(footers.join('')).toContain(report.footer);
    const core = await docxXml(docx, 'docProps/core.xml');
    expect(core).toContain(`<dc:title>${report.title}</dc:title>`);
    expect(core).toContain('<dc:creator>Prevent Assure</dc:creator>');
    const styles = await docxXml(docx, 'word/styles.xml');
    expect(styles).toContain('w:ascii="Arial"');
    expect(styles).toMatch(/w:styleId="Heading2"(?:(?!<\/w:style>).)*<w:outlineLvl w:val="1"\/>/);
  });
});
