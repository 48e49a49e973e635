/**
 * HM Treasury's Green Book conventions a business case follows: figures in real terms (today's
 * prices), discounted at the social time preference rate, 3.5% a year for years 0 to 30 and 3.0%
 * from year 31; year 0 is now and is not discounted. A cash (nominal) view adds general inflation to
 * every flow and discounts at the matching nominal rate, (1 + real) × (1 + inflation) − 1, so it
 * gives the same net present value.
 */

export const GREEN_BOOK_RATE_PERCENT = 3.5;
export const GREEN_BOOK_LONG_TERM_RATE_PERCENT = 3.0;
/** The last year discounted at the standard rate; later years use the long-term rate. */
export const STANDARD_RATE_YEARS = 30;

export interface Rates {
  discountPercent: number;
  longTermDiscountPercent: number;
}

/** What £1 in year `year` is worth today. */
export function discountFactor(r: Rates, year: number): number {
  const standard = Math.min(year, STANDARD_RATE_YEARS);
  const longTerm = Math.max(0, year - STANDARD_RATE_YEARS);
  return (1 + r.discountPercent / 100) ** -standard * (1 + r.longTermDiscountPercent / 100) ** -longTerm;
}

/** The nominal rates matching real `r` under general inflation, in percent. */
export function nominalRates(r: Rates, inflationPercent: number): Rates {
  const nominal = (real: number) => ((1 + real / 100) * (1 + inflationPercent / 100) - 1) * 100;
  return {
    discountPercent: nominal(r.discountPercent),
    longTermDiscountPercent: nominal(r.longTermDiscountPercent),
  };
}

/**
 * The Green Book's supplementary guidance on optimism bias, as a starting suggestion: the upper
 * bounds apply at the outline stage and come down, to no lower than the lower bounds, as risks are
 * managed and evidenced. Business change with IT is "equipment and development"; a service bought
 * from another body is "outsourcing".
 */
export const OPTIMISM_BIAS_GUIDANCE = [
  {
    projectType: 'Equipment and development (IT, business change)',
    costs: { lower: 10, upper: 200 },
    duration: { lower: 10, upper: 54 },
  },
  { projectType: 'Outsourcing', costs: { lower: 0, upper: 41 } },
  { projectType: 'Standard buildings', costs: { lower: 2, upper: 24 }, duration: { lower: 1, upper: 4 } },
] as const;
