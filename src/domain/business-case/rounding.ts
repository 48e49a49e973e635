/**
 * Money is whole pence, and every split must add up to what it splits: these two roundings are the
 * only ways a business case turns fractions of a penny into pence.
 */

/**
 * Splits a whole number of pence in proportion to the weights, to the penny: each part gets its
 * rounded-down share, then the pennies left go to the largest remainders (ties to the earlier part).
 */
export function apportion(totalPence: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!weights.length) return [];
  if (sum <= 0) throw new Error('Nothing to split by: every weight is zero');
  const sign = totalPence < 0 ? -1 : 1;
  return roundToTotal(
    weights.map((w) => (Math.abs(totalPence) * w) / sum),
    Math.abs(totalPence),
  ).map((p) => p * sign);
}

/**
 * Rounds exact amounts (of either sign) to whole pence that add up to `totalPence`, itself the
 * rounded sum: each is rounded down, then the pennies left go to the largest remainders.
 */
export function roundToTotal(exact: number[], totalPence = Math.round(exact.reduce((a, b) => a + b, 0))) {
  const parts = exact.map(Math.floor);
  let left = totalPence - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts;
}
