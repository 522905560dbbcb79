/**
 * One cell of a CSV file people open in a spreadsheet: quoted when it holds a comma, quote or line
 * break, and a value a spreadsheet would run as a formula (=, +, -, @) is kept as text.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
