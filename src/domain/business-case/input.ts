/**
 * A shared service's business case as the partners state it. Every amount is whole pence a year in
 * real terms (today's prices); the conventions of evaluation are in evaluate.ts and green-book.ts.
 */
import { z } from 'zod';
import { GREEN_BOOK_LONG_TERM_RATE_PERCENT, GREEN_BOOK_RATE_PERCENT } from './green-book.js';

export const APPORTIONMENT_METHODS = {
  equal: 'Equal shares',
  population: 'By population',
  baseline: 'By baseline cost',
  driver: 'By activity (the driver)',
  fixed: 'Fixed percentages',
  mix: 'A weighted mix',
  components: 'By component: a core one way, the rest another',
  shapley: 'Shapley value (what each partner adds to the cost, on average)',
  scrb: 'Separable costs, remaining benefits',
} as const;
export type ApportionmentMethod = keyof typeof APPORTIONMENT_METHODS;
export const MIXABLE = ['equal', 'population', 'baseline', 'driver'] as const;
/** Ways a component of a cost can be split. */
export const COMPONENT_METHODS = [...MIXABLE, 'fixed'] as const;
/** Splits that model each group of partners' own cost, and so cannot be used for one-off costs. */
export const GAME_METHODS = ['shapley', 'scrb'] as const;
/** Each group of partners' own cost is worked out, 2^n of them: beyond this the page would wait. */
export const MOST_PARTNERS_FOR_GAME = 10;

export const ONE_OFF_KINDS = {
  redundancy: 'Redundancy',
  'pension-strain': 'Pension strain (early retirement on redundancy)',
  exit: 'Exit costs (leaving contracts, buildings, systems)',
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
/** A number, refused in words that name it: "Give the horizon as a number". */
const num = (what: string) => z.number({ message: `Give ${what} as a number` });
const whole = (what: string) => num(what).int({ message: `Give ${what} as a whole number` });
/** A number between two bounds, refused outside them with the same words either side. */
const within = (n: z.ZodNumber, low: number, high: number, message: string) =>
  n.min(low, { message }).max(high, { message });
const percent = num('the percentage').min(0, { message: 'A percentage cannot be negative' }).max(100, {
  message: 'A percentage is at most 100',
});
const sum = (values: number[]) => values.reduce((x, y) => x + y, 0);

const simpleSplit = {
  /** fixed: each partner's percentage, in partner order. */
  percentages: z.array(percent).optional(),
  /** mix: percentage weight of each method. */
  weights: z.partialRecord(z.enum(MIXABLE), percent).optional(),
};
const checkSplit = (
  a: { method: string; percentages?: number[]; weights?: object },
  ctx: z.RefinementCtx,
) => {
  if (a.method === 'fixed' && (!a.percentages || Math.abs(sum(a.percentages) - 100) > 0.001))
    ctx.addIssue({ code: 'custom', path: ['percentages'], message: 'The percentages must add up to 100' });
  if (a.method === 'mix' && (!a.weights || Math.abs(sum(Object.values(a.weights)) - 100) > 0.001))
    ctx.addIssue({ code: 'custom', path: ['weights'], message: 'The weights must add up to 100' });
};

const component = z
  .object({
    /** This component's part of the cost, in percent. */
    percent,
    method: z.enum(COMPONENT_METHODS, { message: 'Choose how to split this part of the cost' }),
    ...simpleSplit,
  })
  .superRefine(checkSplit);

const apportionment = z
  .object({
    method: z.enum(Object.keys(APPORTIONMENT_METHODS) as [ApportionmentMethod, ...ApportionmentMethod[]], {
      message: 'Choose how to split the cost',
    }),
    ...simpleSplit,
    /** components: each part of the cost with its own split; the parts add up to 100%. */
    parts: z.array(component).min(2).max(4).optional(),
    /** Drivers used for shares: this year's (1) or the average of the last three years' (3). */
    driverAverageYears: z.union([z.literal(1), z.literal(3)]).default(1),
    /** Shares move only when a partner's driver moves by more than this percentage. */
    tolerancePercent: percent.default(0),
  })
  .superRefine((a, ctx) => {
    checkSplit(a, ctx);
    if (a.method === 'components' && (!a.parts || Math.abs(sum(a.parts.map((p) => p.percent)) - 100) > 0.001))
      ctx.addIssue({ code: 'custom', path: ['parts'], message: 'The parts of the cost must add up to 100%' });
  });
export type Apportionment = z.output<typeof apportionment>;
export type Split = Pick<Apportionment, 'method' | 'percentages' | 'weights'>;

const year = whole('the year');

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
          /** Activity: cases, transactions, households, staff. */
          driver: num('the activity')
            .min(0, { message: 'The activity driver cannot be negative' })
            .optional(),
          /** Activity by year from year 1, where it changes; the last figure holds for later years. */
          drivers: z
            .array(num('each year’s activity').min(0, { message: 'The activity driver cannot be negative' }))
            .min(1)
            .max(60)
            .optional(),
          /** Residents; taken from the body when not given. */
          population: whole('the population').min(0, { message: 'Population cannot be negative' }).optional(),
          /** The first year the partner is in the shared service (1: from the start). */
          fromYear: year.min(1, { message: 'A partner joins in year 1 or later' }).default(1),
          /** The last year the partner is in; it leaves after it. Blank: to the end of the horizon. */
          untilYear: year.min(1, { message: 'A partner stays for at least year 1' }).optional(),
        }),
      )
      .min(2, { message: 'A shared service needs at least two partners' })
      .max(100),
    /** The shared service's running cost a year at full operation, with the partners of year 1. */
    runningPence: pence('the running cost'),
    /** Of the running cost, this much per unit of activity: the rest is the fixed part. */
    runningPerUnitPence: num('the cost per unit')
      .min(0, { message: 'The cost per unit cannot be negative' })
      .default(0),
    oneOffs: z
      .array(
        z.object({
          /** 0 is before the service starts (now); 1 is its first year. */
          year: year.min(0, { message: 'Years start at 0, before the service starts' }),
          kind: z.enum(Object.keys(ONE_OFF_KINDS) as [string, ...string[]], {
            message: 'Choose what the one-off cost is for',
          }),
          amountPence: pence('the one-off cost'),
          /** A partner's own cost (joining, leaving, its own staff); blank: shared. */
          bodyCode: z.string().trim().toUpperCase().min(1).optional(),
        }),
      )
      .default([]),
    /** Months from a partner's go-live when its old costs continue in full. */
    doubleRunningMonths: whole('double running in months')
      .min(0, { message: 'Double running cannot be negative' })
      .max(36, { message: 'Double running is at most 36 months' })
      .default(0),
    /** Share of the full saving reached each year, in percent; the last holds for later years. */
    phasing: z.array(percent).min(1).max(15).default([50, 100]),
    optimismBias: z
      .object({
        /** Uplift on the new service's costs, one-off and running, in percent. */
        costPercent: num('the uplift')
          .min(0, { message: 'An uplift cannot be negative' })
          .max(200, { message: 'An uplift is at most 200%' })
          .default(0),
        /** Months the savings start later than planned. */
        delayMonths: whole('the delay in months')
          .min(0, { message: 'A delay cannot be negative' })
          .max(60, { message: 'A delay is at most 60 months' })
          .default(0),
      })
      .default({ costPercent: 0, delayMonths: 0 }),
    /** Real change a year in the price of the service's costs (pay rising faster than prices). */
    realPriceChangePercent: within(
      num('the real price change'),
      -5,
      10,
      'A real price change is −5% to 10% a year',
    ).default(0),
    /** General inflation, for the cash view only: it does not change the real-terms NPV. */
    inflationPercent: within(num('inflation'), -5, 25, 'Inflation is −5% to 25% a year').default(2),
    horizonYears: within(
      z
        .number({ message: 'Give the horizon as a number of years' })
        .int({ message: 'Give the horizon in whole years' }),
      3,
      60,
      'The horizon is 3 to 60 years',
    ).default(10),
    /** HM Treasury's Green Book rate, real: years 0 to 30, then the long-term rate. */
    discountPercent: within(num('the discount rate'), 0, 20, 'A discount rate is 0% to 20%').default(
      GREEN_BOOK_RATE_PERCENT,
    ),
    longTermDiscountPercent: within(
      num('the long-term discount rate'),
      0,
      20,
      'A discount rate is 0% to 20%',
    ).default(GREEN_BOOK_LONG_TERM_RATE_PERCENT),
    /** Funding awards that pay shared one-off costs. */
    fundingPence: pence('the funding').default(0),
    running: apportionment.default({ method: 'baseline', driverAverageYears: 1, tolerancePercent: 0 }),
    oneOff: apportionment.default({ method: 'equal', driverAverageYears: 1, tolerancePercent: 0 }),
  })
  .superRefine((c, ctx) => {
    const problem = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const codes = c.partners.map((p) => p.bodyCode);
    for (const [i, o] of c.oneOffs.entries()) {
      if (o.year > c.horizonYears) problem(['oneOffs', i, 'year'], 'The year is after the horizon');
      if (o.bodyCode !== undefined && !codes.includes(o.bodyCode))
        problem(['oneOffs', i, 'bodyCode'], `${o.bodyCode} is not a partner in this case`);
    }
    codes.forEach((code, i) => {
      if (codes.indexOf(code) !== i) problem(['partners', i, 'bodyCode'], `${code} is a partner twice`);
    });
    c.partners.forEach((p, i) => {
      if (p.fromYear > 1 && p.fromYear > c.horizonYears)
        problem(['partners', i, 'fromYear'], 'The partner joins after the horizon');
      if (p.untilYear !== undefined && p.untilYear < p.fromYear)
        problem(['partners', i, 'untilYear'], 'The partner leaves before it joins');
    });
    for (let y = 1; c.partners.length >= 2 && y <= c.horizonYears; y++) {
      if (c.partners.filter((p) => isIn(p, y)).length >= 2) continue;
      // Named against a partner that is out that year: its joining or its leaving year.
      const out = c.partners.findIndex((p) => !isIn(p, y));
      const field = (c.partners[out]?.fromYear ?? 1) > y ? 'fromYear' : 'untilYear';
      problem(['partners', out, field], `In year ${y} fewer than two partners are in the shared service`);
      break;
    }
    if (c.runningPerUnitPence > 0) {
      const founders = c.partners.filter((p) => p.fromYear === 1);
      c.partners.forEach((p, i) => {
        if (driverIn(p, 1) === undefined)
          problem(
            ['partners', i, 'driver'],
            'Give every partner’s activity: the running cost has a cost per unit of it',
          );
      });
      const variable = c.runningPerUnitPence * founders.reduce((s, p) => s + (driverIn(p, 1) ?? 0), 0);
      if (variable > c.runningPence)
        problem(
          ['runningPerUnitPence'],
          'The cost per unit times year 1’s activity is more than the running cost',
        );
    }
    for (const which of ['running', 'oneOff'] as const) {
      const a = c[which];
      const splits: [Split, (string | number)[]][] =
        a.method === 'components'
          ? (a.parts ?? []).map((part, k) => [part, [which, 'parts', k, 'percentages']])
          : [[a, [which, 'percentages']]];
      for (const [split, path] of splits)
        if (split.method === 'fixed' && split.percentages?.length !== c.partners.length)
          problem(path, 'Give a percentage for every partner');
      if ((GAME_METHODS as readonly string[]).includes(a.method)) {
        if (which === 'oneOff')
          problem(
            [which, 'method'],
            'The Shapley value and SCRB split the running cost; choose another way for one-off costs',
          );
        else if (c.partners.length > MOST_PARTNERS_FOR_GAME)
          problem(
            [which, 'method'],
            `The Shapley value and SCRB are worked out for up to ${MOST_PARTNERS_FOR_GAME} partners`,
          );
      }
    }
  });
export type BusinessCaseInput = z.output<typeof businessCaseInput>;
export type Partner = BusinessCaseInput['partners'][number];

/** A partner's activity in a year: its figure for the year, the last one given, or its single figure. */
export const driverIn = (p: Pick<Partner, 'driver' | 'drivers'>, year: number): number | undefined =>
  p.drivers?.[Math.min(Math.max(year, 1), p.drivers.length) - 1] ?? p.driver;

/** Whether the partner is in the shared service in a year (year 0: those there from the start). */
export const isIn = (p: Pick<Partner, 'fromYear' | 'untilYear'>, year: number) =>
  p.fromYear <= Math.max(year, 1) && (p.untilYear ?? Infinity) >= Math.max(year, 1);
/** A case as sent, before defaults are filled in. */
export type BusinessCaseFields = z.input<typeof businessCaseInput>;
