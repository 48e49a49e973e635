import { stringify } from 'csv-stringify/sync';

/**
 * Text that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first)
 * gets a leading apostrophe, so an exported file cannot carry a formula injection.
 * Numbers are left alone: a refund of -12.50 is a number, not a formula.
 */
export function neutralise(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return stringify([header, ...rows.map((row) => row.map(neutralise))], {
    bom: true,
    record_delimiter: 'windows',
  });
}
