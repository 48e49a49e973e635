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
      const [low, high] = [evaluate(vary(1 - f), {}, true), evaluate(vary(1 + f), {}, true)];
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
  /** The case's NPV is zero at this change; `losesNow` when it is below zero as entered. */
  case: number | null;
  losesNow: boolean;
  /** Each partner's NPV is zero at this change: beyond it the partner is worse off (or, if it is now, no longer). */
  partners: { bodyCode: string; at: number | null; worseOffNow: boolean }[];
}

/**
 * Changes tried first, shared by every NPV (the case's and each partner's): an input may fall almost
 * to nothing (a split by it needs some) or rise tenfold; a delay may run to the end of the horizon.
 */
const PERCENT_GRID = [-99, -75, -50, -25, -10, 0, 10, 25, 50, 100, 200, 500, 1_000];
const monthsGrid = (horizonYears: number) =>
  [0, 1, 3, 6, 12, 24, 36, 60, 120, 240, 480, 720]
    .filter((m) => m < 12 * horizonYears)
    .concat(12 * horizonYears);

/**
 * For each NPV given by `npvs` (all at once for a change), the change nearest to none at which it
 * reaches zero: a grid finds where the sign turns, then false position (whole months: halving)
 * narrows it to a tenth of a percent. Reaching zero only at the grid's far end (a delay so long that
 * nothing is saved or spent) is not a switch.
 */
function switchingPoints(
  npvs: (change: number) => number[],
  grid: number[],
  wholeSteps: boolean,
): (number | null)[] {
  const cache = new Map<number, number[]>();
  const at = (x: number) => {
    const hit = cache.get(x) ?? npvs(x);
    cache.set(x, hit);
    return hit;
  };
  return at(0).map((start, k) => {
    if (start === 0) return 0;
    const value = (x: number) => at(x)[k] as number;
    const turned = (x: number) => {
      const v = value(x);
      return Math.sign(v) === -Math.sign(start) || (v === 0 && x !== grid[0] && x !== grid[grid.length - 1]);
    };
    const found = [grid.filter((x) => x > 0), grid.filter((x) => x < 0).reverse()].flatMap((side) => {
      const end = side.findIndex(turned);
      if (end < 0) return [];
      let [a, b] = [end ? (side[end - 1] as number) : 0, side[end] as number];
      if (wholeSteps) {
        while (Math.abs(b - a) > 1) {
          const mid = Math.round((a + b) / 2);
          if (turned(mid)) b = mid;
          else a = mid;
        }
        return [b];
      }
      let [fa, fb] = [value(a), value(b)];
      for (let i = 0; i < 40 && Math.abs(b - a) > 0.01; i++) {
        const x = fb === fa ? (a + b) / 2 : b - (fb * (b - a)) / (fb - fa);
        const fx = value(x);
        if (Math.abs(fx) < 1) return [Math.round(x * 10) / 10];
        if (turned(x)) [b, fb, fa] = [x, fx, fa / 2];
        else [a, fa, fb] = [x, fx, fb / 2];
      }
      return [Math.round(b * 10) / 10];
    });
    return found.sort((x, y) => Math.abs(x) - Math.abs(y))[0] ?? null;
  });
}

/** Switching values for the running cost, baseline costs, one-off costs and a delay to the savings. */
export function switchingValues(
  c: BusinessCaseInput,
  now: CaseResult = evaluate(c, {}, true),
): SwitchingValue[] {
  const npvsOf = (r: CaseResult) => [r.npvPence, ...r.partners.map((p) => p.npvPence)];
  const values = (input: string, unit: SwitchingValue['unit'], at: (number | null)[]): SwitchingValue => ({
    input,
    unit,
    case: at[0] ?? null,
    losesNow: now.npvPence < 0,
    partners: c.partners.map((p, i) => ({
      bodyCode: p.bodyCode,
      at: at[i + 1] ?? null,
      worseOffNow: (now.partners[i]?.npvPence ?? 0) < 0,
    })),
  });
  return [
    ...SCALED.map(([input, vary]) =>
      values(
        input,
        'percent',
        switchingPoints(
          (change) => npvsOf(evaluate(vary(c, 1 + change / 100), {}, true)),
          PERCENT_GRID,
          false,
        ),
      ),
    ),
    values(
      'Delay to the savings',
      'months',
      switchingPoints(
        (months) =>
          npvsOf(
            evaluate(
              { ...c, optimismBias: { ...c.optimismBias, delayMonths: c.optimismBias.delayMonths + months } },
              {},
              true,
            ),
          ),
        monthsGrid(c.horizonYears),
        true,
      ),
    ),
  ];
}
