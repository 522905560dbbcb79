/*
 * The forecast as an SVG line chart, drawn on the server so that it shows without JavaScript and
 * prints into board papers. Colours come from the NHS palette, and each line has its own dash
 * pattern and marker so that it still reads in greyscale. The page puts the same numbers in a table.
 */

import { monthNames } from '../../../platform/dates.ts';

export type ChartPoint = { date: string; nothingElse: number | null; withSessions: number | null };

export type ChartOptions = {
  /** Unique on the page: the title and description are found by it. */
  id: string;
  title: string;
  description: string;
  points: readonly ChartPoint[];
  /** The target, as a percentage (85). */
  target: number;
};

/** Escapes text for SVG markup (text content and attribute values alike). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** NHS identity colours (service manual): blue, dark grey, and NHS black for the target. */
export const chartStyle = {
  withSessions: { colour: '#005eb8', dash: '', marker: 'circle', label: 'With planned sessions' },
  nothingElse: { colour: '#4c6272', dash: '8 5', marker: 'square', label: 'If nothing else happens' },
  target: { colour: '#212b32', dash: '2 4', label: 'Target' },
} as const;

const width = 640;
const height = 360;
const margin = { left: 52, right: 24, top: 16, bottom: 116 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;
const font = 'font-family="Frutiger W01, Arial, Helvetica, sans-serif"';

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const round = (n: number) => Math.round(n * 10) / 10;

/** The chart's SVG markup. */
export function forecastChart(options: ChartOptions): string {
  const { id, points } = options;
  const first = points[0];
  const lastPoint = points[points.length - 1];
  if (!first || !lastPoint) return '';
  const start = dayNumber(first.date);
  const span = Math.max(1, dayNumber(lastPoint.date) - start);
  // Time runs in proportion: the as-at date and the first month-end may be days apart, not a month.
  const x = (date: string) => round(margin.left + ((dayNumber(date) - start) / span) * plotWidth);
  const y = (percent: number) => round(margin.top + plotHeight - (Math.max(0, Math.min(100, percent)) / 100) * plotHeight);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${escapeXml(id)}-title ${escapeXml(id)}-desc" class="app-forecast-chart">`,
    `<title id="${escapeXml(id)}-title">${escapeXml(options.title)}</title>`,
    `<desc id="${escapeXml(id)}-desc">${escapeXml(options.description)}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  );

  for (let percent = 0; percent <= 100; percent += 20) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(percent)}" y2="${y(percent)}" stroke="#d8dde0" stroke-width="1"/>`,
      `<text x="${margin.left - 8}" y="${y(percent) + 4}" text-anchor="end" font-size="12" fill="#212b32" ${font}>${percent} %</text>`,
    );
  }
  parts.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#212b32" stroke-width="1"/>`,
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#212b32" stroke-width="1"/>`,
  );

  // Month labels at the month-ends; the first point is the as-at date, which the description names.
  let previousYear = '';
  for (const point of points.slice(1)) {
    const [year, month] = point.date.split('-') as [string, string];
    const px = x(point.date);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight + 5}" stroke="#212b32" stroke-width="1"/>`,
      `<text x="${px}" y="${margin.top + plotHeight + 18}" text-anchor="middle" font-size="12" fill="#212b32" ${font}>${monthNames[Number(month) - 1]?.slice(0, 3)}</text>`,
    );
    if (year !== previousYear) {
      parts.push(
        `<text x="${px}" y="${margin.top + plotHeight + 32}" text-anchor="middle" font-size="12" fill="#212b32" ${font}>${year}</text>`,
      );
      previousYear = year;
    }
  }

  const target = chartStyle.target;
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(options.target)}" y2="${y(options.target)}" stroke="${target.colour}" stroke-width="2" stroke-dasharray="${target.dash}"/>`,
  );

  for (const key of ['nothingElse', 'withSessions'] as const) {
    const style = chartStyle[key];
    let d = '';
    let pen = false;
    const markers: string[] = [];
    for (const point of points) {
      const value = point[key];
      // Nobody in scope: no percentage, so the line breaks rather than dropping to zero.
      if (value === null) {
        pen = false;
        continue;
      }
      const px = x(point.date);
      const py = y(value);
      d += `${pen ? 'L' : 'M'}${px} ${py} `;
      pen = true;
      markers.push(
        style.marker === 'circle'
          ? `<circle cx="${px}" cy="${py}" r="4" fill="${style.colour}"/>`
          : `<rect x="${round(px - 3.5)}" y="${round(py - 3.5)}" width="7" height="7" fill="#ffffff" stroke="${style.colour}" stroke-width="2"/>`,
      );
    }
    if (d) {
      parts.push(
        `<path d="${d.trim()}" fill="none" stroke="${style.colour}" stroke-width="3"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`,
        ...markers,
      );
    }
  }

  // The legend, one line each (so that no label can run into the next), with the same line and marker as each series.
  const legend = [
    { ...chartStyle.withSessions, text: chartStyle.withSessions.label },
    { ...chartStyle.nothingElse, text: chartStyle.nothingElse.label },
    { ...target, marker: 'none', text: `${options.target} % target` },
  ];
  legend.forEach((item, i) => {
    const lx = margin.left;
    const legendY = margin.top + plotHeight + 52 + i * 22;
    parts.push(
      `<line x1="${lx}" x2="${lx + 36}" y1="${legendY}" y2="${legendY}" stroke="${item.colour}" stroke-width="${item.marker === 'none' ? 2 : 3}"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`,
    );
    if (item.marker === 'circle') parts.push(`<circle cx="${lx + 18}" cy="${legendY}" r="4" fill="${item.colour}"/>`);
    if (item.marker === 'square')
      parts.push(
        `<rect x="${lx + 14.5}" y="${legendY - 3.5}" width="7" height="7" fill="#ffffff" stroke="${item.colour}" stroke-width="2"/>`,
      );
    parts.push(`<text x="${lx + 44}" y="${legendY + 4}" font-size="13" fill="#212b32" ${font}>${escapeXml(item.text)}</text>`);
  });

  parts.push('</svg>');
  return parts.join('');
}
