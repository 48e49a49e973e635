/**
 * Benefits realisation: what a live shared service or joint contract promised each partner, what
 * the partners record as delivered, and what their published spend shows.
 *
 * Evidence from spend, per partner and year (year 1 is the twelve months from go-live):
 * - the spend measured is the partner's addressable spend with the plan's suppliers or in its
 *   categories (a payment matching both counts once);
 * - each period's spend is annualised over the months the partner has published any spend for
 *   (a quarter's file counts three months, not twelve), rounded once to the penny;
 * - with a price index, each month's spend is first restated in one year's prices (pricesIn);
 * - the change seen is the baseline's annual spend less the year's: a fall is a saving.
 * Spend never verifies a saving: a person records it as verified, with this evidence beside them.
 */
import { z } from 'zod';
import { bodyCode } from './bodies.js';
import { CATEGORIES } from './categories.js';
import { oneOf } from './codes.js';
import type { CaseResult } from './business-case/evaluate.js';
import type { Prices } from './price-index.js';

export const MEASURE_KINDS = { supplier: 'Supplier', category: 'Category' } as const;
export type MeasureKind = keyof typeof MEASURE_KINDS;

export const REALISED_STATUSES = { claimed: 'Claimed', verified: 'Verified' } as const;
export type RealisedStatus = keyof typeof REALISED_STATUSES;

export const EVIDENCE_STATUSES = {
  evidenced: 'Evidenced',
  'not-yet-visible': 'Not yet visible',
  contradicted: 'Contradicted',
  'no-data': 'No data',
} as const;
export type EvidenceStatus = keyof typeof EVIDENCE_STATUSES;

/** A fall in spend of at least this share of the year's planned saving evidences it. */
export const EVIDENCE_SHARE = 0.5;

const month = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Enter a month as yyyy-mm, for example 2024-04' })
  .refine((m) => m >= '1990-01' && m <= '2100-12', { message: 'Enter a month from 1990 to 2100' });
const text = (max: number) => z.string().trim().max(max);
const signedPence = z
  .number({ message: 'Give the amount in pence, as a whole number' })
  .int({ message: 'Give the amount in whole pence' })
  .min(-1e15)
  .max(1e15, { message: 'The amount is too large' });

export const measureInput = z
  .object({
    kind: oneOf(MEASURE_KINDS, 'Choose a supplier or a category'),
    /** A supplier's number or a category's code. */
    value: text(20).min(1, { message: 'Choose the supplier or category' }),
  })
  .superRefine((m, ctx) => {
    if (m.kind === 'category' && !(m.value in CATEGORIES))
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${m.value} is not a category code` });
    if (m.kind === 'supplier' && !/^[1-9]\d{0,8}$/.test(m.value))
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'A supplier’s number is a whole number, like 123',
      });
  });
export type Measure = z.output<typeof measureInput>;

export const benefitsPlanInput = z
  .object({
    name: text(200).min(3, { message: 'Enter the plan’s name' }),
    projectId: z.number().int().positive().optional(),
    businessCaseId: z.number().int().positive().optional(),
    /** The first month of the service: year 1 is the twelve months from it. */
    goLive: month,
    baselineFrom: month,
    baselineTo: month,
    measures: z
      .array(measureInput)
      .min(1, { message: 'Name at least one supplier or category the saving should be seen in' })
      .max(20),
    partners: z
      .array(
        z.object({
          bodyCode,
          /** The expected saving by year from year 1, in pence; the plan's years are as many as these. */
          plannedPence: z
            .array(signedPence)
            .min(1, { message: 'Give the planned saving for year 1 at least' })
            .max(60, { message: 'A plan runs for at most 60 years' }),
        }),
      )
      .min(1, { message: 'Give at least one partner’s planned saving' })
      .max(100),
    /** Seen only by the partnership's members. */
    confidential: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.baselineTo < p.baselineFrom)
      ctx.addIssue({ code: 'custom', path: ['baselineTo'], message: 'The baseline ends before it starts' });
    if (p.baselineTo >= p.goLive)
      ctx.addIssue({ code: 'custom', path: ['baselineTo'], message: 'The baseline must end before go-live' });
    const seen = new Set<string>();
    p.partners.forEach((partner, i) => {
      if (seen.has(partner.bodyCode))
        ctx.addIssue({
          code: 'custom',
          path: ['partners', i, 'bodyCode'],
          message: `${partner.bodyCode} is listed twice`,
        });
      seen.add(partner.bodyCode);
    });
  });
export type BenefitsPlanInput = z.output<typeof benefitsPlanInput>;

export const realisedSavingInput = z
  .object({
    bodyCode,
    year: z
      .number({ message: 'Give the plan year as a number' })
      .int()
      .min(1, { message: 'Year 1 is the first year from go-live' })
      .max(60),
    amountPence: signedPence,
    status: oneOf(REALISED_STATUSES, 'Choose claimed or verified').default('claimed'),
    evidence: text(2000).default(''),
    /** The finance lead who confirmed it: a name or post. */
    confirmedBy: text(200).default(''),
    /** The news item whose savings figure this is, where one is. */
    newsItemId: z
      .number({ message: 'Choose the news item from the list' })
      .int({ message: 'Choose the news item from the list' })
      .positive({ message: 'Choose the news item from the list' })
      .optional(),
  })
  .superRefine((r, ctx) => {
    if (r.status !== 'verified') return;
    if (!r.confirmedBy)
      ctx.addIssue({
        code: 'custom',
        path: ['confirmedBy'],
        message: 'A verified saving needs who confirmed it',
      });
    if (!r.evidence)
      ctx.addIssue({
        code: 'custom',
        path: ['evidence'],
        message: 'A verified saving needs the evidence it rests on',
      });
  });
export type RealisedSavingInput = z.output<typeof realisedSavingInput>;
export type RealisedSaving = RealisedSavingInput & { recordedBy: string; recordedAt: string };

/** yyyy-mm plus n months. */
export function addMonths(yyyyMm: string, n: number): string {
  const total = Number(yyyyMm.slice(0, 4)) * 12 + Number(yyyyMm.slice(5, 7)) - 1 + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/**
 * The plan a business case gives at go-live: each partner's saving by year, net of its share of the
 * new service's running cost and of double running. One-off costs are an investment, not a fall in
 * spend on what the service replaced, so they are left out.
 */
export function plannedFromCase(result: Pick<CaseResult, 'partners'>): BenefitsPlanInput['partners'] {
  return result.partners.map((p) => ({
    bodyCode: p.bodyCode,
    plannedPence: p.years
      .filter((y) => y.year >= 1)
      .map((y) => y.beforePence - y.afterPence - y.doubleRunningPence),
  }));
}

/** A partner's spend in what the plan measures, one month (yyyy-mm). */
export interface MonthSpend {
  bodyCode: string;
  month: string;
  amountPence: number;
}

export interface PeriodSpend {
  from: string;
  to: string;
  /** Months in the period the partner published any spend for. */
  monthsHeld: number;
  /** As paid. */
  spendPence: number;
  /** Annualised over the months held. */
  annualPence?: number;
  /** Annualised, in the plan's year of prices; absent without an index. */
  realAnnualPence?: number;
}

export interface EvidenceYear {
  year: number;
  spend: PeriodSpend;
  plannedPence: number;
  recorded?: { amountPence: number; status: RealisedStatus };
  /** The baseline's annual spend less the year's, in the year of prices when there is an index. */
  seenPence?: number;
  status: EvidenceStatus;
  words: string;
}

export interface PartnerEvidence {
  bodyCode: string;
  baseline: PeriodSpend;
  years: EvidenceYear[];
}

export interface EvidenceInput {
  plan: Pick<BenefitsPlanInput, 'goLive' | 'baselineFrom' | 'baselineTo' | 'partners'>;
  spend: MonthSpend[];
  /** Each partner's months (yyyy-mm) with any published spend. */
  held: Map<string, Set<string>>;
  prices?: Prices | undefined;
  recorded: Pick<RealisedSaving, 'bodyCode' | 'year' | 'amountPence' | 'status'>[];
  /** The latest month that has begun: later years are not shown. */
  thisMonth: string;
  /** Why spend cannot be measured at all (a supplier the plan names is no longer held): every year says so. */
  unmeasurable?: string | undefined;
}

/** Per partner and year: planned, recorded, the change seen in spend, and what it amounts to. */
export function benefitsEvidence(e: EvidenceInput, pounds: (pence: number) => string): PartnerEvidence[] {
  const byBody = new Map<string, Map<string, number>>();
  for (const s of e.spend) {
    const months = byBody.get(s.bodyCode) ?? new Map<string, number>();
    months.set(s.month, (months.get(s.month) ?? 0) + s.amountPence);
    byBody.set(s.bodyCode, months);
  }
  const inPrices = e.prices ? ` in ${e.prices.year} prices` : '';
  return e.plan.partners.map((partner) => {
    const spent = byBody.get(partner.bodyCode) ?? new Map<string, number>();
    const held = e.held.get(partner.bodyCode) ?? new Set<string>();
    const period = (from: string, to: string): PeriodSpend => {
      let [months, cash, real] = [0, 0, 0];
      let restated = e.prices !== undefined;
      for (let m = from; m <= to; m = addMonths(m, 1)) {
        if (!held.has(m)) continue;
        months++;
        const paid = spent.get(m) ?? 0;
        cash += paid;
        const factor = e.prices?.factor(m);
        if (factor === undefined) restated = false;
        else real += paid * factor;
      }
      return {
        from,
        to,
        monthsHeld: months,
        spendPence: cash,
        ...(months ? { annualPence: Math.round((cash * 12) / months) } : {}),
        ...(months && restated ? { realAnnualPence: Math.round((real * 12) / months) } : {}),
      };
    };
    const baseline = period(e.plan.baselineFrom, e.plan.baselineTo);
    const years: EvidenceYear[] = [];
    for (let year = 1; year <= partner.plannedPence.length; year++) {
      const from = addMonths(e.plan.goLive, 12 * (year - 1));
      if (from > e.thisMonth) break;
      const spend = period(from, addMonths(from, 11));
      const plannedPence = partner.plannedPence[year - 1] as number;
      const recorded = e.recorded.find((r) => r.bodyCode === partner.bodyCode && r.year === year);
      const before = e.prices ? baseline.realAnnualPence : baseline.annualPence;
      const after = e.prices ? spend.realAnnualPence : spend.annualPence;
      const seenPence = before !== undefined && after !== undefined ? before - after : undefined;
      const { status, words } = e.unmeasurable
        ? { status: 'no-data' as const, words: e.unmeasurable }
        : judge(plannedPence, seenPence, baseline, spend, inPrices, pounds);
      years.push({
        year,
        spend,
        plannedPence,
        ...(recorded ? { recorded: { amountPence: recorded.amountPence, status: recorded.status } } : {}),
        // Without data there is no change seen, not a change of nothing.
        ...(seenPence !== undefined && status !== 'no-data' ? { seenPence } : {}),
        status,
        words,
      });
    }
    return { bodyCode: partner.bodyCode, baseline, years };
  });
}

function judge(
  planned: number,
  seen: number | undefined,
  baseline: PeriodSpend,
  year: PeriodSpend,
  inPrices: string,
  pounds: (pence: number) => string,
): { status: EvidenceStatus; words: string } {
  if (!baseline.monthsHeld) return { status: 'no-data', words: 'No spend published for the baseline period' };
  if (!baseline.spendPence)
    return { status: 'no-data', words: 'Nothing was paid for what the plan measures in the baseline period' };
  if (!year.monthsHeld) return { status: 'no-data', words: 'No spend published for this year yet' };
  if (seen === undefined)
    return { status: 'no-data', words: 'The price index does not reach back to these months' };
  const change =
    seen >= 0
      ? `Spend fell by ${pounds(seen)} a year${inPrices}`
      : `Spend rose by ${pounds(-seen)} a year${inPrices}`;
  const over = year.monthsHeld < 12 ? ` (over ${year.monthsHeld} months published)` : '';
  if (planned > 0) {
    if (seen < 0)
      return {
        status: 'contradicted',
        words: `${change}${over}, against a planned fall of ${pounds(planned)}`,
      };
    if (seen >= EVIDENCE_SHARE * planned)
      return { status: 'evidenced', words: `${change}${over}: at least half the ${pounds(planned)} planned` };
    return {
      status: 'not-yet-visible',
      words: `${change}${over}: less than half the ${pounds(planned)} planned`,
    };
  }
  // A partner planned to spend more (the host of a shared contract) is contradicted only beyond its plan.
  if (seen < planned)
    return {
      status: 'contradicted',
      words: `${change}${over}, more than the ${pounds(-planned)} rise planned`,
    };
  return { status: 'evidenced', words: `${change}${over}, within the plan` };
}
