/**
 * Money is whole pence everywhere inside Pathfinder; pounds appear only at the edges.
 * Parsing works on the digits as text so that no float rounding can creep in.
 */
const POUNDS = /^(-)?£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(k|m|bn)?$/i;
const SCALE: Record<string, bigint> = { k: 1_000n, m: 1_000_000n, bn: 1_000_000_000n };

/** "£1,300,000", "1.3m", "725m", "-12.50" → pence; undefined when the text is not an amount. */
export function parsePounds(text: string): number | undefined {
  const match = POUNDS.exec(text.trim());
  if (!match) return undefined;
  const [, minus, whole = '0', fraction = '', suffix] = match;
  const scale = suffix ? (SCALE[suffix.toLowerCase()] ?? 1n) : 1n;
  const decimals = suffix ? fraction : fraction.padEnd(2, '0');
  if (!suffix && fraction.length > 2) return undefined;
  // Whole pounds times scale, plus the fraction of the scaled unit, all in pence.
  const unitPence = 100n * scale;
  const fractionPence = decimals ? (BigInt(decimals) * unitPence) / 10n ** BigInt(decimals.length) : 0n;
  const pence = BigInt(whole.replaceAll(',', '')) * unitPence + fractionPence;
  const signed = minus ? -pence : pence;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) return undefined;
  return Number(signed);
}

const whole = new Intl.NumberFormat('en-GB', {
  style: 'currency',
  currency: 'GBP',
  maximumFractionDigits: 0,
});
const exact = new Intl.NumberFormat('en-GB', {
  style: 'currency',
  currency: 'GBP',
  minimumFractionDigits: 2,
});

/** 130000000 → "£1,300,000"; pence are shown only when there are some. */
export function formatPounds(pence: number): string {
  return pence % 100 === 0 ? whole.format(pence / 100) : exact.format(pence / 100);
}

/** 130000000 → "£1.3m": for headlines and tables where the order of magnitude matters. */
export function formatPoundsShort(pence: number): string {
  const pounds = Math.abs(pence) / 100;
  const sign = pence < 0 ? '-' : '';
  if (pounds >= 1e9) return `${sign}£${trim(pounds / 1e9)}bn`;
  if (pounds >= 1e6) return `${sign}£${trim(pounds / 1e6)}m`;
  if (pounds >= 1e4) return `${sign}£${trim(pounds / 1e3)}k`;
  return formatPounds(pence);
}

function trim(n: number): string {
  return n.toFixed(1).replace(/\.0$/, '');
}

/** 130000050 → "1300000.50": plain pounds for spreadsheets, exact to the penny. */
export function poundsDecimal(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
