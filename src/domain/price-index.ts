/**
 * A price index, as ONS publishes its series (CPI D7BT, or HM Treasury's GDP deflator in the same
 * layout): values by year ("2024"), quarter ("2024 Q1") and month ("2024 JAN"). It restates money
 * paid in one month in one year's prices, so that spend from different years compares like with like.
 */

export interface PricePoint {
  /** "2024", "2024 Q1" or "2024-01". */
  period: string;
  value: number;
}

export interface PriceSeries {
  /** The series' identifier, ONS's CDID: D7BT. */
  series: string;
  title: string;
  /** As the file gives it, when it does. */
  releaseDate?: string;
  points: PricePoint[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * The period of an ONS row in the form kept: a year and a quarter as ONS writes them, a month as
 * yyyy-mm. Undefined for anything else.
 */
export function pricePeriod(text: string): string | undefined {
  const t = text.trim().toUpperCase();
  if (/^\d{4}$/.test(t) || /^\d{4} Q[1-4]$/.test(t)) return t;
  const month = /^(\d{4}) ([A-Z]{3})$/.exec(t);
  const index = month ? MONTHS.indexOf(month[2] as string) : -1;
  return month && index >= 0 ? `${month[1]}-${String(index + 1).padStart(2, '0')}` : undefined;
}

export interface Prices {
  /** The year whose prices figures are restated in. */
  year: number;
  series: string;
  /** What an amount paid in the month (yyyy-mm) is worth in the year's prices, per pound; undefined before the series starts. */
  factor(month: string): number | undefined;
  /** The latest month the series covers: later months are restated at its value. */
  lastMonth: string;
}

/**
 * Restating in one year's prices: the year's own figure over the month's. A month takes its own
 * value, or its quarter's, or its year's, whichever the series has; months after all of those
 * take the latest month's value (said beside the figures), since a saving should not wait for ONS.
 * Undefined when the series has no figure for the year asked for.
 */
export function pricesIn(s: PriceSeries, year: number): Prices | undefined {
  const values = new Map(s.points.map((p) => [p.period, p.value]));
  const months = s.points
    .filter((p) => p.period.includes('-'))
    .map((p) => p.period)
    .sort();
  const base = values.get(String(year)) ?? averageOfMonths(values, year);
  if (base === undefined || !months.length) return undefined;
  const first = months[0] as string;
  const last = months[months.length - 1] as string;
  const published = (m: string) =>
    values.get(m) ??
    values.get(`${m.slice(0, 4)} Q${Math.ceil(Number(m.slice(5, 7)) / 3)}`) ??
    values.get(m.slice(0, 4));
  const valueOf = (month: string): number | undefined =>
    month < first ? undefined : (published(month) ?? (month > last ? published(last) : undefined));
  return {
    year,
    series: s.series,
    lastMonth: last,
    factor: (month) => {
      const v = valueOf(month.slice(0, 7));
      return v === undefined ? undefined : base / v;
    },
  };
}

function averageOfMonths(values: Map<string, number>, year: number): number | undefined {
  const months = MONTHS.map((_, i) => values.get(`${year}-${String(i + 1).padStart(2, '0')}`));
  if (months.some((v) => v === undefined)) return undefined;
  return (months as number[]).reduce((a, b) => a + b, 0) / 12;
}
