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
          kind: z.enum(Object.keys(ONE_OFF_KINDS) as [string, ...string[]]),
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

export interface PartnerYear {
  year: number;
  beforePence: number;
  afterPence: number;
  oneOffPence: number;
  /** Saving net of one-off costs: before − after − one-off. */
  netPence: number;
}

export interface PartnerResult {
  bodyCode: string;
  /** Steady state, a year at today's prices: what it pays now and its share of the running cost. */
  baselinePence: number;
  runningSharePence: number;
  savingPence: number;
  /** Share of the partners' total steady-state saving, 0 to 1 (negative when it loses). */
  shareOfSaving: number;
  oneOffSharePence: number;
  npvPence: number;
  years: PartnerYear[];
}

export interface CaseResult {
  years: { year: number; netPence: number; cumulativePence: number; discountedPence: number }[];
  npvPence: number;
  /** The first year the cumulative net saving is not negative; undefined if never within the horizon. */
  paybackYear?: number;
  steadySavingPence: number;
  oneOffPence: number;
  partners: PartnerResult[];
  worseOff: string[];
  /** Ways to leave no partner worse off, in words, when some partner is. */
  repairs: string[];
  summary: string;
}

const discount = (c: BusinessCaseInput, year: number) => (1 + c.discountPercent / 100) ** -(year - 1);
const inflate = (c: BusinessCaseInput, year: number) => (1 + c.inflationPercent / 100) ** (year - 1);
const phase = (c: BusinessCaseInput, year: number) =>
  (c.phasing[Math.min(year, c.phasing.length) - 1] as number) / 100;

/** Net one-off cost by year after funding, which pays the earliest costs first. */
function oneOffByYear(c: BusinessCaseInput): number[] {
  const gross = Array.from({ length: c.horizonYears }, (_, i) =>
    c.oneOffs.filter((o) => o.year === i + 1).reduce((sum, o) => sum + o.amountPence, 0),
  );
  let funding = c.fundingPence;
  return gross.map((g) => {
    const paid = Math.min(g, funding);
    funding -= paid;
    return g - paid;
  });
}

/** The whole case: cash flows per partner and in total, NPV, payback, the no-worse-off check. */
export function evaluate(c: BusinessCaseInput, names: Record<string, string> = {}): CaseResult {
  const running = apportion(c.runningPence, shares(c, c.running, 'running.method'));
  const oneOffShares = shares(c, c.oneOff, 'oneOff.method');
  const oneOffs = oneOffByYear(c);
  const oneOffSplit = oneOffs.map((o) => apportion(o, oneOffShares));
  const partners: PartnerResult[] = c.partners.map((p, k) => {
    const years = Array.from({ length: c.horizonYears }, (_, i) => {
      const year = i + 1;
      const before = Math.round(p.baselinePence * inflate(c, year));
      const after = Math.round(
        (p.baselinePence - phase(c, year) * (p.baselinePence - (running[k] as number))) * inflate(c, year),
      );
      const oneOff = oneOffSplit[i]?.[k] ?? 0;
      return {
        year,
        beforePence: before,
        afterPence: after,
        oneOffPence: oneOff,
        netPence: before - after - oneOff,
      };
    });
    return {
      bodyCode: p.bodyCode,
      baselinePence: p.baselinePence,
      runningSharePence: running[k] as number,
      savingPence: p.baselinePence - (running[k] as number),
      shareOfSaving: 0,
      oneOffSharePence: oneOffSplit.reduce((sum, y) => sum + (y[k] ?? 0), 0),
      npvPence: Math.round(years.reduce((sum, y) => sum + y.netPence * discount(c, y.year), 0)),
      years,
    };
  });
  const steadySaving = partners.reduce((sum, p) => sum + p.savingPence, 0);
  for (const p of partners) p.shareOfSaving = steadySaving ? p.savingPence / steadySaving : 0;

  let cumulative = 0;
  const years = Array.from({ length: c.horizonYears }, (_, i) => {
    const net = partners.reduce((sum, p) => sum + (p.years[i] as PartnerYear).netPence, 0);
    cumulative += net;
    return {
      year: i + 1,
      netPence: net,
      cumulativePence: cumulative,
      discountedPence: Math.round(net * discount(c, i + 1)),
    };
  });
  const npv = partners.reduce((sum, p) => sum + p.npvPence, 0);
  const paybackYear = years.find(
    (y) => y.cumulativePence >= 0 && years.slice(y.year).every((z) => z.cumulativePence >= 0),
  )?.year;
  const name = (code: string) => names[code] ?? code;
  const worseOff = partners.filter((p) => p.npvPence < 0).map((p) => p.bodyCode);
  return {
    years,
    npvPence: npv,
    ...(paybackYear ? { paybackYear } : {}),
    steadySavingPence: steadySaving,
    oneOffPence: oneOffs.reduce((a, b) => a + b, 0),
    partners,
    worseOff,
    repairs: worseOff.length ? repairs(c, partners, npv, name) : [],
    summary: summary(c, npv, steadySaving, paybackYear, worseOff.map(name)),
  };
}

/** Words for a finance director: what it costs, what it saves, when it pays back, who gains. */
function summary(
  c: BusinessCaseInput,
  npv: number,
  saving: number,
  payback: number | undefined,
  worse: string[],
): string {
  const pounds = (p: number) =>
    `£${(Math.abs(p) / 100).toLocaleString('en-GB', { maximumFractionDigits: 0 })}`;
  return [
    `Over ${c.horizonYears} years the shared service ${npv >= 0 ? 'saves' : 'costs'} the ${c.partners.length} partners ${pounds(npv)} in today’s money (net present value at ${c.discountPercent}%).`,
    saving >= 0
      ? `At full operation it saves ${pounds(saving)} a year at today’s prices.`
      : `At full operation it costs ${pounds(saving)} a year more than the partners spend now.`,
    payback ? `It pays back in year ${payback}.` : `It does not pay back within ${c.horizonYears} years.`,
    worse.length
      ? `${worse.join(' and ')} would be worse off as the costs are split.`
      : 'No partner is worse off.',
  ].join(' ');
}

/**
 * The smallest fixes that leave no partner worse off: an annual payment to each partner that loses,
 * from those that gain in proportion to their gains; or a split that would leave none worse off.
 */
function repairs(
  c: BusinessCaseInput,
  partners: PartnerResult[],
  npv: number,
  name: (code: string) => string,
): string[] {
  const pounds = (p: number) => `£${(p / 100).toLocaleString('en-GB', { maximumFractionDigits: 0 })}`;
  if (npv < 0) return ['The case as a whole loses money, so no split can leave every partner at least even.'];
  const annuity = Array.from({ length: c.horizonYears }, (_, i) => discount(c, i + 1)).reduce(
    (a, b) => a + b,
    0,
  );
  const losers = partners.filter((p) => p.npvPence < 0);
  const gainers = partners.filter((p) => p.npvPence > 0);
  const needed = losers.map((p) => Math.ceil(-p.npvPence / annuity));
  const total = needed.reduce((a, b) => a + b, 0);
  const from = apportion(
    total,
    gainers.map((p) => p.npvPence),
  );
  const words = [
    `An annual payment of ${losers.map((p, i) => `${pounds(needed[i] as number)} to ${name(p.bodyCode)}`).join(' and ')}, ` +
      `paid by ${gainers.map((p, i) => `${name(p.bodyCode)} (${pounds(from[i] as number)})`).join(', ')} in proportion to their gains, ` +
      `leaves every partner at least even over ${c.horizonYears} years.`,
  ];
  for (const method of ['baseline', 'mix'] as const) {
    const alternative: Apportionment =
      method === 'baseline' ? { method } : { method: 'mix', weights: { baseline: 50, equal: 50 } };
    try {
      const tried = evaluate({ ...c, running: alternative, oneOff: alternative });
      if (!tried.worseOff.length) {
        words.push(
          `Or split both running and one-off costs ${method === 'baseline' ? 'by baseline cost' : 'half by baseline cost, half equally'}: then no partner is worse off.`,
        );
        break;
      }
    } catch {
      // A split that cannot be made is not offered.
    }
  }
  return words;
}

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
  const scale = (x: number, by: number) => Math.round(x * by);
  const variants: [string, (by: number) => BusinessCaseInput][] = [
    ['Running cost', (by) => ({ ...c, runningPence: scale(c.runningPence, by) })],
    [
      'Baseline costs',
      (by) => ({
        ...c,
        partners: c.partners.map((p) => ({ ...p, baselinePence: scale(p.baselinePence, by) })),
      }),
    ],
    [
      'One-off costs',
      (by) => ({ ...c, oneOffs: c.oneOffs.map((o) => ({ ...o, amountPence: scale(o.amountPence, by) })) }),
    ],
    ['Discount rate', (by) => ({ ...c, discountPercent: c.discountPercent * by })],
    ['Inflation', (by) => ({ ...c, inflationPercent: c.inflationPercent * by })],
  ];
  return variants
    .map(([input, vary]) => {
      const [low, high] = [evaluate(vary(1 - f)), evaluate(vary(1 + f))];
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
