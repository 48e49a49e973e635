/**
 * The annual true-up: partners pay on account through the year by the agreed split of the running
 * cost the business case planned for the year (phased in, with its optimism bias); at the year's end the year's actual drivers (activity, population) re-run the same
 * split over the actual cost, and each partner pays or is repaid the difference. Both sides are
 * apportioned to the penny (rounding.ts), so the balances add up to the actual cost less the planned.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { type BusinessCaseInput, driverIn, isIn } from './input.js';
import { apportion } from './rounding.js';
import { plannedRunningCost } from './evaluate.js';
import { sharing } from './sharing.js';

export const trueUpInput = z.object({
  year: z
    .number({ message: 'Give the year as a number' })
    .int()
    .min(1, { message: 'Year 1 is the first year of the service' }),
  /** The year's actual running cost in pence; blank: as planned. */
  runningPence: z
    .number()
    .int({ message: 'Give the running cost in whole pence' })
    .min(0)
    .max(1e15)
    .optional(),
  partners: z
    .array(
      z.object({
        bodyCode: z.string().trim().toUpperCase().min(1),
        driver: z.number().min(0, { message: 'The activity driver cannot be negative' }).optional(),
        population: z.number().int().min(0, { message: 'Population cannot be negative' }).optional(),
      }),
    )
    .default([]),
});
export type TrueUpInput = z.output<typeof trueUpInput>;

export interface TrueUpRow {
  bodyCode: string;
  plannedShare: number;
  actualShare: number;
  /** Paid on account: the planned share of the running cost the case planned for the year. */
  paidPence: number;
  /** Due: the actual share of the actual running cost. */
  duePence: number;
  /** Due less paid: it pays this when positive, is repaid when negative. */
  balancePence: number;
  words: string;
}

export interface TrueUp {
  year: number;
  plannedPence: number;
  actualPence: number;
  rows: TrueUpRow[];
}

/** A partner's drivers with the year's actual figure in place of the planned one. */
function withActual(c: BusinessCaseInput, t: TrueUpInput): BusinessCaseInput {
  return {
    ...c,
    partners: c.partners.map((p) => {
      const actual = t.partners.find((a) => a.bodyCode === p.bodyCode);
      if (!actual) return p;
      const years = Math.max(t.year, p.drivers?.length ?? 0);
      const drivers =
        actual.driver === undefined
          ? p.drivers
          : Array.from({ length: years }, (_, k) =>
              k + 1 === t.year ? (actual.driver as number) : (driverIn(p, k + 1) ?? 0),
            );
      return {
        ...p,
        ...(drivers ? { drivers } : {}),
        ...(actual.population !== undefined ? { population: actual.population } : {}),
      };
    }),
  };
}

export function trueUp(c: BusinessCaseInput, t: TrueUpInput, pounds: (pence: number) => string): TrueUp {
  if (t.year > c.horizonYears)
    throw new InputError('The year is after the business case’s horizon', [
      { field: 'year', message: `The case runs to year ${c.horizonYears}` },
    ]);
  t.partners.forEach((a, i) => {
    if (!c.partners.some((p) => p.bodyCode === a.bodyCode))
      throw new InputError('The true-up names a body that is not a partner', [
        { field: `partners.${i}.bodyCode`, message: `${a.bodyCode} is not a partner in this case` },
      ]);
  });
  const plannedPence = Math.round(plannedRunningCost(c, t.year));
  const actualPence = t.runningPence ?? plannedPence;
  const split = { costUplift: 1 + c.optimismBias.costPercent / 100, checkStability: false };
  const planned = sharing(c, 'running', split).shares(t.year);
  const actual = sharing(withActual(c, t), 'running', split).shares(t.year);
  const inService = c.partners.flatMap((p, i) => (isIn(p, t.year) ? [i] : []));
  const paid = apportion(
    plannedPence,
    inService.map((i) => planned[i] as number),
  );
  const due = apportion(
    actualPence,
    inService.map((i) => actual[i] as number),
  );
  return {
    year: t.year,
    plannedPence,
    actualPence,
    rows: inService.map((i, k) => {
      const bodyCode = (c.partners[i] as { bodyCode: string }).bodyCode;
      const balancePence = (due[k] as number) - (paid[k] as number);
      return {
        bodyCode,
        plannedShare: planned[i] as number,
        actualShare: actual[i] as number,
        paidPence: paid[k] as number,
        duePence: due[k] as number,
        balancePence,
        words:
          balancePence > 0
            ? `${bodyCode} pays a further ${pounds(balancePence)}`
            : balancePence < 0
              ? `${bodyCode} is repaid ${pounds(-balancePence)}`
              : `${bodyCode} has paid its share exactly`,
      };
    }),
  };
}
