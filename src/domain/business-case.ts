/**
 * A shared service's business case and who pays what. All money is whole pence; every split uses
 * largest-remainder rounding, so the parts always add up to the whole.
 *
 * Conventions (stated on every page that shows the figures):
 * - Years run 1..horizon; year 1 is the first year of the shared service and is not discounted
 *   (the Green Book's year 0); year y is discounted by (1 + rate)^-(y - 1).
 * - Costs rise with inflation from year 1: year y's costs are multiplied by (1 + inflation)^(y - 1).
 * - Savings phase in: in year y a partner saves phasing[y] of the difference between its baseline
 *   cost and its share of the running cost (the last phasing figure holds for later years).
 * - One-off costs fall in the year given, less any funding, which pays the earliest ones first.
 */
import { z } from 'zod';
import { InputError } from './errors.js';

export const APPORTIONMENT_METHODS = {
  equal: 'Equal shares',
  population: 'By population',
  baseline: 'By baseline cost',
  driver: 'By activity (the driver)',
  fixed: 'Fixed percentages',
  mix: 'A weighted mix',
} as const;
export type ApportionmentMethod = keyof typeof APPORTIONMENT_METHODS;
const MIXABLE = ['equal', 'population', 'baseline', 'driver'] as const;

export const ONE_OFF_KINDS = {
  redundancy: 'Redundancy',
  it: 'IT',
  project: 'Project team',
  property: 'Property',
  other: 'Other',
} as const;

const pence = (what: string) =>
  z
    .number({ message: `Give ${what} in pence, as a whole number` })
    .int({ message: `Give ${what} in whole pence` })
    .min(0, { message: `${what[0]?.toUpperCase()}${what.slice(1)} cannot be negative` })
    .max(1e15, { message: `${what[0]?.toUpperCase()}${what.slice(1)} is too large` });
const percent = z.number().min(0, { message: 'A percentage cannot be negative' }).max(100, {
  message: 'A percentage is at most 100',
});

const apportionment = z
  .object({
    method: z.enum(Object.keys(APPORTIONMENT_METHODS) as [ApportionmentMethod, ...ApportionmentMethod[]], {
      message: 'Choose how to split the cost',
    }),
    /** fixed: each partner's percentage, in partner order. */
    percentages: z.array(percent).optional(),
    /** mix: percentage weight of each method. */
    weights: z.partialRecord(z.enum(MIXABLE), percent).optional(),
  })
  .superRefine((a, ctx) => {
    const sum = (values: number[]) => values.reduce((x, y) => x + y, 0);
    if (a.method === 'fixed' && (!a.percentages || Math.abs(sum(a.percentages) - 100) > 0.001))
      ctx.addIssue({ code: 'custom', path: ['percentages'], message: 'The percentages must add up to 100' });
    if (a.method === 'mix' && (!a.weights || Math.abs(sum(Object.values(a.weights)) - 100) > 0.001))
      ctx.addIssue({ code: 'custom', path: ['weights'], message: 'The weights must add up to 100' });
  });
export type Apportionment = z.infer<typeof apportionment>;

export const businessCaseInput = z
  .object({
    name: z.string().trim().min(3, { message: 'Enter the business case’s name' }).max(200),
    partnership: z.string().trim().min(1, { message: 'Choose the partnership' }),
    projectId: z.number().int().positive().optional(),
    partners: z
      .array(
        z.object({
          bodyCode: z.string().trim().toUpperCase().min(1, { message: 'Choose the partner' }),
          /** What the partner spends on the service now, a year. */
          baselinePence: pence('the baseline cost'),
          /** Activity: cases, transactions, staff. */
          driver: z.number().min(0, { message: 'The activity driver cannot be negative' }).optional(),
          /** Residents; taken from the body when not given. */
          population: z.number().int().min(0, { message: 'Population cannot be negative' }).optional(),
        }),
      )
      .min(2, { message: 'A shared service needs at least two partners' })
      .max(100),
    /** The shared service's running cost a year, at full operation. */
    runningPence: pence('the running cost'),
    oneOffs: z
      .array(
        z.object({
          year: z.number().int().min(1, { message: 'Years start at 1' }),
          kind: z.enum(Object.keys(ONE_OFF_KINDS) as [string, ...string[]], {
            message: 'Choose what the one-off cost is for',
          }),
          amountPence: pence('the one-off cost'),
        }),
      )
      .default([]),
    /** Share of the full saving reached each year, in percent; the last holds for later years. */
    phasing: z.array(percent).min(1).max(15).default([50, 100]),
    inflationPercent: z.number().min(-5).max(25).default(2),
    horizonYears: z
      .number()
      .int({ message: 'Give the horizon in whole years' })
      .min(3, { message: 'The horizon is 3 to 15 years' })
      .max(15, { message: 'The horizon is 3 to 15 years' })
      .default(10),
    /** HM Treasury's Green Book rate, real. */
    discountPercent: z.number().min(0).max(20).default(3.5),
    /** Funding awards that pay one-off costs. */
    fundingPence: pence('the funding').default(0),
    running: apportionment.default({ method: 'baseline' }),
    oneOff: apportionment.default({ method: 'equal' }),
  })
  .superRefine((c, ctx) => {
    for (const [i, o] of c.oneOffs.entries())
      if (o.year > c.horizonYears)
        ctx.addIssue({
          code: 'custom',
          path: ['oneOffs', i, 'year'],
          message: 'The year is after the horizon',
        });
    const codes = c.partners.map((p) => p.bodyCode);
    codes.forEach((code, i) => {
      if (codes.indexOf(code) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['partners', i, 'bodyCode'],
          message: `${code} is a partner twice`,
        });
    });
    for (const which of ['running', 'oneOff'] as const) {
      if (c[which].method === 'fixed' && c[which].percentages?.length !== c.partners.length)
        ctx.addIssue({
          code: 'custom',
          path: [which, 'percentages'],
          message: 'Give a percentage for every partner',
        });
    }
  });
export type BusinessCaseInput = z.output<typeof businessCaseInput>;

/**
 * Splits a whole number of pence in proportion to the weights, to the penny: each part gets its
 * rounded-down share, then the pennies left go to the largest remainders (ties to the earlier part).
 */
export function apportion(totalPence: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!weights.length) return [];
  if (sum <= 0) throw new Error('Nothing to split by: every weight is zero');
  const sign = totalPence < 0 ? -1 : 1;
  const total = Math.abs(totalPence);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts.map((p) => p * sign);
}

/** Each partner's share (fractions adding to 1) under a method, or a problem naming the field. */
export function shares(c: BusinessCaseInput, a: Apportionment, field: string): number[] {
  const basis = (method: (typeof MIXABLE)[number]): number[] => {
    const values = c.partners.map((p) =>
      method === 'equal'
        ? 1
        : method === 'baseline'
          ? p.baselinePence
          : method === 'driver'
            ? (p.driver ?? NaN)
            : (p.population ?? NaN),
    );
    values.forEach((v, i) => {
      if (!Number.isFinite(v))
        throw new InputError('The split cannot be made', [
          {
            field: `partners.${i}.${method}`,
            message: `Give every partner’s ${method} to split ${APPORTIONMENT_METHODS[method].toLowerCase()}`,
          },
        ]);
    });
    const sum = values.reduce((x, y) => x + y, 0);
    if (sum <= 0)
      throw new InputError('The split cannot be made', [
        {
          field,
          message: `Every partner’s ${method} is zero, so there is nothing to split ${APPORTIONMENT_METHODS[method].toLowerCase()}`,
        },
      ]);
    return values.map((v) => v / sum);
  };
  if (a.method === 'fixed') return (a.percentages as number[]).map((p) => p / 100);
  if (a.method === 'mix') {
    const weights = Object.entries(a.weights ?? {}).filter(([, w]) => (w as number) > 0) as [
      (typeof MIXABLE)[number],
      number,
    ][];
    const mixed = c.partners.map(() => 0);
    for (const [method, weight] of weights)
      basis(method).forEach((s, i) => (mixed[i] = (mixed[i] as number) + (s * weight) / 100));
    return mixed;
  }
  return basis(a.method);
}
