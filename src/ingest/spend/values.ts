/**
 * The ways spend files write dates and amounts, turned into ISO dates and pence.
 * Each parser returns a value or a reason a council officer would understand.
 */
export type Parsed<T> = { value: T } | { reason: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was.
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const EARLIEST = '1990-01-01';
const LATEST = '2100-12-31';

function iso(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return date.toISOString().slice(0, 10);
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? (n < 70 ? 2000 + n : 1900 + n) : n;
}

/** A blank date, or only a midnight time where a publisher's export lost the day ("00:00:00"). */
export function isMissingDate(text: string): boolean {
  return /^\s*(0?0:00(:00)?)?\s*$/.test(text);
}

/**
 * 31/03/2025, 31-03-2025, 31.03.25, 2025-03-31, 2025-03-31T00:00:00, 31-Mar-25, 31 March 2025,
 * and Excel serial numbers (45747). Day first: these are UK files.
 */
export function parseDate(text: string): Parsed<string> {
  const t = text.trim();
  if (isMissingDate(t)) return { reason: 'The date is missing' };
  let date: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?$/.exec(t))) {
    date = iso(Number(m[1]), Number(m[2]), Number(m[3]));
  } else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:\s+[\d:]+)?$/.exec(t))) {
    date = iso(fullYear(m[3] as string), Number(m[2]), Number(m[1]));
  } else if ((m = /^(\d{1,2})[\s-]([a-z]{3,9})[\s-](\d{2}|\d{4})$/i.exec(t))) {
    const month = MONTHS.indexOf((m[2] as string).slice(0, 3).toLowerCase()) + 1;
    date = month ? iso(fullYear(m[3] as string), month, Number(m[1])) : undefined;
  } else if ((m = /^(\d{5})(?:\.\d+)?$/.exec(t))) {
    date = new Date(EXCEL_EPOCH + Number(m[1]) * 86_400_000).toISOString().slice(0, 10);
  }
  if (!date) return { reason: `"${clip(t)}" is not a date (expected day/month/year, like 31/03/2025)` };
  if (date < EARLIEST || date > LATEST) return { reason: `${date} is outside the years 1990 to 2100` };
  return { value: date };
}

/**
 * £1,234.56, 1234.5, -12.00, (12.00) and 12.00CR for credits, " 1 234 " with spaces.
 * Amounts stay exact: the digits are read as text, never through a float.
 */
/** Up to 99,999,999,999 pounds with whole pence: the pence stay well inside 2^53. */
const PLAIN_AMOUNT = /^(-?)(\d{1,11})(?:\.(\d{1,2}))?$/;

export function parseAmount(text: string): Parsed<number> {
  // Most files write plain pounds and pence: read those with integer arithmetic, exact and quick.
  const plain = PLAIN_AMOUNT.exec(text);
  if (plain) {
    const pence = Number(plain[2]) * 100 + Number((plain[3] ?? '').padEnd(2, '0'));
    return { value: plain[1] && pence ? -pence : pence };
  }
  let t = text.trim().replace(/[£\s]/g, '').replace(/^GBP/i, '');
  if (!t) return { reason: 'The amount is missing' };
  let negative = false;
  if (/^\(.*\)$/.test(t)) [negative, t] = [true, t.slice(1, -1)];
  if (/cr$/i.test(t)) [negative, t] = [true, t.slice(0, -2)];
  if (/dr$/i.test(t)) t = t.slice(0, -2);
  if (t.startsWith('-')) [negative, t] = [!negative, t.slice(1)];
  else if (t.endsWith('-')) [negative, t] = [!negative, t.slice(0, -1)];
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/.exec(t.replace(/^£/, ''));
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    return { reason: `"${clip(text.trim())}" is not an amount of money` };
  }
  const fraction = m[2] ?? '';
  // Spreadsheet exports write 0.1 + 0.2 as 0.30000000000000004; beyond the penny, only such noise is tolerated.
  if (fraction.length > 2 && !/^\d{2}(0{3,}\d*|9{3,}\d*)$/.test(fraction)) {
    return { reason: `"${clip(text.trim())}" has fractions of a penny` };
  }
  const whole = BigInt((m[1] ?? '0').replaceAll(',', ''));
  let pence = whole * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if (/^\d{2}9{3,}/.test(fraction)) pence += 1n;
  if (pence > 10n ** 13n) return { reason: `"${clip(text.trim())}" is larger than any council payment` };
  return { value: Number(negative ? -pence : pence) };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
