import { createRequire } from 'node:module';
import type { Chart } from './document.ts';

/**
 * A chart as a self-contained SVG: the same markup goes inline in the web page, as vectors into the PDF
 * and as an image into the Word file, so it names no external font, style sheet or script, and it uses
 * presentation attributes only (the PDF and PNG renderers read no CSS).
 */

const fontFamily = 'Frutiger W01, Arial, sans-serif';

/**
 * Frutiger cannot be shipped, so outside a browser the text is set in Arimo, an open font with Arial's
 * metrics: the PDF embeds it and the PNG fallback in the Word file is drawn with it.
 */
const require = createRequire(import.meta.url);
export const embeddedFonts = {
  regular: require.resolve('@expo-google-fonts/arimo/400Regular/Arimo_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/arimo/700Bold/Arimo_700Bold.ttf'),
};

/** NHS identity colours, in the order series take them. */
const seriesColours = ['#005eb8', '#003087', '#ffb81c', '#007f3b', '#768692', '#d5281b'];

const textColour = '#212b32';
const secondaryTextColour = '#4c6272';
const gridColour = '#d8dde0';
const targetColour = '#212b32';
const fontSize = 12;

type Box = { left: number; top: number; width: number; height: number };
type Scale = { top: number; ticks: number[] };
type LegendItem = { label: string; swatch: (x: number, y: number) => string };

export function chartSvg(chart: Chart, options: { width?: number; height?: number } = {}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const id = `chart-${hash(JSON.stringify(chart))}`;
  const legend = legendItems(chart);
  const legendRows = layoutLegend(legend, width - 16);
  const scale = yScale(chart);
  const plot: Box = { left: 56, top: legendRows.height + 16, width: width - 72, height: 0 };
  const xLabels = xAxisLabels(chart.labels, plot.width);
  plot.height = Math.max(40, height - plot.top - xLabels.height - 8);
  const y = (value: number) => plot.top + plot.height - (Math.max(0, value) / scale.top) * plot.height;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${fontFamily}" font-size="${fontSize}">`,
    `<title id="${id}-title">${escapeXml(chart.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(chartDescription(chart))}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    legendRows.markup,
    yAxis(plot, scale, chart.unit, y),
    xAxis(plot, chart.labels, xLabels),
    chart.target ? targetLine(chart.target, plot, y) : '',
    chart.chartType === 'line' ? lines(chart, plot, y) : bars(chart, plot, y),
    chart.target ? targetLabel(chart.target, chart.unit, plot, y) : '',
    '</svg>',
  ];
  return parts.filter((part) => part !== '').join('\n');
}

/** What the chart shows, for screen readers: the figures themselves are in the table after it. */
export function chartDescription(chart: Chart): string {
  const kind = chart.chartType === 'line' ? 'Line chart' : 'Bar chart';
  const all = chart.series.map((series) => series.name);
  const names = all.length > 1 ? `${all.slice(0, -1).join(', ')} and ${all.at(-1)}` : (all[0] ?? 'no series');
  const target = chart.target ? ` A dashed line marks ${chart.target.label}.` : '';
  return `${kind} of ${names}.${target} The figures are in the table that follows.`;
}

/** Ticks from 0: 0–100 in fifths for percentages, otherwise whole-number steps of 1, 2 or 5 times a power of ten. */
function yScale(chart: Chart): Scale {
  const values = chart.series.flatMap((series) => series.values).filter((value): value is number => value !== null);
  if (chart.target) values.push(chart.target.value);
  const max = Math.max(0, ...values);
  if (chart.unit === '%' && max <= 100) return { top: 100, ticks: [0, 20, 40, 60, 80, 100] };
  const rough = Math.max(max, 1) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, ([1, 2, 5, 10].find((factor) => factor * magnitude >= rough) ?? 10) * magnitude);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let tick = 0; tick <= top + step / 2; tick += step) ticks.push(tick);
  return { top, ticks };
}

function formatValue(value: number, unit: Chart['unit']): string {
  return `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })}${unit}`;
}

function yAxis(plot: Box, scale: Scale, unit: Chart['unit'], y: (value: number) => number): string {
  const right = plot.left + plot.width;
  const ticks = scale.ticks.map((tick) => {
    const at = round(y(tick));
    return (
      `<line x1="${plot.left}" y1="${at}" x2="${right}" y2="${at}" stroke="${gridColour}" stroke-width="1"/>` +
      `<text x="${plot.left - 8}" y="${round(at + fontSize * 0.35)}" text-anchor="end" fill="${secondaryTextColour}">${formatValue(tick, unit)}</text>`
    );
  });
  return `<g aria-hidden="true">${ticks.join('')}</g>`;
}

type XLabels = { every: number; rotated: boolean; height: number };

/**
 * Month names such as "Apr 2026" do not fit side by side on a long run: then they are turned and, if still
 * too close, only every second (third…) one is written.
 */
function xAxisLabels(labels: string[], plotWidth: number): XLabels {
  const slot = plotWidth / Math.max(1, labels.length);
  const widest = Math.max(0, ...labels.map(textWidth));
  if (widest + 8 <= slot) return { every: 1, rotated: false, height: fontSize + 12 };
  const every = Math.max(1, Math.ceil((fontSize * 1.6) / slot));
  return { every, rotated: true, height: Math.ceil(widest * Math.sin(Math.PI / 4) + fontSize + 12) };
}

function xAxis(plot: Box, labels: string[], layout: XLabels): string {
  const slot = plot.width / Math.max(1, labels.length);
  const base = plot.top + plot.height;
  const texts = labels.map((label, index) => {
    if (index % layout.every !== 0) return '';
    const x = round(plot.left + slot * (index + 0.5));
    const y = round(base + fontSize + 6);
    const turn = layout.rotated ? ` text-anchor="end" transform="rotate(-45 ${x} ${y})"` : ' text-anchor="middle"';
    return `<text x="${x}" y="${y}"${turn} fill="${textColour}">${escapeXml(label)}</text>`;
  });
  const axis = `<line x1="${plot.left}" y1="${base}" x2="${plot.left + plot.width}" y2="${base}" stroke="${secondaryTextColour}" stroke-width="1"/>`;
  return `<g aria-hidden="true">${axis}${texts.join('')}</g>`;
}

function colourOf(index: number): string {
  return seriesColours[index % seriesColours.length] ?? '#005eb8';
}

/** A marker shape per series as well as a colour, so that series can be told apart without colour. */
function marker(index: number, x: number, y: number, radius = 4.5): string {
  const r = radius;
  switch (index % 4) {
    case 0:
      return `M${round(x - r)} ${round(y)}A${r} ${r} 0 1 0 ${round(x + r)} ${round(y)}A${r} ${r} 0 1 0 ${round(x - r)} ${round(y)}Z`;
    case 1:
      return `M${round(x - r)} ${round(y - r)}H${round(x + r)}V${round(y + r)}H${round(x - r)}Z`;
    case 2:
      return `M${round(x)} ${round(y - r * 1.2)}L${round(x + r * 1.1)} ${round(y + r * 0.8)}H${round(x - r * 1.1)}Z`;
    default:
      return `M${round(x)} ${round(y - r * 1.3)}L${round(x + r * 1.1)} ${round(y)}L${round(x)} ${round(y + r * 1.3)}L${round(x - r * 1.1)} ${round(y)}Z`;
  }
}

function pointTitle(chart: Chart, seriesName: string, index: number, value: number): string {
  return `<title>${escapeXml(`${seriesName}, ${chart.labels[index] ?? ''}: ${formatValue(value, chart.unit)}`)}</title>`;
}

/** One path per run of shown values, so a value not shown leaves a gap in the line and no marker. */
function lines(chart: Chart, plot: Box, y: (value: number) => number): string {
  const slot = plot.width / Math.max(1, chart.labels.length);
  const x = (index: number) => round(plot.left + slot * (index + 0.5));
  return chart.series
    .map((series, seriesIndex) => {
      const colour = colourOf(seriesIndex);
      const runs: string[] = [];
      let run = '';
      series.values.forEach((value, index) => {
        if (value === null) {
          if (run.includes('L')) runs.push(run);
          run = '';
          return;
        }
        run += `${run === '' ? 'M' : 'L'}${x(index)} ${round(y(value))}`;
      });
      if (run.includes('L')) runs.push(run);
      const paths = runs.map((d) => `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"/>`);
      const points = series.values.map((value, index) =>
        value === null
          ? ''
          : `<path class="point" data-series="${seriesIndex}" d="${marker(seriesIndex, x(index), y(value))}" fill="${colour}" stroke="#ffffff" stroke-width="1">${pointTitle(chart, series.name, index, value)}</path>`,
      );
      return `<g>${paths.join('')}${points.join('')}</g>`;
    })
    .join('\n');
}

function bars(chart: Chart, plot: Box, y: (value: number) => number): string {
  const slot = plot.width / Math.max(1, chart.labels.length);
  const groupWidth = slot * 0.8;
  const barWidth = groupWidth / Math.max(1, chart.series.length);
  const base = plot.top + plot.height;
  return chart.series
    .map((series, seriesIndex) => {
      const colour = colourOf(seriesIndex);
      const rects = series.values.map((value, index) => {
        if (value === null) return '';
        const left = round(plot.left + slot * index + (slot - groupWidth) / 2 + barWidth * seriesIndex);
        const top = round(y(value));
        return `<rect class="point" data-series="${seriesIndex}" x="${left}" y="${top}" width="${round(barWidth - 1)}" height="${round(base - top)}" fill="${colour}">${pointTitle(chart, series.name, index, value)}</rect>`;
      });
      return `<g>${rects.join('')}</g>`;
    })
    .join('\n');
}

function targetLine(target: NonNullable<Chart['target']>, plot: Box, y: (value: number) => number): string {
  const at = round(y(target.value));
  return `<line x1="${plot.left}" y1="${at}" x2="${plot.left + plot.width}" y2="${at}" stroke="${targetColour}" stroke-width="1.5" stroke-dasharray="6 4"/>`;
}

/** Drawn over the series on a pale box, so that a line passing under it does not make it unreadable. */
function targetLabel(target: NonNullable<Chart['target']>, unit: Chart['unit'], plot: Box, y: (value: number) => number): string {
  const at = round(y(target.value));
  const label = `${target.label} (${formatValue(target.value, unit)})`;
  const right = plot.left + plot.width - 4;
  const boxWidth = round(textWidth(label) + 8);
  return (
    `<g><rect x="${round(right - boxWidth + 4)}" y="${round(at - fontSize - 6)}" width="${boxWidth}" height="${fontSize + 4}" fill="#ffffff" fill-opacity="0.85"/>` +
    `<text x="${right}" y="${at - 5}" text-anchor="end" fill="${targetColour}">${escapeXml(label)}</text></g>`
  );
}

function legendItems(chart: Chart): LegendItem[] {
  const items: LegendItem[] = chart.series.map((series, index) => ({
    label: series.name,
    swatch: (x: number, y: number) => {
      const colour = colourOf(index);
      if (chart.chartType === 'bar') return `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${colour}"/>`;
      return (
        `<line x1="${x - 2}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${colour}" stroke-width="2.5"/>` +
        `<path d="${marker(index, x + 8, y)}" fill="${colour}" stroke="#ffffff" stroke-width="1"/>`
      );
    },
  }));
  const target = chart.target;
  if (target) {
    items.push({
      label: target.label,
      swatch: (x: number, y: number) =>
        `<line x1="${x - 2}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${targetColour}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    });
  }
  return items;
}

/** Legend entries left to right, onto a new row when the next would not fit. */
function layoutLegend(items: LegendItem[], width: number): { markup: string; height: number } {
  const rowHeight = fontSize + 8;
  let x = 8;
  let row = 0;
  const parts = items.map((item) => {
    const itemWidth = 24 + textWidth(item.label) + 20;
    if (x > 8 && x + itemWidth > width) {
      x = 8;
      row += 1;
    }
    const y = 8 + rowHeight * row + rowHeight / 2;
    const markup = `${item.swatch(x + 2, y)}<text x="${x + 26}" y="${round(y + fontSize * 0.35)}" fill="${textColour}">${escapeXml(item.label)}</text>`;
    x += itemWidth;
    return markup;
  });
  return { markup: `<g>${parts.join('')}</g>`, height: 8 + rowHeight * (row + 1) };
}

/**
 * How much room a table column wants, in any unit: at least its longest word, at most its longest cell on
 * one line. Not a chart matter, but the PDF and Word tables share this and nothing else, so it lives here.
 */
export type ColumnNeed = { min: number; max: number };

/**
 * Column widths filling `total`, much as a browser lays out a table: a column whose text fits in a fair
 * share gets all it needs; the rest share what is left, each at least its longest word, the remainder
 * going to the columns whose text would otherwise wrap most.
 */
export function fitColumns(needs: ColumnNeed[], total: number): number[] {
  const widths = new Map<number, number>();
  let open = needs.map((need, index) => ({ need, index }));
  for (;;) {
    const room = total - sum([...widths.values()]);
    const fitting = open.filter(({ need }) => need.max <= room / open.length);
    if (fitting.length === 0) {
      const shared = shareOut(
        open.map(({ need }) => need),
        room,
      );
      open.forEach(({ index }, position) => {
        widths.set(index, shared[position] ?? 0);
      });
      break;
    }
    for (const { index, need } of fitting) widths.set(index, need.max);
    open = open.filter(({ index }) => !widths.has(index));
  }
  const fitted = needs.map((_, index) => widths.get(index) ?? 0);
  // Every table spans the full width: extra room goes in proportion to what each column already has.
  const used = sum(fitted);
  return used >= total || used === 0 ? fitted : fitted.map((width) => (width * total) / used);
}

/** Widths for columns that cannot all have what they want, out of `room`. */
function shareOut(needs: ColumnNeed[], room: number): number[] {
  const minTotal = sum(needs.map((need) => need.min));
  if (minTotal >= room) return needs.map((need) => (need.min * room) / Math.max(1, minTotal));
  const slack = sum(needs.map((need) => need.max - need.min));
  return needs.map((need) => need.min + ((room - minTotal) * (need.max - need.min)) / Math.max(1, slack));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Roughly how wide a string is set in Arial at the chart's size: enough to lay out labels. */
function textWidth(text: string): number {
  return text.length * fontSize * 0.56;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A short stable id (FNV-1a), so two charts inline on one page do not share element ids. */
function hash(text: string): string {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return (value >>> 0).toString(36);
}
