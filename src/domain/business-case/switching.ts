/**
 * How far the answer moves with each key input: a tornado of the NPV with each input a percentage
 * lower and higher, and switching values, how far an input can move before the case's NPV is zero or
 * before a named partner is worse off (the question partnership boards ask).
 */
import type { BusinessCaseInput } from './input.js';
import { type CaseResult, evaluate, type PartnerResult } from './evaluate.js';

/** Each key input scaled by a factor (1 is as entered). */
const SCALED: [string, (c: BusinessCaseInput, by: number) => BusinessCaseInput][] = [
  [
    'Running cost',
    (c, by) => ({
      ...c,
      runningPence: Math.round(c.runningPence * by),
      runningPerUnitPence: c.runningPerUnitPence * by,
    }),
  ],
  [
    'Baseline costs',
    (c, by) => ({
      ...c,
      partners: c.partners.map((p) => ({ ...p, baselinePence: Math.round(p.baselinePence * by) })),
    }),
  ],
  [
    'One-off costs',
    (c, by) => ({
      ...c,
      oneOffs: c.oneOffs.map((o) => ({ ...o, amountPence: Math.round(o.amountPence * by) })),
    }),
  ],
];

export interface Sensitivity {
  input: string;
  lowNpvPence: number;
  highNpvPence: number;
  /** Each partner's steady saving with the input low and high. */
  partners: { bodyCode: string; lowPence: number; highPence: number }[];
}

/** NPV and savings with each key input varied by ±percent, widest swing first (a tornado). */
export function sensitivity(c: BusinessCaseInput, percent = 20): Sensitivity[] {
  const f = percent / 100;
  const variants: [string, (by: number) => BusinessCaseInput][] = [
    ...SCALED.map(
      ([input, vary]) => [input, (by: number) => vary(c, by)] as [string, (by: number) => BusinessCaseInput],
    ),
    [
      'Discount rate',
      (by) => ({
        ...c,
        discountPercent: c.discountPercent * by,
        longTermDiscountPercent: c.longTermDiscountPercent * by,
      }),
    ],
  ];
  return variants
    .map(([input, vary]) => {
      const [low, high] = [evaluate(vary(1 - f), {}, false), evaluate(vary(1 + f), {}, false)];
      return {
        input,
        lowNpvPence: low.npvPence,
        highNpvPence: high.npvPence,
        partners: c.partners.map((p, i) => ({
          bodyCode: p.bodyCode,
          lowPence: (low.partners[i] as PartnerResult).savingPence,
          highPence: (high.partners[i] as PartnerResult).savingPence,
        })),
      };
    })
    .sort((a, b) => Math.abs(b.highNpvPence - b.lowNpvPence) - Math.abs(a.highNpvPence - a.lowNpvPence));
}

/** Where an NPV reaches zero as one input moves: a change in percent (or months), or null if it never does. */
export interface SwitchingValue {
  input: string;
  unit: 'percent' | 'months';
  /** The case's NPV is zero at this change. */
  case: number | null;
  /** Each partner's NPV is zero at this change (it is worse off beyond it). */
  partners: { bodyCode: string; at: number | null }[];
}

/** Percent changes searched: an input may fall almost to nothing (a split by it needs some) or rise tenfold. */
const LOWEST = -99;
const HIGHEST = 1_000;

/** Switching values for the running cost, baseline costs, one-off costs and a delay to the savings. */
export function switchingValues(c: BusinessCaseInput): SwitchingValue[] {
  const targets = (r: CaseResult) => [r.npvPence, ...r.partners.map((p) => p.npvPence)];
  const solve = (npvs: (change: number) => number[], low: number, high: number, step?: number) => {
    const cache = new Map<number, number[]>();
    const at = (x: number) => {
      const hit = cache.get(x) ?? npvs(x);
      cache.set(x, hit);
      return hit;
    };
    return at(0).map((_, k) => {
      const value = (x: number) => at(x)[k] as number;
      const start = value(0);
      if (start === 0) return 0;
      // Search outward from no change, in each direction, for the nearest change of sign.
      const found = [high, low]
        .map((end) => {
          if (Math.sign(value(end)) === Math.sign(start)) return null;
          // Halve the interval between no change and the change that turns it; months stay whole.
          let [a, b] = [0, end];
          while (step ? Math.abs(b - a) > step : Math.abs(b - a) > 0.01) {
            const mid = step ? Math.round((a + b) / 2) : (a + b) / 2;
            if (Math.sign(value(mid)) === Math.sign(start)) a = mid;
            else b = mid;
          }
          return Math.round(b * 10) / 10;
        })
        .filter((x): x is number => x !== null)
        .sort((x, y) => Math.abs(x) - Math.abs(y));
      return found[0] ?? null;
    });
  };
  const values = (input: string, unit: SwitchingValue['unit'], at: (number | null)[]): SwitchingValue => ({
    input,
    unit,
    case: at[0] ?? null,
    partners: c.partners.map((p, i) => ({ bodyCode: p.bodyCode, at: at[i + 1] ?? null })),
  });
  return [
    ...SCALED.map(([input, vary]) =>
      values(
        input,
        'percent',
        solve((change) => targets(evaluate(vary(c, 1 + change / 100), {}, false)), LOWEST, HIGHEST),
      ),
    ),
    values(
      'Delay to the savings',
      'months',
      solve(
        (months) =>
          targets(
            evaluate(
              { ...c, optimismBias: { ...c.optimismBias, delayMonths: c.optimismBias.delayMonths + months } },
              {},
              false,
            ),
          ),
        0,
        12 * c.horizonYears,
        1,
      ),
    ),
  ];
}
