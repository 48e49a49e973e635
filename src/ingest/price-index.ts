import Papa from 'papaparse';
import { InputError, type Problem } from '../domain/errors.js';
import { type PricePoint, type PriceSeries, pricePeriod } from '../domain/price-index.js';

/**
 * Reads a price index in ONS's "full unfiltered time series" CSV: metadata rows ("Title", "CDID",
 * "Release date", … "Important notes"), then one row a period, "2024", "2024 Q1" or "2024 JAN", with
 * its value. Rows of metadata it does not know are passed over; a period row whose value is not a
 * positive number is refused, naming its row.
 */
export function readPriceSeries(text: string, file: string): PriceSeries {
  if (text.startsWith('PK\u0003\u0004') || text.includes('\u0000'))
    throw new InputError(
      `${file} is not a CSV file: it looks like a spreadsheet or another binary file. Save the series as CSV, as ONS publishes it`,
      [],
      file,
    );
  const { data } = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
  const meta = new Map<string, string>();
  const points: PricePoint[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  data.forEach((cells, i) => {
    const [first = '', second = ''] = cells.map((c) => c.trim());
    const period = pricePeriod(first);
    if (!period) {
      if (!points.length) meta.set(first.toLowerCase(), second);
      else
        problems.push({ row: i + 1, field: 'period', message: `"${first}" is not a year, quarter or month` });
      return;
    }
    // Digits and a decimal point only: Number() would also take "0x10" and "1e3".
    const value = /^\d+(\.\d+)?$/.test(second) ? Number(second) : NaN;
    if (!(value > 0))
      problems.push({
        row: i + 1,
        field: 'value',
        message: `The index for ${first} must be a positive number`,
      });
    else if (seen.has(period))
      problems.push({ row: i + 1, field: 'period', message: `${first} is given twice` });
    else {
      seen.add(period);
      points.push({ period, value });
    }
  });
  const series = (meta.get('cdid') ?? '').toUpperCase();
  if (!/^[A-Z0-9]{2,12}$/.test(series))
    problems.unshift({ field: 'CDID', message: 'Give the series’ identifier in a "CDID" row, like D7BT' });
  if (!points.some((p) => p.period.includes('-')))
    problems.push({ field: 'period', message: 'The file has no monthly figures ("2024 JAN")' });
  if (problems.length) throw new InputError('The price index cannot be read', problems.slice(0, 20), file);
  const releaseDate = meta.get('release date');
  return {
    series,
    title: meta.get('title') || series,
    ...(releaseDate ? { releaseDate } : {}),
    points,
  };
}
