import type { Block, ReportDocument, Table } from '../../platform/documents/document.ts';
import { chartSvg } from '../../platform/documents/svg.ts';

/** Text made safe to put in HTML. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Print first: A4 margins, headings kept with what follows, tables not split across a row. */
const style = `
body { font-family: "Frutiger W01", Arial, sans-serif; color: #212b32; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }
h1 { font-size: 2em; margin-bottom: 0.25em; } h2 { margin-top: 1.5em; border-bottom: 2px solid #005eb8; } h3 { margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; } caption { text-align: left; font-weight: bold; padding: 0.25em 0; }
th, td { border-bottom: 1px solid #d8dde0; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
.emphasis { border-left: 8px solid #005eb8; padding-left: 1em; } figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
footer { margin-top: 2em; font-size: 0.9em; color: #4c6272; }
@media print { @page { size: A4; margin: 18mm; } body { margin: 0; max-width: none; } h2, h3 { break-after: avoid; } tr, figure { break-inside: avoid; } }
`;

function table(t: Table): string {
  const head = t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const rows = t.rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<table><caption>${escapeHtml(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p${b.emphasis ? ' class="emphasis"' : ''}>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return table(b);
    case 'chart':
      return `<figure>${chartSvg(b)}</figure>\n${table(b.table)}`;
  }
}

/** The report as one self-contained web page (no scripts, no outside files), to keep, send or print. */
export function reportHtml(document: ReportDocument): string {
  const sections = document.sections
    .map((s) => `<h${s.level + 1}>${escapeHtml(s.heading)}</h${s.level + 1}>\n${s.blocks.map(block).join('\n')}`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>${escapeHtml(document.title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>${style}</style></head>
<body>
<main>
<h1>${escapeHtml(document.title)}</h1>
${document.subtitle.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}
${sections}
</main>
<footer>${escapeHtml(document.footer)}</footer>
</body>
</html>
`;
}
