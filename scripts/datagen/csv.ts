/** A minimal RFC 4180 CSV writer: the log is written row by row, so no library is needed. */

/** Quotes a field only when it must be: it holds a comma, a double quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line, '\n'-terminated. */
export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}
